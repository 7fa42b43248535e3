from django.urls import path

from . import views

# Not namespaced, like Django's own sign-in pages (login, logout, password_reset…).
urlpatterns = [
    path("password_reset/", views.ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("two-factor/", views.otp_verify, name="otp-verify"),
    path("two-factor/enrol/", views.otp_enrol, name="otp-enrol"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="otp-recovery-codes"),
    path("two-factor/remove/", views.otp_remove, name="otp-remove"),
    path("security/", views.security, name="account-security"),
]
