"""The import pages: the template, the upload, the per-row report with its progress, and the
reviewer's row-by-row and whole-batch decisions. Writes go through intake/services.py, which
goes through the workflow services; reads through intake/selectors.py."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intake import selectors, services
from intake.models import ImportBatch, RowStatus
from intake.template import build_template, template_filename

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS_PER_PAGE = 25


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled-in template"),
        help_text=gettext_lazy(
            "The template as .xlsx, or one of its sheets as .csv (UTF-8, comma or semicolon)."
        ),
    )


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("approve", gettext_lazy("Approve")),
            ("return", gettext_lazy("Return for changes")),
            ("reject", gettext_lazy("Reject")),
        ],
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Required when returning or rejecting."),
    )
    cr = forms.IntegerField(required=False, widget=forms.HiddenInput)


def _organisation(request: HttpRequest):
    if not request.user.has_perm("intake.import_changes"):
        raise PermissionDenied
    return request.user.organization


@login_required
def template_download(request: HttpRequest) -> HttpResponse:
    organization = _organisation(request)
    response = HttpResponse(build_template(organization), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{template_filename(organization)}"'
    return response


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    may_import = request.user.has_perm("intake.import_changes")
    if not (may_import or request.user.has_perm("tracker.work_on_changes")):
        raise PermissionDenied
    form = UploadForm()
    if request.method == "POST":
        if not may_import:
            raise PermissionDenied
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                batch = services.batch_create_from_upload(
                    by=request.user, upload=form.cleaned_data["file"], language=get_language()
                )
            except ValidationError as exc:
                form.add_error("file", exc.message_dict.get("file", exc.messages))
            else:
                messages.success(request, _("The file was read: its rows are being imported."))
                return redirect("intake:detail", pk=batch.pk)
    page = Paginator(selectors.batches_for(request.user), 20).get_page(request.GET.get("page"))
    status = 400 if form.errors else 200
    return render(
        request,
        "intake/batch_list.html",
        {"form": form, "page": page, "may_import": may_import},
        status=status,
    )


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    batch = get_object_or_404(ImportBatch.objects.select_related("author", "organization"), pk=pk)
    if not request.user.has_perm("intake.view_batch", batch):
        raise PermissionDenied
    return batch


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    shown = request.GET.get("status", "")
    if shown not in RowStatus.values:
        shown = ""
    page = Paginator(selectors.batch_rows(batch, status=shown), ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    reviewer = request.user.has_perm("tracker.review_changerequest")
    rows = selectors.rows_with_diff(list(page)) if reviewer else [{"row": r} for r in page]
    return render(
        request,
        "intake/batch_detail.html",
        {
            "batch": batch,
            "progress": selectors.batch_progress(batch),
            "page": page,
            "rows": rows,
            "shown": shown,
            "statuses": RowStatus.choices,
            "query": f"status={shown}" if shown else "",
            "reviewer": reviewer,
            "decision_form": DecisionForm(),
            "results": request.session.pop(f"intake-results-{batch.pk}", None),
        },
    )


@login_required
def batch_status(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(selectors.batch_progress(_batch(request, pk)))


@login_required
@require_POST
def batch_decide(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("intake:detail", pk=batch.pk)
    cr = form.cleaned_data.get("cr")
    results = services.batch_decide(
        batch_id=batch.pk,
        by=request.user,
        action=form.cleaned_data["action"],
        comment=form.cleaned_data["comment"],
        cr_ids=[cr] if cr else None,
    )
    done = sum(1 for r in results if r["ok"])
    failed = [r for r in results if not r["ok"]]
    if done:
        message = ngettext(
            "%(n)s change request was decided.", "%(n)s change requests were decided.", done
        )
        messages.success(request, message % {"n": done})
    if not results:
        messages.info(request, _("No change request of this batch is waiting for a decision."))
    request.session[f"intake-results-{batch.pk}"] = failed
    return redirect("intake:detail", pk=batch.pk)
