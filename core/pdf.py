"""PDF rendering with WeasyPrint that fetches nothing but the portal's own static files.

User-written text is escaped by the templates; this fetcher is the second wall: whatever markup might reach
WeasyPrint, it cannot read local files (`file://`), reach the network or the portal's own server.
"""

import logging
import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# A base URL that resolves nowhere: relative links in the PDF templates become URLs under it, and only those
# under its static path are answered, from the static files on disk.
PDF_BASE_URL = "https://pdf.bra-portalen.invalid/"
# How long a queued rendering may take before someone waiting for it queues it again.
REQUEUE_AFTER_SECONDS = 60


class StaticOnlyURLFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        static_prefix = PDF_BASE_URL + settings.STATIC_URL.lstrip("/")
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if not url.startswith(static_prefix):
            logger.warning("PDF rendering refused to fetch %s", url[:200])
            raise ValueError(f"Only the portal's own static files may be used in a PDF, not {url[:200]}")
        relative = url[len(static_prefix) :].split("?")[0].split("#")[0]
        path = finders.find(relative) if relative and ".." not in relative else None
        if path is None and settings.STATIC_ROOT:
            candidate = Path(settings.STATIC_ROOT) / relative
            path = str(candidate) if ".." not in relative and candidate.is_file() else None
        if path is None:
            raise ValueError(f"No such static file: {relative}")
        mime, _ = mimetypes.guess_type(path)
        return URLFetcherResponse(url, body=Path(path).read_bytes(), headers={"Content-Type": mime or ""})


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a Django template to a tagged PDF, in the document language of the template."""
    html = render_to_string(template_name, context)
    return html_to_pdf(html)


# One font configuration per process: building it for every document costs a large part of a render.
_FONT_CONFIG = None


def html_to_pdf(html: str) -> bytes:
    """A tagged PDF (structure tree, language and title from the HTML) for screen readers."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticOnlyURLFetcher(timeout=2))
    return document.write_pdf(pdf_tags=True, font_config=_FONT_CONFIG)


def stored_file_exists(field) -> bool:
    """A FileField that names a file which is really in storage (a restored database may lack the media)."""
    return bool(field) and field.storage.exists(field.name)


def open_stored(field):
    """The file of a FileField opened for reading, or None when there is none or it is gone from storage."""
    if not field:
        return None
    try:
        return field.open("rb")
    except FileNotFoundError:
        return None


def pdf_or_waiting_page(request, *, open_pdf, filename, queue, template, context, private=False):
    """Serve a PDF rendered by a worker, or a page (202) that waits for it.

    `open_pdf()` returns the open current PDF or None. The waiting page polls the same URL with htmx: a poll
    answers 204 until the PDF exists, then an HX-Redirect to it. A first request for a missing PDF queues its
    rendering with `queue()`; a broker that is down is logged, and the waiting page asks again.
    """
    polling = bool(request.headers.get("HX-Request"))
    handle = open_pdf()
    if handle is not None:
        if polling:
            handle.close()
            return HttpResponse(headers={"HX-Redirect": request.path})
        response = FileResponse(handle, content_type="application/pdf", filename=filename)
        if private:
            response["Cache-Control"] = "private, no-cache"
        return response
    _queue_at_most_once_a_minute(request.path, queue)
    if polling:
        return HttpResponse(status=204)
    response = render(request, template, context, status=202)
    response["Retry-After"] = "2"
    return response


def _queue_at_most_once_a_minute(path: str, queue) -> None:
    """Queue the rendering, again by a later poll if it has not appeared within a minute.

    A task lost with a broker that was down (or a worker killed mid-render) is queued again while someone waits
    for it; a rendering that merely takes time is not queued twice in a minute. The cache holds the marker.
    """
    if not cache.add(f"pdf-queued:{path}", True, REQUEUE_AFTER_SECONDS):
        return
    try:
        queue()
    except Exception:
        logger.exception("Could not queue the rendering of %s; the broker may be down", path)
