"""Hypothesis strategies for every model, for property tests in your own code.

Install with the ``hypothesis`` extra (``pip install 'endpointslice[hypothesis]'``).
The package registers these strategies with Hypothesis through its entry
point, so ``st.from_type(EndpointSlice)`` works as soon as both are installed.

By default every strategy generates objects that a Kubernetes 1.37 apiserver
accepts: DNS-1123 names, canonical IP addresses of the slice's family outside
the ranges the apiserver rejects, unique port names, at most 100 addresses
per endpoint, and so on. Sizes stay small unless you ask for more.

Pass ``any_values=True`` to get objects that are only *structurally* valid:
they have the right JSON types and no unknown fields, so they load, dump
and pass the Kubernetes JSON schema, but their strings are arbitrary text
and their enum fields may hold values no enum knows (``"IPv5"``). Use those
for round-trip tests and to exercise validation.

Options follow one rule: an option that chooses values (``address_type``,
``address_types``, ``family``, ``names``) takes a fixed value or a strategy
(each object then draws its own); sizes (``min_*``, ``max_*``) and switches
(``any_values``...) take plain values.

>>> from hypothesis import given, settings
>>> from endpointslice import EndpointSlice
>>> @settings(max_examples=20, deadline=None)
... @given(endpoint_slices(max_endpoints=3))
... def test_slices_are_small(slice_: EndpointSlice) -> None:
...     assert slice_.endpoints is None or len(slice_.endpoints) <= 3
>>> test_slices_are_small()
"""

from __future__ import annotations

import attrs

# The hook comes before the imports on purpose. When this module is imported before Hypothesis,
# importing Hypothesis runs its entry points, which load this very module while it is still
# half-initialised and call the hook. The hook then only notes the request, and the module
# registers its strategies at its end, once they exist.
_HOOK = {"called_early": False, "loaded": False}


def _hypothesis_setup_hook() -> None:
    """Register a strategy for every model, so that ``st.from_type`` generates valid objects.

    Hypothesis calls this through the ``hypothesis`` entry point declared in
    the package metadata, when Hypothesis itself is imported.
    """
    if _HOOK["loaded"]:
        _register()
    else:
        _HOOK["called_early"] = True


from collections.abc import Sequence  # noqa: E402  # See the note on the hook above.
from typing import Any, TypeVar, Union  # noqa: E402

from hypothesis import strategies as st  # noqa: E402
from hypothesis.errors import InvalidArgument  # noqa: E402
from hypothesis.strategies import SearchStrategy  # noqa: E402

from . import _strategies_base as _base  # noqa: E402
from ._frozen import FrozenDict  # noqa: E402
from ._strategies_base import (  # noqa: E402
    _INT32,
    _addresses,
    _check_range,
    _check_size,
    _dns1035_labels,
    _either,
    _enum_values,
    _family,
    _iana_service_names,
    _ints,
    _ip_addresses_any,
    _label_maps,
    _optional,
    _texts,
    _unique_lists,
    dns_labels,
    dns_subdomains,
    label_keys,
    label_values,
    list_metas,
    object_references,
    owner_references,
    timestamps,
)
from .discovery import (  # noqa: E402
    Endpoint,
    EndpointConditions,
    EndpointHints,
    EndpointPort,
    EndpointSlice,
    EndpointSliceList,
    ForNode,
    ForZone,
)
from .endpoints import EndpointAddress, Endpoints, EndpointsList, EndpointsPort, EndpointSubset  # noqa: E402
from .enums import (  # noqa: E402
    AddressType,
    ConditionStatus,
    IPFamily,
    IPFamilyPolicy,
    PodPhase,
    Protocol,
    ServiceAffinity,
    ServiceExternalTrafficPolicy,
    ServiceInternalTrafficPolicy,
    ServiceType,
    TrafficDistribution,
)
from .kinds import KubeList, KubeObject  # noqa: E402
from .meta import ListMeta, ObjectMeta, ObjectReference, OwnerReference  # noqa: E402
from .service import (  # noqa: E402
    ClientIPConfig,
    LoadBalancerIngress,
    LoadBalancerStatus,
    Service,
    ServiceList,
    ServicePort,
    ServiceSpec,
    ServiceStatus,
    SessionAffinityConfig,
)
from .workloads import (  # noqa: E402
    Container,
    ContainerPort,
    Node,
    NodeCondition,
    NodeList,
    NodeSpec,
    NodeStatus,
    Pod,
    PodCondition,
    PodIP,
    PodList,
    PodSpec,
    PodStatus,
)

