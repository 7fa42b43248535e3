"""The administrators' side of the reports: schedules (timing, on/off, recipients, "send now"), a
preview of any report for any organisation and period, and every delivery with "send again"."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from tracker.models import NotificationStatus, Organization
from tracker.outbox import services as notifications

from . import pdf, selectors, services
from .models import (
    Reminder,
    ReportDelivery,
    ReportEdition,
    ReportFile,
    ReportKind,
    ReportPreference,
    ReportSchedule,
)


class ReportScheduleForm(forms.ModelForm):
    enabled = forms.BooleanField(label=_("enabled"), required=False, initial=True)
    minute = forms.CharField(label=_("minute"), initial="0", max_length=60)
    hour = forms.CharField(label=_("hour"), initial="9", max_length=60)
    day_of_week = forms.CharField(
        label=_("day of week"), initial="*", max_length=60, help_text=_("0 = Sunday, 1 = Monday")
    )
    day_of_month = forms.CharField(label=_("day of month"), initial="*", max_length=60)
    month_of_year = forms.CharField(label=_("month"), initial="*", max_length=60)

    class Meta:
        model = ReportSchedule
        fields = ("name", "kind", "roles", "organizations", "reminder_offsets")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        task = self.instance.periodic_task if self.instance.pk else None
        if task is not None:
            self.fields["enabled"].initial = task.enabled
            if task.crontab is not None:
                for name in ("minute", "hour", "day_of_week", "day_of_month", "month_of_year"):
                    self.fields[name].initial = getattr(task.crontab, name)

    def clean_reminder_offsets(self):
        offsets = self.cleaned_data["reminder_offsets"] or []
        if not isinstance(offsets, list) or not all(
            isinstance(o, int) and 0 <= o <= 366 for o in offsets
        ):
            raise forms.ValidationError(_("A list of whole days between 0 and 366, e.g. [30, 7]."))
        return offsets

    def clean_roles(self):
        from .roles import ADMINISTRATOR, EDITOR, REVIEWER

        roles = self.cleaned_data["roles"] or []
        if not isinstance(roles, list) or not set(roles) <= {EDITOR, REVIEWER, ADMINISTRATOR}:
            raise forms.ValidationError(_("Roles are editor, reviewer and administrator."))
        return roles


class PreviewForm(forms.Form):
    kind = forms.ChoiceField(label=_("report"), choices=ReportKind.choices)
    organization = forms.ModelChoiceField(
        label=_("organisation"),
        queryset=Organization.objects.order_by("code"),
        required=False,
        help_text=_("For a digest."),
    )
    day = forms.DateField(
        label=_("a day of the period"), widget=forms.DateInput(attrs={"type": "date"})
    )
    language = forms.ChoiceField(
        label=_("language"), choices=[("kk", "қазақ"), ("ru", "русский"), ("en", "English")]
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == ReportKind.DIGEST and not data.get("organization"):
            self.add_error("organization", _("A digest is about one organisation."))
        return data


@admin.register(ReportSchedule)
class ReportScheduleAdmin(admin.ModelAdmin):
    form = ReportScheduleForm
    list_display = ("name", "kind", "is_enabled", "timing", "roles")
    list_filter = ("kind",)
    filter_horizontal = ("organizations",)
    actions = ["send_now", "enable", "disable"]
    list_select_related = ("periodic_task", "periodic_task__crontab")
    change_list_template = "reports/admin_schedule_changelist.html"

    @admin.display(boolean=True, description=_("enabled"))
    def is_enabled(self, obj: ReportSchedule) -> bool:
        return obj.enabled

    @admin.display(description=_("timing"))
    def timing(self, obj: ReportSchedule) -> str:
        task = obj.periodic_task
        return str(task.crontab) if task and task.crontab else "—"

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        data = form.cleaned_data
        services.schedule_set_timing(
            schedule_id=form.instance.pk,
            enabled=data["enabled"],
            minute=data["minute"],
            hour=data["hour"],
            day_of_week=data["day_of_week"],
            day_of_month=data["day_of_month"],
            month_of_year=data["month_of_year"],
        )

    @admin.action(description=_("Send now (nobody gets the same period twice)"))
    def send_now(self, request, queryset) -> None:
        queued = [services.schedule_send_now(schedule_id=s.pk) for s in queryset]
        if sum(queued):
            self.message_user(request, _("%(n)s schedules queued.") % {"n": sum(queued)})
        if not all(queued):
            self.message_user(
                request,
                _(
                    "The task queue cannot be reached: %(n)s schedules were not queued. Try "
                    "again later; every schedule also runs at its next time."
                )
                % {"n": len(queued) - sum(queued)},
                level=messages.ERROR,
            )

    def _set_enabled(self, queryset, enabled: bool) -> None:
        for schedule in queryset.select_related("periodic_task__crontab"):
            cron = schedule.periodic_task.crontab if schedule.periodic_task else None
            services.schedule_set_timing(
                schedule_id=schedule.pk,
                enabled=enabled,
                minute=cron.minute if cron else "0",
                hour=cron.hour if cron else "9",
                day_of_week=cron.day_of_week if cron else "*",
                day_of_month=cron.day_of_month if cron else "*",
                month_of_year=cron.month_of_year if cron else "*",
            )

    @admin.action(description=_("Enable"))
    def enable(self, request, queryset) -> None:
        self._set_enabled(queryset, True)

    @admin.action(description=_("Disable"))
    def disable(self, request, queryset) -> None:
        self._set_enabled(queryset, False)

    def get_urls(self):
        return [
            path(
                "preview/",
                self.admin_site.admin_view(self.preview_view),
                name="reports_reportschedule_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """Any report, for any organisation and period, as HTML, with links to its files. Writes
        nothing: the edition shown is not saved (the download links make it, if followed)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PreviewForm(request.GET or None, initial={"day": timezone.localdate()})
        document = downloads = None
        if form.is_valid():
            data = form.cleaned_data
            kind, org, day = data["kind"], data["organization"], data["day"]
            if kind == ReportKind.NATIONAL:
                org = None
            start, end = services.period_for(kind, day)
            edition = ReportEdition(
                kind=kind,
                organization=org,
                period_start=start,
                period_end=end,
                as_of=min(end, timezone.localdate()),
            )
            status = selectors.status_report(as_of=edition.as_of, organization=org)
            document = pdf.html(
                edition=edition, status=status, language=data["language"], for_pdf=False
            )
            query = urlencode({"day": day.isoformat(), "organization": org.code if org else ""})
            downloads = {
                fmt: reverse("reports:download-period", args=[kind, fmt]) + "?" + query
                for fmt in ("pdf", "xlsx")
            }
        context = {
            **self.admin_site.each_context(request),
            "title": _("Preview a report"),
            "form": form,
            "document": document,
            "downloads": downloads,
            "opts": self.model._meta,
        }
        response = render(request, "reports/admin_preview.html", context)
        if document:
            # The preview's iframe inherits this page's Content-Security-Policy: its one <style>
            # block (the same CSS as the PDF) is allowed by its hash, nothing else inline.
            response._csp_update = {"style-src": _style_hashes(document)}
        return response


