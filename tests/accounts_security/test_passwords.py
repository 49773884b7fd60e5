"""Every form that sets a password applies Django's validators (AUTH_PASSWORD_VALIDATORS)."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WEAK = {
    "password_too_short": "kort-7x",
    "password_too_common": "qwertyuiop",
    "password_entirely_numeric": "4820193746",
}


def change_form(client, user):
    client.force_login(user)
    return reverse("accounts:password_change"), {"old_password": TEST_PASSWORD}


def link_form(view_name, token_word):
    def open_form(client, user):
        kwargs = {
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        }
        response = client.get(reverse(view_name, kwargs=kwargs))
        assert response.status_code == 302 and token_word in response["Location"]
        return response["Location"], {}

    return open_form


FORMS = {
    "password change": change_form,
    "password reset": link_form("accounts:password_reset_confirm", "set-password"),
    "invitation": link_form("accounts:invitation_accept", "valj-losenord"),
}


@pytest.mark.parametrize("code", WEAK)
@pytest.mark.parametrize("form", FORMS)
def test_a_weak_password_is_refused_with_the_reason(client, form, code):
    user = UserFactory(email="stina@test.example", full_name="Stina Ek")
    url, data = FORMS[form](client, user)
    password = WEAK[code]
    response = client.post(url, {**data, "new_password1": password, "new_password2": password})
    assert response.status_code == 200
    codes = [error.code for error in response.context["form"].errors.as_data()["new_password2"]]
    assert code in codes
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


@pytest.mark.parametrize("form", FORMS)
def test_a_good_password_is_saved(client, form):
    user = UserFactory(email="stina@test.example")
    url, data = FORMS[form](client, user)
    response = client.post(url, {**data, "new_password1": "tre-gröna-äpplen", "new_password2": "tre-gröna-äpplen"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("tre-gröna-äpplen")
