import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ingest.loading import FixtureError, load_crpd


class Command(BaseCommand):
    help = (
        "Load the CRPD data shipped in fixtures/ (idempotent: a second run changes nothing; "
        "records changed through the workflow are kept, never overwritten)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--fixtures", default=str(settings.BASE_DIR / "fixtures"))

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        try:
            result = load_crpd(Path(options["fixtures"]))
        except FixtureError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        counts = (result.created, result.updated, result.deleted, result.unchanged, result.kept)
        for label in sorted(set().union(*counts)):
            self.stdout.write(
                f"  {label:<28} created {result.created.get(label, 0):>5}  "
                f"updated {result.updated.get(label, 0):>5}  "
                f"deleted {result.deleted.get(label, 0):>5}  "
                f"unchanged {result.unchanged.get(label, 0):>5}  "
                f"kept (changed through the workflow) {result.kept.get(label, 0):>5}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"CRPD data loaded: {result.changed} changes in {elapsed:.1f} s")
        )
