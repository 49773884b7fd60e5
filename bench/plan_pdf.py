"""Renders one action plan's PDF in a fresh process: warm-up, then the median of 3, and the peak RSS."""

import json
import resource
import statistics
import sys
import time


def main(plan_id: int):
    import django

    django.setup()
    from django.utils import translation

    from actionplans.models import ActionPlan
    from actionplans.pdf import plan_pdf

    plan = ActionPlan.objects.select_related("municipality").get(pk=plan_id)
    with translation.override("sv"):
        size = len(plan_pdf(plan, plan.snapshot))
        times = []
        for _ in range(3):
            start = time.perf_counter()
            plan_pdf(plan, plan.snapshot)
            times.append(time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "median_s": round(statistics.median(times), 2),
                "runs_s": [round(t, 2) for t in times],
                "pdf_bytes": size,
                "peak_rss_mb": round(peak_mb, 1),
                "measured_by": "a fresh Python process: one warm-up render, then 3 timed renders of "
                "actionplans.pdf.plan_pdf (WeasyPrint), median; peak resident memory of the whole process "
                "(ru_maxrss)",
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
