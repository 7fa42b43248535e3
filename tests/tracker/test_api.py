"""API v1: the public read-only endpoints and the change-request workflow over HTTP."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.test import APIClient

from tests import factories as f
from tests.api_client import as_user, url
from tracker.models import (
    ChangeRequest,
    Evidence,
    LegalAct,
    LegalActStatus,
    LegalActType,
    Measure,
    MeasureStatus,
    ReviewEvent,
)
from tracker.workflow import services

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


def snapshot(cr: ChangeRequest) -> tuple:
    cr.refresh_from_db()
    return (cr.status, cr.payload, cr.summary, cr.base_version, cr.events.count())


# Public endpoints ------------------------------------------------------------------------------


def test_articles_list_and_detail_by_number(api, django_assert_max_num_queries):
    for number in (9, 24, 27):
        f.ArticleFactory(number=number)
    with django_assert_max_num_queries(2):
        response = api.get(url("article-list"))
    assert response.status_code == 200
    assert [a["number"] for a in response.json()["results"]] == [9, 24, 27]
    detail = api.get(url("article-detail", 24)).json()
    assert detail["key"] == "crpd:art:24"
    assert set(detail) >= {"number", "title", "title_kk", "title_en", "part"}
    assert api.get(url("article-detail", 25)).status_code == 404


def test_paragraphs_filter_by_article_and_detail_by_number(api, django_assert_max_num_queries):
    art9, art24 = f.ArticleFactory(number=9), f.ArticleFactory(number=24)
    for number in range(100, 106):
        paragraph = f.ReportParagraphFactory(number=number, article=art9 if number < 104 else art24)
        paragraph.convention_articles.set([art9, art24])
    with django_assert_max_num_queries(3):
        response = api.get(url("paragraph-list"), {"article": 24})
    assert [p["number"] for p in response.json()["results"]] == [104, 105]
    detail = api.get(url("paragraph-detail", 101)).json()
    assert (detail["article"], detail["convention_articles"]) == (9, [9, 24])


def test_organizations_by_code_and_paginated_by_fifty(api, django_assert_max_num_queries):
    parent = f.OrganizationFactory(code="AAA-PARENT")
    for n in range(51):
        f.OrganizationFactory(code=f"ORG-{n:03d}", parent=parent)
    with django_assert_max_num_queries(2):
        first = api.get(url("organization-list")).json()
    assert first["count"] == 52
    assert len(first["results"]) == 50
    assert first["results"][1]["parent"] == "AAA-PARENT"
    second = api.get(first["next"]).json()
    assert [o["code"] for o in second["results"]] == ["ORG-049", "ORG-050"]
    assert api.get(url("organization-detail", "ORG-007")).json()["name_en"] == "Ministry ORG-007"


def test_legal_acts_by_key_with_aliases_and_filters(api, django_assert_max_num_queries):
    issuer = f.OrganizationFactory(code="MIID")
    norm = f.LegalActFactory(
        key="kz:norm:3.06-01-2011",
        act_type=LegalActType.NORM,
        issuing_organization=issuer,
        status=LegalActStatus.AMENDED,
    )
    f.LegalActAliasFactory(act=norm, text="ҚР ҚН 3.06-01-2011")
    f.LegalActAliasFactory(act=norm, text="Құрылыс нормалары")
    for _ in range(4):
        f.LegalActAliasFactory(act=f.LegalActFactory())
    with django_assert_max_num_queries(4):
        response = api.get(url("legal-act-list"))
    assert response.json()["count"] == 5
    by_type = api.get(url("legal-act-list"), {"type": "norm"}).json()["results"]
    assert [a["key"] for a in by_type] == ["kz:norm:3.06-01-2011"]
    by_status = api.get(url("legal-act-list"), {"status": "in_force"}).json()
    assert by_status["count"] == 4
    # Keys with dots are addressable as they are.
    detail = api.get(url("legal-act-detail", "kz:norm:3.06-01-2011")).json()
    assert detail["aliases"] == ["ҚР ҚН 3.06-01-2011", "Құрылыс нормалары"]
    assert (detail["issuing_organization"], detail["status"]) == ("MIID", "amended")


def test_citations_filter_by_act_paragraph_and_article(api, django_assert_max_num_queries):
    act = f.LegalActFactory(key="kz:constitution")
    art9, art24 = f.ArticleFactory(number=9), f.ArticleFactory(number=24)
    p74, p75 = f.ReportParagraphFactory(number=74), f.ReportParagraphFactory(number=75)
    f.CitationFactory(key="c:74:1", act=act, paragraph=p74, crpd_article=art9)
    f.CitationFactory(key="c:75:1", act=act, paragraph=p75, crpd_article=art24)
    f.CitationFactory(key="c:75:2", paragraph=p75, crpd_article=art24)
    with django_assert_max_num_queries(2):
        everything = api.get(url("citation-list")).json()
    assert everything["count"] == 3
    assert everything["results"][0]["act"] == "kz:constitution"

    def keys(**params):
        return [c["key"] for c in api.get(url("citation-list"), params).json()["results"]]

    assert keys(act="kz:constitution") == ["c:74:1", "c:75:1"]
    assert keys(paragraph=75) == ["c:75:1", "c:75:2"]
    assert keys(article=9) == ["c:74:1"]
    detail = api.get(url("citation-detail", "c:75:1")).json()
    assert (detail["paragraph"], detail["crpd_article"]) == (75, 24)


@pytest.fixture
def measures(db):
    """Five measures across two articles and two organisations, with provenance and legal basis."""
    mh, mes = f.OrganizationFactory(code="MH"), f.OrganizationFactory(code="MES")
    art9, art24 = f.ArticleFactory(number=9), f.ArticleFactory(number=24)
    paragraph = f.ReportParagraphFactory(number=180)
    citation = f.CitationFactory(key="c:180:1", paragraph=paragraph)
    rows = []
    for n in range(5):
        measure = f.MeasureFactory(
            key=f"m:09:{n:03d}",
            title_en=f"Ramp programme {n}" if n == 3 else f"Measure {n}",
            organizations=[mh] if n % 2 else [mh, mes],
            articles=[art9] if n < 3 else [art24],
            status=MeasureStatus.DELAYED if n == 4 else MeasureStatus.IN_PROGRESS,
            needs_review=n == 2,
        )
        measure.source_paragraphs.set([paragraph])
        measure.legal_basis.set([citation])
        rows.append(measure)
    return rows


def test_measures_list_nests_natural_keys_within_a_query_budget(
    api, measures, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = api.get(url("measure-list"))
    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first["key"] == "m:09:000"
    assert first["organizations"] == ["MES", "MH"]
    assert first["articles"] == [9]
    assert first["source_paragraphs"] == [180]
    assert first["legal_basis"] == ["c:180:1"]
    assert (first["version"], first["status"], first["kind"]) == (
        1,
        "in_progress",
        "administrative",
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"article": 24}, ["m:09:003", "m:09:004"]),
        ({"organization": "MES"}, ["m:09:000", "m:09:002", "m:09:004"]),
        ({"status": "delayed"}, ["m:09:004"]),
        ({"kind": "legislative"}, []),
        ({"needs_review": "true"}, ["m:09:002"]),
        ({"search": "ramp"}, ["m:09:003"]),
        ({"article": 9, "organization": "MES"}, ["m:09:000", "m:09:002"]),
    ],
)
def test_measures_filters(api, measures, params, expected):
    response = api.get(url("measure-list"), params)
    assert [m["key"] for m in response.json()["results"]] == expected


@pytest.mark.parametrize(("param", "value"), [("organization", "NOPE"), ("article", 51)])
def test_an_unknown_article_or_organisation_is_a_400_naming_the_parameter(
    api, measures, param, value
):
    response = api.get(url("measure-list"), {param: value})
    assert response.status_code == 400
    assert param in response.json()


def test_measure_detail_by_key_and_unknown_key(api, measures):
    detail = api.get(url("measure-detail", "m:09:003")).json()
    assert (detail["title_en"], detail["articles"]) == ("Ramp programme 3", [24])
    assert api.get(url("measure-detail", "m:09:999")).status_code == 404


def test_measure_history_lists_approved_changes_only(
    api, author, reviewer, measure, propose, django_assert_max_num_queries
):
    other = f.OrganizationFactory(code="MES")
    cr = propose(measure, {"progress": 70, "organizations": [author.organization_id, other.pk]})
    services.change_request_approve(cr_id=cr.pk, by=reviewer, comment="Confirmed.")
    propose(measure, {"progress": 90})  # submitted, not approved: not history
    propose(measure, {"progress": 95}, submit=False)  # a draft: not history either

    with django_assert_max_num_queries(8):
        response = api.get(url("measure-history", measure.key))
    assert response.status_code == 200
    [entry] = response.json()
    assert entry["change_request"] == cr.pk
    assert entry["proposed_by"] == {"name": "author", "organization": "MH"}
    assert entry["approved_by"] == {"name": "reviewer", "organization": "MLSPP"}
    assert entry["approved_at"] is not None
    assert entry["comments"][-1]["comment"] == "Confirmed."
    changes = {c["field"]: (c["old"], c["new"]) for c in entry["changes"]}
    assert changes == {"progress": (40, 70), "organizations": (["MH"], ["MH", "MES"])}


def test_data_flags_filter_by_model_and_code(api, measures, django_assert_max_num_queries):
    f.DataFlagFactory(target=measures[0])
    f.DataFlagFactory(target=measures[1], code="evident_error")
    f.DataFlagFactory(target=f.LegalActFactory(key="kz:law:x"), code="evident_error")
    f.DataFlagFactory(target=f.ArticleFactory(number=24), code="inferred")
    api.get(url("data-flag-list"))  # content types are cached per process after the first use
    with django_assert_max_num_queries(5):
        everything = api.get(url("data-flag-list")).json()
    assert everything["count"] == 4
    assert {(r["model"], r["object"]) for r in everything["results"]} == {
        ("measure", "m:09:000"),
        ("measure", "m:09:001"),
        ("legalact", "kz:law:x"),
        ("article", 24),
    }
    errors = api.get(url("data-flag-list"), {"code": "evident_error", "model": "measure"}).json()
    assert [r["object"] for r in errors["results"]] == ["m:09:001"]


def test_anonymous_cannot_write_or_see_change_requests(api, measure):
    assert api.post(url("measure-list"), {"key": "m:x"}, format="json").status_code in (401, 403)
    assert api.delete(url("measure-detail", measure.key)).status_code in (401, 403)
    assert api.get(url("change-request-list")).status_code in (401, 403)
    create = api.post(
        url("change-request-list"),
        {"target_type": "measure", "target": measure.key, "payload": {"progress": 1}},
        format="json",
    )
    assert create.status_code in (401, 403)
    assert ChangeRequest.objects.count() == 0


def test_signed_in_users_cannot_write_public_endpoints_either(author, measure):
    client = as_user(author)
    response = client.patch(url("measure-detail", measure.key), {"progress": 99}, format="json")
    assert response.status_code == 405
    measure.refresh_from_db()
    assert measure.progress == 40


def test_drafts_and_open_changes_never_appear_in_public_endpoints(api, author, measure, propose):
    propose(measure, {"title_en": "Draft title", "progress": 99}, submit=False)
    propose(measure, {"status": "delayed"})
    services.change_request_create(
        by=author,
        target_model=Measure,
        payload={
            "title_kk": "Жаңа шара",
            "kind": "practical",
            "status": "planned",
            "articles": [measure.articles.get().pk],
            "organizations": [author.organization_id],
        },
    )
    listing = api.get(url("measure-list")).json()
    assert [m["key"] for m in listing["results"]] == [measure.key]
    live = api.get(url("measure-detail", measure.key)).json()
    assert (live["title_en"], live["progress"], live["status"]) == (
        measure.title_en,
        40,
        "in_progress",
    )
    assert api.get(url("measure-history", measure.key)).json() == []
    assert "Draft title" not in api.get(url("measure-list"), {"search": "Draft"}).content.decode()


# The workflow: reading -------------------------------------------------------------------------


def test_change_request_list_is_own_organisation_plus_the_reviewers_queue(
    author, colleague, outsider, reviewer, measure, propose, django_assert_max_num_queries
):
    draft = propose(measure, {"progress": 50}, submit=False)
    submitted = propose(measure, {"progress": 60})
    foreign_measure = f.MeasureFactory(organizations=[outsider.organization])
    foreign = propose(foreign_measure, {"progress": 10}, by=outsider, submit=False)

    def ids(user, **params):
        client = as_user(user)
        client.get(url("change-request-list"))  # content types cached, as in a running server
        # 7 for a reviewer: the session's second-factor device, loaded when the review rule asks.
        with django_assert_max_num_queries(7 if user == reviewer else 6):
            response = client.get(url("change-request-list"), params)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids(author) == {draft.pk, submitted.pk}
    assert ids(colleague) == {draft.pk, submitted.pk}  # same organisation
    assert ids(outsider) == {foreign.pk}
    assert ids(reviewer) == {submitted.pk}  # the queue; never others' drafts
    assert ids(author, status="draft") == {draft.pk}
    row = as_user(author).get(url("change-request-list")).json()["results"][0]
    assert (row["target_type"], row["target"], row["organization"]) == (
        "measure",
        measure.key,
        "MH",
    )
    assert "diff" not in row


def test_change_request_list_query_count_does_not_grow_with_rows(
    author, measure, propose, django_assert_max_num_queries
):
    for n in range(8):
        propose(measure, {"progress": n}, submit=bool(n % 2))
    client = as_user(author)
    with django_assert_max_num_queries(6):
        response = client.get(url("change-request-list"))
    assert response.json()["count"] == 8


def test_retrieve_shows_diff_events_and_payload_by_natural_key(author, measure, propose):
    other = f.OrganizationFactory(code="MES")
    cr = propose(measure, {"progress": 70, "organizations": [author.organization_id, other.pk]})
    body = as_user(author).get(url("change-request-detail", cr.pk)).json()
    assert body["payload"] == {"progress": 70, "organizations": ["MH", "MES"]}
    diff = {row["field"]: row for row in body["diff"]}
    assert (diff["progress"]["live"], diff["progress"]["proposed"]) == (40, 70)
    assert diff["organizations"]["live"] == ["MH"]
    assert diff["organizations"]["changed"] is True
    assert [e["action"] for e in body["events"]] == ["create", "submit"]
    assert body["events"][0]["actor"] == "author"
    assert body["evidence"] == []


def test_available_actions_differ_for_the_author_and_the_reviewer(
    author, reviewer, measure, propose, django_assert_max_num_queries
):
    cr = propose(measure, {"progress": 70}, submit=False)
    author_api, reviewer_api = as_user(author), as_user(reviewer)
    # The actions cost one query (the record's organisations); the record itself is prefetched.
    with django_assert_max_num_queries(17):
        body = author_api.get(url("change-request-detail", cr.pk)).json()
    assert body["available_actions"] == ["edit", "attach_evidence", "submit", "rebase", "withdraw"]
    # A write answers with what the actor may do next.
    submitted = author_api.post(url("change-request-submit", cr.pk)).json()
    assert submitted["available_actions"] == ["rebase", "withdraw"]
    body = reviewer_api.get(url("change-request-detail", cr.pk)).json()
    assert body["available_actions"] == ["approve", "return", "reject"]
    # What the API offers is what the API then does: the reviewer approves, the author may not.
    assert author_api.post(url("change-request-approve", cr.pk)).status_code == 403
    approved = reviewer_api.post(url("change-request-approve", cr.pk)).json()
    assert (approved["status"], approved["available_actions"]) == ("approved", ["revert"])
    # Lists stay light: the actions are on single-record responses only.
    row = author_api.get(url("change-request-list")).json()["results"][0]
    assert "available_actions" not in row


def test_change_requests_of_another_organisation_are_not_found(outsider, measure, propose):
    cr = propose(measure, {"progress": 70})
    client = as_user(outsider)
    assert client.get(url("change-request-detail", cr.pk)).status_code == 404
    assert client.post(url("change-request-withdraw", cr.pk)).status_code == 404
    assert ChangeRequest.objects.get(pk=cr.pk).status == "submitted"


# The workflow: proposing -----------------------------------------------------------------------


def test_create_an_update_with_natural_keys(author, measure):
    mes = f.OrganizationFactory(code="MES")
    response = as_user(author).post(
        url("change-request-list"),
        {
            "target_type": "measure",
            "target": measure.key,
            "payload": {"progress": 65, "organizations": ["MH", "MES"]},
            "summary": "Progress for 2019",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    cr = ChangeRequest.objects.get(pk=response.json()["id"])
    assert (cr.status, cr.operation, cr.author, cr.base_version) == ("draft", "update", author, 1)
    assert cr.payload == {"progress": 65, "organizations": sorted([author.organization_id, mes.pk])}
    assert response.json()["payload"]["organizations"] == ["MH", "MES"]
    assert response.json()["target"] == measure.key
    measure.refresh_from_db()
    assert measure.progress == 40


def test_create_a_new_measure(author, reviewer):
    f.ArticleFactory(number=9)
    client = as_user(author)
    response = client.post(
        url("change-request-list"),
        {
            "target_type": "measure",
            "target": None,
            "payload": {
                "title_kk": "Пандустар",
                "kind": "practical",
                "status": "planned",
                "articles": [9],
                "organizations": ["MH"],
            },
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    cr_id = response.json()["id"]
    assert response.json()["operation"] == "create"
    assert client.post(url("change-request-submit", cr_id)).status_code == 200
    approved = as_user(reviewer).post(url("change-request-approve", cr_id), format="json")
    assert approved.status_code == 200
    assert approved.json()["target"] == f"m:cr:{cr_id}"
    assert Measure.objects.get(key=f"m:cr:{cr_id}").title_kk == "Пандустар"


def test_create_refused_for_another_organisations_record(outsider, measure):
    response = as_user(outsider).post(
        url("change-request-list"),
        {"target_type": "measure", "target": measure.key, "payload": {"progress": 1}},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["detail"]
    assert ChangeRequest.objects.count() == 0


def test_legal_acts_are_proposed_by_reviewers_only(author, reviewer):
    act = f.LegalActFactory(key="kz:law:2005-04-13:39-III")
    body = {"target_type": "legal-act", "target": act.key, "payload": {"status": "amended"}}
    assert as_user(author).post(url("change-request-list"), body, format="json").status_code == 403
    response = as_user(reviewer).post(url("change-request-list"), body, format="json")
    assert response.status_code == 201
    assert ChangeRequest.objects.get().payload == {"status": "amended"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"target_type": "measure", "target": "m:09:404", "payload": {}}, "target"),
        ({"target_type": "planet", "payload": {}}, "target_type"),
        ({"target_type": "measure", "target": "{key}", "payload": {"progress": 150}}, "progress"),
        (
            {"target_type": "measure", "target": "{key}", "payload": {"organizations": ["NOPE"]}},
            "organizations",
        ),
        ({"target_type": "measure", "target": "{key}", "payload": {"version": 9}}, "version"),
        (
            {"target_type": "measure", "target": "{key}", "payload": {}, "summary": "x" * 301},
            "summary",
        ),
    ],
)
def test_invalid_proposals_are_400_naming_the_field(author, measure, body, field):
    if body.get("target") == "{key}":
        body = {**body, "target": measure.key}
    response = as_user(author).post(
        url("change-request-list"), body, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert ChangeRequest.objects.count() == 0


def test_error_messages_follow_accept_language(author, reviewer, measure, propose):
    cr = propose(measure, {"progress": 70})
    client = as_user(reviewer)
    messages = {}
    for language in ("kk", "ru", "en"):
        response = client.post(
            url("change-request-return", cr.pk), {}, format="json", HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 400
        messages[language] = response.json()["comment"][0]
    assert messages["en"] == "Say what has to change: a comment is required."
    assert messages["kk"] == "Нені өзгерту керектігін көрсетіңіз: пікір жазу міндетті."
    assert len(set(messages.values())) == 3
    en = as_user(author).post(
        url("change-request-list"),
        {"target_type": "measure", "target": measure.key, "payload": {"organizations": ["NOPE"]}},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    kk = as_user(author).post(
        url("change-request-list"),
        {"target_type": "measure", "target": measure.key, "payload": {"organizations": ["NOPE"]}},
        format="json",
        HTTP_ACCEPT_LANGUAGE="kk",
    )
    assert en.json()["organizations"] == ["No organisation has the key NOPE."]
    assert kk.json()["organizations"] == ["ұйым: NOPE кілті бар жазба табылмады."]
    assert en.json()["organizations"] != kk.json()["organizations"]


def test_patch_changes_a_draft(author, measure, propose):
    cr = propose(measure, {"progress": 50}, submit=False)
    response = as_user(author).patch(
        url("change-request-detail", cr.pk),
        {
            "version": cr.version,
            "payload": {"progress": 55, "organizations": ["MH"]},
            "summary": "Revised",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    cr.refresh_from_db()
    assert (cr.payload, cr.summary) == (
        {"progress": 55, "organizations": [measure.organizations.get().pk]},
        "Revised",
    )
    assert cr.events.last().action == "edit"


def test_patch_refused_to_others_and_once_submitted(author, colleague, measure, propose):
    draft = propose(measure, {"progress": 50}, submit=False)
    before = snapshot(draft)
    response = as_user(colleague).patch(
        url("change-request-detail", draft.pk),
        {"version": draft.version, "summary": "Mine now"},
        format="json",
    )
    assert response.status_code == 403
    assert snapshot(draft) == before

    submitted = propose(measure, {"progress": 60})
    before = snapshot(submitted)
    response = as_user(author).patch(
        url("change-request-detail", submitted.pk),
        {"version": submitted.version, "payload": {"progress": 1}},
        format="json",
    )
    assert response.status_code == 403
    assert snapshot(submitted) == before


# The workflow: moving --------------------------------------------------------------------------


def test_submit_and_its_refusals(author, colleague, measure, propose):
    cr = propose(measure, {"progress": 50}, submit=False)
    before = snapshot(cr)
    assert as_user(colleague).post(url("change-request-submit", cr.pk)).status_code == 403
    assert snapshot(cr) == before

    response = as_user(author).post(url("change-request-submit", cr.pk))
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    cr.refresh_from_db()
    assert cr.status == "submitted"
    assert cr.submitted_at is not None

    before = snapshot(cr)
    again = as_user(author).post(url("change-request-submit", cr.pk), HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 409
    assert again.json()["code"] == "transition_not_allowed"
    assert snapshot(cr) == before


def test_withdraw_and_its_refusal(author, reviewer, measure, propose):
    cr = propose(measure, {"progress": 50})
    before = snapshot(cr)
    assert as_user(reviewer).post(url("change-request-withdraw", cr.pk)).status_code == 403
    assert snapshot(cr) == before
    response = as_user(author).post(
        url("change-request-withdraw", cr.pk), {"comment": "Wrong year"}, format="json"
    )
    assert response.status_code == 200
    cr.refresh_from_db()
    assert cr.status == "withdrawn"
    assert cr.events.last().comment == "Wrong year"


def test_approve_applies_the_change(author, reviewer, measure, propose):
    cr = propose(measure, {"progress": 70, "status": "delayed"})
    response = as_user(reviewer).post(
        url("change-request-approve", cr.pk), {"comment": "Confirmed."}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    measure.refresh_from_db()
    assert (measure.progress, measure.status, measure.version) == (70, "delayed", 2)
    cr.refresh_from_db()
    assert (cr.status, cr.decided_by) == ("approved", reviewer)


def test_approve_refused_to_the_author_and_for_a_draft(reviewer, measure, propose):
    own = propose(measure, {"progress": 70}, by=reviewer)
    before = snapshot(own)
    response = as_user(reviewer).post(url("change-request-approve", own.pk))
    assert response.status_code == 403
    assert snapshot(own) == before

    other = f.UserFactory(reviewer=True, organization=reviewer.organization)
    draft = propose(measure, {"progress": 75}, by=reviewer, submit=False)
    before = snapshot(draft)
    assert as_user(other).post(url("change-request-approve", draft.pk)).status_code == 409
    assert snapshot(draft) == before
    measure.refresh_from_db()
    assert (measure.progress, measure.version) == (40, 1)


def test_return_and_reject_need_a_comment(reviewer, measure, propose):
    for name in ("change-request-return", "change-request-reject"):
        cr = propose(measure, {"progress": 70})
        before = snapshot(cr)
        response = as_user(reviewer).post(url(name, cr.pk), {"comment": "  "}, format="json")
        assert response.status_code == 400
        assert "comment" in response.json()
        assert snapshot(cr) == before


def test_return_then_edit_and_resubmit(author, reviewer, measure, propose):
    cr = propose(measure, {"progress": 70})
    response = as_user(reviewer).post(
        url("change-request-return", cr.pk), {"comment": "Cite the order."}, format="json"
    )
    assert response.status_code == 200
    cr.refresh_from_db()
    assert cr.status == "returned"
    client = as_user(author)
    assert (
        client.patch(
            url("change-request-detail", cr.pk),
            {"version": cr.version, "payload": {"progress": 65}},
            format="json",
        ).status_code
        == 200
    )
    assert client.post(url("change-request-submit", cr.pk)).status_code == 200
    cr.refresh_from_db()
    assert (cr.status, cr.payload) == ("submitted", {"progress": 65})


def test_reject_and_its_refusal_to_editors(author, colleague, reviewer, measure, propose):
    cr = propose(measure, {"progress": 70})
    before = snapshot(cr)
    response = as_user(colleague).post(
        url("change-request-reject", cr.pk), {"comment": "No."}, format="json"
    )
    assert response.status_code == 403
    assert snapshot(cr) == before
    response = as_user(reviewer).post(
        url("change-request-reject", cr.pk), {"comment": "Not a measure."}, format="json"
    )
    assert response.status_code == 200
    cr.refresh_from_db()
    assert (cr.status, cr.events.last().comment) == ("rejected", "Not a measure.")
    measure.refresh_from_db()
    assert measure.progress == 40


def test_conflict_is_409_with_what_changed_meanwhile_then_rebase(
    author, reviewer, measure, propose
):
    other = f.OrganizationFactory(code="MES")
    first = propose(measure, {"progress": 70, "organizations": [author.organization_id, other.pk]})
    second = propose(measure, {"title_en": "Renamed"})
    services.change_request_approve(cr_id=first.pk, by=reviewer)
    before = snapshot(second)

    response = as_user(reviewer).post(
        url("change-request-approve", second.pk), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["base_version"], body["live_version"]) == ("conflict", 1, 2)
    changes = {c["field"]: (c["base"], c["live"]) for c in body["changes"]}
    assert changes == {"progress": (40, 70), "organizations": (["MH"], ["MH", "MES"])}
    assert snapshot(second) == before
    measure.refresh_from_db()
    assert (measure.version, measure.progress) == (2, 70)
    assert measure.title_en != "Renamed"

    assert as_user(reviewer).post(url("change-request-rebase", second.pk)).status_code == 403
    assert snapshot(second) == before
    rebased = as_user(author).post(url("change-request-rebase", second.pk))
    assert rebased.status_code == 200
    second.refresh_from_db()
    assert second.base_version == 2
    assert as_user(reviewer).post(url("change-request-approve", second.pk)).status_code == 200
    measure.refresh_from_db()
    assert (measure.title_en, measure.version) == ("Renamed", 3)


def test_revert_proposes_the_replaced_values(author, reviewer, measure, propose):
    cr = propose(measure, {"progress": 70})
    services.change_request_approve(cr_id=cr.pk, by=reviewer)
    response = as_user(author).post(url("change-request-revert", cr.pk), {}, format="json")
    assert response.status_code == 201, response.content
    revert = ChangeRequest.objects.get(pk=response.json()["id"])
    assert (revert.status, revert.payload, revert.base_version) == ("draft", {"progress": 40}, 2)


def test_revert_refused_for_an_unapproved_change(author, measure, propose):
    cr = propose(measure, {"progress": 70})
    response = as_user(author).post(url("change-request-revert", cr.pk), {}, format="json")
    assert response.status_code == 400
    assert ChangeRequest.objects.count() == 1


def test_evidence_upload(author, measure, propose, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cr = propose(measure, {"progress": 70}, submit=False)
    response = as_user(author).post(
        url("change-request-evidence", cr.pk),
        {"file": SimpleUploadedFile("order.pdf", PDF, content_type="application/pdf")},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.content_type) == ("order.pdf", "application/pdf")
    assert Path(evidence.file.path).read_bytes() == PDF
    detail = as_user(author).get(url("change-request-detail", cr.pk)).json()
    assert [e["original_name"] for e in detail["evidence"]] == ["order.pdf"]


def test_evidence_refusals(author, reviewer, measure, propose, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cr = propose(measure, {"progress": 70}, submit=False)
    spoofed = as_user(author).post(
        url("change-request-evidence", cr.pk),
        {"file": SimpleUploadedFile("order.pdf", b"MZ\x90\x00 not a pdf")},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert spoofed.status_code == 400
    assert spoofed.json()["file"] == ["The file's content does not match its extension."]
    missing = as_user(author).post(url("change-request-evidence", cr.pk), {}, format="multipart")
    assert missing.status_code == 400
    assert "file" in missing.json()
    submitted = propose(measure, {"progress": 71})
    by_reviewer = as_user(reviewer).post(
        url("change-request-evidence", submitted.pk),
        {"file": SimpleUploadedFile("order.pdf", PDF)},
        format="multipart",
    )
    assert by_reviewer.status_code == 403
    assert Evidence.objects.count() == 0
    assert list(tmp_path.rglob("*.pdf")) == []


def test_session_writes_need_the_csrf_token(author, measure, propose):
    cr = propose(measure, {"progress": 70}, submit=False)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(author)
    response = client.post(url("change-request-submit", cr.pk))
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert ChangeRequest.objects.get(pk=cr.pk).status == "draft"
    assert not ReviewEvent.objects.filter(change_request=cr, action="submit").exists()


def test_legal_act_approval_flags_citing_measures(author, reviewer, measure):
    act = f.LegalActFactory()
    measure.legal_basis.set([f.CitationFactory(act=act)])
    other = f.UserFactory(reviewer=True, organization=reviewer.organization)
    created = as_user(reviewer).post(
        url("change-request-list"),
        {"target_type": "legal-act", "target": act.key, "payload": {"status": "repealed"}},
        format="json",
    )
    cr_id = created.json()["id"]
    assert as_user(reviewer).post(url("change-request-submit", cr_id)).status_code == 200
    assert as_user(other).post(url("change-request-approve", cr_id)).status_code == 200
    act.refresh_from_db()
    measure.refresh_from_db()
    assert (act.status, measure.needs_review) == (LegalActStatus.REPEALED, True)
    assert LegalAct.objects.get(pk=act.pk).version == 2


# OpenAPI ---------------------------------------------------------------------------------------


def test_openapi_schema_generates_and_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    assert "/api/v1/change-requests/{id}/approve/" in schema
    assert "/api/v1/measures/{key}/history/" in schema
    assert "available_actions" in schema


def test_dates_are_iso(api, measure):
    Measure.objects.filter(pk=measure.pk).update(start_date=dt.date(2016, 1, 1))
    assert api.get(url("measure-detail", measure.key)).json()["start_date"] == "2016-01-01"


def test_a_nul_character_in_a_natural_key_is_a_400_not_a_crash(client, author, measure):
    client.force_login(author)
    response = client.post(
        "/api/v1/change-requests/",
        {
            "target_type": "measure",
            "target": measure.key,
            "payload": {"organizations": ["M\x00H"]},
        },
        content_type="application/json",
    )
    assert response.status_code == 400
