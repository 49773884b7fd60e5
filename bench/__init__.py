"""`make bench`: throughput, latency, PDF time and query counts of the public pages, measured on a real run.

bench/run.py drives the whole run (throwaway PostgreSQL and Redis, migrate, data, gunicorn, the table and
var/bench/latest.json); bench/data.py builds the data through the project's services; bench/urls.py adds the
bare "hello" view that only the benchmark serves (bench/settings.py points ROOT_URLCONF at it); bench/load.py
runs wrk (with bench/wrk_report.lua); bench/pdf.py times the follow-up PDF; bench/cpu.py tells how busy the
machine was with other work.
"""