__all__ = [
    "containers",
    "dns_labels",
    "dns_subdomains",
    "endpoint_addresses",
    "endpoint_conditions",
    "endpoint_hints",
    "endpoint_ports",
    "endpoint_slice_lists",
    "endpoint_slices",
    "endpoint_subsets",
    "endpoints",
    "endpoints_lists",
    "endpoints_objects",
    "endpoints_ports",
    "ip_addresses",
    "kube_lists",
    "kube_objects",
    "label_keys",
    "label_values",
    "list_metas",
    "node_lists",
    "nodes",
    "object_metas",
    "object_references",
    "owner_references",
    "pod_lists",
    "pods",
    "service_lists",
    "service_ports",
    "service_specs",
    "services",
    "timestamps",
]


def __dir__() -> list[str]:
    return __all__


T = TypeVar("T")

#: An option that chooses values: one fixed value, or a strategy to draw each value from.
#: Sizes (``min_*``, ``max_*``) and switches (``any_values``, ``sidecar``...) are plain values.
ValueOrStrategy = Union[T, SearchStrategy[T]]


def _strategy_of(value: ValueOrStrategy[T]) -> SearchStrategy[T]:
    """*value* as a strategy: a strategy as it is, a fixed value as ``st.just(value)``."""
    return value if isinstance(value, SearchStrategy) else st.just(value)


def _address_type(value: AddressType | str, any_values: bool) -> AddressType | str:
    """*value* as an `AddressType` member; an unknown string only with *any_values*."""
    if not isinstance(value, AddressType):
        value = AddressType(value) if value in {t.value for t in AddressType} else value
    if not isinstance(value, AddressType) and not any_values:
        raise InvalidArgument(f"address_type={value!r} must be an AddressType unless any_values=True")
    return value


def _families(family: ValueOrStrategy[IPFamily | AddressType | str]) -> SearchStrategy[IPFamily]:
    """The IP families an option names; a fixed family is checked at once."""
    if isinstance(family, SearchStrategy):
        return family.map(_family)
    return st.just(_family(family))


def ip_addresses(family: ValueOrStrategy[IPFamily | AddressType | str] = IPFamily.IPV4) -> SearchStrategy[str]:
    """IP addresses of one family, in canonical form, that the apiserver accepts as endpoint addresses.

    Never unspecified, loopback, link-local or link-local multicast, and
    never an IPv4-mapped IPv6 address; IPv6 is in RFC 5952 form.

    Args:
        family: ``IPFamily.IPV4`` or ``IPFamily.IPV6`` (the `AddressType`
            members and the strings ``"IPv4"`` and ``"IPv6"`` work too), or a
            strategy of them: each address then has a drawn family.
    """
    if isinstance(family, SearchStrategy):
        return _families(family).flatmap(_base.ip_addresses)
    return _base.ip_addresses(family)


def object_metas(
    *, names: ValueOrStrategy[str] | None = None, namespaced: bool = True, any_values: bool = False
) -> SearchStrategy[ObjectMeta]:
    """`ObjectMeta` values with a valid name (or ``generateName``), labels, annotations and owners.

    Args:
        names: Object names when set: a fixed name, or a strategy of names
            (DNS-1123 subdomains by default).
        namespaced: Give objects a namespace (cluster-scoped kinds, such
            as Nodes, have none).
        any_values: Arbitrary strings instead of valid names and labels.
    """
    return _base.object_metas(
        names=None if names is None else _strategy_of(names), namespaced=namespaced, any_values=any_values
    )


# ---------------------------------------------------------------------------
# discovery.k8s.io/v1


def endpoint_conditions() -> SearchStrategy[EndpointConditions]:
    """`EndpointConditions`, each of ``ready``, ``serving`` and ``terminating`` unset, true or false."""
    flags = _optional(st.booleans())
    return st.builds(EndpointConditions, ready=flags, serving=flags, terminating=flags)


def endpoint_hints(*, any_values: bool = False) -> SearchStrategy[EndpointHints]:
    """`EndpointHints`: at most 8 unique zone hints and 8 unique node hints each."""
    zone_names = _texts() if any_values else label_values()
    node_names = _texts() if any_values else dns_subdomains(max_size=63)
    return st.builds(
        EndpointHints,
        for_zones=_optional(_unique_lists(zone_names, max_size=8).map(lambda ns: tuple(ForZone(name=n) for n in ns))),
        for_nodes=_optional(_unique_lists(node_names, max_size=8).map(lambda ns: tuple(ForNode(name=n) for n in ns))),
    )


@st.composite
def _endpoints(
    draw: st.DrawFn, address_types: SearchStrategy[AddressType | str], max_addresses: int, any_values: bool
) -> Endpoint:
    text = _either(any_values)
    address_type = _address_type(draw(address_types), any_values)
    min_addresses = 0 if any_values else 1
    return Endpoint(
        addresses=draw(
            _unique_lists(_addresses(address_type, any_values), min_size=min_addresses, max_size=max_addresses)
        ),
        conditions=draw(endpoint_conditions()),
        hostname=draw(_optional(text(dns_labels()))),
        target_ref=draw(_optional(object_references(any_values=any_values))),
        # The v1 API drops deprecatedTopology on every write, so only arbitrary objects carry it.
        deprecated_topology=draw(_optional(_label_maps(any_values))) if any_values else None,
        node_name=draw(_optional(text(dns_subdomains(max_size=63)))),
        zone=draw(_optional(text(label_values()))),
        hints=draw(_optional(endpoint_hints(any_values=any_values))),
    )


