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
and the mirroring emulation reuse them: `endpoint_identity`,
`endpoint_changed`, `new_slice`, `slice_labels`, `owner_reference`,
`port_group_key`, `canonical_address` and `name_slices`.

Example:
    >>> from endpointslice import Endpoint, ObjectMeta, Service, ServicePort, ServiceSpec
    >>> svc = Service(metadata=ObjectMeta(name="db", namespace="default"),
    ...               spec=ServiceSpec(ports=[ServicePort(name="pg", port=5432)]))
    >>> eps = [Endpoint(addresses=[f"192.0.2.{i}"]) for i in range(1, 6)]
    >>> [len(s.endpoints or ()) for s in pack(svc, eps, max_endpoints_per_slice=2, managed_by="me")]
    [2, 2, 1]
"""

from __future__ import annotations

import enum
import hashlib
import ipaddress
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar, Union, cast

import attrs

from ._frozen import FrozenDict
from .discovery import (
    LABEL_MANAGED_BY,
    LABEL_SERVICE_NAME,
    Endpoint,
    EndpointConditions,
    EndpointHints,
    EndpointPort,
    EndpointSlice,
    ForNode,
    ForZone,
)
from .enums import AddressType, ConditionStatus, IPFamily, PodPhase, Protocol, ServiceType, TrafficDistribution
from .errors import EndpointSliceError, Problem
from .meta import ObjectMeta, ObjectReference, OwnerReference
from .service import Service, ServicePort
from .topology import auto_hints, zone_ratios
from .workloads import Node, Pod

__all__ = [
    "ANNOTATION_TRIGGER_TIME",
    "CONTROLLER_NAME",
    "DEFAULT_MAX_ENDPOINTS_PER_SLICE",
    "LABEL_HEADLESS",
    "LABEL_ZONE",
    "MAX_ENDPOINTS_PER_SLICE_LIMIT",
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

_ANNOTATION_TOPOLOGY_DEPRECATED = "service.kubernetes.io/topology-aware-hints"
_ANNOTATION_TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")

#: Upstream's endpoint identity: (sorted addresses, hostname or "", targetRef namespace, targetRef name).
EndpointIdentity = tuple[tuple[str, ...], str, str, str]
#: A port set, order-insensitive: sorted (name, protocol, port, appProtocol) tuples with API defaults applied.
PortGroupKey = tuple[tuple[str, str, int, str], ...]


_T = TypeVar("_T")


def _evolve(obj: _T, /, **changes: Any) -> _T:
    """`attrs.evolve` for the models, typed (mypy's attrs plugin does not see the model decorator)."""
    return cast("_T", attrs.evolve(cast("Any", obj), **changes))


#: The fields `endpoint_changed` compares, as stored (see `endpoint_fingerprint`).
Fingerprint = tuple[object, ...]


def endpoint_fingerprint(endpoint: Endpoint, /) -> Fingerprint:
    """The raw values `endpoint_changed` compares, as one tuple.

    Equal fingerprints mean "not changed"; different ones need `endpoint_changed`
    for the exact answer (it reads unset strings as ``""``, as Go stores them).
    """
    c = endpoint.conditions
    ref = endpoint.target_ref
    if ref is None:
        return (endpoint.node_name, endpoint.zone, c.ready, c.serving, c.terminating, None, None, None, None, True)
    return (
        endpoint.node_name,
        endpoint.zone,
        c.ready,
        c.serving,
        c.terminating,
        ref.uid,
        ref.kind,
        ref.api_version,
        ref.field_path,
        False,
    )


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


class NameStrategy(enum.Enum):
    """How new slices are named.

    * ``GENERATE``: ``metadata.generateName: <service>-``, as the controller
      does; the API server appends five random characters.
    * ``ORDINAL``: ``<service>-<n>``, the smallest ``n >= 1`` not in use.
    * ``HASH``: ``<service>-<10 hex digits>``, a stable hash of the slice's
      address type, ports and endpoint identities at creation.
    """

    GENERATE = "generate"
    ORDINAL = "ordinal"
    HASH = "hash"


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
    #: Each endpoint with its `endpoint_fingerprint`, by identity: the reconciler's index.
    indexed: FrozenDict[EndpointIdentity, tuple[Endpoint, Fingerprint]] = attrs.field(
        default=attrs.Factory(lambda self: _index_group(self.endpoints), takes_self=True), eq=False, repr=False
    )

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


def _ipv4_sloppy(text: str) -> str | None:
    parts = text.split(".")
    if len(parts) != 4:
        return None
    out = []
    for part in parts:
        if not part or not part.isascii() or not part.isdigit() or len(part) > 3:
            return None
        value = int(part)
        if value > 255:
            return None
        out.append(str(value))
    return ".".join(out)


def canonical_address(text: str, /) -> tuple[str, AddressType] | None:
    """Parse an IP leniently and print it as Go does, with its family.

    IPv4 octets may have leading zeros (``010.001.002.003`` is ``10.1.2.3``);
    IPv6 is printed lower-case and compressed; an IPv4-mapped IPv6 address
    counts as IPv4 and is printed dotted. Returns ``None`` when *text* is not
    an IP address.

    >>> canonical_address("010.001.002.003")
    ('10.1.2.3', <AddressType.IPV4: 'IPv4'>)
    >>> canonical_address("1234::5678:0000:0000:9ABC:def0")
    ('1234::5678:0:0:9abc:def0', <AddressType.IPV6: 'IPv6'>)
    >>> canonical_address("::ffff:192.0.2.1")
    ('192.0.2.1', <AddressType.IPV4: 'IPv4'>)
    >>> canonical_address("example.com") is None
    True
    """
    if ":" not in text:
        v4 = _ipv4_sloppy(text)
        return None if v4 is None else (v4, AddressType.IPV4)
    if "%" in text:
        return None
    try:
        v6 = ipaddress.IPv6Address(text)
    except ValueError:
        return None
    mapped = v6.ipv4_mapped
    if mapped is not None:
        return (str(mapped), AddressType.IPV4)
    return (v6.compressed, AddressType.IPV6)


# ---------------------------------------------------------------------------
# Service properties


def _has_cluster_ip(service: Service) -> bool:
    ip = service.spec.cluster_ip
    return ip is not None and ip not in ("", "None")


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
        if _has_cluster_ip(service):
            assert service.spec.cluster_ip is not None  # noqa: S101  # _has_cluster_ip checked it.
            found.add(AddressType.IPV6 if ":" in service.spec.cluster_ip else AddressType.IPV4)
        else:
            found.update((AddressType.IPV4, AddressType.IPV6))
    return tuple(sorted(found, key=lambda t: t.value))


# ---------------------------------------------------------------------------
# Pods -> endpoints


def _protocol(value: Protocol | str | None) -> Protocol | str:
    # The API server defaults an unset protocol to TCP on Services and containers.
    return Protocol.TCP if value is None else value


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
    protocol = _protocol(service_port.protocol)
    sidecars = [c for c in pod.spec.init_containers or () if c.is_sidecar]
    for container in (*(pod.spec.containers or ()), *sidecars):
        for port in container.ports or ():
            if port.name == target and _protocol(port.protocol) == protocol:
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
                protocol=_protocol(sp.protocol),
                app_protocol=sp.app_protocol,
            )
        )
    return tuple(out)


