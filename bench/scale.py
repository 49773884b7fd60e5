"""`make bench`, second part: the national-scale figures of the situation picture and the action plans.

On a throwaway PostgreSQL (unless DATABASE_URL is set): `seed_scale` (290 municipalities, 1,000,000 incidents
over five years), then, each measured in this process and said how:
- the analysis page of one municipality over two years: server time (the view through Django's test client,
  median of 15 after 3 warm-ups) against the bare SQL aggregate for the same filter (the monthly counts per
  category, median of 15), goal under 300 ms and within 2x of the SQL; beside it the same page without the
  analysis (an invalid date: request, session, permission, form, base template), the part no query can save;
- importing 100,000 crime-statistics CSV rows (parse + write), goal under 30 s;
- /oversikt/ for all municipalities: server time, median of 15, goal under 150 ms;
- the PDF of a 60-measure action plan: median of 3 renders after a warm-up, in a fresh process, with its peak
  resident memory (ru_maxrss), goals under 2 s and under 400 MB.
Figures go to stdout and var/bench/scale.json.

`python -m bench.scale --only analysis --no-seed` measures one part against the data already in DATABASE_URL
(seeded before), and writes var/bench/scale-analysis.json instead.
"""

import argparse
import atexit
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.run import configure_environment
from core import testservers

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "var" / "bench" / "scale.json"


