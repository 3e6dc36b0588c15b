"""The EndpointSlice mirroring controller: custom Endpoints -> EndpointSlices.

For a Service without selector, users (or other controllers) write the core/v1
Endpoints object themselves, and the control plane mirrors it into
EndpointSlices, which is what kube-proxy and everything else reads. This
module reproduces that controller (``pkg/controller/endpointslicemirroring``,
Kubernetes 1.37):

* `should_mirror` decides whether an Endpoints object is mirrored at all;
* `desired_mirror` computes the wanted slices' content: subsets in canonical
  form (`endpointslice.repack.repack_subsets`), one slice per port set and
  address family, at most ``maxEndpointsPerSubset`` addresses per subset
  (ready ones first), invalid IPs skipped and counted;
* `mirror` reconciles that against the existing mirrored slices and returns
  the same `endpointslice.reconcile.Plan` the EndpointSlice engine returns,
  together with the warnings the controller records as events.

Endpoint identity, the "endpoint changed" test and port-set keys are shared
with the engine (`endpointslice.packing`). Where upstream depends on lister
order (which of several slices of one port set survives), the slice with the
smallest name is kept; see ``docs/mirroring.md``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

import attrs

from ._frozen import FrozenDict
from .discovery import LABEL_MANAGED_BY, LABEL_SERVICE_NAME, Endpoint, EndpointConditions, EndpointPort, EndpointSlice
from .endpoints import EndpointAddress, Endpoints, EndpointsPort
from .enums import AddressType, Protocol
from .errors import Problem
from .meta import ObjectMeta, OwnerReference
from .packing import (
    ANNOTATION_TRIGGER_TIME,
    EndpointIdentity,
    NameStrategy,
    PackingError,
    PortGroupKey,
    canonical_address,
    endpoint_changed,
    endpoint_identity,
    generate_name_prefix,
    name_slices,
    port_group_key,
)
from .reconcile import Plan, SliceUpdate
from .repack import default_protocols, repack_subsets
from .service import Service

__all__ = [
    "ANNOTATION_LAST_APPLIED",
    "ANNOTATION_LEADER",
    "DEFAULT_MAX_ENDPOINTS_PER_SUBSET",
    "LABEL_SKIP_MIRROR",
    "MIRRORING_CONTROLLER_NAME",
    "MirrorDesired",
    "MirrorEvent",
    "MirrorEventReason",
    "MirrorGroup",
    "MirrorResult",
    "address_to_endpoint",
    "desired_mirror",
    "is_mirrored_slice",
    "mirror",
    "mirrored_annotations",
    "mirrored_labels",
    "should_mirror",
    "slice_ports",
]

#: The ``managed-by`` value of the mirroring controller.
MIRRORING_CONTROLLER_NAME = "endpointslicemirroring-controller.k8s.io"
#: An Endpoints object with this label set to ``"true"`` is not mirrored.
LABEL_SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror"
#: The leader-election record annotation; an Endpoints object carrying it is not mirrored.
ANNOTATION_LEADER = "control-plane.alpha.kubernetes.io/leader"
#: kubectl's record of the applied manifest; describes the Endpoints, so it is not copied.
ANNOTATION_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
#: The controller's ``--mirroring-max-endpoints-per-subset`` default (and upper limit).
DEFAULT_MAX_ENDPOINTS_PER_SUBSET = 1000

#: Annotations of the Endpoints that are not copied to its slices.
_DROPPED_ANNOTATIONS = frozenset({ANNOTATION_TRIGGER_TIME, ANNOTATION_LAST_APPLIED})
#: Labels the mirroring controller sets itself.
_OWN_LABELS = frozenset({LABEL_SERVICE_NAME, LABEL_MANAGED_BY})


class MirrorEventReason(enum.Enum):
    """The reasons of the warning events the mirroring controller records on an Endpoints object."""

    INVALID_IP_ADDRESS = "InvalidIPAddress"
    TOO_MANY_ADDRESSES_TO_MIRROR = "TooManyAddressesToMirror"


@attrs.frozen(kw_only=True)
class MirrorEvent:
    """A warning the controller records on the Endpoints object.

    Attributes:
        reason: Why.
        message: The event message, worded as upstream words it.
        count: The number of addresses concerned.
        type: The event type; always ``Warning``.
    """

    reason: MirrorEventReason
    message: str
    count: int
    type: str = "Warning"

    def __str__(self) -> str:
        return f"{self.type} {self.reason.value}: {self.message}"


@attrs.frozen(kw_only=True)
class MirrorGroup:
    """The desired content of one mirrored slice: one port set and one family.

    Attributes:
        address_type: The family.
        ports: The slice ports, in the subset's (canonical) order.
        endpoints: The endpoints, ready addresses first, in subset order.
    """

    address_type: AddressType
    ports: tuple[EndpointPort, ...]
    endpoints: tuple[Endpoint, ...]

    @property
    def key(self) -> tuple[str, PortGroupKey]:
        """The group key: address type and order-insensitive port key."""
        return (self.address_type.value, port_group_key(self.ports))


@attrs.frozen(kw_only=True)
class MirrorDesired:
    """What the mirroring controller wants for one Endpoints object.

    Attributes:
        groups: One entry per (port set, family), sorted by family then port
            key. A group may be empty (all its addresses invalid, or all of the
            other family); its slices are then deleted.
        invalid: Addresses skipped because they are not IPs.
        skipped: Addresses not mirrored at all (invalid ones plus those over
            the per-subset maximum).
        events: The warnings upstream records for this sync.
    """

    groups: tuple[MirrorGroup, ...]
    invalid: int = 0
    skipped: int = 0
    events: tuple[MirrorEvent, ...] = ()

    def endpoint_count(self) -> int:
        """The number of endpoints over all groups."""
        return sum(len(g.endpoints) for g in self.groups)


@attrs.frozen(kw_only=True)
class MirrorResult:
    """The outcome of `mirror`.

    Attributes:
        plan: The writes, as a `endpointslice.reconcile.Plan`.
        events: The warnings recorded on the Endpoints object.
        mirrored: Whether the Endpoints object is mirrored at all (if not,
            the plan deletes every mirrored slice).
    """

    plan: Plan
    events: tuple[MirrorEvent, ...] = ()
    mirrored: bool = True


def should_mirror(endpoints: Endpoints, service: Service | None, /) -> bool:
    """Whether the controller mirrors *endpoints*.

    It does when the Endpoints object does not carry the skip-mirror label
    with value ``"true"`` (other values do not count) nor the leader-election
    annotation, and its Service exists and has no selector. The Service's type
    is not looked at. An empty selector counts as none, as the API server
    stores it.
    """
    meta = endpoints.metadata
    if meta.label(LABEL_SKIP_MIRROR) == "true":
        return False
    if meta.annotations is not None and ANNOTATION_LEADER in meta.annotations:
        return False
    return service is not None and not service.spec.selector


def address_to_endpoint(address: EndpointAddress, /, *, ready: bool) -> tuple[Endpoint, AddressType] | None:
    """The slice endpoint the controller makes of one Endpoints address, with its family.

    The IP is canonicalised; only ``conditions.ready`` is set; ``targetRef``
    and ``nodeName`` are copied as they are, ``hostname`` when non-empty.
    Returns ``None`` when the address is not an IP.

    >>> from endpointslice import EndpointAddress
    >>> endpoint, family = address_to_endpoint(EndpointAddress(ip="010.0.0.1", hostname="db-0"), ready=False)
    >>> endpoint.addresses, endpoint.conditions.ready, endpoint.hostname, family.value
    (('10.0.0.1',), False, 'db-0', 'IPv4')
    """
    parsed = canonical_address(address.ip)
    if parsed is None:
        return None
    ip, address_type = parsed
    endpoint = Endpoint(
        addresses=(ip,),
        conditions=EndpointConditions(ready=ready),
        hostname=address.hostname or None,
        target_ref=address.target_ref,
        node_name=address.node_name,
    )
    return endpoint, address_type


def slice_ports(ports: Iterable[EndpointsPort] | None, /) -> tuple[EndpointPort, ...]:
    """Endpoints ports as slice ports: name (``""`` when unset), port, protocol (TCP when unset), appProtocol."""
    return tuple(
        EndpointPort(
            name=p.name or "",
            port=p.port,
            protocol=Protocol.TCP if p.protocol is None else p.protocol,
            app_protocol=p.app_protocol,
        )
        for p in ports or ()
    )


def mirrored_labels(endpoints: Endpoints, /, *, managed_by: str = MIRRORING_CONTROLLER_NAME) -> FrozenDict[str, str]:
    """Every label of *endpoints*, then ``kubernetes.io/service-name`` and ``managed-by`` set over them."""
    labels = dict(endpoints.metadata.labels or {})
    labels[LABEL_SERVICE_NAME] = endpoints.metadata.name or ""
    labels[LABEL_MANAGED_BY] = managed_by
    return FrozenDict(labels)


def mirrored_annotations(endpoints: Endpoints, /) -> FrozenDict[str, str] | None:
    """Every annotation of *endpoints* but the trigger time and kubectl's last-applied configuration."""
    kept = {k: v for k, v in (endpoints.metadata.annotations or {}).items() if k not in _DROPPED_ANNOTATIONS}
    return FrozenDict(kept) if kept else None


