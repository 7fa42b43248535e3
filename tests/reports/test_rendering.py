"""What the reader gets: a tagged PDF with its language and Kazakh text, a typed workbook, and
e-mails naming exactly the fixture's known items with absolute links."""

import datetime as dt
import io
import re

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from reports import selectors, services
from reports.models import FileFormat, ReportKind

from .conftest import KAZAKH


@pytest.fixture
def edition(country):
    def make(kind, org=None, language="kk"):
        ed = services.edition_get_or_create(
            kind=kind, organization_id=org.pk if org else None, day=country.as_of
        )
        ed.as_of = country.as_of
        ed.save(update_fields=["as_of"])
        files = services.edition_files(ed, [language])
        return ed, files[language, FileFormat.PDF], files[language, FileFormat.XLSX]

    return make


def _pdf(report_file):
    return PdfReader(io.BytesIO(bytes(report_file.attachment.content)))


def test_pdf_is_tagged_with_its_language_and_embeds_its_fonts(edition):
    _ed, pdf_file, _x = edition(ReportKind.NATIONAL, language="kk")
    reader = _pdf(pdf_file)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "kk"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()
    struct = root["/StructTreeRoot"].get_object()
    tags = set()

    def walk(node, depth=0):
        node = node.get_object()
        if "/S" in node:
            tags.add(str(node["/S"]))
        kids = node.get("/K")
        if kids is None or depth > 40:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict):
                walk(kid, depth + 1)

    walk(struct)
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Link"} <= tags
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"]
            fonts.add(str(descendant["/BaseFont"]))
    assert any("Report-Sans" in name for name in fonts)
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert KAZAKH in text


def test_pdf_text_has_the_kazakh_titles_and_a_table_of_contents(edition, country):
    _ed, pdf_file, _x = edition(ReportKind.NATIONAL, language="en")
    reader = _pdf(pdf_file)
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", " ", text)
    # The English title where the record has one; Kazakh data as it is where it has none.
    assert "Ramps and lifts" in flat
    assert country.mh_off_track.name_kk in flat
    assert "Contents" in flat
    assert "Scorecard of organisations" in flat
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_xlsx_has_typed_cells_frozen_headers_and_filters(edition, country):
    _ed, _p, xlsx_file = edition(ReportKind.NATIONAL, language="en")
    wb = load_workbook(io.BytesIO(bytes(xlsx_file.attachment.content)))
    assert wb.sheetnames[:3] == ["Summary", "By CRPD article", "Scorecard"]
    overdue = wb["Overdue"]
    assert overdue.freeze_panes == "A2"
    assert overdue.auto_filter.ref == "A1:G3"
    rows = list(overdue.iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in rows} == {country.mh_overdue.key, country.mes_overdue.key}
    due = [r[4] for r in rows]
    assert all(isinstance(d, dt.datetime) for d in due)
    assert overdue.cell(row=2, column=5).is_date
    assert all(isinstance(r[5], int) and r[5] < 0 for r in rows)
    assert "Ramps and lifts" in {r[1] for r in rows}


def test_xlsx_numbers_equal_the_selectors(edition, country):
    _ed, _p, xlsx_file = edition(ReportKind.NATIONAL, language="en")
    status = selectors.status_report(as_of=country.as_of)
    wb = load_workbook(io.BytesIO(bytes(xlsx_file.attachment.content)))
    score = {r[0]: r for r in wb["Scorecard"].iter_rows(min_row=2, values_only=True)}
    for row in status.scorecard:
        with translation.override("en"):
            sheet_row = score[row.organization.name]
        assert sheet_row[1:3] == (row.measures, row.on_schedule)
        assert sheet_row[4:6] == (row.indicators_due, row.indicators_current)
        assert sheet_row[7] == row.open_returned
    summary = dict(wb["Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["Measures"] == status.measures_total == 8
    assert summary["Overdue measures"] == len(status.overdue) == 2
    assert summary["Off track"] == status.verdicts["off_track"] == 2
    missing = list(wb["Missing values"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in missing] == [country.mh_missing.key]
    assert missing[0][6] == 2025


def test_digest_email_names_exactly_its_items_with_titles_and_absolute_links(country, settings):
    settings.SITE_URL = "https://crpd.example.kz"
    from reports.models import ReportSchedule, ScheduleKind

    schedule = ReportSchedule.objects.get(kind=ScheduleKind.DIGEST)
    (delivery,) = services.report_send(
        schedule_id=schedule.pk, organization_id=country.mh.pk, day=country.as_of
    )
    n = delivery.notification
    for item in (country.mh_overdue, country.mh_due_soon, country.mh_flagged):
        url = f"https://crpd.example.kz/kk/measures/{item.pk}/"
        assert url in n.body
        assert f'<a href="{url}">{item.title_kk}</a>' in n.html_body
    for ind in (country.mh_missing, country.mh_off_track):
        assert f"https://crpd.example.kz/kk/indicators/{ind.pk}/" in n.body
        assert ind.name_kk in n.body
    assert f"https://crpd.example.kz/kk/changes/{country.returned.pk}/" in n.body
    assert country.returned.summary in n.body
    # Not another organisation's items, nor the finished ones.
    for other in (country.mes_overdue, country.mh_done, country.mh_delayed):
        assert f"/measures/{other.pk}/" not in n.body
    assert f"/indicators/{country.mes_off_track.pk}/" not in n.body
    assert f"/indicators/{country.mh_achieved.pk}/" not in n.body
    assert KAZAKH in n.body


def test_digest_files_contain_exactly_the_organisations_items(edition, country):
    _ed, pdf_file, xlsx_file = edition(ReportKind.DIGEST, country.mes, language="en")
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in _pdf(pdf_file).pages))
    assert country.mes_overdue.title_kk in text
    assert KAZAKH not in text
    wb = load_workbook(io.BytesIO(bytes(xlsx_file.attachment.content)))
    off = list(wb["Off track"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[7]) for r in off] == [(country.mes_off_track.key, "Қаржыландыру кешіктірілді")]
    assert [r[0] for r in wb["Overdue"].iter_rows(min_row=2, values_only=True)] == [
        country.mes_overdue.key
    ]
    assert list(wb["Due soon"].iter_rows(min_row=2, values_only=True)) == []


def test_long_lists_are_cut_in_the_pdf_and_email_but_complete_in_the_xlsx(
    country, monkeypatch, edition
):
    from reports import emails, pdf

    monkeypatch.setattr(pdf, "PDF_LIST_LIMIT", 1)
    monkeypatch.setattr(emails, "EMAIL_LIST_LIMIT", 1)
    ed, pdf_file, xlsx_file = edition(ReportKind.NATIONAL, language="en")
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in _pdf(pdf_file).pages))
    assert "1 more is listed in the spreadsheet." in text
    wb = load_workbook(io.BytesIO(bytes(xlsx_file.attachment.content)))
    assert wb["Overdue"].max_row == 3
    _subject, body, html = emails.render_report(
        ed, selectors.status_report(as_of=country.as_of), "en"
    )
    assert "Overdue measures (2):" in body
    assert "1 more is listed in the spreadsheet." in body
    assert "1 more is listed in the spreadsheet." in html
