"""What each list exports: its columns (a translated header and how to read the cell from a row)
and the reads that feed them, through the domain's selectors. One definition per list serves the
pages' download links (exports/views.py), the API's export endpoints and the benchmark.

Cells are typed values — int, Decimal, date, datetime, str — so the XLSX gets real numbers and
dates; the CSV writes them in ISO form. Choice labels and localised titles are read in the active
language, which the writers hold for the whole download."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from indicators.models import DimensionValue, Indicator, Observation
from indicators.selectors import indicator_list, observation_list, target_list
from tracker.common.models import localized
from tracker.law.selectors import citation_list, legal_act_list
from tracker.measures.selectors import measure_list

# Rows read per query (and per prefetch of their related rows): bounds both the memory an export
# holds and the number of queries — 1 + (prefetches + 1) per chunk, whatever the table's length.
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class Column:
    header: str | Promise
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Table:
    """One exported list: `name` is the file name's stem, `title` the sheet's."""

    name: str
    title: str | Promise
    columns: tuple[Column, ...]
    prepare: Callable[[QuerySet], QuerySet] = lambda qs: qs

    def headers(self) -> list[str]:
        return [str(column.header) for column in self.columns]

    def rows(self, queryset: QuerySet) -> Iterator[list[Any]]:
        for obj in self.prepare(queryset).iterator(chunk_size=CHUNK_SIZE):
            yield [column.value(obj) for column in self.columns]


def _names(items: Iterable[Any], attr: str) -> str:
    return ", ".join(str(getattr(item, attr)) for item in items)


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _localized(field: str) -> Callable[[Any], str]:
    return lambda obj: localized(obj, field)


def _display(field: str) -> Callable[[Any], str]:
    return lambda obj: getattr(obj, f"get_{field}_display")()


def _source(obj: Any) -> str:
    """Where a value was printed: the report's paragraph (¶) or an annex row."""
    paragraph = getattr(obj, "paragraph", None)
    if paragraph is not None:
        return f"¶{paragraph.number}"
    return obj.source_annex


MEASURES = Table(
    name="measures",
    title=_l("Measures"),
    columns=(
        Column(_l("Key"), lambda m: m.key),
        Column(_l("Title"), _localized("title")),
        Column(_l("CRPD articles"), lambda m: _names(m.articles.all(), "number")),
        Column(_l("Status"), _display("status")),
        Column(_l("Kind"), _display("kind")),
        Column(_l("Progress, %"), lambda m: m.progress),
        Column(_l("Start date"), lambda m: m.start_date),
        Column(_l("Due date"), lambda m: m.due_date),
        Column(_l("Completed date"), lambda m: m.completed_date),
        Column(_l("Responsible organisations"), lambda m: _names(m.organizations.all(), "code")),
        Column(_l("Needs review"), lambda m: _yes_no(m.needs_review)),
        Column(_l("Legal basis"), lambda m: _names(m.legal_basis.all(), "key")),
        Column(
            _l("Source paragraphs"),
            lambda m: ", ".join(f"¶{p.number}" for p in m.source_paragraphs.all()),
        ),
        Column(_l("Source annex row"), lambda m: m.source_annex),
    ),
)

LEGAL_ACTS = Table(
    name="legal-acts",
    title=_l("Legal acts"),
    columns=(
        Column(_l("Key"), lambda a: a.key),
        Column(_l("Title"), _localized("title")),
        Column(_l("Type"), _display("act_type")),
        Column(_l("Number"), lambda a: a.number),
        Column(_l("Adopted"), lambda a: a.adopted),
        Column(_l("Issuer"), lambda a: a.issuer),
        Column(_l("Status"), _display("status")),
        Column(_l("Citations"), lambda a: a.export_citation_count),
        Column(_l("Source annex row"), lambda a: a.source_annex),
    ),
    # The API's list prefetches aliases and paragraphs the table does not name.
    prepare=lambda qs: qs.prefetch_related(None).annotate(export_citation_count=Count("citations")),
)

CITATIONS = Table(
    name="citations",
    title=_l("Citations"),
    columns=(
        Column(_l("Key"), lambda c: c.key),
        Column(_l("Legal act"), lambda c: c.act.key),
        Column(_l("Article of the act"), lambda c: c.article_ref),
        Column(_l("Clause"), lambda c: c.clause_ref),
        Column(_l("Subclause"), lambda c: c.subclause_ref),
        Column(_l("Citation as it reads"), lambda c: c.text_kk),
        Column(_l("Report paragraph"), lambda c: c.paragraph.number if c.paragraph else None),
        Column(_l("CRPD article"), lambda c: c.crpd_article.number if c.crpd_article else None),
    ),
)

