"""Tests for endpointslice.reconcile: upstream's reconciler_test.go scenarios, then the laws."""

from __future__ import annotations

import importlib
import json
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from endpointslice import (
    AddressType,
    ConditionStatus,
    Container,
    ContainerPort,
    Endpoint,
    EndpointConditions,
    EndpointHints,
    EndpointPort,
    EndpointSlice,
    ForNode,
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
)
from endpointslice.discovery import LABEL_MANAGED_BY, LABEL_SERVICE_NAME
from endpointslice.io import to_dict
from endpointslice.packing import (
    ANNOTATION_TRIGGER_TIME,
    CONTROLLER_NAME,
    LABEL_HEADLESS,
    LABEL_ZONE,
    NameStrategy,
    PackingError,
    desired_endpoints,
    endpoint_identity,
    new_slice,
    pack,
    port_group_key,
)
from endpointslice.reconcile import Plan, SliceUpdate, placeholder_equal, reconcile, simulate_generated_names

# ---------------------------------------------------------------------------
# Builders, modelled on upstream's test helpers. Upstream's newPod(n) gives Pod n
# the IP 1.2.3.<4+n>, not an IP for n >= 252; pod_ip continues validly past 255.

NAMESPACE = "test"


def pod_ip(n: int) -> str:
    """Upstream's ``1.2.3.<4+n>``, continued validly past 255."""
    value = 4 + n
    return f"1.2.{3 + value // 256}.{value % 256}"


def service(
    name: str = "foo",
    namespace: str = NAMESPACE,
    *,
    labels: Mapping[str, str] | None = None,
    annotations: Mapping[str, str] | None = None,
    target_port: int | str = 80,
    ip_families: Sequence[str] | None = ("IPv4",),
    cluster_ip: str | None = None,
    publish_not_ready: bool | None = None,
    traffic_distribution: str | None = None,
    ports: Sequence[ServicePort] | None = None,
    deletion_timestamp: str | None = None,
) -> Service:
    """Upstream's ``newServiceAndEndpointMeta``: one TCP port named like the Service, IPv4, selector foo=bar."""
    return Service(
        metadata=ObjectMeta(
            name=name,
            namespace=namespace,
            uid=f"{namespace}-{name}",
            labels=FrozenDict(labels) if labels is not None else None,
            annotations=FrozenDict(annotations) if annotations is not None else None,
            deletion_timestamp=deletion_timestamp,
        ),
        spec=ServiceSpec(
            ports=tuple(ports)
            if ports is not None
            else (ServicePort(name=name, port=80, target_port=target_port, protocol="TCP"),),
            selector=FrozenDict({"foo": "bar"}),
            ip_families=tuple(ip_families) if ip_families is not None else None,
            cluster_ip=cluster_ip,
            publish_not_ready_addresses=publish_not_ready,
            traffic_distribution=traffic_distribution,
        ),
    )


def endpoint_ports(name: str = "foo", port: int = 80) -> tuple[EndpointPort, ...]:
    """The ports of upstream's ``endpointMeta``."""
    return (EndpointPort(name=name, port=port, protocol="TCP"),)


def pod(
    n: int,
    namespace: str = NAMESPACE,
    *,
    ready: bool = True,
    terminating: bool = False,
    node: str | None = "node-1",
    ips: Sequence[str] | None = None,
    container_ports: Sequence[ContainerPort] = (),
    phase: str | None = None,
) -> Pod:
    """Upstream's ``newPod(n, namespace, ready, 1, terminating)``."""
    addresses = list(ips) if ips is not None else [pod_ip(n)]
    return Pod(
        metadata=ObjectMeta(
            namespace=namespace,
            name=f"pod{n}",
            labels=FrozenDict({"foo": "bar"}),
            deletion_timestamp="2026-07-01T10:00:00Z" if terminating else None,
            resource_version=str(n),
        ),
        spec=PodSpec(
            containers=(Container(name="container-1", ports=tuple(container_ports) or None),),
            node_name=node,
        ),
        status=PodStatus(
            phase=phase,
            pod_ip=addresses[0] if addresses else None,
            pod_ips=tuple(PodIP(ip=a) for a in addresses) if addresses else None,
            conditions=(PodCondition(type="Ready", status="True" if ready else "False"),),
        ),
    )


def node(name: str = "node-1", zone: str | None = None) -> Node:
    """A Node, optionally in a zone."""
    return Node(metadata=ObjectMeta(name=name, labels=FrozenDict({LABEL_ZONE: zone}) if zone else None))


def endpoint_for(p: Pod, *, zone: str | None = None, ready: bool | None = None, publish: bool = False) -> Endpoint:
    """Upstream's ``podToEndpoint(pod, &Node{}, svc, IPv4)`` for the builders' Pods."""
    serving = any(c.type == "Ready" and c.status is ConditionStatus.TRUE for c in p.status.conditions or ())
    terminating = p.metadata.deletion_timestamp is not None
    return Endpoint(
        addresses=tuple(i.ip for i in p.status.pod_ips or ()),
        conditions=EndpointConditions(
            ready=ready if ready is not None else (publish or (serving and not terminating)),
            serving=serving,
            terminating=terminating,
        ),
        node_name=p.spec.node_name,
        zone=zone,
        target_ref=ObjectReference(kind="Pod", namespace=p.metadata.namespace, name=p.metadata.name, uid=""),
    )


def owner(svc: Service, uid: str | None = None) -> OwnerReference:
    """``metav1.NewControllerRef(svc, v1 Service)``."""
    return OwnerReference(
        api_version="v1",
        kind="Service",
        name=svc.metadata.name or "",
        uid=uid or svc.metadata.uid or "",
        controller=True,
        block_owner_deletion=True,
    )


