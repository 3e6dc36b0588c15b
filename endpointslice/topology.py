"""Topology hints: ``spec.trafficDistribution``, and the annotation's "Auto" mode.

With ``trafficDistribution`` ``PreferClose``/``PreferSameZone`` every ready
endpoint is hinted for its own zone (``PreferSameNode`` adds its node); with
neither it nor the annotation, hints are removed (`hints_mode`, `apply_hints`).

In "Auto" mode, with the Service annotation ``service.kubernetes.io/topology-mode: Auto`` (or
the deprecated ``service.kubernetes.io/topology-aware-hints``) the
EndpointSlice controller gives every ready endpoint a zone hint, moving some
hints to other zones so that each zone receives endpoints in proportion to
its share of the cluster's allocatable CPU, within an overload threshold of
20 %. This module reproduces that (``topologycache`` in ``k8s.io/endpointslice``,
Kubernetes 1.37), with deterministic choices where upstream iterates Go maps:
ties between zones go to the first zone by name.

Example:
    >>> from endpointslice import Node, NodeCondition, NodeStatus, ObjectMeta, FrozenDict
    >>> def node(name, zone, cpu):
    ...     return Node(metadata=ObjectMeta(name=name, labels=FrozenDict({"topology.kubernetes.io/zone": zone})),
    ...                 status=NodeStatus(allocatable=FrozenDict({"cpu": cpu}),
    ...                                   conditions=(NodeCondition(type="Ready", status="True"),)))
    >>> dict(zone_ratios([node("a1", "a", "3"), node("b1", "b", "1000m")]))
    {'a': 0.75, 'b': 0.25}
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation

import attrs

from ._frozen import FrozenDict
from .discovery import Endpoint, EndpointHints, EndpointSlice, ForNode, ForZone
from .enums import ConditionStatus, TrafficDistribution
from .service import Service
from .workloads import Node

__all__ = [
    "OVERLOAD_THRESHOLD",
    "Allocation",
    "allocations",
    "apply_hints",
    "auto_hints",
    "cpu_millis",
    "hints_mode",
    "hints_need_update",
    "wanted_hints",
    "zone_ratios",
]

#: The most overload any endpoint should be exposed to.
OVERLOAD_THRESHOLD = 0.2
_EXCLUDED_NODE_LABELS = ("node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master")
_ZONE_LABEL = "topology.kubernetes.io/zone"
_QUANTITY = re.compile(r"^([+-]?[0-9.]+)([eE][+-]?[0-9]+|[numkMGTPE]|Ki|Mi|Gi|Ti|Pi|Ei)?$")
_SUFFIX = {
    None: Decimal(1),
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
    "Ki": Decimal(2**10),
    "Mi": Decimal(2**20),
    "Gi": Decimal(2**30),
    "Ti": Decimal(2**40),
    "Pi": Decimal(2**50),
    "Ei": Decimal(2**60),
}


def cpu_millis(value: int | float | str | None, /) -> int:
    """A CPU quantity (``"3920m"``, ``"4"``, ``2``) in millicores, rounded up as Kubernetes does; 0 if unreadable.

    >>> cpu_millis("3920m"), cpu_millis("4"), cpu_millis(0.5), cpu_millis("1.0001"), cpu_millis("x")
    (3920, 4000, 500, 1001, 0)
    """
    if value is None or isinstance(value, bool):
        return 0
    if isinstance(value, (int, float)):
        number = Decimal(str(value))
    else:
        match = _QUANTITY.match(value.strip())
        if match is None:
            return 0
        digits, suffix = match.groups()
        try:
            number = Decimal(digits)
            if suffix and suffix[0] in "eE":
                number *= Decimal(10) ** int(suffix[1:])
            else:
                number *= _SUFFIX[suffix]
        except (InvalidOperation, KeyError):
            return 0
    millis = number * 1000
    return int(millis.to_integral_value(rounding="ROUND_CEILING"))


def _node_ready(node: Node) -> bool:
    for condition in node.status.conditions or ():
        if condition.type == "Ready":
            return condition.status is ConditionStatus.TRUE
    return False


def zone_ratios(nodes: Iterable[Node], /) -> FrozenDict[str, float] | None:
    """Each zone's share of the allocatable CPU of the ready, non-control-plane Nodes.

    Returns ``None`` when the Node information is insufficient: a counted Node
    without zone label or allocatable CPU, no CPU at all, or fewer than 2 zones.
    """
    by_zone: dict[str, int] = {}
    for node in nodes:
        labels: Mapping[str, str] = node.metadata.labels or {}
        if any(key in labels for key in _EXCLUDED_NODE_LABELS) or not _node_ready(node):
            continue
        zone = labels.get(_ZONE_LABEL)
        allocatable: Mapping[str, int | float | str] = node.status.allocatable or {}
        cpu = cpu_millis(allocatable.get("cpu"))
        if not zone or cpu == 0:
            return None
        by_zone[zone] = by_zone.get(zone, 0) + cpu
    total = sum(by_zone.values())
    if total == 0 or len(by_zone) < 2:
        return None
    return FrozenDict((zone, cpu / total) for zone, cpu in sorted(by_zone.items()))


@attrs.frozen(kw_only=True)
class Allocation:
    """How many endpoints a zone should get: at least ``minimum``, ideally ``desired``, at most ``maximum``."""

    minimum: int
    maximum: int
    desired: float


def allocations(ratios: Mapping[str, float] | None, endpoints: int, /) -> dict[str, Allocation] | str:
    """Per-zone allocations for *endpoints* ready endpoints, or the reason hints cannot be given.

    >>> allocations({"a": 0.5, "b": 0.5}, 4)["a"]
    Allocation(minimum=2, maximum=2, desired=2.0)
    >>> allocations({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3}, 4)  # doctest: +ELLIPSIS
    'Unable to allocate minimum required endpoints ... without exceeding overload threshold (4 endpoints, 3 zones)'
    """
    if ratios is None:
        return "Insufficient Node information: allocatable CPU or zone not specified on one or more nodes"
    if len(ratios) < 2:
        return "Nodes only ready in one zone"
    if len(ratios) > endpoints:
        return f"Insufficient number of endpoints ({endpoints} endpoints, {len(ratios)} zones)"
    remaining = endpoints
    found: dict[str, tuple[int, float]] = {}
    for zone, ratio in ratios.items():
        desired = ratio * endpoints
        minimum = math.ceil(desired * (1 / (1 + OVERLOAD_THRESHOLD)))
        found[zone] = (minimum, max(desired, float(minimum)))
        remaining -= minimum
        if remaining < 0:
            return (
                "Unable to allocate minimum required endpoints to each zone without exceeding overload threshold "
                f"({endpoints} endpoints, {len(ratios)} zones)"
            )
    spare = endpoints - sum(m for m, _ in found.values())
    return {zone: Allocation(minimum=m, maximum=m + spare, desired=d) for zone, (m, d) in found.items()}


# ---------------------------------------------------------------------------
# trafficDistribution hints


_ANNOTATION_TOPOLOGY_DEPRECATED = "service.kubernetes.io/topology-aware-hints"


_ANNOTATION_TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"


def hints_mode(service: Service, /) -> TrafficDistribution | str | None:
    """How the controller treats hints for *service*.

    Returns:
        ``"Auto"`` when the topology annotation enables the "Auto" algorithm
        (the deprecated ``topology-aware-hints`` key wins over ``topology-mode``);
        else the `TrafficDistribution` when ``spec.trafficDistribution`` is one
        the controller honours; else ``None`` (hints are removed).
    """
    annotations: Mapping[str, str] = service.metadata.annotations or {}
    value = annotations.get(_ANNOTATION_TOPOLOGY_DEPRECATED, annotations.get(_ANNOTATION_TOPOLOGY_MODE))
    if value in ("Auto", "auto"):
        return "Auto"
    td = service.spec.traffic_distribution
    return td if isinstance(td, TrafficDistribution) else None


def wanted_hints(endpoint: Endpoint, mode: TrafficDistribution, /) -> EndpointHints | None:
    """The hints a ready endpoint should carry under *mode*: its zone, and its node for PreferSameNode."""
    for_zones = (ForZone(name=endpoint.zone),) if endpoint.zone is not None else None
    for_nodes = (
        (ForNode(name=endpoint.node_name),)
        if endpoint.node_name is not None and mode is TrafficDistribution.PREFER_SAME_NODE
        else None
    )
    if for_zones is None and for_nodes is None:
        return None
    return EndpointHints(for_zones=for_zones, for_nodes=for_nodes)


def _hints_need_update(eps: EndpointSlice, mode: TrafficDistribution | None) -> bool:
    for endpoint in eps.endpoints or ():
        hints = endpoint.hints
        if mode is None:
            if hints is not None:
                return True
            continue
        if endpoint.conditions.ready is not True:
            continue
        zones = hints.for_zones if hints is not None else None
        nodes = hints.for_nodes if hints is not None else None
        if endpoint.zone is not None:
            if not zones or len(zones) != 1 or zones[0].name != endpoint.zone:
                return True
        elif zones:
            return True
        if endpoint.node_name is not None and mode is TrafficDistribution.PREFER_SAME_NODE:
            if not nodes or len(nodes) != 1 or nodes[0].name != endpoint.node_name:
                return True
        elif nodes:
            return True
    return False


_hints_of = operator.attrgetter("hints")


def apply_hints(eps: EndpointSlice, mode: TrafficDistribution | None, /) -> EndpointSlice:
    """Give a slice being written the hints *mode* wants.

    With a traffic distribution, each ready endpoint gets `wanted_hints` and
    not-ready endpoints keep theirs; with ``None`` every hint is removed.
    """
    endpoints = eps.endpoints or ()
    if mode is None and list(map(_hints_of, endpoints)).count(None) == len(endpoints):
        return eps  # Nothing to remove: the common case, checked without a loop in Python.
    changed = False
    out = []
    for endpoint in endpoints:
        if mode is None:
            hints = None
        elif endpoint.conditions.ready is not True:
            hints = endpoint.hints
        else:
            hints = wanted_hints(endpoint, mode)
        if hints != endpoint.hints:
            out.append(attrs.evolve(endpoint, hints=hints))
            changed = True
        else:
            out.append(endpoint)
    return attrs.evolve(eps, endpoints=tuple(out)) if changed else eps


def hints_need_update(eps: EndpointSlice, mode: TrafficDistribution | None, /) -> bool:
    """Whether an otherwise unchanged slice must be rewritten for its hints under *mode*."""
    return _hints_need_update(eps, mode)


# ---------------------------------------------------------------------------
# "Auto" hints


def _ready(endpoint: Endpoint) -> bool:
    return endpoint.conditions.ready is True


def _slice_hints(
    eps: EndpointSlice, counted: Mapping[str, int], allocs: Mapping[str, Allocation]
) -> dict[str, int] | None:
    """The hints an unchanged slice holds per zone, or ``None`` when it must be rewritten."""
    by_zone: dict[str, int] = {}
    for endpoint in eps.endpoints or ():
        if not _ready(endpoint):
            continue
        zones = endpoint.hints.for_zones if endpoint.hints is not None else None
        if not zones:
            return None
        for hint in zones:
            if hint.name not in allocs:
                return None
            by_zone[hint.name] = by_zone.get(hint.name, 0) + 1
    for zone, count in by_zone.items():
        if count + counted.get(zone, 0) > allocs[zone].maximum:
            return None
    return by_zone


def _most(amounts: Mapping[str, float]) -> tuple[str, float]:
    zone, best = "", 0.0
    for name in sorted(amounts):
        if amounts[name] > best:
            zone, best = name, amounts[name]
    return zone, best


def _giving_and_receiving(
    allocs: Mapping[str, Allocation], counted: Mapping[str, int]
) -> tuple[dict[str, int], dict[str, int]]:
    give: dict[str, float] = {}
    receive: dict[str, float] = {}
    for zone, alloc in allocs.items():
        have = float(counted.get(zone, 0))
        if have > alloc.desired:
            give[zone] = have - alloc.desired
        elif have < alloc.desired:
            receive[zone] = alloc.desired - have
    giving: dict[str, int] = {}
    receiving: dict[str, int] = {}
    while True:
        from_zone, to_give = _most(give)
        to_zone, to_receive = _most(receive)
        if not from_zone or not to_zone or (to_give < 1.0 and to_receive < 1.0) or to_give < 0.5 or to_receive < 0.5:
            break
        giving[from_zone] = giving.get(from_zone, 0) + 1
        give[from_zone] -= 1
        receiving[to_zone] = receiving.get(to_zone, 0) + 1
        receive[to_zone] -= 1
    return giving, receiving


def _strip(eps: EndpointSlice) -> EndpointSlice:
    if all(e.hints is None for e in eps.endpoints or ()):
        return eps
    cleared = tuple(e if e.hints is None else attrs.evolve(e, hints=None) for e in eps.endpoints or ())
    return attrs.evolve(eps, endpoints=cleared)


def auto_hints(
    creates: Sequence[EndpointSlice],
    updates: Sequence[EndpointSlice],
    unchanged: Sequence[EndpointSlice],
    ratios: Mapping[str, float] | None,
    /,
) -> tuple[list[EndpointSlice], list[EndpointSlice], list[EndpointSlice]]:
    """Give the slices of one address type the "Auto" zone hints.

    Args:
        creates: Slices to be created.
        updates: Slices to be rewritten.
        unchanged: The other existing slices of the address type.
        ratios: `zone_ratios` of the cluster's Nodes.

    Returns:
        ``(creates, updates, moved)``: the slices to create and to rewrite with
        their hints, and which of *unchanged* joined the rewrites (listed last
        in *updates*). When hints cannot be given, every hint is removed
        instead, as upstream does.
    """
    ready_total = sum(1 for s in (*creates, *updates, *unchanged) for e in s.endpoints or () if _ready(e))
    allocs = allocations(ratios, ready_total)
    moved: list[EndpointSlice] = []
    if isinstance(allocs, str):
        return _remove_all(creates, updates, unchanged)
    counted: dict[str, int] = {}
    for eps in unchanged:
        held = _slice_hints(eps, counted, allocs)
        if held is None:
            moved.append(eps)
            continue
        for zone, count in held.items():
            counted[zone] = counted.get(zone, 0) + count
    moved_ids = {id(s) for s in moved}
    still = [s for s in unchanged if id(s) not in moved_ids]
    writable = [*creates, *updates, *moved]
    hinted: list[list[Endpoint]] = []
    for eps in writable:
        out = []
        for endpoint in eps.endpoints or ():
            if not _ready(endpoint):
                out.append(endpoint)
                continue
            if not endpoint.zone:
                # Upstream gives up here and removes every hint, from the slices it already planned to write too.
                c, u, extra = _remove_all(creates, [*updates, *moved], still)
                return c, u, [*moved, *extra]
            counted[endpoint.zone] = counted.get(endpoint.zone, 0) + 1
            out.append(attrs.evolve(endpoint, hints=EndpointHints(for_zones=(ForZone(name=endpoint.zone),))))
        hinted.append(out)
    giving, receiving = _giving_and_receiving(allocs, counted)
    for out in hinted:
        for i, endpoint in enumerate(out):
            if not _ready(endpoint):
                continue
            if not giving or not receiving:
                break
            zone = endpoint.zone or ""
            if giving.get(zone, 0) > 0:
                target = next(z for z in sorted(receiving) if receiving[z] > 0)
                out[i] = attrs.evolve(endpoint, hints=EndpointHints(for_zones=(ForZone(name=target),)))
                for table, key in ((giving, zone), (receiving, target)):
                    if table[key] == 1:
                        del table[key]
                    else:
                        table[key] -= 1
        else:
            continue
        break
    rebuilt = [attrs.evolve(eps, endpoints=tuple(out)) for eps, out in zip(writable, hinted, strict=True)]
    return rebuilt[: len(creates)], rebuilt[len(creates) :], moved


def _remove_all(
    creates: Sequence[EndpointSlice], updates: Sequence[EndpointSlice], unchanged: Sequence[EndpointSlice]
) -> tuple[list[EndpointSlice], list[EndpointSlice], list[EndpointSlice]]:
    moved = [s for s in unchanged if any(e.hints is not None for e in s.endpoints or ())]
    cleared_updates = [_strip(s) for s in (*updates, *moved)]
    return [_strip(s) for s in creates], cleared_updates, moved
