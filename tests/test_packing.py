"""Tests for endpointslice.packing: upstream's utils_test.go tables, selectorless input, naming, pack."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from endpointslice import (
    AddressType,
    Container,
    ContainerPort,
    Endpoint,
    EndpointConditions,
    EndpointHints,
    EndpointPort,
    EndpointSlice,
    ForZone,
    FrozenDict,
    Node,
    ObjectMeta,
    ObjectReference,
    OwnerReference,
    Pod,
    PodCondition,
    PodIP,
    PodSpec,
    PodStatus,
    Service,
    ServicePort,
    ServiceSpec,
    io,
)
from endpointslice.packing import (
    CONTROLLER_NAME,
    LABEL_HEADLESS,
    LABEL_ZONE,
    NameStrategy,
    PackingError,
    address_types_for_service,
    controller_manages,
    desired_endpoints,
    desired_from_endpoints,
    endpoint_from_pod,
    endpoint_identity,
    endpoint_ports_for_pod,
    find_port,
    is_owned_by,
    new_slice,
    owner_reference,
    pack,
    slice_labels,
)
from endpointslice.reconcile import reconcile

EXAMPLES = Path(__file__).parent.parent / "examples"
NS = "test"
T = TypeVar("T")


def evolve(obj: T, **changes: Any) -> T:
    """A typed `attrs.evolve` (mypy's attrs plugin does not see the model decorator)."""
    return cast("T", attrs.evolve(cast("Any", obj), **changes))


def service(
    name: str = "foo",
    *,
    labels: Mapping[str, str] | None = None,
    cluster_ip: str | None = None,
    ip_families: Sequence[str] | None = ("IPv4",),
    ports: Sequence[ServicePort] | None = None,
    publish_not_ready: bool | None = None,
    selector: Mapping[str, str] | None = None,
    type_: str | None = None,
) -> Service:
    """Upstream's ``newServiceAndEndpointMeta`` (one TCP port, targetPort 80, IPv4, selector foo=bar)."""
    return Service(
        metadata=ObjectMeta(
            name=name,
            namespace=NS,
            uid=f"{NS}-{name}",
            labels=FrozenDict(labels) if labels is not None else None,
        ),
        spec=ServiceSpec(
            ports=tuple(ports)
            if ports is not None
            else (ServicePort(name=name, port=80, target_port=80, protocol="TCP"),),
            selector=FrozenDict(selector if selector is not None else {"foo": "bar"}),
            ip_families=tuple(ip_families) if ip_families is not None else None,
            cluster_ip=cluster_ip,
            publish_not_ready_addresses=publish_not_ready,
            type=type_,
        ),
    )


def pod(
    n: int,
    *,
    ready: bool = True,
    terminating: bool = False,
    ips: Sequence[str] | None = None,
    node: str | None = "node-1",
    namespace: str = NS,
    labels: Mapping[str, str] | None = None,
    phase: str | None = None,
    hostname: str | None = None,
    subdomain: str | None = None,
    containers: Sequence[Container] = (Container(name="container-1"),),
    init_containers: Sequence[Container] | None = None,
) -> Pod:
    """Upstream's ``newPod(n, ns, ready, 1, terminating)``: IP 1.2.3.<4+n>, node-1, labels foo=bar."""
    addresses = list(ips) if ips is not None else [f"1.2.3.{4 + n}"]
    return Pod(
        metadata=ObjectMeta(
            namespace=namespace,
            name=f"pod{n}",
            uid=f"uid-{n}",
            labels=FrozenDict(labels if labels is not None else {"foo": "bar"}),
            deletion_timestamp="2026-07-01T10:00:00Z" if terminating else None,
        ),
        spec=PodSpec(
            containers=tuple(containers),
            init_containers=tuple(init_containers) if init_containers is not None else None,
            node_name=node,
            hostname=hostname,
            subdomain=subdomain,
        ),
        status=PodStatus(
            phase=phase,
            pod_ip=addresses[0] if addresses else None,
            pod_ips=tuple(PodIP(ip=a) for a in addresses) if addresses else None,
            conditions=(PodCondition(type="Ready", status="True" if ready else "False"),),
        ),
    )


def node(name: str = "node-1", zone: str | None = None) -> Node:
    return Node(metadata=ObjectMeta(name=name, labels=FrozenDict({LABEL_ZONE: zone}) if zone else None))


def expected_endpoint(
    address: str = "1.2.3.5",
    *,
    conditions: tuple[bool, bool, bool] = (True, True, False),
    zone: str | None = None,
    hostname: str | None = None,
    name: str = "pod1",
) -> Endpoint:
    ready, serving, terminating = conditions
    return Endpoint(
        addresses=(address,),
        conditions=EndpointConditions(ready=ready, serving=serving, terminating=terminating),
        node_name="node-1",
        zone=zone,
        hostname=hostname,
        target_ref=ObjectReference(kind="Pod", namespace=NS, name=name, uid="uid-1"),
    )


# ---------------------------------------------------------------------------
# TestSupportedServiceAddressType


@pytest.mark.parametrize(
    ("families", "cluster_ip", "expected"),
    [
        pytest.param(None, "10.0.0.10", ["IPv4"], id="v4 service with no ip families"),
        pytest.param(None, "2000::1", ["IPv6"], id="v6 service with no ip families"),
        pytest.param(["IPv4"], None, ["IPv4"], id="v4 service"),
        pytest.param(["IPv6"], None, ["IPv6"], id="v6 service"),
        pytest.param(["IPv4", "IPv6"], None, ["IPv4", "IPv6"], id="v4,v6 service"),
        pytest.param(["IPv6", "IPv4"], None, ["IPv4", "IPv6"], id="v6,v4 service"),
        pytest.param(None, "None", ["IPv4", "IPv6"], id="headless with no families"),
        pytest.param(None, None, ["IPv4", "IPv6"], id="no cluster IP and no families"),
        pytest.param(["IPv4", "IPv6"], "None", ["IPv4", "IPv6"], id="headless with families"),
    ],
)
def test_address_types_for_service(families: list[str] | None, cluster_ip: str | None, expected: list[str]) -> None:
    svc = service(ip_families=families, cluster_ip=cluster_ip)
    assert [t.value for t in address_types_for_service(svc)] == expected


# ---------------------------------------------------------------------------
# TestPodToEndpoint


ZONED = node("node-1", "us-central1-a")


@pytest.mark.parametrize(
    ("the_pod", "publish", "the_node", "expected"),
    [
        pytest.param(pod(1), False, None, expected_endpoint(), id="ready pod"),
        pytest.param(pod(1), True, None, expected_endpoint(), id="ready pod + publishNotReadyAddresses"),
        pytest.param(
            pod(1, ready=False), False, None, expected_endpoint(conditions=(False, False, False)), id="unready pod"
        ),
        pytest.param(
            pod(1, ready=False),
            True,
            None,
            expected_endpoint(conditions=(True, False, False)),
            id="unready pod + publishNotReadyAddresses",
        ),
        pytest.param(pod(1), False, ZONED, expected_endpoint(zone="us-central1-a"), id="ready pod + node labels"),
        pytest.param(
            pod(1, ips=["1.2.3.4", "1234::5678:0000:0000:9abc:def0"]),
            False,
            ZONED,
            expected_endpoint("1.2.3.4", zone="us-central1-a"),
            id="multi IP ready pod + node labels",
        ),
        pytest.param(
            pod(1, hostname="example-hostname", subdomain="foo"),
            False,
            ZONED,
            expected_endpoint(zone="us-central1-a", hostname="example-hostname"),
            id="ready pod + hostname",
        ),
        pytest.param(
            pod(1, terminating=True),
            False,
            None,
            expected_endpoint(conditions=(False, True, True)),
            id="ready terminating pod",
        ),
        pytest.param(
            pod(1, ready=False, terminating=True),
            False,
            None,
            expected_endpoint(conditions=(False, False, True)),
            id="not ready terminating pod",
        ),
        pytest.param(
            pod(1, ready=False, terminating=True),
            True,
            None,
            expected_endpoint(conditions=(True, False, True)),
            id="not ready terminating pod + publishNotReadyAddresses",
        ),
    ],
)
def test_endpoint_from_pod(the_pod: Pod, publish: bool, the_node: Node | None, expected: Endpoint) -> None:
    svc = service(publish_not_ready=publish)
    assert endpoint_from_pod(the_pod, svc, AddressType.IPV4, node=the_node) == expected


def test_endpoint_from_pod_takes_canonical_addresses_of_the_family() -> None:
    p = pod(1, ips=["010.001.002.003", "1234::5678:0000:0000:9abc:def0"])
    assert endpoint_from_pod(p, service(), AddressType.IPV4).addresses == ("10.1.2.3",)
    assert endpoint_from_pod(p, service(), AddressType.IPV6).addresses == ("1234::5678:0:0:9abc:def0",)


@pytest.mark.parametrize(
    ("hostname", "subdomain", "namespace", "expected"),
    [
        ("web-0", "foo", NS, "web-0"),
        ("web-0", "other", NS, None),
        ("web-0", None, NS, None),
        ("", "foo", NS, None),
        ("web-0", "foo", "elsewhere", None),
    ],
)
def test_hostname_rule(hostname: str, subdomain: str | None, namespace: str, expected: str | None) -> None:
    p = pod(1, hostname=hostname, subdomain=subdomain, namespace=namespace)
    assert endpoint_from_pod(p, service(), AddressType.IPV4).hostname == expected


def test_only_the_first_ready_condition_counts() -> None:
    p = pod(1)
    twice = evolve(
        p,
        status=evolve(
            p.status,
            conditions=(PodCondition(type="Ready", status="False"), PodCondition(type="Ready", status="True")),
        ),
    )
    assert endpoint_from_pod(twice, service(), AddressType.IPV4).conditions.serving is False


# ---------------------------------------------------------------------------
# TestGetEndpointPorts and named ports


def test_ports_carry_app_protocol() -> None:
    svc = service(
        ports=[
            ServicePort(
                name="http", port=80, target_port=80, protocol="TCP", app_protocol="example.com/custom-protocol"
            )
        ]
    )
    assert endpoint_ports_for_pod(svc, pod(1)) == (
        EndpointPort(name="http", port=80, protocol="TCP", app_protocol="example.com/custom-protocol"),
    )


def test_named_port_resolves_per_pod() -> None:
    svc = service(
        ports=[
            ServicePort(name="http", port=80, target_port=80, protocol="TCP"),
            ServicePort(name="https", target_port="https", port=443, protocol="TCP", app_protocol="https"),
        ]
    )
    p = pod(
        1, containers=[Container(name="c", ports=(ContainerPort(name="https", container_port=443, protocol="TCP"),))]
    )
    assert endpoint_ports_for_pod(svc, p) == (
        EndpointPort(name="http", port=80, protocol="TCP"),
        EndpointPort(name="https", port=443, protocol="TCP", app_protocol="https"),
    )


def _named(name: str = "web", protocol: str | None = "TCP") -> ServicePort:
    return ServicePort(name="p", port=80, target_port=name, protocol=protocol)


@pytest.mark.parametrize(
    ("containers", "init_containers", "port", "expected"),
    [
        pytest.param(
            [Container(name="a", ports=(ContainerPort(name="web", container_port=8080),))],
            None,
            _named(),
            8080,
            id="regular",
        ),
        pytest.param(
            [Container(name="a", ports=(ContainerPort(name="web", container_port=8080, protocol="UDP"),))],
            None,
            _named(),
            None,
            id="protocol must match",
        ),
        pytest.param(
            [Container(name="a", ports=(ContainerPort(name="web", container_port=53, protocol="UDP"),))],
            None,
            _named(protocol="UDP"),
            53,
            id="UDP",
        ),
        pytest.param(
            [Container(name="a")],
            [Container(name="s", restart_policy="Always", ports=(ContainerPort(name="web", container_port=9000),))],
            _named(),
            9000,
            id="sidecar",
        ),
        pytest.param(
            [Container(name="a")],
            [Container(name="i", ports=(ContainerPort(name="web", container_port=9000),))],
            _named(),
            None,
            id="plain init container ignored",
        ),
        pytest.param(
            [Container(name="a", ports=(ContainerPort(name="web", container_port=8080),))],
            [Container(name="s", restart_policy="Always", ports=(ContainerPort(name="web", container_port=9000),))],
            _named(),
            8080,
            id="containers before sidecars",
        ),
        pytest.param([Container(name="a")], None, ServicePort(port=80, target_port=8443), 8443, id="numeric"),
        pytest.param([Container(name="a")], None, ServicePort(port=80), 80, id="unset targetPort is port"),
    ],
)
def test_find_port(
    containers: list[Container], init_containers: list[Container] | None, port: ServicePort, expected: int | None
) -> None:
    assert find_port(pod(1, containers=containers, init_containers=init_containers), port) == expected


def test_headless_service_without_ports_gives_no_ports() -> None:
    assert endpoint_ports_for_pod(service(cluster_ip="None", ports=[]), pod(1)) == ()


# ---------------------------------------------------------------------------
# TestSetEndpointSliceLabels and TestNewEndpointSlice


SVC_LABELED = {"kubernetes.io/service-name": "foo", "endpointslice.kubernetes.io/managed-by": CONTROLLER_NAME}
EVIL = {"kubernetes.io/service-name": "bad", "endpointslice.kubernetes.io/managed-by": "actor"}


@pytest.mark.parametrize(
    ("current", "labels", "cluster_ip", "expected", "updated"),
    [
        pytest.param({}, None, "1.1.1.1", SVC_LABELED, False, id="service without labels, empty slice"),
        pytest.param(
            {},
            {"foo": "bar"},
            "None",
            {**SVC_LABELED, LABEL_HEADLESS: "", "foo": "bar"},
            True,
            id="headless with labels",
        ),
        pytest.param({}, None, "None", {**SVC_LABELED, LABEL_HEADLESS: ""}, False, id="headless without labels"),
        pytest.param({}, {LABEL_HEADLESS: ""}, "1.1.1.1", SVC_LABELED, False, id="non-headless with headless label"),
        pytest.param(
            {**SVC_LABELED, LABEL_HEADLESS: ""}, None, "1.1.1.1", SVC_LABELED, False, id="headless to ClusterIP"
        ),
        pytest.param(
            {**SVC_LABELED, "foo": "bar"},
            {"foo": "bar"},
            "None",
            {**SVC_LABELED, LABEL_HEADLESS: "", "foo": "bar"},
            False,
            id="same labels",
        ),
        pytest.param({}, {"foo": "bar"}, "1.1.1.1", {**SVC_LABELED, "foo": "bar"}, True, id="service with labels"),
        pytest.param({**SVC_LABELED, "foo": "bar"}, None, "1.1.1.1", SVC_LABELED, True, id="slice with labels only"),
        pytest.param(
            SVC_LABELED,
            {**EVIL, LABEL_HEADLESS: "invalid"},
            "1.1.1.1",
            SVC_LABELED,
            False,
            id="evil reserved labels only",
        ),
        pytest.param(
            SVC_LABELED, {**EVIL, "foo": "bar"}, "1.1.1.1", {**SVC_LABELED, "foo": "bar"}, True, id="evil with update"
        ),
    ],
)
def test_slice_labels(
    current: dict[str, str], labels: dict[str, str] | None, cluster_ip: str, expected: dict[str, str], updated: bool
) -> None:
    got, changed = slice_labels(service(labels=labels, cluster_ip=cluster_ip), current=current)
    assert (dict(got), changed) == (expected, updated)


@pytest.mark.parametrize(
    ("labels", "cluster_ip", "expected_labels"),
    [
        pytest.param(None, "1.1.1.1", SVC_LABELED, id="without labels"),
        pytest.param({"foo": "bar"}, "1.1.1.1", {**SVC_LABELED, "foo": "bar"}, id="with labels"),
        pytest.param(
            {"foo": "bar"}, "None", {**SVC_LABELED, LABEL_HEADLESS: "", "foo": "bar"}, id="headless with labels"
        ),
        pytest.param({**EVIL, "foo": "bar"}, "1.1.1.1", {**SVC_LABELED, "foo": "bar"}, id="evil service"),
    ],
)
def test_new_slice(labels: dict[str, str] | None, cluster_ip: str, expected_labels: dict[str, str]) -> None:
    svc = service(labels=labels, cluster_ip=cluster_ip)
    ports = (EndpointPort(name="foo", protocol="TCP"),)
    assert new_slice(svc, AddressType.IPV4, ports) == EndpointSlice(
        metadata=ObjectMeta(
            generate_name="foo-",
            namespace=NS,
            labels=FrozenDict(expected_labels),
            owner_references=(
                OwnerReference(
                    api_version="v1",
                    kind="Service",
                    name="foo",
                    uid=f"{NS}-foo",
                    controller=True,
                    block_owner_deletion=True,
                ),
            ),
        ),
        address_type=AddressType.IPV4,
        ports=ports,
        endpoints=(),
    )


def test_service_without_uid_gets_no_owner_reference() -> None:
    svc = evolve(service(), metadata=ObjectMeta(name="foo", namespace=NS))
    assert owner_reference(svc) is None
    assert new_slice(svc, AddressType.IPV4, ()).metadata.owner_references is None
    assert is_owned_by(new_slice(svc, AddressType.IPV4, ()), svc)
    assert not is_owned_by(new_slice(service(), AddressType.IPV4, ()), svc)


# ---------------------------------------------------------------------------
# desired_endpoints: selection and skipping


def test_pods_are_selected_by_namespace_and_selector() -> None:
    pods = [pod(1), pod(2, labels={"foo": "baz"}), pod(3, namespace="other")]
    desired = desired_endpoints(service(), pods, [node()])
    assert [e.target_ref.name for g in desired.groups for e in g.endpoints.values()] == ["pod1"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("the_pod", "reason"),
    [
        pytest.param(pod(1, phase="Succeeded"), "phase Succeeded", id="succeeded"),
        pytest.param(pod(1, phase="Failed"), "phase Failed", id="failed"),
        pytest.param(pod(1, ips=[]), "no IP", id="no IP"),
        pytest.param(pod(1, node="gone"), "node 'gone' not found", id="missing node"),
        pytest.param(pod(1, node=None), "no node name", id="no node name"),
    ],
)
def test_skipped_pods(the_pod: Pod, reason: str) -> None:
    desired = desired_endpoints(service(), [the_pod], [node()])
    assert desired.endpoint_count() == 0
    assert [str(s) for s in desired.skipped] == [f"pod {NS}/pod1 skipped: {reason}"]


def test_terminating_pods_are_kept() -> None:
    assert desired_endpoints(service(), [pod(1, terminating=True)], [node()]).endpoint_count() == 1


def test_missing_node_with_publish_not_ready_keeps_pod_without_zone() -> None:
    desired = desired_endpoints(service(publish_not_ready=True), [pod(1, node="gone")], [node()])
    (endpoint,) = desired.groups[0].endpoints.values()
    assert endpoint.zone is None
    assert endpoint.node_name == "gone"
    assert [str(s) for s in desired.skipped] == [f"pod {NS}/pod1 included without zone: node 'gone' not found"]


def test_unknown_nodes_skip_nothing() -> None:
    desired = desired_endpoints(service(), [pod(1, node="anything")], None)
    assert desired.endpoint_count() == 1
    assert desired.skipped == ()


def test_same_identity_twice_keeps_the_later_pod() -> None:
    first = pod(1, ready=False)
    second = pod(1)
    (endpoint,) = desired_endpoints(service(), [first, second], [node()]).groups[0].endpoints.values()
    assert endpoint.conditions.ready is True


@pytest.mark.parametrize(
    ("svc", "message"),
    [
        pytest.param(service(selector={}), "a Service without selector", id="no selector"),
        pytest.param(service(type_="ExternalName"), "an ExternalName Service", id="ExternalName"),
    ],
)
def test_controller_ignores_some_services(svc: Service, message: str) -> None:
    assert not controller_manages(svc)
    with pytest.raises(PackingError) as info:
        desired_endpoints(svc, [pod(1)], [node()])
    assert str(info.value) == (
        f"spec.selector: the EndpointSlice controller leaves {message} alone; give endpoints instead of Pods"
    )


# ---------------------------------------------------------------------------
# desired_from_endpoints: selectorless input


def test_selectorless_entries_keep_their_fields_and_are_canonicalised() -> None:
    entry = Endpoint(addresses=("010.0.0.1",), conditions=EndpointConditions(ready=False), zone="z", hostname="h")
    desired = desired_from_endpoints(service(selector={}), [entry])
    (got,) = desired.groups[0].endpoints.values()
    assert got == evolve(entry, addresses=("10.0.0.1",))


def test_selectorless_address_types_come_from_the_entries() -> None:
    svc = service(selector={}, ip_families=None)
    desired = desired_from_endpoints(svc, [Endpoint(addresses=("2001:db8::1",))])
    assert desired.address_types == (AddressType.IPV6,)
    assert desired_from_endpoints(svc, []).address_types == (AddressType.IPV4,)


def test_selectorless_problems_are_all_reported() -> None:
    svc = service(selector={}, ip_families=["IPv4"])
    entries = [
        Endpoint(addresses=()),
        Endpoint(addresses=("10.0.0.1", "not-an-ip")),
        Endpoint(addresses=("10.0.0.1", "2001:db8::1")),
        Endpoint(addresses=("2001:db8::2",)),
    ]
    with pytest.raises(PackingError) as info:
        desired_from_endpoints(svc, entries)
    assert str(info.value).splitlines() == [
        "endpoints[0].addresses: Required value: must contain at least 1 address",
        "endpoints[1].addresses[1]: Invalid value: 'not-an-ip': must be a valid IP address",
        "endpoints[2].addresses: Invalid value: addresses mix IPv4 and IPv6",
        "endpoints: Unsupported value: IPv6 endpoints for a Service whose ipFamilies are IPv4",
    ]


@pytest.mark.parametrize(("cluster_ip", "headless"), [(None, False), ("10.96.0.10", False), ("None", True)])
def test_selectorless_slices_are_headless_only_for_cluster_ip_none(cluster_ip: str | None, headless: bool) -> None:
    # Unlike the controller (which never sees a Service without its allocated IP), a manifest
    # without clusterIP is not headless: kube-proxy would ignore slices labelled headless.
    svc = service(selector={}, cluster_ip=cluster_ip)
    (eps,) = pack(svc, [Endpoint(addresses=("10.0.0.1",))], managed_by="me")
    assert (LABEL_HEADLESS in (eps.metadata.labels or {})) is headless


def test_selectorless_ports_use_numeric_target_port() -> None:
    svc = service(
        selector={},
        ports=[ServicePort(name="a", port=80, target_port=8080), ServicePort(name="b", port=81, target_port="named")],
    )
    desired = desired_from_endpoints(svc, [Endpoint(addresses=("10.0.0.1",))])
    assert desired.groups[0].ports == (
        EndpointPort(name="a", port=8080, protocol="TCP"),
        EndpointPort(name="b", port=81, protocol="TCP"),
    )


# ---------------------------------------------------------------------------
# pack


def test_pack_bundled_external_ips_example() -> None:
    (svc,) = io.load(EXAMPLES / "external-ips" / "service.yaml")
    assert isinstance(svc, Service)
    entries = [
        Endpoint(addresses=(line,)) for line in (EXAMPLES / "external-ips" / "endpoints.txt").read_text().split()
    ]
    slices = pack(svc, entries, max_endpoints_per_slice=5, managed_by="gitops.example.com", names=NameStrategy.ORDINAL)
    assert [(s.metadata.name, len(s.endpoints or ())) for s in slices] == [("external-db-1", 5), ("external-db-2", 3)]
    assert slices[0].metadata.labels == FrozenDict(
        {
            "app.kubernetes.io/name": "external-db",
            "app.kubernetes.io/component": "database",
            "kubernetes.io/service-name": "external-db",
            "endpointslice.kubernetes.io/managed-by": "gitops.example.com",
        }
    )
    assert slices[0].ports == (
        EndpointPort(name="postgres", port=5432, protocol="TCP", app_protocol="postgresql"),
        EndpointPort(name="metrics", port=9187, protocol="TCP", app_protocol="http"),
    )
    assert [e.addresses[0] for e in slices[1].endpoints or ()] == ["198.51.100.22", "203.0.113.30", "203.0.113.31"]


def test_pack_bundled_web_example() -> None:
    objects = io.flatten(io.load(EXAMPLES / "web" / "service.yaml"))
    svc = objects[0]
    assert isinstance(svc, Service)
    stream = [*io.load(EXAMPLES / "web" / "pods.yaml"), *io.load(EXAMPLES / "web" / "nodes.yaml")]
    pods = [o for o in stream if isinstance(o, Pod)]
    nodes = [o for o in stream if isinstance(o, Node)]
    desired = desired_endpoints(svc, pods, nodes)
    slices = pack(svc, desired)
    assert [(s.address_type.value, len(s.endpoints or ())) for s in slices] == [("IPv4", 11), ("IPv6", 11)]  # type: ignore[union-attr]
    for eps in slices:
        for endpoint in eps.endpoints or ():
            if endpoint.conditions.ready:
                assert endpoint.hints == EndpointHints(for_zones=(ForZone(name=endpoint.zone or ""),))
            else:
                assert endpoint.hints is None


def test_pack_placeholder_when_nothing_is_desired() -> None:
    (eps,) = pack(service(selector={}), [], managed_by="me")
    assert (eps.endpoints, eps.ports, eps.address_type) == ((), (), AddressType.IPV4)


def test_pack_strips_hints_without_traffic_distribution() -> None:
    hinted = Endpoint(addresses=("10.0.0.1",), zone="z", hints=EndpointHints(for_zones=(ForZone(name="z"),)))
    (eps,) = pack(service(selector={}), [hinted], managed_by="me")
    assert (eps.endpoints or ())[0].hints is None


@pytest.mark.parametrize("limit", [0, 1001])
def test_pack_rejects_bad_maximum(limit: int) -> None:
    with pytest.raises(PackingError, match="must be between 1 and 1000"):
        pack(service(), [], max_endpoints_per_slice=limit)


entries = st.lists(
    st.builds(
        lambda i, ready: Endpoint(
            addresses=(f"10.0.{i // 256}.{i % 256}",), conditions=EndpointConditions(ready=ready)
        ),
        st.integers(0, 2000),
        st.booleans(),
    ),
    max_size=200,
)


@given(entries, st.integers(1, 50))
def test_law_pack_never_exceeds_the_maximum_and_keeps_every_endpoint(found: list[Endpoint], limit: int) -> None:
    slices = pack(service(selector={}), found, max_endpoints_per_slice=limit, managed_by="me")
    assert all(len(s.endpoints or ()) <= limit for s in slices)
    packed = sorted(endpoint_identity(e) for s in slices for e in s.endpoints or ())
    assert packed == sorted({endpoint_identity(e) for e in found})
    # Only the last slice of a group may be partly filled.
    assert all(len(s.endpoints or ()) == limit for s in slices[:-1])


@given(entries, st.randoms())
def test_law_pack_ignores_input_order(found: list[Endpoint], rnd: Any) -> None:
    unique = list({endpoint_identity(e): e for e in found}.values())
    shuffled = list(unique)
    rnd.shuffle(shuffled)
    svc = service(selector={})
    assert pack(svc, unique, managed_by="me") == pack(svc, shuffled, managed_by="me")


# ---------------------------------------------------------------------------
# Deliberate differences (docs/differences.md)


def test_new_slice_ports_keep_service_order() -> None:
    ports = [ServicePort(name=n, port=p, target_port=p, protocol="TCP") for n, p in (("z", 9), ("a", 1), ("m", 5))]
    (eps,) = pack(service(selector={}, ports=ports), [Endpoint(addresses=("10.0.0.1",))], managed_by="me")
    assert [p.name for p in eps.ports or ()] == ["z", "a", "m"]


def test_unparsable_pod_ips_are_left_out() -> None:
    p = pod(1, ips=["not-an-ip", "1.2.3.5"])
    assert endpoint_from_pod(p, service(), AddressType.IPV4).addresses == ("1.2.3.5",)


def test_auto_topology_mode_without_node_information_removes_hints() -> None:
    svc = evolve(
        service(selector={}),
        metadata=ObjectMeta(
            name="foo", namespace=NS, uid="u", annotations=FrozenDict({"service.kubernetes.io/topology-mode": "Auto"})
        ),
    )
    hinted = Endpoint(addresses=("10.0.0.1",), zone="z", hints=EndpointHints(for_zones=(ForZone(name="other"),)))
    (eps,) = pack(svc, [hinted], managed_by="me")
    assert (eps.endpoints or ())[0].hints is None


def test_missing_namespace_is_default() -> None:
    svc = evolve(service(), metadata=ObjectMeta(name="foo", namespace="default", uid="u"))
    p = pod(1, namespace="")
    (endpoint,) = desired_endpoints(svc, [p], [node()]).groups[0].endpoints.values()
    assert endpoint.target_ref == ObjectReference(kind="Pod", namespace="default", name="pod1", uid="uid-1")


# ---------------------------------------------------------------------------
# The collector during bulk engine work


def _watching_the_collector(seen: list[bool], count: int) -> Iterator[Endpoint]:
    """Endpoint entries that note, as each is consumed, whether the cyclic collector is on."""
    for i in range(count):
        seen.append(gc.isenabled())
        yield Endpoint(addresses=(f"10.0.0.{i + 1}",))


@pytest.mark.parametrize("call", ["pack", "reconcile", "desired_from_endpoints"])
def test_bulk_engine_work_pauses_the_collector_and_restores_it(call: str) -> None:
    # Regression: with the collector on, as users and the CLI run, it walked the growing
    # desired state again and again; packing 100,000 endpoints cost twice its GC-off time.
    svc = Service(metadata=ObjectMeta(name="s", namespace="ns", uid="u"), spec=ServiceSpec(ip_families=("IPv4",)))
    seen: list[bool] = []
    entries = _watching_the_collector(seen, 3)
    assert gc.isenabled()
    if call == "pack":
        pack(svc, entries, managed_by="me")
    elif call == "reconcile":
        reconcile(svc, entries, [], managed_by="me")
    else:
        desired_from_endpoints(svc, entries)
    assert (seen, gc.isenabled()) == ([False, False, False], True)


def test_bulk_engine_work_leaves_a_collector_the_user_turned_off_off() -> None:
    svc = Service(metadata=ObjectMeta(name="s", namespace="ns"), spec=ServiceSpec(ip_families=("IPv4",)))
    gc.disable()
    try:
        pack(svc, [Endpoint(addresses=("10.0.0.1",))], managed_by="me")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_bad_entries_restore_the_collector() -> None:
    svc = Service(metadata=ObjectMeta(name="s", namespace="ns"), spec=ServiceSpec(ip_families=("IPv4",)))
    with pytest.raises(PackingError, match="must be a valid IP address"):
        pack(svc, [Endpoint(addresses=("nope",))], managed_by="me")
    assert gc.isenabled()
