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
