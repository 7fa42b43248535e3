"""Loads the CRPD data shipped in fixtures/ (see fixtures/SCHEMA.md) into the database.

Idempotent by natural keys: a record is written only when its values differ from what is stored,
so a second run writes nothing and adds no history rows. All or nothing: one transaction. A
reference to a record that does not exist fails loudly, naming the record and the file.

A record the editorial workflow has changed (see `_Writer.is_kept`) is the ministry's data, not
the fixtures': the loader creates what the fixtures describe and does not exist yet, but never
overwrites such a record, its many-to-many links, aliases or flags. It reports them as "kept".
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction

from indicators.models import (
    Dimension,
    DimensionValue,
    Indicator,
    Observation,
    Programme,
    Target,
    dims_key_for,
)
from tracker.common.models import Versioned
from tracker.models import (
    Article,
    ChangeRequest,
    ChangeStatus,
    Citation,
    DataFlag,
    DataFlagCode,
    LegalAct,
    LegalActAlias,
    Measure,
    Organization,
    ReportParagraph,
    TechnicalAid,
)

# The records change requests edit, in the order the workflow locks them (a legal act before the
# measures citing it), so the loader's table locks never wait on an approval in a cycle.
WORKFLOW_MODELS: tuple[type[models.Model], ...] = (
    LegalAct,
    Citation,
    Measure,
    Indicator,
    Target,
    Observation,
)
# Flags the workflow writes (an amended or repealed legal basis): never the fixtures' to manage.
WORKFLOW_FLAG_CODES = frozenset({DataFlagCode.LEGAL_BASIS_CHANGED.value})


class FixtureError(Exception):
    """The fixtures are inconsistent: a missing reference, a conflicting duplicate, a bad value."""


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    deleted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # Records changed through the workflow, left as they are (not counted as changes).
    kept: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.deleted.values())


def parse_date(value: str | None, *, where: str) -> tuple[dt.date | None, str]:
    """'2016' → (2016-01-01, 'year'); '2016-03' → (2016-03-01, 'month'); full ISO → 'day'."""
    if not value:
        return None, "day"
    parts = str(value).split("-")
    try:
        if len(parts) == 1:
            return dt.date(int(parts[0]), 1, 1), "year"
        if len(parts) == 2:
            return dt.date(int(parts[0]), int(parts[1]), 1), "month"
        return dt.date.fromisoformat(str(value)), "day"
    except ValueError as exc:
        raise FixtureError(f"{where}: bad date {value!r}") from exc


def _decimal(value: Any, *, where: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).replace(",", ".").replace(" ", ""))
    except ArithmeticError as exc:
        raise FixtureError(f"{where}: bad number {value!r}") from exc


# ---------------------------------------------------------------------------------------------
# Reading and merging the files


@dataclass
class Bundle:
    """Everything the fixture files say, merged by natural key, with the file each record came
    from (for error messages)."""

    articles: list[dict] = field(default_factory=list)
    paragraphs: list[dict] = field(default_factory=list)
    dimensions: dict[str, dict] = field(default_factory=dict)
    organizations: dict[str, dict] = field(default_factory=dict)
    legal_acts: dict[str, dict] = field(default_factory=dict)
    citations: dict[str, dict] = field(default_factory=dict)
    measures: dict[str, dict] = field(default_factory=dict)
    programmes: dict[str, dict] = field(default_factory=dict)
    indicators: dict[str, dict] = field(default_factory=dict)
    targets: list[dict] = field(default_factory=list)
    observations: list[dict] = field(default_factory=list)
    totals: list[dict] = field(default_factory=list)
    technical_aids: list[dict] = field(default_factory=list)


_MERGE_UNION = {"aliases", "source_paragraphs", "articles", "organizations", "flags", "dimensions"}


def _merge(
    store: dict[str, dict],
    record: dict,
    *,
    key_field: str,
    origin: str,
    kind: str,
    strict: bool = True,
) -> None:
    key = record.get(key_field)
    if not key:
        raise FixtureError(f"{origin}: a {kind} record has no {key_field}: {record!r:.200}")
    record = {**record, "_origin": origin}
    existing = store.get(key)
    if existing is None:
        store[key] = record
        return
    # The same act or body described by two curators: lists are united, an empty scalar is
    # filled in, and two different non-empty scalars are a real conflict that must be resolved
    # in the files, not guessed here.
    for name, value in record.items():
        if name == "_origin" or value in (None, "", []):
            continue
        current = existing.get(name)
        if name == "values" and isinstance(value, list):
            # Dimension values: united by code; the first description of a code stands.
            known = {v["code"] for v in existing.get("values", [])}
            existing["values"] = existing.get("values", []) + [
                v for v in value if v["code"] not in known
            ]
        elif name in _MERGE_UNION and isinstance(value, list):
            merged = list(current or [])
            for item in value:
                if item not in merged:
                    merged.append(item)
            existing[name] = merged
        elif current in (None, "", []):
            existing[name] = value
        elif current != value and strict and name not in {"curation"}:
            raise FixtureError(
                f"{kind} {key}: field {name!r} is {current!r} in {existing['_origin']} "
                f"but {value!r} in {origin}"
            )


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FixtureError(f"{path}: invalid JSON: {exc}") from exc


def read_bundle(root: Path) -> Bundle:
    bundle = Bundle()

    def rel(path: Path) -> str:
        return str(path.relative_to(root))

    def take_common(data: dict, origin: str) -> None:
        for dim in data.get("dimensions", []):
            # A dimension's label is presentation: the first file's wording stands.
            _merge(
                bundle.dimensions,
                dim,
                key_field="code",
                origin=origin,
                kind="dimension",
                strict=False,
            )
        for org in data.get("organizations", []):
            _merge(bundle.organizations, org, key_field="code", origin=origin, kind="organisation")
        for act in data.get("legal_acts", []):
            _merge(bundle.legal_acts, act, key_field="key", origin=origin, kind="legal act")
        for cit in data.get("citations", []):
            if cit.get("key") in bundle.citations:
                raise FixtureError(f"citation {cit['key']} is defined twice ({origin})")
            bundle.citations[cit["key"]] = {**cit, "_origin": origin}
        for measure in data.get("measures", []):
            if measure.get("key") in bundle.measures:
                raise FixtureError(f"measure {measure['key']} is defined twice ({origin})")
            bundle.measures[measure["key"]] = {**measure, "_origin": origin}
        for prog in data.get("programmes", []):
            _merge(bundle.programmes, prog, key_field="key", origin=origin, kind="programme")
        for ind in data.get("indicators", []):
            _merge(bundle.indicators, ind, key_field="key", origin=origin, kind="indicator")
        bundle.targets += [{**t, "_origin": origin} for t in data.get("targets", [])]
        bundle.observations += [{**o, "_origin": origin} for o in data.get("observations", [])]
        bundle.totals += [{**t, "_origin": origin} for t in data.get("totals", [])]

    articles = root / "articles.json"
    if not articles.exists():
        raise FixtureError(f"{articles} is missing")
    bundle.articles = _load_json(articles)
    paragraphs = root / "paragraphs.json"
    if paragraphs.exists():
        bundle.paragraphs = _load_json(paragraphs)
    for name, kind in (
        ("dimensions.json", "dimensions"),
        ("organizations.json", "organizations"),
        ("legal_acts.json", "legal_acts"),
    ):
        path = root / name
        if path.exists():
            take_common({kind: _load_json(path)}, rel(path))
    for path in sorted((root / "indicators").glob("*.json")):
        take_common(_load_json(path), rel(path))
    for path in sorted((root / "sections").glob("*.json")):
        take_common(_load_json(path), rel(path))
    aids = root / "reference" / "technical_aids.json"
    if aids.exists():
        bundle.technical_aids = _load_json(aids)
    return bundle


# ---------------------------------------------------------------------------------------------
# Writing


def _lock_workflow_tables() -> None:
    """Hold off approvals while loading. Without it an approval committing after the loader read
    a record (or the approved change requests) would be overwritten by the loader's stale copy;
    with it an approval waits, then finds the values changed and conflicts instead of losing
    data. EXCLUSIVE still lets everyone read."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in WORKFLOW_MODELS)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")


