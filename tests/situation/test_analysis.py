"""The analysis page: figures by category and month, changes, weekday × hour, top places, map, CSV export."""

import csv
import io
import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from situation.analysis import (
    AnalysisFilters,
    Change,
    Period,
    add_months,
    default_period,
    heat_levels,
    incidents_for,
)
from situation.models import Incident, Tag, Visibility
from situation.views_analysis import AnalysisCsvView
from tests.factories import MunicipalityFactory
from tests.situation.factories_analysis import (
    H1_2025,
    AnalysisWorld,
    AreaFactory,
    CategoryFactory,
    IncidentFactory,
    PlaceFactory,
    local,
)

pytestmark = pytest.mark.django_db

QUERY = {"start": "2025-01-01", "end": "2025-06-30"}


def page_url(kommun="testkoping"):
    return reverse("situation:analysis", kwargs={"kommun": kommun})


def csv_url(kommun="testkoping"):
    return reverse("situation:analysis-csv", kwargs={"kommun": kommun})


@pytest.fixture
def world(tenant):
    return AnalysisWorld(tenant)


def months_by_category(result):
    return {row.label: row.counts for row in result.category_months}


def test_counts_per_category_and_month_match_the_data(world):
    result = world.analysis()
    assert result.months == [date(2025, month, 1) for month in range(1, 7)]
    assert months_by_category(result) == {
        "Skadegörelse": [2, 0, 0, 0, 0, 0],
        "Skadegörelse: Klotter": [1, 0, 3, 0, 0, 0],
        "Nedskräpning": [0, 1, 0, 0, 0, 1],
    }
    assert result.month_totals == [3, 1, 3, 0, 0, 1]
    assert result.total == 8


def test_page_shows_the_same_counts_in_the_table_and_the_chart(client, world):
    client.force_login(world.tenant.coordinator)
    response = client.get(page_url(), QUERY)
    assert response.status_code == 200
    page = response.content.decode()
    table = page.split('id="analysis-months-table"')[1].split("</table>")[0]
    row = re.search(r"Skadegörelse: Klotter</th>(.*?)</tr>", table).group(1)
    assert re.findall(r">(\d+)<", row) == ["1", "0", "3", "0", "0", "0", "4"]
    assert 'data-total="8"' in page
    svg = page.split("<svg")[1].split("</svg>")[0]
    assert 'role="img"' in svg and "aria-label=" in svg
    # One bar segment per non-empty category and month, each with its figure as a tooltip.
    assert svg.count("<rect") == 5
    assert "Skadegörelse: Klotter, mar 2025: 3" in svg


def test_change_against_the_previous_period_and_the_same_period_a_year_earlier(world):
    result = world.analysis()
    assert result.previous_period == Period(date(2024, 7, 1), date(2024, 12, 31))
    assert result.year_earlier_period == Period(date(2024, 1, 1), date(2024, 6, 30))
    rows = {row.label: row for row in result.comparisons}
    damage = rows["Skadegörelse"]
    assert (damage.current, damage.previous.base, damage.year_earlier.base) == (2, 2, 4)
    assert damage.previous.percent == 0 and damage.year_earlier.percent == -50
    assert damage.year_earlier.percent_display == "\u221250\u00a0%"
    graffiti = rows["Skadegörelse: Klotter"]
    assert (graffiti.current, graffiti.previous.base) == (4, 0)
    assert graffiti.previous.percent is None and graffiti.previous.percent_display == "–"
    assert graffiti.previous.difference_display == "+4"
    litter = rows["Nedskräpning"]
    assert (litter.current, litter.previous.base, litter.year_earlier.base) == (2, 1, 0)
    total = result.comparison_total
    assert (total.current, total.previous.base, total.year_earlier.base) == (8, 3, 4)
    assert total.previous.percent == 167 and total.year_earlier.percent == 100


