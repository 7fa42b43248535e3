"""Indicator pages: targets with their placement, observations as a table, computed progress, and
recording an observation through the workflow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from indicators.models import Placement
from indicators.progress import indicator_progress
from tests import factories as f
from tracker.models import ChangeRequest

pytestmark = pytest.mark.django_db


def url(name: str, *args, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(name, args=args)


@pytest.fixture
def ministry(db):
    return f.OrganizationFactory(code="MH")


@pytest.fixture
def indicator(ministry):
    indicator = f.IndicatorFactory(organization=ministry, programme=f.ProgrammeFactory())
    indicator.articles.add(f.ArticleFactory(number=9))
    f.TargetFactory(indicator=indicator, year=2017, value=Decimal("15"))
    f.TargetFactory(
        indicator=indicator,
        year=2019,
        value=Decimal("20"),
        placement=Placement.INFERRED,
        reasoning="¶333 gives the 2019 value.",
    )
    paragraph = f.ReportParagraphFactory(number=333)
    for year, value in [(2015, "10"), (2016, "12"), (2017, "13")]:
        f.ObservationFactory(
            indicator=indicator,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            value=Decimal(value),
            paragraph=paragraph,
        )
    region = f.DimensionValueFactory()
    for i in range(17):
        obs = f.ObservationFactory(
            indicator=indicator,
            period_start=dt.date(2000 + i, 1, 1),
            period_end=dt.date(2000 + i, 12, 31),
            value=Decimal("1.5"),
            dims_key=f"region=akmola{i}",
            source_annex="annex4:row 2",
        )
        obs.dimension_values.add(region)
    return indicator


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_indicator_list_within_query_budget(client, indicator, lang, django_assert_max_num_queries):
    for _ in range(19):
        f.IndicatorFactory(programme=indicator.programme)
    # The verdicts are the status reports' (computed once, then cached): about 20 queries cold.
    with django_assert_max_num_queries(26):
        response = client.get(url("indicators:indicator-list", lang=lang))
    with django_assert_max_num_queries(5):
        client.get(url("indicators:indicator-list", lang=lang))
    assert response.status_code == 200
    assert indicator.name_kk in response.content.decode()


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_indicator_detail_shows_targets_observations_and_progress(
    client, indicator, lang, django_assert_max_num_queries
):
    # Header, totals, the chosen breakdown, a page of observations: bounded, not per row.
    with django_assert_max_num_queries(16):
        response = client.get(url("indicators:indicator-detail", indicator.pk, lang=lang))
    assert response.status_code == 200
    body = response.content.decode()
    assert "¶333 gives the 2019 value." in body
    assert "<caption" in body
    assert "annex4:row 2" in body
    assert {"kk": "<td>1,5</td>", "en": "<td>1.5</td>"}[lang] in body  # the language's decimal sign
    assert "20.0000" not in body
    progress = {row["year"]: row["status"] for row in response.context["progress"]}
    # 13 in 2017 against a target of 15: off track; the computed rule, not a stored value.
    assert progress[2017] == "off_track"
    assert progress[2015] == "on_track"  # the baseline is on its own path
    assert progress[2016] == "off_track"  # 12 against 12.5 on the way from 10 to 15
    assert progress[2019] == "no_data"  # nothing observed since 2017
    # A region's cell (1.5, far below the path) in 2016 does not count: only totals do.
    assert url("indicators:observation-propose-new", indicator.pk, lang=lang) not in body


def test_editor_of_the_responsible_organisation_records_an_observation(client, indicator, ministry):
    editor = f.UserFactory(editor=True, organization=ministry)
    client.force_login(editor)
    detail = client.get(url("indicators:indicator-detail", indicator.pk)).content.decode()
    assert url("indicators:observation-propose-new", indicator.pk) in detail
    response = client.get(url("indicators:observation-propose-new", indicator.pk))
    assert response.status_code == 200
    response = client.post(
        url("indicators:observation-propose-new", indicator.pk),
        {
            "indicator": indicator.pk,
            "period_start": "2018-01-01",
            "period_end": "2018-12-31",
            "value": "18",
            "source_annex": "annex2:row 3",
            "summary": "2018 value",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    cr = ChangeRequest.objects.get()
    assert (cr.operation, cr.payload["value"], cr.payload["indicator"]) == (
        "create",
        "18",
        indicator.pk,
    )


def test_observation_form_errors_are_shown(client, indicator, ministry):
    client.force_login(f.UserFactory(editor=True, organization=ministry))
    response = client.post(
        url("indicators:observation-propose-new", indicator.pk),
        {"indicator": indicator.pk, "period_start": "2018-01-01", "period_end": "2017-12-31"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'role="alert"' in body
    assert 'aria-describedby="id_value_error"' in body
    assert not ChangeRequest.objects.exists()


def test_editor_of_another_organisation_may_not_record_an_observation(client, indicator):
    client.force_login(f.UserFactory(editor=True, organization=f.OrganizationFactory(code="X")))
    assert client.get(url("indicators:observation-propose-new", indicator.pk)).status_code == 403
    response = client.post(url("indicators:observation-propose-new", indicator.pk), {"value": "1"})
    assert response.status_code == 403
    assert not ChangeRequest.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, indicator):
    response = client.get(url("indicators:observation-propose-new", indicator.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(url("login"))


def test_editor_proposes_a_correction_to_a_recorded_value(
    client, indicator, ministry, django_assert_max_num_queries
):
    client.force_login(f.UserFactory(editor=True, organization=ministry))
    with django_assert_max_num_queries(20):
        detail = client.get(url("indicators:indicator-detail", indicator.pk))
    observation = indicator.observations.get(period_end=dt.date(2015, 12, 31), dims_key="")
    link = url("indicators:observation-propose", observation.pk)
    assert link in detail.content.decode()
    assert client.get(link).status_code == 200
    response = client.post(
        link,
        {
            "indicator": indicator.pk,
            "period_start": observation.period_start.isoformat(),
            "period_end": observation.period_end.isoformat(),
            "value": "11.5",
            "paragraph": observation.paragraph_id or "",
            "source_annex": observation.source_annex,
            "summary": "Revised figure",
            "explanation": "The statistics committee revised the figure.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    cr = ChangeRequest.objects.get()
    assert (cr.operation, cr.target_id, cr.base_version) == ("update", observation.pk, 1)
    assert cr.payload == {"value": "11.5"}
    observation.refresh_from_db()
    assert observation.value == Decimal("10")  # live data changes only on approval


def test_editor_of_another_organisation_may_not_correct_a_value(client, indicator):
    observation = indicator.observations.first()
    client.force_login(f.UserFactory(editor=True, organization=f.OrganizationFactory(code="X")))
    link = url("indicators:observation-propose", observation.pk)
    assert client.get(link).status_code == 403
    assert client.post(link, {"value": "99"}).status_code == 403
    assert not ChangeRequest.objects.exists()
    assert link not in client.get(url("indicators:indicator-detail", indicator.pk)).content.decode()


def test_the_page_and_the_validator_take_the_same_total_when_two_end_in_one_year(
    client, django_assert_max_num_queries
):
    indicator = f.IndicatorFactory(direction="higher")
    f.TargetFactory(indicator=indicator, year=2019, value=Decimal("20"))
    f.ObservationFactory(indicator=indicator, value=Decimal("10"))  # the 2016 baseline
    # Two totals end in 2018: the whole year (below the path to 20) and, recorded later, its
    # second half (above it). The year covers more, so it stands, in both places.
    f.ObservationFactory(
        indicator=indicator,
        period_start=dt.date(2018, 1, 1),
        period_end=dt.date(2018, 12, 31),
        value=Decimal("11"),
    )
    f.ObservationFactory(
        indicator=indicator,
        period_start=dt.date(2018, 7, 1),
        period_end=dt.date(2018, 12, 31),
        value=Decimal("19"),
    )
    with django_assert_max_num_queries(16):
        response = client.get(url("indicators:indicator-detail", indicator.pk))
    progress = {row["year"]: row["status"] for row in response.context["progress"]}
    assert progress[2018] == "off_track"
    assert indicator_progress(indicator, year=2018) == "off_track"
    # Without the year-long total the half-year stands, and both say on track.
    indicator.observations.filter(value=Decimal("11")).delete()
    response = client.get(url("indicators:indicator-detail", indicator.pk))
    assert {r["year"]: r["status"] for r in response.context["progress"]}[2018] == "on_track"
    assert indicator_progress(indicator, year=2018) == "on_track"
