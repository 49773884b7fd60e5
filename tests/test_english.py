"""English, the second language: the switch, its memory, and a UI with no Swedish left in it.

Source strings are English, so English needs no catalogue of its own; what can go wrong is text that never
reaches gettext (a word typed into a template, a Swedish literal in Python, a string translated once at import
time) and a switch that forgets. The Swedish side is checked in tests/test_codebase.py.
"""

import ast
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.test import Client
from django.urls import reverse

from tests.conftest import ROLES
from tests.councils.test_permissions import MATRIX, OK, matrix_tenant  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent
PO_FILE = ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.po"
WORD = re.compile(r"[^\W\d_]{2,}")
SWEDISH_LETTER = re.compile(r"[åäöÅÄÖ]")
# Names, not words: the same in both languages.
PROPER_NAMES = ("BRÅ-portalen",)
# Template blocks whose text is translated as a whole or never shown.
SKIPPED_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans", "comment": "endcomment"}
# Attributes a person reads or hears.
TEXT_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "aria-description", "aria-roledescription"}
# Literal samples (CSV columns, codes) are shown as they must be typed, in any language.
LITERAL_ELEMENTS = {"code", "pre", "kbd", "samp", "script", "style"}
# Python files whose Swedish literals are data, not interface: demo and seed content, the seed category list
# (each municipality edits its own), a street-address pattern, and the calendar product id.
SWEDISH_DATA_FILES = {
    "councils/demo.py",
    "pledges/demo.py",
    "situation/demo.py",
    "actionplans/demo.py",
    "situation/management/commands/seed_scale.py",
    "situation/categories.py",
    "situation/forms_reporting.py",
    "situation/analysis.py",
    "situation/walks.py",
    "councils/calendars.py",
    "bra_portal/settings.py",
}
GETTEXT_FUNCTIONS = {
    "_",
    "gettext",
    "gettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def _without_translated_parts(source: str) -> str:
    """The template's text with every tag and variable replaced by a space and translated blocks removed."""
    parts, skip_until = [], None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if skip_until:
                skip_until = None if name == skip_until else skip_until
            elif name in SKIPPED_BLOCKS:
                skip_until = SKIPPED_BLOCKS[name]
            parts.append(" ")
        elif skip_until is None:
            parts.append(token.contents if token.token_type == TokenType.TEXT else " ")
    return "".join(parts)


class _VisibleText(HTMLParser):
    """Collects the text and the readable attribute values of an HTML document, outside literal elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts = []
        self.literal_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in LITERAL_ELEMENTS:
            self.literal_depth += 1
        self.texts.extend(value for name, value in attrs if name in TEXT_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in LITERAL_ELEMENTS and self.literal_depth:
            self.literal_depth -= 1

    def handle_data(self, data):
        if not self.literal_depth:
            self.texts.append(data)


def _visible_texts(markup: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(markup)
    return parser.texts


def _templates():
    for path in sorted(ROOT.glob("*/templates/**/*")) + sorted(ROOT.glob("templates/**/*")):
        if path.suffix in (".html", ".txt") and ".venv" not in path.parts:
            yield path


def test_every_word_in_a_template_goes_through_translation():
    untranslated = []
    for path in _templates():
        for text in _visible_texts(_without_translated_parts(path.read_text(encoding="utf-8"))):
            for name in PROPER_NAMES:
                text = text.replace(name, " ")
            if WORD.search(text):
                untranslated.append(f"{path.relative_to(ROOT)}: {text.strip()[:60]!r}")
    assert not untranslated, "Text outside {% translate %} is shown in Swedish and English alike:\n" + "\n".join(
        untranslated
    )


def _swedish_literals(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    translated = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            function = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if function in GETTEXT_FUNCTIONS:
                translated.update(id(inner) for inner in ast.walk(node))
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            translated.add(id(node.value))  # docstrings
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and SWEDISH_LETTER.search(node.value)
            and id(node) not in translated
        ):
            yield node.lineno, node.value


def test_no_swedish_literal_reaches_the_interface_from_python():
    """Interface text in Python is English inside gettext; Swedish literals are allowed only in data files."""
    found = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {".venv", "tests", "bench", "var", "static"} or "migrations" in relative.parts:
            continue
        if relative.as_posix() in SWEDISH_DATA_FILES:
            continue
        found += [f"{relative}:{line}: {value[:60]!r}" for line, value in _swedish_literals(path)]
    assert not found, "Swedish text outside gettext:\n" + "\n".join(found)


def _swedish_phrases() -> set[str]:
    """Fragments of the Swedish translations long enough not to be data by chance (placeholders split them)."""
    phrases = set()
    for entry in polib.pofile(str(PO_FILE)).translated_entries():
        translations = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
        for translation in translations:
            for fragment in re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|\n", translation):
                fragment = fragment.strip(" .,:;–-“”\"'()")
                if len(fragment) >= 16 and fragment not in entry.msgid and " " in fragment:
                    phrases.add(fragment)
    return phrases


def _english_client(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def test_every_page_reads_in_english_with_no_swedish_interface_text(matrix_tenant):  # noqa: F811
    """Every URL of the permission matrix, as the first role that may read it, in English."""
    phrases = _swedish_phrases()
    assert len(phrases) > 500, "the Swedish catalogue should give many phrases to look for"
    clients, leaks, pages = {}, [], 0
    for name, (make_kwargs, outcomes) in sorted(MATRIX.items()):
        role = next((role for role, outcome in zip(ROLES, outcomes, strict=True) if outcome == OK), None)
        if role is None:
            continue
        if role not in clients:
            clients[role] = _english_client(matrix_tenant.users[role])
        response = clients[role].get(reverse(name, kwargs=make_kwargs(matrix_tenant)))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        body = response.content.decode()
        assert '<html lang="en"' in body, f"{name} is not marked as English"
        text = html.unescape(" ".join(_visible_texts(body)))
        leaks += [f"{name}: {phrase!r}" for phrase in phrases if phrase in text]
    assert pages > 60, f"only {pages} HTML pages were read"
    assert not leaks, f"{len(leaks)} Swedish phrases on English pages:\n" + "\n".join(sorted(leaks)[:40])


@pytest.mark.django_db
def test_the_language_switch_is_remembered_and_keeps_the_page(client):
    page = reverse("accessibility")
    swedish = client.get(page).content.decode()
    assert '<html lang="sv">' in swedish and "Hoppa till innehållet" in swedish
    assert 'name="language" value="en" lang="en"' in swedish

    response = client.post(reverse("set_language"), {"language": "en", "next": page})
    assert response.status_code == 302 and response["Location"] == page
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert int(cookie["max-age"]) >= 365 * 24 * 60 * 60, "the choice should outlive the browser session"

    english = client.get(page).content.decode()
    assert '<html lang="en">' in english and "Skip to content" in english
    assert 'name="language" value="sv" lang="sv"' in english

    client.post(reverse("set_language"), {"language": "sv", "next": page})
    assert '<html lang="sv">' in client.get(page).content.decode()


@pytest.mark.django_db
def test_a_switch_to_an_outside_address_stays_on_the_portal(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://example.org/"})
    assert response.status_code == 302 and "example.org" not in response["Location"]
