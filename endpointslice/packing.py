"""Desired EndpointSlice content: endpoints from Pods or plain entries, and packing from scratch.

This module reproduces how the upstream EndpointSlice controller
(``k8s.io/endpointslice``, Kubernetes 1.37) turns a Service and its Pods into
endpoints, and offers the same for selectorless Services whose endpoints the
caller lists itself:

* `desired_endpoints` selects and converts Pods (skipping rules, conditions,
  hostname rule, zones from Nodes, named target ports) into a `DesiredState`;
* `desired_from_endpoints` does the same for plain `Endpoint` entries;
* `pack` cuts a desired state into slices of at most ``max_endpoints_per_slice``.

The building blocks are public because the reconciler (`endpointslice.reconcile`)
and the mirroring emulation reuse them: `new_slice`, `slice_labels`,
`owner_reference`, `is_owned_by`. This module also re-exports the endpoint
identity helpers of `endpointslice.identity` (`endpoint_identity`,
`endpoint_changed`, `port_group_key`, `canonical_address`, ...), the naming of
`endpointslice.naming` (`NameStrategy`, `name_slices`) and the hint functions
of `endpointslice.topology` (`apply_hints`, `hints_mode`, ...), so that one
import serves the engine's callers.

Example:
    >>> from endpointslice import Endpoint, ObjectMeta, Service, ServicePort, ServiceSpec
    >>> svc = Service(metadata=ObjectMeta(name="db", namespace="default"),
    ...               spec=ServiceSpec(ports=[ServicePort(name="pg", port=5432)]))
    >>> eps = [Endpoint(addresses=[f"192.0.2.{i}"]) for i in range(1, 6)]
    >>> [len(s.endpoints or ()) for s in pack(svc, eps, max_endpoints_per_slice=2, managed_by="me")]
    [2, 2, 1]
"""

from __future__ import annotations

import functools
import socket
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar, Union

import attrs

from . import _gc
from ._frozen import FrozenDict
from .discovery import (
    LABEL_MANAGED_BY,
    LABEL_SERVICE_NAME,
    Endpoint,
    EndpointConditions,
    EndpointPort,
    EndpointSlice,
)
from .enums import AddressType, ConditionStatus, IPFamily, PodPhase, ServiceType, TrafficDistribution, default_protocol
from .errors import EndpointSliceError, Problem
from .identity import (
    AddressOrder,
    EndpointIdentity,
    Fingerprint,
    PlacementKey,
    PortGroupKey,
    _parse_address,
    _placement_key,
    canonical_address,
    endpoint_changed,
    endpoint_fingerprint,
    endpoint_identity,
    placement_key,
    port_group_key,
)
from .meta import ObjectMeta, ObjectReference, OwnerReference
from .naming import NameStrategy, generate_name_prefix, name_slices
from .service import Service, ServicePort
from .topology import apply_hints, auto_hints, hints_mode, hints_need_update, wanted_hints, zone_ratios
from .workloads import Node, Pod

__all__ = [
    "ANNOTATION_TRIGGER_TIME",
    "CONTROLLER_NAME",
    "DEFAULT_CLUSTER_FAMILIES",
    "DEFAULT_MAX_ENDPOINTS_PER_SLICE",
    "LABEL_HEADLESS",
    "LABEL_ZONE",
    "MAX_ENDPOINTS_PER_SLICE_LIMIT",
    "PLACEHOLDER_CLUSTER_IPS",
    "RESERVED_LABELS",
    "DesiredState",
    "EndpointGroup",
    "EndpointIdentity",
    "Fingerprint",
    "NameStrategy",
    "PackingError",
    "PortGroupKey",
    "SkippedPod",
    "address_types_for_service",
    "apply_hints",
    "canonical_address",
    "controller_manages",
    "default_service",
    "desired_endpoints",
    "desired_from_endpoints",
    "endpoint_changed",
    "endpoint_fingerprint",
    "endpoint_from_pod",
    "endpoint_identity",
    "endpoint_ports_for_pod",
    "find_port",
    "generate_name_prefix",
    "hints_mode",
    "hints_need_update",
    "is_owned_by",
    "name_slices",
    "new_slice",
    "owner_reference",
    "pack",
    "placement_key",
    "port_group_key",
    "should_set_hostname",
    "slice_labels",
    "wanted_hints",
]

