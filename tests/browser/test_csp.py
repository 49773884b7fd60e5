"""The Content-Security-Policy in Chromium: the portal's main pages run under it without a single violation.

The policy allows no inline script or style, so anything the templates, the portal's scripts or the vendored
libraries (Bootstrap, htmx, Leaflet) did inline would be refused and reported. Each page is opened with a
listener for `securitypolicyviolation` events and for console errors, and used a little: the map's tooltip,
an htmx autosave, the phone's position on the report form (Permissions-Policy keeps geolocation for the portal).
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actionplans.models import Measure
from tests.councils.test_permissions import _action_plan, _meetings, _published_pledge, _walk
from tests.factories import MembershipFactory
from tests.situation.factories_analysis import AnalysisWorld

pytestmark = pytest.mark.browser

# Runs in every document before its own scripts: collects what the policy refused, and counts htmx swaps.
WATCH = """
window.cspViolations = [];
window.htmxSettled = 0;
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline code"} at ${event.sourceFile}:` +
    `${event.lineNumber} ${event.sample}`
  );
});
document.addEventListener("htmx:afterSettle", () => { window.htmxSettled += 1; });
"""
# Violation events are queued as tasks: one animation frame and a timer later they have all been dispatched.
SETTLE = "() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)))"
NARRATIVE = "Två trygghetsvandringar är gjorda; den tredje är bokad till oktober."


@pytest.fixture
def world(tenant, settings, tmp_path, monkeypatch):
    """Testköping with incidents on the map, a published pledge, a plan, a safety walk with a photo and meetings."""
    from pledges.tasks import render_follow_up_pdf_task

    # The PDF page below only waits: nothing is queued for the worker of a later test.
    monkeypatch.setattr(render_follow_up_pdf_task, "delay", lambda *args, **kwargs: None)
    settings.MEDIA_ROOT = str(tmp_path)
    settings.MAP_TILE_URL = ""
    tenant.place = AnalysisWorld(tenant).square
    tenant.membership = MembershipFactory(council=tenant.council, organisation=tenant.organisation)
    _published_pledge(tenant)
    _action_plan(tenant)
    Measure.objects.filter(problem_area__plan=tenant.plan).update(percent_done=40)
    _walk(tenant)
    _meetings(tenant)
    return tenant


def _is_error(message) -> bool:
    # Chromium asks every site for /favicon.ico; the portal has none, and that 404 is not a fault of the page.
    return message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico")


def _watched_page(new_page):
    page = new_page()
    page.add_init_script(WATCH)
    page.errors = []
    page.on("console", lambda message: page.errors.append(message.text) if _is_error(message) else None)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def _problems(page, url) -> list[str]:
    """Every refusal and script error on the page so far, each prefixed with the page's address."""
    page.evaluate(SETTLE)
    found = page.evaluate("() => window.cspViolations") + page.errors
    page.errors.clear()
    return [f"{url}: {problem}" for problem in found]


def _visit(page, live_server, url) -> list[str]:
    response = page.goto(live_server.url + url)
    assert response.status in (200, 202), f"{url} answered {response.status}"
    return _problems(page, url)


def test_the_main_pages_run_without_a_policy_violation_or_script_error(live_server, world, new_page, force_login):
    t, kommun = world, {"kommun": world.municipality.slug}
    resident = _watched_page(new_page)
    problems = []
    for name, kwargs in [
        ("councils:public-index", {}),
        ("councils:public-municipality", kommun),
        ("pledges:public-detail", {**kommun, "pk": t.pledge.pk}),
        ("pledges:public-follow-up", t.follow_up_kwargs),
        ("pledges:public-follow-up-pdf", t.follow_up_kwargs),
        ("situation:public-picture", kommun),
        ("actionplans:public-plan", kommun),
        ("councils:public-minutes", {**kommun, "pk": t.minutes_meeting.pk}),
        ("accounts:login", {}),
    ]:
        problems += _visit(resident, live_server, reverse(name, kwargs=kwargs))

    coordinator = force_login(_watched_page(new_page), t.coordinator)
    for name, kwargs in [
        ("councils:staff-home", {}),
        ("councils:council-detail", {**kommun, "pk": t.council.pk}),
        ("councils:meeting-detail", t.meeting_kwargs),
        ("situation:walk-detail", {**kommun, "pk": t.walk.pk}),
    ]:
        problems += _visit(coordinator, live_server, reverse(name, kwargs=kwargs))

    # Progress bars are sized by classes, not style attributes: every measure is 40 % done.
    problems += _visit(coordinator, live_server, reverse("actionplans:plan-detail", kwargs={**kommun, "pk": t.plan.pk}))
    bar = coordinator.locator(".plan-bar .progress-bar").first
    share = bar.evaluate("(bar) => bar.getBoundingClientRect().width / bar.parentElement.getBoundingClientRect().width")
    assert share == pytest.approx(0.40, abs=0.01)

    analysis = reverse("situation:analysis", kwargs=kommun) + "?start=2025-01-01&end=2025-06-30"
    problems += _visit(coordinator, live_server, analysis)
    circles = coordinator.locator("#analysis-map path.leaflet-interactive")
    circles.first.hover()
    expect(coordinator.locator(".leaflet-tooltip")).to_be_visible()
    # The legend's colour swatches are small SVG squares (their colour is an SVG attribute, not a style).
    swatch = coordinator.locator(".chart-swatch").first.bounding_box()
    assert 8 <= swatch["width"] <= 24
    assert swatch["height"] == pytest.approx(swatch["width"], abs=1)
    problems += _problems(coordinator, analysis)

    follow_up = reverse("pledges:follow-up-edit", kwargs={**kommun, "pk": t.follow_up.pk})
    problems += _visit(coordinator, live_server, follow_up)
    coordinator.fill(f"textarea[name=row{t.row.pk}-narrative]", NARRATIVE)
    coordinator.locator(f"textarea[name=row{t.row.pk}-narrative]").blur()
    coordinator.wait_for_function("() => window.htmxSettled > 0")
    expect(coordinator.locator(f"#row-{t.row.pk}-status")).not_to_be_empty()
    problems += _problems(coordinator, follow_up)

    report = reverse("situation:incident-report", kwargs=kommun)
    coordinator.context.grant_permissions(["geolocation"], origin=live_server.url)
    coordinator.context.set_geolocation({"latitude": 57.5, "longitude": 14.1})
    problems += _visit(coordinator, live_server, report)
    coordinator.click("[data-geolocate]")
    expect(coordinator.locator("input[name=latitude]")).to_have_value("57.500000")
    problems += _problems(coordinator, report)

    assert not problems, "\n".join(problems)


def test_the_policy_refuses_an_injected_inline_script_and_style_and_the_listener_reports_both(
    live_server, tenant, new_page
):
    """What the test above relies on: an inline script or style attribute that got into a page is refused, and
    the listener sees it."""
    page = _watched_page(new_page)
    page.goto(live_server.url + reverse("councils:public-municipality", kwargs={"kommun": tenant.municipality.slug}))
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injectedScriptRan = true;";
            document.body.appendChild(script);
            document.body.insertAdjacentHTML("beforeend", '<p id="injected-style" style="color: rgb(255, 0, 0)">x</p>');
        }"""
    )
    problems = _problems(page, "injected")
    assert page.evaluate("() => window.injectedScriptRan") is None
    assert page.evaluate("() => getComputedStyle(document.getElementById('injected-style')).color") != "rgb(255, 0, 0)"
    directives = {problem.split(": ", 1)[1].split()[0] for problem in problems if "refused" in problem}
    assert {"script-src-elem", "style-src-attr"} <= directives, problems
