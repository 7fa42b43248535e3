from django.contrib.auth.signals import user_logged_in

from .middleware import remember_sign_in


def on_logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        remember_sign_in(request, user)


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="web.accounts.remember_sign_in")
