"""Export of everything one municipality owns, as one zip archive of JSON and CSV files plus its stored files.

The archive holds, for each kind of data (`KINDS`), `data/<kind>.json` (a list of objects) and `data/<kind>.csv`
(semicolon-separated, UTF-8 with a byte order mark for Excel) with the same rows in the same order (by id);
`media/` with the municipality's stored files (walk photos, PDFs); `manifest.json` with the row counts and the
export time; and `README.txt`, which explains the layout in Swedish.

What the municipality owns: its own rows (settings, organisations, portal roles, areas, places, categories, every
incident whatever its visibility, walks, statistics, situation pictures, action plans, meetings it hosts, the
e-mail log, residents' subscriptions, the access log), and the councils, agreements and pledges it takes part in
with everything under them; a council or pledge shared by several municipalities is in each of their exports.
Never exported: passwords, calendar-feed and subscription tokens (credentials), other municipalities' rows, and
the change history (simple_history tables), which stays in the database and its backups.

Rows are read with `.iterator()` one kind at a time, with one query per kind whatever the number of rows, and
written straight into the compressed archive (CSV through a temporary file), so memory stays bounded for a
municipality with 100,000 incidents.
"""

import csv
import functools
import io
import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

FORMAT_VERSION = 1
CHUNK_SIZE = 2000
_encoder = DjangoJSONEncoder()


@dataclass(frozen=True)
class Kind:
    """One kind of data: a file pair in the archive, read by one query scoped to the municipality."""

    name: str
    rows: Callable[[int], models.QuerySet]
    # Columns from related rows, e.g. "user__email" (written as "user_email").
    extra: tuple[str, ...] = ()
    # Columns left out: credentials.
    exclude: tuple[str, ...] = ()
    # File fields whose stored files go under media/.
    files: tuple[str, ...] = ()
    # A storage folder with one sub-folder of files per row id (PDFs named by content, not by a field).
    folder: str = ""

    def queryset(self, municipality_id: int) -> models.QuerySet:
        return self.rows(municipality_id).order_by("pk")

    def model(self):
        return self.rows(0).model

    def lookups(self) -> list[str]:
        own = [field.attname for field in self.model()._meta.concrete_fields if field.name not in self.exclude]
        return own + list(self.extra)

    def columns(self) -> list[str]:
        return [lookup.replace("__", "_") for lookup in self.lookups()]


