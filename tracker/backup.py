"""Backup and restore of the whole installation: the PostgreSQL database (pg_dump's custom
format) and every stored file a record names (evidence), with a manifest of each table's row count
and checksum and each file's SHA-256.

The manifest and the dump are taken from ONE snapshot of the database (a repeatable-read
transaction exports it and pg_dump reads it with --snapshot), so a backup of a live system is
consistent: the counts in the manifest are those of the dump. A restore checks the dump and the
files against the manifest before it touches anything, restores in a single transaction, then
computes the checksums again on the restored database and refuses to call it done unless they
match. The commands: `manage.py backup_data OUT_DIR`, `manage.py restore_data IN_DIR`
(docs/DEPLOYMENT.md, "Backup and restore").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg2
from django.apps import apps
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management.base import CommandError
from django.db import models
from psycopg2 import sql

MANIFEST = "manifest.json"
DUMP = "database.dump"
FILES = "files"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot be done as asked; nothing was changed."""


def for_command(action, *args, **kwargs) -> tuple[dict[str, Any], str]:
    """Run backup() or restore() for a management command: a refusal as a CommandError, and the
    manifest's figures in words ("82 tables, 18009 rows, 3 files")."""
    try:
        manifest = action(*args, **kwargs)
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
    rows = sum(table["rows"] for table in manifest["tables"].values())
    return manifest, (
        f"{len(manifest['tables'])} tables, {rows} rows, {len(manifest['files'])} files"
    )


def connection_params(settings_dict: dict[str, Any]) -> dict[str, str]:
    if settings_dict["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError(
            "Backup and restore work on PostgreSQL. The embedded SQLite default is one file: "
            "copy var/ while the processes are stopped."
        )
    params = {
        "dbname": settings_dict["NAME"],
        "user": settings_dict.get("USER") or "",
        "password": settings_dict.get("PASSWORD") or "",
        "host": settings_dict.get("HOST") or "",
        "port": str(settings_dict.get("PORT") or ""),
    }
    return {key: value for key, value in params.items() if value}


def _pg_env(params: dict[str, str]) -> dict[str, str]:
    """libpq's own variables: the password never appears on a command line."""
    env = dict(os.environ)
    names = {"dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD"}
    names |= {"host": "PGHOST", "port": "PGPORT"}
    env.update({names[key]: value for key, value in params.items()})
    return env


def _run_client(tool: str, options: list[str], rest: list[str], params: dict[str, str]) -> None:
    """Run PostgreSQL's pg_dump or pg_restore (Debian's postgresql-client) with fixed options."""
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client).")
    result = subprocess.run(  # noqa: S603 -- a fixed tool and options; values are ours
        [executable, *options, *rest],
        env=_pg_env(params),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{tool} failed, nothing was changed: {result.stderr.strip()}")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_checksums(cursor) -> dict[str, dict[str, Any]]:
    """Every table of the public schema: its row count and an MD5 over its rows' text, in an
    order that does not depend on how the rows are stored."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    result = {}
    for table in tables:
        cursor.execute(
            sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' "
                "ORDER BY md5(t::text)), '')) FROM {} AS t"
            ).format(sql.Identifier(table))
        )
        count, checksum = cursor.fetchone()
        result[table] = {"rows": count, "checksum": checksum}
    return result


def stored_file_names(cursor) -> list[str]:
    """The names in every FileField of every model, as the snapshot holds them."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                cursor.execute(
                    sql.SQL("SELECT {col} FROM {table} WHERE {col} <> ''").format(
                        col=sql.Identifier(field.column),
                        table=sql.Identifier(model._meta.db_table),
                    )
                )
                names.update(row[0] for row in cursor.fetchall())
    return sorted(names)


@contextmanager
def _snapshot(params: dict[str, str]) -> Iterator[tuple[Any, str]]:
    conn = psycopg2.connect(**params)
    try:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            yield cursor, cursor.fetchone()[0]
    finally:
        conn.rollback()
        conn.close()


