import socket

from celery import shared_task
from django.utils import timezone

from core.models import WorkerHeartbeat


@shared_task(time_limit=30, soft_time_limit=20, ignore_result=True)
def heartbeat_task():
    """Record that a worker is alive and consuming the queue (read by /healthz)."""
    WorkerHeartbeat.objects.update_or_create(hostname=socket.gethostname(), defaults={"seen_at": timezone.now()})
