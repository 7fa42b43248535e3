"""The status model: exactly the known problems of the fixture country, in bounded queries."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import selectors
from tests import factories as f
from tracker.models import MeasureStatus


def _keys(rows):
    return {r.key for r in rows}


def test_national_report_names_exactly_the_overdue_due_soon_and_flagged_measures(country):
    report = selectors.status_report(as_of=country.as_of)
    assert _keys(report.overdue) == {country.mh_overdue.key, country.mes_overdue.key}
    assert _keys(report.due_soon) == {country.mh_due_soon.key}
    assert _keys(report.flagged) == {country.mh_flagged.key}
    assert report.measures_total == 8
    assert report.measures_by_status[MeasureStatus.IN_PROGRESS] == 3


def test_organisation_report_is_limited_to_its_own_items(country):
    report = selectors.status_report(as_of=country.as_of, organization=country.mes)
    assert _keys(report.overdue) == {country.mes_overdue.key}
    assert report.due_soon == []
    assert report.flagged == []
    assert {r.indicator.pk for r in report.off_track} == {country.mes_off_track.pk}
    assert report.missing == []
    assert report.pipeline.returned == []
    assert report.pipeline.waiting == {"under_7": 0, "7_30": 1, "over_30": 0}


def test_indicator_verdicts_follow_the_annex_targets(country):
    report = selectors.status_report(as_of=country.as_of, organization=country.mh)
    verdicts = {r.indicator.pk: r.verdict for r in report.indicators}
    assert verdicts == {
        country.mh_off_track.pk: "off_track",
        country.mh_missing.pk: "on_track",
        country.mh_achieved.pk: "achieved",
        country.mh_not_yet.pk: "no_data",
    }
    (off,) = report.off_track
    assert off.explanation == ""
    assert off.latest_value == 12
    (missing,) = report.missing
    assert missing.indicator == country.mh_missing
    assert missing.due_year == 2025


def test_off_track_indicator_carries_its_explanation(country):
    report = selectors.status_report(as_of=country.as_of)
    explained = {r.indicator.pk: r.explanation for r in report.off_track}
    assert explained == {
        country.mh_off_track.pk: "",
        country.mes_off_track.pk: "Қаржыландыру кешіктірілді",
    }


def test_before_the_deadline_the_previous_year_is_not_yet_missing(country):
    report = selectors.status_report(as_of=dt.date(2026, 3, 1), organization=country.mh)
    assert report.missing == []


def test_scorecard_compares_the_ministries(country):
    report = selectors.status_report(as_of=country.as_of)
    rows = {r.organization.code: r for r in report.scorecard}
    assert set(rows) == {"MH", "MES"}
    mh = rows["MH"]
    # Due soon, implemented and flagged-without-date are on schedule; overdue and delayed are not;
    # the discontinued one is not counted.
    assert (mh.measures, mh.on_schedule) == (5, 3)
    assert (mh.indicators_due, mh.indicators_current) == (3, 2)
    assert mh.open_returned == 1
    assert mh.median_response_days == 2.0
    mes = rows["MES"]
    assert (mes.measures, mes.on_schedule, mes.open_returned) == (2, 1, 0)
    assert mes.share_on_schedule == 0.5
    assert mes.median_response_days is None


def test_pipeline_reports_the_backlog_and_median_decision_time(country):
    report = selectors.status_report(as_of=country.as_of)
    assert report.pipeline.waiting_total == 1
    assert [cr.pk for cr in report.pipeline.returned] == [country.returned.pk]
    assert report.pipeline.median_decision_days == 6.0


def test_by_article_counts(country):
    report = selectors.status_report(as_of=country.as_of)
    rows = {r.article.number: r for r in report.by_article}
    assert (rows[9].measures, rows[9].overdue, rows[9].due_soon, rows[9].flagged) == (5, 1, 1, 1)
    assert (rows[24].measures, rows[24].overdue) == (3, 1)
    assert rows[24].verdicts["off_track"] == 1
    assert rows[9].verdicts["achieved"] == 1


def test_query_count_does_not_grow_with_the_data(country):
    with CaptureQueriesContext(connection) as small:
        selectors.status_report(as_of=country.as_of)
    org = f.OrganizationFactory(code="MORE")
    for i in range(15):
        f.MeasureFactory(
            due_date=dt.date(2026, 1, 1) + dt.timedelta(days=30 * i),
            organizations=[org, country.mh],
            articles=[country.art9, country.art24],
            needs_review=i % 2 == 0,
        )
        ind = f.IndicatorFactory(organization=org)
        ind.articles.set([country.art24])
        f.TargetFactory(indicator=ind, year=2030)
        f.ObservationFactory(indicator=ind)
    with CaptureQueriesContext(connection) as large:
        selectors.status_report(as_of=country.as_of)
    assert len(large) == len(small) <= 25


def test_organisation_report_query_count_is_bounded(country, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        selectors.status_report(as_of=country.as_of, organization=country.mh)
