"""The layering of docs/architecture.md, enforced: lower layers never import higher ones, and the API client works
from a plain script with no Qt loaded."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "desktop"

# What each layer may import, of the app's own packages and of Qt.
ALLOWED: dict[str, set[str]] = {
    "spec": {"spec"},
    "api": {"spec", "api", "logs"},
    "media": {"spec", "media", "logs"},
    "services": {
        "spec",
        "api",
        "media",
        "services",
        "logs",
        "i18n",
        "version",
        "PySide6.QtCore",
        "PySide6.QtGui",
        "shiboken6",
    },
    "ui": {"spec", "api", "media", "services", "ui", "logs", "i18n", "version", "PySide6", "shiboken6"},
    # The sandbox talks to the app over sockets only: it may use the spec, media probing and the pure signing
    # function.
    "sandbox": {"spec", "media", "sandbox", "api.signing"},
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _violations(layer: str) -> list[str]:
    allowed = ALLOWED[layer]
    found = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in _imports(path):
            if name.startswith("desktop."):
                target = name.removeprefix("desktop.")
            elif name.startswith(("PySide6", "shiboken6")):
                target = name
            else:
                continue
            if not any(target == rule or target.startswith(rule + ".") for rule in allowed):
                found.append(f"{path.relative_to(PACKAGE.parent)} imports {name}")
    return found


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    assert _violations(layer) == []


def test_the_rule_catches_a_violation(tmp_path: Path) -> None:
    offender = PACKAGE / "api" / "_layer_probe.py"
    offender.write_text("from desktop.services import engine\nimport PySide6.QtWidgets\n", encoding="utf-8")
    try:
        assert len(_violations("api")) == 2
    finally:
        offender.unlink()


def test_the_api_works_from_a_plain_script_without_qt() -> None:
    script = (
        "import asyncio, sys\n"
        "from desktop.api import Client, Credentials, INTERNATIONAL, ValidationError\n"
        "from desktop.api.signing import signature\n"
        "async def main():\n"
        "    async with Client(INTERNATIONAL, Credentials('k', 't')) as client:\n"
        "        try:\n"
        "            await client.assets.timbres(page_size=500)\n"
        "        except (ValueError, ValidationError) as exc:\n"
        "            print('refused:', exc)\n"
        "asyncio.run(main())\n"
        "print(signature({'appkey': 'example_appkey', 'timestamp': '1717639699'}, 'example_accesstoken'))\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    lines = result.stdout.splitlines()
    assert lines[0] == "refused: PageSize must be within [1, 100] (got 500)"
    assert lines[1] == "aCNWYzZdplxWVo+JsqzZc9+J9XrwWWITfX3eQpsLVno="
    assert lines[2] == "[]"
