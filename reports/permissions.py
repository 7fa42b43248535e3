"""Who may read which report, in the house's one authorisation system (django-rules, asked as
`user.has_perm(...)`): each organisation its own digests, coordinators every report.

- `reports.read_report` (a `ReportEdition`, saved or not): an active coordinator (reviewer or
  administrator), or an active editor of the digest's organisation (a digest lists the changes
  returned to it: a member without a role reads it no more than the drafts themselves).
- `reports.read_any_report` (none): an active coordinator.
"""

from __future__ import annotations

from typing import Any

import rules

from tracker.rules import is_active_user, is_coordinator, is_editor

from .models import ReportEdition, ReportKind


@rules.predicate
def reads_own_digest(user: Any, edition: ReportEdition | None) -> bool:
    return (
        edition is not None
        and edition.kind == ReportKind.DIGEST
        and edition.organization_id is not None
        and edition.organization_id == getattr(user, "organization_id", None)
    )


rules.add_perm(
    "reports.read_report", is_active_user & (is_coordinator | (is_editor & reads_own_digest))
)
rules.add_perm("reports.read_any_report", is_active_user & is_coordinator)
