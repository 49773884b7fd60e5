from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from situation.categories import categories_for
from situation.models import Area, Incident, Place
from situation.services import incident_texts_anonymise

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(tenant):
    centrum = Area.objects.create(municipality=tenant.municipality, name="Centrum")
    torget = Place.objects.create(
        municipality=tenant.municipality,
        area=centrum,
        name="Stora torget",
        latitude="57.500000",
        longitude="14.100000",
        is_hot_spot=True,
    )
    return centrum, torget


def _report(client, tenant, **overrides):
    category = categories_for(tenant.municipality).get(name="Nedskräpning")
    data = {
        "category": category.pk,
        "occurred_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "address": "Storgatan 4",
        "description": "Mycket skräp vid busskuren på Storgatan.",
        "visibility": "council",
        "save": "1",
    }
    data.update(overrides)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(reverse("situation:incident-report", kwargs={"kommun": "testkoping"}), data)


def test_reporter_files_a_report_with_the_category_tag_by_default(client, tenant, places):
    client.force_login(tenant.users["reporter"])
    response = _report(client, tenant, place=places[1].pk, address="")
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.tag == "otrygghet" and incident.area == places[0]
    assert incident.reported_by == tenant.users["reporter"] and incident.source == "est"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Bråk, en av dem 850709-9805", "ett personnummer"),
        ("Ring 070-123 45 67 om du ser något", "ett telefonnummer"),
        ("En bil ABC 123 körde på gångvägen", "ett registreringsnummer"),
        ("Samordningsnummer 701063-2391 nämndes", "ett samordningsnummer"),
    ],
)
def test_personal_data_in_the_text_is_refused_naming_what_was_found_and_the_text_is_kept(client, tenant, text, kind):
    client.force_login(tenant.users["reporter"])
    response = _report(client, tenant, description=text)
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Texten innehåller {kind}" in page
    assert text.split()[-1] in page  # what was typed is still in the form
    assert not Incident.objects.exists()


def test_a_valid_looking_number_with_a_bad_checksum_is_not_refused(client, tenant):
    client.force_login(tenant.users["reporter"])
    assert _report(client, tenant, description="Ärende 850709-9806 hos kommunen").status_code == 302


def test_personal_data_is_masked_when_the_reporter_chooses(client, tenant):
    client.force_login(tenant.users["reporter"])
    response = _report(client, tenant, description="Bråk, en av dem 850709-9805", mask_personal_data="on")
    assert response.status_code == 302
    assert Incident.objects.get().description == "Bråk, en av dem […]"


def test_a_report_needs_a_place_and_never_points_inside_a_home(client, tenant):
    client.force_login(tenant.users["reporter"])
    page = _report(client, tenant, address="").content.decode()
    assert "Ange var" in page
    page = _report(client, tenant, address="Storgatan 4 lgh 1102").content.decode()
    assert "gatuadressnivå" in page
    assert not Incident.objects.exists()


def test_report_another_carries_over_place_and_time(client, tenant, places):
    client.force_login(tenant.users["reporter"])
    response = _report(client, tenant, place=places[1].pk, address="", another="1", save=None)
    first = Incident.objects.get()
    assert response["Location"].endswith(f"?fran={first.pk}")
    form = client.get(response["Location"]).content.decode()
    assert f'<option value="{places[1].pk}" selected>' in form
    assert first.occurred_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%dT%H:%M") in form


def test_reporters_see_their_own_reports_and_the_police_see_all(client, tenant, places):
    for role in ("reporter", "member"):
        client.force_login(tenant.users[role])
        _report(client, tenant, description=f"Rapport från {role}")
    client.force_login(tenant.users["police"])
    _report(client, tenant, description="Polisintern uppgift", visibility="police")

    def listed(user):
        client.force_login(user)
        return client.get(reverse("situation:incident-list", kwargs={"kommun": "testkoping"})).context["incidents"]

    assert {i.description for i in listed(tenant.users["reporter"])} == {"Rapport från reporter"}
    assert len(listed(tenant.users["police"])) == 3
    assert {i.description for i in listed(tenant.coordinator)} == {"Rapport från reporter", "Rapport från member"}
    hidden = Incident.objects.get(description="Polisintern uppgift")
    url = reverse("situation:incident-detail", kwargs={"kommun": "testkoping", "pk": hidden.pk})
    assert client.get(url).status_code == 404
    client.force_login(tenant.users["other_coordinator"])
    assert client.get(url).status_code == 403


def test_old_free_text_is_removed_after_the_retention_period(tenant):
    category = categories_for(tenant.municipality).first()
    old = Incident.objects.create(
        municipality=tenant.municipality,
        category=category,
        tag="brott",
        occurred_at=timezone.now() - timedelta(days=800),
        description="Gammal text",
        address="Storgatan 1",
    )
    new = Incident.objects.create(
        municipality=tenant.municipality, category=category, tag="brott", description="Ny text"
    )
    assert incident_texts_anonymise() == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.description == "" and old.address == "" and old.anonymised_at is not None
    assert old.category == category  # the datum itself stays
    assert new.description == "Ny text"
    tenant.municipality.incident_text_retention_months = 36
    tenant.municipality.save()
    assert incident_texts_anonymise() == 0


def test_places_and_categories_are_managed_per_municipality(client, tenant):
    client.force_login(tenant.coordinator)
    response = client.post(
        reverse("situation:place-create", kwargs={"kommun": "testkoping"}),
        {"name": "Skolgården", "address": "Skolvägen 2 lgh 3"},
    )
    assert "gatuadressnivå" in response.content.decode()
    client.post(reverse("situation:place-create", kwargs={"kommun": "testkoping"}), {"name": "Skolgården"})
    dup = client.post(reverse("situation:place-create", kwargs={"kommun": "testkoping"}), {"name": "Skolgården"})
    assert "redan en plats med det namnet" in dup.content.decode()
    categories = client.get(reverse("situation:category-list", kwargs={"kommun": "testkoping"})).content.decode()
    assert "Klotter" in categories and "Ryktesspridning i sociala medier" in categories
