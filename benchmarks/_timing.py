"""The one timing rule every benchmark uses, so that contenders are measured alike."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

__all__ = ["best"]


def best(fn: Callable[[], Any], repeat: int) -> float:
    """The best wall time of *repeat* calls of *fn*.

    The garbage collector is handled the same way for every contender: a
    full collection before each call and the collector disabled during it,
    because a collection landing inside one contender's call alone can
    triple its time. It is re-enabled even when *fn* raises.
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
