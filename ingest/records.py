"""Which rows the loader may still write: the ones it loaded and nobody has changed since.

For every row it writes, the loader records (`LoadedRecord`) a digest of what it wrote: the fields
it manages, the row's version, its many-to-many links, aliases and loaded flags. On the next load a
row whose digest still matches is the fixtures' to update; a row whose digest differs was changed
after loading — in the admin, through the workflow, in a shell — and is kept as it is; a row the
loader never wrote (created by the workflow or by hand) is never touched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from tracker.common.models import Provenance, Versioned
from tracker.models import ChangeRequest, ChangeStatus, DataFlag, DataFlagCode, LegalActAlias

from .models import LoadedRecord

# Flags the workflow writes (an amended or repealed legal basis): never the fixtures' to manage,
# and no part of what the loader wrote.
WORKFLOW_FLAG_CODES = frozenset({DataFlagCode.LEGAL_BASIS_CHANGED.value})


@dataclass(frozen=True)
class Shape:
    """What of one model's rows the loader writes, and so what a row's digest covers."""

    model: type[models.Model]
    fields: tuple[str, ...]
    links: tuple[str, ...] = ()
    aliases: bool = False

    @property
    def label(self) -> str:
        return self.model._meta.model_name

    @property
    def flagged(self) -> bool:
        return issubclass(self.model, Provenance)

    @property
    def versioned(self) -> bool:
        return issubclass(self.model, Versioned)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        # 27828 from a fixture and 27828.0000 from the database are one value.
        return format(value.normalize(), "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def digests(shape: Shape, pks: Iterable[int] | None = None) -> dict[int, str]:
    """The digest of each row's current values (all rows, or those in `pks`), read in bulk."""
    model = shape.model
    rows = model.objects.all() if pks is None else model.objects.filter(pk__in=list(pks))
    columns = [model._meta.get_field(name).attname for name in shape.fields]
    if shape.versioned:
        # Every approval and a lapsed legal basis bump it: a workflow change to a field the
        # loader does not manage (needs_review) still shows.
        columns.append("version")
    state: dict[int, dict[str, Any]] = {
        pk: {"fields": [_plain(v) for v in values]}
        for pk, *values in rows.values_list("pk", *columns)
    }
    for name in shape.links:
        field = model._meta.get_field(name)
        through = field.remote_field.through
        source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        linked: dict[int, list[int]] = defaultdict(list)
        for src, dst in through.objects.filter(**{f"{source}__in": list(state)}).values_list(
            source, target
        ):
            linked[src].append(dst)
        for pk, values in state.items():
            values[name] = sorted(linked[pk])
    if shape.aliases:
        texts: dict[int, list[str]] = defaultdict(list)
        for act_id, text in LegalActAlias.objects.filter(act_id__in=list(state)).values_list(
            "act_id", "text"
        ):
            texts[act_id].append(text)
        for pk, values in state.items():
            values["aliases"] = sorted(texts[pk])
    if shape.flagged:
        flags: dict[int, list[list[str]]] = defaultdict(list)
        ct = ContentType.objects.get_for_model(model)
        loaded_flags = DataFlag.objects.filter(content_type=ct, object_id__in=list(state))
        for obj_id, code, message in loaded_flags.exclude(code__in=WORKFLOW_FLAG_CODES).values_list(
            "object_id", "code", "message"
        ):
            flags[obj_id].append([code, message])
        for pk, values in state.items():
            values["flags"] = sorted(flags[pk])
    return {pk: state_digest(values) for pk, values in state.items()}


