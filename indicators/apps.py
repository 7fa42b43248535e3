from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicators")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from indicators.editing import register_observation

        # tracker's workflow handles observations without importing indicators
        # (tracker ← indicators): indicators registers its edit spec.
        register_observation()
