"""What bench/live.py measures with, kept out of the app's process: the sandbox it starts, two probe
processes (the mouth in the X window libvlc draws into, and the sound of the RTMP stream), sound files, and the pure
arithmetic over what they recorded.

The probes are processes of their own so that watching the app does not take its GIL: each runs an ffmpeg (x11grab of
a small region of the video window; or the stream's sound decoded to 16 kHz PCM), reduces every frame or 20 ms chunk
to one number as it arrives, and writes `monotonic_seconds value` lines to a file (line-buffered), which the app's
process reads when a stage is over. CLOCK_MONOTONIC is one clock for every process of the machine, so those times
compare directly with the app's `time.monotonic()` and with the sandbox's arrival log.

Run as a probe: `python bench/live_probes.py mouth --window ID --region X,Y,W,H --out FILE` or
`python bench/live_probes.py sound --out FILE` (the stream's address on stdin, so it stays out of this argv).
"""

from __future__ import annotations

import argparse
import array
import contextlib
import itertools
import json
import math
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from common import stop

ROOT = Path(__file__).resolve().parents[1]
GRAB_FPS = 100  # the video is 25 fps: a changed picture is seen within 10 ms of being drawn
SOUND_RATE = 16000
SOUND_CHUNK = 640  # 20 ms of 16 kHz s16le
LOUD_RMS = 0.02  # speech and the test tone are far above it; AAC's silence is far below
PDEATHSIG = ["setpriv", "--pdeathsig", "KILL"] if shutil.which("setpriv") else []


# --- the sandbox (the parent) ---


@contextlib.contextmanager
def sandbox(data_dir: Path, time_scale: float, nice: int) -> Iterator[tuple[dict[str, str], float, Path]]:
    """A sandbox process (stopped on leaving, however); its ready line, seconds to start, and its log file."""
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir.parent / "sandbox.log"
    command = [sys.executable, "-m", "desktop.sandbox", "--data-dir", str(data_dir), "--time-scale", str(time_scale),
               "--exit-with-parent", "--log-level", "WARNING"]  # fmt: skip
    if nice:
        command = ["nice", "-n", str(nice), *command]
    started = time.perf_counter()
    with log_path.open("w") as log_file:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log_file, text=True, cwd=ROOT)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # the sandbox prints its ready line within seconds, or exits
        if not line:
            process.wait(timeout=15)
            raise SystemExit(f"live: the sandbox did not start (exit code {process.returncode}); see {log_path}")
        yield json.loads(line), time.perf_counter() - started, log_path
    finally:
        stop(process, 20)
        if process.stdout is not None:
            process.stdout.close()


# --- sound files ---

SPEECH = (
    "Good evening, and welcome back to the live room. Tonight we look at three new products, answer your questions, "
    "and draw the winners of this week's competition. Stay with us until the end, there is a surprise for everyone "
    "who has been watching from the start. "
)


def speech_file(path: Path, seconds: float, text: str = SPEECH, rate: int = 24000) -> Path:
    """About `seconds` of espeak-ng speech (the text repeated as needed), cut or padded to exactly that length, as
    a WAV at `rate` (not 16 kHz: the app resamples, as it does for a user's file)."""
    words_per_second = 2.6  # espeak-ng's default speed, measured
    repeats = max(1, math.ceil(seconds * words_per_second / len(text.split())) + 1)
    raw = path.with_name(path.stem + ".raw.wav")
    _run("espeak-ng", "-v", "en-us", "-w", str(raw), text * repeats)
    _run("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(raw), "-af", f"apad,atrim=0:{seconds}",
         "-ar", str(rate), "-ac", "1", str(path))  # fmt: skip
    raw.unlink()
    return path


def tone_file(path: Path, seconds: float) -> Path:
    """A steady sound with no pauses (a 220 Hz tone, gently modulated): the moment it stops is the moment the stream
    falls silent, with no gap between words to hide in."""
    expression = "0.3*sin(2*PI*220*t)*(0.8+0.2*sin(2*PI*3*t))"
    _run("ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi",
         "-i", f"aevalsrc={expression}:s=24000:d={seconds}", "-ac", "1", str(path))  # fmt: skip
    return path


def _run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, timeout=120, check=False)
    if done.returncode != 0:
        raise SystemExit(f"live: {command[0]} failed: {done.stderr.decode(errors='replace')[-300:]}")


# --- the probes (processes of their own) ---


SKIN = (243, 217, 196)  # the face of the sandbox's drawn figure (desktop/sandbox/files.py, portrait_png)


