"""The pieces of `make bench` that can be checked without load: no timing is asserted here."""

import collections
import contextlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, resolve, reverse

from bench import cpu, data, load, run, urls
from pledges.models import Activity, FocusArea, FollowUp

ROOT = Path(__file__).resolve().parents[2]


def test_the_hello_view_exists_only_in_the_bench_urlconf():
    match = resolve("/" + urls.HELLO_PATH, urlconf="bench.urls")
    assert match.func is urls.hello
    assert resolve("/tillganglighet/", urlconf="bench.urls").url_name == "accessibility"
    with pytest.raises(NoReverseMatch):
        reverse("bench-hello")  # the portal's own urlconf


def test_bench_settings_change_only_the_urlconf():
    import bench.settings
    import bra_portal.settings

    assert bench.settings.ROOT_URLCONF == "bench.urls"
    assert bra_portal.settings.ROOT_URLCONF == "bra_portal.urls"
    assert bench.settings.MIDDLEWARE == bra_portal.settings.MIDDLEWARE


@pytest.mark.urls("bench.urls")
def test_hello_answers_through_the_portal_middleware(client):
    response = client.get("/" + urls.HELLO_PATH)
    assert response.status_code == 200
    assert response.content == b"hello"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_the_data_builder_makes_30_activities_a_published_follow_up_and_50_seats(client):
    site = data.build_site(activities=30)

    assert Activity.objects.filter(focus_area__pledge=site.pledge).count() == 30
    assert FocusArea.objects.filter(pledge=site.pledge).count() == 5
    assert site.pledge.status == "published"
    assert site.follow_up.status == FollowUp.Status.PUBLISHED
    assert site.revision.number == 1
    assert sum(len(area["activities"]) for area in site.revision.content["focus_areas"]) == 30
    assert site.council.memberships.count() == 50
    for url in (site.pledge_url, site.follow_up_url, site.municipality_url):
        assert client.get(url).status_code == 200, url
    paths = run.mixed_paths({30: site})
    assert {"/", "/oversikt/", site.pledge_url, site.follow_up_url, site.municipality_url} <= set(paths)
    for url in paths:  # the mixed load counts anything but 2xx/3xx as an error
        assert client.get(url).status_code == 200, url
    assert site.follow_up_url.endswith("/uppfoljning/2025-t1/")


@pytest.mark.django_db
def test_three_activities_fill_the_minimum_of_two_focus_areas():
    site = data.build_site(activities=3)
    assert [area.activities.count() for area in site.pledge.focus_areas.order_by("order")] == [2, 1]


@pytest.mark.django_db
def test_query_counts_cover_every_page_and_both_sizes():
    by = data.coordinator()
    sites = {n: data.build_site(activities=n, by=by) for n in (3, 30)}
    counts = run.count_queries(sites)
    assert set(counts) == {"pledge", "follow_up", "municipality"}
    assert all(set(sizes) == {"3", "30"} and all(n > 0 for n in sizes.values()) for sizes in counts.values())


@pytest.mark.django_db
def test_bench_data_can_be_removed_again():
    data.build_site(activities=3)
    data.remove_bench_data()
    from councils.models import Council, Municipality
    from pledges.models import CitizenPledge

    assert not Municipality.objects.filter(slug__startswith=data.SLUG_PREFIX).exists()
    assert not CitizenPledge.objects.exists()
    assert not Council.objects.filter(name__startswith="Bänkby").exists()


def test_wrk_figures_are_parsed_from_the_script_line():
    line = {
        "requests": 1500,
        "duration_us": 10_000_000,
        "bytes": 300000,
        "errors": {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0},
        "latency_us": {"mean": 2500.0, "stdev": 10.0, "min": 900, "max": 9000, "p50": 2400, "p90": 3000, "p99": 4200},
    }
    figures = load.parse_wrk_output("Running 10s test\n" + load.MARKER + json.dumps(line) + "\n")
    assert figures["rps"] == 150.0
    assert figures["p50_ms"] == 2.4
    assert figures["p99_ms"] == 4.2
    with pytest.raises(RuntimeError):
        load.parse_wrk_output("no figures")


def test_load_refuses_anything_but_loopback():
    with pytest.raises(ValueError):
        load.measure("http://example.com/", load.LoadSettings(duration=1, warmup=0))