def _owner_reference(endpoints: Endpoints) -> OwnerReference | None:
    uid = endpoints.metadata.uid
    if not uid:
        return None
    return OwnerReference(
        api_version="v1",
        kind="Endpoints",
        name=endpoints.metadata.name or "",
        uid=uid,
        controller=True,
        block_owner_deletion=True,
    )


def _check_max(max_endpoints_per_subset: int) -> None:
    if not 1 <= max_endpoints_per_subset <= DEFAULT_MAX_ENDPOINTS_PER_SUBSET:
        raise PackingError(
            [
                Problem(
                    message=f"Invalid value: {max_endpoints_per_subset}: "
                    f"must be between 1 and {DEFAULT_MAX_ENDPOINTS_PER_SUBSET}",
                    path="maxEndpointsPerSubset",
                )
            ]
        )


_Pending = tuple[AddressType, tuple[EndpointPort, ...], dict[EndpointIdentity, Endpoint]]


def desired_mirror(
    endpoints: Endpoints, /, *, max_endpoints_per_subset: int = DEFAULT_MAX_ENDPOINTS_PER_SUBSET
) -> MirrorDesired:
    """The slices' content the controller wants for *endpoints*.

    The subsets are first put in canonical form. Each subset then registers
    an IPv4 and an IPv6 group for its ports, and its ``addresses`` (ready)
    then ``notReadyAddresses`` (not ready) are taken in order until
    *max_endpoints_per_subset* valid ones were taken, both families together.
    Invalid IPs are skipped and counted, but not toward the maximum. Within a
    group, endpoints with the same identity keep the later one.

    Args:
        endpoints: The Endpoints object.
        max_endpoints_per_subset: 1 to 1000.

    Returns:
        The groups, the counts, and the events upstream records.

    Raises:
        PackingError: *max_endpoints_per_subset* is out of range.
    """
    _check_max(max_endpoints_per_subset)
    groups: dict[
        tuple[str, PortGroupKey], tuple[AddressType, tuple[EndpointPort, ...], dict[EndpointIdentity, Endpoint]]
    ]
    groups = {}
    invalid = 0
    skipped = 0
    for subset in repack_subsets(default_protocols(endpoints.subsets), decoded=True):
        ports = slice_ports(subset.ports)
        key = port_group_key(ports)
        for address_type in (AddressType.IPV4, AddressType.IPV6):
            groups.setdefault((address_type.value, key), (address_type, ports, {}))
        listed = [(a, True) for a in subset.addresses or ()]
        listed += [(a, False) for a in subset.not_ready_addresses or ()]
        taken = 0
        for address, ready in listed:
            if taken >= max_endpoints_per_subset:
                break
            made = address_to_endpoint(address, ready=ready)
            if made is None:
                invalid += 1
                continue
            endpoint, address_type = made
            groups[(address_type.value, key)][2][endpoint_identity(endpoint)] = endpoint
            taken += 1
        skipped += len(listed) - taken

    events = []
    if invalid:
        events.append(
            MirrorEvent(
                reason=MirrorEventReason.INVALID_IP_ADDRESS,
                message=f"Skipped {invalid} invalid IP addresses when mirroring to EndpointSlices",
                count=invalid,
            )
        )
    if skipped > invalid:
        events.append(
            MirrorEvent(
                reason=MirrorEventReason.TOO_MANY_ADDRESSES_TO_MIRROR,
                message=f"A max of {max_endpoints_per_subset} addresses can be mirrored to EndpointSlices "
                f"per Endpoints subset. {skipped} addresses were skipped",
                count=skipped - invalid,
            )
        )
    out = tuple(
        MirrorGroup(address_type=address_type, ports=ports, endpoints=tuple(table.values()))
        for _, (address_type, ports, table) in sorted(groups.items(), key=lambda item: item[0])
    )
    return MirrorDesired(groups=out, invalid=invalid, skipped=skipped, events=tuple(events))