#: The ``managed-by`` value of the upstream EndpointSlice controller.
CONTROLLER_NAME = "endpointslice-controller.k8s.io"
#: Label marking the slices of a Service without a cluster IP; its value is always ``""``.
LABEL_HEADLESS = "service.kubernetes.io/headless"
#: Annotation holding the time of the change that triggered the last write.
ANNOTATION_TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"
#: Node label giving the zone of an endpoint.
LABEL_ZONE = "topology.kubernetes.io/zone"
#: Labels a Service cannot set on its slices; they are never compared either.
RESERVED_LABELS = frozenset({LABEL_SERVICE_NAME, LABEL_MANAGED_BY, LABEL_HEADLESS})
#: The controller's ``--max-endpoints-per-slice`` default.
DEFAULT_MAX_ENDPOINTS_PER_SLICE = 100
#: The largest ``--max-endpoints-per-slice`` the controller accepts (and the API's limit).
MAX_ENDPOINTS_PER_SLICE_LIMIT = 1000


_T = TypeVar("_T")


def _index_group(
    endpoints: Mapping[EndpointIdentity, Endpoint],
) -> FrozenDict[EndpointIdentity, tuple[Endpoint, Fingerprint]]:
    return FrozenDict((k, (e, endpoint_fingerprint(e))) for k, e in endpoints.items())


