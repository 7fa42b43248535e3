"""The writers of the reports app: editions made once, delivered once per recipient through the
tracker's outbox, and reminders sent once per item and offset.

Idempotency is the database's: an edition is unique per (kind, organisation, period), a delivery
per (edition, recipient), a reminder per (item, offset). The services lock the row they hang off
(the edition, the schedule) so concurrent callers queue behind each other instead of racing into
the constraint; the constraint is the backstop (an IntegrityError rolls the whole fan-out back, so
no e-mail is queued without its delivery row).
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from indicators.models import Indicator, Observation
from tracker.models import (
    Measure,
    Notification,
    NotificationAttachment,
    NotificationKind,
    Organization,
    User,
)
from tracker.outbox import services as outbox

from . import emails, pdf, selectors, xlsx
from .models import (
    FileFormat,
    Reminder,
    ReportDelivery,
    ReportEdition,
    ReportFile,
    ReportKind,
    ReportPreference,
    ReportSchedule,
    ScheduleKind,
)
from .roles import COORDINATOR_ROLES, EDITOR

CONTENT_TYPES = {
    FileFormat.PDF: "application/pdf",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

logger = logging.getLogger(__name__)


def period_for(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The period a report for `day` covers: the ISO week (Monday–Sunday) of a digest, the
    calendar month of the national overview."""
    if kind == ReportKind.DIGEST:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def default_roles(kind: str) -> list[str]:
    return [EDITOR] if kind in (ReportKind.DIGEST, ScheduleKind.REMINDERS) else [*COORDINATOR_ROLES]


def recipients(
    *,
    kind: str,
    organization_id: int | None,
    roles: Iterable[str],
    organization_ids: Iterable[int] = (),
) -> QuerySet[User]:
    """Who receives a report: active people with an address and one of the roles, of the
    organisation (a digest) or of the chosen organisations (the national overview, when the
    schedule names any), who have not declined scheduled reports."""
    users = User.objects.filter(is_active=True, groups__name__in=list(roles)).exclude(email="")
    if organization_id is not None:
        users = users.filter(organization_id=organization_id)
    elif organization_ids:
        users = users.filter(organization_id__in=list(organization_ids))
    users = users.exclude(report_preference__receive_digests=False)
    return users.distinct().order_by("pk")


@transaction.atomic
def edition_get_or_create(*, kind: str, organization_id: int | None, day: dt.date) -> ReportEdition:
    """The one edition of a report for the period that contains `day`."""
    start, end = period_for(kind, day)
    edition, _created = ReportEdition.objects.get_or_create(
        kind=kind,
        organization_id=organization_id if kind == ReportKind.DIGEST else None,
        period_start=start,
        defaults={"period_end": end, "as_of": min(end, timezone.localdate())},
    )
    return edition


def _status(edition: ReportEdition) -> selectors.StatusReport:
    return selectors.status_report(as_of=edition.as_of, organization=edition.organization)


def _file_name(edition: ReportEdition, language: str, fmt: str) -> str:
    whom = edition.organization.code if edition.organization else "national"
    return f"crpd-{edition.kind}-{whom}-{edition.period_start:%Y-%m-%d}-{language}.{fmt}"


def edition_files(
    edition: ReportEdition,
    languages: Iterable[str],
    *,
    status: selectors.StatusReport | None = None,
) -> dict[tuple[str, str], ReportFile]:
    """The edition's PDF and XLSX in each language, rendering the missing ones once. Call with
    the edition row locked (edition_deliver, report_file do), so two callers never both render."""
    files = {(f.language, f.format): f for f in edition.files.select_related("attachment")}
    for language in sorted(set(languages)):
        for fmt, render in ((FileFormat.PDF, pdf.render), (FileFormat.XLSX, xlsx.render)):
            if (language, fmt) in files:
                continue
            status = status or _status(edition)
            content = render(edition=edition, status=status, language=language)
            attachment = NotificationAttachment.build(
                _file_name(edition, language, fmt), CONTENT_TYPES[fmt], content
            )
            attachment.save()
            files[language, fmt] = ReportFile.objects.create(
                edition=edition, language=language, format=fmt, attachment=attachment
            )
    return files


