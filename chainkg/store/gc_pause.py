"""Pausing Python's cyclic garbage collector while a large graph is built or read.

Why: building the graph allocates millions of dicts, lists and strings that all stay alive. The
collector is triggered by allocations, and each older-generation pass walks every live container
object, so a city-sized load spent about a third of its time collecting nothing. The graph holds no
reference cycles that need collecting promptly, so the collector is paused for the duration and
restored afterwards (and nested pauses leave it as they found it). Do not combine with a
``gc.freeze()`` of your own: leaving the pause unfreezes everything.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block; re-enable it after if it was enabled before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What was built is long-lived. Left in the young generation, the next collections would
        # walk all of it twice to promote it; freeze + unfreeze moves it to the oldest generation
        # without a scan (garbage among it is still found by the next full collection).
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()
