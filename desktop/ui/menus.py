"""The main window's menus and their shortcuts. Built a tick after the window first shows: the first QAction
initialises PySide's Qt namespace (~150 enums), which the window should not wait for (bench/startup.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence

from desktop.i18n import args
from desktop.ui.pages import AREAS
from desktop.version import APP_NAME

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

translate = QCoreApplication.translate


@dataclass(frozen=True)
class MenuActions:
    settings: QAction
    test_connection: QAction
    areas: tuple[QAction, ...]


def _action(
    window: MainWindow,
    text: str,
    slot: Callable[[], object],
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    return action


def build_menus(window: MainWindow) -> MenuActions:
    bar = window.menuBar()
    file_menu = bar.addMenu(translate("Menus", "&File"))
    settings = _action(
        window, translate("Menus", "&Settings…"), window.open_settings, QKeySequence.StandardKey.Preferences
    )
    if settings.shortcut().isEmpty():  # no platform standard for Preferences on Linux
        settings.setShortcut(QKeySequence("Ctrl+,"))
    file_menu.addAction(settings)
    test_connection = _action(window, translate("Menus", "&Test connection"), window.test_connection, "Ctrl+T")
    file_menu.addAction(test_connection)
    file_menu.addSeparator()
    file_menu.addAction(_action(window, translate("Menus", "Open &data folder"), window.open_data_folder))
    file_menu.addSeparator()
    file_menu.addAction(_action(window, translate("Menus", "&Quit"), window.close, QKeySequence.StandardKey.Quit))

    view_menu = bar.addMenu(translate("Menus", "&View"))
    areas = []
    for number, area in enumerate(AREAS, start=1):
        action = _action(window, area.shown_title, partial(window.show_area, area.key), f"Ctrl+{number}")
        view_menu.addAction(action)
        areas.append(action)

    help_menu = bar.addMenu(translate("Menus", "&Help"))
    help_menu.addAction(_action(window, args(translate("Menus", "&About %1"), APP_NAME), window.open_about))
    return MenuActions(settings, test_connection, tuple(areas))
