"""docs/legal-map.md maps each legal duty to the test that shows it: every test it names must exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEGAL_MAP = ROOT / "docs" / "legal-map.md"
REFERENCE = re.compile(r"`(tests/[\w/]+(?:\.py)?/?)(?:::(\w+))?`")


def test_every_test_the_legal_map_names_exists():
    text = LEGAL_MAP.read_text(encoding="utf-8")
    references = REFERENCE.findall(text)
    assert len(references) > 40, "the map should name the tests of every duty"
    missing = []
    for path, function in references:
        target = ROOT / path
        if not target.exists():
            missing.append(path)
        elif function and not re.search(rf"^def {function}\(", target.read_text(encoding="utf-8"), re.MULTILINE):
            missing.append(f"{path}::{function}")
    assert not missing, f"docs/legal-map.md names tests that do not exist: {missing}"


def test_every_section_of_the_law_and_the_readme_link_are_there():
    text = LEGAL_MAP.read_text(encoding="utf-8")
    for heading in ("## Lag (2023:196)", "## GDPR", "## DOS-lagen (2018:1937)"):
        assert heading in text
    assert "docs/legal-map.md" in (ROOT / "README.md").read_text(encoding="utf-8")
