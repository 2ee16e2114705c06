"""Strict JSON decoding shared by the client's readers and the sandbox's doors.

The platform speaks RFC 8259 JSON. Python's `json` module accepts more than that
(`NaN`, `Infinity`, numbers that overflow to `inf`) and fails in ways that are not
`ValueError` on hostile input (`RecursionError` on deep nesting). Both sides of the
wire decode through `loads_strict`, so a malformed document is one exception type
with a message that says what was wrong, whoever reads it.

Lone UTF-16 surrogates (`"\\ud800"`) decode to strings that cannot be encoded
again; stored, they break every later reply that carries them. They are refused
here too.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

# Deeper than any documented message (the deepest is an envelope holding a
# payload holding a list of objects holding a list: about 6), far below
# CPython's recursion limit.
MAX_DEPTH = 64

# A number literal longer than this is not a count, a size or a timestamp the
# platform could mean; int() of a 5000-digit string already costs and raises.
MAX_NUMBER_DIGITS = 40

_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Any surrogate written as an escape; pairs (json.dumps writes emoji so) are
# fine, so only a document holding one has its decoded strings walked.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class JsonFormatError(ValueError):
    """The text is not a JSON document the platform could have sent."""


def _refuse_constant(name: str) -> Any:
    raise JsonFormatError(f"{name} is not a JSON number")


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_DIGITS:
        raise JsonFormatError(f"the number {text[:20]}… is too long")
    value = float(text)
    if not math.isfinite(value):
        raise JsonFormatError(f"the number {text} is out of range")
    return value


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_DIGITS:
        raise JsonFormatError(f"the number {text[:20]}… is too long")
    return int(text)


_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH without recursing (strings skipped whole)."""
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                raise JsonFormatError(f"the document nests deeper than {MAX_DEPTH} levels")
        elif token in ("]", "}"):
            depth -= 1


def _check_strings(value: Any) -> None:
    """Refuse lone surrogates in any key or string value (iteratively)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _LONE_SURROGATE.search(item):
                raise JsonFormatError("a string holds a lone UTF-16 surrogate")
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def loads_strict(data: str | bytes | bytearray) -> Any:
    """Decode one JSON document, refusing what RFC 8259 or the platform would not send.

    Raises JsonFormatError (a ValueError) for malformed text, NaN/Infinity,
    out-of-range or absurdly long numbers, nesting deeper than MAX_DEPTH,
    invalid UTF-8 and lone surrogates.
    """
    if isinstance(data, (bytes, bytearray)):
        try:
            text = bytes(data).decode("utf-8")
        except UnicodeDecodeError as error:
            raise JsonFormatError(f"the document is not UTF-8 ({error.reason})") from None
    else:
        text = data
    if _LONE_SURROGATE.search(text):
        raise JsonFormatError("the document holds a lone UTF-16 surrogate")
    if text.count("[") + text.count("{") > MAX_DEPTH:
        _check_depth(text)
    try:
        value = json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_float=_parse_float,
            parse_int=_parse_int,
        )
    except JsonFormatError:
        raise
    except (ValueError, RecursionError) as error:
        # json.JSONDecodeError is a ValueError; its message names line and column.
        raise JsonFormatError(f"the document is not valid JSON ({error})") from None
    if _SURROGATE_ESCAPE.search(text):
        _check_strings(value)
    return value