class PackingError(EndpointSliceError, ValueError):
    """Input the engine cannot turn into endpoints.

    Attributes:
        problems: Every problem found, each naming its location.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@attrs.frozen(kw_only=True)
class SkippedPod:
    """A selected Pod that produced no endpoint, or an endpoint without zone.

    Attributes:
        namespace: The Pod namespace.
        name: The Pod name.
        reason: Why, e.g. ``node "n1" not found``.
        included: Whether the Pod still got an endpoint (``publishNotReadyAddresses``).
    """

    namespace: str
    name: str
    reason: str
    included: bool = False

    def __str__(self) -> str:
        verb = "included without zone" if self.included else "skipped"
        return f"pod {self.namespace}/{self.name} {verb}: {self.reason}"


@attrs.frozen(kw_only=True)
class EndpointGroup:
    """The desired endpoints of one (address type, port set).

    Attributes:
        address_type: The slices' address type.
        ports: The slices' ports, in Service order.
        endpoints: Desired endpoints by `endpoint_identity`, in placement order
            (`placement_key`). May be empty: the group was registered by a Pod
            with no address of this type, which matters for placeholders.
    """

    address_type: AddressType
    ports: tuple[EndpointPort, ...]
    endpoints: FrozenDict[EndpointIdentity, Endpoint]

    @functools.cached_property
    def indexed(self) -> FrozenDict[EndpointIdentity, tuple[Endpoint, Fingerprint]]:
        """Each endpoint with its `endpoint_fingerprint`, by identity: the reconciler's index.

        Built on first use: `pack` never needs it, and fingerprinting every endpoint was a
        sixth of packing from an endpoint list.
        """
        return _index_group(self.endpoints)

    @property
    def key(self) -> PortGroupKey:
        """The order-insensitive key of `ports`."""
        return port_group_key(self.ports)


@attrs.frozen(kw_only=True)
class DesiredState:
    """Everything the reconciler needs to know about what should exist.

    Attributes:
        address_types: The address types the Service supports, sorted.
        groups: One entry per (address type, port set), sorted by address type then port key.
        skipped: Pods that were skipped or lost their zone, for reporting.
        headless: Whether the slices carry the ``service.kubernetes.io/headless``
            label; ``None`` applies upstream's rule to the Service (no cluster IP).
        zone_ratios: Each zone's share of the Nodes' allocatable CPU, for the
            topology annotation's "Auto" hints (`endpointslice.topology.zone_ratios`);
            ``None`` when unknown or insufficient.
    """

    address_types: tuple[AddressType, ...]
    groups: tuple[EndpointGroup, ...] = ()
    skipped: tuple[SkippedPod, ...] = ()
    headless: bool | None = None
    zone_ratios: FrozenDict[str, float] | None = None

    def endpoint_count(self) -> int:
        """The number of desired endpoints over all groups."""
        return sum(len(g.endpoints) for g in self.groups)

    def groups_for(self, address_type: AddressType) -> tuple[EndpointGroup, ...]:
        """The groups of one address type."""
        return tuple(g for g in self.groups if g.address_type is address_type)


# ---------------------------------------------------------------------------
# Addresses


# ---------------------------------------------------------------------------
# Service properties


def _namespace(meta: ObjectMeta) -> str:
    # A manifest without namespace lands in "default", as kubectl sends it.
    return meta.namespace or "default"


def controller_manages(service: Service, /) -> bool:
    """Whether the EndpointSlice controller writes slices for *service* at all.

    It leaves ``ExternalName`` Services and Services without a selector (an
    empty selector counts as none, as the API server stores it) alone.
    """
    if service.spec.type is ServiceType.EXTERNAL_NAME:
        return False
    return bool(service.spec.selector)


def address_types_for_service(service: Service, /) -> tuple[AddressType, ...]:
    """The address types the controller produces for *service*, sorted.

    From ``spec.ipFamilies``; with none listed (a Service from an old API
    server), the family of ``clusterIP``, or both families when the Service
    is headless or has no cluster IP.
    """
    found: set[AddressType] = set()
    for family in service.spec.ip_families or ():
        if family is IPFamily.IPV4:
            found.add(AddressType.IPV4)
        elif family is IPFamily.IPV6:
            found.add(AddressType.IPV6)
    if not found:
        if service.has_cluster_ip:
            assert service.spec.cluster_ip is not None  # noqa: S101  # has_cluster_ip checked it.
            found.add(AddressType.IPV6 if ":" in service.spec.cluster_ip else AddressType.IPV4)
        else:
            found.update((AddressType.IPV4, AddressType.IPV6))
    return tuple(sorted(found, key=lambda t: t.value))


# ---------------------------------------------------------------------------
# Pods -> endpoints


def find_port(pod: Pod, service_port: ServicePort, /) -> int | None:
    """Resolve a Service port's target port on *pod*, or ``None``.

    A numeric ``targetPort`` is used as is (unset means ``port``, the API
    default). A named one matches the first container port with that name
    *and* the Service port's protocol, looking at the regular containers
    first, then at sidecars (init containers with ``restartPolicy: Always``).
    """
    target = service_port.target_port
    if target is None:
        return service_port.port
    if isinstance(target, int):
        return target
    protocol = default_protocol(service_port.protocol)
    sidecars = [c for c in pod.spec.init_containers or () if c.is_sidecar]
    for container in (*(pod.spec.containers or ()), *sidecars):
        for port in container.ports or ():
            if port.name == target and default_protocol(port.protocol) == protocol:
                return port.container_port
    return None


def endpoint_ports_for_pod(service: Service, pod: Pod, /) -> tuple[EndpointPort, ...]:
    """The EndpointPorts of *pod* for *service*, in Service order.

    A headless Service without ports gives ``()``. A Service port whose
    named target port the Pod does not have is left out for this Pod.
    """
    ports = service.spec.ports or ()
    if not ports and service.spec.cluster_ip == "None":
        return ()
    out = []
    for sp in ports:
        number = find_port(pod, sp)
        if number is None:
            continue
        out.append(
            EndpointPort(
                name=sp.name or "",
                port=number,
                protocol=default_protocol(sp.protocol),
                app_protocol=sp.app_protocol,
            )
        )
    return tuple(out)


def should_set_hostname(pod: Pod, service: Service, /) -> bool:
    """The hostname rule: ``spec.hostname`` is set, ``spec.subdomain`` is the Service name, same namespace."""
    return (
        bool(pod.spec.hostname)
        and pod.spec.subdomain == service.metadata.name
        and _namespace(pod.metadata) == _namespace(service.metadata)
    )


def _pod_ready(pod: Pod) -> bool:
    # Like upstream, only the first Ready condition counts.
    for condition in pod.status.conditions or ():
        if condition.type == "Ready":
            return condition.status is ConditionStatus.TRUE
    return False


def endpoint_from_pod(
    pod: Pod, service: Service, address_type: AddressType, /, *, node: Node | None = None
) -> Endpoint:
    """Build the endpoint the controller writes for *pod* in a slice of *address_type*.

    Args:
        pod: The Pod.
        service: The Service selecting it.
        address_type: Which of the Pod's IPs to take (``status.podIPs`` of that family, canonical).
        node: The Pod's Node, for the zone; ``None`` gives no zone.

    Returns:
        The endpoint; its ``addresses`` are empty when the Pod has no IP of that family.
        Unparsable IPs are left out.
    """
    return _endpoint_from_pod(pod, service, address_type, node)[0]


def _endpoint_from_pod(
    pod: Pod, service: Service, address_type: AddressType, node: Node | None
) -> tuple[Endpoint, tuple[AddressOrder, ...]]:
    """`endpoint_from_pod`, with its addresses' `placement_key` orders from the same parse."""
    addresses = []
    order = []
    for pod_ip in pod.status.pod_ips or ():
        parsed = _parse_address(pod_ip.ip)
        if parsed is not None and parsed[1] is address_type:
            addresses.append(parsed[0])
            order.append(parsed[2])
    serving = _pod_ready(pod)
    terminating = pod.metadata.deletion_timestamp is not None
    ready = bool(service.spec.publish_not_ready_addresses) or (serving and not terminating)
    zone = node.zone if node is not None else None
    endpoint = Endpoint(
        addresses=tuple(addresses),
        conditions=EndpointConditions(ready=ready, serving=serving, terminating=terminating),
        hostname=pod.spec.hostname if should_set_hostname(pod, service) else None,
        target_ref=ObjectReference(
            kind="Pod",
            namespace=_namespace(pod.metadata),
            name=pod.metadata.name or "",
            uid=pod.metadata.uid or "",
        ),
        node_name=pod.spec.node_name or None,
        zone=zone or None,
    )
    return endpoint, tuple(order)


