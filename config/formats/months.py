"""The month names of Django's date format "E", declared so the project's catalogues carry them.

A catalogue in LOCALE_PATHS wins over Django's own. Kazakh official dates put the month in
lower case after the day («2026 жылғы 28 қараша»), Django's kk catalogue capitalises it; Russian
keeps Django's genitive («28 ноября 2026»). The tuple is never read: it exists so makemessages
keeps the entries.
"""

from django.utils.translation import pgettext_lazy

ALT_MONTHS = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)
