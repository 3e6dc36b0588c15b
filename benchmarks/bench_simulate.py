"""The scale simulator against the two targets of issue 13: a ratio to a floor, and a 100,000-Pod wall time.

* ``simulate``: `endpointslice.simulate.simulate` of a rolling update of
  5,000 Pods (maxSurge and maxUnavailable 25 %) on 3,000 Nodes, through the
  Endpoints controller and the EndpointSlice controller with 100 endpoints
  per slice (upstream's strategy): 15,000 Pod events, every one a sync of
  both controllers, every write sized as serialized. Timed from the workload
  description, as users call it: the Pods, the events and the controllers'
  first state are built inside the timed call.
* Floor: the analytic model (`endpointslice.simulate.estimate`) of the same
  rollout plus one full pack (`endpointslice.packing.pack`) of the 5,000
  endpoints into slices of 100. Target: ratio at most 30.
* ``--large`` Pods (100,000 by default): one rolling update of that size on
  3,000 Nodes, run in a fresh process so that its CPU time, wall time and
  peak resident memory are its own. Target: under 10 minutes.

The garbage collector is on for the headline figures, as users run the
simulator; the same calls with it off are printed beside them. Each figure
is the median of three calls (``benchmarks/_timing.py``'s rule), and the
ratio is given in wall time and in CPU time: on a shared machine a long run
is preempted more often than a short one, so the wall-time ratio overstates.

Run: ``python benchmarks/bench_simulate.py [--pods N] [--nodes N] [--large N]``
(``--large 0`` skips the large run).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).parent))

from _timing import REPEAT, fresh_process  # The benchmarks' shared timing rule, beside this file.

from endpointslice._simulate_engine import endpoint_for
from endpointslice._simulate_workloads import Cluster, initial
from endpointslice.packing import pack
from endpointslice.simulate import Scenario, Simulation, Workload, _service, estimate, simulate


class Figure(NamedTuple):
    """Median wall and CPU seconds of one contender, with the collector on and off."""

    wall_on: float
    cpu_on: float
    wall_off: float
    cpu_off: float


def _calls(fn: Callable[[], Any], *, collector: bool) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(REPEAT):
        # Each call starts from the same heap: neither contender inherits the other's garbage.
        gc.collect()
        if not collector:
            gc.disable()
        try:
            cpu = time.process_time()
            start = time.perf_counter()
            fn()
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
        finally:
            gc.enable()
    return statistics.median(walls), statistics.median(cpus)


def measure(fn: Callable[[], Any]) -> Figure:
    """*fn* timed as users run it (collector on), then with the collector off."""
    wall_on, cpu_on = _calls(fn, collector=True)
    wall_off, cpu_off = _calls(fn, collector=False)
    return Figure(wall_on, cpu_on, wall_off, cpu_off)


def rollout(pods: int, nodes: int) -> Simulation:
    """The simulated rolling update of *pods* Pods on *nodes* Nodes, 100 endpoints per slice."""
    workload = Workload(scenario=Scenario.ROLLING_UPDATE, pods=pods, nodes=nodes)
    return simulate(workload, max_endpoints_per_slice=(100,))


def report(sim: Simulation) -> None:
    w = sim.workload
    print(f"rolling update of {w.pods:,} Pods on {w.nodes:,} Nodes: {sim.events:,} events")
    for r in sim.runs:
        print(f"  {r.label:<12} {r.writes:>9,} writes {r.wire_bytes / 1e9:>12.1f} GB over the wire (JSON)")


def ratio(pods: int, nodes: int) -> None:
    """The simulator against the model plus one pack, in the same run."""
    service = _service(Workload(pods=pods, nodes=nodes))
    cluster = Cluster(service="web", namespace="default", nodes=nodes, zones=3, seed=0)
    # The floor's input is built once, outside its timing: a friendlier floor makes our ratio worse, not better.
    endpoints = [endpoint_for(p, "default") for p in initial(cluster, pods)]

    def floor() -> None:
        estimate(Scenario.ROLLING_UPDATE, pods=pods, nodes=nodes)
        estimate(Scenario.ROLLING_UPDATE, pods=pods, nodes=nodes, max_endpoints_per_slice=100)
        pack(service, endpoints, max_endpoints_per_slice=100)

    report(rollout(pods, nodes))
    print(f"each figure: median of {REPEAT} calls; GC on (the headline) as users run, GC off beside it")
    ours = measure(lambda: rollout(pods, nodes))
    base = measure(floor)
    for name, fig in (("simulate", ours), ("floor", base)):
        print(
            f"{name:<9} GC on: {fig.wall_on:8.3f} s wall {fig.cpu_on:8.3f} s CPU"
            f" | GC off: {fig.wall_off:8.3f} s wall {fig.cpu_off:8.3f} s CPU"
        )
    print(
        f"ratio     GC on: {ours.wall_on / base.wall_on:8.1f}x wall {ours.cpu_on / base.cpu_on:8.1f}x CPU"
        f" | GC off: {ours.wall_off / base.wall_off:8.1f}x wall {ours.cpu_off / base.cpu_off:8.1f}x CPU"
        "   (target: at most 30x, GC on)"
    )


def large(pods: int, nodes: int) -> None:
    """One large rollout in a fresh process: its own CPU, wall time and peak memory."""
    usage = fresh_process([sys.executable, __file__, "--one", "--pods", str(pods), "--nodes", str(nodes)], stdout=None)
    print(
        f"large run: {usage.wall:.1f} s wall, {usage.cpu:.1f} s CPU, {usage.max_rss / 2**20:,.0f} MiB peak RSS"
        f" (GC on; target: under 600 s wall: {'met' if usage.wall < 600 else 'NOT met'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pods", type=int, default=5000)
    parser.add_argument("--nodes", type=int, default=3000)
    parser.add_argument("--large", type=int, default=100_000, help="Pods of the large run (0: skip it)")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # The large run's own process.
    args = parser.parse_args()
    if args.one:
        report(rollout(args.pods, args.nodes))
        return
    ratio(args.pods, args.nodes)
    if args.large:
        large(args.large, args.nodes)


if __name__ == "__main__":
    main()
