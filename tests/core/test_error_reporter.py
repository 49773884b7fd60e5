"""The error reporter hook, against a local HTTP server standing in for the deployment's error service."""

import json
import queue
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client, override_settings
from django.urls import path

from bra_portal.celery import app as celery_app
from bra_portal.urls import urlpatterns as portal_urlpatterns
from core.logging import request_context
from core.testservers import free_port
from tests.factories import UserFactory


def _broken_view(request):
    raise ZeroDivisionError("a value the exception message must not carry away")


# This module is also the URLconf of the tests below: the portal's URLs plus one view that fails.
urlpatterns = [path("test-fel/", _broken_view), *portal_urlpatterns]


@celery_app.task(name="tests.core.failing_task")
def failing_task():
    raise LookupError("no such revision")


def broken_reporter(event):
    raise RuntimeError("the reporter itself fails")


class ErrorService:
    """A local HTTP server that records the JSON bodies posted to it."""

    def __init__(self):
        received = self.received = queue.Queue()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.put((self.headers["Content-Type"], body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def next_event(self, timeout=10.0) -> dict:
        content_type, body = self.received.get(timeout=timeout)
        assert content_type == "application/json"
        return json.loads(body)

    def assert_nothing_more(self, wait=0.5):
        time.sleep(wait)
        assert self.received.empty(), f"unexpected reports: {list(self.received.queue)}"


@pytest.fixture
def error_service():
    service = ErrorService()
    with override_settings(ERROR_REPORTER="core.error_reporter.webhook", ERROR_REPORTER_URL=service.url):
        yield service
    service.server.shutdown()
    service.server.server_close()


@pytest.fixture
def browser_client():
    """A client that answers with the 500 page, as a browser sees it, instead of raising the view's exception."""
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_failing_request_sends_one_event_with_its_request_id_path_and_user_id(browser_client, error_service):
    user = UserFactory(email="anna.andersson@vaggeryd.example")
    browser_client.force_login(user)
    response = browser_client.get("/test-fel/?q=personnummer")
    assert response.status_code == 500
    event = error_service.next_event()
    assert event["request_id"] == response["X-Request-ID"]
    assert (event["method"], event["path"], event["user_id"]) == ("GET", "/test-fel/", user.pk)
    assert event["logger"] == "django.request"
    assert event["exception_type"] == "builtins.ZeroDivisionError"
    assert event["stack"][-1]["function"] == "_broken_view"
    raw = json.dumps(event)
    for personal in ("anna.andersson", "personnummer", "must not carry away"):
        assert personal not in raw
    error_service.assert_nothing_more()


def test_a_failing_celery_task_sends_one_event_with_the_task_and_the_request_that_queued_it(
    celery_worker, error_service
):
    with request_context("page-request-42"):
        result = failing_task.delay()
    event = error_service.next_event()
    assert (event["task"], event["task_id"]) == ("tests.core.failing_task", result.id)
    assert event["request_id"] == "page-request-42"
    assert event["exception_type"] == "builtins.LookupError"
    assert "no such revision" not in json.dumps(event)
    error_service.assert_nothing_more()


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_nothing_is_sent_while_the_reporter_is_off(browser_client, error_service):
    with override_settings(ERROR_REPORTER=""):
        response = browser_client.get("/test-fel/")
    assert response.status_code == 500
    error_service.assert_nothing_more(wait=0.2)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, ERROR_REPORTER="core.error_reporter.webhook", ERROR_REPORTER_TIMEOUT=5)
def test_the_500_page_is_served_without_waiting_when_the_error_service_is_down(browser_client):
    with override_settings(ERROR_REPORTER_URL=f"http://127.0.0.1:{free_port()}/events"):  # nothing listens
        started = time.monotonic()
        response = browser_client.get("/test-fel/")
    assert response.status_code == 500
    assert time.monotonic() - started < 3.0, "the page waited for the reporter's timeout"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, ERROR_REPORTER="core.error_reporter.webhook", ERROR_REPORTER_TIMEOUT=1)
def test_the_500_page_waits_no_longer_than_the_timeout_for_an_error_service_that_hangs(browser_client):
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts connections, never answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/events"
        with override_settings(ERROR_REPORTER_URL=url):
            started = time.monotonic()
            response = browser_client.get("/test-fel/")
    assert response.status_code == 500
    assert 1.0 <= time.monotonic() - started < 4.0


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, ERROR_REPORTER=f"{__name__}.broken_reporter")
def test_a_reporter_that_raises_does_not_break_the_500_page(browser_client):
    response = browser_client.get("/test-fel/")
    assert response.status_code == 500
    assert response["X-Request-ID"]
