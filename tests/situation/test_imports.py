"""Imports of the situation picture: the police's open events feed and crime statistics from CSV.

The feed is never called: recorded samples in `samples/` are served by a local HTTP server on 127.0.0.1 that
records every request, and time is a settable clock handed to the client, so the rate rules are tested without
sleeping. Messages are asserted in English (Accept-Language: en, or translation.override) unless a test says it
checks the Swedish; those skip until the Swedish catalogue has the string.
"""

import io
import json
import logging
import os
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import SkipFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from situation import imports
from situation.imports import period_label, period_parse, statistics_import, statistics_parse
from situation.models import CrimeStatistic, FeedState, PoliceEvent
from situation.police_feed import (
    STATE_KEY,
    FeedDisabled,
    FeedError,
    FeedRateLimited,
    FeedRefused,
    PoliceFeedClient,
    parse_feed_datetime,
    police_events_import,
    police_events_import_file,
    police_events_import_from_feed,
)
from situation.tasks import import_police_events_task
from situation.views_imports import SizeLimitUploadHandler
from tests.factories import MunicipalityFactory

SAMPLES = Path(__file__).resolve().parent / "samples"
FEED = SAMPLES / "police_events.json"
FEED_LATER = SAMPLES / "police_events_later.json"
FEED_MALFORMED = SAMPLES / "police_events_malformed.json"
CSV_GOOD = SAMPLES / "statistics_testkoping.csv"
CSV_ERRORS = SAMPLES / "statistics_testkoping_errors.csv"
CSV_LATIN1 = SAMPLES / "statistics_testkoping_latin1.csv"
HEADER = "kommunkod;period;category;count\n"


# --- fixtures and helpers -----------------------------------------------------------------------------------


@pytest.fixture
def demo_municipalities(db):
    return {
        name: MunicipalityFactory(name=name, slug=name.lower(), kommunkod=code)
        for name, code in [("Vaggeryd", "0665"), ("Vara", "1470"), ("Hjo", "1497"), ("Hagfors", "1783")]
    }


class Clock:
    """A settable `now` for the feed client."""

    def __init__(self, start=datetime(2024, 4, 2, 12, 0, tzinfo=UTC)):
        self.current = start

    def __call__(self):
        return self.current

    def advance(self, **delta):
        self.current += timedelta(**delta)


@pytest.fixture
def clock():
    return Clock()


