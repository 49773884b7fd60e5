"""The export of everything a municipality owns: the archive's contents, its isolation from other municipalities,
bounded queries, the coordinator's page with a real worker, the download, expiry and the management command."""

import csv
import io
import json
import os
import time
import zipfile
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import municipality_export as export
from core.models import AccessLogEntry, Delivery, Subscription
from situation.models import CrimeStatistic, Incident, PoliceEvent
from tests.councils.test_permissions import matrix_tenant  # noqa: F401  (the fixture: data of every app)

OTHER_MARKER = "Grannbys hemliga anteckning"


def _archive(municipality) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    export.write_archive(municipality, buffer)
    return zipfile.ZipFile(buffer)


def _json_and_csv(archive, kind):
    data = json.loads(archive.read(f"data/{kind}.json"))
    text = archive.read(f"data/{kind}.csv").decode("utf-8")
    assert text.startswith("\ufeff"), f"{kind}.csv lacks the byte order mark Excel needs"
    table = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=";"))
    return data, table[0], table[1:]


def _incidents(municipality, category, n, **fields):
    now = timezone.now()
    Incident.objects.bulk_create(
        Incident(municipality=municipality, category=category, tag="otrygghet", occurred_at=now, **fields)
        for _ in range(n)
    )


def _other_municipality_data(tenant):
    """Rows of the neighbour that must never appear in the tenant's archive."""
    from situation.categories import categories_for
    from situation.models import Area, Place
    from tests.factories import OrganisationFactory

    other = tenant.other_municipality
    OrganisationFactory(municipality=other, name="Grannby kommun")
    area = Area.objects.create(municipality=other, name="Grannby centrum")
    Place.objects.create(municipality=other, area=area, name="Grannby torg")
    category = categories_for(other).first()
    _incidents(other, category, 3, description=OTHER_MARKER, visibility="police")
    Subscription.objects.create(municipality=other, email="granne@example.se", topics=["plans"])


@pytest.fixture
def owned(matrix_tenant):  # noqa: F811
    """The matrix tenant plus a row of every kind the matrix leaves empty, and a neighbour with data of its own."""
    from actionplans.models import MeasureUpdate
    from pledges.models import PartnershipAgreement, Signatory

    t = matrix_tenant
    m = t.municipality
    now = timezone.now()
    for visibility in ("police", "council", "public"):
        _incidents(m, t.category, 1, visibility=visibility, description=f"Händelse {visibility}", place=t.place)
    t.problem.categories.add(t.category)
    t.problem.areas.add(t.area)
    agreement = PartnershipAgreement.objects.create(
        title="Samverkansöverenskommelse", police_area="LPO", start_date=date(2025, 1, 1), end_date=date(2028, 12, 31)
    )
    agreement.municipalities.add(m)
    Signatory.objects.create(pledge=t.pledge, name="Kim Polis", title="Lokalpolisområdeschef")
    MeasureUpdate.objects.create(measure=t.measure, status="green", percent_done=40, by=t.coordinator)
    CrimeStatistic.objects.create(
        municipality=m, period_start=date(2025, 1, 1), period_end=date(2025, 3, 31), category="Skadegörelse", count=12
    )
    PoliceEvent.objects.create(
        event_id=4711, municipality=m, occurred_at=now, name="Brand", summary="Brand i container", url="/h/1",
        type="Brand", location_name=m.name,
    )  # fmt: skip
    Subscription.objects.create(municipality=m, email="invanare@example.se", topics=["plans"])
    Delivery.objects.create(
        key="export:1", kind="meeting", municipality=m, recipient_email="ledamot@example.se", due_at=now, send_after=now
    )
    AccessLogEntry.objects.create(user=t.coordinator, municipality=m, action="read", what="incident", path="/x/")
    _other_municipality_data(t)
    return t


