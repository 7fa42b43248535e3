from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Re-extract fixtures/paragraphs.json (¶1–508, citations repaired) from the seed report."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", required=True, help="path to the report's text file")
        parser.add_argument(
            "--out", default=str(settings.BASE_DIR / "fixtures" / "paragraphs.json")
        )

    def handle(self, *args, **options) -> None:
        from ingest.extraction import paragraphs

        seed = Path(options["seed"])
        if not seed.exists():
            raise CommandError(f"No seed file at {seed}")
        try:
            paragraphs.main([str(seed), options["out"]])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
