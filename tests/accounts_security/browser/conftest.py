# The browser fixtures of tests/browser (Chromium, fresh contexts, a committed tenant for the live server).
from tests.browser.conftest import browser, new_page, page, tenant  # noqa: F401
