import logging

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)


@shared_task(time_limit=120, soft_time_limit=90, ignore_result=True)
def import_police_events_task():
    """Import the police's open events feed (beat: every 15 minutes); a refused or failed call waits for the next."""
    from situation.police_feed import FeedDisabled, FeedError, FeedRefused, police_events_import_from_feed

    if not settings.POLICE_FEED_URL:
        logger.info("POLICE_FEED_URL is not set; the police events feed is not imported.")
        return
    try:
        result = police_events_import_from_feed()
    except FeedDisabled as exc:
        logger.warning("Police events feed not imported: %s", exc)
    except FeedRefused as exc:
        logger.info("Police events feed not called: %s", exc)
    except FeedError:
        logger.exception("Police events feed import failed")
    else:
        logger.info("Police events feed: %s", result)


@shared_task(time_limit=120, soft_time_limit=100, ignore_result=True)
def render_walk_report_task(walk_id: int):
    """Render a safety walk's follow-up report to PDF, unless its current version is stored already."""
    from situation.walks import walk_report_render

    walk_report_render(walk_id=walk_id)


@shared_task(time_limit=120, soft_time_limit=100, ignore_result=True)
def render_picture_pdf_task(picture_id: int):
    """Render an adopted situation picture to PDF once (queued on adoption, and again if asked for and missing)."""
    from situation.picture import picture_pdf_render

    picture_pdf_render(picture_id=picture_id)
