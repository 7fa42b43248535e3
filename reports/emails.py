"""The e-mails of the reports app, in the recipient's language: HTML with a plain-text twin, every
item named by its title and linked absolutely."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from . import presentation
from .models import ReportEdition

# An e-mail names at most this many items per list; the attachments have the rest.
EMAIL_LIST_LIMIT = 50


def _subject(text: str) -> str:
    # A header may not contain a newline; templates end with one.
    return " ".join(text.split())[:300]


def _render(template: str, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    with translation.override(language):
        subject = render_to_string(f"reports/email/{template}_subject.txt", context)
        text = render_to_string(f"reports/email/{template}.txt", context)
        html = render_to_string(f"reports/email/{template}.html", context)
    return _subject(subject), text, html


def render_report(edition: ReportEdition, status, language: str) -> tuple[str, str, str]:
    """Subject, text and HTML of a digest or a national overview."""
    with translation.override(language):
        context = presentation.context(
            edition=edition, status=status, language=language, limit=EMAIL_LIST_LIMIT
        )
    return _render(edition.kind, context, language)


def render_reminder(items: list, language: str) -> tuple[str, str, str]:
    """Subject, text and HTML of a reminder listing an organisation's coming deadlines."""
    with translation.override(language):
        context = {"items": presentation.reminder_items(items, language), "language": language}
    return _render("reminder", context, language)
