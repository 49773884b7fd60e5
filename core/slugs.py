"""Top-level path names that belong to the portal itself and so can never be a municipality's slug."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "healthz",
        "integritet",
        "hantera",
        "kalender",
        "konto",
        "media",
        "oversikt",
        "static",
        "tillganglighet",
        "i18n",
        "robots.txt",
        "favicon.ico",
    }
)


def validate_not_reserved(value: str):
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(value)s” is reserved for the portal’s own pages and cannot be used as an address."),
            code="reserved_slug",
            params={"value": value},
        )
