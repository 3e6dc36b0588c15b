"""The one measuring rule every benchmark uses, so that contenders are measured alike.

Users run with the garbage collector on, so the headline figure of every row is taken with
it on, and the figure with it off is printed beside it as a second column: the gap between
the two is what the collector costs. Each figure is the **median of three** timed calls
(``REPEAT``), not the best, so that one lucky run (no collection landing inside it) does not
become the headline. Calls are timed in **CPU time** of this process (``time.process_time``):
the benchmarks run single-threaded on a shared machine, where wall time grows with other
people's jobs (a 4-minute CPU run once took 17 minutes of wall time) and CPU time does not.

* ``measure(fn)`` times ``fn`` both ways and returns a ``Timing``;
* ``row(...)`` prints our figure, the reference's and their ratio, GC on first;
* ``retained(fn)`` is the memory the result of ``fn`` keeps alive, every allocation counted
  (``fn`` should start from text, so that strings are the result's own, as they are for users);
* ``fresh_process(argv)`` runs a command in a new process and returns its CPU time, wall time
  and peak resident memory, for the benchmarks that time commands as users run them.

``best`` is the old rule (best of *repeat*, GC off) kept for the scripts that have not moved
to ``measure`` yet; new rows should not use it.
"""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import time
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

__all__ = ["REPEAT", "Timing", "Usage", "best", "fresh_process", "header", "measure", "retained", "row"]

#: Timed calls per figure; the figure is their median.
REPEAT = 3


class Timing(NamedTuple):
    """Median CPU time of one contender, with the collector on (headline) and off."""

    gc_on: float
    gc_off: float


class Usage(NamedTuple):
    """What one command cost in its own fresh process."""

    cpu: float  # user + system seconds: what a busy shared machine does not inflate
    wall: float
    max_rss: int  # bytes
    returncode: int


def _runs(fn: Callable[[], Any], repeat: int, *, collector: bool) -> list[float]:
    times = []
    for _ in range(repeat):
        # Every call starts from the same heap: no contender inherits another's garbage.
        gc.collect()
        if not collector:
            gc.disable()
        try:
            start = time.process_time()
            result = fn()
            times.append(time.process_time() - start)
        finally:
            gc.enable()
        del result  # Freed outside the timed region, as for every contender.
    return times


def measure(fn: Callable[[], Any], repeat: int = REPEAT) -> Timing:
    """Time *fn* with the collector on (as users run it) and off; the median of *repeat* calls each.

    The collector's thresholds are left as they are (Python's defaults in a script), and a
    full collection runs before each call. The collector is re-enabled even when *fn* raises.
    """
    if not gc.isenabled():
        msg = "measure() must start with the collector on, as users run"
        raise RuntimeError(msg)
    on = statistics.median(_runs(fn, repeat, collector=True))
    off = statistics.median(_runs(fn, repeat, collector=False))
    return Timing(on, off)


def header(what: str, repeat: int = REPEAT) -> None:
    """Print the input and how the figures below were taken."""
    print(what)
    print(
        f"each figure: median of {repeat} calls; 'GC on' (the headline) as users run, "
        f"'GC off' beside it; ratio = ours / reference"
    )


def row(name: str, ours: Timing, ref: Timing, target: str = "", *, width: int = 46) -> None:
    """Print one comparison: GC on (headline) then GC off, each as ours, reference and ratio."""
    print(
        f"{name:<{width}} GC on: ours {ours.gc_on * 1000:8.1f} ms  ref {ref.gc_on * 1000:8.1f} ms  "
        f"ratio {ours.gc_on / ref.gc_on:5.2f} | GC off: {ours.gc_off * 1000:8.1f} / {ref.gc_off * 1000:8.1f} ms  "
        f"ratio {ours.gc_off / ref.gc_off:5.2f}   {target}"
    )


def retained(fn: Callable[[], Any]) -> int:
    """Bytes still allocated by the result of *fn*, everything it allocated counted (tracemalloc).

    Only what *fn* allocates is counted, so give it text, not prebuilt dicts: a model built from
    a dict shares that dict's strings, and they would go uncounted.
    """
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = fn()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del result
    return after - before


def fresh_process(argv: Sequence[str], *, stdout: Any = subprocess.DEVNULL, env: dict[str, str] | None = None) -> Usage:
    """Run *argv* in a new process and return its own CPU time, wall time and peak RSS.

    ``os.wait4`` gives the child's own resource usage, so other children of this script
    (earlier commands) do not leak into the figure as they would with ``RUSAGE_CHILDREN``.
    """
    start = time.perf_counter()
    # The benchmark scripts pass their own interpreter and arguments, never user input.
    proc = subprocess.Popen(list(argv), stdout=stdout, stderr=subprocess.PIPE, env=env)  # noqa: S603
    assert proc.stderr is not None
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    if proc.returncode:
        print(f"  (exit {proc.returncode}) {err.decode(errors='replace').strip()[:300]}")
    # Linux reports ru_maxrss in kilobytes.
    return Usage(usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss * 1024, proc.returncode)


def best(fn: Callable[[], Any], repeat: int) -> float:
    """The old rule: the best wall time of *repeat* calls with the collector off.

    Kept for scripts not yet moved to ``measure``; it flatters whoever allocates most,
    because users run with the collector on.
    """
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return min(times)
