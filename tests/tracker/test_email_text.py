"""E-mail is plain text: what a person typed arrives as typed, not HTML-escaped."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from tests import factories as f

pytestmark = pytest.mark.django_db

TYPED = 'Ramp & lift "A" at O\'Brien <street>'


@pytest.mark.parametrize("template", ["submitted", "decided"])
def test_plain_text_mail_keeps_what_was_typed(template):
    cr = f.ChangeRequestFactory(summary=TYPED, decided_by=f.UserFactory(reviewer=True))
    with translation.override("en"):
        body = render_to_string(f"emails/{template}_body.txt", {"cr": cr, "comment": TYPED})
    assert TYPED in body
    assert "&amp;" not in body
    assert "&quot;" not in body
