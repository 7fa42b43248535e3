"""Receivers that write the sign-in audit: Django's and axes' sign-in signals, django-otp's
devices, and every change of a person's roles, by whatever writer (admin, shell, command)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from . import services
from .models import SignInEventKind


def _request_user() -> Any:
    # django-simple-history's middleware keeps the current request: the actor of an admin change.
    from simple_history.models import HistoricalRecords

    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return (user if user is not None and user.is_authenticated else None), request


def on_logged_in(sender, request, user, **kwargs) -> None:
    services.record(SignInEventKind.SIGNED_IN, user=user, request=request)


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        services.record(SignInEventKind.SIGNED_OUT, user=user, request=request)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = services.axes_username(request, credentials)
    user = get_user_model().objects.filter(username=username).first()
    services.record(SignInEventKind.SIGN_IN_FAILED, user=user, username=username, request=request)


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    username = str(username or "")[: services.USERNAME_MAX]
    user = get_user_model().objects.filter(username=username).first()
    services.record(SignInEventKind.LOCKED_OUT, user=user, username=username, request=request)


def on_device_saved(sender, instance, created, **kwargs) -> None:
    # Audited when a device becomes usable: created confirmed, or confirmed after enrolment.
    confirmed = bool(getattr(instance, "confirmed", True))
    was_confirmed = False if created else getattr(instance, "_audited_confirmed", False)
    if confirmed and not was_confirmed:
        actor, request = _request_user()
        services.record(
            SignInEventKind.DEVICE_ADDED,
            user=instance.user,
            actor=actor,
            request=request,
            device=type(instance).__name__,
            name=instance.name,
        )
    instance._audited_confirmed = confirmed


def on_device_loaded(sender, instance, **kwargs) -> None:
    instance._audited_confirmed = bool(getattr(instance, "confirmed", True))


def on_device_deleted(sender, instance, **kwargs) -> None:
    actor, request = _request_user()
    services.record(
        SignInEventKind.DEVICE_REMOVED,
        user=instance.user,
        actor=actor,
        request=request,
        device=type(instance).__name__,
        name=instance.name,
    )


def _role_snapshot(user) -> dict[str, Any]:
    return {field: getattr(user, field) for field in services.ROLE_FIELDS}


_ROLE_COLUMNS = {"is_active", "is_staff", "is_superuser", "organization", "organization_id"}


def on_user_pre_save(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is not None and not set(update_fields) & (_ROLE_COLUMNS | {"password"}):
        # e.g. last_login on every sign-in: no role can change, so no query to compare.
        instance._roles_before = _role_snapshot(instance)
        instance._password_before = instance.password
        return
    previous = sender.objects.filter(pk=instance.pk).first() if instance.pk else None
    instance._roles_before = _role_snapshot(previous) if previous is not None else None
    instance._password_before = previous.password if previous is not None else None


def on_user_saved(sender, instance, created, **kwargs) -> None:
    before = getattr(instance, "_roles_before", None)
    after = _role_snapshot(instance)
    changes = {
        field: [None if before is None else before[field], value]
        for field, value in after.items()
        if before is None or before[field] != value
    }
    if created:
        changes = {field: pair for field, pair in changes.items() if pair[1]}
    password_before = getattr(instance, "_password_before", None)
    if not created and password_before is not None and password_before != instance.password:
        actor, request = _request_user()
        services.record(
            SignInEventKind.PASSWORD_CHANGED, user=instance, actor=actor, request=request
        )
    instance._password_before = instance.password
    if changes:
        actor, request = _request_user()
        services.record(
            SignInEventKind.ROLES_CHANGED,
            user=instance,
            actor=actor,
            request=request,
            changes=changes,
            created=created,
        )
    instance._roles_before = after


def on_groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if (
        reverse
        or action not in ("post_add", "post_remove", "pre_clear")
        or (not pk_set and (action != "pre_clear"))
    ):
        return
    from django.contrib.auth.models import Group

    if action == "pre_clear":
        names = sorted(instance.groups.values_list("name", flat=True))
    else:
        names = sorted(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
    if not names:
        return
    actor, request = _request_user()
    services.record(
        SignInEventKind.ROLES_CHANGED,
        user=instance,
        actor=actor,
        request=request,
        groups={"post_add": "added", "post_remove": "removed"}.get(action, "removed"),
        names=names,
    )


def connect() -> None:
    from axes.signals import user_locked_out
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user_model = get_user_model()
    user_logged_in.connect(on_logged_in, dispatch_uid="audit.logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="audit.logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="audit.locked_out")
    from django.db.models.signals import post_init

    for device in (TOTPDevice, StaticDevice):
        post_init.connect(on_device_loaded, sender=device, dispatch_uid=f"audit.init.{device}")
        post_save.connect(on_device_saved, sender=device, dispatch_uid=f"audit.save.{device}")
        post_delete.connect(on_device_deleted, sender=device, dispatch_uid=f"audit.del.{device}")
    pre_save.connect(on_user_pre_save, sender=user_model, dispatch_uid="audit.user_pre")
    post_save.connect(on_user_saved, sender=user_model, dispatch_uid="audit.user_post")
    m2m_changed.connect(
        on_groups_changed, sender=user_model.groups.through, dispatch_uid="audit.groups"
    )
