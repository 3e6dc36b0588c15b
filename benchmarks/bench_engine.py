"""Packing 100,000 endpoints and reconciling them, against the floors of building and indexing them.

Two operations, each timed against a floor measured in the same run:

* ``pack``: `endpointslice.packing.pack` of 100,000 endpoint entries (one
  IPv4 address, node, zone, Pod targetRef, three conditions) into slices of
  100, from scratch. Floor: building those 100,000 `Endpoint` models (with
  their conditions and targetRef), which any caller pays to have the input.
  Target: ratio at most 3.
* ``reconcile``: `endpointslice.reconcile.reconcile` of the same Service
  against its 1,000 existing slices after one endpoint changed readiness
  (the desired state is built beforehand, as the controller builds it from
  its Pod informer). Floor: one pass over the existing slices building a
  dict keyed by `endpoint_identity`, the least any O(N) reconcile must do.
  Target: ratio at most 2.
* ``event``: `endpointslice.incremental.IncrementalReconciler.change` of one
  endpoint's readiness on the same 100,000-endpoint state, against the full
  reconcile of that state. Target: at least 100 times faster.

Garbage collection is handled identically for every contender: a full
collection before each timed call, and the collector disabled during it.
Each figure is the best of several repetitions.

Run: ``python benchmarks/bench_engine.py [--repeat N] [--endpoints N]``.
"""

from __future__ import annotations

import argparse
from typing import Any

import attrs
from _timing import best  # The shared timing rule, beside this script (GC collected before, off during).

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
from endpointslice.reconcile import reconcile

ZONES = ("europe-west1-b", "europe-west1-c", "europe-west1-d")


def row(name: str, ours: float, ref: float, floor: str, target: str) -> None:
    print(f"{name:<10} ours {ours * 1000:9.1f} ms   {floor} {ref * 1000:9.1f} ms   ratio {ours / ref:5.2f}   {target}")


def specs(n: int) -> list[tuple[str, str, str, str, bool]]:
    """Plain data for *n* endpoints: (address, pod name, node, zone, ready)."""
    out = []
    for i in range(n):
        ready = i % 50 != 0
        out.append(
            (f"10.{i // 65536}.{i // 256 % 256}.{i % 256}", f"web-{i:06d}", f"node-{i % 300}", ZONES[i % 3], ready)
        )
    return out


def build(data: list[tuple[str, str, str, str, bool]]) -> list[Endpoint]:
    """The floor of `pack`: the Endpoint models themselves."""
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


def index(slices: list[EndpointSlice]) -> dict[Any, Endpoint]:
    """The floor of `reconcile`: one pass keying every existing endpoint by identity."""
    return {endpoint_identity(e): e for s in slices for e in s.endpoints or ()}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--endpoints", type=int, default=100_000)
    args = parser.parse_args()

    service = Service(
        metadata=ObjectMeta(name="web", namespace="shop", uid="svc-uid", labels=FrozenDict({"app": "web"})),
        spec=ServiceSpec(
            ports=(ServicePort(name="http", port=80, target_port=8080, protocol="TCP"),),
            ip_families=("IPv4",),
            cluster_ip="10.96.0.10",
        ),
    )
    data = specs(args.endpoints)
    endpoints = build(data)
    slices = pack(service, endpoints, managed_by="bench")

    # Existing slices are separate objects, as when read back from the API server,
    # so that no comparison is won by object identity.
    existing = [
        io.from_dict(io.to_dict(s), EndpointSlice)
        for s in reconcile(service, endpoints, [], managed_by="bench").apply([])
    ]
    changed = list(endpoints)
    flipped = changed[len(changed) // 2]
    changed[len(changed) // 2] = attrs.evolve(flipped, conditions=EndpointConditions(ready=False, serving=False))
    desired = desired_from_endpoints(service, changed)
    plan = reconcile(service, desired, existing, managed_by="bench")
    assert plan.write_count == 1, plan.summary()
    print(
        f"inputs: {len(endpoints)} endpoints -> {len(slices)} slices; one changed endpoint -> {plan.write_count} write"
    )

    ours = best(lambda: pack(service, endpoints, managed_by="bench"), args.repeat)
    ref = best(lambda: build(data), args.repeat)
    row("pack", ours, ref, "build", "target <= 3")

    ours = best(lambda: reconcile(service, desired, existing, managed_by="bench"), args.repeat)
    ref = best(lambda: index(existing), args.repeat)
    row("reconcile", ours, ref, "index", "target <= 2")

    incremental = IncrementalReconciler(service, endpoints, existing, managed_by="bench")
    assert incremental.initial_plan.write_count == 0
    states = [changed[len(changed) // 2], flipped]
    turn = [1]

    def event() -> None:
        turn[0] += 1
        assert incremental.change(states[turn[0] % 2]).write_count == 1

    ours = best(event, args.repeat * 5)
    ref = best(lambda: reconcile(service, desired, existing, managed_by="bench"), args.repeat)
    print(
        f"{'event':<10} ours {ours * 1000:9.3f} ms   full {ref * 1000:9.1f} ms   "
        f"speed-up {ref / ours:7.0f}x   target >= 100x"
    )


if __name__ == "__main__":
    main()
