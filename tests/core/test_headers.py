"""Security headers on every page, and no inline code in what browsers load.

Every URL of the permission matrix, requested as a role it answers, carries a Content-Security-Policy without
'unsafe-inline' or 'unsafe-eval' for scripts and styles, X-Content-Type-Options, Referrer-Policy,
Permissions-Policy, Cross-Origin-Opener-Policy and X-Frame-Options; and its HTML has no style attribute, style
element, inline script or event-handler attribute, all of which that policy refuses. The templates themselves
are checked too, for the parts of pages the matrix's data does not reach.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from core.security import PermissionsPolicyMiddleware, map_tile_sources, permissions_policy_header
from tests.conftest import ROLES
from tests.councils.test_permissions import ACCEPTED, MATRIX, OK, matrix_tenant  # noqa: F401 (a fixture)

ROOT = Path(settings.BASE_DIR)
# Rendered by WeasyPrint only (core.pdf), never sent to a browser: they may style elements inline.
PDF_ONLY = re.compile(r"(^|/)(pdf_base|\w+_pdf)\.html$")
# Script types a browser does not run (json_script's data islands).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
PERMISSIONS_POLICY = permissions_policy_header(settings.PERMISSIONS_POLICY)
UNSAFE_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:"}


def _csp_directives(header: str) -> dict[str, list[str]]:
    parts = (directive.split() for directive in header.split(";") if directive.strip())
    return {name: sources for name, *sources in parts}


def _header_problems(response) -> list[str]:
    """What is missing or too lax in a response's security headers (empty when all is well)."""
    csp = _csp_directives(response.get("Content-Security-Policy", ""))
    expected = {
        "Content-Security-Policy default-src": (csp.get("default-src"), ["'self'"]),
        "Content-Security-Policy object-src": (csp.get("object-src"), ["'none'"]),
        "Content-Security-Policy base-uri": (csp.get("base-uri"), ["'self'"]),
        "Content-Security-Policy form-action": (csp.get("form-action"), ["'self'"]),
        "Content-Security-Policy frame-ancestors": (csp.get("frame-ancestors"), ["'none'"]),
        "X-Content-Type-Options": (response.get("X-Content-Type-Options"), "nosniff"),
        "Referrer-Policy": (response.get("Referrer-Policy"), "same-origin"),
        "Cross-Origin-Opener-Policy": (response.get("Cross-Origin-Opener-Policy"), "same-origin"),
        "X-Frame-Options": (response.get("X-Frame-Options"), "DENY"),
        "Permissions-Policy": (response.get("Permissions-Policy"), PERMISSIONS_POLICY),
    }
    problems = [f"{name} is {got!r}, expected {want!r}" for name, (got, want) in expected.items() if got != want]
    for directive in ("script-src", "style-src"):
        sources = csp.get(directive)
        if not sources or UNSAFE_SOURCES & set(sources):
            problems.append(f"Content-Security-Policy {directive} is {sources!r}")
    return problems


class InlineCodeFinder(HTMLParser):
    """Collects what a strict Content-Security-Policy refuses: style attributes and elements, scripts written
    into the page, event-handler attributes and javascript: links."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        line = self.getpos()[0]
        if tag == "style":
            self.found.append(f"line {line}: <style> element")
        if tag == "script" and not attributes.get("src") and attributes.get("type") not in DATA_SCRIPT_TYPES:
            self.found.append(f"line {line}: inline <script>")
        for name, value in attrs:
            if name == "style":
                self.found.append(f"line {line}: style attribute on <{tag}>")
            elif name.startswith("on"):
                self.found.append(f"line {line}: event handler {name} on <{tag}>")
            elif (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"line {line}: javascript: URL in {name} of <{tag}>")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.found


# ---- every URL of the permission matrix ----


def _role_to_ask(expected) -> str:
    """The first role the matrix says gets the page (200, or 202 for a PDF being rendered); else the superuser,
    whose answer (a redirect, 404 or 405) must carry the headers all the same."""
    return next((role for role, outcome in zip(ROLES, expected, strict=True) if outcome in (OK, ACCEPTED)), "superuser")


@pytest.mark.django_db
def test_every_url_of_the_matrix_sends_the_security_headers_and_no_inline_code(matrix_tenant):  # noqa: F811
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        if matrix_tenant.users[role] is not None:
            clients[role].force_login(matrix_tenant.users[role])
    failures, html_pages = [], 0
    for name, (make_kwargs, expected) in sorted(MATRIX.items()):
        url = reverse(name, kwargs=make_kwargs(matrix_tenant))
        response = clients[_role_to_ask(expected)].get(url)
        problems = _header_problems(response)
        if response.get("Content-Type", "").startswith("text/html"):
            html_pages += 1
            problems += inline_code(response.content.decode())
        failures += [f"{name} ({url}, {response.status_code}): {problem}" for problem in problems]
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)
    # The walk reached the pages themselves, not only redirects and JSON.
    assert html_pages > len(MATRIX) / 2


@pytest.mark.django_db
def test_an_error_page_sends_the_security_headers_too(client):
    response = client.get("/finns-inte/alls/")
    assert response.status_code == 404
    assert _header_problems(response) == []
    assert inline_code(response.content.decode()) == []


# ---- the templates ----


def _templates():
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    return sorted(path for folder in folders for path in folder.rglob("*.html") if ".venv" not in path.parts)


def _without_template_comments(source: str) -> str:
    source = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", source, flags=re.DOTALL)
    return re.sub(r"{#.*?#}", "", source)


@pytest.mark.parametrize(
    "path", [path for path in _templates() if not PDF_ONLY.search(path.as_posix())], ids=lambda path: path.name
)
def test_templates_served_to_browsers_have_no_inline_styles_scripts_or_handlers(path):
    source = _without_template_comments(path.read_text(encoding="utf-8"))
    assert inline_code(source) == []
    # Template tags inside a tag (e.g. {% if %}style="…"{% endif %}) hide it from the parser above.
    assert not re.search(r"""\sstyle\s*=\s*["']""", source)


