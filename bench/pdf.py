"""Time and memory of rendering a follow-up PDF with WeasyPrint (`pledges.pdf.follow_up_pdf`).

`python -m bench.pdf REVISION_ID` runs in a fresh process of its own (bench/run.py starts it), so that the
growth of its peak RSS is the rendering's alone and not the migrations' or the data builder's. Prints JSON.
"""

import argparse
import json
import resource
import statistics
import time
import tracemalloc
from pathlib import Path


def _maxrss_mib() -> float:
    """resource.getrusage(RUSAGE_SELF).ru_maxrss, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _hwm_mib() -> float | None:
    """The peak RSS of this process image (VmHWM of /proc/self/status), in MiB; None off Linux.

    Unlike ru_maxrss, which Linux carries over an exec from the parent (a child started by a large parent
    reports the parent's peak until it grows past it), VmHWM starts afresh with the new program.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _pages(data: bytes) -> int | None:
    try:
        from io import BytesIO

        from pypdf import PdfReader
    except ImportError:
        return None
    return len(PdfReader(BytesIO(data)).pages)


def _round(value):
    return None if value is None else round(value, 1)


def _delta(after, before):
    return None if after is None or before is None else round(after - before, 1)


def measure(revision_id: int, runs: int = 5) -> dict:
    from django.db import connection
    from django.utils import translation

    from pledges.models import FollowUpRevision
    from pledges.pdf import follow_up_pdf

    revision = FollowUpRevision.objects.select_related("follow_up__pledge").get(pk=revision_id)
    activities = sum(len(area["activities"]) for area in revision.content["focus_areas"])
    baseline, baseline_hwm = _maxrss_mib(), _hwm_mib()
    with translation.override("sv"):  # as the worker's task renders it
        start = time.perf_counter()
        data = follow_up_pdf(revision)
        warmup = time.perf_counter() - start
        after_warmup_hwm = _hwm_mib()
        wall, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            follow_up_pdf(revision)
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        after_runs, after_runs_hwm = _maxrss_mib(), _hwm_mib()
        tracemalloc.start()
        follow_up_pdf(revision)
        _current, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    connection.close()
    return {
        "activities": activities,
        "runs": runs,
        "warmup_s": round(warmup, 3),
        "median_s": round(statistics.median(wall), 3),
        "min_s": round(min(wall), 3),
        "max_s": round(max(wall), 3),
        "cpu_median_s": round(statistics.median(cpu), 3),
        "bytes": len(data),
        "pages": _pages(data),
        "peak_rss_baseline_mib": _round(baseline_hwm),
        "peak_rss_delta_warmup_mib": _delta(after_warmup_hwm, baseline_hwm),
        "peak_rss_delta_mib": _delta(after_runs_hwm, baseline_hwm),
        "ru_maxrss_baseline_mib": round(baseline, 1),
        "ru_maxrss_delta_mib": round(after_runs - baseline, 1),
        "tracemalloc_peak_mib": round(traced_peak / 2**20, 1),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("revision_id", type=int)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    import django

    django.setup()
    print(json.dumps(measure(args.revision_id, args.runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