@transaction.atomic
def report_file(*, edition_id: int, language: str, fmt: str) -> ReportFile:
    """One file of an edition (for a download), made now if no e-mail needed it yet."""
    edition = ReportEdition.objects.select_for_update().get(pk=edition_id)
    return edition_files(edition, [language])[language, fmt]


@transaction.atomic
def edition_deliver(
    *, edition_id: int, roles: Iterable[str], organization_ids: Iterable[int] = ()
) -> list[ReportDelivery]:
    """Queue the edition for every recipient who has not had it yet: one outbox row per person,
    with the files in their language, delivered by a worker after commit."""
    edition = ReportEdition.objects.select_for_update().get(pk=edition_id)
    users = list(
        recipients(
            kind=edition.kind,
            organization_id=edition.organization_id,
            roles=roles,
            organization_ids=organization_ids,
        ).exclude(report_deliveries__edition=edition)
    )
    if not users:
        return []
    status = _status(edition)
    languages = {_language(u) for u in users}
    files = edition_files(edition, languages, status=status)
    rendered = {lang: emails.render_report(edition, status, lang) for lang in languages}
    deliveries = []
    for user in users:
        language = _language(user)
        subject, text, html = rendered[language]
        notification = Notification.objects.create(
            kind=NotificationKind.REPORT,
            recipient=user.email,
            language=language,
            user=user,
            subject=subject,
            body=text,
            html_body=html,
        )
        notification.attachments.set(
            [files[language, fmt].attachment for fmt in (FileFormat.PDF, FileFormat.XLSX)]
        )
        deliveries.append(
            ReportDelivery.objects.create(edition=edition, user=user, notification=notification)
        )
        outbox.hand_to_workers_on_commit([notification.pk])
    return deliveries


def _language(user: User) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return user.language if user.language in codes else settings.LANGUAGE_CODE


def report_send(
    *, schedule_id: int, organization_id: int | None, day: dt.date
) -> list[ReportDelivery]:
    """A schedule's report for one organisation (or the nation) and the period of `day`: the
    edition, made once, then queued for whoever has not had it."""
    schedule = ReportSchedule.objects.get(pk=schedule_id)
    kind = ReportKind(schedule.kind)
    edition = edition_get_or_create(kind=kind, organization_id=organization_id, day=day)
    org_ids = []
    if kind == ReportKind.NATIONAL:
        org_ids = list(schedule.organizations.values_list("pk", flat=True))
    return edition_deliver(
        edition_id=edition.pk,
        roles=schedule.roles or default_roles(kind),
        organization_ids=org_ids,
    )


def schedule_targets(schedule: ReportSchedule) -> list[int | None]:
    """The organisations a tick of the schedule reports on: each with a recipient for a digest
    (or the schedule's chosen ones), the nation (None) for the overview."""
    if schedule.kind == ScheduleKind.NATIONAL:
        return [None]
    chosen = list(schedule.organizations.values_list("pk", flat=True))
    roles = schedule.roles or default_roles(schedule.kind)
    orgs = Organization.objects.filter(users__is_active=True, users__groups__name__in=roles)
    if chosen:
        orgs = orgs.filter(pk__in=chosen)
    return list(orgs.distinct().order_by("code").values_list("pk", flat=True))


def schedule_run(*, schedule_id: int, day: dt.date | None = None) -> int:
    """What a beat tick (or "send now") does: queue one report task per organisation, or send the
    due reminders. Returns how many tasks or reminders it queued."""
    from . import tasks

    schedule = ReportSchedule.objects.get(pk=schedule_id)
    day = day or timezone.localdate()
    if schedule.kind == ScheduleKind.REMINDERS:
        return len(reminders_send(schedule_id=schedule.pk, day=day))
    targets = schedule_targets(schedule)
    for organization_id in targets:
        tasks.send_report.delay(schedule.pk, organization_id, day.isoformat())
    return len(targets)


