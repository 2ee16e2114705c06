"""Every user-visible string can be translated: lupdate finds the app's words, and no widget is given a literal."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "desktop" / "app.py", *sorted((ROOT / "desktop" / "ui").rglob("*.py"))]
SOURCES += sorted((ROOT / "desktop" / "services").rglob("*.py"))
# Calls whose string arguments people read.
SHOWN = {
    "setText", "setToolTip", "setPlaceholderText", "setWindowTitle", "setStatusTip", "setWhatsThis", "addTab",
    "addMenu", "QLabel", "QPushButton", "QAction", "QGroupBox", "QCheckBox", "QRadioButton", "QToolButton",
    "setSuffix", "setPrefix", "addRow",
}  # fmt: skip
MESSAGE_BOXES = {"critical", "warning", "information", "question", "about"}  # QMessageBox.<name>(parent, title, text)


def lupdate() -> Path:
    tool = Path(sys.executable).parent / "pyside6-lupdate"
    found = shutil.which("pyside6-lupdate") if not tool.exists() else str(tool)
    if found is None:
        pytest.fail("pyside6-lupdate is missing: it comes with PySide6-Essentials")
    return Path(found)


def test_lupdate_collects_the_words_of_every_window(tmp_path: Path) -> None:
    catalogue = tmp_path / "avatar-studio_zh_CN.ts"
    subprocess.run(
        [str(lupdate()), *map(str, SOURCES), "-ts", str(catalogue)], check=True, capture_output=True, timeout=120
    )
    messages = {
        (context.findtext("name"), message.findtext("source"))
        for context in ElementTree.parse(catalogue).getroot().iter("context")
        for message in context.iter("message")
    }
    for expected in [
        ("Areas", "Video Studio"),
        ("Menus", "&Test connection"),
        ("SettingsDialog", "Test &connection"),
        ("Connection", "Connecting to %1…"),
        ("Profiles", "Sandbox (local, free)"),
        ("ActivityModel", "Detail"),
        ("Activity", "HTTP %1, code %2"),
    ]:
        assert expected in messages
    assert len(messages) > 80


def _literal_text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = [part.value for part in node.values if isinstance(part, ast.Constant)]
        return "".join(part for part in parts if isinstance(part, str))
    return None


def _shown(call: ast.Call) -> str | None:
    """The name of a call whose string arguments people read, else None."""
    function = call.func
    if isinstance(function, ast.Attribute):
        owner = function.value
        if function.attr in MESSAGE_BOXES:
            return function.attr if isinstance(owner, ast.Name) and owner.id == "QMessageBox" else None
        return function.attr if function.attr in SHOWN else None
    return function.id if isinstance(function, ast.Name) and function.id in SHOWN else None


def untranslated(path: Path, root: Path = ROOT) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or (name := _shown(node)) is None:
            continue
        for argument in node.args:
            text = _literal_text(argument)
            if text is not None and any(ch.isalpha() for ch in text):
                found.append(f"{path.relative_to(root)}:{node.lineno}: {name}({text!r})")
    return found


def test_no_widget_is_given_a_literal_text() -> None:
    assert [line for path in SOURCES for line in untranslated(path)] == []


def test_the_rule_catches_a_literal(tmp_path: Path) -> None:
    offender = tmp_path / "offender.py"
    offender.write_text(
        'label.setText("Hello")\nQPushButton(f"Save {name}")\nlabel.setText(self.tr("Fine"))\n'
        'QMessageBox.warning(None, "Oops", text)\nlog.warning("not shown %s", x)\n'
    )
    assert len(untranslated(offender, tmp_path)) == 3


def test_every_appendix_label_is_marked_for_translation() -> None:
    from desktop.spec import enums
    from desktop.ui.common import appendix_words

    tables = (enums.SERVICE_ASSET_TYPES, enums.EMOTIONS, enums.VIRTUALMAN_TYPES, enums.LANGUAGES)
    missing = {label for table in tables for label in table.values()} - set(appendix_words.LABELS)
    assert missing == set(), "add them to desktop/ui/common/appendix_words.py"
