"""The overview pages (dashboard, article, organisations, programmes, indicators) on the CRPD data
multiplied (REPORTS_BENCH_FACTOR, default 100): each page's queries and time with the status
numbers computed (the cache emptied before every request) and read from the cache. Writes its
own section of docs/BENCHMARKS.md. Run: `python -m scripts.bench_pages` (a database of its own,
as `make bench`)."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from indicators.models import Indicator, Observation, Programme  # noqa: E402
from reports.selectors import national_summary  # noqa: E402
from tracker.models import Measure, Organization  # noqa: E402

SECTION = "## Overview pages at scale"


def _pages() -> list[str]:
    regional = (
        Observation.objects.filter(dims_key__startswith="region=")
        .order_by("indicator_id")
        .values_list("indicator_id", flat=True)
        .first()
    )
    org = Organization.objects.filter(measures__isnull=False).order_by("code").first()
    programme = Programme.objects.order_by("pk").first()
    return [
        "/kk/",
        "/kk/articles/9/",
        "/kk/organisations/",
        f"/kk/organisations/{org.code}/",
        "/kk/indicators/",
        "/kk/indicators/?verdict=off_track",
        f"/kk/indicators/{regional}/",
        "/kk/indicators/programmes/",
        f"/kk/indicators/programmes/{programme.pk}/",
    ]


def _request(client: Client, url: str, *, cold: bool) -> tuple[int, float]:
    if cold:
        cache.clear()
    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    start = time.perf_counter()
    with connection.execute_wrapper(count):
        client.get(url)
    return len(executed), (time.perf_counter() - start) * 1000


def run() -> list[str]:
    client = Client()
    start = time.perf_counter()
    national_summary(as_of=timezone.localdate())
    summary_s = time.perf_counter() - start
    rows = []
    for url in _pages():
        client.get(url)
        cold = [_request(client, url, cold=True) for _ in range(3)]
        warm = [_request(client, url, cold=False) for _ in range(5)]
        rows.append(
            f"| `{url}` | {cold[0][0]} | {statistics.median(t for _q, t in cold):.0f} | "
            f"{warm[0][0]} | {statistics.median(t for _q, t in warm):.0f} |"
        )
    return [
        SECTION,
        "",
        f"{Measure.objects.count()} measures, {Indicator.objects.count()} indicators, "
        f"{Observation.objects.count()} observations (the CRPD data multiplied by "
        "scripts/bench_reports.py). `reports.selectors.national_summary`, the dashboard's "
        f"numbers, computed in {summary_s:.1f} s. Cold: the cache emptied before each request "
        "(median of 3); warm: read from the cache (median of 5), as every request after the "
        "first of a day or after a write. Load average when the run began: "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (the machine may be shared).",
        "",
        "| page | queries cold | ms cold | queries warm | ms warm |",
        "|---|---|---|---|---|",
        *rows,
        "",
    ]


def write_section(lines: list[str]) -> None:
    out = Path(settings.BASE_DIR) / "docs" / "BENCHMARKS.md"
    text = out.read_text(encoding="utf-8") if out.exists() else "# Benchmarks\n"
    if SECTION in text:
        start = text.index(SECTION)
        rest = text[start + len(SECTION) :]
        end = rest.find("\n## ")
        tail = rest[end + 1 :] if end >= 0 else ""
        text = text[:start].rstrip("\n") + "\n\n" + tail
    out.write_text(text.rstrip("\n") + "\n\n" + "\n".join(lines), encoding="utf-8")


def main() -> None:
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from ingest.loading import load_crpd
    from scripts import bench_reports

    setup_test_environment()
    call_command("migrate", verbosity=0)
    if not Measure.objects.exists():  # a second run times the data the first one made
        load_crpd(Path(settings.BASE_DIR) / "fixtures")
        bench_reports.multiply(int(os.environ.get("REPORTS_BENCH_FACTOR", "100")))
    lines = run()
    write_section(lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
