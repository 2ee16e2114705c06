"""The audio drive's sound as 16 kHz mono 16-bit PCM (seed 002, "Voice-driven Instructions"), made by ffmpeg in a
child process: decoded from any file ffmpeg reads, or captured live from a PulseAudio source (the microphone).

Capture goes through ffmpeg rather than QtMultimedia: that is PySide6-Addons (+156 MB), its QAudioSource delivers
on the thread that owns it (the GUI's, or one more thread to keep), and Qt hides monitor sources. ffmpeg is already
needed, runs outside the interpreter (no GIL held while it decodes or captures), and reads PulseAudio, which
PipeWire desktops also serve.

Engine side only: `pcm_chunks` is an async generator the audio pacer reads; the child is killed when the reader
stops early (an interrupt), so no ffmpeg outlives its drive.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import signal
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop.spec import drive as spec

STDERR_KEEP_BYTES = 4000


class PcmError(Exception):
    """ffmpeg could not make the sound (not installed, an unreadable file, no such microphone)."""


@dataclass(frozen=True)
class Microphone:
    name: str  # the PulseAudio source name ffmpeg opens
    description: str  # what the user sees


def _ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found is None:
        raise PcmError("ffmpeg is not installed (apt-get install ffmpeg)")
    return found


def _output() -> list[str]:
    rate, channels = str(spec.AUDIO_SAMPLE_RATE), "1"
    return ["-vn", "-ac", channels, "-ar", rate, "-f", "s16le", "-acodec", "pcm_s16le", "pipe:1"]


def file_command(path: Path) -> list[str]:
    """Decode a file (any container or codec ffmpeg knows, video files' sound included)."""
    return [_ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(path), *_output()]


def microphone_command(source: str) -> list[str]:
    """Capture a PulseAudio source live. Small fragments: the default buffers ~1 s before the first byte."""
    capture = ["-f", "pulse", "-fragment_size", "1280", "-sample_rate", str(spec.AUDIO_SAMPLE_RATE), "-channels", "1"]
    return [_ffmpeg(), "-nostdin", "-hide_banner", "-loglevel", "error", *capture, "-i", source, *_output()]


async def pcm_chunks(
    command: Sequence[str], chunk_bytes: int = spec.AUDIO_PACKET_BYTES, *, finish: asyncio.Event | None = None
) -> AsyncIterator[bytes]:
    """The child's PCM in chunks of `chunk_bytes` (the last may be shorter, always whole samples). Raises PcmError,
    with ffmpeg's own words, when it fails; killing it when the reader stops early. Setting `finish` asks ffmpeg to
    end as it would at Ctrl+C (a capture's last fragment is still delivered: the end of a push-to-talk sentence)."""
    try:
        child = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as error:
        raise PcmError(f"ffmpeg could not be started: {error.strerror or error}") from None
    assert child.stdout is not None and child.stderr is not None
    errors = asyncio.ensure_future(_tail(child.stderr))
    ending = asyncio.ensure_future(_end_when(finish, child)) if finish is not None else None
    finished = False
    try:
        while True:
            try:
                chunk = await child.stdout.readexactly(chunk_bytes)
            except asyncio.IncompleteReadError as end:
                chunk = end.partial[: len(end.partial) - len(end.partial) % spec.AUDIO_SAMPLE_BYTES]
                if chunk:
                    yield chunk
                break
            yield chunk
        code = await child.wait()
        finished = True
        if code != 0 and not (finish is not None and finish.is_set()):
            raise PcmError(_last_words(await errors) or f"ffmpeg stopped with code {code}")
    finally:
        if not finished and child.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                child.kill()
            await asyncio.shield(child.wait())
        for helper in (errors, ending):
            if helper is not None:
                helper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await helper


async def _tail(stream: asyncio.StreamReader) -> bytes:
    """All of ffmpeg's stderr (read to its end, or it could block writing), its last STDERR_KEEP_BYTES kept."""
    kept = b""
    while chunk := await stream.read(65536):
        kept = (kept + chunk)[-STDERR_KEEP_BYTES:]
    return kept


def _last_words(stderr: bytes) -> str:
    """ffmpeg's last line, without its "[mp3 @ 0x55f3...]" prefix (noise to a user); the file's path it names is
    the user's own."""
    lines = [
        re.sub(r"^\[[^\]]*@ 0x[0-9a-f]+\]\s*", "", line).strip()
        for line in stderr.decode("utf-8", "replace").splitlines()
    ]
    lines = [line for line in lines if line]
    return lines[-1] if lines else ""


async def _end_when(finish: asyncio.Event, child: asyncio.subprocess.Process) -> None:
    await finish.wait()
    if child.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signal.SIGINT)


async def microphones() -> list[Microphone]:
    """PulseAudio's capture sources (monitors of outputs left out, as Qt does), by `pactl`; none when no sound
    server answers."""
    pactl = shutil.which("pactl")
    if pactl is None:
        return []
    try:
        child = await asyncio.create_subprocess_exec(
            pactl, "list", "short", "sources", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
        )
        out, _ = await asyncio.wait_for(child.communicate(), 5)
    except (OSError, TimeoutError):
        return []
    if child.returncode != 0:
        return []
    found = []
    for line in out.decode("utf-8", "replace").splitlines():
        fields = line.split("\t")
        if len(fields) >= 2 and not fields[1].endswith(".monitor"):
            found.append(Microphone(fields[1], fields[1]))
    return found


__all__ = ["Microphone", "PcmError", "file_command", "microphone_command", "microphones", "pcm_chunks"]
