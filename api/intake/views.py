"""Import through the API: upload a filled-in template (multipart `file`) → 202 with the batch;
the batch's status and counts; its rows; the reviewer's decisions; the organisation's template."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.errors import DomainErrorsMixin
from intake import selectors, services
from intake.models import ImportBatch
from intake.template import build_template, template_filename

from . import serializers as s

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportBatchViewSet(
    DomainErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Spreadsheet imports: each changed row of an uploaded template becomes a submitted change
    request of the uploading editor, grouped as one batch."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.ImportBatchSerializer

    def get_queryset(self) -> QuerySet[ImportBatch]:
        if getattr(self, "swagger_fake_view", False):
            return ImportBatch.objects.none()
        return selectors.batches_for(self.request.user)

    @extend_schema(
        request={"multipart/form-data": s.UploadSerializer},
        responses={202: s.ImportBatchSerializer, 400: OpenApiResponse(description="refused")},
    )
    def create(self, request: Request) -> Response:
        serializer = s.UploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        batch = services.batch_create_from_upload(
            by=request.user, upload=serializer.validated_data["file"], language=get_language()
        )
        return Response(s.ImportBatchSerializer(batch).data, status=status.HTTP_202_ACCEPTED)

    def get_parsers(self) -> list[Any]:
        # Asked before DRF sets `self.action`: the upload is told by the route's own action map.
        request = getattr(self, "request", None)
        method = request.method.lower() if request is not None else ""
        if request is None or getattr(self, "action_map", {}).get(method) == "create":
            return [MultiPartParser(), FormParser()]
        return super().get_parsers()

    @extend_schema(responses=s.ImportRowSerializer(many=True))
    @action(detail=True, methods=["get"])
    def rows(self, request: Request, pk: str | None = None) -> Response:
        batch = self.get_object()
        rows = selectors.batch_rows(batch, status=request.query_params.get("status", ""))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.ImportRowSerializer(page, many=True).data)

    @extend_schema(request=s.DecideSerializer, responses=s.DecisionResultSerializer(many=True))
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        batch = self.get_object()
        data = s.DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        results = services.batch_decide(
            batch_id=batch.pk,
            by=request.user,
            action=data.validated_data["action"],
            comment=data.validated_data["comment"],
            cr_ids=data.validated_data["change_requests"],
        )
        return Response(s.DecisionResultSerializer(results, many=True).data)

    @extend_schema(responses={(200, XLSX): OpenApiResponse(description="the XLSX template")})
    @action(detail=False, methods=["get"])
    def template(self, request: Request) -> HttpResponse:
        if not request.user.has_perm("intake.import_changes"):
            raise PermissionDenied
        organization = request.user.organization
        response = HttpResponse(build_template(organization), content_type=XLSX)
        filename = template_filename(organization)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
