"""Tests for `endpointslice.endpoints_controller`: Pods -> the core/v1 Endpoints object."""

from __future__ import annotations

import pytest

from endpointslice import (
    Container,
    ContainerPort,
    EndpointAddress,
    Endpoints,
    EndpointsPort,
    EndpointSubset,
    FrozenDict,
    ObjectMeta,
    ObjectReference,
    Pod,
    PodCondition,
    PodIP,
    PodSpec,
    PodStatus,
    Service,
    ServicePort,
    ServiceSpec,
)
from endpointslice.endpoints import ANNOTATION_OVER_CAPACITY
from endpointslice.endpoints_controller import endpoints_for_service, pod_in_endpoints

TRIGGER = "endpoints.kubernetes.io/last-change-trigger-time"
MANAGED_BY = "endpoints.kubernetes.io/managed-by"


def make_service(
    *,
    publish: bool = False,
    cluster_ip: str | None = "1.1.1.1",
    families: tuple[str, ...] | None = ("IPv4",),
    ports: tuple[ServicePort, ...] | None = (ServicePort(port=80, target_port=8080),),
    labels: dict[str, str] | None = None,
) -> Service:
    return Service(
        metadata=ObjectMeta(name="foo", namespace="ns", labels=FrozenDict.of(labels) or None),
        spec=ServiceSpec(
            selector=FrozenDict({"foo": "bar"}),
            publish_not_ready_addresses=publish,
            cluster_ip=cluster_ip,
            ip_families=families,
            ports=ports,
        ),
    )


def make_pod(
    name: str = "fakepod",
    *,
    phase: str = "Running",
    ready: bool = True,
    terminating: bool = False,
    ips: tuple[str, ...] = ("10.1.1.1",),
    node: str | None = None,
    hostname: str | None = None,
    subdomain: str | None = None,
    container_ports: tuple[ContainerPort, ...] = (ContainerPort(name="port1", container_port=8080),),
) -> Pod:
    return Pod(
        metadata=ObjectMeta(
            namespace="ns",
            name=name,
            uid=f"uid-{name}",
            labels=FrozenDict({"foo": "bar"}),
            deletion_timestamp="2026-07-01T10:00:00Z" if terminating else None,
        ),
        spec=PodSpec(
            node_name=node,
            hostname=hostname,
            subdomain=subdomain,
            containers=(Container(name="c", ports=container_ports),),
        ),
        status=PodStatus(
            phase=phase,
            pod_ip=ips[0] if ips else None,
            pod_ips=tuple(PodIP(ip=ip) for ip in ips) or None,
            conditions=(PodCondition(type="Ready", status="True" if ready else "False"),),
        ),
    )


def counts(endpoints: Endpoints | None) -> tuple[int, int]:
    assert endpoints is not None
    subsets = endpoints.subsets or ()
    return (
        sum(len(s.addresses or ()) for s in subsets),
        sum(len(s.not_ready_addresses or ()) for s in subsets),
    )


# Upstream's TestSyncServiceAddresses (pkg/controller/endpoint/endpoints_controller_test.go).
SYNC_CASES = [
    ("pod running phase", "Running", True, False, False, (1, 0)),
    ("pod running phase being deleted", "Running", True, True, False, (0, 0)),
    ("pod unknown phase container ready", "Unknown", True, False, False, (1, 0)),
    ("pod unknown phase container ready being deleted", "Unknown", True, True, False, (0, 0)),
    ("pod pending phase container ready", "Pending", True, False, False, (1, 0)),
    ("pod pending phase container ready being deleted", "Pending", True, True, False, (0, 0)),
    ("pod unknown phase container not ready", "Unknown", False, False, False, (0, 1)),
    ("pod pending phase container not ready", "Pending", False, False, False, (0, 1)),
    ("pod failed phase", "Failed", False, False, False, (0, 0)),
    ("pod succeeded phase", "Succeeded", False, False, False, (0, 0)),
    ("pod running phase and tolerate unready", "Running", False, False, True, (1, 0)),
    ("pod running phase and tolerate unready being deleted", "Running", False, True, True, (1, 0)),
    ("pod unknown phase and tolerate unready", "Unknown", False, False, True, (1, 0)),
    ("pod unknown phase and tolerate unready being deleted", "Unknown", False, True, True, (1, 0)),
    ("pod pending phase and tolerate unready", "Pending", False, False, True, (1, 0)),
    ("pod pending phase and tolerate unready being deleted", "Pending", False, True, True, (1, 0)),
    ("pod failed phase and tolerate unready", "Failed", False, False, True, (0, 0)),
    ("pod succeeded phase and tolerate unready endpoints", "Succeeded", False, False, True, (0, 0)),
]


