"""Tests for endpointslice.topology: the "Auto" hints, from upstream's TestReconcileTopology and topologycache tests."""

from __future__ import annotations

import pytest

from endpointslice import (
    AddressType,
    EndpointSlice,
    FrozenDict,
    Node,
    NodeCondition,
    NodeStatus,
    ObjectMeta,
    Pod,
    PodCondition,
    PodIP,
    PodSpec,
    PodStatus,
    Service,
    ServicePort,
    ServiceSpec,
)
from endpointslice.packing import desired_endpoints, endpoint_from_pod, new_slice
from endpointslice.reconcile import Plan, reconcile
from endpointslice.topology import Allocation, allocations, cpu_millis, zone_ratios

ZONES = ("zone-a", "zone-b", "zone-c")
ANNOTATION = "service.kubernetes.io/topology-aware-hints"


def node(
    name: str, zone: str | None, *, cpu: str | None = "100m", ready: bool = True, labels: dict[str, str] | None = None
) -> Node:
    all_labels = {**({"topology.kubernetes.io/zone": zone} if zone else {}), **(labels or {})}
    return Node(
        metadata=ObjectMeta(name=name, labels=FrozenDict(all_labels)),
        status=NodeStatus(
            allocatable=FrozenDict({"cpu": cpu}) if cpu is not None else None,
            conditions=(NodeCondition(type="Ready", status="True" if ready else "False"),),
        ),
    )


def pod(n: int, node_name: str) -> Pod:
    value = 4 + n
    ip = f"1.2.{3 + value // 256}.{value % 256}"
    return Pod(
        metadata=ObjectMeta(namespace="testing", name=f"pod{n}", labels=FrozenDict({"foo": "bar"})),
        spec=PodSpec(node_name=node_name),
        status=PodStatus(pod_ip=ip, pod_ips=(PodIP(ip=ip),), conditions=(PodCondition(type="Ready", status="True"),)),
    )


def service(annotation: str | None = None, traffic: str | None = None) -> Service:
    return Service(
        metadata=ObjectMeta(
            name="foo",
            namespace="testing",
            uid="testing-foo",
            annotations=FrozenDict({ANNOTATION: annotation}) if annotation is not None else None,
        ),
        spec=ServiceSpec(
            ports=(ServicePort(name="foo", port=80, target_port=80, protocol="TCP"),),
            selector=FrozenDict({"foo": "bar"}),
            ip_families=("IPv4",),
            traffic_distribution=traffic,
        ),
    )


# Upstream's TestReconcileTopology fixture: 3 zones, 10 nodes with 100m CPU and one pod per node.
NODES = [node(f"node-{zone}-{j}", zone) for zone in ZONES for j in range(10)]
PODS = [pod(i * 100 + j, f"node-{zone}-{j}") for i, zone in enumerate(ZONES) for j in range(10)]
SLICE_PODS = {
    "zone-a-b": [PODS[7], PODS[8], PODS[16], PODS[17], PODS[18]],
    "zone-a-c": [PODS[5], PODS[6], PODS[25], PODS[26]],
    "zone-c": [PODS[27], PODS[28], PODS[29]],
}


def existing(name: str) -> EndpointSlice:
    """Upstream's test slice: the Pods' endpoints (with zones, no hints), named *name*."""
    svc = service()
    by_name = {n.metadata.name: n for n in NODES}
    pods = SLICE_PODS[name]
    endpoints = tuple(endpoint_from_pod(p, svc, AddressType.IPV4, node=by_name[p.spec.node_name]) for p in pods)
    base = new_slice(svc, AddressType.IPV4, desired_endpoints(svc, pods, NODES).groups[0].ports, endpoints=endpoints)
    return EndpointSlice(
        metadata=ObjectMeta(
            name=name, namespace="testing", labels=base.metadata.labels, owner_references=base.metadata.owner_references
        ),
        address_type=AddressType.IPV4,
        ports=base.ports,
        endpoints=endpoints,
    )


def hints_by_zone(slices: list[EndpointSlice]) -> tuple[dict[str, int], int]:
    counts: dict[str, int] = {}
    cross = 0
    for s in slices:
        for e in s.endpoints or ():
            zones = e.hints.for_zones if e.hints else None
            if not zones:
                continue
            counts[zones[0].name] = counts.get(zones[0].name, 0) + 1
            cross += zones[0].name != e.zone
    return counts, cross