def _selects(service: Service, pod: Pod) -> bool:
    if _namespace(pod.metadata) != _namespace(service.metadata):
        return False
    labels: Mapping[str, str] = pod.metadata.labels or {}
    return all(labels.get(k) == v for k, v in (service.spec.selector or {}).items())


# ---------------------------------------------------------------------------
# Identity and comparison


# ---------------------------------------------------------------------------
# Desired state


def _group_sort_key(group: EndpointGroup) -> tuple[str, PortGroupKey]:
    return (group.address_type.value, group.key)


#: Endpoints being gathered for one group: by identity, each with its `placement_key`.
_Table = dict[EndpointIdentity, tuple[PlacementKey, Endpoint]]


def _by_placement(item: tuple[EndpointIdentity, tuple[PlacementKey, Endpoint]]) -> PlacementKey:
    return item[1][0]


def _freeze_groups(
    raw: Mapping[tuple[AddressType, PortGroupKey], tuple[tuple[EndpointPort, ...], _Table]],
) -> tuple[EndpointGroup, ...]:
    groups = []
    for (address_type, _key), (ports, table) in raw.items():
        ordered = sorted(table.items(), key=_by_placement)
        endpoints: FrozenDict[EndpointIdentity, Endpoint] = FrozenDict([(i, keyed[1]) for i, keyed in ordered])
        groups.append(EndpointGroup(address_type=address_type, ports=ports, endpoints=endpoints))
    return tuple(sorted(groups, key=_group_sort_key))


