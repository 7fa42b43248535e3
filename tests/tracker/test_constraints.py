"""Every model's database constraints refuse bad values, naming the rule that was broken."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from indicators import models as im
from tests import factories as f
from tracker import models as tm

pytestmark = pytest.mark.django_db


def refused(constraint: str, make) -> None:
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        make()
    assert constraint in str(excinfo.value)


@pytest.mark.parametrize("number", [0, 51, 400])
def test_article_number_outside_1_to_50_is_refused(number):
    refused(
        "article_number_1_50",
        lambda: tm.Article.objects.create(number=number, title_kk="x", part="rights"),
    )


def test_article_part_must_be_a_known_part():
    refused(
        "article_part_valid",
        lambda: tm.Article.objects.create(number=5, title_kk="x", part="preamble"),
    )


def test_article_number_is_unique():
    f.ArticleFactory(number=9)
    refused("number", lambda: tm.Article.objects.create(number=9, title_kk="y", part="rights"))


def test_paragraph_number_must_be_positive_and_repair_known():
    refused("paragraph_number_positive", lambda: f.ReportParagraphFactory(number=0))
    refused("paragraph_repair_valid", lambda: f.ReportParagraphFactory(number=3, repair="maybe"))


def test_organization_kind_and_code_are_checked():
    refused("organization_kind_valid", lambda: f.OrganizationFactory(code="X1", kind="club"))
    refused("organization_code_not_empty", lambda: f.OrganizationFactory(code=""))
    f.OrganizationFactory(code="MH")
    refused(
        "code",
        lambda: tm.Organization.objects.create(code="MH", name_kk="Қайталау", kind="ministry"),
    )


@pytest.mark.parametrize("progress", [-1, 101, 250])
def test_measure_progress_outside_0_to_100_is_refused(progress):
    # -1 is refused by the unsigned column itself on some backends; PostgreSQL names our check.
    with pytest.raises(IntegrityError), transaction.atomic():
        f.MeasureFactory(progress=progress)


def test_measure_progress_bounds_are_allowed():
    assert f.MeasureFactory(progress=0).progress == 0
    assert f.MeasureFactory(progress=100).progress == 100


def test_measure_status_and_kind_must_be_known():
    refused("measure_status_valid", lambda: f.MeasureFactory(status="done"))
    refused("measure_kind_valid", lambda: f.MeasureFactory(kind="miracle"))


def test_measure_due_date_before_start_is_refused():
    refused(
        "measure_due_not_before_start",
        lambda: f.MeasureFactory(start_date=dt.date(2017, 1, 1), due_date=dt.date(2016, 1, 1)),
    )


@pytest.mark.parametrize("progress", [0, 40, 99])
def test_an_implemented_measure_below_100_percent_is_refused(progress):
    refused(
        "measure_implemented_is_complete",
        lambda: f.MeasureFactory(status=tm.MeasureStatus.IMPLEMENTED, progress=progress),
    )


def test_an_implemented_measure_is_stored_at_100_percent_or_with_no_figure():
    for progress in (100, None):
        measure = f.MeasureFactory(status=tm.MeasureStatus.IMPLEMENTED, progress=progress)
        assert tm.Measure.objects.filter(pk=measure.pk, progress=progress).exists()


@pytest.mark.parametrize("status", ["planned", "in_progress", "delayed"])
def test_a_completion_date_on_an_unfinished_measure_is_refused(status):
    refused(
        "measure_completed_only_when_finished",
        lambda: f.MeasureFactory(status=status, completed_date=dt.date(2016, 5, 1)),
    )


@pytest.mark.parametrize("status", ["implemented", "discontinued"])
def test_a_finished_measure_may_have_a_completion_date(status):
    measure = f.MeasureFactory(status=status, completed_date=dt.date(2016, 5, 1))
    assert tm.Measure.objects.get(pk=measure.pk).completed_date == dt.date(2016, 5, 1)


def test_a_status_change_that_breaks_the_story_is_refused_by_the_database():
    # A writer that bypasses the edit form (an update() in a script) still cannot store it.
    measure = f.MeasureFactory(status=tm.MeasureStatus.IN_PROGRESS, progress=40)
    refused(
        "measure_implemented_is_complete",
        lambda: tm.Measure.objects.filter(pk=measure.pk).update(status="implemented"),
    )
    measure.refresh_from_db()
    assert (measure.status, measure.progress) == ("in_progress", 40)


def test_measure_key_is_unique():
    f.MeasureFactory(key="m:09:001")
    refused("key", lambda: f.MeasureFactory(key="m:09:001"))


def test_legal_act_type_status_and_key_are_checked():
    refused("legalact_type_valid", lambda: f.LegalActFactory(act_type="rumour"))
    refused("legalact_status_valid", lambda: f.LegalActFactory(status="forgotten"))
    refused("legalact_key_not_empty", lambda: f.LegalActFactory(key=""))


def test_legal_act_alias_is_unique_per_act():
    act = f.LegalActFactory()
    tm.LegalActAlias.objects.create(act=act, text="Заң")
    refused("legalactalias_unique", lambda: tm.LegalActAlias.objects.create(act=act, text="Заң"))


def test_citation_subclause_needs_an_article_or_clause():
    refused(
        "citation_subclause_needs_parent",
        lambda: f.CitationFactory(article_ref="", clause_ref="", subclause_ref="3"),
    )


def test_change_request_status_and_operation_must_be_known(editor):
    refused(
        "changerequest_status_valid", lambda: f.ChangeRequestFactory(author=editor, status="lost")
    )
    refused(
        "changerequest_operation_valid",
        lambda: f.ChangeRequestFactory(author=editor, operation="delete"),
    )


def test_change_request_update_needs_target_and_base_version(editor):
    refused(
        "changerequest_update_has_target_and_base",
        lambda: f.ChangeRequestFactory(author=editor, operation="update", target_id=None),
    )


def test_approved_change_request_must_record_who_decided(editor):
    refused(
        "changerequest_decision_recorded",
        lambda: f.ChangeRequestFactory(author=editor, status=tm.ChangeStatus.APPROVED),
    )


def test_review_event_action_must_be_known(editor):
    cr = f.ChangeRequestFactory(author=editor)
    refused(
        "reviewevent_action_valid",
        lambda: tm.ReviewEvent.objects.create(
            change_request=cr, action="shrug", to_status="draft", actor=editor
        ),
    )


def test_evidence_file_may_not_be_empty(editor):
    cr = f.ChangeRequestFactory(author=editor)
    refused(
        "evidence_not_empty",
        lambda: tm.Evidence.objects.create(
            change_request=cr,
            file="evidence/x.pdf",
            original_name="x.pdf",
            content_type="application/pdf",
            size=0,
            uploaded_by=editor,
        ),
    )


def test_data_flag_code_must_be_known():
    article = f.ArticleFactory(number=3)
    refused(
        "dataflag_code_valid",
        lambda: tm.DataFlag.objects.create(
            content_type=ContentType.objects.get_for_model(tm.Article),
            object_id=article.pk,
            code="gossip",
            message="x",
        ),
    )


def test_technical_aid_item_is_unique_in_its_category():
    tm.TechnicalAid.objects.create(
        key="aid:1.1", category=1, category_kk="x", number=1, name_kk="a"
    )
    refused(
        "technicalaid_unique_item",
        lambda: tm.TechnicalAid.objects.create(
            key="aid:1.1b", category=1, category_kk="x", number=1, name_kk="b"
        ),
    )


def test_programme_period_must_be_ordered():
    refused(
        "programme_period_ordered", lambda: f.ProgrammeFactory(period_start=2020, period_end=2016)
    )


def test_indicator_unit_direction_and_years_are_checked():
    refused("indicator_unit_valid", lambda: f.IndicatorFactory(unit="furlongs"))
    refused("indicator_direction_valid", lambda: f.IndicatorFactory(direction="sideways"))
    refused("indicator_years_ordered", lambda: f.IndicatorFactory(year_from=2030, year_to=2012))


def test_target_needs_a_value_or_qualitative_text():
    refused("target_value_or_text", lambda: f.TargetFactory(value=None, text_kk=""))
    assert f.TargetFactory(value=None, text_kk="х").text_kk == "х"


def test_target_is_unique_per_indicator_and_year():
    target = f.TargetFactory(year=2019)
    refused("target_unique_year", lambda: f.TargetFactory(indicator=target.indicator, year=2019))


def test_target_placement_and_year_are_checked():
    refused("target_placement_valid", lambda: f.TargetFactory(placement="guessed"))
    refused("target_year_plausible", lambda: f.TargetFactory(year=3000))


def test_observation_period_must_be_ordered():
    refused(
        "observation_period_ordered",
        lambda: f.ObservationFactory(
            period_start=dt.date(2017, 1, 1), period_end=dt.date(2016, 1, 1)
        ),
    )


def test_observation_cell_is_unique_per_period_and_dimensions():
    obs = f.ObservationFactory(dims_key="region=akmola")
    refused(
        "observation_unique_cell",
        lambda: f.ObservationFactory(
            indicator=obs.indicator, dims_key="region=akmola", value=Decimal("1")
        ),
    )
    # Another region is another cell.
    f.ObservationFactory(indicator=obs.indicator, dims_key="region=aktobe")


def test_dimension_value_code_is_unique_within_its_dimension():
    value = f.DimensionValueFactory()
    refused(
        "dimensionvalue_unique",
        lambda: im.DimensionValue.objects.create(
            dimension=value.dimension, code=value.code, name_kk="x"
        ),
    )


def test_full_clean_reports_a_broken_constraint_as_a_translated_validation_error():
    from django.core.exceptions import ValidationError
    from django.utils import translation

    measure = f.MeasureFactory.build(progress=150)
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        measure.full_clean(exclude=["articles"])
    assert "Progress must be between 0 and 100 %." in excinfo.value.messages


def test_full_clean_reports_the_status_rules_in_words():
    from django.core.exceptions import ValidationError
    from django.utils import translation

    measure = f.MeasureFactory.build(
        status=tm.MeasureStatus.PLANNED, progress=10, completed_date=dt.date(2016, 5, 1)
    )
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        measure.full_clean(exclude=["articles"])
    assert excinfo.value.messages == [
        "Only an implemented or discontinued measure has a completion date."
    ]


def _messages(validate) -> list[str]:
    from django.core.exceptions import ValidationError

    try:
        validate()
    except ValidationError as e:
        return sorted(e.messages)
    return []


def test_check_constraints_are_asked_in_one_statement_naming_the_broken_rule_as_django_does():
    """Issue 12: Django asks the database once per check constraint, each in a savepoint; the
    records ask all of theirs in one SELECT (tracker/common/models.py), and when one fails,
    Django's own path names it — the same messages either way."""
    from django.db import connection, models
    from django.db.models import CheckConstraint
    from django.test.utils import CaptureQueriesContext

    measure = f.MeasureFactory(progress=40, status=tm.MeasureStatus.IN_PROGRESS)
    checks = [
        c
        for _m, found in measure.get_constraints()
        for c in found
        if isinstance(c, CheckConstraint)
    ]
    assert len(checks) >= 5
    with transaction.atomic(), CaptureQueriesContext(connection) as ours:
        measure.validate_constraints()
    with transaction.atomic(), CaptureQueriesContext(connection) as djangos:
        models.Model.validate_constraints(measure)
    assert len(djangos) - len(ours) >= 2 * len(checks)  # a SELECT and a savepoint pair each
    assert sum("COALESCE" in q["sql"] for q in ours.captured_queries) == 1

    article = f.ArticleFactory(number=30)
    organization = f.OrganizationFactory()
    broken = [
        (measure, "status", tm.MeasureStatus.IMPLEMENTED),  # implemented below 100 %
        (measure, "due_date", dt.date(2000, 1, 1)),  # before its start, with a start date
        (article, "number", 51),
        (organization, "kind", "nonsense"),
    ]
    measure.start_date = dt.date(2020, 1, 1)
    for record, field, value in broken:
        setattr(record, field, value)
        ours = _messages(record.validate_constraints)
        assert ours, (record, field)
        assert ours == _messages(lambda r=record: models.Model.validate_constraints(r))
    assert _messages(f.MeasureFactory(progress=100).validate_constraints) == []
