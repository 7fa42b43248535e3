"""The status reports at scale: the CRPD data multiplied (REPORTS_BENCH_FACTOR, default 100), then
the national overview with both attachments, and every organisation's weekly digest, timed and
with peak memory. Part of `make bench` (scripts/bench.py calls `run`); alone:

    DATABASE_URL=postgres://…/crpd_reports_bench python -m scripts.bench_reports

(alone, it loads the CRPD data into an empty database first and rewrites only its own section of
docs/BENCHMARKS.md). Each measurement runs in a forked child process, so the child's peak RSS is the
generation's own (on top of the interpreter and Django, measured before the fork).
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.utils import timezone  # noqa: E402

from indicators.models import Indicator, Observation, Target  # noqa: E402
from reports import services  # noqa: E402
from reports.models import FileFormat, ReportKind  # noqa: E402
from reports.roles import ADMINISTRATOR, EDITOR, REVIEWER  # noqa: E402
from tracker.models import Measure, Organization, User  # noqa: E402

SECTION = "## Status reports"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _copy_m2m(through, field, ids_map: dict[int, int], other: str) -> None:
    rows = [
        through(**{field: ids_map[src], other: target})
        for src, target in through.objects.filter(**{f"{field}__in": list(ids_map)}).values_list(
            field, other
        )
    ]
    through.objects.bulk_create(rows, batch_size=5000)


@transaction.atomic
def multiply(factor: int) -> None:
    """Add factor - 1 copies of every measure (with its articles and organisations) and every
    indicator (with its articles, targets and observations); due dates spread over two years
    around today so that some are overdue and some due soon."""
    today = timezone.localdate()
    measures = list(Measure.objects.all())
    indicators = list(Indicator.objects.all())
    targets = list(Target.objects.all())
    observations = list(Observation.objects.all())
    for copy in range(1, factor):
        ids: dict[int, int] = {}
        rows = []
        for i, m in enumerate(measures):
            clone = Measure(
                key=f"{m.key}:x{copy}",
                title_kk=m.title_kk,
                title_ru=m.title_ru,
                title_en=m.title_en,
                kind=m.kind,
                status=m.status,
                progress=m.progress,
                due_date=today + dt.timedelta(days=(copy * 37 + i * 11) % 730 - 365),
                needs_review=(copy + i) % 40 == 0,
            )
            rows.append((m.pk, clone))
        Measure.objects.bulk_create([c for _pk, c in rows], batch_size=2000)
        ids = {pk: c.pk for pk, c in rows}
        _copy_m2m(Measure.articles.through, "measure_id", ids, "article_id")
        _copy_m2m(Measure.organizations.through, "measure_id", ids, "organization_id")
        irows = []
        for ind in indicators:
            clone = Indicator(
                key=f"{ind.key}:x{copy}",
                name_kk=ind.name_kk,
                name_ru=ind.name_ru,
                name_en=ind.name_en,
                unit=ind.unit,
                direction=ind.direction,
                programme_id=ind.programme_id,
                organization_id=ind.organization_id,
                year_from=ind.year_from,
                year_to=ind.year_to,
            )
            irows.append((ind.pk, clone))
        Indicator.objects.bulk_create([c for _pk, c in irows], batch_size=2000)
        iids = {pk: c.pk for pk, c in irows}
        _copy_m2m(Indicator.articles.through, "indicator_id", iids, "article_id")
        Target.objects.bulk_create(
            [
                Target(
                    indicator_id=iids[t.indicator_id], year=t.year, value=t.value, text_kk=t.text_kk
                )
                for t in targets
            ],
            batch_size=5000,
        )
        Observation.objects.bulk_create(
            [
                Observation(
                    indicator_id=iids[o.indicator_id],
                    period_start=o.period_start,
                    period_end=o.period_end,
                    value=o.value,
                    dims_key=o.dims_key,
                    text_kk=o.text_kk,
                    explanation=o.explanation,
                )
                for o in observations
            ],
            batch_size=5000,
        )


def recipients() -> None:
    """An editor in every organisation responsible for something; a reviewer; an administrator."""
    groups = {name: Group.objects.get(name=name) for name in (EDITOR, REVIEWER, ADMINISTRATOR)}
    orgs = Organization.objects.filter(
        Q(measures__isnull=False) | Q(indicators__isnull=False)
    ).distinct()
    for org in orgs:
        user, _c = User.objects.get_or_create(
            username=f"bench-editor-{org.code}",
            defaults={"email": f"{org.code.lower()}@bench.invalid", "organization": org},
        )
        user.groups.add(groups[EDITOR])
    for role in (REVIEWER, ADMINISTRATOR):
        user, _c = User.objects.get_or_create(
            username=f"bench-{role}", defaults={"email": f"{role}@bench.invalid", "language": "ru"}
        )
        user.groups.add(groups[role])


def _measure(fn) -> tuple[float, float, object]:
    """Run fn in a forked child: (seconds, child's peak RSS in MB, fn's result)."""
    connection.close()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        start = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - start
        with os.fdopen(write, "w") as out:
            out.write(f"{seconds} {_rss_mb()} {result}")
        connection.close()
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as inp:
        seconds, peak, *result = inp.read().split(" ", 2)
    os.waitpid(pid, 0)
    return float(seconds), float(peak), " ".join(result)


def _national() -> str:
    edition = services.edition_get_or_create(
        kind=ReportKind.NATIONAL, organization_id=None, day=timezone.localdate()
    )
    with transaction.atomic():
        files = services.edition_files(edition, ["kk"])
    pdf = files["kk", FileFormat.PDF].attachment
    xlsx = files["kk", FileFormat.XLSX].attachment
    return f"{pdf.size} {xlsx.size}"


def _digest_share(org_ids: list[int]) -> tuple[int, float]:
    """One worker process's share of the week's digests: (bytes written, its peak RSS in MB)."""
    connection.close()  # a forked child opens its own connection
    day = timezone.localdate()
    sizes = 0
    for org_id in org_ids:
        edition = services.edition_get_or_create(
            kind=ReportKind.DIGEST, organization_id=org_id, day=day
        )
        with transaction.atomic():
            files = services.edition_files(edition, ["kk"])
        sizes += sum(f.attachment.size for f in files.values())
    connection.close()
    return sizes, _rss_mb()


def _digest_orgs() -> list[int]:
    return services.schedule_targets(
        services.ReportSchedule.objects.get(kind=services.ScheduleKind.DIGEST)
    )


def _digests(processes: int) -> tuple[float, float, int, int]:
    """Every digest of a week as beat queues them: one `send_report` task per organisation,
    taken by a prefork worker of `processes` processes (Celery's default: one per core).
    Returns (seconds, peak RSS of a process in MB, organisations, bytes)."""
    from multiprocessing import get_context

    orgs = _digest_orgs()
    connection.close()
    shares = [orgs[i::processes] for i in range(processes)]
    start = time.perf_counter()
    with get_context("fork").Pool(processes, maxtasksperchild=1) as pool:
        results = pool.map(_digest_share, shares, chunksize=1)
    seconds = time.perf_counter() - start
    return seconds, max(peak for _s, peak in results), len(orgs), sum(s for s, _p in results)


def _reset_digests() -> None:
    from reports.models import ReportEdition, ReportFile

    ReportFile.objects.filter(edition__kind=ReportKind.DIGEST).delete()
    ReportEdition.objects.filter(kind=ReportKind.DIGEST).delete()


def run(factor: int) -> list[str]:
    multiply_start = time.perf_counter()
    multiply(factor)
    recipients()
    multiplied = time.perf_counter() - multiply_start
    counts = {
        "measures": Measure.objects.count(),
        "indicators": Indicator.objects.count(),
        "observations": Observation.objects.count(),
    }
    # WeasyPrint loads once per worker process, not once per report.
    import weasyprint  # noqa: F401

    baseline = _rss_mb()
    load = os.getloadavg()[0]
    n_seconds, n_peak, n_result = _measure(_national)
    pdf_size, xlsx_size = (int(x) for x in n_result.split())
    one_seconds, one_peak, n_orgs, d_size = _digests(1)
    _reset_digests()
    cores = os.cpu_count() or 1
    d_seconds, d_peak, _n, _size = _digests(cores)
    return [
        SECTION,
        "",
        f"The CRPD data multiplied {factor}× ({counts['measures']} measures, "
        f"{counts['indicators']} indicators, {counts['observations']} observations; "
        f"made in {multiplied:.0f} s). Files in one language (Kazakh); status computed by "
        "`reports.selectors.status_report`, PDF by WeasyPrint (PDF/UA-1), XLSX by openpyxl "
        "(write-only). Peak RSS is the generating process's, with the interpreter and Django "
        f"(about {baseline:.0f} MB before the work) included. Issue 8's targets: the national "
        "overview within 10 s, every digest of a week within 60 s in all. Load average when "
        f"the run began: {load:.1f} on {os.cpu_count()} cores (the machine may be shared).",
        "",
        "| what | seconds | peak RSS, MB | output |",
        "|---|---|---|---|",
        f"| national overview, PDF + XLSX | {n_seconds:.1f} | {n_peak:.0f} | "
        f"PDF {pdf_size / 1e6:.1f} MB, XLSX {xlsx_size / 1e6:.1f} MB |",
        f"| every organisation's weekly digest ({n_orgs}), PDF + XLSX each, one worker "
        f"process | {one_seconds:.1f} | {one_peak:.0f} | {d_size / 1e6:.1f} MB in all |",
        f"| the same, a prefork worker of {cores} processes (Celery's default here: one per "
        f"core; one `send_report` task per organisation) | {d_seconds:.1f} | {d_peak:.0f} | |",
        "",
    ]


def write_section(lines: list[str]) -> None:
    out = Path(settings.BASE_DIR) / "docs" / "BENCHMARKS.md"
    text = out.read_text(encoding="utf-8") if out.exists() else "# Benchmarks\n"
    if SECTION in text:
        text = text[: text.index(SECTION)].rstrip("\n") + "\n"
    out.write_text(text + "\n" + "\n".join(lines), encoding="utf-8")


def main() -> None:
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from ingest.loading import load_crpd

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    load_crpd(Path(settings.BASE_DIR) / "fixtures")
    lines = run(int(os.environ.get("REPORTS_BENCH_FACTOR", "100")))
    write_section(lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