def endpoints(
    *,
    address_type: ValueOrStrategy[AddressType | str] = AddressType.IPV4,
    max_addresses: int = 2,
    any_values: bool = False,
) -> SearchStrategy[Endpoint]:
    """Discovery `Endpoint` values with 1 to *max_addresses* unique addresses of *address_type*.

    Args:
        address_type: The slice's address type, which decides the address
            format: a fixed one, or a strategy to draw one per endpoint.
        max_addresses: The most addresses per endpoint (1 to 100).
        any_values: Arbitrary strings (and possibly no addresses at all).
    """
    if not isinstance(address_type, SearchStrategy):
        address_type = _address_type(address_type, any_values)
    _check_size("max_addresses", max_addresses, 1, 100)
    return _endpoints(_strategy_of(address_type), max_addresses, any_values)


def _port_names(any_values: bool) -> SearchStrategy[str]:
    return _texts() if any_values else st.one_of(st.just(""), dns_labels())


def _app_protocols(any_values: bool) -> SearchStrategy[str]:
    if any_values:
        return _texts()
    return st.one_of(
        st.sampled_from(["http", "https", "grpc", "kubernetes.io/h2c", "kubernetes.io/ws", "kubernetes.io/wss"]),
        label_keys(),
    )


def endpoint_ports(*, any_values: bool = False) -> SearchStrategy[EndpointPort]:
    """Discovery `EndpointPort` values (``name`` unset or ``""`` means the unnamed port)."""
    return st.builds(
        EndpointPort,
        name=_optional(_port_names(any_values)),
        protocol=_optional(_enum_values(Protocol, any_values)),
        port=_optional(_ints(1, 65535, any_values)),
        app_protocol=_optional(_app_protocols(any_values)),
    )


@st.composite
def _endpoint_slices(
    draw: st.DrawFn,
    *,
    address_types: SearchStrategy[AddressType | str],
    min_endpoints: int,
    max_endpoints: int,
    max_addresses: int,
    max_ports: int,
    any_values: bool,
) -> EndpointSlice:
    metadata = draw(object_metas(any_values=any_values))
    address_type = draw(address_types)
    # Draw the endpoints right after the address type they depend on, so they shrink together.
    items = st.lists(
        endpoints(address_type=address_type, max_addresses=max_addresses, any_values=any_values),
        min_size=min_endpoints,
        max_size=max_endpoints,
        # Distinct first addresses, as every real producer makes them.
        unique_by=lambda e: e.addresses[:1] or id(e),
    ).map(tuple)
    endpoint_list = draw(items if min_endpoints else _optional(items))
    ports = st.lists(
        endpoint_ports(any_values=any_values),
        max_size=max_ports,
        # The apiserver defaults a missing name to "" and then requires the names to be unique.
        unique_by=id if any_values else (lambda p: p.name or ""),
    ).map(tuple)
    return EndpointSlice(
        metadata=metadata, address_type=address_type, endpoints=endpoint_list, ports=draw(_optional(ports))
    )


def endpoint_slices(
    *,
    address_types: ValueOrStrategy[AddressType | str] | None = None,
    min_endpoints: int = 0,
    max_endpoints: int = 5,
    max_addresses: int = 2,
    max_ports: int = 3,
    any_values: bool = False,
) -> SearchStrategy[EndpointSlice]:
    """`EndpointSlice` objects; ``endpoints`` and ``ports`` may be ``None`` (nil) as well as empty.

    Args:
        address_types: The address type of each slice: a fixed one, or a
            strategy; all three types by default, with unknown strings too
            when *any_values* is true.
        min_endpoints: The fewest endpoints (above 0, ``endpoints`` is never nil).
        max_endpoints: The most endpoints (the API allows 1000).
        max_addresses: The most addresses per endpoint (the API allows 100).
        max_ports: The most ports.
        any_values: Arbitrary strings and enum values.

    >>> from hypothesis import given, settings, strategies as st
    >>> from endpointslice import AddressType
    >>> @settings(max_examples=20, deadline=None)
    ... @given(endpoint_slices(address_types=st.just(AddressType.IPV6), min_endpoints=1))
    ... def test_ipv6(slice_: EndpointSlice) -> None:
    ...     assert all(":" in a for e in slice_.endpoints or () for a in e.addresses)
    >>> test_ipv6()
    """
    if address_types is not None and not isinstance(address_types, SearchStrategy):
        address_types = st.just(_address_type(address_types, any_values))
    _check_range("min_endpoints", min_endpoints, "max_endpoints", max_endpoints, 1000)
    _check_size("max_addresses", max_addresses, 1, 100)
    _check_size("max_ports", max_ports, 0, 20000)
    if address_types is None:
        address_types = _enum_values(AddressType, any_values)
    return _endpoint_slices(
        address_types=address_types,
        min_endpoints=min_endpoints,
        max_endpoints=max_endpoints,
        max_addresses=max_addresses,
        max_ports=max_ports,
        any_values=any_values,
    )