@_gc.paused()
def desired_endpoints(service: Service, pods: Iterable[Pod], nodes: Iterable[Node] | None = None) -> DesiredState:
    """What the EndpointSlice controller wants to exist for *service*, given its Pods.

    Pods in other namespaces or not matched by the selector are ignored.
    Terminal Pods and Pods without IPs are skipped. A Pod whose Node is not
    among *nodes* is skipped (upstream retries later), unless the Service
    publishes not-ready addresses, in which case it is kept without zone.

    Args:
        service: A Service with a selector.
        pods: Candidate Pods.
        nodes: The cluster's Nodes; ``None`` means "unknown": no Pod is
            skipped for its Node and no endpoint gets a zone.

    Raises:
        PackingError: The controller does not manage *service* (no selector, or ExternalName).
    """
    if not controller_manages(service):
        why = (
            "an ExternalName Service"
            if service.spec.type is ServiceType.EXTERNAL_NAME
            else "a Service without selector"
        )
        raise PackingError(
            [
                Problem(
                    message=f"the EndpointSlice controller leaves {why} alone; give endpoints instead of Pods",
                    path="spec.selector",
                )
            ]
        )
    node_list = None if nodes is None else list(nodes)
    node_map = None if node_list is None else {n.metadata.name: n for n in node_list if n.metadata.name}
    address_types = address_types_for_service(service)
    publish = bool(service.spec.publish_not_ready_addresses)
    raw: dict[tuple[AddressType, PortGroupKey], tuple[tuple[EndpointPort, ...], _Table]] = {}
    skipped: list[SkippedPod] = []
    for pod in pods:
        if not _selects(service, pod):
            continue
        ns, name = _namespace(pod.metadata), pod.metadata.name or ""
        if pod.status.phase in (PodPhase.FAILED, PodPhase.SUCCEEDED):
            skipped.append(SkippedPod(namespace=ns, name=name, reason=f"phase {pod.status.phase.value}"))
            continue
        if not pod.status.pod_ip and not pod.status.pod_ips:
            skipped.append(SkippedPod(namespace=ns, name=name, reason="no IP"))
            continue
        node = None
        if node_map is not None:
            node = node_map.get(pod.spec.node_name or "")
            if node is None:
                reason = f"node {pod.spec.node_name!r} not found" if pod.spec.node_name else "no node name"
                skipped.append(SkippedPod(namespace=ns, name=name, reason=reason, included=publish))
        ports = endpoint_ports_for_pod(service, pod)
        key = port_group_key(ports)
        for address_type in address_types:
            entry = raw.setdefault((address_type, key), (ports, {}))
            if node_map is not None and node is None and not publish:
                continue
            endpoint, order = _endpoint_from_pod(pod, service, address_type, node)
            if endpoint.addresses:
                place = _placement_key(endpoint.target_ref, order, endpoint.hostname)
                entry[1][endpoint_identity(endpoint)] = (place, endpoint)
    return DesiredState(
        address_types=address_types,
        groups=_freeze_groups(raw),
        skipped=tuple(skipped),
        zone_ratios=None if node_list is None else zone_ratios(node_list),
    )


def _service_ports_as_endpoint_ports(service: Service) -> tuple[EndpointPort, ...]:
    out = []
    for sp in service.spec.ports or ():
        target = sp.target_port
        number = target if isinstance(target, int) else sp.port
        out.append(
            EndpointPort(
                name=sp.name or "", port=number, protocol=default_protocol(sp.protocol), app_protocol=sp.app_protocol
            )
        )
    return tuple(out)


