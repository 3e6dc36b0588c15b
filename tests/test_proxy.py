"""Tests for `endpointslice.proxy`: kube-proxy's merge of a Service's slices, traffic selection, and Endpoints."""

from __future__ import annotations

import pytest

from endpointslice import (
    AddressType,
    Endpoint,
    EndpointAddress,
    EndpointConditions,
    EndpointHints,
    EndpointPort,
    Endpoints,
    EndpointSlice,
    EndpointsPort,
    EndpointSubset,
    ForNode,
    ForZone,
    FrozenDict,
    ObjectMeta,
    ObjectReference,
    Service,
    ServiceSpec,
    TrafficDistribution,
)
from endpointslice.endpoints import ANNOTATION_OVER_CAPACITY
from endpointslice.proxy import (
    MixedServicesError,
    ProxyEndpoint,
    ServicePortKey,
    endpoints_from_slices,
    proxy_view,
    proxy_view_of_endpoints,
    select_endpoints,
)

SERVICE_NAME = "kubernetes.io/service-name"


def generate_slice(
    service: str,
    namespace: str,
    slice_num: int,
    num_endpoints: int,
    *,
    mods: tuple[int, int] = (999, 999),
    hosts: tuple[str, ...] = (),
    port_nums: tuple[int | None, ...] = (80,),
    offset: int | None = None,
) -> EndpointSlice:
    """The slice kube-proxy's tests build with ``generateEndpointSliceWithOffset``.

    *mods* is (unreadyMod, terminatingMod): endpoint ``i`` is unready when
    ``i % unreadyMod == 0`` and terminating when ``i % terminatingMod == 0``.
    """
    unready_mod, terminating_mod = mods
    offset = slice_num if offset is None else offset
    endpoints = []
    for i in range(1, num_endpoints + 1):
        ready_condition = i % unready_mod != 0
        terminating = i % terminating_mod == 0
        endpoints.append(
            Endpoint(
                addresses=(f"10.0.{offset}.{i}",),
                conditions=EndpointConditions(
                    ready=ready_condition and not terminating, serving=ready_condition, terminating=terminating
                ),
                node_name=hosts[i % len(hosts)] if hosts else None,
            )
        )
    return EndpointSlice(
        metadata=ObjectMeta(
            name=f"{service}-{slice_num}", namespace=namespace, labels=FrozenDict({SERVICE_NAME: service})
        ),
        address_type=AddressType.IPV4,
        endpoints=tuple(endpoints),
        ports=tuple(EndpointPort(name=f"port-{i}", port=p, protocol="TCP") for i, p in enumerate(port_nums)),
    )


Row = tuple[str, bool, bool, bool, bool]  # (ip:port, isLocal, ready, serving, terminating)


def flatten(slices: list[EndpointSlice], host: str, service: tuple[str, str] = ("ns1", "svc1")) -> dict[str, list[Row]]:
    view = proxy_view(slices, service=service)
    return {
        str(key): [(e.address, e.is_local(host), e.ready, e.serving, e.terminating) for e in eps]
        for key, eps in view.ports.items()
    }


def ready_rows(prefix: str, numbers: list[int], port: int, local: set[int] | None = None) -> list[Row]:
    return [(f"{prefix}.{n}:{port}", n in (local or set()), True, True, False) for n in numbers]


