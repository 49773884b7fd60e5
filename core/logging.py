"""Structured logs: one JSON object per line, each carrying the id of the request or task that wrote it.

One formatter serves Django, Celery and gunicorn, so every line a deployment collects has the same fields:
time (ISO 8601, UTC), level, logger, message, request_id and, where there is one, exception. The request id
lives in a context variable: core.request_id's middleware binds it for a request, and the Celery signals below
bind it for a task. A task queued while a request is handled carries that request's id in its message headers,
so the lines of a PDF rendered for a page can be found from the page's request; a task queued by beat has no
request and takes its own task id.

`LOG_FORMAT=text` (the default when DEBUG is on, so `make run` stays readable) keeps the same fields on one
plain line.
"""

import logging
import os
from contextlib import contextmanager
from contextvars import ContextVar

from celery import signals
from gunicorn import glogging
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

# What a line shows outside any request or task.
NO_REQUEST_ID = "-"
# The task message header that carries the id of the request a task was queued from.
TASK_HEADER = "request_id"

_request_id: ContextVar[str] = ContextVar("request_id", default="")
_request: ContextVar = ContextVar("request", default=None)


def current_request_id() -> str:
    """The id of the request or task being handled in this thread, or "" outside both."""
    return _request_id.get()


def current_request():
    """The HttpRequest being handled in this thread, or None (in a task, for example)."""
    return _request.get()


@contextmanager
def request_context(request_id: str, request=None):
    """Bind a request id (and the request, if any) to everything logged inside the block."""
    id_token, request_token = _request_id.set(request_id), _request.set(request)
    try:
        yield
    finally:
        _request.reset(request_token)
        _request_id.reset(id_token)


class RequestIdFilter(logging.Filter):
    """Gives every record the current request id, so that a formatter can always name it."""

    def filter(self, record):
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id() or NO_REQUEST_ID
        return True


class JsonFormatter(BaseJsonFormatter):
    """time, level, logger, message, request_id and exception, then any plain extra values, as one JSON line.

    Extras that are objects (django.request's HttpRequest, Celery's task data with its arguments) are left
    out: their text would be long, and could carry what a visitor typed.
    """

    def __init__(self):
        super().__init__(
            "%(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"levelname": "level", "name": "logger", "exc_info": "exception"},
            timestamp="time",
            json_ensure_ascii=False,
        )

    def process_log_record(self, log_data):
        plain = {key: value for key, value in log_data.items() if isinstance(value, str | int | float | bool)}
        return {"time": log_data["time"].isoformat(timespec="milliseconds"), **plain}


class TextFormatter(logging.Formatter):
    """The same fields on one plain line, for a terminal."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")


# LOG_FORMAT's values.
FORMATTERS = {"json": JsonFormatter, "text": TextFormatter}


# ---- gunicorn ----


class _AccessLogFields(logging.Filter):
    """Turns gunicorn's access-log values into fields: the request id the portal answered with, and more."""

    def filter(self, record):
        if isinstance(record.args, dict):
            atoms = record.args
            record.request_id = atoms["{x-request-id}o"]
            record.method, record.path = atoms["m"], atoms["U"]
            record.status = int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"]
            record.duration_ms = atoms["M"]
        return True


class GunicornLogger(glogging.Logger):
    """gunicorn's error and access logs in the portal's format (`--logger-class=core.logging.GunicornLogger`).

    The access line of a request carries the X-Request-ID the portal answered with, the same id as the
    request's lines in Django's log.
    """

    def setup(self, cfg):
        super().setup(cfg)
        # gunicorn sets up its logs before it loads the application, which is what names the settings.
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bra_portal.settings")
        from django.conf import settings

        formatter = FORMATTERS[settings.LOG_FORMAT]()
        for log, extra_filter in ((self.error_log, None), (self.access_log, _AccessLogFields())):
            for handler in log.handlers:
                handler.setFormatter(formatter)
                if extra_filter:
                    handler.addFilter(extra_filter)
                handler.addFilter(RequestIdFilter())


# ---- Celery ----


def _add_request_id_header(headers=None, **kwargs):
    request_id = current_request_id()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


def _bind_task_request_id(task_id=None, task=None, **kwargs):
    # An eager task (run inline, not through the broker) keeps the id of the request that ran it.
    request_id = task.request.get(TASK_HEADER) or current_request_id() or task_id
    task.request.request_id_token = _request_id.set(request_id)


def _unbind_task_request_id(task=None, **kwargs):
    token = getattr(task.request, "request_id_token", None)
    if token:
        _request_id.reset(token)


def _keep_django_logging(loglevel=None, **kwargs):
    """Celery keeps settings.LOGGING (applied by django.setup()) instead of replacing the root logger's handlers.

    The worker's --loglevel (CELERY_LOG_LEVEL) still sets how much Celery itself says.
    """
    if loglevel:
        logging.getLogger("celery").setLevel(loglevel)


def install():
    """Python's warnings into the log (as `py.warnings` lines, not bare text), and connect_celery_signals()."""
    logging.captureWarnings(True)
    connect_celery_signals()


def connect_celery_signals():
    """Request ids into task headers and out of them again in the worker; Django's logging in Celery."""
    signals.before_task_publish.connect(_add_request_id_header, weak=False, dispatch_uid="core-request-id-publish")
    signals.task_prerun.connect(_bind_task_request_id, weak=False, dispatch_uid="core-request-id-prerun")
    signals.task_postrun.connect(_unbind_task_request_id, weak=False, dispatch_uid="core-request-id-postrun")
    signals.setup_logging.connect(_keep_django_logging, weak=False, dispatch_uid="core-keep-django-logging")
