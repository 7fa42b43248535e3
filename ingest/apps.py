from django.apps import AppConfig


class IngestConfig(AppConfig):
    """Extraction of the report and loading of the CRPD fixtures: above tracker and indicators."""

    name = "ingest"
    verbose_name = "Ingest"
