"""The indicator pages: the list (filtered by verdict, organisation, article, programme), one
indicator with its charts (observed against the target path, a breakdown as small multiples or a
tile-grid map of the regions, the verdict per year), its data as a paginated pivot table, and the
programmes with their indicators and targets.

Charts are SVG made on the server (reports/charts.py): no JavaScript, printable, each with a text
summary (aria-describedby) and its data table beside it. Every list is paginated, so the number of
queries does not depend on how many observations an indicator has."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from indicators.models import Indicator, Observation, Programme, Target
from indicators.progress import ProgressStatus, numeric_targets, progress_status
from indicators.selectors import (
    cells_of_dimension,
    dimension_names,
    indicator_breakdowns,
    indicator_header,
    indicator_list,
    indicators_of_programme,
    observations_page_query,
    programme_detail,
    programmes_with_counts,
    totals_of,
    values_of_dimensions,
)
from reports.charts import LineChart, Tile, sparkline, tile_map
from reports.selectors import cached_national_summary
from tracker.common.models import localized_with_language
from tracker.rules import Proposal
from web.templatetags.tracker_ui import plain_number
from web.tracker.pages import verdict_rows

YEARS_PER_PAGE = 10
OBSERVATIONS_PER_PAGE = 25
MULTIPLES = 12
MAX_COLUMNS = 30
FILTERS = ("verdict", "organization", "article", "programme", "due", "missing")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def indicator_list_view(request: HttpRequest) -> HttpResponse:
    """Indicators, narrowed by ?verdict= (the status reports' verdict), ?organization= (code),
    ?article= (number), ?programme= (key), ?due=1 and ?missing=1; an unknown value narrows to
    nothing."""
    qs = indicator_list()
    params = {k: request.GET.get(k, "") for k in FILTERS}
    summary = cached_national_summary(as_of=timezone.localdate())
    if params["verdict"]:
        qs = qs.filter(
            pk__in=[pk for pk, v in summary.verdict_of.items() if v == params["verdict"]]
        )
    # The status reports' "owes a value for the latest year due" and "lacks it" (?due=1,
    # ?missing=1): what the scorecard's "x of y due" counts.
    if params["due"] == "1":
        qs = qs.filter(pk__in=summary.due_ids)
    if params["missing"] == "1":
        qs = qs.filter(pk__in=summary.missing_ids)
    if params["organization"]:
        qs = qs.filter(organization__code=params["organization"])
    if params["article"]:
        qs = qs.filter(articles__number=_int(params["article"]) or 0).distinct()
    if params["programme"]:
        qs = qs.filter(programme__key=params["programme"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = [
        {"indicator": i, "verdict": summary.verdict_of.get(i.pk, ProgressStatus.NO_DATA)}
        for i in page
    ]
    for row in rows:
        row["verdict_label"] = ProgressStatus(row["verdict"]).label
    return render(
        request,
        "indicators/indicator_list.html",
        {
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "verdicts": verdict_rows(summary.verdicts),
            "verdict_choices": ProgressStatus.choices,
            "params": params,
            "filtered": any(params.values()),
        },
    )


def _fmt(value: Decimal) -> str:
    return plain_number(value)


def _target_path(totals: list[tuple[int, Decimal]], targets: list[tuple[int, Decimal]]):
    """The target path of indicators/progress.py: from the baseline (the earliest total) through
    each numeric target after it."""
    if not totals or not targets:
        return []
    baseline = totals[0]
    return [baseline, *(t for t in sorted(targets) if t[0] > baseline[0])]


def _main_chart(indicator: Indicator, totals, targets, verdicts) -> dict[str, Any]:
    unit = indicator.get_unit_display()
    parts = []
    if len(totals) == 1:
        parts.append(
            _("Observed total %(year)s: %(value)s %(unit)s.")
            % {"year": totals[0][0], "value": _fmt(totals[0][1]), "unit": unit}
        )
    elif totals:
        parts.append(
            _("Observed totals %(first)s–%(last)s: from %(a)s to %(b)s %(unit)s.")
            % {
                "first": totals[0][0],
                "last": totals[-1][0],
                "a": _fmt(totals[0][1]),
                "b": _fmt(totals[-1][1]),
                "unit": unit,
            }
        )
    else:
        parts.append(_("No total has been observed yet."))
    if targets:
        final = max(targets)
        parts.append(
            _("Target: %(value)s %(unit)s by %(year)s.")
            % {"value": _fmt(final[1]), "unit": unit, "year": final[0]}
        )
    if verdicts:
        parts.append(_("Status: %(status)s.") % {"status": verdicts[-1]["label"]})
    summary = " ".join(parts)
    chart = LineChart(
        title=_("Observed values and targets"),
        desc=summary,
        chart_id="chart-main",
        described_by="chart-main-summary",
        observed=totals,
        path=_target_path(totals, targets),
        targets=targets,
        observed_label=_("Observed (total)"),
        target_label=_("Target path"),
        fmt=_fmt,
    ).render()
    return {"svg": chart, "summary": summary}


def _verdicts_by_year(indicator: Indicator, totals, targets) -> list[dict[str, Any]]:
    years = sorted({y for y, _v in targets} | {y for y, _v in totals})
    out = []
    for year in years:
        status = progress_status(
            direction=indicator.direction, targets=targets, observations=totals, year=year
        )
        out.append({"year": year, "key": status.value, "label": status.label})
    return out


def _year_table(indicator: Indicator, totals, verdicts) -> list[dict[str, Any]]:
    """Per year: the recorded total, the target (numeric or qualitative) and the verdict."""
    total_of = dict(totals)
    target_of = {t.year: t for t in indicator.targets.all()}
    verdict_of = {v["year"]: v for v in verdicts}
    years = sorted(set(total_of) | set(target_of) | set(verdict_of))
    return [
        {
            "year": y,
            "total": total_of.get(y),
            "target": target_of.get(y),
            "verdict": verdict_of.get(y),
        }
        for y in years
    ]


def _totals(indicator_id: int) -> list[tuple[int, Decimal]]:
    return totals_of([indicator_id]).get(indicator_id, [])


@dataclass
class Named:
    """A column or a breakdown named in each language (`in_lang` and `localized` read it):
    one dimension value, or a combination of them joined by " · " (dimensions by " × ")."""

    code: str
    name_kk: str = ""
    name_ru: str = ""
    name_en: str = ""

    @classmethod
    def join(cls, code: str, parts: list, sep: str) -> Named:
        names = {
            lang: sep.join(getattr(p, f"name_{lang}", "") or p.name_kk for p in parts)
            for lang in ("kk", "ru", "en")
        }
        if not all(getattr(p, "name_ru", "") for p in parts):
            names["ru"] = ""  # a part lacks its Russian name: the whole falls back to Kazakh
        if not all(getattr(p, "name_en", "") for p in parts):
            names["en"] = ""
        return cls(code, names["kk"], names["ru"], names["en"])


def _breakdown_sets(keys: list[str]) -> tuple[list[str], int]:
    """The breakdowns an indicator has (each a set of dimensions, "region" or "age_group+sex")
    with at most MAX_COLUMNS cells a year, regions first; and how many have more."""
    sets: dict[str, set[str]] = defaultdict(set)
    for key in keys:
        dims = "+".join(part.split("=", 1)[0] for part in key.split(";"))
        sets[dims].add(key)
    shown = [d for d, cells in sets.items() if len(cells) <= MAX_COLUMNS]
    shown.sort(key=lambda d: (d != "region", d.count("+"), d))
    return shown, len(sets) - len(shown)


def _choose_dimension(request: HttpRequest, keys: list[str]) -> tuple[list[str], str | None, int]:
    """The breakdowns on offer, the chosen one (?dim=, else the regions, else the first) and how
    many breakdowns are too wide to offer (they are in the table of all observations)."""
    sets, wide = _breakdown_sets(keys)
    wanted = request.GET.get("dim")
    if wanted in sets:
        return sets, wanted, wide
    return sets, (sets[0] if sets else None), wide


def _columns(chosen: str, present: set[str]) -> list[Named]:
    dims = chosen.split("+")
    values = values_of_dimensions(dims)
    by_dim: dict[str, dict[str, Any]] = defaultdict(dict)
    for v in values:
        by_dim[v.dimension.code][v.code] = v
    order = {(v.dimension.code, v.code): i for i, v in enumerate(values)}
    columns = []
    for code in present:
        parts = code.split(";")
        found = [by_dim[d].get(c) or Named(c, c) for d, c in zip(dims, parts, strict=False)]
        columns.append(Named.join(code, found, " · "))
    return sorted(
        columns,
        key=lambda c: [
            order.get((d, p), 10**6) for d, p in zip(dims, c.code.split(";"), strict=False)
        ],
    )


def _pivot(cells, columns, totals, page_number) -> dict[str, Any]:
    """Period × the chosen dimension's values, with the recorded total of each year; years
    paginated."""
    by_year: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for year, code, value in cells:
        by_year[year][code] = value
    total_of = dict(totals)
    years = sorted(set(by_year) | set(total_of), reverse=True)
    page = Paginator(years, YEARS_PER_PAGE).get_page(page_number)
    rows = [
        {
            "year": year,
            "cells": [by_year[year].get(v.code) for v in columns],
            "total": total_of.get(year),
        }
        for year in page
    ]
    return {"page": page, "columns": columns, "rows": rows}


def _name_and_lang(obj) -> tuple[str, str]:
    """A record's name in the page's language, and its language when it fell back to another."""
    name, lang = localized_with_language(obj, "name")
    return name, "" if lang == (get_language() or "kk")[:2] else lang


def _marked(tile: Tile) -> str:
    return (
        format_html('<span lang="{}">{}</span>', tile.lang, tile.name) if tile.lang else tile.name
    )


def _safe_percent(template: str, **values: str) -> SafeString:
    """A translated sentence with %(name)s placeholders filled with markup: the sentence is
    escaped, every value escaped unless already safe (conditional_escape)."""
    filled = escape(template) % {k: conditional_escape(v) for k, v in values.items()}
    return mark_safe(filled)  # noqa: S308 -- every part escaped above


def _region_map(cells, values, year: int | None, indicator: Indicator) -> dict[str, Any] | None:
    years = sorted({y for y, _c, _v in cells})
    if not years:
        return None
    year = year if year in years else years[-1]
    shown = {code: value for y, code, value in cells if y == year}
    tiles = []
    for v in values:
        name, lang = _name_and_lang(v)
        tiles.append(Tile(v.code, name, shown.get(v.code), "", lang))
    for tile in tiles:
        tile.shown = _fmt(tile.value) if tile.value is not None else ""
    known = sorted((t for t in tiles if t.value is not None), key=lambda t: t.value)
    counted = _("%(year)s: %(n)s of %(total)s regions have a value.") % {
        "year": year,
        "n": len(known),
        "total": len(tiles),
    }
    summary = conditional_escape(counted)
    if known:
        # Names in their own language (a fallback to Kazakh is marked); the picture's own text
        # alternative gives the counts, and the table beside it every region's value.
        summary = format_html(
            "{} {}",
            counted,
            _safe_percent(
                _("Highest: %(high)s (%(hv)s); lowest: %(low)s (%(lv)s)."),
                high=_marked(known[-1]),
                hv=known[-1].shown,
                low=_marked(known[0]),
                lv=known[0].shown,
            ),
        )
    svg = tile_map(
        tiles,
        title=_("By region, %(year)s") % {"year": year},
        desc=counted,
        chart_id="chart-map",
        described_by="chart-map-summary",
        no_data=_("no data"),
    )
    low, high = (known[0].value, known[-1].value) if known else (None, None)
    return {
        "svg": svg,
        "summary": summary,
        "year": year,
        "years": years,
        "tiles": sorted(tiles, key=lambda t: t.name),
        "low": low,
        "high": high,
    }


def _multiples(cells, values, indicator: Indicator) -> list[dict[str, Any]]:
    series: dict[str, list[tuple[int, Decimal]]] = defaultdict(list)
    for year, code, value in cells:
        series[code].append((year, value))
    out = []
    for i, v in enumerate(x for x in values if series.get(x.code)):
        if i >= MULTIPLES:
            break
        points = series[v.code]
        name, lang = _name_and_lang(v)
        desc = _("%(value)s: %(first)s %(a)s, %(last)s %(b)s.") % {
            "value": name,
            "first": points[0][0],
            "a": _fmt(points[0][1]),
            "last": points[-1][0],
            "b": _fmt(points[-1][1]),
        }
        svg = LineChart(
            title=name,
            desc=desc,
            chart_id=f"chart-m{i}",
            observed=points,
            width=320,
            height=200,
            fmt=_fmt,
        ).render()
        out.append({"name": name, "lang": lang, "svg": svg, "summary": desc})
    return out


def _breakdown(request: HttpRequest, indicator: Indicator, totals) -> dict[str, Any]:
    keys = indicator_breakdowns(indicator.pk)
    sets, chosen, wide = _choose_dimension(request, keys)
    names = dimension_names(sorted({d for s in sets for d in s.split("+")}))
    labels = [
        Named.join(s, [names.get(d) or Named(d, d) for d in s.split("+")], " × ") for s in sets
    ]
    context: dict[str, Any] = {"dimensions": labels, "chosen": chosen, "crossed": wide}
    if chosen is None:
        return context
    cells = cells_of_dimension(indicator.pk, chosen.split("+"))
    columns = _columns(chosen, {code for _y, code, _v in cells})
    context["dimension"] = labels[sets.index(chosen)]
    context["pivot"] = _pivot(cells, columns, totals, request.GET.get("years"))
    if chosen == "region":
        context["map"] = _region_map(cells, columns, _int(request.GET.get("year")), indicator)
    else:
        context["multiples"] = _multiples(cells, columns, indicator)
    return context


def _may_propose(request: HttpRequest, proposal: Proposal) -> bool:
    return request.user.has_perm("tracker.propose_change", proposal)


def indicator_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        indicator = indicator_header(pk)
    except Indicator.DoesNotExist:
        raise Http404 from None
    totals = _totals(indicator.pk)
    targets = numeric_targets(indicator.targets.all())
    verdicts = _verdicts_by_year(indicator, totals, targets)
    observations = Paginator(observations_page_query(indicator.pk), OBSERVATIONS_PER_PAGE)
    new_for_indicator = {"indicator": pk}
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "indicator": indicator,
            "totals": totals,
            "main": _main_chart(indicator, totals, targets, verdicts),
            "verdicts": verdicts,
            # The verdict per year as indicators.selectors.progress_by_year gives it.
            "progress": [{"year": v["year"], "status": ProgressStatus(v["key"])} for v in verdicts],
            "table": _year_table(indicator, totals, verdicts),
            "observations": observations.get_page(request.GET.get("obs")),
            "can_record": _may_propose(request, Proposal(Observation, payload=new_for_indicator)),
            "can_set_targets": _may_propose(request, Proposal(Target, payload=new_for_indicator)),
            "can_edit_indicator": _may_propose(request, Proposal(Indicator, indicator)),
            **_breakdown(request, indicator, totals),
        },
    )


def programme_list_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(programmes_with_counts(), 50).get_page(request.GET.get("page"))
    return render(request, "indicators/programme_list.html", {"page": page})


def programme_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        programme = programme_detail(pk)
    except Programme.DoesNotExist:
        raise Http404 from None
    summary = cached_national_summary(as_of=timezone.localdate())
    page = Paginator(indicators_of_programme(programme.pk), OBSERVATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    points = totals_of([i.pk for i in page])
    rows = []
    for indicator in page:
        series = points.get(indicator.pk, [])
        verdict = summary.verdict_of.get(indicator.pk, ProgressStatus.NO_DATA)
        rows.append(
            {
                "indicator": indicator,
                "targets": list(indicator.targets.all()),
                "latest": series[-1] if series else None,
                "sparkline": sparkline(
                    series, label=_("Observed totals of %(name)s") % {"name": indicator.name}
                ),
                "verdict": verdict,
                "verdict_label": ProgressStatus(verdict).label,
            }
        )
    own = dict.fromkeys(ProgressStatus.values, 0)
    for pk_, verdict in summary.verdict_of.items():
        if pk_ in summary.programme_of and summary.programme_of[pk_] == programme.pk:
            own[verdict] += 1
    return render(
        request,
        "indicators/programme_detail.html",
        {
            "programme": programme,
            "page": page,
            "rows": rows,
            "verdicts": verdict_rows(own, programme=programme.key),
        },
    )
