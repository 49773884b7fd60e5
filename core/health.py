"""The checks behind /healthz: database, broker and a worker heartbeat."""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from bra_portal.celery import app as celery_app
from core.models import WorkerHeartbeat


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        return False, type(exc).__name__
    return True, connection.vendor


def check_broker() -> tuple[bool, str]:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:
        return False, type(exc).__name__
    return True, str(transport)


def check_worker() -> tuple[bool, str]:
    try:
        beat = WorkerHeartbeat.objects.order_by("-seen_at").first()
    except Exception as exc:
        return False, type(exc).__name__
    if beat is None:
        return False, "no heartbeat yet"
    age = timezone.now() - beat.seen_at
    if age > timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE):
        return False, f"last heartbeat {int(age.total_seconds())} s ago"
    return True, f"last heartbeat {int(age.total_seconds())} s ago"


def health_report() -> tuple[bool, dict]:
    checks = {"database": check_database(), "broker": check_broker(), "worker": check_worker()}
    body = {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()}
    healthy = all(ok for ok, _ in checks.values())
    return healthy, {"status": "ok" if healthy else "degraded", "checks": body}
