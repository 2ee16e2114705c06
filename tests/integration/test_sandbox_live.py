"""The live stream, listened to: decodable video and audio soon after status 1, the speech of a text drive in the
stream's sound when TextStart says so, silence around it, and the end of the stream at closesession."""

from __future__ import annotations

import asyncio
import json
import subprocess
import threading
import time
import uuid
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import numpy as np
import pytest
from websockets.asyncio.client import connect

from desktop.api import Client
from desktop.api import drive as messages
from desktop.sandbox.live import LIVE_SIZE, LiveRenderer, Segment, pcm16k
from desktop.sandbox.scene import Frame, Scene
from desktop.sandbox.speech import synthesizer
from tests.fixtures.sandbox import Ready, sandbox_process

T = TypeVar("T")
RATE = 16000


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ready]:
    yield from sandbox_process(tmp_path_factory.mktemp("stream"), "--time-scale", "0.1")


class Listener:
    """ffmpeg reading a stream's sound as 16 kHz PCM, remembering when each chunk arrived.

    A context manager: the ffmpeg process is killed and reaped however the test ends. `waited()` says which stage was
    slow when the sound does not come (connecting and probing the stream, or the sound itself)."""

    def __init__(self, url: str) -> None:
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            # Half a second of probing, not ffmpeg's default 5 (it settles after about 2 s on this stream): the
            # listener is heard from within a second, leaving the wait for sound to the stream itself.
            ["ffmpeg", "-v", "error", "-fflags", "nobuffer", "-analyzeduration", "500000", "-rw_timeout", "8000000",
             "-i", url,
             "-vn", "-ac", "1", "-ar", str(RATE), "-f", "s16le", "-"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        self.chunks: list[tuple[float, bytes]] = []
        self.errors: list[str] = []
        self.flowing = threading.Event()
        self.ended = threading.Event()
        self._threads = [threading.Thread(target=self._read, daemon=True),
                         threading.Thread(target=self._read_errors, daemon=True)]  # fmt: skip
        for thread in self._threads:
            thread.start()

    def __enter__(self) -> Listener:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _read(self) -> None:
        assert self.process.stdout is not None
        while chunk := self.process.stdout.read(640):
            self.chunks.append((time.monotonic(), chunk))
            if sum(len(c) for _, c in self.chunks) > RATE * 2:  # a second of sound
                self.flowing.set()
        self.ended.set()

    def _read_errors(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.errors.append(line.decode(errors="replace").strip())

    def wait_flowing(self, timeout: float = 10) -> None:
        """Until a second of sound has come; else fail saying what was slow."""
        assert self.flowing.wait(timeout), self.waited()

    def waited(self) -> str:
        """What the wait for sound was spent on, for a failure message."""
        now = time.monotonic()
        if not self.chunks:
            exited = f", ffmpeg exited with {self.process.poll()}" if self.process.poll() is not None else ""
            said = f": {' | '.join(self.errors[-3:])}" if self.errors else ""
            return f"no sound came from the stream: nothing decoded in {now - self.started:.1f} s{exited}{said}"
        first = self.chunks[0][0] - self.started
        seconds = sum(len(c) for _, c in self.chunks) / (RATE * 2)
        return (f"no second of sound from the stream: ffmpeg connected and probed it in {first:.1f} s, then decoded "
                f"only {seconds:.2f} s of sound in {now - self.chunks[0][0]:.1f} s (the stream runs slower than real "
                "time: the renderer or its encoder is starved)")  # fmt: skip

    def loud_arrivals(self, threshold: float = 0.02) -> list[float]:
        """Arrival times of 20 ms chunks whose sound is above `threshold`."""
        found = []
        for arrived, chunk in self.chunks:
            samples = np.frombuffer(chunk[: len(chunk) // 2 * 2], dtype="<i2").astype(float) / 32768
            if len(samples) and np.sqrt((samples**2).mean()) > threshold:
                found.append(arrived)
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(5)
        for thread in self._threads:
            thread.join(5)
        for pipe in (self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()


async def wait_playable(client: Client, session_id: str, timeout: float = 15) -> str:
    """The session's play URL once it is in progress (1); else fail saying how long it stayed preparing."""
    began = time.monotonic()
    while (status := await client.sessions.status(session_id)).status != 1:
        waited = time.monotonic() - began
        assert waited < timeout, f"the session was still {status.status} after {waited:.1f} s (model load, then nginx)"
        await asyncio.sleep(0.02)
    return status.play_url


async def ready_stream(client: Client) -> tuple[str, str, float]:
    key = (await client.assets.avatars(page_size=1)).items[0].virtualman_key
    created = await client.sessions.create_by_asset(key, f"viewer-{time.monotonic_ns()}")
    url = await wait_playable(client, created.session_id)
    return created.session_id, url, time.monotonic()


def test_the_stream_is_decodable_soon_after_status_1(live: Ready) -> None:
    async def flow() -> tuple[dict, float]:
        async with Client(live.environment, live.credentials) as client:
            session, url, ready_at = await ready_stream(client)
            probe = await asyncio.to_thread(
                subprocess.run,
                ["ffprobe", "-v", "error", "-analyzeduration", "500000", "-rw_timeout", "5000000", "-show_entries",
                 "stream=codec_type,codec_name,width,height", "-of", "json", url],
                capture_output=True, text=True, timeout=20,
            )  # fmt: skip
            elapsed = time.monotonic() - ready_at
            await client.sessions.close(session)
            return json.loads(probe.stdout), elapsed

    info, elapsed = run(flow())
    kinds = {s["codec_type"]: s for s in info["streams"]}
    assert kinds["video"]["codec_name"] == "h264" and (kinds["video"]["width"], kinds["video"]["height"]) == (640, 360)
    assert kinds["audio"]["codec_name"] == "aac"
    assert elapsed < 3.0


def test_a_text_is_heard_in_the_stream_and_the_stream_ends_at_close(live: Ready) -> None:
    async def flow() -> tuple[Listener, float, float, float]:
        async with Client(live.environment, live.credentials) as client:
            session, url, _ = await ready_stream(client)
            with Listener(url) as listener:
                await asyncio.to_thread(listener.wait_flowing)
                await client.sessions.start(session)
                link = messages.channel_url(live.ws, live.appkey, live.accesstoken, session, int(time.time()))
                async with connect(link) as ws:
                    text = messages.send_text(session, "Hello, you can hear me in the live stream now.")
                    await ws.send(json.dumps(text))
                    events: dict[str, float] = {}
                    while "TextOver" not in events:
                        payload = json.loads(await asyncio.wait_for(ws.recv(), 15))["Payload"]
                        events.setdefault(payload["SpeakStatus"], time.monotonic())
                await asyncio.sleep(0.5)  # half a second of the silence that follows, as the stream plays it
                closed_at = time.monotonic()
                await client.sessions.close(session)
                assert await asyncio.to_thread(listener.ended.wait, 10), "the stream did not end after closesession"
            return listener, events["TextStart"], events["TextOver"], closed_at

    listener, start, over, closed_at = run(flow())
    loud = listener.loud_arrivals()
    assert loud, "the speech never reached the stream"
    assert listener.chunks[0][0] < start and not [t for t in loud if t < start - 0.1]  # silence before
    assert loud[0] - start < 1.0  # audible within a second of TextStart
    assert abs((loud[-1] - loud[0]) - (over - start)) < 0.6  # as long as the drive said
    assert listener.chunks[-1][0] < closed_at + 10


def speech_packets(text: str) -> list[bytes]:
    """`text` spoken by espeak-ng as 16 kHz 16-bit PCM, in 160 ms packets (what a microphone client sends)."""
    speech = synthesizer().say(text)
    pcm = (pcm16k(speech.pcm, speech.rate) * 32767).astype("<i2").tobytes()
    return [pcm[i : i + 5120] for i in range(0, len(pcm), 5120)]


def test_received_audio_is_heard_between_audio_start_and_over(live: Ready) -> None:
    packets = speech_packets("This sound came over the drive channel as raw packets.")

    async def flow() -> tuple[Listener, float, float]:
        async with Client(live.environment, live.credentials) as client:
            key = (await client.assets.avatars(page_size=1)).items[0].virtualman_key
            created = await client.sessions.create_by_asset(key, f"mic-{time.monotonic_ns()}", driver_type=3)
            session = created.session_id
            with Listener(await wait_playable(client, session)) as listener:
                await asyncio.to_thread(listener.wait_flowing)
                await client.sessions.start(session)
                link = messages.channel_url(live.ws, live.appkey, live.accesstoken, session, int(time.time()))
                events: dict[str, float] = {}
                async with connect(link) as ws:

                    async def read_events() -> None:  # timed as they arrive, while the packets go out
                        while "AudioOver" not in events:
                            payload = json.loads(await asyncio.wait_for(ws.recv(), 15))["Payload"]
                            events.setdefault(payload["SpeakStatus"], time.monotonic())

                    reader = asyncio.create_task(read_events())
                    req = uuid.uuid4().hex
                    paced_from = time.monotonic()
                    for seq, packet in enumerate(packets, start=1):
                        await ws.send(json.dumps(messages.send_audio(session, req, packet, seq)))
                        # A live source sends in real time: the next packet is due when this one has played.
                        await asyncio.sleep(max(0.0, paced_from + seq * 0.16 - 0.08 - time.monotonic()))
                    await ws.send(json.dumps(messages.send_audio(session, req, b"", len(packets) + 1, final=True)))
                    await reader
                await asyncio.sleep(0.5)  # the stream's own half second of silence after it
                await client.sessions.close(session)
            return listener, events["AudioStart"], events["AudioOver"]

    listener, start, over = run(flow())
    loud = listener.loud_arrivals()
    assert loud, "the received audio never reached the stream"
    assert not [t for t in loud if t < start - 0.1]  # silent until AudioStart
    assert loud[0] - start < 1.0
    assert abs((loud[-1] - loud[0]) - (over - start)) < 0.6  # as long as the drive said


def test_an_interrupt_silences_the_renderer_within_a_frame() -> None:
    async def flow() -> tuple[int, int]:
        scene = Scene(None, Frame(LIVE_SIZE, (1920, 1080)))
        renderer = LiveRenderer("rtmp://127.0.0.1:9/unused", asyncio.get_running_loop(), scene)
        renderer.play(Segment("long", np.full(RATE * 10, 0.3, dtype=np.float32)))
        loud = renderer._next_audio()
        renderer.interrupt()
        after = renderer._next_audio()
        return int(np.abs(loud).max() * 100), int(np.abs(after).max() * 100)

    before, after = run(flow())
    assert before == 30 and after == 0  # the very next 40 ms frame is silent
