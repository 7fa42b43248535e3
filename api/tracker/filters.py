"""Query-string filters of the public API; related records are named by natural key. The measure
list's filters are the domain's own, shared with the page: tracker/measures/filters.py."""

from __future__ import annotations

import django_filters as df

from tracker.models import (
    Article,
    ArticlePart,
    ChangeRequest,
    ChangeStatus,
    Citation,
    DataFlag,
    DataFlagCode,
    LegalAct,
    LegalActStatus,
    LegalActType,
    Organization,
    OrganizationKind,
    ReportParagraph,
)


class ArticleFilter(df.FilterSet):
    part = df.ChoiceFilter(choices=ArticlePart.choices)

    class Meta:
        model = Article
        fields = ["part"]


class ParagraphFilter(df.FilterSet):
    article = df.NumberFilter(field_name="article__number", help_text="CRPD article number.")

    class Meta:
        model = ReportParagraph
        fields = ["article"]


class OrganizationFilter(df.FilterSet):
    kind = df.ChoiceFilter(choices=OrganizationKind.choices)

    class Meta:
        model = Organization
        fields = ["kind"]


class LegalActFilter(df.FilterSet):
    type = df.ChoiceFilter(field_name="act_type", choices=LegalActType.choices)
    status = df.ChoiceFilter(choices=LegalActStatus.choices)

    class Meta:
        model = LegalAct
        fields = ["type", "status"]


class CitationFilter(df.FilterSet):
    act = df.CharFilter(field_name="act__key", help_text="Legal act key.")
    paragraph = df.NumberFilter(field_name="paragraph__number", help_text="Report paragraph.")
    article = df.NumberFilter(field_name="crpd_article__number", help_text="CRPD article number.")

    class Meta:
        model = Citation
        fields = ["act", "paragraph", "article"]


class DataFlagFilter(df.FilterSet):
    model = df.CharFilter(
        field_name="content_type__model",
        help_text="Kind of record, lower case: measure, observation, legalact, indicator…",
    )
    code = df.ChoiceFilter(choices=DataFlagCode.choices)
    resolved = df.BooleanFilter()

    class Meta:
        model = DataFlag
        fields = ["model", "code", "resolved"]


class ChangeRequestFilter(df.FilterSet):
    status = df.ChoiceFilter(choices=ChangeStatus.choices)

    class Meta:
        model = ChangeRequest
        fields = ["status"]
