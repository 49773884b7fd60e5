"""The checks behind /healthz: database, broker, worker heartbeat and cache, each saying whether it is down.

/healthz must answer quickly while something is down, since that is when it is asked: a Redis (broker or cache)
is pinged directly with CHECK_TIMEOUT_S to connect and to answer, without the retries Celery and kombu add.
"""

from datetime import timedelta

import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from bra_portal.celery import app as celery_app
from core.models import WorkerHeartbeat

CHECK_TIMEOUT_S = 1


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        return False, type(exc).__name__
    return True, connection.vendor


def _ping_redis(url: str) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=CHECK_TIMEOUT_S, socket_timeout=CHECK_TIMEOUT_S)
    try:
        client.ping()
    finally:
        client.close()


def check_broker() -> tuple[bool, str]:
    url = celery_app.conf.broker_url
    try:
        if url.startswith(("redis://", "rediss://")):
            _ping_redis(url)
            return True, "redis"
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


def check_cache() -> tuple[bool, str]:
    """A Redis cache is pinged (core/cache.py); a cache in the process's memory is up while the process is."""
    backend = caches["default"]
    ping = getattr(backend, "ping", None)
    if ping is None:
        return True, type(backend).__name__
    try:
        ping()
    except Exception as exc:
        return False, type(exc).__name__
    return True, "redis"


CHECKS = {"database": check_database, "broker": check_broker, "worker": check_worker, "cache": check_cache}


def health_report() -> tuple[bool, dict]:
    checks = {name: check() for name, check in CHECKS.items()}
    body = {name: {"ok": ok, "detail": detail} for name, (ok, detail) in checks.items()}
    down = [name for name, (ok, _detail) in checks.items() if not ok]
    return not down, {"status": "degraded" if down else "ok", "down": down, "checks": body}