@pytest.mark.parametrize(
    ("phase", "ready", "terminating", "publish", "expected"), [pytest.param(*c[1:], id=c[0]) for c in SYNC_CASES]
)
def test_addresses_follow_upstream_sync_cases(
    phase: str, ready: bool, terminating: bool, publish: bool, expected: tuple[int, int]
) -> None:
    pod = make_pod(phase=phase, ready=ready, terminating=terminating)
    assert counts(endpoints_for_service(make_service(publish=publish), [pod])) == expected


def test_a_ready_pod_gives_a_full_address_and_port() -> None:
    pod = make_pod(node="n1", hostname="web-0", subdomain="foo")
    svc = make_service(ports=(ServicePort(name="http", port=80, target_port="port1", app_protocol="http"),))
    got = endpoints_for_service(svc, [pod])
    assert got == Endpoints(
        metadata=ObjectMeta(name="foo", namespace="ns", labels=FrozenDict({MANAGED_BY: "endpoint-controller"})),
        subsets=(
            EndpointSubset(
                addresses=(
                    EndpointAddress(
                        ip="10.1.1.1",
                        hostname="web-0",
                        node_name="n1",
                        target_ref=ObjectReference(kind="Pod", namespace="ns", name="fakepod", uid="uid-fakepod"),
                    ),
                ),
                ports=(EndpointsPort(name="http", port=8080, protocol="TCP", app_protocol="http"),),
            ),
        ),
    )


def test_node_name_is_always_set() -> None:
    got = endpoints_for_service(make_service(), [make_pod()])
    assert got is not None
    assert (got.subsets or ())[0].addresses == (
        EndpointAddress(
            ip="10.1.1.1",
            node_name="",
            target_ref=ObjectReference(kind="Pod", namespace="ns", name="fakepod", uid="uid-fakepod"),
        ),
    )


def test_pods_are_grouped_by_resolved_target_port() -> None:
    other = make_pod("b", ips=("10.1.1.2",), container_ports=(ContainerPort(name="port1", container_port=9090),))
    svc = make_service(ports=(ServicePort(name="http", port=80, target_port="port1"),))
    got = endpoints_for_service(svc, [make_pod("a"), other])
    assert got is not None
    assert [([x.ip for x in s.addresses or ()], [p.port for p in s.ports or ()]) for s in got.subsets or ()] == [
        (["10.1.1.1"], [8080]),
        (["10.1.1.2"], [9090]),
    ]


def test_a_pod_without_the_named_port_is_left_out_of_that_port() -> None:
    svc = make_service(ports=(ServicePort(name="http", port=80, target_port="missing"),))
    assert counts(endpoints_for_service(svc, [make_pod()])) == (0, 0)


def test_one_family_only_from_ip_families() -> None:
    pod = make_pod(ips=("10.1.1.1", "2001:db8::1"))
    v6 = endpoints_for_service(make_service(families=("IPv6", "IPv4"), cluster_ip="2001:db8::a"), [pod])
    assert v6 is not None
    assert [a.ip for a in (v6.subsets or ())[0].addresses or ()] == ["2001:db8::1"]
    only_v4 = make_pod(ips=("10.1.1.1",))
    assert counts(endpoints_for_service(make_service(families=("IPv6",)), [only_v4])) == (0, 0)


def test_headless_without_families_follows_the_pod_ip_family() -> None:
    pod = make_pod(ips=("2001:db8::1", "10.1.1.1"))
    got = endpoints_for_service(make_service(families=None, cluster_ip="None"), [pod])
    assert got is not None
    assert [a.ip for a in (got.subsets or ())[0].addresses or ()] == ["2001:db8::1"]
    assert got.metadata.labels == {"service.kubernetes.io/headless": "", MANAGED_BY: "endpoint-controller"}