# Cases from kube-proxy's TestEndpointsMapFromESC (pkg/proxy/endpointslicecache_test.go).
# Slices with the same name replace one another, as in kube-proxy's cache.
ESC_CASES = [
    (
        "1 slice, 2 hosts, ports 80,443",
        "host1",
        [
            generate_slice(
                "svc1",
                "ns1",
                1,
                3,
                hosts=("host1", "host2"),
                port_nums=(80, 443),
            )
        ],
        {
            "port-0/TCP": ready_rows("10.0.1", [1, 2, 3], 80, {2}),
            "port-1/TCP": ready_rows("10.0.1", [1, 2, 3], 443, {2}),
        },
    ),
    (
        "2 slices, same port",
        "",
        [
            generate_slice("svc1", "ns1", 1, 3),
            generate_slice("svc1", "ns1", 2, 3),
        ],
        {"port-0/TCP": ready_rows("10.0.1", [1, 2, 3], 80) + ready_rows("10.0.2", [1, 2, 3], 80)},
    ),
    (
        "2 overlapping slices, same port",
        "",
        [
            generate_slice("svc1", "ns1", 1, 3),
            generate_slice("svc1", "ns1", 1, 4),
        ],
        {"port-0/TCP": ready_rows("10.0.1", [1, 2, 3, 4], 80)},
    ),
    (
        "2 slices, overlapping endpoints, some endpoints unready in 1 or both",
        "",
        [
            generate_slice("svc1", "ns1", 1, 10, mods=(3, 999)),
            generate_slice("svc1", "ns1", 1, 10, mods=(6, 999)),
        ],
        {
            "port-0/TCP": [
                ("10.0.1.10:80", False, True, True, False),
                ("10.0.1.1:80", False, True, True, False),
                ("10.0.1.2:80", False, True, True, False),
                ("10.0.1.3:80", False, True, True, False),
                ("10.0.1.4:80", False, True, True, False),
                ("10.0.1.5:80", False, True, True, False),
                ("10.0.1.6:80", False, False, False, False),
                ("10.0.1.7:80", False, True, True, False),
                ("10.0.1.8:80", False, True, True, False),
                ("10.0.1.9:80", False, True, True, False),
            ]
        },
    ),
    (
        "2 slices, overlapping endpoints, some endpoints unready and some endpoints terminating",
        "",
        [
            generate_slice("svc1", "ns1", 1, 10, mods=(3, 5)),
            generate_slice("svc1", "ns1", 1, 10, mods=(6, 5)),
        ],
        {
            "port-0/TCP": [
                ("10.0.1.10:80", False, False, True, True),
                ("10.0.1.1:80", False, True, True, False),
                ("10.0.1.2:80", False, True, True, False),
                ("10.0.1.3:80", False, True, True, False),
                ("10.0.1.4:80", False, True, True, False),
                ("10.0.1.5:80", False, False, True, True),
                ("10.0.1.6:80", False, False, False, False),
                ("10.0.1.7:80", False, True, True, False),
                ("10.0.1.8:80", False, True, True, False),
                ("10.0.1.9:80", False, True, True, False),
            ]
        },
    ),
    (
        "2 slices, overlapping endpoints, all unready",
        "",
        [
            generate_slice("svc1", "ns1", 1, 10, mods=(1, 999)),
            generate_slice("svc1", "ns1", 1, 10, mods=(1, 999)),
        ],
        {"port-0/TCP": [(f"10.0.1.{n}:80", False, False, False, False) for n in (10, 1, 2, 3, 4, 5, 6, 7, 8, 9)]},
    ),
    (
        "3 slices with different services and namespaces",
        "",
        [
            generate_slice("svc1", "ns1", 1, 3),
            generate_slice("svc2", "ns1", 2, 3),
            generate_slice("svc1", "ns2", 3, 3),
        ],
        {"port-0/TCP": ready_rows("10.0.1", [1, 2, 3], 80)},
    ),
    (
        "Nil port should not break anything",
        "host1",
        [
            generate_slice(
                "svc1",
                "ns1",
                1,
                3,
                hosts=("host1", "host2"),
                port_nums=(None,),
            )
        ],
        {},
    ),
    (
        "Different endpoints with duplicate IPs should not be filtered",
        "host1",
        [
            generate_slice(
                "svc1",
                "ns1",
                1,
                2,
                hosts=("host1", "host2"),
                offset=1,
            ),
            generate_slice(
                "svc1",
                "ns1",
                2,
                2,
                hosts=("host1", "host2"),
                port_nums=(8080,),
                offset=1,
            ),
        ],
        {
            "port-0/TCP": [
                ("10.0.1.1:80", False, True, True, False),
                ("10.0.1.1:8080", False, True, True, False),
                ("10.0.1.2:80", True, True, True, False),
                ("10.0.1.2:8080", True, True, True, False),
            ]
        },
    ),
]


@pytest.mark.parametrize(("host", "slices", "expected"), [pytest.param(*c[1:], id=c[0]) for c in ESC_CASES])
def test_proxy_view_matches_kube_proxy_cases(
    host: str, slices: list[EndpointSlice], expected: dict[str, list[Row]]
) -> None:
    assert flatten(slices, host) == expected


