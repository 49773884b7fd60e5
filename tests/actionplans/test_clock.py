from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actionplans.clock import DUE, MISSING, OVERDUE, VALID, add_months, clock_state
from actionplans.models import ActionPlan
from situation.models import SituationPicture
from tests.factories import MunicipalityFactory


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2025, 9, 14), VALID),  # the day before "due" starts
        (date(2025, 9, 16), DUE),
        (date(2026, 3, 14), DUE),  # the day before expiry
        (date(2026, 3, 15), DUE),  # expiry day: still within the cycle
        (date(2026, 3, 16), OVERDUE),  # the day after
    ],
)
def test_clock_states_at_the_boundaries(today, state):
    assert clock_state(date(2024, 3, 15), 24, today).state == state


def test_expiry_of_a_leap_day_adoption_is_clamped_to_the_month_end():
    assert add_months(date(2024, 2, 29), 24) == date(2026, 2, 28)
    assert add_months(date(2024, 2, 29), 48) == date(2028, 2, 29)
    state = clock_state(date(2024, 2, 29), 24, date(2026, 2, 28))
    assert state.state == DUE and state.expires_on == date(2026, 2, 28)
    assert clock_state(date(2024, 2, 29), 24, date(2026, 3, 1)).state == OVERDUE


def test_interval_is_per_municipality_and_missing_when_never_adopted():
    assert clock_state(None, 24, date(2026, 1, 1)).state == MISSING
    assert clock_state(date(2025, 1, 10), 12, date(2026, 1, 11)).state == OVERDUE
    assert clock_state(date(2025, 1, 10), 36, date(2026, 1, 11)).state == VALID


@pytest.mark.django_db
def test_overview_lists_every_municipality_with_both_states_in_constant_queries(client):
    def adopt(municipality, picture_on=None, plan_on=None):
        if picture_on:
            SituationPicture.objects.create(
                municipality=municipality,
                title="L",
                period_start=date(2023, 1, 1),
                period_end=date(2023, 12, 31),
                status="adopted",
                adopted_at=picture_on,
            )
        if plan_on:
            ActionPlan.objects.create(
                municipality=municipality,
                title="P",
                period_start=date(2024, 1, 1),
                period_end=date(2025, 12, 31),
                status="adopted",
                body="ks",
                decision_date=plan_on,
            )

    a = MunicipalityFactory(name="Aby", slug="aby", county="06")
    MunicipalityFactory(name="Beby", slug="beby", county="17")
    adopt(a, picture_on=date(2020, 1, 1), plan_on=date(2020, 2, 1))
    with CaptureQueriesContext(connection) as small:
        client.get("/oversikt/")
    for n in range(20):
        adopt(MunicipalityFactory(name=f"Kommun {n:02d}", slug=f"k{n}", county="14"), picture_on=date.today())
    with CaptureQueriesContext(connection) as large:
        response = client.get("/oversikt/")
    assert len(small.captured_queries) == len(large.captured_queries)
    page = response.content.decode()
    assert page.count('<th scope="row">') == 22
    assert "Försenad" in page and "Saknas" in page and "Giltig" in page
    filtered = client.get("/oversikt/?lan=17").content.decode()
    assert "Beby" in filtered and "Aby" not in filtered
    urgent = client.get("/oversikt/?sortera=lagesbild").content.decode()
    assert urgent.index("Aby") < urgent.index("Beby") < urgent.index("Kommun 00")
