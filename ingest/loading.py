"""Loads the CRPD data shipped in fixtures/ (see fixtures/SCHEMA.md) into the database.

Idempotent by natural keys: a row is written only when its values differ from what is stored, so a
second run writes nothing and adds no history rows. All or nothing: one transaction. Every record
is validated by the form any other edit of its kind goes through (`ingest.validation`); a bad value
or a reference to a record that does not exist fails loudly, naming the record and the file.

The loader writes only rows it loaded itself and nobody has changed since (`ingest.records`): a
row changed afterwards — in the admin, through the workflow, in a shell — keeps its values, links,
aliases and flags and is reported as kept; a row the fixtures never created is never touched.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from indicators.models import Indicator, Observation, Target
from tracker.models import Citation, DataFlag, LegalAct, LegalActAlias, Measure

from .entities import ENTITIES, Context, Entity, Row
from .merging import FixtureError
from .models import FixtureLoad, LoadedRecord
from .reading import Bundle, fixtures_fingerprint, parse_date, read_bundle
from .records import WORKFLOW_FLAG_CODES, Ledger, wanted_state
from .validation import check_record

__all__ = ["FixtureError", "LoadResult", "load_bundle", "load_crpd", "parse_date", "read_bundle"]

# The records change requests edit, in the order the workflow locks them (a legal act before the
# measures citing it), so the loader's table locks never wait on an approval in a cycle. The
# loader's other tables follow: the admin's edits to them wait for the load too.
WORKFLOW_MODELS: tuple[type[models.Model], ...] = (
    LegalAct,
    Citation,
    Measure,
    Indicator,
    Target,
    Observation,
)
SOURCE = "crpd"


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    deleted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # Rows changed after loading: left as they are (not counted as changes).
    kept: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # Rows the fixtures describe that the loader never wrote (the workflow or a person created
    # them): never touched.
    not_loaded: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # Records the forms refuse only for a gap the report has (ingest.validation.AS_PRINTED).
    as_printed: Counter = field(default_factory=Counter)
    # Rows exactly as this loader last wrote them, fixtures unchanged: validated when written,
    # neither validated nor compared field by field again.
    as_loaded: int = 0
    fingerprint: str = ""
    # `--if-changed` found these fixtures already loaded and did nothing.
    skipped: bool = False

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.deleted.values())


def _lock_tables() -> None:
    """Hold off every other write to the loaded tables while loading. Without it an approval or an
    admin's save committing after the loader read a row would be overwritten by the loader's stale
    copy; with it they wait, then an approval finds the values changed and conflicts instead of
    losing data. EXCLUSIVE still lets everyone read. The fingerprint row serialises two loads."""
    if connection.vendor != "postgresql":
        return
    ordered = list(WORKFLOW_MODELS)
    ordered += [e.shape.model for e in ENTITIES if e.shape.model not in ordered]
    ordered += [LoadedRecord, FixtureLoad]
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in ordered)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")


def _differs(obj: models.Model, name: str, value: Any) -> bool:
    model_field = obj._meta.get_field(name)
    if model_field.is_relation:
        # By id: reading the related row to compare it would cost a query per reference.
        return getattr(obj, model_field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


class _NeedsWrite(Exception):  # noqa: N818 - a signal, not an error
    """The compare-only pass met a row it would write: load again, under the lock."""


class _Writer:
    def __init__(self, *, compare_only: bool = False) -> None:
        # Compare-only: read and compare without any lock, and stop at the first write.
        self.compare_only = compare_only
        self.result = LoadResult()
        self.ledger = Ledger()
        self.ctx = Context()
        self._flags: dict[tuple[int, int], set[tuple[str, str]]] = defaultdict(set)
        for ct_id, obj_id, code, message in DataFlag.objects.exclude(
            code__in=WORKFLOW_FLAG_CODES
        ).values_list("content_type_id", "object_id", "code", "message"):
            self._flags[(ct_id, obj_id)].add((code, message))
        self._aliases: dict[int, set[str]] = defaultdict(set)
        for act_id, text in LegalActAlias.objects.values_list("act_id", "text"):
            self._aliases[act_id].add(text)

    def load(self, entity: Entity, bundle: Bundle) -> None:
        index = entity.existing()
        self.ctx.index[entity.shape.model] = index
        self.ledger.survey(entity.shape, index.values())
        for row in entity.rows(bundle, self.ctx):
            self.put(entity, index, row)
        if self.compare_only and self.ledger.pending(entity.shape):
            raise _NeedsWrite  # rows of a database loaded before the ledger: records to write
        self.ledger.commit(entity.shape)

    def put(self, entity: Entity, index: dict[Any, models.Model], row: Row) -> None:
        shape = entity.shape
        if set(row.values) != set(shape.fields):
            # The digest covers shape.fields: a field written but not declared would go unseen.
            raise RuntimeError(
                f"{shape.label}: declared {sorted(shape.fields)}, written {sorted(row.values)}"
            )
        wanted_flags = self._wanted_flags(row)
        obj = index.get(row.key)
        if obj is not None and self._as_loaded(entity, obj, row, wanted_flags):
            self.ledger.matched(obj, row.fixture_key)
            self.result.unchanged[shape.label] += 1
            self.result.as_loaded += 1
            return
        accepted = check_record(
            shape.model,
            instance=obj,
            values=row.values,
            links=row.links,
            where=row.where,
            origin=row.origin,
        )
        self.result.as_printed.update(accepted)
        if self.compare_only and (obj is None or self.ledger.may_write(obj)):
            raise _NeedsWrite
        if obj is None:
            index[row.key] = self._create(shape.model, row, wanted_flags)
            self.result.created[shape.label] += 1
            return
        if not self.ledger.may_write(obj):
            counts = self.result.kept if self.ledger.loaded(obj) else self.result.not_loaded
            counts[shape.label] += 1
            return
        if self._update(obj, row, wanted_flags):
            self.ledger.wrote(obj, row.fixture_key)
        else:
            self.ledger.matched(obj, row.fixture_key)
            self.result.unchanged[shape.label] += 1

    def _as_loaded(self, entity: Entity, obj: models.Model, row: Row, flags: set) -> bool:
        """Is the row exactly as this loader last wrote it, with the fixtures unchanged? Such a
        record was validated when it was written: it is neither validated nor compared again."""
        aliases = row.aliases if row.aliases is not None else self._aliases[obj.pk]
        wanted = wanted_state(
            entity.shape, obj, values=row.values, links=row.links, aliases=aliases, flags=flags
        )
        return self.ledger.unchanged(obj, wanted)

    def _create(self, model: type[models.Model], row: Row, flags: set) -> models.Model:
        obj = model(**row.values)
        self._save(obj, row)
        # A record created by this load: its links are part of its creation, so they get no
        # history row of their own (one per record and link kind made the first load twice as
        # slow); the record's creation row and the fixtures are its provenance.
        obj.skip_history_when_saving = True
        try:
            for name, targets in row.links.items():
                if targets:
                    getattr(obj, name).add(*{t.pk for t in targets})
        finally:
            del obj.skip_history_when_saving
        self._set_aliases(obj, row)
        self._set_flags(obj, flags)
        self.ledger.wrote(obj, row.fixture_key)
        return obj

    def _update(self, obj: models.Model, row: Row, flags: set) -> bool:
        label = obj._meta.model_name
        changed = [name for name, value in row.values.items() if _differs(obj, name, value)]
        for name in changed:
            setattr(obj, name, row.values[name])
        if changed:
            self._save(obj, row)
            self.result.updated[label] += 1
        links = False
        for name, targets in row.links.items():
            manager = getattr(obj, name)
            wanted = {t.pk for t in targets}
            if wanted != {linked.pk for linked in manager.all()}:
                manager.set(wanted)
                self.result.updated[f"{label}.{name}"] += 1
                links = True
        aliases = self._set_aliases(obj, row)
        return bool(changed or links or aliases or self._set_flags(obj, flags))

    @staticmethod
    def _save(obj: models.Model, row: Row) -> None:
        try:
            obj.save()
        except IntegrityError as exc:
            # A constraint the forms leave to the database (ingest.validation): the transaction
            # is lost either way, so no savepoint, only the record's name.
            raise FixtureError(f"{row.where}: {exc}".strip()) from exc

    def _set_aliases(self, obj: models.Model, row: Row) -> bool:
        if row.aliases is None:
            return False
        current = self._aliases[obj.pk]
        added = [text for text in row.aliases if text not in current]
        stale = current - set(row.aliases)
        LegalActAlias.objects.bulk_create([LegalActAlias(act=obj, text=t) for t in added])
        if stale:
            LegalActAlias.objects.filter(act=obj, text__in=stale).delete()
        self._aliases[obj.pk] = set(row.aliases)
        self.result.created["legalactalias"] += len(added)
        self.result.deleted["legalactalias"] += len(stale)
        return bool(added or stale)

    @staticmethod
    def _wanted_flags(row: Row) -> set[tuple[str, str]]:
        wanted = set()
        for flag in row.flags or []:
            if not flag.get("code") or not flag.get("message"):
                raise FixtureError(f"{row.where}: a flag needs code and message: {flag!r}")
            if flag["code"] in WORKFLOW_FLAG_CODES:
                raise FixtureError(f"{row.where}: flag {flag['code']!r} is written by the workflow")
            wanted.add((flag["code"], flag["message"]))
        return wanted

    def _set_flags(self, obj: models.Model, wanted: set[tuple[str, str]]) -> bool:
        if not hasattr(obj, "flags"):
            return False
        ct = ContentType.objects.get_for_model(type(obj))
        current = self._flags[(ct.id, obj.pk)]
        if wanted == current:
            return False
        for code, message in sorted(current - wanted):
            DataFlag.objects.filter(
                content_type=ct, object_id=obj.pk, code=code, message=message
            ).delete()
        # Flags that stay are not recreated: a flag marked resolved stays resolved.
        for code, message in sorted(wanted - current):
            flag = DataFlag(content_type=ct, object_id=obj.pk, code=code, message=message)
            flag.full_clean(exclude=["content_type", "object_id"])
            flag.save()
        self._flags[(ct.id, obj.pk)] = wanted
        self.result.updated["flags"] += 1
        return True


def _run(bundle: Bundle, *, compare_only: bool) -> LoadResult:
    writer = _Writer(compare_only=compare_only)
    for entity in ENTITIES:
        writer.load(entity, bundle)
    return writer.result


@transaction.atomic
def load_bundle(bundle: Bundle) -> LoadResult:
    """First compare without a lock (a reload that changes nothing holds none and writes
    nothing); at the first row to write, lock the tables and load again from a fresh read, so
    nothing read before the lock is ever written back."""
    try:
        return _run(bundle, compare_only=True)
    except _NeedsWrite:
        pass
    _lock_tables()
    return _run(bundle, compare_only=False)


def _record_fingerprint(fingerprint: str) -> None:
    # Written only when it differs: loading the same files again writes nothing at all.
    current = loaded_fingerprint()
    if current == fingerprint:
        return
    if current is None:
        FixtureLoad.objects.create(source=SOURCE, fingerprint=fingerprint)
    else:
        FixtureLoad.objects.filter(source=SOURCE).update(
            fingerprint=fingerprint, loaded_at=timezone.now()
        )


def loaded_fingerprint() -> str | None:
    """The fingerprint of the fixture files of the last successful load, if any."""
    return FixtureLoad.objects.filter(source=SOURCE).values_list("fingerprint", flat=True).first()


@transaction.atomic
def load_crpd(root: Path, *, if_changed: bool = False) -> LoadResult:
    """Load the fixtures under `root`. With `if_changed`, only into a database that has never
    loaded these very files (an empty one, or one loaded from other fixtures)."""
    fingerprint = fixtures_fingerprint(root)
    if if_changed and loaded_fingerprint() == fingerprint:
        return LoadResult(fingerprint=fingerprint, skipped=True)
    result = load_bundle(read_bundle(root))
    result.fingerprint = fingerprint
    _record_fingerprint(fingerprint)
    return result
