"""Background work of meetings. Celery's autodiscovery imports only `tasks.py` modules; this one is imported by
`councils.rules` (loaded by every process at start-up) so that every worker knows its tasks."""

from celery import shared_task


@shared_task(time_limit=120, soft_time_limit=100, ignore_result=True)
def render_minutes_pdf_task(meeting_id: int, public: bool):
    """Render the minutes (internal or public version) to PDF, unless that version is stored already."""
    from councils.meetings_pdf import minutes_pdf_render

    minutes_pdf_render(meeting_id=meeting_id, public=public)
