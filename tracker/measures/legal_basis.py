"""Measures resting on national law that changed: flagged for review, their organisations told."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from tracker.law.models import LegalAct, LegalActStatus
from tracker.organisations.models import Organization
from tracker.outbox import services as outbox
from tracker.outbox.models import Notification, NotificationKind
from tracker.quality.models import DataFlag, DataFlagCode

from .models import Measure

if TYPE_CHECKING:
    from tracker.organisations.models import User
    from tracker.workflow.models import ChangeRequest


_LAPSED = {LegalActStatus.AMENDED, LegalActStatus.REPEALED}


def legal_basis_changed(
    act: LegalAct, *, old_values: dict[str, Any], cr: ChangeRequest, by: User
) -> None:
    """An amended or repealed act puts every measure that cites it up for review: the measure may
    now rest on law that no longer says what the report says it does."""
    if act.status not in _LAPSED or act.status == old_values.get("status"):
        return
    citing = Measure.legal_basis.through.objects.filter(citation__act=act).values("measure_id")
    measures = list(Measure.objects.select_for_update().filter(pk__in=citing).order_by("pk"))
    if not measures:
        return
    reason = f"Legal basis {act.key} {act.status} (CR #{cr.pk})"[:100]
    for measure in measures:
        measure.needs_review = True
        # A flagged measure is a changed record: pending changes must be rebased onto it.
        measure.version += 1
        measure._change_reason = reason
        measure._history_user = by
        measure.save(update_fields=["needs_review", "version", "updated_at"])
    measure_type = ContentType.objects.get_for_model(Measure)
    DataFlag.objects.bulk_create(
        DataFlag(
            content_type=measure_type,
            object_id=measure.pk,
            code=DataFlagCode.LEGAL_BASIS_CHANGED,
            message=f"{act.key}: {act.status} (change request #{cr.pk})",
        )
        for measure in measures
    )
    organizations = (
        Organization.objects.filter(measures__in=[m.pk for m in measures]).distinct().order_by("pk")
    )
    for organization in organizations:
        queue_legal_basis_changed(act, organization)


def queue_legal_basis_changed(act: LegalAct, organization: Organization) -> list[Notification]:
    """An organisation learns which of its measures lost or changed their legal basis."""
    measures = list(
        Measure.objects.filter(legal_basis__act=act, organizations=organization, needs_review=True)
        .distinct()
        .order_by("key")
    )
    recipients = outbox.recipients_of(organization.users.filter(is_active=True).order_by("pk"))
    if organization.email:
        recipients.append((organization.email, settings.LANGUAGE_CODE, None))
    context = {"act": act, "organization": organization, "measures": measures}
    return outbox.queue(NotificationKind.LEGAL_BASIS_CHANGED, recipients, context)
