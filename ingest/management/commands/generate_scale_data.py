"""`manage.py generate_scale_data --factor N`: the CRPD data N times over, for benchmarks."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from ingest import scale


class Command(BaseCommand):
    help = (
        "Add scale data on top of the loaded CRPD data: N reporting cycles of paragraphs, "
        "citations, measures, indicators with regional series, observations, change requests "
        "with review events and history, and users per organisation (ingest/scale.py). "
        "Idempotent towards a factor. For benchmarks only: never on a production database."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--factor", type=int, required=True, help="N: how many times the data")
        parser.add_argument(
            "--password",
            default=None,
            help="password of the generated users (default: none, they cannot sign in)",
        )

    def handle(self, *args, factor: int, password: str | None, **options) -> None:
        if factor < 1:
            raise CommandError("--factor must be at least 1.")
        start = time.perf_counter()
        try:
            totals = scale.generate(factor, password=password, log=self.stdout.write)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for name, n in totals.items():
            self.stdout.write(f"  {name:<16} {n:>9}")
        self.stdout.write(f"scale data at {factor}x in {time.perf_counter() - start:.1f} s")
