"""Who may do what: plain predicates, used by services, views, the API and the admin alike."""

from tracker.roles import ADMINISTRATOR, REVIEWER


def has_role(user, role: str) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    # Cached per request object: permission checks run in loops over lists.
    cache = getattr(user, "_role_cache", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._role_cache = cache
    return role in cache


def is_reviewer(user) -> bool:
    return has_role(user, REVIEWER)


def is_administrator(user) -> bool:
    return bool(user and user.is_active and user.is_superuser) or has_role(user, ADMINISTRATOR)
