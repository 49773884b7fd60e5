"""The access log for sensitive data: who read or exported which internal data of a municipality, and when.

Views call `record()` once per request (one INSERT, never one per record), after they have decided that the
response holds internal data. What counts as internal: incidents of the visibility levels "police" and "council"
(single incidents, lists, the analysis and its map, the CSV of the filtered set), and every export or download of
an internal document (walk report, situation picture, draft action plan and internal minutes PDFs, the measures
CSV, the access log's own CSV, the municipality export). Not logged: public pages and public documents, and a
person reading only incidents they reported themselves (their own data, which they may always see).

Entries are append-only (see `core.models.AccessLogEntry`); `purge_older_than()` is the only way to remove them,
called by the retention schedule with `settings.ACCESS_LOG_RETENTION_DAYS`.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AccessLogEntry

Action = AccessLogEntry.Action

# Incidents of these levels are internal; "public" ones are published only as aggregates, and reading them alone
# is not logged.
INTERNAL_LEVELS = ("police", "council")

# The kinds of `what`, with the words the coordinator reads in the log.
WHAT_LABELS = {
    "incident": _("Incident"),
    "incident_list": _("Incident list"),
    "analysis": _("Analysis (figures and map)"),
    "analysis_csv": _("Incidents as CSV"),
    "walk_report": _("Safety walk report"),
    "situation_picture": _("Situation picture"),
    "action_plan": _("Action plan (draft)"),
    "measures_csv": _("Measures as CSV"),
    "minutes_internal": _("Internal minutes"),
    "access_log_csv": _("Access log as CSV"),
    "municipality_export": _("Export of the municipality's data"),
    "personal_data": _("A person's own data (JSON)"),
}


def what_label(what: str) -> str:
    return str(WHAT_LABELS.get(what, what))


def _role(user, municipality) -> str:
    """The reader's portal role in the municipality at the time (read from the per-request cache)."""
    from councils.rules import portal_role

    role = portal_role(user, municipality)
    if role:
        return role
    return "superuser" if user.is_superuser else ""


def record(
    request,
    action: str,
    what: str,
    *,
    municipality,
    obj=None,
    visibility: Iterable[str] = (),
    count: int | None = None,
) -> AccessLogEntry:
    """Write one entry for this request: who (the signed-in user and their role), what, when, how much."""
    user = request.user if request.user.is_authenticated else None
    query = request.GET.copy()
    query.pop("page", None)
    return AccessLogEntry.objects.create(
        user=user,
        role=_role(user, municipality) if user else "",
        municipality=municipality,
        action=action,
        what=what,
        object_id=getattr(obj, "pk", obj),
        visibility=",".join(sorted(set(visibility))),
        query=query.urlencode()[:500],
        count=count,
        path=request.path[:500],
    )


def internal_levels(levels: Iterable[str]) -> set[str]:
    return set(levels) & set(INTERNAL_LEVELS)


def record_incidents_read(request, what: str, *, municipality, incidents: Iterable, obj=None) -> None:
    """Log a read of incidents already loaded for the page, when any is internal and not the reader's own report.

    Works on the rows the page shows, so it costs no query besides the INSERT, and none when nothing is logged.
    """
    incidents = list(incidents)
    user_id = request.user.pk
    others = [incident for incident in incidents if incident.reported_by_id != user_id]
    levels = {incident.visibility for incident in others}
    if internal_levels(levels):
        record(request, Action.READ, what, municipality=municipality, obj=obj, visibility=levels, count=len(incidents))


def record_incident_query(request, action: str, what: str, *, municipality, incidents) -> None:
    """Log a read or export of a filtered set of incidents (the analysis, its CSV) when it holds internal ones.

    One aggregate query gives the levels and the number of incidents, whatever their number.
    """
    counts = dict(incidents.order_by().values_list("visibility").annotate(n=Count("pk")))
    if internal_levels(counts):
        record(request, action, what, municipality=municipality, visibility=counts, count=sum(counts.values()))


def record_if_served(response, request, what: str, *, municipality, obj=None, action: str = Action.PDF):
    """Log a document download when the file itself was served, not the page that waits for its rendering."""
    if isinstance(response, FileResponse):
        record(request, action, what, municipality=municipality, obj=obj)
    return response


def purge_older_than(days: int | None = None) -> int:
    """Remove entries older than `days` (default `ACCESS_LOG_RETENTION_DAYS`); the number removed.

    The only way to remove entries: on PostgreSQL it opens the append-only trigger for this delete only, and closes
    it again at once, also when called inside a longer transaction (where SET LOCAL alone would outlive the call).
    """
    days = settings.ACCESS_LOG_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    with transaction.atomic():
        # A failure rolls the setting back with the savepoint; success closes it explicitly.
        _purge_guard("on")
        removed, _per_model = AccessLogEntry.objects.filter(at__lt=cutoff).delete_for_retention()
        _purge_guard("off")
    return removed


def _purge_guard(state: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('bra.audit_purge', %s, true)", [state])
