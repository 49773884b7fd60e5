import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.pledges.factories import published_pledge, publish_follow_up, SignatoryFactory, correct_follow_up
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

def test_counts(client, tenant):
    for _ in range(3):
        p = published_pledge(municipalities=[tenant.municipality])
        SignatoryFactory(pledge=p)
        r = publish_follow_up(p)
        correct_follow_up(r, note="x")
    MembershipFactory.create_batch(3, council=tenant.council)
    for url in ["/api/v1/", "/api/v1/municipalities/", "/api/v1/municipalities/testkoping/", "/api/v1/pledges/", f"/api/v1/pledges/{p.pk}/", "/api/v1/follow-ups/", f"/api/v1/follow-ups/{r.follow_up_id}/", "/testkoping/flode.xml"]:
        with CaptureQueriesContext(connection) as ctx:
            resp = client.get(url)
        print(url, resp.status_code, len(ctx.captured_queries))
    print(client.get(f"/api/v1/follow-ups/{r.follow_up_id}/").content.decode()[:1500])
    print(client.get("/testkoping/flode.xml").content.decode()[:3000])
