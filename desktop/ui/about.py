"""About: what the app is, its version, the libraries it runs on, and where it keeps its files."""

from __future__ import annotations

import platform
from pathlib import Path

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop.i18n import args
from desktop.version import APP_NAME, VERSION


class AboutDialog(QDialog):
    def __init__(self, data_dir: Path, log_file: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(args(self.tr("About %1"), APP_NAME))
        layout = QVBoxLayout(self)
        versions = f"Python {platform.python_version()} · Qt {qVersion()} · PySide6 {PySide6.__version__}"
        where = args(self.tr("Data: %1"), data_dir)
        if log_file:
            where += "<br>" + args(self.tr("Log: %1"), log_file)
        text = QLabel(
            f"<h2>{APP_NAME} {VERSION}</h2><p>"
            + self.tr(
                "A desktop studio for the Tencent Cloud AI Digital Human platform: assets, avatar and voice "
                "customization, video production and live streams, with a local sandbox of the whole platform."
            )
            + f"</p><p>{versions}</p><p>{where}</p><p>"
            + self.tr("Open source under the Apache License 2.0.")
            + "</p>",
            self,
        )
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
