"""Two-factor sign-in through the real pages: required for coordinators, police and superusers, offered to
everyone, with backup codes. These tests do not get the verified test sessions of tests/conftest.py."""

import re
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from tests.accounts_security.conftest import sign_in
from tests.accounts_security.support import authenticator_for
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.real_two_factor]

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")


def staff_page(tenant):
    return reverse("councils:staff-municipality", kwargs={"kommun": tenant.municipality.slug})


@pytest.mark.parametrize("role", ["coordinator", "police", "superuser"])
def test_a_role_that_requires_it_is_sent_to_set_it_up_from_every_page(english, tenant, role):
    user = tenant.users[role]
    assert sign_in(english, user.email).status_code == 302
    for url in (staff_page(tenant), "/", tenant.municipality.get_absolute_url(), "/admin/"):
        response = english.get(url)
        assert response.status_code == 302, url
        assert unquote(response["Location"]) == f"{SETUP}?next={url}"
    page = english.get(SETUP).content.decode()
    assert "your account must be protected by two-factor sign-in" in page


def test_setting_it_up_shows_a_qr_code_and_the_key_then_backup_codes_once(english, tenant):
    user = tenant.coordinator
    sign_in(english, user.email)
    page = english.get(SETUP, {"next": staff_page(tenant)}).content.decode()
    assert re.search(r'<img src="data:image/svg\+xml[^"]+" alt="[^"]+"', page)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert two_factor.secret_for_typing(device) in page
    assert english.get(SETUP).content.decode().count(two_factor.secret_for_typing(device)) == 1, "same key on reload"

    wrong = english.post(SETUP, {"code": "000000", "next": staff_page(tenant)})
    assert "The code is not right" in wrong.content.decode()
    assert english.get(staff_page(tenant)).status_code == 302

    device.refresh_from_db()
    device.throttle_reset()
    done = english.post(SETUP, {"code": two_factor.current_code(device), "next": staff_page(tenant)}, follow=True)
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", done.content.decode())
    assert len(codes) == 10
    assert f'href="{staff_page(tenant)}"' in done.content.decode()
    assert english.get(staff_page(tenant)).status_code == 200
    assert english.get(reverse("accounts:two_factor_backup_codes")).status_code == 302, "shown only once"


def test_with_an_app_the_password_is_followed_by_a_code(english, tenant, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # so that a slow machine cannot outwait the throttle between posts
    user = tenant.coordinator
    device = authenticator_for(user)
    sign_in(english, user.email)
    asked = english.get(staff_page(tenant))
    assert unquote(asked["Location"]) == f"{VERIFY}?next={staff_page(tenant)}"

    wrong = english.post(VERIFY, {"code": "123456", "next": staff_page(tenant)})
    assert "The code is not right" in wrong.content.decode()
    again = english.post(VERIFY, {"code": "123456", "next": staff_page(tenant)})
    assert "Too many wrong codes in a row" in again.content.decode()
    assert english.get(staff_page(tenant)).status_code == 302

    device.refresh_from_db()
    device.throttle_reset()
    right = english.post(VERIFY, {"code": two_factor.current_code(device), "next": staff_page(tenant)})
    assert right.status_code == 302 and right["Location"] == staff_page(tenant)
    assert english.get(staff_page(tenant)).status_code == 200


def test_a_backup_code_signs_in_once(client, tenant):
    user = tenant.users["police"]
    authenticator_for(user)
    code = two_factor.backup_codes_renew(user=user)[0]
    sign_in(client, user.email)
    assert client.post(VERIFY, {"code": code.upper()}).status_code == 302
    assert client.get(staff_page(tenant)).status_code == 200

    client.post(reverse("accounts:logout"))
    sign_in(client, user.email)
    assert client.post(VERIFY, {"code": code}).status_code == 200, "a used backup code must be refused"
    assert client.get(staff_page(tenant)).status_code == 302
    assert two_factor.backup_codes_left(user) == 9


def test_a_reporter_is_not_asked_but_can_turn_it_on_and_off(english, tenant):
    user = tenant.users["reporter"]
    sign_in(english, user.email)
    assert english.get(staff_page(tenant)).status_code == 200
    overview = english.get(reverse("accounts:two_factor")).content.decode()
    assert "Two-factor sign-in is off." in overview and SETUP in overview

    english.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    english.post(SETUP, {"code": two_factor.current_code(device)})
    english.post(reverse("accounts:logout"))
    sign_in(english, user.email)
    assert english.get(staff_page(tenant))["Location"].startswith(VERIFY), "once on, the code is asked for"
    device.refresh_from_db()
    english.post(VERIFY, {"code": two_factor.current_code(device)})

    disable = reverse("accounts:two_factor_disable")
    refused = english.post(disable, {"password": "fel-losenord"})
    assert "The password is not right." in refused.content.decode()
    assert english.post(disable, {"password": TEST_PASSWORD}).status_code == 302
    assert two_factor.authenticator(user) is None and two_factor.backup_codes_left(user) == 0


def test_a_coordinator_cannot_turn_it_off(client, tenant):
    user = tenant.coordinator
    device = authenticator_for(user)
    sign_in(client, user.email)
    client.post(VERIFY, {"code": two_factor.current_code(device)})
    assert client.post(reverse("accounts:two_factor_disable"), {"password": TEST_PASSWORD}).status_code == 403
    assert two_factor.authenticator(user) is not None


def test_the_code_page_only_sends_back_to_this_site(client, db):
    user = UserFactory()
    device = authenticator_for(user)
    sign_in(client, user.email)
    response = client.post(VERIFY, {"code": two_factor.current_code(device), "next": "https://elak.example/"})
    assert response["Location"] == reverse("councils:staff-home")


def test_the_user_menu_links_to_two_factor_sign_in(client, tenant):
    sign_in(client, tenant.users["member"].email)
    assert reverse("accounts:two_factor") in client.get("/").content.decode()
