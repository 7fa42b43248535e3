"""The loader: natural keys, idempotence, loud failures. Small fixtures built here; the shipped
CRPD data is checked by tests/test_crpd_data.py."""

import io
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from indicators.models import DimensionValue, Indicator, Observation
from ingest.loading import FixtureError, load_crpd
from tests.ingest.bundles import edit, write
from tracker.models import (
    Citation,
    DataFlag,
    LegalAct,
    LegalActAlias,
    Measure,
    Organization,
    ReportParagraph,
)
from tracker.workflow import services

pytestmark = pytest.mark.django_db


def test_loads_records_with_their_links_and_provenance(mini):
    load_crpd(mini)
    measure = Measure.objects.get(key="m:09:01")
    assert [a.number for a in measure.articles.all()] == [9]
    assert measure.legal_basis.get().act.key == "kz:norm:3.06-01-2011"
    assert measure.date_precision == {"completed_date": "month"}
    assert list(measure.source_paragraphs.values_list("number", flat=True)) == [166]
    citation = Citation.objects.get(key="c:166:1")
    assert citation.crpd_article.number == 9
    assert LegalAct.objects.get().aliases.get().text == "ҚР ҚН"
    obs = Observation.objects.get()
    assert obs.dims_key == "region=akmola"
    assert obs.paragraph == ReportParagraph.objects.get(number=166)
    assert DataFlag.objects.get().message == "Date from the annex."


def test_second_run_changes_nothing_and_adds_no_history(mini):
    load_crpd(mini)
    history_before = Measure.history.count() + LegalAct.history.count()
    again = load_crpd(mini)
    assert again.changed == 0
    assert Measure.history.count() + LegalAct.history.count() == history_before


def _statements(mini) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        load_crpd(mini)
    return [q["sql"].split(None, 1)[0].upper() for q in queries.captured_queries]


def test_a_reload_that_changes_nothing_only_reads_and_holds_no_lock(mini):
    load_crpd(mini)
    again = _statements(mini)
    assert not {"LOCK", "INSERT", "UPDATE", "DELETE"} & set(again), again
    # A bounded number of reads (one per table and relation), not one per record: the full
    # CRPD data's reload reads in 82 statements where it used to make 7,184.
    assert len(again) <= 70


def test_a_reload_that_changes_something_locks_first_and_writes(mini):
    load_crpd(mini)
    edit(mini, "sections/art09.json", lambda d: d["measures"][0].update(title_en="Ramps"))
    statements = _statements(mini)
    assert "LOCK" in statements
    assert statements.index("LOCK") < statements.index("UPDATE")
    assert Measure.objects.get(key="m:09:01").title_en == "Ramps"


def test_changed_fixture_updates_in_place(mini):
    load_crpd(mini)
    data = json.loads((mini / "sections/art09.json").read_text())
    data["measures"][0]["title_kk"] = "Паспорттау (жаңа)"
    write(mini, "sections/art09.json", data)
    result = load_crpd(mini)
    assert result.updated["measure"] == 1
    assert Measure.objects.get(key="m:09:01").title_kk == "Паспорттау (жаңа)"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["measures"][0].update(legal_basis=["c:999:9"]), "missing citation 'c:999:9'"),
        (
            lambda d: d["citations"][0].update(act="kz:law:nowhere"),
            "missing legal act 'kz:law:nowhere'",
        ),
        (
            lambda d: d["measures"][0].update(organizations=["NOBODY"]),
            "missing organisation 'NOBODY'",
        ),
        (
            lambda d: d["measures"][0].update(source_paragraphs=[9999]),
            "missing report paragraph 9999",
        ),
        (
            lambda d: d["observations"][0].update(indicator="ind:nope"),
            "missing indicator 'ind:nope'",
        ),
        (
            lambda d: d["observations"][0].update(dimensions={"region": "atlantis"}),
            "missing dimension value ('region', 'atlantis')",
        ),
    ],
)
def test_a_missing_reference_fails_loudly_naming_it_and_loads_nothing(mini, mutate, message):
    data = json.loads((mini / "sections/art09.json").read_text())
    mutate(data)
    write(mini, "sections/art09.json", data)
    with pytest.raises(FixtureError, match=message.replace("(", r"\(").replace(")", r"\)")) as exc:
        load_crpd(mini)
    assert "sections/art09.json" in str(exc.value)
    # All or nothing: the failed load left no partial data behind.
    assert not Measure.objects.exists()
    assert not ReportParagraph.objects.exists()


