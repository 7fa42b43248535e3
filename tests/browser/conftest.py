"""Playwright against pytest-django's live server, driving Debian's Chromium (never a browser
downloaded by `playwright install`). Skipped, with the reason, where /usr/bin/chromium is missing;
CI installs it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker import tasks

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
PASSWORD = "correct horse battery staple"  # the factories' password


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: apt-get install chromium")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch) -> None:
    """The live server commits, so notifications would really be queued: record nothing and
    leave the broker alone (the notifications have their own tests)."""
    for name in ("deliver_notification", "notify_submitted", "notify_decided"):
        if hasattr(tasks, name):
            monkeypatch.setattr(getattr(tasks, name), "delay", lambda *a, **kw: None)


@pytest.fixture(scope="session")
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
    # still synchronous, so Django's async-safety guard would refuse them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(chromium, live_server) -> Iterator:
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page, username: str, *, lang: str = "en") -> None:
    """Through the form; a reviewer or administrator then types the code of their authenticator
    (a TOTP device enrolled here if they have none), computed as their phone would."""
    from tracker.accounts.services import needs_second_factor
    from tracker.models import User

    if needs_second_factor(User.objects.get(username=username)):
        current_code(username)  # enrols the device before the sign-in asks for it
    page.goto(f"/{lang}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/accounts/two-factor/" in page.url:
        page.locator("#id_otp_token").fill(current_code(username))
        page.locator("form.proposal button[type=submit]").click()
        page.wait_for_load_state()


def current_code(username: str) -> str:
    """The TOTP code of the user's authenticator now (enrolled if missing), usable again: the
    device forgets the last code it accepted, so one test may sign the same person in twice."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tracker.models import User

    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def axe_violations(page, *, best_practice: bool = False) -> list[dict]:
    """axe's WCAG 2.x A/AA violations on the page (and its best-practice rules if asked)."""
    # Through the DevTools protocol, not a <script> element: the page's Content-Security-Policy
    # refuses inline scripts, and the tests keep it on.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    tags = AXE_TAGS + (["wcag21a", "best-practice"] if best_practice else [])
    result = page.evaluate(
        # Only the violations are collected (passes and incomplete results cost time).
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        tags,
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
