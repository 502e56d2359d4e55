"""The architecture holds: layers import downwards only (import-linter), subpackages talk through
their published names, pages are scripts of the screen, files stay readable, and the code is clean
for ruff and mypy. Each check is shown to bite on a deliberately wrong change."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SUBPACKAGES = ("common", "data", "imports", "forecast", "kpi", "production", "whatif", "meeting", "demo", "cli")
SCREENS = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
MAX_LINES, MAX_PAGE_LINES = 400, 150
LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"


def _lint_imports(where: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", LINT], cwd=where, capture_output=True, text=True, timeout=300)


def _copy_of_the_code(tmp_path: Path) -> Path:
    for name in ("sop_core", "sop_ui"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "locales"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_layer_contracts_are_kept() -> None:
    run = _lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 kept, 0 broken" in run.stdout


@pytest.mark.parametrize(("module", "wrong", "broken"), [
    ("kpi/service.py", "from sop_core.meeting import Tile", "sop_core.kpi.service -> sop_core.meeting"),
    ("production/engine.py", "from sop_core.kpi import KpiFilters", "sop_core.production.engine -> sop_core.kpi"),
    ("data/store.py", "import streamlit", "sop_core.data.store -> streamlit"),
])
def test_a_wrong_import_breaks_a_contract(tmp_path: Path, module: str, wrong: str, broken: str) -> None:
    """An upward import, a sibling import, Streamlit in the core: each fails the run, naming the arrow."""
    copy = _copy_of_the_code(tmp_path)
    path = copy / "sop_core" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{wrong}  # noqa\n", encoding="utf-8")
    run = _lint_imports(copy)
    assert run.returncode != 0 and "1 broken" in run.stdout and broken in run.stdout, run.stdout


def _imports(path: Path) -> list[ast.ImportFrom | ast.Import]:
    return [node for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.ImportFrom | ast.Import)]


def _published(package: str) -> set[str]:
    return set(__import__(f"sop_core.{package}", fromlist=["__all__"]).__all__)


def _foreign_names(path: Path, own: str | None) -> list[str]:
    """The imports of `path` that reach into another subpackage's modules, or take a name it does
    not publish in `__all__` (`own` is the file's own subpackage, free to use its modules)."""
    wrong = []
    for node in _imports(path):
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("sop_core."):
            continue
        parts = node.module.split(".")  # type: ignore[union-attr]
        if parts[1] == own:
            continue
        if len(parts) > 2:
            wrong.append(f"{path.name}: from {node.module}")
        else:
            wrong += [f"{path.name}: {node.module}.{a.name}" for a in node.names if a.name not in _published(parts[1])]
    return wrong


@pytest.mark.parametrize("package", SUBPACKAGES)
def test_each_subpackage_publishes_its_api_and_uses_only_the_others_published_names(package: str) -> None:
    published = _published(package)
    module = __import__(f"sop_core.{package}", fromlist=["__all__"])
    assert published and all(hasattr(module, name) for name in published)
    wrong = [line for path in (ROOT / "sop_core" / package).rglob("*.py") for line in _foreign_names(path, package)]
    assert not wrong, wrong


def test_the_check_of_published_names_catches_a_private_reach(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("from sop_core.kpi.stock import demand_rows\nfrom sop_core.kpi import run_query\n")
    assert _foreign_names(sneaky, "meeting") == ["sneaky.py: from sop_core.kpi.stock",
                                                  "sneaky.py: sop_core.kpi.run_query"]


@pytest.mark.parametrize("screen", SCREENS, ids=lambda p: p.name)
def test_a_screen_is_a_script_of_the_page(screen: Path) -> None:
    """Published names only, no database, no SQL, and short enough to read as the screen it draws."""
    assert not _foreign_names(screen, None)
    assert not [node for node in _imports(screen) if isinstance(node, ast.Import)
                and any(alias.name.split(".")[0] in ("duckdb", "sop_core") for alias in node.names)]
    text = screen.read_text(encoding="utf-8")
    assert "duckdb" not in text and not any(word in text for word in ("SELECT ", "INSERT ", " FROM "))
    assert len(text.splitlines()) <= MAX_PAGE_LINES, f"{screen.name}: {len(text.splitlines())} lines"


def test_no_file_of_the_code_is_too_long_to_read() -> None:
    long = {str(path.relative_to(ROOT)): n for folder in ("sop_core", "sop_ui")
            for path in (ROOT / folder).rglob("*.py") if (n := len(path.read_text(encoding="utf-8").splitlines()))
            > MAX_LINES}
    assert not long, long


def test_ruff_finds_nothing() -> None:
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.slow
def test_mypy_strict_finds_nothing() -> None:
    """sop_core, sop_ui and app.py (pyproject.toml's [tool.mypy] files), strict."""
    run = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
