"""requirements.lock pins every package the requirements name, at the same version: a package
added to requirements*.txt without `make lock` fails here, not in a production build."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;#]+)")


def pins(name: str) -> dict[str, str]:
    found = {}
    for line in (ROOT / name).read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            package = re.sub(r"\[.*\]", "", match.group(1))
            found[re.sub(r"[-_.]+", "-", package).lower()] = match.group(2)
    return found


def test_every_requirement_is_pinned_alike_in_the_lock():
    lock = pins("requirements.lock")
    for name in ("requirements.txt", "requirements-dev.txt"):
        wanted = pins(name)
        assert wanted, name
        assert {p: v for p, v in wanted.items() if lock.get(p) != v} == {}, (
            f"{name} and requirements.lock disagree: run `make lock` and commit it."
        )


def test_psycopg2_is_built_from_source_not_the_binary_wheel():
    assert "psycopg2" in pins("requirements.txt")
    assert "psycopg2-binary" not in pins("requirements.lock")
