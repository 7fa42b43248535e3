"""Who may read which report: each organisation its own digests, coordinators every report."""

from __future__ import annotations

from .models import ReportKind
from .roles import COORDINATOR_ROLES


def is_coordinator(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name__in=COORDINATOR_ROLES).exists()


def can_read_report(user, *, kind: str, organization_id: int | None) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if is_coordinator(user):
        return True
    return (
        kind == ReportKind.DIGEST
        and organization_id is not None
        and organization_id == user.organization_id
    )
