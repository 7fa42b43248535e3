"""Downloads of the API's lists: `GET /api/v1/<list>/export/csv/` and `…/export/xlsx/`, narrowed by
the list's own query filters, in the request's language (Accept-Language), through the same
tables and writers as the pages' download links (exports/)."""

from __future__ import annotations

import json
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request

from exports import tables, writers


class _FileRenderer(BaseRenderer):
    """Lets a client ask for the file's type in Accept; the file itself bypasses rendering (a
    streamed response), so this renders only an error's body, as JSON text."""

    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):
        return json.dumps(data).encode()


class CSVRenderer(_FileRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(_FileRenderer):
    media_type = writers.XLSX_TYPE
    format = "xlsx"


# A CSV download's action: GET only, every row (no pagination), JSON for an error's body.
_FILE_ACTION = {
    "methods": ["get"],
    "pagination_class": None,
    "renderer_classes": [JSONRenderer, CSVRenderer],
}


def _file_schema(kind: str, media_type: str, summary: str = "", description: str = "") -> Any:
    return extend_schema(
        summary=summary or f"Download the list as {kind}",
        description=description
        or "The rows the list's filters select, all of them (no pagination), "
        "headers and labels in the request's language (Accept-Language).",
        filters=True,
        responses={
            (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description=kind),
            (400, "application/json"): OpenApiResponse(description="A filter's value is invalid."),
        },
    )


# Not docstrings: drf-spectacular would take a mixin's docstring for its viewset's description.


class ExportMixin:
    # Adds export/csv/ and export/xlsx/ to a list viewset whose rows `export_table` describes.

    export_table: tables.Table

    def _export(self, fmt: str) -> Any:
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        return writers.table_response(self.export_table, queryset, fmt)

    @_file_schema("CSV", "text/csv")
    @action(detail=False, url_path="export/csv", url_name="export-csv", **_FILE_ACTION)
    def export_csv(self, request: Request) -> Any:
        return self._export("csv")

    @_file_schema("XLSX", writers.XLSX_TYPE)
    @action(
        detail=False,
        url_path="export/xlsx",
        url_name="export-xlsx",
        methods=["get"],
        pagination_class=None,
        renderer_classes=[JSONRenderer, XLSXRenderer],
    )
    def export_xlsx(self, request: Request) -> Any:
        return self._export("xlsx")


class TidyExportMixin:
    # Observations in the tidy shape: one row per value, one column per dimension.

    @_file_schema(
        "CSV",
        "text/csv",
        summary="Download the observations as a tidy CSV (one row per value)",
        description="Indicator key and name, period start and end, one column per dimension "
        "(the value's code), value, unit and source (¶ or annex row): the shape indicator "
        "platforms such as Open SDG read.",
    )
    @action(detail=False, url_path="export/tidy-csv", url_name="tidy-csv", **_FILE_ACTION)
    def tidy_csv(self, request: Request) -> Any:
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        headers, rows = tables.tidy_observation_rows(queryset)
        return writers.csv_response(headers, rows, stem="observations-tidy")