def endpoint_slice_lists(*, max_size: int = 3, any_values: bool = False) -> SearchStrategy[EndpointSliceList]:
    """`EndpointSliceList` objects of at most *max_size* small slices."""
    _check_size("max_size", max_size, 0, 10_000)
    return st.builds(
        EndpointSliceList,
        metadata=list_metas(any_values=any_values),
        items=st.lists(endpoint_slices(max_endpoints=2, any_values=any_values), max_size=max_size).map(tuple),
    )


# ---------------------------------------------------------------------------
# core/v1 Endpoints


def endpoint_addresses(
    *, family: ValueOrStrategy[IPFamily | AddressType | str] = IPFamily.IPV4, any_values: bool = False
) -> SearchStrategy[EndpointAddress]:
    """core/v1 `EndpointAddress` values with an IP of *family* (a fixed family, or a strategy of them)."""
    text = _either(any_values)
    return st.builds(
        EndpointAddress,
        ip=_families(family).flatmap(lambda f: _ip_addresses_any(any_values, f)),
        hostname=_optional(text(dns_labels())),
        node_name=_optional(text(dns_subdomains(max_size=63))),
        target_ref=_optional(object_references(any_values=any_values)),
    )


def endpoints_ports(*, any_values: bool = False) -> SearchStrategy[EndpointsPort]:
    """core/v1 `EndpointsPort` values, with a port number between 1 and 65535."""
    return st.builds(
        EndpointsPort,
        name=_optional(_texts() if any_values else dns_labels()),
        port=_ints(1, 65535, any_values),
        protocol=_optional(_enum_values(Protocol, any_values)),
        app_protocol=_optional(_app_protocols(any_values)),
    )


@st.composite
def _endpoint_subsets(
    draw: st.DrawFn, families: SearchStrategy[IPFamily], max_addresses: int, max_ports: int, any_values: bool
) -> EndpointSubset:
    # One family for every address of the subset, as the Endpoints controller writes them.
    family = draw(families)
    addresses = _unique_lists(
        endpoint_addresses(family=family, any_values=any_values), max_size=max_addresses, key=lambda a: a.ip
    )
    ready = draw(_optional(addresses))
    not_ready = draw(_optional(addresses))
    if not any_values and not ready and not not_ready:
        # A subset needs `addresses` or `notReadyAddresses`.
        ready = draw(
            _unique_lists(
                endpoint_addresses(family=family), min_size=1, max_size=max(1, max_addresses), key=lambda a: a.ip
            )
        )
    ports = draw(_optional(_unique_lists(endpoints_ports(any_values=any_values), max_size=max_ports, key=id)))
    if ports and len(ports) > 1 and not any_values:
        # With more than one port every port needs a name; unique names keep the object meaningful.
        names = draw(_unique_lists(dns_labels(), min_size=len(ports), max_size=len(ports)))
        ports = tuple(attrs.evolve(p, name=n) for p, n in zip(ports, names, strict=True))
    return EndpointSubset(addresses=ready, not_ready_addresses=not_ready, ports=ports)


def endpoint_subsets(
    *,
    family: ValueOrStrategy[IPFamily | AddressType | str] = IPFamily.IPV4,
    max_addresses: int = 3,
    max_ports: int = 2,
    any_values: bool = False,
) -> SearchStrategy[EndpointSubset]:
    """core/v1 `EndpointSubset` values with at least one ready or not-ready address.

    Args:
        family: The IP family of the addresses: a fixed one, or a strategy
            to draw one per subset.
        max_addresses: The most ready addresses, and the most not-ready addresses.
        max_ports: The most ports; with more than one, every port is named.
        any_values: Arbitrary strings; subsets may be empty.
    """
    families = _families(family)
    _check_size("max_addresses", max_addresses, 0, 1000)
    _check_size("max_ports", max_ports, 0, 1000)
    return _endpoint_subsets(families, max_addresses, max_ports, any_values)


@st.composite
def _endpoints_objects(draw: st.DrawFn, max_subsets: int, any_values: bool) -> Endpoints:
    family = draw(st.sampled_from(IPFamily))
    subsets = _unique_lists(endpoint_subsets(family=family, any_values=any_values), max_size=max_subsets, key=id)
    return Endpoints(metadata=draw(object_metas(any_values=any_values)), subsets=draw(_optional(subsets)))