def test_a_longer_period_compares_with_each_earlier_period_exactly(world):
    """From six months on, the two earlier periods form one stretch of days, counted in one range."""
    result = world.analysis(period=Period(date(2024, 10, 1), date(2025, 6, 30)))
    assert result.previous_period == Period(date(2024, 1, 1), date(2024, 9, 30))
    assert result.year_earlier_period == Period(date(2023, 10, 1), date(2024, 6, 30))
    rows = {row.label: row for row in result.comparisons}
    assert (rows["Skadegörelse"].previous.base, rows["Skadegörelse"].year_earlier.base) == (6, 4)
    assert (rows["Nedskräpning"].previous.base, rows["Nedskräpning"].year_earlier.base) == (1, 0)


def test_someone_without_a_role_in_the_municipality_counts_nothing(world):
    result = world.analysis(role="other_coordinator")
    assert result.total == 0 and result.comparisons == [] and result.map_points == [] and result.top_places == []


def test_periods_of_whole_months_compare_with_whole_months_and_others_with_days():
    assert Period(date(2025, 3, 1), date(2025, 3, 31)).previous() == Period(date(2025, 2, 1), date(2025, 2, 28))
    assert Period(date(2025, 3, 10), date(2025, 3, 19)).previous() == Period(date(2025, 2, 28), date(2025, 3, 9))
    assert Period(date(2024, 2, 29), date(2024, 2, 29)).year_earlier() == Period(date(2023, 2, 28), date(2023, 2, 28))
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert default_period(date(2025, 6, 15)) == Period(date(2024, 7, 1), date(2025, 6, 15))


def test_change_is_rounded_half_away_from_zero_and_dash_without_a_base():
    assert Change(3, 2).percent == 50 and Change(1, 8).percent == -88 and Change(5, 0).percent_display == "–"
    assert Change(0, 0).difference_display == "±0"


def test_area_filter_includes_its_child_areas(client, world):
    result = world.analysis(area=world.centre, area_ids=frozenset({world.centre.pk, world.north.pk}))
    assert result.total == 6  # the square (centre) and the schoolyard (north, part of the centre)
    assert {p.name for p in result.top_places} == {"Stora torget", "Skolgården"}

    client.force_login(world.tenant.coordinator)
    response = client.get(page_url(), {**QUERY, "area": world.centre.pk})
    assert response.context["result"].total == 6
    response = client.get(page_url(), {**QUERY, "area": world.north.pk})
    assert response.context["result"].total == 4
    response = client.get(page_url(), {**QUERY, "area": world.south.pk})
    assert response.context["result"].total == 1


def test_category_filter_includes_subtypes_and_other_filters_narrow(client, world):
    client.force_login(world.tenant.coordinator)
    response = client.get(page_url(), {**QUERY, "category": world.damage.pk})
    assert response.context["result"].total == 6
    response = client.get(page_url(), {**QUERY, "category": world.graffiti.pk})
    assert response.context["result"].total == 4
    response = client.get(page_url(), {**QUERY, "source": "walk"})
    assert response.context["result"].total == 1
    response = client.get(page_url(), {**QUERY, "tag": "otrygghet"})
    assert response.context["result"].total == 2


def test_weekday_and_hour_are_in_swedish_time(world):
    result = world.analysis()
    rows = result.weekday_rows
    # 2025-02-01 00:30 in Stockholm is a Saturday at hour 0 (Friday 23:30 in UTC).
    saturday, friday = rows[5], rows[4]
    assert saturday.cells[0].count == 1 and friday.cells[23].count == 0
    # 2025-01-10 22:00 (Friday, twice), 2025-03-05 16:00 (Wednesday, three times).
    assert friday.cells[22].count == 2 and rows[2].cells[16].count == 3
    # Monday 2025-06-30 at 23:59.
    assert rows[0].cells[23].count == 1
    assert sum(row.total for row in rows) == result.total == sum(result.hour_totals)
    assert rows[2].cells[16].level == 4 and saturday.cells[0].level in (1, 2, 3) and rows[0].cells[0].level == 0