class FeedServer:
    """A local stand-in for the feed: serves `body` with `status` and records each request."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.body = FEED.read_bytes()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                recorder.requests.append({"path": self.path, "user_agent": self.headers.get("User-Agent")})
                body = recorder.body if recorder.status == 200 else b'{"message": "Not found"}'
                self.send_response(recorder.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/api/events"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed_server(monkeypatch):
    # A proxy from the environment must not see requests meant for the loopback server.
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture
def feed_client(feed_server, clock):
    return PoliceFeedClient(url=feed_server.url, allow_http=True, contact="trygghet@test.example", now=clock)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def staff_client(user, **kwargs):
    """A signed-in browser asking for English, so messages can be compared with their msgids."""
    client = Client(headers={"accept-language": "en"}, **kwargs)
    client.force_login(user)
    return client


def require_swedish(msgid, *, plural=False):
    """Skip while the Swedish catalogue lacks `msgid` (the lead adds the translations)."""
    with translation.override("sv"):
        translated = translation.ngettext(msgid, msgid, 2) if plural else translation.gettext(msgid)
        if translated == msgid:
            pytest.skip(f"waiting for the Swedish translation of {msgid[:60]!r}")


def upload(data: bytes, name="statistik.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def parse(data: bytes, municipality, **kwargs):
    with translation.override("en"):
        return statistics_parse(file=io.BytesIO(data), municipality=municipality, **kwargs)


def urls(municipality):
    kwargs = {"kommun": municipality.slug}
    return {
        "upload": reverse("situation:import-statistics", kwargs=kwargs),
        "preview": reverse("situation:import-statistics-preview", kwargs=kwargs),
        "confirm": reverse("situation:import-statistics-confirm", kwargs=kwargs),
        "cancel": reverse("situation:import-statistics-cancel", kwargs=kwargs),
    }


def pending_files(media_root):
    folder = media_root / "imports" / "statistics"
    return sorted(folder.iterdir()) if folder.exists() else []


# --- police feed: parsing and import ------------------------------------------------------------------------


def test_feed_sample_imports_the_events_of_municipalities_on_the_portal(demo_municipalities):
    result = police_events_import_file(path=FEED)

    assert (result.fetched, result.new, result.duplicates, result.skipped, result.invalid) == (10, 8, 0, 2, 0)
    assert PoliceEvent.objects.count() == 8
    event = PoliceEvent.objects.get(event_id=501001)
    assert event.municipality == demo_municipalities["Vaggeryd"]
    assert event.name == "12 mars 09.58, Skadegörelse, Vaggeryd"
    assert event.type == "Skadegörelse"
    assert event.url == "/aktuellt/handelser/2024/mars/12/12-mars-09.58-skadegorelse-vaggeryd/"
    assert event.summary.startswith("Klotter och krossade rutor")
    assert (event.latitude, event.longitude) == (Decimal("57.497000"), Decimal("14.147000"))


def test_events_in_places_that_are_not_municipalities_on_the_portal_are_skipped_and_counted(demo_municipalities):
    result = police_events_import_file(path=FEED)

    assert result.skipped_locations == {"Jönköping": 1, "Västra Götalands län": 1}
    assert not PoliceEvent.objects.filter(location_name__in=["Jönköping", "Västra Götalands län"]).exists()
    assert set(PoliceEvent.objects.values_list("municipality__name", flat=True)) == {
        "Hagfors",
        "Hjo",
        "Vaggeryd",
        "Vara",
    }


def test_a_location_written_as_vaggeryds_kommun_belongs_to_vaggeryd(demo_municipalities):
    police_events_import_file(path=FEED)

    event = PoliceEvent.objects.get(event_id=501005)
    assert event.location_name == "Vaggeryds kommun"
    assert event.municipality == demo_municipalities["Vaggeryd"]


def test_location_names_match_case_insensitively_and_in_their_kommun_forms(demo_municipalities):
    events = [
        {"id": n, "datetime": "2024-03-01 10:00:00 +01:00", "name": "Händelse", "location": {"name": name}}
        for n, name in enumerate(["VARA", "vara kommun", "Hagfors kommun", "Hjo kommun", "Vaggeryd stad"], start=1)
    ]
    result = police_events_import(events=events)

    assert (result.new, result.skipped) == (5, 0)


def test_reimporting_the_same_feed_creates_no_duplicates(demo_municipalities):
    police_events_import_file(path=FEED)
    again = police_events_import_file(path=FEED)

    assert (again.fetched, again.new, again.duplicates, again.skipped) == (10, 0, 8, 2)
    assert PoliceEvent.objects.count() == 8


def test_a_later_feed_adds_new_events_and_refreshes_revised_ones(demo_municipalities):
    police_events_import_file(path=FEED)
    later = police_events_import_file(path=FEED_LATER)

    assert (later.fetched, later.new, later.duplicates, later.skipped) == (4, 1, 2, 1)
    assert PoliceEvent.objects.count() == 9
    assert "Uppdaterad 07.40" in PoliceEvent.objects.get(event_id=501010).summary


def test_a_datetime_with_a_single_digit_hour_is_read_with_its_offset():
    parsed = parse_feed_datetime("2018-04-13 9:58:49 +02:00")

    assert parsed == datetime(2018, 4, 13, 9, 58, 49, tzinfo=timezone(timedelta(hours=2)))
    assert parsed.utcoffset() == timedelta(hours=2)


def test_stored_event_times_keep_the_instant_the_feed_gave(demo_municipalities):
    police_events_import_file(path=FEED)

    assert PoliceEvent.objects.get(event_id=501001).occurred_at == datetime(2024, 3, 12, 8, 58, 49, tzinfo=UTC)
    assert PoliceEvent.objects.get(event_id=501010).occurred_at == datetime(2024, 3, 31, 1, 5, tzinfo=UTC)


def test_a_malformed_feed_file_is_refused_and_nothing_is_written(demo_municipalities):
    with pytest.raises(FeedError, match="not valid JSON"):
        police_events_import_file(path=FEED_MALFORMED)

    assert not PoliceEvent.objects.exists()


def test_feed_content_that_is_not_an_array_is_refused(demo_municipalities, tmp_path):
    path = tmp_path / "object.json"
    path.write_text(json.dumps({"events": []}))

    with pytest.raises(FeedError, match="not a JSON array"):
        police_events_import_file(path=path)


def test_entries_without_id_time_or_location_are_counted_as_invalid(demo_municipalities):
    events = json.loads(FEED.read_text(encoding="utf-8"))[:2]
    events += [
        {"datetime": "2024-03-01 10:00:00 +01:00", "name": "Utan id", "location": {"name": "Vara"}},
        {"id": 9, "datetime": "igår", "name": "Fel tid", "location": {"name": "Vara"}},
        {"id": 10, "datetime": "2024-03-01 10:00:00 +01:00", "name": "Utan plats"},
        "inte en händelse",
    ]
    result = police_events_import(events=events)

    assert (result.fetched, result.new, result.invalid) == (6, 2, 4)


def test_management_command_imports_a_saved_file_and_prints_the_counts(demo_municipalities):
    out = io.StringIO()
    call_command("import_police_events", "--file", str(FEED), stdout=out)

    assert out.getvalue().splitlines()[:5] == [
        "Fetched: 10",
        "New: 8",
        "Already imported: 0",
        "Skipped (location not a municipality on the portal): 2",
        "Invalid: 0",
    ]
    assert PoliceEvent.objects.count() == 8


def test_management_command_reports_a_malformed_file_as_an_error(demo_municipalities):
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_police_events", "--file", str(FEED_MALFORMED), stdout=io.StringIO())


# --- police feed: the client's rules ------------------------------------------------------------------------


def test_the_client_sends_a_user_agent_naming_the_portal_and_its_contact(db, feed_server, clock, settings):
    settings.POLICE_FEED_CONTACT = "trygghet@test.example"
    PoliceFeedClient(url=feed_server.url, allow_http=True, now=clock).fetch()

    assert feed_server.requests[0]["user_agent"] == "BRA-portalen/1.0 (+trygghet@test.example)"


def test_fetching_from_the_local_feed_imports_its_events(demo_municipalities, feed_server, feed_client):
    result = police_events_import_from_feed(client=feed_client)

    assert (result.fetched, result.new, result.skipped) == (10, 8, 2)
    assert len(feed_server.requests) == 1
    assert feed_server.requests[0]["path"] == "/api/events"


def test_a_second_call_within_ten_seconds_is_refused_without_a_request(db, feed_server, feed_client, clock):
    feed_client.fetch()
    clock.advance(seconds=9.9)

    with pytest.raises(FeedRateLimited):
        feed_client.fetch()
    assert len(feed_server.requests) == 1

    clock.advance(seconds=0.2)
    feed_client.fetch()
    assert len(feed_server.requests) == 2


def test_the_sixty_first_call_within_an_hour_is_refused_without_a_request(db, feed_server, feed_client, clock):
    first = clock()
    for _ in range(60):
        feed_client.fetch()
        clock.advance(seconds=11)

    with pytest.raises(FeedRateLimited, match="60 calls in the last hour"):
        feed_client.fetch()
    assert len(feed_server.requests) == 60

    clock.current = first + timedelta(hours=1, seconds=1)
    feed_client.fetch()
    assert len(feed_server.requests) == 61


def test_the_call_after_1440_in_a_day_is_refused_without_a_request(db, feed_server, feed_client, clock):
    now = clock()
    # 1,440 earlier calls between 23 and 1 hours ago: none in the last hour, the daily allowance used up.
    calls = [now - timedelta(hours=23) + timedelta(seconds=50 * n) for n in range(1440)]
    assert calls[-1] < now - timedelta(hours=1)
    FeedState.objects.create(key=STATE_KEY, last_call_at=calls[-1], calls=[t.isoformat() for t in calls])

    with pytest.raises(FeedRateLimited, match="1440 calls in the last 24 hours"):
        feed_client.fetch()
    assert feed_server.requests == []

    clock.advance(hours=1, seconds=1)  # the oldest call is now more than a day old
    feed_client.fetch()
    assert len(feed_server.requests) == 1


def test_a_404_disables_the_feed_and_no_request_is_made_until_an_admin_clears_it(db, feed_server, feed_client, clock):
    feed_server.status = 404
    with pytest.raises(FeedDisabled):
        feed_client.fetch()
    assert "404" in FeedState.objects.get(key=STATE_KEY).disabled_reason

    feed_server.status = 200
    clock.advance(days=2)
    with pytest.raises(FeedDisabled):
        feed_client.fetch()
    assert len(feed_server.requests) == 1

    out = io.StringIO()
    call_command("import_police_events", "--enable", stdout=out)
    assert "enabled again" in out.getvalue()
    feed_client.fetch()
    assert len(feed_server.requests) == 2


def test_plain_http_is_refused_unless_allowed(db, feed_server, clock, settings):
    settings.POLICE_FEED_ALLOW_HTTP = False
    with pytest.raises(FeedRefused, match="HTTPS"):
        PoliceFeedClient(url=feed_server.url, now=clock).fetch()
    assert feed_server.requests == []

    settings.POLICE_FEED_ALLOW_HTTP = True
    PoliceFeedClient(url=feed_server.url, now=clock).fetch()
    assert len(feed_server.requests) == 1


def test_other_schemes_and_an_empty_address_are_refused(db, clock):
    for url in ("", "ftp://127.0.0.1/events", "file:///etc/passwd"):
        with pytest.raises(FeedRefused):
            PoliceFeedClient(url=url, allow_http=True, now=clock).fetch()
    assert not FeedState.objects.filter(last_call_at__isnull=False).exists()


def test_two_workers_calling_at_once_make_one_request(transactional_db, feed_server, clock):
    FeedState.objects.create(key=STATE_KEY)
    start = threading.Barrier(2)
    outcomes = []

    def worker():
        try:
            start.wait()
            PoliceFeedClient(url=feed_server.url, allow_http=True, now=clock).fetch()
            outcomes.append("called")
        except FeedRateLimited:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["called", "refused"]
    assert len(feed_server.requests) == 1


def test_the_scheduled_task_does_nothing_while_no_feed_address_is_set(db, settings, caplog):
    settings.POLICE_FEED_URL = ""
    with caplog.at_level(logging.INFO, logger="situation.tasks"):
        import_police_events_task.apply()

    assert "POLICE_FEED_URL is not set" in caplog.text
    assert not FeedState.objects.exists()


def test_the_scheduled_task_imports_the_feed_on_a_real_worker(
    demo_municipalities, feed_server, settings, celery_worker
):
    settings.POLICE_FEED_URL = feed_server.url
    settings.POLICE_FEED_ALLOW_HTTP = True

    import_police_events_task.delay()
    deadline = time.monotonic() + 15
    while PoliceEvent.objects.count() < 8 and time.monotonic() < deadline:
        time.sleep(0.05)

    assert PoliceEvent.objects.count() == 8
    assert len(feed_server.requests) == 1


def test_the_beat_schedule_imports_the_feed_every_fifteen_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["import-police-events"]

    assert entry["task"] == "situation.tasks.import_police_events_task"
    assert entry["schedule"] == 15 * 60


# --- crime statistics: reading a file -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "start", "end", "label"),
    [
        ("2024", "2024-01-01", "2024-12-31", "2024"),
        ("2024-03", "2024-03-01", "2024-03-31", "2024-03"),
        ("2024-2", "2024-02-01", "2024-02-29", "2024-02"),
        ("2024-T2", "2024-05-01", "2024-08-31", "2024-T2"),
        ("2024-t3", "2024-09-01", "2024-12-31", "2024-T3"),
        ("2024-Q1", "2024-01-01", "2024-03-31", "2024-Q1"),
        ("2023-q4", "2023-10-01", "2023-12-31", "2023-Q4"),
    ],
)
def test_periods_are_read_as_their_first_and_last_day(value, start, end, label):
    period = period_parse(value)

    assert [day.isoformat() for day in period] == [start, end]
    assert period_label(*period) == label


@pytest.mark.parametrize("value", ["24", "2024-13", "2024-00", "2024-T4", "2024-Q5", "2024-H1", "mars 2024", ""])
def test_what_is_not_a_period_is_refused(value):
    assert period_parse(value) is None


def test_semicolons_commas_and_a_byte_order_mark_are_all_read(tenant):
    semicolons = parse(b"\xef\xbb\xbf" + (HEADER + "9901;2024-01;Stöld;4\n").encode(), tenant.municipality)
    commas = parse("kommunkod,period,category,count\r\n9901,2024-01,Stöld,4\r\n".encode(), tenant.municipality)

    for result in (semicolons, commas):
        assert result.is_valid, (result.file_error, result.errors)
        row = result.rows[0]
        assert (row.kommunkod, row.period, row.category, row.count) == ("9901", "2024-01", "Stöld", 4)
    assert (semicolons.delimiter, commas.delimiter) == (";", ",")


def test_columns_may_come_in_any_order_and_with_swedish_names(tenant):
    data = "Antal;Kategori;Period;Kommunkod\n1 204;Skadegörelse;2024;9901\n".encode()
    result = parse(data, tenant.municipality)

    assert result.is_valid
    assert (result.rows[0].category, result.rows[0].count) == ("Skadegörelse", 1204)


def test_a_municipality_code_without_its_leading_zero_is_read_as_excel_writes_it(db):
    vaggeryd = MunicipalityFactory(name="Vaggeryd", slug="vaggeryd", kommunkod="0665")

    result = parse((HEADER + "665;2024;Stöld;3\n").encode(), vaggeryd)

    assert result.is_valid and result.rows[0].kommunkod == "0665"


def test_every_bad_row_is_reported_with_its_line_number(tenant):
    result = parse(CSV_ERRORS.read_bytes(), tenant.municipality)
    problems = {error.line: error.message for error in result.errors}

    assert not result.file_error
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9]
    assert "“99X1” is not a municipality code" in problems[3]
    assert "9902 belongs to Grannby; this import is for Testköping (9901)" in problems[4]
    assert "“2024-13” is not a period" in problems[5]
    assert "The count -3 is negative" in problems[6]
    assert "“många” is not a whole number" in problems[7]
    assert "a column is missing" in problems[8]
    assert "The same period and category as line 2" in problems[9]
    assert [row.line for row in result.rows] == [2, 10]
    assert result.rows[1].category == "Brott mot person, övriga"
    assert result.data_lines == 9
    assert not result.is_valid


def test_a_municipality_code_of_no_municipality_on_the_portal_is_refused(tenant):
    result = parse((HEADER + "1234;2024;Stöld;3\n").encode(), tenant.municipality)

    assert result.errors[0].message == "The municipality code 1234 does not match Testköping (9901)."


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf\r\n\r\n", "The file is empty."),
        (
            CSV_LATIN1.read_bytes(),
            "The file is not UTF-8 (the first unreadable character is on line 2). Save it as “CSV UTF-8”",
        ),
        ((HEADER + "9901;2024-01;Stöld;4\n9901;2024-0").encode(), "its last line (line 3) is incomplete"),
        ((HEADER + '9901;2024-01;"Brott mot').encode(), "its last line (line 2) is incomplete"),
        ((HEADER + "9901;2024-01;Skadegö").encode()[:-1], "is incomplete"),
        (
            (HEADER + '9901;2024-01;"Stöld"x;4\n9901;2024-02;Stöld;5\n').encode(),
            "could not be read as CSV near line 2",
        ),
        ("9901;2024-01;Stöld;4\n9901;2024-02;Stöld;5\n".encode(), "The first line must name the columns"),
        (b"kommunkod;period;count\n9901;2024;4\n", "The header lacks the column(s) category."),
        (HEADER.encode(), "The file has a header but no rows."),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "This is a spreadsheet workbook, not a CSV file."),
        ("kommunkod;period\n".encode("utf-16"), "not UTF-8"),
    ],
    ids=[
        "empty",
        "only-bom-and-blank-lines",
        "latin-1",
        "last-line-cut",
        "cut-inside-quotes",
        "cut-inside-a-character",
        "malformed-quotes",
        "no-header",
        "missing-column",
        "header-only",
        "excel-workbook",
        "utf-16",
    ],
)
def test_each_kind_of_bad_file_gets_its_own_clear_message(tenant, data, expected):
    result = parse(data, tenant.municipality)

    assert expected in result.file_error
    assert not result.rows and not result.is_valid


def test_a_file_over_the_limit_is_refused_before_it_is_read(tenant):
    class Unreadable(io.BytesIO):
        def read(self, *args):
            raise AssertionError("the file was read")

    file = Unreadable(b"x" * 2000)
    file.size = 2000
    with translation.override("en"):
        result = statistics_parse(file=file, municipality=tenant.municipality, max_bytes=1000)

    assert result.file_error == "The file is larger than the limit of 1000\xa0bytes."


def test_the_upload_guard_stops_receiving_a_file_past_the_limit():
    guard = SizeLimitUploadHandler(max_bytes=100)

    assert guard.receive_data_chunk(b"x" * 64, 0) == b"x" * 64
    with pytest.raises(SkipFile):
        guard.receive_data_chunk(b"x" * 64, 64)
    assert guard.exceeded


# --- crime statistics: writing ------------------------------------------------------------------------------


def test_an_import_writes_every_row_and_a_reimport_updates_the_counts(tenant):
    first = statistics_import(
        result=parse(CSV_GOOD.read_bytes(), tenant.municipality),
        municipality=tenant.municipality,
        by=tenant.coordinator,
    )
    assert (first.new, first.updated, first.unchanged) == (25, 0, 0)
    assert CrimeStatistic.objects.filter(municipality=tenant.municipality).count() == 25

    data = (HEADER + "9901;2024-Q1;Stöld;999\n9901;2024-Q1;Rån;1\n").encode()
    second = statistics_import(
        result=parse(data, tenant.municipality), municipality=tenant.municipality, by=tenant.coordinator
    )
    assert (second.new, second.updated) == (1, 1)
    stored = CrimeStatistic.objects.get(
        municipality=tenant.municipality, category="Stöld", period_start="2024-01-01", period_end="2024-03-31"
    )
    assert stored.count == 999
    assert CrimeStatistic.objects.filter(municipality=tenant.municipality).count() == 26


def _statistics_file(years, categories=20):
    lines = [
        f"9901;{year}-{month:02d};Kategori {n};{n}"
        for year in years
        for month in range(1, 13)
        for n in range(categories)
    ]
    return (HEADER + "\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("writer", ["copy", "orm"])
def test_an_import_takes_the_same_number_of_queries_for_any_number_of_rows(tenant, monkeypatch, writer):
    if writer == "orm":  # the path of databases other than PostgreSQL (SQLite in `make run`)
        monkeypatch.setattr(imports, "UPSERTS", {})
    queries = []
    for years in ([2020], [2021, 2022, 2023]):
        result = parse(_statistics_file(years), tenant.municipality)
        with CaptureQueriesContext(connection) as captured:
            statistics_import(result=result, municipality=tenant.municipality, by=tenant.coordinator)
        queries.append(len(captured))

    assert queries[0] == queries[1] <= 6
    assert CrimeStatistic.objects.count() == 240 * 4

    changed = parse(_statistics_file([2020]).replace(b";19\n", b";190\n"), tenant.municipality)
    summary = statistics_import(result=changed, municipality=tenant.municipality, by=tenant.coordinator)
    assert (summary.new, summary.updated, summary.unchanged) == (0, 12, 228)
    assert set(
        CrimeStatistic.objects.filter(category="Kategori 19", period_start__year=2020).values_list("count", flat=True)
    ) == {190}


def test_the_import_refuses_a_file_with_any_bad_row_and_writes_nothing(tenant):
    result = parse(CSV_ERRORS.read_bytes(), tenant.municipality)

    with translation.override("en"), pytest.raises(ValidationError, match="nothing was imported"):
        statistics_import(result=result, municipality=tenant.municipality, by=tenant.coordinator)
    assert not CrimeStatistic.objects.exists()


def test_the_import_refuses_a_file_checked_for_another_municipality(tenant):
    result = parse(CSV_GOOD.read_bytes(), tenant.municipality)

    with pytest.raises(ValidationError):
        statistics_import(result=result, municipality=tenant.other_municipality, by=tenant.coordinator)
    assert not CrimeStatistic.objects.exists()


# --- crime statistics: the staff pages ----------------------------------------------------------------------


def test_the_preview_shows_the_first_twenty_rows_the_total_and_what_is_new(tenant, media_root):
    client = staff_client(tenant.coordinator)
    response = client.post(urls(tenant.municipality)["upload"], {"file": upload(CSV_GOOD.read_bytes())})
    assert response.status_code == 302 and response.url == urls(tenant.municipality)["preview"]
    assert len(pending_files(media_root)) == 1

    page = client.get(response.url)
    content = page.content.decode()
    assert page.status_code == 200
    assert "The file has 25 rows." in content
    assert "25 new, 0 to be updated" in content
    assert "The first 20 rows" in content
    assert len(page.context["result"].preview) == 20
    assert content.count('<tr><th scope="row">') == 20
    assert "Import 25 rows" in content
    assert not CrimeStatistic.objects.exists()


def test_the_preview_lists_every_bad_row_and_offers_no_confirmation(tenant):
    client = staff_client(tenant.coordinator)
    client.post(urls(tenant.municipality)["upload"], {"file": upload(CSV_ERRORS.read_bytes())})

    content = client.get(urls(tenant.municipality)["preview"]).content.decode()
    assert "7 rows have problems." in content
    for line in (3, 4, 5, 6, 7, 8, 9):
        assert f'<tr><th scope="row">{line}</th><td>' in content
    assert "belongs to Grannby" in content
    assert urls(tenant.municipality)["confirm"] not in content
    assert "Discard the file and upload another" in content


def test_confirming_writes_every_row_and_removes_the_waiting_file(tenant, media_root):
    client = staff_client(tenant.coordinator)
    client.post(urls(tenant.municipality)["upload"], {"file": upload(CSV_GOOD.read_bytes())})
    token = client.get(urls(tenant.municipality)["preview"]).context["entry"]["token"]

    response = client.post(urls(tenant.municipality)["confirm"], {"token": token}, follow=True)

    assert CrimeStatistic.objects.filter(municipality=tenant.municipality).count() == 25
    assert "The crime statistics were imported: 25 new, 0 updated." in response.content.decode()
    assert pending_files(media_root) == []
    again = client.post(urls(tenant.municipality)["confirm"], {"token": token})
    assert again.status_code == 302
    assert CrimeStatistic.objects.count() == 25


def test_a_reimport_says_how_many_figures_change_and_updates_them(tenant):
    client = staff_client(tenant.users["police"])
    client.post(urls(tenant.municipality)["upload"], {"file": upload(CSV_GOOD.read_bytes())})
    token = client.get(urls(tenant.municipality)["preview"]).context["entry"]["token"]
    client.post(urls(tenant.municipality)["confirm"], {"token": token})

    changed = (HEADER + "9901;2023;Stöld;500\n9901;2023;Skadegörelse;501\n9901;2025;Stöld;1\n").encode()
    client.post(urls(tenant.municipality)["upload"], {"file": upload(changed)})
    preview = client.get(urls(tenant.municipality)["preview"])
    assert "1 new, 2 to be updated" in preview.content.decode()

    client.post(urls(tenant.municipality)["confirm"], {"token": preview.context["entry"]["token"]})
    year_2023 = CrimeStatistic.objects.filter(municipality=tenant.municipality, period_start="2023-01-01")
    assert dict(year_2023.filter(category__in=["Stöld", "Skadegörelse"]).values_list("category", "count")) == {
        "Stöld": 500,
        "Skadegörelse": 501,
    }
    assert CrimeStatistic.objects.count() == 26


def test_posting_a_confirmation_for_a_file_with_errors_writes_nothing(tenant):
    client = staff_client(tenant.coordinator)
    client.post(urls(tenant.municipality)["upload"], {"file": upload(CSV_ERRORS.read_bytes())})
    token = client.get(urls(tenant.municipality)["preview"]).context["entry"]["token"]

    response = client.post(urls(tenant.municipality)["confirm"], {"token": token}, follow=True)

    assert not CrimeStatistic.objects.exists()
    assert "nothing was imported" in response.content.decode()


def test_a_confirmation_with_a_token_other_than_the_sessions_imports_nothing(tenant, media_root):
    client = staff_client(tenant.coordinator)
    client.post(urls(tenant.municipality)["upload"], {"file": upload(CSV_GOOD.read_bytes())})

    response = client.post(urls(tenant.municipality)["confirm"], {"token": "0" * 32}, follow=True)

    assert not CrimeStatistic.objects.exists()
    assert "This preview is no longer current" in response.content.decode()
    assert len(pending_files(media_root)) == 1


def test_another_users_session_cannot_confirm_an_upload(tenant):
    coordinator = staff_client(tenant.coordinator)
    coordinator.post(urls(tenant.municipality)["upload"], {"file": upload(CSV_GOOD.read_bytes())})
    token = coordinator.get(urls(tenant.municipality)["preview"]).context["entry"]["token"]

    staff_client(tenant.users["police"]).post(urls(tenant.municipality)["confirm"], {"token": token})

    assert not CrimeStatistic.objects.exists()


def test_cancelling_discards_the_waiting_file(tenant, media_root):
    client = staff_client(tenant.coordinator)
    client.post(urls(tenant.municipality)["upload"], {"file": upload(CSV_GOOD.read_bytes())})

    response = client.post(urls(tenant.municipality)["cancel"], follow=True)

    assert "The upload was cancelled; nothing was imported." in response.content.decode()
    assert pending_files(media_root) == []
    assert client.get(urls(tenant.municipality)["preview"]).status_code == 302


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (CSV_LATIN1.read_bytes(), "The file is not UTF-8"),
        (b"", "The submitted file is empty."),  # Django's own check of an empty upload
        ((HEADER + "9901;2024-01;Stöld;4\n9901;20").encode(), "is incomplete"),
        ("9901;2024;Stöld;4\n".encode(), "The first line must name the columns"),
    ],
    ids=["latin-1", "empty", "truncated", "no-header"],
)
def test_a_bad_file_is_refused_on_the_upload_page_and_nothing_waits(tenant, media_root, data, expected):
    response = staff_client(tenant.coordinator).post(urls(tenant.municipality)["upload"], {"file": upload(data)})

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert pending_files(media_root) == []


def test_an_oversized_upload_is_refused_while_it_is_received(tenant, settings, media_root):
    settings.STAT_IMPORT_MAX_BYTES = 1000
    data = (HEADER + "9901;2024-01;Stöld;4\n" * 300).encode()

    response = staff_client(tenant.coordinator).post(urls(tenant.municipality)["upload"], {"file": upload(data)})

    assert response.status_code == 200
    assert "The file is larger than the limit of 1000\xa0bytes." in response.content.decode()
    assert pending_files(media_root) == []


def test_the_upload_still_checks_the_csrf_token(tenant):
    client = staff_client(tenant.coordinator, enforce_csrf_checks=True)

    response = client.post(urls(tenant.municipality)["upload"], {"file": upload(CSV_GOOD.read_bytes())})

    assert response.status_code == 403


def test_a_latin1_file_is_refused_with_a_swedish_message_to_save_it_as_utf8(tenant):
    require_swedish(
        "The file is not UTF-8 (the first unreadable character is on line %(line)d). Save it as “CSV UTF-8” "
        "and upload it again."
    )
    client = Client()
    client.force_login(tenant.coordinator)

    content = client.post(urls(tenant.municipality)["upload"], {"file": upload(CSV_LATIN1.read_bytes())}).content
    assert "Filen är inte UTF-8" in content.decode()
    assert "CSV UTF-8" in content.decode()


def test_the_preview_says_in_swedish_how_many_are_new_and_how_many_are_updated(tenant):
    require_swedish("%(count)d to be updated", plural=True)
    client = Client()
    client.force_login(tenant.coordinator)
    CrimeStatistic.objects.create(
        municipality=tenant.municipality, period_start="2023-01-01", period_end="2023-12-31", category="Stöld", count=1
    )

    client.post(urls(tenant.municipality)["upload"], {"file": upload(CSV_GOOD.read_bytes())})
    content = client.get(urls(tenant.municipality)["preview"]).content.decode()

    assert "24 nya, 1 uppdateras" in content


def test_the_upload_page_lists_the_latest_imported_periods(tenant):
    for month, count in [(1, 5), (2, 7)]:
        for category in ("Stöld", "Rån"):
            CrimeStatistic.objects.create(
                municipality=tenant.municipality,
                period_start=f"2024-{month:02d}-01",
                period_end=period_parse(f"2024-{month:02d}")[1],
                category=category,
                count=count,
            )
    CrimeStatistic.objects.create(
        municipality=tenant.other_municipality,
        period_start="2025-01-01",
        period_end="2025-12-31",
        category="X",
        count=9,
    )

    response = staff_client(tenant.coordinator).get(urls(tenant.municipality)["upload"])

    periods = response.context["periods"]
    assert [(p["label"], p["categories"], p["total"]) for p in periods] == [("2024-02", 2, 14), ("2024-01", 2, 10)]
    assert '<th scope="row">2024-02</th>' in response.content.decode()


@pytest.mark.parametrize("role", ["coordinator", "police"])
def test_coordinator_and_police_reach_the_import(tenant, role):
    assert staff_client(tenant.users[role]).get(urls(tenant.municipality)["upload"]).status_code == 200


@pytest.mark.parametrize("role", ["reporter", "member", "other_coordinator"])
def test_reporters_members_and_other_municipalities_cannot_reach_the_import(tenant, media_root, role):
    client = staff_client(tenant.users[role])
    pages = urls(tenant.municipality)

    assert client.get(pages["upload"]).status_code == 403
    assert client.post(pages["upload"], {"file": upload(CSV_GOOD.read_bytes())}).status_code == 403
    assert client.get(pages["preview"]).status_code == 403
    assert client.post(pages["confirm"], {"token": "0" * 32}).status_code == 403
    assert client.post(pages["cancel"]).status_code == 403
    assert pending_files(media_root) == []
    assert not CrimeStatistic.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(tenant):
    response = Client().get(urls(tenant.municipality)["upload"])

    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_stale_waiting_uploads_are_removed(tenant, media_root):
    token = imports.pending_upload_save(file=io.BytesIO(b"x"))
    path = media_root / "imports" / "statistics" / f"{token}.csv"
    old = time.time() - 2 * 24 * 3600
    os.utime(path, (old, old))

    assert imports.pending_uploads_purge() == 1
    assert not path.exists()
