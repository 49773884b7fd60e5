"""Faults on real components: the portal keeps answering while Redis or the worker is stopped, /healthz says what
is down, and the work of the outage gets done when they return.

These tests run a redis-server of their own (stopped and started again on one port, empty after a restart as a
Redis without persistence is), and point gunicorn and a Celery worker, both subprocesses, and this process's
Celery at it; the suite's Redis is left alone.
"""

import logging
import os
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
import requests
from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actionplans import services as plan_services
from actionplans.models import ActionPlan
from bench import data
from bra_portal.celery import app as celery_app
from core import cache as cache_module
from core import catch_up, testservers
from core.cache import TolerantRedisCache
from core.models import WorkerHeartbeat
from core.tasks import requeue_pending_task
from pledges.models import FollowUpRevision
from situation.models import SituationPicture
from tests.actionplans.conftest import started_plan
from tests.core.test_health import wait_for

ROOT = Path(__file__).resolve().parents[2]
# Answering "fast" while something is down: well under a browser's patience, above the 1–2 s timeouts inside.
FAST_S = 5


class RedisServer:
    """A redis-server of these tests only, on one port, that they stop and start again."""

    def __init__(self):
        self.port = testservers.free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self.answers), "redis-server did not start"

    def stop(self):
        self.process.terminate()
        self.process.wait(10)

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=1)

    def answers(self) -> bool:
        try:
            with self.client() as client:
                return client.ping()
        except redis.ConnectionError:
            return False


@pytest.fixture(scope="module")
def own_redis():
    server = RedisServer()
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture(scope="module")
def environment(own_redis, django_db_setup, tmp_path_factory):
    """The settings of the subprocesses: the test database, the own Redis as broker and cache, shared media."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": f"{own_redis.url}/0",
        "CACHE_URL": f"{own_redis.url.replace('redis://', 'rediscache://')}/1",
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("faults-media")),
        "DEBUG": "false",
        "CONN_MAX_AGE": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


@pytest.fixture(scope="module")
def portal(environment, tmp_path_factory):
    """gunicorn serving the portal as production does; yields its base URL."""
    port = testservers.free_port()
    log = tmp_path_factory.mktemp("faults-log") / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "bra_portal.wsgi", "--workers=2", f"--bind=127.0.0.1:{port}"]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: _answers(base + "/healthz"), timeout=30), log.read_text()[-3000:]
        yield base
    finally:
        process.terminate()
        process.wait(10)


def _answers(url) -> bool:
    try:
        requests.get(url, timeout=5)
    except requests.RequestException:
        return False
    return True


class Worker:
    """`celery worker` as a subprocess, the way production runs it."""

    def __init__(self, environment):
        self.environment = environment
        self.process = None

    def start(self):
        command = [sys.executable, "-m", "celery", "-A", "bra_portal", "worker", "--pool=solo", "-l", "WARNING"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)


@pytest.fixture
def worker(environment):
    worker = Worker(environment)
    yield worker
    worker.stop()


@pytest.fixture
def faults(transactional_db, own_redis, portal):
    """An empty own Redis, and this process's Celery (enqueue_on_commit, .delay) pointed at it."""
    if not own_redis.answers():
        own_redis.start()
    with own_redis.client() as client:
        client.flushall()
    previous = os.environ["CELERY_BROKER_URL"]
    _use_broker(f"{own_redis.url}/0")
    yield own_redis
    _use_broker(previous)


def _use_broker(url: str):
    # Celery reads CELERY_BROKER_URL from the environment first; its connection pools were made for the old one.
    os.environ["CELERY_BROKER_URL"] = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _get(url: str, session: str = "", **kwargs) -> tuple[requests.Response, float]:
    started = time.monotonic()
    cookies = {settings.SESSION_COOKIE_NAME: session} if session else {}
    response = requests.get(url, cookies=cookies, timeout=30, allow_redirects=False, **kwargs)
    return response, time.monotonic() - started


def _health(base: str) -> tuple[dict, int, float]:
    response, seconds = _get(base + "/healthz")
    return response.json(), response.status_code, seconds