def test_the_report_table_shows_every_page_and_the_goals():
    page = {"p50_ms": 1.0, "p99_ms": 2.0}
    result = {
        "date": "2025-01-01T00:00:00+01:00",
        "machine": {"cores": 2, "platform": "Linux"},
        "load": {"tool": "wrk", "threads": 1, "connections": 4, "duration_s": 10.0, "warmup_s": 2.0},
        "server": {"workers": 2},
        "pages": [
            {**page, "key": "hello", "label": "hello", "rps": 3000.0, "ratio_to_hello": 1.0, "meets_goal": True},
            {**page, "key": "pledge", "label": "pledge page", "rps": 600.0, "ratio_to_hello": 0.2, "meets_goal": False},
        ],
        "pdf": {
            "activities": 30,
            "pages": 9,
            "bytes": 48000,
            "median_s": 0.9,
            "min_s": 0.8,
            "max_s": 1.0,
            "cpu_median_s": 0.85,
            "runs": 5,
            "warmup_s": 1.2,
            "meets_goal": True,
            "peak_rss_delta_mib": 30.0,
            "peak_rss_baseline_mib": 100.0,
            "peak_rss_delta_warmup_mib": 28.0,
            "tracemalloc_peak_mib": 9.0,
        },
        "mixed": {
            "paths": ["/", "/oversikt/", "/bench-30/"],
            "duration_s": 60.0,
            "warmup_s": 2.0,
            "requests": 72000,
            "rps": 1200.0,
            "p50_ms": 3.1,
            "p99_ms": 9.5,
            "max_ms": 40.0,
            "errors": {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0},
            "meets_goal": True,
        },
        "queries": {"pages": {"pledge": {"3": 12, "30": 12}}},
        "durations": {
            "total_s": 130,
            "servers_s": 2,
            "migrate_s": 2,
            "data_s": 1,
            "pdf_s": 10,
            "load_s": 50,
            "mixed_s": 62,
        },
        "output": "var/bench/latest.json",
    }
    table = run.format_report(result)
    assert "pledge page" in table
    assert "NOT met" in table
    assert "0.900 s" in table
    mixed_line = next(line for line in table.splitlines() if "1200 req/s" in line)
    assert "errors: none" in mixed_line and "goal: no errors: met" in mixed_line
    assert "all 3 public pages at once" in table and "60 s after 2 s warm-up" in table

    result["mixed"] |= {"errors": {"connect": 0, "read": 2, "write": 0, "status": 5, "timeout": 1}, "meets_goal": False}
    table = run.format_report(result)
    assert "errors: 8 (status 5, read 2, timeout 1); goal: no errors: NOT met" in table


class Pages(http.server.BaseHTTPRequestHandler):
    """/a/ and /b/ answer 200, anything else 404; counts what was asked for."""

    asked: collections.Counter

    def do_GET(self):
        self.asked[self.path] += 1
        self.send_response(200 if self.path in ("/a/", "/b/") else 404)
        self.send_header("Content-Length", "2")
        self.end_headers()
        with contextlib.suppress(ConnectionError):  # wrk drops its connections when the time is up
            self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (make bench installs it)")
def test_the_mixed_load_takes_the_paths_in_turn_and_counts_error_answers():
    Pages.asked = collections.Counter()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings = load.LoadSettings(duration=1, warmup=0, connections=2)
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        figures = load.measure(base, settings, paths=("/a/", "/b/", "/nope/"))
    finally:
        server.shutdown()
        server.server_close()
    assert set(Pages.asked) == {"/a/", "/b/", "/nope/"}
    assert max(Pages.asked.values()) - min(Pages.asked.values()) <= 2  # in turn, per connection
    # The server may have answered a request or two that wrk dropped unread at the end.
    assert Pages.asked["/nope/"] - settings.connections <= figures["errors"]["status"] <= Pages.asked["/nope/"]
    assert figures["errors"]["status"] > 0
    assert figures["error_total"] >= figures["errors"]["status"]


def test_importing_the_server_module_starts_nothing():
    code = "import core.testservers as t; print(len(t._stops))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "0"


def test_other_cpu_is_the_machine_total_minus_the_benchmarks_processes():
    tick = os.sysconf("SC_CLK_TCK")
    me = os.getpid()

    def snap(busy, mine, child, stranger):
        return cpu.Snapshot(
            busy_ticks=busy,
            processes={
                me: cpu.Process(ppid=1, ticks=mine, child_ticks=0, cmdline="python -m bench"),
                me + 1: cpu.Process(ppid=me, ticks=child, child_ticks=0, cmdline="gunicorn"),
                me + 2: cpu.Process(ppid=1, ticks=stranger, child_ticks=0, cmdline="pytest"),
            },
        )

    before = snap(busy=0, mine=0, child=0, stranger=0)
    after = snap(busy=2 * tick, mine=tick // 2, child=tick // 2, stranger=tick)
    assert cpu.foreign_cores(before, after, 1.0, {me}) == 1.0
