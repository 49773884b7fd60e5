"""Crawls the portal on the database of the current settings, as `make run` serves it; run by test_embedded_default.

Follows every same-site link from the start pages (GET only, breadth first, up to a limit) as each visitor and
prints one JSON object: pages read and every answer of 500 or more. Needs the demo data (`seed_demo`).
"""

import json
import sys
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402

from tests.accounts_security.support import mark_verified  # noqa: E402

# Links that change state on GET are none by design; these only leave the portal's HTML or are very long lists.
SKIPPED_PREFIXES = ("/static/", "/media/", "/admin/", "/konto/logga-ut/", "/api/")
LIMIT_PER_VISITOR = 160


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links += [value for name, value in attrs if name == "href" and value]


def _verified(client, user):
    """A signed-in session that has also given the second factor, as the suite's test clients have."""
    client.force_login(user)
    mark_verified(client, user)
    return client


def crawl(client, start: str) -> tuple[int, list[str]]:
    seen, queue, errors = {start}, deque([start]), []
    while queue and len(seen) <= LIMIT_PER_VISITOR:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code >= 500:
            errors.append(f"{path}: {response.status_code}")
            continue
        if "text/html" not in response.get("Content-Type", "") or response.status_code != 200:
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for link in parser.links:
            link = urldefrag(link).url
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not link.startswith("/") or link.startswith(SKIPPED_PREFIXES):
                continue
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return len(seen), errors


def main() -> int:
    users = get_user_model().objects
    visitors = {
        "anonymous": (Client(raise_request_exception=False), "/"),
        "coordinator": (
            _verified(Client(raise_request_exception=False), users.get(email="samordnare@vaggeryd.example")),
            "/hantera/vaggeryd/",
        ),
        "police": (
            _verified(Client(raise_request_exception=False), users.get(email="polis@hagfors.example")),
            "/hantera/hagfors/",
        ),
        "reporter": (
            _verified(Client(raise_request_exception=False), users.get(email="rapportor@vara.example")),
            "/hantera/vara/",
        ),
    }
    report = {}
    for name, (client, start) in visitors.items():
        pages, errors = crawl(client, start)
        report[name] = {"pages": pages, "errors": errors}
    json.dump(report, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
