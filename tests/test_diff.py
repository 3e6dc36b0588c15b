"""Tests for endpointslice.diff: endpoint-level differences and the laws tying it to reconcile."""

from __future__ import annotations

from typing import Any, TypeVar, cast

import attrs
from hypothesis import given
from hypothesis import strategies as st

from endpointslice import (
    Endpoint,
    EndpointAddress,
    EndpointConditions,
    EndpointHints,
    EndpointPort,
    Endpoints,
    EndpointSlice,
    EndpointsPort,
    EndpointSubset,
    ForZone,
    FrozenDict,
    ObjectMeta,
    ObjectReference,
    Service,
    ServicePort,
    ServiceSpec,
)
from endpointslice.diff import Diff, FieldChange, diff, diff_views, endpoints_as_slices
from endpointslice.packing import endpoint_identity, pack
from endpointslice.reconcile import reconcile

T = TypeVar("T")


def evolve(obj: T, **changes: Any) -> T:
    """A typed `attrs.evolve` (mypy's attrs plugin does not see the model decorator)."""
    return cast("T", attrs.evolve(cast("Any", obj), **changes))


def ep(i: int, *, ready: bool = True, zone: str | None = None, pod: str | None = None) -> Endpoint:
    return Endpoint(
        addresses=(f"10.0.0.{i}",),
        conditions=EndpointConditions(ready=ready),
        zone=zone,
        target_ref=ObjectReference(kind="Pod", namespace="ns", name=pod or f"p{i}"),
    )


def eps(name: str, *endpoints: Endpoint, port: int = 80) -> EndpointSlice:
    return EndpointSlice(
        metadata=ObjectMeta(name=name, namespace="ns", labels=FrozenDict({"kubernetes.io/service-name": "web"})),
        address_type="IPv4",
        ports=(EndpointPort(name="http", port=port, protocol="TCP"),),
        endpoints=endpoints,
    )


def test_same_slices_have_no_diff() -> None:
    a = [eps("web-1", ep(1), ep(2))]
    assert diff(a, a) == Diff()
    assert not diff(a, a)
    assert diff(a, a).render() == ""


def test_added_and_removed_endpoints() -> None:
    d = diff([eps("web-1", ep(1), ep(2))], [eps("web-1", ep(2), ep(3))])
    assert d.render().splitlines() == [
        "~ slice ns/web-1 rewritten",
        "+ endpoint 10.0.0.3 (pod ns/p3) in ns/web-1",
        "- endpoint 10.0.0.1 (pod ns/p1) from ns/web-1",
    ]


def test_changed_fields_are_named() -> None:
    hinted = evolve(ep(1, ready=False, zone="b"), hints=EndpointHints(for_zones=(ForZone(name="b"),)))
    d = diff([eps("web-1", ep(1, zone="a"))], [eps("web-1", hinted)])
    (change,) = d.changed
    assert [f.field for f in change.fields] == ["conditions.ready", "zone", "hints"]
    assert change.fields[1] == FieldChange(field="zone", before="a", after="b")
    assert str(change.fields[0]) == "conditions.ready true -> false"
    assert str(change.fields[2]) == "hints <unset> -> {'forZones': [{'name': 'b'}]}"


def test_moving_between_slices_is_a_change_not_add_and_remove() -> None:
    d = diff([eps("web-1", ep(1)), eps("web-2", ep(2))], [eps("web-1", ep(1), ep(2))])
    assert d.added == d.removed == ()
    assert [str(f) for c in d.changed for f in c.fields] == ["slice ns/web-2 -> ns/web-1"]
    assert d.slices_deleted == ("ns/web-2",)
    assert d.slices_rewritten == ("ns/web-1",)


def test_pod_reusing_an_ip_is_a_different_endpoint() -> None:
    d = diff([eps("web-1", ep(1, pod="old"))], [eps("web-1", ep(1, pod="new"))])
    assert [e.describe() for e in d.added] == ["10.0.0.1 (pod ns/new)"]
    assert [e.describe() for e in d.removed] == ["10.0.0.1 (pod ns/old)"]


def test_port_change_is_reported_per_endpoint() -> None:
    d = diff([eps("web-1", ep(1), port=80)], [eps("web-1", ep(1), port=81)])
    assert [f.field for c in d.changed for f in c.fields] == ["ports"]


def test_server_set_metadata_is_not_a_rewrite() -> None:
    before = eps("web-1", ep(1))
    after = evolve(before, metadata=evolve(before.metadata, resource_version="7", uid="u", generation=3))
    assert not diff([before], [after])


def test_created_and_deleted_slices() -> None:
    d = diff([eps("web-1", ep(1))], [eps("web-1", ep(1)), eps("web-2")])
    assert d.slices_created == ("ns/web-2",)
    assert diff([eps("web-2")], []).slices_deleted == ("ns/web-2",)


def test_to_dict_is_json_ready() -> None:
    d = diff([eps("web-1", ep(1))], [eps("web-1", ep(1, ready=False))])
    data = d.to_dict()
    assert data["changed"][0]["fields"] == [{"field": "conditions.ready", "before": True, "after": False}]
    assert data["changed"][0]["after"]["endpoint"]["addresses"] == ["10.0.0.1"]


