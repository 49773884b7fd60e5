"""The error reporter hook: unhandled errors sent to a service the deployment chooses. Off by default.

`ERROR_REPORTER` names a callable `report(event: dict)`; the built-in `core.error_reporter.webhook` POSTs the
event as JSON to `ERROR_REPORTER_URL`. `ErrorReporterHandler`, a handler of the root logger at ERROR, calls it
for every error record that carries an exception: a request that ended in a 500 (django.request), a Celery
task that raised (celery.app.trace), a `logger.exception()` anywhere.

An event leaves the server, so it holds ids and code locations only: the request id, method and path (without
the query string), the user's id (never a name or e-mail address), the task's name and id, the exception's
type and the stack's files, lines and functions. The exception's message, the log message's arguments and the
values in the stack can carry personal data and stay in the log; the request id finds them there.
"""

import json
import logging
import traceback
import urllib.request
from datetime import UTC, datetime
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from core.logging import current_request, current_request_id

logger = logging.getLogger(__name__)


class ErrorReporterHandler(logging.Handler):
    """Reports error records with an exception to ERROR_REPORTER; never lets a failing reporter raise."""

    def emit(self, record):
        if not settings.ERROR_REPORTER or not record.exc_info or record.exc_info[0] is None:
            return
        try:
            _reporter(settings.ERROR_REPORTER)(error_event(record))
        except Exception:
            # Logged below ERROR, so that this handler does not report its own failure in a loop.
            logger.warning("The error reporter %s failed", settings.ERROR_REPORTER, exc_info=True)


@cache
def _reporter(dotted_path: str):
    return import_string(dotted_path)


def error_event(record: logging.LogRecord) -> dict:
    """What is reported about one error record: ids and code locations, no personal data (see the module)."""
    exc_type, _exc, tb = record.exc_info
    return {
        "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname,
        "logger": record.name,
        "message": str(record.msg),
        "request_id": current_request_id() or None,
        **_request_fields(getattr(record, "request", None) or current_request()),
        **_task_fields(),
        "exception_type": f"{exc_type.__module__}.{exc_type.__qualname__}",
        "stack": [
            {"file": frame.filename, "line": frame.lineno, "function": frame.name} for frame in traceback.extract_tb(tb)
        ],
    }


def _request_fields(request) -> dict:
    if request is None:
        return {}
    return {"method": request.method, "path": request.path, "user_id": _user_id(request)}


def _user_id(request):
    """The signed-in user's id, or None; the error may be the database itself, so looking the user up may fail."""
    try:
        user = request.user
        return user.pk if user.is_authenticated else None
    except Exception:
        return None


def _task_fields() -> dict:
    from celery import current_task

    if not current_task or not current_task.request.id:
        return {}
    return {"task": current_task.name, "task_id": current_task.request.id}


def webhook(event: dict) -> None:
    """POST the event as JSON to ERROR_REPORTER_URL, waiting at most ERROR_REPORTER_TIMEOUT seconds; never raises."""
    url = settings.ERROR_REPORTER_URL
    request = urllib.request.Request(
        url,
        data=json.dumps(event).encode(),
        headers={"Content-Type": "application/json", "User-Agent": "BRA-portalen error reporter"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.ERROR_REPORTER_TIMEOUT) as response:
            response.read()
    except (OSError, ValueError) as error:
        logger.warning("The error report could not be sent: %s", error)
