"""What the pages' downloads can be narrowed by, beyond the measures' own filters
(tracker/measures/filters.py): an organisation's indicators, one indicator's targets and
observations, one act's citations. Related records by natural key, as on the pages and in the API;
an unknown key is an error, never an export of everything."""

from __future__ import annotations

import django_filters as df
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator, Observation, Target
from tracker.law.models import Citation, LegalAct
from tracker.organisations.models import Organization


def _organization(field_name: str) -> df.ModelChoiceFilter:
    return _by_key(_("Responsible organisation"), field_name, "code", Organization)


def _indicator(field_name: str) -> df.ModelChoiceFilter:
    return _by_key(_("Indicator"), field_name, "key", Indicator)


def _by_key(label: str, field_name: str, key: str, model: type) -> df.ModelChoiceFilter:
    return df.ModelChoiceFilter(
        label=label, field_name=field_name, to_field_name=key, queryset=model.objects.all()
    )


class IndicatorExportFilter(df.FilterSet):
    organization = _organization("organization")

    class Meta:
        model = Indicator
        fields = ["organization"]


class TargetExportFilter(df.FilterSet):
    """An indicator's data: its targets, and (the subclass) its observations."""

    indicator = _indicator("indicator")
    organization = _organization("indicator__organization")

    class Meta:
        model = Target
        fields = ["indicator", "organization"]


class ObservationExportFilter(TargetExportFilter):
    class Meta(TargetExportFilter.Meta):
        model = Observation


class CitationExportFilter(df.FilterSet):
    act = _by_key(_("Legal act"), "act", "key", LegalAct)

    class Meta:
        model = Citation
        fields = ["act"]


class NoFilter(df.FilterSet):
    """The legal acts' page lists them all."""
