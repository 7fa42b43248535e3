"""The loader: natural keys, idempotence, loud failures. Small fixtures built here; the shipped
CRPD data is checked by tests/test_crpd_data.py."""

import json
from pathlib import Path

import pytest

from indicators.models import Observation
from tracker.loading import FixtureError, load_crpd
from tracker.models import Citation, DataFlag, LegalAct, Measure, ReportParagraph

pytestmark = pytest.mark.django_db


def write(root: Path, name: str, data) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def mini(tmp_path):
    write(
        tmp_path,
        "articles.json",
        [
            {
                "number": 9,
                "title_kk": "Қолжетімділік",
                "title_en": "Accessibility",
                "part": "rights",
            },
        ],
    )
    write(
        tmp_path,
        "paragraphs.json",
        [
            {
                "number": 166,
                "article": 9,
                "section_kk": "Конвенцияның 9-бабы.",
                "text_kk": "166. Мәтін.",
                "repair": "none",
                "convention_articles": [9],
            },
        ],
    )
    write(
        tmp_path,
        "dimensions.json",
        [
            {
                "code": "region",
                "name_kk": "Өңір",
                "values": [{"code": "akmola", "name_kk": "Ақмола"}],
            },
        ],
    )
    write(
        tmp_path,
        "organizations.json",
        [
            {
                "code": "MLSPP",
                "short_kk": "Еңбекмині",
                "name_kk": "Еңбек министрлігі",
                "kind": "ministry",
                "source_paragraphs": [166],
            },
        ],
    )
    write(
        tmp_path,
        "legal_acts.json",
        [
            {
                "key": "kz:norm:3.06-01-2011",
                "type": "norm",
                "number": "3.06-01-2011",
                "adopted": "2011",
                "title_kk": "Ғимараттардың қолжетімділігі",
                "aliases": ["ҚР ҚН"],
                "source_annex": "annex3:row 2",
            },
        ],
    )
    write(
        tmp_path,
        "sections/art09.json",
        {
            "article": 9,
            "citations": [
                {
                    "key": "c:166:1",
                    "paragraph": 166,
                    "act": "kz:norm:3.06-01-2011",
                    "article": "4",
                    "clause": None,
                    "subclause": None,
                }
            ],
            "measures": [
                {
                    "key": "m:09:01",
                    "articles": [9],
                    "title_kk": "Паспорттау",
                    "kind": "practical",
                    "status": "implemented",
                    "progress": 100,
                    "completed_date": "2016-12",
                    "organizations": ["MLSPP"],
                    "source_paragraphs": [166],
                    "legal_basis": ["c:166:1"],
                    "flags": [{"code": "inferred", "message": "Date from the annex."}],
                }
            ],
            "indicators": [
                {
                    "key": "ind:x",
                    "name_kk": "Нысандар",
                    "unit": "objects",
                    "dimensions": ["region"],
                    "source_paragraphs": [166],
                }
            ],
            "observations": [
                {
                    "indicator": "ind:x",
                    "period_start": "2017-01-01",
                    "period_end": "2017-01-01",
                    "value": "27828",
                    "dimensions": {"region": "akmola"},
                    "paragraph": 166,
                }
            ],
        },
    )
    return tmp_path


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
