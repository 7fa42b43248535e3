"""Web pages. Every read goes through the domain's selectors (tracker/*/selectors.py,
indicators/selectors.py) and public pages show live (approved) rows only; the workflow pages call
the services in tracker/workflow/services.py for every write and ask user.has_perm()
(tracker/rules.py) only to decide which actions to offer (the services refuse anything the rules
do not allow)."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.law.selectors import (
    citations_of_act,
    legal_act_list_with_counts,
    legal_act_queryset,
)
from tracker.law.selectors import legal_act_detail as legal_act_detail_query
from tracker.lookups import LOOKUPS, lookup_page
from tracker.measures.filters import MeasureFilter
from tracker.measures.selectors import measure_detail as measure_detail_query
from tracker.measures.selectors import (
    measure_list,
    measure_queryset,
    measures_citing_act,
    measures_needing_review,
)
from tracker.models import (
    ChangeRequest,
    ChangeStatus,
    LegalAct,
    Measure,
)
from tracker.rules import Proposal
from tracker.workflow import evidence, services
from tracker.workflow.selectors import (
    AVAILABLE_ACTIONS,
    available_actions,
    change_request_diff,
    change_request_events,
    change_request_evidence,
    change_request_target,
    change_requests_for_page,
    decisions_by,
    evidence_with_change_request,
    open_change_requests,
    record_history_display,
    review_queue,
    with_record_titles,
)
from tracker.workflow.specs import serialize, spec_for
from tracker.workflow.transitions import TransitionNotAllowed

from .forms import (
    CommentForm,
    EvidenceForm,
    add_service_errors,
    localize_form,
    proposal_form_class,
    proposal_payload,
)
from .widgets import choice_label, text_language

PAGE_SIZE = 25


def _paged(request: HttpRequest, queryset: Any, param: str = "page") -> dict[str, Any]:
    """One page of a list whose length grows with the data, for includes/pagination.html: the
    page, the address's other parameters (so two lists on one page page independently) and the
    name of the page parameter."""
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop(param, None)
    return {"page": page, "query": query.urlencode(), "param": param}


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# Public pages: live data only ------------------------------------------------------------------


def measure_list_view(request: HttpRequest) -> HttpResponse:
    filterset = MeasureFilter(request.GET or None, queryset=measure_list())
    localize_form(filterset.form, pickers=False)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    filtered = any(value for name, value in request.GET.items() if name in filterset.filters)
    return render(
        request,
        "tracker/measure_list.html",
        {"form": filterset.form, "page": page, "query": query.urlencode(), "filtered": filtered},
    )


def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(measure_detail_query(), pk=pk)
    return render(
        request,
        "tracker/measure_detail.html",
        {
            "measure": measure,
            "history": record_history_display(measure),
            "can_propose": request.user.has_perm(
                "tracker.propose_change", Proposal(Measure, measure)
            ),
        },
    )


def legal_act_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(legal_act_list_with_counts(), 50).get_page(request.GET.get("page"))
    return render(request, "tracker/legal_act_list.html", {"page": page})


def legal_act_detail(request: HttpRequest, pk: int) -> HttpResponse:
    act = get_object_or_404(legal_act_detail_query(), pk=pk)
    return render(
        request,
        "tracker/legal_act_detail.html",
        {
            "act": act,
            "citations": _paged(request, citations_of_act(act_id=act.pk)),
            "measures": _paged(request, measures_citing_act(act_id=act.pk), "measures_page"),
            "can_propose": request.user.has_perm("tracker.propose_change", Proposal(LegalAct, act)),
        },
    )


def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(evidence_with_change_request(), pk=pk)
    # Private to the organisation and the coordinators, unless published with the approval.
    if not request.user.has_perm("tracker.view_evidence", evidence):
        raise PermissionDenied
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


def lookup(request: HttpRequest, kind: str) -> JsonResponse:
    """The pickers' JSON: a page of at most 20 organisations, citations or paragraphs matching
    `q`, labelled in the page's language. Only for people who propose changes."""
    if kind not in LOOKUPS:
        raise Http404
    if not request.user.has_perm("tracker.work_on_changes"):
        raise PermissionDenied
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    rows, has_next = lookup_page(kind, request.GET.get("q", ""), min(page, 1000))
    results = []
    for row in rows:
        label, code = choice_label(row)
        results.append({"value": row.pk, "label": label, "lang": text_language(label, code)})
    return JsonResponse({"results": results, "page": page, "has_next": has_next})


