"""A small, bounded HTTP load on the loopback interface: N concurrent connections for S seconds
over a mix of URLs, counting every answer that is not 2xx/3xx (and every transport error) as an
error. For a gunicorn node (docs/DEPLOYMENT.md), e.g.

    python -m scripts.load --base http://127.0.0.1:8103 --concurrency 50 --seconds 60 --write

Reusable: `run_load(urls, concurrency, seconds)` returns the figures as a LoadResult; other
benchmarks (scripts/bench.py) may call it with their own URL mix. Bounded on purpose: at most
MAX_CONCURRENCY connections, MAX_SECONDS seconds, loopback hosts only.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

MAX_CONCURRENCY = 200
MAX_SECONDS = 600
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
# The public read mix: what anonymous visitors read most, pages and API, in three languages.
PUBLIC_READ_MIX = (
    "/kk/",
    "/ru/articles/9/",
    "/en/articles/24/",
    "/kk/measures/",
    "/ru/measures/?page=2",
    "/en/legal-acts/",
    "/kk/indicators/",
    "/ru/organisations/MH/",
    "/api/v1/articles/",
    "/api/v1/measures/",
    "/api/v1/legal-acts/",
    "/healthz",
)
MARK_BEGIN = "<!-- scripts/load.py: begin -->"
MARK_END = "<!-- scripts/load.py: end -->"


@dataclass
class LoadResult:
    concurrency: int
    seconds: float
    requests: int = 0
    errors: int = 0
    statuses: Counter = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    def summary(self) -> dict[str, float | int]:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "per_second": round(self.per_second, 1),
            "median_ms": round(statistics.median(self.latencies_ms), 1) if self.requests else 0,
            "p95_ms": round(self.percentile(95), 1),
            "p99_ms": round(self.percentile(99), 1),
            "max_ms": round(max(self.latencies_ms, default=0), 1),
        }


def _check_bounds(urls: Sequence[str], concurrency: int, seconds: float) -> None:
    if not urls:
        raise ValueError("No URLs to load.")
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise ValueError(f"concurrency must be 1..{MAX_CONCURRENCY}")
    if not 0 < seconds <= MAX_SECONDS:
        raise ValueError(f"seconds must be in (0, {MAX_SECONDS}]")
    for url in urls:
        if urlsplit(url).hostname not in LOOPBACK | {"::1"}:
            raise ValueError(f"Loopback only: {url}")


async def _connection(client, urls, stop_at, result, offset) -> None:
    i = offset
    while time.monotonic() < stop_at:
        url = urls[i % len(urls)]
        i += 1
        started = time.monotonic()
        try:
            response = await client.get(url)
            status = response.status_code
        except httpx.HTTPError as exc:
            status, detail = 0, f"{url}: {type(exc).__name__}"
        else:
            detail = f"{url}: {status}"
        result.latencies_ms.append((time.monotonic() - started) * 1000)
        result.requests += 1
        result.statuses[status] += 1
        if not 200 <= status < 400:
            result.errors += 1
            if len(result.error_samples) < 20:
                result.error_samples.append(detail)


async def _run(urls: Sequence[str], concurrency: int, seconds: float) -> LoadResult:
    result = LoadResult(concurrency=concurrency, seconds=seconds)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30, follow_redirects=False) as client:
        stop_at = time.monotonic() + seconds
        started = time.monotonic()
        await asyncio.gather(
            *(_connection(client, urls, stop_at, result, n) for n in range(concurrency))
        )
        result.seconds = time.monotonic() - started
    return result


def run_load(urls: Sequence[str], concurrency: int, seconds: float) -> LoadResult:
    """`concurrency` connections, each requesting the URLs in turn (each starting at another
    one), for `seconds`; absolute loopback URLs only."""
    _check_bounds(urls, concurrency, seconds)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_run(list(urls), concurrency, seconds))
    # Called where an event loop already runs in this thread (Playwright's sync API, a notebook):
    # the load gets a thread and a loop of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(_run(list(urls), concurrency, seconds))).result()


def markdown(result: LoadResult, *, base: str, workers: str, note: str) -> str:
    s = result.summary()
    statuses = ", ".join(f"{code}: {n}" for code, n in sorted(result.statuses.items()))
    return "\n".join(
        [
            MARK_BEGIN,
            "## Load: the public read mix against gunicorn (`scripts/load.py`)",
            "",
            f"{dt.datetime.now(dt.UTC).date().isoformat()}: {result.concurrency} concurrent "
            "connections for "
            f"{result.seconds:.0f} s on the loopback interface against `{base}` (gunicorn, "
            f"{workers} sync workers, `config.settings.production`), Python "
            f"{platform.python_version()}, {os.cpu_count()} cores shared with other work "
            f"({note}). URLs, in turn: " + ", ".join(f"`{u}`" for u in PUBLIC_READ_MIX) + ".",
            "",
            "| requests | errors | requests/s | median ms | p95 ms | p99 ms | max ms |",
            "|---|---|---|---|---|---|---|",
            f"| {s['requests']} | {s['errors']} | {s['per_second']} | {s['median_ms']} | "
            f"{s['p95_ms']} | {s['p99_ms']} | {s['max_ms']} |",
            "",
            f"Answers by status: {statuses}.",
            MARK_END,
        ]
    )


def write_section(path: Path, section: str) -> None:
    """Replace this script's section of the file (between its markers), or append it."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if MARK_BEGIN in text and MARK_END in text:
        before, rest = text.split(MARK_BEGIN, 1)
        after = rest.split(MARK_END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", default=os.environ.get("GUNICORN_WORKERS", "?"))
    parser.add_argument("--note", default="")
    parser.add_argument("--write", action="store_true", help="into docs/BENCHMARKS.md")
    args = parser.parse_args()
    urls = [args.base + path for path in PUBLIC_READ_MIX]
    result = run_load(urls, args.concurrency, args.seconds)
    print(result.summary())
    print("statuses:", dict(result.statuses), "errors:", result.error_samples)
    if args.write:
        load_note = f"load average {os.getloadavg()[0]:.1f} at the end" + (
            f"; {args.note}" if args.note else ""
        )
        section = markdown(result, base=args.base, workers=args.workers, note=load_note)
        write_section(Path(__file__).resolve().parent.parent / "docs" / "BENCHMARKS.md", section)
    return 1 if result.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
