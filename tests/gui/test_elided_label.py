"""A label in a crowded row shortens its text with "…" and keeps the whole of it in the tooltip."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.ui.common.elided_label import ElidedLabel

TEXT = "Drive channel: reconnecting (the server closed the connection)…  · reconnected 2 time(s)"


def test_a_narrow_label_shows_the_start_and_an_ellipsis_and_tells_the_rest_in_its_tooltip(qtbot: QtBot) -> None:
    label = ElidedLabel(TEXT)
    qtbot.addWidget(label)
    label.resize(90, 20)
    label.show()
    qtbot.waitExposed(label)
    shown = label.text()
    assert shown != TEXT and shown.endswith("…") and TEXT.startswith(shown[:-1])
    assert label.toolTip() == TEXT and label.full_text() == TEXT

    label.resize(label.fontMetrics().horizontalAdvance(TEXT) + 20, 20)
    qtbot.waitUntil(lambda: label.text() == TEXT)
    assert label.toolTip() == ""

    label.setText("Drive channel: open")
    assert label.text() == "Drive channel: open" and label.full_text() == "Drive channel: open"
