"""The validation report of one import: what is wrong, where (file, rows, column) and how to fix it.

The same report is printed by the CLI, shown by the Data page and stored (as JSON) in the audit
table, so the three never disagree. Its sentences are `Message`s, rendered in the reader's language;
the stored JSON keeps each one as its key and parameters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from sop_core.common import Message

Severity = Literal["error", "warning"]
MAX_EXAMPLE_ROWS = 5


def kind_term(kind: str) -> Message:
    """A kind of file as a term of a sentence: "Articles", "Products"."""
    return Message(f"data.kind.{kind}")


def rows_term(rows: tuple[int, ...], count: int) -> Message:
    """The first `rows` as a term of a sentence, and how many more of the `count` in all: "rows 4, 7
    and 12 more"."""
    # Row numbers are joined as text: a thousands separator would read as one more row.
    joined = ", ".join(map(str, rows))
    if count > len(rows):
        return Message("imports.where.rows_more", {"rows": joined, "more": count - len(rows)})
    return Message("imports.where.rows" if len(rows) > 1 else "imports.where.row", {"rows": joined})


@dataclass(frozen=True)
class Finding:
    """One problem found in a file. `rows` are the first examples; `count` is how many in all."""

    severity: Severity
    code: str
    message: Message
    fix: Message
    column: str | None = None
    rows: tuple[int, ...] = ()
    count: int = 0
    examples: tuple[str, ...] = ()

    def _where(self) -> list[Message]:
        where = [rows_term(self.rows, self.count)] if self.rows else []
        if self.column:
            where.append(Message("imports.where.column", {"column": repr(self.column)}))
        return where

    def line(self, file_name: str) -> Message:
        """One line a person can act on: file, rows, column, what, fix."""
        found = Message("imports.found", {"values": [repr(e) for e in self.examples]}) if self.examples else ""
        return Message("imports.finding", {
            "severity": Message(f"imports.severity.{self.severity}"), "where": [file_name, *self._where()],
            "problem": self.message, "found": found, "fix": self.fix})

    def describe(self, file_name: str, lang: str) -> str:
        return self.line(file_name).render(lang)

    def to_dict(self) -> dict[str, Any]:
        return {"severity": self.severity, "code": self.code, "message": self.message.to_dict(),
                "fix": self.fix.to_dict(), "column": self.column, "rows": list(self.rows),
                "count": self.count, "examples": list(self.examples)}


@dataclass
class ImportReport:
    """Everything learnt while reading and validating one file."""

    file_name: str
    kind: str
    read_as: Message | None = None
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

    def lines(self, lang: str = "en") -> list[str]:
        """Every problem, errors first (English by default: logs and test failures)."""
        return [f.describe(self.file_name, lang) for f in self.errors + self.warnings]

    def summary_message(self) -> Message:
        """The one-line verdict: file, kind, how it was read, rows, errors, warnings."""
        what = [kind_term(self.kind), *([self.read_as] if self.read_as else [])]
        rejected = Message("imports.summary.rejected", {"count": self.rows_rejected}) if self.rows_rejected else ""
        return Message("imports.outcome", {
            "file": self.file_name, "what": what, "read": Message("imports.outcome.read", {"count": self.rows_read}),
            "rejected": rejected, "errors": Message("imports.outcome.errors", {"count": len(self.errors)}),
            "warnings": Message("imports.outcome.warnings", {"count": len(self.warnings)}),
            "verdict": Message("imports.verdict.ok" if self.ok else "imports.verdict.refused")})

    def summary(self, lang: str = "en") -> str:
        return self.summary_message().render(lang)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON data: codes and numbers as they are, sentences as key and parameters."""
        return {"file_name": self.file_name, "kind": self.kind,
                "read_as": self.read_as.to_dict() if self.read_as else None,
                "rows_read": self.rows_read, "rows_rejected": self.rows_rejected,
                "skip_invalid_rows": self.skip_invalid_rows, "findings": [f.to_dict() for f in self.findings],
                "ok": self.ok, "rows_valid": self.rows_valid, "summary": self.summary_message().to_dict()}

    def to_frame(self, lang: str) -> pd.DataFrame:
        """One row per finding, for the Data page, in `lang`."""
        return pd.DataFrame(
            [{"severity": Message(f"data.severity.{f.severity}").render(lang), "column": f.column or "",
              "problem": f.message.render(lang), "rows": ", ".join(map(str, f.rows)), "count": f.count,
              "found": ", ".join(f.examples), "fix": f.fix.render(lang, on="page")}
             for f in self.errors + self.warnings],
            columns=["severity", "column", "problem", "rows", "count", "found", "fix"],
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, default=str)
