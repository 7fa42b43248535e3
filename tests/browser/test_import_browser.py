"""The import in the browser: upload a filled-in template, watch the progress bar move while the
rows are imported (the page polls the JSON status and reloads when done), read the report — and
no axe violations on the upload page or the report, for the editor and the reviewer."""

from __future__ import annotations

import threading

import pytest

from intake import services, tasks
from intake.models import ImportBatch, RowStatus
from tests import factories as f
from tests.intake.conftest import save, set_cell, workbook_of

from .conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queued_by_hand(monkeypatch) -> None:
    """No worker runs here: the test imports the rows itself, while the page watches."""
    monkeypatch.setattr(tasks.process_batch, "delay_on_commit", lambda *a, **kw: None)


def test_upload_progress_and_report(page, tmp_path, queued_by_hand):
    ministry = f.OrganizationFactory(code="MH", name_en="Ministry of Healthcare")
    f.UserFactory(editor=True, organization=ministry, username="editor-health")
    f.UserFactory(reviewer=True, organization=f.OrganizationFactory(code="MLSPP"), username="rev")
    measures = [f.MeasureFactory(organizations=[ministry]) for _ in range(3)]
    book = workbook_of(ministry)
    set_cell(book["Measures"], measures[0].pk, "Progress, %", 65)
    set_cell(book["Measures"], measures[1].pk, "Progress, %", "plenty")
    upload = tmp_path / "filled.xlsx"
    upload.write_bytes(save(book))

    sign_in(page, "editor-health")
    page.goto("/en/imports/")
    assert axe_violations(page) == []
    page.get_by_label("Filled-in template").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_load_state()
    progress = page.locator("progress#import-progress")
    assert progress.get_attribute("value") == "0"
    assert page.get_by_role("link", name="Refresh").is_visible()
    assert axe_violations(page) == []

    batch = ImportBatch.objects.get()
    worker = threading.Thread(target=services.batch_process, kwargs={"batch_id": batch.pk})
    worker.start()
    worker.join()
    # The script sees the import finished and reloads: the report replaces the Refresh button.
    page.get_by_text("3 of 3 rows processed.").wait_for()
    page.wait_for_selector("text=“plenty” in column “Progress, %” is not a whole number.")
    assert page.get_by_role("link", name="Refresh").count() == 0
    assert axe_violations(page) == []
    assert batch.rows.filter(status=RowStatus.ACCEPTED).count() == 1

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "rev")
    page.goto(f"/en/imports/{batch.pk}/")
    assert page.get_by_role("button", name="Decide row").count() == 1
    assert axe_violations(page) == []
