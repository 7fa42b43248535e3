"""Natural keys at the API's edge: clients name records by their stable keys (a measure's
`m:09:001`, an organisation's `MLSPP`, an article's number `9`), never by database ids.

The change-request payload format (tracker/workflow/specs.py) stores primary keys, because the web
forms take them as they are. This module translates between the two in both directions and nothing
more: every rule about what a valid value is stays in the record's form, which the services apply.

A model is keyed by its unique `key`, `code` or `number` field unless it registers its own codec
(indicators registers dimension values, targets and observations, which have composite keys).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracker.workflow.specs import EditSpec, Values, editable_models


@dataclass(frozen=True)
class KeyCodec:
    """How one model's rows are named in the API: `encode` gives a row's key, `normalize` turns a
    client's key into the same form (ValueError if malformed), `lookup` finds the row by it."""

    model: type[models.Model]
    encode: Callable[[models.Model], Any]
    normalize: Callable[[Any], Any]
    lookup: Callable[[Any], Q]
    select_related: tuple[str, ...] = ()

    def queryset(self) -> models.QuerySet:
        return self.model._default_manager.select_related(*self.select_related)


def field_codec(model: type[models.Model], name: str) -> KeyCodec:
    model_field = model._meta.get_field(name)

    def normalize(value: Any) -> Any:
        if value is None or value == "" or isinstance(value, bool | dict | list):
            raise ValueError(value)
        # PostgreSQL cannot even compare a text with a NUL in it: no key has one.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError(value)
        try:
            return model_field.to_python(value)
        except ValidationError:
            raise ValueError(value) from None

    return KeyCodec(
        model=model,
        encode=attrgetter(model_field.attname),
        normalize=normalize,
        lookup=lambda key: Q(**{name: key}),
    )


_CODECS: dict[type[models.Model], KeyCodec] = {}


def register(codec: KeyCodec) -> None:
    _CODECS[codec.model] = codec


def codec_for(model: type[models.Model]) -> KeyCodec:
    codec = _CODECS.get(model)
    if codec is not None:
        return codec
    for name in ("key", "code", "number"):
        try:
            if model._meta.get_field(name).unique:
                codec = field_codec(model, name)
                break
        except FieldDoesNotExist:
            continue
    else:
        codec = field_codec(model, model._meta.pk.name)
    _CODECS[model] = codec
    return codec


def joined_codecs() -> list[KeyCodec]:
    """Registered codecs whose keys need related rows: prefetch with their querysets."""
    return [codec for codec in _CODECS.values() if codec.select_related]


def natural_key(obj: models.Model | None) -> Any:
    return None if obj is None else codec_for(type(obj)).encode(obj)


def resolve(model: type[models.Model], key: Any) -> models.Model | None:
    """The row `key` names, or None (also for a malformed key)."""
    codec = codec_for(model)
    try:
        normalized = codec.normalize(key)
    except ValueError:
        return None
    return codec.queryset().filter(codec.lookup(normalized)).first()


def pks_for_keys(model: type[models.Model], keys: Iterable[Any]) -> tuple[list[int], list[Any]]:
    """Primary keys for `keys`, in their order, and the keys that name nothing (one query)."""
    codec = codec_for(model)
    wanted: list[tuple[Any, Any]] = []
    unknown: list[Any] = []
    for key in keys:
        try:
            wanted.append((key, codec.normalize(key)))
        except ValueError:
            unknown.append(key)
    found: dict[Any, int] = {}
    if wanted:
        query = Q()
        for _raw, normalized in wanted:
            query |= codec.lookup(normalized)
        found = {codec.encode(obj): obj.pk for obj in codec.queryset().filter(query)}
    pks = []
    for raw, normalized in wanted:
        if normalized in found:
            pks.append(found[normalized])
        else:
            unknown.append(raw)
    return pks, unknown


# Change-request target types -------------------------------------------------------------------


def type_slug(model: type[models.Model]) -> str:
    """`Measure` → `measure`, `LegalAct` → `legal-act`: how clients name a kind of record."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", model.__name__).lower()


def target_types() -> dict[str, type[models.Model]]:
    return {type_slug(model): model for model in editable_models()}


# Payloads --------------------------------------------------------------------------------------


def _relation(spec: EditSpec, name: str) -> models.Field | None:
    if name not in spec.fields:
        return None
    model_field = spec.model._meta.get_field(name)
    return model_field if model_field.is_relation else None


def payload_from_api(spec: EditSpec, payload: Any) -> Any:
    """A client's payload (natural keys) in payload format (primary keys). Only the keys are
    checked here; the record's form validates everything else when the service runs."""
    if not isinstance(payload, dict):
        return payload  # validate() says it must be an object
    out = dict(payload)
    errors: dict[str, ValidationError] = {}
    for name, value in payload.items():
        model_field = _relation(spec, name)
        if model_field is None:
            continue
        if model_field.many_to_many:
            if not isinstance(value, list):
                errors[name] = ValidationError(_("Give a list of keys."), code="not_a_list")
                continue
            keys = value
        elif value is None or value == "":
            out[name] = None
            continue
        else:
            keys = [value]
        pks, unknown = pks_for_keys(model_field.related_model, keys)
        if unknown:
            errors[name] = ValidationError(
                _("No %(model)s has the key %(keys)s."),
                code="unknown_key",
                params={
                    "model": model_field.related_model._meta.verbose_name,
                    "keys": ", ".join(str(k) for k in unknown),
                },
            )
        else:
            out[name] = pks if model_field.many_to_many else pks[0]
    if errors:
        raise ValidationError(errors)
    return out


class KeyEncoder:
    """Turns payload-format values (primary keys) of `spec`'s fields into natural keys. Built over
    every (field, value) pair to be shown, so each related model costs one query in all."""

    def __init__(self, spec: EditSpec, pairs: Iterable[tuple[str, Any]]) -> None:
        self.spec = spec
        wanted: dict[type[models.Model], set[int]] = defaultdict(set)
        for name, value in pairs:
            model_field = _relation(spec, name)
            if model_field is None or value is None:
                continue
            values = value if isinstance(value, list) else [value]
            wanted[model_field.related_model].update(v for v in values if isinstance(v, int))
        self.keys: dict[type[models.Model], dict[int, Any]] = {}
        for model, pks in wanted.items():
            codec = codec_for(model)
            rows = codec.queryset().filter(pk__in=pks) if pks else []
            self.keys[model] = {obj.pk: codec.encode(obj) for obj in rows}

    def __call__(self, name: str, value: Any) -> Any:
        model_field = _relation(self.spec, name)
        if model_field is None or value is None:
            return value
        keys = self.keys.get(model_field.related_model, {})
        if isinstance(value, list):
            return [keys.get(v, v) for v in value]
        return keys.get(value, value)

    def values(self, values: Values) -> Values:
        return {name: self(name, value) for name, value in values.items()}