def is_mirrored_slice(eps: EndpointSlice, endpoints: Endpoints, /) -> bool:
    """Whether *eps* is one of the controller's slices for *endpoints*.

    Same namespace, labels ``kubernetes.io/service-name=<endpoints name>`` and
    ``managed-by=endpointslicemirroring-controller.k8s.io``, and no
    ``deletionTimestamp``.
    """
    meta = eps.metadata
    return (
        (meta.namespace or "") == (endpoints.metadata.namespace or "")
        and meta.label(LABEL_SERVICE_NAME) == endpoints.metadata.name
        and meta.label(LABEL_MANAGED_BY) == MIRRORING_CONTROLLER_NAME
        and meta.deletion_timestamp is None
    )


def _without(labels: Mapping[str, str] | None, keys: frozenset[str]) -> dict[str, str]:
    return {k: v for k, v in (labels or {}).items() if k not in keys}


def _owner_mismatch(eps: EndpointSlice, endpoints: Endpoints) -> bool:
    # A slice left over from an earlier Endpoints object of the same name
    # (its owner reference carries the old UID) is rewritten; a slice without
    # owner references is not.
    uid = endpoints.metadata.uid
    refs = eps.metadata.owner_references or ()
    return bool(uid) and bool(refs) and all(r.uid != uid for r in refs)


