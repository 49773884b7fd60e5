"""Session rules that apply to every request: sign-out after inactivity, and the second factor where it applies."""

import time
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from accounts import two_factor

LAST_ACTIVITY = "accounts_last_activity"
# The last-activity time is written at most this often (seconds), not on every request: each write saves the session.
ACTIVITY_WRITE_INTERVAL = 60
# Pages a signed-in person who still owes the second factor may open: giving it, setting it up, signing out.
TWO_FACTOR_EXEMPT_VIEWS = {
    "accounts:logout",
    "accounts:two_factor_setup",
    "accounts:two_factor_verify",
    "set_language",
}


def session_start(session) -> None:
    """Called at sign-in: the session ends SESSION_COOKIE_AGE after it, however active the person is.

    A fixed end, because the activity writes below would otherwise extend the session at every save.
    """
    session.set_expiry(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE))
    session[LAST_ACTIVITY] = int(time.time())


def _idle_too_long(session) -> bool:
    now = int(time.time())
    last = session.get(LAST_ACTIVITY)
    if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT:
        return True
    if last is None or now - last >= ACTIVITY_WRITE_INTERVAL:
        session[LAST_ACTIVITY] = now
    return False


class IdleSessionMiddleware:
    """Signs a person out after SESSION_IDLE_TIMEOUT seconds without a request, such as on a shared computer.

    The request then goes on as anonymous: a public page shows as usual, a staff page sends the person to the
    login page, where the message says why.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and _idle_too_long(request.session):
            logout(request)
            minutes = settings.SESSION_IDLE_TIMEOUT // 60
            messages.info(
                request,
                ngettext(
                    "You were signed out because you had not done anything for %(minutes)d minute. "
                    "Sign in again to go on.",
                    "You were signed out because you had not done anything for %(minutes)d minutes. "
                    "Sign in again to go on.",
                    minutes,
                )
                % {"minutes": minutes},
            )
        return self.get_response(request)


def _redirect_keeping_place(view_name, request):
    url = reverse(view_name)
    if request.method in ("GET", "HEAD"):
        url += "?" + urlencode({"next": request.get_full_path()})
    return redirect(url)


class TwoFactorMiddleware:
    """Asks a signed-in person for their second factor before any page but the few that help them give it.

    Those with an authenticator app give a code after the password; coordinators, police liaisons and
    superusers who have none yet are sent to set one up (two_factor.is_required).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match.view_name in TWO_FACTOR_EXEMPT_VIEWS:
            return None
        if two_factor.authenticator(user) is not None:
            return _redirect_keeping_place("accounts:two_factor_verify", request)
        if two_factor.is_required(user):
            return _redirect_keeping_place("accounts:two_factor_setup", request)
        return None
