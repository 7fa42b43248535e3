"""Issue 12: statements that do not grow with the data — the dashboard's counts, the flagging of
measures when an act they cite lapses, and the edit form's validation (each relation read once)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests import factories as f
from tracker.convention.selectors import article_list_with_counts, article_status_breakdown
from tracker.models import Measure
from tracker.workflow import services

pytestmark = pytest.mark.django_db


def test_dashboard_counts_are_exact_without_joining_both_relations():
    nine, ten = f.ArticleFactory(number=9), f.ArticleFactory(number=10)
    for number in (1, 2, 3):
        f.ReportParagraphFactory(number=number, article=nine)
    both = f.MeasureFactory(articles=[nine, ten], status="implemented")
    f.MeasureFactory(articles=[nine], status="planned")
    f.MeasureFactory(articles=[nine], status="planned")
    with CaptureQueriesContext(connection) as queries:
        rows = {a.number: (a.paragraph_count, a.measure_count) for a in article_list_with_counts()}
    assert len(queries) == 1
    assert "DISTINCT" not in queries[0]["sql"].upper()
    assert rows[9] == (3, 3)
    assert rows[10] == (0, 1)
    assert article_status_breakdown() == {
        9: {"implemented": 1, "planned": 2},
        10: {"implemented": 1},
    }
    assert both.articles.count() == 2


def _citing_measures(act, org, n):
    measures = []
    for _ in range(n):
        measure = f.MeasureFactory(organizations=[org])
        measure.legal_basis.set([f.CitationFactory(act=act)])
        measures.append(measure)
    return measures


def _approve_amended(act, reviewer, administrator):
    cr = services.change_request_create(by=reviewer, target=act, payload={"status": "amended"})
    services.change_request_submit(cr_id=cr.pk, by=reviewer)
    with CaptureQueriesContext(connection) as queries:
        services.change_request_approve(cr_id=cr.pk, by=administrator)
    return cr, len(queries)


def test_a_lapsed_act_flags_its_measures_in_statements_that_do_not_grow(
    org_a, reviewer, administrator
):
    few_act, many_act = f.LegalActFactory(), f.LegalActFactory()
    _citing_measures(few_act, org_a, 2)
    many = _citing_measures(many_act, org_a, 30)
    _cr, few_queries = _approve_amended(few_act, reviewer, administrator)
    cr, many_queries = _approve_amended(many_act, reviewer, administrator)
    assert many_queries <= few_queries  # not a save() per measure (the first warms caches)
    for measure in many:
        measure.refresh_from_db()
        assert (measure.needs_review, measure.version) == (True, 2)
        row = measure.history.first()
        assert row.history_type == "~"
        assert row.history_user == administrator
        assert (row.version, row.needs_review) == (2, True)
        assert row.history_change_reason == f"Legal basis {many_act.key} amended (CR #{cr.pk})"
        # The row is a snapshot with the links, as a save() would have written it.
        assert [c.citation_id for c in row.legal_basis.all()] == list(
            measure.legal_basis.values_list("pk", flat=True)
        )
        assert [o.organization_id for o in row.organizations.all()] == [org_a.pk]
    assert Measure.history.filter(history_type="~", needs_review=True).count() == 32


def test_measure_form_reads_each_relation_once_per_validation(author, reviewer, measure):
    citations = [f.CitationFactory() for _ in range(3)]
    payload = {"progress": 50, "legal_basis": [c.pk for c in citations]}
    # 41, 40, 53 before issue 12; 33, 36, 46 before the check constraints were asked together.
    budgets = {"create": 18, "submit": 21, "approve": 31}
    counts = {}
    with CaptureQueriesContext(connection) as q:
        cr = services.change_request_create(by=author, target=measure, payload=payload)
    counts["create"] = q
    with CaptureQueriesContext(connection) as q:
        services.change_request_submit(cr_id=cr.pk, by=author)
    counts["submit"] = q
    with CaptureQueriesContext(connection) as q:
        services.change_request_approve(cr_id=cr.pk, by=reviewer)
    counts["approve"] = q
    for step, queries in counts.items():
        assert len(queries) <= budgets[step], step
        # Whole linked rows read for the form (writing the links reads only their ids).
        reads_of_articles = [
            x["sql"]
            for x in queries.captured_queries
            if '"tracker_measure_articles"' in x["sql"]
            and '"tracker_article"."title_kk"' in x["sql"]
        ]
        assert len(reads_of_articles) == 1, step
    measure.refresh_from_db()
    assert measure.progress == 50
    assert sorted(measure.legal_basis.values_list("pk", flat=True)) == sorted(
        payload["legal_basis"]
    )


def _en(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def _citations_and_measures(act, org, n):
    for _ in range(n):
        measure = f.MeasureFactory(organizations=[org])
        measure.legal_basis.set([f.CitationFactory(act=act)])


def test_legal_act_page_pages_its_citations_and_measures(client, org_a):
    small, large = f.LegalActFactory(), f.LegalActFactory()
    _citations_and_measures(small, org_a, 2)
    _citations_and_measures(large, org_a, 30)
    page = _en("tracker:legal-act-detail", small.pk)
    with CaptureQueriesContext(connection) as few:
        client.get(page)
    page = _en("tracker:legal-act-detail", large.pk)
    with CaptureQueriesContext(connection) as many:
        response = client.get(page)
    assert len(many) == len(few)  # the size of the act does not change the statements
    body = response.content.decode()
    assert len(response.context["citations"]["page"]) == 25
    assert len(response.context["measures"]["page"]) == 25
    assert "30 citations" in body
    assert "30 measures" in body
    assert "?page=2#citations" in body
    assert "?measures_page=2#measures" in body
    # Two lists, two navigations, each named: landmarks must be told apart.
    assert 'aria-label="Pages of citations"' in body
    assert 'aria-label="Pages of measures citing it"' in body
    second = client.get(page, {"measures_page": 2, "page": 2})
    assert len(second.context["citations"]["page"]) == 5
    assert len(second.context["measures"]["page"]) == 5
    assert "page=2&amp;measures_page=1#measures" in second.content.decode()


def test_my_work_pages_each_list_separately(client, author, measure, propose):
    for i in range(30):
        propose(measure, {"progress": 50 + i % 40}, submit=False, summary=f"draft {i}")
    propose(measure, {"progress": 41}, summary="waiting")
    client.force_login(author)
    response = client.get(_en("tracker:my-work"))
    body = response.content.decode()
    assert "Drafts: 30" in body
    assert "Waiting for review: 1" in body
    assert len(response.context["drafts"]["page"]) == 25
    assert "?drafts_page=2#drafts" in body
    response = client.get(_en("tracker:my-work"), {"drafts_page": 2})
    assert len(response.context["drafts"]["page"]) == 5
    assert [cr.summary for cr in response.context["submitted"]["page"]] == ["waiting"]