def test_conflicting_descriptions_of_one_act_are_refused(mini):
    data = json.loads((mini / "sections/art09.json").read_text())
    data["legal_acts"] = [{"key": "kz:norm:3.06-01-2011", "type": "standard", "title_kk": "x"}]
    write(mini, "sections/art09.json", data)
    with pytest.raises(FixtureError, match="field 'type' is 'norm'"):
        load_crpd(mini)


def test_an_observation_without_provenance_is_refused(mini):
    data = json.loads((mini / "sections/art09.json").read_text())
    del data["observations"][0]["paragraph"]
    write(mini, "sections/art09.json", data)
    with pytest.raises(FixtureError, match="no provenance"):
        load_crpd(mini)


# Records changed through the workflow ----------------------------------------------------------


def approve(target, payload: dict, *, by, decider, **kwargs):
    cr = services.change_request_create(by=by, target=target, payload=payload, **kwargs)
    services.change_request_submit(cr_id=cr.pk, by=by)
    return services.change_request_approve(cr_id=cr.pk, by=decider)


def test_an_approved_change_survives_a_reload(mini, reviewer, administrator):
    load_crpd(mini)
    measure = Measure.objects.get(key="m:09:01")
    approve(
        measure,
        {"progress": 50, "status": "in_progress", "completed_date": None},
        by=reviewer,
        decider=administrator,
    )
    history = measure.history.count()
    out = io.StringIO()
    result = load_crpd(mini)
    call_command("load_crpd", "--fixtures", str(mini), stdout=out)
    measure.refresh_from_db()
    assert (measure.progress, measure.version) == (50, 2)
    assert measure.history.count() == history
    assert result.kept["measure"] == 1
    assert result.updated["measure"] == 0
    assert result.changed == 0
    line = next(row for row in out.getvalue().splitlines() if row.strip().startswith("measure "))
    assert "kept (changed after loading)     1" in line


def test_a_repealed_act_and_its_flagged_measure_survive_a_reload(mini, reviewer, administrator):
    load_crpd(mini)
    act = LegalAct.objects.get(key="kz:norm:3.06-01-2011")
    approve(act, {"status": "repealed"}, by=reviewer, decider=administrator)
    measure = Measure.objects.get(key="m:09:01")
    assert measure.needs_review
    result = load_crpd(mini)
    act.refresh_from_db()
    measure.refresh_from_db()
    assert (act.status, act.version) == ("repealed", 2)
    assert (measure.needs_review, measure.version) == (True, 2)
    assert sorted(measure.flags.values_list("code", flat=True)) == [
        "inferred",
        "legal_basis_changed",
    ]
    assert act.aliases.get().text == "ҚР ҚН"
    assert (result.kept["legalact"], result.kept["measure"]) == (1, 1)
    assert result.changed == 0


def test_a_record_created_by_an_approved_change_survives_a_reload(mini, reviewer, administrator):
    fixture_cell = json.loads((mini / "sections/art09.json").read_text())["observations"][0]
    edit(mini, "sections/art09.json", lambda d: d.update(observations=[]))
    load_crpd(mini)
    payload = {
        "indicator": Indicator.objects.get(key="ind:x").pk,
        "period_start": "2017-01-01",
        "period_end": "2017-01-01",
        "value": "30000",
        "dimension_values": [DimensionValue.objects.get(code="akmola").pk],
        "paragraph": ReportParagraph.objects.get(number=166).pk,
    }
    cr = services.change_request_create(by=reviewer, target_model=Observation, payload=payload)
    services.change_request_submit(cr_id=cr.pk, by=reviewer)
    cr = services.change_request_approve(cr_id=cr.pk, by=administrator)
    # The fixtures now describe the same cell: the ministry's value stands.
    edit(mini, "sections/art09.json", lambda d: d.update(observations=[fixture_cell]))
    result = load_crpd(mini)
    obs = Observation.objects.get()
    assert (obs.pk, obs.value, obs.version) == (cr.target_id, 30000, 1)
    assert result.not_loaded["observation"] == 1
    assert not result.kept
    assert result.changed == 0


