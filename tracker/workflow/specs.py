"""What a change request may change on each kind of record, and the one validation every path uses.

Payload format (stored in `ChangeRequest.payload` and `base_values`): a JSON object of field name →
value, in the same shape as `serialize()` produces for a live record —
- dates as ISO strings (`"2019-12-31"`), decimals as plain strings (`"9.1"`, never `"9.1000"`),
- foreign keys as the related row's primary key, many-to-many fields as a sorted list of primary
  keys (`"organizations": [3, 7]`). Primary keys rather than natural keys: every related model has
  one, and the form fields the web UI uses take them as they are.
Every payload is validated and normalised through the record's ModelForm, the same form the web UI
uses, so the services, views, API and admin cannot disagree about what is valid.

Other apps register their editable records here (indicators registers `Observation` in its
AppConfig.ready), so tracker never imports the apps that depend on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import prefetch_related_objects
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.signals import pre_create_historical_record

if TYPE_CHECKING:
    from .models import ChangeRequest

Values = dict[str, Any]


@dataclass(frozen=True)
class EditSpec:
    """The editable surface of one model: its form, the fields only a create may set, how to find
    the organisations responsible for a record, and the hooks a kind of record needs."""

    model: type[models.Model]
    form: type[forms.ModelForm]
    create_only: frozenset[str] = frozenset()
    # Related rows whose __str__ follows a foreign key: fetched with it when shown in a diff.
    display_select_related: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Responsible organisations of a live record (target) or of proposed values (values).
    organization_ids: Callable[..., set[int]] = lambda **_kw: set()
    # Sets what the form does not: a new record's key, a cell key, the explanation.
    before_save: Callable[[models.Model, forms.ModelForm, ChangeRequest], None] | None = None
    # Extra rules on submission and approval that need the change request (e.g. off track).
    check_submission: Callable[[Values, ChangeRequest], None] | None = None
    # What an approved update sets off beyond the record itself (e.g. measures whose legal basis
    # lapsed); called in the approval's transaction with the values it replaced.
    after_apply: Callable[..., None] | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.form._meta.fields)

    def label(self, name: str) -> str:
        return str(self.model._meta.get_field(name).verbose_name)


_REGISTRY: dict[type[models.Model], EditSpec] = {}


def register(spec: EditSpec) -> None:
    _REGISTRY[spec.model] = spec


def spec_for(model: type[models.Model]) -> EditSpec:
    try:
        return _REGISTRY[model]
    except KeyError:
        raise ValueError(f"{model.__name__} is not edited through change requests") from None


def editable_models() -> tuple[type[models.Model], ...]:
    return tuple(_REGISTRY)


# Serialisation ---------------------------------------------------------------------------------


def to_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        # "9.1000" from the database and "9.1" from a form are the same value: compare equal.
        return format(value.normalize(), "f")
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(to_json(v) for v in value)
    return value


def serialize(spec: EditSpec, instance: models.Model) -> Values:
    """The live values of the editable fields, in payload format."""
    values: Values = {}
    if instance.pk is not None:
        # Each link read once (and kept on the instance): the form built over the instance reads
        # the same cache for its initial values instead of querying every relation again.
        cached = getattr(instance, "_prefetched_objects_cache", {})
        missing = [
            name
            for name in spec.fields
            if spec.model._meta.get_field(name).many_to_many and name not in cached
        ]
        if missing:
            prefetch_related_objects([instance], *missing)
    for name in spec.fields:
        model_field = spec.model._meta.get_field(name)
        if model_field.many_to_many:
            related = getattr(instance, name).all() if instance.pk is not None else []
            values[name] = sorted(obj.pk for obj in related)
        elif model_field.is_relation:
            values[name] = getattr(instance, model_field.attname)
        else:
            values[name] = to_json(getattr(instance, name))
    return values


# Validation ------------------------------------------------------------------------------------


def _json_shape_fits(model_field: models.Field, value: Any) -> bool:
    """Does a payload value have the JSON shape its field takes? The form would turn an object
    into its text, or fail on a number given for a date, instead of refusing it."""
    if value is None:
        return True
    if model_field.many_to_many:
        return isinstance(value, list) and all(
            isinstance(v, int | str) and not isinstance(v, bool) for v in value
        )
    if model_field.is_relation:
        return isinstance(value, int | str) and not isinstance(value, bool)
    if isinstance(model_field, models.BooleanField):
        # JSON's true and false only: a form would read any other text ("maybe") as true.
        return isinstance(value, bool)
    if isinstance(model_field, models.IntegerField | models.DecimalField | models.FloatField):
        return isinstance(value, int | float | str) and not isinstance(value, bool)
    if isinstance(model_field, models.JSONField):
        return True
    return isinstance(value, str)


def validate(
    spec: EditSpec, *, instance: models.Model | None, payload: Values
) -> tuple[forms.ModelForm, Values]:
    """Validate proposed values against the live record (or a new one) with the record's form.

    Returns the bound form (its instance carries the merged values, ready to save) and the payload
    normalised to payload format. Raises ValidationError keyed by field name.
    """
    if not isinstance(payload, dict):
        raise ValidationError({NON_FIELD_ERRORS: [_("The proposed values must be an object.")]})
    errors: dict[str, list[ValidationError]] = {}
    for name in payload:
        if name not in spec.fields:
            errors.setdefault(name, []).append(
                ValidationError(
                    _("“%(field)s” cannot be changed through a change request."),
                    code="not_editable",
                    params={"field": name},
                )
            )
    for name, value in payload.items():
        if name in spec.fields and not _json_shape_fits(spec.model._meta.get_field(name), value):
            errors.setdefault(name, []).append(
                ValidationError(_("This value has the wrong type."), code="wrong_type")
            )
    live = serialize(spec, instance) if instance is not None else {}
    if instance is not None:
        for name in spec.create_only & set(payload):
            if payload[name] != live.get(name):
                errors.setdefault(name, []).append(
                    ValidationError(
                        _("“%(field)s” is set when the record is created and cannot change."),
                        code="create_only",
                        params={"field": spec.label(name)},
                    )
                )
    if errors:
        raise ValidationError(errors)
    if instance is None:
        # A new record starts from the model's defaults, as a blank form in the web UI would.
        instance = spec.model()
        live = serialize(spec, instance)
    form = spec.form(data={**live, **payload}, instance=instance)
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    normalised = {name: to_json(form.cleaned_data.get(name)) for name in payload}
    return form, normalised


def require(form: forms.Form, names: Iterable[str]) -> None:
    for name in names:
        form.fields[name].required = True


# Applying --------------------------------------------------------------------------------------


def apply(
    spec: EditSpec,
    *,
    form: forms.ModelForm,
    cr: ChangeRequest,
    reason: str,
    user: models.Model,
) -> models.Model:
    """Save a validated form's instance with its version bumped and exactly one history row.

    simple-history writes a row on every save and on every many-to-many change; the one row must
    carry the final many-to-many values. So the links are written with the library's own switch
    off (`skip_history_when_saving`, which its m2m receiver honours), a new record is inserted
    first with `save_without_historical_record()` (the links need its pk), and the last save
    writes the row, typed a creation for a new record by `_creation_row` below.
    """
    obj = form.save(commit=False)
    created = obj.pk is None
    obj.version = 1 if created else obj.version + 1
    if spec.before_save:
        spec.before_save(obj, form, cr)
    obj._change_reason = reason
    obj._history_user = user
    if created:
        obj.save_without_historical_record()
    obj.skip_history_when_saving = True
    try:
        form.save_m2m()
    finally:
        del obj.skip_history_when_saving
    obj._created_through_review = created
    try:
        obj.save()
    finally:
        del obj._created_through_review
    return obj


@receiver(pre_create_historical_record)
def _creation_row(sender: type, instance: models.Model, history_instance: Any, **kwargs) -> None:
    # The library's hook for shaping a row before it is written: the save that records a new
    # record's row is an UPDATE (the INSERT came first, for the links), so the library would call
    # it a change.
    if getattr(instance, "_created_through_review", False):
        history_instance.history_type = "+"
