"""The editorial workflow end to end: drafts, submission, decisions, conflicts and rebase."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from indicators.models import Observation
from tests import factories as f
from tracker.models import ChangeRequest, ChangeStatus, LegalAct, Measure, Notification, ReviewEvent
from tracker.workflow import services
from tracker.workflow.selectors import change_request_diff
from tracker.workflow.transitions import TransitionNotAllowed

pytestmark = pytest.mark.django_db


# The moves docs/ARCHITECTURE.md documents, written out here (not read from the transition table,
# which is what is under test): every other action on a change request is refused.
DOCUMENTED_MOVES = {
    ("draft", "submit"): "submitted",
    ("returned", "submit"): "submitted",
    ("submitted", "approve"): "approved",
    ("submitted", "return"): "returned",
    ("submitted", "reject"): "rejected",
    ("draft", "withdraw"): "withdrawn",
    ("submitted", "withdraw"): "withdrawn",
    ("returned", "withdraw"): "withdrawn",
}
ACTIONS = {
    "submit": lambda cr, author, reviewer: services.change_request_submit(cr_id=cr.pk, by=author),
    "withdraw": lambda cr, author, reviewer: services.change_request_withdraw(
        cr_id=cr.pk, by=author
    ),
    "approve": lambda cr, author, reviewer: services.change_request_approve(
        cr_id=cr.pk, by=reviewer
    ),
    "return": lambda cr, author, reviewer: services.change_request_return(
        cr_id=cr.pk, by=reviewer, comment="Cite the order."
    ),
    "reject": lambda cr, author, reviewer: services.change_request_reject(
        cr_id=cr.pk, by=reviewer, comment="Duplicate."
    ),
}
# How a change request reaches each status through the services, from a fresh draft.
ROUTES = {
    "draft": [],
    "submitted": ["submit"],
    "returned": ["submit", "return"],
    "approved": ["submit", "approve"],
    "rejected": ["submit", "reject"],
    "withdrawn": ["withdraw"],
}


@pytest.mark.parametrize("status", list(ROUTES))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_action_moves_a_change_request_exactly_as_documented(
    author, reviewer, measure, propose, status, action
):
    cr = propose(measure, {"progress": 70}, submit=False)
    for step in ROUTES[status]:
        ACTIONS[step](cr, author, reviewer)
    cr.refresh_from_db()
    assert cr.status == status
    events_before = cr.events.count()
    measure.refresh_from_db()
    live_before = (measure.progress, measure.version)
    expected = DOCUMENTED_MOVES.get((status, action))

    if expected is None:
        with pytest.raises((TransitionNotAllowed, PermissionDenied)):
            ACTIONS[action](cr, author, reviewer)
        cr.refresh_from_db()
        measure.refresh_from_db()
        assert cr.status == status
        assert cr.events.count() == events_before
        assert (measure.progress, measure.version) == live_before
        return

    ACTIONS[action](cr, author, reviewer)
    cr.refresh_from_db()
    measure.refresh_from_db()
    assert cr.status == expected
    last = cr.events.order_by("pk").last()
    assert (last.action, last.from_status, last.to_status) == (action, status, expected)
    assert cr.events.count() == events_before + 1
    # Only an approval touches the live record.
    if action == "approve":
        assert (measure.progress, measure.version) == (70, live_before[1] + 1)
    else:
        assert (measure.progress, measure.version) == live_before


def test_a_refused_move_names_the_action_and_the_status(author, reviewer, measure, propose):
    cr = propose(measure, {"progress": 70}, submit=False)
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as exc:
        services.change_request_approve(cr_id=cr.pk, by=reviewer)
    assert str(exc.value) == "“Approved” is not allowed for a change request that is “Draft”."


def test_a_submitted_factory_change_request_went_through_the_services(reviewer):
    cr = f.ChangeRequestFactory(submitted=True, summary="Ramps in schools")
    assert (cr.status, cr.summary) == ("submitted", "Ramps in schools")
    assert cr.submitted_at is not None
    assert list(cr.events.order_by("pk").values_list("action", "from_status", "to_status")) == [
        ("create", "", "draft"),
        ("submit", "draft", "submitted"),
    ]
    assert Notification.objects.filter(change_request=cr, recipient=reviewer.email).exists()
    # It is a proposal a reviewer can decide like any other.
    services.change_request_approve(cr_id=cr.pk, by=reviewer)
    assert Measure.objects.get(pk=ChangeRequest.objects.get(pk=cr.pk).target_id).title_kk


def test_a_submitted_factory_update_rests_on_the_live_record(author, reviewer, measure):
    cr = f.ChangeRequestFactory(
        submitted=True, author=author, target_id=measure.pk, payload={"progress": 55}
    )
    assert (cr.operation, cr.base_version, cr.base_values["progress"]) == ("update", 1, 40)
    assert list(cr.events.values_list("action", flat=True)) == ["create", "submit"]
    with pytest.raises(TypeError):
        f.ChangeRequestFactory(submitted=True, author=author, status="approved")


def test_a_draft_records_the_base_and_leaves_the_live_record_alone(author, measure):
    cr = services.change_request_create(
        by=author, target=measure, payload={"progress": "55"}, summary="Progress for 2019"
    )
    measure.refresh_from_db()
    assert (cr.status, cr.operation, cr.base_version) == ("draft", "update", measure.version)
    assert cr.payload == {"progress": 55}  # normalised by the form
    assert cr.base_values["progress"] == 40
    assert cr.base_values["organizations"] == [author.organization_id]
    assert measure.progress == 40
    assert list(cr.events.values_list("action", "to_status")) == [("create", "draft")]


def test_submit_then_approve_applies_bumps_version_and_records_everything(
    author, reviewer, measure, propose
):
    cr = propose(measure, {"progress": 70, "status": "delayed"})
    assert cr.status == "submitted"
    assert cr.submitted_at is not None
    measure.refresh_from_db()
    assert measure.progress == 40  # nothing live changes before approval
    history_before = measure.history.count()

    services.change_request_approve(cr_id=cr.pk, by=reviewer, comment="Confirmed by the order.")

    measure.refresh_from_db()
    cr.refresh_from_db()
    assert (measure.progress, measure.status, measure.version) == (70, "delayed", 2)
    assert (cr.status, cr.decided_by) == ("approved", reviewer)
    assert list(cr.events.values_list("action", flat=True)) == ["create", "submit", "approve"]
    assert cr.events.last().comment == "Confirmed by the order."
    row = measure.history.first()
    assert row.history_user == reviewer
    assert row.history_change_reason.startswith(f"CR #{cr.pk} by author, approved by reviewer")
    assert measure.history.count() == history_before + 1


def test_returned_change_is_edited_and_resubmitted(author, reviewer, measure, propose):
    cr = propose(measure, {"progress": 70})
    services.change_request_return(cr_id=cr.pk, by=reviewer, comment="Cite the source.")
    cr = services.change_request_update_draft(
        cr_id=cr.pk, by=author, payload={"progress": 65}, summary="With source"
    )
    cr = services.change_request_submit(cr_id=cr.pk, by=author)
    assert (cr.status, cr.decided_by) == ("submitted", None)
    services.change_request_approve(cr_id=cr.pk, by=reviewer)
    measure.refresh_from_db()
    assert measure.progress == 65
    assert list(cr.events.values_list("to_status", flat=True)) == [
        "draft",
        "submitted",
        "returned",
        "returned",
        "submitted",
        "approved",
    ]


@pytest.mark.parametrize("decide", ["change_request_return", "change_request_reject"])
def test_return_and_reject_need_a_comment(reviewer, measure, propose, decide):
    cr = propose(measure, {"progress": 70})
    with pytest.raises(ValidationError) as exc:
        getattr(services, decide)(cr_id=cr.pk, by=reviewer, comment="  ")
    assert "comment" in exc.value.message_dict
    cr.refresh_from_db()
    assert cr.status == "submitted"
    assert cr.events.count() == 2


def test_rejected_change_is_final_and_changes_nothing(author, reviewer, measure, propose):
    cr = propose(measure, {"progress": 70})
    services.change_request_reject(cr_id=cr.pk, by=reviewer, comment="Duplicate of #1.")
    for attempt in (
        lambda: services.change_request_approve(cr_id=cr.pk, by=reviewer),
        lambda: services.change_request_submit(cr_id=cr.pk, by=author),
        lambda: services.change_request_withdraw(cr_id=cr.pk, by=author),
    ):
        with pytest.raises((TransitionNotAllowed, PermissionDenied)):
            attempt()
    measure.refresh_from_db()
    assert (measure.progress, measure.version) == (40, 1)


@pytest.mark.parametrize("stage", ["draft", "submitted", "returned"])
def test_author_may_withdraw_an_open_change(author, reviewer, measure, propose, stage):
    cr = propose(measure, {"progress": 70}, submit=stage != "draft")
    if stage == "returned":
        services.change_request_return(cr_id=cr.pk, by=reviewer, comment="No.")
    cr = services.change_request_withdraw(cr_id=cr.pk, by=author)
    assert cr.status == "withdrawn"
    with pytest.raises(TransitionNotAllowed):
        services.change_request_approve(cr_id=cr.pk, by=reviewer)


def test_approving_a_draft_is_not_a_legal_move(reviewer, measure, propose):
    cr = propose(measure, {"progress": 70}, submit=False)
    with pytest.raises(TransitionNotAllowed):
        services.change_request_approve(cr_id=cr.pk, by=reviewer)
    cr.refresh_from_db()
    assert cr.status == "draft"


def test_a_new_measure_is_created_on_approval_with_one_history_row(author, reviewer, org_a):
    article = f.ArticleFactory(number=24)
    act = f.LegalActFactory()
    citation = f.CitationFactory(act=act)
    payload = {
        "title_kk": "Инклюзивті білім беру",
        "kind": "practical",
        "status": "in_progress",
        "progress": 10,
        "start_date": "2019-01-01",
        "due_date": "2025-12-31",
        "articles": [article.pk],
        "organizations": [org_a.pk],
        "legal_basis": [citation.pk],
    }
    cr = services.change_request_create(by=author, target_model=Measure, payload=payload)
    assert not Measure.objects.exists()
    services.change_request_submit(cr_id=cr.pk, by=author)
    services.change_request_approve(cr_id=cr.pk, by=reviewer)
    cr.refresh_from_db()
    measure = Measure.objects.get(pk=cr.target_id)
    assert measure.key == f"m:cr:{cr.pk}"
    assert (measure.version, measure.progress, measure.due_date) == (1, 10, dt.date(2025, 12, 31))
    assert list(measure.legal_basis.all()) == [citation]
    (row,) = measure.history.all()
    assert row.history_type == "+"
    assert [m.organization_id for m in row.organizations.all()] == [org_a.pk]


def test_stale_change_conflicts_shows_what_changed_and_can_be_rebased(
    author, colleague, reviewer, measure, propose
):
    first = propose(measure, {"progress": 60}, by=colleague)
    second = propose(measure, {"status": "delayed", "progress": 50})
    services.change_request_approve(cr_id=first.pk, by=reviewer)

    with pytest.raises(services.ChangeConflict) as exc:
        services.change_request_approve(cr_id=second.pk, by=reviewer)
    assert (exc.value.base_version, exc.value.live_version) == (1, 2)
    assert [(c["field"], c["base"], c["live"]) for c in exc.value.changes] == [("progress", 40, 60)]
    second.refresh_from_db()
    measure.refresh_from_db()
    assert (second.status, second.decided_by, second.events.count()) == ("submitted", None, 2)
    assert (measure.progress, measure.status, measure.version) == (60, "in_progress", 2)
    diff = {row["field"]: row for row in change_request_diff(second)}
    assert diff["progress"]["changed_meanwhile"] is True
    assert diff["status"]["changed_meanwhile"] is False

    services.change_request_rebase(cr_id=second.pk, by=author)
    second.refresh_from_db()
    assert (second.base_version, second.base_values["progress"]) == (2, 60)
    assert second.payload == {"status": "delayed", "progress": 50}
    assert second.events.last().action == "rebase"
    assert second.events.last().comment == "progress"

    services.change_request_approve(cr_id=second.pk, by=reviewer)
    measure.refresh_from_db()
    assert (measure.progress, measure.status, measure.version) == (50, "delayed", 3)


def test_approval_validates_again_and_writes_nothing_when_invalid(author, reviewer, measure):
    cr = services.change_request_create(by=author, target=measure, payload={"progress": 70})
    services.change_request_submit(cr_id=cr.pk, by=author)
    # The proposal was valid when submitted; a payload made invalid since (e.g. by a bug in
    # another writer) must not reach the live record.
    ChangeRequest.objects.filter(pk=cr.pk).update(payload={"progress": 170})
    with pytest.raises(ValidationError) as exc:
        services.change_request_approve(cr_id=cr.pk, by=reviewer)
    assert "progress" in exc.value.message_dict
    measure.refresh_from_db()
    cr.refresh_from_db()
    assert (measure.progress, measure.version, cr.status) == (40, 1, "submitted")


def test_observation_change_sets_cell_key_and_explanation(author, reviewer, org_a):
    indicator = f.IndicatorFactory(organization=org_a, unit="persons", direction="none")
    region = f.DimensionValueFactory(code="akmola")
    paragraph = f.ReportParagraphFactory(number=333)
    payload = {
        "indicator": indicator.pk,
        "period_start": "2018-01-01",
        "period_end": "2018-12-31",
        "value": "1250.50",
        "dimension_values": [region.pk],
        "paragraph": paragraph.pk,
    }
    cr = services.change_request_create(
        by=author, target_model=Observation, payload=payload, explanation="Regional survey."
    )
    assert cr.payload["value"] == "1250.5"
    services.change_request_submit(cr_id=cr.pk, by=author)
    services.change_request_approve(cr_id=cr.pk, by=reviewer)
    cr.refresh_from_db()
    obs = Observation.objects.get(pk=cr.target_id)
    assert (obs.dims_key, obs.value, obs.version) == ("region=akmola", Decimal("1250.5"), 1)
    assert obs.explanation == "Regional survey."
    # The same cell cannot be proposed twice.
    with pytest.raises(ValidationError) as exc:
        services.change_request_create(by=author, target_model=Observation, payload=payload)
    assert "period_end" in exc.value.message_dict


def test_legal_act_change_proposed_by_reviewer_is_approved_by_another(reviewer, administrator):
    act = f.LegalActFactory()
    cr = services.change_request_create(by=reviewer, target=act, payload={"number": "56-VI"})
    services.change_request_submit(cr_id=cr.pk, by=reviewer)
    with pytest.raises(PermissionDenied):
        services.change_request_approve(cr_id=cr.pk, by=reviewer)
    services.change_request_approve(cr_id=cr.pk, by=administrator)
    act.refresh_from_db()
    assert (act.number, act.version) == ("56-VI", 2)
    with pytest.raises(ValidationError) as exc:
        services.change_request_create(by=reviewer, target=act, payload={"key": "other"})
    assert "key" in exc.value.message_dict
    assert LegalAct.objects.get().key == act.key


def test_every_state_change_writes_its_review_event(author, reviewer, measure, propose):
    cr = propose(measure, {"progress": 70})
    services.change_request_return(cr_id=cr.pk, by=reviewer, comment="Why?")
    events = list(ReviewEvent.objects.filter(change_request=cr).order_by("pk"))
    assert [(e.from_status, e.to_status, e.actor) for e in events] == [
        ("", ChangeStatus.DRAFT, author),
        (ChangeStatus.DRAFT, ChangeStatus.SUBMITTED, author),
        (ChangeStatus.SUBMITTED, ChangeStatus.RETURNED, reviewer),
    ]


def test_admin_action_approves_through_the_service_and_reports_refusals(
    client, author, administrator, measure, propose
):
    ok = propose(measure, {"progress": 70})
    own = propose(measure, {"progress": 80}, by=administrator)
    client.force_login(administrator)
    response = client.post(
        reverse("admin:tracker_changerequest_changelist"),
        {"action": "approve_selected", "_selected_action": [ok.pk, own.pk]},
        follow=True,
    )
    assert response.status_code == 200
    ok.refresh_from_db()
    own.refresh_from_db()
    measure.refresh_from_db()
    assert (ok.status, own.status) == ("approved", "submitted")
    assert (measure.progress, measure.version) == (70, 2)
    texts = [str(m) for m in response.context["messages"]]
    assert any(t.startswith(f"No. {own.pk}: ") for t in texts)