def test_headless_without_ports_gets_a_subset_without_ports() -> None:
    got = endpoints_for_service(make_service(cluster_ip="None", ports=None), [make_pod()])
    assert got is not None
    ((subset),) = got.subsets or ()
    assert subset.ports is None
    assert [a.ip for a in subset.addresses or ()] == ["10.1.1.1"]


def test_a_service_with_cluster_ip_and_no_ports_gets_no_addresses() -> None:
    assert counts(endpoints_for_service(make_service(ports=None), [make_pod()])) == (0, 0)


def test_unselected_pods_and_other_namespaces_are_ignored() -> None:
    stranger = Pod(
        metadata=ObjectMeta(namespace="other", name="x", labels=FrozenDict({"foo": "bar"})),
        status=PodStatus(pod_ips=(PodIP(ip="10.9.9.9"),)),
    )
    unlabelled = Pod(metadata=ObjectMeta(namespace="ns", name="y"), status=PodStatus(pod_ips=(PodIP(ip="10.9.9.8"),)))
    assert counts(endpoints_for_service(make_service(), [stranger, unlabelled])) == (0, 0)


def test_services_the_controller_leaves_alone() -> None:
    no_selector = Service(metadata=ObjectMeta(name="foo", namespace="ns"))
    external = Service(
        metadata=ObjectMeta(name="foo", namespace="ns"),
        spec=ServiceSpec(type="ExternalName", selector=FrozenDict({"foo": "bar"})),
    )
    assert endpoints_for_service(no_selector, [make_pod()]) is None
    assert endpoints_for_service(external, [make_pod()]) is None


def test_labels_annotations_and_the_current_object() -> None:
    current = Endpoints(
        metadata=ObjectMeta(
            name="foo",
            namespace="ns",
            uid="e1",
            resource_version="7",
            labels=FrozenDict({"stale": "x", "service.kubernetes.io/headless": ""}),
            annotations=FrozenDict({"keep": "me", TRIGGER: "old", ANNOTATION_OVER_CAPACITY: "truncated"}),
        )
    )
    got = endpoints_for_service(make_service(labels={"app": "foo"}), [make_pod()], current=current, trigger_time="t1")
    assert got is not None
    assert got.metadata == ObjectMeta(
        name="foo",
        namespace="ns",
        uid="e1",
        resource_version="7",
        labels=FrozenDict({"app": "foo", MANAGED_BY: "endpoint-controller"}),
        annotations=FrozenDict({"keep": "me", TRIGGER: "t1"}),
    )


def test_every_endpoints_object_is_labelled_managed_by_the_endpoint_controller() -> None:
    # Found by tests/kube/test_legacy_diff.py: Kubernetes 1.33+ labels what it writes, also over
    # a Service label of the same key, and an object without the label is rewritten.
    plain = endpoints_for_service(make_service(), [])
    assert plain is not None
    assert plain.metadata.labels == {MANAGED_BY: "endpoint-controller"}
    claimed = endpoints_for_service(make_service(labels={MANAGED_BY: "someone", "a": "b"}), [make_pod()])
    assert claimed is not None
    assert claimed.metadata.labels == {"a": "b", MANAGED_BY: "endpoint-controller"}


def test_more_than_1000_pods_are_truncated_with_the_annotation() -> None:
    pods = [make_pod(f"p{i}", ips=(f"10.1.{i // 250}.{i % 250}",), ready=i % 2 == 0) for i in range(1100)]
    got = endpoints_for_service(make_service(), pods)
    assert counts(got) == (550, 450)
    assert got is not None
    assert got.metadata.annotations == {ANNOTATION_OVER_CAPACITY: "truncated"}


def test_pod_in_endpoints_needs_an_ip() -> None:
    assert not pod_in_endpoints(make_pod(ips=()), include_terminating=True)
    assert pod_in_endpoints(make_pod(terminating=True), include_terminating=True)
    assert not pod_in_endpoints(make_pod(terminating=True), include_terminating=False)
