"""Real speech from espeak-ng, through its library (libespeak-ng.so.1) rather than the command line: the library's
synthesis callback reports each word with its position in the audio, which the word timestamps need.

The library keeps global state: one synthesis at a time (a lock), called from worker threads.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
import threading
from dataclasses import dataclass, field

EVENT_LIST_TERMINATED = 0
EVENT_WORD = 1
EVENT_END = 5
EVENT_MSG_TERMINATED = 6
AUDIO_OUTPUT_SYNCHRONOUS = 2
POS_CHARACTER = 1
CHARS_UTF8 = 1
SSML = 0x10
PARAM_RATE = 1
PARAM_VOLUME = 2
RATE_NORMAL = 175
RATE_RANGE = (80, 450)


class _Id(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _Id),
    ]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


@dataclass(frozen=True)
class Word:
    text: str
    start_ms: float
    end_ms: float


@dataclass
class Speech:
    pcm: bytes  # 16-bit mono
    rate: int
    words: list[Word] = field(default_factory=list)

    @property
    def duration_ms(self) -> float:
        return len(self.pcm) / 2 / self.rate * 1000


class EspeakError(RuntimeError):
    pass


class Synthesizer:
    def __init__(self) -> None:
        name = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
        try:
            self._lib = ctypes.CDLL(name)
        except OSError as exc:
            raise EspeakError(f"espeak-ng's library is not installed ({exc}); apt-get install espeak-ng") from exc
        self._lib.espeak_Initialize.restype = ctypes.c_int
        self._lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint, ctypes.c_uint,
            ctypes.POINTER(ctypes.c_uint), ctypes.c_void_p,
        ]  # fmt: skip
        self._lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.rate = self._lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0)
        if self.rate <= 0:
            raise EspeakError("espeak-ng could not be initialised (is espeak-ng-data installed?)")
        self._lock = threading.Lock()
        self._pcm = bytearray()
        self._events: list[tuple[int, int, int, int]] = []  # type, text position, length, audio ms
        self._callback = _CALLBACK(self._collect)  # kept referenced: the library calls it
        self._lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav: ctypes.Array[ctypes.c_short] | None, count: int, events: ctypes.Array[_Event]) -> int:
        if wav and count > 0:
            self._pcm += ctypes.string_at(wav, count * 2)
        index = 0
        while events[index].type != EVENT_LIST_TERMINATED:
            event = events[index]
            self._events.append((event.type, event.text_position, event.length, event.audio_position))
            index += 1
        return 0

    def say(self, text: str, voice: str = "en-us", speed: float = 1.0, volume_db: float = 0.0) -> Speech:
        """Speak `text` (SSML allowed) at `speed` times the normal rate and `volume_db` from normal."""
        encoded = text.encode("utf-8") + b"\0"
        with self._lock:
            self._pcm = bytearray()
            self._events = []
            if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:
                self._lib.espeak_SetVoiceByName(b"en-us")
            rate = int(min(max(RATE_NORMAL * speed, RATE_RANGE[0]), RATE_RANGE[1]))
            self._lib.espeak_SetParameter(PARAM_RATE, rate, 0)
            self._lib.espeak_SetParameter(PARAM_VOLUME, int(min(200, max(0, 100 * 10 ** (volume_db / 20)))), 0)
            result = self._lib.espeak_Synth(encoded, len(encoded), 0, POS_CHARACTER, 0, CHARS_UTF8 | SSML, None, None)
            if result != 0:
                raise EspeakError(f"espeak-ng could not synthesise the text (error {result})")
            pcm, events = bytes(self._pcm), list(self._events)
        return Speech(pcm, self.rate, _words(text, events, len(pcm) / 2 / self.rate * 1000))


_TOKEN = re.compile(r"[\w'’-]+")


def _words(text: str, events: list[tuple[int, int, int, int]], total_ms: float) -> list[Word]:
    """A word event starts at its audio position and lasts until the next word or clause begins. espeak says some
    words as one unit ("I am") and reports only the first, so the source text from one event to the next is split
    into words, which share the event's time in proportion to their length."""
    marks = sorted(
        (ms, kind, position, length) for kind, position, length, ms in events if kind in (EVENT_WORD, EVENT_END)
    )
    starts: list[tuple[int, int]] = []
    for ms, kind, position, length in marks:
        # After some voices (cmn, ja) espeak adds a stray zero-length WORD event pointing back into the text.
        if kind == EVENT_WORD and length > 0 and (not starts or position > starts[-1][1]):
            starts.append((ms, position))
    boundaries: list[float] = sorted([ms for ms, _ in starts] + [ms for ms, kind, *_ in marks if kind == EVENT_END])
    words: list[Word] = []
    for index, (ms, position) in enumerate(starts):
        next_position = starts[index + 1][1] if index + 1 < len(starts) else len(text) + 1
        end = next((m for m in boundaries if m > ms), total_ms)
        span = re.sub(r"<[^>]*>", " ", text[max(0, position - 1) : max(0, next_position - 1)])
        tokens = _TOKEN.findall(span)
        if not tokens:
            continue
        total_chars = sum(len(t) for t in tokens)
        cursor = float(ms)
        for token in tokens:
            share = (min(end, total_ms) - ms) * len(token) / total_chars
            words.append(Word(token, cursor, cursor + share))
            cursor += share
    return words


_CREATING = threading.Lock()
_INSTANCE: list[Synthesizer] = []


def synthesizer() -> Synthesizer:
    """The process's one instance: the library has global state, and a second instance would take over the
    callback while the first is speaking (functools.cache alone lets two threads both create one)."""
    with _CREATING:
        if not _INSTANCE:
            _INSTANCE.append(Synthesizer())
        return _INSTANCE[0]