def schedule_send_now(*, schedule_id: int) -> bool:
    """An administrator's "send now": the tick's work, on a worker. Safe to repeat: the editions
    and deliveries it makes are unique per period and recipient. Nothing is written first, so
    the task is handed over at once: False when the broker cannot be reached (nothing queued;
    the caller says so, and the schedule still runs at its next time)."""
    from . import tasks

    try:
        tasks.run_schedule.delay(schedule_id)
    except Exception:  # the broker's failure, whatever its kind (kombu, redis, OS errors)
        logger.warning("The Celery broker did not take schedule %s", schedule_id, exc_info=True)
        return False
    return True


def _offset_for(days_left: int, offsets: list[int]) -> int | None:
    """The reminder due now: the smallest offset not yet passed (a day missed by beat is caught
    up by the next tick; an item that appears late gets only its nearest reminder)."""
    fitting = [o for o in offsets if o >= days_left]
    return min(fitting) if fitting else None


def _reminder_candidates(day: dt.date, offsets: list[int]) -> list[Reminder]:
    horizon = day + dt.timedelta(days=max(offsets))
    out = []
    through = (
        Measure.organizations.through.objects.filter(
            measure__due_date__gte=day, measure__due_date__lte=horizon
        )
        .exclude(measure__status__in=selectors.CLOSED)
        .values_list("measure_id", "organization_id", "measure__due_date")
    )
    for measure_id, org_id, due in through:
        offset = _offset_for((due - day).days, offsets)
        if offset is not None:
            out.append(
                Reminder(
                    item_key=f"measure:{measure_id}:{org_id}",
                    offset_days=offset,
                    deadline=due,
                    organization_id=org_id,
                    measure_id=measure_id,
                )
            )
    year = selectors.latest_due_year(day) + 1
    deadline = selectors.indicator_deadline(year)
    offset = _offset_for((deadline - day).days, offsets)
    if offset is None:
        return out
    reported = Observation.objects.filter(dims_key="", period_end__year__gte=year)
    indicators = (
        Indicator.objects.filter(organization__isnull=False)
        .filter(Q(year_from__isnull=True) | Q(year_from__lte=year))
        .filter(Q(year_to__isnull=True) | Q(year_to__gte=year))
        .exclude(pk__in=reported.values("indicator_id"))
        .values_list("pk", "organization_id")
    )
    for ind_id, org_id in indicators:
        out.append(
            Reminder(
                item_key=f"indicator:{ind_id}:{year}",
                offset_days=offset,
                deadline=deadline,
                organization_id=org_id,
                indicator_id=ind_id,
            )
        )
    return out


