"""The permission matrix: every role × every workflow action, own and other organisation; each
refusal raises PermissionDenied and leaves the database exactly as it was."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from tracker import rules as permissions
from tracker.models import ChangeRequest, Evidence, LegalAct, Measure, ReviewEvent, User
from tracker.workflow import evidence, services

pytestmark = pytest.mark.django_db

ACTORS = [
    "editor_own_org",
    "colleague",
    "editor_other_org",
    "reviewer",
    "administrator",
    "author_as_reviewer",
    "anonymous",
    "inactive",
]
AUTHORING = {"edit", "submit", "withdraw", "rebase", "attach_evidence"}
REVIEWING = {"approve", "return", "reject"}
ACTIONS = ["create", *sorted(AUTHORING), *sorted(REVIEWING), "propose_legal_act"]

ALLOWED: dict[str, set[str]] = {
    "create": {"editor_own_org", "colleague", "reviewer", "administrator", "author_as_reviewer"},
    **{a: {"editor_own_org", "author_as_reviewer"} for a in AUTHORING},
    **{a: {"reviewer", "administrator"} for a in REVIEWING},
    "propose_legal_act": {"reviewer", "administrator", "author_as_reviewer"},
}

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    measure: Measure
    second_editor: User  # the editor of the measure's organisation who authors change requests
    actor: Any
    cr: ChangeRequest | None


def _make_actor(kind: str, org_a) -> Any:
    mlspp = f.OrganizationFactory(code="MLSPP")
    if kind == "anonymous":
        return AnonymousUser()
    return {
        "editor_own_org": lambda: f.UserFactory(editor=True, organization=org_a),
        "colleague": lambda: f.UserFactory(editor=True, organization=org_a),
        "editor_other_org": lambda: f.UserFactory(
            editor=True, organization=f.OrganizationFactory(code="MES")
        ),
        "reviewer": lambda: f.UserFactory(reviewer=True, organization=mlspp),
        "administrator": lambda: f.UserFactory(administrator=True, organization=mlspp),
        "author_as_reviewer": lambda: f.UserFactory(reviewer=True, organization=mlspp),
        # A reviewer of the measure's own organisation: refused only because inactive.
        "inactive": lambda: f.UserFactory(reviewer=True, editor=False, organization=org_a),
    }[kind]()


def _world(kind: str, action: str) -> World:
    org_a = f.OrganizationFactory(code="MH")
    measure = f.MeasureFactory(organizations=[org_a], progress=40)
    second_editor = f.UserFactory(editor=True, organization=org_a, username="second-editor")
    actor = second_editor if kind == "editor_own_org" else _make_actor(kind, org_a)
    cr = None
    if action not in ("create", "propose_legal_act"):
        own = kind in ("editor_own_org", "author_as_reviewer") or (
            kind == "inactive" and action in AUTHORING
        )
        by = actor if own else second_editor
        cr = services.change_request_create(by=by, target=measure, payload={"progress": 55})
        if action in REVIEWING or action == "rebase":
            cr = services.change_request_submit(cr_id=cr.pk, by=by)
    if kind == "inactive":
        User.objects.filter(pk=actor.pk).update(is_active=False)
        actor = User.objects.get(pk=actor.pk)
    return World(measure=measure, second_editor=second_editor, actor=actor, cr=cr)


def _do(action: str, w: World) -> None:
    by, cr_id = w.actor, getattr(w.cr, "pk", None)
    match action:
        case "create":
            services.change_request_create(by=by, target=w.measure, payload={"progress": 70})
        case "edit":
            services.change_request_update_draft(cr_id=cr_id, by=by, payload={"progress": 60})
        case "submit":
            services.change_request_submit(cr_id=cr_id, by=by)
        case "withdraw":
            services.change_request_withdraw(cr_id=cr_id, by=by)
        case "rebase":
            services.change_request_rebase(cr_id=cr_id, by=by)
        case "attach_evidence":
            upload = SimpleUploadedFile("order.pdf", PDF, content_type="application/pdf")
            evidence.evidence_attach(cr_id=cr_id, by=by, uploaded_file=upload)
        case "approve":
            services.change_request_approve(cr_id=cr_id, by=by)
        case "return":
            services.change_request_return(cr_id=cr_id, by=by, comment="Give the source.")
        case "reject":
            services.change_request_reject(cr_id=cr_id, by=by, comment="Out of scope.")
        case "propose_legal_act":
            services.change_request_create(
                by=by,
                target_model=LegalAct,
                payload={"key": "kz:law:new", "act_type": "law", "title_kk": "Жаңа заң"},
            )


def _snapshot(w: World) -> tuple:
    w.measure.refresh_from_db()
    return (
        list(
            ChangeRequest.objects.order_by("pk").values_list(
                "pk", "status", "payload", "base_version", "base_values", "decided_by"
            )
        ),
        ReviewEvent.objects.count(),
        Evidence.objects.count(),
        LegalAct.objects.count(),
        (w.measure.version, w.measure.progress),
        w.measure.history.count(),
    )


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("kind", ACTORS)
def test_permission_matrix(kind, action, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = _world(kind, action)
    before = _snapshot(w)
    if kind in ALLOWED[action]:
        _do(action, w)
        assert _snapshot(w) != before
    else:
        with pytest.raises(PermissionDenied):
            _do(action, w)
        assert _snapshot(w) == before


def test_every_cell_of_the_matrix_has_both_outcomes_somewhere():
    for action in ACTIONS:
        assert ALLOWED[action], action
        assert set(ACTORS) - ALLOWED[action], action


def test_an_editor_cannot_create_a_measure_for_another_organisation(author, org_b):
    payload = {
        "title_kk": "Шара",
        "kind": "administrative",
        "status": "planned",
        "articles": [f.ArticleFactory(number=9).pk],
        "organizations": [org_b.pk],
    }
    with pytest.raises(PermissionDenied):
        services.change_request_create(by=author, target_model=Measure, payload=payload)
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
    assert permissions.can_propose(author, type(observation), target=observation)
    assert not permissions.can_propose(outsider, type(observation), target=observation)
    payload = {"indicator": indicator.pk}
    assert permissions.can_propose(author, type(observation), payload=payload)
    assert not permissions.can_propose(outsider, type(observation), payload=payload)


def test_an_editor_who_changes_organisation_can_no_longer_submit(author, measure, org_b):
    cr = services.change_request_create(by=author, target=measure, payload={"progress": 50})
    User.objects.filter(pk=author.pk).update(organization=org_b)
    moved = User.objects.get(pk=author.pk)
    with pytest.raises(PermissionDenied):
        services.change_request_submit(cr_id=cr.pk, by=moved)
    cr.refresh_from_db()
    assert cr.status == "draft"
    # Taking the proposal back is still theirs to do.
    services.change_request_withdraw(cr_id=cr.pk, by=moved)
