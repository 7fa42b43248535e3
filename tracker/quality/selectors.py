"""Reads of the data-quality flags for the API."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import QuerySet

from .models import DataFlag


def data_flag_list(*, target_querysets: Sequence[QuerySet]) -> QuerySet[DataFlag]:
    """Every flag, grouped by its record; the flagged records are fetched through
    `target_querysets` (one per kind of record: the caller decides what each row needs)."""
    return (
        DataFlag.objects.select_related("content_type")
        .prefetch_related(GenericPrefetch("target", list(target_querysets)))
        .order_by("content_type_id", "object_id", "pk")
    )
