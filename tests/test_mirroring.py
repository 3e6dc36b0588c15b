"""Tests for `endpointslice.mirroring`: the EndpointSlice mirroring controller."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from endpointslice import (
    AddressType,
    Endpoint,
    EndpointAddress,
    EndpointConditions,
    EndpointPort,
    Endpoints,
    EndpointSlice,
    EndpointsPort,
    EndpointSubset,
    FrozenDict,
    ObjectMeta,
    ObjectReference,
    OwnerReference,
    PackingError,
    Protocol,
    Service,
    ServiceSpec,
)
from endpointslice.io import load
from endpointslice.mirroring import (
    MIRRORING_CONTROLLER_NAME,
    MirrorEventReason,
    address_to_endpoint,
    desired_mirror,
    mirror,
    should_mirror,
)
from endpointslice.packing import NameStrategy
from endpointslice.proxy import proxy_view, proxy_view_of_endpoints
from endpointslice.repack import repack_subsets

SERVICE_NAME = "kubernetes.io/service-name"
MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"
UID = "d8f2c1f6-5285-4b3c-b3c1-9b89f9e7ed7a"
OTHER_UID = "fb91e798-1875-4857-b5eb-e2c878157b4d"

SERVICE = Service(metadata=ObjectMeta(name="test-ep", namespace="test"))


def a(ip: str, host: str, node: str | None = None) -> EndpointAddress:
    return EndpointAddress(ip=ip, hostname=host, node_name=node)


def ports(*spec: tuple[str, int, str]) -> tuple[EndpointsPort, ...]:
    return tuple(EndpointsPort(name=n, port=p, protocol=proto) for n, p, proto in spec)


def sub(
    port_spec: tuple[EndpointsPort, ...],
    ready: list[EndpointAddress] | None = None,
    not_ready: list[EndpointAddress] | None = None,
) -> EndpointSubset:
    return EndpointSubset(
        addresses=None if ready is None else tuple(ready),
        not_ready_addresses=None if not_ready is None else tuple(not_ready),
        ports=port_spec,
    )


HTTP = ports(("http", 80, "TCP"))
HTTPS = ports(("https", 443, "TCP"))
HTTP_HTTPS = ports(("http", 80, "TCP"), ("https", 443, "UDP"))
HIGH = ports(("http", 3000, "TCP"), ("https", 3001, "UDP"))


def slice_ports(*spec: tuple[str, int, str]) -> tuple[EndpointPort, ...]:
    return tuple(EndpointPort(name=n, port=p, protocol=proto) for n, p, proto in spec)


def existing_slice(
    *,
    name: str = "test-ep-1",
    port_spec: tuple[EndpointPort, ...] = slice_ports(("http", 80, "TCP")),
    endpoints: list[Endpoint] | None = None,
    annotations: dict[str, str] | None = None,
    owner_uid: str | None = None,
) -> EndpointSlice:
    # Upstream's test harness gives every existing slice exactly these two labels.
    owners = None
    if owner_uid is not None:
        owners = (OwnerReference(api_version="v1", kind="Endpoints", name="test-ep", uid=owner_uid),)
    return EndpointSlice(
        metadata=ObjectMeta(
            name=name,
            namespace="test",
            labels=FrozenDict({SERVICE_NAME: "test-ep", MANAGED_BY: MIRRORING_CONTROLLER_NAME}),
            annotations=FrozenDict.of(annotations) or None,
            owner_references=owners,
        ),
        address_type=AddressType.IPV4,
        endpoints=None if endpoints is None else tuple(endpoints),
        ports=port_spec,
    )


def ready_ep(ip: str, host: str, node: str | None = None, *, ready: bool | None = True) -> Endpoint:
    return Endpoint(addresses=(ip,), hostname=host, node_name=node, conditions=EndpointConditions(ready=ready))


@attrs.frozen(kw_only=True)
class Case:
    name: str
    subsets: list[EndpointSubset]
    num_slices: int
    actions: int
    labels: dict[str, str] | None = None
    annotations: dict[str, str] | None = None
    uid: str | None = None
    deleting: bool = False
    max_per_subset: int = 1000
    existing: list[EndpointSlice] = attrs.field(factory=list)
    desired_endpoints: int | None = None
    skipped: int = 0
    created: int | None = None
    updated: int | None = None


TWO_SUBSETS = [
    sub(HTTP_HTTPS, [a("10.0.0.1", "pod-1", "node-1"), a("10.0.0.2", "pod-2", "node-2")]),
    sub(
        HIGH,
        [a("10.0.1.1", "pod-11", "node-1"), a("10.0.1.2", "pod-12", "node-2"), a("10.0.1.3", "pod-13", "node-3")],
    ),
]
ONE_ADDRESS = [sub(HTTP, [a("10.0.0.1", "pod-1")])]
HTTP_HTTPS_SLICE_PORTS = slice_ports(("http", 80, "TCP"), ("https", 443, "UDP"))

# Every case of upstream's TestReconcile (pkg/controller/endpointslicemirroring/reconciler_test.go),
# with its expected slice count, client actions (= plan writes) and metrics where upstream gives them.
CASES = [
    Case(name="Endpoints with no subsets", subsets=[], num_slices=0, actions=0, desired_endpoints=0),
    Case(name="Endpoints with no addresses", subsets=[sub(HTTP)], num_slices=0, actions=0, desired_endpoints=0),
    Case(
        name="Endpoints with 1 subset, port, and address",
        subsets=[sub(HTTP, [a("10.0.0.1", "pod-1", "node-1")])],
        num_slices=1,
        actions=1,
        desired_endpoints=1,
        created=1,
    ),
    Case(
        name="Endpoints with 2 subset, different port and address",
        subsets=[sub(HTTP, [a("10.0.0.1", "pod-1", "node-1")]), sub(HTTPS, [a("10.0.0.2", "pod-2", "node-1")])],
        num_slices=2,
        actions=2,
        desired_endpoints=2,
        created=2,
    ),
    Case(
        name="Endpoints with 2 subset, different port and same address",
        subsets=[sub(HTTP, [a("10.0.0.1", "pod-1", "node-1")]), sub(HTTPS, [a("10.0.0.1", "pod-1", "node-1")])],
        num_slices=1,
        actions=1,
        desired_endpoints=1,
        created=1,
    ),
    Case(
        name="Endpoints with 2 subset, different address and same port",
        subsets=[sub(HTTP, [a("10.0.0.1", "pod-1", "node-1")]), sub(HTTP, [a("10.0.0.2", "pod-2", "node-1")])],
        num_slices=1,
        actions=1,
        desired_endpoints=2,
        created=1,
    ),
    Case(
        name="Endpoints with 1 subset, port, and address, pending deletion",
        subsets=[sub(HTTP, [a("10.0.0.1", "pod-1", "node-1")])],
        deleting=True,
        num_slices=0,
        actions=0,
    ),
    Case(
        name="Endpoints with 1 subset, port, and address and existing slice with same fields",
        subsets=ONE_ADDRESS,
        uid=UID,
        existing=[existing_slice(endpoints=[ready_ep("10.0.0.1", "pod-1")], owner_uid=UID)],
        num_slices=1,
        actions=0,
    ),
    Case(
        name="Endpoints with 1 subset, port, and address and existing slice with same fields but different "
        "OwnerReferences",
        subsets=ONE_ADDRESS,
        uid=UID,
        existing=[existing_slice(endpoints=[ready_ep("10.0.0.1", "pod-1")], owner_uid=OTHER_UID)],
        num_slices=1,
        actions=1,
    ),
    Case(
        name="Endpoints with 1 subset, port, and address and existing slice with an additional annotation",
        subsets=ONE_ADDRESS,
        existing=[existing_slice(endpoints=[ready_ep("10.0.0.1", "pod-1")], annotations={"foo": "bar"})],
        num_slices=1,
        actions=1,
    ),
    Case(
        name="Endpoints with 1 subset, port, label and address and existing slice with same fields but the label",
        subsets=ONE_ADDRESS,
        labels={"foo": "bar"},
        existing=[existing_slice(endpoints=[ready_ep("10.0.0.1", "pod-1")], annotations={"foo": "bar"})],
        num_slices=1,
        actions=1,
    ),
    Case(
        name="Endpoints with 1 subset, 2 ports, and 2 addresses",
        subsets=[sub(HTTP_HTTPS, [a("10.0.0.1", "pod-1", "node-1"), a("10.0.0.2", "pod-2", "node-2")])],
        num_slices=1,
        actions=1,
        desired_endpoints=2,
        created=1,
    ),
    Case(
        name="Endpoints with 1 subset, 2 ports, and 2 not ready addresses",
        subsets=[sub(HTTP_HTTPS, None, [a("10.0.0.1", "pod-1", "node-1"), a("10.0.0.2", "pod-2", "node-2")])],
        num_slices=1,
        actions=1,
        desired_endpoints=2,
        created=1,
    ),
    Case(
        name="Endpoints with 1 subset, 2 ports, and 2 ready and 2 not ready addresses",
        subsets=[
            sub(
                HTTP_HTTPS,
                [a("10.1.1.1", "pod-11", "node-1"), a("10.1.1.2", "pod-12", "node-2")],
                [a("10.0.0.1", "pod-1", "node-1"), a("10.0.0.2", "pod-2", "node-2")],
            )
        ],
        num_slices=1,
        actions=1,
        desired_endpoints=4,
        created=1,
    ),
    Case(
        name="Endpoints with 2 subsets, multiple ports and addresses",
        subsets=TWO_SUBSETS,
        num_slices=2,
        actions=2,
        desired_endpoints=5,
        created=2,
    ),
    Case(
        name="Endpoints with 2 subsets, multiple ports and addresses, existing empty EndpointSlice",
        subsets=TWO_SUBSETS,
        existing=[existing_slice(port_spec=HTTP_HTTPS_SLICE_PORTS)],
        num_slices=2,
        actions=2,
        desired_endpoints=5,
        created=1,
        updated=1,
    ),
    Case(
        name="Endpoints with 2 subsets, multiple ports and addresses, existing EndpointSlice with some addresses",
        subsets=TWO_SUBSETS,
        existing=[
            existing_slice(
                port_spec=HTTP_HTTPS_SLICE_PORTS,
                endpoints=[
                    Endpoint(addresses=("10.0.0.2",), hostname="pod-2"),
                    Endpoint(addresses=("10.0.0.1", "10.0.0.3"), hostname="pod-1"),
                ],
            )
        ],
        num_slices=2,
        actions=2,
        desired_endpoints=5,
        created=1,
        updated=1,
    ),
    Case(
        name="Endpoints with 2 subsets, multiple ports and addresses, existing EndpointSlice identical to subset",
        subsets=TWO_SUBSETS,
        existing=[
            existing_slice(
                port_spec=HTTP_HTTPS_SLICE_PORTS,
                endpoints=[ready_ep("10.0.0.1", "pod-1", "node-1"), ready_ep("10.0.0.2", "pod-2", "node-2")],
            )
        ],
        num_slices=2,
        actions=1,
        desired_endpoints=5,
        created=1,
        updated=0,
    ),
    Case(
        name="Endpoints with 2 subsets, multiple ports, and dual stack addresses",
        subsets=[
            sub(
                HTTP_HTTPS,
                [a("2001:db8:2222:3333:4444:5555:6666:7777", "pod-1", "node-1"), a("10.0.0.2", "pod-2", "node-2")],
            ),
            sub(
                HIGH,
                [
                    a("10.0.1.1", "pod-11", "node-1"),
                    a("10.0.1.2", "pod-12", "node-2"),
                    a("2001:db8:3333:4444:5555:6666:7777:8888", "pod-13", "node-3"),
                ],
            ),
        ],
        num_slices=4,
        actions=4,
        desired_endpoints=5,
        created=4,
    ),
    Case(
        name="Endpoints with 2 subsets, multiple ports, ipv6 only addresses",
        subsets=[
            sub(
                HTTP_HTTPS,
                [
                    a("2001:db8:1111:3333:4444:5555:6666:7777", "pod-1", "node-1"),
                    a("2001:db8:2222:3333:4444:5555:6666:7777", "pod-2", "node-2"),
                ],
            ),
            sub(
                HIGH,
                [
                    a("2001:db8:3333:3333:4444:5555:6666:7777", "pod-11", "node-1"),
                    a("2001:db8:4444:3333:4444:5555:6666:7777", "pod-12", "node-2"),
                    a("2001:db8:5555:3333:4444:5555:6666:7777", "pod-13", "node-3"),
                ],
            ),
        ],
        num_slices=2,
        actions=2,
        desired_endpoints=5,
        created=2,
    ),
    Case(
        name="Endpoints with 2 subsets, multiple ports, some invalid addresses",
        subsets=[
            sub(
                HTTP_HTTPS,
                [
                    a("2001:db8:1111:3333:4444:5555:6666:7777", "pod-1", "node-1"),
                    a("this-is-not-an-ip", "pod-2", "node-2"),
                ],
            ),
            sub(
                HIGH,
                [
                    a("this-is-also-not-an-ip", "pod-11", "node-1"),
                    a("2001:db8:4444:3333:4444:5555:6666:7777", "pod-12", "node-2"),
                    a("2001:db8:5555:3333:4444:5555:6666:7777", "pod-13", "node-3"),
                ],
            ),
        ],
        num_slices=2,
        actions=2,
        desired_endpoints=3,
        skipped=2,
        created=2,
    ),
    Case(
        name="Endpoints with 2 subsets, multiple ports, all invalid addresses",
        subsets=[
            sub(HTTP_HTTPS, [a("this-is-not-an-ip1", "pod-1", "node-1"), a("this-is-not-an-ip12", "pod-2", "node-2")]),
            sub(
                HIGH,
                [
                    a("this-is-not-an-ip11", "pod-11", "node-1"),
                    a("this-is-not-an-ip12", "pod-12", "node-2"),
                    a("this-is-not-an-ip3", "pod-13", "node-3"),
                ],
            ),
        ],
        num_slices=0,
        actions=0,
        desired_endpoints=0,
        skipped=5,
        created=0,
    ),
    Case(
        name="Endpoints with 2 subsets, 1 exceeding maxEndpointsPerSubset",
        subsets=TWO_SUBSETS,
        max_per_subset=2,
        num_slices=2,
        actions=2,
        desired_endpoints=4,
        skipped=1,
        created=2,
        updated=0,
    ),
    Case(
        name="The last-applied-configuration annotation should not get mirrored to created or updated endpoint slices",
        annotations={LAST_APPLIED: '{"apiVersion":"v1","kind":"Endpoints","subsets":[]}'},
        subsets=ONE_ADDRESS,
        num_slices=1,
        actions=1,
        desired_endpoints=1,
        created=1,
    ),
    Case(
        name="The last-applied-configuration annotation shouldn't get added to created endpoint slices",
        subsets=ONE_ADDRESS,
        num_slices=1,
        actions=1,
        desired_endpoints=1,
        created=1,
    ),
    Case(
        name="The last-applied-configuration shouldn't get mirrored to endpoint slices when it's value is empty",
        annotations={LAST_APPLIED: ""},
        subsets=ONE_ADDRESS,
        num_slices=1,
        actions=1,
        desired_endpoints=1,
        created=1,
    ),
    Case(
        name="Annotations other than last-applied-configuration should get correctly mirrored",
        annotations={LAST_APPLIED: '{"apiVersion":"v1","kind":"Endpoints","subsets":[]}', "foo": "bar"},
        subsets=ONE_ADDRESS,
        num_slices=1,
        actions=1,
        desired_endpoints=1,
        created=1,
    ),
    Case(
        name="Annotation mirroring should remove the last-applied-configuration annotation from existing endpoint "
        "slices",
        subsets=ONE_ADDRESS,
        existing=[
            existing_slice(
                endpoints=[ready_ep("10.0.0.1", "pod-1")],
                annotations={LAST_APPLIED: '{"apiVersion":"v1","kind":"Endpoints","subsets":[]}'},
            )
        ],
        num_slices=1,
        actions=1,
    ),
]


def case(name: str) -> Case:
    (found,) = [c for c in CASES if c.name == name]
    return found


NO_SUBSETS = case("Endpoints with no subsets")
ONE = case("Endpoints with 1 subset, port, and address")
TWO = case("Endpoints with 2 subsets, multiple ports and addresses")


def endpoints_of(case: Case) -> Endpoints:
    return Endpoints(
        metadata=ObjectMeta(
            name="test-ep",
            namespace="test",
            labels=FrozenDict.of(case.labels) or None,
            annotations=FrozenDict.of(case.annotations) or None,
            uid=case.uid,
            deletion_timestamp="2026-07-01T10:00:00Z" if case.deleting else None,
        ),
        subsets=tuple(case.subsets),
    )


def check_slices(endpoints: Endpoints, slices: list[EndpointSlice], max_per_subset: int) -> None:
    """Upstream's expectEndpointSlices: labels, annotations and every endpoint's fields."""
    for eps in slices:
        assert (eps.metadata.name or "").startswith("test-ep")
        assert eps.metadata.label(SERVICE_NAME) == "test-ep"
        annotations: Mapping[str, str] = eps.metadata.annotations or {}
        assert LAST_APPLIED not in annotations
        assert TRIGGER_TIME not in annotations
        for key, value in (endpoints.metadata.annotations or {}).items():
            if key not in (LAST_APPLIED, TRIGGER_TIME):
                assert annotations.get(key) == value
    for subset in repack_subsets(endpoints.subsets):
        for family in (AddressType.IPV4, AddressType.IPV6):
            expected: dict[str, tuple[bool, EndpointAddress]] = {}
            listed = [(x, True) for x in subset.addresses or ()] + [
                (x, False) for x in subset.not_ready_addresses or ()
            ]
            for address, ready in listed:
                made = address_to_endpoint(address, ready=ready)
                if made is not None and made[1] is family and len(expected) < max_per_subset:
                    expected[made[0].addresses[0]] = (ready, address)
            wanted_ports = {(p.name, p.port) for p in subset.ports or ()}
            got = [
                e
                for s in slices
                if s.address_type is family and {(p.name, p.port) for p in s.ports or ()} == wanted_ports
                for e in s.endpoints or ()
            ]
            assert len(got) == len(expected)
            for endpoint in got:
                ready, address = expected[endpoint.addresses[0]]
                assert endpoint.conditions == EndpointConditions(ready=ready)
                assert endpoint.hostname == (address.hostname or None)
                assert endpoint.node_name == address.node_name


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_mirror_matches_upstream_reconcile_cases(case: Case) -> None:
    endpoints = endpoints_of(case)
    result = mirror(endpoints, SERVICE, case.existing, max_endpoints_per_subset=case.max_per_subset)
    plan = result.plan
    assert plan.write_count == case.actions
    after = [s for s in plan.apply(case.existing) if s.metadata.label(MANAGED_BY) == MIRRORING_CONTROLLER_NAME]
    assert len(after) == case.num_slices
    if case.created is not None:
        assert len(plan.creates) == case.created
    if case.updated is not None:
        assert len(plan.updates) == case.updated
    desired = desired_mirror(endpoints, max_endpoints_per_subset=case.max_per_subset)
    if case.desired_endpoints is not None:
        assert desired.endpoint_count() == case.desired_endpoints
    assert desired.skipped == case.skipped
    if not case.deleting:
        check_slices(endpoints, after, case.max_per_subset)


def test_invalid_addresses_give_an_invalid_ip_address_event() -> None:
    endpoints = endpoints_of(case("Endpoints with 2 subsets, multiple ports, some invalid addresses"))
    (event,) = mirror(endpoints, SERVICE, []).events
    assert event.reason is MirrorEventReason.INVALID_IP_ADDRESS
    assert str(event) == "Warning InvalidIPAddress: Skipped 2 invalid IP addresses when mirroring to EndpointSlices"


def test_addresses_over_the_maximum_give_a_too_many_addresses_event() -> None:
    endpoints = endpoints_of(case("Endpoints with 2 subsets, 1 exceeding maxEndpointsPerSubset"))
    (event,) = mirror(endpoints, SERVICE, [], max_endpoints_per_subset=2).events
    assert event.reason is MirrorEventReason.TOO_MANY_ADDRESSES_TO_MIRROR
    assert event.message == (
        "A max of 2 addresses can be mirrored to EndpointSlices per Endpoints subset. 1 addresses were skipped"
    )


def test_invalid_addresses_do_not_count_toward_the_maximum() -> None:
    # Canonical order is by IP string, so both invalid addresses come before the limit is reached.
    listed = [a("10.0.0.3", "c"), a("0-bad", "x"), a("10.0.0.2", "b"), a("10.0.0.1-bad", "y"), a("10.0.0.1", "a")]
    subset = sub(HTTP, listed)
    desired = desired_mirror(attrs.evolve(endpoints_of(NO_SUBSETS), subsets=(subset,)), max_endpoints_per_subset=2)
    assert [e.addresses[0] for g in desired.groups for e in g.endpoints] == ["10.0.0.1", "10.0.0.2"]
    assert (desired.invalid, desired.skipped) == (2, 3)
    assert [e.reason for e in desired.events] == [
        MirrorEventReason.INVALID_IP_ADDRESS,
        MirrorEventReason.TOO_MANY_ADDRESSES_TO_MIRROR,
    ]


def test_ready_addresses_are_taken_before_not_ready_ones() -> None:
    subset = sub(HTTP, [a("10.0.0.9", "r")], [a("10.0.0.1", "n1"), a("10.0.0.2", "n2")])
    desired = desired_mirror(attrs.evolve(endpoints_of(NO_SUBSETS), subsets=(subset,)), max_endpoints_per_subset=2)
    (group,) = [g for g in desired.groups if g.endpoints]
    assert [(e.addresses[0], e.conditions.ready) for e in group.endpoints] == [("10.0.0.9", True), ("10.0.0.1", False)]


def test_created_slices_carry_labels_annotations_and_the_owner_reference() -> None:
    endpoints = attrs.evolve(
        endpoints_of(case("Endpoints with 1 subset, port, and address")),
        metadata=ObjectMeta(
            name="test-ep",
            namespace="test",
            uid=UID,
            labels=FrozenDict({"app": "db", SERVICE_NAME: "spoofed"}),
            annotations=FrozenDict({"note": "x", TRIGGER_TIME: "2026-07-01T10:00:00Z"}),
        ),
    )
    (created,) = mirror(endpoints, SERVICE, []).plan.creates
    assert created.metadata == ObjectMeta(
        generate_name="test-ep-",
        namespace="test",
        labels=FrozenDict({"app": "db", SERVICE_NAME: "test-ep", MANAGED_BY: MIRRORING_CONTROLLER_NAME}),
        annotations=FrozenDict({"note": "x"}),
        owner_references=(
            OwnerReference(
                api_version="v1", kind="Endpoints", name="test-ep", uid=UID, controller=True, block_owner_deletion=True
            ),
        ),
    )
    assert created.ports == (EndpointPort(name="http", port=80, protocol="TCP"),)
    assert created.endpoints == (
        Endpoint(
            addresses=("10.0.0.1",), hostname="pod-1", node_name="node-1", conditions=EndpointConditions(ready=True)
        ),
    )


def test_an_extra_slice_of_the_same_ports_is_deleted_and_the_first_by_name_kept() -> None:
    endpoints = endpoints_of(case("Endpoints with 1 subset, port, and address and existing slice with same fields"))
    keep = existing_slice(name="test-ep-a", endpoints=[ready_ep("10.0.0.1", "pod-1")], owner_uid=UID)
    extra = existing_slice(name="test-ep-b", endpoints=[ready_ep("10.0.0.1", "pod-1")], owner_uid=UID)
    plan = mirror(endpoints, SERVICE, [extra, keep]).plan
    assert (plan.creates, plan.updates) == ((), ())
    assert [s.metadata.name for s in plan.deletes] == ["test-ep-b"]


def test_a_port_change_recycles_the_old_slice() -> None:
    endpoints = endpoints_of(case("Endpoints with 1 subset, port, and address and existing slice with same fields"))
    old = existing_slice(
        name="test-ep-old",
        port_spec=slice_ports(("http", 8080, "TCP")),
        endpoints=[ready_ep("10.0.0.1", "pod-1")],
        owner_uid=UID,
    )
    plan = mirror(endpoints, SERVICE, [old]).plan
    assert (plan.creates, plan.deletes) == ((), ())
    (update,) = plan.updates
    assert update.previous is old
    assert update.slice.metadata.name == "test-ep-old"
    assert update.slice.ports == (EndpointPort(name="http", port=80, protocol="TCP"),)


def test_slices_of_other_controllers_are_left_alone() -> None:
    foreign = attrs.evolve(
        existing_slice(name="test-ep-x"),
        metadata=ObjectMeta(
            name="test-ep-x",
            namespace="test",
            labels=FrozenDict({SERVICE_NAME: "test-ep", MANAGED_BY: "someone-else"}),
        ),
    )
    plan = mirror(endpoints_of(case("Endpoints with 1 subset, port, and address")), SERVICE, [foreign]).plan
    assert (len(plan.creates), plan.updates, plan.deletes) == (1, (), ())


def test_endpoints_labels_named_like_the_controllers_own_do_not_cause_endless_updates() -> None:
    endpoints = attrs.evolve(
        endpoints_of(case("Endpoints with 1 subset, port, and address")),
        metadata=ObjectMeta(name="test-ep", namespace="test", labels=FrozenDict({MANAGED_BY: "me", "app": "x"})),
    )
    first = mirror(endpoints, SERVICE, []).plan
    assert not mirror(endpoints, SERVICE, first.apply([])).plan


@pytest.mark.parametrize(
    ("labels", "annotations", "service", "expected"),
    [
        pytest.param(None, None, SERVICE, True, id="selectorless Service"),
        pytest.param({"endpointslice.kubernetes.io/skip-mirror": "true"}, None, SERVICE, False, id="skip-mirror"),
        pytest.param({"endpointslice.kubernetes.io/skip-mirror": "false"}, None, SERVICE, True, id="skip-mirror false"),
        pytest.param({"endpointslice.kubernetes.io/skip-mirror": "invalid"}, None, SERVICE, True, id="skip invalid"),
        pytest.param(None, {"control-plane.alpha.kubernetes.io/leader": ""}, SERVICE, False, id="leader election"),
        pytest.param(None, None, None, False, id="no Service"),
        pytest.param(
            None,
            None,
            Service(metadata=ObjectMeta(name="test-ep"), spec=ServiceSpec(selector=FrozenDict({"app": "x"}))),
            False,
            id="Service with selector",
        ),
        pytest.param(
            None,
            None,
            Service(metadata=ObjectMeta(name="test-ep"), spec=ServiceSpec(selector=FrozenDict())),
            True,
            id="empty selector",
        ),
    ],
)
def test_should_mirror(
    labels: dict[str, str] | None, annotations: dict[str, str] | None, service: Service | None, expected: bool
) -> None:
    endpoints = Endpoints(
        metadata=ObjectMeta(
            name="test-ep", labels=FrozenDict.of(labels) or None, annotations=FrozenDict.of(annotations) or None
        )
    )
    assert should_mirror(endpoints, service) is expected


def test_endpoints_not_mirrored_lose_their_slices() -> None:
    mirrored = existing_slice(endpoints=[ready_ep("10.0.0.1", "pod-1")])
    result = mirror(endpoints_of(case("Endpoints with 1 subset, port, and address")), None, [mirrored])
    assert not result.mirrored
    assert result.plan.deletes == (mirrored,)


def test_ordinal_names_can_replace_generated_names() -> None:
    plan = mirror(
        endpoints_of(TWO),
        SERVICE,
        [],
        names=NameStrategy.ORDINAL,
    ).plan
    assert [s.metadata.name for s in plan.creates] == ["test-ep-1", "test-ep-2"]


def test_the_maximum_per_subset_is_checked() -> None:
    with pytest.raises(PackingError, match=r"maxEndpointsPerSubset: Invalid value: 1001"):
        mirror(
            endpoints_of(case("Endpoints with 1 subset, port, and address")), SERVICE, [], max_endpoints_per_subset=1001
        )


# Idempotence over random Endpoints and random pre-existing mirrored slices.
ips = st.sampled_from(["10.0.0.1", "10.0.0.2", "010.0.0.3", "2001:db8::1", "2001:DB8::2", "bogus"])
uids = st.sampled_from([None, "u1", "u2"])
address_st = st.builds(
    lambda ip, uid, host, node: EndpointAddress(
        ip=ip, hostname=host, node_name=node, target_ref=None if uid is None else ObjectReference(kind="Pod", uid=uid)
    ),
    ips,
    uids,
    st.sampled_from([None, "", "h1"]),
    st.sampled_from([None, "n1"]),
)
port_st = st.builds(
    lambda name, number, proto: EndpointsPort(name=name, port=number, protocol=proto),
    st.sampled_from([None, "http", "dns"]),
    st.sampled_from([53, 80]),
    st.sampled_from([None, "TCP", "UDP"]),
)
subset_st = st.builds(
    lambda r, n, p: EndpointSubset(addresses=r or None, not_ready_addresses=n or None, ports=p or None),
    st.lists(address_st, max_size=4).map(tuple),
    st.lists(address_st, max_size=3).map(tuple),
    st.lists(port_st, max_size=2).map(tuple),
)
meta_maps = st.dictionaries(st.sampled_from(["a", "b", LAST_APPLIED, SERVICE_NAME]), st.sampled_from(["1", "2"]))
endpoints_st = st.builds(
    lambda subsets, labels, annotations, uid: Endpoints(
        metadata=ObjectMeta(
            name="db",
            namespace="prod",
            uid=uid,
            labels=FrozenDict(labels) or None,
            annotations=FrozenDict(annotations) or None,
        ),
        subsets=tuple(subsets) or None,
    ),
    st.lists(subset_st, max_size=3),
    meta_maps,
    meta_maps,
    st.sampled_from([None, "uid-1"]),
)


def stale_slices(names: list[str]) -> list[EndpointSlice]:
    out = []
    for i, name in enumerate(names):
        out.append(
            EndpointSlice(
                metadata=ObjectMeta(
                    name=name,
                    namespace="prod",
                    labels=FrozenDict({SERVICE_NAME: "db", MANAGED_BY: MIRRORING_CONTROLLER_NAME}),
                ),
                address_type=AddressType.IPV4 if i % 2 == 0 else AddressType.IPV6,
                endpoints=(Endpoint(addresses=("10.9.9.9",)),) if i % 3 == 0 else (),
                ports=(EndpointPort(name="http", port=80, protocol="TCP"),) if i % 2 else (),
            )
        )
    return out


@given(endpoints_st, st.lists(st.sampled_from(["db-a", "db-b", "db-c", "db-d"]), unique=True, max_size=4))
def test_mirroring_is_idempotent(endpoints: Endpoints, stale_names: list[str]) -> None:
    existing = stale_slices(stale_names)
    first = mirror(endpoints, SERVICE, existing).plan
    after = first.apply(existing)
    second = mirror(endpoints, SERVICE, after).plan
    assert not second, second.summary()


def test_an_endpoints_manifest_without_uid_gets_no_owner_reference_and_tcp_ports() -> None:
    endpoints = Endpoints(
        metadata=ObjectMeta(name="test-ep", namespace="test"),
        subsets=(EndpointSubset(addresses=(EndpointAddress(ip="10.0.0.1"),), ports=(EndpointsPort(port=80),)),),
    )
    (created,) = mirror(endpoints, SERVICE, []).plan.creates
    assert created.metadata.owner_references is None
    assert created.ports == (EndpointPort(name="", port=80, protocol="TCP"),)


def test_recycling_only_turns_the_recycled_create_into_an_update() -> None:
    # Upstream removes "the first create without name" from its create list, which may be the
    # other family's create; here the recycled create itself moves to the updates.
    old_v6 = attrs.evolve(
        existing_slice(name="test-ep-v6", port_spec=slice_ports(("http", 8080, "TCP"))),
        address_type=AddressType.IPV6,
        endpoints=(ready_ep("2001:db8::1", "pod-6"),),
    )
    endpoints = Endpoints(
        metadata=ObjectMeta(name="test-ep", namespace="test"),
        subsets=(sub(HTTP, [a("10.0.0.1", "pod-4"), a("2001:db8::1", "pod-6")]),),
    )
    plan = mirror(endpoints, SERVICE, [old_v6]).plan
    assert [(s.address_type, s.metadata.name) for s in plan.creates] == [(AddressType.IPV4, None)]
    assert [(u.slice.address_type, u.slice.metadata.name) for u in plan.updates] == [(AddressType.IPV6, "test-ep-v6")]
    assert plan.deletes == ()


# kube-proxy sees through mirroring exactly what `proxy_view_of_endpoints` says it sees (under the cap).
named_address_st = st.builds(
    lambda ip, uid: EndpointAddress(
        ip=ip, target_ref=None if uid is None else ObjectReference(kind="Pod", name=uid, uid=uid)
    ),
    ips,
    uids,
)
viewable_st = st.builds(
    lambda subsets: Endpoints(metadata=ObjectMeta(name="test-ep", namespace="test"), subsets=tuple(subsets) or None),
    st.lists(
        st.builds(
            lambda r, n, p: EndpointSubset(addresses=r or None, not_ready_addresses=n or None, ports=p or None),
            st.lists(named_address_st, max_size=4).map(tuple),
            st.lists(named_address_st, max_size=3).map(tuple),
            st.lists(port_st, max_size=2).map(tuple),
        ),
        max_size=3,
    ),
)


@given(viewable_st)
def test_kube_proxy_view_of_mirrored_slices_is_the_endpoints_view(endpoints: Endpoints) -> None:
    slices = mirror(endpoints, SERVICE, []).plan.apply([])
    for family in (AddressType.IPV4, AddressType.IPV6):
        assert proxy_view(slices, address_type=family, service="test-ep").ports == (
            proxy_view_of_endpoints(endpoints, address_type=family).ports
        )


def test_mirroring_the_fixture_endpoints_gives_the_fixture_slice() -> None:
    data = Path(__file__).parent / "data" / "kubectl"
    (endpoints,) = load(data / "endpoints-selectorless-for-mirroring.yaml")
    (expected,) = load(data / "endpointslice-mirrored.yaml")
    assert isinstance(endpoints, Endpoints)
    assert isinstance(expected, EndpointSlice)
    service = Service(metadata=ObjectMeta(name="legacy-ldap", namespace="identity"))
    (created,) = mirror(endpoints, service, []).plan.creates
    # The API server adds the name, uid, resourceVersion, creationTimestamp and generation.
    server_set = {"name": None, "uid": None, "resource_version": None, "creation_timestamp": None, "generation": None}
    assert created == attrs.evolve(expected, metadata=attrs.evolve(expected.metadata, **server_set))
    assert not mirror(endpoints, service, [expected]).plan


def test_ports_with_app_protocol_from_different_subsets_do_not_merge() -> None:
    # Found by tests/kube/test_legacy_diff.py: upstream's repack keys ports by their Go struct,
    # whose appProtocol is a pointer, so in a decoded Endpoints object the same grpc port in two
    # subsets is two ports, and the first subset's grpc addresses get a slice of their own.
    grpc = EndpointsPort(name="grpc", port=9000, protocol=Protocol.TCP, app_protocol="kubernetes.io/h2c")
    http = EndpointsPort(name="http", port=80, protocol=Protocol.TCP)
    subsets = (sub((grpc,), [a("10.0.0.1", "h1")]), sub((grpc, http), [a("10.0.0.2", "h2")]))
    desired = desired_mirror(attrs.evolve(endpoints_of(NO_SUBSETS), subsets=subsets))
    got = {tuple(p.name for p in g.ports): [e.addresses[0] for e in g.endpoints] for g in desired.groups if g.endpoints}
    assert got == {("grpc",): ["10.0.0.1"], ("grpc", "http"): ["10.0.0.2"]}
