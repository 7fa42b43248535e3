"""Exports at scale: every measure and every observation of the multiplied CRPD data downloaded as
CSV and as XLSX, timed, with the process's peak RSS, and again under tracemalloc for the peak of
Python's own allocations. Part of `make bench` (scripts/bench.py calls `run` after the status
reports have multiplied the data); alone:

    DATABASE_URL=postgres://…/crpd_exports_bench python -m scripts.bench_exports

(alone, it loads the CRPD data into an empty database, multiplies it REPORTS_BENCH_FACTOR times
(default 100) and rewrites only its own section of docs/BENCHMARKS.md). Each export runs in a
forked child, so its RSS is its own on top of the interpreter and Django. The writers are the
pages' and the API's (exports/writers.py): rows read in chunks, CSV streamed line by line, XLSX
through openpyxl's write-only workbook into a temporary file."""

from __future__ import annotations

import os
import time
import tracemalloc
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from django.conf import settings  # noqa: E402
from django.utils import translation  # noqa: E402

from exports import tables, writers  # noqa: E402
from scripts import bench_reports  # noqa: E402

SECTION = "## Exports"


def _csv(table: tables.Table) -> int:
    rows = table.rows(tables.BASE_QUERYSETS[table.name]())
    return sum(
        len(line.encode()) for line in writers.csv_lines(table.headers(), rows, language="kk")
    )


def _tidy() -> int:
    headers, rows = tables.tidy_observation_rows(tables.BASE_QUERYSETS["observations"]())
    return sum(len(line.encode()) for line in writers.csv_lines(headers, rows, language="kk"))


def _xlsx(table: tables.Table) -> int:
    with writers.xlsx_file([(table, tables.BASE_QUERYSETS[table.name]())]) as handle:
        return os.fstat(handle.fileno()).st_size


def _in_kazakh(fn):
    def run() -> str:
        with translation.override("kk"):
            return str(fn())

    return run


def _traced(fn):
    def run() -> str:
        tracemalloc.start()
        with translation.override("kk"):
            fn()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return str(peak)

    return run


EXPORTS = [
    ("all measures, CSV", lambda: _csv(tables.MEASURES)),
    ("all measures, XLSX", lambda: _xlsx(tables.MEASURES)),
    ("all observations, CSV", lambda: _csv(tables.OBSERVATIONS)),
    ("all observations, tidy CSV", _tidy),
    ("all observations, XLSX", lambda: _xlsx(tables.OBSERVATIONS)),
]


def run(factor: int) -> list[str]:
    counts = {
        "measures": tables.BASE_QUERYSETS["measures"]().count(),
        "observations": tables.BASE_QUERYSETS["observations"]().count(),
    }
    baseline = bench_reports._rss_mb()
    load = os.getloadavg()[0]
    rows = []
    for label, fn in EXPORTS:
        # Twice: timed as it runs for a person, then again under tracemalloc for its allocations.
        seconds, peak_rss, result = bench_reports._measure(_in_kazakh(fn))
        _seconds, _rss, traced = bench_reports._measure(_traced(fn))
        rows.append(
            f"| {label} | {seconds:.1f} | {int(traced) / 1e6:.1f} | {peak_rss:.0f} | "
            f"{int(result) / 1e6:.1f} MB |"
        )
    return [
        SECTION,
        "",
        f"The CRPD data multiplied {factor}× ({counts['measures']} measures, "
        f"{counts['observations']} observations), exported in Kazakh with the pages' writers "
        f"(exports/writers.py; rows read {tables.CHUNK_SIZE} at a time). Seconds and peak RSS "
        "are of a plain run (the RSS with the interpreter and Django "
        f"(about {baseline:.0f} MB before the work) included); the peak of Python's own "
        "allocations is from a second run under tracemalloc. Load average when the run began: "
        f"{load:.1f} on {os.cpu_count()} cores (the machine may be shared).",
        "",
        "| export | seconds | peak traced allocations, MB | peak RSS, MB | file |",
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
        text = text[:start] + (rest[end + 1 :] if end >= 0 else "")
    out.write_text(text.rstrip("\n") + "\n\n" + "\n".join(lines), encoding="utf-8")


def main() -> None:
    bench_reports.load_fresh()
    factor = int(os.environ.get("REPORTS_BENCH_FACTOR", "100"))
    start = time.perf_counter()
    bench_reports.multiply(factor)
    print(f"multiplied in {time.perf_counter() - start:.0f} s")
    lines = run(factor)
    write_section(lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
