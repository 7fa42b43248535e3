"""Downloads of every list as CSV and XLSX: the page's filters and language, typed cells, the
tidy shape of indicator data, who may download change requests, bad filters refused, and a
number of queries that does not grow with the data."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from exports import tables
from tests import factories as f
from tracker.models import MeasureStatus

pytestmark = pytest.mark.django_db


def _url(name: str, fmt: str, lang: str = "en") -> str:
    return f"/{lang}/exports/{name}.{fmt}"


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _csv(response) -> list[list[str]]:
    text = _body(response).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the Cyrillic only with the byte order mark
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx(response):
    return load_workbook(io.BytesIO(_body(response)))


@pytest.fixture
def measures(db):
    mh, mes = f.OrganizationFactory(code="MH"), f.OrganizationFactory(code="MES")
    art9 = f.ArticleFactory(number=9)
    done = f.MeasureFactory(
        key="m:09:001",
        title_en="Ramps at clinics",
        title_ru="Пандусы в поликлиниках",
        status=MeasureStatus.IMPLEMENTED,
        completed_date=dt.date(2019, 6, 30),
        articles=[art9],
        organizations=[mh],
    )
    planned = f.MeasureFactory(
        key="m:09:002",
        title_en='=HYPERLINK("http://evil")',
        status=MeasureStatus.PLANNED,
        progress=None,
        due_date=dt.date(2027, 12, 31),
        articles=[art9],
        organizations=[mes],
    )
    return {"done": done, "planned": planned, "mh": mh}


def test_measures_csv_honours_the_filters_and_the_language(client, measures):
    response = client.get(_url("measures", "csv", "ru"), {"status": "implemented"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="measures-')
    rows = _csv(response)
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Ключ", "Название", "Статьи Конвенции", "Статус"]
    assert [row[0] for row in body] == ["m:09:001"]
    assert body[0][1] == "Пандусы в поликлиниках"
    assert body[0][3] == "Реализована"
    assert body[0][5] == "100"
    assert body[0][8] == "2019-06-30"
    assert body[0][9] == "MH"


def test_measures_search_and_organisation_filter(client, measures):
    rows = _csv(client.get(_url("measures", "csv"), {"organization": "MES"}))
    assert [row[0] for row in rows[1:]] == ["m:09:002"]
    rows = _csv(client.get(_url("measures", "csv"), {"q": "ramps"}))
    assert [row[0] for row in rows[1:]] == ["m:09:001"]


def test_a_formula_is_exported_as_text(client, measures):
    rows = _csv(client.get(_url("measures", "csv"), {"status": "planned"}))
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'
    sheet = _xlsx(client.get(_url("measures", "xlsx"), {"status": "planned"})).active
    cell = sheet["B2"]
    assert cell.value == '=HYPERLINK("http://evil")'
    assert cell.data_type == "s"


def test_measures_xlsx_has_typed_cells(client, measures):
    response = client.get(_url("measures", "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = _xlsx(response).active
    assert sheet.title == "Measures"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Key"
    by_key = {row[0]: row for row in rows[1:]}
    assert by_key["m:09:001"][5] == 100  # a number, not the text "100"
    assert by_key["m:09:001"][8] == dt.datetime(2019, 6, 30)  # noqa: DTZ001 - a date cell
    assert by_key["m:09:002"][5] is None
    assert sheet["I2"].is_date


def test_a_bad_filter_is_refused_with_a_translated_reason_and_no_file(client, measures):
    response = client.get(_url("measures", "csv", "ru"), {"status": "nonsense"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert "Выберите корректный вариант" in text
    assert "Статус" in text
    response = client.get(_url("indicators", "xlsx"), {"organization": "NOPE"})
    assert response.status_code == 400


def test_unknown_lists_and_formats_are_404(client, db):
    assert client.get(_url("users", "csv")).status_code == 404
    assert client.get(_url("measures", "pdf")).status_code == 404


@pytest.fixture
def indicator_data(db):
    mh, mes = f.OrganizationFactory(code="MH"), f.OrganizationFactory(code="MES")
    paragraph = f.ReportParagraphFactory(number=22)
    region = f.DimensionFactory(code="region", name_kk="Өңір")
    sex = f.DimensionFactory(code="sex", name_kk="Жынысы")
    akmola = f.DimensionValueFactory(dimension=region, code="akmola", name_kk="Ақмола")
    female = f.DimensionValueFactory(dimension=sex, code="female", name_kk="Әйел")
    ours = f.IndicatorFactory(
        key="ind:pwd:total", name_en="Persons with disabilities", organization=mh
    )
    theirs = f.IndicatorFactory(key="ind:jobs", organization=mes)
    f.TargetFactory(indicator=ours, year=2019, value=Decimal("20.5"))
    f.TargetFactory(indicator=theirs, year=2019)
    cells = [
        ([], Decimal("700000")),
        ([akmola], Decimal("31000")),
        ([akmola, female], Decimal("14000.5")),
    ]
    for values, value in cells:
        obs = f.ObservationFactory(
            indicator=ours,
            value=value,
            paragraph=paragraph,
            dims_key=";".join(f"{v.dimension.code}={v.code}" for v in values),
        )
        obs.dimension_values.set(values)
    f.ObservationFactory(indicator=theirs, source_annex="annex2:row 3")
    return {"ours": ours, "mh": mh}


def test_indicators_workbook_has_indicators_targets_and_observations(client, indicator_data):
    response = client.get(_url("indicators", "xlsx"), {"organization": "MH"})
    wb = _xlsx(response)
    assert wb.sheetnames == ["Indicators", "Targets", "Observations"]
    indicators = list(wb["Indicators"].iter_rows(values_only=True))
    assert [row[0] for row in indicators[1:]] == ["ind:pwd:total"]
    targets = list(wb["Targets"].iter_rows(values_only=True))
    assert targets[1][:3] == ("ind:pwd:total", 2019, 20.5)
    observations = list(wb["Observations"].iter_rows(values_only=True))
    assert len(observations) == 4  # header + the three cells of MH's indicator
    assert {row[4] for row in observations[1:]} == {700000, 31000, 14000.5}
    assert {row[7] for row in observations[1:]} == {"¶22"}


def test_tidy_csv_has_one_row_per_observation_and_a_column_per_dimension(client, indicator_data):
    rows = _csv(client.get("/en/exports/observations/tidy.csv"))
    header = rows[0]
    assert header == [
        "indicator", "indicator_name", "period_start", "period_end", "region", "sex",
        "value", "unit", "source",
    ]  # fmt: skip
    body = sorted(rows[1:], key=lambda r: (r[0], r[4], r[5]))
    assert len(body) == 4
    jobs, total, akmola, akmola_female = body
    assert jobs[0] == "ind:jobs"
    assert jobs[8] == "annex2:row 3"
    assert total[:2] == ["ind:pwd:total", "Persons with disabilities"]
    assert total[2:6] == ["2016-01-01", "2016-12-31", "", ""]
    assert total[6] == "700000.0000"
    assert total[8] == "¶22"
    assert akmola[4:6] == ["akmola", ""]
    assert akmola_female[4:7] == ["akmola", "female", "14000.5000"]
    rows = _csv(client.get("/en/exports/observations/tidy.csv", {"indicator": "ind:jobs"}))
    assert [row[0] for row in rows[1:]] == ["ind:jobs"]


def test_change_requests_only_for_signed_in_staff_and_only_what_they_may_see(
    client, editor, reviewer
):
    mine = f.ChangeRequestFactory(author=editor, summary="Ours")
    f.ChangeRequestFactory(summary="Another ministry's draft")
    response = client.get("/en/exports/change-requests.csv")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    client.force_login(editor)
    rows = _csv(client.get("/en/exports/change-requests.csv"))
    assert [row[0] for row in rows[1:]] == [str(mine.pk)]
    assert rows[1][4:6] == ["Ours", "Draft"]
    sheet = _xlsx(client.get("/en/exports/change-requests.xlsx")).active
    assert isinstance(sheet["I2"].value, dt.datetime)  # created: a date-time cell


def test_pages_link_their_downloads_with_their_filters(client, measures, indicator_data):
    page = client.get("/en/measures/", {"status": "planned", "page": "1"}).content.decode()
    assert 'href="/en/exports/measures.csv?status=planned"' in page
    assert 'href="/en/exports/measures.xlsx?status=planned"' in page
    page = client.get("/en/organisations/MH/").content.decode()
    assert 'href="/en/exports/measures.csv?organization=MH"' in page
    assert 'href="/en/exports/indicators.xlsx?organization=MH"' in page
    page = client.get(f"/kk/indicators/{indicator_data['ours'].pk}/").content.decode()
    assert 'href="/kk/exports/observations/tidy.csv?indicator=ind%3Apwd%3Atotal"' in page
    for path in ("/en/legal-acts/", "/en/indicators/"):
        assert "/exports/" in client.get(path).content.decode()


def _many_measures(n: int) -> None:
    orgs = [f.OrganizationFactory() for _ in range(3)]
    articles = [f.ArticleFactory(number=k) for k in (9, 24, 27)]
    paragraph = f.ReportParagraphFactory()
    for i in range(n):
        m = f.MeasureFactory(articles=articles[: 1 + i % 3], organizations=orgs[: 1 + i % 2])
        m.source_paragraphs.set([paragraph])


@pytest.mark.parametrize("size", [3, 40])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_measure_exports_make_the_same_queries_whatever_the_size(
    client, size, fmt, django_assert_max_num_queries
):
    _many_measures(size)
    # The rows and then each of their four related lists, once per chunk of rows.
    with django_assert_max_num_queries(5):
        response = client.get(_url("measures", fmt))
        body = _body(response)
    if fmt == "csv":
        assert body.decode("utf-8-sig").count("\r\n") == size + 1


def test_exports_read_in_chunks_so_queries_grow_per_chunk_only(
    client, monkeypatch, django_assert_max_num_queries
):
    _many_measures(25)
    monkeypatch.setattr(tables, "CHUNK_SIZE", 10)
    with django_assert_max_num_queries(3 * 5):  # three chunks of ten rows
        rows = _csv(client.get(_url("measures", "csv")))
    assert len(rows) == 26


@pytest.mark.parametrize("size", [2, 30])
def test_tidy_export_queries_are_bounded(client, size, django_assert_max_num_queries):
    indicator = f.IndicatorFactory()
    value = f.DimensionValueFactory()
    for year in range(size):
        obs = f.ObservationFactory(
            indicator=indicator,
            period_start=dt.date(1990 + year, 1, 1),
            period_end=dt.date(1990 + year, 12, 31),
            dims_key="region=akmola",
        )
        obs.dimension_values.set([value])
    with django_assert_max_num_queries(3):  # the dimension columns, the rows, their values
        rows = _csv(client.get("/en/exports/observations/tidy.csv"))
    assert len(rows) == size + 1


@pytest.mark.parametrize(
    ("name", "fmt"),
    [(n, fmt) for n in tables.BASE_QUERYSETS for fmt in ("csv", "xlsx")],
)
def test_every_list_downloads_from_its_page(client, name, fmt):
    target = f.TargetFactory()
    f.ObservationFactory(indicator=target.indicator)
    f.CitationFactory()
    f.MeasureFactory()
    response = client.get(_url(name, fmt, "kk"))
    assert response.status_code == 200
    if fmt == "csv":
        assert len(_csv(response)) == 2  # the header and the one row
    else:
        sheet = _xlsx(response).worksheets[0]
        assert sheet.max_row == 2


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_header_and_sheet_title_is_translated(language):
    every = [*tables.TABLES.values(), tables.CHANGE_REQUESTS]
    texts = [c.header for t in every for c in t.columns] + [t.title for t in every]
    with translation.override("en"):
        english = [str(text) for text in texts]
    with translation.override(language):
        translated = [str(text) for text in texts]
    assert [e for e, t in zip(english, translated, strict=True) if e == t] == []
