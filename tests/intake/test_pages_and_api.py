"""The import's pages and API: the template, the upload, the per-row report with its progress,
the reviewer's decisions, and who may see what."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse as django_reverse
from django.utils import translation

from intake.models import ImportBatch, RowStatus
from tests.api_client import as_user, url
from tracker.models import ChangeRequest, ChangeStatus

from .conftest import XLSX, as_upload, save, set_cell, workbook_of

pytestmark = pytest.mark.django_db


def reverse(name: str, args=()) -> str:
    """The English page's address: the tests read the English words."""
    with translation.override("en"):
        return django_reverse(name, args=args)


def _filled(editor, measures) -> bytes:
    book = workbook_of(editor.organization)
    set_cell(book["Measures"], measures[0].pk, "Progress, %", 55)
    set_cell(book["Measures"], measures[1].pk, "Progress, %", "many")
    return save(book)


# The template ------------------------------------------------------------------------------


def test_the_template_in_the_pages_language_with_lists_hidden_keys_and_latest_values(
    client, editor, measures, foreign_measure, observations
):
    client.force_login(editor)
    response = client.get("/ru/imports/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Инструкция", "Меры", "Фактические значения", "lists"]
    assert book["lists"].sheet_state == "hidden"
    sheet = book["Меры"]
    assert sheet.column_dimensions["A"].hidden
    assert sheet.column_dimensions["B"].hidden
    ids = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert sorted(ids) == sorted(m.pk for m in measures)  # not the other ministry's
    assert {row[1].value for row in sheet.iter_rows(min_row=2)} == {1}
    assert sheet.cell(row=2, column=6).value == "Выполняется"  # the status, as its label
    lists = {str(dv.sqref)[0]: dv for dv in sheet.data_validations.dataValidation}
    assert lists["E"].type == "list"
    assert lists["E"].formula1.startswith("lists!")
    assert lists["F"].type == "list"
    assert lists["G"].type == "whole"
    assert (lists["G"].formula1, lists["G"].formula2) == ("0", "100")
    values = book["Фактические значения"]
    assert [row[0].value for row in values.iter_rows(min_row=2)] == [observations[1].pk]


def test_only_an_editor_of_an_organisation_gets_a_template_or_uploads(client, reviewer):
    client.force_login(reviewer)
    assert client.get("/en/imports/template.xlsx").status_code == 403
    response = client.post("/en/imports/", {"file": as_upload(b"x", "a.csv", "text/csv")})
    assert response.status_code == 403
    assert client.get("/en/imports/").status_code == 200  # a reviewer sees the list


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get("/en/imports/").status_code == 302


# Upload and report -------------------------------------------------------------------------


