"""backup_data / restore_data: a round trip into a database of its own gives back the same rows
(every table's count and checksum) and the same files; a damaged backup or an occupied database
is refused before anything changes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests import factories as f
from tracker import backup
from tracker.models import Evidence
from tracker.workflow import services

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << >> endobj\n"


@pytest.fixture
def restore_db(transactional_db):
    """An empty database named after the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"
    params = backup.connection_params({**connection.settings_dict, "NAME": "postgres"})
    admin = psycopg2.connect(**params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    settings_dict = {**connection.settings_dict, "NAME": name}
    yield settings_dict
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def url_of(settings_dict) -> str:
    host, port = settings_dict.get("HOST") or "127.0.0.1", settings_dict.get("PORT") or 5432
    user = settings_dict.get("USER") or "postgres"
    return f"postgres://{user}@{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture
def some_records(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    org = f.OrganizationFactory(code="MH", name_kk="Денсаулық сақтау министрлігі")
    author = f.UserFactory(editor=True, organization=org, username="author")
    measure = f.MeasureFactory(organizations=[org], progress=40)
    cr = services.change_request_create(by=author, target=measure, payload={"progress": 55})
    for number in range(2):
        Evidence.objects.create(
            change_request=cr,
            file=ContentFile(PDF + bytes([number]), name=f"order-{number}.pdf"),
            original_name=f"бұйрық-{number}.pdf",
            content_type="application/pdf",
            size=len(PDF) + 1,
            uploaded_by=author,
        )
    return cr


def checksums(settings_dict) -> dict:
    conn = psycopg2.connect(**backup.connection_params(settings_dict))
    try:
        with conn.cursor() as cursor:
            result = backup.table_checksums(cursor)
    finally:
        conn.close()
    return result


def test_round_trip_gives_back_the_same_rows_and_files(
    some_records, restore_db, tmp_path, settings, capsys
):
    out = tmp_path / "backup"
    call_command("backup_data", str(out))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["tables"]["tracker_measure"]["rows"] == 1
    assert manifest["tables"]["tracker_evidence"]["rows"] == 2
    assert len(manifest["files"]) == 2
    assert manifest["missing_files"] == []
    original = checksums(connection.settings_dict)
    assert manifest["tables"] == original

    settings.MEDIA_ROOT = tmp_path / "restored-media"
    call_command("restore_data", str(out), database_url=url_of(restore_db))
    assert "checksums verified" in capsys.readouterr().out
    # Checked again here, independently of the command's own verification.
    assert checksums(restore_db) == original
    for name, meta in manifest["files"].items():
        content = (tmp_path / "restored-media" / name).read_bytes()
        assert hashlib.sha256(content).hexdigest() == meta["sha256"]
        assert content == (tmp_path / "media" / name).read_bytes()


def test_refusals_change_nothing(some_records, restore_db, tmp_path):
    out = tmp_path / "backup"
    call_command("backup_data", str(out))
    # A backup never overwrites another.
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup_data", str(out))
    # An occupied database is not overwritten without --force.
    before = checksums(connection.settings_dict)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_data", str(out))
    assert checksums(connection.settings_dict) == before
    # A damaged backup is refused before anything is restored.
    name = next(iter(json.loads((out / "manifest.json").read_text())["files"]))
    (out / "files" / name).write_bytes(b"%PDF-1.7 tampered")
    with pytest.raises(CommandError, match="does not match the manifest"):
        call_command("restore_data", str(out), database_url=url_of(restore_db))
    assert checksums(restore_db) == {}


def test_sqlite_is_refused_with_the_way_to_do_it():
    with pytest.raises(backup.BackupError, match="copy var/"):
        backup.connection_params({"ENGINE": "django.db.backends.sqlite3", "NAME": Path("x")})
