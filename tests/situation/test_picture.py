"""The situation picture document: the three parts the law names, problem areas with evidence, adoption that
freezes the figures, read-only after adoption, the PDF by a real worker, the public aggregate page with small
counts suppressed, and who may do what.

UI text is asserted in English (Accept-Language: en) where its Swedish is still to be added to the catalogue.
"""

import io
import itertools
import random
import re
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import feedparser
import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from situation import picture as service
from situation.models import (
    Area,
    CrimeStatistic,
    Incident,
    IncidentCategory,
    Place,
    PoliceEvent,
    SituationPicture,
    SituationProblem,
    Tag,
    Visibility,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PERSONNUMMER = "811218-9876"  # Skatteverket's example number: a valid checksum, nobody's number.

LAW_PARTS = {
    "crime_mapping": "Skadegörelse och klotter ökar i Åby centrum; ungdomar samlas vid stationen på kvällarna.",
    "other_information": "Trygghetsmätningen visar att äldre undviker gångtunneln efter mörkrets inbrott.",
    "cause_analysis": "Bristande belysning och få vuxna i rörelse kvällstid är troliga orsaker till otryggheten.",
}
SUMMARY = "Otryggheten är störst i centrum på kvällar och helger. Åtgärder: bättre belysning och fler vuxna ute."


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def english(client):
    """UI text in English (the source strings), for assertions on text whose Swedish is the lead's to add."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def url(name, tenant, **kwargs):
    return reverse(f"situation:{name}", kwargs={"kommun": tenant.municipality.slug, **kwargs})


def at(year, month, day, hour=12):
    return datetime(year, month, day, hour, tzinfo=STOCKHOLM)


class World:
    """Areas (with a district inside Centrum), places, categories and a draft picture for 2025 in Testköping."""

    def __init__(self, tenant):
        m = tenant.municipality
        self.tenant = tenant
        self.centrum = Area.objects.create(municipality=m, name="Centrum")
        self.torget = Area.objects.create(municipality=m, name="Torgkvarteren", parent=self.centrum, kind="district")
        self.norr = Area.objects.create(municipality=m, name="Norrby")
        self.hallplats = Place.objects.create(
            municipality=m,
            name="Busshållplatsen Storgatan",
            area=self.torget,
            latitude="57.781234",
            longitude="14.161234",
        )
        self.klotter = IncidentCategory.objects.create(municipality=m, name="Klotter", tag=Tag.CRIME, order=1)
        self.skrap = IncidentCategory.objects.create(municipality=m, name="Nedskräpning", tag=Tag.INSECURITY, order=2)
        self.narkotika = IncidentCategory.objects.create(
            municipality=m, name="Misstänkt narkotikahantering", tag=Tag.CRIME, order=3
        )
        self.picture = SituationPicture.objects.create(
            municipality=m,
            title="Lägesbild 2025",
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            public_summary=SUMMARY,
            **LAW_PARTS,
        )

    def incidents(self, n, *, category, area=None, place=None, visibility=Visibility.PUBLIC, when=None, text=""):
        for _ in range(n):
            Incident.objects.create(
                municipality=self.tenant.municipality,
                category=category,
                tag=category.tag,
                area=area,
                place=place,
                occurred_at=when or at(2025, 5, 10),
                visibility=visibility,
                description=text,
                latitude="57.781234" if place else None,
                longitude="14.161234" if place else None,
            )


@pytest.fixture
def world(tenant):
    return World(tenant)


def adopt(world, body="Kommunstyrelsen", day=date(2026, 1, 20)):
    return service.picture_adopt(picture=world.picture, by=world.tenant.coordinator, body=body, date=day)


def cells(html):
    """The (row header, value) pairs of the figure tables of a page."""
    rows = re.findall(r'<th scope="row">(.*?)</th>\s*<td class="text-end">(.*?)</td>', html, re.S)
    return [(re.sub(r"<[^>]+>", "", head).strip(), value.strip()) for head, value in rows]


# ---- Drafts: the parts of the law, problem areas --------------------------------------------------------


def test_coordinator_creates_a_picture_with_the_three_parts_the_law_names(client, tenant):
    client.force_login(tenant.coordinator)
    response = client.post(
        url("picture-create", tenant),
        {
            "title": "Lägesbild 2024–2025",
            "period_start": "2024-01-01",
            "period_end": "2025-12-31",
            "public_summary": SUMMARY,
            **LAW_PARTS,
        },
    )
    picture = SituationPicture.objects.get(municipality=tenant.municipality)
    assert response.status_code == 302
    assert response["Location"] == url("picture-detail", tenant, pk=picture.pk)
    assert (picture.crime_mapping, picture.other_information, picture.cause_analysis) == tuple(LAW_PARTS.values())
    assert picture.public_summary == SUMMARY
    assert picture.status == SituationPicture.Status.DRAFT
    page = client.get(response["Location"]).content.decode()
    for text in LAW_PARTS.values():
        assert text in page


def test_the_period_cannot_end_before_it_starts(client, tenant):
    client.force_login(tenant.coordinator)
    response = client.post(
        url("picture-create", tenant), {"title": "Baklänges", "period_start": "2025-12-31", "period_end": "2025-01-01"}
    )
    assert response.status_code == 200
    assert not SituationPicture.objects.exists()


def test_texts_that_point_out_individuals_are_refused(english, tenant, world):
    english.force_login(tenant.users["police"])
    data = {
        "title": "Lägesbild 2025",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        **LAW_PARTS,
        "public_summary": f"Den misstänkte ({PERSONNUMMER}) syns ofta vid torget.",
    }
    response = english.post(url("picture-update", tenant, pk=world.picture.pk), data)
    assert response.status_code == 200
    assert "a personal identity number" in response.content.decode()
    world.picture.refresh_from_db()
    assert world.picture.public_summary == SUMMARY


def test_police_liaison_edits_a_draft_and_the_change_is_listed(english, tenant, world):
    english.force_login(tenant.users["police"])
    data = {
        "title": "Lägesbild 2025",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "public_summary": SUMMARY,
    }
    data.update(LAW_PARTS, cause_analysis="Polisens bild: öppen narkotikahandel vid stationen.")
    response = english.post(url("picture-update", tenant, pk=world.picture.pk), data)
    assert response.status_code == 302
    world.picture.refresh_from_db()
    assert world.picture.cause_analysis == "Polisens bild: öppen narkotikahandel vid stationen."
    changes = english.get(url("picture-detail", tenant, pk=world.picture.pk)).content.decode()
    changes = changes[changes.index('id="changes"') :]
    assert "Changed" in changes and "analysis of causes" in changes
    assert str(tenant.users["police"]) in changes


def test_problem_areas_keep_their_evidence_categories_and_areas(client, tenant, world):
    client.force_login(tenant.coordinator)
    response = client.post(
        url("picture-problem-create", tenant, pk=world.picture.pk),
        {
            "title": "Klotter i centrum",
            "description": "Klotter på skolor och busskurer.",
            "evidence": "38 EST-rapporter 2025; trygghetsvandring 12 maj; polisens statistik över skadegörelse.",
            "categories": [world.klotter.pk],
            "areas": [world.centrum.pk, world.torget.pk],
            "order": "1",
        },
    )
    assert response.status_code == 302
    problem = SituationProblem.objects.get(picture=world.picture)
    assert problem.evidence.startswith("38 EST-rapporter")
    assert list(problem.categories.all()) == [world.klotter]
    assert set(problem.areas.all()) == {world.centrum, world.torget}
    page = client.get(url("picture-detail", tenant, pk=world.picture.pk)).content.decode()
    assert "38 EST-rapporter 2025" in page and "Klotter i centrum" in page

    response = client.post(
        url("picture-problem-update", tenant, pk=world.picture.pk, problem_pk=problem.pk),
        {"title": "Klotter och skadegörelse", "evidence": "Uppdaterat underlag.", "areas": [world.norr.pk]},
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.title == "Klotter och skadegörelse"
    assert list(problem.areas.all()) == [world.norr] and not problem.categories.exists()


def test_a_problem_area_cannot_link_another_municipalitys_category_or_area(client, tenant, world):
    foreign_area = Area.objects.create(municipality=tenant.other_municipality, name="Grannbys centrum")
    foreign_category = IncidentCategory.objects.create(
        municipality=tenant.other_municipality, name="Grannklotter", tag="brott"
    )
    client.force_login(tenant.coordinator)
    response = client.post(
        url("picture-problem-create", tenant, pk=world.picture.pk),
        {"title": "Lånat", "categories": [foreign_category.pk], "areas": [foreign_area.pk]},
    )
    assert response.status_code == 200
    assert not SituationProblem.objects.exists()
    with pytest.raises(ValidationError):
        service.problem_save(
            picture=world.picture, by=tenant.coordinator, data={"title": "Lånat", "areas": [foreign_area]}
        )


def test_members_read_the_picture_but_cannot_change_it(client, tenant, world):
    client.force_login(tenant.users["member"])
    page = client.get(url("picture-detail", tenant, pk=world.picture.pk))
    assert page.status_code == 200
    body = page.content.decode()
    assert LAW_PARTS["cause_analysis"] in body
    assert url("picture-update", tenant, pk=world.picture.pk) not in body
    assert url("picture-adopt", tenant, pk=world.picture.pk) not in body
    assert client.get(url("picture-list", tenant)).status_code == 200
    assert client.post(url("picture-update", tenant, pk=world.picture.pk), {"title": "Ändrad"}).status_code == 403
    assert client.post(url("picture-problem-create", tenant, pk=world.picture.pk), {"title": "X"}).status_code == 403
    assert client.post(url("picture-adopt", tenant, pk=world.picture.pk), {}).status_code == 403
    world.picture.refresh_from_db()
    assert world.picture.title == "Lägesbild 2025" and not world.picture.problems.exists()


def test_reporters_do_not_see_the_pictures(client, tenant, world):
    client.force_login(tenant.users["reporter"])
    assert client.get(url("picture-list", tenant)).status_code == 403
    assert client.get(url("picture-detail", tenant, pk=world.picture.pk)).status_code == 403


# ---- Figures --------------------------------------------------------------------------------------------


def test_figures_count_by_category_and_top_level_area_with_statistics_and_police_events(tenant, world):
    m = tenant.municipality
    world.incidents(2, category=world.klotter, area=world.centrum, visibility=Visibility.COUNCIL)
    world.incidents(3, category=world.klotter, place=world.hallplats, visibility=Visibility.PUBLIC)  # district
    world.incidents(1, category=world.skrap, area=world.norr, visibility=Visibility.PUBLIC)
    world.incidents(1, category=world.skrap)  # no area at all
    world.incidents(4, category=world.narkotika, area=world.norr, visibility=Visibility.POLICE)
    world.incidents(5, category=world.skrap, area=world.norr, when=at(2024, 12, 31, 23))  # before the period
    CrimeStatistic.objects.create(
        municipality=m, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31), category="Skadegörelse", count=120
    )
    CrimeStatistic.objects.create(
        municipality=m, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31), category="Stöld", count=80
    )
    CrimeStatistic.objects.create(
        municipality=m, period_start=date(2024, 1, 1), period_end=date(2024, 12, 31), category="Stöld", count=99
    )
    for n, when in enumerate([at(2025, 2, 1), at(2025, 7, 1), at(2023, 1, 1)]):
        PoliceEvent.objects.create(
            event_id=n,
            municipality=m,
            occurred_at=when,
            name="Händelse",
            type="Skadegörelse",
            location_name="Testköping",
        )

    figures = service.picture_figures(municipality=m, start=date(2025, 1, 1), end=date(2025, 12, 31))

    assert figures["version"] == service.FIGURES_VERSION
    assert figures["period"] == {"start": "2025-01-01", "end": "2025-12-31"}
    assert figures["generated_at"]
    by_category = {row["name"]: row["count"] for row in figures["incidents"]["by_category"]}
    assert by_category == {"Klotter": 5, "Nedskräpning": 2}, "police-only reports are not in the document"
    by_area = [(row["name"], row["count"]) for row in figures["incidents"]["by_area"]]
    assert by_area == [("Centrum", 5), ("Norrby", 1), ("", 1)], "districts roll up; no area comes last"
    assert figures["incidents"]["total"] == 7
    assert figures["statistics"]["total"] == 200
    assert figures["statistics"]["by_category"] == [
        {"category": "Skadegörelse", "count": 120},
        {"category": "Stöld", "count": 80},
    ]
    assert figures["police_events"]["total"] == 2
    public = figures["public"]
    assert [(c["name"], c["count"], c["status"]) for c in public["by_area"]] == [
        ("Centrum", None, "suppressed"),
        ("Norrby", None, "suppressed"),
        ("", None, "suppressed"),
    ]
    assert [c["no_area"] for c in public["by_area"]] == [False, False, True]
    assert public["total"] is None


def test_adoption_freezes_the_figures(client, tenant, world):
    world.incidents(6, category=world.klotter, area=world.centrum)
    adopted = adopt(world)
    assert adopted.status == SituationPicture.Status.ADOPTED
    assert (adopted.adopted_by_body, adopted.adopted_at) == ("Kommunstyrelsen", date(2026, 1, 20))
    assert adopted.adopted_recorded_by == tenant.coordinator
    frozen = adopted.figures
    public_before = client.get(reverse("situation:public-picture", kwargs={"kommun": "testkoping"})).content

    world.incidents(9, category=world.klotter, area=world.centrum)
    world.incidents(7, category=world.skrap, area=world.norr)

    adopted.refresh_from_db()
    assert adopted.figures == frozen
    assert frozen["incidents"]["by_category"][0]["count"] == 6
    client.force_login(tenant.users["member"])
    detail = client.get(url("picture-detail", tenant, pk=adopted.pk)).content.decode()
    assert ("Klotter", "6") in cells(detail) and ("Klotter", "15") not in cells(detail)
    client.logout()
    public_after = client.get(reverse("situation:public-picture", kwargs={"kommun": "testkoping"})).content
    assert public_after == public_before
    assert ("Centrum", "6") in cells(public_after.decode())


def test_adoption_needs_the_three_parts_a_body_and_a_date_not_in_the_future(tenant, world):
    world.picture.other_information = ""
    world.picture.save()
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        service.picture_adopt(picture=world.picture, by=tenant.coordinator, body=" ", date=date(2999, 1, 1))
    assert [error.code for error in refused.value.error_list] == ["missing_parts", "no_body", "future_date"]
    assert "other relevant information" in refused.value.messages[0]
    world.picture.refresh_from_db()
    assert world.picture.status == SituationPicture.Status.DRAFT and world.picture.figures is None


def test_after_adoption_the_picture_is_read_only(english, tenant, world):
    problem = SituationProblem.objects.create(picture=world.picture, title="Klotter", evidence="Underlag")
    adopt(world)
    english.force_login(tenant.coordinator)
    detail = url("picture-detail", tenant, pk=world.picture.pk)

    response = english.get(url("picture-update", tenant, pk=world.picture.pk), follow=True)
    assert response.redirect_chain == [(detail, 302)]
    assert "can no longer be changed" in response.content.decode()

    data = {"title": "Rättad", "period_start": "2025-01-01", "period_end": "2025-12-31", **LAW_PARTS}
    assert english.post(url("picture-update", tenant, pk=world.picture.pk), data)["Location"] == detail
    assert english.post(url("picture-problem-create", tenant, pk=world.picture.pk), {"title": "Ny"}).status_code == 302
    edit_problem = url("picture-problem-update", tenant, pk=world.picture.pk, problem_pk=problem.pk)
    assert english.post(edit_problem, {"title": "Ändrat"}).status_code == 302
    delete_problem = url("picture-problem-delete", tenant, pk=world.picture.pk, problem_pk=problem.pk)
    assert english.post(delete_problem).status_code == 302
    assert (
        english.post(url("picture-adopt", tenant, pk=world.picture.pk), {"body": "KF", "date": "2026-01-21"})[
            "Location"
        ]
        == detail
    )

    world.picture.refresh_from_db()
    assert world.picture.title == "Lägesbild 2025"
    assert world.picture.adopted_by_body == "Kommunstyrelsen"
    assert list(world.picture.problems.values_list("title", flat=True)) == ["Klotter"]
    with pytest.raises(ValidationError) as refused:
        service.picture_update(picture=world.picture, by=tenant.coordinator, data={"title": "Rättad"})
    assert refused.value.code == "adopted"

    page = english.get(detail).content.decode()
    assert url("picture-update", tenant, pk=world.picture.pk) not in page


def test_a_correction_is_a_new_draft_with_the_same_texts_and_problem_areas(client, tenant, world):
    problem = SituationProblem.objects.create(picture=world.picture, title="Klotter", evidence="Underlag")
    problem.areas.set([world.centrum])
    adopt(world)
    client.force_login(tenant.users["police"])
    response = client.post(url("picture-new-version", tenant, pk=world.picture.pk))
    copy = SituationPicture.objects.exclude(pk=world.picture.pk).get()
    assert response["Location"] == url("picture-update", tenant, pk=copy.pk)
    assert copy.status == SituationPicture.Status.DRAFT and copy.figures is None
    assert copy.crime_mapping == LAW_PARTS["crime_mapping"]
    assert [(p.title, list(p.areas.all())) for p in copy.problems.all()] == [("Klotter", [world.centrum])]
    assert client.get(url("picture-new-version", tenant, pk=world.picture.pk)).status_code == 405


# ---- Who may adopt -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["police", "member", "reporter", "other_coordinator"])
def test_only_the_coordinator_records_an_adoption(client, tenant, world, role):
    client.force_login(tenant.users[role])
    adopt_url = url("picture-adopt", tenant, pk=world.picture.pk)
    assert client.get(adopt_url).status_code == 403
    assert client.post(adopt_url, {"body": "Kommunstyrelsen", "date": "2026-01-20"}).status_code == 403
    world.picture.refresh_from_db()
    assert world.picture.status == SituationPicture.Status.DRAFT


def test_the_coordinator_records_the_adoption_through_the_form(client, tenant, world):
    client.force_login(tenant.coordinator)
    adopt_url = url("picture-adopt", tenant, pk=world.picture.pk)
    assert client.get(adopt_url).status_code == 200
    response = client.post(adopt_url, {"body": "Kommunstyrelsen", "date": "2026-01-20"})
    assert response["Location"] == url("picture-detail", tenant, pk=world.picture.pk)
    world.picture.refresh_from_db()
    assert world.picture.status == SituationPicture.Status.ADOPTED
    assert world.picture.adopted_recorded_by == tenant.coordinator
    assert world.picture.figures["version"] == service.FIGURES_VERSION


# ---- Tenancy --------------------------------------------------------------------------------------------


def test_another_municipalitys_coordinator_is_refused_and_its_ids_are_not_found(client, tenant, world):
    client.force_login(tenant.users["other_coordinator"])
    problem = SituationProblem.objects.create(picture=world.picture, title="Klotter")
    for name, kwargs in [
        ("picture-list", {}),
        ("picture-create", {}),
        ("picture-detail", {"pk": world.picture.pk}),
        ("picture-update", {"pk": world.picture.pk}),
        ("picture-adopt", {"pk": world.picture.pk}),
        ("picture-pdf", {"pk": world.picture.pk}),
    ]:
        assert client.get(url(name, tenant, **kwargs)).status_code == 403, name
    own = {"kommun": tenant.other_municipality.slug, "pk": world.picture.pk}
    for name, extra in [
        ("picture-detail", {}),
        ("picture-update", {}),
        ("picture-adopt", {}),
        ("picture-pdf", {}),
        ("picture-problem-create", {}),
        ("picture-problem-update", {"problem_pk": problem.pk}),
        ("picture-problem-delete", {"problem_pk": problem.pk}),
    ]:
        assert client.get(reverse(f"situation:{name}", kwargs={**own, **extra})).status_code == 404, name
    assert client.post(reverse("situation:picture-new-version", kwargs=own)).status_code == 404


def test_a_problem_area_of_another_picture_is_not_found_under_this_one(client, tenant, world):
    other = SituationPicture.objects.create(
        municipality=tenant.municipality, title="Annan", period_start=date(2023, 1, 1), period_end=date(2023, 12, 31)
    )
    problem = SituationProblem.objects.create(picture=other, title="Annans")
    client.force_login(tenant.coordinator)
    response = client.get(url("picture-problem-update", tenant, pk=world.picture.pk, problem_pk=problem.pk))
    assert response.status_code == 404


# ---- The public page --------------------------------------------------------------------------------------


def public_url(slug="testkoping"):
    return reverse("situation:public-picture", kwargs={"kommun": slug})


def test_public_page_shows_aggregates_by_area_and_category_with_small_counts_suppressed(english, tenant, world):
    # Public: Centrum 6 (4 of them at a place in a district of Centrum), Norrby 2; Klotter 5, Nedskräpning 3.
    world.incidents(4, category=world.klotter, place=world.hallplats, text="Hemlig beskrivning av händelsen")
    world.incidents(1, category=world.klotter, area=world.centrum, text="Hemlig beskrivning av händelsen")
    world.incidents(1, category=world.skrap, area=world.centrum)
    world.incidents(2, category=world.skrap, area=world.norr)
    # Internal reports must not count: they would lift Norrby and Nedskräpning over 5.
    world.incidents(4, category=world.skrap, area=world.norr, visibility=Visibility.COUNCIL)
    world.incidents(3, category=world.narkotika, area=world.norr, visibility=Visibility.POLICE)
    adopt(world)

    response = english.get(public_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert cells(html) == [
        ("Centrum", "6"),
        ("Norrby", "fewer than 5"),
        ("Klotter", "5"),
        ("Nedskräpning", "fewer than 5"),
    ]
    assert "<tfoot>" not in html, "a total (8) beside a suppressed count would reveal it"
    assert SUMMARY in html
    assert "Kommunstyrelsen" in html and "20 January 2026" in html
    for secret in (
        "Hemlig beskrivning",
        "Busshållplatsen",
        "Torgkvarteren",
        "57.78",
        "14.16",
        "narkotika",
        LAW_PARTS["crime_mapping"],
        LAW_PARTS["cause_analysis"],
    ):
        assert secret not in html, secret
    assert "<caption>" in html and 'scope="col"' in html


def test_a_table_shown_in_full_would_be_the_total_so_one_of_its_counts_is_held_back(english, tenant, world):
    world.incidents(7, category=world.klotter, area=world.centrum)
    world.incidents(2, category=world.klotter, area=world.norr)
    adopt(world)
    html = english.get(public_url()).content.decode()
    assert cells(html) == [("Centrum", "7"), ("Norrby", "fewer than 5"), ("Klotter", "not shown")]
    assert ">9<" not in html and ">2<" not in html


def test_total_is_shown_when_no_count_is_small(english, tenant, world):
    world.incidents(6, category=world.klotter, area=world.centrum)
    world.incidents(5, category=world.skrap, area=world.norr)
    adopt(world)
    html = english.get(public_url()).content.decode()
    assert cells(html) == [
        ("Centrum", "6"),
        ("Norrby", "5"),
        ("Total", "11"),
        ("Klotter", "6"),
        ("Nedskräpning", "5"),
        ("Total", "11"),
    ]


def test_public_page_reads_the_frozen_figures_and_never_incidents(client, tenant, world):
    world.incidents(6, category=world.klotter, area=world.centrum)
    adopt(world)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(public_url()).status_code == 200
    assert not [q["sql"] for q in queries if "situation_incident" in q["sql"]]


def test_without_an_adopted_picture_the_public_page_says_so(english, tenant, world):
    world.incidents(6, category=world.klotter, area=world.centrum)
    response = english.get(public_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "has not yet published an adopted situation picture" in html
    assert SUMMARY not in html and "<table" not in html


def test_public_page_of_an_unknown_municipality_is_not_found(client, db):
    assert client.get(public_url("finns-inte")).status_code == 404


def test_the_latest_adopted_picture_is_the_one_shown(english, tenant, world):
    adopt(world)
    newer = SituationPicture.objects.create(
        municipality=tenant.municipality,
        title="Lägesbild 2026",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        public_summary="Utkastets sammanfattning.",
        **LAW_PARTS,
    )
    html = english.get(public_url()).content.decode()
    assert SUMMARY in html and "Utkastets sammanfattning." not in html, "a draft is never public"
    assert service.latest_adopted_picture(municipality=tenant.municipality) == world.picture
    assert newer.status == SituationPicture.Status.DRAFT


def test_municipality_page_links_to_the_picture_only_once_one_is_adopted(english, tenant, world):
    municipality_page = reverse("councils:public-municipality", kwargs={"kommun": "testkoping"})
    assert public_url() not in english.get(municipality_page).content.decode()
    adopt(world)
    html = english.get(municipality_page).content.decode()
    assert f'href="{public_url()}"' in html
    assert "The situation picture for 2025" in html


def test_the_feed_has_an_entry_for_each_adopted_picture(client, tenant, world):
    adopt(world)
    SituationPicture.objects.create(
        municipality=tenant.municipality, title="Utkast", period_start=date(2026, 1, 1), period_end=date(2026, 12, 31)
    )
    response = client.get(reverse("pledges:feed", kwargs={"kommun": "testkoping"}), HTTP_ACCEPT_LANGUAGE="en")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo
    [entry] = parsed.entries
    with translation.override("sv"):  # the feed is in the portal's language, whoever asks
        assert entry.title == gettext("Situation picture adopted: %(title)s") % {"title": "Lägesbild 2025"}
    assert entry.link == f"http://testserver{public_url()}"
    assert entry.published_parsed[:3] == (2026, 1, 19)  # midnight in Stockholm is the evening before in UTC
    assert "Otryggheten är störst" in entry.summary


# ---- The PDF ----------------------------------------------------------------------------------------------


def _wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_the_adopted_picture_pdf_is_rendered_by_the_worker_with_parts_and_figures(client, tenant, celery_worker):
    world = World(tenant)
    problem = SituationProblem.objects.create(
        picture=world.picture, title="Klotter i Åby", evidence="Trygghetsvandring i Övre Åby, 38 rapporter."
    )
    problem.areas.set([world.centrum])
    world.incidents(6, category=world.klotter, area=world.centrum)
    world.incidents(2, category=world.skrap, area=world.norr)
    adopt(world)
    assert _wait_for(lambda: SituationPicture.objects.get(pk=world.picture.pk).pdf), "the worker never rendered it"

    client.force_login(tenant.users["member"])
    response = client.get(url("picture-pdf", tenant, pk=world.picture.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert "/StructTreeRoot" in reader.trailer["/Root"], "the PDF is not tagged"
    assert reader.trailer["/Root"]["/Lang"] == "sv"
    text = _pdf_text(data)
    compact = " ".join(text.split())
    assert "Lägesbild 2025" in text
    assert "Kommunstyrelsen" in text and "2026-01-20" in text
    for part in LAW_PARTS.values():
        assert part in compact, part
    assert "Klotter i Åby" in text and "Övre Åby, 38 rapporter." in compact
    assert "Klotter 6" in compact and "Nedskräpning 2" in compact and "Centrum 6" in compact
    assert "Kartläggning av brottsligheten" in text, "the headings are in Swedish"


def test_pdf_before_rendering_answers_202_and_then_the_file(client, tenant, celery_worker):
    world = World(tenant)
    adopt(world)
    assert _wait_for(lambda: SituationPicture.objects.get(pk=world.picture.pk).pdf)
    SituationPicture.objects.filter(pk=world.picture.pk).update(pdf="")
    client.force_login(tenant.coordinator)
    pdf_url = url("picture-pdf", tenant, pk=world.picture.pk)
    first = client.get(pdf_url)
    assert first.status_code in (200, 202)
    if first.status_code == 202:
        assert first["Retry-After"] == "2"
        assert 'hx-get="' + pdf_url in first.content.decode()
    assert _wait_for(lambda: SituationPicture.objects.get(pk=world.picture.pk).pdf)
    assert client.get(pdf_url).status_code == 200


def test_a_draft_has_no_pdf(client, tenant, world):
    client.force_login(tenant.coordinator)
    assert client.get(url("picture-pdf", tenant, pk=world.picture.pk)).status_code == 404


# ---- Suppression: no suppressed count can be worked out ----------------------------------------------------


def _published(cell_list):
    return [(cell["status"], cell["count"]) for cell in cell_list]


def _possible_values(categories, areas, public, bound=25):
    """Every value each hidden cell could have, given what is published: brute force over small tables."""
    published_categories, published_areas = public
    hidden = []
    for table_index, table in enumerate((published_categories, published_areas)):
        for cell_index, cell in enumerate(table):
            if cell["status"] == "suppressed":
                hidden.append((table_index, cell_index, range(1, 5)))
            elif cell["status"] == "withheld":
                hidden.append((table_index, cell_index, range(5, bound)))
    possible = {(t, c): set() for t, c, _ in hidden}
    for values in itertools.product(*(r for _, _, r in hidden)):
        filled = [[cell["count"] for cell in published_categories], [cell["count"] for cell in published_areas]]
        for (t, c, _), value in zip(hidden, values, strict=True):
            filled[t][c] = value
        if published_categories and sum(filled[0]) != sum(filled[1]):
            continue
        for (t, c, _), value in zip(hidden, values, strict=True):
            possible[(t, c)].add(value)
    return possible, hidden


def test_no_suppressed_count_can_be_worked_out_from_what_is_published():
    """Random small tables that count the same incidents: every suppressed count keeps two or more values."""
    rng = random.Random(2023196)
    for _ in range(400):
        total_categories = rng.randint(1, 3)
        total_areas = rng.randint(1, 3)
        incidents = [(rng.randrange(total_categories), rng.randrange(total_areas)) for _ in range(rng.randint(1, 20))]
        categories = [sum(1 for c, _ in incidents if c == i) for i in range(total_categories)]
        areas = [sum(1 for _, a in incidents if a == i) for i in range(total_areas)]
        categories, areas = [n for n in categories if n], [n for n in areas if n]
        tables, total = service._protect(
            [
                [{"name": str(i), "count": n} for i, n in enumerate(categories)],
                [{"name": str(i), "count": n} for i, n in enumerate(areas)],
            ]
        )
        published = [cell for table in tables for cell in table]
        assert all(cell["count"] is None for cell in published if cell["status"] != "shown")
        if any(cell["status"] == "suppressed" for cell in published):
            assert total is None
        else:
            assert total == sum(areas)
            continue
        possible, hidden = _possible_values(categories, areas, tables)
        for t, c, _ in hidden:
            if tables[t][c]["status"] == "suppressed":
                assert len(possible[(t, c)]) >= 2, (categories, areas, _published(tables[0]), _published(tables[1]))


def test_the_changes_list_shows_one_entry_per_problem_area_saved(english, tenant, world):
    english.force_login(tenant.coordinator)
    english.post(
        url("picture-problem-create", tenant, pk=world.picture.pk),
        {"title": "Klotter i centrum", "categories": [world.klotter.pk], "areas": [world.centrum.pk]},
    )
    page = english.get(url("picture-detail", tenant, pk=world.picture.pk)).content.decode()
    changes = page[page.index('id="changes"') :]
    assert changes.count("Problem area added: Klotter i centrum") == 1
    assert "Problem area changed" not in changes
    assert str(tenant.coordinator) in changes