def existing_slice(
    n: int | str,
    svc: Service,
    endpoints: Sequence[Endpoint] = (),
    *,
    ports: Sequence[EndpointPort] | None = None,
    address_type: AddressType | str = AddressType.IPV4,
    labels: Mapping[str, str] | None = None,
    owner_uid: str | None = None,
    managed_by: str = CONTROLLER_NAME,
) -> EndpointSlice:
    """Upstream's ``newEmptyEndpointSlice(n, ...)`` plus endpoints.

    Upstream hands its test slices straight to the reconciler; ours are
    filtered like the controller's lister, so they carry the two labels that
    lister selects on (reserved labels are never compared, so this changes nothing else).
    """
    name = n if isinstance(n, str) else f"{svc.metadata.name}-{n}"
    all_labels = {LABEL_SERVICE_NAME: svc.metadata.name or "", LABEL_MANAGED_BY: managed_by, **(labels or {})}
    return EndpointSlice(
        metadata=ObjectMeta(
            name=name,
            namespace=svc.metadata.namespace,
            owner_references=(owner(svc, owner_uid),),
            labels=FrozenDict(all_labels),
        ),
        address_type=address_type,
        ports=tuple(ports) if ports is not None else endpoint_ports(svc.metadata.name or ""),
        endpoints=tuple(endpoints),
    )


def lengths(slices: Sequence[EndpointSlice]) -> list[int]:
    """Sorted endpoint counts, for upstream's ``expectUnorderedSlicesWithLengths``."""
    return sorted(len(s.endpoints or ()) for s in slices)


T = TypeVar("T")


def evolve(obj: T, **changes: Any) -> T:
    """A typed `attrs.evolve` (mypy's attrs plugin does not see the model decorator)."""
    return cast("T", attrs.evolve(cast("Any", obj), **changes))


NODES = [node("node-1")]


def run(
    svc: Service,
    pods: list[Pod],
    existing: list[EndpointSlice],
    *,
    nodes: list[object] | None = None,
    max_endpoints_per_slice: int = 100,
    trigger_time: str | None = None,
) -> Plan:
    """One controller sync, as upstream's ``reconcileHelper``."""
    desired = desired_endpoints(svc, pods, NODES if nodes is None else nodes)  # type: ignore[arg-type]
    return reconcile(svc, desired, existing, max_endpoints_per_slice=max_endpoints_per_slice, trigger_time=trigger_time)


def counts(plan: Plan) -> tuple[int, int, int]:
    return (len(plan.creates), len(plan.updates), len(plan.deletes))


def mostly_ready(n: int) -> list[Pod]:
    """Upstream's usual fixture: ``n`` Pods, every third one not ready."""
    return [pod(i, ready=i % 3 != 0) for i in range(n)]


# ---------------------------------------------------------------------------
# TestReconcileEmpty, TestReconcile1EndpointSlice, TestPlaceHolderSliceCompare


def test_no_pods_creates_one_placeholder() -> None:
    svc = service()
    plan = run(svc, [], [])
    assert counts(plan) == (1, 0, 0)
    created = plan.creates[0]
    assert created.metadata.generate_name == "foo-"
    assert created.metadata.labels is not None
    assert created.metadata.labels["kubernetes.io/service-name"] == "foo"
    assert created.ports == ()
    assert created.endpoints == ()


@pytest.mark.parametrize(
    ("existing_labels", "expected"),
    [
        pytest.param(None, (1, 0, 0), id="no existing placeholder"),
        pytest.param("same", (0, 0, 0), id="existing placeholder that's the same"),
        pytest.param({"bar": "baz"}, (0, 1, 0), id="existing placeholder that's different"),
    ],
)
def test_existing_placeholder(existing_labels: object, expected: tuple[int, int, int]) -> None:
    svc = service()
    existing: list[EndpointSlice] = []
    if existing_labels == "same":
        existing = [
            evolve(
                new_slice(svc, AddressType.IPV4, ()),
                metadata=evolve(new_slice(svc, AddressType.IPV4, ()).metadata, name="foo-abcde"),
            )
        ]
    elif isinstance(existing_labels, dict):
        existing = [existing_slice(1, svc, labels=existing_labels)]
    plan = run(svc, [], existing)
    assert counts(plan) == expected
    if expected == (0, 1, 0):
        # The stale slice is recycled into the placeholder under its own name.
        assert plan.updates[0].slice.metadata.name == "foo-1"
        assert plan.updates[0].slice.ports == ()


def _bare(**meta: object) -> EndpointSlice:
    return EndpointSlice(metadata=ObjectMeta(**meta), address_type="IPv4")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("x", "y", "want"),
    [
        pytest.param(_bare(), _bare(), True, id="both empty"),
        pytest.param(_bare(name="foo"), _bare(name="bar"), True, id="only name differs"),
        pytest.param(_bare(labels={"foo": "true"}), _bare(labels={"bar": "true"}), False, id="labels differ"),
        pytest.param(
            _bare(creation_timestamp="1970-01-01T00:00:01Z"),
            _bare(creation_timestamp="1970-01-01T00:00:02Z"),
            True,
            id="creation time differs",
        ),
        pytest.param(
            EndpointSlice(address_type="IPv4"), EndpointSlice(address_type="IPv6"), False, id="address type differs"
        ),
        pytest.param(
            EndpointSlice(address_type="IPv4", endpoints=None, ports=None),
            EndpointSlice(address_type="IPv4", endpoints=(), ports=()),
            True,
            id="nil and empty lists are equal",
        ),
    ],
)
def test_placeholder_comparison(x: EndpointSlice, y: EndpointSlice, want: bool) -> None:
    assert placeholder_equal(x, y) is want


# ---------------------------------------------------------------------------
# TestReconcile1Pod


def _one_pod() -> Pod:
    p = pod(1, ips=["1.2.3.4", "1234::5678:0000:0000:9abc:def0"])
    return evolve(p, spec=evolve(p.spec, hostname="example-hostname"))


ZONED = [node("node-1", "us-central1-a")]
BASE_LABELS = {"endpointslice.kubernetes.io/managed-by": CONTROLLER_NAME, "kubernetes.io/service-name": "foo"}
HEADLESS_LABELS = {**BASE_LABELS, LABEL_HEADLESS: ""}


