"""Reads answers through the spec, so every spelling the docs show (TaskID, TimbreDetails, PoselImage...) is
understood in one place, and numbers sent as strings (or strings as numbers) come out as the type asked for."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from desktop.spec.model import Field


class Reader:
    """A view of one answer object described by spec fields."""

    def __init__(self, fields: Sequence[Field], data: Any) -> None:
        self._fields = {f.name: f for f in fields}
        self._data: Mapping[str, Any] = data if isinstance(data, Mapping) else {}

    def raw(self, name: str) -> Any:
        spec = self._fields.get(name)
        names = (name, *(spec.aliases if spec else ()))
        for key in names:
            if key in self._data:
                return self._data[key]
        return None

    def text(self, name: str, default: str = "") -> str:
        value = self.raw(name)
        if value is None or isinstance(value, Mapping | list):
            return default
        return str(value)

    def integer(self, name: str, default: int = 0) -> int:
        value = self.raw(name)
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int | float):
            return int(value)
        if isinstance(value, str):
            try:
                return int(float(value))
            except (ValueError, OverflowError):  # "abc", "nan", "1e999"
                return default
        return default

    def number(self, name: str, default: float = 0.0) -> float:
        value = self.raw(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                return default
        return default

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.raw(name)
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes")
        if isinstance(value, int):
            return value != 0
        return default

    def strings(self, name: str) -> tuple[str, ...]:
        value = self.raw(name)
        return tuple(str(v) for v in value) if isinstance(value, list) else ()

    def floats(self, name: str) -> tuple[float, ...]:
        value = self.raw(name)
        if not isinstance(value, list):
            return ()
        return tuple(float(v) for v in value if isinstance(v, int | float) and not isinstance(v, bool))

    def obj(self, name: str) -> Reader:
        spec = self._fields.get(name)
        return Reader(spec.fields if spec else (), self.raw(name))

    def items(self, name: str) -> list[Reader]:
        spec = self._fields.get(name)
        value = self.raw(name)
        if not isinstance(value, list):
            return []
        members = spec.fields if spec else ()
        return [Reader(members, item) for item in value if isinstance(item, Mapping)]

    def has(self, name: str) -> bool:
        return self.raw(name) is not None