def one_slice(
    name: str,
    endpoints: list[Endpoint],
    *,
    address_type: AddressType = AddressType.IPV4,
    ports: list[EndpointPort] | None = None,
    service: str = "web",
) -> EndpointSlice:
    return EndpointSlice(
        metadata=ObjectMeta(name=name, namespace="shop", labels=FrozenDict({SERVICE_NAME: service})),
        address_type=address_type,
        endpoints=tuple(endpoints),
        ports=tuple(ports if ports is not None else [EndpointPort(name="http", port=8080, protocol="TCP")]),
    )


def ep(
    address: str,
    *,
    ready: bool | None = None,
    serving: bool | None = None,
    terminating: bool | None = None,
    node: str | None = None,
    uid: str | None = None,
) -> Endpoint:
    return Endpoint(
        addresses=(address,),
        conditions=EndpointConditions(ready=ready, serving=serving, terminating=terminating),
        node_name=node,
        target_ref=None if uid is None else ObjectReference(kind="Pod", name=uid, namespace="shop", uid=uid),
    )


@pytest.mark.parametrize("reverse", [False, True])
def test_a_duplicate_ip_port_prefers_the_endpoint_that_is_not_terminating(reverse: bool) -> None:
    old_pod = one_slice("web-a", [ep("10.0.0.1", ready=False, serving=True, terminating=True, uid="old")])
    new_pod = one_slice("web-b", [ep("10.0.0.1", ready=True, serving=True, terminating=False, uid="new")])
    slices = [new_pod, old_pod] if reverse else [old_pod, new_pod]
    (only,) = proxy_view(slices).endpoints("http")
    assert (only.ready, only.terminating) == (True, False)


@pytest.mark.parametrize("reverse", [False, True])
def test_duplicate_ip_port_choice_does_not_depend_on_slice_order(reverse: bool) -> None:
    a = one_slice("web-a", [ep("10.0.0.1", ready=False, node="n2")])
    b = one_slice("web-b", [ep("10.0.0.1", ready=True, node="n1")])
    (only,) = proxy_view([b, a] if reverse else [a, b]).endpoints("http")
    assert (only.ready, only.node_name) == (True, "n1")


def test_unset_conditions_read_as_ready_serving_and_not_terminating() -> None:
    (only,) = proxy_view([one_slice("web-a", [ep("10.0.0.1")])]).endpoints("http")
    assert (only.ready, only.serving, only.terminating) == (True, True, False)


def test_only_the_first_address_of_an_endpoint_counts() -> None:
    two = Endpoint(addresses=("10.0.0.7", "10.0.0.8"))
    assert [e.ip for e in proxy_view([one_slice("web-a", [two])]).endpoints("http")] == ["10.0.0.7"]


def test_addresses_are_canonicalised() -> None:
    view = proxy_view([one_slice("web-a", [ep("010.000.000.001")])])
    assert view.addresses() == {"http/TCP": ["10.0.0.1:8080"]}


def test_ipv6_view_brackets_addresses_and_ignores_ipv4_slices() -> None:
    v6 = one_slice("web-6", [ep("2001:DB8::2"), ep("2001:db8::1")], address_type=AddressType.IPV6)
    v4 = one_slice("web-4", [ep("10.0.0.1")])
    view = proxy_view([v4, v6], address_type=AddressType.IPV6)
    assert view.addresses() == {"http/TCP": ["[2001:db8::1]:8080", "[2001:db8::2]:8080"]}
    assert proxy_view([v4, v6]).addresses() == {"http/TCP": ["10.0.0.1:8080"]}


def test_endpoints_without_an_ip_of_the_family_are_ignored() -> None:
    eps = [Endpoint(addresses=()), ep("not-an-ip"), ep("2001:db8::1"), ep("10.0.0.1")]
    assert proxy_view([one_slice("web-a", eps)]).addresses() == {"http/TCP": ["10.0.0.1:8080"]}