@pytest.mark.parametrize(
    ("svc", "addresses", "labels"),
    [
        pytest.param(
            service(ip_families=None, cluster_ip="10.0.0.10"), {"IPv4": "1.2.3.4"}, BASE_LABELS, id="no-family-service"
        ),
        pytest.param(service(), {"IPv4": "1.2.3.4"}, HEADLESS_LABELS, id="ipv4"),
        pytest.param(service(cluster_ip="1.1.1.1"), {"IPv4": "1.2.3.4"}, BASE_LABELS, id="ipv4-clusterip"),
        pytest.param(
            service(labels={"foo": "bar"}), {"IPv4": "1.2.3.4"}, {**HEADLESS_LABELS, "foo": "bar"}, id="ipv4-labels"
        ),
        pytest.param(
            service(
                labels={
                    "kubernetes.io/service-name": "bad",
                    "endpointslice.kubernetes.io/managed-by": "actor",
                    LABEL_HEADLESS: "invalid",
                }
            ),
            {"IPv4": "1.2.3.4"},
            HEADLESS_LABELS,
            id="ipv4-bad-labels",
        ),
        pytest.param(service(ip_families=["IPv6"]), {"IPv6": "1234::5678:0:0:9abc:def0"}, HEADLESS_LABELS, id="ipv6"),
        pytest.param(
            service(ip_families=["IPv6"], cluster_ip="1234::5678:0000:0000:9abc:def1"),
            {"IPv6": "1234::5678:0:0:9abc:def0"},
            BASE_LABELS,
            id="ipv6-clusterip",
        ),
        pytest.param(
            service(ip_families=["IPv4", "IPv6"], cluster_ip="10.0.0.10"),
            {"IPv4": "1.2.3.4", "IPv6": "1234::5678:0:0:9abc:def0"},
            BASE_LABELS,
            id="dualstack-service",
        ),
    ],
)
def test_one_pod(svc: Service, addresses: dict[str, str], labels: dict[str, str]) -> None:
    trigger = "2026-07-21T16:52:14.123456789Z"
    plan = run(svc, [_one_pod()], [], nodes=ZONED, trigger_time=trigger)  # type: ignore[arg-type]
    assert counts(plan) == (len(addresses), 0, 0)
    assert {s.address_type.value: s.endpoints[0].addresses[0] for s in plan.creates if s.endpoints} == addresses  # type: ignore[union-attr]
    for created in plan.creates:
        assert dict(created.metadata.labels or {}) == labels
        assert created.metadata.annotations == {ANNOTATION_TRIGGER_TIME: trigger}
        assert created.endpoints == (
            Endpoint(
                addresses=(addresses[created.address_type.value],),  # type: ignore[union-attr]
                conditions=EndpointConditions(ready=True, serving=True, terminating=False),
                zone="us-central1-a",
                node_name="node-1",
                target_ref=ObjectReference(kind="Pod", namespace=NAMESPACE, name="pod1", uid=""),
            ),
        )


# ---------------------------------------------------------------------------
# Many pods, pre-existing slices, updates, labels, recycling, packing


def test_publish_not_ready_addresses_makes_every_endpoint_ready() -> None:
    plan = run(service(publish_not_ready=True), mostly_ready(50), [])
    assert counts(plan) == (1, 0, 0)
    assert lengths(plan.creates) == [50]
    assert all(e.conditions.ready for e in plan.creates[0].endpoints or ())


def test_many_pods_fill_slices_in_order() -> None:
    plan = run(service(), mostly_ready(250), [])
    assert counts(plan) == (3, 0, 0)
    assert [len(s.endpoints or ()) for s in plan.creates] == [100, 100, 50]


def _quarters(svc: Service, pods: list[Pod]) -> list[EndpointSlice]:
    first = [endpoint_for(pods[i]) for i in range(1, len(pods) - 4, 4)]
    second = [endpoint_for(pods[i]) for i in range(3, len(pods) - 4, 4)]
    return [existing_slice(1, svc, first), existing_slice(2, svc, second)]


def test_remainder_goes_into_the_best_fitting_existing_slice() -> None:
    svc = service()
    pods = mostly_ready(250)
    existing = _quarters(svc, pods)
    assert lengths(existing) == [61, 62]
    plan = run(svc, pods, existing)
    assert counts(plan) == (1, 1, 0)
    assert plan.updates[0].slice.metadata.name == "foo-1"
    assert lengths(plan.apply(existing)) == [61, 89, 100]


def test_remainder_that_fits_no_single_slice_gets_new_slices() -> None:
    svc = service()
    pods = mostly_ready(300)
    existing = _quarters(svc, pods)
    assert lengths(existing) == [74, 74]
    plan = run(svc, pods, existing)
    assert counts(plan) == (2, 0, 0)
    assert lengths(plan.apply(existing)) == [52, 74, 74, 100]


def test_target_port_change_updates_every_slice() -> None:
    pods = mostly_ready(250)
    svc = service()
    slices = run(svc, pods, []).apply([])
    plan = run(service(target_port=81), pods, slices)
    assert counts(plan) == (0, 3, 0)
    assert lengths(plan.apply(slices)) == [50, 100, 100]
    assert all(u.slice.ports == endpoint_ports(port=81) for u in plan.updates)


def test_service_label_change_updates_every_slice() -> None:
    pods = mostly_ready(250)
    slices = run(service(), pods, []).apply([])
    plan = run(service(labels={"foo": "bar"}), pods, slices)
    assert counts(plan) == (0, 3, 0)
    assert all(u.slice.metadata.label("foo") == "bar" for u in plan.updates)
    assert lengths(plan.apply(slices)) == [50, 100, 100]


def test_reserved_service_labels_cause_no_writes() -> None:
    pods = mostly_ready(250)
    slices = run(service(), pods, []).apply([])
    evil = {
        "kubernetes.io/service-name": "bad",
        "endpointslice.kubernetes.io/managed-by": "actor",
        LABEL_HEADLESS: "invalid",
    }
    assert counts(run(service(labels=evil), pods, slices)) == (0, 0, 0)


def test_recycling_repacks_when_every_slice_changes() -> None:
    svc = service()
    pods = mostly_ready(300)
    existing = [existing_slice(i, svc, [endpoint_for(p) for p in pods[i * 30 : i * 30 + 30]]) for i in range(10)]
    assert counts(run(svc, pods, existing)) == (0, 0, 0)
    plan = run(service(target_port=81), pods, existing)
    assert counts(plan) == (0, 3, 7)
    assert lengths(plan.apply(existing)) == [100, 100, 100]


