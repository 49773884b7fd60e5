"""Absolute links to the portal, for what is read outside it: mail, calendar files."""

from django.conf import settings


def portal_url(path: str) -> str:
    """`path` (as `reverse()` gives it) on the portal's public address, `PORTAL_URL`."""
    return settings.PORTAL_URL + path
