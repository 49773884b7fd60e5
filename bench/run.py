"""`make bench`: one real run, from throwaway servers to a table and var/bench/latest.json.

1. PostgreSQL and redis-server on free loopback ports (core/testservers.py, shared with the test run), unless
   DATABASE_URL / REDIS_URL are set; `migrate`; the data of bench/data.py.
2. Query counts of the public pages with 3 and 30 activities (Django's test client, in this process).
3. The follow-up PDF with 30 activities, in a fresh process of its own (bench/pdf.py).
4. gunicorn (bra_portal.wsgi, 2 sync workers, 127.0.0.1, DEBUG off, CONN_MAX_AGE=60) and wrk against the
   bare "hello" view of bench/urls.py and the three public pages, one after the other.
5. The mixed load: wrk for --mixed-duration seconds (60) on all the public pages at once, each connection taking
   them in turn; requests/s and errors (non-2xx/3xx answers, failed connects, reads, writes, timeouts; goal: none).
Everything started here is stopped at the end, also when a step fails or the run is interrupted.
"""

import argparse
import atexit
import contextlib
import dataclasses
import json
import os
import platform
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from bench import cpu
from bench.load import LoadSettings, measure, wrk_binary, wrk_version
from core import testservers

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = ROOT / "var" / "bench"
WORKERS = 2
PDF_GOAL_S = 1.5
RATIO_GOAL = 0.5
ERROR_KINDS = ("status", "connect", "read", "write", "timeout")

PAGES = [
    # key, label, site attribute with the path (None: the hello view)
    ("hello", "hello (bare view, no template, no DB)", None),
    ("pledge", "pledge page, 30 activities + follow-up", "pledge_url"),
    ("follow_up", "follow-up page, 30 activities", "follow_up_url"),
    ("municipality", "municipality page, 50-seat council", "municipality_url"),
]


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def _create_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(
        host=parts.hostname, port=parts.port, user=parts.username, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{parts.path.lstrip("/")}"')


def configure_environment(media_root: str, static_root: str) -> dict:
    """Servers (started here unless given) and the settings of both this process and gunicorn."""
    own = {}
    if not os.environ.get("DATABASE_URL"):
        url = testservers.start_postgres()
        _create_database(url)
        os.environ["DATABASE_URL"] = url
        own["database"] = True
    if not os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = testservers.start_redis()
        own["redis"] = True
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "false",
            "SECRET_KEY": "bench-throwaway-" + secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "CONN_MAX_AGE": "60",
            "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "WHITENOISE_USE_FINDERS": "true",
            "CELERY_BROKER_URL": os.environ["REDIS_URL"],
            # Whatever a local .env says, the benchmark runs on plain HTTP with a per-process cache.
            "SECURE_SSL_REDIRECT": "false",
            "CACHE_URL": "locmemcache://",
            "EMAIL_URL": "consolemail://",
            "MEDIA_ROOT": media_root,
            # Static files come from the source folders (finders); an empty STATIC_ROOT keeps whitenoise quiet.
            "STATIC_ROOT": static_root,
            "LOG_LEVEL": "WARNING",
        }
    )
    return {
        "database": "throwaway PostgreSQL" if own.get("database") else "DATABASE_URL",
        "redis": "throwaway redis-server" if own.get("redis") else "REDIS_URL",
    }


