"""The shared page links (templates/includes/pagination.html) keep a list's filter."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_page_links_keep_the_filter_and_replace_only_the_page():
    request = RequestFactory().get("/hantera/testkoping/atkomstlogg/", {"action": "export", "page": "2"})
    page = Paginator(range(150), 50).page(2)
    html = render_to_string(
        "includes/pagination.html",
        {"is_paginated": True, "page_obj": page, "paginator": page.paginator, "request": request},
        request=request,
    )
    assert 'href="?action=export&amp;page=1"' in html
    assert 'href="?action=export&amp;page=3"' in html
