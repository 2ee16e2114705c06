"""The Activity page's model holds no more than the log keeps: rows go as the log drops its oldest entries."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from PySide6.QtCore import QModelIndex, QPersistentModelIndex

from desktop.services.activity import ActivityLog
from desktop.ui.activity_page import ActivityModel, ActivityPage


def test_rows_are_dropped_with_the_log(qtbot: QtBot) -> None:
    log = ActivityLog(capacity=50)
    for number in range(10):
        log.add("event", f"entry {number}")
    model = ActivityModel(log)
    removed: list[tuple[int, int]] = []

    def about_to_remove(_parent: QModelIndex | QPersistentModelIndex, first: int, last: int) -> None:
        removed.append((first, last))

    model.rowsAboutToBeRemoved.connect(about_to_remove)
    for number in range(10, 120):
        log.add("event", f"entry {number}")
    assert model.rowCount() == len(log.entries) == 50
    assert [model.entry(row).title for row in (0, 49)] == ["entry 70", "entry 119"]
    assert removed == [(0, 0)] * 70
    log.clear()
    assert model.rowCount() == 0


def test_the_page_filters_what_is_left(qtbot: QtBot) -> None:
    log = ActivityLog(capacity=20)
    page = ActivityPage(log)
    qtbot.addWidget(page)
    for number in range(30):
        log.add("request" if number % 2 else "event", f"call {number}")
    page.filter.setText("request")
    assert page.proxy.rowCount() == 10
    assert page.model.rowCount() == 20
