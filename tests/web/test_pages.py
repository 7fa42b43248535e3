"""The overview pages: the dashboard, articles, organisations, programmes and indicators.

Their numbers are the status reports' (reports/selectors.py), every number links to a list that
counts the same, they render in kk, ru and en, and their query counts do not grow with the data."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from indicators.models import Direction
from reports import selectors
from reports.charts import REGION_TILES
from tests import factories as f
from tests.web.conftest import submit_implemented
from tracker.common import generation
from tracker.models import Measure, MeasureStatus
from tracker.workflow import services

LANGS = ("kk", "ru", "en")
SEX = {"male": ("ер", "мужчины", "men"), "female": ("әйел", "женщины", "women")}


def regional_indicator(country, *, years=range(2014, 2026)):
    """An indicator with totals for twelve years, the 16 regions for two and sex for all."""
    ind = f.IndicatorFactory(
        organization=country.mh,
        name_kk="Жұмыс істейтін мүгедектер",
        name_en="Working persons with disabilities",
        unit="persons",
        direction=Direction.HIGHER,
    )
    ind.articles.set([country.art9])
    f.TargetFactory(indicator=ind, year=2030, value=Decimal("500"))
    region = f.DimensionFactory(code="region", name_kk="Өңір", name_ru="Регион", name_en="Region")
    sex = f.DimensionFactory(code="sex", name_kk="Жынысы", name_ru="Пол", name_en="Sex")
    for i, code in enumerate(REGION_TILES):
        value = f.DimensionValueFactory(
            dimension=region, code=code, name_kk=f"Өңір {i}", name_en=f"Region {code}"
        )
        for year in (2016, 2017):
            obs = f.ObservationFactory(
                indicator=ind,
                period_start=dt.date(year, 1, 1),
                period_end=dt.date(year, 1, 1),
                value=Decimal(100 + i),
                dims_key=f"region={code}",
            )
            obs.dimension_values.add(value)
    for code, (kk, ru, en) in SEX.items():
        value = f.DimensionValueFactory(
            dimension=sex, code=code, name_kk=kk, name_ru=ru, name_en=en
        )
        for year in years:
            obs = f.ObservationFactory(
                indicator=ind,
                period_start=dt.date(year, 1, 1),
                period_end=dt.date(year, 12, 31),
                value=Decimal(year - 2000),
                dims_key=f"sex={code}",
            )
            obs.dimension_values.add(value)
    for year in years:
        f.ObservationFactory(
            indicator=ind,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            value=Decimal(2 * (year - 2000)),
        )
    return ind


def pages(country, indicator, programme) -> list[str]:
    return [
        "/{lang}/",
        "/{lang}/articles/9/",
        "/{lang}/organisations/",
        "/{lang}/organisations/MH/",
        "/{lang}/indicators/",
        f"/{{lang}}/indicators/{indicator.pk}/",
        f"/{{lang}}/indicators/{indicator.pk}/?dim=sex",
        "/{lang}/indicators/programmes/",
        f"/{{lang}}/indicators/programmes/{programme.pk}/",
    ]


@pytest.fixture
def programme(country):
    programme = f.ProgrammeFactory(name_kk="Мүгедектерге тең мүмкіндіктер", name_ru="Программа")
    country.mh_off_track.programme = programme
    country.mh_off_track.save()
    return programme


def test_every_page_renders_in_each_language(client, country, programme):
    indicator = regional_indicator(country)
    for lang in LANGS:
        for path in pages(country, indicator, programme):
            response = client.get(path.format(lang=lang))
            assert response.status_code == 200, path
            assert f'<html lang="{lang}">' in response.content.decode()


def test_dashboard_numbers_are_the_national_overviews(client, country):
    report = selectors.status_report(as_of=timezone.localdate())
    response = client.get("/en/")
    summary = response.context["summary"]
    assert summary.measures_by_status == report.measures_by_status
    assert summary.overdue == len(report.overdue)
    assert summary.due_soon == len(report.due_soon)
    assert summary.flagged == len(report.flagged)
    assert summary.verdicts == report.verdicts
    assert summary.missing == len(report.missing)
    assert summary.waiting == report.pipeline.waiting_total
    assert [(r.organization.code, r.measures, r.on_schedule) for r in summary.scorecard] == [
        (r.organization.code, r.measures, r.on_schedule) for r in report.scorecard
    ]
    articles = {r["article"].number: r for r in response.context["articles"]}
    for row in report.by_article:
        shown = articles[row.article.number]
        assert shown["measures"] == row.measures
        assert shown["overdue"] == row.overdue
        assert {s["key"]: s["count"] for s in shown["statuses"]} == row.by_status
    # Every article of the Convention is a row, those without measures too.
    assert len(articles) == 2


def _caption_count(html: str) -> int:
    return int(re.search(r"<caption[^>]*>\s*(\d+)", html).group(1))


def test_every_dashboard_number_links_to_the_list_that_counts_it(client, country):
    response = client.get("/en/")
    ctx = response.context
    html = response.content.decode()
    links = [(row["url"], row["count"]) for row in ctx["statuses"]]
    links.append((ctx["overdue_url"], ctx["summary"].overdue))
    links.append((ctx["flagged_url"], ctx["summary"].flagged))
    for row in ctx["articles"]:
        links += [(s["url"], s["count"]) for s in row["statuses"]]
        links.append((row["overdue_url"], row["overdue"]))
    for item in ctx["scorecard"]:
        links.append((item["measures_url"], item["row"].measures))
    for url, count in links:
        listed = client.get(url).content.decode()
        assert _caption_count(listed) == count, url
    indicator_links = [(ctx["due_url"], ctx["summary"].indicators_due)]
    indicator_links.append((ctx["missing_url"], ctx["summary"].missing))
    for item in ctx["scorecard"]:
        indicator_links.append((item["indicators_url"], item["row"].indicators_due))
    for url, count in indicator_links:
        assert _caption_count(client.get(url).content.decode()) == count, url
    assert ctx["summary"].missing == 1
    for row in ctx["verdicts"]:
        assert row["url"].replace("&", "&amp;") in html
        listed = client.get(row["url"]).content.decode()
        assert _caption_count(listed) == row["count"], row["url"]
    assert ctx["summary"].overdue == 2


def test_measures_list_filters_overdue_and_refuses_a_bad_value(client, country):
    overdue = client.get("/en/measures/?overdue=1").content.decode()
    assert _caption_count(overdue) == 2
    assert "Ramps and lifts" in overdue
    assert _caption_count(client.get("/en/measures/?overdue=0").content.decode()) == 6
    # An unknown value is no filter, never an error.
    assert _caption_count(client.get("/en/measures/?overdue=maybe").content.decode()) == 8


def test_indicator_list_filters_by_verdict_organisation_and_article(client, country):
    off = client.get("/en/indicators/?verdict=off_track")
    assert {r["indicator"].pk for r in off.context["rows"]} == {
        country.mh_off_track.pk,
        country.mes_off_track.pk,
    }
    mes = client.get("/en/indicators/?verdict=off_track&organization=MES").context["rows"]
    assert [r["indicator"].pk for r in mes] == [country.mes_off_track.pk]
    assert len(client.get("/en/indicators/?article=24").context["rows"]) == 1
    assert client.get("/en/indicators/?verdict=nonsense").context["rows"] == []
    assert client.get("/en/indicators/?article=x").context["rows"] == []


def test_signed_in_editor_sees_their_own_work_first(client, country):
    client.force_login(country.mh_editor)
    html = client.get("/en/").content.decode()
    assert html.index("Your work") < html.index("National headline")
    todo = client.get("/en/").context["todo"]
    assert (todo["returned"], todo["flagged"], todo["overdue"]) == (1, 1, 1)
    client.force_login(country.reviewer)
    todo = client.get("/en/").context["todo"]
    assert todo["queue"] == 1
    assert todo["oldest"] == [country.waiting]
    client.logout()
    assert client.get("/en/").context["todo"] is None


def test_an_approval_shows_on_the_dashboard_at_once(client, country):
    assert client.get("/en/").context["summary"].overdue == 2
    cr = submit_implemented(country.mh_overdue, editor=country.mh_editor)
    # Cached meanwhile: the same numbers until the approval.
    assert client.get("/en/").context["summary"].waiting == 2
    services.change_request_approve(cr_id=cr.pk, by=country.reviewer)
    summary = client.get("/en/").context["summary"]
    assert summary.overdue == 1
    assert summary.measures_by_status[MeasureStatus.IMPLEMENTED] == 2


def test_the_dashboard_is_computed_once_and_then_read_from_the_cache(client, country):
    client.get("/en/")
    with CaptureQueriesContext(connection) as cached:
        client.get("/en/")
    generation.bump()
    with CaptureQueriesContext(connection) as computed:
        client.get("/en/")
    assert len(cached) < len(computed) - 10


def grow(country, n: int) -> None:
    """n more of everything: measures, organisations, indicators with values and targets,
    change requests, articles."""
    for i in range(n):
        org = f.OrganizationFactory(code=f"GROWN{i}", name_kk=f"Ұйым {i}")
        article = f.ArticleFactory(number=10 + i, title_kk=f"Бап {10 + i}")
        for status in MeasureStatus.values:
            f.MeasureFactory(
                status=status,
                due_date=dt.date(2020, 1, 1),
                organizations=[org, country.mh],
                articles=[article, country.art9],
            )
        ind = f.IndicatorFactory(organization=org if i % 2 else country.mh)
        ind.articles.set([country.art9, article])
        f.TargetFactory(indicator=ind, year=2030, value=Decimal(100))
        for year in (2019, 2020, 2021):
            f.ObservationFactory(
                indicator=ind,
                period_start=dt.date(year, 1, 1),
                period_end=dt.date(year, 12, 31),
                value=Decimal(year - 2000),
            )
        f.CitationFactory(crpd_article=country.art9)
    f.ChangeRequestFactory(author=country.mes_editor, submitted=True)


def _queries(client, paths: list[str]) -> dict[str, int]:
    counts = {}
    for path in paths:
        generation.bump()  # the uncached path: the numbers computed
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        counts[path] = len(ctx)
    return counts


def test_query_counts_do_not_grow_with_the_data(client, country, programme):
    indicator = regional_indicator(country)
    f.ReportParagraphFactory(number=7, article=country.art9)
    f.CitationFactory(crpd_article=country.art9)
    paths = [p.format(lang="en") for p in pages(country, indicator, programme)]
    client.force_login(country.mh_editor)
    small = _queries(client, paths)
    grow(country, 12)
    for year in range(2000, 2014):
        f.ObservationFactory(
            indicator=indicator,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            value=Decimal(year - 1990),
        )
    assert Measure.objects.count() > 60
    large = _queries(client, paths)
    assert large == small
    assert max(small.values()) <= 40, small


def test_indicator_page_draws_the_regions_as_a_tile_map(client, country):
    indicator = regional_indicator(country)
    response = client.get(f"/en/indicators/{indicator.pk}/")
    html = response.content.decode()
    (svg,) = re.findall(r'<svg[^>]*id?[^>]*aria-labelledby="chart-map-title[^"]*"[^>]*>', html)
    assert 'role="img"' in svg
    assert 'aria-describedby="chart-map-summary"' in svg
    assert 'id="chart-map-summary"' in html
    map_ = response.context["map"]
    assert map_["year"] == 2017
    assert len([t for t in map_["tiles"] if t.value is not None]) == 16
    # 16 regions: 16 tiles, each value also in the table beside the map.
    assert html.count('rx="4"') == 16
    assert "Highest: Region almaty-city (115); lowest: Region west-kazakhstan (100)." in html
    # An earlier year on request; a year without data falls back to the latest.
    assert client.get(f"/en/indicators/{indicator.pk}/?year=2016").context["map"]["year"] == 2016
    assert client.get(f"/en/indicators/{indicator.pk}/?year=1900").context["map"]["year"] == 2017
    assert client.get(f"/en/indicators/{indicator.pk}/?year=x").context["map"]["year"] == 2017


def test_indicator_page_shows_periods_as_years_and_a_paginated_pivot(client, country):
    indicator = regional_indicator(country)
    response = client.get(f"/en/indicators/{indicator.pk}/?dim=sex")
    html = response.content.decode()
    assert "2017-01-01" not in html
    assert "01/01/2017" not in html
    assert '<th scope="row">2025</th>' in html
    pivot = response.context["pivot"]
    assert [c.code for c in pivot["columns"]] == ["male", "female"] or {
        c.code for c in pivot["columns"]
    } == {"male", "female"}
    first = pivot["rows"][0]
    assert first["year"] == 2025
    assert first["total"] == Decimal(50)
    assert sorted(first["cells"]) == [Decimal(25), Decimal(25)]
    assert pivot["page"].paginator.num_pages == 2
    page2 = client.get(f"/en/indicators/{indicator.pk}/?dim=sex&years=2").context["pivot"]
    assert [r["year"] for r in page2["rows"]] == [2015, 2014]
    assert len(response.context["multiples"]) == 2
    # An unknown dimension is not an error: the regions are shown.
    assert client.get(f"/en/indicators/{indicator.pk}/?dim=nope").context["chosen"] == "region"


def test_a_crossed_breakdown_is_offered_with_its_cells_named_in_the_language(client, country):
    indicator = regional_indicator(country, years=range(2016, 2018))
    cell = f.ObservationFactory(
        indicator=indicator,
        period_start=dt.date(2017, 1, 1),
        period_end=dt.date(2017, 12, 31),
        value=Decimal(7),
        dims_key="region=akmola;sex=female",
    )
    response = client.get(f"/ru/indicators/{indicator.pk}/?dim=region%2Bsex")
    assert [d.code for d in response.context["dimensions"]] == ["region", "sex", "region+sex"]
    assert response.context["chosen"] == "region+sex"
    (column,) = response.context["pivot"]["columns"]
    assert column.code == "akmola;female"
    # The region has no Russian name: the pair falls back to Kazakh, marked as such.
    html = response.content.decode()
    assert '<span lang="kk">Өңір 6 · әйел</span>' in html
    assert response.context["pivot"]["rows"][0]["cells"] == [cell.value]


def test_indicator_page_chart_has_a_summary_and_the_verdict_per_year(client, country):
    response = client.get(f"/en/indicators/{country.mh_off_track.pk}/")
    html = response.content.decode()
    assert 'aria-describedby="chart-main-summary"' in html
    assert "Observed totals 2020–2025: from 10 to 12" in html
    assert "Target: 100" in html
    assert [v["key"] for v in response.context["verdicts"]] == [
        "on_track",
        "off_track",
        # 2030, the target's year, is still ahead of the latest value: nothing to judge yet.
        "no_data",
    ]
    assert html.count("<polyline") >= 2  # the observed line and the target path


def test_content_falls_back_to_kazakh_marked_with_its_language(client, country):
    html = client.get("/ru/organisations/").content.decode()
    assert '<span lang="kk">Денсаулық сақтау министрлігі</span>' in html
    assert "Ministry MES" in client.get("/en/organisations/").content.decode()
    html = client.get("/en/articles/9/").content.decode()
    assert "Accessibility" in html
    assert '<span lang="kk">Қолжетімділік</span>' in client.get("/ru/articles/9/").content.decode()


def test_article_page_summarises_before_the_paragraphs(client, country):
    f.ReportParagraphFactory(number=120, article=country.art9, text_kk="Баяндама мәтіні")
    html = client.get("/en/articles/9/").content.decode()
    assert html.index("In brief") < html.index("Report paragraphs")
    response = client.get("/en/articles/9/")
    assert response.context["measures_total"] == 5
    assert response.context["overdue"] == 1
    rows = {r["indicator"].pk: r for r in response.context["indicator_rows"]}
    assert rows[country.mh_off_track.pk]["verdict"] == "off_track"
    assert 'class="sparkline"' in html


def test_organisation_pages_show_the_reports_scorecard(client, country):
    card = client.get("/en/organisations/MH/").context["card"]
    (row,) = [
        r
        for r in selectors.status_report(as_of=timezone.localdate()).scorecard
        if r.organization.code == "MH"
    ]
    assert (card["row"].measures, card["row"].on_schedule) == (row.measures, row.on_schedule)
    assert card["row"].open_returned == 1
    assert client.get("/en/organisations/NOPE/").status_code == 404
    listed = client.get("/en/organisations/").context["items"]
    assert {i["organization"].code for i in listed} == {"MH", "MES", "MLSPP"}


def test_unknown_programme_and_indicator_are_404(client, db):
    assert client.get("/en/indicators/programmes/999999/").status_code == 404
    assert client.get("/en/indicators/999999/").status_code == 404


KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area", "base"}


def unmarked_kazakh(html: str) -> list[str]:
    """Text with Kazakh-specific letters that no element with lang="kk" encloses (WCAG 3.1.2)."""
    from html.parser import HTMLParser

    found: list[str] = []

    class Walker(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.langs: list[str | None] = []

        def handle_starttag(self, tag, attrs):
            if tag not in VOID:
                self.langs.append(dict(attrs).get("lang"))

        def handle_endtag(self, tag):
            if tag not in VOID and self.langs:
                self.langs.pop()

        def handle_data(self, data):
            current = next((lang for lang in reversed(self.langs) if lang), None)
            if current != "kk" and KAZAKH_LETTERS & set(data):
                found.append(data.strip()[:60])

    Walker().feed(html)
    return found


def test_kazakh_text_on_russian_and_english_pages_is_marked(client, country, programme):
    indicator = regional_indicator(country)
    for lang in ("ru", "en"):
        for path in pages(country, indicator, programme):
            html = client.get(path.format(lang=lang)).content.decode()
            assert unmarked_kazakh(html) == [], path.format(lang=lang)
