"""Strings of the Django admin and of the third-party apps it shows that their own catalogues do
not translate into Kazakh (Django's kk catalogue is incomplete; django-axes, django-celery-beat,
django-celery-results and django-simple-history ship none). Declared here, exactly as the
libraries write them, so that makemessages keeps them in locale/kk and locale/ru — a catalogue in
LOCALE_PATHS wins over the libraries' own. The tuple is never read."""

from django.utils.translation import gettext_lazy as _

ADMIN_STRINGS = (
    # Django's own admin templates
    _("View site"),
    _("Recent actions"),
    _("My actions"),
    _("Toggle theme (current theme: auto)"),
    _("Toggle theme (current theme: light)"),
    _("Toggle theme (current theme: dark)"),
    _("Model name"),
    _("Add link"),
    _("Change or view list link"),
    _("Show counts"),
    _("Select %s to view"),
    _("View %s"),
    _("Close"),
    _("Authentication and Authorization"),
    # django-axes
    _("access attempt"),
    _("access attempts"),
    _("access failure"),
    _("access failures"),
    _("access log"),
    _("access logs"),
    _("access attempt expiration"),
    _("access attempt expirations"),
    # django-celery-results
    _("Celery Results"),
    _("task result"),
    _("task results"),
    _("group result"),
    _("group results"),
    # django-celery-beat
    _("Periodic Tasks"),
    _("periodic task"),
    _("periodic tasks"),
    _("crontab"),
    _("crontabs"),
    _("interval"),
    _("intervals"),
    _("clocked"),
    _("solar event"),
    _("solar events"),
    # django-simple-history (history page)
    _("Object"),
    _("Changed by"),
    _("Change reason"),
    _("Changes"),
)
