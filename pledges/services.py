"""Writes to pledges and follow-ups. Every rule about the workflow lives here."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.periods import Tertial, tertials_between
from core.tasks import enqueue_on_commit
from pledges.models import CitizenPledge, FocusArea, FollowUp, FollowUpRevision, ProgressRow

MIN_FOCUS_AREAS, MAX_FOCUS_AREAS = 2, 6


def pledge_tertials(pledge: CitizenPledge) -> list[Tertial]:
    return tertials_between(pledge.start_date, pledge.end_date)


@transaction.atomic
def pledge_publish(*, pledge: CitizenPledge, by) -> CitizenPledge:
    """Publish a draft pledge: it must have 2–6 focus areas, each with at least one activity."""
    areas = list(pledge.focus_areas.prefetch_related("activities"))
    problems = []
    if not MIN_FOCUS_AREAS <= len(areas) <= MAX_FOCUS_AREAS:
        problems.append(
            _("A pledge has between %(min)d and %(max)d focus areas; this one has %(count)d.")
            % {"min": MIN_FOCUS_AREAS, "max": MAX_FOCUS_AREAS, "count": len(areas)}
        )
    empty = [area.title for area in areas if not area.activities.all()]
    if empty:
        problems.append(_("These focus areas have no activity yet: %(names)s.") % {"names": ", ".join(empty)})
    if pledge.status != CitizenPledge.Status.DRAFT:
        problems.append(_("Only a draft can be published."))
    if problems:
        raise ValidationError(problems, code="cannot_publish")
    pledge.status = CitizenPledge.Status.PUBLISHED
    pledge.published_at = timezone.now()
    pledge._history_user = by
    pledge.save(update_fields=["status", "published_at", "updated_at"])
    for tertial in pledge_tertials(pledge):
        follow_up_create(pledge=pledge, tertial=tertial, by=by)
    return pledge


@transaction.atomic
def pledge_close(*, pledge: CitizenPledge, by) -> CitizenPledge:
    if pledge.status != CitizenPledge.Status.PUBLISHED:
        raise ValidationError(_("Only a published pledge can be closed."), code="not_published")
    pledge.status = CitizenPledge.Status.CLOSED
    pledge._history_user = by
    pledge.save(update_fields=["status", "updated_at"])
    return pledge


def focus_area_limit_check(*, pledge: CitizenPledge):
    if pledge.focus_areas.count() >= MAX_FOCUS_AREAS:
        raise ValidationError(
            _("A pledge has at most %(max)d focus areas.") % {"max": MAX_FOCUS_AREAS}, code="too_many_focus_areas"
        )


@transaction.atomic
def follow_up_create(*, pledge: CitizenPledge, tertial: Tertial, by=None) -> FollowUp:
    """The follow-up of one tertial, with a row per activity; refused outside the pledge period."""
    if not tertial.overlaps(pledge.start_date, pledge.end_date):
        raise ValidationError(
            _("%(tertial)s is outside the pledge period %(start)s – %(end)s.")
            % {"tertial": tertial, "start": pledge.start_date, "end": pledge.end_date},
            code="outside_period",
        )
    follow_up, _created = FollowUp.objects.get_or_create(pledge=pledge, year=tertial.year, tertial=tertial.n)
    follow_up_sync_rows(follow_up=follow_up)
    return follow_up


def follow_up_sync_rows(*, follow_up: FollowUp) -> None:
    """Give every activity of the pledge a row (activities may be added after the follow-up was created)."""
    from pledges.models import Activity

    have = set(follow_up.rows.values_list("activity_id", flat=True))
    missing = Activity.objects.filter(focus_area__pledge_id=follow_up.pledge_id).exclude(pk__in=have)
    ProgressRow.objects.bulk_create(
        [ProgressRow(follow_up=follow_up, activity=activity) for activity in missing], ignore_conflicts=True
    )


class StaleRowError(Exception):
    """Someone else saved the row after this form was loaded."""

    def __init__(self, row):
        super().__init__("stale row")
        self.row = row


@transaction.atomic
def row_save(*, row_id: int, by, status: str, achieved, narrative: str, version: int) -> ProgressRow:
    """Save one progress row (autosave). Refuses rows of a locked follow-up and stale versions."""
    row = ProgressRow.objects.select_for_update().select_related("follow_up", "activity").get(pk=row_id)
    if row.follow_up.is_locked:
        raise ValidationError(_("This follow-up is locked while it awaits approval or is published."), code="locked")
    if row.version != version:
        raise StaleRowError(row)
    row.status = status
    row.achieved = achieved
    row.narrative = narrative
    row.updated_by = by
    row.version += 1
    row._history_user = by
    row.full_clean(exclude=["follow_up", "activity"])
    row.save()
    return row


def _locked(follow_up: FollowUp) -> FollowUp:
    """The follow-up as it is in the database, locked for this transaction: state changes never act on a stale copy."""
    return FollowUp.objects.select_for_update().select_related("pledge").get(pk=follow_up.pk)


def missing_rows(follow_up: FollowUp) -> list[ProgressRow]:
    return [row for row in follow_up.rows.select_related("activity") if not row.is_complete]


def _require_complete(follow_up: FollowUp):
    missing = missing_rows(follow_up)
    if missing:
        names = "; ".join(row.activity.description for row in missing)
        raise ValidationError(
            _("%(count)d activities have no status or no text yet: %(names)s")
            % {"count": len(missing), "names": names},
            code="missing_rows",
        )


@transaction.atomic
def follow_up_submit(*, follow_up: FollowUp, by) -> FollowUp:
    follow_up = _locked(follow_up)
    if follow_up.status not in (FollowUp.Status.DRAFT, FollowUp.Status.RETURNED):
        raise ValidationError(_("Only a draft or a returned follow-up can be submitted."), code="bad_state")
    follow_up.status = FollowUp.Status.SUBMITTED
    follow_up.submitted_at = timezone.now()
    follow_up.submitted_by = by
    follow_up._history_user = by
    follow_up.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    return follow_up


@transaction.atomic
def follow_up_return(*, follow_up: FollowUp, by, comment: str) -> FollowUp:
    follow_up = _locked(follow_up)
    if not comment.strip():
        raise ValidationError({"comment": _("Say what needs to change.")}, code="comment_required")
    if follow_up.status != FollowUp.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted follow-up can be returned."), code="bad_state")
    follow_up.status = FollowUp.Status.RETURNED
    follow_up.return_comment = comment.strip()
    follow_up._history_user = by
    follow_up.save(update_fields=["status", "return_comment", "updated_at"])
    return follow_up


def follow_up_snapshot(follow_up: FollowUp) -> dict:
    """The published content: everything residents read, frozen."""
    rows = {row.activity_id: row for row in follow_up.rows.all()}
    areas = FocusArea.objects.filter(pledge_id=follow_up.pledge_id).prefetch_related("activities")
    return {
        "pledge": {"id": follow_up.pledge_id, "title": follow_up.pledge.title},
        "year": follow_up.year,
        "tertial": follow_up.tertial,
        "summary": follow_up.summary,
        "focus_areas": [
            {
                "id": area.pk,
                "title": area.title,
                "activities": [
                    {
                        "id": activity.pk,
                        "description": activity.description,
                        "responsible": activity.responsible,
                        "responsible_other": activity.responsible_other,
                        "target": str(activity.target) if activity.target is not None else None,
                        "unit": activity.unit,
                        "status": rows[activity.pk].status if activity.pk in rows else "",
                        "achieved": (
                            str(rows[activity.pk].achieved)
                            if activity.pk in rows and rows[activity.pk].achieved is not None
                            else None
                        ),
                        "narrative": rows[activity.pk].narrative if activity.pk in rows else "",
                    }
                    for activity in area.activities.all()
                ],
            }
            for area in areas
        ],
    }


@transaction.atomic
def follow_up_approve(*, follow_up: FollowUp, by, correction_note: str = "") -> FollowUpRevision:
    """Approve and publish: every row must be complete; publishing freezes a new revision."""
    follow_up = _locked(follow_up)
    if follow_up.status == FollowUp.Status.PUBLISHED:
        raise ValidationError(_("This follow-up is already published."), code="bad_state")
    if not follow_up.pledge.is_public:
        raise ValidationError(_("Publish the pledge before its follow-ups."), code="pledge_not_public")
    follow_up_sync_rows(follow_up=follow_up)
    _require_complete(follow_up)
    previous = follow_up.revisions.order_by("-number").first()
    if previous and not correction_note.strip():
        raise ValidationError(
            {"correction_note": _("Say what was corrected; residents see it next to the date.")},
            code="correction_note_required",
        )
    revision = FollowUpRevision.objects.create(
        follow_up=follow_up,
        number=(previous.number + 1) if previous else 1,
        published_at=timezone.now(),
        published_by=by,
        correction_note=correction_note.strip(),
        content=follow_up_snapshot(follow_up),
    )
    follow_up.status = FollowUp.Status.PUBLISHED
    follow_up.return_comment = ""
    follow_up._history_user = by
    follow_up.save(update_fields=["status", "return_comment", "updated_at"])

    from pledges.tasks import render_follow_up_pdf_task

    enqueue_on_commit(render_follow_up_pdf_task, revision.pk)
    return revision


@transaction.atomic
def follow_up_reopen(*, follow_up: FollowUp, by) -> FollowUp:
    """Open a published follow-up for a correction. The published revision stays public until the next one."""
    follow_up = _locked(follow_up)
    if follow_up.status != FollowUp.Status.PUBLISHED:
        raise ValidationError(_("Only a published follow-up can be corrected."), code="bad_state")
    follow_up.status = FollowUp.Status.DRAFT
    follow_up._history_user = by
    follow_up.save(update_fields=["status", "updated_at"])
    return follow_up
