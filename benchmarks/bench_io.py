"""Loading and dumping 100 slices x 100 endpoints (about 3.5 MB of YAML), against floors and peers.

Contenders, all on the same text in the same run:

* the floor: ``yaml.load`` with ``CSafeLoader`` to plain dicts, and
  ``yaml.dump`` with ``CSafeDumper`` from plain dicts;
* the peers: the official ``kubernetes`` client and ``lightkube-models``,
  each ``from_dict`` after the same ``CSafeLoader`` parse;
* the JSON path: ``json.loads`` (and ``orjson.loads`` when installed).

Garbage collection is handled identically for every contender: a full
collection before each timed call, and the collector disabled during it.
Each figure is the best of several repetitions.

The heap is controlled too. The load rows run while only the two input
texts are alive; the dicts and models the dump and dict rows need are built
after them. Tens of megabytes of other live objects fragment the allocator,
and that penalises whichever contender allocates most per byte of input:
it slowed a whole-text JSON load by about a quarter (60 to 77 ms) and the
YAML load hardly at all; reading JSON lists item by item cut that to under
a tenth.
The last row measures the JSON speed-up again with those objects alive, so
the size of that effect is printed, not hidden.

Run: ``python benchmarks/bench_io.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import slice_list_dict  # The data builders live beside this script.
from _timing import best  # The shared timing rule (GC collected before, off during).

from endpointslice import EndpointSliceList, io

K8sList: Any
try:
    from kubernetes.client import V1EndpointSliceList as K8sList
except ImportError:  # The peer is in the 'bench' extra.
    K8sList = None


def retained(fn: Callable[[], Any]) -> int:
    """Bytes still allocated by the result of *fn* (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    result = fn()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del result
    return after - before


def row(name: str, ours: float, ref: float, target: str) -> None:
    print(f"{name:<44} ours {ours * 1000:9.1f} ms   ref {ref * 1000:9.1f} ms   ratio {ours / ref:6.2f}   {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    n = args.repeat

    model = io.from_dict(slice_list_dict(), EndpointSliceList)
    text = io.dumps(model)
    json_text = io.dumps(model, output=io.Output.JSON)
    print(
        f"input: {len(model.items)} slices x {len(model.items[0].endpoints or ())} endpoints, "
        f"{len(text) / 1e6:.2f} MB YAML, {len(json_text) / 1e6:.2f} MB JSON; best of {n}, GC off while timing"
    )
    del model  # Rebuilt below, after the load rows.
    gc.collect()

    # Loading: only the input texts are alive.
    floor_load = best(lambda: yaml.load(text, Loader=yaml.CSafeLoader), n)
    ours_load = best(lambda: io.loads(text), n)
    row("YAML load -> models  vs CSafeLoader -> dicts", ours_load, floor_load, "target <= 1.15")

    json_floor = best(lambda: json.loads(json_text), n)
    ours_json = best(lambda: io.loads(json_text), n)
    row("JSON load -> models  vs json.loads -> dicts", ours_json, json_floor, "(floor)")
    print(f"{'JSON load vs YAML load (ours)':<44} speed-up {ours_load / ours_json:6.1f}x   target >= 10x")
    try:
        import orjson

        or_floor = best(lambda: orjson.loads(json_text), n)
        row("JSON load -> models  vs orjson.loads -> dicts", ours_json, or_floor, "(floor)")
    except ImportError:
        print("orjson not installed: skipped")

    if K8sList is None:
        print("kubernetes client not installed: skipped (pip install -e '.[bench]')")
    else:
        k8s_load = best(lambda: K8sList.from_dict(yaml.load(text, Loader=yaml.CSafeLoader)), n)
        row("YAML load -> models  vs kubernetes client", ours_load, k8s_load, "target < 1.00")
    try:
        from lightkube.models.discovery_v1 import EndpointSliceList as LkList

        lk_load = best(lambda: LkList.from_dict(yaml.load(text, Loader=yaml.CSafeLoader)), n)
        row("YAML load -> models  vs lightkube-models", ours_load, lk_load, "target < 1.00")
    except ImportError:
        print("lightkube-models not installed: skipped (pip install -e '.[bench]')")

    # Dumping and dict -> models: these need the dicts and models alive.
    plain = yaml.load(text, Loader=yaml.CSafeLoader)  # CSafeLoader is the safe loader.
    loaded = io.from_dict(plain, EndpointSliceList)

    floor_dump = best(lambda: yaml.dump(plain, Dumper=yaml.CSafeDumper, sort_keys=True, default_flow_style=False), n)
    ours_dump = best(lambda: io.dumps(loaded), n)
    row("YAML dump <- models  vs CSafeDumper <- dicts", ours_dump, floor_dump, "target <= 0.60")

    ours_dict = best(lambda: io.from_dict(plain, EndpointSliceList), n)
    if K8sList is not None:
        k8s_dict = best(lambda: K8sList.from_dict(plain), n)
        row("dict -> models       vs kubernetes client", ours_dict, k8s_dict, "target <= 1.00")
        ours_mem = retained(lambda: io.from_dict(plain, EndpointSliceList))
        k8s_mem = retained(lambda: K8sList.from_dict(plain))
        print(
            f"{'memory of loaded models vs kubernetes client':<44} ours {ours_mem / 1e6:9.1f} MB   "
            f"ref {k8s_mem / 1e6:9.1f} MB   ratio {ours_mem / k8s_mem:6.2f}   target <= 0.50"
        )

    busy_load = best(lambda: io.loads(text), n)
    busy_json = best(lambda: io.loads(json_text), n)
    print(
        f"{'(info) the same with the dicts above alive':<44} YAML {busy_load * 1000:6.1f} ms   "
        f"JSON {busy_json * 1000:6.1f} ms   speed-up {busy_load / busy_json:6.1f}x"
    )


if __name__ == "__main__":
    main()
