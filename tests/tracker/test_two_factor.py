"""Two-factor sign-in (issue 11): required for reviewers and administrators, optional for
editors; the review rule, the pages, the API and the admin ask the same check."""

from __future__ import annotations

import base64
import re

from django.urls import reverse
from django.utils import translation
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from tracker.models import ChangeStatus, SignInEvent, SignInEventKind

PASSWORD = "correct horse battery staple"


def url(name: str, *args, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(name, args=args)


def code_of(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def wait_out_the_back_off(device) -> None:
    type(device).objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )


def sign_in_with_password(client, user) -> None:
    response = client.post(url("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_a_reviewer_without_a_second_factor_cannot_approve_on_the_page(
    client, reviewer, measure, propose
):
    cr = propose(measure, {"progress": 70})
    client.force_login(reviewer, otp=False)
    response = client.post(
        url("tracker:change-request-action", cr.pk, "approve"), {"comment": "Yes."}
    )
    # Sent to enrol first: the page is not even reached.
    assert response.status_code == 302
    assert response["Location"].startswith(url("otp-enrol"))
    cr.refresh_from_db()
    measure.refresh_from_db()
    assert (cr.status, measure.progress) == (ChangeStatus.SUBMITTED, 40)


def test_a_reviewer_without_a_second_factor_cannot_approve_through_the_api(
    reviewer, measure, propose
):
    cr = propose(measure, {"progress": 70})
    api = APIClient()
    api.force_login(reviewer, otp=False)
    response = api.post(url("api:change-request-approve", cr.pk), {"comment": "Yes."})
    # Not in their review queue while unverified (the same rule), so not found there.
    assert response.status_code in (403, 404)
    cr.refresh_from_db()
    assert cr.status == ChangeStatus.SUBMITTED
    # The queue is empty for them too: the same rule answers "reviews at all?".
    listed = api.get(url("api:change-request-list")).json()["results"]
    assert all(
        row["id"] != cr.pk or "approve" not in row.get("available_actions", []) for row in listed
    )


def test_with_a_verified_device_the_reviewer_approves_page_and_api(
    client, reviewer, measure, propose
):
    first = propose(measure, {"progress": 70})
    client.force_login(reviewer)  # the suite's helper: a verified TOTP session
    response = client.post(url("tracker:change-request-action", first.pk, "approve"), {})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == ChangeStatus.APPROVED

    second = propose(measure, {"progress": 75})
    api = APIClient()
    api.force_login(reviewer)
    response = api.post(url("api:change-request-approve", second.pk), {}, format="json")
    assert response.status_code == 200, response.content


def test_sign_in_then_code_then_approve(client, reviewer, measure, propose):
    """The whole path with a real code: password, then the authenticator's code."""
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    cr = propose(measure, {"progress": 70})
    sign_in_with_password(client, reviewer)
    response = client.get(url("tracker:my-work"))
    assert response.status_code == 302
    assert response["Location"].startswith(url("otp-verify"))

    response = client.post(url("otp-verify"), {"otp_token": "000000", "next": "/en/my-work/"})
    assert response.status_code == 200
    assert "This code is not valid" in response.content.decode()

    # django-otp backs off after a failure: even the right code is refused for a moment.
    response = client.post(url("otp-verify"), {"otp_token": code_of(device), "next": "/en/"})
    assert response.status_code == 200
    wait_out_the_back_off(device)
    response = client.post(url("otp-verify"), {"otp_token": code_of(device), "next": "/en/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    response = client.post(url("tracker:change-request-action", cr.pk, "approve"), {})
    assert response.status_code == 302
    cr.refresh_from_db()
    assert cr.status == ChangeStatus.APPROVED
    kinds = list(SignInEvent.objects.filter(user=reviewer).values_list("kind", flat=True))
    assert SignInEventKind.SECOND_FACTOR_FAILED in kinds
    assert SignInEventKind.SECOND_FACTOR_VERIFIED in kinds


def test_the_next_address_is_never_another_site(client, reviewer):
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    sign_in_with_password(client, reviewer)
    response = client.post(
        url("otp-verify"), {"otp_token": code_of(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("tracker:my-work")


def test_enrolment_shows_a_qr_code_then_recovery_codes_once(client, reviewer):
    sign_in_with_password(client, reviewer)
    response = client.get(url("tracker:my-work"))
    assert response["Location"].startswith(url("otp-enrol"))
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page
    # No inline script and none from elsewhere: only the site's own static files.
    assert not re.search(r'<script(?![^>]*src="/static/)', page)
    secret = re.search(r'class="otp-secret">([A-Z2-7]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    assert base64.b32decode(secret) == device.bin_key

    response = client.post(url("otp-enrol"), {"otp_token": "123456"})
    assert "This code is not valid" in response.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    wait_out_the_back_off(device)

    response = client.post(url("otp-enrol"), {"otp_token": code_of(device)})
    body = response.content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", body)
    assert len(codes) == 10
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(url("tracker:my-work")).status_code == 200
    # Shown once: no page shows them again; new ones replace them.
    assert codes[0] not in client.get(url("account-security")).content.decode()
    assert SignInEvent.objects.filter(user=reviewer, kind=SignInEventKind.DEVICE_ADDED).exists()


def test_a_recovery_code_signs_in_once(client, reviewer):
    TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    from tracker.accounts.services import issue_recovery_codes

    code = issue_recovery_codes(reviewer)[0]
    sign_in_with_password(client, reviewer)
    response = client.post(url("otp-verify"), {"otp_token": code})
    assert response.status_code == 302
    assert not StaticToken.objects.filter(token=code).exists()
    client.logout()
    sign_in_with_password(client, reviewer)
    response = client.post(url("otp-verify"), {"otp_token": code})
    assert response.status_code == 200  # used up


def test_someone_with_a_device_cannot_enrol_another_before_passing_the_first(client, reviewer):
    TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    sign_in_with_password(client, reviewer)
    response = client.get(url("otp-enrol"))
    assert response.status_code == 302
    assert response["Location"].startswith(url("otp-verify"))
    assert not TOTPDevice.objects.filter(user=reviewer, confirmed=False).exists()


def test_the_admin_is_behind_the_same_sign_in_and_second_factor(client, administrator):
    response = client.get(url("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(url("login"))
    client.force_login(administrator, otp=False)
    response = client.get(url("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(url("otp-enrol"))
    client.force_login(administrator)
    assert client.get(url("admin:index")).status_code == 200


def test_editors_need_no_second_factor_but_one_who_enrolled_must_use_it(client, author):
    client.force_login(author)
    assert client.get(url("tracker:my-work")).status_code == 200
    client.logout()
    TOTPDevice.objects.create(user=author, name="phone", confirmed=True)
    sign_in_with_password(client, author)
    response = client.get(url("tracker:my-work"))
    assert response.status_code == 302
    assert response["Location"].startswith(url("otp-verify"))


def test_an_administrator_removes_a_lost_device_in_the_admin(client, administrator, reviewer):
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    client.force_login(administrator)
    delete = url("admin:otp_totp_totpdevice_delete", device.pk)
    response = client.post(delete, {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    removal = SignInEvent.objects.get(user=reviewer, kind=SignInEventKind.DEVICE_REMOVED)
    assert removal.actor == administrator
    # …and may not add one for someone else (it would bypass their second factor).
    assert client.get(url("admin:otp_totp_totpdevice_add")).status_code == 403
