"""Checks a JSON value against spec fields and rules; every message names the field and the limit.

strict (the default): what the tables say, to the letter: the canonical names, the documented types, unknown
fields reported. tolerant: also accepts every other spelling and type the docs show (aliases, lenient types,
enum aliases), as a parser of the platform's answers must.
"""

from __future__ import annotations

import math
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from desktop.spec.model import (
    AtLeastOne,
    AtMostOne,
    Endpoint,
    Field,
    FieldType,
    MaxCombined,
    RequiredUnless,
    RequiredWhen,
    Rule,
    UrlFileName,
)
from desktop.spec.strict_json import loads_strict

ViolationKind = Literal["missing", "type", "range", "length", "enum", "pattern", "unknown", "json", "rule"]


@dataclass(frozen=True)
class Violation:
    path: str
    kind: ViolationKind
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def json_type_name(value: Any) -> str:
    """How a decoded JSON value is named in messages: "a boolean", "an array", "null"..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


_WANT = {
    "string": "a string",
    "int": "an integer",
    "float": "a number",
    "bool": "a boolean",
    "object": "an object",
    "array": "an array",
}


def is_type(value: Any, kind: FieldType) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if kind == "object":
        return isinstance(value, Mapping)
    return isinstance(value, list)


def _fmt(number: float) -> str:
    return f"{number:g}"


def _range_words(spec: Field) -> str:
    low, high = spec.minimum, spec.maximum
    if low is not None and high is not None:
        opening = "(" if spec.exclusive_minimum else "["
        return f"within {opening}{_fmt(low)}, {_fmt(high)}]"
    if low is not None:
        return f"greater than {_fmt(low)}" if spec.exclusive_minimum else f"at least {_fmt(low)}"
    return f"at most {_fmt(high or 0)}"


class _Checker:
    def __init__(self, tolerant: bool, report_unknown: bool) -> None:
        self.tolerant = tolerant
        self.report_unknown = report_unknown
        self.found: list[Violation] = []

    def add(self, path: str, kind: ViolationKind, message: str) -> None:
        self.found.append(Violation(path, kind, message))

    def pick(self, spec: Field, data: Mapping[str, Any]) -> tuple[str | None, Any]:
        if spec.name in data:
            return spec.name, data[spec.name]
        if self.tolerant:
            for alias in spec.aliases:
                if alias in data:
                    return alias, data[alias]
        return None, None

    def members(self, specs: Sequence[Field], data: Mapping[str, Any], prefix: str) -> None:
        known: set[str] = set()
        for spec in specs:
            known.add(spec.name)
            if self.tolerant:
                known.update(spec.aliases)
            key, value = self.pick(spec, data)
            path = prefix + spec.name
            if key is None:
                if spec.required:
                    alias_note = ""
                    present = [a for a in spec.aliases if a in data]
                    if present:
                        alias_note = f" (found {present[0]!r}, a spelling the tables do not use)"
                    self.add(path, "missing", f"is required{alias_note}")
                continue
            self.value(spec, value, prefix + key)
        if self.report_unknown:
            for key in data:
                if key not in known:
                    self.add(prefix + key, "unknown", "is not a documented field")

    def value(self, spec: Field, value: Any, path: str) -> None:
        kinds = (spec.type, *spec.lenient_types) if self.tolerant else (spec.type,)
        if not any(is_type(value, kind) for kind in kinds):
            self.add(path, "type", f"must be {_WANT[spec.type]} (got {json_type_name(value)})")
            return
        if isinstance(value, str):
            self.string(spec, value, path)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            self.number(spec, value, path)
        elif isinstance(value, Mapping):
            self.members(spec.fields, value, path + ".")
        elif isinstance(value, list):
            self.array(spec, value, path)

    def enum(self, spec: Field, value: Any, path: str) -> None:
        allowed = spec.enum + (spec.enum_aliases if self.tolerant else ())
        # A number in a lenient-typed field is compared as the documented string ("1" vs 1).
        if value in allowed or (not isinstance(value, str) and str(value) in allowed):
            return
        listed = ", ".join(str(v) for v in spec.enum)
        self.add(path, "enum", f"must be one of {listed} (got {value!r})")

    def string(self, spec: Field, value: str, path: str) -> None:
        if spec.enum:
            self.enum(spec, value, path)
        count = len(value)
        if (spec.min_len is not None and count < spec.min_len) or (spec.max_len is not None and count > spec.max_len):
            self.add(path, "length", self.length_words(spec, count, "characters"))
        if spec.max_bytes is not None:
            size = len(value.encode("utf-8"))
            if size > spec.max_bytes:
                self.add(path, "length", f"must be at most {spec.max_bytes} bytes in UTF-8 (got {size})")
        if spec.pattern and value and not re.search(spec.pattern, value):
            hint = spec.pattern_hint or f"the pattern {spec.pattern}"
            shown = url_for_message(value) if "://" in value else value
            self.add(path, "pattern", f"must be {hint} (got {shown!r})")
        if spec.json_string and value:
            # The same strict decoder as the body's: a string nested 100,000 levels deep is a format error here
            # too, not a RecursionError inside the check (docs/api-notes.md E45).
            try:
                loads_strict(value)
            except ValueError:
                self.add(path, "json", "must be a JSON string")

    @staticmethod
    def length_words(spec: Field, count: int, unit: str) -> str:
        low, high = spec.min_len, spec.max_len
        if low is not None and high is not None:
            span = f"exactly {low}" if low == high else f"{low} to {high}"
            return f"must be {span} {unit} (got {count})"
        if low is not None:
            return f"must be at least {low} {unit} (got {count})"
        return f"must be at most {high} {unit} (got {count})"

    def number(self, spec: Field, value: float, path: str) -> None:
        if spec.enum:
            self.enum(spec, value, path)
            return
        low, high = spec.minimum, spec.maximum
        too_low = low is not None and (value <= low if spec.exclusive_minimum else value < low)
        too_high = high is not None and value > high
        if too_low or too_high:
            self.add(path, "range", f"must be {_range_words(spec)} (got {_fmt(value)})")

    def array(self, spec: Field, value: list[Any], path: str) -> None:
        count = len(value)
        if (spec.min_len is not None and count < spec.min_len) or (spec.max_len is not None and count > spec.max_len):
            self.add(path, "length", self.length_words(spec, count, "elements"))
        item_kind = spec.items or "string"
        element = Field(
            spec.name,
            item_kind,
            fields=spec.fields,
            lenient_types=("int",) if item_kind == "float" else (),
        )
        for index, item in enumerate(value):
            self.value(element, item, f"{path}[{index}]")


def _get(data: Mapping[str, Any], dotted: str, specs: Sequence[Field], tolerant: bool) -> Any:
    """The value at a dotted path ("SpeechParam.Speed"), following aliases when tolerant."""
    current: Any = data
    fields: Sequence[Field] = specs
    for part in dotted.split("."):
        if not isinstance(current, Mapping):
            return None
        spec = next((f for f in fields if f.name == part), None)
        names = [part] + (list(spec.aliases) if spec is not None and tolerant else [])
        current = next((current[n] for n in names if n in current), None)
        fields = spec.fields if spec is not None else ()
    return current


def _given(value: Any) -> bool:
    return value is not None and value not in ("", [])


def _matches(value: Any, values: Sequence[Any]) -> bool:
    if not _given(value):
        return None in values
    return value in values


def _rule(rule: Rule, data: Mapping[str, Any], specs: Sequence[Field], tolerant: bool) -> list[Violation]:
    def get(path: str) -> Any:
        return _get(data, path, specs, tolerant)

    if isinstance(rule, RequiredWhen):
        if _matches(get(rule.when), rule.values) and not _given(get(rule.field)):
            condition = "empty" if not _given(get(rule.when)) else repr(get(rule.when))
            return [Violation(rule.field, "missing", f"is required when {rule.when} is {condition}")]
    elif isinstance(rule, RequiredUnless):
        when = get(rule.when)
        if when not in rule.values and not _given(get(rule.field)):
            others = " or ".join(str(v) for v in rule.values)
            return [Violation(rule.field, "missing", f"is required unless {rule.when} is {others}")]
    elif isinstance(rule, AtLeastOne):
        if rule.when is not None and get(rule.when) not in rule.values:
            return []
        if not any(_given(get(name)) for name in rule.fields):
            names = " or ".join(rule.fields)
            suffix = f" when {rule.when} is {get(rule.when)!r}" if rule.when else ""
            return [Violation(rule.fields[0], "missing", f"{names} is required{suffix}")]
    elif isinstance(rule, AtMostOne):
        present = [name for name in rule.fields if _given(get(name))]
        if len(present) > 1:
            return [Violation(present[1], "rule", f"give only one of {', '.join(rule.fields)}")]
    elif isinstance(rule, MaxCombined):
        total = sum(len(v) for v in (get(name) for name in rule.fields) if isinstance(v, list))
        if total > rule.maximum:
            names = " and ".join(rule.fields)
            return [Violation(rule.fields[0], "length", f"{names} hold at most {rule.maximum} together (got {total})")]
    elif isinstance(rule, UrlFileName):
        return _url_file_name(rule, get(rule.field))
    return []


def url_for_message(url: str) -> str:
    """A URL as messages and logs show it: without its query and fragment, where signed URLs carry their secrets (a
    presigned COS link's q-signature, a push URL's txSecret)."""
    head, query, _ = url.partition("?")
    return head.partition("#")[0] + ("?…" if query else "")


def url_file_name(url: str) -> str:
    """The name of the file a URL points at, percent-decoded; its query and fragment (a signed download URL's
    signature) are no part of it."""
    return posixpath.basename(unquote(urlsplit(url).path))


def _url_file_name(rule: UrlFileName, url: Any) -> list[Violation]:
    if not isinstance(url, str) or not url:
        return []
    stem = posixpath.splitext(url_file_name(url))[0]
    if not rule.min_len <= len(stem) <= rule.max_len:
        return [
            Violation(
                rule.field,
                "rule",
                f"the file name must be {rule.min_len} to {rule.max_len} characters (got {stem!r}, {len(stem)})",
            )
        ]
    if not re.search(rule.pattern, stem):
        return [Violation(rule.field, "rule", f"the file name must be {rule.pattern_hint} (got {stem!r})")]
    return []


def check_fields(
    specs: Sequence[Field],
    data: Any,
    *,
    tolerant: bool = False,
    report_unknown: bool = True,
    prefix: str = "",
) -> list[Violation]:
    if not isinstance(data, Mapping):
        return [Violation(prefix.rstrip("."), "type", f"must be an object (got {json_type_name(data)})")]
    checker = _Checker(tolerant, report_unknown)
    checker.members(specs, data, prefix)
    return checker.found


def check_request(endpoint: Endpoint, payload: Any, *, tolerant: bool = False) -> list[Violation]:
    """Violations of the endpoint's request table and rules by a Payload."""
    found = check_fields(endpoint.request, payload, tolerant=tolerant)
    if isinstance(payload, Mapping):
        for rule in endpoint.rules:
            found.extend(_rule(rule, payload, endpoint.request, tolerant))
    return found


def check_response(endpoint: Endpoint, payload: Any, *, tolerant: bool = True) -> list[Violation]:
    """Violations of the endpoint's response table by a Payload (the tolerant parser's view by default)."""
    return check_fields(endpoint.response, payload, tolerant=tolerant)


def check_rules(rules: Sequence[Rule], specs: Sequence[Field], data: Mapping[str, Any]) -> list[Violation]:
    found: list[Violation] = []
    for rule in rules:
        found.extend(_rule(rule, data, specs, tolerant=False))
    return found
