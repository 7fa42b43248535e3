"""manage.py backup_data OUT_DIR: the database and the stored files, with a manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection

from tracker import backup


class Command(BaseCommand):
    help = (
        "Back up the PostgreSQL database (pg_dump) and every stored file into OUT_DIR (new or "
        "empty), with manifest.json: each table's row count and checksum, each file's SHA-256."
    )

    def add_arguments(self, parser):
        parser.add_argument("out_dir", type=Path)

    def handle(self, *args, out_dir: Path, **options):
        manifest, figures = backup.for_command(backup.backup, connection.settings_dict, out_dir)
        self.stdout.write(f"Backed up {manifest['database']}: {figures} into {out_dir}.")
        for name in manifest["missing_files"]:
            self.stderr.write(f"MISSING: a record names the file {name}, which is not stored.")
