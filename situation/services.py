"""Writes to incidents and the reference data around them."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from councils.models import Municipality
from situation.models import Incident, Source


@transaction.atomic
def incident_report(*, municipality, by, data: dict) -> Incident:
    """File an EST report. The form has already checked the text for personal data."""
    incident = Incident(municipality=municipality, reported_by=by, source=Source.EST, **data)
    incident.full_clean()
    incident.save()
    return incident


def _months_ago(now, months: int):
    # Calendar months are not needed to the day for retention; 30.44 days a month keeps it simple and safe.
    return now - timedelta(days=round(months * 30.44))


def incident_texts_anonymise(*, now=None) -> int:
    """Remove the free text of incidents older than each municipality's retention period. Returns the count."""
    now = now or timezone.now()
    total = 0
    for municipality_id, months in Municipality.objects.values_list("pk", "incident_text_retention_months"):
        total += (
            Incident.objects.filter(
                municipality_id=municipality_id, occurred_at__lt=_months_ago(now, months), anonymised_at__isnull=True
            )
            .exclude(description="", address="")
            .update(description="", address="", anonymised_at=now)
        )
    return total