@_gc.paused()
def desired_from_endpoints(service: Service, endpoints: Iterable[Endpoint], /) -> DesiredState:
    """The desired state of a selectorless Service from plain endpoint entries.

    Every entry keeps its own fields (conditions, node, zone, hostname,
    targetRef, hints). Addresses are canonicalised; an entry's address type is
    the family of its addresses. The ports are the Service ports, each with
    its numeric ``targetPort`` (or ``port`` when the target is unset or named).
    The address types are the Service's ``ipFamilies``, or else those the
    entries use (IPv4 when there are none). The slices are labelled headless
    only for ``clusterIP: None``: a manifest without ``clusterIP`` gets one
    from the API server, and kube-proxy ignores slices labelled headless.

    Raises:
        PackingError: Every entry with no address, an invalid address, mixed
            families, or a family the Service does not support, with its path.
    """
    return _desired_from_endpoints(service, endpoints)


def _desired_from_endpoints(service: Service, endpoints: Iterable[Endpoint], /) -> DesiredState:
    """`desired_from_endpoints` without pausing the collector, for callers that pass one endpoint at a time."""
    problems: list[Problem] = []
    # Each family's entries as (identity, placement key, endpoint). Two lists rather than a
    # dict keyed by AddressType: hashing an enum member runs Python code, once per endpoint.
    v4: list[tuple[EndpointIdentity, PlacementKey, Endpoint]] = []
    v6: list[tuple[EndpointIdentity, PlacementKey, Endpoint]] = []
    ipv4 = AddressType.IPV4
    parse = _parse_address
    evolve = attrs.evolve
    pton, af_inet, from_bytes = socket.inet_pton, socket.AF_INET, int.from_bytes
    for i, endpoint in enumerate(endpoints):
        addresses = endpoint.addresses
        if len(addresses) == 1:
            # Nearly every entry has one address: identity and placement key are built here
            # from the one parse, without the general loop below. Nearly every address is
            # canonical IPv4, which the C parser accepts exactly (as in `_parse_address`).
            text = addresses[0]
            parsed: tuple[str, AddressType, AddressOrder] | None
            try:
                parsed = (text, ipv4, (4, from_bytes(pton(af_inet, text), "big")))
            except (OSError, ValueError):
                parsed = parse(text)
            if parsed is not None:
                text, family, order = parsed
                fixed = endpoint if text == addresses[0] else evolve(endpoint, addresses=(text,))
                ref = fixed.target_ref
                hostname = fixed.hostname or ""
                namespace, name = ("", "") if ref is None else (ref.namespace or "", ref.name or "")
                entry = (((text,), hostname, namespace, name), (namespace, name, (order,), hostname), fixed)
                (v4 if family is ipv4 else v6).append(entry)
                continue
        if not addresses:
            problems.append(
                Problem(message="Required value: must contain at least 1 address", path=f"endpoints[{i}].addresses")
            )
            continue
        canonical = []
        orders = []
        families = set()
        bad = False
        for j, address in enumerate(addresses):
            parsed = parse(address)
            if parsed is None:
                problems.append(
                    Problem(
                        message=f"Invalid value: {address!r}: must be a valid IP address",
                        path=f"endpoints[{i}].addresses[{j}]",
                    )
                )
                bad = True
                continue
            canonical.append(parsed[0])
            families.add(parsed[1])
            orders.append(parsed[2])
        if bad:
            continue
        if len(families) > 1:
            problems.append(
                Problem(message="Invalid value: addresses mix IPv4 and IPv6", path=f"endpoints[{i}].addresses")
            )
            continue
        fixed = endpoint if tuple(canonical) == addresses else evolve(endpoint, addresses=tuple(canonical))
        place = _placement_key(fixed.target_ref, tuple(orders), fixed.hostname)
        (v4 if families.pop() is ipv4 else v6).append((endpoint_identity(fixed), place, fixed))
    by_type = {t: entries for t, entries in ((AddressType.IPV4, v4), (AddressType.IPV6, v6)) if entries}
    declared = {AddressType(f.value) for f in service.spec.ip_families or () if isinstance(f, IPFamily)}
    if declared:
        for address_type in sorted(set(by_type) - declared, key=lambda t: t.value):
            problems.append(
                Problem(
                    message=f"Unsupported value: {address_type.value} endpoints for a Service whose ipFamilies are "
                    + ", ".join(sorted(t.value for t in declared)),
                    path="endpoints",
                )
            )
    if problems:
        raise PackingError(problems)
    address_types = tuple(sorted(declared or set(by_type) or {AddressType.IPV4}, key=lambda t: t.value))
    ports = _service_ports_as_endpoint_ports(service)
    key = port_group_key(ports)
    raw: dict[tuple[AddressType, PortGroupKey], tuple[tuple[EndpointPort, ...], _Table]] = {}
    for address_type, entries in by_type.items():
        table = raw.setdefault((address_type, key), (ports, {}))[1]
        # A later entry of the same identity replaces an earlier one, keeping its slot.
        table.update([(identity, (place, endpoint)) for identity, place, endpoint in entries])
    return DesiredState(
        address_types=address_types, groups=_freeze_groups(raw), headless=service.spec.cluster_ip == "None"
    )


