"""How much of the report is loaded."""

from indicators.models import Indicator, Observation, Target
from tracker.models import (
    Article,
    Citation,
    LegalAct,
    Measure,
    Organization,
    ReportParagraph,
)


def data_summary() -> dict[str, int]:
    """How much of the report is loaded: the figures `crpd_data_report` and the dashboard print."""
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
