from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("CRPD tracker")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tracker.roles import ensure_role_groups

        # Groups need the permissions, which exist only after every app has migrated.
        post_migrate.connect(ensure_role_groups, dispatch_uid="tracker.ensure_role_groups")
