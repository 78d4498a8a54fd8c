"""Python's cycle collector paused while bulk work runs.

Reading a large file or writing a large export makes hundreds of thousands of objects
that form no cycles: the collector's passes over them free nothing and cost a seventh of
a 10,000-entry import and a tenth of an export. Memory is still freed as usual by
reference counting meanwhile.

The collector is one switch for the whole process, and an import and an export may
overlap (on the writer thread and another): pauses are counted, and the collector comes
back when the last one ends, as it was before the first.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    """The cycle collector off while the block runs (and while any other pause does)."""
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()
