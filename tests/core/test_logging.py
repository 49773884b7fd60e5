"""Structured logs: JSON lines with request ids, from Django, gunicorn and a real Celery worker."""

import io
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from core.logging import JsonFormatter, RequestIdFilter, request_context
from core.testservers import free_port
from situation.tasks import import_police_events_task

ROOT = Path(__file__).resolve().parents[2]
NEW_REQUEST_ID = re.compile(r"[0-9a-f]{32}")
# No URL pattern of the portal matches this path, so it answers 404 without touching the database.
MISSING_PATH = "/finns/inte/alls/har/"


class LogCapture:
    """The portal's JSON formatter and request-id filter on the root logger, writing into memory."""

    def __init__(self):
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(JsonFormatter())
        self.handler.addFilter(RequestIdFilter())

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def wait_for(self, condition, timeout=10.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = next((record for record in self.records() if condition(record)), None)
            if found:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no such log line in {self.records()}")


@pytest.fixture
def log_capture():
    capture = LogCapture()
    logging.getLogger().addHandler(capture.handler)
    yield capture
    logging.getLogger().removeHandler(capture.handler)


def _not_found_record(capture: LogCapture) -> dict:
    return next(record for record in capture.records() if record["logger"] == "django.request")


@pytest.mark.django_db
def test_each_log_line_is_one_json_object_with_time_level_logger_message_and_request_id(client, log_capture):
    client.get(MISSING_PATH)
    record = _not_found_record(log_capture)
    assert list(record)[:5] == ["time", "level", "logger", "message", "request_id"]
    assert record["level"] == "WARNING"
    assert record["message"] == f"Not Found: {MISSING_PATH}"
    assert record["time"].endswith("+00:00")


@pytest.mark.django_db
def test_a_requests_log_lines_carry_the_request_id_of_its_response_header(client, log_capture):
    response = client.get(MISSING_PATH)
    request_id = response["X-Request-ID"]
    assert NEW_REQUEST_ID.fullmatch(request_id)
    assert _not_found_record(log_capture)["request_id"] == request_id
    assert client.get(MISSING_PATH)["X-Request-ID"] != request_id, "each request gets its own id"


@pytest.mark.django_db
def test_a_valid_incoming_request_id_from_the_proxy_is_kept(client, log_capture):
    response = client.get(MISSING_PATH, headers={"X-Request-ID": "nginx-4f2a.9_B"})
    assert response["X-Request-ID"] == "nginx-4f2a.9_B"
    assert _not_found_record(log_capture)["request_id"] == "nginx-4f2a.9_B"


@pytest.mark.django_db
@pytest.mark.parametrize("incoming", ["with space", "a" * 65, '"}{"level": "forged', "åäö", "id\\n"])
def test_an_invalid_incoming_request_id_is_replaced_by_a_new_one(client, log_capture, incoming):
    response = client.get(MISSING_PATH, headers={"X-Request-ID": incoming})
    assert NEW_REQUEST_ID.fullmatch(response["X-Request-ID"])
    assert _not_found_record(log_capture)["request_id"] == response["X-Request-ID"]


def test_an_exception_is_written_into_its_line():
    capture = LogCapture()
    logger = logging.getLogger("tests.core.logging")
    logger.addHandler(capture.handler)
    try:
        raise ValueError("a broken value")
    except ValueError:
        logger.exception("Could not save")
    finally:
        logger.removeHandler(capture.handler)
    (record,) = capture.records()
    assert record["message"] == "Could not save"
    assert record["request_id"] == "-"
    assert record["exception"].startswith("Traceback (most recent call last):")
    assert record["exception"].endswith("ValueError: a broken value")


def test_a_task_queued_during_a_request_logs_with_that_requests_id(celery_worker, log_capture):
    with request_context("page-request-17"):
        result = import_police_events_task.delay()
    record = log_capture.wait_for(lambda record: record["logger"] == "situation.tasks")
    assert record["request_id"] == "page-request-17"
    assert record["request_id"] != result.id


def test_a_task_queued_outside_a_request_logs_with_its_own_task_id(celery_worker, log_capture):
    result = import_police_events_task.delay()  # as beat queues it
    record = log_capture.wait_for(lambda record: record["logger"] == "situation.tasks")
    assert record["request_id"] == result.id


# ---- the processes as deployed ----


def _environment(**variables) -> dict[str, str]:
    """The test run's environment (its database, static storage) with DEBUG off and no LOG_FORMAT, plus these."""
    environment = {name: value for name, value in os.environ.items() if name != "LOG_FORMAT"}
    return {**environment, "DEBUG": "false", **variables}


def _wait_until_listening(port: int, process: subprocess.Popen, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start")


def test_gunicorn_and_django_write_json_lines_with_the_same_request_id_in_production():
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "bra_portal.wsgi", f"--bind=127.0.0.1:{port}", "--workers=1"]
    command += ["--access-logfile=-", "--error-logfile=-", "--logger-class=core.logging.GunicornLogger"]
    process = subprocess.Popen(
        command, cwd=ROOT, env=_environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        _wait_until_listening(port, process)
        request = urllib.request.Request(f"http://127.0.0.1:{port}{MISSING_PATH}", headers={"X-Request-ID": "px-1"})
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=60)
        assert answer.value.headers["X-Request-ID"] == "px-1"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    records = [json.loads(line) for line in output.splitlines()]  # every line is JSON
    lines_of_the_request = {record["logger"]: record for record in records if record["request_id"] == "px-1"}
    assert lines_of_the_request["django.request"]["message"] == f"Not Found: {MISSING_PATH}"
    access = lines_of_the_request["gunicorn.access"]
    assert (access["method"], access["path"], access["status"]) == ("GET", MISSING_PATH, 404)
    assert any(record["logger"] == "gunicorn.error" and "Booting worker" in record["message"] for record in records)


def _log_one_line(**variables) -> subprocess.CompletedProcess:
    script = "import django; django.setup(); import logging; logging.getLogger('probe').warning('Hallå')"
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=_environment(DJANGO_SETTINGS_MODULE="bra_portal.settings", **variables),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_log_is_plain_text_when_debug_is_on_so_that_make_run_stays_readable():
    result = _log_one_line(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\S+ \S+ WARNING probe \[-\] Hallå\n", result.stderr)


def test_an_unknown_log_format_stops_the_portal_with_a_message_naming_it():
    result = _log_one_line(LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be json or text, not 'xml'" in result.stderr