def test_ports_are_keyed_by_name_and_protocol_with_tcp_as_default() -> None:
    ports = [
        EndpointPort(name="dns", port=53, protocol="UDP"),
        EndpointPort(name="dns", port=53, protocol="TCP"),
        EndpointPort(name="", port=80),
        EndpointPort(port=81),
    ]
    view = proxy_view([one_slice("web-a", [ep("10.0.0.1")], ports=ports)])
    assert list(view.ports) == [
        ServicePortKey(name="", protocol="TCP"),
        ServicePortKey(name="dns", protocol="TCP"),
        ServicePortKey(name="dns", protocol="UDP"),
    ]


def test_slices_without_service_name_are_ignored() -> None:
    orphan = EndpointSlice(metadata=ObjectMeta(name="x"), address_type=AddressType.IPV4, endpoints=(ep("10.0.0.9"),))
    view = proxy_view([orphan, one_slice("web-a", [ep("10.0.0.1")])])
    assert view.addresses() == {"http/TCP": ["10.0.0.1:8080"]}


def test_slices_of_several_services_need_a_choice() -> None:
    slices = [one_slice("a-1", [ep("10.0.0.1")], service="a"), one_slice("b-1", [ep("10.0.0.2")], service="b")]
    with pytest.raises(MixedServicesError, match=r"more than one Service \(shop/a, shop/b\)"):
        proxy_view(slices)
    assert proxy_view(slices, service="b").addresses() == {"http/TCP": ["10.0.0.2:8080"]}


def test_no_slices_at_all_is_an_error_without_a_service() -> None:
    with pytest.raises(MixedServicesError, match="no slice carries"):
        proxy_view([])
    assert proxy_view([], service="web").ports == {}


def test_hints_are_collected_sorted() -> None:
    hinted = Endpoint(
        addresses=("10.0.0.1",),
        hints=EndpointHints(for_zones=(ForZone(name="b"), ForZone(name="a")), for_nodes=(ForNode(name="n1"),)),
    )
    (only,) = proxy_view([one_slice("web-a", [hinted])]).endpoints("http")
    assert (only.zone_hints, only.node_hints) == (("a", "b"), ("n1",))


def pe(address: str, **kw: object) -> ProxyEndpoint:
    ip, port = address.split(":")
    return ProxyEndpoint(ip=ip, port=int(port), **kw)  # type: ignore[arg-type]


def zoned(address: str, *zones: str, ready: bool = True, local: bool = False) -> ProxyEndpoint:
    return pe(address, zone_hints=tuple(sorted(zones)), ready=ready, node_name="me" if local else "other")


FOUR_ZONED = [
    zoned("10.1.2.3:80", "zone-a"),
    zoned("10.1.2.4:80", "zone-b"),
    zoned("10.1.2.5:80", "zone-c"),
    zoned("10.1.2.6:80", "zone-a"),
]

