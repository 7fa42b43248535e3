"""E-mail about the workflow, each message in its recipient's language. Called by tasks only, so a
message is sent after the change it reports has committed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from .models import ChangeRequest, LegalAct, Measure, Organization, User
from .roles import REVIEWER


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str


def _recipients(users: Any) -> list[Recipient]:
    return [Recipient(u.email, u.language) for u in users if u.email]


def _render(template: str, recipient: Recipient, context: dict[str, Any]) -> EmailMessage:
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        body = render_to_string(f"emails/{template}_body.txt", context)
    # A header may not contain a newline; templates end with one.
    subject = " ".join(subject.split())
    return EmailMessage(subject, body, to=[recipient.email])


def _send(template: str, recipients: list[Recipient], context: dict[str, Any]) -> int:
    if not recipients:
        return 0
    messages = [_render(template, r, context) for r in recipients]
    with get_connection() as connection:
        return connection.send_messages(messages)


def send_submitted(*, cr_id: int) -> int:
    cr = ChangeRequest.objects.select_related("author", "organization", "target_type").get(pk=cr_id)
    reviewers = (
        User.objects.filter(is_active=True, groups__name=REVIEWER)
        .exclude(pk=cr.author_id)
        .order_by("pk")
    )
    return _send("submitted", _recipients(reviewers), {"cr": cr})


def send_decided(*, cr_id: int) -> int:
    cr = ChangeRequest.objects.select_related("author", "decided_by", "target_type").get(pk=cr_id)
    comment = (
        cr.events.filter(to_status=cr.status).order_by("-pk").values_list("comment", flat=True)
    )
    context = {"cr": cr, "comment": comment.first() or ""}
    return _send("decided", _recipients([cr.author] if cr.author.is_active else []), context)


def send_legal_basis_changed(*, act_id: int, organization_id: int) -> int:
    act = LegalAct.objects.get(pk=act_id)
    organization = Organization.objects.get(pk=organization_id)
    measures = Measure.objects.filter(
        legal_basis__act=act, organizations=organization, needs_review=True
    ).distinct()
    recipients = _recipients(organization.users.filter(is_active=True).order_by("pk"))
    if organization.email and organization.email not in {r.email for r in recipients}:
        recipients.append(Recipient(organization.email, settings.LANGUAGE_CODE))
    context = {"act": act, "organization": organization, "measures": list(measures)}
    return _send("legal_basis_changed", recipients, context)
