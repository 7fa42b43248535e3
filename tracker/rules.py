"""Who may do what: the one authorisation system, object-level permissions with django-rules.

Every caller — the workflow services, the pages, the API, the admin — asks the same question the
same way: `user.has_perm("tracker.<perm>", obj)`. The predicates below are the building blocks and
are not called from anywhere else. The services ask before every write, so a page that forgets a
check cannot let a refused action through.

Permission (object asked about): granted when
- `tracker.work_on_changes` (none): editor, reviewer or administrator.
- `tracker.work_for_organisation` (none): editor, who works on their organisation's changes.
- `tracker.propose_change` (a `Proposal`): legal acts: a coordinator; other records: a
  coordinator, or an editor whose organisation is responsible for the record.
- `tracker.view_changerequest` (change request): its author, an editor of its organisation, a
  coordinator.
- `tracker.view_evidence` (evidence file): anyone if a reviewer published it with the approval of
  its change request; otherwise whoever may view its change request.
- `tracker.edit_changerequest`, `tracker.attach_evidence`: draft or returned, entitled author.
- `tracker.submit_changerequest`: the entitled author (the status is the transition table's to say).
- `tracker.rebase_changerequest`: draft, submitted or returned, and the entitled author.
- `tracker.withdraw_changerequest`: its author, while active.
- `tracker.review_changerequest`: a coordinator who is not its author (four eyes), in a session
  verified with a second factor.

"Coordinator": a reviewer (the national focal point) or an administrator, who act for every
organisation. "Entitled author": the active author who may still propose this very change (an
editor who moved to another ministry may no longer submit it). Every permission refuses an inactive
or anonymous user. Asked without an object, `review_changerequest` answers whether the user
reviews change requests at all (the review queue, the admin's approve action).

The role groups' model permissions (tracker/organisations/roles.py) govern only the Django
admin's view/add/change/delete pages; no workflow permission is stored in the database. Django's
ModelBackend never grants a permission asked about an object, so only these rules decide a
workflow action; User.has_perm lets no superuser past them either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import rules

from tracker.organisations.roles import ADMINISTRATOR, EDITOR, REVIEWER
from tracker.workflow.models import ChangeStatus
from tracker.workflow.transitions import EDITABLE, OPEN

if TYPE_CHECKING:
    from django.db import models

    from tracker.workflow.models import ChangeRequest, Evidence


@dataclass(frozen=True)
class Proposal:
    """What `tracker.propose_change` is asked about: a new `model` record (target None) or a
    change to `target`, with the proposed values (`payload`, may be partial or empty)."""

    model: type[models.Model]
    target: models.Model | None = None
    payload: Mapping[str, Any] | None = None


# Roles -----------------------------------------------------------------------------------------


@rules.predicate
def is_active_user(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


# rules caches the group names on the user object: permission checks run in loops over lists.
is_editor = is_active_user & rules.is_group_member(EDITOR)
is_reviewer = is_active_user & rules.is_group_member(REVIEWER)
is_administrator = is_active_user & (rules.is_superuser | rules.is_group_member(ADMINISTRATOR))
# Reviewers (the national focal point) and administrators act for every organisation.
is_coordinator = is_reviewer | is_administrator
is_staff_member = is_editor | is_coordinator


@rules.predicate
def second_factor_satisfied(user: Any) -> bool:
    """Reviewers and administrators decide only in a session verified with a second factor
    (tracker/accounts/services.py is the one definition, also asked by the pages' gate)."""
    from tracker.accounts.services import second_factor_satisfied as satisfied

    return satisfied(user)


# Proposing -------------------------------------------------------------------------------------


def _responsible(spec: Any, target: models.Model) -> set[int]:
    # Cached on the record: one change-request page asks several permissions about one target.
    cached = getattr(target, "_rules_organization_ids", None)
    if cached is None:
        cached = spec.organization_ids(target=target)
        target._rules_organization_ids = cached
    return cached


@rules.predicate
def may_propose(user: Any, proposal: Proposal | None) -> bool:
    """An editor needs their organisation among the record's responsible organisations: for a new
    record among the proposed ones; for a change among the live ones and, if the change moves
    responsibility, among the proposed ones too (an editor cannot hand a record away alone)."""
    from tracker.law.models import LegalAct
    from tracker.workflow.specs import spec_for

    if proposal is None or not is_active_user(user):
        return False
    if proposal.model is LegalAct:
        return is_coordinator(user)
    if is_coordinator(user):
        return True
    if not is_editor(user) or user.organization_id is None:
        return False
    spec = spec_for(proposal.model)
    org = user.organization_id
    # Unvalidated input: a payload that is not an object proposes no organisation (the form
    # reports what is wrong with it).
    payload = proposal.payload if isinstance(proposal.payload, Mapping) else {}
    proposed = spec.organization_ids(values=dict(payload))
    if proposal.target is None:
        return org in proposed
    if org not in _responsible(spec, proposal.target):
        return False
    return not proposed or org in proposed


# Change requests -------------------------------------------------------------------------------


def _target_of(cr: ChangeRequest) -> models.Model | None:
    # Through the generic relation, which caches the record on the change request (or has it
    # prefetched already): one page asks several permissions about one change request.
    return cr.target if cr.target_id is not None else None


@rules.predicate
def is_author(user: Any, cr: ChangeRequest | None) -> bool:
    return cr is not None and user is not None and user.pk is not None and user.pk == cr.author_id


@rules.predicate
def of_own_organisation(user: Any, cr: ChangeRequest | None) -> bool:
    organization_id = getattr(user, "organization_id", None)
    return cr is not None and organization_id is not None and organization_id == cr.organization_id


@rules.predicate
def is_editable(user: Any, cr: ChangeRequest | None) -> bool:
    # The author may change a proposal only while it is still theirs: not once it is decided.
    return cr is not None and cr.status in EDITABLE


@rules.predicate
def is_open(user: Any, cr: ChangeRequest | None) -> bool:
    return cr is not None and cr.status in OPEN


@rules.predicate
def entitled_author(user: Any, cr: ChangeRequest | None) -> bool:
    """The author, still active and still entitled to propose this change."""
    if cr is None or not (is_active_user(user) and is_author(user, cr)):
        return False
    proposal = Proposal(cr.target_type.model_class(), _target_of(cr), cr.payload)
    return may_propose(user, proposal)


rules.add_perm("tracker.work_on_changes", is_staff_member)
rules.add_perm("tracker.work_for_organisation", is_editor)
rules.add_perm("tracker.propose_change", may_propose)
# A change request is internal to its organisation and the coordinators who review it; other
# ministries and the public see only the approved result, never the draft.
# Belonging to the organisation is not enough: a member with no role (an account kept for the
# directory, a person whose role was taken away) sees none of its drafts or their evidence.
rules.add_perm(
    "tracker.view_changerequest",
    is_active_user & (is_author | is_coordinator | (is_editor & of_own_organisation)),
)


@rules.predicate
def is_published(user: Any, evidence: Evidence | None) -> bool:
    """A file a reviewer published with the approval of its change request."""
    return (
        evidence is not None
        and evidence.public
        and evidence.change_request.status == ChangeStatus.APPROVED
    )


@rules.predicate
def may_view_its_change_request(user: Any, evidence: Evidence | None) -> bool:
    return evidence is not None and user.has_perm(
        "tracker.view_changerequest", evidence.change_request
    )


# Evidence is as private as its change request unless a reviewer published it when approving.
rules.add_perm("tracker.view_evidence", is_published | may_view_its_change_request)
rules.add_perm("tracker.edit_changerequest", is_editable & entitled_author)
rules.add_perm("tracker.submit_changerequest", entitled_author)
rules.add_perm("tracker.attach_evidence", is_editable & entitled_author)
rules.add_perm("tracker.rebase_changerequest", is_open & entitled_author)
# Withdrawing only takes a proposal back: the author may, even after leaving the organisation.
rules.add_perm("tracker.withdraw_changerequest", is_active_user & is_author)
# Four eyes: the author never decides their own change, whatever their role.
# Two-factor: only in a session verified with a second factor (issue 11).
rules.add_perm(
    "tracker.review_changerequest", is_coordinator & ~is_author & second_factor_satisfied
)
