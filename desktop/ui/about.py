"""About: what the app is, its version, the libraries it runs on, and where it keeps its files."""

from __future__ import annotations

import platform
from pathlib import Path

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop.version import APP_NAME, VERSION


class AboutDialog(QDialog):
    def __init__(self, data_dir: Path, log_file: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        layout = QVBoxLayout(self)
        log_line = f"<br>Log: {log_file}" if log_file else ""
        text = QLabel(
            f"<h2>{APP_NAME} {VERSION}</h2>"
            "<p>A desktop studio for the Tencent Cloud AI Digital Human platform: assets, avatar and voice "
            "customization, video production and live streams, with a local sandbox of the whole platform.</p>"
            f"<p>Python {platform.python_version()} · Qt {qVersion()} · PySide6 {PySide6.__version__}</p>"
            f"<p>Data: {data_dir}{log_line}</p>"
            "<p>Open source under the Apache License 2.0.</p>",
            self,
        )
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