def _python_sources():
    return [path for path in ROOT.glob("*/**/*.py") if path.parts[len(ROOT.parts)] not in {".venv", "tests", "bench"}]


def test_pdf_only_templates_are_pdf_documents_handed_only_to_weasyprint():
    pdf_templates = [path for path in _templates() if PDF_ONLY.search(path.as_posix())]
    assert len(pdf_templates) >= 5
    names = {path.name for path in pdf_templates}
    for path in pdf_templates:
        if path.name != "pdf_base.html":
            assert '{% extends "pdf_base.html" %}' in path.read_text(encoding="utf-8"), path
    users = {}
    for source in _python_sources():
        text = source.read_text(encoding="utf-8")
        if any(name in text for name in names):
            users[source.relative_to(ROOT).as_posix()] = "render_pdf" in text or "html_to_pdf" in text
    assert len(users) >= 5, users
    # Each module that names one renders it to PDF (core.pdf); none is a view's template.
    assert all(users.values()), users


def test_the_checker_finds_each_kind_of_inline_code():
    """The template and page checks above would pass vacuously if the finder missed what it looks for."""
    page = (
        '<p style="color: red">x</p><style>p {}</style><script>alert(1)</script>'
        '<button onclick="go()">x</button><a href="javascript:go()">x</a>'
        '<script src="/static/js/copy.js"></script><script type="application/json">{}</script>'
    )
    found = inline_code(page)
    assert [problem.split(": ", 1)[1] for problem in found] == [
        "style attribute on <p>",
        "<style> element",
        "inline <script>",
        "event handler onclick on <button>",
        "javascript: URL in href of <a>",
    ]


# ---- the policy's parts ----


def test_the_policy_allows_the_map_tile_host_only_when_tiles_are_configured():
    assert map_tile_sources("") == []
    assert map_tile_sources("https://karta.kommun.example/tiles/{z}/{x}/{y}.png") == ["https://karta.kommun.example"]
    assert map_tile_sources("https://{s}.tiles.example:8443/{z}/{x}/{y}.png") == ["https://*.tiles.example:8443"]
    img_src = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]
    assert img_src == ["'self'", "data:", *map_tile_sources(settings.MAP_TILE_URL)]


def test_permissions_policy_turns_off_camera_and_microphone_and_keeps_location_for_the_portal():
    header = permissions_policy_header(settings.PERMISSIONS_POLICY)
    features = dict(part.split("=", 1) for part in header.split(", "))
    assert features["camera"] == features["microphone"] == features["payment"] == features["usb"] == "()"
    # The EST report form's "use my position" (static/js/report.js).
    assert features["geolocation"] == "(self)"
    assert permissions_policy_header({"fullscreen": ["self", "https://karta.example"]}) == (
        'fullscreen=(self "https://karta.example")'
    )


def test_permissions_policy_middleware_adds_the_header_and_keeps_one_a_view_set(rf):
    plain = PermissionsPolicyMiddleware(lambda request: HttpResponse())(rf.get("/"))
    assert plain["Permissions-Policy"] == permissions_policy_header(settings.PERMISSIONS_POLICY)
    own = HttpResponse(headers={"Permissions-Policy": "fullscreen=(self)"})
    assert PermissionsPolicyMiddleware(lambda request: own)(rf.get("/"))["Permissions-Policy"] == "fullscreen=(self)"
