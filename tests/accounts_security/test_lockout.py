"""Sign-in throttling: lockout per account and per address, the lockout page, and the ways out of it."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.security import client_ip
from tests.accounts_security.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fail(client, email, times, **extra):
    return [sign_in(client, email, "fel-losenord", **extra) for _ in range(times)]


def test_five_wrong_passwords_lock_the_account_with_a_page_that_says_until_when(english, settings):
    user = UserFactory(email="anna@test.example")
    before = timezone.localtime()
    responses = fail(english, "Anna@Test.example", 4) + fail(english, "anna@test.example", 1)
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    page = responses[-1].content.decode()
    assert "too many failed sign-in attempts" in page
    until = re.search(r"locked until (\d\d:\d\d)", page).group(1)
    expected = before + settings.AXES_COOLOFF_TIME
    assert until in {expected.strftime("%H:%M"), (expected + timedelta(minutes=1)).strftime("%H:%M")}
    assert reverse("accounts:password_reset") in page

    locked = sign_in(english, user.email)
    assert locked.status_code == 429, "the right password must not open a locked account"
    assert "_auth_user_id" not in english.session


def test_a_locked_account_does_not_lock_others_signing_in_from_the_same_address(client):
    UserFactory(email="anna@test.example")
    other = UserFactory(email="bo@test.example")
    fail(client, "anna@test.example", 5)
    assert sign_in(client, other.email).status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_many_failures_from_one_address_lock_that_address_but_not_others(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    user = UserFactory(email="cecilia@test.example")
    for n in range(4):
        fail(client, f"gissning{n}@test.example", 2, REMOTE_ADDR="198.51.100.7")
    assert sign_in(client, user.email, REMOTE_ADDR="198.51.100.7").status_code == 429
    assert sign_in(client, user.email, REMOTE_ADDR="203.0.113.9").status_code == 302


def test_the_lockout_ends_when_the_cool_off_has_passed(client, settings):
    user = UserFactory(email="david@test.example")
    fail(client, user.email, 5)
    assert sign_in(client, user.email).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert sign_in(client, user.email).status_code == 302


def test_a_completed_password_reset_lifts_the_lockout_of_the_account(client):
    user = UserFactory(email="eva@test.example")
    fail(client, user.email, 5)
    assert sign_in(client, user.email).status_code == 429

    client.post(reverse("accounts:password_reset"), {"email": user.email})
    link = re.search(r"https?://[^/]+(/konto/aterstall/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    saved = client.post(form_url, {"new_password1": "nytt-losenord-777", "new_password2": "nytt-losenord-777"})
    assert saved.status_code == 302

    assert sign_in(client, user.email, "nytt-losenord-777").status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_behind_the_tls_proxy_the_address_is_the_one_the_proxy_appended(settings):
    request = RequestFactory().post(
        "/konto/logga-in/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.7"
    )
    settings.SECURE_PROXY_SSL_HEADER = None
    assert client_ip(request) == "127.0.0.1"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client_ip(request) == "198.51.100.7", "the first entry can be forged by the client"
