"""Reads for pages, the API and reports. Public views see live (approved) data only: drafts live
in change requests and are never joined in here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import get_language

from tracker.common.models import localized_with_language
from tracker.rules import Proposal

from .models import (
    ChangeOperation,
    ChangeRequest,
    ChangeStatus,
    Evidence,
    ReviewAction,
    ReviewEvent,
)
from .specs import EditSpec, Values, serialize, spec_for
from .transitions import TRANSITIONS, Action

if TYPE_CHECKING:
    from tracker.organisations.models import User

PENDING_STATUSES = (ChangeStatus.DRAFT, ChangeStatus.SUBMITTED, ChangeStatus.RETURNED)


def record_title(obj: models.Model | None, payload: Values | None = None) -> tuple[str, str]:
    """A record as people name it, with the language of the text: a measure or legal act by its
    title, an indicator by its name, an observation or target by its indicator and period; a
    record still to be created by the title or name proposed for it. ("", "") when unnamed."""
    if obj is None:
        payload = payload or {}
        for field in ("title", "name"):
            for code in _languages():
                if payload.get(f"{field}_{code}"):
                    return str(payload[f"{field}_{code}"]), code
        return "", ""
    for field in ("title", "name"):
        if hasattr(obj, f"{field}_kk"):
            return localized_with_language(obj, field)
    indicator = getattr(obj, "indicator", None)
    if indicator is not None:
        name, code = localized_with_language(indicator, "name")
        when = getattr(obj, "year", None) or getattr(getattr(obj, "period_end", None), "year", "")
        return f"{name} ({when})", code
    return str(obj), ""


def _languages() -> list[str]:
    current = (get_language() or "kk")[:2]
    return [current] + [code for code in ("kk", "ru", "en") if code != current]


def with_record_titles(change_requests: Iterable[ChangeRequest]) -> list[ChangeRequest]:
    """The change requests with `record_title` and `record_lang` set: the record each is about,
    named, fetched with one query per kind of record (never one per row)."""
    crs = list(change_requests)
    wanted: dict[type[models.Model], set[int]] = {}
    for cr in crs:
        if cr.target_id is not None:
            wanted.setdefault(cr.target_type.model_class(), set()).add(cr.target_id)
    found: dict[tuple[type[models.Model], int], models.Model] = {}
    for model, ids in wanted.items():
        queryset = model._default_manager.all()
        if any(f.name == "indicator" for f in model._meta.get_fields()):
            queryset = queryset.select_related("indicator")
        for pk, obj in queryset.in_bulk(ids).items():
            found[(model, pk)] = obj
    for cr in crs:
        target = None
        if cr.target_id is not None:
            target = found.get((cr.target_type.model_class(), cr.target_id))
        payload = cr.payload if target is None else None
        cr.record_title, cr.record_lang = record_title(target, payload)
    return crs


# The editorial workflow ------------------------------------------------------------------------


def _display_lookup(spec: EditSpec, rows: list[dict[str, Any]]) -> dict[str, dict[Any, str]]:
    """For every relation field in the rows, the str() of each referenced row: one query per
    field, whatever the number of values."""
    lookup: dict[str, dict[Any, str]] = {}
    for row in rows:
        model_field = spec.model._meta.get_field(row["field"])
        if not model_field.is_relation:
            continue
        ids: set[Any] = set()
        for key in ("live", "base", "proposed"):
            value = row[key]
            ids.update(value if isinstance(value, list) else [value] if value is not None else [])
        related = model_field.related_model._default_manager.select_related(
            *spec.display_select_related.get(row["field"], ())
        )
        lookup[row["field"]] = {pk: str(obj) for pk, obj in related.in_bulk(ids).items()}
    return lookup


def _display(spec: EditSpec, name: str, value: Any, lookup: dict[str, dict[Any, str]]) -> str:
    if value is None or value == "" or value == []:
        return ""
    model_field = spec.model._meta.get_field(name)
    if name in lookup:
        names = lookup[name]
        values = value if isinstance(value, list) else [value]
        return "; ".join(names.get(v, f"#{v}") for v in values)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def change_request_diff(cr: ChangeRequest) -> list[dict[str, Any]]:
    """Field by field, for the reviewer: each proposed field and each field that changed on the
    live record since the change was based on it.

    Rows: field, label, live, base, proposed (payload format), their `*_display` texts, `changed`
    (the proposal differs from the live value) and `changed_meanwhile` (live differs from base).
    """
    spec = spec_for(cr.target_type.model_class())
    live: Values = {}
    if cr.target_id is not None:
        m2m = [n for n in spec.fields if spec.model._meta.get_field(n).many_to_many]
        target = spec.model._default_manager.prefetch_related(*m2m).filter(pk=cr.target_id).first()
        live = serialize(spec, target) if target is not None else {}
    base = cr.base_values if cr.operation == ChangeOperation.UPDATE else {}
    # "Changed meanwhile" is news only while the change waits: once decided, the live record is
    # expected to differ from the base (an approval applied it).
    pending = cr.status in PENDING_STATUSES
    rows = []
    for name in spec.fields:
        proposed = name in cr.payload
        meanwhile = pending and bool(base) and name in base and base[name] != live.get(name)
        if not (proposed or meanwhile):
            continue
        rows.append(
            {
                "field": name,
                "label": spec.label(name),
                "live": live.get(name),
                "base": base.get(name),
                "proposed": cr.payload.get(name),
                "changed": proposed and cr.payload[name] != live.get(name),
                "changed_meanwhile": meanwhile,
            }
        )
    lookup = _display_lookup(spec, rows)
    for row in rows:
        for key in ("live", "base", "proposed"):
            row[f"{key}_display"] = _display(spec, row["field"], row[key], lookup)
    return rows


def record_history(target: models.Model) -> list[dict[str, Any]]:
    """Every approved change of a record, oldest first: who proposed it, who approved it, when,
    the approval comment, and each field's value before and after. The public sees this history:
    earlier return comments and rebase notes stay internal to the change request."""
    spec = spec_for(type(target))
    approved = (
        ChangeRequest.objects.filter(
            target_type=ContentType.objects.get_for_model(target),
            target_id=target.pk,
            status=ChangeStatus.APPROVED,
        )
        .select_related("author", "decided_by")
        .prefetch_related(Prefetch("events", queryset=ReviewEvent.objects.order_by("pk")))
        .order_by("decided_at", "pk")
    )
    entries = []
    for cr in approved:
        entries.append(
            {
                "change_request": cr,
                "operation": cr.operation,
                "proposed_by": cr.author,
                "approved_by": cr.decided_by,
                "approved_at": cr.decided_at,
                "summary": cr.summary,
                "explanation": cr.explanation,
                "comments": [
                    {"action": e.action, "comment": e.comment, "at": e.created_at}
                    for e in cr.events.all()
                    if e.comment and e.action == ReviewAction.APPROVE
                ],
                "changes": [
                    {
                        "field": name,
                        "label": spec.label(name),
                        "old": cr.base_values.get(name),
                        "new": value,
                    }
                    for name, value in cr.payload.items()
                    if cr.base_values.get(name) != value
                ],
            }
        )
    return entries


def evidence_for_record(target: models.Model) -> QuerySet[Evidence]:
    """The files behind a record: the evidence of its approved change requests. Not a public
    list: a file is public only if the approving reviewer published it (`Evidence.public`); ask
    `user.has_perm("tracker.view_evidence", evidence)` before showing or serving one."""
    return (
        Evidence.objects.filter(
            change_request__target_type=ContentType.objects.get_for_model(target),
            change_request__target_id=target.pk,
            change_request__status=ChangeStatus.APPROVED,
        )
        .select_related("change_request", "uploaded_by")
        .order_by("uploaded_at", "pk")
    )


def open_change_requests(*, organization_id: int | None, statuses: list[str]) -> QuerySet:
    return (
        ChangeRequest.objects.filter(organization_id=organization_id, status__in=statuses)
        .select_related("author", "target_type", "organization")
        .order_by("-updated_at")
    )


def review_queue() -> QuerySet:
    """Submitted change requests, the longest-waiting first."""
    return (
        ChangeRequest.objects.filter(status=ChangeStatus.SUBMITTED)
        .select_related("author", "target_type", "organization")
        .order_by("submitted_at", "pk")
    )


def decisions_by(*, user_id: int, limit: int = 20) -> list[ChangeRequest]:
    return list(
        ChangeRequest.objects.filter(decided_by_id=user_id)
        .select_related("author", "target_type", "organization")
        .order_by("-decided_at")[:limit]
    )


def record_history_display(target: models.Model) -> list[dict[str, Any]]:
    """record_history() with every old and new value as display text (names, not ids)."""
    spec = spec_for(type(target))
    entries = record_history(target)
    # One row per field: _display_lookup fetches each field's related rows in one query.
    values: dict[str, list[Any]] = {}
    for entry in entries:
        for change in entry["changes"]:
            for value in (change["old"], change["new"]):
                bucket = values.setdefault(change["field"], [])
                bucket.extend(value if isinstance(value, list) else [value])
    rows = [
        {"field": name, "live": None, "base": None, "proposed": [v for v in vals if v is not None]}
        for name, vals in values.items()
    ]
    lookup = _display_lookup(spec, rows)
    for entry in entries:
        for change in entry["changes"]:
            change["old_display"] = _display(spec, change["field"], change["old"], lookup)
            change["new_display"] = _display(spec, change["field"], change["new"], lookup)
    return entries


def change_requests_for_page() -> QuerySet[ChangeRequest]:
    """Change requests with the people and kind of record their page names; a view picks one
    with get_object_or_404 and checks who may see it."""
    return ChangeRequest.objects.select_related(
        "target_type", "author", "organization", "decided_by"
    )


def change_requests_visible_to(user: User) -> QuerySet[ChangeRequest]:
    """Drafts are their organisation's business; coordinators also see the submitted queue and
    what they decided. The public never sees change requests. Newest first, with the people,
    organisation and kind of record every list names (the API and the exports)."""
    if not user.is_authenticated or not user.is_active:
        return ChangeRequest.objects.none()
    visible = Q(author=user)
    # A member of the organisation with no role sees none of its change requests (the rule,
    # tracker.view_changerequest, asks for a role too): work_on_changes is having one.
    if user.organization_id is not None and user.has_perm("tracker.work_on_changes"):
        visible |= Q(organization_id=user.organization_id)
    # Asked without an object, the review permission says whether this person reviews at all.
    if user.has_perm("tracker.review_changerequest"):
        visible |= Q(status=ChangeStatus.SUBMITTED) | Q(decided_by=user)
    return (
        ChangeRequest.objects.filter(visible)
        .select_related("target_type", "author", "organization", "decided_by")
        .order_by("-updated_at", "-pk")
    )


def change_request_target(cr: ChangeRequest) -> models.Model | None:
    """The live record a change request proposes to change (None for a new record)."""
    if cr.target_id is None:
        return None
    return cr.target_type.model_class()._default_manager.get(pk=cr.target_id)


def change_request_events(cr: ChangeRequest) -> QuerySet[ReviewEvent]:
    """The change request's timeline, oldest first, with who acted."""
    return cr.events.select_related("actor").order_by("created_at", "pk")


