"""The overview pages (dashboard, article, organisations, programmes, indicators with their charts
and map) in Chromium: axe-core finds no WCAG 2.x A/AA violation in kk, ru and en, and none of them
scrolls sideways at 320 CSS px."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from reports.charts import REGION_TILES
from tests import factories as f

from .conftest import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data():
    ministry = f.OrganizationFactory(code="MH", name_en="Ministry of Healthcare")
    f.UserFactory(editor=True, organization=ministry, username="editor-health")
    article = f.ArticleFactory(number=9, title_kk="Қолжетімділік", title_en="Accessibility")
    f.ReportParagraphFactory(number=120, article=article)
    f.MeasureFactory(organizations=[ministry], articles=[article], due_date=dt.date(2020, 1, 1))
    f.CitationFactory(crpd_article=article)
    programme = f.ProgrammeFactory(name_en="Equal opportunities")
    indicator = f.IndicatorFactory(
        organization=ministry, programme=programme, name_en="Working persons", unit="persons"
    )
    indicator.articles.add(article)
    f.TargetFactory(indicator=indicator, year=2025, value=Decimal("300"))
    region = f.DimensionFactory(code="region", name_kk="Өңір", name_en="Region")
    for i, code in enumerate(REGION_TILES):
        value = f.DimensionValueFactory(
            dimension=region, code=code, name_kk=f"Өңір {i}", name_en=f"{code.title()} Region"
        )
        obs = f.ObservationFactory(
            indicator=indicator,
            period_start=dt.date(2017, 1, 1),
            period_end=dt.date(2017, 1, 1),
            value=Decimal(10 * i + 5),
            dims_key=f"region={code}",
        )
        obs.dimension_values.add(value)
    # A crossed breakdown with a long name: its option must not widen the page at 320 px.
    category = f.DimensionFactory(
        code="benefit_category",
        name_kk="Мүгедектігі бар адамдардың жәрдемақы алушылар санаты",
        name_en="Category of persons with disabilities receiving the benefit",
    )
    cell = f.ObservationFactory(
        indicator=indicator,
        period_start=dt.date(2017, 1, 1),
        period_end=dt.date(2017, 12, 31),
        value=Decimal(3),
        dims_key="benefit_category=general;region=akmola",
    )
    cell.dimension_values.add(
        f.DimensionValueFactory(dimension=category, code="general", name_kk="жалпы ауру")
    )
    for year in (2015, 2016, 2017):
        f.ObservationFactory(
            indicator=indicator,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            value=Decimal(100 + year - 2015),
        )
    return {"indicator": indicator, "programme": programme}


def paths(data, lang: str) -> list[str]:
    return [
        f"/{lang}/",
        f"/{lang}/articles/9/",
        f"/{lang}/organisations/",
        f"/{lang}/organisations/MH/",
        f"/{lang}/indicators/",
        f"/{lang}/indicators/{data['indicator'].pk}/",
        f"/{lang}/indicators/programmes/",
        f"/{lang}/indicators/programmes/{data['programme'].pk}/",
    ]


def check(page, path: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    response = page.goto(path)
    assert response.status == 200, path
    violations = axe_violations(page)
    assert violations == [], f"{path}: {violations}"
    page.set_viewport_size({"width": 320, "height": 800})
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{path} scrolls sideways at 320 px: {widths}"


def test_overview_pages_are_accessible_and_reflow(page, data):
    """Every page in Kazakh (the longest words); the dashboard and an indicator with its map in
    Russian and English too, the English dashboard as an editor sees it (their work first)."""
    for path in paths(data, "kk"):
        check(page, path)
    for lang in ("ru", "en"):
        check(page, f"/{lang}/indicators/{data['indicator'].pk}/")
    check(page, "/ru/")
    sign_in(page, "editor-health")
    check(page, "/en/")
    assert page.get_by_role("heading", name="Your work").is_visible()
