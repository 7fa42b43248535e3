"""Defects 4 and 7: input that answered 500, or was silently accepted as something it is not.
Each is now a clear, translated 400 (415 for a body that is not JSON) and writes nothing."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.api_client import as_user, url
from tracker.models import ChangeRequest, Measure, ReviewEvent
from tracker.workflow import services

pytestmark = pytest.mark.django_db

SURROGATE = "\\ud800"  # as the JSON text carries it: an escape, not a character
DEEP = "[" * 990 + "]" * 990


def _post(user, body: str, language: str = "en"):
    client = as_user(user)
    client.raise_request_exception = False
    return client.post(
        url("change-request-list"),
        data=body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )


def _nothing_written() -> None:
    assert ChangeRequest.objects.count() == 0
    assert ReviewEvent.objects.count() == 0


def _with_surrogate(body: dict) -> str:
    """The JSON text of `body` with every "@@" replaced by the escape of a lone surrogate."""
    return json.dumps(body).replace("@@", SURROGATE)


@pytest.mark.parametrize(
    "body",
    [
        {"target_type": "measure", "target": "KEY", "payload": {"title_en": "x@@"}},
        {"target_type": "measure", "target": "KEY", "payload": {"@@": 1}},
        {"target_type": "@@", "target": "KEY", "payload": {"progress": 5}},
        {"target_type": "measure", "target": "KEY", "payload": {"organizations": ["@@"]}},
        {"target_type": "measure", "target": "@@", "payload": {"progress": 5}},
    ],
    ids=["value", "key", "target_type", "key-list", "target"],
)
def test_a_lone_surrogate_is_a_400(author, measure, body):
    response = _post(author, _with_surrogate(body).replace("KEY", measure.key))
    assert response.status_code == 400, response.content
    assert "lone UTF-16 surrogate" in response.json()["detail"]
    _nothing_written()


def test_the_surrogate_refusal_is_translated(author, measure):
    body = _with_surrogate(
        {"target_type": "measure", "target": measure.key, "payload": {"title_en": "@@"}}
    )
    details = {_post(author, body, language).json()["detail"] for language in ("en", "ru", "kk")}
    assert len(details) == 3


def test_a_patch_with_a_surrogate_is_a_400(author, measure, propose):
    cr = propose(measure, {"progress": 50}, submit=False)
    client = as_user(author)
    response = client.patch(
        url("change-request-detail", cr.pk),
        data=_with_surrogate({"version": cr.version, "payload": {"title_en": "@@"}}),
        content_type="application/json",
    )
    assert response.status_code == 400
    cr.refresh_from_db()
    assert cr.payload == {"progress": 50}


@pytest.mark.parametrize("where", ["payload", "top"])
def test_json_nested_990_deep_is_a_400(author, measure, where):
    if where == "payload":
        body = f'{{"target_type": "measure", "target": "{measure.key}", "payload": {DEEP}}}'
    else:
        body = DEEP
    response = _post(author, body)
    assert response.status_code == 400, response.content
    assert response.json()["detail"] == "The JSON body is nested more than 32 levels deep."
    _nothing_written()


def test_a_username_over_255_characters_is_a_form_error(client, db):
    client.raise_request_exception = False
    response = client.post(
        reverse("login"), {"username": "x" * 300, "password": "whatever"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "user" not in client.session


# Defect 7 ---------------------------------------------------------------------------------------


def test_an_empty_payload_is_refused(author, measure):
    response = _post(
        author, f'{{"target_type": "measure", "target": "{measure.key}", "payload": {{}}}}'
    )
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [
        "Nothing would change: propose at least one value that differs from the live one."
    ]
    _nothing_written()


def test_a_payload_repeating_the_live_values_is_refused(author, measure):
    body = '{"target_type": "measure", "target": "%s", "payload": {"progress": %d}}'
    response = _post(author, body % (measure.key, measure.progress))
    assert response.status_code == 400
    _nothing_written()


def test_an_empty_new_record_is_refused_by_the_service(reviewer):
    with pytest.raises(ValidationError) as refused:
        services.change_request_create(by=reviewer, target_model=Measure, payload={})
    assert refused.value.code == "empty"
    _nothing_written()


def test_a_draft_cannot_be_emptied(author, measure, propose):
    cr = propose(measure, {"progress": 50}, submit=False)
    response = as_user(author).patch(
        url("change-request-detail", cr.pk),
        {"version": cr.version, "payload": {}},
        format="json",
    )
    assert response.status_code == 400
    cr.refresh_from_db()
    assert cr.payload == {"progress": 50}


@pytest.mark.parametrize("value", ["maybe", "true", "yes", 1])
def test_booleans_are_json_booleans(author, measure, value):
    response = as_user(author).post(
        url("change-request-list"),
        {"target_type": "measure", "target": measure.key, "payload": {"needs_review": value}},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["needs_review"] == ["This value has the wrong type."]
    _nothing_written()


def test_a_true_boolean_is_taken(author, measure):
    response = as_user(author).post(
        url("change-request-list"),
        {"target_type": "measure", "target": measure.key, "payload": {"needs_review": True}},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert ChangeRequest.objects.get().payload == {"needs_review": True}


@pytest.mark.parametrize("fmt", ["multipart", "form"])
def test_a_body_that_is_not_json_is_a_415(author, measure, fmt):
    client = as_user(author)
    data = {"target_type": "measure", "target": measure.key, "payload": "progress=5"}
    if fmt == "form":
        from urllib.parse import urlencode

        response = client.post(
            url("change-request-list"),
            urlencode(data),
            content_type="application/x-www-form-urlencoded",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    else:
        response = client.post(
            url("change-request-list"), data, format="multipart", HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 415
    assert response.json()["detail"] == "Send the request body with Content-Type: application/json."
    _nothing_written()


def test_a_form_encoded_approval_is_refused_not_taken_as_empty(reviewer, measure, propose):
    cr = propose(measure, {"progress": 50})
    response = as_user(reviewer).post(
        url("change-request-approve", cr.pk),
        "comment=fine",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
    cr.refresh_from_db()
    assert cr.status == "submitted"
