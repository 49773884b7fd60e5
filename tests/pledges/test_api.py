"""The open-data API at /api/v1/: what it shows, what it never shows, its OpenAPI description and its cost."""

import json
from datetime import date, datetime

import jsonschema
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from councils.models import Membership
from pledges import services
from pledges.models import CitizenPledge, FollowUp, FollowUpRevision
from tests.factories import CouncilFactory, MembershipFactory, MunicipalityFactory, OrganisationFactory
from tests.pledges.factories import (
    ActivityFactory,
    FocusAreaFactory,
    PledgeFactory,
    SignatoryFactory,
    correct_follow_up,
    fill_rows,
    publish_follow_up,
    published_pledge,
)

pytestmark = pytest.mark.django_db

MUNICIPALITIES = reverse("api:municipality-list")
PLEDGES = reverse("api:pledge-list")
FOLLOW_UPS = reverse("api:follow-up-list")


def get_json(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def results(client, url, **params):
    return get_json(client, url, **params)["results"]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def pledge(tenant):
    """A published pledge of Testköping with a signatory, a named other party and the T1 follow-up published."""
    pledge = PledgeFactory(municipalities=[tenant.municipality], title="Tryggare Testköping")
    area = FocusAreaFactory(pledge=pledge, title="Trygg i centrum", description="Centrum på kvällstid.")
    ActivityFactory(focus_area=area, description="Trygghetsvandringar", responsible="both", target=4)
    other = FocusAreaFactory(pledge=pledge, title="Färre bränder")
    ActivityFactory(
        focus_area=other,
        description="Information i skolorna",
        responsible="other",
        responsible_other="Räddningstjänsten",
        target=None,
        unit="",
    )
    SignatoryFactory(pledge=pledge, name="Polis Chefsson", title="Lokalpolisområdeschef")
    services.pledge_publish(pledge=pledge, by=tenant.coordinator)
    publish_follow_up(pledge, 2024, 1, by=tenant.coordinator, achieved=2, narrative="Två vandringar.")
    return pledge


# The index and the write methods


def test_index_lists_every_endpoint_and_the_schema_as_absolute_links(client, db):
    index = get_json(client, reverse("api:api-root"))
    assert index == {
        "municipalities": "http://testserver/api/v1/municipalities/",
        "pledges": "http://testserver/api/v1/pledges/",
        "follow-ups": "http://testserver/api/v1/follow-ups/",
        "schema": "http://testserver/api/v1/schema/",
    }


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_refused_with_405_on_every_endpoint(client, pledge, tenant, method):
    revision = FollowUpRevision.objects.get()
    urls = [
        reverse("api:api-root"),
        MUNICIPALITIES,
        reverse("api:municipality-detail", kwargs={"slug": tenant.municipality.slug}),
        PLEDGES,
        reverse("api:pledge-detail", kwargs={"pk": pledge.pk}),
        FOLLOW_UPS,
        reverse("api:follow-up-detail", kwargs={"id": revision.follow_up_id}),
    ]
    for url in urls:
        response = getattr(client, method)(url, data={"title": "Ändrad"}, content_type="application/json")
        assert response.status_code == 405, url
    pledge.refresh_from_db()
    assert pledge.title == "Tryggare Testköping"


def test_get_head_and_options_are_allowed_without_logging_in(client, pledge):
    url = reverse("api:pledge-detail", kwargs={"pk": pledge.pk})
    assert client.head(url).status_code == 200
    response = client.options(url)
    assert response.status_code == 200
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}


def test_lists_are_paginated_with_limit_and_offset(client, tenant):
    page = get_json(client, MUNICIPALITIES, limit=1)
    assert page["count"] == 2
    assert [m["slug"] for m in page["results"]] == ["grannby"]
    assert page["next"] == "http://testserver/api/v1/municipalities/?limit=1&offset=1"
    assert [m["slug"] for m in get_json(client, page["next"])["results"]] == ["testkoping"]


# Municipalities


