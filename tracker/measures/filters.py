"""What the public list of measures can be narrowed by: the one filter definition behind the
measures page (web/tracker/views.py) and the API's measure list (api/tracker/views.py).

Related records are named by natural key in both — an article by its number, an organisation by
its code — so a page's address and an API query say the same thing (`?article=9&organization=MH`).
"""

from __future__ import annotations

import django_filters as df
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.convention.models import Article
from tracker.organisations.models import Organization
from tracker.search import search

from .models import Measure, MeasureKind, MeasureStatus

CLOSED = (MeasureStatus.IMPLEMENTED, MeasureStatus.DISCONTINUED)

SEARCHED_FIELDS = ("key", "title_kk", "title_ru", "title_en", "description_kk")


class MeasureFilter(df.FilterSet):
    q = df.CharFilter(
        label=_("Search"),
        method="filter_search",
        help_text=_("Every word must occur in the key, a title or the description."),
    )
    # The API's name for `q` since v1; kept for its clients. The page shows only `q`.
    search = df.CharFilter(method="filter_search", widget=forms.HiddenInput)
    article = df.ModelChoiceFilter(
        label=_("CRPD article"),
        field_name="articles",
        to_field_name="number",
        queryset=Article.objects.order_by("number"),
        empty_label=_("All articles"),
        distinct=True,
    )
    organization = df.ModelChoiceFilter(
        label=_("Responsible organisation"),
        field_name="organizations",
        to_field_name="code",
        # Only organisations responsible for some measure: the others would match nothing.
        # EXISTS, one index probe per organisation, not DISTINCT over every (measure, org) pair.
        queryset=Organization.objects.filter(
            Exists(Measure.organizations.through.objects.filter(organization_id=OuterRef("pk")))
        ).order_by("code"),
        empty_label=_("All organisations"),
        distinct=True,
    )
    status = df.ChoiceFilter(
        label=_("Status"), choices=MeasureStatus.choices, empty_label=_("All statuses")
    )
    kind = df.ChoiceFilter(label=_("Kind"), choices=MeasureKind.choices, empty_label=_("All kinds"))
    needs_review = df.BooleanFilter(
        label=_("Needs review"),
        widget=forms.Select(
            choices=[("", _("All measures")), ("true", _("Yes")), ("false", _("No"))]
        ),
    )

    overdue = df.BooleanFilter(
        label=_("Overdue"),
        method="filter_overdue",
        widget=forms.Select(
            choices=[("", _("All measures")), ("1", _("Overdue only")), ("0", _("Not overdue"))]
        ),
        help_text=_("Past the due date and neither implemented nor discontinued."),
    )
    discontinued = df.BooleanFilter(
        label=_("Discontinued"),
        method="filter_discontinued",
        widget=forms.Select(
            choices=[("", _("All measures")), ("0", _("Not discontinued")), ("1", _("Yes"))]
        ),
        help_text=_("The scorecard counts the measures not discontinued."),
    )

    class Meta:
        model = Measure
        fields = [
            "q",
            "article",
            "organization",
            "status",
            "kind",
            "needs_review",
            "overdue",
            "discontinued",
            "search",
        ]

    def filter_overdue(
        self, queryset: QuerySet[Measure], name: str, value: bool | None
    ) -> QuerySet:
        # The status reports' rule (reports/selectors.py), as of today in the site's time zone.
        overdue = Q(due_date__lt=timezone.localdate()) & ~Q(status__in=CLOSED)
        if value is None:
            return queryset
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_discontinued(self, queryset: QuerySet[Measure], name: str, value: bool | None):
        if value is None:
            return queryset
        stopped = Q(status=MeasureStatus.DISCONTINUED)
        return queryset.filter(stopped) if value else queryset.exclude(stopped)

    def filter_search(self, queryset: QuerySet[Measure], name: str, value: str) -> QuerySet:
        # The one search of pages and API (tracker/search.py): trigram-indexed on PostgreSQL,
        # Unicode case folding on SQLite; the list keeps its own (key) order.
        return search(queryset, SEARCHED_FIELDS, value, rank=False)
