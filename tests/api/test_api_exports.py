"""The API's downloads: /api/v1/<list>/export/csv/ and …/export/xlsx/ with the list's own
filters, in the request's language; invalid filters get 400; change requests for their readers."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests import factories as f
from tests.api_client import as_user
from tracker.models import MeasureStatus

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_measures_export_with_the_lists_filters_and_language(api, db):
    f.MeasureFactory(key="m:09:001", status=MeasureStatus.PLANNED, progress=None)
    f.MeasureFactory(key="m:09:002", status=MeasureStatus.IN_PROGRESS)
    response = api.get(
        "/api/v1/measures/export/csv/", {"status": "planned"}, HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _rows(response)
    assert rows[0][0] == "Ключ"
    assert [row[0] for row in rows[1:]] == ["m:09:001"]


def test_an_invalid_filter_is_a_400_with_the_field_named(api, db):
    response = api.get("/api/v1/measures/export/csv/", {"status": "nonsense"})
    assert response.status_code == 400
    assert "status" in response.json()
    response = api.get("/api/v1/observations/export/tidy-csv/", {"dim": "bad value"})
    assert response.status_code == 400


def test_every_public_list_exports_as_xlsx(api, db, django_assert_max_num_queries):
    target = f.TargetFactory()
    f.ObservationFactory(indicator=target.indicator)
    f.CitationFactory()
    for name in ("measures", "legal-acts", "citations", "indicators", "targets", "observations"):
        with django_assert_max_num_queries(6):
            response = api.get(f"/api/v1/{name}/export/xlsx/")
            content = b"".join(response.streaming_content)
        assert response.status_code == 200, name
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet.max_row >= 1, name


def test_observations_tidy_csv_through_the_api(api, db):
    obs = f.ObservationFactory(dims_key="region=akmola")
    obs.dimension_values.set([f.DimensionValueFactory()])
    rows = _rows(api.get("/api/v1/observations/export/tidy-csv/", {"indicator": obs.indicator.key}))
    assert rows[0][4] == "region"
    assert rows[1][4] == "akmola"


def test_change_requests_export_needs_a_reader(api, editor):
    mine = f.ChangeRequestFactory(author=editor)
    f.ChangeRequestFactory()
    assert api.get("/api/v1/change-requests/export/csv/").status_code == 401
    rows = _rows(as_user(editor).get("/api/v1/change-requests/export/csv/"))
    assert [row[0] for row in rows[1:]] == [str(mine.pk)]
