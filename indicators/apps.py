from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicators")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from indicators.editing import register_indicator, register_observation, register_target

        # tracker's workflow handles indicators' records without importing indicators
        # (tracker ← indicators): indicators registers their edit specs.
        register_observation()
        register_target()
        register_indicator()