def change_request_evidence(cr: ChangeRequest) -> QuerySet[Evidence]:
    return cr.evidence.select_related("uploaded_by").order_by("uploaded_at", "pk")


def evidence_with_change_request() -> QuerySet[Evidence]:
    """Evidence files with the change request that decides who may download them."""
    return Evidence.objects.select_related("change_request")


# What a person may do -------------------------------------------------------------------------

# Every action a change request can offer, in the order the page shows them. The moves of the
# transition table keep their names (Action); the others leave the status as it is or, for
# revert, make a new change request.
AVAILABLE_ACTIONS: tuple[str, ...] = (
    "edit",
    "attach_evidence",
    Action.SUBMIT.value,
    "rebase",
    Action.APPROVE.value,
    Action.RETURN.value,
    Action.REJECT.value,
    "revert",
    Action.WITHDRAW.value,
)

# The permission (tracker/rules.py) each move of the transition table needs.
_MOVE_PERMISSION: dict[Action, str] = {
    Action.SUBMIT: "tracker.submit_changerequest",
    Action.WITHDRAW: "tracker.withdraw_changerequest",
    Action.APPROVE: "tracker.review_changerequest",
    Action.RETURN: "tracker.review_changerequest",
    Action.REJECT: "tracker.review_changerequest",
}


