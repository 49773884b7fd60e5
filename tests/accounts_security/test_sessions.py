"""Sessions: sign-out after inactivity within a fixed longest lifetime, and every session of a person ends when a
role of theirs is removed or changed or their superuser status is taken away."""

import time

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import LAST_ACTIVITY
from councils.models import PortalRole
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def staff_page(tenant):
    return reverse("councils:staff-municipality", kwargs={"kommun": tenant.municipality.slug})


def set_last_activity(client, seconds_ago):
    session = client.session
    session[LAST_ACTIVITY] = int(time.time()) - seconds_ago
    session.save()


def signed_in(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def assert_signed_out(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/konto/logga-in/"), response


def test_after_the_idle_timeout_the_next_request_signs_out_and_the_login_page_says_why(tenant, settings):
    client = signed_in(tenant.coordinator)
    assert client.get(staff_page(tenant)).status_code == 200
    set_last_activity(client, settings.SESSION_IDLE_TIMEOUT + 5)
    login_page = client.get(staff_page(tenant), follow=True)
    assert login_page.redirect_chain[-1][0].startswith("/konto/logga-in/")
    assert "You were signed out because you had not done anything for 30 minutes." in login_page.content.decode()
    assert "_auth_user_id" not in client.session


def test_activity_within_the_timeout_keeps_the_session_and_is_written_at_most_once_a_minute(tenant, settings):
    client = signed_in(tenant.coordinator)
    set_last_activity(client, 30)
    written = client.session[LAST_ACTIVITY]
    assert client.get(staff_page(tenant)).status_code == 200
    assert client.session[LAST_ACTIVITY] == written, "no session write within a minute of the last one"
    set_last_activity(client, settings.SESSION_IDLE_TIMEOUT - 5)
    assert client.get(staff_page(tenant)).status_code == 200
    assert client.session[LAST_ACTIVITY] >= int(time.time()) - 2


def test_the_session_keeps_its_fixed_end_however_active_the_person_is(tenant, settings):
    client = signed_in(tenant.coordinator)
    end = client.session.get_expiry_date()
    assert abs((end - timezone.now()).total_seconds() - settings.SESSION_COOKIE_AGE) < 5
    set_last_activity(client, 120)
    client.get(staff_page(tenant))
    assert client.session.get_expiry_date() == end


@pytest.mark.parametrize("change", ["delete", "lower"])
def test_removing_or_changing_a_role_in_the_staff_pages_ends_every_session_of_that_person(tenant, change):
    coordinator = tenant.coordinator
    browsers = [signed_in(coordinator), signed_in(coordinator)]
    bystander = signed_in(tenant.users["police"])
    role = PortalRole.objects.get(user=coordinator, municipality=tenant.municipality)
    admin = signed_in(tenant.users["superuser"])
    kwargs = {"kommun": tenant.municipality.slug, "pk": role.pk}
    if change == "delete":
        response = admin.post(reverse("councils:role-delete", kwargs=kwargs))
    else:
        response = admin.post(reverse("councils:role-update", kwargs=kwargs), {"role": "member"})
    assert response.status_code == 302
    for browser in browsers:
        assert_signed_out(browser, staff_page(tenant))
    assert bystander.get(staff_page(tenant)).status_code == 200
    assert admin.get(staff_page(tenant)).status_code == 200


def test_deleting_a_role_in_the_django_admin_ends_the_persons_sessions(tenant):
    police = signed_in(tenant.users["police"])
    role = PortalRole.objects.get(user=tenant.users["police"])
    admin = signed_in(tenant.users["superuser"])
    admin.post(reverse("admin:councils_portalrole_delete", args=[role.pk]), {"post": "yes"})
    assert not PortalRole.objects.filter(pk=role.pk).exists()
    assert_signed_out(police, staff_page(tenant))


def test_removing_superuser_status_ends_that_persons_sessions(tenant):
    superuser = tenant.users["superuser"]
    browser = signed_in(superuser)
    superuser.is_superuser = False
    superuser.save()
    assert_signed_out(browser, reverse("accounts:password_change"))


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(tenant):
    user = tenant.coordinator
    this, other = signed_in(user), signed_in(user)
    response = this.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "ett-nytt-losenord-9", "new_password2": "ett-nytt-losenord-9"},
    )
    assert response.status_code == 302
    assert this.get(staff_page(tenant)).status_code == 200
    assert_signed_out(other, staff_page(tenant))


def test_sessions_from_before_the_session_epoch_existed_stay_valid(tenant):
    """At epoch 0 the session hash is Django's own, so deploying this signs nobody out."""
    user = tenant.coordinator
    assert user.session_epoch == 0
    assert user.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(user)
