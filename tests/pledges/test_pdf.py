"""Follow-up PDFs: rendered by a real Celery worker with WeasyPrint, text checked with a PDF parser."""

import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pypdf
import pytest
from django.urls import reverse

from core.pdf import html_to_pdf
from tests.pledges.conftest import published_follow_up


def _wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def recording_server():
    """A local HTTP server that records every request it gets (nothing should reach it)."""
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], requests
    server.shutdown()


def test_published_follow_up_pdf_is_rendered_by_the_worker_and_served(
    client, tenant, celery_worker, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    pledge, _follow_up, revision = published_follow_up(tenant.municipality, tenant.coordinator)
    url = reverse(
        "pledges:public-follow-up-pdf", kwargs={"kommun": "testkoping", "pk": pledge.pk, "year": 2025, "tertial": 1}
    )
    assert _wait_for(lambda: type(revision).objects.get(pk=revision.pk).pdf), "the worker never rendered the PDF"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert "/StructTreeRoot" in reader.trailer["/Root"], "the PDF is not tagged"
    text = _pdf_text(data)
    assert "Uppföljning T1 2025" in text
    assert "Åsgatan" in text and "Fokusområde 1: trygghet och säkerhet" in text
    assert "Ödeshög" in text
    assert "Pågår" in text


def test_pdf_request_before_rendering_answers_202_and_queues_the_work(
    client, tenant, celery_worker, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    pledge, _follow_up, revision = published_follow_up(tenant.municipality, tenant.coordinator)
    type(revision).objects.filter(pk=revision.pk).update(pdf="")
    url = reverse(
        "pledges:public-follow-up-pdf", kwargs={"kommun": "testkoping", "pk": pledge.pk, "year": 2025, "tertial": 1}
    )
    first = client.get(url)
    assert first.status_code in (200, 202)
    if first.status_code == 202:
        assert "PDF:en förbereds" in first.content.decode()
    assert _wait_for(lambda: type(revision).objects.get(pk=revision.pk).pdf)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_narrative_markup_is_shown_as_text_and_fetches_nothing(tenant, recording_server):
    from pledges.pdf import follow_up_pdf

    port, requests = recording_server
    hostile = f'<img src="file:///etc/passwd"> <img src="http://127.0.0.1:{port}/spy.png"> <a href="http://127.0.0.1:{port}/">x</a>'
    _pledge, _follow_up, revision = published_follow_up(tenant.municipality, tenant.coordinator)
    content = revision.content
    content["focus_areas"][0]["activities"][0]["narrative"] = hostile
    revision.content = content
    text = _pdf_text(follow_up_pdf(revision))
    compact = "".join(text.split())  # table cells wrap anywhere
    assert '<imgsrc="file:///etc/passwd">' in compact
    assert "root:x:0:0" not in text
    assert requests == []


def test_the_pdf_fetcher_refuses_files_and_network_even_for_raw_markup(recording_server):
    port, requests = recording_server
    html = (
        '<html lang="sv"><head><title>t</title>'
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/evil.css"></head><body>'
        f'<img src="http://127.0.0.1:{port}/spy.png" alt="">'
        '<img src="file:///etc/passwd" alt=""><iframe src="file:///etc/hostname"></iframe>'
        "<p>Åäö</p></body></html>"
    )
    text = _pdf_text(html_to_pdf(html))
    assert "Åäö" in text
    assert "root" not in text
    assert requests == [], f"WeasyPrint reached the network: {requests}"
