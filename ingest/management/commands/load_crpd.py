import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ingest.loading import FixtureError, LoadResult, load_crpd


class Command(BaseCommand):
    help = (
        "Load the CRPD data shipped in fixtures/ (idempotent: a second run changes nothing; rows "
        "changed after loading, in the admin or through the workflow, are kept, never overwritten)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--fixtures", default=str(settings.BASE_DIR / "fixtures"))
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help="load only into an empty database or when the fixture files changed since the "
            "last load (make run)",
        )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        try:
            result = load_crpd(Path(options["fixtures"]), if_changed=options["if_changed"])
        except FixtureError as exc:
            raise CommandError(str(exc)) from exc
        if result.skipped:
            self.stdout.write(
                f"CRPD data already loaded (fingerprint {result.fingerprint[:12]}…), nothing to do"
            )
            return
        self._report(result)
        elapsed = time.monotonic() - started
        kept = sum(result.kept.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"CRPD data loaded (fingerprint {result.fingerprint[:12]}…): {result.changed} "
                f"changes, kept {kept} changed records, in {elapsed:.1f} s"
            )
        )

    def _report(self, result: LoadResult) -> None:
        counts = (result.created, result.updated, result.deleted, result.unchanged, result.kept)
        for label in sorted(set().union(*counts)):
            self.stdout.write(
                f"  {label:<28} created {result.created.get(label, 0):>5}  "
                f"updated {result.updated.get(label, 0):>5}  "
                f"deleted {result.deleted.get(label, 0):>5}  "
                f"unchanged {result.unchanged.get(label, 0):>5}  "
                f"kept (changed after loading) {result.kept.get(label, 0):>5}"
            )
        for reason, count in sorted(result.as_printed.items()):
            self.stdout.write(f"  accepted as printed: {count:>4} × {reason}")