def _in_sync(eps: EndpointSlice, endpoints: Endpoints, wanted: Mapping[EndpointIdentity, Endpoint]) -> bool:
    current = eps.endpoints or ()
    if len(current) != len(wanted):
        return False
    for endpoint in current:
        desired = wanted.get(endpoint_identity(endpoint))
        if desired is None or endpoint_changed(desired, endpoint):
            return False
    if _without(endpoints.metadata.labels, _OWN_LABELS) != _without(eps.metadata.labels, _OWN_LABELS):
        return False
    if _without(endpoints.metadata.annotations, _DROPPED_ANNOTATIONS) != dict(eps.metadata.annotations or {}):
        return False
    return not _owner_mismatch(eps, endpoints)


def _new_slice(endpoints: Endpoints, group: MirrorGroup, name: str | None) -> EndpointSlice:
    owner = _owner_reference(endpoints)
    meta = endpoints.metadata
    return EndpointSlice(
        metadata=ObjectMeta(
            name=name,
            generate_name=None if name else generate_name_prefix(meta.name or ""),
            namespace=meta.namespace,
            labels=mirrored_labels(endpoints),
            annotations=mirrored_annotations(endpoints),
            owner_references=None if owner is None else (owner,),
        ),
        address_type=group.address_type,
        endpoints=group.endpoints,
        ports=group.ports,
    )


def _slice_key(eps: EndpointSlice) -> tuple[str, PortGroupKey]:
    at = eps.address_type
    return (at.value if isinstance(at, AddressType) else at, port_group_key(eps.ports))


