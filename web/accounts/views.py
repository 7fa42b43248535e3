"""The second factor (verify, enrol, recovery codes, the account's security page) and the
password reset through the outbox, throttled."""

from __future__ import annotations

import base64
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token

from tracker.accounts import services
from tracker.accounts.models import SignInEventKind

from .forms import OutboxPasswordResetForm, TokenForm
from .middleware import MUST_VERIFY


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified():
        return HttpResponseRedirect(_next(request))
    if not services.has_confirmed_device(user):
        return HttpResponseRedirect(f"{reverse('otp-enrol')}?next={_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["otp_token"])
        if device is not None:
            otp_login(request, device)
            services.record(
                SignInEventKind.SECOND_FACTOR_VERIFIED,
                user=user,
                request=request,
                device=type(device).__name__,
            )
            return HttpResponseRedirect(_next(request))
        services.record(SignInEventKind.SECOND_FACTOR_FAILED, user=user, request=request)
        form.add_error(
            "otp_token",
            _("This code is not valid. Check the time on your phone, or use a recovery code."),
        )
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next(request)})


def _qr_svg(url: str) -> str:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", xmldecl=False, svgns=True, scale=5)
    return mark_safe(buffer.getvalue().decode())  # noqa: S308 -- our own SVG, no user input


@login_required
def otp_enrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    if services.has_confirmed_device(user) and not user.is_verified():
        # A second device is added only by someone who passed the first.
        return HttpResponseRedirect(f"{reverse('otp-verify')}?next={reverse('otp-enrol')}")
    device = services.pending_totp_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_totp_device(device, form.cleaned_data["otp_token"]):
            otp_login(request, device)
            request.session[MUST_VERIFY] = True
            codes = services.issue_recovery_codes(user)
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)}
            )
        form.add_error(
            "otp_token", _("This code is not valid. Check the time on your phone and try again.")
        )
    context = {
        "form": form,
        "next": _next(request),
        "qr_svg": _qr_svg(device.config_url),
        "secret": base64.b32encode(device.bin_key).decode(),
        "required": services.needs_second_factor(user),
    }
    return render(request, "accounts/otp_enrol.html", context)


@login_required
def security(request: HttpRequest) -> HttpResponse:
    from django_otp import devices_for_user

    context = {
        "devices": list(devices_for_user(request.user)),
        "required": services.needs_second_factor(request.user),
    }
    return render(request, "accounts/security.html", context)


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if not request.user.is_verified():
        return HttpResponseRedirect(f"{reverse('otp-verify')}?next={reverse('account-security')}")
    codes = services.issue_recovery_codes(request.user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("account-security")},
    )


@login_required
@require_POST
def otp_remove(request: HttpRequest) -> HttpResponse:
    """An editor may drop an optional second factor (after passing it); for those who must use
    one, only an administrator removes it (a lost phone), in the admin."""
    user = request.user
    if services.needs_second_factor(user) or not user.is_verified():
        messages.error(request, _("Your second factor can only be removed by an administrator."))
    else:
        services.remove_second_factor(user)
        request.session[MUST_VERIFY] = False
        messages.success(request, _("Two-factor sign-in is off for your account."))
    return HttpResponseRedirect(reverse("account-security"))


class ThrottledPasswordResetView(PasswordResetView):
    """At most PASSWORD_RESET_RATE_PER_EMAIL requests per hour for one address and
    PASSWORD_RESET_RATE_PER_CLIENT per client address. The same answer whether an account has
    the address or not: the page never tells who has an account."""

    form_class = OutboxPasswordResetForm
    template_name = "registration/password_reset_form.html"
    throttled_message = gettext_lazy(
        "Too many password-reset requests. Please wait an hour and try again."
    )

    def get_extra_email_context(self) -> dict:
        return {"site_url": settings.SITE_URL.rstrip("/")}

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        if not services.password_resets_allowed(
            email=email, ip_address=services.client_ip(self.request)
        ):
            services.record(
                SignInEventKind.PASSWORD_RESET_THROTTLED, request=self.request, email=email
            )
            form.add_error(None, self.throttled_message)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        services.record(SignInEventKind.PASSWORD_RESET_REQUESTED, request=self.request, email=email)
        self.extra_email_context = self.get_extra_email_context()
        return super().form_valid(form)


def admin_login_redirect(request: HttpRequest) -> HttpResponse:
    """The admin's own sign-in page is not used: the site's sign-in, then its second factor."""
    from urllib.parse import urlencode

    target = request.GET.get("next") or reverse("admin:index")
    return HttpResponseRedirect(f"{reverse('login')}?{urlencode({'next': target})}")


def lockout(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): the translated page, with the time
    this username-and-address pair really stays locked (not the whole cool-off)."""
    from axes.helpers import get_failure_limit

    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "remaining": services.lockout_remaining(request, credentials),
    }
    return render(request, "registration/lockout.html", context, status=429)