INDICATORS = Table(
    name="indicators",
    title=_l("Indicators"),
    columns=(
        Column(_l("Key"), lambda i: i.key),
        Column(_l("Name"), _localized("name")),
        Column(_l("Unit"), _display("unit")),
        Column(_l("Direction"), _display("direction")),
        Column(_l("Programme"), lambda i: getattr(i.programme, "key", "")),
        Column(_l("Responsible organisation"), lambda i: getattr(i.organization, "code", "")),
        Column(_l("First year"), lambda i: i.year_from),
        Column(_l("Last year"), lambda i: i.year_to),
        Column(_l("CRPD articles"), lambda i: _names(i.articles.all(), "number")),
        Column(_l("Dimensions"), lambda i: _names(i.dimensions.all(), "code")),
        Column(_l("Source annex row"), lambda i: i.source_annex),
    ),
)

TARGETS = Table(
    name="targets",
    title=_l("Targets"),
    columns=(
        Column(_l("Indicator"), lambda t: t.indicator.key),
        Column(_l("Year"), lambda t: t.year),
        Column(_l("Value"), lambda t: t.value),
        Column(_l("Qualitative target"), lambda t: t.text_kk),
        Column(_l("Year placement"), _display("placement")),
        Column(_l("Source annex row"), lambda t: t.source_annex),
    ),
)

OBSERVATIONS = Table(
    name="observations",
    title=_l("Observations"),
    columns=(
        Column(_l("Indicator"), lambda o: o.indicator.key),
        Column(_l("Period start"), lambda o: o.period_start),
        Column(_l("Period end"), lambda o: o.period_end),
        Column(_l("Dimensions"), lambda o: o.dims_key),
        Column(_l("Value"), lambda o: o.value),
        Column(_l("Unit"), lambda o: o.indicator.get_unit_display()),
        Column(_l("As printed"), lambda o: o.text_kk),
        Column(_l("Source"), _source),
    ),
)

CHANGE_REQUESTS = Table(
    name="change-requests",
    title=_l("Change requests"),
    columns=(
        Column(_l("Number"), lambda cr: cr.pk),
        Column(_l("Record type"), lambda cr: str(cr.target_type.model_class()._meta.verbose_name)),
        Column(_l("Record id"), lambda cr: cr.target_id),
        Column(_l("Operation"), _display("operation")),
        Column(_l("Summary"), lambda cr: cr.summary),
        Column(_l("Status"), _display("status")),
        Column(_l("Author"), lambda cr: cr.author.get_username()),
        Column(_l("Organisation"), lambda cr: cr.organization.code),
        Column(_l("Created"), lambda cr: cr.created_at),
        Column(_l("Submitted"), lambda cr: cr.submitted_at),
        Column(_l("Decided"), lambda cr: cr.decided_at),
        Column(_l("Decided by"), lambda cr: cr.decided_by.get_username() if cr.decided_by else ""),
    ),
    # The API's list prefetches every target by natural key; the export names only its id.
    prepare=lambda qs: qs.prefetch_related(None).select_related(
        "target_type", "author", "organization", "decided_by"
    ),
)

# The base reads of every list, before the page's or the API's filters narrow them.
BASE_QUERYSETS: dict[str, Callable[[], QuerySet]] = {
    "measures": lambda: measure_list(with_sources=True),
    "legal-acts": legal_act_list,
    "citations": citation_list,
    "indicators": lambda: indicator_list(with_links=True),
    "targets": target_list,
    "observations": observation_list,
}
TABLES = {
    table.name: table
    for table in (MEASURES, LEGAL_ACTS, CITATIONS, INDICATORS, TARGETS, OBSERVATIONS)
}


# Indicator data in the tidy shape indicator platforms (Open SDG) read --------------------------


def tidy_observation_rows(observations: QuerySet[Observation]) -> tuple[list[str], Iterator]:
    """One row per observation: indicator key and name, period, one column per dimension (the
    value's code, empty where the cell is not broken down by it), value, unit and source.

    The dimension columns are those any of the observations uses, found in one query first."""
    codes = list(
        DimensionValue.objects.filter(observations__in=observations.values("pk"))
        .order_by("dimension__code")
        .values_list("dimension__code", flat=True)
        .distinct()
    )
    headers = ["indicator", "indicator_name", "period_start", "period_end", *codes]
    headers += ["value", "unit", "source"]

    def rows() -> Iterator[list[Any]]:
        for obs in observations.iterator(chunk_size=CHUNK_SIZE):
            cells = {v.dimension.code: v.code for v in obs.dimension_values.all()}
            indicator = obs.indicator
            yield [
                indicator.key,
                localized(indicator, "name"),
                obs.period_start,
                obs.period_end,
                *(cells.get(code, "") for code in codes),
                obs.value,
                indicator.get_unit_display(),
                _source(obs),
            ]

    return headers, rows()


def indicator_workbook_sheets(indicators: QuerySet[Indicator]) -> list[tuple[Table, QuerySet]]:
    """The indicators' XLSX: the indicators, their targets and their observations, one sheet
    each, all narrowed to the same indicators."""
    keys = indicators.values("pk")
    return [
        (INDICATORS, indicators),
        (TARGETS, BASE_QUERYSETS["targets"]().filter(indicator__in=keys)),
        (OBSERVATIONS, BASE_QUERYSETS["observations"]().filter(indicator__in=keys)),
    ]
