import logging
import socket

from celery import shared_task
from django.utils import timezone

from core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


@shared_task(time_limit=30, soft_time_limit=20, ignore_result=True)
def heartbeat_task():
    """Record that a worker is alive and consuming the queue (read by /healthz)."""
    WorkerHeartbeat.objects.update_or_create(hostname=socket.gethostname(), defaults={"seen_at": timezone.now()})


def enqueue_on_commit(task, *args):
    """Queue `task` once the current transaction commits.

    A broker that is down must not turn a saved change into an error page: the failure is logged, and work
    that matters is queued again by whoever needs it (a PDF, for example, when it is first asked for).
    """
    from django.db import transaction

    def send():
        try:
            task.delay(*args)
        except Exception:
            logger.exception("Could not queue %s%r; the broker may be down", task.name, args)

    transaction.on_commit(send)


@shared_task(time_limit=600, soft_time_limit=540, ignore_result=True)
def reminders_task():
    """Plan the reminders of the coming day, then send what is due (core/reminders.py)."""
    from core import reminders

    planned = reminders.scan()
    sent = reminders.send_due()
    logger.info("reminders: planned %s, sending %s", planned, sent)


@shared_task(time_limit=600, soft_time_limit=540, ignore_result=True)
def send_due_task():
    """Send what is due now (queued after a change that should be mailed at once, e.g. a subscription)."""
    from core import reminders

    reminders.send_due()


@shared_task(time_limit=600, soft_time_limit=540, ignore_result=True)
def digest_task():
    """Gather the day's reminders of users who chose a digest into one mail each, then send."""
    from core import reminders

    reminders.send_due()
    reminders.send_digests()
    reminders.send_due()


@shared_task(time_limit=1800, soft_time_limit=1700, ignore_result=True)
def retention_task():
    """Enforce every retention period of core/retention.py (beat: nightly) and log what each rule removed."""
    from core import retention

    counts = retention.run_all()
    logger.info("retention: %s", ", ".join(f"{key} {count}" for key, count in counts.items()))


@shared_task(time_limit=300, soft_time_limit=240, ignore_result=True)
def requeue_pending_task():
    """Queue again the PDF renders the database says are missing, e.g. lost while Redis was down (beat: 5 min)."""
    from core import catch_up

    catch_up.requeue_pending()