def _copy_files(names: list[str], out_dir: Path) -> tuple[dict[str, dict], list[str]]:
    files, missing = {}, []
    for name in names:
        target = out_dir / FILES / name
        if ".." in Path(name).parts or Path(name).is_absolute():
            raise BackupError(f"A stored file name leaves the storage: {name!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with default_storage.open(name, "rb") as source, target.open("wb") as copy:
                for chunk in File(source).chunks():
                    copy.write(chunk)
        except FileNotFoundError:
            missing.append(name)
            continue
        files[name] = {"size": target.stat().st_size, "sha256": sha256_of(target)}
    return files, missing


def backup(settings_dict: dict[str, Any], out_dir: Path) -> dict[str, Any]:
    """Write database.dump, files/ and manifest.json into out_dir (new or empty)."""
    params = connection_params(settings_dict)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise BackupError(f"{out_dir} is not empty; a backup never overwrites another.")
    out_dir.mkdir(parents=True, exist_ok=True)
    with _snapshot(params) as (cursor, snapshot):
        _run_client(
            "pg_dump",
            ["--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"],
            [f"--file={out_dir / DUMP}"],
            params,
        )
        tables = table_checksums(cursor)
        files, missing = _copy_files(stored_file_names(cursor), out_dir)
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "database": params["dbname"],
        "dump": {"file": DUMP, "sha256": sha256_of(out_dir / DUMP)},
        "tables": tables,
        "files": files,
        "missing_files": missing,
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def read_manifest(in_dir: Path) -> dict[str, Any]:
    """The manifest, once the dump and every file are checked against it."""
    try:
        manifest = json.loads((in_dir / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"No readable {MANIFEST} in {in_dir}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    if sha256_of(in_dir / DUMP) != manifest["dump"]["sha256"]:
        raise BackupError(f"{DUMP} does not match its checksum in the manifest.")
    for name, meta in manifest["files"].items():
        path = in_dir / FILES / name
        if not path.is_file() or sha256_of(path) != meta["sha256"]:
            raise BackupError(f"The file {name} is missing or does not match the manifest.")
    return manifest


def _database_is_empty(params: dict[str, str]) -> bool:
    with psycopg2.connect(**params) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        empty = cursor.fetchone()[0] == 0
    conn.close()
    return empty


def _restore_files(in_dir: Path, manifest: dict[str, Any], *, overwrite: bool) -> None:
    for name in manifest["files"]:
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as existing:
                if hashlib.sha256(existing.read()).hexdigest() == manifest["files"][name]["sha256"]:
                    continue
            if not overwrite:
                raise BackupError(f"A different file {name} is already stored (use --force).")
            default_storage.delete(name)
        with (in_dir / FILES / name).open("rb") as handle:
            saved = default_storage.save(name, File(handle))
        if saved != name:
            raise BackupError(f"The storage saved {name} as {saved}.")


def restore(settings_dict: dict[str, Any], in_dir: Path, *, force: bool = False) -> dict:
    """Restore in_dir into the database of settings_dict and the default storage; verify."""
    params = connection_params(settings_dict)
    manifest = read_manifest(in_dir)
    if not force and not _database_is_empty(params):
        raise BackupError(
            f"The database {params['dbname']} is not empty; restore into an empty one, "
            "or pass --force to replace its contents."
        )
    _run_client(
        "pg_restore",
        ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"],
        ["--exit-on-error", f"--dbname={params['dbname']}", str(in_dir / DUMP)],
        params,
    )
    _restore_files(in_dir, manifest, overwrite=force)
    with psycopg2.connect(**params) as conn, conn.cursor() as cursor:
        restored = table_checksums(cursor)
    conn.close()
    if restored != manifest["tables"]:
        differ = sorted(t for t in manifest["tables"] if restored.get(t) != manifest["tables"][t])
        raise BackupError(f"The restored tables differ from the backup: {', '.join(differ)}")
    return manifest
