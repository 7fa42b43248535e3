"""The spreadsheet import at scale: the organisation with the most measures, topped up with copies
of its measures to IMPORT_BENCH_ROWS rows (default 2,000); its template built, every row's
progress changed, the file imported (each changed row a submitted change request), the same file
again (every row already pending), the reviewer's batch page and the JSON status, and the whole
batch approved. Part of `make bench` (scripts/bench.py calls `run`); alone:

    DATABASE_URL=postgres://…/crpd_import_bench python -m scripts.bench_import

(alone, it loads the CRPD data into an empty database first and rewrites only its own section of
docs/BENCHMARKS.md).
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from intake import services  # noqa: E402
from intake.template import build_template  # noqa: E402
from tracker.models import Measure, Organization, User  # noqa: E402
from tracker.organisations.roles import EDITOR, REVIEWER  # noqa: E402

SECTION = "## Spreadsheet import"


@transaction.atomic
def _top_up(organization: Organization, rows: int) -> None:
    """Copies of the organisation's measures (with their articles) until it has `rows`."""
    own = list(Measure.objects.filter(organizations=organization).prefetch_related("articles"))
    copies, n = [], 0
    while len(own) + len(copies) < rows:
        source = own[n % len(own)]
        copies.append(
            Measure(
                key=f"m:bench:{n}",
                title_kk=source.title_kk,
                kind=source.kind,
                status=source.status,
                progress=source.progress,
            )
        )
        n += 1
    Measure.objects.bulk_create(copies, batch_size=2000)
    for measure in copies:
        measure.organizations.add(organization)
        measure.articles.set(own[0].articles.all())


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _changed_file(organization: Organization, rows: int) -> tuple[float, int, bytes]:
    """The organisation's template with every measure's progress changed; on multiplied data
    each sheet is cut to its first `rows` rows (an import of that size, not of every record)."""
    seconds, data = _timed(lambda: build_template(organization))
    book = load_workbook(io.BytesIO(data))
    for data_sheet in book.worksheets[1:]:
        if data_sheet.max_row > rows + 1:
            data_sheet.delete_rows(rows + 2, data_sheet.max_row - rows - 1)
    sheet = book.worksheets[1]
    for row in sheet.iter_rows(min_row=2):
        cell = row[6]  # G: progress, % (intake/columns.py)
        cell.value = 99 if cell.value != 99 else 98
    out = io.BytesIO()
    book.save(out)
    return seconds, len(data), out.getvalue()


def _page(client: Client, url: str) -> tuple[int, float]:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        seconds, _response = _timed(lambda: client.get(url))
    return len(queries), seconds * 1000


def run(rows: int) -> list[str]:
    organization = Organization.objects.annotate(n=Count("measures")).order_by("-n", "code").first()
    _top_up(organization, rows)
    editor, _ = User.objects.get_or_create(username="bench-editor", organization=organization)
    editor.groups.add(Group.objects.get(name=EDITOR))
    reviewer, _ = User.objects.get_or_create(username="bench-reviewer")
    reviewer.groups.add(Group.objects.get(name=REVIEWER))
    template_s, size, data = _changed_file(organization, rows)
    with override_settings(INTAKE_MAX_ROWS=max(rows + 100, settings.INTAKE_MAX_ROWS)):
        read_s, batch = _timed(
            lambda: services.batch_create(
                by=editor, name="bench.xlsx", content_type="", data=data, language="kk"
            )
        )
        import_s, batch = _timed(lambda: services.batch_process(batch_id=batch.pk))
        again = services.batch_create(
            by=editor, name="bench.xlsx", content_type="", data=data, language="kk"
        )
        again_s, again = _timed(lambda: services.batch_process(batch_id=again.pk))
    client = Client()
    client.force_login(reviewer)
    page_q, page_ms = _page(client, f"/kk/imports/{batch.pk}/")
    status_q, status_ms = _page(client, f"/kk/imports/{batch.pk}/status.json")
    approve_s, results = _timed(
        lambda: services.batch_decide(batch_id=batch.pk, by=reviewer, action="approve")
    )
    accepted = batch.rows.filter(status="accepted").count()
    refused = batch.rows.filter(status="refused").count()
    pending = again.rows.filter(status="pending").count()
    return [
        SECTION,
        "",
        f"Organisation {organization.code}, its measures topped up to {rows} (IMPORT_BENCH_ROWS), "
        f"plus its indicators' latest values: {batch.total_rows} rows; every measure's progress "
        "changed (an implemented measure's to 99 %, which the edit form refuses). Load average "
        f"at the start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.",
        "",
        "| what | result |",
        "|---|---|",
        f"| template built (XLSX, {size / 1024:.0f} KB) | {template_s:.1f} s |",
        f"| file read and rows stored (the request's part) | {read_s:.1f} s |",
        f"| rows imported by the task: {accepted} change requests submitted, {refused} refused, "
        f"the rest unchanged | {import_s:.1f} s "
        f"({batch.total_rows / import_s:.0f} rows/s) |",
        f"| the same file again: {pending} rows already pending, nothing new | {again_s:.1f} s |",
        f"| reviewer's batch page (25 rows with diffs) | {page_q} queries, {page_ms:.0f} ms |",
        f"| JSON status (the progress bar's poll) | {status_q} queries, {status_ms:.0f} ms |",
        f"| whole batch approved ({sum(r['ok'] for r in results)} of {len(results)}) "
        f"| {approve_s:.1f} s |",
        "",
    ]


def write_section(lines: list[str]) -> None:
    """Replace this section of docs/BENCHMARKS.md, or put it before the status reports'."""
    out = Path(settings.BASE_DIR) / "docs" / "BENCHMARKS.md"
    text = out.read_text(encoding="utf-8")
    block = "\n".join(lines) + "\n"
    if SECTION in text:
        start = text.index(SECTION)
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + block + (text[end + 1 :] if end != -1 else "")
    elif "## Status reports" in text:
        at = text.index("## Status reports")
        text = text[:at] + block + "\n" + text[at:]
    else:
        text = text.rstrip("\n") + "\n\n" + block
    out.write_text(text, encoding="utf-8")


def main() -> None:
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from ingest.loading import load_crpd

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    load_crpd(Path(settings.BASE_DIR) / "fixtures")
    lines = run(int(os.environ.get("IMPORT_BENCH_ROWS", "2000")))
    write_section(lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
