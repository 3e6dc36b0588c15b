"""kube-proxy's view of a Service: all of its EndpointSlices merged into one endpoint set.

Consumers of EndpointSlices must aggregate every slice of a Service and
de-duplicate endpoints that appear in more than one slice. This module does
that exactly the way kube-proxy does (``EndpointSliceCache``), so the result
is the set of backends kube-proxy would program:

* one address family at a time (each proxier handles one family);
* endpoints grouped per service port, named by port name and protocol;
* only the first address of each endpoint counts;
* unset conditions read as ready, serving and not terminating;
* an ``ip:port`` seen more than once is kept once, preferring the endpoint
  that is not terminating;
* endpoints sorted by their ``ip:port`` string.

`select_endpoints` then picks the endpoints that take cluster and local
traffic (upstream ``CategorizeEndpoints``), and `endpoints_from_slices`
turns the slices back into a core/v1 Endpoints object for tools that still
read Endpoints.

Where upstream is undefined (two non-terminating endpoints with the same
``ip:port`` in different slices), the choice here is deterministic; see
``docs/proxy.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import attrs

from ._frozen import FrozenDict
from .discovery import LABEL_SERVICE_NAME, Endpoint, EndpointSlice, ForNode, ForZone
from .endpoints import EndpointAddress, Endpoints, EndpointsPort, EndpointSubset
from .enums import AddressType, Protocol, TrafficDistribution, default_protocol, wire_value
from .errors import EndpointSliceError
from .meta import ObjectMeta
from .packing import LABEL_HEADLESS, canonical_address
from .repack import MAX_ENDPOINTS_ADDRESSES, default_protocols, repack_subsets, truncate_endpoints
from .service import Service

__all__ = [
    "MixedServicesError",
    "ProxyEndpoint",
    "ServicePortKey",
    "ServiceView",
    "TrafficSelection",
    "endpoints_from_slices",
    "proxy_view",
    "proxy_view_of_endpoints",
    "select_endpoints",
]


class MixedServicesError(EndpointSliceError, ValueError):
    """The slices given belong to more than one Service, or to none.

    Attributes:
        services: The ``namespace/name`` of every Service found, sorted.
    """

    def __init__(self, services: Iterable[str]) -> None:
        self.services = tuple(sorted(services))
        if self.services:
            found = ", ".join(self.services)
            message = f"slices belong to more than one Service ({found}); pass service= to choose one"
        else:
            message = f"no slice carries the {LABEL_SERVICE_NAME} label"
        super().__init__(message)


@attrs.frozen(kw_only=True, order=True)
class ServicePortKey:
    """A service port as kube-proxy names it: the port name and protocol.

    Attributes:
        name: The port name, ``""`` for an unnamed port.
        protocol: The protocol; unset protocols read as TCP.
    """

    name: str
    protocol: str = Protocol.TCP.value

    def __str__(self) -> str:
        return f"{self.name or '<unnamed>'}/{self.protocol}"


@attrs.frozen(kw_only=True)
class ProxyEndpoint:
    """One backend as kube-proxy programs it.

    Attributes:
        ip: The endpoint's first address, in canonical form.
        port: The port number for this service port.
        ready: ``conditions.ready``, unset read as true.
        serving: ``conditions.serving``, unset read as true.
        terminating: ``conditions.terminating``, unset read as false.
        node_name: The endpoint's ``nodeName``.
        zone: The endpoint's ``zone``.
        zone_hints: The zones of ``hints.forZones``, sorted.
        node_hints: The nodes of ``hints.forNodes``, sorted.
    """

    ip: str
    port: int
    ready: bool = True
    serving: bool = True
    terminating: bool = False
    node_name: str | None = None
    zone: str | None = None
    zone_hints: tuple[str, ...] = ()
    node_hints: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        """``ip:port``, with brackets around an IPv6 address: ``[2001:db8::1]:80``."""
        return f"[{self.ip}]:{self.port}" if ":" in self.ip else f"{self.ip}:{self.port}"

    def is_local(self, node_name: str | None) -> bool:
        """Whether the endpoint runs on *node_name* (never true for an empty node name)."""
        return bool(node_name) and self.node_name == node_name

    def __str__(self) -> str:
        return self.address


def _preference(ep: ProxyEndpoint) -> tuple[object, ...]:
    # Lower sorts first and wins. Upstream keeps a non-terminating endpoint
    # over a terminating one and leaves the rest to map order; here the rest
    # is decided by readiness and then by the remaining fields, so the result
    # never depends on input order.
    return (
        ep.terminating,
        not ep.ready,
        not ep.serving,
        ep.node_name or "",
        ep.zone or "",
        ep.zone_hints,
        ep.node_hints,
    )


@attrs.frozen(kw_only=True)
class ServiceView:
    """The endpoints kube-proxy programs for one Service and one address family.

    Attributes:
        namespace: The Service namespace (``None`` if the input had none).
        name: The Service name.
        address_type: The family, `AddressType.IPV4` or `AddressType.IPV6`.
        ports: Per service port, the endpoints sorted by ``ip:port``. Ports
            without endpoints are absent; keys are sorted.
    """

    namespace: str | None
    name: str
    address_type: AddressType
    ports: FrozenDict[ServicePortKey, tuple[ProxyEndpoint, ...]]

    def endpoints(self, name: str = "", protocol: Protocol | str = Protocol.TCP) -> tuple[ProxyEndpoint, ...]:
        """The endpoints of the service port *name*/*protocol* (empty if it has none)."""
        proto = protocol.value if isinstance(protocol, Protocol) else protocol
        return self.ports.get(ServicePortKey(name=name, protocol=proto), ())

    def addresses(self) -> dict[str, list[str]]:
        """``{"name/PROTOCOL": ["ip:port", ...]}``: a compact, printable form of the view."""
        return {str(key): [ep.address for ep in eps] for key, eps in self.ports.items()}


class _Collector:
    """Accumulates endpoints per service port and ``ip:port`` with the de-duplication rule."""

    def __init__(self, address_type: AddressType) -> None:
        self.address_type = address_type
        self.by_port: dict[ServicePortKey, dict[str, ProxyEndpoint]] = {}

    def add(self, key: ServicePortKey, ep: ProxyEndpoint) -> None:
        per_port = self.by_port.setdefault(key, {})
        current = per_port.get(ep.address)
        if current is None or _preference(ep) < _preference(current):
            per_port[ep.address] = ep

    def view(self, namespace: str | None, name: str) -> ServiceView:
        ports = {
            key: tuple(sorted(eps.values(), key=lambda e: e.address))
            for key, eps in sorted(self.by_port.items())
            if eps
        }
        return ServiceView(namespace=namespace, name=name, address_type=self.address_type, ports=FrozenDict(ports))


def _first_ip(endpoint: Endpoint, address_type: AddressType) -> str | None:
    """The canonical first address of *endpoint* if it is an IP of *address_type*."""
    if not endpoint.addresses:
        return None
    parsed = canonical_address(endpoint.addresses[0])
    if parsed is None or parsed[1] is not address_type:
        return None
    return parsed[0]


def _hint_names(items: Iterable[ForZone | ForNode] | None) -> tuple[str, ...]:
    return tuple(sorted({item.name for item in items or ()}))


def _slice_endpoints(endpoints: Iterable[Endpoint], address_type: AddressType) -> Iterator[tuple[str, Endpoint]]:
    for endpoint in endpoints:
        ip = _first_ip(endpoint, address_type)
        if ip is not None:
            yield ip, endpoint


def _service_of(item: EndpointSlice) -> tuple[str | None, str] | None:
    name = item.service_name
    return None if not name else (item.metadata.namespace or None, name)


def _render(service: tuple[str | None, str]) -> str:
    namespace, name = service
    return f"{namespace}/{name}" if namespace else name


def _select_service(
    slices: Iterable[EndpointSlice],
    service: str | tuple[str | None, str] | None,
) -> tuple[tuple[str | None, str], list[EndpointSlice]]:
    """The slices of one Service, later same-named slices replacing earlier ones."""
    grouped: dict[tuple[str | None, str], dict[object, EndpointSlice]] = {}
    for index, item in enumerate(slices):
        owner = _service_of(item)
        if owner is None:
            continue
        # As in kube-proxy's cache, a slice replaces an earlier one of the
        # same name; a slice without a name never replaces anything.
        key: object = item.metadata.name or ("", index)
        grouped.setdefault(owner, {})[key] = item
    if isinstance(service, tuple) and not service[0]:
        # No namespace given (a manifest often has none): match by name alone.
        service = service[1]
    if service is None:
        if len(grouped) != 1:
            raise MixedServicesError(_render(s) for s in grouped)
        chosen = next(iter(grouped))
    elif isinstance(service, str):
        matches = [s for s in grouped if s[1] == service]
        if len(matches) > 1:
            raise MixedServicesError(_render(s) for s in matches)
        chosen = matches[0] if matches else (None, service)
    else:
        chosen = service
    return chosen, list(grouped.get(chosen, {}).values())


def proxy_view(
    slices: Iterable[EndpointSlice],
    /,
    *,
    address_type: AddressType = AddressType.IPV4,
    service: str | tuple[str | None, str] | None = None,
) -> ServiceView:
    """Merge the slices of one Service into the endpoint set kube-proxy programs.

    Slices of another address type, slices without the
    ``kubernetes.io/service-name`` label, ports without a name or a port
    number, and endpoints without a first address of the family are ignored,
    as kube-proxy ignores them. A slice replaces an earlier slice of the same
    name (kube-proxy caches slices by name).

    Args:
        slices: EndpointSlices; other Services' slices are allowed when
            *service* says which Service to merge.
        address_type: The family to merge.
        service: The Service name, or ``(namespace, name)`` (a ``None``
            namespace matches any); needed only when *slices* hold more than
            one Service.

    Returns:
        The merged view.

    Raises:
        MixedServicesError: *service* is not given and the slices belong to
            more than one Service, or none.

    >>> from endpointslice import EndpointSlice, Endpoint, EndpointPort, ObjectMeta
    >>> meta = ObjectMeta(name="web-1", namespace="shop", labels={"kubernetes.io/service-name": "web"})
    >>> web = EndpointSlice(metadata=meta, address_type="IPv4",
    ...     endpoints=[Endpoint(addresses=["10.0.0.2"]), Endpoint(addresses=["10.0.0.1"])],
    ...     ports=[EndpointPort(name="http", port=8080, protocol="TCP")])
    >>> proxy_view([web]).addresses()
    {'http/TCP': ['10.0.0.1:8080', '10.0.0.2:8080']}
    """
    (namespace, name), chosen = _select_service(slices, service)
    collector = _Collector(address_type)
    for item in chosen:
        if item.address_type is not address_type:
            continue
        usable = list(_slice_endpoints(item.endpoints or (), address_type))
        for port in item.ports or ():
            if port.name is None or not port.port:
                continue
            key = ServicePortKey(name=port.name, protocol=wire_value(default_protocol(port.protocol)))
            for ip, endpoint in usable:
                conditions = endpoint.conditions
                hints = endpoint.hints
                collector.add(
                    key,
                    ProxyEndpoint(
                        ip=ip,
                        port=port.port,
                        ready=conditions.effective_ready,
                        serving=conditions.effective_serving,
                        terminating=conditions.effective_terminating,
                        node_name=endpoint.node_name,
                        zone=endpoint.zone,
                        zone_hints=_hint_names(hints.for_zones if hints else None),
                        node_hints=_hint_names(hints.for_nodes if hints else None),
                    ),
                )
    return collector.view(namespace, name)


def proxy_view_of_endpoints(endpoints: Endpoints, /, *, address_type: AddressType = AddressType.IPV4) -> ServiceView:
    """The view kube-proxy programs for a core/v1 Endpoints object.

    kube-proxy reads Endpoints only through the slices the mirroring
    controller makes of them, so this is the view of those slices, without
    the mirroring cap of 1000 addresses per subset: the subsets are
    canonicalised (`repack_subsets`), ``addresses`` are ready and
    ``notReadyAddresses`` are not (serving unset, so read as serving, and not
    terminating), ``nodeName`` is kept, and addresses that are not IPs of
    the family are left out.

    Args:
        endpoints: The Endpoints object.
        address_type: The family to view.

    Returns:
        The view, named after the Endpoints object.
    """
    collector = _Collector(address_type)
    for subset in repack_subsets(default_protocols(endpoints.subsets)):
        listed = [(a, True) for a in subset.addresses or ()]
        listed += [(a, False) for a in subset.not_ready_addresses or ()]
        usable: list[tuple[str, EndpointAddress, bool]] = []
        for address, ready in listed:
            parsed = canonical_address(address.ip)
            if parsed is not None and parsed[1] is address_type:
                usable.append((parsed[0], address, ready))
        for port in subset.ports or ():
            if not port.port:
                continue
            key = ServicePortKey(name=port.name or "", protocol=wire_value(default_protocol(port.protocol)))
            for ip_text, address, ready in usable:
                collector.add(key, ProxyEndpoint(ip=ip_text, port=port.port, ready=ready, node_name=address.node_name))
    return collector.view(endpoints.metadata.namespace, endpoints.metadata.name or "")


@attrs.frozen(kw_only=True)
class TrafficSelection:
    """Which endpoints of one service port take traffic on one node.

    Attributes:
        cluster: Endpoints for ``Cluster`` traffic policy: ready ones (after
            topology filtering), else serving-and-terminating ones.
        local: Endpoints for ``Local`` traffic policy: ready ones on this
            node, else serving-and-terminating ones on this node.
        topology: The topology mode used for cluster traffic:
            `TrafficDistribution.PREFER_SAME_NODE`,
            `TrafficDistribution.PREFER_SAME_ZONE`, or ``None`` (no filtering).
        has_any: Whether any endpoint anywhere could take traffic (ready, or
            serving and terminating).
    """

    cluster: tuple[ProxyEndpoint, ...]
    local: tuple[ProxyEndpoint, ...]
    topology: TrafficDistribution | None
    has_any: bool


def _topology_mode(endpoints: tuple[ProxyEndpoint, ...], node_name: str, zone: str) -> TrafficDistribution | None:
    ready = [ep for ep in endpoints if ep.ready]
    if not ready:
        return None
    if all(ep.node_hints for ep in ready) and any(node_name in ep.node_hints for ep in ready):
        return TrafficDistribution.PREFER_SAME_NODE
    if all(ep.zone_hints for ep in ready) and any(zone in ep.zone_hints for ep in ready):
        return TrafficDistribution.PREFER_SAME_ZONE
    return None


def select_endpoints(
    endpoints: Iterable[ProxyEndpoint],
    /,
    *,
    node_name: str | None = None,
    zone: str | None = None,
) -> TrafficSelection:
    """Pick the endpoints of one service port that take cluster and local traffic.

    Cluster traffic goes to ready endpoints. Topology hints narrow them: if
    every ready endpoint has a node hint and one is hinted for *node_name*,
    only endpoints hinted for this node are used; otherwise, if every ready
    endpoint has a zone hint and one is hinted for *zone*, only endpoints
    hinted for this zone. With no ready endpoint at all, endpoints that are
    serving and terminating are used instead. Local traffic goes to this
    node's ready endpoints, falling back to this node's serving and
    terminating ones.

    Args:
        endpoints: One service port's endpoints, e.g. ``view.endpoints("http")``.
        node_name: The node kube-proxy runs on.
        zone: That node's ``topology.kubernetes.io/zone`` label.

    Returns:
        The selection; each list keeps the input order.

    >>> a = ProxyEndpoint(ip="10.0.0.1", port=80, node_name="n1", zone_hints=("a",))
    >>> b = ProxyEndpoint(ip="10.0.0.2", port=80, node_name="n2", zone_hints=("b",))
    >>> [e.ip for e in select_endpoints([a, b], node_name="n2", zone="a").cluster]
    ['10.0.0.1']
    """
    eps = tuple(endpoints)
    node = node_name or ""
    mode = _topology_mode(eps, node, zone or "")

    def available(ep: ProxyEndpoint) -> bool:
        if mode is TrafficDistribution.PREFER_SAME_NODE:
            return node in ep.node_hints
        if mode is TrafficDistribution.PREFER_SAME_ZONE:
            return (zone or "") in ep.zone_hints
        return True

    cluster = tuple(ep for ep in eps if ep.ready and available(ep))
    if not cluster:
        cluster = tuple(ep for ep in eps if ep.serving and ep.terminating)
    local = tuple(ep for ep in eps if ep.ready and ep.is_local(node_name))
    if not local:
        local = tuple(ep for ep in eps if ep.serving and ep.terminating and ep.is_local(node_name))
    has_any = any(ep.ready or (ep.serving and ep.terminating) for ep in eps)
    return TrafficSelection(cluster=cluster, local=local, topology=mode, has_any=has_any)


def _endpoints_labels(service: Service | None) -> FrozenDict[str, str] | None:
    if service is None:
        return None
    labels = dict(service.metadata.labels or {})
    if not service.has_cluster_ip:
        labels[LABEL_HEADLESS] = ""
    else:
        labels.pop(LABEL_HEADLESS, None)
    return FrozenDict(labels) if labels else None


def _address_of(endpoint: Endpoint, ip: str) -> EndpointAddress:
    return EndpointAddress(
        ip=ip,
        hostname=endpoint.hostname,
        node_name=endpoint.node_name,
        target_ref=endpoint.target_ref,
    )


def endpoints_from_slices(
    slices: Iterable[EndpointSlice],
    /,
    *,
    service: Service | str | tuple[str | None, str] | None = None,
    limit: int = MAX_ENDPOINTS_ADDRESSES,
) -> Endpoints:
    """Build the core/v1 Endpoints object that describes the same backends as *slices*.

    This is the legacy view for tools that still read Endpoints. Both
    address families go into the one object, as the API allows:

    * each endpoint contributes its first address (if it is an IP);
    * a ready endpoint is listed in ``addresses``; a not-ready endpoint in
      ``notReadyAddresses``, unless it is terminating, in which case it is
      left out (as the Endpoints controller leaves terminating pods out);
    * hostname, nodeName and targetRef are kept;
    * each slice's ports become the subset's ports (ports without a number
      are dropped, and so is a slice whose ports all lack one);
    * the result is put in canonical form (`repack_subsets`) and capped at
      *limit* addresses, with the over-capacity annotation, as the Endpoints
      controller does.

    Args:
        slices: The slices of one Service (others are allowed if *service*
            picks one).
        service: The Service (its labels are copied, with the headless label
            when it has no cluster IP), or its name / ``(namespace, name)``.
        limit: The address cap; the controller's is 1000.

    Returns:
        The Endpoints object, named after the Service.

    Raises:
        MixedServicesError: *service* is not given and the slices belong to
            more than one Service, or none.
    """
    svc: Service | None = None
    which: str | tuple[str | None, str] | None
    if isinstance(service, Service):
        svc = service
        which = (service.metadata.namespace, service.metadata.name or "")
    else:
        which = service
    (namespace, name), chosen = _select_service(slices, which)

    subsets: list[EndpointSubset] = []
    for item in chosen:
        if item.address_type not in (AddressType.IPV4, AddressType.IPV6):
            continue
        address_type = AddressType(item.address_type)
        ports = [
            EndpointsPort(name=p.name or None, port=p.port, protocol=p.protocol, app_protocol=p.app_protocol)
            for p in item.ports or ()
            if p.port
        ]
        if item.ports and not ports:
            continue
        ready: list[EndpointAddress] = []
        not_ready: list[EndpointAddress] = []
        for ip, endpoint in _slice_endpoints(item.endpoints or (), address_type):
            conditions = endpoint.conditions
            if conditions.effective_ready:
                ready.append(_address_of(endpoint, ip))
            elif not conditions.effective_terminating:
                not_ready.append(_address_of(endpoint, ip))
        subsets.append(
            EndpointSubset(
                addresses=tuple(ready) or None,
                not_ready_addresses=tuple(not_ready) or None,
                ports=tuple(ports) or None,
            )
        )

    metadata = ObjectMeta(name=name, namespace=namespace, labels=_endpoints_labels(svc))
    packed = repack_subsets(subsets)
    return truncate_endpoints(Endpoints(metadata=metadata, subsets=packed or None), limit=limit)
