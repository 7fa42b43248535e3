"""Measures resting on national law that changed: flagged for review, their organisations told."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone

from tracker.common import generation
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
    _flag_for_review(measures, reason=reason, by=by)
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


def _flag_for_review(measures: list[Measure], *, reason: str, by: User) -> None:
    """Set `needs_review` and raise the version of every (locked) measure in one UPDATE, with one
    history row each written in bulk, links included — what a save() per measure wrote, in a
    number of statements that does not grow with the measures. A flagged measure is a changed
    record: pending changes to it must be rebased onto the flag."""
    now = timezone.now()
    pks = [m.pk for m in measures]
    Measure.objects.filter(pk__in=pks).update(
        needs_review=True, version=F("version") + 1, updated_at=now
    )
    generation.changed()  # an UPDATE sends no signal: what was cached from the data is stale
    for measure in measures:
        measure.needs_review, measure.version, measure.updated_at = True, measure.version + 1, now
    rows = Measure.history.bulk_history_create(
        measures,
        update=True,
        default_user=by,
        default_change_reason=reason,
        default_date=now,
        batch_size=2000,
    )
    history_of = {row.id: row for row in rows}
    for field in Measure._meta.get_field("organizations"), Measure._meta.get_field("legal_basis"):
        through = field.remote_field.through
        m2m_history = getattr(Measure.history.model, field.name).model
        names = [f.attname for f in through._meta.fields]
        links = through.objects.filter(measure_id__in=pks).values(*names)
        m2m_history.objects.bulk_create(
            (
                m2m_history(history=history_of[link["measure_id"]], **link)
                for link in links.iterator()
            ),
            batch_size=2000,
        )


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
