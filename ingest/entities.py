"""One loader per kind of record: how a fixture record becomes a row's values and links.

Each `Entity` names its model, what of a row it writes (`Shape`, also what the row's digest
covers), how an existing row is found (its natural key) and a generator of `Row`s from the bundle.
They run in ENTITIES order, so a record's references exist before it is loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from indicators.models import (
    Dimension,
    DimensionValue,
    Indicator,
    Observation,
    Programme,
    Target,
    dims_key_for,
)
from tracker.models import (
    Article,
    Citation,
    LegalAct,
    Measure,
    Organization,
    ReportParagraph,
    TechnicalAid,
)

from .merging import FixtureError
from .reading import Bundle, parse_date, parse_decimal
from .records import Shape


@dataclass
class Row:
    """One fixture record, ready to write: the natural key, the values and links it gives."""

    key: Any
    where: str
    origin: str
    values: dict[str, Any]
    links: dict[str, list[models.Model]] = field(default_factory=dict)
    aliases: list[str] | None = None
    flags: list[dict] | None = None

    @property
    def fixture_key(self) -> str:
        return self.where.split(" ", 1)[-1]


class Context:
    """The rows loaded so far, by model and natural key, for references between records."""

    def __init__(self) -> None:
        self.index: dict[type[models.Model], dict[Any, models.Model]] = {}

    def get(self, model: type[models.Model], key: Any, *, what: str, where: str) -> models.Model:
        try:
            return self.index[model][key]
        except KeyError:
            raise FixtureError(f"{where} refers to missing {what} {key!r}") from None

    def optional(
        self, model: type[models.Model], key: Any, *, what: str, where: str
    ) -> models.Model | None:
        return self.get(model, key, what=what, where=where) if key else None

    def many(
        self, model: type[models.Model], keys: Iterable[Any] | None, *, what: str, where: str
    ) -> list[models.Model]:
        return [self.get(model, k, what=what, where=where) for k in keys or []]

    def paragraphs(self, numbers: Iterable[Any] | None, *, where: str) -> list[models.Model]:
        return [
            self.get(ReportParagraph, int(n), what="report paragraph", where=where)
            for n in numbers or []
        ]


@dataclass(frozen=True)
class Entity:
    shape: Shape
    key: Callable[[models.Model], Any]
    rows: Callable[[Bundle, Context], Iterator[Row]]
    related: tuple[str, ...] = ()

    def existing(self) -> dict[Any, models.Model]:
        # Links prefetched: comparing them, and the forms' view of the live row, cost no query.
        rows = self.shape.model.objects.select_related(*self.related).prefetch_related(
            *self.shape.links
        )
        return {self.key(obj): obj for obj in rows}


def _curation(rec: dict, default: str = "curated") -> str:
    return rec.get("curation", default)


def _article_rows(bundle: Bundle, ctx: Context) -> Iterator[Row]:
    for rec in bundle.articles:
        yield Row(
            key=int(rec["number"]),
            where=f"articles.json article {rec.get('number')}",
            origin="articles.json",
            values={
                "number": int(rec["number"]),
                "title_kk": rec["title_kk"],
                "title_ru": rec.get("title_ru", ""),
                "title_en": rec.get("title_en", ""),
                "part": rec["part"],
                "curation": _curation(rec),
            },
            flags=rec.get("flags"),
        )


def _paragraph_rows(bundle: Bundle, ctx: Context) -> Iterator[Row]:
    for rec in bundle.paragraphs:
        where = f"paragraphs.json ¶{rec.get('number')}"
        article = rec.get("article")
        yield Row(
            key=int(rec["number"]),
            where=where,
            origin="paragraphs.json",
            values={
                "number": int(rec["number"]),
                "article": ctx.optional(
                    Article, article and int(article), what="article", where=where
                ),
                "section_kk": rec.get("section_kk", ""),
                "text_kk": rec["text_kk"],
                "text_printed": rec.get("text_printed", ""),
                "repair": rec.get("repair", "none"),
                "curation": _curation(rec, "extracted"),
            },
            links={
                "convention_articles": ctx.many(
                    Article,
                    [int(n) for n in rec.get("convention_articles", [])],
                    what="article",
                    where=where,
                )
            },
            flags=rec.get("flags"),
        )


def _dimension_rows(bundle: Bundle, ctx: Context) -> Iterator[Row]:
    for code, rec in bundle.dimensions.items():
        yield Row(
            key=code,
            where=f"{rec['_origin']} dimension {code}",
            origin=rec["_origin"],
            values={
                "code": code,
                "name_kk": rec.get("name_kk", code),
                "name_ru": rec.get("name_ru", ""),
                "name_en": rec.get("name_en", ""),
            },
        )


def _dimension_value_rows(bundle: Bundle, ctx: Context) -> Iterator[Row]:
    for code, rec in bundle.dimensions.items():
        dimension = ctx.get(Dimension, code, what="dimension", where=rec["_origin"])
        for val in rec.get("values", []):
            yield Row(
                key=(code, val["code"]),
                where=f"{rec['_origin']} dimension value {code}={val['code']}",
                origin=rec["_origin"],
                values={
                    "dimension": dimension,
                    "code": val["code"],
                    "name_kk": val.get("name_kk", val["code"]),
                    "name_ru": val.get("name_ru", ""),
                    "name_en": val.get("name_en", ""),
                },
            )


def _parents_first(organizations: dict[str, dict]) -> list[tuple[str, dict]]:
    """Organisations ordered so that a parent is loaded before its children."""
    ordered: dict[str, dict] = {}
    visiting: set[str] = set()

    def visit(code: str) -> None:
        if code in ordered:
            return
        if code in visiting:
            raise FixtureError(f"organisation {code}: its parents form a cycle")
        visiting.add(code)
        parent = organizations[code].get("parent")
        if parent in organizations:
            visit(parent)
        visiting.discard(code)
        ordered[code] = organizations[code]

    for code in organizations:
        visit(code)
    return list(ordered.items())


def _organization_rows(bundle: Bundle, ctx: Context) -> Iterator[Row]:
    for code, rec in _parents_first(bundle.organizations):
        where = f"{rec['_origin']} organisation {code}"
        yield Row(
            key=code,
            where=where,
            origin=rec["_origin"],
            values={
                "code": code,
                "short_kk": rec.get("short_kk") or "",
                "name_kk": rec.get("name_kk") or rec.get("short_kk") or code,
                "name_ru": rec.get("name_ru") or "",
                "name_en": rec.get("name_en") or "",
                "kind": rec.get("kind", "other"),
                "parent": ctx.optional(
                    Organization, rec.get("parent"), what="organisation", where=where
                ),
                "region": rec.get("region") or "",
                "source_annex": rec.get("source_annex") or "",
                "curation": _curation(rec),
            },
            links={"source_paragraphs": ctx.paragraphs(rec.get("source_paragraphs"), where=where)},
            flags=rec.get("flags"),
        )


def _legal_act_rows(bundle: Bundle, ctx: Context) -> Iterator[Row]:
    for key, rec in bundle.legal_acts.items():
        where = f"{rec['_origin']} legal act {key}"
        adopted, precision = parse_date(rec.get("adopted"), where=where)
        issuer = rec.get("issuer") or ""
        yield Row(
            key=key,
            where=where,
            origin=rec["_origin"],
            values={
                "key": key,
                "act_type": rec["type"],
                "number": rec.get("number") or "",
                "adopted": adopted,
                "adopted_precision": precision,
                "issuer": issuer,
                # The issuer is printed as a code only when it names a body the data knows.
                "issuing_organization": ctx.index[Organization].get(issuer),
                "title_kk": rec.get("title_kk") or "",
                "title_ru": rec.get("title_ru") or "",
                "title_en": rec.get("title_en") or "",
                "status": rec.get("status", "in_force"),
                "source_annex": rec.get("source_annex") or "",
                "curation": _curation(rec),
            },
            links={"source_paragraphs": ctx.paragraphs(rec.get("source_paragraphs"), where=where)},
            aliases=list(dict.fromkeys(rec.get("aliases") or [])),
            flags=rec.get("flags"),
        )


def _citation_rows(bundle: Bundle, ctx: Context) -> Iterator[Row]:
    for key, rec in bundle.citations.items():
        where = f"{rec['_origin']} citation {key}"
        paragraph = ctx.get(
            ReportParagraph, int(rec["paragraph"]), what="report paragraph", where=where
        )
        yield Row(
            key=key,
            where=where,
            origin=rec["_origin"],
            values={
                "key": key,
                "act": ctx.get(LegalAct, rec["act"], what="legal act", where=where),
                "article_ref": str(rec.get("article") or ""),
                "clause_ref": str(rec.get("clause") or ""),
                "subclause_ref": str(rec.get("subclause") or ""),
                "text_kk": rec.get("text_kk") or "",
                "paragraph": paragraph,
                "crpd_article": paragraph.article,
                "curation": _curation(rec),
            },
            flags=rec.get("flags"),
        )


def _measure_rows(bundle: Bundle, ctx: Context) -> Iterator[Row]:
    for key, rec in bundle.measures.items():
        where = f"{rec['_origin']} measure {key}"
        dates, precision = {}, {}
        for name in ("start_date", "due_date", "completed_date"):
            dates[name], prec = parse_date(rec.get(name), where=where)
            if dates[name] and prec != "day":
                precision[name] = prec
        yield Row(
            key=key,
            where=where,
            origin=rec["_origin"],
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
                "curation": _curation(rec),
            },
            links={
                "articles": ctx.many(
                    Article,
                    [int(n) for n in rec.get("articles") or []],
                    what="article",
                    where=where,
                ),
                "organizations": ctx.many(
                    Organization, rec.get("organizations"), what="organisation", where=where
                ),
                "source_paragraphs": ctx.paragraphs(rec.get("source_paragraphs"), where=where),
                "legal_basis": ctx.many(
                    Citation, rec.get("legal_basis"), what="citation", where=where
                ),
            },
            flags=rec.get("flags"),
        )


def _programme_rows(bundle: Bundle, ctx: Context) -> Iterator[Row]:
    for key, rec in bundle.programmes.items():
        where = f"{rec['_origin']} programme {key}"
        yield Row(
            key=key,
            where=where,
            origin=rec["_origin"],
            values={
                "key": key,
                "name_kk": rec["name_kk"],
                "name_ru": rec.get("name_ru") or "",
                "name_en": rec.get("name_en") or "",
                "approving_act": ctx.optional(
                    LegalAct, rec.get("approving_act"), what="legal act", where=where
                ),
                "period_start": rec.get("period_start"),
                "period_end": rec.get("period_end"),
                "source_annex": rec.get("source_annex") or "",
                "curation": _curation(rec),
            },
            flags=rec.get("flags"),
        )


def _indicator_rows(bundle: Bundle, ctx: Context) -> Iterator[Row]:
    for key, rec in bundle.indicators.items():
        where = f"{rec['_origin']} indicator {key}"
        yield Row(
            key=key,
            where=where,
            origin=rec["_origin"],
            values={
                "key": key,
                "name_kk": rec["name_kk"],
                "name_ru": rec.get("name_ru") or "",
                "name_en": rec.get("name_en") or "",
                "unit": rec["unit"],
                "unit_label_kk": rec.get("unit_label_kk") or "",
                "direction": rec.get("direction", "none"),
                "programme": ctx.optional(
                    Programme, rec.get("programme"), what="programme", where=where
                ),
                "organization": ctx.optional(
                    Organization, rec.get("organization"), what="organisation", where=where
                ),
                "year_from": rec.get("year_from"),
                "year_to": rec.get("year_to"),
                "source_annex": rec.get("source_annex") or "",
                "curation": _curation(rec),
            },
            links={
                "articles": ctx.many(
                    Article, [int(n) for n in rec.get("articles", [])], what="article", where=where
                ),
                "dimensions": ctx.many(
                    Dimension, rec.get("dimensions"), what="dimension", where=where
                ),
                "source_paragraphs": ctx.paragraphs(rec.get("source_paragraphs"), where=where),
            },
            flags=rec.get("flags"),
        )


def _target_rows(bundle: Bundle, ctx: Context) -> Iterator[Row]:
    for rec in bundle.targets:
        where = f"{rec['_origin']} target {rec.get('indicator')} {rec.get('year')}"
        indicator = ctx.get(Indicator, rec["indicator"], what="indicator", where=where)
        value = parse_decimal(rec.get("value"), where=where)
        if value is None and not rec.get("text_kk"):
            # The database would refuse it too (target_value_or_text), without naming it.
            raise FixtureError(f"{where} has neither a value nor a qualitative text_kk")
        yield Row(
            key=(indicator.pk, int(rec["year"])),
            where=where,
            origin=rec["_origin"],
            values={
                "indicator": indicator,
                "year": int(rec["year"]),
                "value": value,
                "text_kk": rec.get("text_kk") or "",
                "placement": rec.get("placement", "certain"),
                "reasoning": rec.get("reasoning") or "",
                "source_annex": rec.get("source_annex") or "",
                "curation": _curation(rec),
            },
            flags=rec.get("flags"),
        )


def _observation_row(rec: dict, ctx: Context) -> Row:
    name = rec.get("key") or (
        f"{rec.get('indicator')} {rec.get('period_start')}..{rec.get('period_end')}"
        f" {rec.get('dimensions') or ''}".rstrip()
    )
    where = f"{rec['_origin']} observation {name}"
    indicator = ctx.get(Indicator, rec["indicator"], what="indicator", where=where)
    if not rec.get("paragraph") and not rec.get("source_annex"):
        raise FixtureError(f"{where} has no provenance (paragraph or source_annex)")
    start, _precision = parse_date(rec["period_start"], where=where)
    end, _precision = parse_date(rec["period_end"], where=where)
    dims = {str(k): str(v) for k, v in (rec.get("dimensions") or {}).items()}
    dims_key = dims_key_for(dims)
    paragraph = rec.get("paragraph")
    return Row(
        key=(indicator.pk, start, end, dims_key),
        where=where,
        origin=rec["_origin"],
        values={
            "key": rec.get("key") or None,
            "indicator": indicator,
            "period_start": start,
            "period_end": end,
            "value": parse_decimal(rec["value"], where=where),
            "dims_key": dims_key,
            "paragraph": ctx.optional(
                ReportParagraph, paragraph and int(paragraph), what="report paragraph", where=where
            ),
            "source_annex": rec.get("source_annex") or "",
            # Never cut: a longer text is a fixture error (the form names the record).
            "text_kk": rec.get("text_kk") or "",
            "curation": _curation(rec),
        },
        links={
            "dimension_values": ctx.many(
                DimensionValue, dims.items(), what="dimension value", where=where
            )
        },
        flags=rec.get("flags"),
    )


def _observation_rows(bundle: Bundle, ctx: Context) -> Iterator[Row]:
    seen: dict[tuple, str] = {}
    for rec in bundle.observations:
        row = _observation_row(rec, ctx)
        if row.key in seen:
            raise FixtureError(f"{row.where} duplicates the cell of {seen[row.key]}")
        seen[row.key] = row.where
        yield row


def _technical_aid_rows(bundle: Bundle, ctx: Context) -> Iterator[Row]:
    for rec in bundle.technical_aids:
        where = f"reference/technical_aids.json {rec.get('key')}"
        yield Row(
            key=rec["key"],
            where=where,
            origin="reference/technical_aids.json",
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
                "curation": _curation(rec),
            },
            flags=rec.get("flags"),
        )


def _names(model: type[models.Model], *exclude: str) -> tuple[str, ...]:
    """The concrete fields the loader writes: all but the primary key, the version and `exclude`."""
    skip = {"id", "version", *exclude}
    return tuple(f.name for f in model._meta.concrete_fields if f.name not in skip)


_PROVENANCE = ("source_annex",)

ENTITIES: tuple[Entity, ...] = (
    Entity(Shape(Article, _names(Article, *_PROVENANCE)), lambda o: o.number, _article_rows),
    Entity(
        Shape(ReportParagraph, _names(ReportParagraph, *_PROVENANCE), ("convention_articles",)),
        lambda o: o.number,
        _paragraph_rows,
        related=("article",),  # a citation's CRPD article is its paragraph's
    ),
    Entity(Shape(Dimension, _names(Dimension)), lambda o: o.code, _dimension_rows),
    Entity(
        Shape(DimensionValue, _names(DimensionValue)),
        lambda o: (o.dimension.code, o.code),
        _dimension_value_rows,
        related=("dimension",),
    ),
    Entity(
        Shape(Organization, _names(Organization, "email"), ("source_paragraphs",)),
        lambda o: o.code,
        _organization_rows,
    ),
    Entity(
        Shape(LegalAct, _names(LegalAct), ("source_paragraphs",), aliases=True),
        lambda o: o.key,
        _legal_act_rows,
    ),
    Entity(Shape(Citation, _names(Citation, *_PROVENANCE)), lambda o: o.key, _citation_rows),
    Entity(
        Shape(
            Measure,
            _names(Measure, "needs_review", "updated_at"),
            ("articles", "organizations", "source_paragraphs", "legal_basis"),
        ),
        lambda o: o.key,
        _measure_rows,
    ),
    Entity(Shape(Programme, _names(Programme)), lambda o: o.key, _programme_rows),
    Entity(
        Shape(Indicator, _names(Indicator), ("articles", "dimensions", "source_paragraphs")),
        lambda o: o.key,
        _indicator_rows,
    ),
    Entity(Shape(Target, _names(Target)), lambda o: (o.indicator_id, o.year), _target_rows),
    Entity(
        Shape(
            Observation,
            _names(Observation, "explanation", "updated_at"),
            ("dimension_values",),
        ),
        lambda o: (o.indicator_id, o.period_start, o.period_end, o.dims_key),
        _observation_rows,
    ),
    Entity(Shape(TechnicalAid, _names(TechnicalAid)), lambda o: o.key, _technical_aid_rows),
)
