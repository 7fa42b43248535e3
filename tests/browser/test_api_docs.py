"""/api/docs/ works with no internet: every request that does not go to the loopback address
(the live server) is aborted, and Swagger UI (drf-spectacular-sidecar's vendored copy) still
renders the API's operations from the schema. And axe on the tokens page and the download links."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests import factories as f
from tests.browser.conftest import axe_violations, sign_in

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


def test_token_page_and_download_links_have_no_axe_violations(page):
    """The tokens page with a token just shown, and the download links on the list pages."""
    ministry = f.OrganizationFactory(code="MH")
    f.UserFactory(editor=True, organization=ministry, username="editor-tokens")
    f.MeasureFactory(organizations=[ministry])
    f.LegalActFactory()
    sign_in(page, "editor-tokens")
    page.goto("/kk/account/api-tokens/")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    token = page.locator("#new-token").input_value()
    assert token.startswith("crpd_")
    for path in ("", "/kk/legal-acts/", "/kk/organisations/MH/", "/ru/indicators/"):
        if path:
            page.goto(path)
        assert axe_violations(page) == [], page.url
    page.goto("/kk/account/api-tokens/")
    assert token not in page.content()  # shown once
