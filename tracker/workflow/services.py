"""The editorial workflow's writes: the only code that changes change requests and, through an
approved change, live measures, observations and legal acts. Views, the API, the admin, imports
and tasks call these; none of them writes those rows itself.

Every state change writes its ReviewEvent in the same transaction; e-mail is written to the
outbox in that transaction too and handed to a worker only after it commits
(tracker/outbox/services.py), so a rolled-back change notifies nobody and a committed one never
loses its mail.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.rules import Proposal

from . import notify
from .models import (
    ChangeOperation,
    ChangeRequest,
    ChangeStatus,
    Evidence,
    ReviewAction,
    ReviewEvent,
)
from .selectors import reverted_values
from .specs import EditSpec, Values, apply, serialize, spec_for, to_json, validate
from .transitions import Action, next_status

if TYPE_CHECKING:
    from django.db import models

    from tracker.organisations.models import User


class ChangeConflict(Exception):  # noqa: N818 -- a domain outcome, not a programming error
    """The record moved on since the change request was based on it. Nothing was written: the
    author rebases the change onto the live version and it is reviewed again."""

    def __init__(self, cr: ChangeRequest, *, live_version: int, changes: list[dict[str, Any]]):
        self.change_request_id = cr.pk
        self.base_version = cr.base_version
        self.live_version = live_version
        # What changed meanwhile, field by field: {field, label, base, live}.
        self.changes = changes
        super().__init__(
            _(
                "The record was changed after this change request was prepared (version "
                "%(base)s, now %(live)s). Rebase it on the live version and submit it again."
            )
            % {"base": cr.base_version, "live": live_version}
        )


class DraftChanged(Exception):  # noqa: N818 -- a domain outcome, not a programming error
    """The change request was changed (edited, moved, rebased) after the version the editor
    started from. Nothing was written: the editor reloads it and makes their edit again."""

    def __init__(self, cr: ChangeRequest, *, expected: int):
        self.change_request_id = cr.pk
        self.expected_version = expected
        self.version = cr.version
        super().__init__(
            _(
                "Someone changed this change request while you were editing it (you started "
                "from version %(expected)s, it is now at version %(version)s). Nothing was saved: "
                "reload it, check the changes and make your edit again."
            )
            % {"expected": expected, "version": cr.version}
        )


# Helpers ---------------------------------------------------------------------------------------


def _save(cr: ChangeRequest) -> None:
    """Every write of a change request goes through here and raises its version."""
    cr.version += 1
    cr.save()


def _lock(cr_id: int) -> ChangeRequest:
    # Only the change request's own row: content types are shared by every request.
    return (
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("target_type", "author")
        .get(pk=cr_id)
    )


def _spec(cr: ChangeRequest) -> EditSpec:
    return spec_for(cr.target_type.model_class())


def _live(spec: EditSpec, cr: ChangeRequest, *, lock: bool = False) -> models.Model | None:
    if cr.operation == ChangeOperation.CREATE:
        return None
    manager = spec.model._default_manager
    return (manager.select_for_update() if lock else manager).get(pk=cr.target_id)


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def _event(cr: ChangeRequest, action: str, *, by: User, comment: str = "", before: str) -> None:
    ReviewEvent.objects.create(
        change_request=cr,
        action=action,
        from_status=before,
        to_status=cr.status,
        actor=by,
        comment=comment,
    )


def _move(cr: ChangeRequest, action: Action, *, by: User, comment: str = "") -> None:
    """The only place a change request's status is assigned."""
    before = cr.status
    cr.status = next_status(cr.status, action)
    now = timezone.now()
    if action == Action.SUBMIT:
        cr.submitted_at = now
        cr.decided_at, cr.decided_by = None, None
    elif cr.status in (ChangeStatus.APPROVED, ChangeStatus.RETURNED, ChangeStatus.REJECTED):
        cr.decided_at, cr.decided_by = now, by
    _save(cr)
    _event(cr, ReviewAction(action.value), by=by, comment=comment, before=before)


def _changed_fields(spec: EditSpec, old: Values, new: Values) -> list[dict[str, Any]]:
    return [
        {"field": name, "label": spec.label(name), "base": old[name], "live": new.get(name)}
        for name in spec.fields
        if name in old and old[name] != new.get(name)
    ]


def _validate_for_decision(spec: EditSpec, cr: ChangeRequest, live: models.Model | None) -> Any:
    """The same form as any edit, plus the rules that need the change request itself."""
    form, _normalised = validate(spec, instance=live, payload=cr.payload)
    if spec.check_submission:
        merged = {name: to_json(form.cleaned_data.get(name)) for name in spec.fields}
        spec.check_submission(merged, cr)
    return form


def _comment_required(comment: str) -> str:
    if not comment or not comment.strip():
        raise ValidationError(
            {"comment": _("Say what has to change: a comment is required.")}, code="required"
        )
    return comment.strip()


