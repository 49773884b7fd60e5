"""The access log of sensitive data (issue 7, item 3): every read of internal incident data and every export is
recorded once per request (who, what, when), readable by the municipality's coordinator, and cannot be changed."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.models import AccessLogEntry, AccessLogImmutableError
from situation.categories import categories_for
from situation.models import Incident, SituationPicture
from tests.actionplans.conftest import adopted_picture, started_plan

pytestmark = pytest.mark.django_db


def incident(tenant, *, visibility="council", by=None, **fields):
    return Incident.objects.create(
        municipality=tenant.municipality,
        category=categories_for(tenant.municipality).first(),
        tag="brott",
        visibility=visibility,
        reported_by=by or tenant.users["reporter"],
        **fields,
    )


def url(name, tenant, **kwargs):
    return reverse(name, kwargs={"kommun": tenant.municipality.slug, **kwargs})


def entries(tenant):
    return list(AccessLogEntry.objects.filter(municipality=tenant.municipality).order_by("id"))


def signed_in(client, user):
    client.force_login(user)
    return client


# ---- What is recorded -------------------------------------------------------------------------------------------


def test_reading_an_incident_records_who_what_and_when(client, tenant):
    police_incident = incident(tenant, visibility="police")
    before = timezone.now()
    response = signed_in(client, tenant.users["police"]).get(
        url("situation:incident-detail", tenant, pk=police_incident.pk)
    )
    assert response.status_code == 200
    [entry] = entries(tenant)
    assert entry.user == tenant.users["police"]
    assert entry.role == "police"
    assert (entry.action, entry.what, entry.object_id) == ("read", "incident", police_incident.pk)
    assert entry.visibility == "police"
    assert entry.count == 1
    assert entry.path == url("situation:incident-detail", tenant, pk=police_incident.pk)
    assert before <= entry.at <= timezone.now()


def test_the_incident_list_is_one_entry_per_page_however_many_incidents_it_shows(client, tenant):
    for _n in range(30):
        incident(tenant, visibility="council")
    incident(tenant, visibility="police")
    incident(tenant, visibility="public")
    response = signed_in(client, tenant.users["police"]).get(url("situation:incident-list", tenant) + "?page=1")
    assert response.status_code == 200
    [entry] = entries(tenant)
    assert (entry.action, entry.what, entry.count) == ("read", "incident_list", 32)
    assert entry.visibility == "council,police,public"
    assert entry.query == ""  # the page number is not a filter


def test_a_reporter_reading_their_own_reports_is_not_logged(client, tenant):
    own = incident(tenant, by=tenant.users["reporter"])
    reporter = signed_in(client, tenant.users["reporter"])
    assert reporter.get(url("situation:incident-list", tenant)).status_code == 200
    assert reporter.get(url("situation:incident-detail", tenant, pk=own.pk)).status_code == 200
    assert entries(tenant) == []


def test_the_coordinator_reading_someone_elses_report_is_logged(client, tenant):
    others = incident(tenant, by=tenant.users["reporter"])
    signed_in(client, tenant.coordinator).get(url("situation:incident-detail", tenant, pk=others.pk))
    [entry] = entries(tenant)
    assert (entry.user, entry.role, entry.object_id) == (tenant.coordinator, "coordinator", others.pk)


def test_analysis_page_and_its_csv_are_logged_with_the_number_of_incidents(client, tenant):
    for visibility in ("council", "council", "police"):
        incident(tenant, visibility=visibility)
    police = signed_in(client, tenant.users["police"])
    assert police.get(url("situation:analysis", tenant)).status_code == 200
    response = police.get(url("situation:analysis-csv", tenant) + "?tag=brott")
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    read, export = entries(tenant)
    assert (read.action, read.what, read.count, read.visibility) == ("read", "analysis", 3, "council,police")
    assert (export.action, export.what, export.count) == ("export", "analysis_csv", len(lines) - 1)
    assert export.query == "tag=brott"


def test_an_analysis_of_public_incidents_only_is_not_logged(client, tenant):
    incident(tenant, visibility="public")
    assert signed_in(client, tenant.users["police"]).get(url("situation:analysis", tenant)).status_code == 200
    assert entries(tenant) == []


def test_public_pages_are_not_logged(client, tenant):
    incident(tenant, visibility="council")
    picture = adopted_picture(tenant.municipality)
    picture.figures = {"public": {}}
    SituationPicture.objects.filter(pk=picture.pk).update(figures=picture.figures)
    for path in (
        reverse("councils:public-municipality", kwargs={"kommun": tenant.municipality.slug}),
        reverse("situation:public-picture", kwargs={"kommun": tenant.municipality.slug}),
    ):
        assert client.get(path).status_code == 200
    assert entries(tenant) == []


def test_a_pdf_is_logged_when_served_not_while_it_is_being_rendered(client, tenant, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    picture = adopted_picture(tenant.municipality)
    member = signed_in(client, tenant.users["member"])
    path = url("situation:picture-pdf", tenant, pk=picture.pk)
    assert member.get(path).status_code == 202  # queued for the worker; nothing read yet
    assert entries(tenant) == []

    picture.pdf.save("lagesbild.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    response = member.get(path)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    [entry] = entries(tenant)
    assert (entry.user, entry.action, entry.what, entry.object_id) == (
        tenant.users["member"],
        "pdf",
        "situation_picture",
        picture.pk,
    )


def test_exporting_the_measures_of_a_plan_is_logged(client, tenant):
    plan = started_plan(tenant)
    response = signed_in(client, tenant.users["member"]).get(
        reverse("actionplans:measures-export", kwargs={"kommun": tenant.municipality.slug, "pk": plan.pk})
    )
    assert response.status_code == 200
    [entry] = entries(tenant)
    assert (entry.user, entry.action, entry.what, entry.object_id) == (
        tenant.users["member"],
        "export",
        "measures_csv",
        plan.pk,
    )


# ---- The coordinator's page -------------------------------------------------------------------------------------


def make_entries(tenant, number, *, user=None, action="read", at=None):
    return AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            municipality=tenant.municipality,
            user=user or tenant.users["police"],
            role="police",
            action=action,
            what="incident",
            object_id=n,
            visibility="police",
            count=1,
            path=f"/hantera/{tenant.municipality.slug}/lagesbild/handelser/{n}/",
            at=at or timezone.now(),
        )
        for n in range(1, number + 1)
    )


def test_the_coordinator_reads_the_log_with_who_what_and_when(client, tenant):
    police_incident = incident(tenant, visibility="police")
    signed_in(client, tenant.users["police"]).get(url("situation:incident-detail", tenant, pk=police_incident.pk))
    client.logout()
    response = signed_in(client, tenant.coordinator).get(url("audit:access-log", tenant))
    assert response.status_code == 200
    page = response.content.decode()
    assert str(tenant.users["police"]) in page
    assert f"#{police_incident.pk}" in page
    assert url("situation:incident-detail", tenant, pk=police_incident.pk) in page
    home = client.get(reverse("councils:staff-municipality", kwargs={"kommun": tenant.municipality.slug}))
    assert url("audit:access-log", tenant) in home.content.decode()


@pytest.mark.parametrize("role", ["police", "member", "reporter", "other_coordinator"])
def test_nobody_but_the_coordinator_reads_the_log(client, tenant, role):
    make_entries(tenant, 1)
    for name in ("audit:access-log", "audit:access-log-csv"):
        assert signed_in(client, tenant.users[role]).get(url(name, tenant)).status_code == 403


def test_the_log_filters_by_user_action_and_period(client, tenant):
    old = timezone.now() - timedelta(days=40)
    make_entries(tenant, 2, user=tenant.users["police"], action="read", at=old)
    make_entries(tenant, 3, user=tenant.users["member"], action="pdf")
    coordinator = signed_in(client, tenant.coordinator)
    by_member = coordinator.get(url("audit:access-log", tenant), {"user": tenant.users["member"].pk})
    assert len(by_member.context["entries"]) == 3
    reads = coordinator.get(url("audit:access-log", tenant), {"action": "read"})
    assert len(reads.context["entries"]) == 2
    recent = coordinator.get(url("audit:access-log", tenant), {"start": timezone.localdate() - timedelta(days=7)})
    assert len(recent.context["entries"]) == 3
    backwards = coordinator.get(url("audit:access-log", tenant), {"start": "2025-02-01", "end": "2025-01-01"})
    assert len(backwards.context["entries"]) == 0
    assert backwards.context["filter_form"].has_error("__all__", code="period_order")


def test_the_log_page_costs_the_same_queries_for_one_entry_and_for_many(client, tenant, django_assert_max_num_queries):
    coordinator = signed_in(client, tenant.coordinator)
    make_entries(tenant, 1)
    coordinator.get(url("audit:access-log", tenant))  # sessions and caches warm
    with django_assert_max_num_queries(20) as one:
        assert coordinator.get(url("audit:access-log", tenant)).status_code == 200
    make_entries(tenant, 120, user=tenant.users["member"])
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = coordinator.get(url("audit:access-log", tenant), {"page": 2})
    assert response.status_code == 200
    assert len(response.context["entries"]) == 50


def test_downloading_the_log_as_csv_is_itself_logged(client, tenant):
    make_entries(tenant, 3, user=tenant.users["police"], action="read")
    make_entries(tenant, 2, user=tenant.users["member"], action="pdf")
    response = signed_in(client, tenant.coordinator).get(url("audit:access-log-csv", tenant), {"action": "read"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + 3
    assert {row[2] for row in rows[1:]} == {tenant.users["police"].email}
    export = AccessLogEntry.objects.filter(what="access_log_csv").get()
    assert (export.user, export.action, export.count, export.query) == (tenant.coordinator, "export", 3, "action=read")


# ---- Entries cannot be changed ----------------------------------------------------------------------------------


def test_the_orm_refuses_to_change_or_delete_an_entry(tenant):
    [entry] = make_entries(tenant, 1)
    entry = AccessLogEntry.objects.get(pk=entry.pk)
    entry.what = "nothing"
    with pytest.raises(AccessLogImmutableError):
        entry.save()
    with pytest.raises(AccessLogImmutableError):
        entry.delete()
    with pytest.raises(AccessLogImmutableError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(what="nothing")
    with pytest.raises(AccessLogImmutableError):
        AccessLogEntry.objects.filter(pk=entry.pk).delete()
    assert AccessLogEntry.objects.get(pk=entry.pk).what == "incident"


def test_postgresql_refuses_update_and_delete_from_any_client(tenant):
    assert connection.vendor == "postgresql"
    [entry] = make_entries(tenant, 1)
    for sql in (
        "UPDATE core_accesslogentry SET what = 'nothing' WHERE id = %s",
        "UPDATE core_accesslogentry SET user_id = NULL, what = 'nothing' WHERE id = %s",
        "DELETE FROM core_accesslogentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AccessLogEntry.objects.filter(pk=entry.pk, what="incident").exists()


def test_the_admin_shows_entries_but_cannot_change_or_delete_them(client, tenant):
    [entry] = make_entries(tenant, 1)
    admin = signed_in(client, tenant.users["superuser"])
    change_url = reverse("admin:core_accesslogentry_change", args=[entry.pk])
    assert admin.get(change_url).status_code == 200
    assert admin.post(change_url, {"what": "nothing"}).status_code == 403
    assert admin.get(reverse("admin:core_accesslogentry_add")).status_code == 403
    assert admin.post(reverse("admin:core_accesslogentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert AccessLogEntry.objects.filter(pk=entry.pk, what="incident").exists()


def test_deleting_a_person_keeps_their_entries_without_them(tenant):
    [entry] = make_entries(tenant, 1, user=tenant.users["police"])
    tenant.users["police"].delete()
    entry = AccessLogEntry.objects.get(pk=entry.pk)
    assert (entry.user, entry.role, entry.what) == (None, "police", "incident")


def test_the_retention_purge_removes_only_old_entries(tenant, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    make_entries(tenant, 2, at=timezone.now() - timedelta(days=31))
    [recent] = make_entries(tenant, 1, at=timezone.now() - timedelta(days=29))
    assert audit.purge_older_than() == 2
    assert [entry.pk for entry in entries(tenant)] == [recent.pk]
    # The purge's permission ends with its transaction.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_accesslogentry WHERE id = %s", [recent.pk])
