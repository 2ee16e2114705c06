"""The Live panel against the sandbox, with its real nginx-rtmp and libvlc in a real X window: a session created
from an avatar prepares, goes live and plays (the picture in the VLC widget is not black); a text drive shows
TextStart and TextOver in the timeline; closing it closes the session and its ledger row; the window asks before
quitting with a session open; the Assets hand-off pre-selects the avatar; an "Audio and text" session is driven by
a sound file and by push-to-talk from a virtual PulseAudio microphone (AudioStart/AudioOver in the timeline)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from desktop.app import App
from desktop.services import settings as opt
from desktop.services.session_ledger import SessionLedger, ledger_file
from desktop.services.settings import Settings
from desktop.ui.common.handoff import StartLiveWith
from desktop.ui.live.page import LivePage
from tests.fixtures import materials
from tests.fixtures.app import AppFactory, started
from tests.fixtures.pulse import VirtualMicrophone

pytestmark = pytest.mark.vlc


def live_page(qtbot: QtBot, make_app: AppFactory, data_dir: Path) -> tuple[App, LivePage]:
    settings = Settings(data_dir / "settings.ini")
    settings.set(opt.SANDBOX_TIME_SCALE, 0.1)  # model loading in a fraction of a second
    settings.sync()
    app = started(qtbot, make_app())
    app.window.show_area("live")
    page = app.window.page("live")
    assert isinstance(page, LivePage)
    qtbot.waitUntil(lambda: page.session is not None and bool(page.avatar.records), timeout=30000)
    return app, page


def picture(page: LivePage) -> np.ndarray:
    """What the X server shows in the video widget (libvlc draws there, not Qt: grab the window itself)."""
    video = page.stream.video
    screen = QApplication.primaryScreen()
    image = screen.grabWindow(int(video.winId())).toImage().convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes()).copy()  # the image is freed
    return data.reshape(height, image.bytesPerLine())[:, : width * 4].reshape(height, width, 4)[..., :3]


def test_a_session_goes_live_plays_speaks_and_closes(qtbot: QtBot, make_app: AppFactory, data_dir: Path) -> None:
    app, page = live_page(qtbot, make_app, data_dir)
    session = page.session
    assert session is not None
    page.avatar.set_current(page.avatar.records[0])
    assert page.create_button.isEnabled()
    phases: list[str] = []
    session.status_changed.connect(lambda status: phases.append(status.phase))
    page.create_button.click()
    qtbot.waitUntil(lambda: session.status.phase == "live", timeout=30000)
    assert phases[:2] == ["creating", "preparing"] and "starting" in phases
    assert "Live" in page.state_label.text() and session.status.session_id in page.state_label.text()
    profile = app.connection.profile.key if app.connection else ""
    rows = SessionLedger(ledger_file(data_dir)).still_open(profile)
    assert [r.session_id for r in rows] == [session.status.session_id]  # recorded while open

    qtbot.waitUntil(lambda: page.stream.state == "playing", timeout=20000)
    qtbot.waitUntil(lambda: float(picture(page).mean()) > 20, timeout=10000)  # the avatar, not a black window
    qtbot.waitUntil(lambda: session.channel_state.state == "open", timeout=10000)
    page.snapshot_dir = data_dir / "pictures"
    with qtbot.waitSignal(page.stream.snapshot_taken, timeout=10000) as taken:
        page.snapshot_button.click()
    path, ok = taken.args
    assert ok and Path(path).parent == page.snapshot_dir and Path(path).read_bytes()[:4] == b"\x89PNG"
    page.mute.setChecked(True)
    page.volume.setValue(30)

    page.text.setPlainText("Hello from the live panel.")
    qtbot.keyClick(page.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(page.drives) == 1, timeout=5000)
    drive = next(iter(page.drives.values()))
    qtbot.waitUntil(lambda: "TextOver" in drive.seen, timeout=30000)
    assert "TextStart" in drive.seen and drive.seen["TextStart"] <= drive.seen["TextOver"]
    assert drive.item.text(3).endswith(" ms")  # Send → TextStart
    assert page.text.toPlainText() == ""

    page.close_button.click()
    qtbot.waitUntil(lambda: session.status.phase == "closed", timeout=15000)
    assert page.stream.state == "idle"
    qtbot.waitUntil(lambda: not SessionLedger(ledger_file(data_dir)).still_open(profile), timeout=5000)


def test_the_assets_handoff_chooses_the_avatar(qtbot: QtBot, make_app: AppFactory, data_dir: Path) -> None:
    app, page = live_page(qtbot, make_app, data_dir)
    wanted = page.avatar.records[-1]
    app.window.route(StartLiveWith(wanted.virtualman_key))
    assert app.window.current_area() == "live"
    assert page.avatar.current is wanted and page.create_button.isEnabled()


def test_a_session_left_open_by_an_earlier_run_is_found_and_closed(
    qtbot: QtBot, make_app: AppFactory, data_dir: Path
) -> None:
    app, page = live_page(qtbot, make_app, data_dir)
    connection, engine = app.connection, app.engine
    assert connection is not None and connection.client is not None and engine is not None
    client, profile = connection.client, connection.profile.key
    ledger = SessionLedger(ledger_file(data_dir))
    key = page.avatar.records[0].virtualman_key

    async def earlier_run() -> str:  # what a run that crashed after createsession leaves: a row and a stream
        row = ledger.asking(profile, "crashed-viewer", key)
        created = await client.sessions.create_by_asset(key, "crashed-viewer")
        ledger.opened(row, created.session_id)
        return created.session_id

    left = engine.submit(earlier_run()).result(20)
    window = app.window
    window._left_open_checked.clear()  # as at the next start
    window._look_for_left_open()
    qtbot.waitUntil(lambda: window.left_open_question is not None, timeout=15000)
    question = window.left_open_question
    assert question is not None
    assert left in question.informativeText() and "earlier run of this app" in question.informativeText()
    close = next(b for b in question.buttons() if b.text() == "Close them")
    close.click()
    qtbot.waitUntil(lambda: not ledger.still_open(profile), timeout=15000)
    listed = engine.submit(client.sessions.list_all()).result(10)
    assert all(s.status == 2 for s in listed if s.session_id == left)


def test_sound_drives_from_a_file_and_the_microphone(
    qtbot: QtBot, make_app: AppFactory, data_dir: Path, microphone: VirtualMicrophone, tmp_path: Path
) -> None:
    _app, page = live_page(qtbot, make_app, data_dir)
    session = page.session
    assert session is not None
    speech = materials.speech(tmp_path / "speech.wav", "Sound from a file, then from the microphone.")
    page.avatar.set_current(page.avatar.records[0])
    page.form.driver.setCurrentIndex(page.form.driver.findData(3))
    assert not page.audio.file_button.isEnabled()  # no live session yet
    page.create_button.click()
    qtbot.waitUntil(lambda: session.status.phase == "live" and session.channel_state.state == "open", timeout=30000)
    assert page.audio.file_button.isEnabled()

    file_drive = page.audio.drive_file(speech)
    assert file_drive
    qtbot.waitUntil(lambda: "AudioOver" in page.drives[file_drive].seen, timeout=30000)
    assert "AudioStart" in page.drives[file_drive].seen
    assert page.audio.figures.text().startswith("Sound sent")

    qtbot.waitUntil(lambda: page.audio.microphone.findData(microphone.source) >= 0, timeout=10000)
    page.audio.microphone.setCurrentIndex(page.audio.microphone.findData(microphone.source))
    assert page.audio.talk_button.isEnabled()
    with qtbot.waitSignal(session.audio_progress, timeout=10000):  # the capture runs
        qtbot.mousePress(page.audio.talk_button, Qt.MouseButton.LeftButton)
    talk_drive = page.audio.talking
    assert talk_drive in page.drives
    player = microphone.play(speech)
    qtbot.waitUntil(lambda: player.poll() is not None, timeout=20000)
    with qtbot.waitSignal(session.audio_finished, timeout=10000) as finished:
        qtbot.mouseRelease(page.audio.talk_button, Qt.MouseButton.LeftButton)
    report = finished.args[0]
    assert report.req_id == talk_drive and report.audio_ms > 1500  # the speech was heard
    qtbot.waitUntil(lambda: "AudioOver" in page.drives[talk_drive].seen, timeout=15000)
    assert "AudioStart" in page.drives[talk_drive].seen
    errors = [row for row in page.drives.values() if "Error" in row.seen]
    assert not errors
    page.close_button.click()
    qtbot.waitUntil(lambda: session.status.phase == "closed", timeout=15000)


def cue_state(page: LivePage, row: int) -> str:
    item = page.sheet.cues.item(row, 2)
    return item.text() if item is not None else ""


def test_a_script_interrupted_mid_cue_resumes_at_that_cue(qtbot: QtBot, make_app: AppFactory, data_dir: Path) -> None:
    app, page = live_page(qtbot, make_app, data_dir)
    session = page.session
    assert session is not None
    page.avatar.set_current(page.avatar.records[0])
    page.create_button.click()
    qtbot.waitUntil(lambda: session.status.phase == "live" and session.channel_state.state == "open", timeout=30000)
    page.tabs.setCurrentWidget(page.sheet)
    page.sheet.lines.setPlainText(
        "First cue.\nThe second cue is a longer one, cut in the middle.\nThird cue.\n~ Filler.\n"
    )
    page.sheet.use_button.click()
    assert page.sheet.cues.rowCount() == 3 and page.queue.fillers == ["Filler."]

    def spoken(status: str) -> list[str]:
        return [row.item.text(1) for row in page.drives.values() if status in row.seen]

    page.sheet.play_button.click()
    qtbot.waitUntil(lambda: len(spoken("TextStart")) == 2, timeout=20000)  # the second cue is being said
    qtbot.keyClick(page.text, Qt.Key.Key_Escape)
    assert not page.queue.playing and page.queue.position == 1
    assert cue_state(page, 1) == "cut: resumes here"
    page.sheet.play_button.click()
    qtbot.waitUntil(lambda: cue_state(page, 2) == "said", timeout=30000)
    said = [row.item.text(1) for row in page.drives.values()]
    cues = [page.queue.cues[i].text for i in range(3)]
    assert said == [cues[0], cues[1], cues[1], cues[2]]  # never out of order, the cut cue said again
    assert page.sheet.summary.text().startswith("3 of 3")
    kept = data_dir / "live-script.txt"
    qtbot.waitUntil(kept.exists, timeout=5000)
    assert "~ Filler." in kept.read_text() and app.window is not None
    page.close_button.click()
    qtbot.waitUntil(lambda: session.status.phase == "closed", timeout=15000)


def test_text_sent_before_the_session_is_live_stays_in_the_box(
    qtbot: QtBot, make_app: AppFactory, data_dir: Path
) -> None:
    """Ctrl+Enter reaches the box with Send disabled: the line typed ahead (while preparing, say) must not vanish."""
    _app, page = live_page(qtbot, make_app, data_dir)
    said: list[str] = []
    page.status_message.connect(said.append)
    page.text.setFocus()
    qtbot.keyClicks(page.text, "Welcome, everyone.")
    qtbot.keyClick(page.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(
        page.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert page.text.toPlainText() == "Welcome, everyone."
    assert said and said[-1].startswith("Not live yet")
    assert not page.drives and page.queue.current is None