def test_archive_has_every_kind_as_json_and_csv_with_the_same_rows(owned):
    archive = _archive(owned.municipality)
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["municipality"]["slug"] == "testkoping"
    assert "README.txt" in archive.namelist()
    for kind in export.kinds():
        data, header, rows = _json_and_csv(archive, kind.name)
        assert data, f"{kind.name}: the fixture should give every kind at least one row"
        assert manifest["kinds"][kind.name]["rows"] == len(data) == len(rows), kind.name
        assert [row["id"] for row in data] == sorted(row["id"] for row in data), f"{kind.name}: not ordered by id"
        for obj, cells in zip(data, rows, strict=True):
            assert list(obj) == header, kind.name
            for value, cell in zip(obj.values(), cells, strict=True):
                if value is None:
                    assert cell == "", kind.name
                elif isinstance(value, bool):
                    assert cell == ("true" if value else "false"), kind.name
                elif isinstance(value, dict | list):
                    assert json.loads(cell) == value, kind.name
                else:
                    assert cell == str(value), kind.name


def test_archive_holds_all_incidents_and_the_stored_files_but_no_credentials(owned):
    archive = _archive(owned.municipality)
    incidents, _header, _rows = _json_and_csv(archive, "incidents")
    assert {row["visibility"] for row in incidents} == {"police", "council", "public"}
    roles, _header, _rows = _json_and_csv(archive, "portal_roles")
    assert {row["user_email"] for row in roles} == {
        owned.users[role].email for role in ("reporter", "member", "police", "coordinator")
    }
    photo = owned.observation.photo.name
    assert archive.read(f"media/{photo}") == owned.observation.photo.open("rb").read()
    subscriptions, header, _rows = _json_and_csv(archive, "subscriptions")
    assert "token" not in header and subscriptions[0]["email"] == "invanare@example.se"
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"pbkdf2" not in everything and b"md5$" not in everything, "password hashes must never be exported"


def test_another_municipalitys_data_is_absent(owned):
    own_id = owned.municipality.pk
    archive = _archive(owned.municipality)
    for kind in export.kinds():
        data, _header, _rows = _json_and_csv(archive, kind.name)
        ids = {row["municipality_id"] for row in data if "municipality_id" in row}
        assert ids <= {own_id}, f"{kind.name} holds rows of another municipality"
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8", "replace")
    for marker in (OTHER_MARKER, "Grannby", "granne@example.se"):
        assert marker not in everything
    neighbour = _archive(owned.other_municipality)
    assert not [name for name in neighbour.namelist() if name.startswith("media/")]
    text = b"".join(neighbour.read(name) for name in neighbour.namelist()).decode("utf-8", "replace")
    assert "Testköping" not in text and "Händelse police" not in text
    assert OTHER_MARKER in text


def test_every_model_that_belongs_to_a_municipality_is_exported():
    """A new model with a municipality must be added to the export (or this test taught why it is left out)."""
    from councils.models import Municipality

    exported = {kind.model() for kind in export.kinds()}
    owned_models = {
        model
        for model in apps.get_models()
        if not model.__name__.startswith("Historical")
        and any(field.related_model is Municipality for field in model._meta.get_fields() if field.concrete)
    }
    assert owned_models - exported == set()


def test_queries_do_not_grow_with_the_number_of_incidents(tenant):
    from situation.categories import categories_for

    category = categories_for(tenant.municipality).first()

    def queries_for(n):
        Incident.objects.filter(municipality=tenant.municipality).delete()
        _incidents(tenant.municipality, category, n, description="Klotter på väggen")
        with CaptureQueriesContext(connection) as queries:
            manifest = export.write_archive(tenant.municipality, io.BytesIO())
        assert manifest["kinds"]["incidents"]["rows"] == n
        return len(queries)

    assert queries_for(100) == queries_for(1000)


