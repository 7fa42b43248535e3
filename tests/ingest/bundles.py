"""A small fixture bundle the loader's tests build on (the shipped data is checked separately, by
tests/test_crpd_data.py): one article, paragraph, organisation, act, citation, measure, indicator
and observation."""

import json
from pathlib import Path


def edit(root: Path, name: str, mutate) -> None:
    data = json.loads((root / name).read_text())
    mutate(data)
    write(root, name, data)


def write(root: Path, name: str, data) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def build_mini(tmp_path: Path) -> Path:
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