def reverted_values(cr: ChangeRequest) -> Values:
    """The values an approved update replaced. At approval the live values equalled base_values
    (else it would have conflicted), so these are exactly what the change overwrote."""
    return {name: cr.base_values[name] for name in cr.payload if name in cr.base_values}


def _may_revert(user: User, cr: ChangeRequest) -> bool:
    if cr.status != ChangeStatus.APPROVED or cr.operation != ChangeOperation.UPDATE:
        return False
    # The generic relation caches the record (the API prefetches it).
    target = cr.target
    return target is not None and user.has_perm(
        "tracker.propose_change", Proposal(type(target), target, reverted_values(cr))
    )


def available_actions(*, user: User, cr: ChangeRequest) -> list[str]:
    """What `user` may do to `cr` now, in AVAILABLE_ACTIONS order: the moves the transition table
    allows from its status that the rules grant, plus editing, attaching evidence, rebasing (an
    update only: a new record has no live version) and reverting (an approved update). The
    change-request page shows exactly these buttons; the API lists them."""
    granted = {
        action.value: user.has_perm(permission, cr)
        for action, permission in _MOVE_PERMISSION.items()
        if (cr.status, action) in TRANSITIONS
    }
    granted["edit"] = user.has_perm("tracker.edit_changerequest", cr)
    granted["attach_evidence"] = user.has_perm("tracker.attach_evidence", cr)
    granted["rebase"] = cr.operation == ChangeOperation.UPDATE and user.has_perm(
        "tracker.rebase_changerequest", cr
    )
    granted["revert"] = _may_revert(user, cr)
    return [action for action in AVAILABLE_ACTIONS if granted.get(action)]
