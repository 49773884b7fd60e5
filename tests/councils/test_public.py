import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import MembershipFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def _queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_municipality_page_uses_same_number_of_queries_with_5_or_50_members(client, tenant):
    """/<kommun>/ renders in a constant number of queries whatever the size of the council."""
    url = reverse("councils:public-municipality", kwargs={"kommun": tenant.municipality.slug})
    org = tenant.organisation
    MembershipFactory.create_batch(5, council=tenant.council, organisation=org)
    with_five = _queries_for(client, url)
    MembershipFactory.create_batch(45, council=tenant.council, organisation=org)
    with_fifty = _queries_for(client, url)
    assert with_five == with_fifty
    assert client.get(url).content.decode().count('class="seat-role"') == 50


def test_municipality_page_shows_names_only_where_publication_is_allowed(client, tenant):
    MembershipFactory(council=tenant.council, name="Synlig Person", role="chair", publish_name=True)
    MembershipFactory(
        council=tenant.council,
        name="Dold Person",
        role="school",
        title="Rektor",
        organisation=tenant.organisation,
        publish_name=False,
    )
    page = client.get(tenant.municipality.get_absolute_url()).content.decode()
    assert "Synlig Person" in page
    assert "Dold Person" not in page
    assert "Rektor" in page and "Testköpings kommun" in page


def test_municipality_page_leaves_out_ended_terms(client, tenant):
    MembershipFactory(
        council=tenant.council,
        name="Avgången Ledamot",
        term_start="2019-01-01",
        term_end="2020-12-31",
        until_successor=False,
    )
    assert "Avgången Ledamot" not in client.get(tenant.municipality.get_absolute_url()).content.decode()


def test_shared_council_appears_on_each_member_municipality(client, db):
    a, b = MunicipalityFactory(name="Alfa", slug="alfa"), MunicipalityFactory(name="Beta", slug="beta")
    from tests.factories import CouncilFactory

    CouncilFactory(name="Gemensamma rådet", municipalities=[a, b])
    for municipality in (a, b):
        assert "Gemensamma rådet" in client.get(municipality.get_absolute_url()).content.decode()


def test_index_lists_published_municipalities_only(client, db):
    MunicipalityFactory(name="Publikby", slug="publikby")
    MunicipalityFactory(name="Doldby", slug="doldby", is_published=False)
    page = client.get("/").content.decode()
    assert "Publikby" in page and "Doldby" not in page
    assert client.get("/doldby/").status_code == 404


def test_every_public_page_has_swedish_language_skip_link_and_accessibility_link(client, tenant):
    for url in ("/", tenant.municipality.get_absolute_url(), "/tillganglighet/", "/finns-inte/"):
        page = client.get(url).content.decode()
        assert '<html lang="sv">' in page, url
        assert 'href="#main"' in page and 'id="main"' in page, url
        assert 'href="/tillganglighet/"' in page, url


def test_missing_page_answers_404_in_swedish(client, db):
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan hittades inte" in response.content.decode()
