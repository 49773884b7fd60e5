"""The adopted plan for residents (HTML twin and PDF), version comparison, change history and measures as CSV."""

import io
import itertools
import re
import time
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from actionplans import csv_io, services
from actionplans.models import ActionPlan, Goal, Measure, ProblemArea
from tests.actionplans.conftest import started_plan
from tests.factories import OrganisationFactory

SLUG = "testkoping"
OE_MEASURE = "Röj buskage längs gångvägen vid Östra förskolan"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def adopt(plan, tenant, **decision):
    decision = {"body": "ks", "decision_date": date(2024, 3, 1), "paragraph": "45", "case_number": "KS 2024/123"} | (
        decision
    )
    services.plan_adopt(plan=plan, by=tenant.coordinator, **decision)
    plan.refresh_from_db()
    return plan


def add_measure(area, tenant, title, **fields):
    return services.measure_save(
        measure=Measure(problem_area=area), by=tenant.coordinator, version=None, fields={"title": title, **fields}
    )


def next_version(plan, tenant, title="Åtgärdsplan 2026–2027"):
    return services.plan_copy(
        plan=plan, by=tenant.coordinator, title=title, period_start=date(2026, 1, 1), period_end=date(2027, 12, 31)
    )


def url(name, **kwargs):
    return reverse(f"actionplans:{name}", kwargs={"kommun": SLUG, **kwargs})


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


class Outline(HTMLParser):
    """Headings in order, tables with their captions and header cells, ids and in-page links of a page."""

    def __init__(self):
        super().__init__()
        self.headings, self.tables, self.ids, self.anchors = [], [], set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and (attrs.get("href") or "").startswith("#"):
            self.anchors.append(attrs["href"][1:])
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "table":
            self.tables.append({"caption": False, "th_without_scope": 0})
        if tag == "caption" and self.tables:
            self.tables[-1]["caption"] = True
        if tag == "th" and self.tables and not attrs.get("scope"):
            self.tables[-1]["th_without_scope"] += 1


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


