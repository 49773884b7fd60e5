"""Fixtures for the browser tests: Debian's Chromium driven by Playwright's sync API against `live_server`.

Every test gets fresh browser contexts (no cookies shared between tests or between the people in a test),
a transactional database (the live server thread must see committed rows) and helpers to log in through the
real login form and to run axe-core on a page.
"""

import os

import pytest
from django.conf import settings
from django.templatetags.static import static
from django.test import Client

from accounts import two_factor
from tests.accounts_security.support import authenticator_for
from tests.conftest import Tenant
from tests.factories import TEST_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LOGIN_PATH = "/konto/logga-in/"
VERIFY_PATH = "/konto/tvastegsverifiering/verifiera/"
# Playwright's default of 30 s only makes a broken test slow to fail; pages here answer in milliseconds.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests need Debian's Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Factory: a page in a brand-new browser context (its own cookies), e.g. a second person in one test.

    Contexts use Swedish as the browser language (the portal's residents), reduced motion (no Bootstrap
    transitions half-way through when axe measures colours) and are closed when the test ends.
    """
    contexts = []

    def make(viewport=None, locale="sv-SE"):
        context = browser.new_context(viewport=viewport or DESKTOP, locale=locale, reduced_motion="reduce")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(request, new_page):
    """A page in a fresh context; parametrize indirectly with a viewport dict to change its size."""
    return new_page(viewport=getattr(request, "param", None))


@pytest.fixture
def tenant(transactional_db, live_server):
    """Like tests/conftest.py's `tenant`, but committed, so that the live server thread sees it."""
    return Tenant()


@pytest.fixture
def login(live_server):
    """Log a user in through the login form: `login(page, user)`; returns the page, now on the next page.

    Users whose role requires two-factor sign-in get an authenticator app first, and the fixture enters its
    current code on the code page, as the person would.
    """

    def log_in(page, user, password=TEST_PASSWORD):
        if two_factor.is_required(user):
            authenticator_for(user)
        page.goto(live_server.url + LOGIN_PATH)
        page.fill("input[name=username]", user.email)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert LOGIN_PATH not in page.url, f"login as {user.email} failed, still on {page.url}"
        if VERIFY_PATH in page.url:
            page.fill("input[name=code]", two_factor.current_code(two_factor.authenticator(user)))
            with page.expect_navigation():
                page.click("main button[type=submit]")
            assert VERIFY_PATH not in page.url, f"the code of {user.email} was refused on {page.url}"
        return page

    return log_in


@pytest.fixture
def force_login(live_server):
    """Give a page's context a logged-in session cookie without the login form: `force_login(page, user)`.

    Faster than `login` for tests that are about some other page; the form itself is tested elsewhere.
    """

    def log_in(page, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        return page

    return log_in


def load_axe(page):
    """Put axe-core on the current page, once; before going offline, a test that checks an offline page calls it.

    Loaded from the portal's own static files: the Content-Security-Policy refuses an inline script.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=static("vendor/axe-core/axe.min.js"))


def axe_violations(page, url=None):
    """Open `url` (or stay on the current page), run axe-core for WCAG 2.1 A and AA and return its violations.

    Each violation is a dict with id, impact, help, helpUrl and nodes (the failing elements' CSS targets and
    axe's summary of what is wrong with them).
    """
    if url is not None:
        page.goto(url)
    load_axe(page)
    return page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
            }));
        }""",
        AXE_TAGS,
    )


def describe_violations(violations):
    """A readable assertion message: one paragraph per violated rule with the elements that fail it."""
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)