def endpoints_objects(*, max_subsets: int = 3, any_values: bool = False) -> SearchStrategy[Endpoints]:
    """core/v1 `Endpoints` objects (the kind), all of whose addresses share one IP family.

    Args:
        max_subsets: The most subsets.
        any_values: Arbitrary strings and enum values.
    """
    _check_size("max_subsets", max_subsets, 0, 1000)
    return _endpoints_objects(max_subsets, any_values)


def endpoints_lists(*, max_size: int = 3, any_values: bool = False) -> SearchStrategy[EndpointsList]:
    """core/v1 `EndpointsList` objects."""
    _check_size("max_size", max_size, 0, 10_000)
    return st.builds(
        EndpointsList,
        metadata=list_metas(any_values=any_values),
        items=st.lists(endpoints_objects(max_subsets=2, any_values=any_values), max_size=max_size).map(tuple),
    )


# ---------------------------------------------------------------------------
# core/v1 Service


def service_ports(*, node_ports: bool = False, any_values: bool = False) -> SearchStrategy[ServicePort]:
    """`ServicePort` values: port 1-65535 and an int or named ``targetPort``.

    Args:
        node_ports: Allow a ``nodePort`` (30000-32767), as NodePort and
            LoadBalancer Services have.
        any_values: Arbitrary strings, numbers and enum values.
    """
    target_ports: SearchStrategy[int | str] = (
        st.integers(*_INT32) | _texts() if any_values else st.integers(1, 65535) | _iana_service_names()
    )
    node_port: SearchStrategy[int | None] = (
        _optional(_ints(30000, 32767, any_values)) if node_ports or any_values else st.none()
    )
    return st.builds(
        ServicePort,
        name=_optional(_texts() if any_values else dns_labels()),
        protocol=_optional(_enum_values(Protocol, any_values)),
        app_protocol=_optional(_app_protocols(any_values)),
        port=_ints(1, 65535, any_values),
        target_port=_optional(target_ports),
        node_port=node_port,
    )


def _valid_service_ports(
    draw: st.DrawFn, service_type: ServiceType, min_size: int, max_size: int
) -> tuple[ServicePort, ...] | None:
    node_ports = service_type in (ServiceType.NODE_PORT, ServiceType.LOAD_BALANCER)
    ports = draw(
        _unique_lists(
            service_ports(node_ports=node_ports),
            min_size=min_size,
            max_size=max_size,
            # Port numbers, and node ports, must be unique; so must names, checked below.
            key=lambda p: p.port,
        )
    )
    if not ports:
        return None if draw(st.booleans()) else ports
    seen_node_ports: set[int] = set()
    fixed = []
    names = draw(_unique_lists(dns_labels(), min_size=len(ports), max_size=len(ports)))
    for port, name in zip(ports, names, strict=True):
        node_port = port.node_port if port.node_port not in seen_node_ports else None
        if node_port is not None:
            seen_node_ports.add(node_port)
        # More than one port: each needs a unique name.
        fixed.append(attrs.evolve(port, name=name if len(ports) > 1 else port.name, node_port=node_port))
    return tuple(fixed)


