import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from councils.models import Membership, Municipality, PortalRole
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


def _membership_data(tenant, **overrides):
    data = {
        "name": "Nils Nilsson",
        "role": "school",
        "title": "Rektor",
        "organisation": tenant.organisation.pk,
        "email": "",
        "term_start": "2025-01-01",
        "term_end": "2026-12-31",
        "publish_name": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_coordinator_adds_a_member_and_residents_see_the_seat(client, tenant):
    client.force_login(tenant.coordinator)
    url = reverse("councils:membership-create", kwargs={"kommun": "testkoping", "council_pk": tenant.council.pk})
    response = client.post(url, _membership_data(tenant))
    assert response.status_code == 302
    seat = Membership.objects.get(name="Nils Nilsson")
    assert seat.council == tenant.council and seat.publish_name
    page = client.get("/testkoping/").content.decode()
    assert "Nils Nilsson" in page and "Rektor" in page


def test_term_ending_before_it_starts_is_refused_in_swedish_and_keeps_the_input(client, tenant):
    client.force_login(tenant.coordinator)
    url = reverse("councils:membership-create", kwargs={"kommun": "testkoping", "council_pk": tenant.council.pk})
    response = client.post(url, _membership_data(tenant, term_start="2026-05-01", term_end="2026-01-31"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Mandatperioden kan inte sluta (2026-01-31) innan den börjar (2026-05-01)." in page
    assert 'value="Nils Nilsson"' in page and 'value="2026-01-31"' in page
    assert not Membership.objects.filter(name="Nils Nilsson").exists()


def test_database_refuses_a_term_that_ends_before_it_starts(tenant):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        MembershipFactory(council=tenant.council, term_start="2026-05-01", term_end="2026-01-01")


def test_member_changes_are_kept_as_readable_history(client, tenant):
    client.force_login(tenant.coordinator)
    create = reverse("councils:membership-create", kwargs={"kommun": "testkoping", "council_pk": tenant.council.pk})
    client.post(create, _membership_data(tenant))
    seat = Membership.objects.get(name="Nils Nilsson")
    update = reverse("councils:membership-update", kwargs={"kommun": "testkoping", "pk": seat.pk})
    client.post(update, _membership_data(tenant, title="Biträdande rektor"))
    delete = reverse("councils:membership-delete", kwargs={"kommun": "testkoping", "pk": seat.pk})
    client.post(delete)
    assert not Membership.objects.filter(pk=seat.pk).exists()

    history = client.get(
        reverse("councils:council-history", kwargs={"kommun": "testkoping", "council_pk": tenant.council.pk})
    )
    page = history.content.decode()
    assert page.count("Nils Nilsson") >= 3
    assert "Rektor → Biträdande rektor" in page
    assert str(tenant.coordinator) in page
    for word in ("Tillagd", "Ändrad", "Borttagen"):
        assert word in page


def test_superuser_creating_a_municipality_with_a_taken_code_or_slug_gets_swedish_errors(client, tenant):
    client.force_login(tenant.users["superuser"])
    url = reverse("councils:municipality-create")
    response = client.post(
        url,
        {
            "name": "Nyköping Test",
            "slug": "testkoping",
            "kommunkod": "9901",
            "county": "06",
            "police_area": "",
            "revision_interval_months": 24,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "En annan kommun använder redan det adressnamnet." in page
    assert "En annan kommun har redan den kommunkoden." in page
    assert 'value="Nyköping Test"' in page
    assert Municipality.objects.filter(name="Nyköping Test").count() == 0


@pytest.mark.parametrize("slug", ["api", "admin", "oversikt", "hantera", "healthz"])
def test_reserved_paths_cannot_become_municipality_slugs(client, tenant, slug):
    client.force_login(tenant.users["superuser"])
    response = client.post(
        reverse("councils:municipality-create"),
        {"name": "X", "slug": slug, "kommunkod": "1234", "county": "06", "revision_interval_months": 24},
    )
    assert "är reserverat för portalens egna sidor" in response.content.decode()
    assert not Municipality.objects.filter(slug=slug).exists()


def test_kommunkod_must_be_four_digits(client, tenant):
    client.force_login(tenant.users["superuser"])
    response = client.post(
        reverse("councils:municipality-create"),
        {"name": "X", "slug": "x-kommun", "kommunkod": "665", "county": "06", "revision_interval_months": 24},
    )
    assert "Kommunkoden består av fyra siffror" in response.content.decode()


def test_invitation_sends_a_one_time_link_that_sets_a_password_and_signs_in(
    client, tenant, django_capture_on_commit_callbacks
):
    client.force_login(tenant.coordinator)
    url = reverse("councils:role-invite", kwargs={"kommun": "testkoping"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "Ny.Person@Test.example", "full_name": "Ny Person", "role": "police"})
    assert response.status_code == 302
    user = get_user_model().objects.get(email="ny.person@test.example")
    assert not user.has_usable_password()
    assert PortalRole.objects.get(user=user).role == "police"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ny.person@test.example"]
    assert "Testköping" in message.subject
    link = re.search(r"https?://[^/]+(/konto/inbjudan/\S+)", message.body).group(1)

    client.logout()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url, {"new_password1": "ett-langt-losenord-42", "new_password2": "ett-langt-losenord-42"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("ett-langt-losenord-42")
    assert client.get(reverse("councils:staff-home")).status_code == 302  # signed in: sent to the municipality
    client.logout()
    assert "inte längre giltig" in client.get(link, follow=True).content.decode()


def test_invitation_to_an_existing_account_is_refused_with_the_input_kept(client, tenant):
    UserFactory(email="finns@test.example")
    client.force_login(tenant.coordinator)
    url = reverse("councils:role-invite", kwargs={"kommun": "testkoping"})
    response = client.post(url, {"email": "FINNS@test.example", "full_name": "Finns Redan", "role": "member"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Det finns redan ett konto med adressen finns@test.example" in page
    assert 'value="Finns Redan"' in page
    assert len(mail.outbox) == 0


def test_coordinator_changes_and_removes_roles_but_not_their_own(client, tenant):
    client.force_login(tenant.coordinator)
    member_role = PortalRole.objects.get(user=tenant.users["member"])
    client.post(
        reverse("councils:role-update", kwargs={"kommun": "testkoping", "pk": member_role.pk}), {"role": "police"}
    )
    member_role.refresh_from_db()
    assert member_role.role == "police"
    own = PortalRole.objects.get(user=tenant.coordinator)
    client.post(reverse("councils:role-delete", kwargs={"kommun": "testkoping", "pk": own.pk}))
    assert PortalRole.objects.filter(pk=own.pk).exists()
    client.post(reverse("councils:role-delete", kwargs={"kommun": "testkoping", "pk": member_role.pk}))
    assert not PortalRole.objects.filter(pk=member_role.pk).exists()


def test_duplicate_organisation_name_gets_a_clear_message(client, tenant):
    client.force_login(tenant.coordinator)
    url = reverse("councils:organisation-create", kwargs={"kommun": "testkoping"})
    response = client.post(url, {"name": tenant.organisation.name, "kind": "municipality"})
    assert "Kommunen har redan en organisation med det namnet." in response.content.decode()


def test_council_can_span_municipalities_the_coordinator_manages(client, tenant):
    second = MunicipalityFactory(name="Andraby", slug="andraby")
    PortalRole.objects.create(user=tenant.coordinator, municipality=second, role="coordinator")
    client.force_login(tenant.coordinator)
    response = client.post(
        reverse("councils:council-create", kwargs={"kommun": "testkoping"}),
        {
            "name": "Gemensamt råd",
            "kind": "regional",
            "municipalities": [tenant.municipality.pk, second.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert "Gemensamt råd" in client.get("/andraby/").content.decode()
    # ...but not a municipality where the coordinator has no role.
    response = client.post(
        reverse("councils:council-create", kwargs={"kommun": "testkoping"}),
        {"name": "Otillåtet råd", "kind": "bra", "municipalities": [tenant.other_municipality.pk]},
    )
    assert response.status_code == 200
    assert "Otillåtet råd" not in client.get("/grannby/").content.decode()


def test_login_with_email_in_swedish(client, tenant):
    response = client.post(reverse("accounts:login"), {"username": tenant.coordinator.email.upper(), "password": "fel"})
    assert "Fel e-postadress eller lösenord" in response.content.decode()
    response = client.post(
        reverse("accounts:login"), {"username": tenant.coordinator.email.upper(), "password": "test-losenord-123"}
    )
    assert response.status_code == 302