def _english(client, user):
    """Signed in, with English chosen: the assertions read the source strings, whatever the translation's state."""
    from django.conf import settings

    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _wait_for_archive(municipality_id, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if export.archives(municipality_id) and not export.pending_export(municipality_id):
            return export.archives(municipality_id)
        time.sleep(0.1)
    raise AssertionError("the worker did not write the archive in time")


def test_coordinator_exports_through_the_worker_and_downloads_the_archive(
    client, tenant, celery_worker, settings, tmp_path
):
    settings.PRIVATE_EXPORT_ROOT = str(tmp_path / "exports")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    _english(client, tenant.coordinator)
    url = reverse("councils:export", kwargs={"kommun": tenant.municipality.slug})
    assert "Export all data" in client.get(url).content.decode()

    response = client.post(url, follow=True)
    assert "The export has started" in response.content.decode()
    [archive] = _wait_for_archive(tenant.municipality.pk)
    assert not str(tmp_path / "exports").startswith(settings.MEDIA_ROOT)

    page = client.get(url).content.decode()
    download = reverse("councils:export-download", kwargs={"kommun": tenant.municipality.slug, "name": archive.name})
    assert download in page
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{archive.name}"'
    body = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert json.loads(body.read("manifest.json"))["municipality"]["id"] == tenant.municipality.pk
    logged = set(AccessLogEntry.objects.filter(what="municipality_export").values_list("action", "user"))
    assert logged == {("export", tenant.coordinator.pk), ("download", tenant.coordinator.pk)}


def test_a_second_export_waits_while_one_is_pending(client, tenant, settings, tmp_path):
    settings.PRIVATE_EXPORT_ROOT = str(tmp_path)
    _english(client, tenant.coordinator)
    assert export.export_request(tenant.municipality)
    url = reverse("councils:export", kwargs={"kommun": tenant.municipality.slug})
    response = client.post(url, follow=True)
    page = response.content.decode()
    assert "An export is already being prepared" in page and "Reload the page" in page
    assert len(export.archives(tenant.municipality.pk)) == 0


def test_archives_are_deleted_after_the_retention_period(client, tenant, settings, tmp_path):
    settings.PRIVATE_EXPORT_ROOT = str(tmp_path)
    settings.EXPORT_ARCHIVE_MAX_AGE_DAYS = 7
    folder = export.export_folder(tenant.municipality.pk)
    folder.mkdir(parents=True)
    old, new = folder / "testkoping-20250101-120000.zip", folder / "testkoping-20250201-120000.zip"
    for path in (old, new):
        export.write_archive(tenant.municipality, path)
    eight_days_ago = (timezone.now() - timedelta(days=8)).timestamp()
    os.utime(old, (eight_days_ago, eight_days_ago))
    client.force_login(tenant.coordinator)
    page = client.get(reverse("councils:export", kwargs={"kommun": tenant.municipality.slug})).content.decode()
    assert new.name in page and old.name not in page
    assert not old.exists() and new.exists()


def test_download_is_only_for_the_municipalitys_own_coordinator(client, tenant, settings, tmp_path):
    settings.PRIVATE_EXPORT_ROOT = str(tmp_path)
    folder = export.export_folder(tenant.municipality.pk)
    folder.mkdir(parents=True)
    name = "testkoping-20250101-120000.zip"
    export.write_archive(tenant.municipality, folder / name)

    def get(user, kommun, archive=name):
        client.force_login(user)
        return client.get(reverse("councils:export-download", kwargs={"kommun": kommun, "name": archive}))

    own, other = tenant.municipality.slug, tenant.other_municipality.slug
    assert get(tenant.users["police"], own).status_code == 403
    assert get(tenant.users["other_coordinator"], own).status_code == 403
    # Under their own municipality's address the neighbour's coordinator finds no such archive.
    assert get(tenant.users["other_coordinator"], other).status_code == 404
    for bad in ("testkoping.zip", f"{name}.part", "pending"):
        assert get(tenant.coordinator, own, bad).status_code == 404
    assert client.get(f"/hantera/{own}/export/..%2F..%2F{tenant.municipality.pk}%2F{name}").status_code == 404
    assert get(tenant.coordinator, own).status_code == 200
    assert not AccessLogEntry.objects.filter(user=tenant.users["other_coordinator"]).exists()


def test_management_command_writes_the_same_archive(tenant, tmp_path):
    out = tmp_path / "testkoping.zip"
    stdout = io.StringIO()
    call_command("export_municipality", "testkoping", str(out), stdout=stdout)
    manifest = json.loads(zipfile.ZipFile(out).read("manifest.json"))
    assert set(manifest["kinds"]) == {kind.name for kind in export.kinds()}
    assert manifest["kinds"]["portal_roles"]["rows"] == 4
    assert str(out) in stdout.getvalue()
    with pytest.raises(CommandError, match="finns-inte"):
        call_command("export_municipality", "finns-inte", str(tmp_path / "x.zip"))