def _kinds() -> tuple[Kind, ...]:
    """Built on first use: the models are not loaded when this module is imported by the settings' apps."""
    from actionplans.models import ActionPlan, Goal, Measure, MeasureUpdate, ProblemArea
    from core.models import AccessLogEntry, Delivery, Subscription
    from councils.meetings_pdf import PDF_DIR as MINUTES_DIR
    from councils.models import (
        AgendaItem,
        Attendance,
        Council,
        Decision,
        Meeting,
        Membership,
        Municipality,
        Organisation,
        PortalRole,
    )
    from pledges.models import (
        Activity,
        CitizenPledge,
        FocusArea,
        FollowUp,
        FollowUpRevision,
        PartnershipAgreement,
        ProgressRow,
        Signatory,
    )
    from situation.models import (
        Area,
        CrimeStatistic,
        Incident,
        IncidentCategory,
        Place,
        PoliceEvent,
        SafetyWalk,
        SituationPicture,
        SituationProblem,
        WalkObservation,
    )
    from situation.walks import REPORT_DIR as WALK_REPORT_DIR

    def under(model, path="municipality"):
        """Rows of `model` whose `path` leads to the municipality."""
        return lambda m: model.objects.filter(**{path: m})

    def links(m2m, path):
        """The link rows of a many-to-many field, for the rows on its own side that `path` scopes."""
        return lambda m: m2m.through.objects.filter(**{path: m})

    pledge_path = "pledge__municipalities"
    plan_path = "problem_area__plan__municipality"
    return (
        Kind("municipality", under(Municipality, "pk")),
        Kind("organisations", under(Organisation)),
        Kind("portal_roles", under(PortalRole), extra=("user__email", "user__full_name")),
        Kind("councils", under(Council, "municipalities")),
        Kind("council_municipalities", links(Council.municipalities, "council__municipalities")),
        Kind("memberships", under(Membership, "council__municipalities")),
        Kind("meetings", under(Meeting), folder=MINUTES_DIR),
        Kind("meeting_invitees", links(Meeting.invitees, "meeting__municipality")),
        Kind("agenda_items", under(AgendaItem, "meeting__municipality")),
        Kind("attendance", under(Attendance, "meeting__municipality")),
        Kind("decisions", under(Decision, "meeting__municipality")),
        Kind("partnership_agreements", under(PartnershipAgreement, "municipalities")),
        Kind(
            "partnership_agreement_municipalities",
            links(PartnershipAgreement.municipalities, "partnershipagreement__municipalities"),
        ),
        Kind("citizen_pledges", under(CitizenPledge, "municipalities")),
        Kind("citizen_pledge_municipalities", links(CitizenPledge.municipalities, "citizenpledge__municipalities")),
        Kind("signatories", under(Signatory, pledge_path)),
        Kind("focus_areas", under(FocusArea, pledge_path)),
        Kind("activities", under(Activity, f"focus_area__{pledge_path}")),
        Kind("follow_ups", under(FollowUp, pledge_path)),
        Kind("progress_rows", under(ProgressRow, f"follow_up__{pledge_path}")),
        Kind("follow_up_revisions", under(FollowUpRevision, f"follow_up__{pledge_path}"), files=("pdf",)),
        Kind("situation_pictures", under(SituationPicture), files=("pdf",)),
        Kind("situation_problems", under(SituationProblem, "picture__municipality")),
        Kind(
            "situation_problem_categories",
            links(SituationProblem.categories, "situationproblem__picture__municipality"),
        ),
        Kind("situation_problem_areas", links(SituationProblem.areas, "situationproblem__picture__municipality")),
        Kind("action_plans", under(ActionPlan), files=("pdf",)),
        Kind("problem_areas", under(ProblemArea, "plan__municipality")),
        Kind("goals", under(Goal, plan_path)),
        Kind("measures", under(Measure, plan_path)),
        Kind("measure_updates", under(MeasureUpdate, f"measure__{plan_path}")),
        Kind("areas", under(Area)),
        Kind("places", under(Place)),
        Kind("incident_categories", under(IncidentCategory)),
        Kind("incidents", under(Incident)),
        Kind("safety_walks", under(SafetyWalk), folder=WALK_REPORT_DIR),
        Kind("safety_walk_route", links(SafetyWalk.route, "safetywalk__municipality")),
        Kind("walk_observations", under(WalkObservation, "walk__municipality"), files=("photo",)),
        Kind("crime_statistics", under(CrimeStatistic)),
        Kind("police_events", under(PoliceEvent)),
        Kind("deliveries", under(Delivery)),
        Kind("subscriptions", under(Subscription), exclude=("token",)),
        Kind("access_log", under(AccessLogEntry)),
    )


@functools.cache
def kinds() -> tuple[Kind, ...]:
    return _kinds()


def plain(value):
    """A value as JSON holds it: dates, times, decimals and UUIDs as the strings Django's JSON encoder writes."""
    if value is None or isinstance(value, str | bool | int | float | dict | list):
        return value
    return _encoder.default(value)


