"""Migrating a 1000-address Endpoints object and merging 100 slices x 100 endpoints, against loading them.

Two operations, each timed against the floor of loading its own input from
YAML text with `endpointslice.io.loads` in the same run:

* ``migrate``: `endpointslice.migrate.migrate_endpoints` of a core/v1
  Endpoints object with 1000 addresses (``_data.endpoints_dict``);
* ``merge``: `endpointslice.proxy.proxy_view` of 100 EndpointSlices with 100
  endpoints each (``_data.slice_list_dict``), the kube-proxy view of one Service.

For context it also times ``migrate --check`` (`view_differences`, which
builds both kube-proxy views of both families). The target is a ratio of at
most 0.5 for ``migrate`` and ``merge``.

Both inputs are loaded from YAML text, as users load them. Every row is timed by
``_timing.measure``: the median of three calls with the garbage collector on, as
users run (the headline), and with it off as a second column.

Run: ``python benchmarks/bench_migrate.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import endpoints_dict, slice_list_dict  # The data builders live beside this script.
from _timing import REPEAT, Timing, header, measure  # The shared measuring rule.

from endpointslice import Endpoints, EndpointSlice, io
from endpointslice.migrate import migrate_endpoints, view_differences
from endpointslice.proxy import proxy_view


def row(name: str, ours: Timing, ref: Timing, target: str) -> None:
    print(
        f"{name:<46} GC on: ours {ours.gc_on * 1000:9.2f} ms  load {ref.gc_on * 1000:9.2f} ms  "
        f"ratio {ours.gc_on / ref.gc_on:5.2f} | GC off: ratio {ours.gc_off / ref.gc_off:5.2f}   {target}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=REPEAT)
    args = parser.parse_args()
    n = args.repeat

    endpoints_text = yaml.dump(endpoints_dict(1000), Dumper=yaml.CSafeDumper, sort_keys=True)
    slices_text = yaml.dump(slice_list_dict(100, 100), Dumper=yaml.CSafeDumper, sort_keys=True)

    (endpoints,) = io.loads(endpoints_text)
    assert isinstance(endpoints, Endpoints)
    slices = [s for s in io.flatten(io.loads(slices_text)) if isinstance(s, EndpointSlice)]
    migrated = migrate_endpoints(endpoints).slices
    assert view_differences(endpoints, migrated) == []
    view = proxy_view(slices)
    header(
        f"inputs: Endpoints with {sum(len(s.addresses or ()) for s in endpoints.subsets or ())} addresses "
        f"({len(endpoints_text) / 1e3:.0f} kB of YAML) -> {len(migrated)} slices; "
        f"{len(slices)} slices x {len(slices[0].endpoints or ())} endpoints ({len(slices_text) / 1e6:.1f} MB) "
        f"-> {sum(len(v) for v in view.ports.values())} (port, endpoint) pairs",
        n,
    )

    load_endpoints = measure(lambda: io.loads(endpoints_text), n)
    migrate_time = measure(lambda: migrate_endpoints(endpoints), n)
    check_time = measure(lambda: view_differences(endpoints, migrated), n)

    load_slices = measure(lambda: io.loads(slices_text), n)
    merge_time = measure(lambda: proxy_view(slices), n)

    row("migrate 1000-address Endpoints", migrate_time, load_endpoints, "target <= 0.50")
    row("merge 100x100 slices into kube-proxy view", merge_time, load_slices, "target <= 0.50")
    row("migrate --check (both views, both families)", check_time, load_endpoints, "(context)")


if __name__ == "__main__":
    main()