def should_set_hostname(pod: Pod, service: Service, /) -> bool:
    """The hostname rule: ``spec.hostname`` is set, ``spec.subdomain`` is the Service name, same namespace."""
    return (
        bool(pod.spec.hostname)
        and pod.spec.subdomain == service.metadata.name
        and (pod.metadata.namespace or "") == (service.metadata.namespace or "")
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
    addresses = []
    for pod_ip in pod.status.pod_ips or ():
        parsed = canonical_address(pod_ip.ip)
        if parsed is not None and parsed[1] is address_type:
            addresses.append(parsed[0])
    serving = _pod_ready(pod)
    terminating = pod.metadata.deletion_timestamp is not None
    ready = bool(service.spec.publish_not_ready_addresses) or (serving and not terminating)
    zone = node.zone if node is not None else None
    return Endpoint(
        addresses=tuple(addresses),
        conditions=EndpointConditions(ready=ready, serving=serving, terminating=terminating),
        hostname=pod.spec.hostname if should_set_hostname(pod, service) else None,
        target_ref=ObjectReference(
            kind="Pod",
            namespace=pod.metadata.namespace or "",
            name=pod.metadata.name or "",
            uid=pod.metadata.uid or "",
        ),
        node_name=pod.spec.node_name or None,
        zone=zone or None,
    )


def _selects(service: Service, pod: Pod) -> bool:
    if (pod.metadata.namespace or "") != (service.metadata.namespace or ""):
        return False
    labels: Mapping[str, str] = pod.metadata.labels or {}
    return all(labels.get(k) == v for k, v in (service.spec.selector or {}).items())


# ---------------------------------------------------------------------------
# Identity and comparison


def endpoint_identity(endpoint: Endpoint, /) -> EndpointIdentity:
    """Upstream's identity of an endpoint: what makes two endpoints "the same".

    It is the sorted addresses, the hostname (unset counts as ``""``) and the
    namespace and name of ``targetRef``. Conditions, node, zone and hints are
    not part of it, so changing them updates an endpoint in place; a Pod that
    reuses another Pod's IP is a different endpoint.

    >>> endpoint_identity(Endpoint(addresses=["10.0.0.2", "10.0.0.1"], hostname="a"))
    (('10.0.0.1', '10.0.0.2'), 'a', '', '')
    """
    addresses = endpoint.addresses
    if len(addresses) > 1:
        addresses = tuple(sorted(addresses))
    ref = endpoint.target_ref
    if ref is None:
        return (addresses, endpoint.hostname or "", "", "")
    return (addresses, endpoint.hostname or "", ref.namespace or "", ref.name or "")


def _ref_changed(a: ObjectReference | None, b: ObjectReference | None) -> bool:
    if a is None or b is None:
        return a is not b
    if a is b:
        return False
    # The Go fields are plain strings: unset and "" are the same value.
    return (a.kind or "", a.namespace or "", a.name or "", a.uid or "", a.api_version or "", a.field_path or "") != (
        b.kind or "",
        b.namespace or "",
        b.name or "",
        b.uid or "",
        b.api_version or "",
        b.field_path or "",
    )


def endpoint_changed(desired: Endpoint, existing: Endpoint, /) -> bool:
    """Whether two endpoints of the same identity differ enough to rewrite a slice.

    Upstream compares ``nodeName``, ``zone``, the three conditions (unset is
    different from false) and ``targetRef`` ignoring ``resourceVersion``.
    Hints are not compared here; they are reconciled separately.
    """
    if desired is existing:
        return False
    if desired.node_name != existing.node_name or desired.zone != existing.zone:
        return True
    if desired.conditions != existing.conditions:
        return True
    return _ref_changed(desired.target_ref, existing.target_ref)


def placement_key(endpoint: Endpoint, /) -> tuple[str, str, tuple[tuple[int, int], ...], str]:
    """The order in which new endpoints are placed into slices (upstream picks at random).

    By target Pod namespace and name, then by addresses in numeric order
    (IPv4 before IPv6), then hostname. Invalid addresses sort last.
    """
    ref = endpoint.target_ref
    numeric: list[tuple[int, int]] = []
    for address in endpoint.addresses:
        try:
            ip = ipaddress.ip_address(address)
            numeric.append((ip.version, int(ip)))
        except ValueError:
            numeric.append((99, 0))
    return (
        (ref.namespace or "") if ref else "",
        (ref.name or "") if ref else "",
        tuple(numeric),
        endpoint.hostname or "",
    )


def port_group_key(ports: Iterable[EndpointPort] | None, /) -> PortGroupKey:
    """The order-insensitive key of a port set; ``None`` and ``()`` are the same.

    Unset names count as ``""`` and unset protocols as TCP, as the API server
    defaults them.
    """
    items = []
    for p in ports or ():
        protocol = _protocol(p.protocol)
        items.append(
            (
                p.name or "",
                protocol.value if isinstance(protocol, Protocol) else protocol,
                p.port if p.port is not None else 0,
                p.app_protocol or "",
            )
        )
    return tuple(sorted(items))


# ---------------------------------------------------------------------------
# Desired state


def _group_sort_key(group: EndpointGroup) -> tuple[str, PortGroupKey]:
    return (group.address_type.value, group.key)


def _freeze_groups(
    raw: Mapping[tuple[AddressType, PortGroupKey], tuple[tuple[EndpointPort, ...], dict[EndpointIdentity, Endpoint]]],
) -> tuple[EndpointGroup, ...]:
    groups = []
    for (address_type, _key), (ports, endpoints) in raw.items():
        ordered = sorted(endpoints.items(), key=lambda item: placement_key(item[1]))
        groups.append(EndpointGroup(address_type=address_type, ports=ports, endpoints=FrozenDict(ordered)))
    return tuple(sorted(groups, key=_group_sort_key))


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
    raw: dict[tuple[AddressType, PortGroupKey], tuple[tuple[EndpointPort, ...], dict[EndpointIdentity, Endpoint]]] = {}
    skipped: list[SkippedPod] = []
    for pod in pods:
        if not _selects(service, pod):
            continue
        ns, name = pod.metadata.namespace or "", pod.metadata.name or ""
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
            endpoint = endpoint_from_pod(pod, service, address_type, node=node)
            if endpoint.addresses:
                entry[1][endpoint_identity(endpoint)] = endpoint
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
            EndpointPort(name=sp.name or "", port=number, protocol=_protocol(sp.protocol), app_protocol=sp.app_protocol)
        )
    return tuple(out)


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
    problems: list[Problem] = []
    by_type: dict[AddressType, list[Endpoint]] = {}
    for i, endpoint in enumerate(endpoints):
        if not endpoint.addresses:
            problems.append(
                Problem(message="Required value: must contain at least 1 address", path=f"endpoints[{i}].addresses")
            )
            continue
        canonical = []
        families = set()
        bad = False
        for j, address in enumerate(endpoint.addresses):
            parsed = canonical_address(address)
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
        if bad:
            continue
        if len(families) > 1:
            problems.append(
                Problem(message="Invalid value: addresses mix IPv4 and IPv6", path=f"endpoints[{i}].addresses")
            )
            continue
        fixed = endpoint if tuple(canonical) == endpoint.addresses else _evolve(endpoint, addresses=tuple(canonical))
        by_type.setdefault(families.pop(), []).append(fixed)
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
    raw: dict[tuple[AddressType, PortGroupKey], tuple[tuple[EndpointPort, ...], dict[EndpointIdentity, Endpoint]]] = {}
    for address_type, entries in by_type.items():
        table = raw.setdefault((address_type, key), (ports, {}))[1]
        for endpoint in entries:
            table[endpoint_identity(endpoint)] = endpoint
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
    if (not _has_cluster_ip(service)) if headless is None else headless:
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


