"""Sign-in throttling (django-axes): whose failures count, from which address, and when a lockout ends.

Failures are counted per account and per address separately, each against its own limit, within the cool-off
period after the latest failure (settings LOGIN_FAILURE_LIMIT, LOGIN_ADDRESS_FAILURE_LIMIT,
LOGIN_LOCKOUT_MINUTES).
"""

from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q, Sum
from django.utils import timezone


def client_ip(request) -> str | None:
    """The address of the person signing in.

    Behind the TLS proxy (BEHIND_TLS_PROXY) every request comes from the proxy, which appends the client's
    address to X-Forwarded-For: the last entry is the proxy's own statement, earlier ones may be forged.
    """
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR")


def login_username(request, credentials) -> str | None:
    """The e-mail address tried, in lower case, so that `Anna@Kommun.se` and `anna@kommun.se` count together."""
    typed = (credentials or {}).get("username") or request.POST.get("username") or ""
    return typed.strip().lower() or None


class LoginFailureHandler(AxesDatabaseHandler):
    """Compares an account's failures with the account limit and an address's with the address limit.

    django-axes compares the largest of its per-parameter counts with one limit. A town hall's staff share one
    address, which needs a higher limit than a single account, so the address count is scaled to the account
    limit: it reaches that limit exactly when the address reaches its own.
    """

    def get_failures(self, request, credentials=None) -> int:
        by_account, by_address = (
            attempts.aggregate(failures=Sum("failures_since_start"))["failures"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        scaled = by_address * settings.AXES_FAILURE_LIMIT // settings.LOGIN_ADDRESS_FAILURE_LIMIT
        return max(by_account, scaled)


def lockout_ends_at(request, credentials) -> datetime:
    """When sign-in opens again: the cool-off period after the latest failure of the account or the address."""
    latest = AccessAttempt.objects.filter(
        Q(username=get_client_username(request, credentials)) | Q(ip_address=request.axes_ip_address)
    ).aggregate(latest=Max("attempt_time"))["latest"]
    return (latest or timezone.now()) + get_cool_off(request)
