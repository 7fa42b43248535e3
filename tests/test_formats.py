"""Dates, numbers and waiting times as each language writes them (config/formats/)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import formats, translation

from web.templatetags.tracker_ui import duration_in_words, plain_number

DAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("language", "name", "expected"),
    [
        ("kk", "DATE_FORMAT", "2026 жылғы 28 қараша"),
        ("kk", "SHORT_DATE_FORMAT", "28.11.2026"),
        ("kk", "YEAR_MONTH_FORMAT", "2026 жылғы қараша"),
        ("ru", "DATE_FORMAT", "28 ноября 2026 г."),
        ("ru", "SHORT_DATE_FORMAT", "28.11.2026"),
        ("en", "DATE_FORMAT", "28 November 2026"),
        ("en", "SHORT_DATE_FORMAT", "28/11/2026"),
    ],
)
def test_named_date_formats_read_as_the_language_writes_dates(language, name, expected):
    with translation.override(language):
        assert formats.date_format(DAY, name) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("kk", "1\xa0234\xa0567,5"), ("ru", "1\xa0234\xa0567,5"), ("en", "1,234,567.5")],
)
def test_numbers_use_the_language_separators(language, expected):
    with translation.override(language):
        shown = formats.number_format(Decimal("1234567.5"), use_l10n=True, force_grouping=True)
    assert shown == expected


@pytest.mark.parametrize(
    ("language", "wait", "expected"),
    [
        ("kk", dt.timedelta(hours=1), "1 сағат"),
        ("kk", dt.timedelta(minutes=90), "1 сағат 30 минут"),
        ("ru", dt.timedelta(hours=2), "2 часа"),
        ("ru", dt.timedelta(minutes=21), "21 минуту"),
        ("ru", dt.timedelta(hours=1, minutes=5), "1 час 5 минут"),
        ("en", dt.timedelta(minutes=30), "30 minutes"),
        ("en", dt.timedelta(seconds=20), "1 minute"),
    ],
)
def test_a_waiting_time_is_said_in_words(language, wait, expected):
    with translation.override(language):
        assert duration_in_words(wait) == expected


def test_no_waiting_time_says_nothing():
    assert duration_in_words(None) == ""


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [("kk", "9.10", "9,1"), ("ru", "20.0000", "20"), ("en", "9.10", "9.1"), ("en", "2E+1", "20")],
)
def test_an_indicator_value_is_printed_with_the_language_decimal_sign(language, value, expected):
    with translation.override(language):
        assert plain_number(Decimal(value)) == expected