def _median_ms(fn, runs=15, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def analysis_figures(municipality):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from councils.models import PortalRole

    user, _ = get_user_model().objects.get_or_create(email=f"polis@{municipality.slug}.bench")
    PortalRole.objects.get_or_create(user=user, municipality=municipality, defaults={"role": "police"})
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    today = timezone.localdate()
    start = today.replace(year=today.year - 2)
    url = f"/hantera/{municipality.slug}/lagesbild/analys/?start={start:%Y-%m-%d}&end={today:%Y-%m-%d}"

    def view():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def page_without_analysis():
        # An invalid date: the same request, permission, filter form and base template, but no figures.
        response = client.get(url.replace(f"start={start:%Y-%m-%d}", "start=ogiltigt"))
        assert response.status_code == 200 and b"form-error-summary" in response.content

    sql = (
        "SELECT category_id, date_trunc('month', occurred_at AT TIME ZONE 'Europe/Stockholm') AS month, count(*) "
        "FROM situation_incident WHERE municipality_id = %s AND occurred_at >= %s AND occurred_at < %s "
        "GROUP BY 1, 2"
    )
    params = [
        municipality.pk,
        timezone.make_aware(timezone.datetime.combine(start, timezone.datetime.min.time())),
        timezone.make_aware(timezone.datetime.combine(today + timedelta(days=1), timezone.datetime.min.time())),
    ]

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    incidents = municipality.incidents.filter(occurred_at__date__gte=start).count()
    with CaptureQueriesContext(connection) as queries:
        view()
    query_count = len(queries)  # read now: every later request resets the query log
    view_ms, sql_ms, floor_ms = _median_ms(view), _median_ms(bare), _median_ms(page_without_analysis)
    return {
        "municipality": municipality.slug,
        "incidents_in_period": incidents,
        "period": [start.isoformat(), today.isoformat()],
        "view_ms": view_ms,
        "bare_sql_ms": sql_ms,
        "ratio": round(view_ms / sql_ms, 1) if sql_ms else None,
        "page_without_analysis_ms": floor_ms,
        "page_without_analysis_ratio": round(floor_ms / sql_ms, 1) if sql_ms else None,
        "goal_ms": 300,
        "meets_goal": view_ms < 300,
        "queries": query_count,
        "measured_by": "Django test client in the bench process (the whole request: middleware, session, "
        "permission, filter form, the analysis' aggregates, template), median of 15 after 3 warm-ups; no cache of "
        "the analysis, so every request computes it; bare SQL: the monthly per-category count for the same "
        "filter through the same connection, median of 15; page without analysis: the same URL with an invalid "
        "start date (middleware, session, permission, filter form with its error, base template; no aggregates), "
        "median of 15 — what any request for this page costs before the first figure",
    }


def csv_import_figures(municipality, rows=100_000):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from situation.imports import statistics_import, statistics_parse

    lines = ["kommunkod;period;category;count"]
    months = 50
    for n in range(rows):
        year, month = divmod(n % months, 12)
        lines.append(f"{municipality.kommunkod};{2020 + year}-{month + 1:02d};Kategori {n // months:05d};{n % 97}")
    data = ("\n".join(lines) + "\n").encode()
    upload = SimpleUploadedFile("statistik.csv", data, content_type="text/csv")
    start = time.perf_counter()
    result = statistics_parse(file=upload, municipality=municipality, max_bytes=len(data) + 1)
    parsed = time.perf_counter()
    statistics_import(result=result, municipality=municipality, by=None)
    done = time.perf_counter()
    return {
        "rows": rows,
        "bytes": len(data),
        "parse_s": round(parsed - start, 2),
        "write_s": round(done - parsed, 2),
        "total_s": round(done - start, 2),
        "goal_s": 30,
        "meets_goal": done - start < 30,
        "measured_by": "wall time in the bench process of situation.imports.statistics_parse and "
        "statistics_import (COPY into a temporary table + one INSERT … ON CONFLICT) for a generated file",
    }


def overview_figures():
    from django.test import Client

    from councils.models import Municipality

    client = Client(HTTP_HOST="127.0.0.1")

    def view():
        assert client.get("/oversikt/").status_code == 200

    return {
        "municipalities": Municipality.objects.public().count(),
        "view_ms": _median_ms(view),
        "goal_ms": 150,
        "measured_by": "Django test client in the bench process, the whole request, median of 15 after 3 warm-ups",
    }


def plan_pdf_figures(municipality):
    from actionplans import services
    from actionplans.models import ActionPlan, Measure, ProblemArea

    plan = ActionPlan.objects.create(
        municipality=municipality,
        title="Åtgärdsplan med 60 åtgärder",
        period_start=date(2025, 1, 1),
        period_end=date(2026, 12, 31),
    )
    for a in range(6):
        area = ProblemArea.objects.create(plan=plan, title=f"Problemområde {a + 1}: otrygghet på Ågatan", order=a)
        Measure.objects.bulk_create(
            [
                Measure(
                    problem_area=area,
                    title=f"Åtgärd {a + 1}.{m + 1}: belysning och närvaro vid skolgården",
                    cause="Mörka platser och få vuxna ute kvällstid",
                    start_date=date(2025, 3, 1),
                    end_date=date(2025, 12, 31),
                )
                for m in range(10)
            ]
        )
    services.plan_adopt(
        plan=plan, by=None, body="ks", decision_date=date(2025, 1, 20), paragraph="7", case_number="KS 2025/60"
    )
    result = subprocess.run(
        [sys.executable, "-m", "bench.plan_pdf", str(plan.pk)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ.copy(),
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures.update(
        {
            "measures": 60,
            "goal_s": 2.0,
            "goal_mb": 400,
            "meets_goal": figures["median_s"] < 2.0 and figures["peak_rss_mb"] < 400,
        }
    )
    return figures


PARTS = ("analysis", "statistics_import", "overview", "plan_pdf")


def _arguments(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=PARTS, action="append", help="measure only this part (repeatable)")
    parser.add_argument(
        "--no-seed", action="store_true", help="use the data already in DATABASE_URL instead of running seed_scale"
    )
    arguments = parser.parse_args(argv)
    if arguments.no_seed and not os.environ.get("DATABASE_URL"):
        parser.error("--no-seed needs DATABASE_URL: a throwaway database has no data to measure")
    return arguments


def main(argv=None):
    arguments = _arguments(argv)
    parts = arguments.only or PARTS
    media = tempfile.mkdtemp(prefix="bra-bench-media-")
    static = tempfile.mkdtemp(prefix="bra-bench-static-")
    atexit.register(testservers.stop_servers)
    sources = configure_environment(media, static)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed_s = None
    if not arguments.no_seed:
        started = time.perf_counter()
        call_command("seed_scale", verbosity=1)
        seed_s = round(time.perf_counter() - started, 1)
    from councils.models import Municipality

    municipality = Municipality.objects.get(slug="skala-001")
    measure = {
        "analysis": lambda: analysis_figures(municipality),
        "statistics_import": lambda: csv_import_figures(Municipality.objects.get(slug="skala-002")),
        "overview": overview_figures,
        "plan_pdf": lambda: plan_pdf_figures(municipality),
    }
    report = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cores": len(os.sched_getaffinity(0)),
        "sources": sources,
        "seed_scale_s": seed_s,
    }
    report.update({part: measure[part]() for part in PARTS if part in parts})
    output = OUTPUT if arguments.only is None else OUTPUT.with_name(f"scale-{'-'.join(parts)}.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    seeded = f"seed_scale {seed_s} s" if seed_s is not None else "data already seeded"
    print(f"\nNational scale ({report['cores']} cores, {sources['database']}; {seeded})")
    if a := report.get("analysis"):
        print(
            f"  analysis, {a['municipality']}, two years, {a['incidents_in_period']} incidents: {a['view_ms']} ms, "
            f"{a['queries']} queries (goal < 300 ms); bare SQL aggregate {a['bare_sql_ms']} ms; ratio {a['ratio']}x "
            f"(goal within 2x); the same page without the analysis {a['page_without_analysis_ms']} ms "
            f"({a['page_without_analysis_ratio']}x)"
        )
    if c := report.get("statistics_import"):
        print(
            f"  statistics CSV import, {c['rows']:,} rows: {c['total_s']} s (parse {c['parse_s']} s, write "
            f"{c['write_s']} s; goal < 30 s)"
        )
    if o := report.get("overview"):
        print(f"  /oversikt/, {o['municipalities']} municipalities: {o['view_ms']} ms (goal < 150 ms)")
    if p := report.get("plan_pdf"):
        print(
            f"  action plan PDF, 60 measures: median {p['median_s']} s, peak RSS {p['peak_rss_mb']} MB "
            f"(goals < 2 s, < 400 MB)"
        )
    print(f"  written to {output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
