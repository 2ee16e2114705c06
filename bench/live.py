"""The Live panel under load: the real app (App, its window and LivePage, the LiveSession, libvlc playing the RTMP
stream into its X window) on a sandbox with its real nginx-rtmp, while the GUI thread is kept busy as an operator's
app keeps it (the page repainted at 25 Hz and the timeline scrolled a step each time) and a 5 ms timer measures its
lateness all along.

Stages, each on a session of its own kind:
1. a text session (DriverType 1): N texts, each sent when the avatar has been silent for a while:
   - Send → TextStart, as the GUI thread receives it (informational: what the operator's timeline shows; it is the
     sandbox's speech synthesis plus two hops on loopback, not the app's work);
   - Send → the first changed mouth frame in the VLC window (goal < 1.0 s): a probe process grabs a small region
     around the drawn mouth at 100 fps with ffmpeg's x11grab and counts its dark red pixels; the mouth has changed
     when the count is above the most seen in the idle second before the first text, by a margin;
   then long texts, each interrupted after a few seconds: Interrupt → silence in the stream (goal < 0.5 s), heard by
   a second probe (ffmpeg decoding the stream's sound from nginx, like tests/integration/test_sandbox_live.py's
   Listener). The probe hears the stream later than it is made: that lag is measured on the same path, from each
   TextStart (the sandbox sends it as it writes the sound's first frame into its encoder) to the first loud chunk
   the probe decodes, and subtracted; both figures are printed.
2. an audio-and-text session (DriverType 3):
   - a 60 s sound file driven by audio, its packets' arrival times taken from the sandbox (`/_sandbox/arrivals`):
     intervals (goal: every one in [120, 160] ms), real-time rate (goal: within [0.75, 1]), jitter (each interval's
     distance from the nearer of the pacer's two planned intervals, 124 and 140 ms: goal p99 < 5 ms), and the GUI's
     stalls during that playback (goal p99 < 16 ms);
   - sound files (a steady tone: no pause between words to hide the end in) interrupted after a few seconds:
     Interrupt → silence as above (what the pacer had sent ahead still plays);
   - then texts and sound files alternating for --minutes (default 20), the timeline filling: the RSS growth of the
     app's process from the first round to the end (goal < 20 MB).

Under a real X server (with DISPLAY unset it starts Xvfb; libvlc needs a real window). Prints
`name: value unit (goal OP X)` lines; stage progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import live_probes as probes
from assets import prepare  # the Custom profile pointed at the bench's sandbox
from common import display, percentile, rss_mb, run_until

from desktop.sandbox.render import BREATH_HZ

ROOT = Path(__file__).resolve().parents[1]
TICK_MS = 5
BUSY_MS = 40  # the page repainted at 25 Hz, the timeline scrolled a step each time
QUIET_S = 1.5  # after a drive ends, before the next one: the stream (about 0.4 s behind) falls silent again
IDLE_S = 1.2 / BREATH_HZ  # the idle mouth watched for the threshold: a whole breath moves it (and blinks)
TEXT_QUIET_S = 4.0  # between the mouth's texts: the picture in the VLC window (~0.4 s behind the stream, more
# when the catch-up misses) is still for a while at the next Send, so that each text's first mouth movement is its own
INTERRUPT_AFTER_S = (2.0, 2.3, 2.6, 2.9, 3.2, 2.15, 2.45, 2.75, 3.05, 3.35)  # varied: not always on one syllable
TEXTS = (
    "Welcome to the live room, it is good to see you here.",
    "Our first product tonight is a lamp that follows the sun.",
    "Please send your questions, we read every one of them.",
    "The second product is a kettle that remembers your tea.",
    "Stay with us, the draw for the prizes comes at the end.",
)


def say(text: str) -> None:
    print(f"live: {text}", file=sys.stderr, flush=True)


class StageError(Exception):
    pass


# --- the parent: display, sandbox, settings, and the app's process ---


def run_app(options: argparse.Namespace, work: Path, ready: dict[str, str], env: dict[str, str]) -> int:
    """The app's process, its figure lines passed through as they come; killed at its deadline."""
    command = [sys.executable, str(Path(__file__).resolve()), "--phase", "app", "--work", str(work),
               "--minutes", str(options.minutes), "--texts", str(options.texts),
               "--interrupts", str(options.interrupts), "--only", options.only]  # fmt: skip
    deadline_s = 900 + options.minutes * 60 * 1.3
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(json.dumps(ready))
    process.stdin.close()
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        process.kill()

    timer = threading.Timer(deadline_s, expire)
    timer.start()
    try:
        for line in process.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
        process.wait()
    finally:
        timer.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
    if expired.is_set():
        print(f"live: the app's process was stopped at its deadline ({deadline_s / 60:.0f} min)", file=sys.stderr)
    return process.returncode