def test_a_record_an_approved_change_targets_is_kept_even_if_its_version_was_not_bumped(
    mini, reviewer, administrator
):
    load_crpd(mini)
    citation = Citation.objects.get(key="c:166:1")
    measure = Measure.objects.get(key="m:09:01")
    approve(
        measure,
        {"progress": 50, "status": "in_progress", "completed_date": None},
        by=reviewer,
        decider=administrator,
    )
    Measure.objects.filter(pk=measure.pk).update(version=1)  # a writer that forgot the bump
    result = load_crpd(mini)
    assert Measure.objects.get(pk=measure.pk).progress == 50
    assert result.kept["measure"] == 1
    assert citation.version == 1
    assert result.unchanged["citation"] == 1


def test_a_workflow_flag_on_a_record_the_loader_manages_is_never_deleted(mini):
    load_crpd(mini)
    citation = Citation.objects.get(key="c:166:1")
    DataFlag.objects.create(
        content_type=ContentType.objects.get_for_model(Citation),
        object_id=citation.pk,
        code="legal_basis_changed",
        message="kz:norm:3.06-01-2011: amended",
    )
    edit(mini, "sections/art09.json", lambda d: d["citations"][0].update(article="5"))
    result = load_crpd(mini)
    assert result.updated["citation"] == 1
    assert citation.flags.get().code == "legal_basis_changed"
    assert load_crpd(mini).changed == 0


# Fixture errors and faithful reloads -----------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["observations"][0].update(text_kk="ж" * 401),
            "sections/art09.json observation ind:x 2017-01-01..2017-01-01 "
            "{'region': 'akmola'}: {'text_kk'",
        ),
        (
            lambda d: d.update(targets=[{"indicator": "ind:x", "year": 2019}]),
            "sections/art09.json target ind:x 2019 has neither a value nor a qualitative text_kk",
        ),
        (
            lambda d: d["measures"][0]["flags"].append(
                {"code": "legal_basis_changed", "message": "x"}
            ),
            "sections/art09.json measure m:09:01: flag 'legal_basis_changed' is written by",
        ),
        (
            lambda d: d["measures"][0].update(progress=50),
            "sections/art09.json measure m:09:01: {'progress': ['An implemented measure is "
            "complete",
        ),
        (
            lambda d: d["measures"][0].update(completed_date="2017-01", start_date="2018"),
            "sections/art09.json measure m:09:01: {'completed_date': ['completed date may not be "
            "before the start date.']}",
        ),
        (
            lambda d: (
                d["indicators"][0].update(unit="percent"),
                d["observations"][0].update(value="113.7"),
            ),
            "sections/art09.json observation ind:x 2017-01-01..2017-01-01 {'region': 'akmola'}: "
            "{'value': ['A share in per cent must be between 0 and 100.']}",
        ),
        (
            lambda d: d["indicators"][0].update(direction="sideways"),
            "sections/art09.json indicator ind:x: {'direction': ['Select a valid choice.",
        ),
        (
            lambda d: d["measures"][0].update(articles=[]),
            "sections/art09.json measure m:09:01: {'articles': ['This field is required.']}",
        ),
    ],
    ids=[
        "observation text too long",
        "target without value or text",
        "workflow flag",
        "measure form: implemented but not complete",
        "measure form: completed before it started",
        "observation form: a share above 100 %",
        "indicator model form: a choice it does not offer",
        "measure form: an article section's measure without an article",
    ],
)
def test_a_bad_value_fails_naming_the_record_and_loads_nothing(mini, mutate, message):
    edit(mini, "sections/art09.json", mutate)
    with translation.override("en"), pytest.raises(FixtureError) as exc:
        load_crpd(mini)
    assert message in str(exc.value)
    assert not Measure.objects.exists()
    assert not ReportParagraph.objects.exists()
    assert not Observation.objects.exists()


