from __future__ import annotations

from typing import Any

from rest_framework import serializers

from intake.models import ImportBatch, ImportRow
from intake.selectors import batch_counts


class ImportBatchSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.code", read_only=True)
    author = serializers.CharField(source="author.get_username", read_only=True)
    counts = serializers.SerializerMethodField()
    finished = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "file_name",
            "organization",
            "author",
            "status",
            "total_rows",
            "processed_rows",
            "finished",
            "counts",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_counts(self, batch: ImportBatch) -> dict[str, int]:
        return batch_counts(batch)

    def get_finished(self, batch: ImportBatch) -> bool:
        return batch.finished_at is not None


class ImportRowSerializer(serializers.ModelSerializer):
    change_request = serializers.IntegerField(source="change_request_id", allow_null=True)

    class Meta:
        model = ImportRow
        fields = ["sheet", "row_number", "status", "column", "reason", "change_request"]
        read_only_fields = fields


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class DecideSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["approve", "return", "reject"])
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    change_requests = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, allow_null=True, default=None
    )


class DecisionResultSerializer(serializers.Serializer):
    cr_id = serializers.IntegerField()
    ok = serializers.BooleanField()
    error = serializers.CharField(allow_blank=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return dict(instance)
