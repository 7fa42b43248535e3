"""Reads the API needs beyond tracker/workflow/selectors.py: which change requests a person may
see, and the workflow's records put in the API's terms (natural keys instead of primary keys)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import QuerySet

from api.keys import KeyEncoder, codec_for
from tracker.models import ChangeRequest, Organization
from tracker.workflow.selectors import (
    available_actions,
    change_request_diff,
    change_request_events,
    change_request_evidence,
    record_history,
)
from tracker.workflow.selectors import change_requests_visible_to as visible_change_requests
from tracker.workflow.specs import editable_models, spec_for

if TYPE_CHECKING:
    from django.db import models

    from tracker.models import User


def change_requests_visible_to(user: User) -> QuerySet[ChangeRequest]:
    """The workflow's list of what `user` may see (tracker/workflow/selectors.py), with each
    target prefetched by natural key, one query per kind of record."""
    return visible_change_requests(user).prefetch_related(
        GenericPrefetch("target", [codec_for(m).queryset() for m in editable_models()])
    )


def change_request_details(cr: ChangeRequest, *, user: User) -> dict[str, Any]:
    """Payload, field-by-field diff, review events, evidence and what `user` may do now."""
    spec = spec_for(cr.target_type.model_class())
    diff = change_request_diff(cr)
    encode = KeyEncoder(
        spec,
        [*cr.payload.items()]
        + [(row["field"], row[side]) for row in diff for side in ("live", "base", "proposed")],
    )
    for row in diff:
        row["label"] = str(row["label"])
        for side in ("live", "base", "proposed"):
            row[side] = encode(row["field"], row[side])
    return {
        "payload": encode.values(cr.payload),
        "diff": diff,
        "events": list(change_request_events(cr)),
        "evidence": list(change_request_evidence(cr)),
        "available_actions": available_actions(user=user, cr=cr),
    }


def _person(user: User | None, organizations: dict[int, str]) -> dict[str, Any] | None:
    if user is None:
        return None
    return {
        "name": user.get_full_name() or user.get_username(),
        "organization": organizations.get(user.organization_id),
    }


def record_history_for_api(target: models.Model) -> list[dict[str, Any]]:
    """selectors.record_history with people as name and organisation, related records by key."""
    entries = record_history(target)
    spec = spec_for(type(target))
    encode = KeyEncoder(
        spec,
        [(c["field"], c[side]) for e in entries for c in e["changes"] for side in ("old", "new")],
    )
    people = [p for e in entries for p in (e["proposed_by"], e["approved_by"]) if p is not None]
    organizations = dict(
        Organization.objects.filter(pk__in={p.organization_id for p in people}).values_list(
            "pk", "code"
        )
    )
    return [
        {
            "change_request": e["change_request"].pk,
            "operation": e["operation"],
            "proposed_by": _person(e["proposed_by"], organizations),
            "approved_by": _person(e["approved_by"], organizations),
            "approved_at": e["approved_at"],
            "reason": e["summary"],
            "explanation": e["explanation"],
            "comments": e["comments"],
            "changes": [
                {
                    "field": c["field"],
                    "label": str(c["label"]),
                    "old": encode(c["field"], c["old"]),
                    "new": encode(c["field"], c["new"]),
                }
                for c in e["changes"]
            ],
        }
        for e in entries
    ]
