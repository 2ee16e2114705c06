"""The sample player against the sandbox's files, with libvlc for real (sound to `adummy`; under pytest-xvfb an
action clip draws into an X window of its own): a timbre plays to its end, an action clip plays in its window, a
missing or silent address ends in an error, stop() and the widget's deletion release the player."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

import shiboken6
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.api import Client
from desktop.media.vlc_instance import AOUT_VARIABLE, instance_options, release_shared
from desktop.ui.common.sample_player import SamplePlayer, SampleState, clock
from tests.fixtures.sandbox import Ready, sandbox_process

pytestmark = pytest.mark.vlc

PLAYED = 20000  # ms: a deadline, not a duration (the samples last 2–3 s)


@dataclass(frozen=True)
class Samples:
    timbre: str  # a WAV of speech
    action: str  # an MP4 clip
    missing: str  # a 404


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ready]:
    yield from sandbox_process(tmp_path_factory.mktemp("sandbox"))


@pytest.fixture(scope="module")
def samples(sandbox: Ready) -> Samples:
    async def read() -> tuple[str, str]:
        async with Client(sandbox.environment, sandbox.credentials) as client:
            timbre = (await client.assets.timbres(page_size=1)).items[0]
            three_d = (await client.assets.images_by_anchor("real_man_3d", page_size=1)).items[0]
            actions = await client.assets.actions(three_d.virtualman_key)
            return timbre.sample_url, actions[0].sample_url

    timbre, action = asyncio.run(read())
    return Samples(timbre, action, f"{sandbox.api}/files/nope.wav")


@pytest.fixture
def silent(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A libvlc instance of this test's own, with sound to the dummy output (no sound server is needed, none heard)."""
    monkeypatch.setenv(AOUT_VARIABLE, "adummy")
    release_shared()
    yield
    release_shared()


@pytest.fixture
def player(qtbot: QtBot, silent: None) -> Iterator[SamplePlayer]:
    widget = SamplePlayer()
    qtbot.addWidget(widget)
    widget.setGeometry(900, 500, 360, 260)  # away from the corner where a window libvlc made itself would be
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.stop()


def states_of(player: SamplePlayer) -> list[SampleState]:
    seen: list[SampleState] = []
    player.state_changed.connect(seen.append)
    return seen


