"""Dates and numbers as official Kazakh writes them («2026 жылғы 28 қараша», «1 234,5»).

Django ships no Kazakh formats module; FORMAT_MODULE_PATH points here. The month after «жылғы» is
the lower-case nominative: Django's Kazakh "E" (the alternative month name) is capitalised, so this
project's kk catalogue translates the "alt. month" names in lower case (config/formats/months.py)
and the formats use "E" for the month inside a date.
"""

# Cyrillic letters are not format characters, so «жылғы» needs no escaping.
DATE_FORMAT = "Y жылғы j E"
DATETIME_FORMAT = "Y жылғы j E, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "Y жылғы E"
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

# ISO first: a form shows a date in its first input format, and date inputs are type=date.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space: a number is never split across lines
NUMBER_GROUPING = 3
