import re

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse

from councils.models import Municipality
from tests.factories import MunicipalityFactory, PortalRoleFactory

pytestmark = pytest.mark.django_db


def test_password_reset_mails_a_swedish_link_that_sets_a_new_password(client, tenant):
    user = tenant.users["member"]
    response = client.post(reverse("accounts:password_reset"), {"email": user.email.upper()})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Återställ ditt lösenord till BRÅ-portalen"
    assert "välja ett nytt lösenord" in message.body
    link = re.search(r"https?://[^/]+(/konto/aterstall/\S+)", message.body).group(1)
    page = client.get(link, follow=True)
    assert "Välj ett nytt lösenord" in page.content.decode()
    done = client.post(
        page.redirect_chain[-1][0], {"new_password1": "nytt-losenord-777", "new_password2": "nytt-losenord-777"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("nytt-losenord-777")


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "okand@test.example"}, follow=True)
    assert "Titta i din e-post" in response.content.decode()
    assert mail.outbox == []


def test_logout_is_a_post_and_ends_the_session(client, tenant):
    client.force_login(tenant.coordinator)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("councils:staff-home")).status_code == 302


def test_visible_to_scopes_municipalities_by_portal_role(tenant):
    member = tenant.users["member"]
    assert list(Municipality.objects.visible_to(member)) == [tenant.municipality]
    assert set(Municipality.objects.visible_to(tenant.users["superuser"])) == {
        tenant.municipality,
        tenant.other_municipality,
    }
    assert not Municipality.objects.managed_by(member).exists()
    third = MunicipalityFactory(slug="tredje")
    PortalRoleFactory(user=member, municipality=third, role="coordinator")
    assert list(Municipality.objects.managed_by(member)) == [third]


def test_forbidden_page_is_in_swedish(client, tenant):
    client.force_login(tenant.users["reporter"])
    response = client.get(reverse("councils:council-detail", kwargs={"kommun": "testkoping", "pk": tenant.council.pk}))
    assert response.status_code == 403
    assert "Åtkomst nekad" in response.content.decode()


def test_server_error_page_is_in_swedish_and_renders_without_a_request():
    html = render_to_string("500.html")
    assert "Något gick fel" in html and 'lang="sv"' in html
