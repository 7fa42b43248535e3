"""manage.py restore_data IN_DIR: a backup_data directory back into a database and the storage."""

from pathlib import Path

import dj_database_url
from django.core.management.base import BaseCommand
from django.db import connection

from tracker import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_data: check it against its manifest, restore the "
        "database in one transaction and the files into the configured storage, then verify "
        "every table's row count and checksum. Refuses a non-empty database without --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("in_dir", type=Path)
        parser.add_argument(
            "--database-url",
            help="Restore into this database instead of the configured one (e.g. a new one).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Replace the contents of a non-empty database."
        )

    def handle(self, *args, in_dir: Path, database_url: str | None, force: bool, **options):
        target = dj_database_url.parse(database_url) if database_url else connection.settings_dict
        _, figures = backup.for_command(backup.restore, target, in_dir, force=force)
        self.stdout.write(
            f"Restored {figures} from {in_dir} into {target['NAME']}; checksums verified."
        )