def test_endpoints_added_to_fullest_updated_slice() -> None:
    svc = service()
    first = [pod(i) for i in range(80)]
    second = [pod(i) for i in range(100, 120)]
    existing = [
        existing_slice(1, svc, [endpoint_for(p) for p in first]),
        existing_slice(2, svc, [endpoint_for(p) for p in second]),
    ]
    pods = [pod(i, ready=i % 10 != 0) if i < 80 else p for i, p in enumerate(first)]
    pods += [pod(100 + i, ready=i % 10 != 0) for i in range(20)]
    pods += [pod(i) for i in range(200, 215)]
    plan = run(svc, pods, existing)
    assert counts(plan) == (0, 2, 0)
    assert lengths(plan.apply(existing)) == [20, 95]


def test_deprecated_address_type_is_replaced() -> None:
    svc = service()
    existing = [
        existing_slice(1, svc, [endpoint_for(pod(i)) for i in range(80)], address_type="IP"),
        existing_slice(2, svc, [endpoint_for(pod(i)) for i in range(100, 150)], address_type="IP"),
    ]
    pods = [pod(i) for i in [*range(80), *range(100, 150)]]
    plan = run(svc, pods, existing)
    # Never recycled across address types: two creates, then the two deletes last.
    assert counts(plan) == (2, 0, 2)
    after = plan.apply(existing)
    assert lengths(after) == [30, 100]
    assert {s.address_type for s in after} == {AddressType.IPV4}


@pytest.mark.parametrize(("owned", "expected"), [(True, (0, 0, 0)), (False, (1, 0, 1))])
def test_service_recreated_with_new_uid(owned: bool, expected: tuple[int, int, int]) -> None:
    svc = service()
    p = pod(1)
    existing = [existing_slice(1, svc, [endpoint_for(p)], owner_uid=None if owned else "different")]
    plan = run(svc, [p], existing)
    assert counts(plan) == expected
    assert len(plan.apply(existing)) == 1


def test_named_ports_group_pods_by_resolved_number() -> None:
    svc = Service(
        metadata=ObjectMeta(name="named-port-example", namespace=NAMESPACE),
        spec=ServiceSpec(
            ports=(ServicePort(port=80, target_port="http", protocol="TCP"),),
            selector=FrozenDict({"foo": "bar"}),
            ip_families=("IPv4",),
        ),
    )
    pods = [
        pod(
            i,
            ready=i % 3 != 0,
            container_ports=[ContainerPort(name="http", container_port=8080 + i % 5, protocol="TCP")],
        )
        for i in range(300)
    ]
    plan = run(svc, pods, [])
    assert counts(plan) == (5, 0, 0)
    assert lengths(plan.creates) == [60] * 5
    assert [s.ports for s in plan.creates] == [
        (EndpointPort(name="", port=8080 + i, protocol="TCP"),) for i in range(5)
    ]


@pytest.mark.parametrize(
    ("limit", "expected"),
    [(50, [50, 50, 50, 50, 50]), (80, [80, 80, 80, 10]), (150, [150, 100]), (250, [250]), (500, [250])],
)
def test_max_endpoints_per_slice(limit: int, expected: list[int]) -> None:
    plan = run(service(), mostly_ready(250), [], max_endpoints_per_slice=limit)
    assert [len(s.endpoints or ()) for s in plan.creates] == expected


def test_removing_pods_updates_the_slice() -> None:
    pods = [pod(i) for i in range(20)]
    slices = run(service(), pods, []).apply([])
    plan = run(service(), pods[:10], slices)
    assert counts(plan) == (0, 1, 0)
    assert lengths(plan.apply(slices)) == [10]


# ---------------------------------------------------------------------------
# TestReconcilerFinalizeSvcDeletionTimestamp


def test_deleting_service_gets_no_creates() -> None:
    svc = service(deletion_timestamp="2026-07-01T10:00:00Z")
    plan = run(svc, [pod(1)], [])
    assert counts(plan) == (0, 0, 0)


def test_deleting_service_still_updates() -> None:
    svc = service(deletion_timestamp="2026-07-01T10:00:00Z")
    existing = [existing_slice(1, svc, [endpoint_for(pod(1))])]
    plan = run(svc, [pod(1), pod(2)], existing)
    assert counts(plan) == (0, 1, 0)


def test_deleting_service_still_recycles_creates_into_updates() -> None:
    svc = service(deletion_timestamp="2026-07-01T10:00:00Z")
    existing = [existing_slice(1, svc, [endpoint_for(pod(1))], ports=endpoint_ports(port=99))]
    plan = run(svc, [pod(1)], existing)
    assert counts(plan) == (0, 1, 0)
    assert plan.updates[0].slice.metadata.name == "foo-1"


def test_deleting_service_with_nothing_to_recycle_only_deletes() -> None:
    svc = service(deletion_timestamp="2026-07-01T10:00:00Z")
    existing = [existing_slice(1, svc, [endpoint_for(pod(1))], owner_uid="other")]
    assert counts(run(svc, [pod(1)], existing)) == (0, 0, 1)


# ---------------------------------------------------------------------------
# TestReconcilerPodMissingNode


def _two_slice(svc: Service) -> list[EndpointSlice]:
    pods = [pod(0, node="node-0"), pod(1, node="node-1")]
    return [existing_slice(1, svc, [endpoint_for(p, publish=bool(svc.spec.publish_not_ready_addresses)) for p in pods])]


@pytest.mark.parametrize(
    ("publish", "nodes", "existing", "expected", "desired_and_skipped"),
    [
        pytest.param(False, ["node-0"], False, (1, 0, 0), (1, 1), id="create, publishNotReady false"),
        pytest.param(True, ["node-0"], False, (1, 0, 0), (2, 1), id="create, publishNotReady true"),
        pytest.param(False, ["node-0"], True, (0, 1, 0), (1, 1), id="update, publishNotReady false"),
        pytest.param(True, [], True, (0, 0, 0), (2, 2), id="update, publishNotReady true, all nodes missing"),
        pytest.param(True, ["node-0"], True, (0, 0, 0), (2, 1), id="update, publishNotReady true"),
        pytest.param(False, [], True, (0, 1, 0), (0, 2), id="update, publishNotReady false, no nodes"),
    ],
)
def test_pod_with_missing_node(
    publish: bool,
    nodes: list[str],
    existing: bool,
    expected: tuple[int, int, int],
    desired_and_skipped: tuple[int, int],
) -> None:
    desired_count, skipped = desired_and_skipped
    svc = service(publish_not_ready=publish)
    pods = [pod(0, node="node-0"), pod(1, node="node-1")]
    desired = desired_endpoints(svc, pods, [node(n) for n in nodes])
    assert desired.endpoint_count() == desired_count
    assert len(desired.skipped) == skipped
    assert all(s.included is publish for s in desired.skipped)
    before = _two_slice(svc) if existing else []
    plan = reconcile(svc, desired, before)
    assert counts(plan) == expected
    assert len(plan.apply(before)) == 1


