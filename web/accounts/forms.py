"""Forms of the sign-in pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tracker.outbox import services as outbox


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label=_("One-time code"),
        max_length=16,
        help_text=_(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean_otp_token(self) -> str:
        return "".join(self.cleaned_data["otp_token"].split())


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, its e-mail written to the outbox (tracker/outbox/services.py) in the
    recipient's language instead of sent on the spot: an unreachable mail server delays the
    message, it never loses it."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context["user"]
        with transaction.atomic():
            outbox.queue("password_reset", [(to_email, user.language, user)], context)
