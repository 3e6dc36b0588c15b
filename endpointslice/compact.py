"""Fragmentation: how far slices are from the fewest possible, and an opt-in compacting reconcile.

The upstream reconciler never rebalances: a slice that keeps its endpoints
is never written, so after churn a Service can hold many sparse slices
(upstream issue 119020, PR 81048). This module measures that and offers
`reconcile_compact`, which runs the upstream reconcile and then merges the
emptiest slices into others until each port group has at most
``ceil(N / M) + slack`` slices, choosing the merges that cost the fewest
extra writes.

Example:
    >>> from endpointslice import Endpoint, ObjectMeta, Service, ServicePort, ServiceSpec
    >>> from endpointslice.packing import NameStrategy
    >>> from endpointslice.reconcile import reconcile
    >>> svc = Service(metadata=ObjectMeta(name="db", namespace="default", uid="u1"),
    ...               spec=ServiceSpec(ports=(ServicePort(name="pg", port=5432),), ip_families=("IPv4",)))
    >>> eps = [Endpoint(addresses=(f"192.0.2.{i}",)) for i in range(1, 10)]
    >>> slices = reconcile(svc, eps, [], max_endpoints_per_slice=3, managed_by="me",
    ...                    names=NameStrategy.ORDINAL).apply([])
    >>> keep = [eps[0], eps[3], eps[6]]          # one endpoint left in each slice
    >>> sparse = reconcile(svc, keep, slices, max_endpoints_per_slice=3, managed_by="me").apply(slices)
    >>> [f.slices for f in fragmentation(sparse, max_endpoints_per_slice=3)]
    [3]
    >>> plan = reconcile_compact(svc, keep, sparse, max_endpoints_per_slice=3, managed_by="me", slack=0)
    >>> len(plan.updates), len(plan.deletes)
    (1, 2)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import attrs

from .discovery import LABEL_SERVICE_NAME, Endpoint, EndpointSlice
from .enums import AddressType
from .errors import Problem
from .packing import (
    CONTROLLER_NAME,
    DEFAULT_MAX_ENDPOINTS_PER_SLICE,
    EndpointsInput,
    NameStrategy,
    PackingError,
    PortGroupKey,
    _check_max,
    port_group_key,
)
from .reconcile import Plan, SliceUpdate, _with_annotation, is_managed_slice, reconcile
from .service import Service

__all__ = ["GroupFragmentation", "fragmentation", "reconcile_compact"]


@attrs.frozen(kw_only=True)
class GroupFragmentation:
    """How one (Service, address type, port set) group is packed.

    Attributes:
        namespace: The Service's namespace.
        service: The Service name (the ``kubernetes.io/service-name`` label).
        address_type: The address type.
        ports: The order-insensitive port key.
        endpoints: Endpoints in the group (N).
        slices: Slices in the group.
        minimum: The fewest slices that could hold them, ``max(1, ceil(N / M))``.
        fill_ratio: ``N / (slices * M)``; 1.0 is perfectly packed.
        compaction_writes: The writes a compaction down to ``minimum`` slices would cost
            (each emptied slice deleted, each receiving slice updated).
    """

    namespace: str
    service: str
    address_type: str
    ports: PortGroupKey
    endpoints: int
    slices: int
    minimum: int
    fill_ratio: float
    compaction_writes: int

    @property
    def excess(self) -> int:
        """Slices beyond the minimum."""
        return self.slices - self.minimum

    def __str__(self) -> str:
        return (
            f"{self.namespace}/{self.service} {self.address_type}: {self.endpoints} endpoints in {self.slices} slices "
            f"(minimum {self.minimum}, fill {self.fill_ratio:.0%}, compaction {self.compaction_writes} writes)"
        )


def _at(eps: EndpointSlice) -> str:
    at = eps.address_type
    return at.value if isinstance(at, AddressType) else at


def _merges(sizes: Sequence[tuple[int, bool, str]], limit: int, target: int) -> tuple[list[int], list[int]]:
    """Choose donors and receivers to bring ``len(sizes)`` slices down to *target*.

    *sizes* holds (endpoint count, already being written, name). Donors are
    the emptiest slices (fewest endpoints to move; ties by name); receivers are
    the remaining slices, those already being written first, then those with
    the most room, so that the fewest new writes take the moved endpoints.
    Returns the indexes of donors and of receivers that take endpoints.
    """
    order = sorted(range(len(sizes)), key=lambda i: (sizes[i][0], sizes[i][2]))
    donors: list[int] = []
    keep = list(order)
    while len(keep) > target:
        candidate = keep[0]
        rest = keep[1:]
        moving = sum(sizes[i][0] for i in donors) + sizes[candidate][0]
        room = sum(max(0, limit - sizes[i][0]) for i in rest)
        if room < moving:
            break
        donors.append(candidate)
        keep = rest
    moving = sum(sizes[i][0] for i in donors)
    receivers: list[int] = []
    for i in sorted(keep, key=lambda i: (not sizes[i][1], -(limit - sizes[i][0]), sizes[i][2])):
        if moving <= 0:
            break
        room = limit - sizes[i][0]
        if room > 0:
            receivers.append(i)
            moving -= room
    return donors, receivers


def fragmentation(
    slices: Iterable[EndpointSlice], /, *, max_endpoints_per_slice: int = DEFAULT_MAX_ENDPOINTS_PER_SLICE
) -> tuple[GroupFragmentation, ...]:
    """Report, per (namespace, Service, address type, port set), how the slices are packed.

    Empty placeholder slices count as slices of their group (of no ports).
    Groups come sorted by namespace, Service, address type and port key.
    """
    _check_max(max_endpoints_per_slice)
    groups: dict[tuple[str, str, str, PortGroupKey], list[EndpointSlice]] = {}
    for eps in slices:
        key = (
            eps.metadata.namespace or "",
            eps.metadata.label(LABEL_SERVICE_NAME) or "",
            _at(eps),
            port_group_key(eps.ports),
        )
        groups.setdefault(key, []).append(eps)
    out = []
    limit = max_endpoints_per_slice
    for (namespace, service, at, ports), members in sorted(groups.items()):
        n = sum(len(s.endpoints or ()) for s in members)
        minimum = max(1, math.ceil(n / limit))
        sizes = [(len(s.endpoints or ()), False, s.metadata.name or "") for s in members]
        donors, receivers = _merges(sizes, limit, minimum)
        out.append(
            GroupFragmentation(
                namespace=namespace,
                service=service,
                address_type=at,
                ports=ports,
                endpoints=n,
                slices=len(members),
                minimum=minimum,
                fill_ratio=n / (len(members) * limit),
                compaction_writes=len(donors) + len(receivers),
            )
        )
    return tuple(out)


def reconcile_compact(
    service: Service,
    desired: EndpointsInput,
    existing: Iterable[EndpointSlice],
    /,
    *,
    max_endpoints_per_slice: int = DEFAULT_MAX_ENDPOINTS_PER_SLICE,
    managed_by: str = CONTROLLER_NAME,
    names: NameStrategy = NameStrategy.GENERATE,
    trigger_time: str | None = None,
    slack: int = 1,
) -> Plan:
    """The upstream reconcile, then a compaction bounding each group to ``ceil(N / M) + slack`` slices.

    The bound holds for ``slack >= 1``; with ``slack=0`` a group may keep one
    more slice when the upstream plan itself starts a partly filled slice.

    Compaction deletes the emptiest named slices of a group and moves their
    endpoints, unchanged, into the group's other named slices, preferring
    slices the upstream plan rewrites anyway, then those with the most room.
    It stops early when the other slices have no room left. New slices of the
    plan are neither emptied nor filled. Unlike upstream, endpoints may move
    between slices; they never change.

    Args:
        service: As for `endpointslice.reconcile.reconcile`.
        desired: As for `endpointslice.reconcile.reconcile`.
        existing: As for `endpointslice.reconcile.reconcile`.
        max_endpoints_per_slice: As for `endpointslice.reconcile.reconcile`.
        managed_by: As for `endpointslice.reconcile.reconcile`.
        names: As for `endpointslice.reconcile.reconcile`.
        trigger_time: As for `endpointslice.reconcile.reconcile`.
        slack: Slices allowed beyond the minimum per group (default 1).

    Returns:
        One `Plan` with the upstream writes and the compaction's merged in.
    """
    _check_max(max_endpoints_per_slice)
    if slack < 0:
        raise PackingError([Problem(message=f"Invalid value: {slack}: must be 0 or more", path="slack")])
    limit = max_endpoints_per_slice
    before = list(existing)
    plan = reconcile(
        service,
        desired,
        before,
        max_endpoints_per_slice=limit,
        managed_by=managed_by,
        names=names,
        trigger_time=trigger_time,
    )
    after = plan.apply(before, simulate_names=False)
    written = {u.slice.metadata.name: u for u in plan.updates}
    new_counts: dict[tuple[str, PortGroupKey], int] = {}
    for eps in plan.creates:
        key = (_at(eps), port_group_key(eps.ports))
        new_counts[key] = new_counts.get(key, 0) + len(eps.endpoints or ())
    groups: dict[tuple[str, PortGroupKey], list[EndpointSlice]] = {}
    for eps in after:
        if eps.metadata.name and is_managed_slice(eps, service, managed_by=managed_by) and eps.endpoints:
            groups.setdefault((_at(eps), port_group_key(eps.ports)), []).append(eps)
    updates = {u.slice.metadata.name: u for u in plan.updates}
    deletes = list(plan.deletes)
    for key in sorted(groups):
        members = sorted(groups[key], key=lambda s: s.metadata.name or "")
        creates_here = sum(1 for s in plan.creates if (_at(s), port_group_key(s.ports)) == key)
        total = sum(len(s.endpoints or ()) for s in members) + new_counts.get(key, 0)
        target = max(1, math.ceil(total / limit)) + slack - creates_here
        if len(members) <= max(target, 1):
            continue
        sizes = [(len(s.endpoints or ()), s.metadata.name in written, s.metadata.name or "") for s in members]
        donors, receivers = _merges(sizes, limit, max(target, 1))
        moving: list[Endpoint] = [e for i in donors for e in members[i].endpoints or ()]
        for i in receivers:
            eps = members[i]
            room = limit - len(eps.endpoints or ())
            taken, moving = moving[:room], moving[room:]
            grown = _with_annotation(attrs.evolve(eps, endpoints=(*(eps.endpoints or ()), *taken)), trigger_time)
            name = eps.metadata.name
            previous = updates[name].previous if name in updates else eps
            updates[name] = SliceUpdate(previous=previous, slice=grown)
        for i in donors:
            name = members[i].metadata.name
            update = updates.pop(name, None)
            deletes.append(update.previous if update is not None else members[i])
    ordered = [u for u in plan.updates if u.slice.metadata.name in updates]
    ordered = [updates[u.slice.metadata.name] for u in ordered]
    known = {u.slice.metadata.name for u in ordered}
    ordered += [u for name, u in sorted(updates.items(), key=lambda item: item[0] or "") if name not in known]
    return Plan(creates=plan.creates, updates=tuple(ordered), deletes=tuple(deletes), skipped=plan.skipped)