# ---------------------------------------------------------------------------
# TestReconcile_TrafficDistribution (the annotation's "Auto" mode is not emulated)


def _zoned_pods() -> tuple[list[Pod], list[object]]:
    nodes = [node(f"node-{i}", f"zone-{'abc'[i]}") for i in range(3)]
    placement = ["node-0", "node-1", "node-1", "node-1", "node-2", "node-2"]
    return [pod(i, node=n) for i, n in enumerate(placement)], list(nodes)


def _hint_zones(slices: tuple[EndpointSlice, ...]) -> dict[str, int]:
    got: dict[str, int] = {}
    for s in slices:
        for e in s.endpoints or ():
            zones = e.hints.for_zones if e.hints else None
            key = zones[0].name if zones and len(zones) == 1 else ""
            got[key] = got.get(key, 0) + 1
    return got


@pytest.mark.parametrize(
    ("traffic_distribution", "annotation", "expected"),
    [
        pytest.param("PreferClose", "Disabled", {"zone-a": 1, "zone-b": 3, "zone-c": 2}, id="PreferClose"),
        pytest.param("PreferSameZone", None, {"zone-a": 1, "zone-b": 3, "zone-c": 2}, id="PreferSameZone"),
        pytest.param(None, "", {"": 6}, id="unset: no hints"),
        pytest.param("ImplementationSpecific", None, {"": 6}, id="unknown value: no hints"),
    ],
)
def test_traffic_distribution_hints(
    traffic_distribution: str | None, annotation: str | None, expected: dict[str, int]
) -> None:
    pods, nodes = _zoned_pods()
    annotations = None if annotation is None else {"service.kubernetes.io/topology-aware-hints": annotation}
    svc = service(traffic_distribution=traffic_distribution, annotations=annotations)
    plan = run(svc, pods, [], nodes=nodes)
    assert counts(plan) == (1, 0, 0)
    assert _hint_zones(plan.creates) == expected


def test_prefer_same_node_adds_node_hints() -> None:
    pods, nodes = _zoned_pods()
    plan = run(service(traffic_distribution="PreferSameNode"), pods, [], nodes=nodes)
    first = (plan.creates[0].endpoints or ())[0]
    assert first.hints == EndpointHints(for_zones=(ForZone(name="zone-a"),), for_nodes=(ForNode(name="node-0"),))


def test_unchanged_slice_with_stale_hints_is_rewritten() -> None:
    pods, nodes = _zoned_pods()
    hinted = run(service(traffic_distribution="PreferClose"), pods, [], nodes=nodes).apply([])
    plan = run(service(), pods, hinted, nodes=nodes)
    assert counts(plan) == (0, 1, 0)
    assert _hint_zones((plan.updates[0].slice,)) == {"": 6}


def test_not_ready_endpoints_keep_their_hints() -> None:
    svc = service(traffic_distribution="PreferClose")
    p = pod(1, ready=False)
    stale = evolve(endpoint_for(p, zone="zone-a"), hints=EndpointHints(for_zones=(ForZone(name="elsewhere"),)))
    existing = [existing_slice(1, svc, [stale])]
    plan = run(svc, [p], existing, nodes=[node("node-1", "zone-a")])
    assert counts(plan) == (0, 0, 0)


def test_hints_alone_never_change_a_ready_endpoint_identity() -> None:
    pods, nodes = _zoned_pods()
    svc = service(traffic_distribution="PreferClose")
    hinted = run(svc, pods, [], nodes=nodes).apply([])
    assert counts(run(svc, pods, hinted, nodes=nodes)) == (0, 0, 0)


# ---------------------------------------------------------------------------
# Headless Services without ports (upstream issue 133474)


def test_headless_service_without_ports_is_stable() -> None:
    svc = service(cluster_ip="None", ports=[])
    plan = run(svc, [pod(1)], [])
    assert counts(plan) == (1, 0, 0)
    assert plan.creates[0].ports == ()
    stored = [evolve(s, ports=None) for s in plan.apply([])]
    # The API server returns the empty port list as null: still the same group.
    assert counts(run(svc, [pod(1)], stored)) == (0, 0, 0)


def test_dual_stack_service_with_ipv4_only_pods_gets_ipv6_placeholder() -> None:
    plan = run(service(ip_families=["IPv4", "IPv6"]), [pod(1)], [])
    assert sorted((s.address_type.value, len(s.endpoints or ()), len(s.ports or ())) for s in plan.creates) == [  # type: ignore[union-attr]
        ("IPv4", 1, 1),
        ("IPv6", 0, 0),
    ]


def test_removed_family_deletes_its_slices_last() -> None:
    dual = service(ip_families=["IPv4", "IPv6"])
    pods = [pod(1, ips=["1.2.3.5", "2001:db8::5"])]
    slices = run(dual, pods, []).apply([])
    plan = run(service(ip_families=["IPv4"]), pods, slices)
    assert counts(plan) == (0, 0, 1)
    assert plan.deletes[0].address_type is AddressType.IPV6


def test_slices_of_other_managers_are_left_alone() -> None:
    svc = service()
    foreign = existing_slice("foo-manual", svc, [endpoint_for(pod(7))], managed_by="someone-else")
    other_service = existing_slice("bar-1", service("bar"), [])
    plan = run(svc, [pod(1)], [foreign, other_service])
    assert counts(plan) == (1, 0, 0)


# ---------------------------------------------------------------------------
# Trigger time


