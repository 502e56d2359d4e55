"""The validation report of one import: what is wrong, where (file, rows, column) and how to fix it.

The same report is printed by the CLI, shown by the Data page and stored (as JSON) in the audit
table, so the three never disagree.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import pandas as pd

Severity = Literal["error", "warning"]
MAX_EXAMPLE_ROWS = 5


@dataclass(frozen=True)
class Finding:
    """One problem found in a file. `rows` are the first examples; `count` is how many in all."""

    severity: Severity
    code: str
    message: str
    fix: str
    column: str | None = None
    rows: tuple[int, ...] = ()
    count: int = 0
    examples: tuple[str, ...] = ()

    def describe(self, file_name: str) -> str:
        """One line a person can act on: file, rows, column, what, fix."""
        where = [file_name]
        if self.rows:
            more = f" and {self.count - len(self.rows)} more" if self.count > len(self.rows) else ""
            where.append("row" + ("s " if len(self.rows) > 1 else " ")
                         + ", ".join(map(str, self.rows)) + more)
        if self.column:
            where.append(f"column {self.column!r}")
        seen = f" (found: {', '.join(repr(e) for e in self.examples)})" if self.examples else ""
        return f"{self.severity.upper()} {', '.join(where)}: {self.message}{seen}. Fix: {self.fix}"


@dataclass
class ImportReport:
    """Everything learnt while reading and validating one file."""

    file_name: str
    kind: str
    read_as: str = ""
    rows_read: int = 0
    rows_rejected: int = 0
    skip_invalid_rows: bool = False
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when the file may be written: no error, or only row errors that are skipped."""
        if not self.errors:
            return True
        return self.skip_invalid_rows and all(f.rows for f in self.errors) and self.rows_valid > 0

    @property
    def rows_valid(self) -> int:
        return self.rows_read - self.rows_rejected

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def lines(self) -> list[str]:
        return [f.describe(self.file_name) for f in self.errors + self.warnings]

    def summary(self) -> str:
        verdict = "can be imported" if self.ok else "refused, nothing was written"
        rejected = f", {self.rows_rejected} rejected" if self.rows_rejected else ""
        return (
            f"{self.file_name} ({self.kind}, {self.read_as}): {self.rows_read} rows read{rejected}, "
            f"{len(self.errors)} error(s), {len(self.warnings)} warning(s): {verdict}"
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(ok=self.ok, rows_valid=self.rows_valid, summary=self.summary())
        return data

    def to_frame(self) -> pd.DataFrame:
        """One row per finding, for the Data page."""
        return pd.DataFrame(
            [{"severity": f.severity, "column": f.column or "", "problem": f.message,
              "rows": ", ".join(map(str, f.rows)), "count": f.count,
              "found": ", ".join(f.examples), "fix": f.fix} for f in self.errors + self.warnings],
            columns=["severity", "column", "problem", "rows", "count", "found", "fix"],
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, default=str)
