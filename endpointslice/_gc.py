"""Keeping the cyclic garbage collector out of bulk loading.

Loading 10,000 endpoints creates millions of container objects (dicts,
tuples, models), and none of them is garbage: they are the result. CPython's
collector cannot know that. It starts a young collection every 700 new
containers and a full one each time the long-lived heap grows by a quarter,
so with the collector on, as users and the CLI run, it walks the growing
result again and again for nothing: a YAML load cost about five times what
it costs with the collector off.

`paused()` disables the collector for the duration of a bulk load and, when
the load succeeds, moves what survived straight into the oldest generation
(``gc.freeze()`` then ``gc.unfreeze()``: two list splices, no traversal)
before the collector is enabled again. Without that step the first young
collection afterwards would walk every object the load made, and the next
two would walk them again while promoting them; the load's objects are
long-lived by construction, which is exactly what the oldest generation is
for. Garbage cycles made meanwhile (by the caller or by other threads) are
not lost: the next full collection, which Python still runs on its usual
schedule, frees them.

The rules, each tested:

* nesting is free: only the outermost `paused()` changes anything;
* it is process-wide, like the collector itself, so a count shared by all
  threads decides: the collector comes back on when the last thread's load
  ends, not when the first one's does;
* if the collector was off when the outermost load began (the user turned
  it off), it stays off; and if the user froze objects themselves
  (``gc.freeze()`` before forking workers), they stay frozen, since
  ``gc.unfreeze()`` cannot tell theirs from ours: the load's objects are then
  simply left in the young generation;
* only a load that made many objects (`SETTLE_FROM`) is moved to the oldest
  generation; after a small one the collector simply resumes;
* the previous state comes back on success and on error (a failed load
  leaves mostly garbage, so no splice is made then);
* ``with io.gc_pause(False):`` (see `enabled`) turns all of this off for a
  block, for a program that wants the collector to run as it always does.
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
import threading
from collections.abc import Iterator

__all__ = ["enabled", "paused"]

#: A load that left at least this many new container objects has them moved to the oldest
#: generation; a smaller one leaves the young generation to the collector as usual, so that
#: a program calling `from_dict` in a loop sees the collector behave as it always does.
SETTLE_FROM = 10_000

_ENABLED: contextvars.ContextVar[bool] = contextvars.ContextVar("endpointslice_gc_pause", default=True)


class _State:
    """How many loads are running in the process, and what to restore when the last one ends.

    This is process-wide state on purpose: the collector it stands for is too.
    """

    __slots__ = ("depth", "lock", "restore", "young")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.depth = 0
        self.restore = False
        self.young = 0


_STATE = _State()


@contextlib.contextmanager
def enabled(on: bool) -> Iterator[None]:
    """Within the block (and the threads and tasks it starts), whether `paused` pauses the collector."""
    token = _ENABLED.set(on)
    try:
        yield
    finally:
        _ENABLED.reset(token)


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector paused, as described in the module docstring."""
    if not _ENABLED.get():
        yield
        return
    state = _STATE
    with state.lock:
        state.depth += 1
        if state.depth == 1:
            state.restore = gc.isenabled()
            state.young = gc.get_count()[0]
            gc.disable()
    ok = False
    try:
        yield
        ok = True
    finally:
        with state.lock:
            state.depth -= 1
            if state.depth == 0 and state.restore:
                state.restore = False
                made = gc.get_count()[0] - state.young
                if ok and made >= SETTLE_FROM and gc.get_freeze_count() == 0:
                    gc.freeze()  # Everything tracked, young or old, into the permanent generation...
                    gc.unfreeze()  # ...and back into the oldest: the load's objects are settled.
                gc.enable()