@st.composite
def _service_specs(draw: st.DrawFn, max_ports: int, any_values: bool) -> ServiceSpec:
    if any_values:
        text = _texts()
        return ServiceSpec(
            ports=draw(_optional(_unique_lists(service_ports(any_values=True), max_size=max_ports, key=id))),
            selector=draw(_optional(_label_maps(True))),
            cluster_ip=draw(_optional(text)),
            cluster_ips=draw(_optional(_unique_lists(text, max_size=2))),
            type=draw(_optional(_enum_values(ServiceType, True))),
            external_ips=draw(_optional(_unique_lists(text, max_size=2))),
            session_affinity=draw(_optional(_enum_values(ServiceAffinity, True))),
            load_balancer_ip=draw(_optional(text)),
            load_balancer_source_ranges=draw(_optional(_unique_lists(text, max_size=2))),
            external_name=draw(_optional(text)),
            external_traffic_policy=draw(_optional(_enum_values(ServiceExternalTrafficPolicy, True))),
            health_check_node_port=draw(_optional(_ints(0, 0, True))),
            publish_not_ready_addresses=draw(_optional(st.booleans())),
            session_affinity_config=draw(
                _optional(
                    st.builds(
                        SessionAffinityConfig,
                        client_ip=_optional(st.builds(ClientIPConfig, timeout_seconds=_optional(_ints(0, 0, True)))),
                    )
                )
            ),
            ip_families=draw(_optional(st.lists(_enum_values(IPFamily, True), max_size=2).map(tuple))),
            ip_family_policy=draw(_optional(_enum_values(IPFamilyPolicy, True))),
            allocate_load_balancer_node_ports=draw(_optional(st.booleans())),
            load_balancer_class=draw(_optional(text)),
            internal_traffic_policy=draw(_optional(_enum_values(ServiceInternalTrafficPolicy, True))),
            traffic_distribution=draw(_optional(_enum_values(TrafficDistribution, True))),
        )
    service_type = draw(st.sampled_from(ServiceType))
    selector = draw(_optional(_label_maps(False)))
    common: dict[str, Any] = {
        "selector": selector,
        "session_affinity": draw(_optional(st.sampled_from(ServiceAffinity))),
        "publish_not_ready_addresses": draw(_optional(st.booleans())),
        "traffic_distribution": draw(_optional(st.sampled_from(TrafficDistribution))),
    }
    if common["session_affinity"] is ServiceAffinity.CLIENT_IP:
        timeout = draw(_optional(st.integers(1, 86400)))
        common["session_affinity_config"] = SessionAffinityConfig(client_ip=ClientIPConfig(timeout_seconds=timeout))
    if service_type is ServiceType.EXTERNAL_NAME:
        return ServiceSpec(
            type=service_type,
            external_name=draw(dns_subdomains(max_size=100)),
            ports=_valid_service_ports(draw, service_type, 0, max_ports),
            **common,
        )
    headless = service_type is ServiceType.CLUSTER_IP and draw(st.booleans())
    families = draw(st.permutations(list(IPFamily)))[: 1 if headless else draw(st.integers(1, 2))]
    if headless:
        cluster_ips: tuple[str, ...] | None = ("None",)
    else:
        # Absent cluster IPs are allocated by the apiserver; given ones are one per family.
        cluster_ips = draw(_optional(st.tuples(*(ip_addresses(f) for f in families))))
    if len(families) == 1:
        policy = IPFamilyPolicy.SINGLE_STACK
    else:
        policy = draw(st.sampled_from([IPFamilyPolicy.PREFER_DUAL_STACK, IPFamilyPolicy.REQUIRE_DUAL_STACK]))
    external = service_type in (ServiceType.NODE_PORT, ServiceType.LOAD_BALANCER)
    load_balancer = service_type is ServiceType.LOAD_BALANCER
    return ServiceSpec(
        type=service_type,
        ports=_valid_service_ports(draw, service_type, 0 if headless else 1, max(1, max_ports)),
        cluster_ip=cluster_ips[0] if cluster_ips else None,
        cluster_ips=cluster_ips,
        ip_families=tuple(families),
        ip_family_policy=policy,
        internal_traffic_policy=draw(st.sampled_from(ServiceInternalTrafficPolicy)),
        external_traffic_policy=draw(st.sampled_from(ServiceExternalTrafficPolicy)) if external else None,
        external_ips=None if headless else draw(_optional(_unique_lists(ip_addresses(families[0]), max_size=2))),
        allocate_load_balancer_node_ports=draw(_optional(st.booleans())) if load_balancer else None,
        load_balancer_class=draw(_optional(st.just("example.com/internal-lb"))) if load_balancer else None,
        **common,
    )


def service_specs(*, max_ports: int = 3, any_values: bool = False) -> SearchStrategy[ServiceSpec]:
    """`ServiceSpec` values whose fields agree with each other and with ``type``.

    ExternalName Services have an ``externalName`` and no cluster IPs;
    headless ones have ``clusterIP: None``; cluster IPs, when given, are one
    per IP family in ``ipFamilies``; only NodePort and LoadBalancer Services
    have node ports and an ``externalTrafficPolicy``.

    Args:
        max_ports: The most ports (at least one is generated unless the
            Service is headless or ExternalName).
        any_values: Independent, arbitrary field values.
    """
    _check_size("max_ports", max_ports, 0, 1000)
    return _service_specs(max_ports, any_values)


@st.composite
def _services(draw: st.DrawFn, max_ports: int, any_values: bool) -> Service:
    spec = draw(service_specs(max_ports=max_ports, any_values=any_values))
    ingress = st.builds(
        LoadBalancerIngress,
        ip=_optional(_ip_addresses_any(any_values)),
        hostname=_optional(_texts() if any_values else dns_subdomains(max_size=63)),
    )
    if any_values or spec.type is ServiceType.LOAD_BALANCER:
        status = ServiceStatus(
            load_balancer=LoadBalancerStatus(ingress=draw(_optional(_unique_lists(ingress, max_size=2, key=id))))
        )
    else:
        status = ServiceStatus()
    return Service(
        metadata=draw(object_metas(names=_dns1035_labels(), any_values=any_values)), spec=spec, status=status
    )


def services(*, max_ports: int = 3, any_values: bool = False) -> SearchStrategy[Service]:
    """core/v1 `Service` objects with DNS-1035 names and a consistent spec (see `service_specs`)."""
    _check_size("max_ports", max_ports, 0, 1000)
    return _services(max_ports, any_values)


def service_lists(*, max_size: int = 3, any_values: bool = False) -> SearchStrategy[ServiceList]:
    """core/v1 `ServiceList` objects."""
    _check_size("max_size", max_size, 0, 10_000)
    return st.builds(
        ServiceList,
        metadata=list_metas(any_values=any_values),
        items=st.lists(services(any_values=any_values), max_size=max_size).map(tuple),
    )


