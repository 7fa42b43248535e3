"""The loader writes only what it loaded and nobody changed since: an administrator's edit, a
workflow change or a row the workflow created survives every reload; an unchanged row follows
the fixtures. And `load_crpd --if-changed` loads only when the fixture files changed."""

import io
import json
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import DimensionValue, Indicator, Observation, Target
from ingest.loading import load_crpd
from ingest.models import FixtureLoad, LoadedRecord
from tests.ingest.bundles import build_mini, edit, write
from tracker.models import LegalAct, Measure, Organization, ReportParagraph
from tracker.workflow import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def bigger(mini):
    """The mini bundle with a second organisation and a target."""
    edit(
        mini,
        "organizations.json",
        lambda d: d.append(
            {
                "code": "MH",
                "short_kk": "ДСМ",
                "name_kk": "Денсаулық министрлігі",
                "kind": "ministry",
            }
        ),
    )
    edit(
        mini,
        "sections/art09.json",
        lambda d: d.update(
            targets=[{"indicator": "ind:x", "year": 2019, "value": "30000", "reasoning": "Кесте."}]
        ),
    )
    return mini


def _admin_form_data(response) -> dict:
    """What the admin's change form would post back unchanged: its fields and inline forms."""

    def fields(form) -> dict:
        data = {}
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                value = ",".join(str(v) for v in value)  # raw-id widgets take "1,2"
            data[bound.html_name] = "on" if value is True else str(value)
        return data

    data = fields(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(fields(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(fields(form))
    return data


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("load_crpd", *args, stdout=out)
    return out.getvalue()


def test_an_administrators_change_to_an_organisation_survives_every_reload(
    bigger, client, administrator
):
    load_crpd(bigger)
    org = Organization.objects.get(code="MLSPP")
    client.force_login(administrator)
    url = f"/en/admin/tracker/organization/{org.pk}/change/"
    data = {
        **_admin_form_data(client.get(url)),
        "name_ru": "Министерство труда (уточнено)",
        "change_reason": "The ministry's own Russian name",
    }
    assert client.post(url, data).status_code == 302
    org.refresh_from_db()
    assert org.name_ru == "Министерство труда (уточнено)"
    history = org.history.count()
    # The fixtures now say something else about both organisations.
    edit(bigger, "organizations.json", lambda d: [o.update(name_ru="Из фикстуры") for o in d])

    out = _run("--fixtures", str(bigger))
    assert "kept 1 changed records" in out
    out = _run("--fixtures", str(bigger), "--if-changed")
    assert "already loaded" in out
    edit(bigger, "organizations.json", lambda d: [o.update(name_en="From the fixtures") for o in d])
    out = _run("--fixtures", str(bigger), "--if-changed")
    assert "kept 1 changed records" in out

    org.refresh_from_db()
    assert (org.name_ru, org.name_en) == ("Министерство труда (уточнено)", "")
    assert org.history.count() == history
    # The organisation nobody touched follows the fixtures.
    other = Organization.objects.get(code="MH")
    assert (other.name_ru, other.name_en) == ("Из фикстуры", "From the fixtures")


def test_an_administrators_change_to_a_target_survives_a_reload(bigger):
    load_crpd(bigger)
    target = Target.objects.get()
    target.value = Decimal("31000")  # what the admin's change form saves
    target.save()
    edit(bigger, "sections/art09.json", lambda d: d["targets"][0].update(reasoning="Жаңа."))
    result = load_crpd(bigger)
    target.refresh_from_db()
    assert (target.value, target.reasoning) == (Decimal("31000"), "Кесте.")
    assert result.kept["target"] == 1
    assert result.changed == 0


def test_a_change_to_a_field_the_loader_does_not_manage_does_not_freeze_the_row(bigger):
    load_crpd(bigger)
    Organization.objects.filter(code="MH").update(email="focal@mh.example")
    edit(bigger, "organizations.json", lambda d: d[1].update(name_en="Ministry of Healthcare"))
    result = load_crpd(bigger)
    org = Organization.objects.get(code="MH")
    assert (org.email, org.name_en) == ("focal@mh.example", "Ministry of Healthcare")
    assert result.updated["organization"] == 1


def test_a_shell_change_to_a_link_is_kept(bigger):
    load_crpd(bigger)
    measure = Measure.objects.get(key="m:09:01")
    measure.organizations.add(Organization.objects.get(code="MH"))
    edit(bigger, "sections/art09.json", lambda d: d["measures"][0].update(title_kk="Жаңа атау"))
    result = load_crpd(bigger)
    measure.refresh_from_db()
    assert measure.title_kk == "Паспорттау"
    assert sorted(measure.organizations.values_list("code", flat=True)) == ["MH", "MLSPP"]
    assert result.kept["measure"] == 1


def test_a_row_changed_back_to_what_was_loaded_follows_the_fixtures_again(bigger):
    load_crpd(bigger)
    Target.objects.update(value=Decimal("31000"))
    Target.objects.update(value=Decimal("30000"))
    edit(bigger, "sections/art09.json", lambda d: d["targets"][0].update(reasoning="Жаңа."))
    assert load_crpd(bigger).updated["target"] == 1
    assert Target.objects.get().reasoning == "Жаңа."


def test_a_database_loaded_before_the_loader_kept_records_is_adopted_once(bigger):
    load_crpd(bigger)
    LoadedRecord.objects.all().delete()
    LegalAct.objects.update(version=2)  # as an approval leaves it
    edit(bigger, "legal_acts.json", lambda d: d[0].update(title_ru="Доступность зданий"))
    edit(bigger, "organizations.json", lambda d: d[1].update(name_en="Ministry of Healthcare"))
    result = load_crpd(bigger)
    assert Organization.objects.get(code="MH").name_en == "Ministry of Healthcare"
    assert LegalAct.objects.get().title_ru == ""
    assert result.kept["legalact"] == 1
    assert LoadedRecord.objects.filter(fixture_key="organisation MH").exists()
    assert load_crpd(bigger).changed == 0


def test_if_changed_skips_a_loaded_fingerprint_and_reloads_changed_files(bigger):
    out = _run("--fixtures", str(bigger), "--if-changed")
    assert "CRPD data loaded (fingerprint" in out
    fingerprint = FixtureLoad.objects.get().fingerprint
    assert fingerprint[:12] in out
    records = LoadedRecord.objects.count()
    history = Measure.history.count() + Indicator.history.count()

    out = _run("--fixtures", str(bigger), "--if-changed")
    assert (
        out.strip() == f"CRPD data already loaded (fingerprint {fingerprint[:12]}…), nothing to do"
    )
    assert LoadedRecord.objects.count() == records
    assert Measure.history.count() + Indicator.history.count() == history

    edit(bigger, "sections/art09.json", lambda d: d["indicators"][0].update(name_en="Objects"))
    out = _run("--fixtures", str(bigger), "--if-changed")
    assert "CRPD data loaded" in out
    assert Indicator.objects.get(key="ind:x").name_en == "Objects"
    assert FixtureLoad.objects.get().fingerprint != fingerprint


def test_plain_load_always_loads_but_writes_nothing_when_nothing_changed(bigger):
    load_crpd(bigger)
    stamp = FixtureLoad.objects.get().loaded_at
    out = _run("--fixtures", str(bigger))
    assert "CRPD data loaded" in out
    assert ": 0 changes, kept 0 changed records" in out
    assert FixtureLoad.objects.get().loaded_at == stamp


def test_a_failed_load_leaves_the_fingerprint_alone(bigger):
    load_crpd(bigger)
    fingerprint = FixtureLoad.objects.get().fingerprint
    edit(bigger, "sections/art09.json", lambda d: d["measures"][0].update(progress=50))
    with pytest.raises(CommandError, match="measure m:09:01"):
        _run("--fixtures", str(bigger), "--if-changed")
    assert FixtureLoad.objects.get().fingerprint == fingerprint
    assert Measure.objects.get().progress == 100


def test_an_empty_folder_of_fixtures_is_refused(tmp_path):
    write(tmp_path, "sections/art01.json", {})
    with pytest.raises(CommandError, match=r"articles\.json is missing"):
        _run("--fixtures", str(tmp_path), "--if-changed")
    assert not FixtureLoad.objects.exists()


def test_a_workflow_created_row_is_reported_apart_from_changed_ones(mini, reviewer, administrator):
    """The fixtures describe a cell the ministry entered first: its row is never the loader's."""
    cell = json.loads((mini / "sections/art09.json").read_text())["observations"][0]
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
    services.change_request_approve(cr_id=cr.pk, by=administrator)
    edit(mini, "sections/art09.json", lambda d: d.update(observations=[cell]))
    out = _run("--fixtures", str(mini))
    assert "kept 0 changed records, left 1 records created in the tracker alone" in out
    observations = ContentType.objects.get_for_model(Observation)
    assert not LoadedRecord.objects.filter(content_type=observations, object_id=cr.target_id)
    assert Observation.objects.get().value == 30000


def _with_organisations(root, n: int):
    edit(
        root,
        "organizations.json",
        lambda d: d.extend(
            {"code": f"AKIMAT-{i}", "name_kk": f"Әкімдік {i}", "kind": "akimat", "parent": "MLSPP"}
            for i in range(n)
        ),
    )
    return root


def test_a_reload_reads_in_bulk_whatever_the_number_of_records(mini, tmp_path_factory):
    """Finding the rows, their digests and their links costs a fixed number of queries: a reload
    of 40 organisations reads no more than a reload of 2."""
    counts = []
    for n in (1, 40):
        root = _with_organisations(build_mini(tmp_path_factory.mktemp(f"orgs{n}")), n)
        load_crpd(root)
        with CaptureQueriesContext(connection) as queries:
            assert load_crpd(root).changed == 0
        counts.append(len(queries))
        Organization.objects.filter(code__startswith="AKIMAT-").delete()
    assert counts[0] == counts[1]


def test_a_reload_of_the_small_bundle_stays_within_its_query_budget(
    mini, django_assert_max_num_queries
):
    load_crpd(mini)
    # Per kind of record: its rows, links and digests (a handful of queries, 13 kinds); per
    # record only the edit forms' own lookups (a measure's four link fields, an observation's
    # indicator, values and cell). 76 when written.
    with django_assert_max_num_queries(80):
        load_crpd(mini)
