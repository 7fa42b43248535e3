"""How two descriptions of one record (the same act or body in two curators' files) become one.

Used by the loader (`ingest.reading`) and by `scripts/consolidate_fixtures.py`, so the canonical
files and the database are merged by the same rule. Plain Python, no Django: the script runs
without settings.

The rule: lists are united (dimension values by their code, everything else by equality), an empty
scalar is filled in, and two different non-empty scalars are a conflict that the caller's policy
decides — the loader refuses it (it must be resolved in the files, not guessed), the consolidation
script keeps the first and records the other as an alias or a flag.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Bookkeeping keys the loader adds to a record (the file it came from): never merged.
PRIVATE_PREFIX = "_"
# A dimension's values are identified by their code: a second file's wording of a known code does
# not add a second value.
_UNITED_BY_CODE = frozenset({"values"})


class FixtureError(Exception):
    """The fixtures are inconsistent: a missing reference, a conflicting duplicate, a bad value."""


# (the record merged into, field name, its value there, the other value, the other's origin)
ConflictPolicy = Callable[[dict, str, Any, Any, str], None]


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _unite(current: list | None, value: list, *, by_code: bool) -> list:
    merged = list(current or [])
    if by_code:
        known = {item["code"] for item in merged}
        return merged + [item for item in value if item["code"] not in known]
    for item in value:
        if item not in merged:
            merged.append(item)
    return merged


def merge_record(
    store: dict[str, dict],
    record: dict,
    *,
    key_field: str,
    origin: str,
    on_conflict: ConflictPolicy,
) -> dict:
    """Add `record` to `store` under its key, or merge it into the record already there.
    Returns the stored record."""
    key = record.get(key_field)
    existing = store.get(key)
    if existing is None:
        store[key] = dict(record)
        return store[key]
    for name, value in record.items():
        if name.startswith(PRIVATE_PREFIX) or _is_empty(value):
            continue
        current = existing.get(name)
        if isinstance(value, list):
            existing[name] = _unite(current, value, by_code=name in _UNITED_BY_CODE)
        elif _is_empty(current):
            existing[name] = value
        elif current != value:
            on_conflict(existing, name, current, value, origin)
    return existing


def refuse_conflict(kind: str, *, key_field: str, origin_field: str = "_origin") -> ConflictPolicy:
    """The loader's policy: two curators disagreeing is an error naming both files. The curation
    marker (extracted or curated) is bookkeeping, not a fact about the record: the first stands."""

    def policy(existing: dict, name: str, current: Any, value: Any, origin: str) -> None:
        if name == "curation":
            return
        raise FixtureError(
            f"{kind} {existing.get(key_field)}: field {name!r} is {current!r} in "
            f"{existing.get(origin_field)} but {value!r} in {origin}"
        )

    return policy


def keep_first(existing: dict, name: str, current: Any, value: Any, origin: str) -> None:
    """Presentation only (a dimension's label): the first file's wording stands."""
