"""One audio drive sent at the pace the platform wants (seed 002, "Voice-driven Instructions"): packets of at most
5120 bytes (160 ms of 16 kHz 16-bit mono), Seq from 1, then an empty packet with IsFinal.

From a file, the sound is all there at once, and the platform wants a real-time rate within [0.75, 1] (for 160 ms
packets, 120 to 160 ms apart; the docs suggest 120). Sent at any rate below 1, the stream's backlog grows, and all
of it still plays after the IsFinal that interrupts a drive: at the suggested pace a 60 s file leaves 15 s to say.
So the pacer keeps a small lead over real time (LEAD_MS: what the stream has in hand when the engine is briefly
late) and no more: below it packets go FAST_MS apart, at it one packet's length apart (rate 1). Packets hold
FILE_PACKET_MS of sound, not 160: at rate 1 they then go 140 ms apart, with room on both sides of the allowed
[120, 160] for a late wake-up or a packet delayed on the way. Deadlines are taken from the previous packet's real
send time, so lateness never squeezes the next interval; it only wears the lead down, and the next packets build
it up again. What every packet costs the same way (the event loop's wake-up, ~1 ms since epoll counts whole
milliseconds, and the send itself) is learnt as a running average and started that much earlier; otherwise every
interval came out ~1.3 ms long and only the variation around that average shows as jitter.

Live (the microphone), the capture itself runs at real time: each packet goes as soon as it is read.

Qt-free, on the engine's loop; figures go to a plain callback after every packet.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from desktop.api import drive
from desktop.spec import drive as spec

FILE_PACKET_MS = 140.0
FILE_PACKET_BYTES = 4480  # 140 ms of 16 kHz 16-bit mono
FAST_MS = 124.0  # real-time rate 0.89: the lead builds up (not 120: a packet delayed on the way arrives closer)
LEAD_MS = 400.0
PREBUFFER_PACKETS = 8  # decoded before a file's first packet goes
OVERHEAD_WEIGHT = 0.1  # of each packet's overhead in the running average
OVERHEAD_MAX_MS = 3.0  # never planned earlier than this: a stall is not a habit
BYTES_PER_MS = spec.AUDIO_SAMPLE_RATE * spec.AUDIO_SAMPLE_BYTES / 1000


@dataclass(frozen=True)
class PacerFigures:
    """How the drive is going, after a packet."""

    req_id: str
    packets: int
    audio_ms: float  # sound sent so far
    elapsed_ms: float  # since the first packet
    interval_ms: float  # since the previous packet (0 for the first)
    jitter_ms: float  # how late this packet went against its deadline (files only)
    done: bool = False

    @property
    def lead_ms(self) -> float:
        """How far the sound sent is ahead of real time (what still plays after an interrupt)."""
        return self.audio_ms - self.elapsed_ms

    @property
    def realtime_rate(self) -> float:
        """Elapsed time over sound sent, as the platform judges it (want: within [0.75, 1])."""
        return self.elapsed_ms / self.audio_ms if self.audio_ms else 0.0


@dataclass
class PacerReport:
    req_id: str
    intervals_ms: list[float] = field(default_factory=list)  # between consecutive data packets
    jitters_ms: list[float] = field(default_factory=list)
    packets: int = 0
    audio_ms: float = 0.0
    stopped: bool = False  # ended early by stop()


class AudioPacer:
    def __init__(
        self,
        session_id: str,
        req_id: str,
        send: Callable[[dict[str, Any]], Awaitable[None]],
        *,
        live: bool = False,
        on_figures: Callable[[PacerFigures], None] = lambda _figures: None,
        lead_ms: float = LEAD_MS,
    ) -> None:
        self.session_id = session_id
        self.req_id = req_id
        self._send = send
        self._live = live
        self._on_figures = on_figures
        self._lead_ms = lead_ms
        self._stop = asyncio.Event()
        self.report = PacerReport(req_id)

    def stop(self) -> None:
        """End the drive now: no more sound is sent, the IsFinal packet goes at once (engine thread)."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    async def run(self, chunks: AsyncIterator[bytes]) -> PacerReport:
        """Send the chunks (of any size: they are cut into packets) as one drive, then the IsFinal packet. The
        chunks' source is closed when the drive ends early."""
        loop = asyncio.get_running_loop()
        report = self.report
        first_at = previous_at = 0.0
        overhead_ms = 0.0  # running average of how long after its deadline a packet is sent
        deadline = 0.0
        packets = _cut(chunks, spec.AUDIO_PACKET_BYTES) if self._live else _read_ahead(_cut(chunks, FILE_PACKET_BYTES))
        try:
            async for chunk in packets:
                if report.packets and not self._live:
                    lead = report.audio_ms - (loop.time() - first_at) * 1000
                    planned = FAST_MS if lead < self._lead_ms else FILE_PACKET_MS
                    deadline = previous_at + (planned - overhead_ms) / 1000
                    if await self._wait_until(deadline):
                        break
                    now = loop.time()
                    report.jitters_ms.append(max(0.0, (now - deadline) * 1000))
                elif self._stop.is_set():
                    break
                now = loop.time()
                report.packets += 1
                await self._send(drive.send_audio(self.session_id, self.req_id, chunk, report.packets))
                sent_at = loop.time()
                if report.packets == 1:
                    first_at = sent_at
                else:
                    report.intervals_ms.append((sent_at - previous_at) * 1000)
                    late_ms = (sent_at - deadline) * 1000 if not self._live else 0.0
                    overhead_ms += OVERHEAD_WEIGHT * (min(max(late_ms, 0.0), OVERHEAD_MAX_MS) - overhead_ms)
                previous_at = sent_at
                report.audio_ms += len(chunk) / BYTES_PER_MS
                self._figures(report, sent_at - first_at)
        finally:
            report.stopped = self._stop.is_set()
            for source in (packets, chunks):
                with contextlib.suppress(Exception):
                    await source.aclose()  # type: ignore[attr-defined]
        await self._send(drive.send_audio(self.session_id, self.req_id, b"", report.packets + 1, final=True))
        self._figures(report, loop.time() - first_at if report.packets else 0.0, done=True)
        return report

    async def _wait_until(self, deadline: float) -> bool:
        """Sleep to the deadline; True when stop() came first."""
        delay = deadline - asyncio.get_running_loop().time()
        if self._stop.is_set():
            return True
        if delay <= 0:
            return False
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), delay)
        return self._stop.is_set()

    def _figures(self, report: PacerReport, elapsed_s: float, *, done: bool = False) -> None:
        self._on_figures(
            PacerFigures(
                req_id=self.req_id,
                packets=report.packets,
                audio_ms=report.audio_ms,
                elapsed_ms=elapsed_s * 1000,
                interval_ms=report.intervals_ms[-1] if report.intervals_ms else 0.0,
                jitter_ms=report.jitters_ms[-1] if report.jitters_ms else 0.0,
                done=done,
            )
        )


