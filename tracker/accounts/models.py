"""The sign-in audit: one list of every sign-in, failure, lockout, second-factor change, password
reset and change of a person's roles. Written only by tracker/accounts/services.py; never pruned."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignInEventKind(models.TextChoices):
    SIGNED_IN = "signed_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    LOCKED_OUT = "locked_out", _("Locked out")
    SIGNED_OUT = "signed_out", _("Signed out")
    SESSION_EXPIRED = "session_expired", _("Session expired")
    SECOND_FACTOR_VERIFIED = "otp_verified", _("Second factor verified")
    SECOND_FACTOR_FAILED = "otp_failed", _("Second factor refused")
    DEVICE_ADDED = "device_added", _("Second-factor device added")
    DEVICE_REMOVED = "device_removed", _("Second-factor device removed")
    ROLES_CHANGED = "roles_changed", _("Roles changed")
    PASSWORD_RESET_REQUESTED = "password_reset", _("Password reset requested")
    PASSWORD_RESET_THROTTLED = "password_reset_throttled", _("Password reset refused (too many)")
    PASSWORD_CHANGED = "password_changed", _("Password changed")


class SignInEvent(models.Model):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=32, choices=SignInEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sign_in_events",
    )
    # As typed or as it was: kept when the account is renamed or deleted, and for unknown names.
    username = models.CharField(_("username"), max_length=150, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("sign-in event")
        verbose_name_plural = _("sign-in audit")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["kind", "-at"], name="signin_kind_at")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=SignInEventKind.values), name="signin_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.username}"
