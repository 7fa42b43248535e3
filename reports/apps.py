from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("Status reports")

    def ready(self) -> None:
        import reports.permissions  # noqa: F401 -- registers the rules
        from reports.services import ensure_default_schedules

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(_data_changed, dispatch_uid=f"reports.summary.{id(signal)}")
        post_migrate.connect(
            ensure_default_schedules, sender=self, dispatch_uid="reports.default_schedules"
        )


# The records the dashboard's numbers are computed from; the outbox's rows are not among them.
_COUNTED_APPS = ("tracker", "indicators")
_NOT_COUNTED = ("notification", "notificationattachment")


def _data_changed(sender, **kwargs) -> None:
    """A live record or a change request was written: the cached summary is stale."""
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in _COUNTED_APPS or meta.model_name in _NOT_COUNTED:
        return
    from reports.selectors import invalidate_summary

    invalidate_summary()
