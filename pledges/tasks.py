from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import translation

from core.pdf import stored_file_exists
from pledges.models import FollowUpRevision


@shared_task(time_limit=120, soft_time_limit=100, ignore_result=True)
def render_follow_up_pdf_task(revision_id: int):
    """Render a published follow-up revision to PDF once; revisions never change, so neither does the PDF."""
    from pledges.pdf import follow_up_pdf

    revision = FollowUpRevision.objects.select_related("follow_up__pledge").get(pk=revision_id)
    if stored_file_exists(revision.pdf):
        return
    with translation.override("sv"):
        data = follow_up_pdf(revision)
    follow_up = revision.follow_up
    name = f"uppfoljning-{follow_up.pledge_id}-{follow_up.year}-t{follow_up.tertial}-r{revision.number}.pdf"
    revision.pdf.save(name, ContentFile(data), save=False)
    FollowUpRevision.objects.filter(pk=revision.pk).update(pdf=revision.pdf.name)