@transaction.atomic
def reminders_send(*, schedule_id: int, day: dt.date) -> list[Reminder]:
    """Remind each organisation of the deadlines coming within the schedule's offsets, once per
    item and offset ever: one e-mail per recipient listing its organisation's new items."""
    # The lock serialises two ticks of the same sweep; the unique constraint stops the rest.
    schedule = ReportSchedule.objects.select_for_update().get(pk=schedule_id)
    offsets = sorted({int(o) for o in schedule.reminder_offsets if int(o) >= 0})
    if not offsets:
        return []
    chosen = set(schedule.organizations.values_list("pk", flat=True))
    candidates = [
        r for r in _reminder_candidates(day, offsets) if not chosen or r.organization_id in chosen
    ]
    sent = set(
        Reminder.objects.filter(item_key__in=[r.item_key for r in candidates]).values_list(
            "item_key", "offset_days"
        )
    )
    roles = schedule.roles or default_roles(ScheduleKind.REMINDERS)
    people: dict[int, list[User]] = defaultdict(list)
    for user in (
        User.objects.filter(
            is_active=True,
            organization_id__in={r.organization_id for r in candidates},
            groups__name__in=roles,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    ):
        people[user.organization_id].append(user)
    # An item of an organisation nobody could be told about is not marked as reminded: the next
    # sweep tries again once the organisation has someone to tell.
    new = [
        r
        for r in candidates
        if (r.item_key, r.offset_days) not in sent and people.get(r.organization_id)
    ]
    if not new:
        return []
    created = Reminder.objects.bulk_create(new)
    by_org: dict[int, list[Reminder]] = defaultdict(list)
    for reminder in created:
        by_org[reminder.organization_id].append(reminder)
    measures = Measure.objects.in_bulk([r.measure_id for r in created if r.measure_id])
    indicators = Indicator.objects.in_bulk([r.indicator_id for r in created if r.indicator_id])
    for reminder in created:
        reminder.item = measures.get(reminder.measure_id) or indicators.get(reminder.indicator_id)
    for org_id, items in by_org.items():
        for user in people[org_id]:
            language = _language(user)
            subject, text, html = emails.render_reminder(items, language)
            notification = Notification.objects.create(
                kind=NotificationKind.REMINDER,
                recipient=user.email,
                language=language,
                user=user,
                subject=subject,
                body=text,
                html_body=html,
            )
            for reminder in items:
                reminder.notifications.add(notification)
            outbox.hand_to_workers_on_commit([notification.pk])
    return created


# --- schedules -----------------------------------------------------------------------------------

TASK = "reports.tasks.run_schedule"
DEFAULT_SCHEDULES = (
    # Each: its name, its kind, and its crontab's minute, hour, day of week and day of month.
    ("Weekly organisation digest", ScheduleKind.DIGEST, ("0", "9", "1", "*")),
    ("Monthly national overview", ScheduleKind.NATIONAL, ("0", "9", "*", "1")),
    ("Daily deadline reminders", ScheduleKind.REMINDERS, ("0", "8", "*", "*")),
)


@transaction.atomic
def schedule_set_timing(
    *,
    schedule_id: int,
    enabled: bool,
    minute: str,
    hour: str,
    day_of_week: str = "*",
    day_of_month: str = "*",
    month_of_year: str = "*",
) -> ReportSchedule:
    """Point the schedule's beat task at a crontab (Asia/Almaty unless TIME_ZONE says otherwise)
    and switch it on or off. Beat's DatabaseScheduler notices the change by itself."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    schedule = ReportSchedule.objects.select_for_update().get(pk=schedule_id)
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_week=day_of_week,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        timezone=settings.TIME_ZONE,
    )
    task = schedule.periodic_task
    if task is None:
        task = PeriodicTask(name=f"report schedule {schedule.pk}: {schedule.name}"[:200], task=TASK)
    task.crontab = crontab
    task.interval = None
    task.args = f"[{schedule.pk}]"
    task.enabled = enabled
    task.save()
    if schedule.periodic_task_id != task.pk:
        schedule.periodic_task = task
        schedule.save(update_fields=["periodic_task"])
    return schedule


def ensure_default_schedules(sender=None, **kwargs) -> None:
    """post_migrate receiver: a schedule of each kind exists (an administrator may then change or
    disable it; an existing one of a kind is never touched)."""
    for name, kind, (minute, hour, dow, dom) in DEFAULT_SCHEDULES:
        if ReportSchedule.objects.filter(kind=kind).exists():
            continue
        schedule = ReportSchedule.objects.create(name=name, kind=kind, roles=default_roles(kind))
        schedule_set_timing(
            schedule_id=schedule.pk,
            enabled=True,
            minute=minute,
            hour=hour,
            day_of_week=dow,
            day_of_month=dom,
        )


@transaction.atomic
def preference_set(*, user: User, language: str, receive_digests: bool) -> ReportPreference:
    """A person's own choice: the language of their e-mail, and whether they receive the digest
    and the overview (reminders cannot be declined)."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValueError(language)
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    preference, _created = ReportPreference.objects.update_or_create(
        user=user, defaults={"receive_digests": receive_digests}
    )
    return preference
