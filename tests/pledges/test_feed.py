"""/<kommun>/flode.xml: the Atom feed of what a municipality published."""

from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pledges import services
from pledges.models import CitizenPledge, FollowUp, FollowUpRevision
from tests.factories import MunicipalityFactory
from tests.pledges.factories import (
    ActivityFactory,
    FocusAreaFactory,
    PledgeFactory,
    correct_follow_up,
    fill_rows,
    publish_follow_up,
    published_pledge,
)

pytestmark = pytest.mark.django_db

DAY = datetime(2024, 5, 2, 10, 0, tzinfo=UTC)


def feed_url(slug="testkoping"):
    return reverse("pledges:feed", kwargs={"kommun": slug})


def fetch(client, slug="testkoping", **headers):
    response = client.get(feed_url(slug), **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def published_on(obj, when):
    type(obj).objects.filter(pk=obj.pk).update(published_at=when)


@pytest.fixture
def history(tenant):
    """A pledge published on day 0, T1 on day 10, T2 on day 20 and a correction of T1 on day 30."""
    pledge = published_pledge(by=tenant.coordinator, municipalities=[tenant.municipality], title="Tryggare Testköping")
    published_on(pledge, DAY)
    t1 = publish_follow_up(pledge, 2024, 1, narrative="Två vandringar.")
    published_on(t1, DAY + timedelta(days=10))
    t2 = publish_follow_up(pledge, 2024, 2, narrative="Tre vandringar.")
    published_on(t2, DAY + timedelta(days=20))
    correction = correct_follow_up(t1, note="Fel antal vandringar.", narrative="Tre vandringar, inte två.")
    published_on(correction, DAY + timedelta(days=30))
    return pledge


def test_feed_is_valid_atom_in_swedish_naming_the_municipality(client, history):
    parsed = fetch(client)
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Brottsförebyggande arbete i Testköping"
    assert parsed.feed.subtitle == "Medborgarlöften och uppföljningar som polisen och Testköping har publicerat."
    assert parsed.feed.language == "sv"
    assert parsed.feed.author == "Testköping"
    assert parsed.feed.link == "http://testserver/testkoping/"
    assert {link.href for link in parsed.feed.links if link.rel == "self"} == {"http://testserver/testkoping/flode.xml"}
    assert parsed.feed.updated_parsed[:3] == (2024, 6, 1)


def test_entries_are_the_pledge_and_each_follow_up_revision_newest_first_with_links(client, history):
    pledge_page = f"http://testserver/testkoping/medborgarloften/{history.pk}/"
    entries = fetch(client).entries
    assert [(entry.title, entry.link) for entry in entries] == [
        ("Uppföljning T1 2024, rättad: Tryggare Testköping", f"{pledge_page}uppfoljning/2024-t1/"),
        ("Uppföljning T2 2024: Tryggare Testköping", f"{pledge_page}uppfoljning/2024-t2/"),
        ("Uppföljning T1 2024: Tryggare Testköping", f"{pledge_page}uppfoljning/2024-t1/"),
        ("Medborgarlöfte: Tryggare Testköping", pledge_page),
    ]
    assert [entry.published_parsed[:3] for entry in entries] == [
        (2024, 6, 1),
        (2024, 5, 22),
        (2024, 5, 12),
        (2024, 5, 2),
    ]
    assert len({entry.id for entry in entries}) == 4, "every revision is an entry of its own"
    assert "Fel antal vandringar." in entries[0].summary
    assert "Invånarna upplever otrygghet" in entries[3].summary
    for entry in entries:
        assert client.get(entry.link).status_code == 200, entry.link


def test_entry_ids_stay_the_same_from_one_fetch_to_the_next(client, history):
    assert [e.id for e in fetch(client).entries] == [e.id for e in fetch(client).entries]


def test_feed_leaves_out_drafts_unpublished_follow_ups_and_draft_corrections(client, history, tenant):
    draft = PledgeFactory(municipalities=[tenant.municipality], title="Hemligt utkast", background="Utkasttext")
    ActivityFactory(focus_area=FocusAreaFactory(pledge=draft, title="Utkastområde"))
    t3 = FollowUp.objects.get(pledge=history, year=2024, tertial=3)
    fill_rows(t3, narrative="Ej godkänd T3-text")
    services.follow_up_submit(follow_up=t3, by=tenant.coordinator)
    t2 = FollowUpRevision.objects.get(follow_up__tertial=2).follow_up
    services.follow_up_reopen(follow_up=t2, by=tenant.coordinator)
    fill_rows(FollowUp.objects.get(pk=t2.pk), narrative="Utkast till rättelse")
    published_pledge(municipalities=[tenant.other_municipality], title="Grannbys löfte")

    body = client.get(feed_url()).content.decode()
    for secret in ("Hemligt utkast", "Utkasttext", "Utkastområde", "T3 2024", "Ej godkänd", "Utkast till rättelse"):
        assert secret not in body
    assert "Grannbys löfte" not in body
    assert len(fetch(client).entries) == 4


def test_a_pledge_of_two_municipalities_is_in_both_feeds_with_links_under_each(client, tenant):
    pledge = published_pledge(municipalities=[tenant.municipality, tenant.other_municipality], title="Gemensamt")
    for slug in ("testkoping", "grannby"):
        [entry] = fetch(client, slug).entries
        assert entry.link == f"http://testserver/{slug}/medborgarloften/{pledge.pk}/"


def test_unknown_and_unpublished_municipalities_have_no_feed(client, db):
    hidden = MunicipalityFactory(name="Doldby", slug="doldby", is_published=False)
    published_pledge(municipalities=[hidden], title="Doldbys löfte")
    assert client.get(feed_url("finns-inte")).status_code == 404
    assert client.get(feed_url("doldby")).status_code == 404


def test_feed_holds_the_50_newest_entries(client, tenant):
    pledge = published_pledge(municipalities=[tenant.municipality])
    published_on(pledge, DAY)
    first = publish_follow_up(pledge, 2024, 1)
    published_on(first, DAY + timedelta(days=1))
    FollowUpRevision.objects.bulk_create(
        FollowUpRevision(
            follow_up=first.follow_up,
            number=number,
            published_at=DAY + timedelta(days=number),
            correction_note=f"Rättelse {number}",
            content=first.content,
        )
        for number in range(2, 61)
    )
    entries = fetch(client).entries
    assert len(entries) == 50
    assert entries[0].summary.startswith("<p>Vad som rättades: Rättelse 60")
    assert entries[-1].summary.startswith("<p>Vad som rättades: Rättelse 11")


def test_markup_typed_into_a_pledge_is_shown_as_text_not_run(client, tenant):
    pledge = PledgeFactory(municipalities=[tenant.municipality], background='<script>alert("x")</script> & mer')
    for _ in range(2):
        ActivityFactory(focus_area=FocusAreaFactory(pledge=pledge))
    services.pledge_publish(pledge=pledge, by=None)
    [entry] = fetch(client).entries
    assert "&lt;script&gt;" in entry.summary
    assert "<script>" not in client.get(feed_url()).content.decode()


def test_feed_is_in_swedish_whatever_language_the_reader_asks_for(client, history):
    parsed = fetch(client, HTTP_ACCEPT_LANGUAGE="en")
    assert parsed.feed.title == "Brottsförebyggande arbete i Testköping"
    assert parsed.entries[0].title.startswith("Uppföljning T1 2024, rättad")


def test_feed_costs_the_same_number_of_queries_for_2_or_10_pledges(client, tenant):
    def add_pledges(count):
        for _ in range(count):
            pledge = published_pledge(municipalities=[tenant.municipality])
            correct_follow_up(publish_follow_up(pledge, 2024, 1), note="Rättat.")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(feed_url()).status_code == 200
        return len(ctx.captured_queries)

    add_pledges(2)
    with_two = queries()
    add_pledges(8)
    with_ten = queries()
    assert with_two == with_ten
    assert len(fetch(client).entries) == 30
    assert CitizenPledge.objects.public().count() == 10