# The workflow ----------------------------------------------------------------------------------


def _require_staff(request: HttpRequest, cr: ChangeRequest | None = None) -> None:
    """Change requests are internal: the ministries' staff, not the public, see them, and a
    ministry sees only its own (the coordinators see all)."""
    user = request.user
    if cr is not None:
        if not user.has_perm("tracker.view_changerequest", cr):
            raise PermissionDenied
        return
    if not user.has_perm("tracker.work_on_changes"):
        raise PermissionDenied


def _target_url(model: type, pk: int | None) -> str | None:
    if pk is None:
        return None
    if model is Measure:
        return reverse("tracker:measure-detail", args=[pk])
    if model is LegalAct:
        return reverse("tracker:legal-act-detail", args=[pk])
    return None


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    user = request.user
    editor = user.has_perm("tracker.work_for_organisation")
    reviewer = user.has_perm("tracker.review_changerequest")
    context: dict[str, Any] = {"is_editor": editor, "is_reviewer": reviewer}
    if editor and user.organization_id:
        org = user.organization_id
        sections = {
            "drafts": ChangeStatus.DRAFT,
            "returned": ChangeStatus.RETURNED,
            "submitted": ChangeStatus.SUBMITTED,
        }
        for name, status in sections.items():
            crs = open_change_requests(organization_id=org, statuses=[status])
            context[name] = _paged(request, crs, f"{name}_page")
            context[name]["page"].object_list = with_record_titles(context[name]["page"])
        context["needs_review"] = _paged(
            request, measures_needing_review(organization_id=org), "needs_review_page"
        )
    if reviewer:
        context["queue"] = _paged(request, review_queue(), "queue_page")
        context["queue"]["page"].object_list = with_record_titles(context["queue"]["page"])
        context["decisions"] = with_record_titles(decisions_by(user_id=user.pk))
    return render(request, "tracker/my_work.html", context)