def count_queries(sites: dict) -> dict:
    """Queries per public page, by the test client in this process (after one request to warm caches)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    # A session cookie keeps the public-page cache out of the way: these are the queries of a real render.
    client.cookies["sessionid"] = "bench-no-cache"
    counts = {}
    for key, _label, attribute in PAGES:
        if attribute is None:
            continue
        counts[key] = {}
        for activities, site in sites.items():
            url = getattr(site, attribute)
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code} to the test client")
            counts[key][str(activities)] = len(queries)
    return counts


def measure_pdf(revision_id: int, runs: int) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench.pdf", str(revision_id), f"--runs={runs}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench.pdf failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@contextlib.contextmanager
def gunicorn(log_path: Path, hello_path: str):
    """gunicorn serving bra_portal.wsgi on a free loopback port; yields the base URL; stops it on exit."""
    port = testservers.free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "bra_portal.wsgi",
        f"--workers={WORKERS}",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "--graceful-timeout=5",
    ]
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {proc.returncode}; see {log_path}")
            try:
                if _get(base + hello_path, timeout=1)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer within 30 s; see {log_path}")
            time.sleep(0.1)
        yield base, command
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _expect_200(base: str, path: str, log_path: Path) -> bytes:
    status, body = _get(base + path)
    if status != 200:
        raise RuntimeError(f"{path} answered {status} before the load; see {log_path}")
    return body


def _load(base: str, path: str, settings: LoadSettings, our_roots: set, paths: tuple[str, ...] = ()) -> dict:
    """wrk's figures, with the CPU other processes and the hypervisor took during the measured seconds."""
    probe = cpu.probe_seconds()
    other = {}

    @contextlib.contextmanager
    def watch_other_processes():
        before, start = cpu.snapshot(), time.monotonic()
        yield
        after, seconds = cpu.snapshot(), time.monotonic() - start
        other["cores"] = cpu.foreign_cores(before, after, seconds, our_roots)
        other["steal"] = cpu.steal_cores(before, after, seconds)

    figures = measure(base + path, settings, around=watch_other_processes, paths=paths)
    return {
        **figures,
        "other_processes_cpu_cores": other["cores"],
        "steal_cpu_cores": other["steal"],
        "cpu_probe_s_before": probe,
    }


def mixed_paths(sites: dict) -> list[str]:
    """Every public page of the benchmark's data: the start page, the national overview, each municipality's."""
    from django.urls import reverse

    return ["/", reverse("actionplans:overview"), *(url for site in sites.values() for url in site.public_urls)]


def _format_errors(errors: dict) -> str:
    total = sum(errors.values())
    if not total:
        return "none"
    return f"{total} (" + ", ".join(f"{kind} {errors[kind]}" for kind in ERROR_KINDS if errors.get(kind)) + ")"


def _versions() -> dict:
    from importlib.metadata import version

    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": version("gunicorn"),
        "weasyprint": version("weasyprint"),
        "postgresql": postgres,
        "wrk": wrk_version(),
    }


