"""Merge the organisations and legal acts that curators recorded per section into the canonical
fixtures/organizations.json and fixtures/legal_acts.json, and strip them from the section files.

Re-runnable: `python -m scripts.consolidate_fixtures`. The first description of a key (in the
order annex 3, annexes, introduction, articles 1→33) stands; another printed Kazakh title of the
same act becomes an alias, never a silent overwrite. Key renames for one real thing recorded under
two keys are listed in RENAMES with the reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ingest.merging import merge_record

ROOT = Path(__file__).resolve().parent.parent / "fixtures"

RENAMES = {
    # Annex 3 rows 3 and 7 give the same title and approving order for 3.06-101-2012 and
    # 3.06-02-2012; ¶80 and ¶174/¶212 use both numbers for it. One document, flagged.
    "kz:norm:3.06-02-2012": "kz:norm:3.06-101-2012",
    # Annex 2 row 3 and ¶201 name one Concept of Social Development until 2030 (Resolution No. 396).
    "kz:resolution:social-development-concept-2030": "kz:resolution:2014-04-24:396",
    # The same construction committee of the Ministry of National Economy.
    "CCHLM": "MNE-CCHLM",
}

REGIONS = [
    ("akmola", "Ақмола облысының әкімдігі", "Акимат Акмолинской области", "Akmola Region"),
    ("aktobe", "Ақтөбе облысының әкімдігі", "Акимат Актюбинской области", "Aktobe Region"),
    ("almaty-oblast", "Алматы облысының әкімдігі", "Акимат Алматинской области", "Almaty Region"),
    ("atyrau", "Атырау облысының әкімдігі", "Акимат Атырауской области", "Atyrau Region"),
    (
        "east-kazakhstan",
        "Шығыс Қазақстан облысының әкімдігі",
        "Акимат Восточно-Казахстанской области",
        "East Kazakhstan Region",
    ),
    ("zhambyl", "Жамбыл облысының әкімдігі", "Акимат Жамбылской области", "Zhambyl Region"),
    (
        "west-kazakhstan",
        "Батыс Қазақстан облысының әкімдігі",
        "Акимат Западно-Казахстанской области",
        "West Kazakhstan Region",
    ),
    (
        "karaganda",
        "Қарағанды облысының әкімдігі",
        "Акимат Карагандинской области",
        "Karaganda Region",
    ),
    (
        "kyzylorda",
        "Қызылорда облысының әкімдігі",
        "Акимат Кызылординской области",
        "Kyzylorda Region",
    ),
    ("kostanay", "Қостанай облысының әкімдігі", "Акимат Костанайской области", "Kostanay Region"),
    (
        "mangystau",
        "Маңғыстау облысының әкімдігі",
        "Акимат Мангистауской области",
        "Mangystau Region",
    ),
    ("pavlodar", "Павлодар облысының әкімдігі", "Акимат Павлодарской области", "Pavlodar Region"),
    (
        "north-kazakhstan",
        "Солтүстік Қазақстан облысының әкімдігі",
        "Акимат Северо-Казахстанской области",
        "North Kazakhstan Region",
    ),
    (
        "south-kazakhstan",
        "Оңтүстік Қазақстан облысының әкімдігі",
        "Акимат Южно-Казахстанской области",
        "South Kazakhstan Region",
    ),
    ("almaty-city", "Алматы қаласының әкімдігі", "Акимат города Алматы", "Almaty city"),
    ("astana-city", "Астана қаласының әкімдігі", "Акимат города Астаны", "Astana city"),
]

# The bodies DESIGN.md names, with the short forms the report prints (searched in the text to
# give each its source paragraphs).
BASE_ORGANIZATIONS = [
    (
        "MLSPP",
        "Еңбекмині",
        "Қазақстан Республикасы Еңбек және халықты әлеуметтік қорғау министрлігі",
        "Министерство труда и социальной защиты населения Республики Казахстан",
        "Ministry of Labour and Social Protection of the Population",
        "ministry",
    ),
    (
        "MH",
        "ДСМ",
        "Қазақстан Республикасы Денсаулық сақтау министрлігі",
        "Министерство здравоохранения Республики Казахстан",
        "Ministry of Healthcare",
        "ministry",
    ),
    (
        "MES",
        "БҒМ",
        "Қазақстан Республикасы Білім және ғылым министрлігі",
        "Министерство образования и науки Республики Казахстан",
        "Ministry of Education and Science",
        "ministry",
    ),
    (
        "MCS",
        "МСМ",
        "Қазақстан Республикасы Мәдениет және спорт министрлігі",
        "Министерство культуры и спорта Республики Казахстан",
        "Ministry of Culture and Sport",
        "ministry",
    ),
    (
        "MIA",
        "ІІМ",
        "Қазақстан Республикасы Ішкі істер министрлігі",
        "Министерство внутренних дел Республики Казахстан",
        "Ministry of Internal Affairs",
        "ministry",
    ),
    (
        "MID",
        "ИДМ",
        "Қазақстан Республикасы Инвестициялар және даму министрлігі",
        "Министерство по инвестициям и развитию Республики Казахстан",
        "Ministry for Investment and Development",
        "ministry",
    ),
    (
        "MIC",
        "АКМ",
        "Қазақстан Республикасы Ақпарат және коммуникациялар министрлігі",
        "Министерство информации и коммуникаций Республики Казахстан",
        "Ministry of Information and Communications",
        "ministry",
    ),
    (
        "MRCS",
        "ДІАҚМ",
        "Қазақстан Республикасы Дін істері және азаматтық қоғам министрлігі",
        "Министерство по делам религий и гражданского общества Республики Казахстан",
        "Ministry of Religious Affairs and Civil Society",
        "ministry",
    ),
    (
        "MNE",
        "ҰЭМ",
        "Қазақстан Республикасы Ұлттық экономика министрлігі",
        "Министерство национальной экономики Республики Казахстан",
        "Ministry of National Economy",
        "ministry",
    ),
    (
        "MF",
        "Қаржымині",
        "Қазақстан Республикасы Қаржы министрлігі",
        "Министерство финансов Республики Казахстан",
        "Ministry of Finance",
        "ministry",
    ),
    (
        "MJ",
        "Әділетмині",
        "Қазақстан Республикасы Әділет министрлігі",
        "Министерство юстиции Республики Казахстан",
        "Ministry of Justice",
        "ministry",
    ),
    (
        "GOV",
        "Үкімет",
        "Қазақстан Республикасының Үкіметі",
        "Правительство Республики Казахстан",
        "Government of the Republic of Kazakhstan",
        "government",
    ),
    (
        "OMBUDSMAN",
        "Адам құқықтары жөніндегі уәкіл",
        "Қазақстан Республикасындағы Адам құқықтары жөніндегі уәкіл",
        "Уполномоченный по правам человека в Республике Казахстан",
        "Commissioner for Human Rights (Ombudsman)",
        "ombudsman",
    ),
    (
        "CHILD-OMBUDSMAN",
        "Бала құқықтары жөніндегі уәкіл",
        "Қазақстан Республикасындағы Бала құқықтары жөніндегі уәкіл",
        "Уполномоченный по правам ребенка в Республике Казахстан",
        "Commissioner for the Rights of the Child",
        "ombudsman",
    ),
]


def _rename(value):
    if isinstance(value, str):
        return RENAMES.get(value, value)
    if isinstance(value, list):
        return [_rename(v) for v in value]
    if isinstance(value, dict):
        return {k: _rename(v) for k, v in value.items()}
    return value


def _keep_first_note_others(existing: dict, name: str, current, value, origin: str) -> None:
    """Consolidation keeps the first description of a key and records what else was printed:
    another Kazakh title of an act becomes an alias, another name of a body a flag; any other
    disagreement keeps the first value (the loader, stricter, refuses what is left)."""
    if name == "title_kk":
        aliases = existing.setdefault("aliases", [])
        if value not in aliases:
            aliases.append(value)
    elif name == "name_kk":
        existing.setdefault("flags", [])
        # Two printed names of one body: kept as a note rather than a second record.
        note = {"code": "ambiguous_reference", "message": f"Also printed as: {value}"}
        if note not in existing["flags"]:
            existing["flags"].append(note)


def _merge(store: dict, record: dict, key_field: str, origin: str) -> None:
    merge_record(
        store, record, key_field=key_field, origin=origin, on_conflict=_keep_first_note_others
    )


def _base_organizations() -> dict[str, dict]:
    orgs: dict[str, dict] = {}
    for code, short, kk, ru, en, kind in BASE_ORGANIZATIONS:
        orgs[code] = {
            "code": code,
            "short_kk": short,
            "name_kk": kk,
            "name_ru": ru,
            "name_en": en,
            "kind": kind,
            "parent": None,
            "region": None,
            "source_paragraphs": [],
            "curation": "curated",
        }
    for region, kk, ru, en in REGIONS:
        code = f"AKIMAT-{region.upper()}"
        orgs[code] = {
            "code": code,
            "short_kk": kk,
            "name_kk": kk,
            "name_ru": ru,
            "name_en": f"Akimat of {en}",
            "kind": "akimat",
            "parent": None,
            "region": region,
            "source_paragraphs": [],
            "curation": "curated",
        }
    return orgs


def _one_value_per_cell(observations: list[dict], cells: dict[tuple, dict]) -> list[dict]:
    """The observations that describe a cell no earlier file described."""
    kept = []
    for obs in observations:
        cell = (
            obs["indicator"],
            obs["period_start"],
            obs["period_end"],
            tuple(sorted((obs.get("dimensions") or {}).items())),
        )
        first = cells.get(cell)
        if first is None:
            cells[cell] = obs
            kept.append(obs)
            continue
        # The narrative restating an annex figure: one cell, two sources. The first (annex)
        # record keeps the value; the paragraph joins its provenance, and a different
        # printed value is flagged instead of dropped.
        if not first.get("paragraph") and obs.get("paragraph"):
            first["paragraph"] = obs["paragraph"]
        if str(obs["value"]) != str(first["value"]):
            where = f"¶{obs['paragraph']}" if obs.get("paragraph") else obs.get("source_annex")
            flag = {
                "code": "report_inconsistency",
                "message": f"{where} prints {obs['value']} for this figure "
                f"({obs.get('text_kk') or ''}); {first['value']} is kept.",
            }
            first.setdefault("flags", [])
            if flag not in first["flags"]:
                first["flags"].append(flag)
    return kept


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main(root: Path = ROOT) -> None:
    paragraphs = json.loads((root / "paragraphs.json").read_text(encoding="utf-8"))
    files = [root / "legal_acts.json", root / "organizations.json"]
    files += sorted((root / "indicators").glob("*.json"))
    files += [root / "sections" / "intro.json"]
    files += sorted(p for p in (root / "sections").glob("art*.json"))

    acts: dict[str, dict] = {}
    orgs = _base_organizations()
    measure_orgs: dict[str, set[int]] = {}
    cells: dict[tuple, dict] = {}
    loaded: dict[Path, dict] = {}
    for path in files:
        if not path.exists():
            continue
        data = _rename(json.loads(path.read_text(encoding="utf-8")))
        if path.name == "legal_acts.json":
            data = {"legal_acts": data}
        elif path.name == "organizations.json":
            data = {"organizations": data}
        for act in data.pop("legal_acts", []):
            _merge(acts, act, "key", path.name)
        for org in data.pop("organizations", []):
            _merge(orgs, org, "code", path.name)
        for measure in data.get("measures", []):
            for code in measure.get("organizations", []):
                measure_orgs.setdefault(code, set()).update(measure.get("source_paragraphs", []))
        if "observations" in data:
            data["observations"] = _one_value_per_cell(data["observations"], cells)
        if path.parent.name in {"sections", "indicators"}:
            loaded[path] = data

    for path, data in loaded.items():
        _write_json(path, data)

    for act in acts.values():
        # A bare "Кодекс" names no act in particular: it cannot serve to find one.
        act["aliases"] = [a for a in act.get("aliases", []) if a.strip() not in {"Кодекс", "Заң"}]

    for code, org in orgs.items():
        found = set(org.get("source_paragraphs") or []) | measure_orgs.get(code, set())
        short = org.get("short_kk") or ""
        if len(short) >= 3:
            pattern = re.compile(rf"(?<!\w){re.escape(short)}")
            found |= {p["number"] for p in paragraphs if pattern.search(p["text_kk"])}
        org["source_paragraphs"] = sorted(found)

    _write_json(root / "legal_acts.json", sorted(acts.values(), key=lambda a: a["key"]))
    _write_json(root / "organizations.json", sorted(orgs.values(), key=lambda o: o["code"]))
    print(f"{len(acts)} legal acts, {len(orgs)} organisations")


if __name__ == "__main__":
    import sys

    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
