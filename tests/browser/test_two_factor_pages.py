"""Two-factor set-up and the lockout page in Chromium: the real forms, the QR image under the
Content-Security-Policy, and no WCAG 2.1 AA violations."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from tests.browser.conftest import LOGIN_PATH, axe_violations, describe_violations
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.real_two_factor]


def submit_login(page, url, email, password):
    page.goto(url + LOGIN_PATH)
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_a_coordinator_sets_up_two_factor_sign_in_in_the_browser(live_server, tenant, page):
    blocked = []
    page.on(
        "console", lambda message: blocked.append(message.text) if "Content-Security-Policy" in message.text else None
    )
    submit_login(page, live_server.url, tenant.coordinator.email, TEST_PASSWORD)
    assert "/konto/tvastegsverifiering/aktivera/" in page.url
    assert page.locator("main img").evaluate("img => img.complete && img.naturalWidth > 0"), "QR code not shown"
    assert not blocked, blocked
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    device = TOTPDevice.objects.get(user=tenant.coordinator, confirmed=False)
    page.fill("input[name=code]", two_factor.current_code(device))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator("main li").count() == two_factor.BACKUP_CODE_COUNT
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    with page.expect_navigation():
        page.click("main a.btn")
    assert page.url.endswith("/hantera/") or "/hantera/" in page.url


def test_the_lockout_page_has_no_wcag_violations(live_server, tenant, page):
    for _ in range(5):
        submit_login(page, live_server.url, tenant.users["member"].email, "fel-losenord")
    assert "/konto/aterstall/" in page.locator("main").inner_html()
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
