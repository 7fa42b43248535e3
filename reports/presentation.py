"""The status model turned into what a reader sees, in one language: titles instead of ids,
absolute links, labels, shares as percentages and the SVG charts. The e-mails, the PDF, the
preview and the workbook all read the same rows, so they cannot disagree."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from indicators.progress import ProgressStatus
from tracker.models import MeasureStatus, localized

from . import links
from .charts import bar_chart
from .models import ReportEdition, ReportKind
from .selectors import WAITING_LABELS, StatusReport


def _orgs(measure) -> str:
    orgs = getattr(measure, "_prefetched_objects_cache", {}).get("organizations")
    return ", ".join(str(o) for o in orgs) if orgs is not None else ""


def _measure(m, language: str, as_of) -> dict[str, Any]:
    return {
        "pk": m.pk,
        "key": m.key,
        "title": m.title,
        "url": links.measure(m.pk, language),
        "due_date": m.due_date,
        "days": (m.due_date - as_of).days if m.due_date else None,
        "status": m.get_status_display(),
        "organizations": _orgs(m),
    }


def _indicator(row, language: str) -> dict[str, Any]:
    ind = row.indicator
    return {
        "pk": ind.pk,
        "key": ind.key,
        "title": ind.name,
        "url": links.indicator(ind.pk, language),
        "verdict": ProgressStatus(row.verdict).label,
        "verdict_key": row.verdict,
        "latest_year": row.latest_year,
        "latest_value": row.latest_value,
        "explanation": row.explanation,
        "due_year": row.due_year,
        "organization": str(ind.organization) if ind.organization else "",
    }


def _change_title(cr) -> str:
    if cr.summary:
        return cr.summary
    target = cr.target
    if target is not None:
        return str(target)
    return str(cr.payload.get("title_kk") or cr.payload.get("name_kk") or cr.target_type)


def _share(value: float | None) -> float | None:
    return round(value * 100, 1) if value is not None else None


def _returned_row(cr, language: str) -> dict[str, Any]:
    return {
        "title": _change_title(cr),
        "url": links.change_request(cr.pk, language),
        "organization": str(cr.organization),
        "decided_at": timezone.localtime(cr.decided_at) if cr.decided_at else None,
    }


def _scorecard_rows(status: StatusReport, language: str) -> list[dict[str, Any]]:
    return [
        {
            "organization": str(r.organization),
            "name": r.organization.name,
            "url": links.organization(r.organization.code, language),
            "measures": r.measures,
            "on_schedule": r.on_schedule,
            "share_on_schedule": _share(r.share_on_schedule),
            "indicators_due": r.indicators_due,
            "indicators_current": r.indicators_current,
            "share_current": _share(r.share_current),
            "open_returned": r.open_returned,
            "median_response_days": r.median_response_days,
        }
        for r in status.scorecard
    ]


def _article_rows(status: StatusReport, language: str) -> list[dict[str, Any]]:
    return [
        {
            "number": r.article.number,
            "title": r.article.title,
            "url": links.article(r.article.number, language),
            "measures": r.measures,
            "implemented": r.by_status.get(MeasureStatus.IMPLEMENTED, 0),
            "overdue": r.overdue,
            "due_soon": r.due_soon,
            "flagged": r.flagged,
            "achieved": r.verdicts.get(ProgressStatus.ACHIEVED, 0),
            "on_track": r.verdicts.get(ProgressStatus.ON_TRACK, 0),
            "off_track": r.verdicts.get(ProgressStatus.OFF_TRACK, 0),
            "no_data": r.verdicts.get(ProgressStatus.NO_DATA, 0),
        }
        for r in status.by_article
    ]


def _failed_rows(status: StatusReport, language: str) -> list[dict[str, Any]]:
    return [
        {
            "recipient": n.recipient,
            "subject": n.subject,
            "attempts": n.attempts,
            "error": n.last_error,
            "created_at": timezone.localtime(n.created_at).date(),
        }
        for n in status.failed_deliveries
    ]


# The lists a reader's document or e-mail shows in full only up to a limit; the XLSX has them all.
LISTS = ("overdue", "due_soon", "flagged", "off_track", "missing", "indicators_shown", "returned")


def _lists(status: StatusReport, language: str, limit: int | None) -> dict[str, Any]:
    """The long lists as rows, each cut to `limit` before its rows are made (at 100x the data the
    XLSX needs 18,000 overdue rows, the PDF 50); `counts` are always the whole numbers and
    `more[name]` says how many rows were left out."""
    as_of = status.as_of
    # Indicators with no verdict (no target or no value) are counted, and listed in the XLSX.
    shown = [r for r in status.indicators if r.verdict != ProgressStatus.NO_DATA]
    sources = {
        "overdue": (status.overdue, lambda m: _measure(m, language, as_of)),
        "due_soon": (status.due_soon, lambda m: _measure(m, language, as_of)),
        "flagged": (status.flagged, lambda m: _measure(m, language, as_of)),
        "off_track": (status.off_track, lambda r: _indicator(r, language)),
        "missing": (status.missing, lambda r: _indicator(r, language)),
        "indicators_shown": (shown, lambda r: _indicator(r, language)),
        "returned": (status.pipeline.returned, lambda cr: _returned_row(cr, language)),
    }
    if not limit:  # every indicator, with or without a verdict: the workbook's own sheet
        sources["indicators"] = (status.indicators, lambda r: _indicator(r, language))
    out: dict[str, Any] = {"counts": {}, "more": {}}
    for name, (items, row) in sources.items():
        items = list(items)
        kept = items[:limit] if limit else items
        out[name] = [row(item) for item in kept]
        out["counts"][name] = len(items)
        out["more"][name] = len(items) - len(kept)
    return out


def context(
    *,
    edition: ReportEdition,
    status: StatusReport,
    language: str,
    limit: int | None = None,
) -> dict[str, Any]:
    """Everything a report's templates show; call inside translation.override(language). With
    `limit`, each list keeps its first `limit` rows and `more[name]` says how many are left out
    (`counts[name]` is always the whole number)."""
    as_of = status.as_of
    national = edition.kind == ReportKind.NATIONAL
    measure_rows = [(MeasureStatus(k).label, k, n) for k, n in status.measures_by_status.items()]
    verdict_rows = [(ProgressStatus(k).label, k, n) for k, n in status.verdicts.items()]
    org = edition.organization
    if national:
        title = _("National overview of CRPD implementation")
    else:
        title = _("CRPD status digest: %(organization)s") % {"organization": org.name}
    ctx: dict[str, Any] = {
        "edition": edition,
        "language": language,
        "national": national,
        "organization": org,
        "organization_name": org.name if org else "",
        "title": title,
        "period": _("%(start)s – %(end)s")
        % {
            "start": date_format(edition.period_start, "DATE_FORMAT"),
            "end": date_format(edition.period_end, "DATE_FORMAT"),
        },
        "as_of": as_of,
        "status": status,
        "measures_total": status.measures_total,
        "measure_rows": measure_rows,
        "verdict_rows": verdict_rows,
        "indicators_total": len(status.indicators),
        "indicators_more": status.verdicts[ProgressStatus.NO_DATA],
        "waiting": [(str(WAITING_LABELS[k]), n) for k, n in status.pipeline.waiting.items()],
        "waiting_total": status.pipeline.waiting_total,
        "median_decision_days": status.pipeline.median_decision_days,
        "scorecard": _scorecard_rows(status, language),
        "by_article": _article_rows(status, language),
        "failed": _failed_rows(status, language),
        "chart_measures": bar_chart(_("Measures by status"), measure_rows),
        "chart_verdicts": bar_chart(_("Indicators by progress"), verdict_rows),
    }
    ctx.update(_lists(status, language, limit))
    if edition.pk:
        ctx["download_pdf"] = links.report_download(edition.pk, "pdf", language)
        ctx["download_xlsx"] = links.report_download(edition.pk, "xlsx", language)
    return ctx


def reminder_items(reminders: list, language: str) -> list[dict[str, Any]]:
    out = []
    for r in reminders:
        item = r.item
        if r.measure_id:
            title, url = localized(item, "title"), links.measure(item.pk, language)
        else:
            title, url = localized(item, "name"), links.indicator(item.pk, language)
        out.append(
            {
                "title": title,
                "url": url,
                "deadline": r.deadline,
                "days": r.offset_days,
                "is_measure": bool(r.measure_id),
            }
        )
    return sorted(out, key=lambda i: (i["deadline"], i["title"]))
