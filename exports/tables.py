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
from django.utils.translation import gettext_lazy as _

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


def _yes_no(value: bool) -> Promise:
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
    title=_("Measures"),
    columns=(
        Column(_("Key"), lambda m: m.key),
        Column(_("Title"), _localized("title")),
        Column(_("CRPD articles"), lambda m: _names(m.articles.all(), "number")),
        Column(_("Status"), _display("status")),
        Column(_("Kind"), _display("kind")),
        Column(_("Progress, %"), lambda m: m.progress),
        Column(_("Start date"), lambda m: m.start_date),
        Column(_("Due date"), lambda m: m.due_date),
        Column(_("Completed date"), lambda m: m.completed_date),
        Column(_("Responsible organisations"), lambda m: _names(m.organizations.all(), "code")),
        Column(_("Needs review"), lambda m: _yes_no(m.needs_review)),
        Column(_("Legal basis"), lambda m: _names(m.legal_basis.all(), "key")),
        Column(
            _("Source paragraphs"),
            lambda m: ", ".join(f"¶{p.number}" for p in m.source_paragraphs.all()),
        ),
        Column(_("Source annex row"), lambda m: m.source_annex),
    ),
)

LEGAL_ACTS = Table(
    name="legal-acts",
    title=_("Legal acts"),
    columns=(
        Column(_("Key"), lambda a: a.key),
        Column(_("Title"), _localized("title")),
        Column(_("Type"), _display("act_type")),
        Column(_("Number"), lambda a: a.number),
        Column(_("Adopted"), lambda a: a.adopted),
        Column(_("Issuer"), lambda a: a.issuer),
        Column(_("Status"), _display("status")),
        Column(_("Citations"), lambda a: a.export_citation_count),
        Column(_("Source annex row"), lambda a: a.source_annex),
    ),
    # The API's list prefetches aliases and paragraphs the table does not name.
    prepare=lambda qs: qs.prefetch_related(None).annotate(export_citation_count=Count("citations")),
)

CITATIONS = Table(
    name="citations",
    title=_("Citations"),
    columns=(
        Column(_("Key"), lambda c: c.key),
        Column(_("Legal act"), lambda c: c.act.key),
        Column(_("Article of the act"), lambda c: c.article_ref),
        Column(_("Clause"), lambda c: c.clause_ref),
        Column(_("Subclause"), lambda c: c.subclause_ref),
        Column(_("Citation as it reads"), lambda c: c.text_kk),
        Column(_("Report paragraph"), lambda c: c.paragraph.number if c.paragraph else None),
        Column(_("CRPD article"), lambda c: c.crpd_article.number if c.crpd_article else None),
    ),
)

INDICATORS = Table(
    name="indicators",
    title=_("Indicators"),
    columns=(
        Column(_("Key"), lambda i: i.key),
        Column(_("Name"), _localized("name")),
        Column(_("Unit"), _display("unit")),
        Column(_("Direction"), _display("direction")),
        Column(_("Programme"), lambda i: getattr(i.programme, "key", "")),
        Column(_("Responsible organisation"), lambda i: getattr(i.organization, "code", "")),
        Column(_("First year"), lambda i: i.year_from),
        Column(_("Last year"), lambda i: i.year_to),
        Column(_("CRPD articles"), lambda i: _names(i.articles.all(), "number")),
        Column(_("Dimensions"), lambda i: _names(i.dimensions.all(), "code")),
        Column(_("Source annex row"), lambda i: i.source_annex),
    ),
)

TARGETS = Table(
    name="targets",
    title=_("Targets"),
    columns=(
        Column(_("Indicator"), lambda t: t.indicator.key),
        Column(_("Year"), lambda t: t.year),
        Column(_("Value"), lambda t: t.value),
        Column(_("Qualitative target"), lambda t: t.text_kk),
        Column(_("Year placement"), _display("placement")),
        Column(_("Source annex row"), lambda t: t.source_annex),
    ),
)

OBSERVATIONS = Table(
    name="observations",
    title=_("Observations"),
    columns=(
        Column(_("Indicator"), lambda o: o.indicator.key),
        Column(_("Period start"), lambda o: o.period_start),
        Column(_("Period end"), lambda o: o.period_end),
        Column(_("Dimensions"), lambda o: o.dims_key),
        Column(_("Value"), lambda o: o.value),
        Column(_("Unit"), lambda o: o.indicator.get_unit_display()),
        Column(_("As printed"), lambda o: o.text_kk),
        Column(_("Source"), _source),
    ),
)

CHANGE_REQUESTS = Table(
    name="change-requests",
    title=_("Change requests"),
    columns=(
        Column(_("Number"), lambda cr: cr.pk),
        Column(_("Record type"), lambda cr: str(cr.target_type.model_class()._meta.verbose_name)),
        Column(_("Record id"), lambda cr: cr.target_id),
        Column(_("Operation"), _display("operation")),
        Column(_("Summary"), lambda cr: cr.summary),
        Column(_("Status"), _display("status")),
        Column(_("Author"), lambda cr: cr.author.get_username()),
        Column(_("Organisation"), lambda cr: cr.organization.code),
        Column(_("Created"), lambda cr: cr.created_at),
        Column(_("Submitted"), lambda cr: cr.submitted_at),
        Column(_("Decided"), lambda cr: cr.decided_at),
        Column(_("Decided by"), lambda cr: cr.decided_by.get_username() if cr.decided_by else ""),
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