def csv_cell(value) -> str:
    """The CSV text of a JSON value: empty for null, true/false, nested JSON for objects and lists."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@dataclass
class _Collected:
    """What the rows name that goes under media/: file names, and row ids whose folders hold files."""

    names: set
    folder_ids: dict


def _write_kind(archive: zipfile.ZipFile, kind: Kind, municipality_id: int, collected: _Collected) -> int:
    """Stream one kind into data/<kind>.json and data/<kind>.csv; the number of rows."""
    columns = kind.columns()
    file_indexes = [columns.index(name) for name in kind.files]
    folder_ids = collected.folder_ids.setdefault(kind.folder, set()) if kind.folder else None
    count = 0
    rows = kind.queryset(municipality_id).values_list(*kind.lookups()).iterator(chunk_size=CHUNK_SIZE)
    with tempfile.TemporaryFile() as csv_bytes, io.TextIOWrapper(csv_bytes, encoding="utf-8", newline="") as csv_file:
        csv_file.write("\ufeff")  # Excel reads UTF-8 (å ä ö) only with a byte order mark.
        writer = csv.writer(csv_file, delimiter=";", lineterminator="\r\n")
        writer.writerow(columns)
        with (
            archive.open(f"data/{kind.name}.json", "w", force_zip64=True) as raw,
            io.TextIOWrapper(raw, encoding="utf-8") as json_file,
        ):
            json_file.write("[")
            for row in rows:
                values = [plain(value) for value in row]
                json_file.write(",\n" if count else "\n")
                json_file.write(json.dumps(dict(zip(columns, values, strict=True)), ensure_ascii=False))
                writer.writerow([csv_cell(value) for value in values])
                collected.names.update(values[index] for index in file_indexes if values[index])
                if folder_ids is not None:
                    folder_ids.add(str(values[0]))
                count += 1
            json_file.write("\n]\n")
        csv_file.flush()
        csv_bytes.seek(0)
        with archive.open(f"data/{kind.name}.csv", "w", force_zip64=True) as target:
            shutil.copyfileobj(csv_bytes, target)
    return count


def _folder_files(folder: str, ids: set) -> list[str]:
    """The files in `folder/<id>/` for the given ids, from one listing of the folder."""
    if not ids or not default_storage.exists(folder):
        return []
    subfolders, _files = default_storage.listdir(folder)
    names = []
    for subfolder in sorted(set(subfolders) & ids):
        _inner, files = default_storage.listdir(f"{folder}/{subfolder}")
        names.extend(f"{folder}/{subfolder}/{name}" for name in sorted(files))
    return names


def _write_media(archive: zipfile.ZipFile, collected: _Collected) -> tuple[int, list[str]]:
    """Copy the stored files into media/; the number copied and the names that were missing from storage."""
    names = set(collected.names)
    for folder, ids in collected.folder_ids.items():
        names.update(_folder_files(folder, ids))
    copied, missing = 0, []
    for name in sorted(names):
        if not default_storage.exists(name):
            missing.append(name)
            continue
        with default_storage.open(name, "rb") as source, archive.open(f"media/{name}", "w", force_zip64=True) as target:
            shutil.copyfileobj(source, target)
        copied += 1
    return copied, missing


def _readme(municipality, exported_at, counts: dict[str, int]) -> str:
    with translation.override("sv"):
        lines = [
            _("Export of all data of %(name)s from BRÅ-portalen") % {"name": municipality.name},
            _("Exported: %(time)s") % {"time": timezone.localtime(exported_at).strftime("%Y-%m-%d %H:%M")},
            "",
            _(
                "data/ holds one JSON file and one CSV file per kind of data, with the same rows in the same order. "
                "The CSV files are separated by semicolons and encoded as UTF-8. Columns ending in _id refer to "
                "the id column of another file. Times are in UTC (ISO 8601)."
            ),
            _("media/ holds the stored files: photos from safety walks and PDF documents."),
            _("manifest.json lists every file with its number of rows."),
            "",
        ]
        lines += [f"data/{name}.json, data/{name}.csv: {count}" for name, count in counts.items()]
    return "\n".join(lines) + "\n"


@contextmanager
def _snapshot():
    """One transaction for the whole export, on PostgreSQL a repeatable-read snapshot so that every file shows
    the data of the same moment (a report filed during the export is in all files or in none)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _manifest(municipality, exported_at, counts: dict[str, int], media_count: int, missing: list[str]) -> dict:
    return {
        "format": FORMAT_VERSION,
        "municipality": {
            "id": municipality.pk,
            "name": municipality.name,
            "slug": municipality.slug,
            "kommunkod": municipality.kommunkod,
        },
        "exported_at": plain(exported_at),
        "kinds": {
            name: {"rows": count, "json": f"data/{name}.json", "csv": f"data/{name}.csv"}
            for name, count in counts.items()
        },
        "media_files": media_count,
        "missing_media_files": missing,
    }


def write_archive(municipality, target) -> dict:
    """Write the municipality's export as a zip archive to `target` (a path or a binary file); the manifest."""
    exported_at = timezone.now()
    collected = _Collected(names=set(), folder_ids={})
    counts = {}
    with _snapshot(), zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for kind in kinds():
            counts[kind.name] = _write_kind(archive, kind, municipality.pk, collected)
        media_count, missing = _write_media(archive, collected)
        manifest = _manifest(municipality, exported_at, counts, media_count, missing)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        archive.writestr("README.txt", _readme(municipality, exported_at, counts))
    return manifest