def test_municipality_shows_its_contact_and_councils_with_current_seats(client, tenant):
    tenant.municipality.intro = "Vi arbetar för ett tryggare Testköping."
    tenant.municipality.contact_phone = "0123-456 78"
    tenant.municipality.save()
    chair = MembershipFactory(council=tenant.council, name="Ordf Öppen", role="chair", title="KS ordförande")
    MembershipFactory(
        council=tenant.council,
        name="Suppleant Öppen",
        role="chair",
        alternate_for=chair,
        organisation=tenant.organisation,
    )
    MembershipFactory(
        council=tenant.council,
        name="Avgången Ledamot",
        term_start=date(2019, 1, 1),
        term_end=date(2020, 12, 31),
        until_successor=False,
    )
    data = get_json(client, reverse("api:municipality-detail", kwargs={"slug": "testkoping"}))
    assert data["name"] == "Testköping"
    assert data["kommunkod"] == "9901"
    assert (data["county"], data["county_label"]) == ("06", "Jönköpings län")
    assert data["police_area"] == "Lokalpolisområde Test"
    assert data["intro"] == "Vi arbetar för ett tryggare Testköping."
    assert data["contact"] == {
        "name": "Säkerhetssamordnaren",
        "email": "trygghet@testkoping.example",
        "phone": "0123-456 78",
    }
    assert data["url"] == "http://testserver/api/v1/municipalities/testkoping/"
    assert data["html_url"] == "http://testserver/testkoping/"
    assert data["feed_url"] == "http://testserver/testkoping/flode.xml"
    assert data["pledges_url"] == "http://testserver/api/v1/pledges/?kommun=testkoping"
    [council] = data["councils"]
    assert council["name"] == "Testköpings brottsförebyggande råd"
    assert (council["kind"], council["municipalities"]) == ("bra", ["testkoping"])
    assert council["seats"] == [
        {
            "role": "chair",
            "role_label": "Ordförande",
            "title": "KS ordförande",
            "organisation": None,
            "name": "Ordf Öppen",
            "is_alternate": False,
        },
        {
            "role": "chair",
            "role_label": "Ordförande",
            "title": "Ledamot",
            "organisation": "Testköpings kommun",
            "name": "Suppleant Öppen",
            "is_alternate": True,
        },
    ]


def test_member_names_appear_only_where_publication_is_allowed_and_no_email_or_account_ever(client, tenant):
    MembershipFactory(
        council=tenant.council,
        name="Dold Person",
        email="dold.person@testkoping.example",
        user=tenant.users["member"],
        role="school",
        title="Rektor",
        organisation=tenant.organisation,
        publish_name=False,
    )
    MembershipFactory(council=tenant.council, name="Synlig Person", email="synlig@testkoping.example", role="chair")
    for url in (MUNICIPALITIES, reverse("api:municipality-detail", kwargs={"slug": "testkoping"})):
        body = client.get(url).content.decode()
        assert "Synlig Person" in body
        assert "Rektor" in body
        assert "Dold Person" not in body
        assert "dold.person@" not in body and "synlig@" not in body
        for user in tenant.users.values():
            if user is not None:
                assert user.email not in body
    seats = get_json(client, reverse("api:municipality-detail", kwargs={"slug": "testkoping"}))["councils"][0]["seats"]
    school = next(seat for seat in seats if seat["role"] == "school")
    assert school["name"] is None and school["organisation"] == "Testköpings kommun"


def test_unpublished_municipalities_and_inactive_councils_never_appear(client, tenant):
    hidden = MunicipalityFactory(name="Doldby", slug="doldby", is_published=False)
    CouncilFactory(name="Gemensamt råd", municipalities=[tenant.municipality, hidden])
    CouncilFactory(name="Nedlagt råd", municipalities=[tenant.municipality], is_active=False)
    listed = results(client, MUNICIPALITIES)
    assert [m["slug"] for m in listed] == ["grannby", "testkoping"]
    shared = next(c for c in listed[1]["councils"] if c["name"] == "Gemensamt råd")
    assert shared["municipalities"] == ["testkoping"]
    assert "Nedlagt råd" not in json.dumps(listed)
    assert "doldby" not in json.dumps(listed)
    assert client.get(reverse("api:municipality-detail", kwargs={"slug": "doldby"})).status_code == 404


