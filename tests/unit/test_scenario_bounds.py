"""A scenario file is bounded before it is built: its size, its nesting and its numbers, each
refused with a message (a file nested 100,000 deep was a RecursionError, a 5,000-digit number
Python's own int_max_str_digits error)."""

from __future__ import annotations

import json

import pytest

from sop_core.whatif.levers import ScenarioError
from sop_core.whatif.scenario_json import MAX_JSON_CHARACTERS, scenario_from_json


@pytest.mark.parametrize(("text", "said"), [
    ("[" * 100_000 + "]" * 100_000, "the file nests more than 8 levels of brackets or braces"),
    ('{"name": "a", "levers": [], "notes": "", "x": ' + "9" * 5000 + "}", "a number of the file has 5,000 digits"),
    (json.dumps({"name": "a", "notes": "x" * MAX_JSON_CHARACTERS}), "characters, 1,000,000 at most"),
])
def test_a_hostile_file_is_refused_with_a_message(text: str, said: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_json(text)
    assert said in caught.value.render("en")


def test_brackets_inside_names_do_not_count_as_nesting() -> None:
    name = 'Plan [[[[[[[[[[ "quoted" \\\\ {{{{{{{{{{'
    assert scenario_from_json(json.dumps({"name": name, "levers": []})).name == name
