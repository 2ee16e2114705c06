"""Audio drives against the sandbox, Qt-free: a speech file decoded by ffmpeg arrives at the sandbox as packets
120-160 ms apart (measured there), Seq 1.. and a final empty IsFinal, and is told AudioStart/AudioOver; a text
playing when audio is wanted is interrupted first (its TextOver before the audio's first packet), audio playing
when text is wanted ends with its IsFinal first; a text lost with a dropped channel is sent again after the
reconnect, one that was answered is not; an unreadable file is refused in ffmpeg's words."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from desktop.api import Client
from desktop.api import drive as messages
from desktop.api.audio_pacer import FAST_MS, FILE_PACKET_MS
from desktop.api.channel import ChannelState
from desktop.api.drive_order import DriveOrder
from desktop.media import pcm
from tests.fixtures import materials
from tests.fixtures.sandbox import Ready, fault, sandbox_process
from tests.integration.test_drive_channel import Recorder, channel_for, run
from tests.integration.test_sandbox_drive_hardening import ready_session


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ready]:
    yield from sandbox_process(tmp_path_factory.mktemp("audio"), "--time-scale", "0.002")


@pytest.fixture(scope="module")
def speech_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # mp3 at 24 kHz: decoded and resampled by the app, not handed over ready
    wav = materials.speech(tmp_path_factory.mktemp("speech") / "speech.wav", "One, two, three, four, five, six.")
    mp3 = wav.with_suffix(".mp3")
    materials.run("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(wav), str(mp3))
    return mp3


def arrivals(ready: Ready, session_id: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{ready.api}/_sandbox/arrivals", params={"session_id": session_id}, timeout=5)
    answer.raise_for_status()
    return list(answer.json()["Arrivals"])


class Driven:
    """A started DriverType 3 session with its channel and DriveOrder, on a recorder."""

    def __init__(self, ready: Ready, client: Client, session: str) -> None:
        self.recorder = Recorder()
        self.session = session
        channel, _ = channel_for(ready, session, self.recorder)
        self.order = DriveOrder(channel)
        self.channel = channel
        message, state = self.recorder.message, self.recorder.state

        def observed(downstream: messages.Downstream) -> None:
            self.order.observe(downstream)
            message(downstream)

        def state_seen(seen: ChannelState) -> None:
            self.order.channel_state(seen)
            state(seen)

        channel._on_message, channel._on_state = observed, state_seen  # the order sees them first, as in the app
        self.running = asyncio.create_task(channel.run())

    async def close(self) -> None:
        await self.channel.close()
        await asyncio.wait_for(self.running, 5)


def test_a_speech_file_is_paced_120_to_160_ms_and_spoken(quick: Ready, speech_file: Path) -> None:
    async def flow() -> None:
        async with Client(quick.environment, quick.credentials) as client:
            session = await ready_session(client, driver_type=3)
            driven = Driven(quick, client, session)
            req_id = uuid.uuid4().hex
            figures: list[Any] = []
            report = await driven.order.audio(
                req_id, pcm.pcm_chunks(pcm.file_command(speech_file)), on_figures=figures.append
            )
            await driven.recorder.until(lambda: driven.recorder.said(req_id, "AudioOver") is not None)
            assert driven.recorder.said(req_id, "AudioStart") is not None
            assert not [m for _, m in driven.recorder.messages if m.failed]
            await driven.close()
            await client.sessions.close(session)

            got = [a for a in arrivals(quick, session) if a["ReqId"] == req_id]
            assert [a["Seq"] for a in got] == list(range(1, len(got) + 1))
            assert got[-1]["IsFinal"] and not any(a["IsFinal"] for a in got[:-1])
            data = got[:-1]
            assert len(data) == report.packets and report.packets >= 10  # ~2.5 s of speech
            gaps = [b["At"] - a["At"] for a, b in itertools.pairwise(data)]
            assert all(120 <= gap <= 160 for gap in gaps), [
                (i, round(gap)) for i, gap in enumerate(gaps) if not 120 <= gap <= 160
            ]
            assert min(gaps) < (FAST_MS + FILE_PACKET_MS) / 2 < max(gaps)  # the lead was built up, then held
            assert figures[-1].done and 0.75 <= figures[-2].realtime_rate <= 1.0
            assert 0 < figures[-2].lead_ms < 600

    run(flow())


def test_text_and_audio_keep_the_documented_order(quick: Ready, speech_file: Path) -> None:
    async def flow() -> None:
        async with Client(quick.environment, quick.credentials) as client:
            session = await ready_session(client, driver_type=3)
            driven = Driven(quick, client, session)
            said = driven.recorder.said
            text = messages.send_text(session, "A long sentence that is still being said when the audio is wanted.")
            text_id = text["Payload"]["ReqId"]
            await driven.order.text(text)
            await driven.recorder.until(lambda: said(text_id, "TextStart") is not None)
            assert driven.order.text_playing

            audio_id = uuid.uuid4().hex
            audio = asyncio.create_task(driven.order.audio(audio_id, pcm.pcm_chunks(pcm.file_command(speech_file))))
            await driven.recorder.until(lambda: said(audio_id, "AudioStart") is not None)
            text_over = said(text_id, "TextOver")
            assert text_over is not None and text_over < (said(audio_id, "AudioStart") or 0)

            after = messages.send_text(session, "Text after the audio.")
            after_id = after["Payload"]["ReqId"]
            await driven.order.text(after)  # ends the audio first: IsFinal, AudioOver
            report = await audio
            assert report.stopped
            await driven.recorder.until(lambda: said(after_id, "TextOver") is not None)
            audio_over = said(audio_id, "AudioOver")
            assert audio_over is not None and audio_over < (said(after_id, "TextStart") or 0)
            assert not [m for _, m in driven.recorder.messages if m.failed], "the sandbox refused an out-of-order drive"
            await driven.close()
            await client.sessions.close(session)

    run(flow())


def test_a_text_lost_with_the_channel_is_sent_again_once(quick: Ready) -> None:
    async def flow() -> None:
        async with Client(quick.environment, quick.credentials) as client:
            session = await ready_session(client)
            driven = Driven(quick, client, session)
            said = driven.recorder.said
            await driven.recorder.until(
                lambda: bool(driven.recorder.states) and driven.recorder.states[-1].state == "open"
            )
            answered = messages.send_text(session, "Answered before the drop.")
            answered_id = answered["Payload"]["ReqId"]
            await driven.order.text(answered)
            await driven.recorder.until(lambda: said(answered_id, "TextStart") is not None)

            fault(quick, fault="drop_channel", session_id=session)
            lost = messages.send_text(session, "Lost with the drop.")
            lost_id = lost["Payload"]["ReqId"]
            await driven.order.text(lost)  # discarded by the sandbox, which then drops the socket
            await driven.recorder.until(lambda: said(lost_id, "TextOver") is not None)
            assert driven.channel.reconnects == 1 and driven.order.resent == 1
            texts = [a for a in arrivals(quick, session) if a["Command"] == "SEND_TEXT"]
            assert [a["ReqId"] for a in texts].count(answered_id) == 1
            assert not [m for _, m in driven.recorder.messages if m.failed]
            await driven.close()
            await client.sessions.close(session)

    run(flow())


def test_an_unreadable_sound_file_is_refused_in_words(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"not a sound at all" * 100)

    async def read() -> list[bytes]:
        return [chunk async for chunk in pcm.pcm_chunks(pcm.file_command(broken))]

    with pytest.raises(pcm.PcmError) as refused:
        run(read())
    assert "broken.mp3" in str(refused.value) or "Invalid data" in str(refused.value)
