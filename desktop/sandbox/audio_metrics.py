"""Real signal metrics of an uploaded recording, for the audio quality checks (audioevaluation and
detectaudioquality). The audio is decoded by ffmpeg to 16 kHz mono and cut into 20 ms frames.

- Duration: the time covered by speech frames (frame energy within 35 dB of the loudest 5%), in seconds.
- Clipping: the share of samples at full scale (|x| >= 0.999), in percent; 0 passes.
- SNR: the mean energy of speech frames over that of the quietest 10% of frames, in dB (capped at 100).
- C50 (reverberation): a room limits how fast sound can die away, so the fastest decays in speech (the 95th
  percentile of 40 ms drops of frame energy, in dB per second) give a reverberation time T60 = 60 / decay, and
  for an exponential decay C50 = 10 log10(exp(13.8 * 0.05 / T60) - 1) dB. A dry room decays fast and scores
  high; capped at 100.
- Text accuracy (Wer): the sandbox cannot recognise speech, so it compares the speaking time with what the
  reference text needs (about 15 characters a second) and reports min(ratio, 1/ratio); 1.0 without a text.
"""

from __future__ import annotations

import math
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 16000
FRAME = RATE // 50  # 20 ms
CHARS_PER_SECOND = 15.0


@dataclass(frozen=True)
class AudioMetrics:
    duration_s: float  # effective (speech) duration
    total_s: float
    clipping_percent: float
    snr_db: float
    c50_db: float
    text_accuracy: float


def decode(path: Path) -> np.ndarray:
    """16 kHz mono float samples in [-1, 1] (ValueError when ffmpeg cannot read the file)."""
    command = ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-ac", "1", "-ar", str(RATE), "-f", "s16le", "-"]
    result = subprocess.run(command, check=False, capture_output=True, timeout=300)
    if result.returncode != 0 or not result.stdout:
        raise ValueError(f"the audio could not be decoded: {result.stderr.decode(errors='replace')[-200:].strip()}")
    return np.frombuffer(result.stdout, dtype="<i2").astype(np.float64) / 32768.0


def measure(samples: np.ndarray, reference_text: str = "") -> AudioMetrics:
    total = len(samples) / RATE
    frames = (
        samples[: len(samples) // FRAME * FRAME].reshape(-1, FRAME) if len(samples) >= FRAME else np.zeros((1, FRAME))
    )
    energy = np.maximum((frames**2).mean(axis=1), 1e-12)
    level = 10 * np.log10(energy)
    loud = np.percentile(level, 95)
    speech = level > loud - 35
    quiet = np.sort(energy)[: max(1, len(energy) // 10)]
    snr = 10 * math.log10(energy[speech].mean() / quiet.mean()) if speech.any() else 0.0
    clipping = float((np.abs(samples) >= 0.999).mean() * 100) if len(samples) else 0.0
    duration = float(speech.sum() * FRAME / RATE)
    return AudioMetrics(
        duration_s=round(duration, 2),
        total_s=round(total, 2),
        clipping_percent=round(clipping, 4),
        snr_db=round(min(snr, 100.0), 2),
        c50_db=round(_c50(level, speech), 2),
        text_accuracy=round(_text_accuracy(duration, reference_text), 4),
    )


def _c50(level: np.ndarray, speech: np.ndarray) -> float:
    span = 2  # drops measured over 40 ms
    if len(level) <= span:
        return 100.0
    drops = (level[:-span] - level[span:])[speech[:-span]]
    drops = drops[drops > 0]
    if len(drops) == 0:
        return 0.0
    decay = float(np.percentile(drops, 95)) / (span * FRAME / RATE)  # dB per second: the room's limit
    t60 = 60.0 / decay
    exponent = 13.8 * 0.05 / t60
    return 100.0 if exponent > 23 else min(100.0, 10 * math.log10(math.expm1(exponent)))


def _text_accuracy(speech_s: float, reference_text: str) -> float:
    text = "".join(reference_text.split())
    if not text:
        return 1.0
    if speech_s <= 0:
        return 0.0
    expected = len(text) / CHARS_PER_SECOND
    ratio = speech_s / expected
    return min(ratio, 1 / ratio)
