"""Loading and dumping 100 slices x 100 endpoints (about 3.5 MB of YAML), against floors and every peer.

Contenders, all on the same text in the same run:

* the floors: the C compose step (``yaml.compose`` with ``CSafeLoader``: scanning, parsing
  and the node tree, with no Python objects built for values), ``yaml.load`` with
  ``CSafeLoader`` to plain dicts, ``json.loads`` (and ``orjson.loads`` when installed), and
  ``yaml.dump`` with ``CSafeDumper`` from plain dicts;
* the peers: the official ``kubernetes`` client and ``lightkube``, each ``from_dict`` after
  the same ``CSafeLoader`` parse (the fastest load either offers), lightkube's own whole load
  (``codecs.load_all_yaml``) and each peer's own dump.

Every row is timed by ``_timing.measure``: the median of three calls with the garbage
collector on, as users run (the headline), and with it off as a second column. Loads start
from text, as users' loads do; the memory rows count everything the load allocates,
strings included. The dict rows start from dicts, because that is where ``from_dict``
callers start.

The heap is controlled too. The load rows run while only the two input texts are alive; the
dicts and models the dump and dict rows need are built after them. Tens of megabytes of other
live objects fragment the allocator and change how often the collector runs. The last row
measures the JSON speed-up again with those objects alive, so the size of that effect is
printed, not hidden.

Run: ``python benchmarks/bench_io.py [--repeat N] [--quick]`` (``--quick`` skips the peers'
pure-Python whole load and dump, which take about a minute).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import slice_list_dict  # The data builders live beside this script.
from _timing import REPEAT, Timing, header, measure, retained, row  # The shared measuring rule.

from endpointslice import EndpointSliceList, io

K8sList: Any
K8sClient: Any
LkList: Any
lk_codecs: Any
try:
    from kubernetes.client import ApiClient as K8sClient
    from kubernetes.client import V1EndpointSliceList as K8sList
except ImportError:  # The peers are in the 'bench' extra.
    K8sList = K8sClient = None
try:
    from lightkube import codecs as lk_codecs
    from lightkube.models.discovery_v1 import EndpointSliceList as LkList
except ImportError:
    LkList = lk_codecs = None


def _csafe(text: str) -> Any:
    return yaml.load(text, Loader=yaml.CSafeLoader)  # CSafeLoader is the safe loader.


def memory_row(name: str, ours: int, ref: int, target: str = "") -> None:
    print(f"{name:<46} ours {ours / 1e6:8.1f} MB  ref {ref / 1e6:8.1f} MB  ratio {ours / ref:5.2f}   {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=REPEAT)
    parser.add_argument("--quick", action="store_true", help="skip the peers' pure-Python whole load and dump")
    args = parser.parse_args()
    n = args.repeat

    def timed(fn: Callable[[], Any]) -> Timing:
        return measure(fn, n)

    model = io.from_dict(slice_list_dict(), EndpointSliceList)
    text = io.dumps(model)
    json_text = io.dumps(model, output=io.Output.JSON)
    header(
        f"input: {len(model.items)} slices x {len(model.items[0].endpoints or ())} endpoints, "
        f"{len(text) / 1e6:.2f} MB YAML, {len(json_text) / 1e6:.2f} MB JSON",
        n,
    )
    del model  # Rebuilt below, after the load rows.
    gc.collect()

    # Loading, from text: only the input texts are alive.
    ours_load = timed(lambda: io.loads(text))
    row("YAML load -> models  vs CSafeLoader -> dicts", ours_load, timed(lambda: _csafe(text)), "target <= 1.00")
    compose = timed(lambda: yaml.compose(text, Loader=yaml.CSafeLoader))
    row("YAML load -> models  vs C compose (nodes)", ours_load, compose, "target <= 1.30")

    if K8sList is None:
        print("kubernetes client not installed: skipped (pip install -e '.[bench]')")
    else:
        k8s_load = timed(lambda: K8sList.from_dict(_csafe(text)))
        row("YAML load -> models  vs kubernetes client", ours_load, k8s_load, "target <= 1.00")
    if LkList is None:
        print("lightkube not installed: skipped (pip install -e '.[bench]')")
    else:
        lk_load = timed(lambda: LkList.from_dict(_csafe(text)))
        row("YAML load -> models  vs lightkube from_dict", ours_load, lk_load, "target <= 1.00")
        if not args.quick:
            # lightkube's own loader: yaml.safe_load_all (pure Python), then from_dict per item.
            lk_whole = timed(lambda: lk_codecs.load_all_yaml(text))
            row("YAML load -> models  vs lightkube load_all_yaml", ours_load, lk_whole, "target <= 1.00")

    ours_json = timed(lambda: io.loads(json_text))
    row("JSON load -> models  vs json.loads -> dicts", ours_json, timed(lambda: json.loads(json_text)), "(floor)")
    print(
        f"{'JSON load vs YAML load (ours)':<46} speed-up GC on {ours_load.gc_on / ours_json.gc_on:5.1f}x | "
        f"GC off {ours_load.gc_off / ours_json.gc_off:5.1f}x"
    )
    try:
        import orjson

        row(
            "JSON load -> models  vs orjson.loads -> dicts",
            ours_json,
            timed(lambda: orjson.loads(json_text)),
            "(floor)",
        )
    except ImportError:
        print("orjson not installed: skipped")

    # Memory of the loaded models, every allocation of the load counted (strings included).
    ours_mem = retained(lambda: io.loads(text))
    if K8sList is not None:
        memory_row(
            "memory loaded from text vs kubernetes client", ours_mem, retained(lambda: K8sList.from_dict(_csafe(text)))
        )
    if LkList is not None:
        lk_mem = retained(lambda: LkList.from_dict(_csafe(text)))
        memory_row("memory loaded from text vs lightkube", ours_mem, lk_mem, "target <= 0.80")

    # Dumping and dict -> models: these need the dicts and models alive. The models are
    # loaded from text, as users have them.
    plain = _csafe(text)
    loaded = io.loads(text)[0]

    ours_dict = timed(lambda: io.from_dict(plain, EndpointSliceList))
    if LkList is not None:
        row(
            "dict -> models       vs lightkube from_dict",
            ours_dict,
            timed(lambda: LkList.from_dict(plain)),
            "target <= 1.00",
        )
    if K8sList is not None:
        row(
            "dict -> models       vs kubernetes client",
            ours_dict,
            timed(lambda: K8sList.from_dict(plain)),
            "target <= 1.00",
        )

    ours_dump = timed(lambda: io.dumps(loaded))
    floor_dump = timed(lambda: yaml.dump(plain, Dumper=yaml.CSafeDumper, sort_keys=True, default_flow_style=False))
    row("YAML dump <- models  vs CSafeDumper <- dicts", ours_dump, floor_dump, "target <= 0.60")
    if K8sList is not None:
        k8s_model = K8sList.from_dict(plain)
        client = K8sClient()
        k8s_dump = timed(
            lambda: yaml.dump(
                client.sanitize_for_serialization(k8s_model), Dumper=yaml.CSafeDumper, default_flow_style=False
            )
        )
        row("YAML dump <- models  vs kubernetes client", ours_dump, k8s_dump, "(sanitize + CSafeDumper)")
        del k8s_model
    if LkList is not None and not args.quick:
        lk_model = LkList.from_dict(plain)
        # lightkube's own dump: to_dict, then yaml.safe_dump_all (pure Python).
        row(
            "YAML dump <- models  vs lightkube dump_all_yaml",
            ours_dump,
            timed(lambda: lk_codecs.dump_all_yaml([lk_model])),
        )
        del lk_model

    busy_load = timed(lambda: io.loads(text))
    busy_json = timed(lambda: io.loads(json_text))
    print(
        f"{'(info) the same with the dicts above alive':<46} GC on: YAML {busy_load.gc_on * 1000:6.1f} ms  "
        f"JSON {busy_json.gc_on * 1000:6.1f} ms  speed-up {busy_load.gc_on / busy_json.gc_on:5.1f}x | "
        f"GC off: speed-up {busy_load.gc_off / busy_json.gc_off:5.1f}x"
    )


if __name__ == "__main__":
    main()