async def _read_ahead(packets: AsyncIterator[bytes], prebuffer: int = PREBUFFER_PACKETS) -> AsyncIterator[bytes]:
    """A file's packets read ahead by a task of their own, so that a deadline never waits on the decoder (ffmpeg
    starts slowly, then decodes far faster than real time); the first goes once `prebuffer` are in hand."""
    queue: asyncio.Queue[bytes | BaseException | None] = asyncio.Queue()
    ready = asyncio.Event()

    async def fill() -> None:
        try:
            async for packet in packets:
                queue.put_nowait(packet)
                if queue.qsize() >= prebuffer:
                    ready.set()
        except Exception as error:  # handed to the pacer, in order
            queue.put_nowait(error)
        else:
            queue.put_nowait(None)
        finally:
            ready.set()
            await packets.aclose()  # type: ignore[attr-defined]

    filler = asyncio.get_running_loop().create_task(fill())
    try:
        await ready.wait()
        while True:
            item = await queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        filler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await filler


async def _cut(chunks: AsyncIterator[bytes], size: int) -> AsyncIterator[bytes]:
    """Re-cut any chunks into packets of exactly `size` bytes (the last shorter)."""
    held = b""
    async for chunk in chunks:
        held += chunk
        while len(held) >= size:
            yield held[:size]
            held = held[size:]
    if held:
        yield held


__all__ = ["AudioPacer", "PacerFigures", "PacerReport"]
