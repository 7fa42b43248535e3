"""Reading the fixture files (fixtures/SCHEMA.md) into one merged bundle, and their fingerprint."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .merging import FixtureError, keep_first, merge_record, refuse_conflict

# Bump when the loader maps the same files to different rows (a new field, a new rule): a database
# loaded by the previous loader then counts as out of date for `load_crpd --if-changed`.
LOADER_REVISION = "2"


def parse_date(value: str | None, *, where: str) -> tuple[dt.date | None, str]:
    """'2016' → (2016-01-01, 'year'); '2016-03' → (2016-03-01, 'month'); full ISO → 'day'."""
    if not value:
        return None, "day"
    parts = str(value).split("-")
    try:
        if len(parts) == 1:
            return dt.date(int(parts[0]), 1, 1), "year"
        if len(parts) == 2:
            return dt.date(int(parts[0]), int(parts[1]), 1), "month"
        return dt.date.fromisoformat(str(value)), "day"
    except ValueError as exc:
        raise FixtureError(f"{where}: bad date {value!r}") from exc


def parse_decimal(value: Any, *, where: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).replace(",", ".").replace(" ", ""))
    except ArithmeticError as exc:
        raise FixtureError(f"{where}: bad number {value!r}") from exc


@dataclass
class Bundle:
    """Everything the fixture files say, merged by natural key, with the file each record came
    from (`_origin`, for error messages)."""

    articles: list[dict] = field(default_factory=list)
    paragraphs: list[dict] = field(default_factory=list)
    dimensions: dict[str, dict] = field(default_factory=dict)
    organizations: dict[str, dict] = field(default_factory=dict)
    legal_acts: dict[str, dict] = field(default_factory=dict)
    citations: dict[str, dict] = field(default_factory=dict)
    measures: dict[str, dict] = field(default_factory=dict)
    programmes: dict[str, dict] = field(default_factory=dict)
    indicators: dict[str, dict] = field(default_factory=dict)
    targets: list[dict] = field(default_factory=list)
    observations: list[dict] = field(default_factory=list)
    totals: list[dict] = field(default_factory=list)
    technical_aids: list[dict] = field(default_factory=list)


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FixtureError(f"{path}: invalid JSON: {exc}") from exc


# Records several files may describe (merged), with their key and the name errors use.
_MERGED = {
    "dimensions": ("code", "dimension"),
    "organizations": ("code", "organisation"),
    "legal_acts": ("key", "legal act"),
    "programmes": ("key", "programme"),
    "indicators": ("key", "indicator"),
}
# Records exactly one file may describe.
_UNIQUE = {"citations": "citation", "measures": "measure"}
_LISTED = ("targets", "observations", "totals")


def _take(bundle: Bundle, data: dict, origin: str) -> None:
    for name, (key_field, kind) in _MERGED.items():
        # A dimension's label is presentation: the first file's wording stands.
        policy = keep_first if name == "dimensions" else refuse_conflict(kind, key_field=key_field)
        for record in data.get(name, []):
            if not record.get(key_field):
                raise FixtureError(f"{origin}: a {kind} record has no {key_field}: {record!r:.200}")
            merge_record(
                getattr(bundle, name),
                {**record, "_origin": origin},
                key_field=key_field,
                origin=origin,
                on_conflict=policy,
            )
    for name, kind in _UNIQUE.items():
        store = getattr(bundle, name)
        for record in data.get(name, []):
            if record.get("key") in store:
                raise FixtureError(f"{kind} {record['key']} is defined twice ({origin})")
            store[record["key"]] = {**record, "_origin": origin}
    for name in _LISTED:
        getattr(bundle, name).extend({**r, "_origin": origin} for r in data.get(name, []))


def read_bundle(root: Path) -> Bundle:
    bundle = Bundle()
    articles = root / "articles.json"
    if not articles.exists():
        raise FixtureError(f"{articles} is missing")
    bundle.articles = _load_json(articles)
    paragraphs = root / "paragraphs.json"
    if paragraphs.exists():
        bundle.paragraphs = _load_json(paragraphs)
    for kind in ("dimensions", "organizations", "legal_acts"):
        path = root / f"{kind}.json"
        if path.exists():
            _take(bundle, {kind: _load_json(path)}, str(path.relative_to(root)))
    for folder in ("indicators", "sections"):
        for path in sorted((root / folder).glob("*.json")):
            _take(bundle, _load_json(path), str(path.relative_to(root)))
    aids = root / "reference" / "technical_aids.json"
    if aids.exists():
        bundle.technical_aids = _load_json(aids)
    return bundle


def fixtures_fingerprint(root: Path) -> str:
    """sha256 over every fixture file (sorted relative paths and their bytes) and the loader's
    revision: equal fingerprints load to the same rows."""
    digest = hashlib.sha256(f"loader {LOADER_REVISION}\0".encode())
    for path in sorted(p for p in root.rglob("*.json") if p.is_file()):
        content = path.read_bytes()
        digest.update(f"{path.relative_to(root).as_posix()}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()