@pytest.mark.parametrize(
    ("annotation", "slices", "writes", "expected", "cross"),
    [
        pytest.param(
            "auto",
            ["zone-c"],
            (0, 1, 0),
            {"zone-a": 1, "zone-b": 1, "zone-c": 1},
            2,
            id="auto, 3 endpoints in one zone",
        ),
        pytest.param("auto", ["zone-a-c"], (0, 0, 0), {}, 0, id="auto, ratio beyond threshold"),
        pytest.param(
            "Auto",
            ["zone-a-c", "zone-a-b"],
            (0, 2, 0),
            {"zone-a": 3, "zone-b": 3, "zone-c": 3},
            1,
            id="Auto, more slices and endpoints",
        ),
        pytest.param("disabled", ["zone-a-c", "zone-a-b"], (0, 0, 0), {}, 0, id="disabled, more slices and endpoints"),
    ],
)
def test_reconcile_topology(
    annotation: str, slices: list[str], writes: tuple[int, int, int], expected: dict[str, int], cross: int
) -> None:
    before = [existing(name) for name in slices]
    pods = [p for name in slices for p in SLICE_PODS[name]]
    svc = service(annotation)
    plan = reconcile(svc, desired_endpoints(svc, pods, NODES), before)
    assert (len(plan.creates), len(plan.updates), len(plan.deletes)) == writes
    after = plan.apply(before)
    assert hints_by_zone(after) == (expected, cross)
    assert reconcile(svc, desired_endpoints(svc, pods, NODES), after) == Plan()


def test_annotation_takes_precedence_over_traffic_distribution() -> None:
    nodes = [node(f"node-{i}", zone, cpu="100m") for i, zone in enumerate(ZONES)]
    placement = ["node-0", "node-1", "node-1", "node-1", "node-2", "node-2"]
    pods = [pod(i, n) for i, n in enumerate(placement)]
    svc = service("Auto", traffic="PreferClose")
    plan = reconcile(svc, desired_endpoints(svc, pods, nodes), [])
    assert len(plan.creates) == 1
    # Upstream: zone-a 2 (pod-0 and one zone-b pod), zone-b 2, zone-c 2; one cross-zone hint.
    assert hints_by_zone(list(plan.creates)) == ({"zone-a": 2, "zone-b": 2, "zone-c": 2}, 1)


def test_endpoint_without_zone_removes_every_hint() -> None:
    nodes = [*NODES, node("no-zone", None, cpu="100m", labels={"node-role.kubernetes.io/control-plane": ""})]
    pods = [PODS[0], PODS[10], PODS[20], pod(999, "no-zone")]
    svc = service("Auto")
    plan = reconcile(svc, desired_endpoints(svc, pods, nodes), [])
    assert hints_by_zone(list(plan.creates)) == ({}, 0)


@pytest.mark.parametrize(
    ("nodes", "expected"),
    [
        pytest.param([node("a", "a", cpu="3"), node("b", "b", cpu="1000m")], {"a": 0.75, "b": 0.25}, id="ratios"),
        pytest.param([node("a", "a"), node("b", "b", ready=False)], None, id="one ready zone"),
        pytest.param([node("a", "a"), node("b", None)], None, id="node without zone"),
        pytest.param([node("a", "a"), node("b", "b", cpu=None)], None, id="node without CPU"),
        pytest.param(
            [node("a", "a"), node("b", "b"), node("m", None, labels={"node-role.kubernetes.io/master": "true"})],
            {"a": 0.5, "b": 0.5},
            id="control plane excluded",
        ),
    ],
)
def test_zone_ratios(nodes: list[Node], expected: dict[str, float] | None) -> None:
    got = zone_ratios(nodes)
    assert (dict(got) if got is not None else None) == expected


@pytest.mark.parametrize(
    ("value", "millis"),
    [
        ("100m", 100),
        ("4", 4000),
        ("1.5", 1500),
        ("1k", 1_000_000),
        ("2Ki", 2_048_000),
        ("1e3", 1_000_000),
        ("5n", 1),
        ("", 0),
    ],
)
def test_cpu_millis(value: str, millis: int) -> None:
    assert cpu_millis(value) == millis


@pytest.mark.parametrize(
    ("ratios", "endpoints", "expected"),
    [
        (None, 3, "Insufficient Node information: allocatable CPU or zone not specified on one or more nodes"),
        ({"a": 1.0}, 3, "Nodes only ready in one zone"),
        ({"a": 0.5, "b": 0.5}, 1, "Insufficient number of endpoints (1 endpoints, 2 zones)"),
        (
            {"a": 0.5, "b": 0.5},
            10,
            {"a": Allocation(minimum=5, maximum=5, desired=5.0), "b": Allocation(minimum=5, maximum=5, desired=5.0)},
        ),
        (
            {"a": 0.2, "b": 0.8},
            10,
            {"a": Allocation(minimum=2, maximum=3, desired=2.0), "b": Allocation(minimum=7, maximum=8, desired=8.0)},
        ),
    ],
)
def test_allocations(ratios: dict[str, float] | None, endpoints: int, expected: object) -> None:
    assert allocations(ratios, endpoints) == expected
