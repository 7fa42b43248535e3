"""Indicators' records as change requests: observations (with the rule that one putting its
indicator off track must say why), targets (they decide "off track", so they change under the same
four eyes) and indicator definitions. Registered with tracker.workflow.specs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tracker.workflow.specs import EditSpec, Values, register

from .models import Indicator, Observation, Target, Unit, dims_key_for
from .progress import ProgressStatus, indicator_progress

if TYPE_CHECKING:
    from django.db import models

    from tracker.models import ChangeRequest


class ObservationForm(forms.ModelForm):
    """An indicator value for a period and a combination of dimensions, with its source."""

    class Meta:
        model = Observation
        fields = [
            "indicator",
            "period_start",
            "period_end",
            "value",
            "dimension_values",
            "paragraph",
            "source_annex",
            "text_kk",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dimension_values"].queryset = self.fields[
            "dimension_values"
        ].queryset.select_related("dimension")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        indicator: Indicator | None = cleaned.get("indicator")
        start, end, value = (cleaned.get(n) for n in ("period_start", "period_end", "value"))
        if indicator is not None:
            if start and indicator.year_from and start.year < indicator.year_from:
                self.add_error("period_start", self._outside(indicator))
            if end and indicator.year_to and end.year > indicator.year_to:
                self.add_error("period_end", self._outside(indicator))
            if value is not None and indicator.unit == Unit.PERCENT and not 0 <= value <= 100:
                self.add_error("value", _percent_range())
        if start and end and end < start:
            self.add_error(
                "period_end",
                ValidationError(_("The period may not end before it starts."), code="period"),
            )
        if not cleaned.get("paragraph") and not cleaned.get("source_annex"):
            self.add_error(
                "paragraph",
                ValidationError(
                    _("Give the source: a report paragraph or an annex row."), code="source"
                ),
            )
        self._check_cell(cleaned)
        return cleaned

    @staticmethod
    def _outside(indicator: Indicator) -> ValidationError:
        return ValidationError(
            _("The period must lie within the indicator's years %(first)s–%(last)s."),
            code="period_outside_indicator",
            params={"first": indicator.year_from or "…", "last": indicator.year_to or "…"},
        )

    def _check_cell(self, cleaned: dict[str, Any]) -> None:
        dims = cleaned.get("dimension_values")
        if dims is None:
            return
        pairs: dict[str, str] = {}
        indicator = cleaned.get("indicator")
        # A value by a dimension the series does not have would fall out of its totals unseen.
        expected = set(indicator.dimensions.values_list("code", flat=True)) if indicator else set()
        for dv in dims:
            if expected and dv.dimension.code not in expected:
                self.add_error(
                    "dimension_values",
                    ValidationError(
                        _("This indicator is not broken down by %(dimension)s."),
                        code="dimension_not_expected",
                        params={"dimension": dv.dimension.code},
                    ),
                )
                return
            if dv.dimension.code in pairs:
                self.add_error(
                    "dimension_values",
                    ValidationError(
                        _("Give one value per dimension (%(dimension)s is given twice)."),
                        code="dimension_twice",
                        params={"dimension": dv.dimension.code},
                    ),
                )
                return
            pairs[dv.dimension.code] = dv.code
        # dims_key is not a form field, so the model's unique constraint on the cell is skipped
        # by the form: check it here, where the key is known.
        self.instance.dims_key = dims_key_for(pairs)
        cell = {n: cleaned.get(n) for n in ("indicator", "period_start", "period_end")}
        if all(cell.values()):
            clash = Observation.objects.filter(**cell, dims_key=self.instance.dims_key).exclude(
                pk=self.instance.pk
            )
            if clash.exists():
                self.add_error(
                    "period_end",
                    ValidationError(
                        _("This indicator already has a value for this period and dimensions."),
                        code="cell_taken",
                    ),
                )


def _percent_range() -> ValidationError:
    return ValidationError(
        _("A share in per cent must be between 0 and 100."), code="percent_range"
    )


class TargetForm(forms.ModelForm):
    """An indicator's target for one year: a number, or a qualitative text where none is set."""

    class Meta:
        model = Target
        fields = ["indicator", "year", "value", "text_kk", "placement", "reasoning", "source_annex"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        indicator: Indicator | None = cleaned.get("indicator")
        value = cleaned.get("value")
        if value is None and not cleaned.get("text_kk") and "value" not in self.errors:
            self.add_error(
                "value",
                ValidationError(
                    _("A target needs a value or a qualitative text."), code="value_or_text"
                ),
            )
        percent = indicator is not None and indicator.unit == Unit.PERCENT
        if percent and value is not None and not 0 <= value <= 100:
            self.add_error("value", _percent_range())
        return cleaned


class IndicatorForm(forms.ModelForm):
    """An indicator's definition: what is measured, in which unit, which way is better, by whom."""

    class Meta:
        model = Indicator
        fields = [
            "key",
            "name_kk",
            "name_ru",
            "name_en",
            "unit",
            "unit_label_kk",
            "direction",
            "programme",
            "organization",
            "articles",
            "dimensions",
            "year_from",
            "year_to",
            "source_paragraphs",
            "source_annex",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first, last = cleaned.get("year_from"), cleaned.get("year_to")
        if first and last and last < first:
            self.add_error(
                "year_to",
                ValidationError(
                    _("The last year may not come before the first."), code="years_ordered"
                ),
            )
        return cleaned


def _indicator_organization_ids(
    *, target: Indicator | None = None, values: Values | None = None
) -> set[int]:
    """An indicator's responsible organisation: the live one, or the one proposed."""
    org = target.organization_id if target is not None else (values or {}).get("organization")
    return {org} if org else set()


def _observation_organization_ids(
    *, target: Observation | Target | None = None, values: Values | None = None
) -> set[int]:
    """A target's or an observation's: the responsible organisation of its indicator."""
    indicator_id = target.indicator_id if target is not None else (values or {}).get("indicator")
    if not indicator_id:
        return set()
    org = Indicator.objects.filter(pk=indicator_id).values_list("organization_id", flat=True)
    return {pk for pk in org if pk is not None}


def _observation_before_save(obj: models.Model, form: forms.ModelForm, cr: ChangeRequest) -> None:
    obj.explanation = cr.explanation


def _require_explanation_when_off_track(values: Values, cr: ChangeRequest) -> None:
    """An observation that puts its indicator off its target path must carry an explanation."""
    if values.get("dimension_values") or cr.explanation.strip():
        return
    indicator = Indicator.objects.get(pk=values["indicator"])
    end = forms.DateField().clean(values["period_end"])
    value = forms.DecimalField().clean(values["value"])
    proposed = (end.year, value)
    in_its_year = indicator_progress(
        indicator, year=end.year, proposed=proposed, replacing_pk=cr.target_id
    )
    # A correction to an earlier year moves the baseline, and so today's status too.
    now_before = indicator_progress(indicator)
    now_after = indicator_progress(indicator, proposed=proposed, replacing_pk=cr.target_id)
    puts_off_track = in_its_year == ProgressStatus.OFF_TRACK or (
        now_after == ProgressStatus.OFF_TRACK != now_before
    )
    if puts_off_track:
        raise ValidationError(
            {
                "explanation": ValidationError(
                    _(
                        "This value puts the indicator off its target path: "
                        "explain why before submitting."
                    ),
                    code="off_track_needs_explanation",
                )
            }
        )


def register_observation() -> None:
    register(
        EditSpec(
            model=Observation,
            form=ObservationForm,
            create_only=frozenset({"indicator"}),
            display_select_related={"dimension_values": ("dimension",)},
            organization_ids=_observation_organization_ids,
            before_save=_observation_before_save,
            check_submission=_require_explanation_when_off_track,
        )
    )


def register_target() -> None:
    register(
        EditSpec(
            model=Target,
            form=TargetForm,
            create_only=frozenset({"indicator"}),
            organization_ids=_observation_organization_ids,
        )
    )


def register_indicator() -> None:
    register(
        EditSpec(
            model=Indicator,
            form=IndicatorForm,
            # The key is how the API, the fixtures and the loader name the indicator.
            create_only=frozenset({"key"}),
            organization_ids=_indicator_organization_ids,
        )
    )