def test_trigger_time_is_written_on_updates_and_removed_when_unset() -> None:
    svc = service()
    slices = run(svc, [pod(1)], [], trigger_time="2026-01-01T00:00:00Z").apply([])
    assert slices[0].metadata.annotation(ANNOTATION_TRIGGER_TIME) == "2026-01-01T00:00:00Z"
    plan = run(svc, [pod(1), pod(2)], slices)
    assert plan.updates[0].slice.metadata.annotation(ANNOTATION_TRIGGER_TIME) is None


def test_removing_the_last_annotation_leaves_no_annotations_field() -> None:
    # Found by tests/kube/test_engine_diff.py: upstream deletes the key from its map and an empty
    # map is left out of the JSON, so the slice it writes has no `annotations` at all.
    svc = service()
    slices = run(svc, [pod(1)], [], trigger_time="2026-01-01T00:00:00Z").apply([])
    updated = run(svc, [pod(1), pod(2)], slices).updates[0].slice
    assert updated.metadata.annotations is None
    assert "annotations" not in to_dict(updated)["metadata"]


def test_trigger_time_alone_causes_no_write() -> None:
    svc = service()
    slices = run(svc, [pod(1)], [], trigger_time="2026-01-01T00:00:00Z").apply([])
    assert counts(run(svc, [pod(1)], slices, trigger_time="2026-02-02T00:00:00Z")) == (0, 0, 0)


def test_other_annotations_survive_an_update() -> None:
    svc = service()
    base = existing_slice(1, svc, [endpoint_for(pod(1))])
    existing = [evolve(base, metadata=evolve(base.metadata, annotations={"keep": "me"}))]
    plan = run(svc, [pod(1), pod(2)], existing, trigger_time="2026-01-01T00:00:00Z")
    assert plan.updates[0].slice.metadata.annotations == {"keep": "me", ANNOTATION_TRIGGER_TIME: "2026-01-01T00:00:00Z"}


# ---------------------------------------------------------------------------
# Names


def test_ordinal_names_skip_names_in_use() -> None:
    svc = service()
    existing = [existing_slice(1, svc, [endpoint_for(pod(i)) for i in range(100)])]
    plan = reconcile(
        svc, desired_endpoints(svc, [pod(i) for i in range(101)], NODES), existing, names=NameStrategy.ORDINAL
    )
    assert [s.metadata.name for s in plan.creates] == ["foo-2"]
    assert plan.creates[0].metadata.generate_name is None


def test_generated_names_are_simulated_deterministically() -> None:
    slices = pack(service(), [Endpoint(addresses=("192.0.2.1",))], managed_by="me")
    first = simulate_generated_names(slices)
    assert first == simulate_generated_names(slices)
    name = first[0].metadata.name
    assert name is not None
    assert name.startswith("foo-")
    assert len(name) == len("foo-") + 5
    assert set(name[4:]) <= set("bcdfghjklmnpqrstvwxz2456789")


def test_naming_slices_of_one_endpoint_one_at_a_time_tries_few_names(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each new slice of one endpoint hashed only prefix, position, salt and count, so every
    # one tried the same names in turn and n of them cost n squared tries.
    tries = 0
    reconcile_module = importlib.import_module("endpointslice.reconcile")  # The package exports the function.
    real: Callable[[str, str], str] = reconcile_module._generated

    def counted(prefix: str, key: str) -> str:
        nonlocal tries
        tries += 1
        return real(prefix, key)

    monkeypatch.setattr(reconcile_module, "_generated", counted)
    taken: set[str] = set()
    for i in range(300):
        (one,) = pack(service(), [Endpoint(addresses=(f"192.0.2.{i % 250}",), hostname=f"h{i}")], managed_by="me")
        (named,) = simulate_generated_names([one], taken=taken)
        assert named.metadata.name not in taken
        taken.add(named.metadata.name or "")
    assert len(taken) == 300
    assert tries < 3 * 300


# ---------------------------------------------------------------------------
# The Plan value


def test_plan_write_count_and_bytes() -> None:
    svc = service()
    existing = [existing_slice(1, svc, [endpoint_for(pod(1))]), existing_slice(2, svc, [endpoint_for(pod(2))])]
    plan = run(svc, [pod(1), pod(3)], existing)
    assert plan.write_count == len(plan.creates) + len(plan.updates) + len(plan.deletes)
    bodies = [*plan.creates, *(u.slice for u in plan.updates)]
    assert plan.bytes_written == sum(len(json.dumps(to_dict(s), separators=(",", ":")).encode()) for s in bodies)
    assert bool(plan)
    assert not Plan()


def test_plan_summary_text() -> None:
    svc = service()
    existing = [existing_slice(1, svc, [endpoint_for(pod(1))]), existing_slice(2, svc, [endpoint_for(pod(2))])]
    plan = run(svc, [pod(1), pod(3)], existing)
    lines = plan.summary().splitlines()
    assert lines[0] == f"0 to create, 1 to update, 1 to delete (2 writes, {plan.bytes_written} bytes)"
    assert lines[1:] == ["  update foo-1 IPv4: 1 -> 2 endpoints (+1 -0 ~0)", "  delete foo-2 IPv4: 1 endpoints"]


def test_plan_to_dict_names_full_objects() -> None:
    svc = service()
    existing = [existing_slice(1, svc, [endpoint_for(pod(1))])]
    plan = run(svc, [pod(1), pod(3)], existing)
    data = plan.to_dict()
    assert data["creates"] == []
    assert data["updates"][0]["previous"] == to_dict(existing[0])
    assert data["updates"][0]["slice"]["metadata"]["name"] == "foo-1"
    assert data["writeCount"] == 1


def test_update_keeps_resource_version_for_optimistic_concurrency() -> None:
    svc = service()
    base = existing_slice(1, svc, [endpoint_for(pod(1))])
    existing = [evolve(base, metadata=evolve(base.metadata, resource_version="42"))]
    plan = run(svc, [pod(1), pod(2)], existing)
    assert plan.updates == (SliceUpdate(previous=existing[0], slice=plan.updates[0].slice),)
    assert plan.updates[0].slice.metadata.resource_version == "42"


def test_bad_max_endpoints_per_slice() -> None:
    with pytest.raises(PackingError, match=r"maxEndpointsPerSlice: Invalid value: 0: must be between 1 and 1000"):
        run(service(), [], [], max_endpoints_per_slice=0)


def test_existing_order_does_not_matter() -> None:
    svc = service()
    pods = mostly_ready(300)
    existing = [existing_slice(i, svc, [endpoint_for(p) for p in pods[i * 30 : i * 30 + 25]]) for i in range(10)]
    shuffled = list(existing)
    random.Random(4).shuffle(shuffled)  # noqa: S311  # A fixed shuffle, not cryptography.
    changed = service(labels={"x": "y"})
    assert run(changed, pods, existing) == run(changed, pods, shuffled)


# ---------------------------------------------------------------------------
# Laws (hypothesis)

SVC = Service(
    metadata=ObjectMeta(name="svc", namespace="ns", uid="uid-1"),
    spec=ServiceSpec(
        ports=(ServicePort(name="http", port=80, target_port=8080, protocol="TCP"),), ip_families=("IPv4",)
    ),
)
CURRENT_PORTS = (EndpointPort(name="http", port=8080, protocol="TCP"),)
OTHER_PORTS = (EndpointPort(name="http", port=9090, protocol="TCP"),)


def _entry(i: int, ready: bool, zone: int) -> Endpoint:
    return Endpoint(
        addresses=(f"10.0.0.{i}",),
        conditions=EndpointConditions(ready=ready),
        zone=f"z{zone}",
        target_ref=ObjectReference(kind="Pod", namespace="ns", name=f"p{i}"),
    )


entries = st.builds(_entry, st.integers(0, 40), st.booleans(), st.integers(0, 1))


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[Endpoint], list[EndpointSlice], int]:
    limit = draw(st.integers(1, 8))
    desired = list({endpoint_identity(e): e for e in draw(st.lists(entries, max_size=30))}.values())
    pool = list({endpoint_identity(e): e for e in draw(st.lists(entries, max_size=30))}.values())
    existing = []
    start = 0
    index = 0
    while start < len(pool):
        size = draw(st.integers(1, limit))
        stale_ports = draw(st.integers(0, 9)) == 0
        eps = new_slice(SVC, AddressType.IPV4, OTHER_PORTS if stale_ports else CURRENT_PORTS)
        existing.append(
            evolve(
                eps,
                metadata=evolve(eps.metadata, name=f"svc-{index:02d}", generate_name=None),
                endpoints=tuple(pool[start : start + size]),
            )
        )
        start += size
        index += 1
    return desired, existing, limit


