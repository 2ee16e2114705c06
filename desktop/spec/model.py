"""The vocabulary the platform spec is written in: fields, rules, endpoints, error codes.

Pure data, no I/O. The client validates against it, the sandbox enforces it, and the tests check the seed
documents' samples against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldType = Literal["string", "int", "float", "bool", "object", "array"]
Family = Literal["customization", "video", "sessions", "assets"]
# query: read-only, safe to retry. action: changes state but costs nothing new (start, close, drive).
# submission: creates billable or quota-counted work; never re-sent automatically, intent recorded first.
Kind = Literal["query", "action", "submission"]
Scalar = str | int | float | bool


@dataclass(frozen=True)
class Field:
    """One request or response field, as the seed table documents it."""

    name: str
    type: FieldType
    required: bool = False
    doc: str = ""
    min_len: int | None = None  # characters for strings, elements for arrays
    max_len: int | None = None
    max_bytes: int | None = None  # UTF-8 bytes (drive text limits are in bytes)
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    enum: tuple[Scalar, ...] = ()
    enum_aliases: tuple[Scalar, ...] = ()  # other spellings of enum values that the docs show
    pattern: str | None = None
    pattern_hint: str = ""  # the pattern in words, for messages
    items: FieldType | None = None  # element type of an array
    fields: tuple[Field, ...] = ()  # members of an object, or of each object in an array
    aliases: tuple[str, ...] = ()  # other spellings of the name that the docs show: parsed, accepted, never sent
    lenient_types: tuple[FieldType, ...] = ()  # other types the docs' samples use for this field
    json_string: bool = False  # a string that holds JSON

    def member(self, name: str) -> Field | None:
        for child in self.fields:
            if child.name == name or name in child.aliases:
                return child
        return None


@dataclass(frozen=True)
class RequiredWhen:
    """`field` is required when the value at `when` is one of `values` (None stands for absent or empty)."""

    field: str
    when: str
    values: tuple[Scalar | None, ...]


@dataclass(frozen=True)
class RequiredUnless:
    """`field` is required unless the value at `when` is one of `values`."""

    field: str
    when: str
    values: tuple[Scalar, ...]


@dataclass(frozen=True)
class AtLeastOne:
    """At least one of `fields` is given (only when `when` has one of `values`, if `when` is set)."""

    fields: tuple[str, ...]
    when: str | None = None
    values: tuple[Scalar, ...] = ()


@dataclass(frozen=True)
class AtMostOne:
    fields: tuple[str, ...]


@dataclass(frozen=True)
class MaxCombined:
    """The arrays in `fields` hold at most `maximum` elements together."""

    fields: tuple[str, ...]
    maximum: int


@dataclass(frozen=True)
class UrlFileName:
    """The file name in the URL at `field`, without its extension, has 2..50 characters of an allowed set."""

    field: str
    min_len: int
    max_len: int
    pattern: str
    pattern_hint: str


Rule = RequiredWhen | RequiredUnless | AtLeastOne | AtMostOne | MaxCombined | UrlFileName


@dataclass(frozen=True)
class Endpoint:
    """One HTTP endpoint: POST with the {"Header", "Payload"} envelope."""

    name: str  # "<family>.<operation>", unique
    family: Family
    path: str
    title: str
    seed: str  # where the docs describe it: "<seed file prefix> §<section title>"
    kind: Kind
    request: tuple[Field, ...] = ()
    response: tuple[Field, ...] = ()
    rules: tuple[Rule, ...] = ()
    alt_paths: tuple[str, ...] = ()  # other spellings of the path that the docs show
    deprecated: bool = False
    list_field: str | None = None  # for paged queries: the response array that PageIndex/PageSize page through
    response_payload_optional: bool = False  # the docs show a response with no Payload at all

    @property
    def paged(self) -> bool:
        return self.list_field is not None

    @property
    def operation(self) -> str:
        return self.name.split(".", 1)[1]


CodeTable = Literal["customization", "video_api", "video_production", "interactive"]


@dataclass(frozen=True)
class ErrorCode:
    code: int
    table: CodeTable
    meaning: str
    remedy: str
    transient: bool = False  # worth retrying a read-only query after a pause
