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
        kept, not_loaded = sum(result.kept.values()), sum(result.not_loaded.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"CRPD data loaded (fingerprint {result.fingerprint[:12]}…): {result.changed} "
                f"changes, kept {kept} changed records, left {not_loaded} records created in "
                f"the tracker alone, in {elapsed:.1f} s"
            )
        )

    def _report(self, result: LoadResult) -> None:
        counts = {
            "created": result.created,
            "updated": result.updated,
            "deleted": result.deleted,
            "unchanged": result.unchanged,
            "kept (changed after loading)": result.kept,
            "not loaded (created in the tracker)": result.not_loaded,
        }
        for label in sorted(set().union(*counts.values())):
            columns = "  ".join(
                f"{name} {count.get(label, 0):>5}" for name, count in counts.items()
            )
            self.stdout.write(f"  {label:<28} {columns}")
        for reason, count in sorted(result.as_printed.items()):
            self.stdout.write(f"  accepted as printed: {count:>4} × {reason}")
        if result.as_loaded:
            self.stdout.write(
                f"  {result.as_loaded} records were as this loader last wrote them, with the same "
                "fixtures: not validated again"
            )
