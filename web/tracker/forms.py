"""Web forms. Proposal forms are the records' own edit forms from tracker/workflow/specs.py (and
indicators/editing.py) with the change request's summary and explanation added: validation stays
in one place, and the services validate the payload again whatever the form said."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIteratorValue
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators.models import DimensionValue
from tracker.common.models import localized
from tracker.convention.models import ReportParagraph
from tracker.law.models import Citation
from tracker.lookups import lookup_page
from tracker.models import ChangeRequest
from tracker.organisations.models import Organization
from tracker.workflow.specs import EditSpec, Values, serialize, spec_for, to_json

from .widgets import LangSelect, LangSelectMultiple, PickerWidget

PICKERS: dict[type[models.Model], str] = {
    Organization: "organisations",
    Citation: "citations",
    ReportParagraph: "paragraphs",
}


def date_input_format() -> str:
    """The page language's day-first input format (config/formats: 28.11.2026, 28/11/2026)."""
    for pattern in formats.get_format("DATE_INPUT_FORMATS"):
        if not pattern.startswith("%Y"):
            return pattern
    return "%Y-%m-%d"


def localize_form(form: forms.BaseForm, *, pickers: bool = True) -> None:
    """The form in the page's language: choices named (never coded) and marked with `lang` where
    they are Kazakh on a ru/en page; the `*_kk` inputs marked lang="kk"; dates entered and shown
    day first as the language writes them, with the format as a hint; organisations, citations
    and paragraphs picked with a searchable picker instead of a list of every row."""
    data = form.data if form.is_bound else {}
    for name, field in form.fields.items():
        if name.endswith("_kk"):
            field.widget.attrs["lang"] = "kk"
        if isinstance(field, forms.DateField):
            _localize_date(field)
            continue
        model = getattr(getattr(field, "queryset", None), "model", None)
        if pickers and model in PICKERS:
            _use_picker(field, PICKERS[model], data.get(f"{name}__q", ""))
        elif model is DimensionValue:
            field.widget = LangSelectMultiple(
                attrs=field.widget.attrs, choices=_dimension_groups(field.queryset)
            )
        elif isinstance(field.widget, forms.SelectMultiple) and hasattr(field, "choices"):
            field.widget = LangSelectMultiple(attrs=field.widget.attrs, choices=field.choices)
        elif type(field.widget) is forms.Select and hasattr(field, "choices"):
            field.widget = LangSelect(attrs=field.widget.attrs, choices=field.choices)


class LocalDateInput(forms.DateInput):
    """A text input showing a date day first; the live values and payloads hold ISO strings."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return value  # what the person typed, shown back as typed
        return super().format_value(value)


def _dimension_groups(queryset: QuerySet) -> list[tuple[str, list]]:
    """Dimension values grouped under their dimension's name (one <optgroup> each, the option
    only the value's name): "Region" → "Akmola", never "region=akmola" (one query)."""
    groups: dict[str, list] = {}
    for value in queryset.select_related("dimension").order_by("dimension__code", "code"):
        dimension = localized(value.dimension, "name") or value.dimension.code
        label = localized(value, "name") or value.code
        groups.setdefault(dimension, []).append((ModelChoiceIteratorValue(value.pk, value), label))
    return list(groups.items())


def _localize_date(field: forms.DateField) -> None:
    pattern = date_input_format()
    field.widget = LocalDateInput(format=pattern, attrs={"inputmode": "numeric", "size": 10})
    field.input_formats = [pattern, "%Y-%m-%d"]
    hint = gettext("Format: %(format)s, e.g. %(example)s") % {
        "format": gettext("DD.MM.YYYY") if "." in pattern else gettext("DD/MM/YYYY"),
        "example": dt.date(2026, 11, 28).strftime(pattern),
    }
    field.help_text = f"{field.help_text} {hint}".strip() if field.help_text else hint


def _use_picker(field: forms.Field, kind: str, query: str) -> None:
    multiple = isinstance(field, forms.ModelMultipleChoiceField)
    widget = PickerWidget(kind, multiple=multiple, attrs=field.widget.attrs)
    widget.required = field.required
    widget.query = str(query)[:100]
    if widget.query:
        widget.matches = lookup_page(kind, widget.query)[0]
    field.widget = widget


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
                related = spec.display_select_related.get(name)
                if related and hasattr(field, "queryset"):
                    # Choice labels follow a foreign key (a citation names its act).
                    field.queryset = field.queryset.select_related(*related)
                if isinstance(field.widget, forms.SelectMultiple):
                    field.widget.attrs.setdefault("size", 8)
            localize_form(self)
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