# ---------------------------------------------------------------------------
# Slices: labels, owner, naming


def slice_labels(
    service: Service,
    *,
    managed_by: str = CONTROLLER_NAME,
    current: Mapping[str, str] | None = None,
    headless: bool | None = None,
) -> tuple[FrozenDict[str, str], bool]:
    """The labels a slice of *service* must carry, and whether *current* needs them.

    The Service's labels minus the reserved keys, plus ``service.kubernetes.io/headless: ""``
    when the Service has no cluster IP, plus the service-name and managed-by labels.
    The second value tells whether *current* differs from the Service's labels
    on the non-reserved keys only (the reserved keys are never compared).
    *headless* overrides the cluster-IP rule when not ``None``.
    """
    service_labels = {k: v for k, v in (service.metadata.labels or {}).items() if k not in RESERVED_LABELS}
    changed = False
    if current is not None:
        changed = {k: v for k, v in current.items() if k not in RESERVED_LABELS} != service_labels
    if (not service.has_cluster_ip) if headless is None else headless:
        service_labels[LABEL_HEADLESS] = ""
    service_labels[LABEL_SERVICE_NAME] = service.metadata.name or ""
    service_labels[LABEL_MANAGED_BY] = managed_by
    return FrozenDict(service_labels), changed


def owner_reference(service: Service, /) -> OwnerReference | None:
    """The controller reference to *service*; ``None`` when the Service has no UID (a manifest not yet applied)."""
    if not service.metadata.uid:
        return None
    return OwnerReference(
        api_version="v1",
        kind="Service",
        name=service.metadata.name or "",
        uid=service.metadata.uid,
        controller=True,
        block_owner_deletion=True,
    )


def is_owned_by(eps: EndpointSlice, service: Service, /) -> bool:
    """Whether *eps* belongs to *service*: some ownerReference is ``v1`` ``Service`` with its UID.

    For a Service without UID (see `owner_reference`), a slice without any
    Service ownerReference counts as owned.
    """
    refs = eps.metadata.owner_references or ()
    if not service.metadata.uid:
        return not any(r.kind == "Service" and r.api_version == "v1" for r in refs)
    return any(r.uid == service.metadata.uid and r.kind == "Service" and r.api_version == "v1" for r in refs)


