"""Loads the CRPD data shipped in fixtures/ (see fixtures/SCHEMA.md) into the database.

Idempotent by natural keys: a record is written only when its values differ from what is stored,
so a second run writes nothing and adds no history rows. All or nothing: one transaction. A
reference to a record that does not exist fails loudly, naming the record and the file.
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
from django.db import models, transaction

from indicators.models import (
    Dimension,
    DimensionValue,
    Indicator,
    Observation,
    Programme,
    Target,
    dims_key_for,
)

from .models import (
    Article,
    Citation,
    DataFlag,
    LegalAct,
    LegalActAlias,
    Measure,
    Organization,
    ReportParagraph,
    TechnicalAid,
)


class FixtureError(Exception):
    """The fixtures are inconsistent: a missing reference, a conflicting duplicate, a bad value."""


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


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


class _Writer:
    def __init__(self) -> None:
        self.result = LoadResult()
        self._flag_cache: dict[tuple[int, int], set[tuple[str, str]]] = defaultdict(set)
        for ct_id, obj_id, code, message in DataFlag.objects.values_list(
            "content_type_id", "object_id", "code", "message"
        ):
            self._flag_cache[(ct_id, obj_id)].add((code, message))

    def upsert(
        self, model: type[models.Model], existing: dict, key: Any, values: dict
    ) -> models.Model:
        label = model._meta.model_name
        obj = existing.get(key)
        if obj is None:
            obj = model(**values)
            self._check(obj, label, key)
            obj.save()
            existing[key] = obj
            self.result.created[label] += 1
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            self._check(obj, label, key)
            obj.save()
            self.result.updated[label] += 1
        else:
            self.result.unchanged[label] += 1
        return obj

    @staticmethod
    def _check(obj: models.Model, label: str, key: Any) -> None:
        # Field rules (lengths, choices) checked here give an error naming the record; the
        # database would only say "value too long" somewhere in the transaction.
        relations = [f.name for f in obj._meta.fields if f.is_relation]
        try:
            obj.clean_fields(exclude=relations)
        except ValidationError as exc:
            raise FixtureError(f"{label} {key!r}: {exc.message_dict}") from exc

    def set_m2m(self, obj: models.Model, name: str, targets: Iterable[models.Model]) -> None:
        manager = getattr(obj, name)
        wanted = {t.pk for t in targets}
        current = set(manager.values_list("pk", flat=True)) if obj.pk else set()
        if wanted != current:
            manager.set(wanted)
            if current:
                self.result.updated[f"{obj._meta.model_name}.{name}"] += 1

    def set_flags(self, obj: models.Model, flags: list[dict] | None, *, where: str) -> None:
        wanted = set()
        for flag in flags or []:
            if not flag.get("code") or not flag.get("message"):
                raise FixtureError(f"{where}: a flag needs code and message: {flag!r}")
            wanted.add((flag["code"], flag["message"]))
        ct = ContentType.objects.get_for_model(type(obj))
        current = self._flag_cache[(ct.id, obj.pk)]
        if wanted == current:
            return
        DataFlag.objects.filter(content_type=ct, object_id=obj.pk).delete()
        for code, message in sorted(wanted):
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
    w = _Writer()

    articles = _index(Article, "number")
    for rec in bundle.articles:
        where = f"articles.json article {rec.get('number')}"
        art = w.upsert(
            Article,
            articles,
            int(rec["number"]),
            {
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
            {
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
            {
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
    for code, rec in bundle.organizations.items():
        if rec.get("parent"):
            parent = _resolve(
                orgs,
                rec["parent"],
                what="organisation",
                where=f"{rec['_origin']} organisation {code}",
            )
            w.upsert(Organization, orgs, code, {"parent": parent})

    acts = _index(LegalAct, "key")
    aliases = {(a.act_id, a.text) for a in LegalActAlias.objects.all()}
    for key, rec in bundle.legal_acts.items():
        where = f"{rec['_origin']} legal act {key}"
        adopted, precision = parse_date(rec.get("adopted"), where=where)
        issuer = rec.get("issuer") or ""
        act = w.upsert(
            LegalAct,
            acts,
            key,
            {
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
        for text in rec.get("aliases", []):
            if (act.pk, text) not in aliases:
                LegalActAlias.objects.create(act=act, text=text)
                aliases.add((act.pk, text))
                w.result.created["legalactalias"] += 1
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
            {
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
            {
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
            [_resolve(articles, int(n), what="article", where=where) for n in rec["articles"]],
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
            {
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
            {
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
        target = w.upsert(
            Target,
            targets,
            (ind.pk, int(rec["year"])),
            {
                "indicator": ind,
                "year": int(rec["year"]),
                "value": _decimal(rec.get("value"), where=where),
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
        where = f"{rec['_origin']} observation {rec.get('key') or rec.get('indicator')}"
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
            {
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
                "text_kk": (rec.get("text_kk") or "")[:400],
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
            {
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
