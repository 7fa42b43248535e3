from django.apps import AppConfig


class WebConfig(AppConfig):
    """The server-rendered pages over tracker and indicators: an interface layer, no models."""

    name = "web"
    verbose_name = "Web"
