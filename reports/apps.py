from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Status reports")

    def ready(self) -> None:
        import reports.permissions  # noqa: F401 -- registers the rules
        from reports.services import ensure_default_schedules

        post_migrate.connect(
            ensure_default_schedules, sender=self, dispatch_uid="reports.default_schedules"
        )
