"""Report downloads: each organisation its own digests, coordinators any report, any past period.
Thin: permissions here, the edition and its files from the services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tracker.models import Organization

from . import services
from .models import FileFormat, ReportEdition, ReportKind, ReportPreference


def _language() -> str:
    return (get_language() or "kk")[:2]


class PreferenceForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of my e-mail"), choices=settings.LANGUAGES)
    receive_digests = forms.BooleanField(
        label=_("Send me the scheduled reports (reminders are always sent)"), required=False
    )


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    preference = ReportPreference.objects.filter(user=request.user).first()
    initial = {
        "language": request.user.language,
        "receive_digests": preference.receive_digests if preference else True,
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.preference_set(
            user=request.user,
            language=form.cleaned_data["language"],
            receive_digests=form.cleaned_data["receive_digests"],
        )
        messages.success(request, _("Your choice is saved."))
        return redirect("reports:list")
    coordinator = request.user.has_perm("reports.read_any_report")
    editions = ReportEdition.objects.select_related("organization").order_by(
        "-period_start", "kind", "organization__code"
    )
    if not coordinator:
        editions = editions.filter(
            kind=ReportKind.DIGEST, organization_id=request.user.organization_id or -1
        )
    organizations = (
        Organization.objects.order_by("code")
        if coordinator
        else Organization.objects.filter(pk=request.user.organization_id or -1)
    )
    return render(
        request,
        "reports/report_list.html",
        {
            "editions": editions[:100],
            "organizations": organizations,
            "coordinator": coordinator,
            "form": form,
            "today": timezone.localdate(),
        },
    )


def _serve(request: HttpRequest, edition: ReportEdition, fmt: str) -> HttpResponse:
    if fmt not in FileFormat.values:
        raise Http404
    if not request.user.has_perm("reports.read_report", edition):
        raise PermissionDenied
    report_file = services.report_file(edition_id=edition.pk, language=_language(), fmt=fmt)
    attachment = report_file.attachment
    response = HttpResponse(bytes(attachment.content), content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="{attachment.filename}"'
    response["X-Content-SHA256"] = attachment.sha256
    return response


@login_required
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    return _serve(request, get_object_or_404(ReportEdition, pk=pk), fmt)


@login_required
def download_period(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """The report of `kind` for the period containing ?day= (default today), for ?organization=
    (a code; digests only): made now if it was never made, so any past period can be had."""
    if kind not in ReportKind.values or fmt not in FileFormat.values:
        raise Http404
    try:
        day = dt.date.fromisoformat(request.GET.get("day") or timezone.localdate().isoformat())
    except ValueError as exc:
        raise Http404 from exc
    if day > timezone.localdate():
        raise Http404
    organization = None
    if kind == ReportKind.DIGEST:
        code = request.GET.get("organization") or getattr(request.user.organization, "code", "")
        organization = get_object_or_404(Organization, code=code)
    org_id = organization.pk if organization else None
    if not request.user.has_perm(
        "reports.read_report", ReportEdition(kind=kind, organization=organization)
    ):
        raise PermissionDenied
    edition = services.edition_get_or_create(kind=kind, organization_id=org_id, day=day)
    return redirect("reports:download", pk=edition.pk, fmt=fmt)
