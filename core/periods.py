"""Tertials: the four-month periods that follow-ups are reported in (T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec)."""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

TERTIAL_MONTHS = {1: (1, 4), 2: (5, 8), 3: (9, 12)}
TERTIAL_NAMES = {1: _("January–April"), 2: _("May–August"), 3: _("September–December")}
SLUG_RE = re.compile(r"^(?P<year>\d{4})-t(?P<n>[123])$")
# A tertial's follow-up is due this many days after the tertial ends (reminders and calendar feeds).
FOLLOW_UP_DUE_DAYS = 30


@dataclass(frozen=True, order=True)
class Tertial:
    year: int
    n: int

    def __post_init__(self):
        if self.n not in TERTIAL_MONTHS:
            raise ValueError(f"A tertial is 1, 2 or 3, not {self.n}")

    @classmethod
    def containing(cls, day: date) -> "Tertial":
        return cls(day.year, (day.month - 1) // 4 + 1)

    @classmethod
    def from_slug(cls, slug: str) -> "Tertial":
        match = SLUG_RE.match(slug)
        if not match:
            raise ValueError(f"Not a tertial: {slug!r}")
        return cls(int(match["year"]), int(match["n"]))

    @property
    def start(self) -> date:
        return date(self.year, TERTIAL_MONTHS[self.n][0], 1)

    @property
    def end(self) -> date:
        month = TERTIAL_MONTHS[self.n][1]
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def slug(self) -> str:
        return f"{self.year}-t{self.n}"

    @property
    def months_label(self):
        return TERTIAL_NAMES[self.n]

    def __str__(self):
        return f"T{self.n} {self.year}"

    def next(self) -> "Tertial":
        return Tertial(self.year + 1, 1) if self.n == 3 else Tertial(self.year, self.n + 1)

    def overlaps(self, start: date, end: date) -> bool:
        return self.start <= end and start <= self.end


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's end (29 February + 12 months → 28 February)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def tertials_between(start: date, end: date) -> list[Tertial]:
    """Every tertial that overlaps the period from `start` to `end`, both inclusive."""
    result = []
    current = Tertial.containing(start)
    while current.start <= end:
        result.append(current)
        current = current.next()
    return result


# A tertial's follow-up is due this many days after the tertial ends (reminders, calendar feeds).
FOLLOW_UP_DUE_DAYS = 30