def test_an_introduction_measure_may_name_no_articles(mini):
    write(
        mini,
        "sections/intro.json",
        {
            "measures": [
                {
                    "key": "m:00:01",
                    "title_kk": "Ұлттық жоспар",
                    "kind": "administrative",
                    "status": "implemented",
                    "organizations": ["MLSPP"],
                    "source_paragraphs": [166],
                }
            ]
        },
    )
    load_crpd(mini)
    assert not Measure.objects.get(key="m:00:01").articles.exists()
    assert load_crpd(mini).changed == 0


def test_a_removed_alias_and_a_removed_parent_are_removed_on_reload(mini):
    def add(data):
        data[0]["aliases"].append("ҚН 3.06-01")

    edit(mini, "legal_acts.json", add)
    edit(
        mini,
        "organizations.json",
        lambda d: d.append(
            {"code": "CLSP", "name_kk": "Комитет", "kind": "committee", "parent": "MLSPP"}
        ),
    )
    load_crpd(mini)
    assert Organization.objects.get(code="CLSP").parent.code == "MLSPP"
    assert LegalActAlias.objects.count() == 2

    edit(mini, "legal_acts.json", lambda d: d[0].update(aliases=["ҚР ҚН"]))
    edit(mini, "organizations.json", lambda d: d[1].pop("parent"))
    result = load_crpd(mini)
    assert Organization.objects.get(code="CLSP").parent is None
    assert list(LegalActAlias.objects.values_list("text", flat=True)) == ["ҚР ҚН"]
    assert result.deleted["legalactalias"] == 1
    assert result.updated["organization"] == 1

    history = Organization.history.count() + LegalAct.history.count()
    assert load_crpd(mini).changed == 0
    assert Organization.history.count() + LegalAct.history.count() == history


def test_a_first_load_writes_one_history_row_per_record_with_its_links(mini):
    load_crpd(mini)
    measure = Measure.objects.get(key="m:09:01")
    assert measure.history.count() == 1  # its creation; its links are part of it
    assert [o.code for o in measure.organizations.all()] == ["MLSPP"]
    assert measure.legal_basis.count() == 1


def test_a_gap_the_report_has_is_accepted_as_printed_and_counted(mini):
    """The report names no responsible body for this measure: the form requires one of an
    editor, the loader keeps the record as printed and says so."""
    edit(mini, "sections/art09.json", lambda d: d["measures"][0].update(organizations=[]))
    out = io.StringIO()
    call_command("load_crpd", "--fixtures", str(mini), stdout=out)
    assert not Measure.objects.get(key="m:09:01").organizations.exists()
    assert "accepted as printed:    1 × measure: the report names no responsible" in out.getvalue()
    # A reload finds the record as it wrote it and the fixture unchanged: validated when it was
    # written, it is not validated (nor counted) again.
    assert load_crpd(mini).as_printed == {}
    edit(mini, "sections/art09.json", lambda d: d["measures"][0].update(title_en="Ramps"))
    result = load_crpd(mini)
    assert result.as_printed == {"measure: the report names no responsible organisation": 1}
    assert result.updated["measure"] == 1


def test_a_kept_records_fixture_values_are_still_validated(mini, reviewer, administrator):
    load_crpd(mini)
    approve(
        Measure.objects.get(key="m:09:01"),
        {"progress": 50, "status": "in_progress", "completed_date": None},
        by=reviewer,
        decider=administrator,
    )
    edit(mini, "sections/art09.json", lambda d: d["measures"][0].update(progress=50))
    with pytest.raises(FixtureError, match="measure m:09:01"):
        load_crpd(mini)
