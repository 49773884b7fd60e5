"""Demo logins: coordinators and police get an authenticator with the documented demo secret; `demo_otp`
prints its current code, and only with DEBUG on."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.oath import TOTP

from accounts import two_factor
from accounts.demo import DEMO_TOTP_SECRET

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_coordinators_and_police_the_demo_authenticator(settings, django_user_model):
    settings.DEBUG = True
    call_command("seed_demo")
    for login in ("samordnare@vaggeryd.example", "polis@hjo.example"):
        device = two_factor.authenticator(django_user_model.objects.get(email=login))
        assert device is not None, login
        assert two_factor.secret_for_typing(device).replace(" ", "") == DEMO_TOTP_SECRET
    assert two_factor.authenticator(django_user_model.objects.get(email="ledamot@vaggeryd.example")) is None


def test_demo_otp_prints_the_code_the_app_shows(settings, django_user_model):
    settings.DEBUG = True
    call_command("seed_demo")
    out = StringIO()
    call_command("demo_otp", "samordnare@vara.example", stdout=out)
    code = out.getvalue().strip()
    device = two_factor.authenticator(django_user_model.objects.get(email="samordnare@vara.example"))
    assert TOTP(device.bin_key).verify(int(code), tolerance=1)
    assert device.verify_token(code)


def test_demo_otp_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_otp", "samordnare@vaggeryd.example")
