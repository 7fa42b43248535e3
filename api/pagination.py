"""Pagination of the API's lists (issue 12).

Page numbers with a `count` stay the default, as v1's clients expect. The large lists (measures,
citations, observations) also offer keyset pagination: `?cursor=` (empty for the first page)
answers with `next` and `previous` links that carry the position in the list, so a deep page is
as cheap as the first (no OFFSET, no COUNT over the whole table). A view opts in by naming a
unique `keyset_ordering`.
"""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import BasePagination, CursorPagination, PageNumberPagination


class _Keyset(CursorPagination):
    page_size = 50
    max_page_size = 500
    page_size_query_param = "page_size"


class PageOrKeysetPagination(BasePagination):
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        ordering = getattr(view, "keyset_ordering", None)
        if ordering and self.cursor_query_param in request.query_params:
            self._impl: BasePagination = _Keyset()
            self._impl.ordering = ordering
        else:
            self._impl = PageNumberPagination()
        return self._impl.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return self._impl.get_paginated_response(data)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return PageNumberPagination().get_paginated_response_schema(schema)

    def get_schema_operation_parameters(self, view) -> list[dict[str, Any]]:
        parameters = PageNumberPagination().get_schema_operation_parameters(view)
        if getattr(view, "keyset_ordering", None):
            parameters += _Keyset().get_schema_operation_parameters(view)
        return parameters

    def to_html(self) -> str:
        return self._impl.to_html()