class ProposalView:
    """The form of a new proposal (target None: a new record) or of a draft being edited (cr).

    Fed by the record's edit spec (tracker/workflow/specs.py): its fields, its form and its
    serialised live values; the page adds only what the change request carries (summary and
    explanation) and writes only through the workflow services."""

    template_name = "tracker/proposal_form.html"

    def __init__(
        self,
        request: HttpRequest,
        *,
        model: type,
        target: Any = None,
        cr: ChangeRequest | None = None,
        initial: dict[str, Any] | None = None,
        hidden: tuple[str, ...] = (),
        context: dict[str, Any] | None = None,
    ) -> None:
        self.request, self.model, self.target, self.cr = request, model, target, cr
        self.spec = spec_for(model)
        self.extra_initial, self.hidden, self.context = initial or {}, hidden, context or {}

    def respond(self) -> HttpResponse:
        form = self.get_form()
        if self.request.method != "POST":
            return self.render(form)
        if self.request.POST.get("_find"):
            # A picker's "Find" (no JavaScript): the same form again, as typed, with the matches
            # to tick; nothing is saved and nothing is reported as an error yet.
            form._errors = ErrorDict()
            return self.render(form)
        self.status = 400
        if form.is_valid():
            cr = self.save(form)
            if cr is not None:
                return redirect("tracker:change-request-detail", pk=cr.pk)
        return self.render(form, status=self.status)

    def get_initial(self) -> dict[str, Any]:
        live = serialize(self.spec, self.target) if self.target is not None else {}
        if self.cr is None:
            return {**live, **self.extra_initial}
        return {
            **live,
            **self.cr.payload,
            "summary": self.cr.summary,
            "explanation": self.cr.explanation,
            "version": self.cr.version,
        }

    def get_form(self) -> forms.ModelForm:
        # A separate copy: validating a ModelForm writes the proposed values onto its instance,
        # and `target` must keep the live values the payload is compared with. The instance lets
        # unique checks exclude the record itself.
        instance = copy.copy(self.target) if self.target is not None else None
        form_class = proposal_form_class(self.model)
        form = form_class(self.request.POST or None, initial=self.get_initial(), instance=instance)
        for name in self.hidden:
            form.fields[name].widget = form.fields[name].hidden_widget()
        form.fields["version"].required = self.cr is not None
        return form

    def save(self, form: forms.ModelForm) -> ChangeRequest | None:
        """The new or updated change request, or None with the reasons put on the form."""
        payload = proposal_payload(self.spec, form, self.target)
        if not payload and self.cr is None:
            form.add_error(None, _("Nothing was changed: change at least one value."))
            return None
        summary, explanation = form.cleaned_data["summary"], form.cleaned_data["explanation"]
        try:
            if self.cr is None:
                cr = services.change_request_create(
                    by=self.request.user,
                    payload=payload,
                    target=self.target,
                    target_model=None if self.target is not None else self.model,
                    summary=summary,
                    explanation=explanation,
                )
                messages.success(self.request, _("Your draft change request was saved."))
                return cr
            cr = services.change_request_update_draft(
                cr_id=self.cr.pk,
                by=self.request.user,
                payload=payload,
                summary=summary,
                explanation=explanation,
                expected_version=form.cleaned_data["version"],
            )
        except services.DraftChanged as exc:
            form.add_error(None, str(exc))
            self.status = 409
            return None
        except ValidationError as exc:
            add_service_errors(form, exc)
            return None
        messages.success(self.request, _("The change request was updated."))
        return cr

    def render(self, form: forms.ModelForm, *, status: int = 200) -> HttpResponse:
        context = {
            "form": form,
            "model_name": self.model._meta.verbose_name,
            "target": self.target,
            "target_url": _target_url(self.model, getattr(self.target, "pk", None)),
            "change_request": self.cr,
            **self.context,
        }
        return render(self.request, self.template_name, context, status=status)


