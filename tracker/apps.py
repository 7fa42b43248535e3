from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("CRPD tracker")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the object-level permissions every caller asks through user.has_perm().
        import tracker.rules  # noqa: F401
        from tracker.accounts import signals as sign_in_audit
        from tracker.law.editing import register_legal_act
        from tracker.measures.editing import register_measure
        from tracker.measures.legal_basis import legal_basis_changed
        from tracker.organisations.roles import ensure_role_groups

        # Sign-ins, failures, lockouts, second-factor devices and role changes are audited.
        sign_in_audit.connect()
        register_measure()
        # An amended or repealed act puts the measures citing it up for review.
        register_legal_act(after_apply=legal_basis_changed)

        # Every write moves the data generation on: what is cached from the data is keyed by it.
        from tracker.common.generation import data_changed

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(data_changed, dispatch_uid=f"tracker.generation.{id(signal)}")

        # Groups need the permissions, which exist only after every app has migrated.
        post_migrate.connect(ensure_role_groups, dispatch_uid="tracker.ensure_role_groups")