def centre_colour(widget: QWidget) -> str:
    image = widget.screen().grabWindow(int(widget.winId())).toImage()
    return image.pixelColor(image.width() // 2, image.height() // 2).name()


def test_a_timbre_sample_plays_to_its_end(qtbot: QtBot, player: SamplePlayer, samples: Samples) -> None:
    player.set_source(samples.timbre, video=False)
    assert player.isEnabled() and player.message == "Ready" and not player.video_area.isVisible()
    seen = states_of(player)
    with qtbot.waitSignal(player.finished, timeout=PLAYED):
        player.play()
    assert seen == [SampleState.OPENING, SampleState.PLAYING, SampleState.ENDED]
    assert player.message == "Played to the end"
    assert player.bar.value() == player.bar.maximum()
    elapsed, _, length = player.time.text().partition(" / ")
    assert elapsed == length and length.startswith("0:0")
    assert player._current.playback is None  # released at the end


def test_an_action_clip_plays_in_its_window(qtbot: QtBot, player: SamplePlayer, samples: Samples) -> None:
    player.set_source(samples.action, video=True)
    assert player.video_area.isVisible() == (QGuiApplication.platformName() == "xcb")
    player.play()
    qtbot.waitUntil(lambda: player.state is SampleState.PLAYING, timeout=PLAYED)
    qtbot.waitUntil(lambda: player.time.text().endswith(" / 0:02"), timeout=PLAYED)
    if player.video_area.isVisible():  # the clip's picture (a plain colour) is drawn into the black area
        qtbot.waitUntil(lambda: centre_colour(player.video_area) != "#000000", timeout=PLAYED)
    with qtbot.waitSignal(player.finished, timeout=PLAYED):
        pass
    assert player.state is SampleState.ENDED


def test_a_missing_sample_is_an_error_shown(
    qtbot: QtBot, player: SamplePlayer, samples: Samples, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="desktop.ui.sample_player")
    player.set_source(f"{samples.missing}?q-signature=secret-value", video=False)
    finished: list[bool] = []
    player.finished.connect(lambda: finished.append(True))
    with qtbot.waitSignal(player.state_changed, timeout=PLAYED, check_params_cb=lambda s: s is SampleState.ERROR):
        player.play()
    assert player.message == "Could not play the sample." and player.status.isVisible()
    assert player.status.toolTip() == "The address could not be opened or read."
    assert player.button.text() == "Play" and player._current.playback is None and not finished
    assert "/files/nope.wav" in caplog.text and "secret-value" not in caplog.text


def test_stop_during_playback_returns_to_idle(qtbot: QtBot, player: SamplePlayer, samples: Samples) -> None:
    player.set_source(samples.timbre, video=False)
    player.button.click()
    qtbot.waitUntil(lambda: player.state is SampleState.PLAYING, timeout=PLAYED)
    assert player.button.text() == "Stop"
    with qtbot.waitSignal(player.state_changed, timeout=1000) as changed:
        player.button.click()
    assert changed.args == [SampleState.IDLE]
    assert player._current.playback is None and player.bar.value() == 0 and player.button.text() == "Play"
    # played again, it starts over and ends normally: nothing of the stopped playback interferes
    with qtbot.waitSignal(player.finished, timeout=PLAYED):
        player.play()


def test_a_server_that_never_answers_times_out(qtbot: QtBot, silent: None) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:  # accepts (the backlog), never answers
        player = SamplePlayer(open_timeout_ms=600)
        qtbot.addWidget(player)
        player.set_source(f"http://127.0.0.1:{server.getsockname()[1]}/slow.wav")
        player.play()
        qtbot.waitUntil(lambda: player.state is SampleState.ERROR, timeout=5000)
    assert player.message == "Could not play the sample."
    assert player.status.toolTip() == "No answer within 0.6 s."


def test_deleting_the_widget_while_playing_releases_the_player(qtbot: QtBot, silent: None, samples: Samples) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    player = SamplePlayer(window)
    QVBoxLayout(window).addWidget(player)
    window.resize(360, 260)
    window.show()
    qtbot.waitExposed(window)
    player.set_source(samples.action, video=True)
    player.play()
    qtbot.waitUntil(lambda: player.state is SampleState.PLAYING, timeout=PLAYED)
    current = player._current
    assert current.playback is not None
    player.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(player), timeout=1000)
    assert current.playback is None


def test_no_address_no_player(qtbot: QtBot) -> None:
    player = SamplePlayer()
    qtbot.addWidget(player)
    assert not player.isEnabled() and player.message == "No sample" and player.state is SampleState.IDLE
    player.play()  # nothing to play: nothing happens, libvlc is not even loaded for it
    assert player.state is SampleState.IDLE


def test_the_audio_output_is_the_dummy_where_nothing_plays_sound(tmp_path: Path) -> None:
    no_card = tmp_path / "snd"
    assert "--aout=adummy" in instance_options({"XDG_RUNTIME_DIR": str(tmp_path)}, no_card)
    assert "--aout=alsa" in instance_options({AOUT_VARIABLE: "alsa"}, no_card)
    assert not any(o.startswith("--aout") for o in instance_options({"PULSE_SERVER": "unix:/x"}, no_card))
    (tmp_path / "pulse").mkdir()
    (tmp_path / "pulse" / "native").touch()
    assert not any(o.startswith("--aout") for o in instance_options({"XDG_RUNTIME_DIR": str(tmp_path)}, no_card))
    assert {"--no-xlib", "--quiet", "--no-video-title-show"} <= set(instance_options({}, no_card))


def test_clock() -> None:
    assert [clock(0), clock(2940), clock(65_000), clock(3_720_000)] == ["0:00", "0:02", "1:05", "62:00"]
