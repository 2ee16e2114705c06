"""The documented order between drives on one channel (seed 002, "Instruction Sending Requirements"), kept for the
user rather than asked of them:

1. text playing, audio wanted: an empty-text Interrupt first, then wait for its TextOver;
2. text playing, text wanted: just send it (the new one interrupts);
3. audio playing, text or audio wanted: the audio's IsFinal packet first, then wait for AudioOver.

What is playing is read from the downstream statuses (`observe`, on the engine thread, before they go to the
GUI): a text ReqId is playing from its sending until TextOver or a failure for it, an audio one while its pacer runs
and until AudioOver. A wait has a deadline (a status lost with a dropped socket must not stall the panel).

After a reconnect the platform pushes the latest status of its last drives again; a text that was sent but never
got a status (the socket dropped under it: the message was lost) is sent once more, with the same ReqId. One that
got any status is never sent again: it was received, and maybe already said.

Qt-free, on the engine's loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from desktop.api import drive
from desktop.api.audio_pacer import AudioPacer, PacerFigures, PacerReport
from desktop.api.channel import ChannelState, DriveChannel
from desktop.api.drive import Downstream

log = logging.getLogger("desktop.api.drive_order")

TEXT_OVER_WAIT_S = 3.0  # after an empty-text Interrupt, for the TextOver
AUDIO_OVER_WAIT_S = 5.0  # after IsFinal: what the pacer had sent ahead still plays (LEAD_MS), then AudioOver
RESYNC_WAIT_S = 0.5  # after a reconnect, for the pushed statuses to arrive
TEXT_ENDS = ("TextOver", "Error")
AUDIO_ENDS = ("AudioOver", "Error")


class DriveOrder:
    def __init__(self, channel: DriveChannel) -> None:
        self.channel = channel
        self.session_id = channel.session_id
        self._texts: dict[str, dict[str, Any]] = {}  # playing (or queued) texts by ReqId: their messages
        self._unconfirmed: dict[str, int] = {}  # texts sent that got no status yet: on which connection (reconnects)
        self._audio: set[str] = set()  # audio ReqIds between their first packet and AudioOver
        self._pacer: AudioPacer | None = None
        self._changed = asyncio.Event()  # set at every status; waiters re-check their condition
        self._resync: asyncio.Task[int] | None = None
        self.resent = 0

    # --- the statuses (engine thread, from the channel's reader) ---

    def observe(self, message: Downstream) -> None:
        req_id, status = message.req_id, message.speak_status
        self._unconfirmed.pop(req_id, None)
        if message.failed or status in TEXT_ENDS:
            self._texts.pop(req_id, None)
        if message.failed or status in AUDIO_ENDS:
            self._audio.discard(req_id)
        self._changed.set()

    @property
    def text_playing(self) -> bool:
        return bool(self._texts)

    @property
    def audio_playing(self) -> bool:
        return bool(self._audio) or self._pacer is not None

    # --- drives ---

    async def text(self, message: dict[str, Any]) -> None:
        """A SEND_TEXT or SEND_STREAMTEXT fragment, after any audio has ended (rule 3)."""
        await self._end_audio()
        req_id = str(message["Payload"]["ReqId"])
        self._texts[req_id] = message
        try:
            if message["Payload"]["Command"] == "SEND_TEXT":
                await self.channel.send_text(message)
            else:
                await self.channel.send(message)
        except BaseException:
            self._texts.pop(req_id, None)
            raise
        if req_id in self._texts:  # no status came while it was being sent
            self._unconfirmed[req_id] = self.channel.reconnects

    async def audio(
        self,
        req_id: str,
        chunks: AsyncIterator[bytes],
        *,
        live: bool = False,
        on_figures: Callable[[PacerFigures], None] = lambda _figures: None,
    ) -> PacerReport:
        """One audio drive, after any text (rule 1) or earlier audio (rule 3) has ended."""
        try:
            await self._end_audio()
            await self._end_text()
        except BaseException:
            with contextlib.suppress(Exception):
                await chunks.aclose()  # type: ignore[attr-defined]
            raise
        pacer = AudioPacer(self.session_id, req_id, self.channel.send, live=live, on_figures=on_figures)
        self._pacer = pacer
        self._audio.add(req_id)
        try:
            return await pacer.run(chunks)
        finally:
            if self._pacer is pacer:
                self._pacer = None

    async def interrupt(self) -> None:
        """Silence now: the running audio drive ends (its IsFinal goes at once), a text is interrupted."""
        pacer = self._pacer
        if pacer is not None:
            pacer.stop()
            return
        await self.channel.send(drive.send_text(self.session_id, "", interrupt=True))

    # --- keeping order ---

    async def _end_text(self) -> None:
        if not self._texts:
            return
        await self.channel.send(drive.send_text(self.session_id, "", interrupt=True))
        if not await self._wait(lambda: not self._texts, TEXT_OVER_WAIT_S):
            log.info("no TextOver within %.0f s of an interrupt; the audio goes anyway", TEXT_OVER_WAIT_S)
            self._texts.clear()

    async def _end_audio(self) -> None:
        pacer = self._pacer
        if pacer is not None:
            pacer.stop()
        if not await self._wait(lambda: not self.audio_playing, AUDIO_OVER_WAIT_S):
            log.info("no AudioOver within %.0f s of IsFinal; the next drive goes anyway", AUDIO_OVER_WAIT_S)
            self._audio.clear()

    async def _wait(self, done: Callable[[], bool], timeout_s: float) -> bool:
        deadline = asyncio.get_running_loop().time() + timeout_s
        while not done():
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return False
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)
        return True

    def channel_state(self, state: ChannelState) -> None:
        """From the channel's state callback (engine thread): open again after a drop, resync."""
        if state.state == "open" and state.reconnects and (self._resync is None or self._resync.done()):
            self._resync = asyncio.get_running_loop().create_task(self.resync())

    async def resync(self) -> int:
        """After a reconnect: wait for the pushed statuses, then send again each text that never got one on an
        earlier connection (one sent on this connection is just not answered yet). Returns how many went again."""
        await asyncio.sleep(RESYNC_WAIT_S)
        now = self.channel.reconnects
        lost = [
            self._texts[req_id]
            for req_id, sent_on in list(self._unconfirmed.items())
            if sent_on < now and req_id in self._texts
        ]
        for message in lost:
            self._unconfirmed.pop(str(message["Payload"]["ReqId"]), None)
            log.info("a text sent as the channel dropped got no status; sending it again")
            await self.channel.send_text(message)
            self.resent += 1
        return len(lost)

    def close(self) -> None:
        """The session is being closed: a running audio drive stops, a pending resync is dropped."""
        if self._pacer is not None:
            self._pacer.stop()
        if self._resync is not None:
            self._resync.cancel()


__all__ = ["DriveOrder"]