def mouth_pixels(frame: bytes, width: int, height: int, skin: Sequence[int]) -> int:
    """How many pixels of a BGR0 frame of the mouth's region are not skin: the mouth, a thin line when silent, an
    ellipse that opens with the loudness when speaking (its dark red survives H.264 and scaling as "not skin")."""
    pixels = np.frombuffer(frame, dtype=np.uint8).reshape(height, width, 4).astype(np.int16)
    distance = sum(np.abs(pixels[..., 2 - i] - skin[i]) for i in range(3))
    return int(np.count_nonzero(distance > 90))


def mouth_region(rgb: np.ndarray) -> tuple[tuple[int, int, int, int], tuple[int, int, int]] | None:
    """Where the drawn mouth is in a picture of the video window (x, y, width, height, with room for it to open), and
    the skin's colour there; None when no face is seen. The face is the one patch of skin; the mouth is where the
    sandbox draws it on a face of that size (desktop.sandbox.render.Face)."""
    from desktop.sandbox.render import Face

    skin = np.abs(rgb.astype(np.int16) - np.array(SKIN, dtype=np.int16)).sum(axis=2) < 60
    ys, xs = np.nonzero(skin)
    if len(xs) < 50:
        return None
    left, right, top, bottom = int(xs.min()), int(xs.max()), int(ys.min()), int(ys.max())
    face = Face((left + right) / 2, (top + bottom) / 2, (right - left + 1) / 2)
    mx, my, half = face.mouth
    reach = max(3, round(half * 1.3))  # the mouth opens to 0.9 of its half width, up and down
    x0, y0 = max(0, mx - reach), max(0, my - reach)
    x1, y1 = min(rgb.shape[1], mx + reach + 1), min(rgb.shape[0], my + reach + 1)
    colour = np.median(rgb[skin], axis=0)
    return (x0, y0, x1 - x0, y1 - y0), (int(colour[0]), int(colour[1]), int(colour[2]))


def _mouth_probe(window: int, region: Sequence[int], skin: Sequence[int], out: Path) -> int:
    x, y, width, height = region
    command = [*PDEATHSIG, "ffmpeg", "-nostdin", "-loglevel", "error",
               "-f", "x11grab", "-window_id", str(window), "-grab_x", str(x), "-grab_y", str(y),
               "-video_size", f"{width}x{height}", "-framerate", str(GRAB_FPS), "-draw_mouse", "0",
               "-i", os.environ.get("DISPLAY", ":0"),
               "-fps_mode", "passthrough",  # each grab once: by default ffmpeg fills x11grab's gaps with copies
               "-f", "rawvideo", "-pix_fmt", "bgr0", "-flush_packets", "1", "-"]  # fmt: skip
    size = width * height * 4
    return _probe(command, size, lambda frame: str(mouth_pixels(frame, width, height, skin)), out)


def _sound_probe(url: str, out: Path) -> int:
    command = [*PDEATHSIG, "ffmpeg", "-nostdin", "-v", "error", "-fflags", "nobuffer", "-analyzeduration", "500000",
               "-rw_timeout", "8000000", "-i", url,
               "-vn", "-ac", "1", "-ar", str(SOUND_RATE), "-f", "s16le", "-flush_packets", "1", "-"]  # fmt: skip

    def rms(chunk: bytes) -> str:
        samples = np.frombuffer(chunk[: len(chunk) // 2 * 2], dtype="<i2").astype(np.float64) / 32768
        return f"{math.sqrt(float((samples**2).mean())) if len(samples) else 0.0:.5f}"

    return _probe(command, SOUND_CHUNK, rms, out)


def _probe(command: list[str], size: int, measure: Callable[[bytes], str], out: Path) -> int:
    errors = out.with_suffix(".err")
    with errors.open("wb") as error_file:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=error_file)
    assert process.stdout is not None
    try:
        with out.open("w", buffering=1) as lines:
            while len(chunk := process.stdout.read(size)) == size:
                lines.write(f"{time.monotonic():.6f} {measure(chunk)}\n")
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
    return process.returncode


class Probe:
    """A probe process started from the app's process (killed when that process dies: setpriv's parent-death
    signal), and what it has written so far."""

    def __init__(self, kind: str, out: Path, arguments: Sequence[str], stdin_text: str = "") -> None:
        self.kind, self.out = kind, out
        command = [*PDEATHSIG, sys.executable, str(Path(__file__).resolve()), kind, "--out", str(out), *arguments]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, text=True)  # fmt: skip
        assert self.process.stdin is not None
        self.process.stdin.write(stdin_text)
        self.process.stdin.close()

    def lines(self) -> int:
        """About how many samples so far, never more (a cheap look: the file's size over a long line's length)."""
        try:
            return os.stat(self.out).st_size // 24
        except FileNotFoundError:
            return 0

    def samples(self) -> tuple[array.array[float], array.array[float]]:
        """Times and values written so far."""
        times, values = array.array("d"), array.array("d")
        with contextlib.suppress(FileNotFoundError), self.out.open() as lines:
            for line in lines:
                parts = line.split()
                if len(parts) == 2:
                    times.append(float(parts[0]))
                    values.append(float(parts[1]))
        return times, values

    def failure(self) -> str:
        """What the probe's ffmpeg said, if it ended."""
        code = self.process.poll()
        said = ""
        with contextlib.suppress(OSError):
            said = self.out.with_suffix(".err").read_text(errors="replace").strip()[-300:]
        return f"the {self.kind} probe ended (exit code {code}): {said or 'nothing said'}" if code is not None else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- arithmetic ---


