"""/api/docs/ works with no internet: every request that does not go to the live server on
the loopback address (the live server) is aborted, and Swagger UI (drf-spectacular-sidecar's vendored copy) still renders the
API's operations from the schema."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}  # the live server; nothing else


def test_api_docs_render_with_the_network_off(page):
    outside: list[str] = []

    def only_loopback(route) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_loopback)
    page.goto("/api/docs/")
    operation = page.locator(".opblock-summary-path", has_text="/api/v1/measures/").first
    operation.wait_for()
    assert operation.is_visible()
    assert page.locator(".opblock").count() > 20
    assert outside == []  # nothing was even asked of the internet
