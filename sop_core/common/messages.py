"""Sentences the core writes (what is wrong in a file, why a forecast model was chosen, why a
scenario is refused) as a catalogue key and its parameters, so every screen, export and CLI says
them in its reader's language.

A `Message` is built where the fact is known and rendered (`render`) where it is shown. Messages that
are stored (the import history, a forecast run's reasons) are kept as JSON (`to_json`), so history
written in one language reads in the other. Text stored before messages existed is not JSON:
`render_stored` shows it as it was written.

Parameters are rendered by type: a number in the language's format, a date as 21/11/2026 or
21 Nov 2026, a nested `Message` in the same language (so a term such as a file kind is translated
too), a list joined with ", ", text as it is (a column name, a file name, a SKU).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sop_core.common.i18n import format_date, format_quantity, has_key, is_count, translate


@dataclass(frozen=True)
class Message:
    """One sentence: `key` in the catalogue, `params` its `{placeholders}`."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: str, on: str | None = None) -> str:
        """The sentence in `lang`. `on` names where it is shown: a catalogue key `<key>.<on>`, when
        there is one, words it for that place (the Data page names its checkbox where the command
        line names its flag), for nested messages too."""
        key = f"{self.key}.{on}" if on and has_key(f"{self.key}.{on}") else self.key
        # `count` goes to `translate` as a number: it chooses the plural form, then is written there.
        return translate(key, lang, **{name: value if name == "count" and is_count(value)
                                       else render_param(value, lang, on)
                                       for name, value in self.params.items()})

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "params": {name: _to_json(value) for name, value in self.params.items()}}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Message:
        return cls(str(data["key"]), {name: _from_json(value) for name, value in (data.get("params") or {}).items()})

    @classmethod
    def from_json(cls, text: str) -> Message:
        return cls.from_dict(json.loads(text))


def render_param(value: Any, lang: str, on: str | None = None) -> str:
    if isinstance(value, Message):
        return value.render(lang, on)
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float):
        return format_quantity(value, lang)  # a NaN or an infinity is the dash
    if isinstance(value, dt.date):
        return format_date(value, lang)
    if isinstance(value, list | tuple):
        return ", ".join(render_param(item, lang, on) for item in value)
    return str(value)


def _to_json(value: Any) -> Any:
    if isinstance(value, Message):
        return value.to_dict()
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, list | tuple):
        return [_to_json(item) for item in value]
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict):
        return dt.date.fromisoformat(value["date"]) if "date" in value else Message.from_dict(value)
    if isinstance(value, list):
        return [_from_json(item) for item in value]
    return value


def render_stored(text: str | None, lang: str) -> str:
    """A stored message in `lang`; text stored before messages existed (not a message's JSON) as it is."""
    if not text or not text.startswith("{"):
        return text or ""
    try:
        return Message.from_json(text).render(lang)
    except (ValueError, KeyError, TypeError):
        return text


class SaidError(Exception):
    """An error carrying its `Message`, said in the reader's language; `str()` is the English text
    (logs, tests). Mixed into the error classes of the core."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render("en"))
        self.message = message

    def render(self, lang: str) -> str:
        return self.message.render(lang)


class MessageError(SaidError, ValueError):
    """A refused input the user must correct."""