@login_required
def measure_propose(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(measure_queryset(), pk=pk)
    if not request.user.has_perm("tracker.propose_change", Proposal(Measure, measure)):
        raise PermissionDenied
    return ProposalView(request, model=Measure, target=measure).respond()


@login_required
def measure_propose_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_perm("tracker.work_on_changes"):
        raise PermissionDenied
    initial = {"organizations": [user.organization_id]} if user.organization_id else {}
    return ProposalView(request, model=Measure, initial=initial).respond()


@login_required
def legal_act_propose(request: HttpRequest, pk: int) -> HttpResponse:
    act = get_object_or_404(legal_act_queryset(), pk=pk)
    if not request.user.has_perm("tracker.propose_change", Proposal(LegalAct, act)):
        raise PermissionDenied
    return ProposalView(request, model=LegalAct, target=act, hidden=("key",)).respond()


@login_required
def change_request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cr = get_object_or_404(change_requests_for_page(), pk=pk)
    if not request.user.has_perm("tracker.edit_changerequest", cr):
        raise PermissionDenied
    model = cr.target_type.model_class()
    hidden = ("key",) if model is LegalAct or model._meta.label == "indicators.Indicator" else ()
    if model._meta.label in ("indicators.Observation", "indicators.Target"):
        hidden = ("indicator",)
    target = change_request_target(cr)
    return ProposalView(request, model=model, target=target, cr=cr, hidden=hidden).respond()


def _change_request_page(
    request: HttpRequest,
    cr: ChangeRequest,
    *,
    comment_form: CommentForm | None = None,
    evidence_form: EvidenceForm | None = None,
    errors: list[str] | None = None,
    conflict: services.ChangeConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    model = cr.target_type.model_class()
    with_record_titles([cr])
    diff = change_request_diff(cr)
    # The buttons are exactly what the rules and the transition table allow this person now.
    allowed = available_actions(user=request.user, cr=cr)
    actions = {name: name in allowed for name in AVAILABLE_ACTIONS}
    evidence_files = list(change_request_evidence(cr))
    return render(
        request,
        "tracker/change_request_detail.html",
        {
            "cr": cr,
            "model_name": model._meta.verbose_name,
            "target_url": _target_url(model, cr.target_id),
            "diff": diff,
            "meanwhile": [row for row in diff if row["changed_meanwhile"]],
            "events": change_request_events(cr),
            "evidence": evidence_files,
            "actions": actions,
            "any_action": bool(allowed),
            "comment_form": comment_form or CommentForm(evidence=evidence_files),
            "evidence_form": evidence_form or EvidenceForm(),
            "errors": errors or [],
            "conflict": conflict,
        },
        status=status,
    )


def _get_change_request(pk: int) -> ChangeRequest:
    return get_object_or_404(change_requests_for_page(), pk=pk)


@login_required
def change_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cr = _get_change_request(pk)
    _require_staff(request, cr)
    return _change_request_page(request, cr)


# Each takes the change request, the actor and the comment form's cleaned data.
ACTIONS = {
    "submit": lambda cr, by, data: services.change_request_submit(cr_id=cr.pk, by=by),
    "withdraw": lambda cr, by, data: services.change_request_withdraw(
        cr_id=cr.pk, by=by, comment=data["comment"]
    ),
    "rebase": lambda cr, by, data: services.change_request_rebase(cr_id=cr.pk, by=by),
    "approve": lambda cr, by, data: services.change_request_approve(
        cr_id=cr.pk, by=by, comment=data["comment"], public_evidence=data["public_evidence"]
    ),
    "return": lambda cr, by, data: services.change_request_return(
        cr_id=cr.pk, by=by, comment=data["comment"]
    ),
    "reject": lambda cr, by, data: services.change_request_reject(
        cr_id=cr.pk, by=by, comment=data["comment"]
    ),
    "revert": lambda cr, by, data: services.change_request_revert(cr_id=cr.pk, by=by),
}


def _success_message(action: str) -> str:
    return {
        "submit": _("The change request was submitted for review."),
        "withdraw": _("The change request was withdrawn."),
        "rebase": _("The change request now rests on the live version. Check it and submit."),
        "approve": _("The change was approved and is now live."),
        "return": _("The change request was returned to its author."),
        "reject": _("The change request was rejected."),
        "revert": _("A draft reverting this change was created."),
    }[action]


@login_required
@require_POST
def change_request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    cr = _get_change_request(pk)
    _require_staff(request, cr)
    form = CommentForm(request.POST, evidence=change_request_evidence(cr))
    if not form.is_valid():
        # Only a forged form gets here (a file that is not this change request's).
        return _change_request_page(request, cr, comment_form=form, status=400)
    try:
        result = ACTIONS[action](cr, request.user, form.cleaned_data)
    except services.ChangeConflict as exc:
        cr.refresh_from_db()
        return _change_request_page(request, cr, conflict=exc, status=409)
    except TransitionNotAllowed as exc:
        cr.refresh_from_db()
        return _change_request_page(request, cr, errors=[str(exc)], status=400)
    except ValidationError as exc:
        cr.refresh_from_db()
        if hasattr(exc, "error_dict") and "comment" in exc.error_dict:
            add_service_errors(form, exc)
            return _change_request_page(request, cr, comment_form=form, status=400)
        return _change_request_page(request, cr, errors=exc.messages, status=400)
    messages.success(request, _success_message(action))
    return redirect("tracker:change-request-detail", pk=result.pk)


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    cr = _get_change_request(pk)
    _require_staff(request, cr)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            evidence.evidence_attach(
                cr_id=cr.pk, by=request.user, uploaded_file=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The file was attached."))
            return redirect("tracker:change-request-detail", pk=cr.pk)
    return _change_request_page(request, cr, evidence_form=form, status=400)
