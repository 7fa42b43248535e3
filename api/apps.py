from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API over tracker and indicators (/api/v1/): an interface layer, no models."""

    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # Composite natural keys of indicators' records (dimension values, targets, observations).
        import api.indicators.keys  # noqa: F401
