"""The web UI: public pages show live data only, the workflow pages act through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tests import factories as f
from tracker.models import (
    ChangeRequest,
    ChangeStatus,
    DataFlag,
    DataFlagCode,
    Evidence,
    LegalAct,
    LegalActStatus,
    Measure,
    MeasureStatus,
)
from tracker.workflow import evidence, services
from tracker.workflow.selectors import AVAILABLE_ACTIONS, available_actions

pytestmark = pytest.mark.django_db

DRAFT_TITLE = "ЖАРИЯЛАНБАҒАН ЖОБА АТАУЫ"
SUBMITTED_TITLE = "ҚАРАЛУДАҒЫ ҰСЫНЫС АТАУЫ"


def url(name: str, *args, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(name, args=args)


@pytest.fixture
def many_measures(org_a, org_b):
    """About twenty measures over two articles and two organisations, with citations and
    paragraphs, so a query per row would show in the query counts."""
    art9, art24 = f.ArticleFactory(number=9), f.ArticleFactory(number=24)
    measures = []
    for i in range(20):
        article = art9 if i % 2 else art24
        m = f.MeasureFactory(
            articles=[article],
            organizations=[org_a if i % 3 else org_b],
            status=MeasureStatus.IMPLEMENTED if i % 4 == 0 else MeasureStatus.IN_PROGRESS,
        )
        citation = f.CitationFactory(
            crpd_article=article, paragraph=f.ReportParagraphFactory(article=article)
        )
        m.legal_basis.add(citation)
        m.source_paragraphs.add(citation.paragraph)
        measures.append(m)
    return measures


@pytest.fixture
def pending(author, measure, propose):
    """A draft and a submitted change to the measure whose proposed titles must never leak."""
    draft = propose(measure, {"title_kk": DRAFT_TITLE}, submit=False)
    submitted = propose(measure, {"title_kk": SUBMITTED_TITLE, "progress": 77})
    return draft, submitted


# Public pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_dashboard_lists_articles_with_status_breakdown_within_query_budget(
    client, many_measures, lang, django_assert_max_num_queries
):
    # The status reports' numbers, computed once (about 20 queries), then from the cache.
    with django_assert_max_num_queries(26):
        response = client.get(url("tracker:dashboard", lang=lang))
    with django_assert_max_num_queries(3):
        client.get(url("tracker:dashboard", lang=lang))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<html lang="{lang}">' in body
    assert url("tracker:article-detail", 24, lang=lang) in body
    listed = url("tracker:measure-list", lang=lang) + "?status=implemented&amp;article=24"
    assert f'<a href="{listed}">5</a>' in body
    assert 'role="search"' in body


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_article_page_shows_measures_citations_indicators_and_paragraphs(
    client, many_measures, lang, django_assert_max_num_queries
):
    indicator = f.IndicatorFactory()
    indicator.articles.add(f.ArticleFactory(number=9))
    # The article's counts and a page of each list, and the status reports' verdicts (cached).
    with django_assert_max_num_queries(34):
        response = client.get(url("tracker:article-detail", 9, lang=lang))
    assert response.status_code == 200
    body = response.content.decode()
    assert many_measures[1].title_kk in body or many_measures[1].title_en in body
    assert "¶" in body
    assert indicator.name_kk in body
    assert body.count("<h1") == 1


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_measure_list_filters_and_paginates_within_query_budget(
    client, many_measures, org_b, lang, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = client.get(url("tracker:measure-list", lang=lang))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 20

    response = client.get(
        url("tracker:measure-list", lang=lang),
        {"organization": org_b.code, "status": "implemented", "article": "", "q": ""},
    )
    rows = list(response.context["page"])
    assert rows
    assert all(m.status == "implemented" for m in rows)
    assert all(org_b in m.organizations.all() for m in rows)
    # Articles by number, as in the API.
    response = client.get(url("tracker:measure-list", lang=lang), {"article": 24})
    rows = list(response.context["page"])
    assert len(rows) == 10
    assert all([a.number for a in m.articles.all()] == [24] for m in rows)

    target = many_measures[5]
    response = client.get(url("tracker:measure-list", lang=lang), {"q": target.title_kk})
    assert [m.pk for m in response.context["page"]] == [target.pk]


def test_an_unknown_filter_value_is_reported_on_its_field_and_the_rest_still_applies(
    client, many_measures
):
    response = client.get(
        url("tracker:measure-list"), {"organization": "NOPE", "status": "implemented"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["organization"]
    rows = list(response.context["page"])
    assert len(rows) == 5
    assert all(m.status == "implemented" for m in rows)
    body = response.content.decode()
    assert "field--error" in body
    assert 'name="search"' not in body  # the API's alias is not a second search box


@pytest.fixture
def searchable(db):
    return {
        "ramps": f.MeasureFactory(
            key="m:09:801",
            title_kk="Пандустар салу",
            title_en="Building ramps",
            description_kk="Мектептерде және ауруханаларда",
        ),
        "schools": f.MeasureFactory(key="m:24:802", title_kk="Мектептерді жабдықтау"),
        "other": f.MeasureFactory(key="m:30:803", title_kk="Спорт"),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Every word must occur, each in any searched field, in any order, ignoring case.
        ("пандустар мектептерде", ["ramps"]),
        ("МЕКТЕПТЕРДЕ ПАНДУСТАР", ["ramps"]),
        ("ramps ауруханаларда", ["ramps"]),
        ("мектептер", ["ramps", "schools"]),
        ("m:24", ["schools"]),
        ("пандустар спорт", []),
        ("  ", ["ramps", "schools", "other"]),
    ],
)
def test_the_page_and_the_api_search_measures_the_same_way(
    client, api, searchable, text, expected, django_assert_max_num_queries
):
    keys = [searchable[name].key for name in expected]
    with django_assert_max_num_queries(8):
        page = client.get(url("tracker:measure-list"), {"q": text})
    assert [m.key for m in page.context["page"]] == sorted(keys)
    for param in ("q", "search"):
        listing = api.get(reverse("api:measure-list"), {param: text}).json()
        assert [m["key"] for m in listing["results"]] == sorted(keys)


def test_measure_list_paginates(client, many_measures, settings):
    for _ in range(10):
        f.MeasureFactory()
    response = client.get(url("tracker:measure-list"), {"page": 2})
    assert response.status_code == 200
    assert response.context["page"].number == 2
    assert "Page 2 of 2" in response.content.decode()


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_measure_detail_shows_provenance_flags_and_approved_history(
    client, author, reviewer, measure, propose, lang, django_assert_max_num_queries
):
    citation = f.CitationFactory(article_ref="21", clause_ref="3")
    measure.legal_basis.add(citation)
    paragraph = f.ReportParagraphFactory(number=150, text_kk="Жүзелүінші параграф мәтіні.")
    measure.source_paragraphs.add(paragraph)
    DataFlag.objects.create(
        content_type=ContentType.objects.get_for_model(Measure),
        object_id=measure.pk,
        code=DataFlagCode.REPORT_INCONSISTENCY,
        message="¶101 dates the law 2017.",
    )
    cr = propose(measure, {"progress": 65}, summary="Progress 2019")
    services.change_request_approve(cr_id=cr.pk, by=reviewer)

    with django_assert_max_num_queries(8):
        response = client.get(url("tracker:measure-detail", measure.pk, lang=lang))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Жүзелүінші параграф мәтіні." in body
    assert "¶150" in body
    assert "¶101 dates the law 2017." in body
    assert "Progress 2019" in body
    assert "65" in body
    assert citation.act.title_kk in body or citation.act.title_en in body
    # Anonymous visitors are not offered the workflow.
    assert url("tracker:measure-propose", measure.pk, lang=lang) not in body


def test_public_pages_never_show_drafts_or_submitted_changes(client, measure, pending, org_a):
    pages = [
        url("tracker:dashboard"),
        url("tracker:article-detail", 9),
        url("tracker:measure-list"),
        url("tracker:measure-detail", measure.pk),
        url("tracker:organization-detail", org_a.code),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        body = response.content.decode()
        assert DRAFT_TITLE not in body, page
        assert SUBMITTED_TITLE not in body, page
    draft, submitted = pending
    assert client.get(url("tracker:change-request-detail", draft.pk)).status_code == 302
    assert client.get(url("tracker:change-request-detail", submitted.pk)).status_code == 302


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_legal_act_pages_and_organisation_page(
    client, many_measures, org_a, lang, django_assert_max_num_queries
):
    act = many_measures[0].legal_basis.get().act
    act.aliases.create(text="Әлеуметтік қорғау туралы заң")
    with django_assert_max_num_queries(2):
        response = client.get(url("tracker:legal-act-list", lang=lang))
    assert response.status_code == 200
    with django_assert_max_num_queries(8):
        response = client.get(url("tracker:legal-act-detail", act.pk, lang=lang))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Әлеуметтік қорғау туралы заң" in body
    assert url("tracker:measure-detail", many_measures[0].pk, lang=lang) in body
    with django_assert_max_num_queries(34):
        response = client.get(url("tracker:organization-detail", org_a.code, lang=lang))
    assert response.status_code == 200


# Sign-in ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_login_page_renders_and_signs_in_to_my_work(client, author, lang):
    response = client.get(url("login", lang=lang))
    assert response.status_code == 200
    assert 'for="id_username"' in response.content.decode()
    response = client.post(
        url("login", lang=lang),
        {"username": "author", "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("tracker:my-work", lang=lang)


def test_wrong_password_shows_error_summary(client, author):
    response = client.post(url("login"), {"username": "author", "password": "wrong"})
    body = response.content.decode()
    assert 'role="alert"' in body


def test_locked_out_user_sees_a_translated_message(client, author, settings):
    settings.AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(3):
        response = client.post(url("login"), {"username": "author", "password": "wrong"})
    assert response.status_code == 429
    body = response.content.decode()
    assert "Sign-in temporarily blocked" in body
    assert "<h1>" in body


@pytest.mark.parametrize(
    ("lang", "hours", "words"),
    [
        ("ru", 1, "До снятия блокировки осталось: 1 час"),
        ("kk", 0.5, "Бұғаттаудың аяқталуына: 30 минут"),
    ],
)
def test_lockout_page_says_the_block_time_in_words(client, author, settings, lang, hours, words):
    settings.AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
    settings.AXES_FAILURE_LIMIT = 1
    settings.AXES_COOLOFF_TIME = hours
    for _ in range(2):
        response = client.post(url("login", lang=lang), {"username": "author", "password": "wrong"})
    body = response.content.decode()
    assert response.status_code == 429
    assert words in body
    assert ":00:00" not in body
    assert "0:30:00" not in body


def test_logout_is_a_post_form(client, author):
    client.force_login(author)
    body = client.get(url("tracker:dashboard")).content.decode()
    assert f'action="{url("logout")}" method="post"' in body
    response = client.post(url("logout"))
    assert response.status_code == 302


# My work ---------------------------------------------------------------------------------------


def test_my_work_requires_login(client):
    response = client.get(url("tracker:my-work"))
    assert response.status_code == 302
    assert response["Location"].startswith(url("login"))


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_editor_sees_own_organisations_drafts_returned_submitted_and_flagged_measures(
    client, author, outsider, measure, propose, reviewer, lang, django_assert_max_num_queries
):
    for i in range(6):
        propose(measure, {"progress": 50 + i}, submit=False, summary=f"draft {i}")
    for i in range(6):
        propose(measure, {"progress": 60 + i}, summary=f"submitted {i}")
    returned = propose(measure, {"progress": 90}, summary="to be returned")
    services.change_request_return(cr_id=returned.pk, by=reviewer, comment="Source?")
    foreign = f.MeasureFactory(organizations=[outsider.organization])
    propose(foreign, {"progress": 1}, by=outsider, submit=False, summary="not mine")
    Measure.objects.filter(pk=measure.pk).update(needs_review=True)

    client.force_login(author)
    # Each list is one page and its count (issue 12: never every change request at once).
    with django_assert_max_num_queries(14):
        response = client.get(url("tracker:my-work", lang=lang))
    assert response.status_code == 200
    ctx = response.context
    assert len(ctx["drafts"]["page"]) == 6
    assert len(ctx["submitted"]["page"]) == 6
    assert [cr.pk for cr in ctx["returned"]["page"]] == [returned.pk]
    assert [m.pk for m in ctx["needs_review"]["page"]] == [measure.pk]
    assert "not mine" not in response.content.decode()


def test_reviewer_sees_queue_oldest_first_and_own_decisions(
    client, author, reviewer, measure, propose, django_assert_max_num_queries
):
    crs = [propose(measure, {"progress": 50 + i}) for i in range(20)]
    services.change_request_reject(cr_id=crs[-1].pk, by=reviewer, comment="Duplicate.")
    client.force_login(reviewer)
    # + 1: the session's second-factor device, loaded when the review rule asks (issue 11).
    with django_assert_max_num_queries(9):
        response = client.get(url("tracker:my-work"))
    assert response.status_code == 200
    assert [cr.pk for cr in response.context["queue"]["page"]] == [cr.pk for cr in crs[:-1]]
    assert [cr.pk for cr in response.context["decisions"]] == [crs[-1].pk]
    assert "Review queue: 19" in response.content.decode()


# Proposing -------------------------------------------------------------------------------------


def test_propose_form_is_prefilled_with_live_values(client, author, measure):
    client.force_login(author)
    detail = client.get(url("tracker:measure-detail", measure.pk)).content.decode()
    assert url("tracker:measure-propose", measure.pk) in detail
    response = client.get(url("tracker:measure-propose", measure.pk, lang="kk"))
    assert response.status_code == 200
    assert response.context["form"]["progress"].value() == 40
    assert f"{measure.title_kk}</textarea>" in response.content.decode()


def test_propose_creates_a_draft_with_only_the_changed_fields(client, author, measure):
    client.force_login(author)
    form = client.get(url("tracker:measure-propose", measure.pk)).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(progress="55", summary="Progress for 2019")
    response = client.post(url("tracker:measure-propose", measure.pk), data)
    assert response.status_code == 302
    cr = ChangeRequest.objects.get()
    assert response["Location"] == url("tracker:change-request-detail", cr.pk)
    assert (cr.status, cr.payload, cr.summary) == ("draft", {"progress": 55}, "Progress for 2019")
    measure.refresh_from_db()
    assert measure.progress == 40


def test_form_errors_are_summarised_and_linked_to_their_fields(client, author, measure):
    client.force_login(author)
    form = client.get(url("tracker:measure-propose", measure.pk)).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(progress="150", kind="")
    response = client.post(url("tracker:measure-propose", measure.pk), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'role="alert"' in body
    assert 'href="#id_progress"' in body
    assert 'aria-describedby="id_progress_error"' in body or (
        'aria-describedby="id_progress_helptext id_progress_error"' in body
    )
    assert 'id="id_progress_error"' in body
    assert 'aria-invalid="true"' in body
    assert "(required)" in body
    assert not ChangeRequest.objects.exists()


def test_unchanged_form_is_refused(client, author, measure):
    client.force_login(author)
    form = client.get(url("tracker:measure-propose", measure.pk)).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    response = client.post(url("tracker:measure-propose", measure.pk), data)
    assert response.status_code == 400
    assert not ChangeRequest.objects.exists()


def test_editor_of_another_organisation_gets_403_on_propose(client, outsider, measure):
    client.force_login(outsider)
    assert client.get(url("tracker:measure-propose", measure.pk)).status_code == 403
    response = client.post(url("tracker:measure-propose", measure.pk), {"progress": "99"})
    assert response.status_code == 403
    assert not ChangeRequest.objects.exists()
    detail = client.get(url("tracker:measure-detail", measure.pk)).content.decode()
    assert url("tracker:measure-propose", measure.pk) not in detail


def test_propose_requires_login(client, measure):
    response = client.get(url("tracker:measure-propose", measure.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(url("login"))


def test_propose_a_new_measure(client, author, org_a):
    article = f.ArticleFactory(number=9)
    client.force_login(author)
    response = client.get(url("tracker:measure-propose-new"))
    assert response.status_code == 200
    response = client.post(
        url("tracker:measure-propose-new"),
        {
            "title_kk": "Жаңа пандус",
            "kind": "practical",
            "status": "planned",
            "articles": [article.pk],
            "organizations": [org_a.pk],
            "summary": "New ramp",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    cr = ChangeRequest.objects.get()
    assert cr.operation == "create"
    assert cr.payload["title_kk"] == "Жаңа пандус"
    assert "status" not in cr.payload  # the default is not a change


def test_reviewer_proposes_a_legal_act_change_and_editor_may_not(client, reviewer, author, measure):
    act = f.LegalActFactory()
    client.force_login(author)
    assert client.get(url("tracker:legal-act-propose", act.pk)).status_code == 403
    client.force_login(reviewer)
    detail = client.get(url("tracker:legal-act-detail", act.pk)).content.decode()
    assert url("tracker:legal-act-propose", act.pk) in detail
    form = client.get(url("tracker:legal-act-propose", act.pk)).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["status"] = LegalActStatus.REPEALED
    response = client.post(url("tracker:legal-act-propose", act.pk), data)
    assert response.status_code == 302
    cr = ChangeRequest.objects.get()
    assert cr.payload == {"status": "repealed"}
    assert LegalAct.objects.get(pk=act.pk).status == LegalActStatus.IN_FORCE


def test_editing_a_draft_replaces_its_proposed_values(client, author, measure, propose):
    cr = propose(measure, {"progress": 50}, submit=False)
    client.force_login(author)
    form = client.get(url("tracker:change-request-edit", cr.pk)).context["form"]
    assert form["progress"].value() == 50
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["progress"] = "60"
    response = client.post(url("tracker:change-request-edit", cr.pk), data)
    assert response.status_code == 302
    cr.refresh_from_db()
    assert cr.payload == {"progress": 60}


# The change request page and its actions --------------------------------------------------------


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_change_request_page_shows_diff_evidence_timeline_and_actions(
    client, author, reviewer, measure, propose, lang, django_assert_max_num_queries
):
    cr = propose(measure, {"progress": 70, "status": "delayed"}, submit=False)
    client.force_login(author)
    with django_assert_max_num_queries(14):  # + the record named
        response = client.get(url("tracker:change-request-detail", cr.pk, lang=lang))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<caption>" in body
    assert [row["field"] for row in response.context["diff"]] == ["status", "progress"]
    assert response.context["actions"]["submit"]
    assert not response.context["actions"]["approve"]
    assert url("tracker:change-request-action", cr.pk, "submit", lang=lang) in body

    services.change_request_submit(cr_id=cr.pk, by=author)
    client.force_login(reviewer)
    response = client.get(url("tracker:change-request-detail", cr.pk, lang=lang))
    assert response.context["actions"]["approve"]
    assert url("tracker:change-request-action", cr.pk, "approve", lang=lang) in (
        response.content.decode()
    )


def _offered_on_page(body: str, cr_pk: int) -> set[str]:
    """The actions the change-request page offers: its buttons, edit link and upload form."""
    targets = {
        "edit": url("tracker:change-request-edit", cr_pk),
        "attach_evidence": url("tracker:evidence-upload", cr_pk),
    }
    for action in AVAILABLE_ACTIONS:
        targets.setdefault(action, url("tracker:change-request-action", cr_pk, action))
    return {action for action, target in targets.items() if f'"{target}"' in body}


@pytest.mark.parametrize(
    ("stage", "viewer", "expected"),
    [
        ("draft", "author", {"edit", "attach_evidence", "submit", "rebase", "withdraw"}),
        ("draft", "colleague", set()),
        ("draft", "reviewer", set()),
        ("submitted", "author", {"rebase", "withdraw"}),
        ("submitted", "reviewer", {"approve", "return", "reject"}),
        ("approved", "author", {"revert"}),
        ("approved", "colleague", {"revert"}),
        ("returned", "author", {"edit", "attach_evidence", "submit", "rebase", "withdraw"}),
    ],
)
def test_change_request_page_shows_exactly_the_available_actions(
    client, author, colleague, reviewer, measure, propose, stage, viewer, expected
):
    cr = propose(measure, {"progress": 70}, submit=stage != "draft")
    if stage == "approved":
        services.change_request_approve(cr_id=cr.pk, by=reviewer)
    elif stage == "returned":
        services.change_request_return(cr_id=cr.pk, by=reviewer, comment="Source?")
    user = {"author": author, "colleague": colleague, "reviewer": reviewer}[viewer]
    client.force_login(user)
    body = client.get(url("tracker:change-request-detail", cr.pk)).content.decode()
    cr.refresh_from_db()
    assert _offered_on_page(body, cr.pk) == set(available_actions(user=user, cr=cr)) == expected
    assert ("Actions</h2>" in body) is bool(expected)


def test_submit_then_approve_through_the_page(client, author, reviewer, measure, propose):
    cr = propose(measure, {"progress": 70}, submit=False)
    client.force_login(author)
    response = client.post(url("tracker:change-request-action", cr.pk, "submit"))
    assert response.status_code == 302
    cr.refresh_from_db()
    assert cr.status == ChangeStatus.SUBMITTED

    # The author may not approve their own change: nothing changes.
    response = client.post(url("tracker:change-request-action", cr.pk, "approve"))
    assert response.status_code == 403
    cr.refresh_from_db()
    assert cr.status == ChangeStatus.SUBMITTED

    client.force_login(reviewer)
    response = client.post(
        url("tracker:change-request-action", cr.pk, "approve"), {"comment": "Confirmed."}
    )
    assert response.status_code == 302
    cr.refresh_from_db()
    measure.refresh_from_db()
    assert cr.status == ChangeStatus.APPROVED
    assert measure.progress == 70
    client.logout()
    public = client.get(url("tracker:measure-detail", measure.pk)).content.decode()
    assert "70 %" in public  # the approved value is now the public one


def test_return_and_reject_need_a_comment(client, author, reviewer, measure, propose):
    cr = propose(measure, {"progress": 70})
    client.force_login(reviewer)
    for action in ("return", "reject"):
        response = client.post(url("tracker:change-request-action", cr.pk, action), {})
        assert response.status_code == 400
        body = response.content.decode()
        assert 'role="alert"' in body
        assert 'aria-describedby="id_comment_helptext id_comment_error"' in body
        cr.refresh_from_db()
        assert cr.status == ChangeStatus.SUBMITTED

    response = client.post(
        url("tracker:change-request-action", cr.pk, "return"), {"comment": "Give the source."}
    )
    assert response.status_code == 302
    cr.refresh_from_db()
    assert cr.status == ChangeStatus.RETURNED
    assert cr.events.last().comment == "Give the source."

    client.force_login(author)
    client.post(url("tracker:change-request-action", cr.pk, "submit"))
    client.force_login(reviewer)
    response = client.post(
        url("tracker:change-request-action", cr.pk, "reject"), {"comment": "Out of scope."}
    )
    assert response.status_code == 302
    cr.refresh_from_db()
    assert cr.status == ChangeStatus.REJECTED


def test_withdraw_and_a_refused_transition(client, author, colleague, measure, propose):
    cr = propose(measure, {"progress": 70}, submit=False)
    client.force_login(colleague)
    assert client.post(url("tracker:change-request-action", cr.pk, "withdraw")).status_code == 403
    cr.refresh_from_db()
    assert cr.status == ChangeStatus.DRAFT

    client.force_login(author)
    response = client.post(url("tracker:change-request-action", cr.pk, "withdraw"))
    assert response.status_code == 302
    cr.refresh_from_db()
    assert cr.status == ChangeStatus.WITHDRAWN

    # A withdrawn change cannot be submitted: the page says so, nothing changes.
    response = client.post(url("tracker:change-request-action", cr.pk, "submit"))
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    cr.refresh_from_db()
    assert cr.status == ChangeStatus.WITHDRAWN


def test_actions_are_post_only_and_unknown_actions_404(client, author, measure, propose):
    cr = propose(measure, {"progress": 70}, submit=False)
    client.force_login(author)
    assert client.get(url("tracker:change-request-action", cr.pk, "submit")).status_code == 405
    assert client.post(url("tracker:change-request-action", cr.pk, "delete")).status_code == 404


def test_conflict_shows_what_changed_meanwhile_and_rebase_resolves_it(
    client, author, colleague, reviewer, measure, propose
):
    mine = propose(measure, {"progress": 70})
    theirs = propose(measure, {"status": "delayed"}, by=colleague)
    services.change_request_approve(cr_id=theirs.pk, by=reviewer)

    client.force_login(reviewer)
    response = client.post(url("tracker:change-request-action", mine.pk, "approve"))
    assert response.status_code == 409
    body = response.content.decode()
    assert "What changed meanwhile" in body
    assert "Delayed" in body
    mine.refresh_from_db()
    measure.refresh_from_db()
    assert mine.status == ChangeStatus.SUBMITTED
    assert measure.progress == 40

    client.force_login(author)
    page = client.get(url("tracker:change-request-detail", mine.pk)).content.decode()
    assert "changed meanwhile" in page
    assert url("tracker:change-request-action", mine.pk, "rebase") in page
    response = client.post(url("tracker:change-request-action", mine.pk, "rebase"))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.base_version == measure.version

    client.force_login(reviewer)
    client.post(url("tracker:change-request-action", mine.pk, "approve"))
    measure.refresh_from_db()
    assert (measure.progress, measure.status) == (70, "delayed")


def test_revert_proposes_the_old_values_as_a_new_draft(client, author, reviewer, measure, propose):
    cr = propose(measure, {"progress": 70})
    services.change_request_approve(cr_id=cr.pk, by=reviewer)
    client.force_login(author)
    response = client.post(url("tracker:change-request-action", cr.pk, "revert"))
    assert response.status_code == 302
    revert = ChangeRequest.objects.exclude(pk=cr.pk).get()
    assert response["Location"] == url("tracker:change-request-detail", revert.pk)
    assert (revert.status, revert.payload) == ("draft", {"progress": 40})


def test_evidence_upload_download_and_refusals(client, author, colleague, measure, propose):
    cr = propose(measure, {"progress": 70}, submit=False)
    pdf = SimpleUploadedFile("order.pdf", b"%PDF-1.4 signed order", "application/pdf")
    client.force_login(colleague)
    response = client.post(url("tracker:evidence-upload", cr.pk), {"file": pdf})
    assert response.status_code == 403
    assert not Evidence.objects.exists()

    client.force_login(author)
    fake = SimpleUploadedFile("virus.pdf", b"MZ not a pdf", "application/pdf")
    response = client.post(url("tracker:evidence-upload", cr.pk), {"file": fake})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Evidence.objects.exists()

    pdf.seek(0)
    response = client.post(url("tracker:evidence-upload", cr.pk), {"file": pdf})
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    page = client.get(url("tracker:change-request-detail", cr.pk)).content.decode()
    assert url("tracker:evidence-download", evidence.pk) in page
    download = client.get(url("tracker:evidence-download", evidence.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")

    client.logout()
    assert client.get(url("tracker:evidence-download", evidence.pk)).status_code == 403


def test_change_request_page_is_staff_only(client, measure, propose, author):
    cr = propose(measure, {"progress": 70}, submit=False)
    nobody = f.UserFactory()
    client.force_login(nobody)
    assert client.get(url("tracker:change-request-detail", cr.pk)).status_code == 403


def test_needs_review_measure_is_shown_as_a_note(client, measure):
    Measure.objects.filter(pk=measure.pk).update(needs_review=True, due_date=dt.date(2020, 1, 1))
    body = client.get(url("tracker:measure-detail", measure.pk)).content.decode()
    assert "amended or repealed" in body


def test_another_ministry_cannot_open_a_draft_or_its_evidence(client, author, measure, propose):

    cr = propose(measure, {"progress": 70}, submit=False)
    attached = evidence.evidence_attach(
        cr_id=cr.pk,
        by=author,
        uploaded_file=SimpleUploadedFile("order.pdf", b"%PDF-1.4 order"),
    )
    outsider = f.UserFactory(editor=True, organization=f.OrganizationFactory(code="MES"))
    client.force_login(outsider)
    assert client.get(url("tracker:change-request-detail", cr.pk)).status_code == 403
    assert client.get(url("tracker:evidence-download", attached.pk)).status_code == 403
    client.force_login(author)
    assert client.get(url("tracker:change-request-detail", cr.pk)).status_code == 200
    assert client.get(url("tracker:evidence-download", attached.pk)).status_code == 200


def test_uploaded_files_are_not_served_from_media(client, author, measure, propose, settings):
    import importlib

    from django.urls import clear_url_caches

    import config.urls

    cr = propose(measure, {"progress": 70}, submit=False)
    attached = evidence.evidence_attach(
        cr_id=cr.pk, by=author, uploaded_file=SimpleUploadedFile("order.pdf", b"%PDF-1.4 x")
    )
    # The URLconf as `make run` builds it (DEBUG on), where media used to be served statically.
    settings.DEBUG = True
    importlib.reload(config.urls)
    clear_url_caches()
    try:
        assert client.get("/" + settings.MEDIA_URL + attached.file.name).status_code == 404
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)
        clear_url_caches()


def test_a_kazakh_only_title_is_marked_kazakh_on_the_english_page(client):
    measure = f.MeasureFactory(title_kk="Пандустар салу", title_en="", title_ru="")
    english = client.get(url("tracker:measure-detail", measure.pk)).content.decode()
    assert '<span lang="kk">Пандустар салу</span>' in english
    kazakh = client.get(url("tracker:measure-detail", measure.pk, lang="kk")).content.decode()
    assert '<span lang="kk">Пандустар салу</span>' not in kazakh
    assert "Пандустар салу" in kazakh


def test_a_nul_character_in_a_code_is_a_404_not_a_crash(client):
    assert client.get("/en/organisations/%00/").status_code == 404