# Cases from kube-proxy's TestCategorizeEndpoints (pkg/proxy/topology_test.go) that apply in 1.37,
# where hints are always honoured.
CATEGORIZE_CASES = [
    ("normal endpoint filtering", "zone-a", FOUR_ZONED, {"10.1.2.3:80", "10.1.2.6:80"}, set()),
    ("empty zone label", "", [zoned("10.1.2.3:80", "zone-a")], {"10.1.2.3:80"}, set()),
    (
        "node in different zone, no endpoint filtering",
        "zone-b",
        [zoned("10.1.2.3:80", "zone-a")],
        {"10.1.2.3:80"},
        set(),
    ),
    (
        "unready endpoint",
        "zone-a",
        [*FOUR_ZONED[:3], zoned("10.1.2.6:80", "zone-a", ready=False)],
        {"10.1.2.3:80"},
        set(),
    ),
    (
        "only unready endpoints in same zone (should not filter)",
        "zone-a",
        [
            zoned("10.1.2.3:80", "zone-a", ready=False),
            zoned("10.1.2.4:80", "zone-b"),
            zoned("10.1.2.5:80", "zone-c"),
            zoned("10.1.2.6:80", "zone-a", ready=False),
        ],
        {"10.1.2.4:80", "10.1.2.5:80"},
        set(),
    ),
    (
        "missing hints, no filtering applied",
        "zone-a",
        [FOUR_ZONED[0], FOUR_ZONED[1], zoned("10.1.2.5:80"), FOUR_ZONED[3]],
        {"10.1.2.3:80", "10.1.2.4:80", "10.1.2.5:80", "10.1.2.6:80"},
        set(),
    ),
    (
        "multiple hints per endpoint, filtering includes any endpoint with zone included",
        "zone-c",
        [
            zoned("10.1.2.3:80", "zone-a", "zone-b", "zone-c"),
            zoned("10.1.2.4:80", "zone-b", "zone-c"),
            zoned("10.1.2.5:80", "zone-b", "zone-d"),
            zoned("10.1.2.6:80", "zone-c"),
        ],
        {"10.1.2.3:80", "10.1.2.4:80", "10.1.2.6:80"},
        set(),
    ),
    (
        "externalTrafficPolicy: Local, topology ignored for Local endpoints",
        "zone-a",
        [
            zoned("10.1.2.3:80", "zone-a", local=True),
            zoned("10.1.2.4:80", "zone-b", local=True),
            zoned("10.1.2.5:80", "zone-c"),
            zoned("10.1.2.6:80", "zone-a"),
        ],
        {"10.1.2.3:80", "10.1.2.6:80"},
        {"10.1.2.3:80", "10.1.2.4:80"},
    ),
    (
        "Cluster traffic falls back to serving terminating endpoints",
        "",
        [
            pe("10.0.0.0:80", ready=False, serving=True, terminating=True, node_name="me"),
            pe("10.0.0.1:80", ready=False, serving=False, terminating=True, node_name="me"),
            pe("10.0.0.2:80", ready=False, serving=True, terminating=True),
            pe("10.0.0.3:80", ready=False, serving=True, terminating=False),
        ],
        {"10.0.0.0:80", "10.0.0.2:80"},
        {"10.0.0.0:80"},
    ),
    (
        "local ready endpoints win over local terminating ones",
        "",
        [
            pe("10.0.0.0:80", ready=True, node_name="me"),
            pe("10.0.0.1:80", ready=False, serving=True, terminating=True, node_name="me"),
        ],
        {"10.0.0.0:80"},
        {"10.0.0.0:80"},
    ),
]


@pytest.mark.parametrize(
    ("zone", "endpoints", "cluster", "local"), [pytest.param(*c[1:], id=c[0]) for c in CATEGORIZE_CASES]
)
def test_select_endpoints_matches_kube_proxy_cases(
    zone: str, endpoints: list[ProxyEndpoint], cluster: set[str], local: set[str]
) -> None:
    got = select_endpoints(endpoints, node_name="me", zone=zone)
    assert {e.address for e in got.cluster} == cluster
    assert {e.address for e in got.local} == local


def test_select_endpoints_prefers_same_node_hints() -> None:
    eps = [
        pe("10.0.0.1:80", node_hints=("me",), zone_hints=("a",)),
        pe("10.0.0.2:80", node_hints=("other",), zone_hints=("a",)),
    ]
    got = select_endpoints(eps, node_name="me", zone="a")
    assert got.topology is TrafficDistribution.PREFER_SAME_NODE
    assert [e.address for e in got.cluster] == ["10.0.0.1:80"]


def test_select_endpoints_falls_back_to_zone_hints_without_a_node_hint_for_this_node() -> None:
    eps = [
        pe("10.0.0.1:80", node_hints=("n1",), zone_hints=("a",)),
        pe("10.0.0.2:80", node_hints=("n2",), zone_hints=("b",)),
    ]
    got = select_endpoints(eps, node_name="me", zone="b")
    assert got.topology is TrafficDistribution.PREFER_SAME_ZONE
    assert [e.address for e in got.cluster] == ["10.0.0.2:80"]


def test_select_endpoints_reports_whether_anything_can_serve() -> None:
    assert not select_endpoints([pe("10.0.0.1:80", ready=False, serving=False)]).has_any
    assert not select_endpoints([]).has_any
    assert select_endpoints([pe("10.0.0.1:80", ready=False, serving=True, terminating=True)]).has_any


