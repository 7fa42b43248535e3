"""The workflow's domain errors as HTTP responses, and their shapes for the OpenAPI schema.

PermissionDenied → 403, ValidationError → 400 keyed by field, TransitionNotAllowed → 409,
ChangeConflict → 409 with what changed meanwhile. Messages are the services' own, rendered in the
request's language (LocaleMiddleware reads Accept-Language on /api/).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings

from tracker.workflow.selectors import change_requests_for_page
from tracker.workflow.services import ChangeConflict, DraftChanged
from tracker.workflow.specs import spec_for
from tracker.workflow.transitions import TransitionNotAllowed

from .keys import KeyEncoder


def validation_detail(exc: DjangoValidationError) -> dict[str, list[str]]:
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: list(exc.messages)}
    return {
        (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): messages
        for name, messages in exc.message_dict.items()
    }


def conflict_body(exc: ChangeConflict) -> dict[str, Any]:
    cr = change_requests_for_page().get(pk=exc.change_request_id)
    spec = spec_for(cr.target_type.model_class())
    encode = KeyEncoder(
        spec, [(row["field"], row[side]) for row in exc.changes for side in ("base", "live")]
    )
    return {
        "detail": str(exc),
        "code": "conflict",
        "base_version": exc.base_version,
        "live_version": exc.live_version,
        "changes": [
            {
                "field": row["field"],
                "label": str(row["label"]),
                "base": encode(row["field"], row["base"]),
                "live": encode(row["field"], row["live"]),
            }
            for row in exc.changes
        ],
    }


class DomainErrorsMixin:
    """For API views that call the workflow services."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ChangeConflict):
            return Response(conflict_body(exc), status=status.HTTP_409_CONFLICT)
        if isinstance(exc, DraftChanged):
            return Response(
                {
                    "detail": str(exc),
                    "code": "stale_version",
                    "expected_version": exc.expected_version,
                    "version": exc.version,
                },
                status=status.HTTP_409_CONFLICT,
            )
        if isinstance(exc, TransitionNotAllowed):
            return Response(
                {"detail": str(exc), "code": "transition_not_allowed"},
                status=status.HTTP_409_CONFLICT,
            )
        if isinstance(exc, exceptions.UnsupportedMediaType):
            # DRF's own message names what was sent; say what to send instead.
            accepted = " | ".join(parser.media_type for parser in self.request.parsers)
            exc = exceptions.UnsupportedMediaType(
                exc.detail,
                detail=_("Send the request body with Content-Type: %(types)s.")
                % {"types": accepted},
            )
        elif isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(validation_detail(exc))
        elif isinstance(exc, DjangoPermissionDenied):
            # DRF's own handler drops the service's message, which says why.
            exc = exceptions.PermissionDenied(str(exc) or None)
        return super().handle_exception(exc)


# Shapes for the schema -------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class ConflictChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    base = serializers.JSONField(allow_null=True)
    live = serializers.JSONField(allow_null=True)


class ConflictSerializer(ErrorSerializer):
    base_version = serializers.IntegerField(required=False)
    live_version = serializers.IntegerField(required=False)
    changes = ConflictChangeSerializer(many=True, required=False)


class FieldErrorsSerializer(serializers.Serializer):
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


FIELD_ERRORS = OpenApiResponse(
    FieldErrorsSerializer,
    description="Validation failed: messages keyed by field name (payload fields by their own "
    "name), in the request's language.",
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer, description="Not signed in, or not allowed to do this to this record."
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such change request visible to you.")
CONFLICT = OpenApiResponse(
    ConflictSerializer,
    description="The change request's status does not allow this (code "
    "`transition_not_allowed`), or the record changed meanwhile (code `conflict`, with `changes`): "
    "rebase and submit again; or, for an edit, the change request itself changed after the "
    "`version` you sent (code `stale_version`): read it again and redo the edit.",
)
