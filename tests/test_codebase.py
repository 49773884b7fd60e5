"""Checks of the code base as a whole: lint, migrations, and a complete Swedish translation."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PO_FILE = ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def test_ruff_finds_nothing_to_fix():
    ruff = Path(sys.executable).parent / "ruff"
    check = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = subprocess.run([ruff, "format", "--check", "."], cwd=ROOT, capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_models_and_migrations_are_in_step():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed (make test installs it)")
def test_every_string_has_a_swedish_translation_that_is_not_fuzzy(tmp_path):
    """Extracts the messages afresh from a copy of the source, so a new string missing from the catalogue fails."""
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "var", "staticfiles", "media", "node_modules", "vendor", "__pycache__", ".*_cache"
        ),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "sv", "--no-obsolete", "--no-location"],
        cwd=copy,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    catalogue = polib.pofile(str(copy / "locale" / "sv" / "LC_MESSAGES" / "django.po"))
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not missing, f"{len(missing)} strings have no Swedish translation: {missing[:20]}"
    assert not fuzzy, f"{len(fuzzy)} Swedish translations are marked fuzzy: {fuzzy[:20]}"


def test_compiled_swedish_catalogue_matches_the_source():
    """The committed .mo must hold what the .po says (make compiles it; a stale one shows English)."""
    compiled = polib.mofile(str(PO_FILE.with_suffix(".mo")))
    source = polib.pofile(str(PO_FILE))
    compiled_map = {(e.msgctxt, e.msgid): e.msgstr for e in compiled}
    stale = [
        e.msgid
        for e in source.translated_entries()
        if not e.msgid_plural and compiled_map.get((e.msgctxt, e.msgid)) != e.msgstr
    ]
    assert not stale, f"locale/sv/LC_MESSAGES/django.mo is out of date for: {stale[:10]}"
