"""Read shapes of the public API and the change-request workflow. Related records appear by their
natural keys; nothing here writes (the workflow views pass validated input to the services)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.keys import natural_key, target_types, type_slug
from tracker.models import (
    Article,
    ChangeRequest,
    Citation,
    DataFlag,
    Evidence,
    LegalAct,
    Measure,
    Organization,
    ReportParagraph,
    ReviewEvent,
)
from tracker.workflow.selectors import AVAILABLE_ACTIONS

# Public, approved data -------------------------------------------------------------------------


class ArticleSerializer(serializers.ModelSerializer):
    key = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)

    class Meta:
        model = Article
        fields = ["number", "key", "title", "title_kk", "title_ru", "title_en", "part"]


class ParagraphSerializer(serializers.ModelSerializer):
    article = serializers.SlugRelatedField(slug_field="number", read_only=True)
    convention_articles = serializers.SlugRelatedField(
        slug_field="number", many=True, read_only=True
    )

    class Meta:
        model = ReportParagraph
        fields = [
            "number",
            "article",
            "section_kk",
            "text_kk",
            "text_printed",
            "repair",
            "convention_articles",
            "curation",
        ]


class OrganizationSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Organization
        fields = [
            "code",
            "short_kk",
            "name",
            "name_kk",
            "name_ru",
            "name_en",
            "kind",
            "parent",
            "region",
        ]


class LegalActSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    issuing_organization = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    aliases = serializers.SlugRelatedField(slug_field="text", many=True, read_only=True)
    source_paragraphs = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)

    class Meta:
        model = LegalAct
        fields = [
            "key",
            "act_type",
            "number",
            "adopted",
            "adopted_precision",
            "issuer",
            "issuing_organization",
            "title",
            "title_kk",
            "title_ru",
            "title_en",
            "status",
            "aliases",
            "source_paragraphs",
            "version",
            "curation",
        ]


class CitationSerializer(serializers.ModelSerializer):
    act = serializers.SlugRelatedField(slug_field="key", read_only=True)
    paragraph = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    crpd_article = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True
    )
    pinpoint = serializers.CharField(read_only=True)

    class Meta:
        model = Citation
        fields = [
            "key",
            "act",
            "article_ref",
            "clause_ref",
            "subclause_ref",
            "pinpoint",
            "text_kk",
            "paragraph",
            "crpd_article",
            "curation",
        ]


class MeasureSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    articles = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    organizations = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    source_paragraphs = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    legal_basis = serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)

    class Meta:
        model = Measure
        fields = [
            "key",
            "title",
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
            "date_precision",
            "articles",
            "organizations",
            "source_paragraphs",
            "legal_basis",
            "needs_review",
            "version",
            "updated_at",
            "curation",
            "source_annex",
        ]


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    organization = serializers.CharField(allow_null=True)


class HistoryCommentSerializer(serializers.Serializer):
    action = serializers.CharField()
    comment = serializers.CharField()
    at = serializers.DateTimeField()


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    """One approved change of a live record (built by views from selectors.record_history)."""

    change_request = serializers.IntegerField()
    operation = serializers.CharField()
    proposed_by = PersonSerializer()
    approved_by = PersonSerializer(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField(help_text="The change request's summary.")
    explanation = serializers.CharField()
    comments = HistoryCommentSerializer(many=True)
    changes = FieldChangeSerializer(many=True)


class DataFlagSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="content_type.model", read_only=True)
    object = serializers.SerializerMethodField()

    class Meta:
        model = DataFlag
        fields = ["model", "object", "code", "message", "resolved", "created_at"]

    @extend_schema_field(
        {
            "oneOf": [{"type": "string"}, {"type": "integer"}],
            "nullable": True,
            "description": "The flagged record's natural key (an article or paragraph number).",
        }
    )
    def get_object(self, flag: DataFlag) -> Any:
        return natural_key(flag.target)


# The workflow ----------------------------------------------------------------------------------


class ReviewEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    # Plain strings: the same choices as the change request's status, named once in the schema.
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)

    class Meta:
        model = ReviewEvent
        fields = ["action", "from_status", "to_status", "actor", "comment", "created_at"]


class EvidenceSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "uploaded_by",
            "uploaded_at",
            "public",
        ]


class DiffRowSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    live = serializers.JSONField(allow_null=True)
    base = serializers.JSONField(allow_null=True)
    proposed = serializers.JSONField(allow_null=True)
    live_display = serializers.CharField()
    base_display = serializers.CharField()
    proposed_display = serializers.CharField()
    changed = serializers.BooleanField()
    changed_meanwhile = serializers.BooleanField()


DETAIL_ONLY = ("payload", "diff", "events", "evidence", "available_actions")


class ChangeRequestSerializer(serializers.ModelSerializer):
    """A change request; `payload`, `diff`, `events`, `evidence` and `available_actions` only on
    single-record responses (the view supplies them in the serializer context)."""

    target_type = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    decided_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    payload = serializers.SerializerMethodField(
        required=False, help_text="Proposed values, related records by natural key."
    )
    diff = serializers.SerializerMethodField(required=False)
    events = serializers.SerializerMethodField(required=False)
    evidence = serializers.SerializerMethodField(required=False)
    available_actions = serializers.SerializerMethodField(
        required=False,
        help_text="What you may do to this change request now: the moves its status allows that "
        "your role grants, and edit, attach_evidence, rebase and revert where they apply. "
        "Each names the endpoint that does it (edit: PATCH; attach_evidence: evidence/).",
    )

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "target_type",
            "target",
            "operation",
            "status",
            "summary",
            "explanation",
            "base_version",
            "version",
            "author",
            "organization",
            "created_at",
            "updated_at",
            "submitted_at",
            "decided_at",
            "decided_by",
            *DETAIL_ONLY,
        ]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        if "details" not in self.context:
            for name in DETAIL_ONLY:
                fields.pop(name, None)
        return fields

    def _details(self, cr: ChangeRequest) -> dict[str, Any]:
        return self.context["details"][cr.pk]

    @extend_schema_field(OpenApiTypes.STR)
    def get_target_type(self, cr: ChangeRequest) -> str:
        return type_slug(cr.target_type.model_class())

    @extend_schema_field(
        {"type": "string", "nullable": True, "description": "The record's natural key."}
    )
    def get_target(self, cr: ChangeRequest) -> Any:
        return natural_key(cr.target) if cr.target_id is not None else None

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_payload(self, cr: ChangeRequest) -> dict[str, Any]:
        return self._details(cr)["payload"]

    @extend_schema_field(DiffRowSerializer(many=True))
    def get_diff(self, cr: ChangeRequest) -> list[dict[str, Any]]:
        return self._details(cr)["diff"]

    @extend_schema_field(ReviewEventSerializer(many=True))
    def get_events(self, cr: ChangeRequest) -> list[dict[str, Any]]:
        return ReviewEventSerializer(self._details(cr)["events"], many=True).data

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, cr: ChangeRequest) -> list[dict[str, Any]]:
        return EvidenceSerializer(self._details(cr)["evidence"], many=True).data

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=list(AVAILABLE_ACTIONS)))
    )
    def get_available_actions(self, cr: ChangeRequest) -> list[str]:
        return self._details(cr)["available_actions"]


class ChangeRequestCreateSerializer(serializers.Serializer):
    target_type = serializers.ChoiceField(choices=())
    target = serializers.CharField(
        required=False,
        allow_null=True,
        help_text="Natural key of the record to change; omit or null to propose a new record.",
    )
    payload = serializers.DictField(
        help_text="Proposed values by field name; related records by natural key (organisation "
        "codes, article and paragraph numbers, citation keys, `dimension:value`)."
    )
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    explanation = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Whatever kinds of record are edited through change requests (apps register them).
        self.fields["target_type"].choices = sorted(target_types())


class ChangeRequestUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1,
        help_text="The change request's `version` your edit starts from (as last read). If it "
        "changed meanwhile the edit is refused with 409 and nothing is written.",
    )
    payload = serializers.DictField(required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    explanation = serializers.CharField(required=False, allow_blank=True)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ApproveSerializer(CommentSerializer):
    public_evidence = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        max_length=100,
        help_text="Ids of this change request's evidence files to publish with the approval. "
        "Evidence is otherwise private to the organisation and the reviewers.",
    )


class RevertSerializer(serializers.Serializer):
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class EvidenceUploadSerializer(serializers.Serializer):
    # Emptiness, size and type are the service's rules (evidence_attach), not repeated here.
    file = serializers.FileField(allow_empty_file=True)