def _check_changes_something(normalised: Values, live_values: Values | None) -> None:
    """An empty proposal, or one that repeats the live values, would be approved as a new version
    with nothing in its history, and would conflict with every other open change on the record."""
    if (isinstance(normalised, dict) and not normalised) or (
        live_values is not None
        and all(live_values.get(name) == value for name, value in normalised.items())
    ):
        raise ValidationError(
            _("Nothing would change: propose at least one value that differs from the live one."),
            code="empty",
        )


def _check_summary(summary: str) -> None:
    limit = ChangeRequest._meta.get_field("summary").max_length
    if len(summary) > limit:
        raise ValidationError(
            {"summary": _("The summary may be at most %(limit)s characters.") % {"limit": limit}}
        )


# Proposing -------------------------------------------------------------------------------------


@transaction.atomic
def change_request_create(
    *,
    by: User,
    payload: Values,
    target: models.Model | None = None,
    target_model: type[models.Model] | None = None,
    summary: str = "",
    explanation: str = "",
) -> ChangeRequest:
    """A draft proposing `payload` for `target` (an update) or a new `target_model` record."""
    if (target is None) == (target_model is None):
        raise TypeError("Give either target (an update) or target_model (a create).")
    model = type(target) if target is not None else target_model
    spec = spec_for(model)
    # Locked briefly so the base version and the base values are one consistent snapshot.
    live = spec.model._default_manager.select_for_update().get(pk=target.pk) if target else None
    proposed = payload if isinstance(payload, dict) else {}
    if not by.has_perm("tracker.propose_change", Proposal(model, live, proposed)):
        raise _deny(_("You may not propose changes to this record."))
    if by.organization_id is None:
        raise _deny(_("Your account belongs to no organisation, so it cannot propose changes."))
    _check_summary(summary)
    base_values = serialize(spec, live) if live is not None else {}
    _check_changes_something(payload, None)  # empty: said before the form lists missing fields
    _form, normalised = validate(spec, instance=live, payload=payload)
    _check_changes_something(normalised, base_values if live is not None else None)
    cr = ChangeRequest.objects.create(
        target_type=ContentType.objects.get_for_model(model),
        target_id=live.pk if live is not None else None,
        operation=ChangeOperation.UPDATE if live is not None else ChangeOperation.CREATE,
        payload=normalised,
        base_version=live.version if live is not None else None,
        base_values=base_values,
        summary=summary,
        explanation=explanation,
        author=by,
        organization_id=by.organization_id,
    )
    _event(cr, ReviewAction.CREATE, by=by, before="")
    return cr


@transaction.atomic
def change_request_update_draft(
    *,
    cr_id: int,
    by: User,
    payload: Values | None = None,
    summary: str | None = None,
    explanation: str | None = None,
    expected_version: int | None = None,
) -> ChangeRequest:
    """Replace a draft's (or returned change's) proposed values, summary or explanation. With
    `expected_version` (the version the editor saw; the page and the API always give it), an edit
    of a change request changed meanwhile raises DraftChanged and writes nothing."""
    cr = _lock(cr_id)
    if not by.has_perm("tracker.edit_changerequest", cr):
        raise _deny(_("Only the author may change a draft or returned change request."))
    if expected_version is not None and expected_version != cr.version:
        raise DraftChanged(cr, expected=expected_version)
    spec = _spec(cr)
    if payload is not None:
        live = _live(spec, cr)
        if not by.has_perm("tracker.propose_change", Proposal(spec.model, live, payload)):
            raise _deny(_("You may not propose changes to this record."))
        # Before validating: the form writes the proposed values onto the instance it checks.
        live_values = serialize(spec, live) if live is not None else None
        _form, cr.payload = validate(spec, instance=live, payload=payload)
        _check_changes_something(cr.payload, live_values)
    if summary is not None:
        _check_summary(summary)
        cr.summary = summary
    if explanation is not None:
        cr.explanation = explanation
    _save(cr)
    _event(cr, ReviewAction.EDIT, by=by, before=cr.status)
    return cr


@transaction.atomic
def change_request_submit(*, cr_id: int, by: User) -> ChangeRequest:
    cr = _lock(cr_id)
    if not by.has_perm("tracker.submit_changerequest", cr):
        raise _deny(_("Only the author may submit a change request."))
    next_status(cr.status, Action.SUBMIT)
    spec = _spec(cr)
    _validate_for_decision(spec, cr, _live(spec, cr))
    _move(cr, Action.SUBMIT, by=by)
    notify.queue_submitted(cr)
    return cr


@transaction.atomic
def change_request_withdraw(*, cr_id: int, by: User, comment: str = "") -> ChangeRequest:
    cr = _lock(cr_id)
    if not by.has_perm("tracker.withdraw_changerequest", cr):
        raise _deny(_("Only the author may withdraw a change request."))
    _move(cr, Action.WITHDRAW, by=by, comment=comment)
    return cr