# ---------------------------------------------------------------------------
# Pods and Nodes


def containers(
    *, names: ValueOrStrategy[str] | None = None, sidecar: bool = False, any_values: bool = False
) -> SearchStrategy[Container]:
    """`Container` values with an image and uniquely named ports.

    Args:
        names: Container names: a fixed name, or a strategy (DNS labels by default).
        sidecar: Make init containers that keep running (``restartPolicy: Always``).
        any_values: Arbitrary strings.
    """
    text = _either(any_values)
    ports = st.builds(
        ContainerPort,
        name=_optional(text(_iana_service_names())),
        container_port=_ints(1, 65535, any_values),
        protocol=_optional(_enum_values(Protocol, any_values)),
    )
    return st.builds(
        Container,
        name=text(_strategy_of(names) if names is not None else dns_labels()),
        ports=_optional(_unique_lists(ports, max_size=3, key=id if any_values else (lambda p: p.name or p))),
        restart_policy=st.just("Always") if sidecar else st.none(),
        extra=(text(st.sampled_from(["registry.k8s.io/pause:3.10", "nginx:1.27"]))).map(
            lambda image: FrozenDict(image=image)
        ),
    )


def _without_duplicate_port_names(pod_containers: Sequence[Container]) -> tuple[Container, ...]:
    """Unname every container port whose name an earlier port of the Pod already uses."""
    seen: set[str] = set()
    out = []
    for c in pod_containers:
        ports = []
        for p in c.ports or ():
            if p.name is not None and p.name in seen:
                p = attrs.evolve(p, name=None)  # noqa: PLW2901  # The loop builds the renamed copy.
            elif p.name is not None:
                seen.add(p.name)
            ports.append(p)
        out.append(c if c.ports is None else attrs.evolve(c, ports=tuple(ports)))
    return tuple(out)


@st.composite
def _pods(draw: st.DrawFn, max_containers: int, any_values: bool) -> Pod:
    text = _either(any_values)
    count = draw(st.integers(1, max_containers))
    sidecars = draw(st.integers(0, 2))
    # Container names are unique across app and init containers, so draw them together.
    names = draw(_unique_lists(text(dns_labels(max_size=20)), min_size=count + sidecars, max_size=count + sidecars))
    app = tuple(draw(containers(names=st.just(n), any_values=any_values)) for n in names[:count])
    init: tuple[Container, ...] | None = tuple(
        draw(containers(names=st.just(n), sidecar=True, any_values=any_values)) for n in names[count:]
    )
    if not init:
        init = draw(st.sampled_from([None, ()]))
    if not any_values:
        # Port names must be unique within a Pod.
        fixed = _without_duplicate_port_names(app + (init or ()))
        app, init = fixed[:count], fixed[count:] if init else init
    family = draw(st.sampled_from(IPFamily))
    ips = draw(
        _optional(st.tuples(*(ip_addresses(f) for f in (family, *draw(st.sampled_from([(), (_other(family),)]))))))
    )
    conditions = st.builds(
        PodCondition,
        type=text(st.sampled_from(["Ready", "ContainersReady", "Initialized", "PodScheduled"])),
        status=_enum_values(ConditionStatus, any_values),
    )
    return Pod(
        metadata=draw(object_metas(any_values=any_values)),
        spec=PodSpec(
            node_name=draw(_optional(text(dns_subdomains(max_size=63)))),
            hostname=draw(_optional(text(dns_labels()))),
            subdomain=draw(_optional(text(dns_labels()))),
            containers=app,
            init_containers=init,
        ),
        status=PodStatus(
            phase=draw(_optional(_enum_values(PodPhase, any_values))),
            pod_ip=ips[0] if ips else None,
            pod_ips=tuple(PodIP(ip=ip) for ip in ips) if ips else None,
            conditions=draw(_optional(_unique_lists(conditions, max_size=4, key=lambda c: c.type))),
        ),
    )


def _other(family: IPFamily) -> IPFamily:
    return IPFamily.IPV6 if family is IPFamily.IPV4 else IPFamily.IPV4


def pods(*, max_containers: int = 2, any_values: bool = False) -> SearchStrategy[Pod]:
    """core/v1 `Pod` objects, as controller emulation reads them.

    They have one to *max_containers* app containers, sometimes sidecar init
    containers, uniquely named container ports, ``podIPs`` (one per family,
    the first equal to ``podIP``) and conditions such as ``Ready``.
    """
    _check_size("max_containers", max_containers, 1, 100)
    return _pods(max_containers, any_values)


def _quantities(any_values: bool) -> SearchStrategy[int | float | str]:
    cpu = st.one_of(st.integers(1, 128).map(str), st.integers(100, 128_000).map(lambda m: f"{m}m"))
    memory = st.integers(1, 1024).map(lambda n: f"{n}Gi")
    valid: SearchStrategy[int | float | str] = cpu | memory
    return valid | st.integers(0, 2**31 - 1) if any_values else valid


