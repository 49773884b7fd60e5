"""Reads of action plans and the statutory clock."""

from datetime import date

from django.db.models import Max, Q

from actionplans.clock import ClockState, clock_state
from councils.models import County, Municipality


def municipalities_with_clock(*, today: date, queryset=None):
    """Every municipality with `.picture_clock` and `.plan_clock`, in two queries whatever their number."""
    queryset = queryset if queryset is not None else Municipality.objects.public()
    rows = list(
        queryset.annotate(
            picture_adopted=Max("situation_pictures__adopted_at", filter=Q(situation_pictures__status="adopted")),
            plan_adopted=Max(
                "action_plans__decision_date", filter=Q(action_plans__status__in=["adopted", "superseded"])
            ),
        ).order_by("name")
    )
    labels = dict(County.choices)
    for row in rows:
        row.picture_clock = clock_state(row.picture_adopted, row.revision_interval_months, today)
        row.plan_clock = clock_state(row.plan_adopted, row.revision_interval_months, today)
        row.county_label = labels.get(row.county, row.county)
    return rows


def municipality_clock(*, municipality: Municipality, today: date) -> tuple[ClockState, ClockState]:
    row = municipalities_with_clock(today=today, queryset=Municipality.objects.filter(pk=municipality.pk))[0]
    return row.picture_clock, row.plan_clock
