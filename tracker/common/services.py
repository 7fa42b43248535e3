"""The one writer of reference data that administrators own directly: organisations, programmes,
dimensions, the Convention's articles, report paragraphs, technical aids and data-quality flags.

Live records (measures, observations, legal acts, citations, indicators and targets) change only
through approved change requests (tracker/workflow/services.py). Reference data has no second pair
of eyes, so every save at least says who changed what and why: the version goes up (the loader
then keeps the administrator's value, as it keeps an approved change), and simple-history writes
one row with the administrator as its user and the reason they gave.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .models import Versioned

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

V = TypeVar("V", bound=Versioned)


def _check(instance: Versioned, *, by: AbstractBaseUser, verb: str, reason: str) -> str:
    if not isinstance(instance, Versioned) or not hasattr(type(instance), "history"):
        raise TypeError(f"{type(instance).__name__} is not reference data with a history")
    opts = instance._meta
    if not by.has_perm(f"{opts.app_label}.{verb}_{opts.model_name}"):
        raise PermissionDenied(_("You may not change this record."))
    if not reason or not reason.strip():
        raise ValidationError(
            {"change_reason": _("Say why the record changes: a reason is required.")},
            code="required",
        )
    return reason.strip()


class StaleEdit(ValidationError):  # noqa: N818 -- a domain outcome, like ChangeConflict
    """The record changed after the form was opened: saving would silently undo the other edit."""

    def __init__(self, *, base_version: int, live_version: int) -> None:
        super().__init__(
            _(
                "Someone else saved this record while you were editing it (version %(base)s, "
                "now %(live)s). Nothing was saved: open it again and redo your change."
            ),
            code="stale",
            params={"base": base_version, "live": live_version},
        )


@transaction.atomic
def reference_save(
    *,
    instance: V,
    by: AbstractBaseUser,
    reason: str,
    links: dict[str, Iterable[models.Model]] | None = None,
    base_version: int | None = None,
) -> V:
    """Save a new or changed reference record and its many-to-many `links`: version + 1 and one
    history row (who, why). No reference model tracks its links in its history, so setting
    them adds no row. `base_version`, the version the editor's form showed, refuses a save over
    an edit made meanwhile (StaleEdit): no lost update between two administrators."""
    creating = instance._state.adding
    reason = _check(instance, by=by, verb="add" if creating else "change", reason=reason)
    if creating:
        instance.version = 1
    else:
        # Locked until the transaction ends: two administrators saving at once get consecutive
        # versions, never the same one, and the loader cannot slip in between.
        live = type(instance)._default_manager.select_for_update().only("version")
        live_version = live.get(pk=instance.pk).version
        if base_version is not None and base_version != live_version:
            raise StaleEdit(base_version=base_version, live_version=live_version)
        instance.version = live_version + 1
    instance._history_user = by
    instance._change_reason = reason
    instance.save()
    for name, related in (links or {}).items():
        getattr(instance, name).set(related)
    return instance


@transaction.atomic
def reference_delete(*, instance: Versioned, by: AbstractBaseUser, reason: str) -> None:
    """Delete a reference record; its history keeps a deletion row with who and why."""
    reason = _check(instance, by=by, verb="delete", reason=reason)
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    locked._history_user = by
    locked._change_reason = reason
    locked.delete()
