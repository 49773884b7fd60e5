"""The public part of the minutes: only public items and decisions, names only where allowed, on the
municipality's page, in a constant number of queries; the minutes PDF (internal and public) by WeasyPrint."""

import subprocess
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from councils import meetings_services as services
from councils.meetings_pdf import minutes_pdf_render
from councils.models import Meeting
from tests.councils.test_meetings import (
    CLOSED_TITLE,
    PUBLIC_TITLE,
    add_item,
    held_meeting,
    published_minutes,
    seat_members,
)

pytestmark = pytest.mark.django_db


def public_url(tenant, meeting, pdf=False):
    name = "councils:public-minutes-pdf" if pdf else "councils:public-minutes"
    return reverse(name, kwargs={"kommun": tenant.municipality.slug, "pk": meeting.pk})


def pdftotext(data: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def test_public_minutes_show_public_items_and_decisions_and_never_a_closed_item(client, tenant):
    meeting = published_minutes(tenant)
    page = client.get(public_url(tenant, meeting)).content.decode()
    assert PUBLIC_TITLE in page and "Rådet beslutade om en vandring." in page and "Vandring den 3 maj." in page
    assert CLOSED_TITLE not in page
    assert "Sekretess." not in page and "Polisen återkommer i ärendet." not in page
    assert "§ 2" not in page  # the closed decision's number is not shown either


def test_public_items_under_a_closed_item_stay_hidden(client, tenant):
    meeting = held_meeting(tenant)
    closed = add_item(meeting, tenant.coordinator, "Sekretessbelagt ärende", is_public=False)
    add_item(meeting, tenant.coordinator, "Underpunkt som råkar vara öppen", parent=closed)
    add_item(meeting, tenant.coordinator, "Öppen punkt")
    services.minutes_save(meeting=meeting, by=tenant.coordinator, text="", adjusters="", item_notes={})
    services.minutes_approve(meeting=meeting, by=tenant.coordinator)
    services.minutes_publish(meeting=meeting, by=tenant.coordinator)
    page = client.get(public_url(tenant, meeting)).content.decode()
    assert "Öppen punkt" in page
    assert "Sekretessbelagt ärende" not in page and "Underpunkt som råkar vara öppen" not in page


def test_attendance_names_only_members_who_allow_it(client, tenant):
    meeting = published_minutes(tenant)
    page = client.get(public_url(tenant, meeting)).content.decode()
    assert meeting.shown_member.name in page
    assert "Dold Ledamot" not in page
    assert tenant.organisation.name in page  # the hidden member appears by role and organisation


def test_general_notes_are_internal(client, tenant):
    meeting = held_meeting(tenant)
    add_item(meeting, tenant.coordinator, "Öppen punkt")
    services.minutes_save(
        meeting=meeting, by=tenant.coordinator, text="Intern anteckning om personalen", adjusters="", item_notes={}
    )
    services.minutes_approve(meeting=meeting, by=tenant.coordinator)
    services.minutes_publish(meeting=meeting, by=tenant.coordinator)
    assert "Intern anteckning om personalen" not in client.get(public_url(tenant, meeting)).content.decode()


def test_minutes_that_are_not_published_do_not_exist_for_residents(client, tenant):
    meeting = held_meeting(tenant)
    add_item(meeting, tenant.coordinator, "Punkt")
    services.minutes_save(meeting=meeting, by=tenant.coordinator, text="Text", adjusters="", item_notes={})
    assert client.get(public_url(tenant, meeting)).status_code == 404
    services.minutes_approve(meeting=meeting, by=tenant.coordinator)
    assert client.get(public_url(tenant, meeting)).status_code == 404
    assert client.get(public_url(tenant, meeting, pdf=True)).status_code == 404
    published = published_minutes(tenant)
    wrong_address = reverse(
        "councils:public-minutes", kwargs={"kommun": tenant.other_municipality.slug, "pk": published.pk}
    )
    assert client.get(wrong_address).status_code == 404


def test_the_municipality_page_lists_published_minutes_only(client, tenant):
    published = published_minutes(tenant)
    draft = held_meeting(tenant, title="Utkastmöte")
    services.minutes_save(meeting=draft, by=tenant.coordinator, text="Text", adjusters="", item_notes={})
    page = client.get(tenant.municipality.get_absolute_url()).content.decode()
    assert public_url(tenant, published) in page
    assert public_url(tenant, draft) not in page and "Utkastmöte" not in page


def _queries(client, page_url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(page_url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_public_minutes_and_the_municipality_page_use_constant_queries_for_2_and_20_items(client, tenant, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    counts = {}
    for size in (2, 20):
        members = seat_members(tenant, size)
        meeting = held_meeting(tenant, invitees=members)
        items = [add_item(meeting, tenant.coordinator, f"Punkt {n}") for n in range(size)]
        for n, item in enumerate(items[: size // 2]):
            add_item(meeting, tenant.coordinator, f"Underpunkt {n}", parent=item)
            services.decision_save(
                meeting=meeting, by=tenant.coordinator, text=f"Beslut {n}", is_public=True, agenda_item=item
            )
        services.attendance_save(
            meeting=meeting, by=tenant.coordinator, rows={m.pk: {"status": "present"} for m in members}
        )
        services.minutes_approve(meeting=meeting, by=tenant.coordinator)
        services.minutes_publish(meeting=meeting, by=tenant.coordinator)
        counts[size] = (
            _queries(client, public_url(tenant, meeting)),
            _queries(client, tenant.municipality.get_absolute_url()),
        )
    assert counts[2] == counts[20], counts


def test_minutes_pdfs_internal_with_closed_items_public_without(tenant, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    meeting = published_minutes(tenant)
    from django.core.files.storage import default_storage

    internal = pdftotext(default_storage.open(minutes_pdf_render(meeting_id=meeting.pk, public=False)).read())
    public = pdftotext(default_storage.open(minutes_pdf_render(meeting_id=meeting.pk, public=True)).read())
    for text in (internal, public):
        assert PUBLIC_TITLE in text and "Vandring den 3 maj." in text and "§ 1" in text
        assert meeting.shown_member.name in text
    assert CLOSED_TITLE in internal and "Polisen återkommer i ärendet." in internal and "Dold Ledamot" in internal
    assert CLOSED_TITLE not in public and "Polisen återkommer" not in public and "Dold Ledamot" not in public
    assert "å" in public and "ä" in public
    assert Meeting.objects.get(pk=meeting.pk).minutes_pdf.endswith(".pdf")


def test_the_pdf_answers_202_until_rendered_and_is_rendered_again_when_the_draft_changes(
    client, tenant, settings, tmp_path
):
    from councils.meetings_tasks import render_minutes_pdf_task

    settings.MEDIA_ROOT = str(tmp_path)
    meeting = held_meeting(tenant)
    item = add_item(meeting, tenant.coordinator, "Punkt ett")
    services.minutes_save(meeting=meeting, by=tenant.coordinator, text="Första", adjusters="", item_notes={})
    client.force_login(tenant.users["member"])
    pdf_url = reverse("councils:minutes-pdf", kwargs={"kommun": tenant.municipality.slug, "pk": meeting.pk})
    assert client.get(pdf_url).status_code == 202
    assert client.get(pdf_url, HTTP_HX_REQUEST="true").status_code == 204
    render_minutes_pdf_task(meeting.pk, False)
    ready = client.get(pdf_url)
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf"
    assert "Första" in pdftotext(b"".join(ready.streaming_content))
    services.minutes_save(
        meeting=meeting, by=tenant.coordinator, text="Andra", adjusters="", item_notes={item.pk: "Ny text"}
    )
    assert client.get(pdf_url).status_code == 202


def test_the_worker_renders_the_public_pdf_when_the_minutes_are_published(
    client, tenant, celery_worker, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    meeting = published_minutes(tenant)
    deadline = time.monotonic() + 30
    while not Meeting.objects.get(pk=meeting.pk).minutes_pdf:
        assert time.monotonic() < deadline, "the worker never rendered the public PDF"
        time.sleep(0.1)
    response = client.get(public_url(tenant, meeting, pdf=True))
    assert response.status_code == 200
    text = pdftotext(b"".join(response.streaming_content))
    assert PUBLIC_TITLE in text and CLOSED_TITLE not in text