def main(options: argparse.Namespace) -> int:
    blind = "the stream plays without a picture, the mouth is not measured"
    with tempfile.TemporaryDirectory(prefix="bench-live-") as temporary, display(blind, x11=True) as (env, platform):
        work = Path(temporary)
        print(f"live_platform: {platform}")
        print(f"live_soak_minutes: {options.minutes:g} min (--minutes; the RSS figure is for this duration)")
        sandbox_nice = f", nice {options.sandbox_nice}" if options.sandbox_nice else ""
        with probes.sandbox(work / "sandbox", options.time_scale, options.sandbox_nice) as (ready, started_s, log):
            print(f"live_sandbox_start: {started_s:.2f} s (--time-scale {options.time_scale:g}{sandbox_nice})")
            prepare(work / "app", ready)
            ticks = probes.cpu_ticks()
            code = run_app(options, work, ready, env)
            print(f"live_cpu_steal: {probes.steal_share(ticks, probes.cpu_ticks()):.1f} % (informational; of the "
                  "CPU time during the run, taken by the host for other machines: above a few percent the timing "
                  "figures measure the host)", flush=True)  # fmt: skip
            if code != 0:
                lines = log.read_text(errors="replace").splitlines()[-8:]
                for secret in (ready.get("accesstoken", ""), ready.get("appkey", "")):
                    lines = [line.replace(secret, "***") for line in lines] if secret else lines
                print(f"live: the app's stage failed (exit code {code}); the sandbox's last words:", file=sys.stderr)
                for line in lines:
                    print(f"  {line}", file=sys.stderr)
        return code


# --- the app's process ---


def figure(name: str, value: float, unit: str, note: str) -> None:
    shown = "n/a" if math.isnan(value) else f"{value:.0f}" if unit == "ms" else f"{value:.2f}"
    print(f"{name}: {shown} {unit} ({note})", flush=True)


