"""/readyz: the database, the broker and the file storage, each really tried; 503 naming what
failed when one is not there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from .conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_ready_when_database_broker_and_storage_answer(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "broker": True,
        "storage": True,
    }
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_not_ready_when_the_broker_is_unreachable(client):
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{free_port()}/0"):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    # Hosts and ports go to the log only.
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_not_ready_when_files_cannot_be_written(client, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the media folder should be")
    with override_settings(MEDIA_ROOT=blocker):
        response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["storage"]["ok"] is False
    assert checks["broker"]["ok"] is True


@pytest.mark.django_db
def test_storage_probe_leaves_no_file_behind(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert client.get("/readyz").status_code == 200
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def settings_in_a_fresh_process(**env: str) -> list[str]:
    """The default storage's backend and place, and ADMINS, as a fresh production process sees
    them; CalledProcessError (with stderr) if the settings refuse to load."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    environment["DJANGO_SECRET_KEY"] = "s" * 20 + "x7Qz!kL0vN3mR8tY2wE5uI9oA1sD4fG6hJ"
    environment.update(env)
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.core.files.storage import default_storage as s; "
        "print(settings.STORAGES['default']['BACKEND']); "
        "print(s.bucket_name if hasattr(s, 'bucket_name') else s.location); "
        "print(settings.ADMINS)"
    )
    output = subprocess.check_output(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, text=True, timeout=120,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    return output.splitlines()


def test_file_storage_is_local_disk_unless_s3_is_chosen_and_admins_come_from_the_env():
    local = settings_in_a_fresh_process(
        DJANGO_MEDIA_ROOT="/srv/crpd/media",
        DJANGO_ADMINS="Operations <ops@example.kz>, duty@example.kz",
    )
    assert local == [
        "django.core.files.storage.FileSystemStorage",
        "/srv/crpd/media",
        "[('Operations', 'ops@example.kz'), ('duty@example.kz', 'duty@example.kz')]",
    ]
    s3 = settings_in_a_fresh_process(
        CRPD_FILE_STORAGE="s3",
        CRPD_S3_BUCKET="crpd-evidence",
        CRPD_S3_ENDPOINT_URL="https://s3.example.kz",
    )
    assert s3[:2] == ["storages.backends.s3.S3Storage", "crpd-evidence"]
    with pytest.raises(subprocess.CalledProcessError) as wrong:
        settings_in_a_fresh_process(CRPD_FILE_STORAGE="ftp")
    assert "CRPD_FILE_STORAGE" in wrong.value.stderr
