"""Issue 12: keyset (cursor) pagination of the API's large lists, beside the page numbers that
v1's clients use."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f

pytestmark = pytest.mark.django_db


def _walk(api, address, params):
    """Every page through `next`, with the SQL of each request."""
    pages, statements = [], []
    response = None
    while address:
        with CaptureQueriesContext(connection) as queries:
            response = api.get(address, params if response is None else None)
        assert response.status_code == 200
        body = response.json()
        pages.append(body)
        statements.append([q["sql"] for q in queries.captured_queries])
        address = body["next"]
    return pages, statements


def test_measures_by_cursor_in_key_order_without_offset_or_count(api):
    org = f.OrganizationFactory(code="MH")
    keys = sorted(f.MeasureFactory(organizations=[org]).key for _ in range(60))
    pages, statements = _walk(api, "/api/v1/measures/", {"cursor": ""})
    assert [len(p["results"]) for p in pages] == [50, 10]
    assert "count" not in pages[0]
    assert [m["key"] for p in pages for m in p["results"]] == keys
    assert "cursor=" in pages[0]["next"]
    assert len(statements[0]) == len(statements[1])  # the second page costs what the first did
    for sql in (s for page in statements for s in page):
        assert "COUNT(" not in sql.upper()
        assert "OFFSET" not in sql.upper()


def test_citations_and_observations_by_cursor_with_filters(api):
    act = f.LegalActFactory()
    for _ in range(3):
        f.CitationFactory(act=act)
    f.CitationFactory()
    pages, _sql = _walk(api, "/api/v1/citations/", {"cursor": "", "page_size": 2, "act": act.key})
    assert [len(p["results"]) for p in pages] == [2, 1]
    indicator = f.IndicatorFactory()
    for year in range(2000, 2005):
        f.ObservationFactory(
            indicator=indicator,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
        )
    pages, _sql = _walk(api, "/api/v1/observations/", {"cursor": "", "page_size": 2})
    assert [len(p["results"]) for p in pages] == [2, 2, 1]
    years = sorted(o["period_end"][:4] for p in pages for o in p["results"])
    assert years == ["2000", "2001", "2002", "2003", "2004"]


def test_page_numbers_still_count_for_v1_clients(api):
    for _ in range(3):
        f.MeasureFactory()
    body = api.get("/api/v1/measures/").json()
    assert body["count"] == 3
    assert api.get("/api/v1/measures/", {"cursor": "garbage"}).status_code == 404