@given(scenarios())
def test_law_no_slice_exceeds_the_maximum(scenario: tuple[list[Endpoint], list[EndpointSlice], int]) -> None:
    desired, existing, limit = scenario
    after = reconcile(SVC, desired, existing, max_endpoints_per_slice=limit).apply(existing)
    assert all(len(s.endpoints or ()) <= limit for s in after)


@given(scenarios())
def test_law_every_desired_endpoint_exactly_once(scenario: tuple[list[Endpoint], list[EndpointSlice], int]) -> None:
    desired, existing, limit = scenario
    after = reconcile(SVC, desired, existing, max_endpoints_per_slice=limit).apply(existing)
    got = [e for s in after for e in s.endpoints or ()]
    assert sorted(endpoint_identity(e) for e in got) == sorted(endpoint_identity(e) for e in desired)
    wanted = {endpoint_identity(e): e for e in desired}
    assert all(wanted[endpoint_identity(e)].conditions == e.conditions for e in got)


@given(scenarios())
def test_law_reconciling_the_result_is_a_no_op(scenario: tuple[list[Endpoint], list[EndpointSlice], int]) -> None:
    desired, existing, limit = scenario
    after = reconcile(SVC, desired, existing, max_endpoints_per_slice=limit).apply(existing)
    assert reconcile(SVC, desired, after, max_endpoints_per_slice=limit) == Plan()


@given(scenarios())
def test_law_unchanged_endpoints_never_move(scenario: tuple[list[Endpoint], list[EndpointSlice], int]) -> None:
    desired, existing, limit = scenario
    plan = reconcile(SVC, desired, existing, max_endpoints_per_slice=limit)
    after = plan.apply(existing)
    before = {
        endpoint_identity(e): s.metadata.name for s in existing if s.ports == CURRENT_PORTS for e in s.endpoints or ()
    }
    now = {endpoint_identity(e): s.metadata.name for s in after for e in s.endpoints or ()}
    for identity, name in before.items():
        if identity in now:
            assert now[identity] == name


@given(scenarios())
def test_law_never_more_writes_than_from_scratch(scenario: tuple[list[Endpoint], list[EndpointSlice], int]) -> None:
    desired, existing, limit = scenario
    plan = reconcile(SVC, desired, existing, max_endpoints_per_slice=limit)
    assert plan.write_count <= len(existing) + len(pack(SVC, desired, max_endpoints_per_slice=limit))


@given(scenarios(), st.randoms())
def test_law_deterministic(scenario: tuple[list[Endpoint], list[EndpointSlice], int], rnd: random.Random) -> None:
    desired, existing, limit = scenario
    shuffled_existing = list(existing)
    shuffled_desired = list(desired)
    rnd.shuffle(shuffled_existing)
    rnd.shuffle(shuffled_desired)
    assert reconcile(SVC, desired, existing, max_endpoints_per_slice=limit) == reconcile(
        SVC, shuffled_desired, shuffled_existing, max_endpoints_per_slice=limit
    )


@given(st.lists(entries, max_size=30), st.integers(1, 8))
def test_law_pack_equals_reconcile_from_nothing(found: list[Endpoint], limit: int) -> None:
    desired = list({endpoint_identity(e): e for e in found}.values())
    assert reconcile(SVC, desired, [], max_endpoints_per_slice=limit).creates == tuple(
        pack(SVC, desired, max_endpoints_per_slice=limit)
    )


# ---------------------------------------------------------------------------
# Deterministic tie-breaks (upstream picks at random)


def test_best_fit_tie_goes_to_the_first_slice_by_name() -> None:
    svc = service()
    existing = [
        existing_slice(2, svc, [endpoint_for(pod(i)) for i in range(50, 100)]),
        existing_slice(1, svc, [endpoint_for(pod(i)) for i in range(50)]),
    ]
    plan = run(svc, [pod(i) for i in range(110)], existing)
    assert [u.slice.metadata.name for u in plan.updates] == ["foo-1"]