def test_municipality_list_costs_the_same_number_of_queries_for_2_or_10_municipalities(client, db):
    def add_municipalities(count):
        for _ in range(count):
            municipality = MunicipalityFactory()
            council = CouncilFactory(municipalities=[municipality])
            organisation = OrganisationFactory(municipality=municipality)
            MembershipFactory.create_batch(3, council=council, organisation=organisation)

    add_municipalities(2)
    with_two = queries_for(client, MUNICIPALITIES)
    add_municipalities(8)
    with_ten = queries_for(client, MUNICIPALITIES)
    assert with_two == with_ten
    assert len(results(client, MUNICIPALITIES)) == 10


# Pledges


def test_pledge_shows_period_parties_structure_signatories_and_follow_up_links(client, pledge, tenant):
    data = get_json(client, reverse("api:pledge-detail", kwargs={"pk": pledge.pk}))
    assert data["id"] == pledge.pk
    assert data["url"] == f"http://testserver/api/v1/pledges/{pledge.pk}/"
    assert data["html_url"] == f"http://testserver/testkoping/medborgarloften/{pledge.pk}/"
    assert data["title"] == "Tryggare Testköping"
    assert data["status"] == "published"
    assert (data["start_date"], data["end_date"]) == ("2024-01-01", "2024-12-31")
    assert data["published_at"] is not None
    assert data["police_area"] == "Lokalpolisområde Test"
    assert data["municipalities"] == ["testkoping"]
    assert data["background"] == "Invånarna upplever otrygghet i centrum på kvällstid."
    assert data["effect"] == "Fler ska känna sig trygga i centrum."
    assert data["signatories"] == [{"name": "Polis Chefsson", "title": "Lokalpolisområdeschef"}]
    assert [area["title"] for area in data["focus_areas"]] == ["Trygg i centrum", "Färre bränder"]
    walks, information = data["focus_areas"][0]["activities"][0], data["focus_areas"][1]["activities"][0]
    assert walks["description"] == "Trygghetsvandringar"
    assert walks["responsible"] == "both"
    assert (walks["target"], walks["unit"]) == (4, "trygghetsvandringar")
    assert (information["responsible"], information["responsible_label"]) == ("other", "Räddningstjänsten")
    assert (information["target"], information["unit"]) == (None, "")
    [link] = data["follow_ups"]
    follow_up = FollowUp.objects.get(pledge=pledge, year=2024, tertial=1)
    assert link["id"] == follow_up.pk
    assert (link["year"], link["tertial"], link["revision"]) == (2024, 1, 1)
    assert link["url"] == f"http://testserver/api/v1/follow-ups/{follow_up.pk}/"
    assert link["html_url"] == f"http://testserver/testkoping/medborgarloften/{pledge.pk}/uppfoljning/2024-t1/"
    assert client.get(link["html_url"]).status_code == 200


def test_pledge_list_holds_published_and_closed_pledges_but_never_drafts(client, tenant, pledge):
    closed = published_pledge(
        municipalities=[tenant.municipality],
        title="Förra löftet",
        start_date=date(2022, 1, 1),
        end_date=date(2022, 12, 31),
    )
    services.pledge_close(pledge=closed, by=None)
    draft = PledgeFactory(municipalities=[tenant.municipality], title="Hemligt utkast", background="Utkasttext")
    draft_area = FocusAreaFactory(pledge=draft, title="Utkastområde")
    ActivityFactory(focus_area=draft_area, description="Utkastaktivitet")
    listed = results(client, PLEDGES)
    assert [(p["title"], p["status"]) for p in listed] == [
        ("Tryggare Testköping", "published"),
        ("Förra löftet", "closed"),
    ]
    body = client.get(PLEDGES).content.decode()
    for secret in ("Hemligt utkast", "Utkasttext", "Utkastområde", "Utkastaktivitet"):
        assert secret not in body
    assert client.get(reverse("api:pledge-detail", kwargs={"pk": draft.pk})).status_code == 404