def test_upload_then_the_per_row_report(client, editor, measures, django_assert_max_num_queries):
    client.force_login(editor)
    response = client.post(
        "/en/imports/", {"file": as_upload(_filled(editor, measures), "filled.xlsx")}
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:detail", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page
    assert 'value="0"' in page
    assert "Refresh" in page
    assert "import-progress.js" in page

    from intake import services

    services.batch_process(batch_id=batch.pk)
    with django_assert_max_num_queries(12):
        page = client.get(response["Location"]).content.decode()
    assert "import-progress.js" not in page
    assert ">Refresh<" not in page
    assert "5 of 5 rows processed." in page
    assert "“many” in column “Progress, %” is not a whole number." in page
    assert "Change request No." in page
    status = client.get(reverse("intake:status", args=[batch.pk])).json()
    assert status["finished"]
    assert status["processed"] == status["total"] == 5
    assert status["counts"] == {
        "queued": 0,
        "accepted": 1,
        "unchanged": 3,
        "pending": 0,
        "refused": 1,
    }


def test_a_refused_file_shows_the_error_on_the_form(client, editor):
    client.force_login(editor)
    response = client.post("/en/imports/", {"file": as_upload(b"PK\x03\x04 no", "filled.xlsx")})
    assert response.status_code == 400
    assert "The file is not a valid XLSX workbook." in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_another_organisations_editor_cannot_see_the_batch(
    client, editor, outsider, reviewer, measures, upload
):
    batch = upload(editor, _filled(editor, measures))
    client.force_login(outsider)
    assert client.get(reverse("intake:detail", args=[batch.pk])).status_code == 403
    assert client.get(reverse("intake:status", args=[batch.pk])).status_code == 403
    assert "No imports yet." in client.get("/en/imports/").content.decode()
    api = as_user(outsider)
    assert api.get(url("import-detail", batch.pk)).status_code == 404
    assert api.get(url("import-list")).json()["count"] == 0
    client.force_login(reviewer)
    assert client.get(reverse("intake:detail", args=[batch.pk])).status_code == 200


# Reviewer on the page ------------------------------------------------------------------------


def test_reviewer_reads_the_diff_and_decides_a_row_and_the_batch(
    client, editor, reviewer, measures, upload, django_assert_max_num_queries
):
    book = workbook_of(editor.organization)
    for measure, value in zip(measures[:3], (51, 52, 53), strict=True):
        set_cell(book["Measures"], measure.pk, "Progress, %", value)
    batch = upload(editor, save(book))
    client.force_login(reviewer)
    detail = reverse("intake:detail", args=[batch.pk])
    with django_assert_max_num_queries(30):
        page = client.get(detail).content.decode()
    assert "Progress, %" in page
    assert ">51<" in page
    assert ">40<" in page
    assert page.count('name="cr"') == 3

    first = batch.rows.filter(status=RowStatus.ACCEPTED).order_by("row_number").first()
    decide = reverse("intake:decide", args=[batch.pk])
    client.post(decide, {"action": "reject", "comment": "No", "cr": first.change_request_id})
    assert ChangeRequest.objects.get(pk=first.change_request_id).status == ChangeStatus.REJECTED

    response = client.post(decide, {"action": "approve"}, follow=True)
    assert "2 change requests were decided." in response.content.decode()
    assert ChangeRequest.objects.filter(status=ChangeStatus.APPROVED).count() == 2


def test_partial_failures_are_listed_on_the_page(client, editor, reviewer, measures, upload):
    batch = upload(editor, _filled(editor, measures))
    client.force_login(reviewer)
    response = client.post(
        reverse("intake:decide", args=[batch.pk]), {"action": "return"}, follow=True
    )
    page = response.content.decode()
    assert "Not decided" in page
    assert "a comment is required" in page


# The API -----------------------------------------------------------------------------------


def test_api_upload_status_rows_and_decide(editor, reviewer, measures):
    api = as_user(editor)
    data = _filled(editor, measures)
    response = api.post(
        url("import-list"),
        {"file": as_upload(data, "filled.xlsx")},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued"
    assert body["total_rows"] == 5

    from intake import services

    services.batch_process(batch_id=body["id"])
    status = api.get(url("import-detail", body["id"])).json()
    assert status["finished"]
    assert status["counts"]["accepted"] == 1
    rows = api.get(url("import-rows", body["id"]), {"status": "refused"}).json()
    assert rows["count"] == 1
    assert rows["results"][0]["column"] == "Progress, %"

    assert (
        api.post(url("import-decide", body["id"]), {"action": "approve"}, format="json").json()[0][
            "ok"
        ]
        is False
    )
    decided = as_user(reviewer).post(
        url("import-decide", body["id"]), {"action": "approve"}, format="json"
    )
    assert decided.status_code == 200
    assert decided.json()[0]["ok"] is True


def test_api_refuses_a_bad_file_with_400_and_a_reason(editor):
    response = as_user(editor).post(
        url("import-list"),
        {"file": as_upload(b"\x00\x01", "a.csv", "text/csv")},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {"file": ["The file is not a CSV text file."]}


def test_api_template_for_editors_only(editor, reviewer, measures):
    response = as_user(editor).get(url("import-template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert as_user(reviewer).get(url("import-template")).status_code == 403
