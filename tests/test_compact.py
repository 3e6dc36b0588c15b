"""Tests for endpointslice.compact: the fragmentation report and the compacting reconcile."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
from endpointslice.compact import fragmentation, reconcile_compact
from endpointslice.packing import NameStrategy, PackingError, endpoint_identity, port_group_key
from endpointslice.reconcile import Plan, reconcile

SVC = Service(
    metadata=ObjectMeta(name="web", namespace="ns", uid="u1"),
    spec=ServiceSpec(ports=(ServicePort(name="http", port=80, target_port=8080),), ip_families=("IPv4",)),
)


def ep(i: int, ready: bool = True) -> Endpoint:
    return Endpoint(
        addresses=(f"10.0.{i // 256}.{i % 256}",),
        conditions=EndpointConditions(ready=ready),
        target_ref=ObjectReference(kind="Pod", namespace="ns", name=f"web-{i:04d}"),
    )


def sparse_slices(count: int, per_slice: int) -> tuple[list[Endpoint], list[EndpointSlice]]:
    """*count* slices of *per_slice* endpoints, built by reconciling one slice's worth at a time."""
    endpoints = [ep(i) for i in range(count * per_slice)]
    slices: list[EndpointSlice] = []
    for n in range(count):
        batch = endpoints[: (n + 1) * per_slice]
        slices = reconcile(
            SVC, batch, slices, max_endpoints_per_slice=per_slice, managed_by="me", names=NameStrategy.ORDINAL
        ).apply(slices)
    return endpoints, slices


def test_fragmentation_of_upstream_recycling_scenario() -> None:
    _, slices = sparse_slices(10, 30)
    (report,) = fragmentation(slices, max_endpoints_per_slice=100)
    assert (report.endpoints, report.slices, report.minimum, report.excess) == (300, 10, 3, 7)
    assert report.fill_ratio == pytest.approx(0.3)
    # Seven slices emptied and deleted, three receive their endpoints.
    assert report.compaction_writes == 10
    assert str(report) == "ns/web IPv4: 300 endpoints in 10 slices (minimum 3, fill 30%, compaction 10 writes)"


def test_fragmentation_of_well_packed_slices_costs_nothing() -> None:
    endpoints = [ep(i) for i in range(250)]
    slices = reconcile(SVC, endpoints, [], managed_by="me").apply([])
    (report,) = fragmentation(slices)
    assert (report.slices, report.minimum, report.compaction_writes) == (3, 3, 0)


def test_compaction_merges_the_emptiest_slices() -> None:
    endpoints, slices = sparse_slices(10, 30)
    upstream = reconcile(SVC, endpoints, slices, managed_by="me")
    assert upstream == Plan()
    plan = reconcile_compact(SVC, endpoints, slices, managed_by="me", slack=0)
    assert (len(plan.creates), len(plan.updates), len(plan.deletes)) == (0, 3, 7)
    after = plan.apply(slices)
    assert sorted(len(s.endpoints or ()) for s in after) == [100, 100, 100]
    assert reconcile(SVC, endpoints, after, managed_by="me") == Plan()


def test_compaction_counts_slices_rewritten_anyway_as_free() -> None:
    endpoints, slices = sparse_slices(4, 30)
    changed = [*endpoints[:-1], ep(119, ready=False)]
    plan = reconcile_compact(SVC, changed, slices, managed_by="me", slack=0)
    # web-4 is rewritten for the readiness change anyway: it receives, and two slices are emptied.
    assert [u.slice.metadata.name for u in plan.updates] == ["web-4"]
    assert [s.metadata.name for s in plan.deletes] == ["web-1", "web-2"]
    assert plan.write_count == 3


def test_compaction_within_the_bound_changes_nothing() -> None:
    endpoints, slices = sparse_slices(3, 30)
    assert reconcile_compact(SVC, endpoints, slices, managed_by="me", slack=2) == reconcile(
        SVC, endpoints, slices, managed_by="me"
    )


def test_negative_slack_is_refused() -> None:
    with pytest.raises(PackingError, match="slack: Invalid value: -1: must be 0 or more"):
        reconcile_compact(SVC, [], [], slack=-1)


def test_rolling_update_keeps_fewer_slices_when_compacting() -> None:
    old = [ep(i) for i in range(200)]
    new = [ep(1000 + i) for i in range(200)]
    order = list(old)
    random.Random(1).shuffle(order)  # noqa: S311  # A fixed termination order, not cryptography.
    peaks = {}
    for compact in (False, True):
        slices: list[EndpointSlice] = reconcile(SVC, old, [], max_endpoints_per_slice=20, managed_by="me").apply([])
        current = list(old)
        peak = len(slices)
        for step in range(4):
            # Surge: the new Pods come in one sync; the old ones go, in random order, in the next.
            gone = {endpoint_identity(e) for e in order[step * 50 : step * 50 + 50]}
            added = [*current, *new[step * 50 : step * 50 + 50]]
            for current in (added, [e for e in added if endpoint_identity(e) not in gone]):
                if compact:
                    plan = reconcile_compact(SVC, current, slices, max_endpoints_per_slice=20, managed_by="me")
                else:
                    plan = reconcile(SVC, current, slices, max_endpoints_per_slice=20, managed_by="me")
                slices = plan.apply(slices)
                peak = max(peak, len(slices))
                if compact:
                    assert len(slices) <= math.ceil(len(current) / 20) + 1
        peaks[compact] = peak
    assert peaks == {False: 19, True: 14}


entries = st.lists(st.builds(ep, st.integers(0, 80), st.booleans()), max_size=40).map(
    lambda found: list({endpoint_identity(e): e for e in found}.values())
)


@given(entries, entries, st.integers(1, 8), st.integers(0, 2))
def test_law_compact_keeps_the_endpoints_and_bounds_the_slices(
    first: list[Endpoint], second: list[Endpoint], limit: int, slack: int
) -> None:
    existing = reconcile(SVC, first, [], max_endpoints_per_slice=limit, managed_by="me").apply([])
    plan = reconcile_compact(SVC, second, existing, max_endpoints_per_slice=limit, managed_by="me", slack=slack)
    after = plan.apply(existing)
    assert all(len(s.endpoints or ()) <= limit for s in after)
    got = sorted(endpoint_identity(e) for s in after for e in s.endpoints or ())
    assert got == sorted(endpoint_identity(e) for e in second)
    wanted = {endpoint_identity(e): e.conditions for e in second}
    assert all(wanted[endpoint_identity(e)] == e.conditions for s in after for e in s.endpoints or ())
    assert reconcile(SVC, second, after, max_endpoints_per_slice=limit, managed_by="me") == Plan()
    groups: dict[object, int] = {}
    for s in after:
        key = port_group_key(s.ports)
        groups[key] = groups.get(key, 0) + 1
    bound = max(1, math.ceil(len(second) / limit)) + max(slack, 1)
    assert all(count <= bound for count in groups.values())
