"""Small validators shared by several apps."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_LEAD_DAYS = 90


def parse_lead_days(value: str) -> list[int]:
    """'7, 1' -> [7, 1] (sorted, largest first, duplicates removed); raises ValueError on anything else."""
    parts = [p.strip() for p in (value or "").split(",") if p.strip()]
    days = sorted({int(p) for p in parts}, reverse=True)
    if any(d < 0 or d > MAX_LEAD_DAYS for d in days):
        raise ValueError(value)
    return days


def validate_lead_days(value: str) -> None:
    try:
        parse_lead_days(value)
    except ValueError:
        raise ValidationError(
            _("Write whole days between 0 and %(max)s separated by commas, for example 7,1.") % {"max": MAX_LEAD_DAYS},
            code="invalid_lead_days",
        ) from None


def validate_upload_size(upload, limit: int) -> None:
    """Refuses an uploaded file larger than `limit` bytes, naming the limit (each upload's limit is a setting)."""
    if upload.size > limit:
        raise ValidationError(
            _("The file is larger than the limit of %(limit)s."),
            code="too_large",
            params={"limit": filesizeformat(limit)},
        )
