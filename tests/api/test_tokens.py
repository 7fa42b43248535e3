"""API tokens (django-rest-knox): created by their owner on the tokens page and shown once,
stored hashed, acting with exactly their user's rights; revoked, expired or a deactivated user's
tokens get 401; administrators revoke in the admin; throttling; the API root."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests import factories as f
from tests.api_client import url
from tracker.organisations.tokens import token_create

pytestmark = pytest.mark.django_db

TOKENS_PAGE = "/en/account/api-tokens/"


def _token_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_the_page_creates_a_token_shows_it_once_and_stores_only_its_digest(client, editor):
    client.force_login(editor)
    response = client.post(TOKENS_PAGE)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = re.search(r'value="(crpd_[0-9a-f]+)"', response.content.decode()).group(1)
    stored = AuthToken.objects.get(user=editor)
    assert token not in (stored.digest, stored.token_key)
    assert token.startswith(stored.token_key)
    again = client.get(TOKENS_PAGE).content.decode()
    assert token not in again  # shown once
    assert stored.token_key in again  # recognisable by its first characters
    assert _token_client(token).get(url("change-request-list")).status_code == 200


def test_the_page_needs_a_signed_in_user(client, db):
    assert client.get(TOKENS_PAGE).status_code == 302
    assert client.post(TOKENS_PAGE).status_code == 302
    assert not AuthToken.objects.exists()


def test_revoking_on_the_page_makes_the_token_fail_with_401(client, editor):
    _instance, token = token_create(user=editor)
    api = _token_client(token)
    assert api.get(url("change-request-list")).status_code == 200
    client.force_login(editor)
    digest = AuthToken.objects.get(user=editor).digest
    response = client.post(TOKENS_PAGE + "revoke/", {"token": digest})
    assert response.status_code == 302
    response = api.get(url("change-request-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_nobody_revokes_another_persons_token_on_the_page(client, editor, reviewer):
    token_create(user=reviewer)
    client.force_login(editor)
    digest = AuthToken.objects.get(user=reviewer).digest
    response = client.post(TOKENS_PAGE + "revoke/", {"token": digest})
    assert response.status_code == 400
    assert "No such token of yours" in response.content.decode()
    assert AuthToken.objects.filter(digest=digest).exists()


@override_settings(REST_KNOX={"TOKEN_LIMIT_PER_USER": 2, "TOKEN_PREFIX": "crpd_"})
def test_the_number_of_tokens_is_limited_with_a_clear_error(client, editor):
    client.force_login(editor)
    assert client.post(TOKENS_PAGE).status_code == 200
    assert client.post(TOKENS_PAGE).status_code == 200
    response = client.post("/ru" + TOKENS_PAGE[3:])
    assert response.status_code == 400
    assert "API" in response.content.decode()
    assert AuthToken.objects.filter(user=editor).count() == 2


def test_a_token_acts_with_its_users_rights_and_no_more(editor, reviewer):
    cr = f.ChangeRequestFactory(author=editor, submitted=True)
    _i, editor_token = token_create(user=editor)
    editor_api = _token_client(editor_token)
    # The editor's token sees the organisation's change request, but may not approve it.
    assert editor_api.get(url("change-request-detail", cr.pk)).status_code == 200
    assert (
        editor_api.post(url("change-request-approve", cr.pk), {}, format="json").status_code == 403
    )
    # No CSRF for a token: a reviewer's token approves.
    _i, reviewer_token = token_create(user=reviewer)
    response = _token_client(reviewer_token).post(
        url("change-request-approve", cr.pk), {"comment": "ok"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "approved"


def test_expired_tokens_and_inactive_users_get_401(editor):
    instance, token = token_create(user=editor)
    api = _token_client(token)
    AuthToken.objects.filter(pk=instance.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert api.get(url("change-request-list")).status_code == 401
    _i, token = token_create(user=editor)
    editor.is_active = False
    editor.save()
    assert _token_client(token).get(url("change-request-list")).status_code == 401
    assert _token_client("crpd_" + "0" * 64).get(url("measure-list")).status_code == 401


def test_a_session_still_works_and_anonymous_writes_are_refused(api, editor):
    assert api.get(url("measure-list")).status_code == 200
    assert api.get(url("change-request-list")).status_code == 401
    session = APIClient()
    session.force_login(editor)
    assert session.get(url("change-request-list")).status_code == 200


def test_administrators_revoke_tokens_in_the_admin_but_create_none_there(client, editor):
    admin = f.UserFactory(administrator=True)
    instance, _token = token_create(user=editor)
    client.force_login(admin)
    changelist = "/en/admin/knox/authtoken/"
    assert client.get(changelist).status_code == 200
    assert client.get(changelist + "add/").status_code == 403
    response = client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [instance.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AuthToken.objects.exists()
    assert f.UserFactory(editor=True)
    assert client.get(changelist).status_code == 200


def test_anonymous_reads_are_throttled_with_429(api, db):
    cache.clear()
    rates = {"anon": "3/minute", "user": "1000/minute"}
    with override_settings(REST_FRAMEWORK={"DEFAULT_THROTTLE_RATES": rates}):
        codes = [api.get(url("measure-list")).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert int(api.get(url("measure-list"))["Retry-After"]) > 0
    cache.clear()


def test_signed_in_users_are_throttled_per_user(editor, reviewer):
    cache.clear()
    rates = {"anon": "1000/minute", "user": "2/minute"}
    _i, editor_token = token_create(user=editor)
    _i, reviewer_token = token_create(user=reviewer)
    with override_settings(REST_FRAMEWORK={"DEFAULT_THROTTLE_RATES": rates}):
        first = _token_client(editor_token)
        codes = [first.get(url("measure-list")).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert _token_client(reviewer_token).get(url("measure-list")).status_code == 200
    cache.clear()


def test_the_api_root_lists_the_endpoints(api, db):
    response = api.get("/api/v1/")
    assert response.status_code == 200
    endpoints = response.json()
    assert endpoints["measures"].endswith("/api/v1/measures/")
    assert {"articles", "legal-acts", "indicators", "observations", "change-requests"} <= set(
        endpoints
    )
