"""Absolute links to the items a report names, in the reader's language (SITE_URL + the page).
The one place that knows the other apps' URL names."""

from __future__ import annotations

import functools
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from django.utils import translation


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


_PLACEHOLDER = "999999999"


@functools.lru_cache(maxsize=64)
def _pattern(site_url: str, name: str, language: str, arg: str) -> tuple[str, str]:
    with translation.override(language):
        path = reverse(name, kwargs={arg: _PLACEHOLDER})
    head, tail = path.split(_PLACEHOLDER)
    return site_url.rstrip("/") + head, tail


def _url(name: str, language: str, **kwargs) -> str:
    if len(kwargs) != 1:
        with translation.override(language):
            return absolute(reverse(name, kwargs=kwargs))
    # A report links thousands of rows: reverse once per page kind and language, then fill in.
    ((arg, value),) = kwargs.items()
    head, tail = _pattern(settings.SITE_URL, name, language, arg)
    return f"{head}{quote(str(value))}{tail}"


def measure(pk: int, language: str) -> str:
    return _url("tracker:measure-detail", language, pk=pk)


def indicator(pk: int, language: str) -> str:
    return _url("indicators:indicator-detail", language, pk=pk)


def change_request(pk: int, language: str) -> str:
    return _url("tracker:change-request-detail", language, pk=pk)


def article(number: int, language: str) -> str:
    return _url("tracker:article-detail", language, number=number)


def organization(code: str, language: str) -> str:
    return _url("tracker:organization-detail", language, code=code)


def report_download(edition_id: int, fmt: str, language: str) -> str:
    return _url("reports:download", language, pk=edition_id, fmt=fmt)
