"""The one strict JSON decoder both sides of the wire use."""

from __future__ import annotations

import json

import pytest

from desktop.spec.strict_json import MAX_DEPTH, JsonFormatError, loads_strict


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("NaN", "NaN is not a JSON number"),
        ('{"a": -Infinity}', "-Infinity is not a JSON number"),
        ("[1e999]", "out of range"),
        ("1" * 5000, "too long"),
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "nests deeper"),
        ('"\\ud800"', "lone UTF-16 surrogate"),
        ('{"\\udc00": 1}', "lone UTF-16 surrogate"),
        ("{", "not valid JSON"),
        (b"\xff{}", "not UTF-8"),
    ],
)
def test_malformed_documents_are_one_error_with_a_reason(text: str | bytes, reason: str) -> None:
    with pytest.raises(JsonFormatError, match=reason):
        loads_strict(text)


def test_what_the_platform_sends_decodes_as_json_would() -> None:
    document = {"Header": {"Code": 0}, "Payload": {"Emoji": "😀", "Odd": 'x]]"[{', "Rate": 1.5}}
    text = json.dumps(document)  # ensure_ascii writes the emoji as a surrogate pair
    assert loads_strict(text) == document
    assert loads_strict(text.encode()) == document
    nested = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert loads_strict(nested) == json.loads(nested)
