"""The three roles as auth groups with real permissions, kept in step after every migrate."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

EDITOR = "editor"
REVIEWER = "reviewer"
ADMINISTRATOR = "administrator"

DOMAIN_APPS = ("tracker", "indicators")

# Editors and reviewers never write live rows directly: they read everything and work on change
# requests; the workflow services apply approved changes.
_PROPOSE = [
    ("tracker", "add_changerequest"),
    ("tracker", "change_changerequest"),
    ("tracker", "view_changerequest"),
    ("tracker", "add_evidence"),
    ("tracker", "view_evidence"),
]
_REVIEW = [("tracker", "review_changerequest")]


def _view_all() -> Q:
    return Q(content_type__app_label__in=DOMAIN_APPS, codename__startswith="view_")


def _codenames(pairs: list[tuple[str, str]]) -> Q:
    q = Q(pk__in=[])
    for app_label, codename in pairs:
        q |= Q(content_type__app_label=app_label, codename=codename)
    return q


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


def role_permissions() -> dict[str, Q]:
    return {
        EDITOR: _view_all() | _codenames(_PROPOSE),
        REVIEWER: _view_all() | _codenames(_PROPOSE + _REVIEW),
        ADMINISTRATOR: Q(
            content_type__app_label__in=(
                *DOMAIN_APPS,
                "auth",
                "django_celery_beat",
                "django_celery_results",
                "axes",
            )
        )
        & ~(Q(content_type__app_label="tracker") & _DIRECT_WRITES)
        & ~(Q(content_type__app_label="indicators") & _DIRECT_WRITES)
        | _codenames(_PROPOSE + _REVIEW),
    }


def ensure_role_groups(sender=None, **kwargs) -> None:
    """post_migrate receiver: create the role groups and set exactly their permissions."""
    for name, query in role_permissions().items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(query))
