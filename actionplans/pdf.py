from core.pdf import render_pdf


def plan_pdf(plan, snapshot: dict) -> bytes:
    return render_pdf(
        "actionplans/plan_pdf.html", {"plan": plan, "snapshot": snapshot, "municipality": plan.municipality}
    )