def municipality_export_to(municipality, path: Path) -> dict:
    """Write the archive to `path` through a temporary name, so that a half-written file never has the real name."""
    partial = path.with_name(path.name + ".part")
    try:
        manifest = write_archive(municipality, partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


# ---- Archives in the private export folder -------------------------------------------------------------------
# One folder per municipality (by id, which never changes) under settings.PRIVATE_EXPORT_ROOT, which no web server
# serves: archives leave it only through the coordinator's download view. While an export runs, the file
# `pending` in the folder names the archive being written.

ARCHIVE_NAME = re.compile(r"^[a-z0-9-]+-\d{8}-\d{6}\.zip$")
PENDING = "pending"
# The export task's time limits; a pending marker older than the hard limit (plus time in the queue) is stale.
EXPORT_TIME_LIMIT = 30 * 60
PENDING_STALE_AFTER = timedelta(seconds=2 * EXPORT_TIME_LIMIT)


@dataclass(frozen=True)
class Archive:
    name: str
    size: int
    created_at: datetime


def export_folder(municipality_id: int) -> Path:
    return Path(settings.PRIVATE_EXPORT_ROOT) / str(municipality_id)


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


def _age(path: Path) -> timedelta:
    return timezone.now() - _modified(path)


def pending_export(municipality_id: int) -> str | None:
    """The name of the archive being written, or None; a marker left by a task that died is ignored."""
    marker = export_folder(municipality_id) / PENDING
    try:
        if _age(marker) < PENDING_STALE_AFTER:
            return marker.read_text().strip()
    except FileNotFoundError:
        pass
    return None


def export_request(municipality) -> str | None:
    """Mark a new export of the municipality as pending; the archive's name, or None while one is pending."""
    folder = export_folder(municipality.pk)
    folder.mkdir(parents=True, exist_ok=True)
    delete_expired(municipality.pk)
    if pending_export(municipality.pk):
        return None
    name = f"{municipality.slug}-{timezone.localtime():%Y%m%d-%H%M%S}.zip"
    (folder / PENDING).write_text(name)
    return name


def export_run(*, municipality_id: int, name: str) -> Path | None:
    """Write the archive `name` of the municipality (the export task); the marker goes whatever the outcome."""
    from councils.models import Municipality

    folder = export_folder(municipality_id)
    marker = folder / PENDING
    try:
        municipality = Municipality.objects.filter(pk=municipality_id).first()
        if municipality is None or not ARCHIVE_NAME.match(name):
            return None
        path = folder / name
        if not path.exists():
            municipality_export_to(municipality, path)
        return path
    finally:
        if marker.exists() and marker.read_text().strip() == name:
            marker.unlink(missing_ok=True)


def archives(municipality_id: int) -> list[Archive]:
    """The finished archives, newest first."""
    folder = export_folder(municipality_id)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        if ARCHIVE_NAME.match(path.name):
            found.append(Archive(name=path.name, size=path.stat().st_size, created_at=_modified(path)))
    return sorted(found, key=lambda archive: (archive.created_at, archive.name), reverse=True)


def archive_path(municipality_id: int, name: str) -> Path | None:
    """The path of a finished archive, or None; only names of the archive pattern, so never outside the folder."""
    if not ARCHIVE_NAME.match(name):
        return None
    path = export_folder(municipality_id) / name
    return path if path.is_file() else None


def delete_expired(municipality_id: int) -> int:
    """Delete archives older than EXPORT_ARCHIVE_MAX_AGE_DAYS and half-written files of dead tasks; the number."""
    folder = export_folder(municipality_id)
    if not folder.is_dir():
        return 0
    max_age = timedelta(days=settings.EXPORT_ARCHIVE_MAX_AGE_DAYS)
    deleted = 0
    for path in folder.iterdir():
        expired = ARCHIVE_NAME.match(path.name) and _age(path) > max_age
        dead = path.name.endswith(".part") and _age(path) > PENDING_STALE_AFTER
        if expired or dead:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
