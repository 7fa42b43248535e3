"""One merge rule for the loader and scripts/consolidate_fixtures.py; only the conflict policy
differs."""

import pytest

from ingest.merging import FixtureError, keep_first, merge_record, refuse_conflict
from scripts.consolidate_fixtures import _keep_first_note_others


def test_lists_are_united_and_empty_scalars_filled_in():
    store = {"A": {"code": "A", "name_ru": "", "source_paragraphs": [1, 2], "_origin": "a.json"}}
    merge_record(
        store,
        {"code": "A", "name_ru": "Б", "source_paragraphs": [2, 3], "_origin": "b.json"},
        key_field="code",
        origin="b.json",
        on_conflict=refuse_conflict("organisation", key_field="code"),
    )
    assert store["A"] == {
        "code": "A",
        "name_ru": "Б",
        "source_paragraphs": [1, 2, 3],
        "_origin": "a.json",
    }


def test_dimension_values_are_united_by_code_and_the_first_wording_stands():
    store = {"sex": {"code": "sex", "name_kk": "Жыныс", "values": [{"code": "f", "name_kk": "Ә"}]}}
    merge_record(
        store,
        {
            "code": "sex",
            "name_kk": "Жынысы",
            "values": [{"code": "f", "name_kk": "Әйел"}, {"code": "m", "name_kk": "Ер"}],
        },
        key_field="code",
        origin="b.json",
        on_conflict=keep_first,
    )
    assert store["sex"]["name_kk"] == "Жыныс"
    assert store["sex"]["values"] == [{"code": "f", "name_kk": "Ә"}, {"code": "m", "name_kk": "Ер"}]


def test_the_loader_refuses_two_curators_disagreeing_naming_both_files():
    store = {"k": {"key": "k", "type": "law", "curation": "curated", "_origin": "a.json"}}
    merge_record(
        store,
        {"key": "k", "curation": "extracted"},
        key_field="key",
        origin="b.json",
        on_conflict=refuse_conflict("legal act", key_field="key"),
    )
    assert store["k"]["curation"] == "curated"
    with pytest.raises(FixtureError, match=r"legal act k: field 'type' is 'law' in a\.json but"):
        merge_record(
            store,
            {"key": "k", "type": "code"},
            key_field="key",
            origin="b.json",
            on_conflict=refuse_conflict("legal act", key_field="key"),
        )


def test_consolidation_keeps_another_printed_title_as_an_alias_and_another_name_as_a_flag():
    acts = {"k": {"key": "k", "title_kk": "Заң", "number": "1"}}
    merge_record(
        acts,
        {"key": "k", "title_kk": "Кодекс", "number": "2"},
        key_field="key",
        origin="b.json",
        on_conflict=_keep_first_note_others,
    )
    assert acts["k"] == {"key": "k", "title_kk": "Заң", "number": "1", "aliases": ["Кодекс"]}
    orgs = {"MH": {"code": "MH", "name_kk": "ДСМ"}}
    merge_record(
        orgs,
        {"code": "MH", "name_kk": "Денсаулық"},
        key_field="code",
        origin="b.json",
        on_conflict=_keep_first_note_others,
    )
    assert orgs["MH"]["flags"] == [
        {"code": "ambiguous_reference", "message": "Also printed as: Денсаулық"}
    ]
