import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_get_a_cached_page_without_queries_until_something_is_written(client, tenant):
    url = tenant.municipality.get_absolute_url()
    MembershipFactory(council=tenant.council, name="Första Ledamot", publish_name=True)
    assert "Första Ledamot" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.status_code == 200 and "Första Ledamot" in again.content.decode()
    assert len(queries) == 0, "a cached public page should not touch the database"

    MembershipFactory(council=tenant.council, name="Andra Ledamot", publish_name=True)
    assert "Andra Ledamot" in client.get(url).content.decode(), "a write must invalidate the cached page"


def test_signed_in_users_are_never_served_the_anonymous_copy(client, tenant):
    url = tenant.municipality.get_absolute_url()
    client.get(url)
    client.force_login(tenant.coordinator)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert len(queries) > 0
    assert "/konto/logga-ut/" in page


def test_missing_pages_are_not_cached(client, tenant):
    assert client.get("/testkoping/medborgarloften/999/").status_code == 404
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/testkoping/medborgarloften/999/").status_code == 404
    assert len(queries) > 0
