"""Time ``emit_yaml`` against PyYAML's C dumper on the same 3.5 MB EndpointSliceList.

Both contenders get the same plain-dict input from ``_data.slice_list_dict`` (100 slices of
100 endpoints with addresses, conditions, nodeName, zone, targetRef, hints, and metadata with
labels, owner references and annotations). The reference is
``yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=True, default_flow_style=False)``, the
fastest general YAML writer available to Python. ``emit_json`` is timed against
``json.dumps(..., indent=4, sort_keys=True)`` for scale.

Run from the repository root::

    python benchmarks/bench_emit.py [--slices N] [--per-slice N] [--repeat N]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _data import slice_list_dict  # The data builder lives beside this script.

from endpointslice import io  # Needs the path set above.
from endpointslice._emit import emit_json, emit_yaml
from endpointslice.discovery import EndpointSliceList


def _best_of(repeat: int, func: Callable[[], str]) -> tuple[float, int]:
    """Return the best wall time of ``repeat`` calls and the output size, GC off while timing."""
    best = float("inf")
    size = 0
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            out = func()
            elapsed = time.perf_counter() - start
        finally:
            gc.enable()
        best = min(best, elapsed)
        size = len(out.encode("utf-8"))
    return best, size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--slices", type=int, default=100)
    parser.add_argument("--per-slice", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    data: dict[str, Any] = slice_list_dict(slices=args.slices, per_slice=args.per_slice)

    ours, ours_size = _best_of(args.repeat, lambda: emit_yaml(data))
    peer, peer_size = _best_of(
        args.repeat,
        lambda: yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=True, default_flow_style=False),
    )
    print(f"input: {args.slices} slices x {args.per_slice} endpoints")
    print(f"emit_yaml:                 {ours * 1000:8.1f} ms  ({ours_size:,} bytes)")
    print(f"yaml.dump(CSafeDumper):    {peer * 1000:8.1f} ms  ({peer_size:,} bytes)")
    print(f"ratio emit_yaml / CSafeDumper: {ours / peer:.3f}  (target <= 0.6)")

    # The project target counts dumping from the models: io.dumps converts with to_dict first.
    slices = io.from_dict(data, EndpointSliceList)
    models, _ = _best_of(args.repeat, lambda: io.dumps(slices))
    print(f"io.dumps(EndpointSliceList): {models * 1000:6.1f} ms  (to_dict + emit_yaml)")
    print(f"ratio io.dumps / CSafeDumper: {models / peer:.3f}  (target <= 0.6)")

    ours_json, _ = _best_of(args.repeat, lambda: emit_json(data))
    peer_json, _ = _best_of(args.repeat, lambda: json.dumps(data, indent=4, sort_keys=True))
    print(f"emit_json:                 {ours_json * 1000:8.1f} ms")
    print(f"json.dumps(indent=4):      {peer_json * 1000:8.1f} ms")
    print(f"ratio emit_json / json.dumps: {ours_json / peer_json:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