@transaction.atomic
def change_request_rebase(*, cr_id: int, by: User) -> ChangeRequest:
    """Take the live version and values as the new base, keeping the proposed values: the author
    has seen what changed meanwhile (the diff) and the reviewer will decide on the new base."""
    cr = _lock(cr_id)
    if not by.has_perm("tracker.rebase_changerequest", cr):
        raise _deny(_("Only the author may rebase an open change request."))
    if cr.operation != ChangeOperation.UPDATE:
        raise ValidationError(_("A new record has no live version to rebase on."))
    spec = _spec(cr)
    live = _live(spec, cr, lock=True)
    live_values = serialize(spec, live)
    changed = _changed_fields(spec, cr.base_values, live_values)
    cr.base_version, cr.base_values = live.version, live_values
    _save(cr)
    _event(
        cr,
        ReviewAction.REBASE,
        by=by,
        before=cr.status,
        comment=", ".join(row["field"] for row in changed),
    )
    return cr


def change_request_revert(*, cr_id: int, by: User, summary: str = "") -> ChangeRequest:
    """Propose, as a new change, the values an approved change replaced. Nothing is undone in
    place: the revert is reviewed like any change and leaves its own history."""
    source = ChangeRequest.objects.select_related("target_type").get(pk=cr_id)
    if source.status != ChangeStatus.APPROVED or source.operation != ChangeOperation.UPDATE:
        raise ValidationError(_("Only an approved change to an existing record can be reverted."))
    spec = _spec(source)
    target = spec.model._default_manager.get(pk=source.target_id)
    return change_request_create(
        by=by,
        target=target,
        payload=reverted_values(source),
        summary=summary or str(_("Revert change request No. %(id)s") % {"id": source.pk})[:300],
    )


# Deciding --------------------------------------------------------------------------------------


@transaction.atomic
def change_request_approve(
    *, cr_id: int, by: User, comment: str = "", public_evidence: Iterable[int] = ()
) -> ChangeRequest:
    """Apply the change to the live record, or raise ChangeConflict and write nothing.

    Evidence stays private to the organisation and the coordinators; the files named in
    `public_evidence` (ids of this change request's evidence) are published with the approval."""
    cr = _lock(cr_id)
    if not by.has_perm("tracker.review_changerequest", cr):
        raise _deny(_("You may not decide this change request (nobody approves their own)."))
    next_status(cr.status, Action.APPROVE)
    published = _evidence_to_publish(cr, public_evidence)
    spec = _spec(cr)
    # Lock order is always change request, then record, then (for legal acts) measures.
    live = _live(spec, cr, lock=True)
    old_values: Values = {}
    if live is not None:
        old_values = serialize(spec, live)
        changed = _changed_fields(spec, cr.base_values, old_values)
        # The version catches every workflow edit; comparing values also catches a writer that
        # forgot to bump it.
        if live.version != cr.base_version or changed:
            raise ChangeConflict(cr, live_version=live.version, changes=changed)
    form = _validate_for_decision(spec, cr, live)
    reason = f"CR #{cr.pk} by {cr.author.get_username()}, approved by {by.get_username()}"
    try:
        obj = apply(spec, form=form, cr=cr, reason=reason, user=by)
    except IntegrityError as exc:
        # A concurrent approval created the same record first (e.g. the same observation cell).
        raise ValidationError(
            _("Another change created the same record first; return this one to its author.")
        ) from exc
    if cr.operation == ChangeOperation.CREATE:
        cr.target_id = obj.pk
    if spec.after_apply and old_values:
        spec.after_apply(obj, old_values=old_values, cr=cr, by=by)
    if published:
        Evidence.objects.filter(pk__in=published).update(public=True)
    _move(cr, Action.APPROVE, by=by, comment=comment)
    notify.queue_decided(cr, comment=comment)
    return cr


def _evidence_to_publish(cr: ChangeRequest, ids: Iterable[int]) -> list[int]:
    wanted = set(ids)
    if not wanted:
        return []
    own = set(cr.evidence.filter(pk__in=wanted).values_list("pk", flat=True))
    if own != wanted:
        raise ValidationError(
            {"public_evidence": _("Only files attached to this change request can be published.")},
            code="not_attached",
        )
    return sorted(own)


def _decide_with_comment(*, cr_id: int, by: User, comment: str, action: Action) -> ChangeRequest:
    """Return or reject: the author must learn why, so the comment is required."""
    cr = _lock(cr_id)
    if not by.has_perm("tracker.review_changerequest", cr):
        raise _deny(_("You may not decide this change request (nobody approves their own)."))
    comment = _comment_required(comment)
    _move(cr, action, by=by, comment=comment)
    notify.queue_decided(cr, comment=comment)
    return cr


@transaction.atomic
def change_request_return(*, cr_id: int, by: User, comment: str) -> ChangeRequest:
    return _decide_with_comment(cr_id=cr_id, by=by, comment=comment, action=Action.RETURN)


@transaction.atomic
def change_request_reject(*, cr_id: int, by: User, comment: str) -> ChangeRequest:
    return _decide_with_comment(cr_id=cr_id, by=by, comment=comment, action=Action.REJECT)