def test_pledges_filter_by_municipality_slug(client, tenant, pledge):
    published_pledge(municipalities=[tenant.other_municipality], title="Grannbys löfte")
    shared = published_pledge(municipalities=[tenant.municipality, tenant.other_municipality], title="Gemensamt")
    assert {p["title"] for p in results(client, PLEDGES, kommun="grannby")} == {"Grannbys löfte", "Gemensamt"}
    assert {p["title"] for p in results(client, PLEDGES, kommun="testkoping")} == {"Tryggare Testköping", "Gemensamt"}
    assert results(client, PLEDGES, kommun="finns-inte") == []
    shared_data = get_json(client, reverse("api:pledge-detail", kwargs={"pk": shared.pk}))
    assert shared_data["municipalities"] == ["grannby", "testkoping"]


def test_pledges_of_unpublished_municipalities_never_appear(client, tenant):
    hidden = MunicipalityFactory(name="Doldby", slug="doldby", is_published=False)
    only_hidden = published_pledge(municipalities=[hidden], title="Doldbys löfte")
    shared = published_pledge(municipalities=[tenant.municipality, hidden], title="Delat löfte")
    publish_follow_up(only_hidden, narrative="Doldbys uppföljning.")
    assert [p["title"] for p in results(client, PLEDGES)] == ["Delat löfte"]
    assert results(client, PLEDGES, kommun="doldby") == []
    assert get_json(client, reverse("api:pledge-detail", kwargs={"pk": shared.pk}))["municipalities"] == ["testkoping"]
    assert client.get(reverse("api:pledge-detail", kwargs={"pk": only_hidden.pk})).status_code == 404
    assert results(client, FOLLOW_UPS) == []
    assert "doldby" not in client.get(PLEDGES).content.decode()


def test_pledge_list_costs_the_same_number_of_queries_for_2_or_10_pledges(client, tenant):
    def add_pledges(count):
        for _ in range(count):
            pledge = published_pledge(municipalities=[tenant.municipality], areas=2, activities=2)
            SignatoryFactory.create_batch(2, pledge=pledge)
            publish_follow_up(pledge, 2024, 1)

    add_pledges(2)
    with_two = queries_for(client, PLEDGES)
    add_pledges(8)
    with_ten = queries_for(client, PLEDGES)
    assert with_two == with_ten
    assert len(results(client, PLEDGES)) == 10


# Follow-ups


def test_follow_up_shows_its_latest_published_revision_with_swedish_labels(client, pledge, tenant):
    follow_up = FollowUp.objects.get(pledge=pledge, year=2024, tertial=1)
    data = get_json(client, reverse("api:follow-up-detail", kwargs={"id": follow_up.pk}))
    revision = FollowUpRevision.objects.get()
    base = f"http://testserver/testkoping/medborgarloften/{pledge.pk}/uppfoljning/2024-t1"
    assert data["id"] == follow_up.pk
    assert data["url"] == f"http://testserver/api/v1/follow-ups/{follow_up.pk}/"
    assert (data["html_url"], data["pdf_url"]) == (f"{base}/", f"{base}.pdf")
    assert (data["pledge"], data["pledge_title"]) == (pledge.pk, "Tryggare Testköping")
    assert data["pledge_url"] == f"http://testserver/api/v1/pledges/{pledge.pk}/"
    assert (data["year"], data["tertial"], data["period"]) == (2024, 1, "T1 2024")
    assert (data["revision"], data["is_correction"], data["correction_note"]) == (1, False, "")
    assert datetime.fromisoformat(data["published_at"]) == revision.published_at
    walks = data["focus_areas"][0]["activities"][0]
    with translation.override("sv"):
        ongoing = str(translation.pgettext("activity progress", "Ongoing"))
    assert walks == {
        "id": walks["id"],
        "description": "Trygghetsvandringar",
        "responsible_label": walks["responsible_label"],
        "target": 4,
        "unit": "trygghetsvandringar",
        "status": "ongoing",
        "status_label": ongoing,
        "achieved": 2,
        "narrative": "Två vandringar.",
    }
    assert data["focus_areas"][1]["activities"][0]["responsible_label"] == "Räddningstjänsten"


