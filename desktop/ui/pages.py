"""The main window's areas. Each has a key, a title and a page widget; the areas still to be built say what they
will hold and show the connection state, so a new user knows where things are."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    subtitle: str
    icon: str  # a QStyle.StandardPixmap name: resolving it builds a large enum, so it waits for first paint
    plans: tuple[str, ...] = ()


AREAS: tuple[Area, ...] = (
    Area(
        "assets",
        "Assets",
        "Avatars, anchors, images, timbres, actions and service quotas.",
        "SP_DirIcon",
        ("Browse and search avatars with their pictures", "Play timbre samples", "See quotas and hourly packages"),
    ),
    Area(
        "customize",
        "Customize",
        "Train your own avatar or clone a voice.",
        "SP_FileDialogNewFolder",
        ("Check materials against the documented limits before upload", "Upload to COS", "Follow and confirm"),
    ),
    Area(
        "studio",
        "Video Studio",
        "Text to speech, avatar videos and photo-to-video.",
        "SP_MediaPlay",
        ("A job queue that respects quotas", "Results and subtitles downloaded before they expire"),
    ),
    Area(
        "live",
        "Live",
        "Run live digital-human streams.",
        "SP_ComputerIcon",
        ("Create, start and close sessions", "Watch the stream", "Drive with text, audio and the microphone"),
    ),
    Area(
        "activity",
        "Activity",
        "Every request and event, newest at the bottom. Secrets are never shown.",
        "SP_FileDialogDetailedView",
    ),
)

AREA_KEYS = tuple(area.key for area in AREAS)


def page_header(area: Area, layout: QVBoxLayout, parent: QWidget) -> None:
    title = QLabel(area.title, parent)
    title.setObjectName("pageTitle")
    subtitle = QLabel(area.subtitle, parent)
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
        plans = "".join(f"<li>{plan}</li>" for plan in area.plans)
        self.notice = QLabel(f"<p>Coming in the next releases:</p><ul>{plans}</ul>", self)
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        layout.addSpacing(12)
        layout.addWidget(self.notice)
        self.connection = QLabel(self)
        self.connection.setWordWrap(True)
        layout.addWidget(self.connection)
        layout.addStretch(1)

    def show_health(self, health: str, text: str) -> None:
        self.connection.setText(f"Connection: {text}")
