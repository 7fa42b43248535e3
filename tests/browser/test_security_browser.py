"""In a real browser: the Content-Security-Policy blocks nothing the site needs (no violation on
the main pages, the signed-in pages, the admin and the API docs), and a reviewer enrols a second
factor by scanning (here: reading) the key and typing the code."""

from __future__ import annotations

import base64

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests import factories as f
from tracker.workflow import services

from .conftest import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`);
});
"""


def test_no_page_breaks_the_content_security_policy(page, live_server):
    ministry = f.OrganizationFactory(code="MH", name_en="Ministry of Healthcare")
    editor = f.UserFactory(editor=True, organization=ministry, username="editor-health")
    f.UserFactory(is_staff=True, is_superuser=True, username="root")
    measure = f.MeasureFactory(organizations=[ministry])
    indicator = f.IndicatorFactory(organization=ministry)
    cr = services.change_request_create(by=editor, target=measure, payload={"progress": 60})
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security" in m.text else None)
    page.context.add_init_script(RECORD_VIOLATIONS)

    def visit(path: str) -> None:
        response = page.goto(path)
        assert response is not None
        assert response.status < 500, path
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("load")
        assert page.evaluate("window.__cspViolations") == [], path

    for path in (
        "/kk/",
        "/kk/articles/9/",
        "/kk/measures/",
        f"/kk/measures/{measure.pk}/",
        "/kk/legal-acts/",
        f"/en/indicators/{indicator.pk}/",
        "/kk/accounts/login/",
        "/kk/accounts/password_reset/",
        "/api/docs/",
    ):
        visit(path)
    sign_in(page, "root", lang="en")
    for path in (
        "/en/my-work/",
        f"/en/changes/{cr.pk}/",
        "/en/accounts/security/",
        "/en/reports/",
        "/en/admin/",
        "/en/admin/tracker/user/",
        f"/en/admin/tracker/user/{editor.pk}/change/",
        "/en/admin/tracker/measure/",
        f"/en/admin/tracker/measure/{measure.pk}/change/",
        "/en/admin/tracker/signinevent/",
        "/en/admin/otp_totp/totpdevice/",
    ):
        visit(path)
    assert console == []
    # The recorder works: an inline style attribute is refused and reported.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__cspViolations")[0].startswith("style-src")


def test_a_reviewer_enrols_an_authenticator_and_gets_recovery_codes(page):
    f.UserFactory(reviewer=True, organization=f.OrganizationFactory(code="MLSPP"), username="rev")
    page.goto("/en/accounts/login/")
    page.get_by_label("Username").fill("rev")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(
        page.get_by_role("img", name="QR code of the key for your authenticator app")
    ).to_be_visible()
    key = base64.b32decode(page.locator(".otp-secret").inner_text())
    code = f"{TOTP(key).token():06d}"
    page.get_by_label("One-time code").fill(code)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    assert page.locator(".recovery-codes li").count() == 10
    page.get_by_role("link", name="Continue to the site").click()
    expect(page.get_by_role("heading", level=1, name="My work")).to_be_visible()
