"""The scale simulator on a 5,000-Pod rolling update on 3,000 Nodes, against the floor issue 13 sets.

* ``simulate``: `endpointslice.simulate.simulate` of a rolling update of
  5,000 Pods (maxSurge and maxUnavailable 25 %) on 3,000 Nodes, through the
  Endpoints controller and the EndpointSlice controller with 100 endpoints
  per slice (upstream's strategy): 15,000 Pod events, every one a sync of
  both controllers, every write sized as serialized.
* Floor: the analytic model (`endpointslice.simulate.estimate`) of the same
  rollout plus one full pack (`endpointslice.packing.pack`) of the 5,000
  endpoints into slices of 100. Target: ratio at most 30.

The garbage collector stays on, as users run the simulator; a collection
runs before each timed call. Each figure is the best of ``--repeat`` runs.

``--pods 100000`` times one larger rolling update (no floor; issue 13 asks
that 100,000 Pods finish in under 10 minutes).

Run: ``python benchmarks/bench_simulate.py [--repeat N] [--pods N] [--nodes N]``.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from typing import Any

from endpointslice._simulate_engine import endpoint_for
from endpointslice._simulate_workloads import Cluster, initial
from endpointslice.packing import pack
from endpointslice.simulate import Scenario, Workload, _service, estimate, simulate


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """The best wall time and the best CPU time of *repeat* calls of *fn*, with the garbage collector on.

    CPU time is printed too because the machines are shared: a long run is preempted
    more often than a short one, so on a busy machine the wall-time ratio overstates.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        gc.collect()
        cpu = time.process_time()
        start = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pods", type=int, default=5000)
    parser.add_argument("--nodes", type=int, default=3000)
    args = parser.parse_args()
    workload = Workload(scenario=Scenario.ROLLING_UPDATE, pods=args.pods, nodes=args.nodes)
    service = _service(workload)
    cluster = Cluster(service="web", namespace="default", nodes=args.nodes, zones=3, seed=0)
    endpoints = [endpoint_for(p, "default") for p in initial(cluster, args.pods)]

    def floor() -> None:
        estimate(Scenario.ROLLING_UPDATE, pods=args.pods, nodes=args.nodes)
        estimate(Scenario.ROLLING_UPDATE, pods=args.pods, nodes=args.nodes, max_endpoints_per_slice=100)
        pack(service, endpoints, max_endpoints_per_slice=100)

    result: list[Any] = []

    def run() -> None:
        result[:] = [simulate(workload, max_endpoints_per_slice=(100,))]

    repeat = args.repeat if args.pods <= 5000 else 1
    ours, ours_cpu = timed(run, repeat)
    sim = result[0]
    print(f"rolling update of {args.pods:,} Pods on {args.nodes:,} Nodes: {sim.events:,} events")
    for r in sim.runs:
        print(f"  {r.label:<12} {r.writes:>9,} writes {r.wire_bytes / 1e9:>12.1f} GB over the wire (JSON)")
    print(f"simulate  {ours:9.3f} s wall  {ours_cpu:9.3f} s CPU")
    if args.pods <= 5000:
        base, base_cpu = timed(floor, repeat)
        print(f"floor     {base:9.3f} s wall  {base_cpu:9.3f} s CPU  (model + pack of {args.pods:,} endpoints)")
        print(f"ratio     {ours / base:9.1f}x wall {ours_cpu / base_cpu:9.1f}x CPU  (target: at most 30x)")
    else:
        print(f"target: under 600 s; {'met' if ours < 600 else 'NOT met'} in wall time")


if __name__ == "__main__":
    main()