class _Writer:
    def __init__(self) -> None:
        self.result = LoadResult()
        self._flag_cache: dict[tuple[int, int], set[tuple[str, str]]] = defaultdict(set)
        for ct_id, obj_id, code, message in DataFlag.objects.exclude(
            code__in=WORKFLOW_FLAG_CODES
        ).values_list("content_type_id", "object_id", "code", "message"):
            self._flag_cache[(ct_id, obj_id)].add((code, message))
        # An approved update names its record; an approved create names the record it made.
        self._approved_targets: set[tuple[int, int]] = set(
            ChangeRequest.objects.filter(
                status=ChangeStatus.APPROVED, target_id__isnull=False
            ).values_list("target_type_id", "target_id")
        )
        self._created: set[tuple[int, int]] = set()

    def is_kept(self, obj: models.Model) -> bool:
        """Changed through the workflow: the version moved on (every approval and a lapsed legal
        basis bump it), or an approved change request updated or created it (caught even if a
        writer forgot to bump the version)."""
        if not isinstance(obj, Versioned) or obj.pk is None:
            return False
        if obj.version > 1:
            return True
        ct = ContentType.objects.get_for_model(type(obj))
        return (ct.id, obj.pk) in self._approved_targets

    def created_now(self, obj: models.Model) -> bool:
        return (ContentType.objects.get_for_model(type(obj)).id, obj.pk) in self._created

    def upsert(
        self,
        model: type[models.Model],
        existing: dict,
        key: Any,
        values: dict,
        *,
        where: str | None = None,
    ) -> models.Model:
        label = model._meta.model_name
        ident = where or f"{label} {key!r}"
        obj = existing.get(key)
        if obj is None:
            obj = model(**values)
            self._check(obj, ident)
            obj.save()
            existing[key] = obj
            self._created.add((ContentType.objects.get_for_model(model).id, obj.pk))
            self.result.created[label] += 1
            return obj
        if self.is_kept(obj):
            # Still checked, so whether the fixtures are valid does not depend on the database.
            self._check(model(**values), ident)
            self.result.kept[label] += 1
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for field_name in changed:
                setattr(obj, field_name, values[field_name])
            self._check(obj, ident)
            obj.save()
            self.result.updated[label] += 1
        else:
            self.result.unchanged[label] += 1
        return obj

    @staticmethod
    def _check(obj: models.Model, name: str) -> None:
        # Field rules (lengths, choices) checked here give an error naming the record; the
        # database would only say "value too long" somewhere in the transaction.
        relations = [f.name for f in obj._meta.fields if f.is_relation]
        try:
            obj.clean_fields(exclude=relations)
        except ValidationError as exc:
            raise FixtureError(f"{name}: {exc.message_dict}") from exc

    def set_m2m(self, obj: models.Model, name: str, targets: Iterable[models.Model]) -> None:
        if self.is_kept(obj):
            return
        manager = getattr(obj, name)
        wanted = {t.pk for t in targets}
        if self.created_now(obj):
            # A record created by this load: its links are part of its creation, so they get no
            # history row of their own (one per record and link kind made the first load twice
            # as slow); the record's creation row and the fixtures are its provenance.
            if wanted:
                obj.skip_history_when_saving = True
                try:
                    manager.add(*wanted)
                finally:
                    del obj.skip_history_when_saving
            return
        current = set(manager.values_list("pk", flat=True))
        if wanted != current:
            manager.set(wanted)
            if current:
                self.result.updated[f"{obj._meta.model_name}.{name}"] += 1

    def set_flags(self, obj: models.Model, flags: list[dict] | None, *, where: str) -> None:
        """Make the record's fixture flags what the fixtures say. Only those: a flag the workflow
        wrote stays, and a record changed through the workflow keeps all of its flags."""
        wanted = set()
        for flag in flags or []:
            if not flag.get("code") or not flag.get("message"):
                raise FixtureError(f"{where}: a flag needs code and message: {flag!r}")
            if flag["code"] in WORKFLOW_FLAG_CODES:
                raise FixtureError(f"{where}: flag {flag['code']!r} is written by the workflow")
            wanted.add((flag["code"], flag["message"]))
        if self.is_kept(obj):
            return
        ct = ContentType.objects.get_for_model(type(obj))
        current = self._flag_cache[(ct.id, obj.pk)]
        if wanted == current:
            return
        for code, message in sorted(current - wanted):
            DataFlag.objects.filter(
                content_type=ct, object_id=obj.pk, code=code, message=message
            ).delete()
        # Flags that stay are not recreated: a flag marked resolved stays resolved.
        for code, message in sorted(wanted - current):
            flag = DataFlag(content_type=ct, object_id=obj.pk, code=code, message=message)
            flag.full_clean(exclude=["content_type", "object_id"])
            flag.save()
        self._flag_cache[(ct.id, obj.pk)] = wanted
        self.result.updated["flags"] += 1


