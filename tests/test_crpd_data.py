"""The shipped CRPD data itself: whole, exact, with provenance. Loaded once for the module and
rolled back at the end, so other tests keep building only the rows they need."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Q

from indicators.models import Indicator, Observation, Programme, Target
from ingest.loading import load_crpd, read_bundle
from tracker.models import (
    Article,
    Citation,
    DataFlag,
    LegalAct,
    Measure,
    Organization,
    ReportParagraph,
    TechnicalAid,
)

FIXTURES = settings.BASE_DIR / "fixtures"


@pytest.fixture(scope="module")
def crpd(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        result = load_crpd(FIXTURES)
        yield result
        transaction.set_rollback(True)


pytestmark = pytest.mark.usefixtures("crpd")


def test_all_50_articles_with_titles_in_three_languages(db):
    assert Article.objects.count() == 50
    assert list(Article.objects.values_list("number", flat=True)) == list(range(1, 51))
    assert not Article.objects.filter(Q(title_kk="") | Q(title_ru="") | Q(title_en="")).exists()
    assert Article.objects.get(number=9).title_kk == "Қолжетімділік"


def test_every_paragraph_1_to_508_present_exactly_once(db):
    numbers = list(ReportParagraph.objects.order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, 509))


def test_paragraphs_belong_to_the_33_article_sections_or_the_introduction(db):
    assert not ReportParagraph.objects.filter(number__lte=72, article__isnull=False).exists()
    assert not ReportParagraph.objects.filter(number__gt=72, article__isnull=True).exists()
    sections = ReportParagraph.objects.filter(article__isnull=False).values("article__number")
    assert {row["article__number"] for row in sections} == set(range(1, 34))
    firsts = {9: 164, 18: 257, 30: 470, 33: 499}
    for number, first in firsts.items():
        assert (
            ReportParagraph.objects.filter(article__number=number).order_by("number")[0].number
            == first
        )


def test_unrepaired_paragraphs_are_flagged_not_dropped(db):
    ct = ContentType.objects.get_for_model(ReportParagraph)
    unrepaired = set(
        ReportParagraph.objects.filter(repair="unrepaired").values_list("pk", flat=True)
    )
    flagged = set(
        DataFlag.objects.filter(content_type=ct, code="garbled").values_list("object_id", flat=True)
    )
    assert unrepaired <= flagged
    assert ReportParagraph.objects.filter(repair="repaired").count() > 0


def test_every_article_section_has_its_measures(db):
    counts = dict(
        Article.objects.filter(number__lte=33)
        .annotate(n=Count("measures"))
        .values_list("number", "n")
    )
    assert all(counts[n] > 0 for n in range(1, 34)), counts


def test_provenance_on_every_measure_citation_and_observation(db):
    assert not Measure.objects.filter(source_paragraphs__isnull=True).exists()
    assert not Citation.objects.filter(paragraph__isnull=True).exists()
    assert not Observation.objects.filter(paragraph__isnull=True, source_annex="").exists()
    unsourced_acts = LegalAct.objects.filter(
        source_paragraphs__isnull=True,
        citations__isnull=True,
        source_annex="",
        programmes__isnull=True,
    )
    assert not unsourced_acts.exists(), list(unsourced_acts.values_list("key", flat=True))
    assert not Organization.objects.filter(source_paragraphs__isnull=True, source_annex="").exists()


def test_the_convention_is_not_a_national_legal_act(db):
    assert not LegalAct.objects.filter(
        Q(title_en__icontains="Convention on the Rights of Persons with Disabilities")
        & ~Q(title_en__icontains="ratification")
    ).exists()


def test_annex_3_is_loaded_as_legal_acts(db):
    annex3 = LegalAct.objects.filter(source_annex__startswith="annex3:")
    assert annex3.filter(act_type="norm").exists()
    assert annex3.filter(act_type="standard").exists()


def test_annex_2_has_five_programmes_with_targets_and_recorded_placements(db):
    assert Programme.objects.count() == 5
    assert not Programme.objects.filter(source_annex="").exists()
    targets = Target.objects.filter(indicator__programme__isnull=False)
    assert targets.exists()
    assert set(targets.values_list("placement", flat=True)) <= {"certain", "inferred"}
    ct = ContentType.objects.get_for_model(Target)
    inferred = set(targets.filter(placement="inferred").values_list("pk", flat=True))
    flagged = set(
        DataFlag.objects.filter(content_type=ct, code="uncertain_placement").values_list(
            "object_id", flat=True
        )
    )
    assert inferred <= flagged
    assert not targets.filter(reasoning="").exists()
    assert targets.filter(value__isnull=True).exclude(text_kk="").exists()  # "х" kept as text


def test_annex_5_technical_aids_are_reference_data(db):
    assert TechnicalAid.objects.count() > 30
    assert not TechnicalAid.objects.filter(source_annex="").exists()


def _dims(key: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in key.split(";") if part)


def test_annex_totals_come_out_of_the_observations_by_summing(db):
    totals = read_bundle(FIXTURES).totals
    assert len(totals) >= 5
    by_indicator = defaultdict(list)
    for obs in Observation.objects.select_related("indicator"):
        by_indicator[obs.indicator.key].append(obs)
    exact, flagged_mismatch = 0, 0
    for total in totals:
        fixed = {str(k): str(v) for k, v in (total.get("dimensions") or {}).items()}
        over = total["sum_over"]
        wanted = set(fixed) | ({over} if isinstance(over, str) else set(over))
        parts = [
            o.value
            for o in by_indicator[total["indicator"]]
            if str(o.period_end) == total["period_end"]
            and set(_dims(o.dims_key)) == wanted
            and all(_dims(o.dims_key)[k] == v for k, v in fixed.items())
        ]
        assert parts, f"no observations to sum for {total}"
        printed = Decimal(str(total["value"]))
        if sum(parts, Decimal(0)) == printed:
            exact += 1
        else:
            # The report's own arithmetic is kept as printed, and the printed total is flagged.
            total_obs = [
                o
                for o in by_indicator[total["indicator"]]
                if str(o.period_end) == total["period_end"] and _dims(o.dims_key) == fixed
            ]
            assert [o.value for o in total_obs] == [printed]
            assert total_obs[0].flags.filter(code="report_inconsistency").exists(), (
                f"sum {sum(parts)} != printed {printed} for {total}, and not flagged"
            )
            flagged_mismatch += 1
    assert flagged_mismatch <= 1, "only annex 8's 2013 total is the report's own rounding"
    assert exact == len(totals) - flagged_mismatch


def test_every_data_flag_points_at_a_loaded_record_with_a_message(db):
    for flag in DataFlag.objects.select_related("content_type")[:2000]:
        assert flag.message
        assert flag.content_type.get_object_for_this_type(pk=flag.object_id)


def test_loading_again_changes_nothing(db):
    assert load_crpd(FIXTURES).changed == 0


def test_indicators_serve_crpd_articles(db):
    assert Indicator.objects.exists()
    assert not Indicator.objects.filter(articles__isnull=True, programme__isnull=False).exists()


def test_data_report_prints_each_article_the_totals_and_every_flag(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("crpd_data_report", stdout=out)
    text = out.getvalue()
    assert "Accessibility" in text
    assert "paragraphs        508" in text
    assert f"Data-quality flags: {DataFlag.objects.count()}" in text
    assert "[evident_error]" in text