def format_report(result: dict) -> str:
    load = result["load"]
    lines = [
        f"BRÅ-portalen benchmark, {result['date']}, {result['machine']['cores']} cores "
        f"({result['machine']['platform']}), load average at start "
        f"{' '.join(str(x) for x in result['machine'].get('load_average_at_start', []))}",
        f"CPU probe (pure-Python loop of {cpu.PROBE_LOOPS:,} additions, best of 3; lower is faster): "
        f"{result['machine'].get('cpu_probe_s', {}).get('start')} s at start, "
        f"{result['machine'].get('cpu_probe_s', {}).get('end')} s after the load",
        f"Load: {load['tool']}, {load['threads']} thread, {load['connections']} connections, "
        f"{load['duration_s']:g} s per page after {load['warmup_s']:g} s warm-up, on loopback; "
        f"gunicorn {result['server']['workers']} sync workers; wrk, gunicorn and PostgreSQL share the cores.",
        "",
        f"{'page':<42} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'÷ hello':>8} {'goal ≥ ' + str(RATIO_GOAL):>10} "
        f"{'other CPU':>10} {'steal':>6} {'probe s':>8}",
    ]
    for page in result["pages"]:
        goal = "" if page["key"] == "hello" else ("met" if page["meets_goal"] else "NOT met")
        lines.append(
            f"{page['label']:<42} {page['rps']:>8.0f} {page['p50_ms']:>8.2f} {page['p99_ms']:>8.2f} "
            f"{page['ratio_to_hello']:>8.2f} {goal:>10} {page.get('other_processes_cpu_cores', 0):>10.2f} "
            f"{page.get('steal_cpu_cores', 0):>6.2f} {page.get('cpu_probe_s_before', 0):>8.3f}"
        )
    busy = max(
        (page.get("other_processes_cpu_cores", 0) + page.get("steal_cpu_cores", 0) for page in result["pages"]),
        default=0,
    )
    lines.append(
        "other CPU: cores' worth of CPU the machine spent on work that is not the benchmark's (its gunicorn, "
        "wrk, PostgreSQL) during the measured seconds; steal: taken by the hypervisor; probe: the CPU probe "
        "just before the page's load"
        + (f". Up to {busy:.2f} here, so these figures are lower than an idle machine gives." if busy >= 0.2 else ".")
    )
    mixed = result["mixed"]
    lines += [
        "",
        f"Mixed load: all {len(mixed['paths'])} public pages at once, each connection taking them in turn, "
        f"{mixed['duration_s']:g} s after {mixed['warmup_s']:g} s warm-up, {load['connections']} connections:",
        f"  {mixed['rps']:.0f} req/s ({mixed['requests']} requests), p50 {mixed['p50_ms']:.2f} ms, p99 "
        f"{mixed['p99_ms']:.2f} ms, max {mixed['max_ms']:.0f} ms; errors: {_format_errors(mixed['errors'])}; "
        f"goal: no errors: {'met' if mixed['meets_goal'] else 'NOT met'}; other CPU "
        f"{mixed.get('other_processes_cpu_cores', 0):.2f}, steal {mixed.get('steal_cpu_cores', 0):.2f}",
    ]
    pdf = result["pdf"]
    lines += [
        "",
        f"Follow-up PDF, {pdf['activities']} activities ({pdf['pages']} pages, {pdf['bytes'] / 1024:.0f} KiB), "
        f"pledges.pdf.follow_up_pdf in a fresh process:",
        f"  median {pdf['median_s']:.3f} s of {pdf['runs']} (min {pdf['min_s']:.3f}, max {pdf['max_s']:.3f}; "
        f"CPU {pdf['cpu_median_s']:.3f} s) after one warm-up of {pdf['warmup_s']:.3f} s; "
        f"goal < {PDF_GOAL_S} s: {'met' if pdf['meets_goal'] else 'NOT met'}; other CPU "
        f"{pdf.get('other_processes_cpu_cores', 0):.2f}, steal {pdf.get('steal_cpu_cores', 0):.2f}, probe before "
        f"{pdf.get('cpu_probe_s_before', 0):.3f} s",
        f"  peak memory: peak RSS (VmHWM) +{pdf['peak_rss_delta_mib']} MiB over the "
        f"{pdf['peak_rss_baseline_mib']} MiB of the process before rendering (+{pdf['peak_rss_delta_warmup_mib']} "
        f"MiB after the first render); tracemalloc peak of one render {pdf['tracemalloc_peak_mib']:.1f} MiB "
        "(Python objects only)",
        "",
        "Queries per request (Django test client, CaptureQueriesContext):",
        f"  {'page':<14} {'3 activities':>13} {'30 activities':>14}",
    ]
    for key, counts in result["queries"]["pages"].items():
        lines.append(f"  {key:<14} {counts['3']:>13} {counts['30']:>14}")
    durations = result["durations"]
    lines += [
        "",
        f"Run: {durations['total_s']:.0f} s in all (servers {durations['servers_s']:.1f} s, migrate "
        f"{durations['migrate_s']:.1f} s, data {durations['data_s']:.1f} s, PDF {durations['pdf_s']:.1f} s, "
        f"load {durations['load_s']:.1f} s, mixed {durations['mixed_s']:.1f} s). JSON: {result['output']}",
    ]
    return "\n".join(lines)


