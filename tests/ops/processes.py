"""Real services for the production tests, each on a loopback port of its own that the kernel
picked: a redis-server the test may stop and start again, gunicorn with several workers, a Celery
worker, and an SMTP server (aiosmtpd) that accepts or refuses. Every process is ended by the
context manager that started it, whatever the test did."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from aiosmtpd.controller import Controller
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def wait_until(predicate, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise TimeoutError(f"Gave up after {seconds} s waiting for {what}.")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class Redis:
    """A redis-server of the test's own, which it may stop and start again on the same port."""

    def __init__(self, port: int, workdir: Path) -> None:
        self.port, self.workdir = port, workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def ping(self) -> bool:
        result = subprocess.run(
            [shutil.which("redis-cli") or "redis-cli", "-p", str(self.port), "ping"],
            capture_output=True,
            text=True,
            check=False,
        )
        return result.stdout.strip() == "PONG"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port),
             "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(self.ping, seconds=20, what=f"redis on {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None
        assert not self.ping()


@contextmanager
def redis_server(port: int, workdir: Path) -> Iterator[Redis]:
    server = Redis(port, workdir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_database_url() -> str:
    params = connection.settings_dict
    user = params.get("USER") or "postgres"
    host, port = params.get("HOST") or "127.0.0.1", params.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{params['NAME']}"


def service_env(**extra: str) -> dict[str, str]:
    """The environment of the server processes: the test database, the test settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.test", DATABASE_URL=test_database_url())
    env.update(extra)
    if "CRPD_VAR_DIR" in env:  # one cache for the processes, as in `make run`
        env.setdefault("CRPD_TEST_CACHE_DIR", str(Path(env["CRPD_VAR_DIR"]) / "cache"))
    return env


@contextmanager
def gunicorn(port: int, env: dict[str, str], *, workers: int = 2) -> Iterator[str]:
    log = open(Path(env["CRPD_VAR_DIR"]) / f"gunicorn-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi:application"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(answers, seconds=60, what="gunicorn")
        yield base
    finally:
        stop(process)
        log.close()


@contextmanager
def celery_worker(env: dict[str, str], *, name: str = "w1") -> Iterator[subprocess.Popen]:
    log = open(Path(env["CRPD_VAR_DIR"]) / f"celery-{name}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [str(BIN / "celery"), "-A", "config", "worker", "--loglevel=INFO", "--pool=threads",
         "--concurrency=2", f"--hostname={name}@%h", "--without-heartbeat", "--without-gossip",
         "--without-mingle"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield process
    finally:
        stop(process)
        log.close()


class Mailbox:
    """An aiosmtpd handler: keeps what it accepts; while `refusing`, answers 451 (try later)."""

    def __init__(self) -> None:
        self.accepted: list[tuple[str, list[str], bytes]] = []
        self.refused = 0
        self.refusing = False

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 -- aiosmtpd's name
        if self.refusing:
            self.refused += 1
            return "451 4.3.0 Mail server busy, try again later"
        self.accepted.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@contextmanager
def smtp_server(port: int) -> Iterator[Mailbox]:
    mailbox = Mailbox()
    mailbox.port = port
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
