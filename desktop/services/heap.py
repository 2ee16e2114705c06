"""The cyclic garbage collector and the catalogue's records.

A catalogue of 10,000 avatars is some 100,000 objects the collector tracks (records, their tuples, nested extra
parameters) and that live until the next catalogue replaces them. Left in the collector's generations, every full
collection walks them all: 30-60 ms with the GIL held, whichever thread runs it, so the GUI thread stalls for a
frame or three. Reading them in bulk also set off collection after collection (a cached catalogue took 160-200 ms
to read instead of 90). So:

- `bulk_allocation()`: the collector is off while a catalogue is built, and what is alive at the end is frozen;
- `freeze_long_lived()`: once a fetched catalogue is shown and the one before it released, what is alive is frozen.

Frozen objects are still freed by reference counting when they are dropped (the records hold no cycles); what
freezing costs is that a reference cycle alive at that moment, which later becomes garbage, is never collected. At
the two moments it is used (a catalogue just read or just shown) that is a few objects, once per refresh.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """The collector paused while many long-lived, acyclic objects are made; then they are frozen."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def freeze_long_lived() -> None:
    """Move every object alive now out of the collector's generations (gc.freeze: constant time)."""
    gc.freeze()
