"""Request ids: every request gets one, every log line written while handling it names it, the response shows it.

A reverse proxy that sets X-Request-ID (nginx: `proxy_set_header X-Request-ID $request_id;`) ties its own
log to the portal's; without one, or with a value that is not a plain token, the portal makes its own.
"""

import re
import uuid

from django.utils.log import log_response

from core.logging import request_context

HEADER = "X-Request-ID"
# Long enough for a UUID with dashes or a proxy's hex id; nothing that could forge a log line or a header.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id_from(value: str | None) -> str:
    """The incoming id when it is a plain token of at most 64 characters, otherwise a new one."""
    if value and VALID_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE, so that even a redirect to HTTPS or an error page carries the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request.headers.get(HEADER))
        with request_context(request.request_id, request):
            response = self.get_response(request)
            # Django logs a 4xx or 5xx answer only after the last middleware has returned, when the id is no
            # longer bound; logged here instead (the same line), it carries the id. Django then logs it no more.
            if response.status_code >= 400:
                log_response("%s: %s", response.reason_phrase, request.path, response=response, request=request)
        response[HEADER] = request.request_id
        return response