def cpu_ticks() -> tuple[int, int]:
    """(steal, total) clock ticks of all CPUs since boot (/proc/stat): steal is time the host gave to other virtual
    machines while this one wanted to run. Timing figures taken while it is high say more about the host."""
    fields = [int(n) for n in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (fields[7] if len(fields) > 7 else 0), sum(fields[:8])


def steal_share(before: tuple[int, int], after: tuple[int, int]) -> float:
    """The share of CPU time stolen between two cpu_ticks(), in percent."""
    total = after[1] - before[1]
    return 100 * (after[0] - before[0]) / total if total > 0 else float("nan")


class Lateness:
    """A histogram of a timer's lateness in 0.1 ms bins up to 2 s, allocated once: a 20-minute run must not grow the
    memory it measures."""

    BINS = 20_000

    def __init__(self) -> None:
        self.counts = array.array("L", bytes(self.BINS * array.array("L").itemsize))
        self.total = 0
        self.worst = 0.0

    def add(self, ms: float) -> None:
        self.counts[min(self.BINS - 1, int(ms * 10))] += 1
        self.total += 1
        self.worst = max(self.worst, ms)

    def percentile(self, share: float) -> float:
        if not self.total:
            return float("nan")
        wanted = min(self.total - 1, int(self.total * share))
        for index, seen in enumerate(itertools.accumulate(self.counts)):
            if seen > wanted:
                return (index + 1) / 10  # the bin's upper edge: never optimistic
        return self.worst


@dataclass(frozen=True)
class Pacing:
    """An audio drive's packets as the sandbox saw them arrive."""

    packets: int
    intervals_ms: list[float]
    jitters_ms: list[float]  # each interval's distance from the nearer of the pacer's two planned intervals
    realtime_rate: float  # from the first to the last data packet, over the sound due by then
    outside: int  # intervals outside [120, 160] ms


def pacing(arrivals: list[dict[str, object]], req_id: str, packet_ms: float, planned_ms: Sequence[float]) -> Pacing:
    data = sorted(
        (a for a in arrivals if a.get("ReqId") == req_id and a.get("Command") == "SEND_AUDIO" and not a.get("IsFinal")),
        key=lambda a: int(str(a.get("Seq", 0))),
    )
    times = [float(str(a["At"])) for a in data]
    intervals = [b - a for a, b in itertools.pairwise(times)]
    jitters = [min(abs(gap - plan) for plan in planned_ms) for gap in intervals]
    rate = (times[-1] - times[0]) / ((len(times) - 1) * packet_ms) if len(times) > 1 else float("nan")
    outside = sum(1 for gap in intervals if not 120 <= gap <= 160)
    return Pacing(len(times), intervals, jitters, rate, outside)


def first_after(times: Sequence[float], values: Sequence[float], start: float, above: float, end: float) -> float:
    """The time of the first sample in (start, end] whose value is above `above`; nan when none."""
    for at, value in zip(times, values, strict=True):
        if start < at <= end and value > above:
            return at
    return float("nan")


def last_above(times: Sequence[float], values: Sequence[float], start: float, above: float, end: float) -> float:
    """The time of the last sample in (start, end] whose value is above `above`; nan when none."""
    found = float("nan")
    for at, value in zip(times, values, strict=True):
        if start < at <= end and value > above:
            found = at
    return found


def main() -> None:
    arguments = argparse.ArgumentParser(description="a probe of bench/live.py")
    arguments.add_argument("kind", choices=("mouth", "sound"))
    arguments.add_argument("--out", type=Path, required=True)
    arguments.add_argument("--window", type=int, default=0)
    arguments.add_argument("--region", default="")
    arguments.add_argument("--skin", default="")
    options = arguments.parse_args()
    if options.kind == "mouth":
        region = [int(part) for part in options.region.split(",")]
        skin = [int(part) for part in options.skin.split(",")]
        raise SystemExit(_mouth_probe(options.window, region, skin, options.out))
    raise SystemExit(_sound_probe(sys.stdin.read().strip(), options.out))


if __name__ == "__main__":
    main()