def generate_name_prefix(service_name: str, /) -> str:
    """``<name>-``, or ``<name>`` when the dash would not be a valid DNS-subdomain prefix."""
    prefix = service_name + "-"
    # Prefix validation accepts a trailing dash: check the name as if it continued.
    if len(prefix) > 253 or not _DNS_SUBDOMAIN.match(prefix + "a"):
        return service_name
    return prefix


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


def _hash_name(service_name: str, eps: EndpointSlice, salt: int) -> str:
    digest = hashlib.sha256()
    at = eps.address_type
    digest.update(
        f"{eps.metadata.namespace}\0{service_name}\0{at.value if isinstance(at, AddressType) else at}\0".encode()
    )
    digest.update(repr(port_group_key(eps.ports)).encode())
    for identity in sorted(endpoint_identity(e) for e in eps.endpoints or ()):
        digest.update(repr(identity).encode())
    digest.update(str(salt).encode())
    return digest.hexdigest()[:10]


def _with_suffix(service_name: str, suffix: str) -> str:
    return f"{service_name[: 63 - len(suffix) - 1]}-{suffix}"


def name_slices(
    slices: Sequence[EndpointSlice],
    strategy: NameStrategy,
    /,
    *,
    service_name: str,
    taken: Iterable[str] = (),
) -> tuple[EndpointSlice, ...]:
    """Name new slices by *strategy*; slices that already have a name keep it.

    Args:
        slices: New slices (with ``generateName``).
        strategy: `NameStrategy`; ``GENERATE`` returns *slices* unchanged.
        service_name: The Service name, the names' base.
        taken: Names already in use (existing slices), never reused.

    Returns:
        The slices; with ``ORDINAL`` or ``HASH`` each has ``metadata.name``
        and no ``generateName``.
    """
    if strategy is NameStrategy.GENERATE:
        return tuple(slices)
    used = set(taken)
    used.update(s.metadata.name for s in slices if s.metadata.name)
    out = []
    ordinal = 0
    for eps in slices:
        if eps.metadata.name:
            out.append(eps)
            continue
        if strategy is NameStrategy.ORDINAL:
            while True:
                ordinal += 1
                name = _with_suffix(service_name, str(ordinal))
                if name not in used:
                    break
        else:
            salt = 0
            while True:
                name = _with_suffix(service_name, _hash_name(service_name, eps, salt))
                if name not in used:
                    break
                salt += 1
        used.add(name)
        out.append(_evolve(eps, metadata=_evolve(eps.metadata, name=name, generate_name=None)))
    return tuple(out)


# ---------------------------------------------------------------------------
# Topology hints


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


def apply_hints(eps: EndpointSlice, mode: TrafficDistribution | None, /) -> EndpointSlice:
    """Give a slice being written the hints *mode* wants.

    With a traffic distribution, each ready endpoint gets `wanted_hints` and
    not-ready endpoints keep theirs; with ``None`` every hint is removed.
    """
    changed = False
    out = []
    for endpoint in eps.endpoints or ():
        if mode is None:
            hints = None
        elif endpoint.conditions.ready is not True:
            hints = endpoint.hints
        else:
            hints = wanted_hints(endpoint, mode)
        if hints != endpoint.hints:
            out.append(_evolve(endpoint, hints=hints))
            changed = True
        else:
            out.append(endpoint)
    return _evolve(eps, endpoints=tuple(out)) if changed else eps


def hints_need_update(eps: EndpointSlice, mode: TrafficDistribution | None, /) -> bool:
    """Whether an otherwise unchanged slice must be rewritten for its hints under *mode*."""
    return _hints_need_update(eps, mode)


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