def test_endpoints_view_reads_not_ready_addresses_as_serving_but_not_ready() -> None:
    endpoints = Endpoints(
        metadata=ObjectMeta(name="web", namespace="shop"),
        subsets=(
            EndpointSubset(
                addresses=(EndpointAddress(ip="10.0.0.1", node_name="n1"),),
                not_ready_addresses=(EndpointAddress(ip="10.0.0.2"), EndpointAddress(ip="bogus")),
                ports=(EndpointsPort(name="http", port=8080),),
            ),
        ),
    )
    view = proxy_view_of_endpoints(endpoints)
    assert view.endpoints("http") == (
        ProxyEndpoint(ip="10.0.0.1", port=8080, node_name="n1"),
        ProxyEndpoint(ip="10.0.0.2", port=8080, ready=False),
    )
    assert proxy_view_of_endpoints(endpoints, address_type=AddressType.IPV6).ports == {}


def test_endpoints_from_slices_builds_canonical_endpoints() -> None:
    slices = [
        one_slice(
            "web-a",
            [
                ep("10.0.0.2", ready=True, node="n2", uid="p2"),
                ep("10.0.0.1", ready=False, serving=False, terminating=False, uid="p1"),
                ep("10.0.0.3", ready=False, serving=True, terminating=True, uid="p3"),
            ],
        ),
        one_slice("web-6", [ep("2001:db8::1", uid="p6")], address_type=AddressType.IPV6),
    ]
    service = Service(
        metadata=ObjectMeta(name="web", namespace="shop", labels=FrozenDict({"app": "web"})),
        spec=ServiceSpec(cluster_ip="None"),
    )
    got = endpoints_from_slices(slices, service=service)
    assert got.metadata == ObjectMeta(
        name="web", namespace="shop", labels=FrozenDict({"app": "web", "service.kubernetes.io/headless": ""})
    )
    http = (EndpointsPort(name="http", port=8080, protocol="TCP"),)
    ref = {u: ObjectReference(kind="Pod", name=u, namespace="shop", uid=u) for u in ("p1", "p2", "p6")}
    assert got.subsets == (
        EndpointSubset(
            addresses=(
                EndpointAddress(ip="10.0.0.2", node_name="n2", target_ref=ref["p2"]),
                EndpointAddress(ip="2001:db8::1", target_ref=ref["p6"]),
            ),
            not_ready_addresses=(EndpointAddress(ip="10.0.0.1", target_ref=ref["p1"]),),
            ports=http,
        ),
    )


def test_endpoints_from_slices_truncates_like_the_controller() -> None:
    many = [ep(f"10.0.{i // 250}.{i % 250}") for i in range(1200)]
    got = endpoints_from_slices([one_slice("web-a", many[:600]), one_slice("web-b", many[600:])])
    assert got.metadata.annotations == {ANNOTATION_OVER_CAPACITY: "truncated"}
    assert sum(len(s.addresses or ()) for s in got.subsets or ()) == 1000


def test_endpoints_from_slices_keeps_a_headless_slice_without_ports() -> None:
    got = endpoints_from_slices([one_slice("web-a", [ep("10.0.0.1")], ports=[])])
    assert got.subsets == (EndpointSubset(addresses=(EndpointAddress(ip="10.0.0.1"),)),)


def test_endpoints_from_slices_of_nothing_is_an_empty_endpoints() -> None:
    got = endpoints_from_slices([], service=("shop", "web"))
    assert (got.metadata.name, got.metadata.namespace, got.subsets) == ("web", "shop", None)


def test_slices_without_a_name_or_namespace_still_count() -> None:
    # kube-proxy ignores such slices, but manifests in files often leave both out.
    unnamed = EndpointSlice(
        metadata=ObjectMeta(labels=FrozenDict({SERVICE_NAME: "web"})),
        address_type=AddressType.IPV4,
        endpoints=(ep("10.0.0.1"),),
        ports=(EndpointPort(name="http", port=8080),),
    )
    view = proxy_view([unnamed, unnamed])
    assert (view.namespace, view.name, view.addresses()) == (None, "web", {"http/TCP": ["10.0.0.1:8080"]})


def test_a_service_without_namespace_matches_its_slices_by_name() -> None:
    service = Service(metadata=ObjectMeta(name="web"))
    got = endpoints_from_slices([one_slice("web-a", [ep("10.0.0.1")])], service=service)
    assert (got.metadata.namespace, [a.ip for a in (got.subsets or ())[0].addresses or ()]) == ("shop", ["10.0.0.1"])
    assert proxy_view([one_slice("web-a", [ep("10.0.0.1")])], service=(None, "web")).namespace == "shop"
