"""Finds personal data in free text: personal identity and co-ordination numbers (checksum-checked), phone
numbers and vehicle registration plates. Incidents are about places and situations, never individuals."""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MASK = "[…]"

# 6 or 8 digit date, optional - or +, four digits.
_ID_NUMBER = re.compile(r"(?<![\d])(?:(\d{2}))?(\d{2})(\d{2})(\d{2})\s?([-+]?)\s?(\d{4})(?![\d])")
_PHONE = re.compile(r"(?<![\w+])(?:\+46|0046|0)[\s-]?\(?0?\)?[1-9](?:[\s-]?\d){5,9}(?![\d])")
_PLATE = re.compile(r"\b[A-HJ-PR-UW-Z]{3}[\s-]?\d{2}[A-HJ-PR-UW-Z\d]\b", re.IGNORECASE)

KIND_LABELS = {
    "personnummer": _("a personal identity number"),
    "samordningsnummer": _("a co-ordination number"),
    "phone": _("a phone number"),
    "plate": _("a vehicle registration number"),
}


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    start: int
    end: int


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _id_kind(match: re.Match) -> str | None:
    century, yy, mm, dd, _sep, tail = match.groups()
    month, day = int(mm), int(dd)
    kind = "personnummer"
    if day > 60:
        kind, day = "samordningsnummer", day - 60
    # Without the century any year will do for the date check; 2000 was a leap year, so 29 February passes.
    year = int(century + yy) if century else 2000
    try:
        date(year, month, day)
    except ValueError:
        return None
    if not _luhn_ok(yy + mm + dd + tail):
        return None
    return kind


def find_personal_data(text: str) -> list[Finding]:
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def free(start, end):
        return all(end <= s or start >= e for s, e in taken)

    for match in _ID_NUMBER.finditer(text):
        kind = _id_kind(match)
        if kind:
            findings.append(Finding(kind, match.group(0), match.start(), match.end()))
            taken.append(match.span())
    for kind, pattern in (("phone", _PHONE), ("plate", _PLATE)):
        for match in pattern.finditer(text):
            if free(*match.span()):
                findings.append(Finding(kind, match.group(0).strip(), match.start(), match.end()))
                taken.append(match.span())
    return sorted(findings, key=lambda f: f.start)


def mask_personal_data(text: str) -> str:
    for finding in reversed(find_personal_data(text)):
        text = text[: finding.start] + MASK + text[finding.end :]
    return text


def validate_no_personal_data(text: str):
    """Refuse text that names individuals through numbers; the message says what was found, and where."""
    findings = find_personal_data(text or "")
    if findings:
        found = "; ".join(f"{KIND_LABELS[f.kind]} (”{f.text}”)" for f in findings)
        raise ValidationError(
            _(
                "The text contains %(found)s. Reports are about places and situations, never individuals: "
                "remove it, or tick “Remove personal data for me”."
            ),
            code="personal_data",
            params={"found": found},
        )