class Bench:
    """The app on the live page, the GUI load and the stall timer, and the stages."""

    def __init__(self, work: Path, ready: dict[str, str], options: argparse.Namespace) -> None:
        import keyring.backends.null

        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        from desktop import logs
        from desktop.app import App
        from desktop.services.secrets import SecretStore, token_name

        self.work, self.ready, self.options = work, ready, options
        self.qapp = QApplication(["avatar-studio"])
        logs.setup(work / "app" / "logs")  # warnings to stderr, redacted like the app's own
        logs.redact.register(ready["accesstoken"])
        secrets = SecretStore(keyring.backends.null.Keyring())  # the sandbox's token in memory only
        secrets.set(token_name("custom"), ready["accesstoken"])
        self.app = App(self.qapp, work / "app", secrets=secrets)
        self.page: Any = None
        self.probes: list[probes.Probe] = []
        self.seen: dict[tuple[str, str], float] = {}  # (ReqId, status) → when the GUI thread got it
        self.errors: dict[str, str] = {}
        self.reports: dict[str, Any] = {}  # ReqId → PacerReport
        self.problems: list[str] = []
        self.stalls: dict[str, probes.Lateness] = {}
        self.current = probes.Lateness()
        self._last_tick = 0.0
        self.ticker = QTimer()
        self.busy = QTimer()
        self.users = 0
        self.key = ""
        self.paint_ms = float("nan")

    # --- waiting, with a deadline always ---

    def wait_until(self, condition: Callable[[], bool], timeout_s: float, what: str) -> None:
        """Run the event loop until `condition` holds (looked at every 20 ms), the session fails, or the deadline."""

        def trouble() -> str:
            session = self.page.session if self.page is not None else None
            if session is not None and session.status.phase == "failed":
                status = session.status
                return f"the session failed: {status.error_message or 'no reason given'} (code {status.error_code})"
            return ""

        if run_until(condition, timeout_s, 20, stop=lambda: bool(trouble())):
            return
        said = "; ".join(self.problems[-3:])
        reason = trouble() or f"timed out after {timeout_s:.0f} s"
        raise StageError(f"waiting for {what}: {reason}" + (f" (the app said: {said})" if said else ""))

    def pause(self, seconds: float) -> None:
        until = time.monotonic() + seconds
        self.wait_until(lambda: time.monotonic() >= until, seconds + 5, "a pause")

    # --- the GUI's load and its stalls ---

    def start_load(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QAbstractItemView, QAbstractSlider, QTabWidget

        page = self.page
        view = getattr(page, "timeline", None)
        if not isinstance(view, QAbstractItemView):  # the page was restructured: its busiest list will do
            views = page.findChildren(QAbstractItemView)
            view = max(views, key=lambda v: v.model().rowCount() if v.model() else 0) if views else None
        direction = [QAbstractSlider.SliderAction.SliderSingleStepAdd]

        def busy() -> None:
            if view is not None:
                if not view.isVisible():  # the operator watches the timeline: its tab to the front
                    parent = view.parentWidget()
                    while parent is not None and not isinstance(parent, QTabWidget):
                        parent = parent.parentWidget()
                    if parent is not None:
                        parent.setCurrentIndex(max(0, parent.indexOf(view)))
                bar = view.verticalScrollBar()
                if bar.value() >= bar.maximum():
                    direction[0] = QAbstractSlider.SliderAction.SliderSingleStepSub
                elif bar.value() <= bar.minimum():
                    direction[0] = QAbstractSlider.SliderAction.SliderSingleStepAdd
                bar.triggerAction(direction[0])
            page.update()

        def tick() -> None:
            now = time.perf_counter()
            self.current.add(max(0.0, (now - self._last_tick) * 1000 - TICK_MS))
            self._last_tick = now

        self.ticker.setTimerType(Qt.TimerType.PreciseTimer)
        self.ticker.setInterval(TICK_MS)
        self.ticker.timeout.connect(tick)
        self.busy.setTimerType(Qt.TimerType.PreciseTimer)
        self.busy.setInterval(BUSY_MS)
        self.busy.timeout.connect(busy)
        started = time.perf_counter()
        page.repaint()
        self.paint_ms = (time.perf_counter() - started) * 1000
        self._last_tick = time.perf_counter()
        self.ticker.start()
        self.busy.start()

    def stage(self, name: str) -> probes.Lateness:
        """Stalls are counted per stage from now on."""
        self.current = self.stalls.setdefault(name, probes.Lateness())
        self._last_tick = time.perf_counter()
        return self.current

    # --- the app and the session ---

    def open_page(self) -> None:
        from desktop.ui.live.page import LivePage

        self.app.start()
        self.wait_until(lambda: self.app.ready, 60, "the app's services")
        self.app.window.show_area("live")
        page = self.app.window.page("live")
        assert isinstance(page, LivePage)
        self.page = page
        self.wait_until(lambda: page.session is not None and bool(page.avatar.records), 60, "the avatars")
        session = page.session
        assert session is not None
        session.downstream.connect(self._downstream)
        session.audio_finished.connect(lambda report: self.reports.__setitem__(report.req_id, report))
        session.problem.connect(self.problems.append)
        self.key = page.avatar.records[0].virtualman_key

    def _downstream(self, message: Any) -> None:
        now = time.monotonic()
        status = message.speak_status or str(message.type)
        self.seen.setdefault((message.req_id, status), now)
        if message.failed:
            self.errors.setdefault(message.req_id, f"{message.error_code} {message.error_message}")

    def go_live(self, driver_type: int) -> None:
        session, stream = self.page.session, self.page.stream
        self.users += 1
        session.create_by_asset(self.key, f"bench-live-{os.getpid()}-{self.users}", driver_type=driver_type)
        self.wait_until(lambda: session.status.phase == "live", 120, f"a DriverType {driver_type} session to go live")
        self.wait_until(lambda: session.channel_state.state == "open", 30, "the drive channel")
        if stream.embeds():
            self.wait_until(lambda: stream.state == "playing", 30, "the stream's first picture in the VLC window")
            # The player's catch-up (rate 2.0 up to the live edge) is over: steady latency from here.
            self.wait_until(lambda: not stream.catching_up, 15, "the player's catch-up to the live edge")

    def close_session(self) -> None:
        session = self.page.session if self.page is not None else None
        if session is None or not session.status.open:
            return
        session.close()
        self.wait_until(lambda: session.status.phase in ("closed", "failed"), 20, "the session to close")

    def drive(self, send: Callable[[], str], end: str, timeout_s: float, what: str) -> tuple[str, float]:
        """Send a drive and wait for its `end` status; returns its ReqId and when it was sent."""
        sent_at = time.monotonic()
        req_id = send()
        if not req_id:
            raise StageError(f"{what}: the session did not take the drive (phase {self.page.session.status.phase})")
        self.wait_until(lambda: (req_id, end) in self.seen or req_id in self.errors, timeout_s, f"{what} to end")
        if req_id in self.errors:
            raise StageError(f"{what}: the platform said {self.errors[req_id]}")
        return req_id, sent_at

    def has(self, req_id: str, status: str) -> bool:
        return (req_id, status) in self.seen

    def forget(self, req_id: str) -> None:
        for key in [key for key in self.seen if key[0] == req_id]:
            del self.seen[key]
        self.reports.pop(req_id, None)

    def start_probe(self, kind: str, arguments: list[str], stdin_text: str, samples: int, what: str) -> probes.Probe:
        probe = probes.Probe(kind, self.work / f"{kind}-{len(self.probes)}.txt", arguments, stdin_text)
        self.probes.append(probe)

        def ready() -> bool:
            if failure := probe.failure():
                raise StageError(f"{what}: {failure}")
            return probe.lines() >= samples

        self.wait_until(ready, 20, what)
        return probe

    # --- stage 1: texts, the mouth, interrupts ---

    def mouth_region(self) -> list[str] | None:
        """The mouth probe's arguments: the VLC window, the region around the drawn mouth in it and the skin's
        colour, from one grab of the window before anything is measured; None when there is no picture."""
        import numpy as np

        from PySide6.QtGui import QImage

        stream = self.page.stream
        if not stream.embeds():
            return None
        video = stream.video
        image = video.screen().grabWindow(int(video.winId())).toImage().convertToFormat(QImage.Format.Format_RGB32)
        width, height = image.width(), image.height()
        data = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes()).copy()
        bgr = data.reshape(height, image.bytesPerLine())[:, : width * 4].reshape(height, width, 4)
        found = probes.mouth_region(np.ascontiguousarray(bgr[..., 2::-1]))
        if found is None:
            raise StageError(
                f"no face in the VLC window ({width}x{height}, mean level {float(bgr.mean()):.0f}): is the window "
                "obscured, or did the sandbox's picture change?"
            )
        (x, y, w, h), skin = found
        say(f"the mouth: {w}x{h} px at {x},{y} of the {width}x{height} VLC window")
        return ["--window", str(int(video.winId())), "--region", f"{x},{y},{w},{h}", "--skin", ",".join(map(str, skin))]

    def text_stage(self) -> None:
        session = self.page.session
        say("stage 1: a text session")
        self.go_live(1)
        arguments = self.mouth_region()
        mouth = None
        if arguments is not None:
            mouth = self.start_probe("mouth", arguments, "", 100, "the mouth probe's first second")
        sound = self.start_probe("sound", [], session.status.play_url, 60, "the stream's sound at the sound probe")
        self.pause(IDLE_S)  # the idle mouth, for the threshold
        self.stage("texts")
        sends: list[tuple[float, float, float]] = []  # sent, TextStart, TextOver
        say(f"{self.options.texts} texts")
        for index in range(self.options.texts):
            text = TEXTS[index % len(TEXTS)]
            req_id, sent_at = self.drive(partial(session.send_text, text), "TextOver", 30, f"text {index + 1}")
            sends.append((sent_at, self.seen[(req_id, "TextStart")], self.seen[(req_id, "TextOver")]))
            self.pause(TEXT_QUIET_S)
        say(f"{self.options.interrupts} interrupted texts")
        interrupts: list[tuple[float, float]] = []  # the Interrupt, and the end of the quiet after it
        long_text = " ".join(TEXTS * 3)
        for index in range(self.options.interrupts):
            req_id = session.send_text(long_text)
            self.wait_until(partial(self.has, req_id, "TextStart"), 30, f"interrupted text {index + 1}")
            self.pause(INTERRUPT_AFTER_S[index % len(INTERRUPT_AFTER_S)])
            interrupted = time.monotonic()
            session.interrupt()
            self.wait_until(partial(self.has, req_id, "TextOver"), 10, "the TextOver after an interrupt")
            self.pause(QUIET_S)
            interrupts.append((interrupted, time.monotonic()))
        texts_stalls = self.stalls["texts"]
        for probe in self.probes:
            probe.stop()
        self.report_texts(sends, mouth, sound)
        self.report_silence("live_interrupt_to_silence", "text drives", [start for _, start, _ in sends], interrupts,
                            sound)  # fmt: skip
        print(f"live_gui_stall_p99_texts: {texts_stalls.percentile(0.99):.1f} ms (informational; {texts_stalls.total} "
              f"ticks while texts played, worst {texts_stalls.worst:.0f} ms)", flush=True)  # fmt: skip
        self.close_session()
        self.probes.clear()

    def report_texts(
        self, sends: list[tuple[float, float, float]], mouth: probes.Probe | None, sound: probes.Probe
    ) -> None:
        to_start = [(start - sent) * 1000 for sent, start, _ in sends]
        figure("live_send_to_textstart_median", statistics.median(to_start), "ms",
               f"informational; {len(to_start)} texts, as the GUI thread receives TextStart")  # fmt: skip
        figure(
            "live_send_to_textstart_p95",
            percentile(to_start, 0.95),
            "ms",
            f"informational; worst {max(to_start):.0f} ms: the sandbox's speech synthesis and two loopback hops",
        )
        if mouth is None:
            print("live_send_to_mouth: n/a (no X window to grab: the stream plays without a picture)", flush=True)
            return
        times, counts = mouth.samples()
        first = sends[0][0]
        idle = [c for t, c in zip(times, counts, strict=True) if first - IDLE_S < t <= first]
        if not idle:
            raise StageError("the mouth probe recorded nothing before the first text")
        threshold = max(idle) + max(4.0, 0.25 * max(idle))
        latencies: list[float] = []
        early = 0
        for sent, start, over in sends:
            moved = probes.first_after(times, counts, sent, threshold, over + 3.0)
            stilled = probes.last_above(times, counts, sent, threshold, over + 3.0)
            say(
                f"a text: TextStart +{(start - sent) * 1000:.0f} ms, mouth +{(moved - sent) * 1000:.0f} ms, "
                f"TextOver +{(over - sent) * 1000:.0f} ms, mouth still +{(stilled - sent) * 1000:.0f} ms"
            )
            before = [c for t, c in zip(times, counts, strict=True) if sent - 0.3 < t <= sent]
            if before and max(before) > threshold:
                early += 1  # the mouth was still moving when the text went: not a clean measurement
                continue
            at = probes.first_after(times, counts, sent, threshold, over + 2.0)
            latencies.append((at - sent) * 1000)
        seen = [ms for ms in latencies if not math.isnan(ms)]
        rate = len(times) / (times[-1] - times[0]) if len(times) > 1 else 0.0
        note = (f"{len(seen)} of {len(sends)} texts seen; grabbed at {rate:.0f} fps, +0-15 ms; idle mouth "
                f"{max(idle):.0f} px, changed above {threshold:.0f} px")  # fmt: skip
        if early:
            note += f"; {early} skipped, the mouth still moving at Send"
        if len(seen) < len(latencies):
            note += f"; {len(latencies) - len(seen)} never changed"
        worst = max(seen) if seen else float("nan")
        figure("live_send_to_mouth", statistics.median(seen) if seen else float("nan"), "ms",
               f"goal < 1000 for every text; worst {worst:.0f} ms; median shown; {note}")  # fmt: skip
        figure("live_send_to_mouth_max", worst, "ms", "goal < 1000")

    def report_silence(
        self, name: str, kind: str, starts: list[float], interrupts: list[tuple[float, float]], sound: probes.Probe
    ) -> None:
        """Interrupt → the last loud chunk the sound probe heard before the next drive was sent (at the end of the
        quiet after each interrupt, 1.5 s: the next drive's sound is not this one's), less the probe's own lag behind
        the stream (from each drive's start, as the sandbox reports it, to the first loud chunk heard)."""
        times, levels = sound.samples()
        lags = [
            probes.first_after(times, levels, start - 0.2, probes.LOUD_RMS, start + 3.0) - start for start in starts
        ]
        lags = [lag for lag in lags if not math.isnan(lag)]
        if not lags:
            print(f"{name}: n/a (the sound probe heard none of the {kind})", flush=True)
            return
        lag = statistics.median(lags)
        raw = []
        for at, quiet_until in interrupts:
            last = probes.last_above(times, levels, at, probes.LOUD_RMS, quiet_until)
            raw.append(0.0 if math.isnan(last) else max(0.0, last - at))
        heard = [(ms - lag) * 1000 for ms in raw]
        spread = (max(lags) - min(lags)) * 1000
        figure(name, max(heard), "ms",
               f"goal < 500; worst of {len(heard)} {kind}, median {statistics.median(heard):.0f} ms: heard by the "
               f"probe {max(raw) * 1000:.0f} ms (worst) after Interrupt, less its lag behind the stream's making, "
               f"{lag * 1000:.0f} ms (median of {len(lags)}, spread {spread:.0f} ms)")  # fmt: skip

    # --- stage 2: sound files, the pacer, interrupts, the long run ---

    def audio_stage(self) -> None:
        from desktop.api.audio_pacer import FAST_MS, FILE_PACKET_MS

        session = self.page.session
        say("stage 2: an audio-and-text session; sound files are being made")
        sixty = probes.speech_file(self.work / "sixty.wav", 60.0)
        tone = probes.tone_file(self.work / "tone.wav", 12.0)
        short = probes.speech_file(self.work / "short.wav", 6.0)
        self.go_live(3)

        say("a 60 s sound file")
        playback = self.stage("playback")
        req_id, _ = self.drive(partial(session.send_audio_file, sixty), "AudioOver", 120, "the 60 s sound file")
        self.wait_until(lambda: req_id in self.reports, 10, "the pacer's report")
        report = self.reports[req_id]
        self.stage("after")
        arrivals = self.arrivals(session.status.session_id)
        paced = probes.pacing(arrivals, req_id, FILE_PACKET_MS, (FAST_MS, FILE_PACKET_MS))
        if paced.packets < 10:
            raise StageError(f"the sandbox saw {paced.packets} packets of the 60 s file")
        intervals = paced.intervals_ms
        band = f"{paced.outside} of {len(intervals)} outside [120, 160]; min {min(intervals):.1f} ms"
        print(f"live_pacer_interval_p50: {percentile(intervals, 0.5):.1f} ms (at the sandbox; "
              f"{paced.packets} packets of {FILE_PACKET_MS:.0f} ms)", flush=True)  # fmt: skip
        print(f"live_pacer_interval_p99: {percentile(intervals, 0.99):.1f} ms (goal: all in [120, 160]; "
              f"{band})", flush=True)  # fmt: skip
        print(f"live_pacer_interval_max: {max(intervals):.1f} ms (goal <= 160)", flush=True)
        print(f"live_pacer_realtime_rate: {paced.realtime_rate:.3f} (goal within [0.75, 1]; first to last packet at "
              f"the sandbox over the sound due by then)", flush=True)  # fmt: skip
        sender = percentile(report.jitters_ms, 0.99)
        print(f"live_pacer_jitter_p99: {percentile(paced.jitters_ms, 0.99):.1f} ms (goal < 5; at the sandbox, "
              f"from the planned {FAST_MS:.0f}/{FILE_PACKET_MS:.0f} ms; worst {max(paced.jitters_ms):.1f} ms; the "
              f"pacer's own lateness p99 {sender:.1f} ms)", flush=True)  # fmt: skip
        print(f"live_gui_stall_p99: {playback.percentile(0.99):.1f} ms (goal < 16; 5 ms timer during the 60 s "
              f"playback, {playback.total} ticks, worst {playback.worst:.0f} ms; page repaint {self.paint_ms:.1f} ms "
              f"every {BUSY_MS} ms)", flush=True)  # fmt: skip
        self.forget(req_id)
        self.pause(QUIET_S)

        say(f"{self.options.interrupts} interrupted sound files")
        sound = self.start_probe("sound", [], session.status.play_url, 60, "the stream's sound at the sound probe")
        starts: list[float] = []
        interrupts: list[tuple[float, float]] = []
        for index in range(self.options.interrupts):
            req_id = session.send_audio_file(tone)
            self.wait_until(partial(self.has, req_id, "AudioStart"), 30, f"interrupted sound {index + 1}")
            starts.append(self.seen[(req_id, "AudioStart")])
            self.pause(INTERRUPT_AFTER_S[index % len(INTERRUPT_AFTER_S)])
            interrupted = time.monotonic()
            session.interrupt()
            self.wait_until(partial(self.has, req_id, "AudioOver"), 10, "the AudioOver after an interrupt")
            self.pause(QUIET_S)
            interrupts.append((interrupted, time.monotonic()))
        sound.stop()
        self.report_silence("live_interrupt_to_silence_audio", "sound-file drives", starts, interrupts, sound)
        self.soak(session, short)
        self.close_session()

    def arrivals(self, session_id: str) -> list[dict[str, Any]]:
        query = urllib.parse.urlencode({"session_id": session_id})
        with urllib.request.urlopen(f"{self.ready['api']}/_sandbox/arrivals?{query}", timeout=10) as answer:
            return list(json.load(answer)["Arrivals"])

    def soak(self, session: Any, short: Path) -> None:
        import array

        from PySide6.QtCore import QTimer

        minutes = self.options.minutes
        say(f"{minutes:g} minutes of texts and sound files alternating")
        soak = self.stage("soak")
        samples = array.array("d", [0.0] * int(minutes * 6 + 16))  # every 10 s, allocated once
        taken = [0]

        def sample() -> None:
            if taken[0] < len(samples):
                samples[taken[0]] = rss_mb()
                taken[0] += 1

        sampler = QTimer()
        sampler.setInterval(10_000)
        sampler.timeout.connect(sample)
        rounds = 0
        baseline = 0.0
        began = time.monotonic()
        end = began + minutes * 60
        while rounds < 2 or time.monotonic() < end:
            text = TEXTS[rounds % len(TEXTS)]
            text_id, _ = self.drive(partial(session.send_text, text), "TextOver", 30, f"round {rounds + 1}'s text")
            audio_id, _ = self.drive(partial(session.send_audio_file, short), "AudioOver", 30,
                                     f"round {rounds + 1}'s sound")  # fmt: skip
            self.forget(text_id)
            self.forget(audio_id)
            rounds += 1
            if rounds == 1:  # after one round of each kind: what a first drive loads is not growth
                baseline = rss_mb()
                sample()
                sampler.start()
        sampler.stop()
        sample()
        final = samples[taken[0] - 1]
        peak = max(samples[: taken[0]])
        half = taken[0] // 2
        later = list(samples[half : taken[0]])
        slope = (later[-1] - later[0]) / (len(later) * 10 / 60) if len(later) > 1 else float("nan")
        elapsed = (time.monotonic() - began) / 60
        rows = self.page.timeline.topLevelItemCount() if hasattr(self.page, "timeline") else -1
        print(f"live_rss_growth: {final - baseline:.1f} MB (goal < 20; over {elapsed:.1f} min of driving, {rounds} "
              f"rounds of a text and a 6 s sound file; from {baseline:.0f} MB after the first round to {final:.0f} MB, "
              f"peak {peak:.0f} MB; second half {slope:+.2f} MB/min; timeline rows {rows}; stream restarts "
              f"{self.page.stream.restarts})", flush=True)  # fmt: skip
        print(f"live_gui_stall_p99_soak: {soak.percentile(0.99):.1f} ms (informational; {soak.total} ticks, worst "
              f"{soak.worst:.0f} ms)", flush=True)  # fmt: skip

    # --- the end, however it comes ---

    def finish(self) -> None:
        for probe in self.probes:
            probe.stop()
        self.ticker.stop()
        self.busy.stop()
        try:
            self.close_session()
        except StageError as error:
            say(f"closing the session at the end: {error}")
        if self.page is not None:
            self.page.stream.release()
        self.app.shutdown()


