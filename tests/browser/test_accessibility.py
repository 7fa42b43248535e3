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


# Every page type, in kk, ru and en (issue 9) -----------------------------------------------------

# Text nodes with letters only Kazakh has, outside any element marked lang="kk"; also the values
# of options, inputs and text areas (a screen reader reads those too).
KAZAKH_OUTSIDE_KK = """() => {
  const re = /[әғқңөұүһіӘҒҚҢӨҰҮҺІ]/, found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const el = node.parentElement;
    if (re.test(node.nodeValue) && !el.closest('[lang="kk"]') && !el.closest('script,style'))
      found.push(el.tagName + ': ' + node.nodeValue.trim().slice(0, 60));
  }
  for (const el of document.querySelectorAll('input:not([type=hidden]), textarea')) {
    if (re.test(el.value) && !el.closest('[lang="kk"]'))
      found.push(el.tagName + '= ' + el.value.slice(0, 60));
  }
  return found;
}"""
# Words in table cells split across lines (the «Б/а/п/т/а/р» defect): a word — without a hyphen,
# slash or dash, where a break is allowed — whose text spans more than one line box.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('th, td')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());) {
      for (const match of node.nodeValue.matchAll(/[^\\s\\-‐–—\\/]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken.slice(0, 10);
}"""
SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  return [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .slice(0, 3).map(el => el.tagName + '.' + el.className + ': ' + el.textContent.slice(0, 40));
}"""


@pytest.fixture
def kazakh_only_data(data):
    """Data as the report has it: names, titles and sources only in Kazakh."""
    ministry = data["measure"].organizations.get()
    ministry.short_kk, ministry.name_kk, ministry.name_en = (
        "ДСМ",
        "Денсаулық сақтау министрлігі",
        "",
    )
    ministry.save()
    measure = data["measure"]
    measure.title_kk, measure.title_en = "Мүгедектерге арналған пандустар салу", ""
    measure.save()
    citation = measure.legal_basis.get()
    citation.act.title_kk, citation.act.title_en = "Әлеуметтік қорғау туралы заң", ""
    citation.act.issuer = "parliament"
    citation.act.save()
    value = f.DimensionValueFactory(name_ru="", name_en="")
    data["indicator"].dimensions.add(value.dimension)
    observation = f.ObservationFactory(
        indicator=data["indicator"],
        value=Decimal("3"),
        source_annex="annex7:Ақмола",
        dims_key=f"{value.dimension.code}={value.code}",
    )
    observation.dimension_values.add(value)
    return {**data, "act": citation.act}


def _page_types(data) -> list[str]:
    return [
        "",
        "articles/9/",
        "measures/?q=&status=in_progress",
        f"measures/{data['measure'].pk}/",
        "legal-acts/",
        f"legal-acts/{data['act'].pk}/",
        "organisations/MH/",
        "indicators/",
        f"indicators/{data['indicator'].pk}/",
        "my-work/",
        f"changes/{data['cr'].pk}/",
        f"measures/{data['measure'].pk}/propose/",
        f"indicators/{data['indicator'].pk}/observations/new/",
        "reports/",
    ]


def _check_page(page, path: str, lang: str) -> dict:
    response = page.goto(path)
    assert response is not None, path
    assert response.status == 200, path
    problems = {}
    page.set_viewport_size({"width": 1280, "height": 900})
    if violations := axe_violations(page, best_practice=True):
        problems["axe"] = violations
    if broken := page.evaluate(BROKEN_WORDS):
        problems["words broken at 1280 px"] = broken
    page.set_viewport_size({"width": 320, "height": 800})
    if (overflow := page.evaluate(SIDEWAYS)) is not None:
        problems["sideways at 320 px"] = overflow
    if lang != "kk" and (kazakh := page.evaluate(KAZAKH_OUTSIDE_KK)):
        problems["Kazakh outside lang=kk"] = kazakh[:10]
    return problems


def test_every_page_type_is_accessible_reflows_and_marks_kazakh(page, kazakh_only_data):
    """axe (WCAG 2.x A/AA and best practice) at 1280 px, no sideways scrolling at 320 px, and on
    the ru and en pages not one Kazakh text outside lang="kk" — one page per type, signed in as
    a coordinator (who sees the workflow pages and may record observations); the sign-in page
    before that."""
    failures = {}
    for lang in ("kk", "ru", "en"):
        if problems := _check_page(page, f"/{lang}/accounts/login/", lang):
            failures[f"{lang}/accounts/login/"] = problems
    sign_in(page, "reviewer")
    for lang in ("kk", "ru", "en"):
        for path in _page_types(kazakh_only_data):
            if problems := _check_page(page, f"/{lang}/{path}", lang):
                failures[f"{lang}/{path}"] = problems
    assert failures == {}


def test_admin_page_types_have_no_axe_violations(page, data):
    """The admin's page types: index, a changelist with filters, a change form with inlines, a
    change form with split date-time fields and filter_horizontal, a history page."""
    admin = f.UserFactory(is_staff=True, is_superuser=True, username="admin-user")
    measure = data["measure"]
    sign_in(page, "admin-user")
    failures = {}
    paths = [
        "admin/",
        "admin/tracker/measure/?status__exact=in_progress",
        f"admin/tracker/measure/{measure.pk}/change/",
        f"admin/tracker/user/{admin.pk}/change/",
        f"admin/tracker/measure/{measure.pk}/history/",
    ]
    for path in [f"/{lang}/{path}" for lang in ("kk", "ru", "en") for path in paths]:
        response = page.goto(path)
        assert response is not None, path
        assert response.status == 200, path
        page.wait_for_load_state("load")
        if violations := axe_violations(page, best_practice=True):
            failures[path] = violations
    assert failures == {}