def new_slice(
    service: Service,
    address_type: AddressType,
    ports: Sequence[EndpointPort],
    /,
    *,
    endpoints: Sequence[Endpoint] = (),
    managed_by: str = CONTROLLER_NAME,
    headless: bool | None = None,
) -> EndpointSlice:
    """A new slice of *service*: ``generateName``, labels, owner reference, namespace.

    Its name is left unset; `name_slices` gives deterministic names when wanted.
    *headless* is passed to `slice_labels`.
    """
    owner = owner_reference(service)
    labels, _ = slice_labels(service, managed_by=managed_by, headless=headless)
    return EndpointSlice(
        metadata=ObjectMeta(
            generate_name=generate_name_prefix(service.metadata.name or ""),
            namespace=service.metadata.namespace,
            labels=labels,
            owner_references=None if owner is None else (owner,),
        ),
        address_type=address_type,
        endpoints=tuple(endpoints),
        ports=tuple(ports),
    )


# ---------------------------------------------------------------------------
# Topology hints


# ---------------------------------------------------------------------------
# Packing from scratch


def _check_max(max_endpoints_per_slice: int) -> None:
    if not 1 <= max_endpoints_per_slice <= MAX_ENDPOINTS_PER_SLICE_LIMIT:
        raise PackingError(
            [
                Problem(
                    message=f"Invalid value: {max_endpoints_per_slice}: "
                    f"must be between 1 and {MAX_ENDPOINTS_PER_SLICE_LIMIT}",
                    path="maxEndpointsPerSlice",
                )
            ]
        )


EndpointsInput = Union[DesiredState, Iterable[Endpoint]]


@_gc.paused()
def pack(
    service: Service,
    endpoints: EndpointsInput,
    /,
    *,
    max_endpoints_per_slice: int = DEFAULT_MAX_ENDPOINTS_PER_SLICE,
    managed_by: str = CONTROLLER_NAME,
    names: NameStrategy = NameStrategy.GENERATE,
) -> list[EndpointSlice]:
    """Pack endpoints into new slices, as the controller does when no slice exists yet.

    Per address type and port set (in sorted order), endpoints fill slices of
    *max_endpoints_per_slice* in `placement_key` order; an address type with no
    slice gets one empty placeholder slice. Hints follow ``trafficDistribution``.
    The result equals the creates of `endpointslice.reconcile.reconcile` with no
    existing slices.

    Args:
        service: The Service.
        endpoints: A `DesiredState` (from `desired_endpoints`) or plain endpoint
            entries (passed through `desired_from_endpoints`).
        max_endpoints_per_slice: 1 to 1000.
        managed_by: The ``endpointslice.kubernetes.io/managed-by`` value.
        names: How to name the slices.

    Raises:
        PackingError: *max_endpoints_per_slice* out of range, or bad entries.
    """
    _check_max(max_endpoints_per_slice)
    desired = endpoints if isinstance(endpoints, DesiredState) else desired_from_endpoints(service, endpoints)
    mode = hints_mode(service)
    out: list[EndpointSlice] = []
    for address_type in desired.address_types:
        created = []
        for group in desired.groups_for(address_type):
            pending = list(group.endpoints.values())
            for start in range(0, len(pending), max_endpoints_per_slice):
                chunk = pending[start : start + max_endpoints_per_slice]
                created.append(
                    new_slice(
                        service,
                        address_type,
                        group.ports,
                        endpoints=chunk,
                        managed_by=managed_by,
                        headless=desired.headless,
                    )
                )
        if not created:
            created.append(new_slice(service, address_type, (), managed_by=managed_by, headless=desired.headless))
        if mode == "Auto":
            created = auto_hints(created, [], [], desired.zone_ratios)[0]
        else:
            created = [apply_hints(s, mode if isinstance(mode, TrafficDistribution) else None) for s in created]
        out.extend(created)
    return list(name_slices(out, names, service_name=service.metadata.name or ""))


# Service defaulting has its own module, which needs PackingError from this one.
from ._service_defaults import DEFAULT_CLUSTER_FAMILIES, PLACEHOLDER_CLUSTER_IPS, default_service  # noqa: E402
