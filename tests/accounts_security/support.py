"""Test support for two-factor sign-in: a confirmed authenticator per user and sessions that have given it.

tests/conftest.py makes every `Client.force_login` (and `Client.login`) session two-factor verified, so that
tests about other pages need not go through the code step; tests marked `real_two_factor` go through it.
"""

from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import RequestFactory
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor


def authenticator_for(user) -> TOTPDevice:
    """The user's confirmed authenticator app, created if they have none."""
    return two_factor.authenticator(user) or TOTPDevice.objects.create(
        user=user, name=two_factor.AUTHENTICATOR_NAME, confirmed=True
    )


def mark_verified(client, user) -> None:
    """Record in the client's session that `user` has given the second factor, as the verify page does."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
    session.save()


def verifying_force_login(original):
    def force_login(self, user, backend=None):
        original(self, user, backend)
        mark_verified(self, user)

    return force_login


def verifying_login(original):
    """Client.login through a request, which the sign-in throttling (django-axes) needs to see who is trying."""

    def login(self, **credentials):
        credentials.setdefault("request", RequestFactory().post("/konto/logga-in/"))
        signed_in = original(self, **credentials)
        if signed_in:
            mark_verified(self, get_user_model().objects.get(pk=self.session[SESSION_KEY]))
        return signed_in

    return login
