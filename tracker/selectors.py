"""Reads for pages, the API and reports. Public views see live (approved) data only: drafts live
in change requests and are never joined in here."""

from django.db.models import Count, QuerySet

from .models import Article


def article_list_with_counts() -> QuerySet[Article]:
    return Article.objects.annotate(
        paragraph_count=Count("paragraphs", distinct=True),
        measure_count=Count("measures", distinct=True),
    ).order_by("number")


def data_summary() -> dict[str, int]:
    """How much of the report is loaded: the figures `crpd_data_report` and the dashboard print."""
    from indicators.models import Indicator, Observation, Target

    from .models import Citation, LegalAct, Measure, Organization, ReportParagraph

    models = {
        "articles": Article,
        "paragraphs": ReportParagraph,
        "organizations": Organization,
        "legal_acts": LegalAct,
        "citations": Citation,
        "measures": Measure,
        "indicators": Indicator,
        "targets": Target,
        "observations": Observation,
    }
    return {name: model.objects.count() for name, model in models.items()}
