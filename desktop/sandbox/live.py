"""A live session's picture and sound: a renderer that pushes H.264 + AAC at 25 fps to nginx-rtmp, showing the idle
avatar (blinking, breathing) in silence and the speaking avatar while audio plays.

Audio arrives as segments (a synthesized text, a stream of received PCM packets). The renderer reports when a
segment's sound really starts and ends in the stream, which is when the drive events go out. An interrupt empties
the queue: the speech stops within one frame (40 ms).

Streams at 640x360 (360x640 for a portrait avatar, as the cloud streams in the avatar's orientation): large enough
to see the avatar speak, small enough that one session costs well under a core (drawing plus x264 ultrafast +
zerolatency, about 0.17 of a core; bench/render.py measures it). Video goes to ffmpeg's stdin, audio (16 kHz mono
s16le) to a second pipe.

The video is sent at a constant 1.5 Mbit/s, x264 padding what the picture does not need with filler NAL units, as a
cloud stream of this kind carries megabits. A player's latency depends on the rate bytes arrive at: libvlc's avformat
demuxer reads the stream in 32 KiB blocks and waits for each to fill, so at the ~170 kbit/s the avatar alone needs it
got a block every 1.5 s and played 1–3 s behind however it caught up; at 1.5 Mbit/s a block takes 0.17 s and the Live
panel's catch-up brings it to ~0.4 s (measured, docs/architecture.md "Live playback"). The filler costs the encoder
next to nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from desktop.sandbox.render import FPS, SAMPLE_RATE, SAMPLES_PER_FRAME
from desktop.sandbox.scene import Scene

log = logging.getLogger("desktop.sandbox.live")

LIVE_SIZE = (640, 360)
VIDEO_RATE = "1500k"  # constant: what libvlc's latency depends on (module docstring)
VIDEO_BUFFER = "300k"  # the encoder's buffer: 0.2 s of stream, so the filler comes smoothly


def live_size(cloud: tuple[int, int]) -> tuple[int, int]:
    """The sandbox's stream size for an avatar of the `cloud` resolution: LIVE_SIZE in the avatar's orientation."""
    return LIVE_SIZE if cloud[0] >= cloud[1] else (LIVE_SIZE[1], LIVE_SIZE[0])


F_SETPIPE_SZ = 1031  # Linux fcntl
Callback = Callable[[], None]


@dataclass
class Segment:
    req_id: str
    samples: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    final: bool = True  # no more samples will come (texts are final at once; audio drives at IsFinal)
    on_start: Callback | None = None
    on_end: Callback | None = None
    position: int = 0
    started: bool = False


class LiveRenderer:
    def __init__(self, url: str, loop: asyncio.AbstractEventLoop, scene: Scene) -> None:
        self.url = url
        self.loop = loop
        self.scene = scene  # replaced whole by set_scene; the render thread reads the reference once per frame
        self.size = scene.output_size
        self._queue: deque[Segment] = deque()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._audio_fd = -1
        self.frames = 0

    def set_scene(self, scene: Scene) -> None:
        """Change the picture from the next frame on (same output size: the stream's size is fixed)."""
        if scene.output_size != self.size:
            raise ValueError(f"the stream is {self.size}, the new scene {scene.output_size}")
        self.scene = scene

    # --- audio in ---
    def play(self, segment: Segment) -> None:
        with self._lock:
            self._queue.append(segment)

    def feed(self, req_id: str, samples: np.ndarray, final: bool = False) -> None:
        """Add samples to the open segment of `req_id` (an audio drive)."""
        with self._lock:
            segment = next((s for s in self._queue if s.req_id == req_id and not s.final), None)
            if segment is None:
                return
            segment.samples = np.concatenate([segment.samples, samples.astype(np.float32)])
            segment.final = final

    def interrupt(self) -> None:
        """Stop the speech now; nothing queued plays."""
        with self._lock:
            self._queue.clear()

    @property
    def speaking(self) -> bool:
        with self._lock:
            return bool(self._queue)

    # --- the stream ---
    def start(self) -> None:
        read_fd, self._audio_fd = os.pipe()
        width, height = self.size
        command = [
            "ffmpeg", "-nostdin", "-loglevel", "error",
            # Raw inputs need no probing: without these ffmpeg reads seconds of one pipe before opening the other.
            "-probesize", "32", "-analyzeduration", "0", "-thread_queue_size", "64",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", str(FPS), "-i", "pipe:0",
            "-probesize", "32", "-analyzeduration", "0", "-thread_queue_size", "64",
            "-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", f"pipe:{read_fd}",
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
            # Constant bitrate, padded with filler NAL units: a player's latency depends on it (module docstring).
            "-b:v", VIDEO_RATE, "-minrate", VIDEO_RATE, "-maxrate", VIDEO_RATE, "-bufsize", VIDEO_BUFFER,
            "-x264-params", "nal-hrd=cbr", "-g", str(FPS),
            "-c:a", "aac", "-b:a", "64k", "-ar", "44100", "-f", "flv", self.url,
        ]  # fmt: skip
        # No parent-death signal needed: if the sandbox dies, ffmpeg's stdin closes and it ends.
        self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.DEVNULL, pass_fds=(read_fd,))
        os.close(read_fd)
        if self._process.stdin is not None:
            with contextlib.suppress(OSError):  # a whole frame fits in the pipe at once
                fcntl.fcntl(self._process.stdin.fileno(), F_SETPIPE_SZ, 1 << 20)
        name = f"live {self.url.split('?', 1)[0].rsplit('/', 1)[-1][:8]}"
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _next_audio(self) -> np.ndarray:
        """The next frame's worth of samples, and the start/end events they cause."""
        out = np.zeros(SAMPLES_PER_FRAME, dtype=np.float32)
        filled = 0
        events: list[Callback] = []
        with self._lock:
            while filled < SAMPLES_PER_FRAME and self._queue:
                segment = self._queue[0]
                if not segment.started:
                    if len(segment.samples) <= segment.position and not segment.final:
                        break  # an audio drive whose first packet has not come: it starts with its sound
                    segment.started = True
                    if segment.on_start:
                        events.append(segment.on_start)
                take = min(SAMPLES_PER_FRAME - filled, len(segment.samples) - segment.position)
                out[filled : filled + take] = segment.samples[segment.position : segment.position + take]
                segment.position += take
                filled += take
                if segment.position >= len(segment.samples):
                    if not segment.final:
                        break  # waiting for more packets: silence meanwhile
                    self._queue.popleft()
                    if segment.on_end:
                        events.append(segment.on_end)
        for event in events:
            self.loop.call_soon_threadsafe(event)
        return out

    def _run(self) -> None:
        assert self._process is not None and self._process.stdin is not None
        started = time.monotonic()
        try:
            while not self._stop.is_set():
                samples = self._next_audio()
                level = float(min(1.0, np.sqrt((samples.astype(np.float64) ** 2).mean()) / 0.12))
                frame = self.scene.frame(self.frames, level)
                # Audio first: ffmpeg reads both inputs in time order, and a writer blocked on a full video pipe
                # while ffmpeg waits for audio would never wake.
                os.write(self._audio_fd, (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
                self._process.stdin.write(frame.tobytes())
                self._process.stdin.flush()
                self.frames += 1
                delay = started + self.frames / FPS - time.monotonic()  # the stream's own real-time clock
                if delay > 0:
                    self._stop.wait(delay)
        except (BrokenPipeError, OSError, ValueError) as exc:
            if not self._stop.is_set():
                log.warning("the live stream %s stopped: %s", self.url.split("?", 1)[0], exc)  # no txSecret

    def stop(self) -> None:
        """Blocking: end the stream (call from a worker thread)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        for close in (lambda: os.close(self._audio_fd), self._close_stdin):
            with contextlib.suppress(OSError):
                close()
        if self._process is not None:
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def _close_stdin(self) -> None:
        if self._process is not None and self._process.stdin is not None:
            self._process.stdin.close()


def pcm16k(samples: bytes, rate: int) -> np.ndarray:
    """16-bit mono PCM at `rate` as 16 kHz float samples."""
    audio = np.frombuffer(samples, dtype="<i2").astype(np.float32) / 32768.0
    if rate == SAMPLE_RATE or len(audio) == 0:
        return audio
    count = int(len(audio) * SAMPLE_RATE / rate)
    resampled: np.ndarray = np.interp(np.linspace(0, len(audio) - 1, count), np.arange(len(audio)), audio)
    return resampled.astype(np.float32)
