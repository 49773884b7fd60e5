"""Background work of the councils app: the export of everything a municipality owns."""

from celery import shared_task

from core.municipality_export import EXPORT_TIME_LIMIT


@shared_task(time_limit=EXPORT_TIME_LIMIT, soft_time_limit=EXPORT_TIME_LIMIT - 60, ignore_result=True)
def export_municipality_task(municipality_id: int, name: str):
    """Write the archive the coordinator asked for into the private export folder (idempotent: an archive that
    exists is left as it is)."""
    from core.municipality_export import export_run

    export_run(municipality_id=municipality_id, name=name)
