from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import translation

from actionplans.models import ActionPlan
from core.pdf import stored_file_exists


@shared_task(time_limit=180, soft_time_limit=150, ignore_result=True)
def render_plan_pdf_task(plan_id: int):
    """Render the plan's PDF from its content; skipped when a PDF of exactly this content exists."""
    from actionplans.pdf import plan_pdf
    from actionplans.services import content_key, plan_snapshot

    plan = ActionPlan.objects.select_related("municipality").get(pk=plan_id)
    snapshot = plan.snapshot if plan.snapshot else plan_snapshot(plan)
    key = content_key(snapshot)
    if stored_file_exists(plan.pdf) and plan.pdf_key == key:
        return
    with translation.override("sv"):
        data = plan_pdf(plan, snapshot)
    plan.pdf.save(f"atgardsplan-{plan.municipality.slug}-{plan.pk}-{key[:8]}.pdf", ContentFile(data), save=False)
    ActionPlan.objects.filter(pk=plan.pk).update(pdf=plan.pdf.name, pdf_key=key)
