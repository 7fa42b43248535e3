"""The layers of the house are a contract that a tool checks (`.importlinter`, run by `make test`).
These tests show the contract is real: it holds for the code as it is, and a wrong import breaks
it. And no function in the apps grows past 80 lines."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "config",
    "web",
    "api",
    "reports",
    "ingest",
    "exports",
    "intake",
    "indicators",
    "tracker",
)
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _copy_tree(tmp_path: Path) -> Path:
    """The project's packages and contract file, copied so that a test may break them."""
    for name in PACKAGES:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__")
            )
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def clean_result(tmp_path_factory) -> subprocess.CompletedProcess[str]:
    return _lint(_copy_tree(tmp_path_factory.mktemp("clean")))


def test_the_code_keeps_every_import_contract(clean_result):
    assert clean_result.returncode == 0, clean_result.stdout
    assert "BROKEN" not in clean_result.stdout
    assert "0 broken" in clean_result.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "contract"),
    [
        # The domain core may not reach up into an app built on it.
        ("tracker/law/models.py", "import indicators.models", "Apps are layered"),
        # The exports sit below the pages and the API: they may not import a page.
        ("exports/tables.py", "import web.tracker.views", "Apps are layered"),
        # A page may not import the API, nor the API a page.
        ("web/tracker/views.py", "import api.tracker.views", "do not import each other"),
        # A Celery task may not import a page.
        ("tracker/tasks.py", "import web.tracker.views", "Celery tasks do not import"),
        # A record's model may not import the services that write it.
        ("tracker/measures/models.py", "import tracker.workflow.services", "the records"),
    ],
)
def test_a_wrong_import_breaks_the_build(tmp_path, module, bad_import, contract):
    tree = _copy_tree(tmp_path)
    path = tree / module
    path.write_text(path.read_text() + f"\n{bad_import}  # noqa\n")
    result = _lint(tree)
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if "BROKEN" in line]
    assert any(contract in line for line in broken) or contract in result.stdout, result.stdout


def _long_functions(limit: int) -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")) if (ROOT / package).is_dir() else []:
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    length = node.end_lineno - node.lineno + 1
                    if length > limit:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} {length}")
    return found


def test_no_function_in_the_apps_is_over_80_lines():
    assert _long_functions(80) == []


def test_the_length_guard_sees_long_functions():
    # The guard itself can fail: every app has functions longer than a few lines.
    assert len(_long_functions(5)) > 50