def run(args, stack: contextlib.ExitStack) -> int:
    started = time.monotonic()
    load_average_at_start = os.getloadavg()
    probe_at_start = cpu.probe_seconds()
    durations = {}
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    wrk_binary()  # fail before starting anything when wrk is missing
    media_root = stack.enter_context(tempfile.TemporaryDirectory(prefix="bra-bench-media-"))
    static_root = stack.enter_context(tempfile.TemporaryDirectory(prefix="bra-bench-static-"))

    atexit.register(testservers.stop_servers)  # should the stack not unwind
    stack.callback(testservers.stop_servers)
    sources = configure_environment(media_root, static_root)
    durations["servers_s"] = time.monotonic() - started

    import django
    from django.core.management import call_command

    django.setup()
    from bench import data
    from bench.urls import HELLO_PATH

    step = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    durations["migrate_s"] = time.monotonic() - step

    step = time.monotonic()
    if sources["database"] == "DATABASE_URL":  # a database of your own: leave it as it was
        data.remove_bench_data()
        stack.callback(data.remove_bench_data)
    by = data.coordinator()
    sites = {n: data.build_site(activities=n, members=50, by=by) for n in (3, 30)}
    durations["data_s"] = time.monotonic() - step
    print(f"Data ready: {', '.join(s.municipality.slug for s in sites.values())}", file=sys.stderr)

    queries = count_queries(sites)
    versions = _versions()
    from django.db import connection

    connection.close()

    step = time.monotonic()
    print(f"Rendering the PDF {args.pdf_runs + 1} times…", file=sys.stderr)
    own_port = urlsplit(os.environ["DATABASE_URL"]).port if sources["database"] != "DATABASE_URL" else None
    our_roots = cpu.roots(own_port)
    probe = cpu.probe_seconds()
    before = cpu.snapshot()
    pdf = measure_pdf(sites[30].revision.pk, args.pdf_runs)
    pdf["cpu_probe_s_before"] = probe
    after = cpu.snapshot()
    pdf["other_processes_cpu_cores"] = cpu.foreign_cores(before, after, time.monotonic() - step, our_roots)
    pdf["steal_cpu_cores"] = cpu.steal_cores(before, after, time.monotonic() - step)
    pdf["meets_goal"] = pdf["median_s"] < PDF_GOAL_S
    pdf["goal_s"] = PDF_GOAL_S
    pdf["measured_by"] = (
        f"pledges.pdf.follow_up_pdf(revision) called directly (no HTTP, no worker) under translation.override('sv') "
        f"in a fresh `python -m bench.pdf` process: one warm-up render, then the median of {args.pdf_runs} "
        "(time.perf_counter wall time; CPU by time.process_time). Peak memory: growth of the process's peak RSS "
        "(VmHWM of /proc/self/status) from after Django and WeasyPrint were imported to after all renders. "
        "resource.getrusage(RUSAGE_SELF).ru_maxrss is recorded too but is not used: Linux carries it over the "
        "exec from the parent, so the child reports the bench process's peak until it grows past it. The "
        "tracemalloc peak of one more render counts Python allocations only (not Pango, HarfBuzz or cairo)."
    )
    durations["pdf_s"] = time.monotonic() - step

    settings = LoadSettings(
        duration=args.duration, warmup=args.warmup, threads=args.threads, connections=args.connections
    )
    log_path = OUTPUT_DIR / "gunicorn.log"
    log_path.write_text("")
    step = time.monotonic()
    pages = []
    base, command = stack.enter_context(gunicorn(log_path, "/" + HELLO_PATH))
    for key, label, attribute in PAGES:
        path = "/" + HELLO_PATH if attribute is None else getattr(sites[30], attribute)
        body = _expect_200(base, path, log_path)
        print(f"Loading {path} for {settings.warmup:g} + {settings.duration:g} s…", file=sys.stderr)
        figures = _load(base, path, settings, our_roots)
        pages.append({"key": key, "label": label, "path": path, "response_bytes": len(body), **figures})
    durations["load_s"] = time.monotonic() - step

    step = time.monotonic()
    paths = mixed_paths(sites)
    for path in paths:
        _expect_200(base, path, log_path)
    mixed_settings = dataclasses.replace(settings, duration=args.mixed_duration)
    print(
        f"Mixed load on {len(paths)} public pages for {settings.warmup:g} + {args.mixed_duration:g} s…", file=sys.stderr
    )
    mixed = {
        "paths": paths,
        "duration_s": mixed_settings.duration,
        "warmup_s": mixed_settings.warmup,
        **_load(base, "/", mixed_settings, our_roots, paths=tuple(paths)),
    }
    mixed["meets_goal"] = mixed["error_total"] == 0
    mixed["measured_by"] = (
        f"{versions['wrk']} with bench/wrk_report.lua given the paths: each of the {settings.connections} "
        f"connections requests the {len(paths)} paths in turn for {mixed_settings.duration:g} s after "
        f"{mixed_settings.warmup:g} s of warm-up, against the same gunicorn. Errors are wrk's counts: status = "
        "answers of 400 and above; connect, read, write = socket errors; timeout = no answer within "
        f"{mixed_settings.timeout:g} s. Goal: none."
    )
    durations["mixed_s"] = time.monotonic() - step

    probe_at_end = cpu.probe_seconds()
    hello_rps = pages[0]["rps"]
    for page in pages:
        page["ratio_to_hello"] = round(page["rps"] / hello_rps, 3) if hello_rps else 0.0
        page["meets_goal"] = page["key"] == "hello" or page["ratio_to_hello"] >= RATIO_GOAL
    durations["total_s"] = time.monotonic() - started

    output = Path(args.output)
    measured_by = (
        f"{versions['wrk']} on loopback: --threads={settings.threads} --connections={settings.connections}, "
        f"{settings.warmup:g} s warm-up then {settings.duration:g} s measured, per page one after the other, "
        f"against gunicorn ({WORKERS} sync workers) on the same {cores()}-core machine; requests/s = completed "
        "requests / measured seconds; latency percentiles are wrk's, per request, including queueing behind the "
        "two workers; gunicorn's sync workers close the connection after each response, so wrk reconnects."
    )
    result = {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {
            "cores": cores(),
            "platform": platform.platform(),
            "load_average_at_start": [round(x, 2) for x in load_average_at_start],
            "cpu_probe_s": {"start": probe_at_start, "end": probe_at_end},
            "cpu_probe_measured_by": f"best of 3 timings of a pure-Python loop of {cpu.PROBE_LOOPS:,} additions in "
            "the bench process, before the servers start and after the load; lower is a faster core",
            **versions,
        },
        "sources": sources,
        "server": {
            "command": " ".join(["python", *command[1:]]),
            "workers": WORKERS,
            "worker_class": "sync",
            "settings": "bench.settings (the portal's settings plus the hello URL)",
            "environment": {
                key: os.environ[key]
                for key in ("DEBUG", "CONN_MAX_AGE", "ALLOWED_HOSTS", "STATICFILES_STORAGE", "WHITENOISE_USE_FINDERS")
            },
            "access_log": False,
        },
        "load": {
            "tool": versions["wrk"],
            "threads": settings.threads,
            "connections": settings.connections,
            "duration_s": settings.duration,
            "warmup_s": settings.warmup,
            "measured_by": measured_by,
            "other_processes_cpu_measured_by": "the machine's user+nice+system ticks (/proc/stat) during the "
            "measured seconds minus those of the bench process and its descendants (gunicorn, its workers, wrk) "
            "and of the throwaway PostgreSQL (/proc/<pid>/stat utime+stime+cutime+cstime), divided by the seconds: "
            "1.0 means one of the cores was busy with other work the whole time; steal: the steal column of "
            "/proc/stat, CPU time the hypervisor gave to other virtual machines, in the same unit",
        },
        "data": {
            str(n): {"municipality": s.municipality.slug, "activities": s.activities, "council_seats": s.members}
            for n, s in sites.items()
        },
        "pages": pages,
        "ratio_goal": RATIO_GOAL,
        "mixed": mixed,
        "pdf": pdf,
        "queries": {
            "measured_by": "django.test.Client in the bench process, second request of each page, "
            "len(CaptureQueriesContext(connection)); informational",
            "pages": queries,
        },
        "durations": {k: round(v, 1) for k, v in durations.items()},
        "output": str(output.relative_to(ROOT) if output.is_relative_to(ROOT) else output),
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(format_report(result))

    bad = [p["key"] for p in pages if p["errors"]["status"] or p["errors"]["timeout"]]
    if not mixed["meets_goal"]:
        bad.append("mixed")
    if bad:
        print(f"Errors under load on: {', '.join(bad)}; see {log_path}", file=sys.stderr)
        return 1
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per page (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per page (default 2)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    parser.add_argument(
        "--mixed-duration", type=float, default=60.0, help="seconds of the mixed load on all public pages (default 60)"
    )
    parser.add_argument("--pdf-runs", type=int, default=5, help="timed PDF renders after the warm-up (default 5)")
    parser.add_argument("--output", default=str(OUTPUT_DIR / "latest.json"), help="JSON file of the figures")
    args = parser.parse_args(argv)

    # SIGTERM (and Ctrl-C) unwind through the ExitStack, which stops gunicorn and the servers.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    with contextlib.ExitStack() as stack:
        return run(args, stack)