def test_weekday_rows_start_on_monday_with_every_hour_and_shaded_cells(client, world):
    client.force_login(world.tenant.coordinator)
    page = client.get(page_url(), QUERY, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    table = page.split('id="analysis-hours-table"')[1].split("</table>")[0]
    body = table.split("<tbody>")[1].split("</tbody>")[0]
    days = re.findall(r'<th scope="row">(\w+)</th>', body)
    assert days == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    assert all(len(re.findall(r"<td class=\"num heat-\d\">", row)) == 24 for row in body.split("</tr>")[:-1])
    assert '<td class="num heat-4">3</td>' in body and '<td class="num heat-0">0</td>' in body


def test_filter_choices_are_trees_in_swedish_order(client, world):
    AreaFactory(municipality=world.municipality, name="Ödeshög")
    AreaFactory(municipality=world.municipality, name="Älvsbacka")
    client.force_login(world.tenant.coordinator)
    form = client.get(page_url(), HTTP_ACCEPT_LANGUAGE="en").context["form"]
    areas = [label for _value, label in form.fields["area"].choices]
    assert areas == ["The whole municipality", "Centrum", "– Norra centrum", "Söder", "Älvsbacka", "Ödeshög"]
    categories = [label for _value, label in form.fields["category"].choices]
    assert categories == ["All categories", "Skadegörelse", "– Klotter", "Nedskräpning"]


def test_heat_levels_are_quartiles_of_the_non_empty_cells():
    assert heat_levels([0, 1, 2, 3, 4]) == [0, 1, 2, 3, 4]
    assert heat_levels([5, 5, 0]) == [4, 4, 0]
    assert heat_levels([0, 0]) == [0, 0]


def test_top_places_are_counted_and_hot_spots_marked(client, world):
    places = world.analysis().top_places
    assert [(p.name, p.count, p.is_hot_spot, p.area) for p in places] == [
        ("Skolgården", 4, False, "Norra centrum"),
        ("Stora torget", 2, True, "Centrum"),
        ("Åvägen", 1, False, "Söder"),
    ]
    client.force_login(world.tenant.coordinator)
    page = client.get(page_url(), QUERY, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    table = page.split('id="analysis-places-table"')[1].split("</table>")[0]
    assert re.search(r"Stora torget <span class=\"badge[^\"]*\">Hot spot</span>", table)
    assert "Skolgården <span" not in table


def test_top_places_stop_at_ten(world):
    for n in range(12):
        place = PlaceFactory(municipality=world.municipality, name=f"Plats {n:02d}")
        for _i in range(2 + n % 3):
            IncidentFactory(
                municipality=world.municipality, category=world.litter, place=place, occurred_at=local(2025, 4, 2)
            )
    assert len(world.analysis().top_places) == 10


def test_police_internal_incidents_of_others_count_for_the_police_but_not_for_the_coordinator(client, world):
    assert world.analysis(role="coordinator").total == 8
    police = world.analysis(role="police")
    assert police.total == 9
    assert months_by_category(police)["Skadegörelse"] == [2, 0, 1, 0, 0, 0]
    # The coordinator's own police-internal report is theirs to count.
    IncidentFactory(
        municipality=world.municipality,
        category=world.litter,
        occurred_at=local(2025, 5, 5),
        visibility=Visibility.POLICE,
        reported_by=world.tenant.coordinator,
    )
    assert world.analysis(role="coordinator").total == 9

    client.force_login(world.tenant.coordinator)
    rows = csv_rows(client.get(csv_url(), QUERY))
    assert str(world.police_only.pk) not in {row[0] for row in rows[1:]}
    client.force_login(world.tenant.users["police"])
    rows = csv_rows(client.get(csv_url(), QUERY))
    assert str(world.police_only.pk) in {row[0] for row in rows[1:]}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("reporter", 403),
        ("member", 403),
        ("other_coordinator", 403),
        ("police", 200),
        ("coordinator", 200),
        ("superuser", 200),
    ],
)
@pytest.mark.parametrize("url", [page_url, csv_url])
def test_only_the_coordinator_and_the_police_liaison_of_the_municipality_may_analyse(client, tenant, role, status, url):
    client.force_login(tenant.users[role])
    assert client.get(url()).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client, tenant):
    for url in (page_url(), csv_url()):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_unknown_municipality_is_not_found(client, tenant):
    client.force_login(tenant.users["superuser"])
    assert client.get(page_url("finns-inte")).status_code == 404


