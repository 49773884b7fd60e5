"""Demo data: a year of council and EST meetings per demo municipality, with minutes and attendance."""

import itertools
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from councils.models import AgendaItem, Attendance, Decision, Meeting

pytestmark = pytest.mark.django_db

DEMO_SLUGS = ("vaggeryd", "vara", "hjo", "hagfors")


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo")


def _counts():
    return tuple(model.objects.count() for model in (Meeting, AgendaItem, Attendance, Decision))


def test_seed_demo_gives_each_demo_municipality_a_year_of_meetings_once(seeded):
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first, "running seed_demo again must not add meetings"
    now = timezone.now()
    for slug in DEMO_SLUGS:
        meetings = Meeting.objects.filter(municipality__slug=slug)
        council = meetings.filter(kind="council").order_by("starts_at")
        assert council.count() == 4, slug
        held, upcoming = [m for m in council if m.ends_at < now], [m for m in council if m.starts_at > now]
        assert len(held) == 3 and len(upcoming) == 1, slug
        assert all(m.minutes_public for m in held), slug
        assert upcoming[0].agenda_items.count() >= 5 and upcoming[0].minutes_status == "none", slug
        est = list(meetings.filter(kind="est").order_by("starts_at"))
        assert len(est) >= 26, slug
        local = [timezone.localtime(m.starts_at) for m in est]
        assert {b.date() - a.date() for a, b in itertools.pairwise(local)} == {timedelta(weeks=2)}
        assert {d.hour for d in local} == {9}
        assert all(m.attendance.exists() and m.minutes_approved for m in est if m.ends_at < now), slug
        assert meetings.last().starts_at > now - timedelta(days=366)


def test_demo_decisions_create_measures_that_link_back_and_closed_items_stay_internal(client, seeded):
    decision = Decision.objects.filter(measure__isnull=False, meeting__municipality__slug="vaggeryd").get()
    assert decision.measure.origin_meeting == decision.meeting
    meeting = decision.meeting
    page = client.get(
        reverse("councils:public-minutes", kwargs={"kommun": "vaggeryd", "pk": meeting.pk})
    ).content.decode()
    assert decision.measure.title in page and "Polisens lägesbild" in page
    assert "Enskilda ärenden" not in page and "återkomma i ärendet" not in page
    assert (
        reverse("councils:public-minutes", kwargs={"kommun": "vaggeryd", "pk": meeting.pk})
        in client.get("/vaggeryd/").content.decode()
    )
