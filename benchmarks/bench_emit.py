"""Time ``emit_yaml`` against PyYAML's C dumper on the same 3.5 MB EndpointSliceList.

The input is built the way ``endpointslice get`` builds it: the list is rendered to YAML
(``_data.slice_list_yaml``), loaded back with ``io.loads`` into models, and those models are
turned into plain data with ``io.to_dict``. Both dumpers get that same plain data. The
reference is ``yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=True,
default_flow_style=False)``, the fastest general YAML writer available to Python.
``io.dumps`` (``to_dict`` and ``emit_yaml`` from the models, the whole dump users call) is
compared with the same reference, and ``emit_json`` with ``json.dumps(..., indent=4,
sort_keys=True)`` for scale.

Every row is timed by ``_timing.measure``: the median of three calls with the garbage
collector on, as users run (the headline), and with it off as a second column.

Run from the repository root::

    python benchmarks/bench_emit.py [--slices N] [--per-slice N] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _data import slice_list_yaml  # The data builder lives beside this script.
from _timing import REPEAT, header, measure, row  # The shared measuring rule.

from endpointslice import io  # Needs the path set above.
from endpointslice._emit import emit_json, emit_yaml


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--slices", type=int, default=100)
    parser.add_argument("--per-slice", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=REPEAT)
    args = parser.parse_args(argv)
    n = args.repeat

    # As `get -o yaml` has them: models loaded from text, then plain data.
    slices = io.loads(slice_list_yaml(slices=args.slices, per_slice=args.per_slice))[0]
    data = io.to_dict(slices)
    ours_text = emit_yaml(data)
    peer_text = yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=True, default_flow_style=False)
    header(
        f"input: {args.slices} slices x {args.per_slice} endpoints; emit_yaml writes {len(ours_text):,} bytes, "
        f"CSafeDumper {len(peer_text):,}",
        n,
    )
    del ours_text, peer_text

    peer = measure(lambda: yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=True, default_flow_style=False), n)
    row("emit_yaml(dict)      vs CSafeDumper(dict)", measure(lambda: emit_yaml(data), n), peer, "target <= 0.60")
    # The project target counts dumping from the models: io.dumps converts with to_dict first.
    row("io.dumps(models)     vs CSafeDumper(dict)", measure(lambda: io.dumps(slices), n), peer, "target <= 0.60")
    row(
        "emit_json(dict)      vs json.dumps(indent=4)",
        measure(lambda: emit_json(data), n),
        measure(lambda: json.dumps(data, indent=4, sort_keys=True), n),
        "(for scale)",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
