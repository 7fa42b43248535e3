"""Issue 12: `generate_scale_data --factor N` — N reporting cycles on top of the data, in bulk,
consistent (unique keys, the workflow's invariants), skewed like the real data, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from indicators.models import Indicator, Observation
from ingest import scale
from tests import factories as f
from tracker.models import (
    ChangeRequest,
    ChangeStatus,
    Citation,
    Measure,
    ReportParagraph,
    ReviewEvent,
    User,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def crpd_like():
    """A small CRPD: a big ministry and a small one, an act cited by most measures, an indicator
    with a series, the 16 regions."""
    big, small = f.OrganizationFactory(code="MLSPP"), f.OrganizationFactory(code="MH")
    constitution = f.LegalActFactory(key="kz:constitution")
    for region in range(16):
        f.DimensionValueFactory(code=f"region-{region:02d}", name_kk=f"Өңір {region}")
    for i in range(8):
        measure = f.MeasureFactory(organizations=[big if i < 6 else small], status="in_progress")
        paragraph = f.ReportParagraphFactory(number=100 + i)
        measure.source_paragraphs.set([paragraph])
        measure.legal_basis.set([f.CitationFactory(act=constitution, paragraph=paragraph)])
    indicator = f.IndicatorFactory(organization=big)
    for year in (2019, 2020):
        f.ObservationFactory(
            indicator=indicator, period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31)
        )
    return constitution


def test_cycles_multiply_the_data_consistently(crpd_like):
    call_command("generate_scale_data", "--factor", "3")
    assert Measure.objects.count() == 24
    assert ReportParagraph.objects.count() == 24
    assert Citation.objects.filter(act=crpd_like).count() == 24  # the act cited ever more
    assert Indicator.objects.count() == 3
    # copies of the 2 observations, and a regional series (16 × 20) for one indicator per cycle
    assert Observation.objects.count() == 2 * 3 + 2 * 16 * 20
    copy = Measure.objects.get(key__endswith=":s2", title_kk=Measure.objects.first().title_kk)
    assert copy.legal_basis.get().paragraph.number >= 2 * scale.CYCLE  # linked within its cycle
    assert copy.source_paragraphs.get().number >= 2 * scale.CYCLE
    # users in proportion to the organisations' measures: the big ministry has more
    editors = User.objects.filter(username__startswith="scale-editor-")
    assert editors.filter(organization__code="MLSPP").count() >= 1
    assert User.objects.filter(username__startswith="scale-reviewer-").count() == 1


def test_change_requests_come_with_events_and_history(crpd_like):
    scale.generate(3)
    changes = ChangeRequest.objects.all()
    assert changes.count() == 2 * 8  # every unfinished measure of each cycle, up to 50
    for cr in changes:
        events = list(ReviewEvent.objects.filter(change_request=cr).order_by("pk"))
        assert events[0].action == "create"
        assert events[-1].to_status == cr.status
        assert cr.created_at <= (cr.submitted_at or cr.created_at)
    approved = changes.filter(status=ChangeStatus.APPROVED)
    assert approved.exists()
    for cr in approved:
        measure = Measure.objects.get(pk=cr.target_id)
        assert measure.version == 2
        assert measure.progress == cr.payload["progress"]
        assert measure.history.filter(history_change_reason=f"CR #{cr.pk}, approved").exists()
        assert cr.decided_by.username.startswith("scale-reviewer-")


def test_generation_is_idempotent_towards_a_factor(crpd_like):
    scale.generate(2)
    first = scale.counts()
    scale.generate(2)
    assert scale.counts() == first
    scale.generate(3)
    assert Measure.objects.count() == 24  # only the missing cycle


def test_refuses_without_data_and_a_bad_factor():
    with pytest.raises(CommandError, match="load_crpd"):
        call_command("generate_scale_data", "--factor", "2")
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_scale_data", "--factor", "0")
