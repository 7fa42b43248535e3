"""axe-core (vendored, tests/browser/vendor/) on the main pages: no WCAG 2.0/2.1/2.2 A or AA
violations, in Kazakh, the default language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from indicators.models import Placement
from tests import factories as f
from tracker.workflow import services

from .conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data():
    ministry = f.OrganizationFactory(code="MH", name_en="Ministry of Healthcare")
    editor = f.UserFactory(editor=True, organization=ministry, username="editor-health")
    reviewer = f.UserFactory(
        reviewer=True, organization=f.OrganizationFactory(code="MLSPP"), username="reviewer"
    )
    article = f.ArticleFactory(number=9)
    paragraph = f.ReportParagraphFactory(number=120, article=article)
    measure = f.MeasureFactory(organizations=[ministry], articles=[article])
    citation = f.CitationFactory(crpd_article=article, paragraph=paragraph)
    measure.legal_basis.add(citation)
    measure.source_paragraphs.add(paragraph)
    indicator = f.IndicatorFactory(organization=ministry)
    indicator.articles.add(article)
    f.TargetFactory(indicator=indicator, year=2019, placement=Placement.INFERRED)
    f.ObservationFactory(indicator=indicator, value=Decimal("12"), paragraph=paragraph)
    f.ObservationFactory(
        indicator=indicator,
        period_start=dt.date(2017, 1, 1),
        period_end=dt.date(2017, 12, 31),
        value=Decimal("14"),
        source_annex="annex2:row 3",
    )
    cr = services.change_request_create(
        by=editor, target=measure, payload={"progress": 60}, summary="Progress for 2019"
    )
    services.change_request_submit(cr_id=cr.pk, by=editor)
    return {"measure": measure, "indicator": indicator, "cr": cr, "reviewer": reviewer}


def check(page, path: str) -> None:
    response = page.goto(path) if path else None
    if response is not None:
        assert response.status < 500, path
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def test_public_pages_have_no_axe_violations(page, data):
    for path in [
        "/kk/",
        "/kk/articles/9/",
        "/kk/measures/",
        f"/kk/measures/{data['measure'].pk}/",
        f"/kk/indicators/{data['indicator'].pk}/",
        "/kk/accounts/login/",
        # Issue 12: the search page (a Kazakh passage on an English page) and a paged act.
        "/kk/search/?q=Шара",
        "/en/search/?q=Шара",
        f"/kk/legal-acts/{data['measure'].legal_basis.get().act_id}/",
    ]:
        check(page, path)


def test_workflow_pages_have_no_axe_violations(page, data):
    sign_in(page, "reviewer")
    check(page, "/kk/my-work/")
    check(page, f"/kk/changes/{data['cr'].pk}/")
    sign_in(page, "editor-health")
    check(page, "/kk/my-work/")
    page.goto(f"/kk/measures/{data['measure'].pk}/propose/")
    page.locator("#id_progress").fill("150")
    page.locator("form.proposal button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").count() == 1
    check(page, "")


def test_report_pages_have_no_axe_violations(page, data):
    """The status reports' page: the editor's own digests and e-mail preferences, the
    coordinator's choice of any report, in each language."""
    sign_in(page, "editor-health")
    for language in ("kk", "ru", "en"):
        check(page, f"/{language}/reports/")
    sign_in(page, "reviewer")
    check(page, "/kk/reports/")