def _index(model: type[models.Model], field_name: str) -> dict:
    return {getattr(obj, field_name): obj for obj in model.objects.all()}


def _resolve(index: dict, key: Any, *, what: str, where: str) -> models.Model:
    try:
        return index[key]
    except KeyError:
        raise FixtureError(f"{where} refers to missing {what} {key!r}") from None


def _paragraphs(index: dict, numbers: Iterable[int], *, where: str) -> list[ReportParagraph]:
    return [_resolve(index, int(n), what="report paragraph", where=where) for n in numbers or []]


@transaction.atomic
def load_bundle(bundle: Bundle) -> LoadResult:
    _lock_workflow_tables()
    w = _Writer()

    articles = _index(Article, "number")
    for rec in bundle.articles:
        where = f"articles.json article {rec.get('number')}"
        art = w.upsert(
            Article,
            articles,
            int(rec["number"]),
            where=where,
            values={
                "number": int(rec["number"]),
                "title_kk": rec["title_kk"],
                "title_ru": rec.get("title_ru", ""),
                "title_en": rec.get("title_en", ""),
                "part": rec["part"],
                "curation": rec.get("curation", "curated"),
            },
        )
        w.set_flags(art, rec.get("flags"), where=where)

    paragraphs = _index(ReportParagraph, "number")
    for rec in bundle.paragraphs:
        where = f"paragraphs.json ¶{rec.get('number')}"
        article = (
            _resolve(articles, int(rec["article"]), what="article", where=where)
            if rec.get("article")
            else None
        )
        par = w.upsert(
            ReportParagraph,
            paragraphs,
            int(rec["number"]),
            where=where,
            values={
                "number": int(rec["number"]),
                "article": article,
                "section_kk": rec.get("section_kk", ""),
                "text_kk": rec["text_kk"],
                "text_printed": rec.get("text_printed", ""),
                "repair": rec.get("repair", "none"),
                "curation": rec.get("curation", "extracted"),
            },
        )
        mentioned = [
            _resolve(articles, int(n), what="article", where=where)
            for n in rec.get("convention_articles", [])
        ]
        w.set_m2m(par, "convention_articles", mentioned)
        w.set_flags(par, rec.get("flags"), where=where)

    dimensions = _index(Dimension, "code")
    dim_values = {
        (v.dimension.code, v.code): v for v in DimensionValue.objects.select_related("dimension")
    }
    for code, rec in bundle.dimensions.items():
        dim = w.upsert(
            Dimension,
            dimensions,
            code,
            {
                "code": code,
                "name_kk": rec.get("name_kk", code),
                "name_ru": rec.get("name_ru", ""),
                "name_en": rec.get("name_en", ""),
            },
        )
        for val in rec.get("values", []):
            w.upsert(
                DimensionValue,
                dim_values,
                (code, val["code"]),
                {
                    "dimension": dim,
                    "code": val["code"],
                    "name_kk": val.get("name_kk", val["code"]),
                    "name_ru": val.get("name_ru", ""),
                    "name_en": val.get("name_en", ""),
                },
            )

    orgs = _index(Organization, "code")
    for code, rec in bundle.organizations.items():
        where = f"{rec['_origin']} organisation {code}"
        org = w.upsert(
            Organization,
            orgs,
            code,
            where=where,
            values={
                "code": code,
                "short_kk": rec.get("short_kk") or "",
                "name_kk": rec.get("name_kk") or rec.get("short_kk") or code,
                "name_ru": rec.get("name_ru") or "",
                "name_en": rec.get("name_en") or "",
                "kind": rec.get("kind", "other"),
                "region": rec.get("region") or "",
                "source_annex": rec.get("source_annex") or "",
                "curation": rec.get("curation", "curated"),
            },
        )
        w.set_m2m(
            org,
            "source_paragraphs",
            _paragraphs(paragraphs, rec.get("source_paragraphs"), where=where),
        )
        w.set_flags(org, rec.get("flags"), where=where)
    # Parents once every organisation exists; a parent the fixtures no longer give is cleared.
    for code, rec in bundle.organizations.items():
        where = f"{rec['_origin']} organisation {code}"
        parent = (
            _resolve(orgs, rec["parent"], what="organisation", where=where)
            if rec.get("parent")
            else None
        )
        org = orgs[code]
        if org.parent_id != (parent.pk if parent else None):
            org.parent = parent
            org.save()
            if not w.created_now(org):
                w.result.updated["organization.parent"] += 1

    acts = _index(LegalAct, "key")
    aliases: dict[int, set[str]] = defaultdict(set)
    for act_id, text in LegalActAlias.objects.values_list("act_id", "text"):
        aliases[act_id].add(text)
    for key, rec in bundle.legal_acts.items():
        where = f"{rec['_origin']} legal act {key}"
        adopted, precision = parse_date(rec.get("adopted"), where=where)
        issuer = rec.get("issuer") or ""
        act = w.upsert(
            LegalAct,
            acts,
            key,
            where=where,
            values={
                "key": key,
                "act_type": rec["type"],
                "number": rec.get("number") or "",
                "adopted": adopted,
                "adopted_precision": precision,
                "issuer": issuer,
                "issuing_organization": orgs.get(issuer),
                "title_kk": rec.get("title_kk") or "",
                "title_ru": rec.get("title_ru") or "",
                "title_en": rec.get("title_en") or "",
                "status": rec.get("status", "in_force"),
                "source_annex": rec.get("source_annex") or "",
                "curation": rec.get("curation", "curated"),
            },
        )
        if not w.is_kept(act):
            wanted = list(dict.fromkeys(rec.get("aliases") or []))
            for text in wanted:
                if text not in aliases[act.pk]:
                    LegalActAlias.objects.create(act=act, text=text)
                    aliases[act.pk].add(text)
                    w.result.created["legalactalias"] += 1
            stale = aliases[act.pk] - set(wanted)
            if stale:
                LegalActAlias.objects.filter(act=act, text__in=stale).delete()
                aliases[act.pk] -= stale
                w.result.deleted["legalactalias"] += len(stale)
        w.set_m2m(
            act,
            "source_paragraphs",
            _paragraphs(paragraphs, rec.get("source_paragraphs"), where=where),
        )
        w.set_flags(act, rec.get("flags"), where=where)

    citations = _index(Citation, "key")
    for key, rec in bundle.citations.items():
        where = f"{rec['_origin']} citation {key}"
        par = _resolve(paragraphs, int(rec["paragraph"]), what="report paragraph", where=where)
        cit = w.upsert(
            Citation,
            citations,
            key,
            where=where,
            values={
                "key": key,
                "act": _resolve(acts, rec["act"], what="legal act", where=where),
                "article_ref": str(rec.get("article") or ""),
                "clause_ref": str(rec.get("clause") or ""),
                "subclause_ref": str(rec.get("subclause") or ""),
                "text_kk": rec.get("text_kk") or "",
                "paragraph": par,
                "crpd_article_id": par.article_id,
                "curation": rec.get("curation", "curated"),
            },
        )
        w.set_flags(cit, rec.get("flags"), where=where)

    measures = _index(Measure, "key")
    for key, rec in bundle.measures.items():
        where = f"{rec['_origin']} measure {key}"
        dates, precision = {}, {}
        for name in ("start_date", "due_date", "completed_date"):
            dates[name], prec = parse_date(rec.get(name), where=where)
            if dates[name] and prec != "day":
                precision[name] = prec
        measure = w.upsert(
            Measure,
            measures,
            key,
            where=where,
            values={
                "key": key,
                "title_kk": rec["title_kk"],
                "title_ru": rec.get("title_ru") or "",
                "title_en": rec.get("title_en") or "",
                "description_kk": rec.get("description_kk") or "",
                "figures_kk": rec.get("figures_kk") or "",
                "kind": rec["kind"],
                "status": rec["status"],
                "progress": rec.get("progress"),
                **dates,
                "date_precision": precision,
                "source_annex": rec.get("source_annex") or "",
                "curation": rec.get("curation", "curated"),
            },
        )
        # Only the introduction (¶1–72) reports measures outside any article's section.
        if not rec.get("articles") and not rec["_origin"].endswith("intro.json"):
            raise FixtureError(f"{where} names no CRPD article")
        w.set_m2m(
            measure,
            "articles",
            [
                _resolve(articles, int(n), what="article", where=where)
                for n in rec.get("articles") or []
            ],
        )
        w.set_m2m(
            measure,
            "organizations",
            [
                _resolve(orgs, c, what="organisation", where=where)
                for c in rec.get("organizations", [])
            ],
        )
        w.set_m2m(
            measure,
            "source_paragraphs",
            _paragraphs(paragraphs, rec.get("source_paragraphs"), where=where),
        )
        w.set_m2m(
            measure,
            "legal_basis",
            [
                _resolve(citations, c, what="citation", where=where)
                for c in rec.get("legal_basis", [])
            ],
        )
        w.set_flags(measure, rec.get("flags"), where=where)

    programmes = _index(Programme, "key")
    for key, rec in bundle.programmes.items():
        where = f"{rec['_origin']} programme {key}"
        prog = w.upsert(
            Programme,
            programmes,
            key,
            where=where,
            values={
                "key": key,
                "name_kk": rec["name_kk"],
                "name_ru": rec.get("name_ru") or "",
                "name_en": rec.get("name_en") or "",
                "approving_act": _resolve(acts, rec["approving_act"], what="legal act", where=where)
                if rec.get("approving_act")
                else None,
                "period_start": rec.get("period_start"),
                "period_end": rec.get("period_end"),
                "source_annex": rec.get("source_annex") or "",
                "curation": rec.get("curation", "curated"),
            },
        )
        w.set_flags(prog, rec.get("flags"), where=where)

    indicators = _index(Indicator, "key")
    for key, rec in bundle.indicators.items():
        where = f"{rec['_origin']} indicator {key}"
        ind = w.upsert(
            Indicator,
            indicators,
            key,
            where=where,
            values={
                "key": key,
                "name_kk": rec["name_kk"],
                "name_ru": rec.get("name_ru") or "",
                "name_en": rec.get("name_en") or "",
                "unit": rec["unit"],
                "unit_label_kk": rec.get("unit_label_kk") or "",
                "direction": rec.get("direction", "none"),
                "programme": _resolve(programmes, rec["programme"], what="programme", where=where)
                if rec.get("programme")
                else None,
                "organization": _resolve(
                    orgs, rec["organization"], what="organisation", where=where
                )
                if rec.get("organization")
                else None,
                "year_from": rec.get("year_from"),
                "year_to": rec.get("year_to"),
                "source_annex": rec.get("source_annex") or "",
                "curation": rec.get("curation", "curated"),
            },
        )
        w.set_m2m(
            ind,
            "articles",
            [
                _resolve(articles, int(n), what="article", where=where)
                for n in rec.get("articles", [])
            ],
        )
        w.set_m2m(
            ind,
            "dimensions",
            [
                _resolve(dimensions, c, what="dimension", where=where)
                for c in rec.get("dimensions", [])
            ],
        )
        w.set_m2m(
            ind,
            "source_paragraphs",
            _paragraphs(paragraphs, rec.get("source_paragraphs"), where=where),
        )
        w.set_flags(ind, rec.get("flags"), where=where)

    targets = {(t.indicator_id, t.year): t for t in Target.objects.all()}
    for rec in bundle.targets:
        where = f"{rec['_origin']} target {rec.get('indicator')} {rec.get('year')}"
        ind = _resolve(indicators, rec["indicator"], what="indicator", where=where)
        value = _decimal(rec.get("value"), where=where)
        if value is None and not rec.get("text_kk"):
            # The database would refuse it too (target_value_or_text), without naming it.
            raise FixtureError(f"{where} has neither a value nor a qualitative text_kk")
        target = w.upsert(
            Target,
            targets,
            (ind.pk, int(rec["year"])),
            where=where,
            values={
                "indicator": ind,
                "year": int(rec["year"]),
                "value": value,
                "text_kk": rec.get("text_kk") or "",
                "placement": rec.get("placement", "certain"),
                "reasoning": rec.get("reasoning") or "",
                "source_annex": rec.get("source_annex") or "",
                "curation": rec.get("curation", "curated"),
            },
        )
        w.set_flags(target, rec.get("flags"), where=where)

    observations = {
        (o.indicator_id, o.period_start, o.period_end, o.dims_key): o
        for o in Observation.objects.all()
    }
    seen: dict[tuple, str] = {}
    for rec in bundle.observations:
        name = rec.get("key") or (
            f"{rec.get('indicator')} {rec.get('period_start')}..{rec.get('period_end')}"
            f" {rec.get('dimensions') or ''}".rstrip()
        )
        where = f"{rec['_origin']} observation {name}"
        ind = _resolve(indicators, rec["indicator"], what="indicator", where=where)
        if not rec.get("paragraph") and not rec.get("source_annex"):
            raise FixtureError(f"{where} has no provenance (paragraph or source_annex)")
        start, _p = parse_date(rec["period_start"], where=where)
        end, _p = parse_date(rec["period_end"], where=where)
        dims = {str(k): str(v) for k, v in (rec.get("dimensions") or {}).items()}
        values = [
            _resolve(dim_values, pair, what="dimension value", where=where) for pair in dims.items()
        ]
        identity = (ind.pk, start, end, dims_key_for(dims))
        if identity in seen:
            raise FixtureError(f"{where} duplicates the cell of {seen[identity]}")
        seen[identity] = where
        obs = w.upsert(
            Observation,
            observations,
            identity,
            where=where,
            values={
                "key": rec.get("key") or None,
                "indicator": ind,
                "period_start": start,
                "period_end": end,
                "value": _decimal(rec["value"], where=where),
                "dims_key": identity[3],
                "paragraph": _resolve(
                    paragraphs, int(rec["paragraph"]), what="report paragraph", where=where
                )
                if rec.get("paragraph")
                else None,
                "source_annex": rec.get("source_annex") or "",
                # Never cut: a longer text is a fixture error (the check names the record).
                "text_kk": rec.get("text_kk") or "",
                "curation": rec.get("curation", "curated"),
            },
        )
        w.set_m2m(obs, "dimension_values", values)
        w.set_flags(obs, rec.get("flags"), where=where)

    aids = _index(TechnicalAid, "key")
    for rec in bundle.technical_aids:
        where = f"reference/technical_aids.json {rec.get('key')}"
        aid = w.upsert(
            TechnicalAid,
            aids,
            rec["key"],
            where=where,
            values={
                "key": rec["key"],
                "category": int(rec["category"]),
                "category_kk": rec["category_kk"],
                "number": int(rec["number"]),
                "name_kk": rec["name_kk"],
                "name_ru": rec.get("name_ru") or "",
                "name_en": rec.get("name_en") or "",
                "effective_from": parse_date(rec.get("effective_from"), where=where)[0],
                "source_annex": rec.get("source_annex") or "",
                "curation": rec.get("curation", "curated"),
            },
        )
        w.set_flags(aid, rec.get("flags"), where=where)

    return w.result


def load_crpd(root: Path) -> LoadResult:
    return load_bundle(read_bundle(root))
