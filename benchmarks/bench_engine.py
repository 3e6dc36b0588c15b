"""The engine at 100,000 endpoints, as users call it, against floors measured in the same run.

Every figure follows the shared rule of ``_timing.measure``: CPU time, the median of three
calls, with the garbage collector **on** as users and the CLI run (the headline) and again with
it off (the second column). A full collection runs before each timed call; what a call builds,
and what the library itself does about the collector (the engine pauses it while it builds),
is its own. The ratio is ours / floor, each measured the same way in this run.

Rows and targets (issue 14):

* ``pack``: `endpointslice.packing.pack` of 100,000 endpoint models (one IPv4 address, node,
  zone, Pod targetRef, three conditions) into slices of 100, the desired state built inside
  the call as users call it. Floor: a bare key-and-chunk loop over the same models (each
  endpoint's ordering fields as a key, one sort, cut into lists of 100). Target: at most 10.
* ``reconcile (desired)``: `endpointslice.reconcile.reconcile` of a desired state built
  beforehand (as the controller has it from its informer; reconcile caches nothing on it, so
  reusing it across calls gains nothing) against the 1,000 existing slices, after one endpoint
  changed readiness. Floor: one pass over the existing slices keying every endpoint by
  `endpoint_identity`, the least any O(N) reconcile must do. Target: at most 2.
* ``reconcile (list)``: the same reconcile given the endpoint list, the public call, which
  builds the desired state itself. Same floor. Reported; no target.
* ``add``, ``remove``, ``change``: one event of `endpointslice.incremental.IncrementalReconciler`
  on the 100,000-endpoint state (each call times a batch of ``--events`` events, prepared
  beforehand, and the figure is per event: new endpoints added, existing endpoints removed,
  existing endpoints' readiness flipped; every event must write exactly one slice),
  against the full reconcile of the same state (``reconcile (desired)`` above, the faster of the
  two full reconciles). Target: each at least 100 times faster.

Run: ``python benchmarks/bench_engine.py [--endpoints N] [--events N]``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import attrs
from _timing import REPEAT, Timing, header, measure, row  # The shared measuring rule, beside this script.

from endpointslice import (
    Endpoint,
    EndpointConditions,
    EndpointSlice,
    FrozenDict,
    ObjectMeta,
    ObjectReference,
    Service,
    ServicePort,
    ServiceSpec,
    io,
)
from endpointslice.incremental import IncrementalReconciler
from endpointslice.packing import desired_from_endpoints, endpoint_identity, pack
from endpointslice.reconcile import Plan, reconcile

ZONES = ("europe-west1-b", "europe-west1-c", "europe-west1-d")
#: Each event row times this many calls per figure, GC on and off: one batch of events each.
CALLS = 2 * REPEAT


def specs(n: int, start: int = 0) -> list[tuple[str, str, str, str, bool]]:
    """Plain data for *n* endpoints: (address, pod name, node, zone, ready)."""
    out = []
    for i in range(start, start + n):
        ready = i % 50 != 0
        out.append(
            (f"10.{i // 65536}.{i // 256 % 256}.{i % 256}", f"web-{i:06d}", f"node-{i % 300}", ZONES[i % 3], ready)
        )
    return out


def build(data: list[tuple[str, str, str, str, bool]]) -> list[Endpoint]:
    """The Endpoint models users pass in."""
    return [
        Endpoint(
            addresses=(address,),
            conditions=EndpointConditions(ready=ready, serving=ready, terminating=False),
            node_name=node,
            zone=zone,
            target_ref=ObjectReference(kind="Pod", namespace="shop", name=name, uid=f"uid-{name}"),
        )
        for address, name, node, zone, ready in data
    ]


def chunk(endpoints: list[Endpoint], limit: int) -> list[list[Endpoint]]:
    """The floor of `pack`: key every endpoint by its ordering fields, sort once, cut into slices."""
    keyed = sorted(
        endpoints,
        key=lambda e: (
            e.target_ref.namespace if e.target_ref else "",
            e.target_ref.name if e.target_ref else "",
            e.addresses,
            e.hostname or "",
        ),
    )
    return [keyed[i : i + limit] for i in range(0, len(keyed), limit)]


def index(slices: list[EndpointSlice]) -> dict[Any, Endpoint]:
    """The floor of `reconcile`: one pass keying every existing endpoint by identity."""
    return {endpoint_identity(e): e for s in slices for e in s.endpoints or ()}


def speedup_row(name: str, batch: Timing, events: int, full: Timing) -> float:
    """Print one event row (per event), GC on then GC off; return the GC-on speed-up."""
    on, off = batch.gc_on / events, batch.gc_off / events
    print(
        f"{name:<22} GC on: ours {on * 1e6:8.1f} µs  full {full.gc_on * 1000:8.1f} ms  "
        f"speed-up {full.gc_on / on:6.0f}x | GC off: {off * 1e6:8.1f} µs / {full.gc_off * 1000:8.1f} ms  "
        f"{full.gc_off / off:6.0f}x   target >= 100x"
    )
    return full.gc_on / on


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--endpoints", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=200, help="events per timed call of each event row")
    args = parser.parse_args()
    n, events = args.endpoints, args.events

    service = Service(
        metadata=ObjectMeta(name="web", namespace="shop", uid="svc-uid", labels=FrozenDict({"app": "web"})),
        spec=ServiceSpec(
            ports=(ServicePort(name="http", port=80, target_port=8080, protocol="TCP"),),
            ip_families=("IPv4",),
            cluster_ip="10.96.0.10",
        ),
    )
    endpoints = build(specs(n))
    # Existing slices are separate objects, as when read back from the API server,
    # so that no comparison is won by object identity.
    existing = [
        io.from_dict(io.to_dict(s), EndpointSlice)
        for s in reconcile(service, endpoints, [], managed_by="bench").apply([])
    ]
    changed = list(endpoints)
    flipped = changed[n // 2]
    changed[n // 2] = attrs.evolve(flipped, conditions=EndpointConditions(ready=False, serving=False))
    desired = desired_from_endpoints(service, changed)
    plan = reconcile(service, desired, existing, managed_by="bench")
    assert plan.write_count == 1, plan.summary()
    header(f"inputs: {n} endpoints -> {len(existing)} slices; one changed endpoint -> {plan.write_count} write")
    results: dict[str, float] = {}

    def ratio(name: str, ours: Timing, ref: Timing, target: str) -> float:
        row(name, ours, ref, target, width=22)
        return ours.gc_on / ref.gc_on

    chunk_floor = measure(lambda: chunk(endpoints, 100))
    results["pack"] = ratio(
        "pack vs chunk", measure(lambda: pack(service, endpoints, managed_by="bench")), chunk_floor, "target <= 10"
    )
    index_floor = measure(lambda: index(existing))
    full = measure(lambda: reconcile(service, desired, existing, managed_by="bench"))
    results["reconcile"] = ratio("reconcile (desired)", full, index_floor, "target <= 2")
    ratio(
        "reconcile (list)",
        measure(lambda: reconcile(service, changed, existing, managed_by="bench")),
        index_floor,
        "(reported)",
    )

    incremental = IncrementalReconciler(service, endpoints, existing, managed_by="bench")
    assert incremental.initial_plan.write_count == 0
    # Every timed call takes the next prepared batch: new endpoints, existing ready endpoints to
    # remove (every 50th endpoint is not ready; these are 1 mod 50), and readiness flips of
    # other ready endpoints, alternately to not ready and back, so that every event writes.
    added = [build(specs(events, start=n + k * events)) for k in range(CALLS)]
    removable = [e for i, e in enumerate(endpoints) if i % 50 == 1]
    removed = [removable[k * events : (k + 1) * events] for k in range(CALLS)]
    flippable = [e for i, e in enumerate(endpoints) if i % 50 == 2][:events]
    off = EndpointConditions(ready=False, serving=False, terminating=False)
    flips = [[attrs.evolve(e, conditions=off) for e in flippable], flippable] * REPEAT
    assert all(len(batch) == events for batch in (*added, *removed, *flips)), "--endpoints too small for --events"
    plans: list[Plan] = []

    def batches(event: Callable[[Endpoint], Plan], prepared: list[list[Endpoint]]) -> Callable[[], None]:
        queue = iter(prepared)

        def run() -> None:
            plans.extend(map(event, next(queue)))

        return run

    for name, event, prepared in (
        ("add", incremental.add, added),
        ("remove", incremental.remove, removed),
        ("change", incremental.change, flips),
    ):
        timing = measure(batches(event, prepared))
        assert len(plans) == CALLS * events, name
        assert all(p.write_count == 1 for p in plans), name
        plans.clear()
        results[name] = speedup_row(f"{name} event", timing, events, full)

    print()
    verdicts = [
        ("pack <= 10x chunk", results["pack"] <= 10),
        ("reconcile (desired) <= 2x index", results["reconcile"] <= 2),
        *((f"{k} >= 100x full", results[k] >= 100) for k in ("add", "remove", "change")),
    ]
    print("targets (GC on): " + "; ".join(f"{label}: {'met' if ok else 'NOT met'}" for label, ok in verdicts))


if __name__ == "__main__":
    main()
