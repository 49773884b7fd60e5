"""Catching up: PDF renders the database says are missing, queued again (beat: core.tasks.requeue_pending_task).

A render is queued when a document is adopted, published or approved (`enqueue_on_commit`), but a broker that is
down drops that message, and a Redis that restarts empty loses what was waiting. The database still says which
documents should have a PDF and have none, so the sweep queues those again. The render tasks skip a document
whose PDF is current, so a message that was not lost after all costs one check.

Two limits keep the sweep from flooding a queue that simply has no worker: a document changed in the last
GRACE is left to the message queued with it, and one queued by the sweep is not queued again for REQUEUE_AFTER
(a cache mark; while the cache is down too, every sweep queues, which a returning broker absorbs).
A PDF asked for on a draft leaves no trace in the database; its waiting page queues it again when reloaded.
"""

import logging
from datetime import timedelta

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.utils import timezone

logger = logging.getLogger(__name__)

GRACE = timedelta(minutes=2)
REQUEUE_AFTER = timedelta(minutes=30)
# Minutes are checked in storage one meeting at a time, so only those approved or published this recently.
MINUTES_LOOKBACK = timedelta(days=14)


def _plans(cutoff):
    from actionplans.models import ActionPlan
    from actionplans.services import content_key
    from actionplans.tasks import render_plan_pdf_task
    from core.pdf import stored_file_exists

    for plan in ActionPlan.objects.adopted().filter(updated_at__lt=cutoff, snapshot__isnull=False):
        if plan.pdf_key != content_key(plan.snapshot) or not stored_file_exists(plan.pdf):
            yield render_plan_pdf_task, (plan.pk,)


def _follow_up_revisions(cutoff):
    from pledges.models import FollowUpRevision
    from pledges.tasks import render_follow_up_pdf_task

    for pk in FollowUpRevision.objects.filter(pdf="", published_at__lt=cutoff).values_list("pk", flat=True):
        yield render_follow_up_pdf_task, (pk,)


def _situation_pictures(cutoff):
    from situation.models import SituationPicture
    from situation.tasks import render_picture_pdf_task

    for pk in SituationPicture.objects.adopted().filter(pdf="", updated_at__lt=cutoff).values_list("pk", flat=True):
        yield render_picture_pdf_task, (pk,)


def _minutes_stored(meeting_id: int, prefix: str) -> bool:
    from councils.meetings_pdf import PDF_DIR

    try:
        _folders, files = default_storage.listdir(f"{PDF_DIR}/{meeting_id}")
    except FileNotFoundError:
        return False
    return any(name.startswith(prefix) for name in files)


def _minutes(cutoff):
    """Approved minutes lock, so any stored file of a version is the current one."""
    from councils.meetings_tasks import render_minutes_pdf_task
    from councils.models import Meeting

    since = cutoff - MINUTES_LOOKBACK
    approved = Meeting.objects.filter(
        minutes_status=Meeting.MinutesStatus.APPROVED, minutes_approved_at__range=(since, cutoff)
    )
    for pk in approved.values_list("pk", flat=True):
        if not _minutes_stored(pk, "internal-"):
            yield render_minutes_pdf_task, (pk, False)
    published = Meeting.objects.with_published_minutes().filter(minutes_published_at__range=(since, cutoff))
    for pk in published.values_list("pk", flat=True):
        if not _minutes_stored(pk, "public-"):
            yield render_minutes_pdf_task, (pk, True)


PENDING = [_plans, _follow_up_revisions, _situation_pictures, _minutes]


def pending_work(now=None):
    """(task, args) of every render the database says is missing, for documents last changed before GRACE ago."""
    cutoff = (now or timezone.now()) - GRACE
    for kind in PENDING:
        yield from kind(cutoff)


def _mark(task, args) -> str:
    return "catch-up:" + ":".join([task.name, *map(str, args)])


def requeue_pending() -> int:
    """Queue every pending render not queued by a sweep lately; a broker failure ends the sweep (logged)."""
    queued = 0
    for task, args in pending_work():
        mark = _mark(task, args)
        if cache.get(mark):
            continue
        task.delay(*args)
        cache.set(mark, True, int(REQUEUE_AFTER.total_seconds()))
        queued += 1
    if queued:
        logger.info("catch-up: queued %d pending renders again", queued)
    return queued
