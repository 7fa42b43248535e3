"""Who may do what: plain predicates, used by services, views, the API and the admin alike.

The workflow services call these before every write, so a view that forgets a check cannot let a
refused action through. Maker–checker: nobody reviews their own change; editors act only for their
own organisation's records; legal acts are proposed by reviewers and administrators only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tracker.organisations.roles import ADMINISTRATOR, EDITOR, REVIEWER
from tracker.workflow.transitions import EDITABLE, OPEN

if TYPE_CHECKING:
    from django.db import models

    from tracker.workflow.models import ChangeRequest


def is_active_user(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def has_role(user: Any, role: str) -> bool:
    if not is_active_user(user):
        return False
    # Cached per request object: permission checks run in loops over lists.
    cache = getattr(user, "_role_cache", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._role_cache = cache
    return role in cache


def is_editor(user: Any) -> bool:
    return has_role(user, EDITOR)


def is_reviewer(user: Any) -> bool:
    return has_role(user, REVIEWER)


def is_administrator(user: Any) -> bool:
    return bool(user and user.is_active and user.is_superuser) or has_role(user, ADMINISTRATOR)


def _coordinates(user: Any) -> bool:
    """Reviewers (the national focal point) and administrators act for every organisation."""
    return is_reviewer(user) or is_administrator(user)


def can_propose_legal_act(user: Any) -> bool:
    return _coordinates(user)


def can_propose(
    user: Any,
    model: type[models.Model],
    *,
    target: models.Model | None = None,
    payload: dict[str, Any] | None = None,
) -> bool:
    """May `user` propose a new `model` record (target None) or a change to `target`?

    An editor needs their organisation among the record's responsible organisations: for a new
    record among the proposed ones; for a change among the live ones and, if the change moves
    responsibility, among the proposed ones too (an editor cannot hand a record away alone).
    """
    from tracker.law.models import LegalAct
    from tracker.workflow.specs import spec_for

    if not is_active_user(user):
        return False
    if model is LegalAct:
        return can_propose_legal_act(user)
    if _coordinates(user):
        return True
    if not is_editor(user) or user.organization_id is None:
        return False
    spec = spec_for(model)
    org = user.organization_id
    proposed = spec.organization_ids(values=payload or {})
    if target is None:
        return org in proposed
    if org not in spec.organization_ids(target=target):
        return False
    return not proposed or org in proposed


def _target_of(cr: ChangeRequest) -> models.Model | None:
    if cr.target_id is None:
        return None
    return cr.target_type.get_object_for_this_type(pk=cr.target_id)


def _may_author(user: Any, cr: ChangeRequest) -> bool:
    """The author, still active and still entitled to propose this change."""
    if not is_active_user(user) or user.pk != cr.author_id:
        return False
    model = cr.target_type.model_class()
    return can_propose(user, model, target=_target_of(cr), payload=cr.payload)


def can_view_change_request(user: Any, cr: ChangeRequest) -> bool:
    """A change request is internal to its organisation and the coordinators who review it; other
    ministries and the public see only the approved result, never the draft."""
    if not is_active_user(user):
        return False
    if user.pk == cr.author_id or _coordinates(user):
        return True
    return user.organization_id is not None and user.organization_id == cr.organization_id


def can_edit_draft(user: Any, cr: ChangeRequest) -> bool:
    return cr.status in EDITABLE and _may_author(user, cr)


def can_submit(user: Any, cr: ChangeRequest) -> bool:
    # Whether the status allows submitting is the transition table's to say.
    return _may_author(user, cr)


def can_attach_evidence(user: Any, cr: ChangeRequest) -> bool:
    return cr.status in EDITABLE and _may_author(user, cr)


def can_rebase(user: Any, cr: ChangeRequest) -> bool:
    return cr.status in OPEN and _may_author(user, cr)


def can_withdraw(user: Any, cr: ChangeRequest) -> bool:
    # Withdrawing only takes a proposal back: the author may, even after leaving the organisation.
    return is_active_user(user) and user.pk == cr.author_id


def can_review(user: Any, cr: ChangeRequest) -> bool:
    # Four eyes: the author never decides their own change, whatever their role.
    return _coordinates(user) and user.pk != cr.author_id
