"""The main window's areas. Each has a key, a title and a page widget; the areas still to be built say what they
will hold and show the connection state, so a new user knows where things are.

The areas are declared at import time, before any translator is installed: their words are marked with
QT_TRANSLATE_NOOP (so lupdate collects them) and translated where they are shown (`Area.words`).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.i18n import QT_TRANSLATE_NOOP, args

_CONTEXT = "Areas"


@dataclass(frozen=True)
class Area:
    key: str
    title: str  # untranslated (marked for lupdate): show shown_title
    subtitle: str
    icon: str  # a QStyle.StandardPixmap name: resolving it builds a large enum, so it waits for first paint
    plans: tuple[str, ...] = ()

    @property
    def shown_title(self) -> str:
        return QCoreApplication.translate(_CONTEXT, self.title)

    @property
    def shown_subtitle(self) -> str:
        return QCoreApplication.translate(_CONTEXT, self.subtitle)

    @property
    def shown_plans(self) -> tuple[str, ...]:
        return tuple(QCoreApplication.translate(_CONTEXT, plan) for plan in self.plans)


AREAS: tuple[Area, ...] = (
    Area(
        "assets",
        QT_TRANSLATE_NOOP("Areas", "Assets"),
        QT_TRANSLATE_NOOP("Areas", "Avatars, anchors, images, timbres, actions and service quotas."),
        "SP_DirIcon",
        (
            QT_TRANSLATE_NOOP("Areas", "Browse and search avatars with their pictures"),
            QT_TRANSLATE_NOOP("Areas", "Play timbre samples"),
            QT_TRANSLATE_NOOP("Areas", "See quotas and hourly packages"),
        ),
    ),
    Area(
        "customize",
        QT_TRANSLATE_NOOP("Areas", "Customize"),
        QT_TRANSLATE_NOOP("Areas", "Train your own avatar or clone a voice."),
        "SP_FileDialogNewFolder",
        (
            QT_TRANSLATE_NOOP("Areas", "Check materials against the documented limits before upload"),
            QT_TRANSLATE_NOOP("Areas", "Upload to COS"),
            QT_TRANSLATE_NOOP("Areas", "Follow and confirm"),
        ),
    ),
    Area(
        "studio",
        QT_TRANSLATE_NOOP("Areas", "Video Studio"),
        QT_TRANSLATE_NOOP("Areas", "Text to speech, avatar videos and photo-to-video."),
        "SP_MediaPlay",
        (
            QT_TRANSLATE_NOOP("Areas", "A job queue that respects quotas"),
            QT_TRANSLATE_NOOP("Areas", "Results and subtitles downloaded before they expire"),
        ),
    ),
    Area(
        "live",
        QT_TRANSLATE_NOOP("Areas", "Live"),
        QT_TRANSLATE_NOOP("Areas", "Run live digital-human streams."),
        "SP_ComputerIcon",
        (
            QT_TRANSLATE_NOOP("Areas", "Create, start and close sessions"),
            QT_TRANSLATE_NOOP("Areas", "Watch the stream"),
            QT_TRANSLATE_NOOP("Areas", "Drive with text, audio and the microphone"),
        ),
    ),
    Area(
        "activity",
        QT_TRANSLATE_NOOP("Areas", "Activity"),
        QT_TRANSLATE_NOOP("Areas", "Every request and event, newest at the bottom. Secrets are never shown."),
        "SP_FileDialogDetailedView",
    ),
)

AREA_KEYS = tuple(area.key for area in AREAS)


def page_header(area: Area, layout: QVBoxLayout, parent: QWidget) -> None:
    title = QLabel(area.shown_title, parent)
    title.setObjectName("pageTitle")
    subtitle = QLabel(area.shown_subtitle, parent)
    subtitle.setObjectName("pageSubtitle")
    subtitle.setWordWrap(True)
    layout.addWidget(title)
    layout.addWidget(subtitle)


class PlannedPage(QWidget):
    """An area whose tools arrive in a later release."""

    def __init__(self, area: Area, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.area = area
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        page_header(area, layout, self)
        plans = "".join(f"<li>{plan}</li>" for plan in area.shown_plans)
        self.notice = QLabel(args(self.tr("<p>Coming in the next releases:</p><ul>%1</ul>"), plans), self)
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        layout.addSpacing(12)
        layout.addWidget(self.notice)
        self.connection = QLabel(self)
        self.connection.setWordWrap(True)
        layout.addWidget(self.connection)
        layout.addStretch(1)

        self.handed = QLabel(self)  # what another area asked this one to take, until the area is built
        self.handed.setObjectName("handoff")
        self.handed.setWordWrap(True)
        self.handed.hide()
        layout.insertWidget(layout.count() - 1, self.handed)

    def show_health(self, text: str) -> None:
        self.connection.setText(args(self.tr("Connection: %1"), text))

    def show_handoff(self, text: str) -> None:
        self.handed.setText(text)
        self.handed.setVisible(bool(text))
