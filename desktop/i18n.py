"""Translatable text with Qt's `%1`-style arguments, which PySide has no QString.arg for: translators can move `%1`
and `%2` within a sentence, and Qt Linguist checks that a translation keeps them. Every user-visible string goes
through `self.tr()` or `QCoreApplication.translate(context, text)` (lupdate collects both), and its values through
`args`, never by concatenating translated pieces."""

from __future__ import annotations

import re

_ARGUMENT = re.compile(r"%(\d)")


def args(template: str, *values: object) -> str:
    """`template` with %1..%9 replaced by the values, in one pass (a value that contains "%2" stays as it is)."""

    def value(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        return str(values[index]) if 0 <= index < len(values) else match.group(0)

    return _ARGUMENT.sub(value, template)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    """Marks a string declared at import time (before a translator is installed) for lupdate; translate it where
    it is shown, with `QCoreApplication.translate(context, text)`. PySide's own version is typed as returning
    object."""
    return text