def mirror(
    endpoints: Endpoints,
    service: Service | None,
    existing: Iterable[EndpointSlice],
    /,
    *,
    max_endpoints_per_subset: int = DEFAULT_MAX_ENDPOINTS_PER_SUBSET,
    names: NameStrategy = NameStrategy.GENERATE,
) -> MirrorResult:
    """Compute the writes the mirroring controller would issue for *endpoints*.

    Only the slices `is_mirrored_slice` selects are considered; others are
    left alone. When *endpoints* is not mirrored (`should_mirror`), every
    mirrored slice is deleted. Otherwise, per (port set, family) group of
    `desired_mirror`, in sorted order:

    * no endpoints wanted: the group's slices are deleted;
    * no slice yet: one is created;
    * else the slice with the smallest name is kept and the others deleted;
      the kept slice is rewritten unless its endpoints, its labels (but the
      service-name and managed-by ones) and its annotations already match
      and it is not owned by an earlier Endpoints object of the same name.

    Slices of groups no longer wanted are deleted. Finally, creates take the
    names of deletes of the same family (in order) and become updates, and an
    Endpoints object being deleted gets no creates.

    Args:
        endpoints: The Endpoints object.
        service: Its Service, or ``None`` if there is none.
        existing: Slices as they are.
        max_endpoints_per_subset: 1 to 1000.
        names: How new slices are named; the controller uses ``generateName``.

    Returns:
        The plan and the events.

    Raises:
        PackingError: *max_endpoints_per_subset* is out of range.
    """
    _check_max(max_endpoints_per_subset)
    everything = list(existing)
    mine = sorted((s for s in everything if is_mirrored_slice(s, endpoints)), key=lambda s: s.metadata.name or "")
    if not should_mirror(endpoints, service):
        return MirrorResult(plan=Plan(deletes=tuple(mine)), mirrored=False)

    desired = desired_mirror(endpoints, max_endpoints_per_subset=max_endpoints_per_subset)
    by_key: dict[tuple[str, PortGroupKey], list[EndpointSlice]] = {}
    for eps in mine:
        by_key.setdefault(_slice_key(eps), []).append(eps)

    creates: list[EndpointSlice] = []
    updates: list[SliceUpdate] = []
    deletes: list[EndpointSlice] = []
    wanted_keys = set()
    for group in desired.groups:
        key = group.key
        wanted_keys.add(key)
        current = by_key.get(key, [])
        if not group.endpoints:
            deletes.extend(current)
            continue
        if not current:
            creates.append(_new_slice(endpoints, group, None))
            continue
        keep, extra = current[0], current[1:]
        deletes.extend(extra)
        wanted = {endpoint_identity(e): e for e in group.endpoints}
        if not _in_sync(keep, endpoints, wanted):
            updates.append(SliceUpdate(previous=keep, slice=_new_slice(endpoints, group, keep.metadata.name)))
    for key, current in by_key.items():
        if key not in wanted_keys:
            deletes.extend(current)

    # Recycling: the n-th create of a family takes the name of the n-th delete
    # of that family and becomes an update.
    remaining_creates: list[EndpointSlice] = []
    for create in creates:
        doomed = next((d for d in deletes if d.address_type == create.address_type), None)
        if doomed is None:
            remaining_creates.append(create)
            continue
        deletes.remove(doomed)
        named = attrs.evolve(create, metadata=attrs.evolve(create.metadata, name=doomed.metadata.name))
        updates.append(SliceUpdate(previous=doomed, slice=named))
    if endpoints.metadata.deletion_timestamp is not None:
        remaining_creates = []
    taken = [s.metadata.name for s in everything if s.metadata.name]
    named_creates = name_slices(remaining_creates, names, service_name=endpoints.metadata.name or "", taken=taken)
    plan = Plan(creates=tuple(named_creates), updates=tuple(updates), deletes=tuple(deletes))
    return MirrorResult(plan=plan, events=desired.events)
