"""Reads of the State bodies for the pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Organization


def organization_list() -> QuerySet[Organization]:
    return Organization.objects.select_related("parent").order_by("code")


def organization_queryset() -> QuerySet[Organization]:
    """Organisations as they are, for a page that picks one by its code."""
    return Organization.objects.all()
