"""Load for `make bench` (issue 12): gunicorn on loopback, then 50 concurrent clients for 30 s —
a public read mix, and a write mix of editors proposing and submitting while reviewers approve.

The driver is asyncio + httpx: bounded (one connection per client, `CLIENTS` clients, a fixed
duration, a timeout per request), loopback only. The write mix goes through the REST API with
the users' sessions (made in the database beforehand, as a sign-in would) and checks for lost
updates at the end: every measure's version must have risen by exactly the number of approvals
the clients saw, and its progress must be the last approved value.

Used by scripts/bench.py; `python -m scripts.bench_load URL` runs the read mix alone against a
running server.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request

CLIENTS = 50
DURATION = float(os.environ.get("BENCH_LOAD_SECONDS", "30"))
TIMEOUT = 60.0
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    conflicts: int = 0
    statuses: dict[int, int] = field(default_factory=dict)

    def add(self, started: float, status: int, ok: bool) -> None:
        self.latencies.append((time.perf_counter() - started) * 1000)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if not ok:
            self.errors += 1

    def summary(self, seconds: float) -> dict[str, float]:
        lat = sorted(self.latencies) or [0.0]

        def pct(p: float) -> float:
            return lat[min(len(lat) - 1, int(p * len(lat)))]

        return {
            "requests": len(self.latencies),
            "rps": len(self.latencies) / seconds,
            "p50": statistics.median(lat),
            "p95": pct(0.95),
            "p99": pct(0.99),
            "errors": self.errors,
            "conflicts": self.conflicts,
            "statuses": dict(sorted(self.statuses.items())),  # 0: no answer (a timeout)
        }


async def _read_client(client: httpx.AsyncClient, urls: list[str], tally: Tally, stop: float):
    i = secrets.randbelow(len(urls))
    while time.perf_counter() < stop:
        url = urls[i % len(urls)]
        i += 1
        started = time.perf_counter()
        try:
            response = await client.get(url)
            tally.add(started, response.status_code, response.status_code == 200)
        except httpx.HTTPError:
            tally.add(started, 0, False)


async def read_mix(base: str, urls: list[str], *, clients=CLIENTS, duration=DURATION) -> dict:
    tally = Tally()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=TIMEOUT) as client:
        stop = time.perf_counter() + duration
        start = time.perf_counter()
        await asyncio.gather(*(_read_client(client, urls, tally, stop) for _ in range(clients)))
        return tally.summary(time.perf_counter() - start)


_WRK_SCRIPT = """
local urls = {%s}
local i = math.random(#urls)
request = function()
  i = i %% #urls + 1
  return wrk.format("GET", urls[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK %%d %%d %%f %%f %%f %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def read_mix_wrk(base: str, urls: list[str], *, clients=CLIENTS, duration=DURATION) -> dict:
    """The read mix driven by wrk (C, two threads: far less of the two cores than Python
    clients take from the server under test). Errors: connection, read, write, timeouts and
    answers of 400 and above."""
    import shutil
    import tempfile
    from urllib.parse import quote

    quoted = ", ".join(f'"{quote(u, safe="/?=&")}"' for u in urls)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_WRK_SCRIPT % quoted)
    command = [
        shutil.which("wrk") or "wrk",
        "-t2",
        f"-c{clients}",
        f"-d{int(duration)}s",
        f"--timeout={int(TIMEOUT)}s",
        "-s",
        script.name,
        base,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    Path(script.name).unlink()
    fields = next(line for line in out.splitlines() if line.startswith("WRK ")).split()[1:]
    requests, micros = int(fields[0]), int(fields[1])
    p50, p95, p99 = (float(v) for v in fields[2:5])
    return {
        "requests": requests,
        "rps": requests / (micros / 1e6),
        "p50": p50,
        "p95": p95,
        "p99": p99,
        "errors": sum(int(v) for v in fields[5:]),
        "conflicts": 0,
        "driver": "wrk",
    }


def warm_up(base: str, urls: list[str], seconds: float = 5.0) -> None:
    """A running server's state, not a fresh one's: every worker process has loaded its
    templates and opened its connection (a fresh gunicorn's first second of requests takes
    seconds each). Ten clients for a few seconds; the caller then empties the cache."""
    asyncio.run(read_mix(base, urls, clients=10, duration=seconds))


def read_mix_any(base: str, urls: list[str]) -> dict:
    """wrk when installed (Debian's package), else the Python clients."""
    import shutil

    if shutil.which("wrk"):
        return read_mix_wrk(base, urls)
    return asyncio.run(read_mix(base, urls)) | {"driver": "httpx"}


@dataclass
class Session:
    """A signed-in user for the API: session cookie, CSRF cookie and the same token in a header."""

    cookie: str
    csrf: str = field(default_factory=lambda: secrets.token_hex(16))  # 32 characters

    def client(self, base: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=base,
            timeout=TIMEOUT,
            cookies={"sessionid": self.cookie, "csrftoken": self.csrf},
            headers={"X-CSRFToken": self.csrf, "Referer": base + "/"},
        )


@dataclass
class WriteState:
    queue: asyncio.Queue
    editors_left: int = 0  # reviewers stop only when no editor waits for a decision
    approvals: dict[str, list[int]] = field(default_factory=dict)  # measure key -> progress


async def _call(client, tally: Tally, method: str, url: str, **kwargs) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.HTTPError:
        tally.add(started, 0, False)
        return None
    conflict = response.status_code == 409
    tally.conflicts += conflict
    tally.add(started, response.status_code, response.status_code < 400 or conflict)
    return response


async def _editor(session, base, key, tally, state, stop) -> None:
    """Propose a new progress for the editor's own measure, submit it, wait for the decision."""
    try:
        await _propose_until(session, base, key, tally, state, stop)
    finally:
        state.editors_left -= 1


async def _propose_until(session, base, key, tally, state, stop) -> None:
    async with session.client(base) as client:
        n = 0
        while time.perf_counter() < stop:
            n += 1
            body = {"target_type": "measure", "target": key, "payload": {"progress": n % 99}}
            created = await _call(client, tally, "POST", "/api/v1/change-requests/", json=body)
            if created is None or created.status_code != 201:
                await asyncio.sleep(0.5)
                continue
            cr_id = created.json()["id"]
            submitted = await _call(
                client, tally, "POST", f"/api/v1/change-requests/{cr_id}/submit/"
            )
            if submitted is None or submitted.status_code != 200:
                continue
            done = asyncio.get_running_loop().create_future()
            await state.queue.put((cr_id, key, n % 99, done))
            await done


async def _reviewer(session, base, tally, state, stop) -> None:
    async with session.client(base) as client:
        while True:
            try:
                cr_id, key, progress, done = await asyncio.wait_for(state.queue.get(), 1.0)
            except TimeoutError:
                if state.editors_left <= 0 and time.perf_counter() >= stop:
                    return
                continue
            url = f"/api/v1/change-requests/{cr_id}/approve/"
            response = await _call(client, tally, "POST", url, json={"comment": ""})
            if response is not None and response.status_code == 200:
                state.approvals.setdefault(key, []).append(progress)
            done.set_result(None)


async def write_mix(base, editors: list[tuple[Session, str]], reviewers: list[Session]) -> tuple:
    """`editors`: (session, key of the measure the editor works on); returns the summary and
    {measure key: approved progress values in order}."""
    tally, state = Tally(), WriteState(queue=asyncio.Queue(), editors_left=len(editors))
    stop = time.perf_counter() + DURATION
    start = time.perf_counter()
    await asyncio.gather(
        *(_editor(s, base, key, tally, state, stop) for s, key in editors),
        *(_reviewer(s, base, tally, state, stop) for s in reviewers),
    )
    return tally.summary(time.perf_counter() - start), state.approvals


def start_gunicorn(port: int, env: dict[str, str], workers: int = 5) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(  # noqa: S603 - our own executable and arguments
        [
            str(gunicorn),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--backlog",
            "256",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code < 500:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    stop_gunicorn(process)
    raise RuntimeError("gunicorn did not start")


def worker_peak_mb(process: subprocess.Popen) -> float:
    """The largest peak RSS (VmHWM) among the master's worker processes."""
    peak = 0.0
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    for pid in children.read_text().split() if children.exists() else []:
        status = Path(f"/proc/{pid}/status")
        for line in status.read_text().splitlines() if status.exists() else []:
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) / 1024)
    return peak


def stop_gunicorn(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


if __name__ == "__main__":
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    print(asyncio.run(read_mix(base, ["/kk/", "/kk/measures/", "/kk/legal-acts/"])))
