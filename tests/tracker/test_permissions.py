"""Who may do what, end to end: every kind of person × every workflow action.

Each cell checks the real behaviour of the service — an allowed action has its concrete effect
(the status it moves to, the event written by the actor, the version bumped...), a refused one
raises PermissionDenied and leaves the database exactly as it was — and that the answers of
`user.has_perm()` and `available_actions()` are the ones the service acts on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F

from tests import factories as f
from tracker.models import (
    ChangeOperation,
    ChangeRequest,
    ChangeStatus,
    Evidence,
    LegalAct,
    Measure,
    ReviewAction,
    ReviewEvent,
    User,
)
from tracker.rules import Proposal
from tracker.workflow import evidence, services
from tracker.workflow.selectors import available_actions, reverted_values

pytestmark = pytest.mark.django_db

ACTORS = [
    "editor_own_org",  # the author, for the actions on an existing change request
    "colleague",  # an editor of the same organisation who is not the author
    "editor_other_org",
    "reviewer",
    "administrator",
    "author_as_reviewer",  # a reviewer deciding (or authoring) their own change
    "inactive",  # the author, or a reviewer of the organisation, since deactivated
    "anonymous",
    "no_organisation",  # an editor whose account belongs to no organisation
]
AUTHORING = ["edit", "submit", "withdraw", "rebase", "attach_evidence"]
REVIEWING = ["approve", "return", "reject"]
ACTIONS = ["create", *AUTHORING, *REVIEWING, "revert", "propose_legal_act"]

PROPOSERS = {"editor_own_org", "colleague", "reviewer", "administrator", "author_as_reviewer"}
ALLOWED: dict[str, set[str]] = {
    "create": PROPOSERS,
    **{a: {"editor_own_org", "author_as_reviewer"} for a in AUTHORING},
    **{a: {"reviewer", "administrator"} for a in REVIEWING},
    "revert": PROPOSERS,
    "propose_legal_act": {"reviewer", "administrator", "author_as_reviewer"},
}
# The permission each action asks, and the name available_actions() gives it.
PERMISSION = {
    "create": "tracker.propose_change",
    "edit": "tracker.edit_changerequest",
    "submit": "tracker.submit_changerequest",
    "withdraw": "tracker.withdraw_changerequest",
    "rebase": "tracker.rebase_changerequest",
    "attach_evidence": "tracker.attach_evidence",
    "approve": "tracker.review_changerequest",
    "return": "tracker.review_changerequest",
    "reject": "tracker.review_changerequest",
    "revert": "tracker.propose_change",
    "propose_legal_act": "tracker.propose_change",
}

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NEW_ACT = {"key": "kz:law:new", "act_type": "law", "title_kk": "Жаңа заң"}


@dataclass
class World:
    measure: Measure
    second_editor: User  # the editor of the measure's organisation who authors the others' changes
    actor: Any
    cr: ChangeRequest | None


def _make_actor(kind: str, org_a, mlspp) -> Any:
    return {
        "anonymous": AnonymousUser,
        "colleague": lambda: f.UserFactory(editor=True, organization=org_a),
        "editor_other_org": lambda: f.UserFactory(
            editor=True, organization=f.OrganizationFactory(code="MES")
        ),
        "reviewer": lambda: f.UserFactory(reviewer=True, organization=mlspp),
        "administrator": lambda: f.UserFactory(administrator=True, organization=mlspp),
        "author_as_reviewer": lambda: f.UserFactory(reviewer=True, organization=mlspp),
        # A reviewer of the measure's own organisation: refused only because inactive.
        "inactive": lambda: f.UserFactory(reviewer=True, organization=org_a),
        "no_organisation": lambda: f.UserFactory(editor=True, organization=None),
    }[kind]()


def _author_kind(kind: str, action: str) -> bool:
    """Whether the actor authored the change request the action is about."""
    if action in AUTHORING:
        return kind in ("editor_own_org", "author_as_reviewer", "inactive")
    return action in REVIEWING and kind == "author_as_reviewer"


def _change_request(w: World, action: str, author: User, reviewer: User) -> ChangeRequest:
    cr = services.change_request_create(by=author, target=w.measure, payload={"progress": 55})
    if action in ("submit", "edit", "attach_evidence", "withdraw"):
        return cr
    cr = services.change_request_submit(cr_id=cr.pk, by=author)
    if action == "revert":
        cr = services.change_request_approve(cr_id=cr.pk, by=reviewer)
    elif action == "rebase":
        # The record moved on meanwhile: the rebase has something to take.
        Measure.objects.filter(pk=w.measure.pk).update(version=F("version") + 1, progress=45)
    return cr


def _world(kind: str, action: str) -> World:
    org_a = f.OrganizationFactory(code="MH")
    mlspp = f.OrganizationFactory(code="MLSPP")
    measure = f.MeasureFactory(organizations=[org_a], progress=40)
    second_editor = f.UserFactory(editor=True, organization=org_a, username="second-editor")
    actor = second_editor if kind == "editor_own_org" else _make_actor(kind, org_a, mlspp)
    w = World(measure=measure, second_editor=second_editor, actor=actor, cr=None)
    if action not in ("create", "propose_legal_act"):
        author = actor if _author_kind(kind, action) else second_editor
        other_reviewer = f.UserFactory(reviewer=True, organization=mlspp, username="other-rev")
        w.cr = _change_request(w, action, author, other_reviewer)
    if kind == "inactive":
        User.objects.filter(pk=actor.pk).update(is_active=False)
    if not isinstance(actor, AnonymousUser):
        # Fresh from the database, as a request would load it (no cached roles).
        w.actor = User.objects.get(pk=actor.pk)
    w.measure.refresh_from_db()
    return w


def _obj(action: str, w: World) -> Any:
    if action == "create":
        return Proposal(Measure, w.measure, {"progress": 70})
    if action == "propose_legal_act":
        return Proposal(LegalAct, None, NEW_ACT)
    if action == "revert":
        return Proposal(Measure, w.measure, reverted_values(w.cr))
    return w.cr


def _do(action: str, w: World) -> ChangeRequest | Evidence:
    by, cr_id = w.actor, getattr(w.cr, "pk", None)
    upload = SimpleUploadedFile("order.pdf", PDF, content_type="application/pdf")
    calls: dict[str, Callable[[], Any]] = {
        "create": lambda: services.change_request_create(
            by=by, target=w.measure, payload={"progress": 70}
        ),
        "edit": lambda: services.change_request_update_draft(
            cr_id=cr_id, by=by, payload={"progress": 60}
        ),
        "submit": lambda: services.change_request_submit(cr_id=cr_id, by=by),
        "withdraw": lambda: services.change_request_withdraw(cr_id=cr_id, by=by),
        "rebase": lambda: services.change_request_rebase(cr_id=cr_id, by=by),
        "attach_evidence": lambda: evidence.evidence_attach(
            cr_id=cr_id, by=by, uploaded_file=upload
        ),
        "approve": lambda: services.change_request_approve(cr_id=cr_id, by=by),
        "return": lambda: services.change_request_return(
            cr_id=cr_id, by=by, comment="Give the source."
        ),
        "reject": lambda: services.change_request_reject(
            cr_id=cr_id, by=by, comment="Out of scope."
        ),
        "revert": lambda: services.change_request_revert(cr_id=cr_id, by=by),
        "propose_legal_act": lambda: services.change_request_create(
            by=by, target_model=LegalAct, payload=NEW_ACT
        ),
    }
    return calls[action]()


def _snapshot(w: World) -> tuple:
    w.measure.refresh_from_db()
    return (
        list(
            ChangeRequest.objects.order_by("pk").values_list(
                "pk", "status", "payload", "base_version", "base_values", "decided_by"
            )
        ),
        list(ReviewEvent.objects.order_by("pk").values_list("pk", "action", "actor")),
        Evidence.objects.count(),
        LegalAct.objects.count(),
        (w.measure.version, w.measure.progress),
        w.measure.history.count(),
    )


def _last_event(cr: ChangeRequest) -> ReviewEvent:
    return cr.events.order_by("-pk").first()


def _assert_moved(cr: ChangeRequest, w: World, action: ReviewAction, status: str) -> None:
    cr.refresh_from_db()
    event = _last_event(cr)
    assert cr.status == status
    assert (event.action, event.actor_id, event.to_status) == (action, w.actor.pk, status)


def _assert_effect(action: str, w: World, result: Any, before_version: int) -> None:
    """The concrete effect each allowed action has on the database."""
    w.measure.refresh_from_db()
    if action in ("create", "revert", "propose_legal_act"):
        new = ChangeRequest.objects.get(pk=result.pk)
        expected_payload = {"create": {"progress": 70}, "revert": {"progress": 40}}
        assert (new.author_id, new.status) == (w.actor.pk, ChangeStatus.DRAFT)
        assert _last_event(new).action == ReviewAction.CREATE
        if action == "propose_legal_act":
            assert new.target_type.model_class() is LegalAct
            assert new.operation == ChangeOperation.CREATE
        else:
            assert new.payload == expected_payload[action]
        assert w.measure.version == before_version
    elif action == "edit":
        w.cr.refresh_from_db()
        assert w.cr.payload == {"progress": 60}
        assert (_last_event(w.cr).action, _last_event(w.cr).actor_id) == ("edit", w.actor.pk)
    elif action == "attach_evidence":
        attached = Evidence.objects.get(change_request=w.cr)
        assert (attached.uploaded_by_id, attached.original_name) == (w.actor.pk, "order.pdf")
    elif action == "rebase":
        w.cr.refresh_from_db()
        assert w.cr.base_version == w.measure.version == before_version
        assert w.cr.base_values["progress"] == 45
        assert _last_event(w.cr).action == ReviewAction.REBASE
    elif action == "submit":
        _assert_moved(w.cr, w, ReviewAction.SUBMIT, ChangeStatus.SUBMITTED)
    elif action == "withdraw":
        _assert_moved(w.cr, w, ReviewAction.WITHDRAW, ChangeStatus.WITHDRAWN)
    elif action == "approve":
        _assert_moved(w.cr, w, ReviewAction.APPROVE, ChangeStatus.APPROVED)
        assert (w.measure.progress, w.measure.version) == (55, before_version + 1)
    else:
        status = {"return": ChangeStatus.RETURNED, "reject": ChangeStatus.REJECTED}[action]
        _assert_moved(w.cr, w, ReviewAction(action), status)
        assert w.cr.decided_by_id == w.actor.pk
        assert (w.measure.progress, w.measure.version) == (40, before_version)


MATRIX = [(kind, action) for action in ACTIONS for kind in ACTORS]


@pytest.mark.parametrize(("kind", "action"), MATRIX)
def test_each_person_and_action_has_its_effect_or_is_refused_and_changes_nothing(
    kind, action, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    w = _world(kind, action)
    before = _snapshot(w)
    if kind in ALLOWED[action]:
        result = _do(action, w)
        _assert_effect(action, w, result, before_version=before[4][0])
    else:
        with pytest.raises(PermissionDenied):
            _do(action, w)
        assert _snapshot(w) == before


@pytest.mark.parametrize(("kind", "action"), MATRIX)
def test_has_perm_and_available_actions_answer_what_the_service_does(
    kind, action, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    w = _world(kind, action)
    granted = w.actor.has_perm(PERMISSION[action], _obj(action, w))
    offered = w.cr is not None and action in available_actions(user=w.actor, cr=w.cr)
    try:
        _do(action, w)
    except PermissionDenied:
        done = False
    else:
        done = True
    assert granted is done
    if w.cr is not None:  # a change request's page and API offer exactly what would succeed
        assert offered is done


def test_every_action_is_allowed_to_someone_and_refused_to_someone():
    for action in ACTIONS:
        assert ALLOWED[action], action
        assert set(ACTORS) - ALLOWED[action], action


def test_a_superuser_is_bound_by_four_eyes(measure, reviewer):
    boss = f.UserFactory(is_superuser=True, is_staff=True, organization=reviewer.organization)
    cr = services.change_request_create(by=boss, target=measure, payload={"progress": 90})
    cr = services.change_request_submit(cr_id=cr.pk, by=boss)
    assert not boss.has_perm("tracker.review_changerequest", cr)
    assert "approve" not in available_actions(user=boss, cr=cr)
    with pytest.raises(PermissionDenied):
        services.change_request_approve(cr_id=cr.pk, by=boss)
    cr.refresh_from_db()
    measure.refresh_from_db()
    assert (cr.status, measure.progress) == (ChangeStatus.SUBMITTED, 40)
    services.change_request_approve(cr_id=cr.pk, by=reviewer)
    measure.refresh_from_db()
    assert measure.progress == 90


def test_available_actions_follow_the_status(author, reviewer, measure, propose):
    cr = propose(measure, {"progress": 65}, submit=False)
    assert available_actions(user=author, cr=cr) == [
        "edit",
        "attach_evidence",
        "submit",
        "rebase",
        "withdraw",
    ]
    assert available_actions(user=reviewer, cr=cr) == []
    cr = services.change_request_submit(cr_id=cr.pk, by=author)
    assert available_actions(user=author, cr=cr) == ["rebase", "withdraw"]
    assert available_actions(user=reviewer, cr=cr) == ["approve", "return", "reject"]
    cr = services.change_request_approve(cr_id=cr.pk, by=reviewer)
    assert available_actions(user=author, cr=cr) == ["revert"]
    assert available_actions(user=reviewer, cr=cr) == ["revert"]


def test_a_new_record_offers_no_rebase_and_no_revert(author, reviewer, org_a):
    payload = {
        "title_kk": "Жаңа шара",
        "kind": "administrative",
        "status": "planned",
        "articles": [f.ArticleFactory(number=9).pk],
        "organizations": [org_a.pk],
    }
    cr = services.change_request_create(by=author, target_model=Measure, payload=payload)
    assert available_actions(user=author, cr=cr) == [
        "edit",
        "attach_evidence",
        "submit",
        "withdraw",
    ]
    services.change_request_submit(cr_id=cr.pk, by=author)
    cr = services.change_request_approve(cr_id=cr.pk, by=reviewer)
    assert available_actions(user=author, cr=cr) == []


def test_an_editor_cannot_create_a_measure_for_another_organisation(author, org_b):
    payload = {
        "title_kk": "Шара",
        "kind": "administrative",
        "status": "planned",
        "articles": [f.ArticleFactory(number=9).pk],
        "organizations": [org_b.pk],
    }
    assert not author.has_perm("tracker.propose_change", Proposal(Measure, None, payload))
    with pytest.raises(PermissionDenied):
        services.change_request_create(by=author, target_model=Measure, payload=payload)
    assert not ChangeRequest.objects.exists()
    payload["organizations"] = [org_b.pk, author.organization_id]
    cr = services.change_request_create(by=author, target_model=Measure, payload=payload)
    assert cr.operation == "create"
    assert cr.organization == author.organization


def test_an_editor_cannot_hand_a_measure_to_another_organisation_alone(author, measure, org_b):
    with pytest.raises(PermissionDenied):
        services.change_request_create(
            by=author, target=measure, payload={"organizations": [org_b.pk]}
        )
    assert not ChangeRequest.objects.exists()


def test_observations_belong_to_the_indicators_organisation(author, outsider, org_a):
    indicator = f.IndicatorFactory(organization=org_a)
    observation = f.ObservationFactory(indicator=indicator, source_annex="annex2:row 1")
    model = type(observation)
    assert author.has_perm("tracker.propose_change", Proposal(model, observation))
    assert not outsider.has_perm("tracker.propose_change", Proposal(model, observation))
    payload = {"indicator": indicator.pk}
    assert author.has_perm("tracker.propose_change", Proposal(model, payload=payload))
    assert not outsider.has_perm("tracker.propose_change", Proposal(model, payload=payload))


def test_an_editor_who_changes_organisation_can_no_longer_submit(author, measure, org_b):
    cr = services.change_request_create(by=author, target=measure, payload={"progress": 50})
    User.objects.filter(pk=author.pk).update(organization=org_b)
    moved = User.objects.get(pk=author.pk)
    assert available_actions(user=moved, cr=cr) == ["withdraw"]
    with pytest.raises(PermissionDenied):
        services.change_request_submit(cr_id=cr.pk, by=moved)
    cr.refresh_from_db()
    assert cr.status == "draft"
    # Taking the proposal back is still theirs to do.
    services.change_request_withdraw(cr_id=cr.pk, by=moved)
    cr.refresh_from_db()
    assert cr.status == ChangeStatus.WITHDRAWN


def test_another_ministry_and_the_public_may_not_view_a_change_request(
    author, colleague, outsider, reviewer, measure, propose
):
    cr = propose(measure, {"progress": 65}, submit=False)
    seen = {
        name: user.has_perm("tracker.view_changerequest", cr)
        for name, user in [
            ("author", author),
            ("colleague", colleague),
            ("outsider", outsider),
            ("reviewer", reviewer),
            ("anonymous", AnonymousUser()),
        ]
    }
    assert seen == {
        "author": True,
        "colleague": True,
        "outsider": False,
        "reviewer": True,
        "anonymous": False,
    }
