"""What a change request may change on a national measure, and the rules its values obey."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracker.workflow.specs import EditSpec, Values, register, require

from .models import FINISHED_STATUSES, Measure, MeasureStatus

if TYPE_CHECKING:
    from tracker.workflow.models import ChangeRequest


class MeasureForm(forms.ModelForm):
    """A national measure's editable fields: the web form and the change-request validator."""

    class Meta:
        model = Measure
        fields = [
            "title_kk",
            "title_ru",
            "title_en",
            "description_kk",
            "figures_kk",
            "kind",
            "status",
            "progress",
            "start_date",
            "due_date",
            "completed_date",
            "articles",
            "organizations",
            "source_paragraphs",
            "legal_basis",
            "needs_review",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Responsible organisations decide who may edit the measure: it must have one.
        require(self, ["kind", "status", "organizations"])

    def clean_progress(self) -> int | None:
        progress = self.cleaned_data.get("progress")
        if progress is not None and not 0 <= progress <= 100:
            raise ValidationError(_("Progress must be between 0 and 100 %."), code="progress_range")
        return progress

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start = cleaned.get("start_date")
        for name in ("due_date", "completed_date"):
            value = cleaned.get(name)
            if start and value and value < start:
                self.add_error(
                    name,
                    ValidationError(
                        _("%(field)s may not be before the start date."),
                        code="before_start",
                        params={"field": Measure._meta.get_field(name).verbose_name},
                    ),
                )
        self._check_status_agrees(cleaned)
        return cleaned

    def _check_status_agrees(self, cleaned: dict[str, Any]) -> None:
        """Status, progress and completion date tell one story: an implemented measure is done
        (100 %), and only an implemented or discontinued one has a completion date. The
        database holds the same rules (Measure's measure_implemented_is_complete and
        measure_completed_only_when_finished constraints); here they are reported on the field
        to correct."""
        status, progress = cleaned.get("status"), cleaned.get("progress")
        if status == MeasureStatus.IMPLEMENTED and progress is not None and progress != 100:
            self.add_error(
                "progress",
                ValidationError(
                    _(
                        "An implemented measure is complete: set its progress to 100 "
                        "or change its status."
                    ),
                    code="implemented_not_complete",
                ),
            )
        if cleaned.get("completed_date") and status and status not in FINISHED_STATUSES:
            self.add_error(
                "completed_date",
                ValidationError(
                    _("Only an implemented or discontinued measure has a completion date."),
                    code="completed_not_finished",
                ),
            )


def _measure_organization_ids(
    *, target: Measure | None = None, values: Values | None = None
) -> set[int]:
    if target is not None:
        return set(target.organizations.values_list("pk", flat=True))
    proposed = (values or {}).get("organizations") or []
    # Unvalidated input: a malformed id names no organisation (the form reports it).
    return {int(pk) for pk in proposed if isinstance(pk, int) or str(pk).isdigit()}


def _measure_before_save(obj: models.Model, form: forms.ModelForm, cr: ChangeRequest) -> None:
    if obj.pk is None:
        # Editors do not invent keys; a new measure is named after the change that made it.
        obj.key = f"m:cr:{cr.pk}"


def register_measure() -> None:
    register(
        EditSpec(
            model=Measure,
            form=MeasureForm,
            display_select_related={"legal_basis": ("act",)},
            organization_ids=_measure_organization_ids,
            before_save=_measure_before_save,
        )
    )
