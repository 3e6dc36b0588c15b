"""Validating 100 slices x 100 endpoints, against ``kubernetes-validate`` on the same objects.

Contenders, on the same input in the same run:

* ours: `endpointslice.validate` on each of the 100 ``EndpointSlice`` models
  (the full apiserver rule set: metadata, ports, every address, hints),
  plus `endpointslice.checks.run_checks` over the set as a second figure;
* the peer: ``kubernetes_validate.validate`` (JSON-schema validation, which
  checks types and required keys only) on each of the same 100 slices as
  plain dicts, with the strict 1.37 schema.

Model building is not timed for either side: both start from data already in
memory (our models loaded from YAML text as users load them, the peer's dicts),
built once before timing. Every row is timed by ``_timing.measure``: the median
of three calls with the garbage collector on, as users run (the headline), and
with it off as a second column.

Run: ``python benchmarks/bench_validate.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import slice_list_dict, slice_list_yaml  # The data builders live beside this script.
from _timing import REPEAT, Timing, header, measure  # The shared measuring rule.

from endpointslice import EndpointSlice, io, validate
from endpointslice.checks import run_checks


def main(argv: list[str] | None = None) -> int:
    """Print our time, the peer's and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=REPEAT)
    args = parser.parse_args(argv)

    data = slice_list_dict()
    items = [{"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", **item} for item in data["items"]]
    slices = [s for s in io.flatten(io.loads(slice_list_yaml())) if isinstance(s, EndpointSlice)]
    endpoints = sum(len(s.endpoints or ()) for s in slices)

    def ours() -> None:
        for s in slices:
            if validate(s):
                raise AssertionError("the benchmark slices are valid")

    def ours_with_checks() -> None:
        ours()
        run_checks(slices)

    try:
        import kubernetes_validate
    except ImportError:
        print("kubernetes-validate is not installed (pip install 'endpointslice[bench]')")
        return 2

    def peer() -> None:
        for item in items:
            kubernetes_validate.validate(item, "1.37.0", strict=True)

    reused = _reused_validator(kubernetes_validate)

    def peer_reused() -> None:
        for item in items:
            reused.validate(item)

    peer()  # Warm the peer's schema file cache outside the timing.
    n = args.repeat
    t_ours = measure(ours, n)
    t_checks = measure(ours_with_checks, n)
    t_peer = measure(peer, n)
    t_reused = measure(peer_reused, n)
    header(f"input: {len(slices)} EndpointSlices, {endpoints} endpoints", n)

    def line(name: str, t: Timing) -> None:
        print(f"{name:<45} GC on {t.gc_on * 1000:8.1f} ms | GC off {t.gc_off * 1000:8.1f} ms")

    line("endpointslice.validate:", t_ours)
    line("  + cross-object checks:", t_checks)
    line("kubernetes_validate.validate (1.37 strict):", t_peer)
    line("  its schema validator built once, reused:", t_reused)
    for name, ours_t in (("ours", t_ours), ("ours + checks", t_checks)):
        on = min(t_peer.gc_on, t_reused.gc_on) / ours_t.gc_on
        off = min(t_peer.gc_off, t_reused.gc_off) / ours_t.gc_off
        print(f"ratio fastest peer / {name + ':':<24} GC on {on:8.1f}x | GC off {off:8.1f}x")
    return 0


def _reused_validator(kv: Any) -> Any:
    """The peer's own schema and validator class, built once (kubernetes_validate.validate rebuilds it per call)."""
    utils = kv.utils
    schema_dir = "v1.37.0-local-strict"
    schema = utils.schema_contents(f"kubernetes-json-schema/{schema_dir}/endpointslice-discovery-v1.json", "1.37.0")
    defs = utils.schema_contents(f"kubernetes-json-schema/{schema_dir}/_definitions.json", "1.37.0")
    registry = utils.Resource.from_contents(defs) @ (utils.Resource.from_contents(schema) @ utils.Registry())
    return utils.jsonschema.validators.Draft202012Validator(schema, registry=registry)


if __name__ == "__main__":
    sys.exit(main())
