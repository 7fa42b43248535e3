"""scripts/load.py counts what a real server answers, errors included, and stays in its bounds."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from config.settings.base import process_kind
from scripts.load import MARK_BEGIN, MARK_END, LoadResult, run_load, write_section

from .processes import ROOT


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        status = 500 if self.path == "/broken" else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_every_answer_is_counted_and_errors_are_named(server):
    result = run_load([f"{server}/fine", f"{server}/broken"], concurrency=4, seconds=1)
    assert result.requests > 10
    assert result.statuses[200] + result.statuses[500] == result.requests
    assert result.errors == result.statuses[500] > 0
    assert result.error_samples[0] == f"{server}/broken: 500"
    summary = result.summary()
    assert summary["requests"] == result.requests
    assert 0 < summary["median_ms"] <= summary["p95_ms"] <= summary["max_ms"]


def test_it_runs_where_an_event_loop_is_already_running(server):
    async def inside_a_loop():
        return run_load([f"{server}/fine"], concurrency=2, seconds=0.5)

    # A thread of its own, so that no other loop (the browser tests') is running there first.
    with ThreadPoolExecutor(max_workers=1) as pool:
        result = pool.submit(lambda: asyncio.run(inside_a_loop())).result()
    assert result.requests == result.statuses[200] > 0


def test_a_refused_connection_is_an_error_too(server):
    from .conftest import free_port

    result = run_load([f"http://127.0.0.1:{free_port()}/"], concurrency=2, seconds=0.5)
    assert result.requests == result.errors == result.statuses[0] > 0


@pytest.mark.parametrize(
    ("urls", "concurrency", "seconds"),
    [
        (["https://crpd.example.kz/"], 1, 1),  # loopback only
        (["http://127.0.0.1:1/"], 201, 1),
        (["http://127.0.0.1:1/"], 1, 601),
        ([], 1, 1),
    ],
)
def test_the_bounds_hold(urls, concurrency, seconds):
    with pytest.raises(ValueError):  # noqa: PT011 -- each bound has its own message
        run_load(urls, concurrency, seconds)


def test_the_figures_replace_their_own_section_only(tmp_path):
    page = tmp_path / "BENCHMARKS.md"
    page.write_text("# Benchmarks\n\nOther figures.\n")
    write_section(page, f"{MARK_BEGIN}\nfirst\n{MARK_END}")
    write_section(page, f"{MARK_BEGIN}\nsecond\n{MARK_END}")
    text = page.read_text()
    assert text.startswith("# Benchmarks\n\nOther figures.\n")
    assert "second" in text
    assert "first" not in text
    assert LoadResult(concurrency=1, seconds=1).summary()["requests"] == 0


def test_each_kind_of_process_gets_its_own_database_timeouts():
    # config/wsgi.py declares any WSGI server (gunicorn, uWSGI, mod_wsgi) a web process.
    assert process_kind(["/srv/crpd/.venv/bin/gunicorn", "-c", "config/gunicorn.py"], "web") == (
        "web"
    )
    assert process_kind(["manage.py", "runserver"]) == "web"
    assert process_kind(["/srv/crpd/.venv/bin/pytest"]) == "web"
    assert process_kind(["/srv/crpd/.venv/bin/celery", "-A", "config", "worker"]) == "worker"
    assert process_kind(["/usr/lib/python3/site-packages/celery/__main__.py"]) == "worker"
    assert process_kind(["manage.py", "migrate"]) == "command"
    assert process_kind(["/srv/crpd/scripts/bench.py"]) == "command"
    assert process_kind(["manage.py", "shell"], "nonsense") == "command"


def test_a_wsgi_server_gets_the_web_timeouts(tmp_path):
    """Not the argv of this test: a fresh process that loads config.wsgi as gunicorn does."""
    code = (
        "import config.wsgi; from django.conf import settings; "
        "print(settings.DATABASE_LOCK_TIMEOUT_MS, settings.DATABASE_STATEMENT_TIMEOUT_MS)"
    )
    env = {k: v for k, v in os.environ.items() if k != "CRPD_PROCESS_KIND"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    output = subprocess.check_output(
        [sys.executable, "-c", code], cwd=ROOT, env=env, text=True, timeout=120
    )
    assert output.split() == ["5000", "30000"]