def test_fill_tie_goes_to_the_first_slice_by_name() -> None:
    svc = service()
    existing = [
        existing_slice(2, svc, [endpoint_for(pod(i)) for i in range(50, 100)]),
        existing_slice(1, svc, [endpoint_for(pod(i)) for i in range(50)]),
    ]
    # Both slices lose one endpoint, so both are rewritten; the newcomers fill foo-1 first.
    pods = [pod(i) for i in range(1, 100) if i != 50] + [pod(i) for i in range(200, 251)]
    plan = run(svc, pods, existing)
    assert {u.slice.metadata.name: len(u.slice.endpoints or ()) for u in plan.updates} == {"foo-1": 100, "foo-2": 49}
    assert [len(s.endpoints or ()) for s in plan.creates] == []
    first = next(u.slice for u in plan.updates if u.slice.metadata.name == "foo-1")
    assert [e.target_ref.name for e in (first.endpoints or ())[48:50]] == ["pod49", "pod200"]  # type: ignore[union-attr]


def test_new_endpoints_are_placed_by_pod_name_then_address() -> None:
    pods = [pod(i) for i in (3, 1, 2)]
    plan = run(service(), pods, [])
    assert [e.target_ref.name for e in plan.creates[0].endpoints or ()] == ["pod1", "pod2", "pod3"]  # type: ignore[union-attr]


def test_plan_lists_writes_by_kind_then_address_type() -> None:
    svc = service(ip_families=["IPv4", "IPv6"])
    pods = [pod(i, ips=[pod_ip(i), f"2001:db8::{i + 1:x}"]) for i in range(4)]
    slices = run(svc, pods[:1], []).apply([])
    plan = run(svc, pods, slices, max_endpoints_per_slice=2)
    assert [(s.address_type.value, len(s.endpoints or ())) for s in plan.creates] == [("IPv4", 2), ("IPv6", 2)]  # type: ignore[union-attr]
    assert [u.slice.address_type.value for u in plan.updates] == ["IPv4", "IPv6"]  # type: ignore[union-attr]


# Laws over Pods: several port groups (named ports resolving differently) and both families.

NAMED = service(
    ip_families=["IPv4", "IPv6"],
    ports=[ServicePort(name="http", port=80, target_port="http", protocol="TCP")],
)


def _pod_variant(i: int, port: int, v6: bool, ready: bool) -> Pod:
    ips = [pod_ip(i), f"2001:db8::{i + 1:x}"] if v6 else [pod_ip(i)]
    return pod(
        i, ready=ready, ips=ips, container_ports=[ContainerPort(name="http", container_port=port, protocol="TCP")]
    )


pod_sets = st.lists(
    st.builds(_pod_variant, st.integers(0, 30), st.sampled_from([8080, 8081, 9999]), st.booleans(), st.booleans()),
    max_size=25,
).map(lambda found: list({p.metadata.name: p for p in found}.values()))


@given(pod_sets, pod_sets, st.integers(1, 6))
def test_law_pods_reconcile_converges_and_places_every_endpoint(
    first: list[Pod], second: list[Pod], limit: int
) -> None:
    existing = run(NAMED, first, [], max_endpoints_per_slice=limit).apply([])
    desired = desired_endpoints(NAMED, second, NODES)
    plan = reconcile(NAMED, desired, existing, max_endpoints_per_slice=limit)
    after = plan.apply(existing)
    assert reconcile(NAMED, desired, after, max_endpoints_per_slice=limit) == Plan()
    assert all(len(s.endpoints or ()) <= limit for s in after)
    for group in desired.groups:
        placed = sorted(
            endpoint_identity(e)
            for s in after
            if s.address_type is group.address_type and port_group_key(s.ports) == group.key
            for e in s.endpoints or ()
        )
        assert placed == sorted(group.endpoints)
    for address_type in desired.address_types:
        assert any(s.address_type is address_type for s in after)
    assert plan.write_count <= len(existing) + len(pack(NAMED, desired, max_endpoints_per_slice=limit))


def test_slices_without_namespace_belong_to_a_default_service() -> None:
    svc = service(namespace="default")
    slices = run(svc, [pod(1, namespace="default")], []).apply([])
    bare = [evolve(s, metadata=evolve(s.metadata, namespace=None)) for s in slices]
    assert counts(run(svc, [pod(1, namespace="default")], bare)) == (0, 0, 0)
    placeholder = new_slice(svc, AddressType.IPV4, ())
    assert placeholder_equal(evolve(placeholder, metadata=evolve(placeholder.metadata, namespace=None)), placeholder)


def test_an_existing_endpoint_with_addresses_out_of_order_is_matched_by_its_identity() -> None:
    # The walk looks existing endpoints up with their addresses as written; an endpoint with
    # several addresses out of order misses there and must still be found by its identity,
    # not taken for gone (which would rewrite its slice).
    svc = Service(
        metadata=ObjectMeta(name="db", namespace="ns", uid="u1"),
        spec=ServiceSpec(ports=(ServicePort(name="pg", port=5432, target_port=5432),), ip_families=("IPv4",)),
    )
    first = [Endpoint(addresses=("10.0.0.1",)), Endpoint(addresses=("10.0.0.3",))]
    (eps,) = reconcile(svc, first, [], managed_by="me").apply([])
    both = Endpoint(addresses=("10.0.0.9", "10.0.0.2"), conditions=EndpointConditions(ready=True))
    existing = [attrs.evolve(eps, endpoints=(both, *(eps.endpoints or ())))]
    desired = [*first, Endpoint(addresses=("10.0.0.2", "10.0.0.9"), conditions=EndpointConditions(ready=True))]
    assert reconcile(svc, desired, existing, managed_by="me") == Plan()
    desired[2] = attrs.evolve(desired[2], conditions=EndpointConditions(ready=False))
    plan = reconcile(svc, desired, existing, managed_by="me")
    assert [[e.addresses for e in u.slice.endpoints or ()] for u in plan.updates] == [
        [("10.0.0.2", "10.0.0.9"), ("10.0.0.1",), ("10.0.0.3",)]
    ]
