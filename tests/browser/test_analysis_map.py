"""The analysis map in Chromium: every point drawn, nothing fetched from elsewhere, the keyboard not held."""

import pytest
from django.urls import reverse

from tests.browser.conftest import axe_violations, describe_violations
from tests.situation.factories_analysis import AnalysisWorld

pytestmark = pytest.mark.browser


def test_the_map_draws_every_point_without_other_servers_and_lets_the_keyboard_move_on(
    live_server, tenant, page, force_login, settings
):
    settings.MAP_TILE_URL = ""
    world = AnalysisWorld(tenant)
    world.centre.outline = {
        "type": "Polygon",
        "coordinates": [[[14.0, 57.4], [14.2, 57.4], [14.2, 57.6], [14.0, 57.6], [14.0, 57.4]]],
    }
    world.centre.save()
    force_login(page, tenant.coordinator)
    hosts, errors = set(), []
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.on("pageerror", lambda error: errors.append(str(error)))
    url = reverse("situation:analysis", kwargs={"kommun": tenant.municipality.slug})
    page.goto(f"{live_server.url}{url}?start=2025-01-01&end=2025-06-30")

    circles = page.locator("#analysis-map path.leaflet-interactive")
    circles.first.wait_for()
    # Stora torget, Skolgården and Ängsgatan 3; the area outline is drawn but not interactive.
    assert circles.count() == 3
    assert page.locator("#analysis-map path").count() == 4
    assert hosts == {live_server.url.split("/")[2]}, hosts
    assert not errors, errors

    # The map takes focus once; Tab passes its two zoom buttons and leaves it.
    page.focus("#analysis-map")
    for _step in range(3):
        page.keyboard.press("Tab")
    assert not page.evaluate("document.getElementById('analysis-map').contains(document.activeElement)")
    assert all(circle.get_attribute("tabindex") == "-1" for circle in circles.all())

    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
