"""Web forms. Proposal forms are the records' own edit forms from tracker/workflow/specs.py (and
indicators/editing.py) with the change request's summary and explanation added: validation stays
in one place, and the services validate the payload again whatever the form said."""

from __future__ import annotations

from functools import cache
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.models import ChangeRequest
from tracker.workflow.specs import EditSpec, Values, serialize, spec_for, to_json


@cache
def proposal_form_class(model: type[models.Model]) -> type[forms.ModelForm]:
    """The record's edit form plus what the change request itself carries."""
    spec = spec_for(model)

    class ProposalForm(spec.form):
        summary = forms.CharField(
            label=_("Summary of the change"),
            max_length=ChangeRequest._meta.get_field("summary").max_length,
            required=False,
            help_text=_("One line the reviewer reads first, e.g. “Progress for 2019”."),
        )
        explanation = forms.CharField(
            label=_("Explanation for the reviewer"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("Why the values change and where they come from."),
        )
        # The version of the change request the editor started from (edits only): a save over
        # a newer version is refused rather than overwriting it.
        version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # Browsers' own required-field bubbles are not read out consistently: the server's
            # error summary is the one place errors are reported.
            self.use_required_attribute = False
            for name, field in self.fields.items():
                if isinstance(field, forms.DateField):
                    field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
                related = spec.display_select_related.get(name)
                if related and hasattr(field, "queryset"):
                    # Choice labels follow a foreign key (a citation names its act).
                    field.queryset = field.queryset.select_related(*related)
                if isinstance(field.widget, forms.SelectMultiple):
                    field.widget.attrs.setdefault("size", 8)
            self.order_fields(["summary"])

    ProposalForm.__name__ = f"{spec.model.__name__}ProposalForm"
    return ProposalForm


def proposal_payload(spec: EditSpec, form: forms.Form, live: models.Model | None) -> Values:
    """Only what the proposer changed: the fields whose cleaned value differs from the live record
    (for a new record, from a blank one)."""
    before = serialize(spec, live if live is not None else spec.model())
    payload: Values = {}
    for name in spec.fields:
        value = to_json(form.cleaned_data.get(name))
        if value in ("", None) and before.get(name) in ("", None):
            continue
        if value != before.get(name):
            payload[name] = value
    return payload


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field where the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, errors in error.error_dict.items():
        target = name if name in form.fields and name != NON_FIELD_ERRORS else None
        form.add_error(target, errors)


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when returning or rejecting a change."),
    )
    public_evidence = forms.TypedMultipleChoiceField(
        label=_("Publish these files with the approval"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Evidence is private to the organisation and the reviewers. A file ticked here can "
            "be downloaded by anyone once the change is approved."
        ),
    )

    def __init__(self, *args: Any, evidence: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["public_evidence"].choices = [(e.pk, e.original_name) for e in evidence]


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Evidence file"),
        help_text=_("PDF, DOCX, XLSX, PNG or JPEG, at most 10 MB."),
    )