def app_phase(work: Path, ready: dict[str, str], options: argparse.Namespace) -> int:
    bench = Bench(work, ready, options)
    stage = "starting the app"
    try:
        bench.open_page()
        bench.start_load()
        if options.only in ("", "texts"):
            stage = "stage 1 (texts)"
            bench.text_stage()
        if options.only in ("", "audio"):
            stage = "stage 2 (sound files and the long run)"
            bench.audio_stage()
    except StageError as error:
        say(f"{stage} failed: {error}")
        return 1
    finally:
        bench.finish()
    return 0


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    arguments.add_argument("--minutes", type=float, default=20.0, help="the long run's length (default 20)")
    arguments.add_argument("--texts", type=int, default=10, help="texts for Send → TextStart and the mouth")
    arguments.add_argument("--interrupts", type=int, default=5, help="interrupts of each kind (text, sound file)")
    arguments.add_argument("--time-scale", type=float, default=0.05, help="the sandbox's --time-scale")
    arguments.add_argument("--sandbox-nice", type=int, default=0, help="run the sandbox at this nice level")
    arguments.add_argument("--only", choices=("", "texts", "audio"), default="", help="run one stage only")
    arguments.add_argument("--phase", choices=("app",), help=argparse.SUPPRESS)
    arguments.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parsed = arguments.parse_args()
    if parsed.phase == "app":
        sys.exit(app_phase(parsed.work, json.loads(sys.stdin.read()), parsed))
    sys.exit(main(parsed))