SVC = Service(
    metadata=ObjectMeta(name="web", namespace="ns", uid="u"),
    spec=ServiceSpec(ports=(ServicePort(name="http", port=80, target_port=80, protocol="TCP"),), ip_families=("IPv4",)),
)
endpoint_sets = st.lists(st.builds(ep, st.integers(0, 60), ready=st.booleans()), max_size=40).map(
    lambda found: list({endpoint_identity(e): e for e in found}.values())
)


@given(endpoint_sets, endpoint_sets, st.integers(1, 10))
def test_law_applying_a_plan_gives_the_desired_endpoints(
    first: list[Endpoint], second: list[Endpoint], limit: int
) -> None:
    existing = reconcile(SVC, first, [], max_endpoints_per_slice=limit).apply([])
    plan = reconcile(SVC, second, existing, max_endpoints_per_slice=limit)
    after = plan.apply(existing)
    from_scratch = pack(SVC, second, max_endpoints_per_slice=limit)
    d = diff(after, from_scratch)
    assert (d.added, d.removed) == ((), ())
    assert all({f.field for f in c.fields} <= {"slice"} for c in d.changed)


@given(endpoint_sets, st.integers(1, 10))
def test_law_diff_of_a_set_with_itself_is_empty(found: list[Endpoint], limit: int) -> None:
    slices = reconcile(SVC, found, [], max_endpoints_per_slice=limit).apply([])
    assert diff(slices, slices) == Diff()


@given(endpoint_sets, endpoint_sets, st.integers(1, 10))
def test_law_diff_counts_match_the_plan(first: list[Endpoint], second: list[Endpoint], limit: int) -> None:
    existing = reconcile(SVC, first, [], max_endpoints_per_slice=limit).apply([])
    plan = reconcile(SVC, second, existing, max_endpoints_per_slice=limit)
    d = diff(existing, plan.apply(existing))
    assert len(d.slices_created) == len(plan.creates)
    assert len(d.slices_deleted) == len(plan.deletes)
    assert len(d.slices_rewritten) <= len(plan.updates)
    wanted = {endpoint_identity(e) for e in second}
    had = {endpoint_identity(e) for e in first}
    assert {endpoint_identity(e.endpoint) for e in d.added} == wanted - had
    assert {endpoint_identity(e.endpoint) for e in d.removed} == had - wanted


# ---------------------------------------------------------------------------
# Endpoints and slice views of one Service


def endpoints_object(not_ready: str = "10.0.0.3") -> Endpoints:
    def address(i: int) -> EndpointAddress:
        return EndpointAddress(
            ip=f"10.0.0.{i}",
            node_name="",
            target_ref=ObjectReference(kind="Pod", namespace="ns", name=f"p{i}", resource_version="7"),
        )

    ready = [address(i) for i in (1, 2, 3) if f"10.0.0.{i}" != not_ready]
    return Endpoints(
        metadata=ObjectMeta(name="web", namespace="ns"),
        subsets=(
            EndpointSubset(
                addresses=tuple(ready),
                not_ready_addresses=(address(int(not_ready.rsplit(".", 1)[1])),),
                ports=(EndpointsPort(name="http", port=80, protocol="TCP"),),
            ),
        ),
    )


def controller_slice(not_ready: int = 3) -> EndpointSlice:
    endpoints = tuple(
        Endpoint(
            addresses=(f"10.0.0.{i}",),
            conditions=EndpointConditions(ready=i != not_ready, serving=i != not_ready, terminating=False),
            zone="a",
            target_ref=ObjectReference(kind="Pod", namespace="ns", name=f"p{i}"),
        )
        for i in (1, 2, 3)
    )
    return evolve(eps("web-abcde", *endpoints), ports=(EndpointPort(name="http", port=80, protocol="TCP"),))


def test_endpoints_view_is_one_slice_per_subset_and_family() -> None:
    (view,) = endpoints_as_slices(endpoints_object())
    assert view.metadata.name == "web.subsets[0]"
    assert [(e.addresses[0], e.conditions.ready) for e in view.endpoints or ()] == [
        ("10.0.0.1", True),
        ("10.0.0.2", True),
        ("10.0.0.3", False),
    ]


def test_views_of_the_same_service_agree() -> None:
    assert not diff_views([endpoints_object()], [controller_slice()])


def test_views_report_readiness_differences_only_on_shared_fields() -> None:
    d = diff_views([endpoints_object(not_ready="10.0.0.2")], [controller_slice(not_ready=3)])
    assert sorted((c.after.describe(), [str(f) for f in c.fields]) for c in d.changed) == [
        ("10.0.0.2 (pod ns/p2)", ["conditions.ready false -> true"]),
        ("10.0.0.3 (pod ns/p3)", ["conditions.ready true -> false"]),
    ]
    assert (d.slices_created, d.slices_deleted) == ((), ())
