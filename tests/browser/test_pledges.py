"""Citizen pledges in the browser: autosaved follow-up rows on a phone, approval, the public page and its PDF.

The follow-up rows save themselves with htmx (static/js/autosave.js keeps unsent text in localStorage), the
coordinator approves, a real Celery worker renders the PDF and residents download it; axe checks the pages.
"""

import io
import json
import re
import time
from decimal import Decimal

import pypdf
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from pledges import services
from pledges.models import FollowUpRevision, ProgressRow
from tests.browser.conftest import PHONE, axe_violations, describe_violations, load_axe
from tests.pledges.conftest import build_pledge, published_follow_up

pytestmark = pytest.mark.browser

SAVED = re.compile(r"^Sparat \d{2}:\d{2}$")
OFFLINE_TEXT = "Inte sparat ännu: ingen anslutning."
# The worker renders a PDF in a second or two; the first one in a process also loads WeasyPrint's fonts.
PDF_TIMEOUT_S = 30


def _wait_for(condition, timeout=PDF_TIMEOUT_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _compact(text):
    """Text without whitespace: table cells in the PDF wrap anywhere."""
    return "".join(text.split())


def _pdf_text(data):
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def _edit_url(live_server, follow_up):
    kwargs = {"kommun": "testkoping", "pk": follow_up.pk}
    return live_server.url + reverse("pledges:follow-up-edit", kwargs=kwargs)


def _public_follow_up_url(live_server, follow_up, suffix="/"):
    kwargs = {"kommun": "testkoping", "pk": follow_up.pledge_id, "year": follow_up.year, "tertial": follow_up.tertial}
    url = live_server.url + reverse("pledges:public-follow-up", kwargs=kwargs)
    return url if suffix == "/" else url.rstrip("/") + suffix


def _rows(follow_up, responsible):
    return list(ProgressRow.objects.filter(follow_up=follow_up, activity__responsible=responsible).order_by("pk"))


def _status(page, row):
    """The row's save status. The status <select> gets the same id from ProgressRowForm; the class tells them apart."""
    return page.locator(f"#row-{row.pk}-status.row-status")


def _narrative(page, row):
    return page.locator(f"textarea[name=row{row.pk}-narrative]")


# Installed in a page before it loads: counts htmx requests under way and remembers the last keystroke, so
# that a test can wait until autosave has nothing left to send (the typed text goes 1.2 s after the last
# input; leaving a changed field sends it at once). A request still running when a test ends would reach
# the database while the test's data is being flushed.
WATCH_AUTOSAVES = """
(() => {
  let underWay = 0, lastInput = 0;
  document.addEventListener("htmx:beforeRequest", () => { underWay += 1; });
  document.addEventListener("htmx:afterRequest", () => { underWay -= 1; });
  document.addEventListener("input", () => { lastInput = Date.now(); }, true);
  window.autosaveIdle = () => underWay === 0 && Date.now() - lastInput > 1400;
})();
"""


def _watch_autosaves(page):
    page.add_init_script(WATCH_AUTOSAVES)
    return page


def _wait_until_autosave_is_idle(page):
    page.wait_for_function("() => window.autosaveIdle()")


def _fill_rows_and_wait_for_autosave(page, rows, status, achieved, narratives):
    """Fill in rows like a person does (no save button) and wait until each row's status says it is saved."""
    for row, narrative in zip(rows, narratives, strict=True):
        page.select_option(f"select[name=row{row.pk}-status]", status)
        page.fill(f"input[name=row{row.pk}-achieved]", str(achieved))
        _narrative(page, row).fill(narrative)
    _narrative(page, rows[-1]).blur()
    _wait_until_autosave_is_idle(page)
    for row in rows:
        expect(_status(page, row)).to_have_text(SAVED)
        assert _draft(page, row) is None, "a saved row's draft is left in localStorage"


def _draft(page, row):
    key = f"bra-autosave:{page.evaluate('location.pathname')}:row-{row.pk}"
    stored = page.evaluate("(key) => localStorage.getItem(key)", key)
    return json.loads(stored)["values"] if stored else None


@pytest.fixture
def media(settings, tmp_path):
    """PDFs rendered by the worker go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def no_pdf_queue(monkeypatch):
    """Tests without a worker: nothing is queued for a worker of a later test (the PDF stays pending)."""
    from pledges.tasks import render_follow_up_pdf_task

    monkeypatch.setattr(render_follow_up_pdf_task, "delay", lambda *args, **kwargs: None)


@pytest.fixture
def open_follow_up(tenant):
    """A published pledge (two focus areas, each a police and a municipal activity) and its empty T1 follow-up."""
    pledge = build_pledge(tenant.municipality)
    services.pledge_publish(pledge=pledge, by=tenant.coordinator)
    return pledge.follow_ups.get(year=2025, tertial=1)


POLICE_TEXTS = [
    "Trygghetsvandring på Östra ängen med fältassistenterna; Åsa från bostadsbolaget deltog.",
    "Två dialogmöten i Ödeshögs skola om nätmobbning och årskurs 9:s trygghet.",
]
MUNICIPAL_TEXTS = [
    "Belysningen vid gångtunneln är utbytt och buskarna är klippta.",
    "Fritidsgården har öppet även på fredagar under våren.",
]


def test_police_and_coordinator_fill_in_on_phones_approve_and_residents_get_the_pdf(
    live_server, tenant, open_follow_up, celery_worker, media, new_page, login, force_login
):
    follow_up = open_follow_up
    police_rows, municipal_rows = _rows(follow_up, "police"), _rows(follow_up, "municipality")
    assert len(police_rows) == len(municipal_rows) == 2

    # The police liaison logs in on a phone and fills in the police rows; nothing is clicked to save them.
    police = _watch_autosaves(new_page(viewport=PHONE))
    login(police, tenant.users["police"])
    police.goto(_edit_url(live_server, follow_up))
    assert police.locator("form[data-autosave]").count() == len(police_rows)
    for row in municipal_rows:
        assert police.locator(f"#row-{row.pk} form").count() == 0, "a municipal row is editable for the police"
    _fill_rows_and_wait_for_autosave(police, police_rows, "ongoing", 3, POLICE_TEXTS)
    # The status select survives its own autosave (it once shared the status element's id and was swapped away).
    for row in police_rows:
        expect(police.locator(f"select[name=row{row.pk}-status]")).to_have_value("ongoing")
    for row, text in zip(police_rows, POLICE_TEXTS, strict=True):
        row.refresh_from_db()
        assert (row.status, row.achieved, row.narrative, row.updated_by) == (
            "ongoing",
            Decimal(3),
            text,
            tenant.users["police"],
        )

    # The coordinator, on another phone, sees the police text, fills in the municipal rows and approves.
    coordinator = force_login(_watch_autosaves(new_page(viewport=PHONE)), tenant.coordinator)
    coordinator.goto(_edit_url(live_server, follow_up))
    expect(coordinator.locator(f"#row-{police_rows[0].pk}")).to_contain_text(POLICE_TEXTS[0])
    summary = coordinator.locator("#missing-summary")
    expect(summary.locator("h2")).to_have_text("2 rader kvar att fylla i")
    expect(summary.locator("li")).to_have_count(2)
    _fill_rows_and_wait_for_autosave(coordinator, municipal_rows, "done", 1, MUNICIPAL_TEXTS)
    # The summary at the top follows the autosaves without a reload.
    expect(summary.locator("h2")).to_have_text("Alla rader är ifyllda")
    expect(summary.locator("li")).to_have_count(0)
    with coordinator.expect_navigation():
        coordinator.get_by_role("button", name="Godkänn och publicera").click()
    expect(coordinator.locator("main .messages .alert-success")).to_have_text(
        "Uppföljningen är godkänd och publicerad."
    )
    follow_up.refresh_from_db()
    assert follow_up.status == "published"
    revision = follow_up.revisions.get()
    for row in municipal_rows:
        row.refresh_from_db()
        assert row.updated_by == tenant.coordinator

    # A resident reads the published follow-up and downloads its PDF, rendered by the worker.
    resident = new_page(viewport=PHONE)
    response = resident.goto(_public_follow_up_url(live_server, follow_up))
    assert response.status == 200
    for text in POLICE_TEXTS + MUNICIPAL_TEXTS:
        expect(resident.locator("main")).to_contain_text(text)
    link = resident.get_by_role("link", name="Ladda ner som PDF")
    pdf_url = _public_follow_up_url(live_server, follow_up, suffix=".pdf")
    assert live_server.url + link.get_attribute("href") == pdf_url
    assert _wait_for(lambda: FollowUpRevision.objects.get(pk=revision.pk).pdf), "the worker never rendered the PDF"
    # The PDF is served inline and Chromium shows it in its viewer: no download event, and the navigation's
    # body is the viewer's wrapper. Its headers are the portal's; the bytes are fetched again with the
    # resident's cookies.
    with resident.expect_response(lambda r: r.url == pdf_url and r.request.is_navigation_request()) as opened:
        link.click()
    assert opened.value.status == 200
    assert opened.value.headers["content-type"] == "application/pdf"
    assert opened.value.headers["content-disposition"].startswith("inline;")
    fetched = resident.request.get(pdf_url)
    assert (fetched.status, fetched.headers["content-type"]) == (200, "application/pdf")
    data = fetched.body()
    assert data.startswith(b"%PDF-")
    text = _compact(_pdf_text(data))
    for narrative in POLICE_TEXTS + MUNICIPAL_TEXTS:
        assert _compact(narrative) in text, f"{narrative!r} is not in the PDF"
    assert "Uppföljning T1 2025" in _pdf_text(data)


def test_pdf_page_waits_for_the_worker_and_then_downloads_the_pdf(
    live_server, tenant, celery_worker, media, new_page, monkeypatch
):
    from pledges.tasks import render_follow_up_pdf_task

    # Published while the broker was unreachable: nothing was queued, there is no PDF yet.
    with monkeypatch.context() as broker_down:
        broker_down.setattr(render_follow_up_pdf_task, "delay", lambda *args, **kwargs: None)
        _pledge, follow_up, revision = published_follow_up(tenant.municipality, tenant.coordinator)
    assert not FollowUpRevision.objects.get(pk=revision.pk).pdf

    resident = new_page(viewport=PHONE)
    pdf_url = _public_follow_up_url(live_server, follow_up, suffix=".pdf")
    response = resident.goto(pdf_url)
    assert response.status == 202
    expect(resident.locator("h1")).to_have_text("PDF:en förbereds")
    # The page asks again every 2 s; the view queued the rendering, and once the worker is done the page
    # goes to the PDF by itself (Chromium shows it in its viewer).
    with resident.expect_response(
        lambda r: r.url == pdf_url and r.request.is_navigation_request() and r.status == 200,
        timeout=PDF_TIMEOUT_S * 1000,
    ) as opened:
        pass
    assert opened.value.headers["content-type"] == "application/pdf"
    fetched = resident.request.get(pdf_url)
    assert (fetched.status, fetched.headers["content-type"]) == (200, "application/pdf")
    assert "Åsgatan" in _pdf_text(fetched.body())


def test_text_typed_without_a_connection_is_kept_and_saved_when_it_returns(
    live_server, tenant, open_follow_up, page, force_login
):
    first, second = _rows(open_follow_up, "police")
    _watch_autosaves(page)
    force_login(page, tenant.users["police"])
    page.goto(_edit_url(live_server, open_follow_up))

    # The connection drops while the liaison types: the status says so and the text is kept in the browser.
    page.context.set_offline(True)
    offline_text = "Skrivet i källaren utan täckning: Åsa, Örjan och Ärlan var med."
    _narrative(page, first).press_sequentially(offline_text)
    expect(_status(page, first)).to_contain_text(OFFLINE_TEXT)
    assert _draft(page, first)[f"row{first.pk}-narrative"] == offline_text
    first.refresh_from_db()
    assert first.narrative == ""

    # Back online: the kept text is sent by itself.
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(_status(page, first)).to_have_text(SAVED)
    first.refresh_from_db()
    assert (first.narrative, first.updated_by) == (offline_text, tenant.users["police"])
    assert _draft(page, first) is None

    # Offline again, with text in another row; then the page is reloaded before anything reached the server.
    # (An offline browser cannot reload; the saves are held back instead, so the text can only come from
    # localStorage.)
    page.context.set_offline(True)
    reload_text = "Utkast som överlever en omladdning: ängsmark, åkrar och ödegårdar."
    _narrative(page, second).fill(reload_text)
    expect(_status(page, second)).to_contain_text(OFFLINE_TEXT)
    page.route("**/rader/**", lambda route: route.abort("internetdisconnected"))
    page.context.set_offline(False)
    page.reload()
    expect(_narrative(page, second)).to_have_value(reload_text)
    expect(_status(page, second)).to_contain_text(OFFLINE_TEXT)
    second.refresh_from_db()
    assert second.narrative == ""
    page.unroute("**/rader/**")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(_status(page, second)).to_have_text(SAVED)
    _wait_until_autosave_is_idle(page)
    second.refresh_from_db()
    assert second.narrative == reload_text
    assert _draft(page, first) is None and _draft(page, second) is None


def test_after_a_conflict_a_reload_shows_the_other_version_and_does_not_send_the_draft_over_it(
    live_server, tenant, open_follow_up, page, force_login
):
    row = _rows(open_follow_up, "police")[0]
    _watch_autosaves(page)
    force_login(page, tenant.users["police"])
    page.goto(_edit_url(live_server, open_follow_up))
    # Someone else saves the row after this page was loaded.
    theirs = "Klart: fyra vandringar, skrev Åke på Östra ängen."
    services.row_save(
        row_id=row.pk, by=tenant.users["superuser"], status="done", achieved=4, narrative=theirs, version=0
    )

    _narrative(page, row).fill("Min egen text om ängen.")
    _narrative(page, row).blur()
    _wait_until_autosave_is_idle(page)
    expect(_status(page, row)).to_contain_text("Inte sparat:")
    expect(_status(page, row)).to_contain_text(theirs)
    # The status tells to reload to continue from their version; that reload must not send the draft again.
    page.reload()
    _wait_until_autosave_is_idle(page)
    expect(_narrative(page, row)).to_have_value(theirs)
    row.refresh_from_db()
    assert (row.narrative, row.version) == (theirs, 1)


def test_approving_right_after_typing_publishes_the_text_just_typed(
    live_server, tenant, open_follow_up, page, force_login, no_pdf_queue
):
    """The last text need not wait for its autosave: the approval waits for it instead of overtaking it."""
    follow_up = open_follow_up
    police_rows, municipal_rows = _rows(follow_up, "police"), _rows(follow_up, "municipality")
    for row in police_rows + municipal_rows[:1]:
        services.row_save(
            row_id=row.pk, by=tenant.coordinator, status="ongoing", achieved=1, narrative="Ja.", version=0
        )
    last = municipal_rows[1]
    services.row_save(row_id=last.pk, by=tenant.coordinator, status="done", achieved=1, narrative="", version=0)
    force_login(page, tenant.coordinator)
    page.goto(_edit_url(live_server, follow_up))

    text = "Sista raden: ljuset i gångtunneln vid Åkervägen är lagat."
    _narrative(page, last).fill(text)
    with page.expect_navigation():
        page.get_by_role("button", name="Godkänn och publicera").click()
    expect(page.locator("main .messages .alert-success")).to_have_text("Uppföljningen är godkänd och publicerad.")
    revision = follow_up.revisions.get()
    narratives = [a["narrative"] for area in revision.content["focus_areas"] for a in area["activities"]]
    assert text in narratives


@pytest.fixture
def pledge_pages(tenant, no_pdf_queue):
    """A pledge with a published T1 (progress bars on its page) and a T2 that the police have half filled in."""
    pledge, follow_up, revision = published_follow_up(
        tenant.municipality, tenant.coordinator, responsible=("police", "municipality", "both"), activities_per_area=3
    )
    pledge.effect = "Färre inbrott och fler som känner sig trygga på kvällen."
    pledge.save()
    pledge.signatories.create(name="Örjan Åkesson", title="Lokalpolisområdeschef")
    draft = pledge.follow_ups.get(year=2025, tertial=2)
    for row in draft.rows.filter(activity__responsible="police"):
        services.row_save(
            row_id=row.pk, by=tenant.users["police"], status="ongoing", achieved=1, narrative="Påbörjat.", version=0
        )
    kommun = tenant.municipality.slug
    return {
        "public-list": reverse("pledges:public-list", kwargs={"kommun": kommun}),
        "public-pledge": reverse("pledges:public-detail", kwargs={"kommun": kommun, "pk": pledge.pk}),
        "public-follow-up": reverse(
            "pledges:public-follow-up", kwargs={"kommun": kommun, "pk": pledge.pk, "year": 2025, "tertial": 1}
        ),
        "pdf-pending": reverse(
            "pledges:public-follow-up-pdf", kwargs={"kommun": kommun, "pk": pledge.pk, "year": 2025, "tertial": 1}
        ),
        "staff-follow-up": reverse("pledges:follow-up-edit", kwargs={"kommun": kommun, "pk": draft.pk}),
        "staff-published-follow-up": reverse("pledges:follow-up-edit", kwargs={"kommun": kommun, "pk": follow_up.pk}),
        "staff-pledge": reverse("pledges:staff-detail", kwargs={"kommun": kommun, "pk": pledge.pk}),
        "revision": revision,
    }


@pytest.mark.parametrize(
    ("which", "role", "status"),
    [
        pytest.param("public-list", None, 200, id="public-list"),
        pytest.param("public-pledge", None, 200, id="public-pledge"),
        pytest.param("public-follow-up", None, 200, id="public-follow-up"),
        pytest.param("pdf-pending", None, 202, id="pdf-pending"),
        pytest.param("staff-follow-up", "police", 200, id="staff-follow-up-police"),
        pytest.param("staff-follow-up", "coordinator", 200, id="staff-follow-up-coordinator"),
        pytest.param("staff-published-follow-up", "coordinator", 200, id="staff-published-follow-up"),
        pytest.param("staff-pledge", "coordinator", 200, id="staff-pledge"),
    ],
)
def test_pledge_page_has_no_wcag_violations(live_server, tenant, pledge_pages, page, force_login, which, role, status):
    if which == "pdf-pending":
        assert not pledge_pages["revision"].pdf
    if role:
        force_login(page, tenant.users[role])
    response = page.goto(live_server.url + pledge_pages[which])
    assert (response.status, page.url) == (status, live_server.url + pledge_pages[which])
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


def test_staff_follow_up_page_with_save_messages_has_no_wcag_violations(
    live_server, tenant, pledge_pages, page, force_login
):
    """After an autosave and while offline: the status texts must be readable too (contrast)."""
    _watch_autosaves(page)
    force_login(page, tenant.coordinator)
    page.goto(live_server.url + pledge_pages["staff-follow-up"])
    rows = list(ProgressRow.objects.filter(follow_up__tertial=2).exclude(activity__responsible="police")[:2])
    _fill_rows_and_wait_for_autosave(page, rows[:1], "delayed", 0, ["Försenad: entreprenören kom inte."])
    load_axe(page)  # while the portal can still be reached
    page.context.set_offline(True)
    _narrative(page, rows[1]).fill("Påbörjad")
    expect(_status(page, rows[1])).to_contain_text(OFFLINE_TEXT)
    violations = axe_violations(page)
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(_status(page, rows[1])).to_have_text(SAVED)
    _wait_until_autosave_is_idle(page)
    assert not violations, describe_violations(violations)


@pytest.mark.parametrize("page", [PHONE], indirect=True, ids=["phone"])
@pytest.mark.parametrize(("which", "role"), [("public-pledge", None), ("staff-follow-up", "coordinator")])
def test_pledge_page_fits_a_phone_without_horizontal_scrolling(
    live_server, tenant, pledge_pages, page, force_login, which, role
):
    if role:
        force_login(page, tenant.users[role])
    page.goto(live_server.url + pledge_pages[which])
    scroll_width, inner_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert inner_width == PHONE["width"]
    assert scroll_width <= inner_width, f"{which} is {scroll_width}px wide on a {inner_width}px phone"
