from django.apps import AppConfig


class WebConfig(AppConfig):
    """The server-rendered pages over tracker and indicators: an interface layer, no models."""

    name = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        from web.accounts import signals

        # What the session limits and the second-factor gate need, noted once at sign-in.
        signals.connect()
