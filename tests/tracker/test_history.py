"""History and diffs after a sequence of approvals; revert proposes the old values again."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests import factories as f
from tracker.workflow import evidence, services
from tracker.workflow.selectors import change_request_diff, evidence_for_record, record_history

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Labels are compared with their English text."""
    with translation.override("en"):
        yield


@pytest.fixture
def approved_sequence(author, colleague, reviewer, administrator, measure, propose):
    """Three approved changes: progress 40→55 (author), status → delayed with a due date
    (colleague), progress 55→80 (author), each decided with a comment."""
    steps = [
        (author, {"progress": 55}, reviewer, "Matches ¶101."),
        (colleague, {"status": "delayed", "due_date": "2026-12-31"}, administrator, ""),
        (author, {"progress": 80}, reviewer, "Per the 2020 order."),
    ]
    crs = []
    for by, payload, decider, comment in steps:
        cr = propose(measure, payload, by=by, summary=f"step {len(crs) + 1}")
        services.change_request_approve(cr_id=cr.pk, by=decider, comment=comment)
        crs.append(cr)
    measure.refresh_from_db()
    return crs


def test_history_lists_every_approved_change_with_people_and_values(
    approved_sequence, measure, author, colleague, reviewer, administrator
):
    history = record_history(measure)
    assert [h["summary"] for h in history] == ["step 1", "step 2", "step 3"]
    assert [(h["proposed_by"], h["approved_by"]) for h in history] == [
        (author, reviewer),
        (colleague, administrator),
        (author, reviewer),
    ]
    assert all(h["approved_at"] is not None for h in history)
    assert history[0]["changes"] == [
        {"field": "progress", "label": "progress, %", "old": 40, "new": 55}
    ]
    assert {c["field"]: (c["old"], c["new"]) for c in history[1]["changes"]} == {
        "status": ("in_progress", "delayed"),
        "due_date": (None, "2026-12-31"),
    }
    assert history[2]["changes"][0]["old"] == 55
    assert [c["comment"] for c in history[0]["comments"]] == ["Matches ¶101."]
    assert history[1]["comments"] == []
    assert measure.version == 4
    reasons = list(measure.history.values_list("history_change_reason", flat=True)[:3])
    newest_first = approved_sequence[::-1]
    assert [r.split(" ")[1] for r in reasons] == [f"#{cr.pk}" for cr in newest_first]


def test_history_selector_query_count_does_not_grow_with_history(
    approved_sequence, measure, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        history = record_history(measure)
        assert len(history) == 3
        assert [c["at"] for h in history for c in h["comments"]]


def test_diff_of_an_open_change_against_the_live_record(
    approved_sequence, author, measure, propose, org_a, django_assert_max_num_queries
):
    other = f.OrganizationFactory(code="MES")
    cr = propose(measure, {"progress": 80, "organizations": [org_a.pk, other.pk]})
    with django_assert_max_num_queries(8):
        rows = {row["field"]: row for row in change_request_diff(cr)}
    assert set(rows) == {"progress", "organizations"}
    assert rows["progress"]["changed"] is False  # proposes what is already live
    assert rows["organizations"]["changed"] is True
    assert rows["organizations"]["live_display"] == "MH"
    assert rows["organizations"]["proposed_display"] == "MH; MES"
    assert rows["organizations"]["label"] == "responsible organisations"


def test_diff_shows_choice_labels_and_fields_changed_meanwhile(
    approved_sequence, author, colleague, reviewer, measure, propose
):
    stale = propose(measure, {"status": "discontinued"})
    newer = propose(measure, {"progress": 90, "status": "in_progress"}, by=colleague)
    services.change_request_approve(cr_id=newer.pk, by=reviewer)
    rows = {row["field"]: row for row in change_request_diff(stale)}
    assert set(rows) == {"status", "progress"}
    assert rows["status"]["proposed_display"] == "Discontinued"
    assert rows["status"]["base_display"] == "Delayed"
    assert rows["status"]["live_display"] == "In progress"
    assert rows["status"]["changed_meanwhile"]
    assert rows["progress"]["changed_meanwhile"]
    assert rows["progress"]["proposed"] is None
    assert not rows["progress"]["changed"]


def test_revert_proposes_the_replaced_values_and_restores_them_on_approval(
    approved_sequence, author, colleague, reviewer, measure
):
    second = approved_sequence[1]
    revert = services.change_request_revert(cr_id=second.pk, by=colleague)
    assert revert.status == "draft"
    assert revert.payload == {"status": "in_progress", "due_date": None}
    assert revert.base_version == measure.version
    services.change_request_submit(cr_id=revert.pk, by=colleague)
    services.change_request_approve(cr_id=revert.pk, by=reviewer)
    measure.refresh_from_db()
    assert (measure.status, measure.due_date) == ("in_progress", None)
    assert measure.progress == 80  # a later change to another field is kept
    assert measure.version == 5
    assert len(record_history(measure)) == 4


def test_only_approved_updates_can_be_reverted(author, measure, propose):
    cr = propose(measure, {"progress": 70})
    with pytest.raises(ValidationError):
        services.change_request_revert(cr_id=cr.pk, by=author)


def test_evidence_of_approved_changes_stays_with_the_record(
    author, reviewer, measure, propose, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    cr = propose(measure, {"progress": 70}, submit=False)
    evidence.evidence_attach(
        cr_id=cr.pk,
        by=author,
        uploaded_file=SimpleUploadedFile("order.pdf", b"%PDF-1.7\n...", "application/pdf"),
    )
    assert not evidence_for_record(measure).exists()
    services.change_request_submit(cr_id=cr.pk, by=author)
    services.change_request_approve(cr_id=cr.pk, by=reviewer)
    assert [e.original_name for e in evidence_for_record(measure)] == ["order.pdf"]


def test_public_history_shows_the_approval_comment_but_not_the_internal_review_remarks(
    author, reviewer, measure, propose
):
    cr = propose(measure, {"progress": 65})
    services.change_request_return(cr_id=cr.pk, by=reviewer, comment="Internal: call the akimat.")
    services.change_request_submit(cr_id=cr.pk, by=author)
    services.change_request_approve(cr_id=cr.pk, by=reviewer, comment="Matches the 2016 order.")
    (entry,) = record_history(measure)
    assert [c["comment"] for c in entry["comments"]] == ["Matches the 2016 order."]
