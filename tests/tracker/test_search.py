"""Issue 12: one search for the pages and the API — every word, any field, any case, Kazakh's
endings — and the search page across measures, paragraphs, legal acts and indicators."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests import factories as f
from tracker.measures.selectors import measure_search
from tracker.search import passage

pytestmark = pytest.mark.django_db


def _en(name: str) -> str:
    with translation.override("en"):
        return reverse(name)


@pytest.fixture
def ramps():
    a = f.MeasureFactory(title_kk="Мектептерде пандус орнату", title_en="Ramps in schools")
    b = f.MeasureFactory(title_kk="Ауруханаларға пандустар", description_kk="Пандус және лифт")
    c = f.MeasureFactory(title_kk="Мүгедектер құқықтары туралы оқыту", title_en="Training")
    return a, b, c


def test_every_word_in_any_field_ignoring_cyrillic_case(ramps):
    a, b, _c = ramps
    assert set(measure_search("ПАНДУС")) == {a, b}
    assert set(measure_search("пандус мектептерде")) == {a}  # every word
    assert set(measure_search("лифт Пандус")) == {b}  # any field, any order
    assert set(measure_search("schools")) == {a}
    assert list(measure_search("   ")) == list(measure_search(""))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm")
def test_a_kazakh_ending_still_finds_the_word(ramps):
    _a, _b, c = ramps
    # "мүгедектерге" (dative) is not a substring of "Мүгедектер": trigram word similarity.
    assert list(measure_search("мүгедектерге")) == [c]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm")
def test_search_is_two_bounded_statements_answered_by_the_trigram_indexes(ramps):
    with CaptureQueriesContext(connection) as queries:
        list(measure_search("пандус"))
    # EXISTS (is there a record containing the words, or fall back to similarity?), then the rows
    assert len(queries) == 2
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        sql, params = measure_search("пандус").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "tracker_measure_title_kk_trgm" in plan


def test_the_measures_page_and_the_api_share_the_search(client, ramps):
    a, b, _c = ramps
    page = client.get(_en("tracker:measure-list"), {"q": "Пандус"})
    assert {m.pk for m in page.context["page"]} == {a.pk, b.pk}
    api = client.get("/api/v1/measures/", {"search": "ПАНДУС"})
    assert {row["key"] for row in api.json()["results"]} == {a.key, b.key}


def test_passage_is_cut_around_the_first_match():
    measure = f.MeasureFactory(
        title_kk="Қысқа", description_kk="сөз " * 60 + "Пандус " + "соң " * 60
    )
    found = passage(measure, ("title_kk", "description_kk"), "пандус", width=20)
    assert found.field == "description_kk"
    assert found.match == "Пандус"
    assert found.before.startswith("…")
    assert found.after.endswith("…")
    assert len(found.before) <= 21


def test_search_page_groups_kinds_with_passages_in_bounded_queries(
    client, ramps, django_assert_max_num_queries
):
    paragraph = f.ReportParagraphFactory(number=77, text_kk="Барлық мектептерде пандус бар.")
    act = f.LegalActFactory(title_kk="Пандус туралы ереже", title_en="Rules on ramps")
    indicator = f.IndicatorFactory(name_kk="Пандусы бар мектептер үлесі")
    for i in range(12):
        f.MeasureFactory(title_kk=f"Пандус {i}")
    with django_assert_max_num_queries(8):  # two bounded queries per kind, whatever the data
        response = client.get(_en("tracker:search"), {"q": "пандус"})
    assert response.status_code == 200
    body = response.content.decode()
    groups = {g["kind"].slug: g for g in response.context["groups"]}
    assert len(groups["measures"]["results"]) == 10  # bounded per group
    assert groups["measures"]["has_more"] is True
    assert "/en/measures/?q=" in groups["measures"]["more_url"]
    assert [r["object"] for r in groups["paragraphs"]["results"]] == [paragraph]
    assert [r["object"] for r in groups["legal-acts"]["results"]] == [act]
    assert [r["object"] for r in groups["indicators"]["results"]] == [indicator]
    # The matching passage, marked, in its own language on the English page.
    assert '<p class="passage" lang="kk">Барлық мектептерде <mark>пандус</mark> бар.</p>' in body
    assert body.count("<h1") == 1
    assert 'role="search"' in body


def test_search_page_refuses_an_overlong_query_and_changes_nothing(client):
    response = client.get(_en("tracker:search"), {"q": "x" * 201})
    assert response.status_code == 400
    assert "Search for at most 200 characters." in response.content.decode()
    assert response.context["groups"] == []


def test_search_page_without_a_query_shows_the_form(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(_en("tracker:search"))
    assert response.status_code == 200
    assert response.context["groups"] == []
