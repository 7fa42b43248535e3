"""The three roles as auth groups, kept in step after every migrate.

Group membership is what the workflow's rules ask (tracker/rules.py: is_editor, is_reviewer,
is_administrator). The model permissions set here govern only the Django admin's pages (which
models a role may view, add, change or delete there); no workflow action — proposing, submitting,
reviewing — is a stored permission, so no stale grant can let anyone approve.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

EDITOR = "editor"
REVIEWER = "reviewer"
ADMINISTRATOR = "administrator"

DOMAIN_APPS = ("tracker", "indicators")


def _view_all() -> Q:
    # Editors and reviewers never write live rows directly: they read everything and work on
    # change requests through the workflow's pages and API, which the rules govern.
    return Q(content_type__app_label__in=DOMAIN_APPS, codename__startswith="view_")


# Live records that change only through approved change requests, and the workflow's own records:
# no role, not even the administrators', may add, change or delete them directly.
_WORKFLOW_ONLY = (
    "measure",
    "legalact",
    "legalactalias",
    "citation",
    "observation",
    # Targets decide whether an indicator is off track: the same four eyes as its observations.
    "target",
    "indicator",
    "changerequest",
    "reviewevent",
    "evidence",
    "notification",
)
_DIRECT_WRITES = Q(
    codename__in=[
        f"{verb}_{model}" for verb in ("add", "change", "delete") for model in _WORKFLOW_ONLY
    ]
)


_AUDIT_WRITES = [f"{verb}_signinevent" for verb in ("add", "change", "delete")]


def role_permissions() -> dict[str, Q]:
    return {
        EDITOR: _view_all(),
        REVIEWER: _view_all(),
        ADMINISTRATOR: Q(
            content_type__app_label__in=(
                *DOMAIN_APPS,
                "reports",
                "auth",
                "django_celery_beat",
                "django_celery_results",
                "axes",
            )
        )
        & ~(Q(content_type__app_label="tracker") & _DIRECT_WRITES)
        & ~(Q(content_type__app_label="indicators") & _DIRECT_WRITES)
        # The sign-in audit is written by the sign-in code only, never in the admin.
        & ~Q(content_type__app_label="tracker", codename__in=_AUDIT_WRITES)
        # A lost phone: an administrator removes the person's second factor (never adds one).
        | Q(
            content_type__app_label__in=("otp_totp", "otp_static"),
            codename__regex=r"^(view|delete)_",
        )
        # API tokens: administrators see and revoke them; a token is created only by its owner
        # (tracker/organisations/tokens.py), so that it is shown to them alone.
        | Q(content_type__app_label="knox", codename__in=["view_authtoken", "delete_authtoken"]),
    }


def ensure_role_groups(sender=None, **kwargs) -> None:
    """post_migrate receiver: create the role groups and set exactly their permissions."""
    for name, query in role_permissions().items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(query))
