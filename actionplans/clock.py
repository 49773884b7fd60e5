"""The statutory clock (Lag 2023:196): the lägesbild and the action plan are renewed at least every
`revision_interval_months` (default 24). A document is valid through its expiry date; it is "due" within
six months before it, "overdue" from the day after, "missing" when none was ever adopted."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from core.periods import add_months

VALID, DUE, OVERDUE, MISSING = "valid", "due", "overdue", "missing"
STATE_LABELS = {
    VALID: _("Valid"),
    DUE: _("Due for renewal within 6 months"),
    OVERDUE: _("Overdue"),
    MISSING: _("Missing"),
}
DUE_MONTHS = 6


@dataclass(frozen=True)
class ClockState:
    state: str
    adopted_on: date | None
    expires_on: date | None

    @property
    def label(self):
        return STATE_LABELS[self.state]

    @property
    def days_left(self) -> int | None:
        return None if self.expires_on is None else (self.expires_on - date.today()).days


def clock_state(adopted_on: date | None, interval_months: int, today: date) -> ClockState:
    if adopted_on is None:
        return ClockState(MISSING, None, None)
    expires = add_months(adopted_on, interval_months)
    if today > expires:
        state = OVERDUE
    elif today > add_months(expires, -DUE_MONTHS):
        state = DUE
    else:
        state = VALID
    return ClockState(state, adopted_on, expires)
