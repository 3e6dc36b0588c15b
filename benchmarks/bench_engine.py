"""The engine at 100,000 endpoints, as users call it, against floors measured in the same run.

Every row is timed three times (``--repeat``) with the garbage collector **on**, as users and
the CLI run (the headline), and again with it off (the second column, for reference only). A
full collection runs before each timed call, so that no contender pays for another's garbage;
what a call builds, and when the collector runs during it, is its own. The figure printed is
the median of the repeats; the ratio is ours / floor, each measured the same way in this run.

Rows and targets (issue 14):

* ``pack``: `endpointslice.packing.pack` of 100,000 endpoint models (one IPv4 address, node,
  zone, Pod targetRef, three conditions) into slices of 100, the desired state built inside
  the call as users call it. Floor: a bare key-and-chunk loop over the same models (each
  endpoint's ordering fields as a key, one sort, cut into lists of 100). Target: at most 10.
* ``reconcile (desired)``: `endpointslice.reconcile.reconcile` of a desired state built
  beforehand (as the controller has it from its informer; a fresh one for every repeat, so
  nothing it computes lazily is reused) against the 1,000 existing slices, after one endpoint
  changed readiness. Floor: one pass over the existing slices keying every endpoint by
  `endpoint_identity`, the least any O(N) reconcile must do. Target: at most 2.
* ``reconcile (list)``: the same reconcile given the endpoint list, the public call, which
  builds the desired state itself. Same floor. Reported; no target.
* ``add``, ``remove``, ``change``: one event of `endpointslice.incremental.IncrementalReconciler`
  on the 100,000-endpoint state (the mean of a batch of ``--events`` events per repeat: a new
  endpoint added, the same endpoints removed again, existing endpoints' readiness flipped),
  against the full reconcile of the same state (``reconcile (desired)`` above, the faster of the
  two full reconciles). Target: each at least 100 times faster.

Run: ``python benchmarks/bench_engine.py [--repeat N] [--endpoints N] [--events N]``.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

import attrs

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
from endpointslice.packing import DesiredState, desired_from_endpoints, endpoint_identity, pack
from endpointslice.reconcile import Plan, reconcile

ZONES = ("europe-west1-b", "europe-west1-c", "europe-west1-d")


def timed(fn: Callable[[], Any], repeat: int, *, collector: bool, setup: Callable[[], None] | None = None) -> float:
    """The median wall time of *repeat* calls of *fn*, with the collector on or off during each.

    *setup* runs before each call, untimed. A full collection precedes every call either way.
    """
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        gc.collect()
        if not collector:
            gc.disable()
        try:
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return float(statistics.median(times))


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


def ratio_row(name: str, ours: tuple[float, float], floor: tuple[float, float], label: str, target: str) -> float:
    """Print one row, GC on then GC off; return the GC-on ratio."""
    on, off = ours[0] / floor[0], ours[1] / floor[1]
    print(
        f"{name:<19} ours {ours[0] * 1000:8.1f} ms  {label} {floor[0] * 1000:7.1f} ms  ratio {on:5.2f}"
        f"   | GC off: {ours[1] * 1000:8.1f} / {floor[1] * 1000:7.1f} ms  ratio {off:5.2f}   {target}"
    )
    return on


def speedup_row(name: str, ours: tuple[float, float], full: tuple[float, float]) -> float:
    """Print one event row, GC on then GC off; return the GC-on speed-up."""
    on, off = full[0] / ours[0], full[1] / ours[1]
    print(
        f"{name:<19} ours {ours[0] * 1e6:8.1f} µs  full {full[0] * 1000:7.1f} ms  speed-up {on:7.0f}x"
        f"   | GC off: {ours[1] * 1e6:8.1f} µs / {full[1] * 1000:7.1f} ms  {off:7.0f}x   target >= 100x"
    )
    return on


def both(fn: Callable[[], Any], repeat: int, setup: Callable[[], None] | None = None) -> tuple[float, float]:
    """(GC on, GC off) medians of *fn*."""
    return timed(fn, repeat, collector=True, setup=setup), timed(fn, repeat, collector=False, setup=setup)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--endpoints", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=200, help="events per repeat of each event row")
    args = parser.parse_args()
    n, repeat = args.endpoints, args.repeat

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
    plan = reconcile(service, changed, existing, managed_by="bench")
    assert plan.write_count == 1, plan.summary()
    print(f"inputs: {n} endpoints -> {len(existing)} slices; one changed endpoint -> {plan.write_count} write")
    print(f"each figure: the median of {repeat} runs; headline with the collector on, then with it off\n")
    results: dict[str, float] = {}

    results["pack"] = ratio_row(
        "pack",
        both(lambda: pack(service, endpoints, managed_by="bench"), repeat),
        both(lambda: chunk(endpoints, 100), repeat),
        "chunk",
        "target <= 10",
    )

    fresh: list[DesiredState] = []

    def new_desired() -> None:
        fresh[:] = [desired_from_endpoints(service, changed)]

    floor = both(lambda: index(existing), repeat)
    full = both(lambda: reconcile(service, fresh[0], existing, managed_by="bench"), repeat, new_desired)
    results["reconcile (desired)"] = ratio_row("reconcile (desired)", full, floor, "index", "target <= 2")
    ratio_row(
        "reconcile (list)",
        both(lambda: reconcile(service, changed, existing, managed_by="bench"), repeat),
        floor,
        "index",
        "(reported)",
    )

    incremental = IncrementalReconciler(service, endpoints, existing, managed_by="bench")
    assert incremental.initial_plan.write_count == 0
    events = args.events
    newcomers = build(specs(events, start=n))
    # Ready endpoints (every 50th is not), so that each flip writes.
    targets = endpoints[1 :: max(1, n // events)][:events]
    plans: list[Plan] = []
    flips = [0]

    def add() -> None:
        plans.extend(incremental.add(e) for e in newcomers)

    def remove() -> None:
        plans.extend(incremental.remove(e) for e in newcomers)

    def change() -> None:
        flips[0] += 1
        ready = flips[0] % 2 == 0
        conditions = EndpointConditions(ready=ready, serving=ready, terminating=False)
        batch = [attrs.evolve(e, conditions=conditions) for e in targets]
        start = time.perf_counter()
        plans.extend(incremental.change(e) for e in batch)
        took[0] += time.perf_counter() - start

    def per_event(run: Callable[[], None], collector: bool, *, undo: Callable[[], None] | None = None) -> float:
        times = []
        for _ in range(repeat):
            gc.collect()
            if not collector:
                gc.disable()
            try:
                took[0] = 0.0
                start = time.perf_counter()
                run()
                elapsed = time.perf_counter() - start
            finally:
                gc.enable()
            # `change` builds its inputs inside `run` and times only the events (`took`).
            times.append((took[0] or elapsed) / events)
            if undo is not None:
                undo()
            assert all(p.write_count == 1 for p in plans), "every event should write one slice"
            plans.clear()
        return float(statistics.median(times))

    took = [0.0]
    for name, run, undo in (("add", add, remove), ("remove", remove, add), ("change", change, None)):
        if name == "remove":
            add()  # The endpoints to remove.
            plans.clear()
        ours = (per_event(run, True, undo=undo), per_event(run, False, undo=undo))
        if name == "remove":
            remove()
            plans.clear()
        results[name] = speedup_row(name, ours, full)

    print()
    verdicts = [
        ("pack <= 10x chunk", results["pack"] <= 10),
        ("reconcile (desired) <= 2x index", results["reconcile (desired)"] <= 2),
        *((f"{k} >= 100x full", results[k] >= 100) for k in ("add", "remove", "change")),
    ]
    print("targets (GC on): " + "; ".join(f"{label}: {'met' if ok else 'NOT met'}" for label, ok in verdicts))


if __name__ == "__main__":
    main()
