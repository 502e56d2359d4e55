"""The README stays true: the contract it documents, the quickstart CI runs, the files it names."""

from __future__ import annotations

import re

from sop_core.data.contract import KINDS
from tests.conftest import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def _quickstart_commands() -> list[str]:
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    block = section.split("```bash", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_every_contract_column_is_documented() -> None:
    for kind in KINDS.values():
        assert f"**{kind.name}**" in README, kind.name
        for column in kind.columns:
            assert re.search(rf"\b{column.name}\b", README), f"{kind.name}.{column.name}"


def test_quickstart_is_two_commands_and_ci_runs_the_test_one() -> None:
    install_and_run, test = _quickstart_commands()
    assert "requirements.txt" in install_and_run and "streamlit run app.py" in install_and_run
    assert "requirements-dev.txt" in test and "pytest" in test
    assert test in (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_files_named_in_the_readme_exist() -> None:
    named = set(re.findall(r"`((?:data|docs|bench)/[\w./-]+\.\w+)`", README)) - {"data/sop.duckdb"}
    for path in named | {"docs/home.png"}:
        assert (PROJECT_ROOT / path).exists(), path
