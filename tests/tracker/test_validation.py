"""The validation every path shares: each rule refuses with an error that names the field, in
the user's language, and writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from indicators.models import Observation
from indicators.progress import ProgressStatus, expected_value, progress_status
from tests import factories as f
from tracker.models import ChangeRequest, LegalAct, Measure
from tracker.workflow import services

pytestmark = pytest.mark.django_db


def _errors(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        call()
    return exc.value.message_dict


def _propose(by, target, payload, **kwargs):
    return lambda: services.change_request_create(by=by, target=target, payload=payload, **kwargs)


@pytest.mark.parametrize(
    ("payload", "field", "text"),
    [
        ({"progress": 101}, "progress", "between 0 and 100"),
        ({"progress": -1}, "progress", "0"),
        ({"start_date": "2020-01-01", "due_date": "2019-12-31"}, "due_date", "start date"),
        ({"start_date": "2020-01-01", "completed_date": "2019-01-01"}, "completed_date", "start"),
        ({"due_date": "31.12.2019"}, "due_date", "valid date"),
        ({"status": "finished"}, "status", "valid choice"),
        ({"organizations": []}, "organizations", "required"),
        ({"version": 7}, "version", "cannot be changed"),
        # JSON booleans only: a form would read any text as true (issue 11, defect 7).
        ({"needs_review": "maybe"}, "needs_review", "wrong type"),
    ],
)
def test_measure_rules_name_the_field(author, measure, payload, field, text):
    call = _propose(author, measure, payload)
    if field is None:
        call()
        return
    with translation.override("en"):
        errors = _errors(call)
    assert field in errors
    assert text in " ".join(errors[field])
    assert not ChangeRequest.objects.exists()
    measure.refresh_from_db()
    assert (measure.version, measure.progress) == (1, 40)


def test_a_new_measure_needs_its_required_fields(author, org_a):
    with translation.override("en"):
        errors = _errors(
            lambda: services.change_request_create(
                by=author, target_model=Measure, payload={"organizations": [org_a.pk]}
            )
        )
    assert {"title_kk", "kind", "articles"} <= set(errors)


def test_a_new_legal_act_needs_key_type_and_title(reviewer):
    errors = _errors(
        lambda: services.change_request_create(
            by=reviewer, target_model=LegalAct, payload={"act_type": ""}
        )
    )
    assert {"key", "act_type", "title_kk"} <= set(errors)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "This field is required."), ("ru", "Обязательное поле."), ("kk", "Бұл мән міндетті.")],
)
def test_errors_are_in_the_users_language(author, org_a, language, expected):
    with translation.override(language):
        errors = _errors(
            lambda: services.change_request_create(
                by=author, target_model=Measure, payload={"organizations": [org_a.pk]}
            )
        )
    assert errors["title_kk"] == [expected]


@pytest.fixture
def indicator(org_a):
    return f.IndicatorFactory(organization=org_a, unit="percent", year_from=2015, year_to=2020)


def _observation(indicator, **overrides):
    return {
        "indicator": indicator.pk,
        "period_start": "2016-01-01",
        "period_end": "2016-12-31",
        "value": "9.1",
        "source_annex": "annex2:row 3",
        **overrides,
    }


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"value": "100.5"}, "value", "between 0 and 100"),
        ({"value": "-0.1"}, "value", "between 0 and 100"),
        ({"period_start": "2014-01-01"}, "period_start", "2015–2020"),
        ({"period_end": "2021-12-31"}, "period_end", "2015–2020"),
        ({"period_end": "2015-12-31"}, "period_end", "end before it starts"),
        ({"source_annex": ""}, "paragraph", "source"),
        ({"value": ""}, "value", "required"),
        ({"value": "many"}, "value", "number"),
    ],
)
def test_observation_rules_name_the_field(author, indicator, overrides, field, text):
    call = lambda: services.change_request_create(  # noqa: E731
        by=author, target_model=Observation, payload=_observation(indicator, **overrides)
    )
    with translation.override("en"):
        errors = _errors(call)
    assert field in errors, errors
    assert text in " ".join(errors[field])
    assert not ChangeRequest.objects.exists()


def test_one_value_per_dimension(author, indicator):
    region = f.DimensionFactory(code="region")
    a = f.DimensionValueFactory(dimension=region, code="akmola")
    b = f.DimensionValueFactory(dimension=region, code="almaty")
    errors = _errors(
        lambda: services.change_request_create(
            by=author,
            target_model=Observation,
            payload=_observation(indicator, dimension_values=[a.pk, b.pk]),
        )
    )
    assert "dimension_values" in errors


def test_a_live_observation_cannot_move_to_another_indicator(author, indicator, org_a):
    obs = f.ObservationFactory(indicator=indicator, source_annex="annex2:row 3")
    other = f.IndicatorFactory(organization=org_a)
    errors = _errors(_propose(author, obs, {"indicator": other.pk}))
    assert "indicator" in errors


# Off track needs a reason ----------------------------------------------------------------------


@pytest.fixture
def tracked(org_a):
    """Higher is better: 10 % observed in 2016, targets 20 % in 2019 and 50 % in 2030."""
    indicator = f.IndicatorFactory(
        organization=org_a, unit="percent", direction="higher", year_from=2012, year_to=2030
    )
    f.TargetFactory(indicator=indicator, year=2019, value=Decimal(20))
    f.TargetFactory(indicator=indicator, year=2030, value=Decimal(50))
    f.ObservationFactory(
        indicator=indicator,
        period_start=dt.date(2016, 1, 1),
        period_end=dt.date(2016, 12, 31),
        value=Decimal(10),
        source_annex="annex2:row 1",
    )
    return indicator


def _observe_2018(author, indicator, value: str, explanation: str = ""):
    cr = services.change_request_create(
        by=author,
        target_model=Observation,
        payload=_observation(
            indicator, period_start="2018-01-01", period_end="2018-12-31", value=value
        ),
        explanation=explanation,
    )
    return lambda: services.change_request_submit(cr_id=cr.pk, by=author)


def test_an_off_track_observation_cannot_be_submitted_without_explanation(author, tracked):
    # The path from 10 (2016) to 20 (2019) expects 16.67 in 2018: 11 is off track.
    submit = _observe_2018(author, tracked, "11")
    with translation.override("en"):
        errors = _errors(submit)
    assert "off its target path" in errors["explanation"][0]
    assert ChangeRequest.objects.get().status == "draft"


def test_an_off_track_observation_with_explanation_is_submitted(author, reviewer, tracked):
    submit = _observe_2018(author, tracked, "11", explanation="Survey method changed in 2018.")
    cr = submit()
    assert cr.status == "submitted"
    services.change_request_approve(cr_id=cr.pk, by=reviewer)
    obs = Observation.objects.get(pk=ChangeRequest.objects.get().target_id)
    assert obs.explanation == "Survey method changed in 2018."


def test_an_on_track_observation_needs_no_explanation(author, tracked):
    assert _observe_2018(author, tracked, "17")().status == "submitted"


@pytest.mark.parametrize(
    ("direction", "observations", "year", "expected"),
    [
        ("higher", [(2016, 10), (2018, 11)], None, ProgressStatus.OFF_TRACK),
        ("higher", [(2016, 10), (2018, 17)], None, ProgressStatus.ON_TRACK),
        ("higher", [(2016, 10), (2018, 50)], None, ProgressStatus.ACHIEVED),
        ("higher", [(2016, 10), (2018, 11)], 2017, ProgressStatus.ON_TRACK),
        ("higher", [], None, ProgressStatus.NO_DATA),
        ("lower", [(2016, 60), (2018, 40)], None, ProgressStatus.ON_TRACK),
        ("lower", [(2016, 60), (2018, 58)], None, ProgressStatus.OFF_TRACK),
        ("lower", [(2016, 60), (2020, 15)], None, ProgressStatus.ACHIEVED),
        ("none", [(2016, 10)], None, ProgressStatus.NO_DATA),
        # The final target's year has come without meeting it.
        ("higher", [(2016, 10), (2030, 40)], None, ProgressStatus.OFF_TRACK),
        ("higher", [(2031, 40), (2032, 45)], None, ProgressStatus.OFF_TRACK),
        # A year past the latest observation, with the final target still ahead: unknown.
        ("higher", [(2016, 10)], 2019, ProgressStatus.NO_DATA),
        ("lower", [(2016, 60)], 2025, ProgressStatus.NO_DATA),
    ],
)
def test_progress_status(direction, observations, year, expected):
    targets = [(2019, Decimal(20)), (2030, Decimal(50))]
    if direction == "lower":
        targets = [(2019, Decimal(45)), (2030, Decimal(20))]
    points = [(y, Decimal(v)) for y, v in observations]
    assert (
        progress_status(direction=direction, targets=targets, observations=points, year=year)
        == expected
    )


def test_a_target_in_the_baseline_year_is_not_dropped_from_the_path():
    # First value 10 in 2025 against a 2025 target of 50: missed, not "on track" on a flat path.
    status = progress_status(
        direction="higher", targets=[(2025, Decimal(50))], observations=[(2025, Decimal(10))]
    )
    assert status == ProgressStatus.OFF_TRACK


def test_a_value_exactly_on_the_path_at_stored_precision_is_on_track():
    # 0 (2020) to 100 (2023) expects 33.3333… in 2021; 33.3333 is the most a value can store.
    status = progress_status(
        direction="higher",
        targets=[(2023, Decimal(100))],
        observations=[(2020, Decimal(0)), (2021, Decimal("33.3333"))],
    )
    assert status == ProgressStatus.ON_TRACK


def test_target_path_interpolates_linearly_and_is_flat_beyond_its_ends():
    path = [(2016, Decimal(10)), (2019, Decimal(20)), (2030, Decimal(50))]
    assert expected_value(path, 2015) == 10
    assert expected_value(path, 2019) == 20
    assert round(expected_value(path, 2018), 2) == Decimal("16.67")
    assert expected_value(path, 2035) == 50


def test_correcting_the_baseline_so_that_today_is_off_track_needs_an_explanation(author, tracked):
    # 17 in 2018 is on the path from 10 (2016) to 20 (2019); with the 2016 baseline corrected to
    # 19 the path expects 19.67 in 2018, and the indicator is off track today.
    f.ObservationFactory(
        indicator=tracked,
        period_start=dt.date(2018, 1, 1),
        period_end=dt.date(2018, 12, 31),
        value=Decimal(17),
        source_annex="annex2:row 1",
    )
    baseline = tracked.observations.get(period_end=dt.date(2016, 12, 31))
    cr = services.change_request_create(by=author, target=baseline, payload={"value": "19"})
    with translation.override("en"):
        errors = _errors(lambda: services.change_request_submit(cr_id=cr.pk, by=author))
    assert "off its target path" in errors["explanation"][0]
    assert ChangeRequest.objects.get().status == "draft"
    services.change_request_update_draft(
        cr_id=cr.pk, by=author, explanation="The 2016 survey was re-weighted."
    )
    assert services.change_request_submit(cr_id=cr.pk, by=author).status == "submitted"


def test_disaggregated_cells_do_not_count_towards_progress(tracked):
    from indicators.progress import indicator_progress

    region = f.DimensionValueFactory()
    cell = f.ObservationFactory(
        indicator=tracked,
        period_start=dt.date(2018, 1, 1),
        period_end=dt.date(2018, 12, 31),
        value=Decimal(1),  # one region's figure, far below the national path
        dims_key="region=akmola",
        source_annex="annex1:Ақмола",
    )
    cell.dimension_values.add(region)
    assert indicator_progress(tracked) == ProgressStatus.ON_TRACK  # the 2016 total only


@pytest.mark.parametrize(
    "payload",
    [
        {"start_date": 2020},
        {"start_date": ["2020-01-01"]},
        {"title_kk": {"a": 1}},
        {"progress": True},
        {"organizations": "MH"},
    ],
)
def test_a_value_of_the_wrong_json_type_is_refused_by_field(author, measure, payload):
    (name,) = payload
    errors = _errors(
        lambda: services.change_request_create(by=author, target=measure, payload=payload)
    )
    assert name in errors
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"status": "implemented", "progress": 40}, "progress"),
        ({"status": "planned", "completed_date": "2016-05-01"}, "completed_date"),
        ({"status": "delayed", "completed_date": "2016-05-01"}, "completed_date"),
    ],
)
def test_status_progress_and_completion_must_agree(author, measure, payload, field):
    errors = _errors(
        lambda: services.change_request_create(by=author, target=measure, payload=payload)
    )
    assert field in errors
    assert not ChangeRequest.objects.exists()


def test_an_implemented_measure_at_100_with_its_completion_date_is_accepted(author, measure):
    payload = {"status": "implemented", "progress": 100, "completed_date": "2016-05-01"}
    assert services.change_request_create(by=author, target=measure, payload=payload).pk


def test_a_value_by_a_dimension_the_series_does_not_have_is_refused(author, indicator):
    region = f.DimensionFactory(code="region")
    sex = f.DimensionFactory(code="sex", name_kk="Жынысы")
    indicator.dimensions.set([region])
    female = f.DimensionValueFactory(dimension=sex, code="female")
    akmola = f.DimensionValueFactory(dimension=region, code="akmola")
    errors = _errors(
        lambda: services.change_request_create(
            by=author,
            target_model=Observation,
            payload=_observation(indicator, dimension_values=[female.pk]),
        )
    )
    assert "dimension_values" in errors
    assert not ChangeRequest.objects.exists()
    cr = services.change_request_create(
        by=author,
        target_model=Observation,
        payload=_observation(indicator, dimension_values=[akmola.pk]),
    )
    assert cr.payload["dimension_values"] == [akmola.pk]
