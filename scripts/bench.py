"""`make bench`: how long the data load and the main pages take, on the configured database.

Writes docs/BENCHMARKS.md. Run against PostgreSQL (the Makefile passes DATABASE_URL) on a database
of its own, which it flushes first.
"""

import os
import platform
import statistics
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from ingest.loading import load_crpd  # noqa: E402
from tracker.models import User  # noqa: E402

PAGES = [
    "/kk/",
    "/kk/articles/9/",
    "/kk/measures/",
    "/kk/legal-acts/",
    "/kk/indicators/",
    "/kk/my-work/",
    "/kk/admin/tracker/measure/",
    "/kk/admin/tracker/citation/",
    "/kk/admin/tracker/legalact/",
    "/kk/admin/indicators/observation/",
    "/kk/admin/indicators/indicator/",
]


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)  # flush empties the role groups too: recreate them
    fixtures = settings.BASE_DIR / "fixtures"
    first = timed(lambda: load_crpd(fixtures), 1)[0]
    again = timed(lambda: load_crpd(fixtures), 3)

    admin = User.objects.create_superuser("bench-admin", "bench@example.invalid", "x")
    client = Client()
    client.force_login(admin)
    rows = []
    for url in PAGES:
        client.get(url)  # warm caches
        executed: list[str] = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            status = client.get(url).status_code
        times = timed(lambda url=url: client.get(url), 10)
        rows.append((url, status, len(executed), statistics.median(times), max(times)))

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0].split(" on ")[0]
    lines = [
        "# Benchmarks",
        "",
        "Made by `make bench` (scripts/bench.py) on "
        f"{server}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores. Re-run to refresh.",
        "",
        "## Loading the CRPD data (`load_crpd`)",
        "",
        "| run | seconds |",
        "|---|---|",
        f"| first load into an empty database | {first / 1000:.1f} |",
        f"| second load (nothing changes), median of 3 | {statistics.median(again) / 1000:.1f} |",
        "",
        "## Pages (superuser, full CRPD data loaded; 10 requests each)",
        "",
        "| page | status | queries | median ms | max ms |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| `{u}` | {s} | {q} | {m:.0f} | {x:.0f} |" for u, s, q, m, x in rows]
    from scripts import bench_import, bench_reports

    lines += ["", *bench_import.run(int(os.environ.get("IMPORT_BENCH_ROWS", "2000")))]
    # Last: it multiplies the data the pages above were timed on.

    factor = int(os.environ.get("REPORTS_BENCH_FACTOR", "100"))
    lines += ["", *bench_reports.run(factor)]
    # On the data the reports multiplied: every measure and observation as CSV and XLSX.
    from scripts import bench_exports

    lines += ["", *bench_exports.run(factor)]
    from scripts import bench_pages  # the overview pages on the same multiplied data

    lines += ["", *bench_pages.run()]
    out = settings.BASE_DIR / "docs" / "BENCHMARKS.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(Path(out).read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