def test_unpublished_follow_ups_never_appear(client, pledge, tenant):
    """Publishing a pledge creates T1–T3; only the approved T1 is public, whatever state the others are in."""
    t2 = FollowUp.objects.get(pledge=pledge, year=2024, tertial=2)
    fill_rows(t2, narrative="Hemlig T2-text")
    services.follow_up_submit(follow_up=t2, by=tenant.coordinator)
    listed = results(client, FOLLOW_UPS)
    assert [(f["year"], f["tertial"]) for f in listed] == [(2024, 1)]
    assert "Hemlig T2-text" not in client.get(FOLLOW_UPS).content.decode()
    assert "Hemlig T2-text" not in client.get(PLEDGES).content.decode()
    assert client.get(reverse("api:follow-up-detail", kwargs={"id": t2.pk})).status_code == 404
    assert [link["tertial"] for link in results(client, PLEDGES)[0]["follow_ups"]] == [1]


def test_follow_up_reopened_for_correction_shows_the_published_text_until_the_correction_is_approved(
    client, pledge, tenant
):
    first = FollowUpRevision.objects.get()
    url = reverse("api:follow-up-detail", kwargs={"id": first.follow_up_id})
    follow_up = services.follow_up_reopen(follow_up=first.follow_up, by=tenant.coordinator)
    fill_rows(follow_up, narrative="Utkast till rättelse", achieved=3)
    data = get_json(client, url)
    assert data["revision"] == 1
    assert data["focus_areas"][0]["activities"][0]["narrative"] == "Två vandringar."
    for endpoint in (url, FOLLOW_UPS, PLEDGES):
        assert "Utkast till rättelse" not in client.get(endpoint).content.decode()

    services.follow_up_approve(follow_up=follow_up, by=tenant.coordinator, correction_note="Fel antal vandringar.")
    data = get_json(client, url)
    assert (data["revision"], data["is_correction"]) == (2, True)
    assert data["correction_note"] == "Fel antal vandringar."
    activity = data["focus_areas"][0]["activities"][0]
    assert (activity["narrative"], activity["achieved"]) == ("Utkast till rättelse", 3)
    assert len(results(client, FOLLOW_UPS)) == 1
    assert results(client, PLEDGES)[0]["follow_ups"][0]["revision"] == 2


def test_follow_ups_of_a_pledge_no_longer_public_disappear(client, pledge):
    CitizenPledge.objects.filter(pk=pledge.pk).update(status=CitizenPledge.Status.DRAFT)
    assert results(client, FOLLOW_UPS) == []
    follow_up = FollowUpRevision.objects.get().follow_up
    assert client.get(reverse("api:follow-up-detail", kwargs={"id": follow_up.pk})).status_code == 404


def test_follow_ups_filter_by_pledge_year_and_municipality(client, tenant, pledge):
    publish_follow_up(pledge, 2024, 2)
    later = published_pledge(
        municipalities=[tenant.other_municipality], start_date=date(2025, 1, 1), end_date=date(2025, 12, 31)
    )
    publish_follow_up(later, 2025, 1)
    assert [(f["year"], f["tertial"]) for f in results(client, FOLLOW_UPS, pledge=pledge.pk)] == [(2024, 1), (2024, 2)]
    assert [f["pledge"] for f in results(client, FOLLOW_UPS, year=2025)] == [later.pk]
    assert [f["pledge"] for f in results(client, FOLLOW_UPS, kommun="grannby")] == [later.pk]
    assert results(client, FOLLOW_UPS, pledge=pledge.pk, year=2025) == []
    assert client.get(FOLLOW_UPS, {"year": "förra"}).status_code == 400


