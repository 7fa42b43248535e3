"""Every e-mail writes its date as each language officially writes one, and numbers its change
request with «№ 42» (kk, ru) or «No. 42» (en), never «#42»."""

import datetime as dt
import zoneinfo

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from tests import factories as f

pytestmark = pytest.mark.django_db

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
WHEN = dt.datetime(2026, 11, 28, 10, 30, tzinfo=ALMATY)
DATE = {"kk": "2026 жылғы 28 қараша", "ru": "28 ноября 2026", "en": "28 November 2026"}
WRONG = {"kk": ["Қараша", "28 қараша 2026"], "ru": ["Ноябрь", "ноябрь"], "en": ["Nov.", "Nov 28"]}
NUMBER = {"kk": "№ {}", "ru": "№ {}", "en": "No. {}"}


def _render(template: str, language: str, context: dict) -> tuple[str, str]:
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        body = render_to_string(f"emails/{template}_body.txt", context)
    return subject, body


def _contexts() -> dict[str, dict]:
    reviewer = f.UserFactory(reviewer=True)
    cr = f.ChangeRequestFactory(summary="Progress 2019", decided_by=reviewer)
    cr.submitted_at = cr.decided_at = WHEN
    cr.status = "approved"
    act = f.LegalActFactory(adopted=WHEN.date(), status="repealed")
    measure = f.MeasureFactory()
    organization = f.OrganizationFactory()
    return {
        "submitted": {"cr": cr},
        "decided": {"cr": cr, "comment": ""},
        "legal_basis_changed": {"act": act, "organization": organization, "measures": [measure]},
    }


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("template", ["submitted", "decided", "legal_basis_changed"])
def test_each_email_writes_the_date_as_the_language_does(template, language):
    context = _contexts()[template]
    subject, body = _render(template, language, context)
    assert DATE[language] in body, body
    for wrong in WRONG[language]:
        assert wrong not in body, body
    if "cr" in context:
        number = NUMBER[language].format(context["cr"].pk)
        assert number in subject, subject
        assert number in body, body
    assert "#" not in subject + body


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("kk", "Жіберілген күні: 2026 жылғы 28 қараша, 10:30"),
        ("ru", "Дата отправки: 28 ноября 2026 г., 10:30"),
        ("en", "Submitted: 28 November 2026, 10:30"),
    ],
)
def test_the_submission_email_labels_its_date_as_a_date(language, line):
    _subject, body = _render("submitted", language, _contexts()["submitted"])
    assert line in body, body
