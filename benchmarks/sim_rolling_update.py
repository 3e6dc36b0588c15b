"""A rolling update of 5,000 Pods through upstream's rules and through the compacting reconcile.

The Deployment replaces its 5,000 Pods in batches of ``maxSurge`` (25 %,
1,250 Pods): each batch's new Pods appear (one sync, all ready), then as many
old Pods terminate (one sync) in a fixed random order, as a scheduler spreading
terminations over nodes would. Every sync is one reconcile; its plan is
applied before the next. For each strategy the script prints the slices at the
end and at the peak, the writes and the bytes written (JSON bodies) in total.

Run: ``python benchmarks/sim_rolling_update.py [--pods N] [--surge F] [--max-endpoints-per-slice M]``.
"""

from __future__ import annotations

import argparse
import math
import random
from collections.abc import Callable

from endpointslice import (
    Endpoint,
    EndpointConditions,
    EndpointSlice,
    ObjectMeta,
    ObjectReference,
    Service,
    ServicePort,
    ServiceSpec,
)
from endpointslice.compact import reconcile_compact
from endpointslice.reconcile import Plan, reconcile

ZONES = ("a", "b", "c")


def endpoint(generation: int, i: int) -> Endpoint:
    """Pod *i* of ReplicaSet *generation*: its own IP, node and zone."""
    n = generation * 100_000 + i
    return Endpoint(
        addresses=(f"10.{n // 65536}.{n // 256 % 256}.{n % 256}",),
        conditions=EndpointConditions(ready=True, serving=True, terminating=False),
        node_name=f"node-{i % 200}",
        zone=ZONES[i % 3],
        target_ref=ObjectReference(kind="Pod", namespace="shop", name=f"web-{generation}-{i:05d}"),
    )


Reconciler = Callable[[Service, list[Endpoint], list[EndpointSlice], int], Plan]


def simulate(strategy: Reconciler, pods: int, surge: int, limit: int) -> dict[str, int]:
    """Run the rollout; return slices at the end and at the peak, total writes and bytes."""
    service = Service(
        metadata=ObjectMeta(name="web", namespace="shop", uid="svc"),
        spec=ServiceSpec(ports=(ServicePort(name="http", port=80, target_port=8080),), ip_families=("IPv4",)),
    )
    old = [endpoint(1, i) for i in range(pods)]
    new = [endpoint(2, i) for i in range(pods)]
    order = list(range(pods))
    random.Random(7).shuffle(order)  # A fixed termination order, not cryptography.
    slices = reconcile(service, old, [], max_endpoints_per_slice=limit).apply([])
    alive_old = set(range(pods))
    started = 0
    stats = {"writes": 0, "bytes": 0, "peak": len(slices)}
    while started < pods or alive_old:
        started += min(surge, pods - started)
        for sync in ("new Pods ready", "old Pods gone"):
            if sync == "old Pods gone":
                alive_old -= set([i for i in order if i in alive_old][:surge])
            desired = [old[i] for i in sorted(alive_old)] + new[:started]
            plan = strategy(service, desired, slices, limit)
            stats["writes"] += plan.write_count
            stats["bytes"] += plan.bytes_written
            slices = plan.apply(slices)
            stats["peak"] = max(stats["peak"], len(slices))
    stats["slices"] = len(slices)
    return stats


def upstream(service: Service, desired: list[Endpoint], slices: list[EndpointSlice], limit: int) -> Plan:
    return reconcile(service, desired, slices, max_endpoints_per_slice=limit)


def compact(service: Service, desired: list[Endpoint], slices: list[EndpointSlice], limit: int) -> Plan:
    return reconcile_compact(service, desired, slices, max_endpoints_per_slice=limit)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pods", type=int, default=5000)
    parser.add_argument("--surge", type=float, default=0.25, help="maxSurge as a fraction of the Pods")
    parser.add_argument("--max-endpoints-per-slice", type=int, default=100)
    args = parser.parse_args()
    surge = max(1, math.ceil(args.pods * args.surge))
    limit = args.max_endpoints_per_slice
    print(f"rolling update of {args.pods} Pods, maxSurge {surge}, {limit} endpoints per slice")
    print(f"minimum slices at rest: {math.ceil(args.pods / limit)}")
    print(f"{'strategy':<10} {'slices':>7} {'peak':>6} {'writes':>8} {'MB written':>11}")
    for name, strategy in (("upstream", upstream), ("compact", compact)):
        s = simulate(strategy, args.pods, surge, limit)
        print(f"{name:<10} {s['slices']:>7} {s['peak']:>6} {s['writes']:>8} {s['bytes'] / 1e6:>11.3f}")


if __name__ == "__main__":
    main()
