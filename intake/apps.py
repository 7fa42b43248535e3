from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """Spreadsheet import into the review queue: templates, uploads, batches of change requests."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "intake"
    verbose_name = _("Spreadsheet import")

    def ready(self) -> None:
        from . import permissions  # noqa: F401 -- registers the intake.* rules
