"""``endpointslice get -o yaml`` on 100,000 endpoints (1,000 slices x 100), as users run it.

Two inputs, generated into a temporary directory at the start and deleted at the end: the
slices as one ``kind: List`` (the shape ``kubectl get endpointslices -o yaml`` writes, about
35 MB) and as one file of 1,000 ``---``-separated documents (about 32 MB). Each command runs
in a fresh ``python -m endpointslice`` process with the garbage collector on, as the CLI
runs, its output sent to ``/dev/null``. ``_timing.fresh_process`` reads the process's own CPU
time (user + system, which a busy shared machine does not inflate) and peak resident set
size (``ru_maxrss``) from ``wait4``; wall time is printed for information.

The floor, in the same run and the same way, is a fresh process that only composes the same
file with PyYAML's C parser (``yaml.compose_all`` with ``CSafeLoader``): reading the text
and building its node tree, which every YAML reader of the file pays before it can print
anything. Each figure is the median of ``--repeat`` runs (3). As in every benchmark, the
headline is with the collector on, and the same runs with it off (``gc.disable()`` first
thing in the process) are printed beside it.

Targets (issue 14): at most 12 s of CPU and 0.8 GB peak for each input.

Run: ``python benchmarks/bench_get.py [--slices N] [--per-slice N] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import _SEED, _slice  # The data builders live beside this script.
from _timing import REPEAT, Usage, fresh_process  # The shared measuring rule.

from endpointslice import EndpointSlice, io

_FLOOR = """
import gc, sys, yaml
if sys.argv[2] == "off":
    gc.disable()
with open(sys.argv[1], encoding="utf-8") as fh:
    text = fh.read()
for _node in yaml.compose_all(text, Loader=yaml.CSafeLoader):
    pass
"""

# The CLI with the collector off from the start: the second column.
_GC_OFF = """
import gc, sys
gc.disable()
from endpointslice._cli import main
sys.exit(main(sys.argv[1:]))
"""

CPU_TARGET = 12.0
RSS_TARGET = 0.8e9


def write_inputs(directory: Path, slices: int, per_slice: int) -> tuple[Path, Path]:
    """Write the slices as a ``kind: List`` and as a ``---`` stream, one slice at a time."""
    rng = random.Random(_SEED)
    used: set[str] = set()
    listed, stream = directory / "list.yaml", directory / "stream.yaml"
    with listed.open("w", encoding="utf-8") as lf, stream.open("w", encoding="utf-8") as sf:
        lf.write("apiVersion: v1\nitems:\n")
        for number in range(slices):
            data = {
                "apiVersion": "discovery.k8s.io/v1",
                "kind": "EndpointSlice",
                **_slice(rng, used, number, per_slice),
            }
            text = io.dumps(io.from_dict(data, EndpointSlice))
            lf.write("- " + text[:-1].replace("\n", "\n  ") + "\n")
            sf.write(("---\n" if number else "") + text)
        lf.write('kind: List\nmetadata:\n  resourceVersion: ""\n')
    return listed, stream


def median_usage(argv: list[str], repeat: int) -> Usage:
    runs = [fresh_process(argv) for _ in range(repeat)]
    return Usage(
        statistics.median(u.cpu for u in runs),
        statistics.median(u.wall for u in runs),
        int(statistics.median(u.max_rss for u in runs)),
        max(u.returncode for u in runs),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--slices", type=int, default=1000)
    parser.add_argument("--per-slice", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=REPEAT)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench_get_") as tmp:
        files = write_inputs(Path(tmp), args.slices, args.per_slice)
        print(
            f"input: {args.slices} slices x {args.per_slice} endpoints; each figure the median of {args.repeat} "
            "fresh processes, GC on as the CLI runs"
        )
        failed = 0
        for path in files:
            get = ["get", "-o", "yaml", str(path)]
            ours = median_usage([sys.executable, "-m", "endpointslice", *get], args.repeat)
            ours_off = median_usage([sys.executable, "-c", _GC_OFF, *get], args.repeat)
            floor = median_usage([sys.executable, "-c", _FLOOR, str(path), "on"], args.repeat)
            floor_off = median_usage([sys.executable, "-c", _FLOOR, str(path), "off"], args.repeat)
            failed |= ours.returncode | ours_off.returncode
            verdict = "ok" if ours.cpu <= CPU_TARGET and ours.max_rss <= RSS_TARGET else "MISSED"
            print(
                f"get -o yaml {path.name:<12} ({path.stat().st_size / 1e6:5.1f} MB)  GC on: CPU {ours.cpu:6.2f} s  "
                f"peak {ours.max_rss / 1e9:5.2f} GB  (wall {ours.wall:5.1f} s) | GC off: CPU {ours_off.cpu:6.2f} s  "
                f"peak {ours_off.max_rss / 1e9:5.2f} GB   targets <= {CPU_TARGET:.0f} s, "
                f"<= {RSS_TARGET / 1e9:.1f} GB: {verdict}"
            )
            print(
                f"  floor: C compose of the file          GC on: CPU {floor.cpu:6.2f} s  "
                f"peak {floor.max_rss / 1e9:5.2f} GB  ratio CPU {ours.cpu / floor.cpu:5.2f} | GC off: "
                f"CPU {floor_off.cpu:6.2f} s  peak {floor_off.max_rss / 1e9:5.2f} GB  ratio CPU "
                f"{ours_off.cpu / floor_off.cpu:5.2f}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