def nodes(*, any_values: bool = False) -> SearchStrategy[Node]:
    """core/v1 `Node` objects: a name, a zone label, allocatable CPU and memory, and a ``Ready`` condition."""
    text = _either(any_values)
    zone_label = st.dictionaries(
        st.just("topology.kubernetes.io/zone"), text(st.sampled_from(["zone-a", "zone-b", "eu-west-1a"])), max_size=1
    )
    conditions = st.builds(
        NodeCondition,
        type=text(st.sampled_from(["Ready", "MemoryPressure", "DiskPressure"])),
        status=_enum_values(ConditionStatus, any_values),
    )
    return st.builds(
        Node,
        metadata=object_metas(namespaced=False, any_values=any_values).flatmap(
            lambda meta: zone_label.map(
                lambda zone: attrs.evolve(
                    meta, labels=FrozenDict({**(meta.labels or {}), **zone}) if zone else meta.labels
                )
            )
        ),
        spec=st.builds(
            NodeSpec, extra=st.dictionaries(st.just("unschedulable"), st.booleans(), max_size=1).map(FrozenDict)
        ),
        status=st.builds(
            NodeStatus,
            allocatable=_optional(
                st.dictionaries(st.sampled_from(["cpu", "memory"]), _quantities(any_values), max_size=2).map(FrozenDict)
            ),
            conditions=_optional(_unique_lists(conditions, max_size=3, key=lambda c: c.type)),
        ),
    )


def pod_lists(*, max_size: int = 3, any_values: bool = False) -> SearchStrategy[PodList]:
    """core/v1 `PodList` objects."""
    _check_size("max_size", max_size, 0, 10_000)
    return st.builds(
        PodList,
        metadata=list_metas(any_values=any_values),
        items=st.lists(pods(any_values=any_values), max_size=max_size).map(tuple),
    )


def node_lists(*, max_size: int = 3, any_values: bool = False) -> SearchStrategy[NodeList]:
    """core/v1 `NodeList` objects."""
    _check_size("max_size", max_size, 0, 10_000)
    return st.builds(
        NodeList,
        metadata=list_metas(any_values=any_values),
        items=st.lists(nodes(any_values=any_values), max_size=max_size).map(tuple),
    )


# ---------------------------------------------------------------------------
# Any kind


def kube_objects(*, any_values: bool = False) -> SearchStrategy[KubeObject]:
    """One object of any kind this library models, lists excluded."""
    return st.one_of(
        endpoint_slices(any_values=any_values),
        endpoints_objects(any_values=any_values),
        services(any_values=any_values),
        pods(any_values=any_values),
        nodes(any_values=any_values),
    )


def kube_lists(*, max_size: int = 3, any_values: bool = False) -> SearchStrategy[KubeList]:
    """Generic ``kind: List`` objects whose items are of mixed kinds, as ``kubectl get -o yaml`` prints them."""
    _check_size("max_size", max_size, 0, 10_000)
    return st.builds(
        KubeList,
        metadata=st.just(ListMeta(resource_version="")),
        items=st.lists(kube_objects(any_values=any_values), max_size=max_size).map(tuple),
    )


# ---------------------------------------------------------------------------
# Registration with Hypothesis


def _register() -> None:
    """Register the default strategy of every model with `st.register_type_strategy`."""
    registrations: dict[type[Any], SearchStrategy[Any]] = {
        EndpointSlice: endpoint_slices(),
        EndpointSliceList: endpoint_slice_lists(),
        Endpoint: st.sampled_from(AddressType).flatmap(lambda t: endpoints(address_type=t)),
        EndpointConditions: endpoint_conditions(),
        EndpointHints: endpoint_hints(),
        EndpointPort: endpoint_ports(),
        ForZone: st.builds(ForZone, name=label_values()),
        ForNode: st.builds(ForNode, name=dns_subdomains(max_size=63)),
        Endpoints: endpoints_objects(),
        EndpointsList: endpoints_lists(),
        EndpointSubset: endpoint_subsets(),
        EndpointAddress: endpoint_addresses(),
        EndpointsPort: endpoints_ports(),
        Service: services(),
        ServiceList: service_lists(),
        ServiceSpec: service_specs(),
        ServicePort: service_ports(),
        Pod: pods(),
        PodList: pod_lists(),
        Container: containers(),
        Node: nodes(),
        NodeList: node_lists(),
        KubeList: kube_lists(),
        ObjectMeta: object_metas(),
        ObjectReference: object_references(),
        OwnerReference: owner_references(),
        ListMeta: list_metas(),
    }
    for cls, strategy in registrations.items():
        st.register_type_strategy(cls, strategy)


_HOOK["loaded"] = True
if _HOOK["called_early"]:
    _register()