def _style_hashes(document: str) -> list[str]:
    import base64
    import hashlib
    import re

    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()}'"
        for block in re.findall(r"<style>(.*?)</style>", document, flags=re.S)
    ]


class ReportFileInline(admin.TabularInline):
    model = ReportFile
    extra = 0
    fields = ("language", "format", "attachment", "sha256")
    readonly_fields = fields
    can_delete = False

    @admin.display(description="SHA-256")
    def sha256(self, obj: ReportFile) -> str:
        return obj.attachment.sha256

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReportEdition)
class ReportEditionAdmin(admin.ModelAdmin):
    list_display = ("kind", "organization", "period_start", "period_end", "as_of", "created_at")
    list_filter = ("kind", "period_start")
    search_fields = ("organization__code", "organization__short_kk")
    readonly_fields = ("kind", "organization", "period_start", "period_end", "as_of", "created_at")
    inlines = [ReportFileInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(admin.ModelAdmin):
    """Every report sent to every person, with its e-mail's state. A failed one is sent again
    from here (the outbox's own action), and is listed in every national overview until then."""

    list_display = ("edition", "user", "recipient", "status", "attempts", "last_error", "sent_at")
    list_filter = ("notification__status", "edition__kind")
    search_fields = ("user__username", "notification__recipient")
    list_select_related = ("edition", "edition__organization", "user", "notification")
    readonly_fields = ("edition", "user", "notification", "created_at")
    actions = ["send_again"]

    @admin.display(description=_("recipient"))
    def recipient(self, obj: ReportDelivery) -> str:
        return obj.notification.recipient

    @admin.display(description=_("status"), ordering="notification__status")
    def status(self, obj: ReportDelivery) -> str:
        return obj.notification.get_status_display()

    @admin.display(description=_("attempts"))
    def attempts(self, obj: ReportDelivery) -> int:
        return obj.notification.attempts

    @admin.display(description=_("last error"))
    def last_error(self, obj: ReportDelivery) -> str:
        return obj.notification.last_error[:120]

    @admin.display(description=_("sent"))
    def sent_at(self, obj: ReportDelivery) -> dt.datetime | None:
        return obj.notification.sent_at

    @admin.action(description=_("Send the selected failed deliveries again"))
    def send_again(self, request, queryset) -> None:
        ids = queryset.filter(notification__status=NotificationStatus.FAILED).values_list(
            "notification_id", flat=True
        )
        count = notifications.resend(ids)
        self.message_user(request, _("%(count)s messages queued again.") % {"count": count})

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("item_key", "offset_days", "deadline", "organization", "created_at")
    list_filter = ("offset_days",)
    search_fields = ("item_key",)
    readonly_fields = (
        "item_key",
        "offset_days",
        "deadline",
        "organization",
        "measure",
        "indicator",
        "notifications",
        "created_at",
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReportPreference)
class ReportPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "receive_digests")
    list_filter = ("receive_digests",)
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user",)