def csv_rows(response):
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_has_exactly_the_filtered_incidents_with_swedish_letters_intact(client, world):
    client.force_login(world.tenant.coordinator)
    response = client.get(csv_url(), {**QUERY, "category": world.litter.pk})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="analys-testkoping-20250101-20250630.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    header, body = rows[0], rows[1:]
    assert header[:2] == ["ID", "När"] and "Kategori" in header and len(header) == 13
    assert [row[0] for row in body] == [str(world.february.pk), str(world.june_last_minute.pk)]
    february = body[0]
    assert february[1] == "2025-02-01 00:30"
    assert "Nedskräpning" in february and "Åvägen" in february and "Söder" in february
    assert "Glas på Åvägen, ö" in february
    last = body[1]
    assert last[1] == "2025-06-30 23:59" and "Ängsgatan 3" in last and "57,490000" in last

    everything = csv_rows(client.get(csv_url(), QUERY))
    expected = incidents_for(
        municipality=world.municipality, user=world.tenant.coordinator, filters=AnalysisFilters(period=H1_2025)
    )
    assert sorted(int(row[0]) for row in everything[1:]) == sorted(expected.values_list("pk", flat=True))
    assert len(everything) - 1 == 8


def test_csv_export_streams_in_pieces_and_loses_no_row_between_them(client, world, monkeypatch):
    monkeypatch.setattr(AnalysisCsvView, "chunk_rows", 3)
    client.force_login(world.tenant.coordinator)
    response = client.get(csv_url(), QUERY)
    pieces = list(response.streaming_content)
    assert len(pieces) == 3  # rows 1–3, rows 4–6, rows 7–8
    rows = list(csv.reader(io.StringIO(b"".join(pieces).decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 9 and len({row[0] for row in rows[1:]}) == 8


def test_csv_export_defuses_text_a_spreadsheet_would_run_as_a_formula(client, world):
    IncidentFactory(
        municipality=world.municipality,
        category=world.litter,
        occurred_at=local(2025, 4, 1),
        description='=HYPERLINK("http://example.invalid")',
    )
    client.force_login(world.tenant.coordinator)
    rows = csv_rows(client.get(csv_url(), QUERY))
    assert '\'=HYPERLINK("http://example.invalid")' in [row[-1] for row in rows[1:]]


def test_csv_export_with_invalid_filters_answers_400_with_a_message(client, world):
    client.force_login(world.tenant.coordinator)
    response = client.get(csv_url(), {"start": "igår"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def _page_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page_url(), {"start": "2024-01-01", "end": "2025-12-31"})
    assert response.status_code == 200
    return len(queries), response


def _spread(municipality, categories, places, count, start):
    Incident.objects.bulk_create(
        Incident(
            municipality=municipality,
            category=categories[n % len(categories)],
            tag=Tag.INSECURITY,
            occurred_at=start + timedelta(hours=37 * n),
            place=places[n % len(places)] if n % 4 else None,
            latitude=Decimal("57.4") + Decimal(n) / 1000 if n % 4 == 0 else None,
            longitude=Decimal("14.0") + Decimal(n) / 1000 if n % 4 == 0 else None,
            visibility=Visibility.POLICE if n % 7 == 0 else Visibility.COUNCIL,
        )
        for n in range(count)
    )


def test_the_page_makes_the_same_number_of_queries_for_10_and_200_incidents(client, tenant):
    m = tenant.municipality
    categories = [CategoryFactory(municipality=m) for _n in range(6)]
    areas = [AreaFactory(municipality=m) for _n in range(3)]
    places = [
        PlaceFactory(
            municipality=m,
            area=areas[n % 3],
            latitude=Decimal("57.5") + n,
            longitude=Decimal("14.1"),
            is_hot_spot=n == 0,
        )
        for n in range(15)
    ]
    client.force_login(tenant.coordinator)
    _spread(m, categories, places, 10, local(2024, 2, 1))
    small, response = _page_queries(client)
    assert response.context["result"].total > 0
    _spread(m, categories, places, 190, local(2024, 3, 1))
    large, response = _page_queries(client)
    assert response.context["result"].total > 100
    assert len(response.context["result"].map_points) > 15
    assert small == large
    # Session, user, the verified two-factor device, municipality, role; categories, areas; period counts, earlier
    # counts, places; the access log: visibility levels and one INSERT.
    assert large <= 12, large


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2025-13-01"}, "Enter a valid date."),
        ({"start": "2025-06-01", "end": "2025-05-01"}, "The period cannot end before it starts."),
        ({"start": "1900-01-01", "end": "1900-02-01"}, "Choose a date from 1970-01-01 to 2100-12-31."),
        ({"start": "2000-01-01", "end": "2025-01-01"}, "Choose a period of at most ten years."),
        ({"category": "999999"}, "Select a valid choice."),
        ({"area": "inte-ett-tal"}, "Select a valid choice."),
        ({"source": "rykte"}, "Select a valid choice."),
    ],
)
def test_invalid_filters_give_a_message_instead_of_figures(client, world, params, message):
    client.force_login(world.tenant.coordinator)
    response = client.get(page_url(), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "form-error-summary" in page
    assert "result" not in response.context and "analysis-months-table" not in page


def test_another_municipalitys_category_is_not_a_valid_choice(client, world):
    foreign = CategoryFactory(municipality=world.tenant.other_municipality)
    client.force_login(world.tenant.coordinator)
    response = client.get(page_url(), {"category": foreign.pk})
    assert "result" not in response.context


def test_without_dates_the_page_shows_the_last_twelve_months(client, world):
    client.force_login(world.tenant.coordinator)
    response = client.get(page_url())
    today = timezone.localdate()
    assert response.context["result"].period == Period(add_months(today.replace(day=1), -11), today)
    assert len(response.context["result"].months) == 12
    assert f'value="{today.isoformat()}"' in response.content.decode()


def test_without_a_tile_url_the_map_shows_the_points_and_a_table_of_them(client, world, settings):
    settings.MAP_TILE_URL = ""
    world.centre.outline = {
        "type": "Polygon",
        "coordinates": [[[14.0, 57.4], [14.2, 57.4], [14.2, 57.6], [14.0, 57.4]]],
    }
    world.centre.save()
    client.force_login(world.tenant.coordinator)
    response = client.get(page_url(), QUERY, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="analysis-map"' in page and 'data-tile-url=""' in page and 'aria-label="Map of the incidents"' in page
    data = json.loads(
        re.search(r'<script id="analysis-map-data" type="application/json">(.*?)</script>', page).group(1)
    )
    points = {point["label"]: point for point in data["points"]}
    assert set(points) == {"Skolgården", "Stora torget", "Ängsgatan 3"}
    assert points["Skolgården"]["count"] == 4 and points["Skolgården"]["lat"] == 57.51
    assert points["Stora torget"]["hotSpot"] is True
    assert {c["name"]: c["count"] for c in points["Skolgården"]["categories"]} == {"Skadegörelse: Klotter": 4}
    assert data["outlines"][0]["name"] == "Centrum"
    table = page.split('id="analysis-points-table"')[1].split("</table>")[0]
    assert re.search(r"Skolgården</th><td class=\"num\">4</td><td>Skadegörelse: Klotter \(4\)</td>", table)
    assert "Ängsgatan 3" in table
    assert "vendor/leaflet/leaflet.js" in page and "js/analysis-map.js" in page
    assert "<script>" not in page  # no inline script: the data travels as JSON only


def test_a_point_without_a_place_is_named_by_its_first_address_whatever_the_categories(world):
    for category, address in ((world.damage, "Ängsgatan 5"), (world.graffiti, "Ängsgatan 4")):
        IncidentFactory(
            municipality=world.municipality,
            category=category,
            occurred_at=local(2025, 6, 30, 8),
            address=address,
            latitude=Decimal("57.490000"),
            longitude=Decimal("14.090000"),
        )
    (point,) = [p for p in world.analysis().map_points if p.latitude == 57.49]
    assert point.label == "Ängsgatan 3" and point.count == 3
    assert point.category_summary == "Nedskräpning (1), Skadegörelse (1), Skadegörelse: Klotter (1)"


def test_with_a_tile_url_the_map_gets_it(client, world, settings):
    settings.MAP_TILE_URL = "https://karta.kommun.example/{z}/{x}/{y}.png"
    client.force_login(world.tenant.coordinator)
    page = client.get(page_url(), QUERY).content.decode()
    assert 'data-tile-url="https://karta.kommun.example/{z}/{x}/{y}.png"' in page


def test_incidents_without_any_position_leave_the_map_empty_with_a_note(client, tenant):
    category = CategoryFactory(municipality=tenant.municipality)
    IncidentFactory(municipality=tenant.municipality, category=category, occurred_at=local(2025, 2, 2))
    client.force_login(tenant.coordinator)
    response = client.get(page_url(), QUERY, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.context["result"].total == 1
    assert "None of these incidents has a position." in page and 'id="analysis-map"' not in page


def test_an_empty_municipality_renders_without_a_chart(client, tenant):
    client.force_login(tenant.users["police"])
    response = client.get(page_url(), QUERY, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["result"].total == 0 and response.context["chart"] is None
    assert "No incidents match the filters." in response.content.decode()


def test_the_page_links_to_the_csv_with_the_same_filters(client, world):
    client.force_login(world.tenant.coordinator)
    page = client.get(page_url(), {**QUERY, "tag": "brott"}).content.decode()
    link = re.search(r'href="([^"]*analys\.csv[^"]*)"', page).group(1).replace("&amp;", "&")
    rows = csv_rows(client.get(link))
    assert len(rows) - 1 == 6


def test_a_second_municipality_with_the_same_names_does_not_leak_in(client, world):
    neighbour = MunicipalityFactory(slug="grannby")
    category = CategoryFactory(municipality=neighbour, name="Nedskräpning")
    IncidentFactory(municipality=neighbour, category=category, occurred_at=local(2025, 2, 2))
    client.force_login(world.tenant.coordinator)
    assert client.get(page_url(), QUERY).context["result"].total == 8


def test_the_orm_groupings_of_sqlite_equal_postgresqls_grouping_sets(world):
    """`make run` runs on SQLite, which has no GROUPING SETS: its three ORM queries must count the same groups,
    local months and hours included (the world has incidents around midnight at month ends)."""
    from situation.analysis import _period_counts_grouping_sets, _period_counts_with_orm

    assert connection.vendor == "postgresql"
    incidents = Incident.objects.filter(municipality=world.municipality)
    by_sets, by_orm = _period_counts_grouping_sets(incidents), _period_counts_with_orm(incidents)
    for kind in ("months", "hours", "places"):
        assert sorted(getattr(by_orm, kind), key=repr) == sorted(getattr(by_sets, kind), key=repr), kind
    assert len(by_sets.months) > 3 and len(by_sets.hours) > 3 and len(by_sets.places) > 3
