"""Who may import and who may see a batch: django-rules, asked as `user.has_perm("intake.…")`.

- `intake.import_changes` (none): an active editor of an organisation (the template and the
  change requests are that organisation's).
- `intake.view_batch` (a batch): its author, the people of its organisation, a coordinator —
  like the change requests it holds. Deciding its rows is `tracker.review_changerequest`, asked
  per change request by the workflow services.
"""

from __future__ import annotations

from typing import Any

import rules

from tracker.rules import is_active_user, is_coordinator, is_editor


@rules.predicate
def has_organisation(user: Any) -> bool:
    return getattr(user, "organization_id", None) is not None


@rules.predicate
def batch_author(user: Any, batch: Any) -> bool:
    return batch is not None and user.pk is not None and batch.author_id == user.pk


@rules.predicate
def batch_of_own_organisation(user: Any, batch: Any) -> bool:
    org = getattr(user, "organization_id", None)
    return batch is not None and org is not None and batch.organization_id == org


rules.add_perm("intake.import_changes", is_editor & has_organisation)
rules.add_perm(
    "intake.view_batch",
    is_active_user & (batch_author | batch_of_own_organisation | is_coordinator),
)
