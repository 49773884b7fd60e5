import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pledges import services
from tests.pledges.conftest import build_pledge, fill_rows, published_follow_up

pytestmark = pytest.mark.django_db


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_pledge_and_follow_up_pages_use_the_same_queries_with_3_or_30_activities(client, tenant):
    counts = {}
    for per_area, slug, code in ((1, "liten", "9911"), (10, "stor", "9912")):
        from tests.factories import MunicipalityFactory

        municipality = MunicipalityFactory(slug=slug, kommunkod=code)
        pledge, follow_up, _revision = published_follow_up(
            municipality, tenant.coordinator, areas=3, activities_per_area=per_area
        )
        assert sum(a.activities.count() for a in pledge.focus_areas.all()) == 3 * per_area
        counts[per_area] = (
            _count_queries(client, reverse("pledges:public-detail", kwargs={"kommun": slug, "pk": pledge.pk})),
            _count_queries(
                client,
                reverse(
                    "pledges:public-follow-up",
                    kwargs={"kommun": slug, "pk": pledge.pk, "year": follow_up.year, "tertial": follow_up.tertial},
                ),
            ),
        )
    assert counts[1] == counts[10], counts


def test_pledge_page_shows_promised_against_achieved_as_text_and_bar(client, pledge_world):
    t = pledge_world
    page = client.get(reverse("pledges:public-detail", kwargs={"kommun": "testkoping", "pk": t.pledge.pk})).content
    page = page.decode()
    assert "2 av 4 trygghetsvandringar (50 %)" in page
    # 50 % is ten 5 % steps of the bar (no style attribute: the Content-Security-Policy allows none).
    assert 'class="progress-bar progress-step-10"' in page
    assert "Läget enligt uppföljningen för T1 2025." in page


def test_unpublished_pledges_and_follow_ups_never_reach_public_pages(client, tenant):
    draft = build_pledge(tenant.municipality, title="Hemligt utkast")
    assert (
        client.get(reverse("pledges:public-detail", kwargs={"kommun": "testkoping", "pk": draft.pk})).status_code == 404
    )
    assert (
        "Hemligt utkast"
        not in client.get(reverse("pledges:public-list", kwargs={"kommun": "testkoping"})).content.decode()
    )

    pledge = build_pledge(tenant.municipality, title="Publicerat löfte")
    services.pledge_publish(pledge=pledge, by=tenant.coordinator)
    follow_up = pledge.follow_ups.get(tertial=1)
    fill_rows(follow_up, tenant.coordinator, narrative="Ej godkänd text om Storgatan")
    kwargs = {"kommun": "testkoping", "pk": pledge.pk, "year": 2025, "tertial": 1}
    assert client.get(reverse("pledges:public-follow-up", kwargs=kwargs)).status_code == 404
    assert client.get(reverse("pledges:public-follow-up-pdf", kwargs=kwargs)).status_code == 404
    detail = client.get(reverse("pledges:public-detail", kwargs={"kommun": "testkoping", "pk": pledge.pk}))
    assert "Ej godkänd text" not in detail.content.decode()
    assert "Ingen uppföljning har publicerats ännu." in detail.content.decode()
    # Another municipality's address does not show the pledge either.
    assert (
        client.get(reverse("pledges:public-detail", kwargs={"kommun": "grannby", "pk": pledge.pk})).status_code == 404
    )


def test_municipality_page_shows_the_current_pledge_and_its_latest_follow_up(client, pledge_world):
    page = client.get("/testkoping/").content.decode()
    assert "Medborgarlöfte Testköping 2025" in page
    assert f"/testkoping/medborgarloften/{pledge_world.pledge.pk}/uppfoljning/2025-t1/" in page


def test_year_csv_holds_every_published_row_with_swedish_letters(client, pledge_world):
    t = pledge_world
    url = reverse("pledges:public-year-csv", kwargs={"kommun": "testkoping", "pk": t.pledge.pk, "year": 2025})
    response = client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["År", "Tertial", "Fokusområde", "Aktivitet"]
    assert len(rows) == 1 + 4
    assert rows[1][5] == "Pågår" and "Åsgatan" in rows[1][9]
    assert client.get(url.replace("2025.csv", "2024.csv")).status_code == 404


def test_closed_pledges_are_listed_by_year_among_earlier_pledges(client, tenant):
    pledge, _f, _r = published_follow_up(tenant.municipality, tenant.coordinator, title="Gammalt löfte")
    services.pledge_close(pledge=pledge, by=tenant.coordinator)
    page = client.get(reverse("pledges:public-list", kwargs={"kommun": "testkoping"})).content.decode()
    earlier = page.split("Tidigare medborgarlöften")[1]
    assert "Gammalt löfte" in earlier and "<h3>2025</h3>" in earlier
