"""Issue 12: the admin's change pages read their inlines in one query each, however many rows
(the indicator page made a query per observation and target, the measure page two per citation)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f
from tracker.workflow import services

pytestmark = pytest.mark.django_db


def _indicator(years: int):
    indicator = f.IndicatorFactory()
    for year in range(2000, 2000 + years):
        f.ObservationFactory(
            indicator=indicator,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
        )
        f.TargetFactory(indicator=indicator, year=year)
    return reverse("admin:indicators_indicator_change", args=[indicator.pk])


def _measure(citations: int):
    measure = f.MeasureFactory()
    measure.legal_basis.set([f.CitationFactory() for _ in range(citations)])
    return reverse("admin:tracker_measure_change", args=[measure.pk])


def _change_request(events: int):
    author = f.UserFactory(editor=True, organization=f.OrganizationFactory())
    measure = f.MeasureFactory(organizations=[author.organization])
    cr = services.change_request_create(by=author, target=measure, payload={"progress": 1})
    for i in range(events):
        services.change_request_update_draft(cr_id=cr.pk, by=author, summary=f"edit {i}")
    return reverse("admin:tracker_changerequest_change", args=[cr.pk])


@pytest.mark.parametrize("page", [_indicator, _measure, _change_request])
def test_admin_change_page_queries_do_not_grow_with_its_rows(client, superuser, page):
    client.force_login(superuser)
    small, large = page(2), page(25)
    client.get(small)  # warm the caches (content types, permissions)
    counts = []
    for address in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 12
