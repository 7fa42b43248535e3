"""App configurations that give third-party apps a translatable name in the admin.

django-axes declares no `verbose_name`, so the admin shows its label, "Axes", in every language;
this subclass names it (and is what INSTALLED_APPS lists instead of "axes")."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    verbose_name = _("Sign-in attempts")
