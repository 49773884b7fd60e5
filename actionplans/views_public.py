from datetime import date

from django.utils import timezone
from django.views.generic import TemplateView

from actionplans import selectors
from actionplans.clock import DUE, MISSING, OVERDUE, VALID
from core.public_cache import PublicPageCacheMixin
from councils.models import County

STATE_ORDER = {OVERDUE: 0, MISSING: 1, DUE: 2, VALID: 3}
EARLIEST = date.min


def _by_state(attribute):
    def key(row):
        clock = getattr(row, attribute)
        return (STATE_ORDER[clock.state], clock.expires_on or EARLIEST, row.name)

    return key


SORTS = {
    "namn": lambda row: row.name,
    "lan": lambda row: (row.county_label, row.name),
    "lagesbild": _by_state("picture_clock"),
    "plan": _by_state("plan_clock"),
}


class NationalOverviewView(PublicPageCacheMixin, TemplateView):
    """Which municipalities keep the statutory cycle: public, aggregate, sortable and filterable by county."""

    template_name = "actionplans/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        rows = selectors.municipalities_with_clock(today=today)
        county = self.request.GET.get("lan", "")
        if county in dict(County.choices):
            rows = [row for row in rows if row.county == county]
        else:
            county = ""
        sort = self.request.GET.get("sortera", "namn")
        if sort not in SORTS:
            sort = "namn"
        rows.sort(key=SORTS[sort])
        context.update(
            rows=rows,
            counties=County.choices,
            county=county,
            sort=sort,
            today=today,
            picture_totals={s: sum(1 for r in rows if r.picture_clock.state == s) for s in STATE_ORDER},
            plan_totals={s: sum(1 for r in rows if r.plan_clock.state == s) for s in STATE_ORDER},
        )
        return context
