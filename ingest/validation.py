"""Every fixture record is validated by the same form as any other edit of its kind.

A record with an edit spec (measures, legal acts, observations, and whatever else registers one in
`tracker.workflow.specs`) goes through the spec's form via `specs.validate`, exactly as a change
request would; any other record through a ModelForm with all its editable fields but relations
(resolved by natural key instead). Fields the form does not cover (keys, provenance) are checked
by the model's field rules.

The report is kept as printed, so a few of its gaps break a rule that editors must follow: those
are listed in AS_PRINTED — a field, the form's error code, the records it may apply to and why —
accepted for loaded records only, and counted in the load's report. Every other error aborts the
load, naming the record and its file.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from tracker.models import Measure
from tracker.workflow import specs

from .merging import FixtureError


@dataclass(frozen=True)
class AsPrinted:
    """A gap in the report that a form rule refuses and the loader accepts, as printed."""

    model: type[models.Model]
    field: str
    code: str
    reason: str
    applies: Callable[[str], bool] = lambda origin: True


AS_PRINTED: tuple[AsPrinted, ...] = (
    # The report often says what was done without saying by whom; guessing a ministry would
    # invent a fact (and give it editing rights). Reviewers edit such a measure until one is set.
    AsPrinted(
        Measure,
        "organizations",
        "required",
        "measure: the report names no responsible organisation",
    ),
    # ¶1–72 (Section I) report general measures that serve no single article of the Convention.
    AsPrinted(
        Measure,
        "articles",
        "required",
        "measure: an introduction (¶1–72) measure names no CRPD article",
        applies=lambda origin: origin.endswith("intro.json"),
    ),
)


def _editable_names(model: type[models.Model]) -> list[str]:
    """Every editable field but the relations: the loader resolves those by natural key against
    rows in the database, a stricter check (it names the missing key) than the form's lookup
    of the same row by primary key, which cost two queries per reference."""
    return [
        f.name
        for f in model._meta.get_fields()
        if f.concrete and f.editable and not f.auto_created and not f.is_relation
    ]


@cache
def _spec(model: type[models.Model]) -> specs.EditSpec:
    try:
        return specs.spec_for(model)
    except ValueError:
        form = forms.modelform_factory(model, fields=_editable_names(model))
        return specs.EditSpec(model=model, form=form)


def _remaining_errors(
    model: type[models.Model], errors: dict[str, list[ValidationError]], origin: str
) -> tuple[dict[str, list[ValidationError]], list[str]]:
    remaining, accepted = {}, []
    for name, items in errors.items():
        kept = []
        for error in items:
            rule = next(
                (
                    r
                    for r in AS_PRINTED
                    if r.model is model
                    and r.field == name
                    and r.code == error.code
                    and r.applies(origin)
                ),
                None,
            )
            if rule is None:
                kept.append(error)
            else:
                accepted.append(rule.reason)
        if kept:
            remaining[name] = kept
    return remaining, accepted


def _defer_to_database(probe: models.Model) -> None:
    """Django checks each check constraint and unique field with a query of its own, three round
    trips apiece inside the load's transaction (it tripled the first load). The database checks
    the same constraints when the row is written, and the loader names the record it refuses
    (`loading._Writer._save`); the forms' own rules all run here."""
    probe.validate_constraints = lambda exclude=None: None
    probe.validate_unique = lambda exclude=None: None


def check_record(
    model: type[models.Model],
    *,
    instance: models.Model | None,
    values: dict[str, Any],
    links: dict[str, list[models.Model]],
    where: str,
    origin: str,
) -> list[str]:
    """Validate a fixture record's values (applied to its row, if it exists) without changing
    anything. Returns the AS_PRINTED reasons it needed; raises FixtureError naming it otherwise."""
    spec = _spec(model)
    proposed = {**values, **links}
    payload = {name: specs.to_json(proposed[name]) for name in spec.fields if name in proposed}
    # The form sets the values on the instance it validates: never on the live row. A new record
    # starts from its own values, so the fields only a create may set agree with the payload.
    probe = copy.copy(instance) if instance is not None else model(**values)
    _defer_to_database(probe)
    errors: dict[str, list[ValidationError]] = {}
    try:
        specs.validate(spec, instance=probe, payload=payload)
    except ValidationError as exc:
        errors = dict(exc.error_dict)
    others = [n for n in values if n not in spec.fields]
    for name in others:
        setattr(probe, name, values[name])
    checked = {
        f.name for f in model._meta.concrete_fields if f.name in others and not f.is_relation
    }
    try:
        probe.clean_fields(exclude=[f.name for f in model._meta.fields if f.name not in checked])
    except ValidationError as exc:
        for name, items in exc.error_dict.items():
            errors.setdefault(name, []).extend(items)
    remaining, accepted = _remaining_errors(model, errors, origin)
    if remaining:
        raise FixtureError(f"{where}: {ValidationError(remaining).message_dict}")
    return accepted