def state_digest(values: dict[str, Any]) -> str:
    text = json.dumps(values, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def wanted_state(
    shape: Shape,
    obj: models.Model,
    *,
    values: dict[str, Any],
    links: dict[str, list[models.Model]],
    aliases: Iterable[str],
    flags: Iterable[tuple[str, str]],
) -> dict[str, Any] | None:
    """What `digests` would say of `obj` once the loader had written these values into it, in
    the same form; None where that cannot be told without reading more (a link the row leaves
    alone)."""
    if set(links) != set(shape.links):
        return None
    model = shape.model
    plain = []
    for name in shape.fields:
        field, value = model._meta.get_field(name), values[name]
        if field.is_relation:
            plain.append(value.pk if value is not None else None)
        else:
            plain.append(_plain(field.to_python(value)))
    if shape.versioned:
        plain.append(obj.version)
    state: dict[str, Any] = {"fields": plain}
    for name, targets in links.items():
        state[name] = sorted(t.pk for t in targets)
    if shape.aliases:
        state["aliases"] = sorted(aliases)
    if shape.flagged:
        state["flags"] = sorted([code, message] for code, message in flags)
    return state


class Ledger:
    """The loader's memory of what it wrote, and the verdict for each existing row."""

    def __init__(self) -> None:
        self._recorded: dict[tuple[int, int], str] = {
            (ct_id, obj_id): digest
            for ct_id, obj_id, digest in LoadedRecord.objects.values_list(
                "content_type_id", "object_id", "digest"
            )
        }
        # A database loaded before the loader kept records: its rows are adopted, by the rule that
        # loader used (a row the workflow never touched is the fixtures'), once.
        self._adopting = not self._recorded
        self._approved: set[tuple[int, int]] = set()
        if self._adopting:
            self._approved = set(
                ChangeRequest.objects.filter(
                    status=ChangeStatus.APPROVED, target_id__isnull=False
                ).values_list("target_type_id", "target_id")
            )
        self._writable: set[tuple[int, int]] = set()
        self._adopted: set[tuple[int, int]] = set()
        self._pending: dict[type[models.Model], dict[int, str]] = defaultdict(dict)

    @staticmethod
    def _ident(obj: models.Model) -> tuple[int, int]:
        return ContentType.objects.get_for_model(type(obj)).id, obj.pk

    def survey(self, shape: Shape, objs: Iterable[models.Model]) -> None:
        """Decide, for rows that exist before this load, which ones the loader may write."""
        ct = ContentType.objects.get_for_model(shape.model)
        objs = list(objs)
        recorded = [o for o in objs if (ct.id, o.pk) in self._recorded]
        current = digests(shape, [o.pk for o in recorded]) if recorded else {}
        for obj in objs:
            ident = (ct.id, obj.pk)
            if ident in self._recorded:
                if current.get(obj.pk) == self._recorded[ident]:
                    self._writable.add(ident)
            elif self._adopting and not self._changed_by_workflow(obj, ident):
                self._writable.add(ident)
                self._adopted.add(ident)

    def _changed_by_workflow(self, obj: models.Model, ident: tuple[int, int]) -> bool:
        return (isinstance(obj, Versioned) and obj.version > 1) or ident in self._approved

    def may_write(self, obj: models.Model) -> bool:
        return self._ident(obj) in self._writable

    def unchanged(self, obj: models.Model, wanted: dict[str, Any] | None) -> bool:
        """The loader wrote this row, nobody changed it since, and the fixtures say the same
        again: nothing to validate or compare field by field."""
        ident = self._ident(obj)
        return (
            wanted is not None
            and ident in self._writable
            and self._recorded.get(ident) == state_digest(wanted)
        )

    def loaded(self, obj: models.Model) -> bool:
        """Did the loader write this row (so a refusal to write means someone changed it)? A row
        of an adopted database counts as loaded: the old rule kept it because it was changed."""
        ident = self._ident(obj)
        return ident in self._recorded or (self._adopting and ident not in self._writable)

    def matched(self, obj: models.Model, fixture_key: str) -> None:
        """A fixture record describes this row and the loader left it as it was: an adopted row
        gets its first record."""
        if self._ident(obj) in self._adopted:
            self._pending[type(obj)][obj.pk] = fixture_key

    def wrote(self, obj: models.Model, fixture_key: str) -> None:
        """The loader created or changed this row (or its links, aliases, flags)."""
        ident = self._ident(obj)
        self._writable.add(ident)
        self._pending[type(obj)][obj.pk] = fixture_key

    def pending(self, shape: Shape) -> bool:
        return bool(self._pending.get(shape.model))

    def commit(self, shape: Shape) -> None:
        """Record the digests of the rows written for one model, as the database now has them."""
        pending = self._pending.pop(shape.model, {})
        if not pending:
            return
        ct = ContentType.objects.get_for_model(shape.model)
        fresh = digests(shape, pending)
        existing = {
            r.object_id: r
            for r in LoadedRecord.objects.filter(content_type=ct, object_id__in=list(pending))
        }
        new, changed = [], []
        for pk, digest in fresh.items():
            record = existing.get(pk)
            if record is None:
                new.append(
                    LoadedRecord(
                        content_type=ct, object_id=pk, fixture_key=pending[pk][:300], digest=digest
                    )
                )
            elif record.digest != digest or record.fixture_key != pending[pk][:300]:
                record.digest, record.fixture_key = digest, pending[pk][:300]
                changed.append(record)
            self._recorded[(ct.id, pk)] = digest
        LoadedRecord.objects.bulk_create(new, batch_size=500)
        LoadedRecord.objects.bulk_update(changed, ["digest", "fixture_key"], batch_size=500)