def test_follow_up_list_costs_the_same_number_of_queries_for_2_or_10_follow_ups(client, tenant):
    def add_follow_ups(count):
        for _ in range(count):
            pledge = published_pledge(municipalities=[tenant.municipality], areas=2, activities=2)
            revision = publish_follow_up(pledge, 2024, 1)
            correct_follow_up(revision, note="Rättat.")

    add_follow_ups(2)
    with_two = queries_for(client, FOLLOW_UPS)
    add_follow_ups(8)
    with_ten = queries_for(client, FOLLOW_UPS)
    assert with_two == with_ten
    assert len(results(client, FOLLOW_UPS)) == 10


def test_labels_are_swedish_whatever_language_the_client_asks_for(client, tenant, pledge):
    MembershipFactory(council=tenant.council, role=Membership.Role.CHAIR)
    url = reverse("api:municipality-detail", kwargs={"slug": "testkoping"})
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "sv"
    data = response.json()
    assert data["county_label"] == "Jönköpings län"
    assert data["councils"][0]["seats"][0]["role_label"] == "Ordförande"


# The OpenAPI description


def test_schema_is_an_openapi_3_document_describing_every_endpoint(client, db):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "BRÅ-portalen open data"
    assert set(schema["paths"]) == {
        "/api/v1/municipalities/",
        "/api/v1/municipalities/{slug}/",
        "/api/v1/pledges/",
        "/api/v1/pledges/{id}/",
        "/api/v1/follow-ups/",
        "/api/v1/follow-ups/{id}/",
    }
    for operations in schema["paths"].values():
        assert set(operations) == {"get"}
    list_parameters = {p["name"] for p in schema["paths"]["/api/v1/follow-ups/"]["get"]["parameters"]}
    assert {"pledge", "year", "kommun", "limit", "offset"} <= list_parameters
    assert "kommun" in {p["name"] for p in schema["paths"]["/api/v1/pledges/"]["get"]["parameters"]}


def test_schema_generates_without_warnings_and_is_valid_openapi(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))


def _as_json_schema(node):
    """OpenAPI 3.0 schema objects → JSON Schema (draft 4) that also refuses properties the schema does not name."""
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _as_json_schema(value) for key, value in node.items()}
    if "properties" in node:
        node.setdefault("additionalProperties", False)
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def _validate(schema, path, body):
    response_schema = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    document = {**response_schema, "components": _as_json_schema(schema["components"])}
    jsonschema.Draft4Validator(document).validate(body)


def test_every_endpoint_response_validates_against_its_schema(client, tenant, pledge):
    MembershipFactory(council=tenant.council, role="chair", publish_name=False, organisation=tenant.organisation)
    MembershipFactory(council=tenant.council, role="police")
    correct_follow_up(FollowUpRevision.objects.get(), note="Rättat antal.")
    schema = json.loads(client.get(reverse("api:schema")).content)
    follow_up_id = FollowUpRevision.objects.first().follow_up_id
    checked = {
        "/api/v1/municipalities/": MUNICIPALITIES,
        "/api/v1/municipalities/{slug}/": reverse("api:municipality-detail", kwargs={"slug": "testkoping"}),
        "/api/v1/pledges/": PLEDGES,
        "/api/v1/pledges/{id}/": reverse("api:pledge-detail", kwargs={"pk": pledge.pk}),
        "/api/v1/follow-ups/": FOLLOW_UPS,
        "/api/v1/follow-ups/{id}/": reverse("api:follow-up-detail", kwargs={"id": follow_up_id}),
    }
    assert set(checked) == set(schema["paths"])
    for path, url in checked.items():
        _validate(schema, path, get_json(client, url))


def test_schema_check_catches_a_response_that_strays_from_the_schema(client, pledge):
    """The check above would notice an undocumented field or a wrong type."""
    schema = json.loads(client.get(reverse("api:schema")).content)
    body = get_json(client, reverse("api:pledge-detail", kwargs={"pk": pledge.pk}))
    with pytest.raises(jsonschema.ValidationError):
        _validate(schema, "/api/v1/pledges/{id}/", {**body, "owner": "someone@test.example"})
    with pytest.raises(jsonschema.ValidationError):
        _validate(schema, "/api/v1/pledges/{id}/", {**body, "signatories": "Polis Chefsson"})
