import time

import pytest
from django.urls import reverse

from bra_portal.celery import app as celery_app
from core.models import WorkerHeartbeat
from core.tasks import heartbeat_task


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_healthz_is_200_when_database_broker_and_a_real_worker_are_up(client, celery_worker):
    heartbeat_task.delay()
    assert wait_for(lambda: WorkerHeartbeat.objects.exists()), "the worker never ran the heartbeat task"
    response = client.get(reverse("healthz"))
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["down"] == []
    assert all(check["ok"] for check in body["checks"].values()), body


@pytest.mark.django_db
def test_healthz_is_503_and_names_the_worker_when_no_worker_has_been_seen(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_unreachable(client, monkeypatch):
    WorkerHeartbeat.objects.create(hostname="test")
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:9/0")
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


@pytest.mark.django_db
def test_healthz_reports_a_stale_heartbeat_as_down(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    WorkerHeartbeat.objects.create(hostname="old", seen_at=timezone.now() - timedelta(minutes=10))
    body = client.get(reverse("healthz")).json()
    assert body["checks"]["worker"]["ok"] is False


@pytest.mark.django_db
def test_healthz_names_the_cache_when_redis_cache_is_down_and_pages_still_answer(client, settings):
    from core import testservers

    WorkerHeartbeat.objects.create(hostname="test")
    unreachable = f"redis://127.0.0.1:{testservers.free_port()}/1"
    settings.CACHES = {"default": {"BACKEND": "core.cache.TolerantRedisCache", "LOCATION": unreachable}}
    started = time.monotonic()
    response = client.get(reverse("healthz"))
    assert time.monotonic() - started < 3
    body = response.json()
    assert response.status_code == 503
    assert body["down"] == ["cache"], body
    assert body["checks"]["cache"] == {"ok": False, "detail": "ConnectionError"}
    assert client.get(reverse("councils:public-index")).status_code == 200
