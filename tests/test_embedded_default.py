"""With nothing configured, the project runs on SQLite and a broker that needs no server."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str], env: dict, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_fresh_sqlite_database_migrates_and_serves_the_dashboard(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    env["CRPD_VAR_DIR"] = str(tmp_path / "var")

    migrated = _run(["manage.py", "migrate", "--no-input"], env)
    assert migrated.returncode == 0, migrated.stderr
    assert (tmp_path / "var" / "db.sqlite3").exists()

    script = """
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
from ingest.tasks import data_summary
response = Client().get("/kk/")
print("ENGINE", connection.vendor)
print("STATUS", response.status_code)
print("LANG", 'lang="kk"' in response.content.decode())
data_summary.delay()
# SQLite folds only ASCII: the registered casefold function finds Cyrillic in any case.
from tracker.models import Measure
Measure.objects.create(
    key="m:sqlite", title_kk="Мектептерге пандус", kind="other", status="planned"
)
found = Client().get("/en/measures/?q=ПАНДУС").content.decode()
print("SEARCH", "Мектептерге пандус" in found)
page = Client().get("/en/search/?q=Пандус").content.decode()
print("SEARCH PAGE", "<mark>пандус</mark>" in page)
"""
    served = _run(["manage.py", "shell", "-c", script], env)
    assert served.returncode == 0, served.stderr
    assert "ENGINE sqlite" in served.stdout
    assert "STATUS 200" in served.stdout
    assert "LANG True" in served.stdout
    assert "SEARCH True" in served.stdout
    assert "SEARCH PAGE True" in served.stdout
    # The task went to kombu's filesystem transport: a message file, no broker server.
    queued = list((tmp_path / "var" / "celery" / "queue").glob("*.msg"))
    assert len(queued) == 1
