"""The oracle side of the legacy differential suite: what the cluster holds, read back as our models, and
compared with what `endpoints_for_service` and `mirror` predict under the equivalences of
``docs/differences.md``.

Everything here is a pure function of JSON read from the apiserver, so that a failure message
can print both sides.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from endpointslice import FrozenDict, io
from endpointslice.discovery import LABEL_MANAGED_BY, LABEL_SERVICE_NAME, EndpointSlice
from endpointslice.endpoints import ANNOTATION_OVER_CAPACITY, Endpoints, EndpointSubset
from endpointslice.endpoints_controller import (
    ENDPOINTS_CONTROLLER_NAME,
    LABEL_ENDPOINTS_MANAGED_BY,
    endpoints_for_service,
)
from endpointslice.enums import AddressType
from endpointslice.meta import ObjectMeta
from endpointslice.mirroring import mirror, slice_ports
from endpointslice.packing import ANNOTATION_TRIGGER_TIME, LABEL_HEADLESS, port_group_key
from endpointslice.repack import (
    MAX_ENDPOINTS_ADDRESSES,
    default_protocols,
    port_sort_key,
    repack_subsets,
    truncate_endpoints,
)
from endpointslice.service import Service
from endpointslice.validation import validate_endpoints
from endpointslice.workloads import Pod

JSON = dict[str, Any]

# Stands for the trigger time's value, which is a clock reading; only its presence is compared.
TRIGGER = "<time>"


def load_service(data: JSON) -> Service:
    return io.from_dict(data, Service, ignore_unknown=True)


def load_pods(items: Iterable[JSON]) -> list[Pod]:
    return [io.from_dict(item, Pod, ignore_unknown=True) for item in items]


def load_endpoints(data: JSON | None) -> Endpoints | None:
    return None if data is None else io.from_dict(data, Endpoints, ignore_unknown=True)


def load_slices(items: Iterable[JSON]) -> list[EndpointSlice]:
    return [io.from_dict(item, EndpointSlice, ignore_unknown=True) for item in items]


# The Endpoints controller.


def _ports_key(subset: EndpointSubset) -> tuple[tuple[str, int, str, str], ...]:
    return tuple(sorted(port_sort_key(p) for p in subset.ports or ()))


def canonical_subsets(subsets: Sequence[EndpointSubset] | None) -> tuple[EndpointSubset, ...]:
    """Subsets with their ports and themselves in our order; addresses stay in the order they came.

    Upstream orders ports and subsets by a hash (docs/differences.md); addresses are compared as
    they are, in order.
    """
    out = [
        attrs.evolve(s, ports=tuple(sorted(s.ports, key=port_sort_key)) if s.ports else s.ports) for s in subsets or ()
    ]
    out.sort(
        key=lambda s: (_ports_key(s), [a.ip for a in s.addresses or ()], [a.ip for a in s.not_ready_addresses or ()])
    )
    return tuple(out)


def in_order_of(
    subsets: Sequence[EndpointSubset], order: Sequence[EndpointSubset] | None
) -> tuple[EndpointSubset, ...]:
    """*subsets* in the order the subsets of *order* (the cluster's) have their port sets.

    Truncation shares the budget over subsets in order and caps the last ones, so the subsets
    kept depend on upstream's hash order: the equivalence is "ours, truncated in upstream's order".
    """
    rank = {_ports_key(s): i for i, s in enumerate(order or ())}
    return tuple(sorted(subsets, key=lambda s: rank.get(_ports_key(s), len(rank))))


def _masked(endpoints: Endpoints) -> Endpoints:
    # What the controller decides: name, labels, annotations (the trigger time by presence) and
    # subsets; the rest of the metadata is the apiserver's.
    annotations = dict(endpoints.metadata.annotations or {})
    if ANNOTATION_TRIGGER_TIME in annotations:
        annotations[ANNOTATION_TRIGGER_TIME] = TRIGGER
    meta = ObjectMeta(
        name=endpoints.metadata.name,
        namespace=endpoints.metadata.namespace,
        labels=endpoints.metadata.labels or None,
        annotations=FrozenDict(annotations) if annotations else None,
    )
    return Endpoints(metadata=meta, subsets=canonical_subsets(endpoints.subsets) or None)


def _labels_correct(stored: Mapping[str, str], service: Mapping[str, str]) -> bool:
    # Upstream's labelsCorrectForEndpoints: the managed-by label is there, and the others but the
    # headless one are exactly the Service's.
    if stored.get(LABEL_ENDPOINTS_MANAGED_BY) != ENDPOINTS_CONTROLLER_NAME:
        return False
    own = (LABEL_HEADLESS, LABEL_ENDPOINTS_MANAGED_BY)
    others = {k: v for k, v in stored.items() if k not in own}
    skipped = len(stored) - len(others)
    return all(service.get(k) == v for k, v in others.items()) and len(service) == len(stored) - skipped


def controller_writes(service: Service, desired: Endpoints, stored: Endpoints | None) -> bool:
    """Upstream's test for writing at all: a new object, or subsets (untruncated desired against
    stored), labels or the capacity annotation not as they should be.
    """
    if stored is None:
        return True
    if canonical_subsets(stored.subsets) != canonical_subsets(desired.subsets):
        return True
    if not _labels_correct(stored.metadata.labels or {}, service.metadata.labels or {}):
        return True
    count = sum(len(s.addresses or ()) + len(s.not_ready_addresses or ()) for s in stored.subsets or ())
    if count > MAX_ENDPOINTS_ADDRESSES:
        return True
    return ANNOTATION_OVER_CAPACITY in (stored.metadata.annotations or {})


def expected_endpoints(
    service: Service, pods: Sequence[Pod], stored: Endpoints | None, cluster: Endpoints | None, *, first_sync: bool
) -> tuple[Endpoints | None, bool]:
    """What the cluster should hold after the controller synced, and whether that is a write.

    *stored* is the object before the step, *cluster* the one now (only its subset order is used,
    for the truncation equivalence). The trigger time is set by the Service's first sync only
    (upstream's tracker reports the Service's creation when it first sees it, even if that sync's
    write fails) and cleared by later writes, since these Pods' Ready conditions carry no
    transition time.
    """
    trigger = TRIGGER if first_sync else None
    untruncated = endpoints_for_service(service, pods, current=stored, trigger_time=trigger, limit=10**9)
    if untruncated is None:
        return None, False
    if not controller_writes(service, untruncated, stored):
        assert stored is not None
        return _masked(stored), False
    ordered = attrs.evolve(
        untruncated, subsets=in_order_of(untruncated.subsets or (), cluster.subsets if cluster else None) or None
    )
    written = truncate_endpoints(ordered)
    if validate_endpoints(written, old=stored):
        # The apiserver refuses the write (an unscheduled Pod's address has nodeName "", which is
        # not a valid node name); the controller retries, and the stored object stays.
        return (None if stored is None else _masked(stored)), False
    want = _masked(written)
    return want, stored is None or want != _masked(stored)


def actual_endpoints(cluster: Endpoints | None) -> Endpoints | None:
    return None if cluster is None else _masked(cluster)


# The mirroring controller.


def slice_key(eps: EndpointSlice) -> tuple[str, object]:
    at = eps.address_type
    return (at.value if isinstance(at, AddressType) else at, port_group_key(eps.ports))


def _slice_content(eps: EndpointSlice) -> JSON:
    # Generated names are random: a slice is known by its family and port set, and its name only
    # checked for the prefix. Upstream fills a slice by popping endpoints from a Go map, so their
    # order is random: they are compared as a multiset.
    data = io.to_dict(eps)
    data["endpoints"] = sorted(data.get("endpoints") or [], key=lambda e: json.dumps(e, sort_keys=True))
    meta = data["metadata"]
    kept = {k: meta[k] for k in ("namespace", "labels", "annotations", "ownerReferences") if meta.get(k)}
    data["metadata"] = kept
    data["ports"] = sorted(
        data.get("ports") or [], key=lambda p: (p.get("name", ""), p.get("port", 0), p.get("protocol", ""))
    )
    return data


def mirrored_state(slices: Iterable[EndpointSlice]) -> dict[tuple[str, object], list[JSON]]:
    state: dict[tuple[str, object], list[JSON]] = {}
    for eps in slices:
        state.setdefault(slice_key(eps), []).append(_slice_content(eps))
    return state


def applied(
    existing: Sequence[EndpointSlice],
    plan_creates: Sequence[EndpointSlice],
    updates: Mapping[str, EndpointSlice],
    deletes: Iterable[str],
) -> list[EndpointSlice]:
    gone = set(deletes)
    out = [updates.get(s.metadata.name or "", s) for s in existing if s.metadata.name not in gone]
    return out + list(plan_creates)


def expected_mirror(
    endpoints: Endpoints, service: Service | None, existing: Sequence[EndpointSlice]
) -> tuple[list[EndpointSlice], dict[str, int], bool]:
    """The mirrored slices after the controller synced, the watch events (by type) it takes, and
    whether upstream's recycling bug can strike.

    The bug (docs/differences.md, "Recycling moves exactly the recycled create"): upstream removes
    a recycled create from its create list by name, and creates have no name yet, so it removes
    the first create instead; when that was not the recycled one, the recycled slice is also
    created under the name of a slice that still exists, the create fails, and every retry fails
    the same way. It can happen when a create is recycled and there were two creates or more.
    """
    result = mirror(endpoints, service, existing)
    plan = result.plan
    updates = {u.previous.metadata.name or "": u.slice for u in plan.updates}
    after = applied(existing, plan.creates, updates, (d.metadata.name or "" for d in plan.deletes))
    # An update that changes nothing is a no-op for the apiserver: no new version, no event.
    modified = sum(1 for u in plan.updates if _slice_content(u.previous) != _slice_content(u.slice))
    events = {"ADDED": len(plan.creates), "MODIFIED": modified, "DELETED": len(plan.deletes)}
    recycled = [u for u in plan.updates if slice_key(u.previous) != slice_key(u.slice)]
    bug = bool(recycled) and len(plan.creates) + len(recycled) >= 2
    return after, events, bug


def own_labels_on_endpoints(endpoints: Endpoints | None) -> bool:
    """Whether *endpoints* carries the service-name or managed-by label of the mirrored slices.

    Upstream then compares its labels as they are with the slice's minus those two, never finds
    them equal, and rewrites every kept slice on each sync (in a random endpoint order, so the
    apiserver sees a change); we do not (docs/differences.md). The number of updates is then
    upstream's and random: at least ours.
    """
    labels: Mapping[str, str] = (endpoints.metadata.labels or {}) if endpoints is not None else {}
    return LABEL_SERVICE_NAME in labels or LABEL_MANAGED_BY in labels


def ambiguous_keys(endpoints: Endpoints | None) -> set[tuple[str, object]]:
    """Slice keys that two subsets share, whose duplicate endpoints upstream keeps by hash order.

    Only decoded ports with ``appProtocol`` make two subsets with the same port set (see
    `repack_subsets`'s *decoded*). An endpoint in both goes to one slice, and which copy is kept
    (say, ready or not) is the one of the subset upstream orders last, by a hash of its Go debug
    print; we order subsets by their fields. For these keys the suite compares addresses only.
    """
    if endpoints is None:
        return set()
    seen: dict[object, int] = {}
    for subset in repack_subsets(default_protocols(endpoints.subsets), decoded=True):
        key = port_group_key(slice_ports(subset.ports))
        seen[key] = seen.get(key, 0) + 1
    return {(family, key) for key, n in seen.items() if n > 1 for family in ("IPv4", "IPv6")}


def loosened(state: dict[tuple[str, object], list[JSON]], keys: set[tuple[str, object]]) -> object:
    """*state* with the slices of *keys* reduced to their sorted addresses."""
    out: dict[tuple[str, object], object] = dict(state)
    for key in keys & set(state):
        out[key] = [sorted(a for e in s.get("endpoints") or [] for a in e["addresses"]) for s in state[key]]
    return out
