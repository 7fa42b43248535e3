"""API v1 views: the public read-only endpoints over approved data, and the change-request workflow.

Thin callers: every read is a selector's queryset, every write is a workflow service. A browser's
session (with CSRF on writes) or an API token (REST_FRAMEWORK's authentication classes) names the
user, who acts with exactly their own rights; the public endpoints need neither. Every list that
a page shows can also be downloaded, filtered the same way (api/exports.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from api.caching import PublicCacheMixin, PublicListCacheMixin
from api.errors import CONFLICT, FIELD_ERRORS, FORBIDDEN, NOT_FOUND, DomainErrorsMixin
from api.exports import ExportMixin
from api.keys import joined_codecs, payload_from_api, resolve, target_types
from exports import tables
from tracker.convention.selectors import article_list, paragraph_list
from tracker.law.selectors import citation_list, legal_act_list
from tracker.measures.filters import MeasureFilter
from tracker.measures.selectors import measure_list
from tracker.models import ChangeRequest, DataFlag, Measure
from tracker.organisations.selectors import organization_list
from tracker.quality.selectors import data_flag_list
from tracker.workflow import evidence, services
from tracker.workflow.selectors import change_requests_for_page
from tracker.workflow.specs import spec_for

from . import filters
from . import serializers as s
from .selectors import change_request_details, change_requests_visible_to, record_history_for_api

# Keys contain dots (`kz:norm:3.01-05-2001`), which DRF's default lookup pattern refuses.
KEY_PATTERN = r"[^/]+"


class PublicViewSet(PublicCacheMixin, viewsets.ReadOnlyModelViewSet):
    """Approved, live data for anyone (CRPD art. 4(3), 33(3)); writing needs an account and is
    done through change requests, never here. The anonymous public's answers are cached
    (api/caching.py)."""

    permission_classes = [IsAuthenticatedOrReadOnly]


class PublicListViewSet(PublicListCacheMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticatedOrReadOnly]


class ArticleViewSet(PublicViewSet):
    queryset = article_list()
    serializer_class = s.ArticleSerializer
    filterset_class = filters.ArticleFilter
    lookup_field = "number"


class ParagraphViewSet(PublicViewSet):
    queryset = paragraph_list()
    serializer_class = s.ParagraphSerializer
    filterset_class = filters.ParagraphFilter
    lookup_field = "number"


class OrganizationViewSet(PublicViewSet):
    queryset = organization_list()
    serializer_class = s.OrganizationSerializer
    filterset_class = filters.OrganizationFilter
    lookup_field = "code"
    lookup_value_regex = KEY_PATTERN


class LegalActViewSet(ExportMixin, PublicViewSet):
    export_table = tables.LEGAL_ACTS
    queryset = legal_act_list()
    serializer_class = s.LegalActSerializer
    filterset_class = filters.LegalActFilter
    lookup_field = "key"
    lookup_value_regex = KEY_PATTERN


class CitationViewSet(ExportMixin, PublicViewSet):
    export_table = tables.CITATIONS
    queryset = citation_list()
    serializer_class = s.CitationSerializer
    filterset_class = filters.CitationFilter
    keyset_ordering = ("key",)  # ?cursor=: api/pagination.py
    lookup_field = "key"
    lookup_value_regex = KEY_PATTERN


class MeasureViewSet(ExportMixin, PublicViewSet):
    export_table = tables.MEASURES
    queryset = measure_list(with_sources=True)
    serializer_class = s.MeasureSerializer
    filterset_class = MeasureFilter
    keyset_ordering = ("key",)  # ?cursor=: api/pagination.py
    lookup_field = "key"
    lookup_value_regex = KEY_PATTERN

    def get_queryset(self) -> QuerySet[Measure]:
        if self.action == "history":
            # The history names no related rows of the measure itself: nothing to prefetch.
            return measure_list().prefetch_related(None)
        return super().get_queryset()

    @extend_schema(
        summary="Approved changes of a measure",
        description="Oldest first: who proposed and approved each change, when, why, and each "
        "field's value before and after (related records by natural key).",
        filters=False,
        responses=s.HistoryEntrySerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request: Request, key: str) -> Response:
        entries = record_history_for_api(self.get_object())
        return Response(s.HistoryEntrySerializer(entries, many=True).data)


class DataFlagViewSet(PublicListViewSet):
    serializer_class = s.DataFlagSerializer
    filterset_class = filters.DataFlagFilter

    def get_queryset(self) -> QuerySet[DataFlag]:
        # Flagged records by natural key: one query per kind of record.
        return data_flag_list(target_querysets=[codec.queryset() for codec in joined_codecs()])


# The workflow ----------------------------------------------------------------------------------

_ERRORS = {400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}


def _decision(summary: str, *, request: type | None = None, created: bool = False) -> Any:
    return extend_schema(
        summary=summary,
        request=request,
        responses={
            (201 if created else 200): s.ChangeRequestSerializer,
            **_ERRORS,
        },
    )


@extend_schema_view(
    list=extend_schema(
        summary="Change requests you may see",
        description="Your organisation's change requests; for reviewers also the submitted "
        "queue and what they decided.",
    ),
    retrieve=extend_schema(
        summary="One change request with its diff, review events and evidence",
        responses={200: s.ChangeRequestSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class ChangeRequestViewSet(
    ExportMixin,
    DomainErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Proposed changes to measures, observations, legal acts, targets and indicators, and their
    review."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.ChangeRequestSerializer
    export_table = tables.CHANGE_REQUESTS
    filterset_class = filters.ChangeRequestFilter

    def get_queryset(self) -> QuerySet[ChangeRequest]:
        if getattr(self, "swagger_fake_view", False):
            return change_requests_for_page().none()
        return change_requests_visible_to(self.request.user)

    def _respond(self, cr_id: int, *, status_code: int = status.HTTP_200_OK) -> Response:
        cr = self.get_queryset().get(pk=cr_id)
        details = change_request_details(cr, user=self.request.user)
        context = {**self.get_serializer_context(), "details": {cr.pk: details}}
        return Response(s.ChangeRequestSerializer(cr, context=context).data, status=status_code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._respond(self.get_object().pk)

    def _commented(self, request: Request, service: Callable[..., ChangeRequest]) -> Response:
        """An action that takes the actor's comment: withdraw, approve, return, reject."""
        cr = self.get_object()
        comment = _valid(s.CommentSerializer, request)["comment"]
        service(cr_id=cr.pk, by=request.user, comment=comment)
        return self._respond(cr.pk)

    @_decision("Propose a change (a draft)", request=s.ChangeRequestCreateSerializer, created=True)
    def create(self, request: Request) -> Response:
        data = _valid(s.ChangeRequestCreateSerializer, request)
        model = target_types()[data["target_type"]]
        target = None
        if data.get("target") not in (None, ""):
            target = resolve(model, data["target"])
            if target is None:
                return Response(
                    {"target": [_no_such_record(model, data["target"])]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        cr = services.change_request_create(
            by=request.user,
            target=target,
            target_model=None if target is not None else model,
            payload=payload_from_api(spec_for(model), data["payload"]),
            summary=data["summary"],
            explanation=data["explanation"],
        )
        return self._respond(cr.pk, status_code=status.HTTP_201_CREATED)

    @_decision("Change a draft or returned change request", request=s.ChangeRequestUpdateSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        cr = self.get_object()
        data = _valid(s.ChangeRequestUpdateSerializer, request)
        payload = data.get("payload")
        if payload is not None:
            payload = payload_from_api(spec_for(cr.target_type.model_class()), payload)
        services.change_request_update_draft(
            cr_id=cr.pk,
            by=request.user,
            payload=payload,
            summary=data.get("summary"),
            explanation=data.get("explanation"),
            expected_version=data["version"],
        )
        return self._respond(cr.pk)

    @_decision("Submit for review")
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        cr = self.get_object()
        services.change_request_submit(cr_id=cr.pk, by=request.user)
        return self._respond(cr.pk)

    @_decision("Withdraw (the author)", request=s.CommentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        return self._commented(request, services.change_request_withdraw)

    @_decision("Approve and apply to the live record (a reviewer)", request=s.ApproveSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        cr = self.get_object()
        data = _valid(s.ApproveSerializer, request)
        services.change_request_approve(
            cr_id=cr.pk,
            by=request.user,
            comment=data["comment"],
            public_evidence=data["public_evidence"],
        )
        return self._respond(cr.pk)

    @_decision("Return to the author for changes (comment required)", request=s.CommentSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        return self._commented(request, services.change_request_return)

    @_decision("Reject (comment required)", request=s.CommentSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return self._commented(request, services.change_request_reject)

    @_decision("Rebase on the live version after a conflict")
    @action(detail=True, methods=["post"])
    def rebase(self, request: Request, pk: str) -> Response:
        cr = self.get_object()
        services.change_request_rebase(cr_id=cr.pk, by=request.user)
        return self._respond(cr.pk)

    @_decision(
        "Propose undoing an approved change (a new draft)",
        request=s.RevertSerializer,
        created=True,
    )
    @action(detail=True, methods=["post"])
    def revert(self, request: Request, pk: str) -> Response:
        cr = self.get_object()
        summary = _valid(s.RevertSerializer, request)["summary"]
        revert = services.change_request_revert(cr_id=cr.pk, by=request.user, summary=summary)
        return self._respond(revert.pk, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Attach an evidence file (PDF, DOCX, XLSX, PNG or JPEG, up to 10 MB)",
        request={"multipart/form-data": s.EvidenceUploadSerializer},
        responses={201: s.EvidenceSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request: Request, pk: str) -> Response:
        cr = self.get_object()
        upload = _valid(s.EvidenceUploadSerializer, request)["file"]
        attached = evidence.evidence_attach(cr_id=cr.pk, by=request.user, uploaded_file=upload)
        return Response(s.EvidenceSerializer(attached).data, status=status.HTTP_201_CREATED)


def _valid(serializer_class: type, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _no_such_record(model: type, key: Any) -> str:
    return _("No %(model)s has the key %(keys)s.") % {
        "model": model._meta.verbose_name,
        "keys": key,
    }
