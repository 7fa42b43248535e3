from django.core.management.base import BaseCommand
from django.db.models import Count

from ingest.selectors import data_summary
from tracker.models import Article, DataFlag


class Command(BaseCommand):
    help = "Print, per CRPD article, the loaded paragraphs, measures, citations and indicators."

    def handle(self, *args, **options) -> None:
        articles = Article.objects.annotate(
            n_paragraphs=Count("paragraphs", distinct=True),
            n_measures=Count("measures", distinct=True),
            n_citations=Count("citations", distinct=True),
            n_indicators=Count("indicators", distinct=True),
        ).order_by("number")
        self.stdout.write(
            f"{'art':>4} {'¶':>5} {'measures':>9} {'citations':>10} {'indicators':>11}"
        )
        for a in articles:
            if not (a.n_paragraphs or a.n_measures or a.n_indicators):
                continue
            self.stdout.write(
                f"{a.number:>4} {a.n_paragraphs:>5} {a.n_measures:>9} {a.n_citations:>10} "
                f"{a.n_indicators:>11}  {a.title_en or a.title_kk}"
            )
        self.stdout.write("")
        for name, count in data_summary().items():
            self.stdout.write(f"{name:<14} {count:>6}")
        flags = DataFlag.objects.select_related("content_type").order_by("content_type", "code")
        self.stdout.write(f"\nData-quality flags: {flags.count()}")
        by_code = flags.values("code").annotate(n=Count("id")).order_by("-n")
        for row in by_code:
            self.stdout.write(f"  {row['code']:<24} {row['n']:>5}")
        self.stdout.write("")
        for flag in flags:
            target = flag.content_type.get_object_for_this_type(pk=flag.object_id)
            label = getattr(target, "key", None) or str(target)
            self.stdout.write(f"  [{flag.code}] {flag.content_type.model} {label}: {flag.message}")