# -------------------------------------------------------------------------------------------------------------
# The public plan
# -------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_public_plan_shows_the_adopted_snapshot_not_later_edits(client, tenant, plan):
    add_measure(plan.problem_areas.order_by("order").first(), tenant, OE_MEASURE, cause="Skymd sikt på kvällen")
    adopt(plan, tenant)
    draft = next_version(plan, tenant)
    moved = Measure.objects.filter(problem_area__plan=draft, title=OE_MEASURE).get()
    services.measure_save(
        measure=moved, by=tenant.coordinator, version=moved.version, fields={"title": "Utkastets nya titel"}
    )
    # Even a change straight in the adopted plan's tables does not reach residents: they read the frozen content.
    Measure.objects.filter(problem_area__plan=plan, title__startswith="Åtgärd 2").update(title="Ändrad i tabellen")

    response = client.get(url("public-plan"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Åtgärdsplan 2024–2025" in page and "Åtgärdsplan 2026–2027" not in page
    assert OE_MEASURE in page and "Skymd sikt på kvällen" in page
    assert "Åtgärd 2: bättre belysning på Ågatan" in page
    assert "Utkastets nya titel" not in page and "Ändrad i tabellen" not in page
    assert "KS 2024/123" in page and "§ 45" in page and "1 mars 2024" in page
    assert "Lägesbild 2024" in page  # the situation picture the plan rests on
    assert "Färre otrygghetsrapporter vid torget" in page and "Testköpings kommun" in page
    assert url("public-plan-pdf") in page


@pytest.mark.django_db
def test_public_plan_is_structured_for_screen_readers(client, tenant, plan):
    adopt(plan, tenant)
    parsed = outline(client.get(url("public-plan")).content.decode())
    levels = parsed.headings
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), f"heading levels skip: {levels}"
    assert parsed.tables, "the measures are in tables"
    assert all(t["caption"] for t in parsed.tables), "every table has a caption"
    assert all(t["th_without_scope"] == 0 for t in parsed.tables), "every header cell has a scope"
    assert {"toc-heading", "beslut", "lagesbild", "omrade-1", "omrade-2"} <= parsed.ids
    missing = {a for a in parsed.anchors if a not in parsed.ids and a != "main"}
    assert not missing, f"contents links without a target: {missing}"


@pytest.mark.django_db
def test_public_plan_of_an_unpublished_municipality_is_404(client, tenant, plan):
    adopt(plan, tenant)
    tenant.municipality.is_published = False
    tenant.municipality.save()
    assert client.get(url("public-plan")).status_code == 404
    assert client.get(url("public-plan-pdf")).status_code == 404


@pytest.mark.django_db
def test_without_an_adopted_plan_the_page_says_so_and_there_is_no_pdf(client, tenant, plan):
    response = client.get(url("public-plan"), **EN)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Testköping has no adopted action plan published here yet." in page
    assert "Åtgärd 1" not in page  # a draft is never shown to residents
    assert client.get(url("public-plan-pdf")).status_code == 404


def test_public_pdf_is_rendered_by_the_worker_with_contents_and_page_numbers(
    client, tenant, celery_worker, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    plan = started_plan(tenant)
    add_measure(plan.problem_areas.order_by("order").first(), tenant, OE_MEASURE)
    adopt(plan, tenant)  # queues the rendering when the adoption commits

    deadline, response = time.monotonic() + 60, None
    while time.monotonic() < deadline:
        response = client.get(url("public-plan-pdf"))
        if response.status_code == 200:
            break
        assert response.status_code == 202
        time.sleep(0.3)
    assert response.status_code == 200, "the worker never rendered the PDF"
    assert response["Content-Type"] == "application/pdf"
    assert "inline" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert "/StructTreeRoot" in reader.trailer["/Root"], "the PDF is not tagged"
    assert len(reader.pages) > 1
    text = _pdf_text(data)
    assert "Åtgärdsplan 2024–2025" in text
    assert "KS 2024/123" in text and "§ 45" in text and "2024-03-01" in text
    assert OE_MEASURE.replace(" ", "") in "".join(text.split())  # table cells wrap anywhere
    assert "Innehåll" in text  # the table of contents
    assert re.search(r"\b1 / \d+", text), "pages are numbered “1 / n”"


@pytest.mark.django_db
def test_public_pdf_answers_202_until_rendered_then_serves_it(client, tenant, plan, settings, tmp_path):
    from actionplans.tasks import render_plan_pdf_task

    settings.MEDIA_ROOT = str(tmp_path)
    adopt(plan, tenant)  # in a test transaction the rendering is never queued on commit
    pending = client.get(url("public-plan-pdf"))
    assert pending.status_code == 202
    assert pending["Retry-After"] == "2"
    assert 'hx-get="' + url("public-plan-pdf") + '"' in pending.content.decode()
    assert client.get(url("public-plan-pdf"), HTTP_HX_REQUEST="true").status_code == 204

    render_plan_pdf_task(plan.pk)
    assert client.get(url("public-plan-pdf"), HTTP_HX_REQUEST="true")["HX-Redirect"] == url("public-plan-pdf")
    ready = client.get(url("public-plan-pdf"))
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf"

    # A PDF of other content (an older rendering) is not served as this plan's.
    ActionPlan.objects.filter(pk=plan.pk).update(pdf_key="0" * 64)
    assert client.get(url("public-plan-pdf")).status_code == 202


@pytest.mark.django_db
def test_markup_in_a_measure_title_is_text_in_the_plan_pdf(tenant, plan):
    from actionplans.pdf import plan_pdf

    hostile = '<img src="file:///etc/passwd">'
    add_measure(plan.problem_areas.order_by("order").first(), tenant, hostile)
    adopt(plan, tenant)
    with translation.override("sv"):
        text = _pdf_text(plan_pdf(plan, plan.snapshot))
    assert '<imgsrc="file:///etc/passwd">' in "".join(text.split())
    assert "root:x:0:0" not in text


# -------------------------------------------------------------------------------------------------------------
# Version comparison
# -------------------------------------------------------------------------------------------------------------


def _two_versions(tenant, plan):
    adopt(plan, tenant)
    second = next_version(plan, tenant)
    first_area = second.problem_areas.order_by("order").first()
    one = Measure.objects.get(problem_area=first_area, title__startswith="Åtgärd 1")
    services.measure_save(
        measure=one, by=tenant.coordinator, version=one.version, fields={"end_date": date(2025, 6, 30)}
    )
    Measure.objects.get(problem_area=first_area, title__startswith="Åtgärd 2").delete()
    add_measure(first_area, tenant, "Kameror vid resecentrum")
    ProblemArea.objects.create(plan=second, title="Klotter i skolmiljö", order=5)
    adopt(second, tenant, decision_date=date(2026, 2, 1), case_number="KS 2026/7")
    return plan, second


@pytest.mark.django_db
def test_comparison_lists_added_removed_and_changed_with_old_and_new_values(client, tenant, plan):
    first, second = _two_versions(tenant, plan)
    client.force_login(tenant.users["member"])
    response = client.get(url("plan-compare"), **EN)
    assert response.status_code == 200
    assert (response.context["old"], response.context["new"]) == (first, second)  # previous and current by default
    areas = {a["area"]: a for a in response.context["areas"]}
    assert areas["Klotter i skolmiljö"]["change"] == "added"
    assert areas["Narkotika bland unga"]["change"] == "same"
    measures = {m["title"]: m for m in areas["Otrygghet i centrum"]["measures"]}
    assert measures["Kameror vid resecentrum"]["change"] == "added"
    assert measures["Åtgärd 2: bättre belysning på Ågatan"]["change"] == "removed"
    changed = measures["Åtgärd 1: bättre belysning på Ågatan"]
    assert [(f["label"], f["old_display"], f["new_display"]) for f in changed["fields"]] == [
        ("End", "2024-12-31", "2025-06-30")
    ]
    page = response.content.decode()
    row = re.search(r'<tr class="measure-changed">(.*?)</tr>', page, re.S).group(1)
    assert "Åtgärd 1: bättre belysning på Ågatan" in row and re.search(r"2024-12-31.*→.*2025-06-30", row, re.S)
    assert "KS 2024/123" in page and "KS 2026/7" in page
    assert re.search(r'<tr class="measure-added">.*?Kameror vid resecentrum.*?Added', page, re.S)
    assert re.search(r'<tr class="measure-removed">.*?Åtgärd 2: bättre belysning.*?Removed', page, re.S)

    swapped = client.get(url("plan-compare"), {"fran": second.pk, "till": first.pk})
    assert swapped.context["old"] == second and swapped.context["new"] == first


@pytest.mark.django_db
def test_a_draft_cannot_be_compared_and_another_municipalitys_plan_is_404(client, tenant, plan):
    first, second = _two_versions(tenant, plan)
    draft = next_version(second, tenant, title="Åtgärdsplan 2028")
    client.force_login(tenant.coordinator)
    response = client.get(url("plan-compare"), {"fran": draft.pk, "till": second.pk}, **EN)
    assert response.status_code == 200
    assert "is a draft: only adopted versions can be compared" in response.content.decode()
    assert response.context["old"] == first  # the default takes its place

    other = ActionPlan.objects.create(
        municipality=tenant.other_municipality,
        title="Grannbys plan",
        period_start=date(2024, 1, 1),
        period_end=date(2025, 1, 1),
        status="superseded",
        body="ks",
        decision_date=date(2024, 1, 1),
        snapshot={"problem_areas": []},
    )
    assert client.get(url("plan-compare"), {"fran": other.pk, "till": second.pk}).status_code == 404
    assert client.get(url("plan-compare"), {"fran": "x"}).status_code == 404


@pytest.mark.django_db
def test_comparison_with_fewer_than_two_versions_says_so(client, tenant, plan):
    client.force_login(tenant.coordinator)
    response = client.get(url("plan-compare"), **EN)
    assert response.status_code == 200 and response.context["not_enough"]
    assert "Comparing needs at least two adopted versions" in response.content.decode()


# -------------------------------------------------------------------------------------------------------------
# History
# -------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_history_lists_a_measure_edit_with_who_and_old_and_new(client, tenant, plan):
    police = tenant.users["police"]
    police.full_name = "Polisen Östlund"
    police.save()
    measure = Measure.objects.get(title__startswith="Åtgärd 1")
    services.measure_save(
        measure=measure,
        by=police,
        version=measure.version,
        fields={"title": "Belysning längs Ågatan", "responsible_organisation": None, "status": "red"},
    )
    client.force_login(tenant.users["member"])
    response = client.get(url("plan-history", pk=plan.pk), **EN)
    assert response.status_code == 200
    newest = response.context["entries"][0]
    assert newest.user == police and newest.model is Measure and newest.action == "~"
    changes = {c["field"]: (str(c["old"]), str(c["new"])) for c in newest.changes}
    assert changes["Measure"] == ("Åtgärd 1: bättre belysning på Ågatan", "Belysning längs Ågatan")
    assert changes["Responsible organisation"] == ("Testköpings kommun", "")
    assert changes["Status"] == ("Green: on track", "Red: off track")
    page = response.content.decode()
    assert "Polisen Östlund" in page
    assert "Åtgärd 1: bättre belysning på Ågatan → Belysning längs Ågatan" in page
    kinds = {(e.model.__name__, e.action) for e in response.context["entries"]}
    assert {("ActionPlan", "+"), ("ProblemArea", "+"), ("Goal", "+"), ("Measure", "+")} <= kinds


@pytest.mark.django_db
def test_history_page_queries_do_not_grow_with_the_number_of_changes(client, tenant, plan):
    client.force_login(tenant.coordinator)
    area = plan.problem_areas.order_by("order").first()
    org = OrganisationFactory(municipality=tenant.municipality, name="Räddningstjänsten")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("plan-history", pk=plan.pk)).status_code == 200
        return len(ctx.captured_queries)

    for n in range(3):
        m = add_measure(area, tenant, f"Tidig {n}", owner=tenant.users["member"])
        services.measure_save(
            measure=m, by=tenant.users["police"], version=m.version, fields={"responsible_organisation": org}
        )
    few = count()
    for n in range(20):
        m = add_measure(area, tenant, f"Sen {n}", owner=tenant.users["member"])
        services.measure_save(
            measure=m, by=tenant.users["police"], version=m.version, fields={"responsible_organisation": org}
        )
    assert count() == few


# -------------------------------------------------------------------------------------------------------------
# CSV export and import
# -------------------------------------------------------------------------------------------------------------


def _rich_plan(tenant, plan):
    """Every column of the CSV carries a value somewhere, with å ä ö and a formula-like title."""
    area = plan.problem_areas.order_by("order").last()
    goal = Goal.objects.create(problem_area=area, title="Färre unga i missbruk")
    police_org = OrganisationFactory(municipality=tenant.municipality, name="Polisen LPO Testköping")
    add_measure(
        area,
        tenant,
        "=Föräldravandringar; helger",
        cause='Vuxna saknas ute "på kvällarna"\noch i helgerna',
        goal=goal,
        kind="social",
        term="long",
        responsible_organisation=police_org,
        owner=tenant.users["police"],
        start_date=date(2024, 5, 1),
        end_date=date(2025, 5, 1),
        status="yellow",
        percent_done=35,
        weight=Decimal("2.5"),
        planned_cost=Decimal("15000"),
        planned_hours=Decimal("120.5"),
    )
    return plan


def _export(client, plan) -> str:
    response = client.get(url("measures-export", pk=plan.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return body


def _upload(client, plan, content: str, create_missing=False, **extra):
    upload = io.BytesIO(content.encode("utf-8"))
    upload.name = "atgarder.csv"
    data = {"file": upload}
    if create_missing:
        data["create_missing"] = "on"
    return client.post(url("measures-import", pk=plan.pk), data, **extra)


def _confirm(client, plan, preview_response):
    confirm = preview_response.context["confirm"]
    assert confirm is not None, "the preview offers no import"
    data = {"confirm": "1", "content": confirm.initial["content"], "create_missing": confirm.initial["create_missing"]}
    return client.post(url("measures-import", pk=plan.pk), data)


def _measure_rows(plan):
    return list(
        Measure.objects.filter(problem_area__plan=plan)
        .order_by("problem_area__order", "id")
        .values_list("problem_area__title", "title", "owner__email", "status", "percent_done", "weight", "kind", "term")
    )


@pytest.mark.django_db
def test_export_writes_one_swedish_row_per_measure(client, tenant, plan):
    _rich_plan(tenant, plan)
    client.force_login(tenant.users["member"])
    body = _export(client, plan)
    lines = body.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Problemområde;Operativt mål;Åtgärd;Orsak;Typ;Tidsperspektiv;Ansvarig organisation;")
    assert "'=Föräldravandringar; helger" in body  # quoted (it holds a ;) and made harmless for Excel
    assert "2024-05-01;2025-05-01" in body and ";35;2,50;15000;120,5" in body
    assert "Polisen LPO Testköping" in body and tenant.users["police"].email in body
    assert body.count("\r\n") >= 4


@pytest.mark.django_db
def test_csv_round_trip_into_the_same_plan_changes_nothing(client, tenant, plan):
    _rich_plan(tenant, plan)
    client.force_login(tenant.coordinator)
    before = services.plan_snapshot(plan)
    rows_before = _measure_rows(plan)
    history_before = Measure.history.count()
    body = _export(client, plan)

    preview = csv_io.measures_import_preview(plan=plan, content=body)
    assert preview.is_clean and [r.action for r in preview.rows] == ["unchanged"] * 3
    response = _upload(client, plan, body, **EN)
    assert response.status_code == 200 and response.context["confirm"] is None
    assert "The file matches the plan: there is nothing to import." in response.content.decode()
    result = csv_io.measures_import(plan=plan, by=tenant.coordinator, content=body)
    assert result.is_clean and result.updated == 0 and result.created == 0

    assert services.plan_snapshot(plan) == before
    assert _measure_rows(plan) == rows_before
    assert Measure.history.count() == history_before


@pytest.mark.django_db
def test_export_from_one_plan_imported_into_an_empty_copy_gives_the_same_measures(client, tenant, plan):
    _rich_plan(tenant, plan)
    empty = services.plan_start_from_picture(
        picture=plan.situation_picture,
        by=tenant.coordinator,
        title="Tom kopia",
        period_start=date(2024, 1, 1),
        period_end=date(2025, 12, 31),
    )
    empty.problem_areas.filter(title="Narkotika bland unga").delete()  # to be created by the import
    client.force_login(tenant.users["police"])
    body = _export(client, plan)

    preview = _upload(client, empty, body, create_missing=True, **EN)
    assert preview.status_code == 200
    assert preview.context["preview"].new_areas == ["Narkotika bland unga"]
    assert sorted(g for _a, g in preview.context["preview"].new_goals) == [
        "Färre otrygghetsrapporter vid torget",
        "Färre unga i missbruk",
    ]
    assert "These problem areas will be created:" in preview.content.decode()
    assert Measure.objects.filter(problem_area__plan=empty).count() == 0  # nothing before the confirmation
    done = _confirm(client, empty, preview)
    assert done.status_code == 302 and done["Location"] == url("plan-detail", pk=empty.pk)

    source, copy = services.plan_snapshot(plan), services.plan_snapshot(empty)
    assert [a["title"] for a in copy["problem_areas"]] == [a["title"] for a in source["problem_areas"]]
    assert [a["measures"] for a in copy["problem_areas"]] == [a["measures"] for a in source["problem_areas"]]
    assert _measure_rows(empty) == _measure_rows(plan)
    assert Measure.history.filter(problem_area__plan=empty).first().history_user == tenant.users["police"]


BAD_ROWS = [
    # (cells after the header, what the message says)
    ("Okänt område;;Åtgärd A;;;;;;;;;;;;", "has no problem area “Okänt område”"),
    ("Otrygghet i centrum;;Åtgärd B;;;;Okänd förvaltning;;;;;;;;", "has no organisation called “Okänd förvaltning”"),
    ("Otrygghet i centrum;;Åtgärd C;;;;;ingen@example.org;;;;;;;", "“ingen@example.org” has a role in Testköping"),
    ("Otrygghet i centrum;;Åtgärd D;;;;;;2024-13-01;;;;;;", "“2024-13-01” is not a date"),
    ("Otrygghet i centrum;;Åtgärd E;;;;;;2024-05-01;2024-04-01;;;;;", "cannot end before it starts"),
    ("Otrygghet i centrum;;Åtgärd F;;;;;;;;lila;;;;", "“lila” is not one of"),
    ("Otrygghet i centrum;;Åtgärd G;;hemlig;;;;;;;;;;", "“hemlig” is not one of"),
    ("Otrygghet i centrum;;Åtgärd H;;;evig;;;;;;;;;", "“evig” is not one of"),
    ("Otrygghet i centrum;;Åtgärd I;;;;;;;;;;;-500;", "cannot be negative"),
    ("Otrygghet i centrum;;Åtgärd J;;;;;;;;;;;;-2", "cannot be negative"),
    ("Otrygghet i centrum;;Åtgärd K;;;;;;;;;150;;;", "“150” is not a whole number from 0 to 100"),
    ("Otrygghet i centrum;;Åtgärd L;;;;;;;;;;;mycket;", "“mycket” is not a number"),
    ("Otrygghet i centrum;Okänt mål;Åtgärd M;;;;;;;;;;;;", "has no goal “Okänt mål”"),
    ("Otrygghet i centrum;;;;;;;;;;;;;;", "The measure has no title."),
    ("Otrygghet i centrum;;Ny åtgärd;;;;;;;;;;;;", "is also on line 2"),
]


@pytest.mark.django_db
def test_import_lists_every_bad_row_by_line_and_writes_nothing(client, tenant, plan):
    with translation.override("sv"):
        header = ";".join(csv_io.header_labels("sv"))
    good = "Otrygghet i centrum;;Ny åtgärd;;;;;;;;;;;;"
    content = "\r\n".join([header, good] + [cells for cells, _message in BAD_ROWS]) + "\r\n"
    before = services.plan_snapshot(plan)
    client.force_login(tenant.coordinator)

    response = _upload(client, plan, content, **EN)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [e.line for e in preview.row_errors] == list(range(3, 3 + len(BAD_ROWS)))
    for error, (cells, expected) in zip(preview.row_errors, BAD_ROWS, strict=True):
        assert any(expected in m for m in error.messages), f"line {error.line} ({cells}): {error.messages}"
    assert response.context["confirm"] is None
    page = response.content.decode()
    assert '<tr data-line="3">' in page and "Nothing was saved" in page

    # A hand-made confirmation of the same file is checked again and refused.
    forged = client.post(
        url("measures-import", pk=plan.pk),
        {"confirm": "1", "content": csv_io_b64(content), "create_missing": "False"},
    )
    assert forged.status_code == 200 and forged.context["preview"].row_errors
    assert services.plan_snapshot(plan) == before
    assert not ProblemArea.objects.filter(title="Okänt område").exists()


def csv_io_b64(text):
    from actionplans.forms_more import MeasuresImportConfirmForm

    return MeasuresImportConfirmForm.encode(text)


@pytest.mark.django_db
def test_import_refuses_a_file_without_the_required_columns(client, tenant, plan):
    with translation.override("en"):
        preview = csv_io.measures_import_preview(plan=plan, content="Titel;Färg\nx;y\n")
    assert any("does not know: Titel, Färg" in m for m in preview.file_errors)
    assert any("lacks the columns: Problem area, Measure" in m for m in preview.file_errors)
    with translation.override("en"):
        assert csv_io.measures_import_preview(plan=plan, content="").file_errors == ["The file is empty."]


@pytest.mark.django_db
def test_import_updates_matching_measures_and_creates_the_others(client, tenant, plan):
    member = tenant.users["member"]
    content = (
        "problem area;measure;status;progress (%);planned cost (SEK);owner (e-mail)\n"
        f"otrygghet i centrum;Åtgärd 1: bättre belysning på Ågatan;Gul;40;12 500;{member.email.upper()}\n"
        "Otrygghet i centrum;Trygghetsvandring i Östra;;;;\n"
    )
    with translation.override("en"):
        preview = csv_io.measures_import_preview(plan=plan, content=content)
    assert preview.is_clean, preview.row_errors
    assert [r.action for r in preview.rows] == ["update", "create"]
    assert {c["field"] for c in preview.rows[0].changes} == {"Status", "Progress (%)", "Planned cost (SEK)"}
    csv_io.measures_import(plan=plan, by=tenant.coordinator, content=content)
    updated = Measure.objects.get(title="Åtgärd 1: bättre belysning på Ågatan")
    assert (updated.status, updated.percent_done, updated.planned_cost) == ("yellow", 40, Decimal("12500"))
    assert updated.weight == Decimal("1") and updated.goal is not None  # columns not in the file are kept
    assert Measure.objects.filter(problem_area__plan=plan, title="Trygghetsvandring i Östra").exists()


@pytest.mark.django_db
def test_import_is_for_draft_plans_only(client, tenant, plan):
    adopt(plan, tenant)
    client.force_login(tenant.coordinator)
    assert client.get(url("measures-import", pk=plan.pk))["Location"] == url("plan-detail", pk=plan.pk)
    response = _upload(client, plan, "Problemområde;Åtgärd\nOtrygghet i centrum;Ny\n")
    assert response.status_code == 302
    assert not Measure.objects.filter(title="Ny").exists()


# -------------------------------------------------------------------------------------------------------------
# Permissions
# -------------------------------------------------------------------------------------------------------------

STAFF_PAGES = ["plan-history", "measures-export", "measures-import"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("reporter", {"plan-compare": 403, "plan-history": 403, "measures-export": 403, "measures-import": 403}),
        ("member", {"plan-compare": 200, "plan-history": 200, "measures-export": 200, "measures-import": 403}),
        ("police", {"plan-compare": 200, "plan-history": 200, "measures-export": 200, "measures-import": 200}),
        ("coordinator", {"plan-compare": 200, "plan-history": 200, "measures-export": 200, "measures-import": 200}),
        (
            "other_coordinator",
            {"plan-compare": 403, "plan-history": 403, "measures-export": 403, "measures-import": 403},
        ),
        ("superuser", {"plan-compare": 200, "plan-history": 200, "measures-export": 200, "measures-import": 200}),
    ],
)
def test_staff_pages_by_role(client, tenant, plan, role, expected):
    client.force_login(tenant.users[role])
    got = {"plan-compare": client.get(url("plan-compare")).status_code}
    for name in STAFF_PAGES:
        got[name] = client.get(url(name, pk=plan.pk)).status_code
    assert got == expected
    upload = _upload(client, plan, "Problemområde;Åtgärd\nOtrygghet i centrum;Obehörig\n")
    assert upload.status_code == (200 if expected["measures-import"] == 200 else 403)
    assert not Measure.objects.filter(title="Obehörig").exists()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client, tenant, plan):
    for response in [client.get(url("plan-compare"))] + [client.get(url(n, pk=plan.pk)) for n in STAFF_PAGES]:
        assert response.status_code == 302 and response["Location"].startswith("/konto/logga-in/")


@pytest.mark.django_db
def test_another_municipalitys_plan_answers_404_under_ones_own(client, tenant, plan):
    client.force_login(tenant.users["other_coordinator"])
    for name in STAFF_PAGES:
        own = reverse(f"actionplans:{name}", kwargs={"kommun": "grannby", "pk": plan.pk})
        assert client.get(own).status_code == 404, name
    compare = reverse("actionplans:plan-compare", kwargs={"kommun": "grannby"})
    assert client.get(compare, {"fran": plan.pk}).status_code == 404
    assert _upload(client, plan, "Problemområde;Åtgärd\nOtrygghet i centrum;Obehörig\n").status_code == 403