def _session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_with_the_worker_stopped_work_waits_in_redis_and_runs_when_the_worker_starts(faults, portal, worker):
    site = data.build_site(activities=3, members=3)  # publishing the follow-up queues its PDF
    revision = site.revision
    pdf_url = portal + reverse(
        "pledges:public-follow-up-pdf",
        kwargs={
            "kommun": site.municipality.slug,
            "pk": site.pledge.pk,
            "year": site.follow_up.year,
            "tertial": site.follow_up.tertial,
        },
    )

    body, status, seconds = _health(portal)
    assert (status, body["down"]) == (503, ["worker"]), body
    assert body["checks"]["broker"]["ok"] and body["checks"]["cache"]["ok"]
    assert seconds < FAST_S
    waiting, _seconds = _get(pdf_url)
    assert waiting.status_code == 202
    assert "PDF:en förbereds" in waiting.text
    with faults.client() as client:
        assert client.llen("celery") >= 1, "the render should wait in Redis"
    revision.refresh_from_db()
    assert not revision.pdf

    worker.start()
    assert wait_for(lambda: FollowUpRevision.objects.get(pk=revision.pk).pdf, timeout=60), "never rendered"
    response, _seconds = _get(pdf_url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert wait_for(lambda: _health(portal)[1] == 200, timeout=30), _health(portal)[0]


def test_with_redis_stopped_the_public_pages_answer_and_the_sweep_catches_up_when_it_returns(
    faults, portal, worker, tenant
):
    site = data.build_site(activities=3, members=3, slug="fel-3")
    plan = started_plan(tenant)
    picture = plan.situation_picture
    WorkerHeartbeat.objects.create(hostname="faults", seen_at=timezone.now())
    pages = [
        site.municipality_url,
        site.pledge_url,
        reverse("situation:public-picture", kwargs={"kommun": tenant.municipality.slug}),
    ]
    for path in pages:  # cached in Redis while it runs
        assert _get(portal + path)[0].status_code == 200

    faults.stop()
    for path in pages:
        response, seconds = _get(portal + path)
        assert response.status_code == 200, path
        assert seconds < FAST_S, path
    assert tenant.municipality.name in _get(portal + pages[2])[0].text
    body, status, seconds = _health(portal)
    assert status == 503 and sorted(body["down"]) == ["broker", "cache"], body
    assert body["checks"]["database"]["ok"] and body["checks"]["worker"]["ok"]
    assert seconds < FAST_S

    # The coordinator adopts the plan (the render it queues is lost) and asks for its PDF.
    plan_services.plan_adopt(plan=plan, by=tenant.coordinator, body="ks", decision_date=timezone.localdate())
    session = _session_of(tenant.coordinator)
    pdf_url = portal + reverse("actionplans:plan-pdf", kwargs={"kommun": tenant.municipality.slug, "pk": plan.pk})
    waiting, seconds = _get(pdf_url, session)
    assert waiting.status_code == 202, waiting.text[:500]
    assert "PDF:en förbereds" in waiting.text
    assert seconds < FAST_S

    # The outage lasted longer than the sweep's grace for fresh work.
    earlier = timezone.now() - timedelta(minutes=10)
    ActionPlan.objects.filter(pk=plan.pk).update(updated_at=earlier)
    SituationPicture.objects.filter(pk=picture.pk).update(updated_at=earlier)
    FollowUpRevision.objects.filter(pk=site.revision.pk).update(published_at=earlier)

    faults.start()  # empty: whatever was queued before the stop is gone
    worker.start()
    requeue_pending_task.delay()  # what beat does every five minutes

    def caught_up():
        plan.refresh_from_db()
        return (
            plan.pdf_key == plan_services.content_key(plan.snapshot)
            and SituationPicture.objects.get(pk=picture.pk).pdf
            and FollowUpRevision.objects.get(pk=site.revision.pk).pdf
        )

    assert wait_for(caught_up, timeout=90), "the sweep did not get every pending PDF rendered"
    response, _seconds = _get(pdf_url, session)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    body, status, _seconds = _health(portal)
    assert status == 200, body


def _unreachable_cache() -> TolerantRedisCache:
    return TolerantRedisCache(f"redis://127.0.0.1:{testservers.free_port()}/1", {})


def test_a_redis_cache_that_is_down_answers_as_misses_logs_once_and_is_left_alone_for_a_while(caplog):
    cache = _unreachable_cache()
    calls = []
    get_client = cache._cache.get_client
    cache._cache.get_client = lambda *args, **kwargs: calls.append(1) or get_client(*args, **kwargs)
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert cache.get("page", "miss") == "miss"
        cache.set("page", "content")
        assert cache.add("page", "content") is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("page") is False
        with pytest.raises(ValueError):
            cache.incr("version")
    assert len(calls) == 1, "after a failure, Redis is not asked again at once"
    (logged,) = [record.getMessage() for record in caplog.records if record.name == "core.cache"]
    assert f"The Redis cache at {cache.outage.location} cannot be reached" in logged
    assert "Connection refused" in logged


def test_the_cache_works_again_when_redis_returns_and_says_so(own_redis, monkeypatch, caplog):
    if not own_redis.answers():
        own_redis.start()
    monkeypatch.setattr(cache_module, "RETRY_AFTER_S", 0.2)
    cache = TolerantRedisCache(f"{own_redis.url}/2", {})
    own_redis.stop()
    try:
        assert cache.get("page") is None
    finally:
        own_redis.start()
    time.sleep(0.3)
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        cache.set("page", "content")
        assert cache.get("page") == "content"
        assert cache.add("page-count", 1) is True
        assert cache.incr("page-count") == 2
    assert any("answers again" in r.message for r in caplog.records)


@pytest.mark.django_db
def test_the_sweep_finds_adopted_published_and_approved_documents_without_their_pdf(tenant, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    plan = started_plan(tenant)
    plan_services.plan_adopt(plan=plan, by=tenant.coordinator, body="ks", decision_date=timezone.localdate())
    site = data.build_site(activities=3, members=3)
    minutes = [_approved_minutes(site, n) for n in range(2)]
    default_storage.save(f"councils/minutes/{minutes[1].pk}/internal-abc.pdf", ContentFile(b"%PDF"))
    later = timezone.now() + catch_up.GRACE + timedelta(seconds=1)

    pending = {(task.name, args) for task, args in catch_up.pending_work(later)}
    assert pending == {
        ("actionplans.tasks.render_plan_pdf_task", (plan.pk,)),
        ("situation.tasks.render_picture_pdf_task", (plan.situation_picture_id,)),
        ("pledges.tasks.render_follow_up_pdf_task", (site.revision.pk,)),
        ("councils.meetings_tasks.render_minutes_pdf_task", (minutes[0].pk, False)),
    }
    assert list(catch_up.pending_work()) == [], "work of the last minutes is left to the message queued with it"


@pytest.mark.django_db
def test_the_sweep_does_not_queue_again_what_it_queued_lately(tenant, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    plan = started_plan(tenant)
    plan_services.plan_adopt(plan=plan, by=tenant.coordinator, body="ks", decision_date=timezone.localdate())
    ActionPlan.objects.filter(pk=plan.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    for task, args in catch_up.pending_work():
        django_cache.set(catch_up._mark(task, args), True)
    assert len(list(catch_up.pending_work())) == 1
    assert catch_up.requeue_pending() == 0


def _approved_minutes(site, number):
    from councils.models import Meeting

    starts = timezone.now() - timedelta(days=2, hours=number)
    return Meeting.objects.create(
        council=site.council,
        municipality=site.municipality,
        title=f"Rådsmöte {number}",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        minutes_status=Meeting.MinutesStatus.APPROVED,
        minutes_approved_at=timezone.now(),
    )


def test_a_rendering_lost_with_the_broker_is_queued_again_by_the_waiting_page_at_most_once_a_minute():
    from django.core.cache import cache
    from django.test import RequestFactory

    from core.pdf import pdf_or_waiting_page

    calls = []

    def queue():
        calls.append(True)
        if len(calls) == 1:
            raise ConnectionError("the broker is down")

    def ask(polling):
        headers = {"HX-Request": "true"} if polling else {}
        request = RequestFactory().get("/hantera/testkoping/planer/7/pdf/", headers=headers)
        return pdf_or_waiting_page(
            request, open_pdf=lambda: None, filename="plan.pdf", queue=queue,
            template="includes/pagination.html", context={},
        )  # fmt: skip

    assert ask(polling=False).status_code == 202 and len(calls) == 1  # queued, but the broker was down
    assert ask(polling=True).status_code == 204 and len(calls) == 1  # within the minute: not again
    cache.delete("pdf-queued:/hantera/testkoping/planer/7/pdf/")  # the minute has passed
    assert ask(polling=True).status_code == 204 and len(calls) == 2  # queued again while someone waits
    assert ask(polling=True).status_code == 204 and len(calls) == 2
