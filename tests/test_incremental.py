"""Tests for endpointslice.incremental: every event's plan equals the full reconcile's."""

from __future__ import annotations

from collections.abc import Callable, Iterator, KeysView

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from endpointslice import (
    Endpoint,
    EndpointConditions,
    EndpointSlice,
    FrozenDict,
    ObjectMeta,
    ObjectReference,
    Service,
    ServicePort,
    ServiceSpec,
    strategies,
)
from endpointslice.enums import AddressType
from endpointslice.incremental import IncrementalReconciler, _rewritten, _update_plan
from endpointslice.packing import NameStrategy, PackingError, desired_from_endpoints
from endpointslice.reconcile import Plan, SliceUpdate, reconcile


def svc(*, families: tuple[str, ...] = ("IPv4", "IPv6"), traffic: str | None = None) -> Service:
    auto = traffic == "Auto"
    return Service(
        metadata=ObjectMeta(
            name="db",
            namespace="ns",
            uid="u1",
            labels=FrozenDict({"app": "db"}),
            annotations=FrozenDict({"service.kubernetes.io/topology-mode": "Auto"}) if auto else None,
        ),
        spec=ServiceSpec(
            ports=(ServicePort(name="pg", port=5432, target_port=5432),),
            ip_families=families,
            traffic_distribution=None if auto else traffic,
        ),
    )


def ep(i: int, *, ready: bool = True, zone: int = 0, v6: bool = False) -> Endpoint:
    return Endpoint(
        addresses=(f"2001:db8::{i:x}" if v6 else f"10.0.0.{i}",),
        conditions=EndpointConditions(ready=ready),
        zone=f"z{zone}",
        target_ref=ObjectReference(kind="Pod", namespace="ns", name=f"p{i}"),
    )


def full(r: IncrementalReconciler, service: Service, limit: int, names: NameStrategy) -> Plan:
    return reconcile(service, r.endpoints, r.slices, max_endpoints_per_slice=limit, managed_by="me", names=names)


def check_last_edit(r: IncrementalReconciler, plan: Plan) -> None:
    """`last_edit`, when given, names the plan's one update and the one entry it changed, exactly."""
    if r.last_edit is None:
        return
    eps, at, came, went = r.last_edit
    (update,) = plan.updates
    assert not plan.creates
    assert not plan.deletes
    assert update.slice is eps
    old, new = list(update.previous.endpoints or ()), list(eps.endpoints or ())
    assert came is not None or went is not None
    if went is not None:
        assert old.pop(at) is went
    if came is not None:
        old.insert(at, came)
    # The other entries are kept as the same objects: a caller may compare them by identity.
    assert len(old) == len(new)
    assert all(a is b for a, b in zip(old, new, strict=True))


def test_add_fills_the_fullest_slice_that_has_room() -> None:
    r = IncrementalReconciler(svc(), [ep(i) for i in range(5)], [], max_endpoints_per_slice=3, managed_by="me")
    assert [len(s.endpoints or ()) for s in r.initial_plan.creates] == [3, 2, 0]
    plan = r.add(ep(9))
    assert (len(plan.creates), len(plan.updates), len(plan.deletes)) == (0, 1, 0)
    assert len(plan.updates[0].slice.endpoints or ()) == 3


def test_remove_last_endpoint_of_a_slice_deletes_it() -> None:
    r = IncrementalReconciler(svc(), [ep(i) for i in range(4)], [], max_endpoints_per_slice=3, managed_by="me")
    plan = r.remove(ep(3))
    assert (len(plan.creates), len(plan.updates), len(plan.deletes)) == (0, 0, 1)


def test_removing_everything_leaves_a_placeholder() -> None:
    r = IncrementalReconciler(svc(families=("IPv4",)), [ep(1)], [], managed_by="me")
    plan = r.remove(ep(1))
    assert (len(plan.updates), plan.updates[0].slice.endpoints) == (1, ())


def test_unknown_endpoints() -> None:
    r = IncrementalReconciler(svc(), [ep(1)], [], managed_by="me")
    assert r.remove(ep(2)) == Plan()
    assert r.change(ep(2)).write_count == 1
    assert ep(2) in r.endpoints


def test_change_without_a_compared_field_writes_nothing() -> None:
    r = IncrementalReconciler(svc(), [ep(1)], [], managed_by="me")
    moved = Endpoint(
        addresses=("10.0.0.1",),
        conditions=EndpointConditions(ready=True),
        zone="z0",
        target_ref=ObjectReference(kind="Pod", namespace="ns", name="p1", resource_version="7"),
    )
    assert r.change(moved) == Plan()


def test_bad_endpoint_is_refused() -> None:
    r = IncrementalReconciler(svc(families=("IPv4",)), [], [], managed_by="me")
    with pytest.raises(PackingError, match="IPv6 endpoints for a Service whose ipFamilies are IPv4"):
        r.add(ep(1, v6=True))


endpoints = st.builds(ep, st.integers(0, 15), ready=st.booleans(), zone=st.integers(0, 1), v6=st.booleans())


@given(
    st.lists(endpoints, max_size=20),
    st.integers(1, 5),
    st.sampled_from([None, "PreferClose", "PreferSameNode", "Auto"]),
    st.sampled_from(list(NameStrategy)),
    st.data(),
)
def test_law_every_event_plans_as_the_full_reconcile(
    initial: list[Endpoint],
    limit: int,
    traffic: str | None,
    names: NameStrategy,
    data: st.DataObject,
) -> None:
    service = svc(traffic=traffic)
    r = IncrementalReconciler(service, initial, [], max_endpoints_per_slice=limit, managed_by="me", names=names)
    assert full(r, service, limit, names) == Plan()
    for _ in range(data.draw(st.integers(0, 30), label="events")):
        kind = data.draw(st.sampled_from(["add", "remove", "change"]), label="kind")
        known = r.endpoints
        if kind != "add" and known and data.draw(st.booleans(), label="known"):
            endpoint = data.draw(st.sampled_from(known), label="endpoint")
            if kind == "change":
                endpoint = Endpoint(
                    addresses=endpoint.addresses,
                    conditions=EndpointConditions(ready=data.draw(st.booleans(), label="ready")),
                    zone=data.draw(st.sampled_from(["z0", "z1"]), label="zone"),
                    target_ref=endpoint.target_ref,
                )
        else:
            endpoint = data.draw(endpoints, label="endpoint")
        before: list[EndpointSlice] = r.slices
        if kind == "add":
            plan = r.add(endpoint)
        elif kind == "remove":
            plan = r.remove(endpoint)
        else:
            plan = r.change(endpoint)
        expected = reconcile(service, r.endpoints, before, max_endpoints_per_slice=limit, managed_by="me", names=names)
        assert plan == expected
        check_last_edit(r, plan)
        assert sorted(r.slices, key=lambda s: s.metadata.name or "") == sorted(
            plan.apply(before), key=lambda s: s.metadata.name or ""
        )
        assert full(r, service, limit, names) == Plan()


class _NoWalk(dict[object, object]):
    """A family map that fails when an event walks every desired endpoint."""

    def values(self) -> object:  # type: ignore[override]  # Only the walk is refused.
        raise AssertionError("an event walked every desired endpoint")


def test_an_event_does_not_walk_every_desired_endpoint() -> None:
    # Regression: each event rebuilt the set of families from every desired endpoint,
    # so a 5,000-Pod rolling update cost 5,000 times more per event than it should.
    r = IncrementalReconciler(svc(), [ep(i) for i in range(1, 9)], [], max_endpoints_per_slice=3, managed_by="me")
    r._family = _NoWalk(r._family)  # type: ignore[assignment,arg-type]  # A spy in place of the real map.
    assert r.add(ep(20)).write_count == 1
    assert r.change(ep(20, ready=False)).write_count == 1
    assert r.remove(ep(20)).write_count == 1


def test_the_last_endpoint_of_a_family_leaving_and_returning_keeps_the_plan_exact() -> None:
    service = svc()
    r = IncrementalReconciler(service, [ep(1), ep(2, v6=True)], [], max_endpoints_per_slice=3, managed_by="me")
    for endpoint, present in ((ep(2, v6=True), False), (ep(3, v6=True), True), (ep(1), False)):
        if present:
            r.add(endpoint)
        else:
            r.remove(endpoint)
        assert full(r, service, 3, NameStrategy.GENERATE).write_count == 0


# -- random event sequences over several families and port sets -------------------------

_PORT_SETS: tuple[tuple[ServicePort, ...], ...] = (
    (ServicePort(name="pg", port=5432, target_port=5432),),
    (ServicePort(name="a", port=80, target_port=8080), ServicePort(name="b", port=443, target_port="https")),
    (),
)


def ported(ports: tuple[ServicePort, ...], families: tuple[str, ...]) -> Service:
    return Service(
        metadata=ObjectMeta(name="db", namespace="ns", uid="u1", labels=FrozenDict({"app": "db"})),
        spec=ServiceSpec(ports=ports, ip_families=families),
    )


def any_ep(i: int, *, v6: bool, ready: bool, zone: int, pod: bool) -> Endpoint:
    return Endpoint(
        addresses=(f"2001:db8::{i:x}" if v6 else f"10.0.{i // 256}.{i % 256}",),
        conditions=EndpointConditions(ready=ready),
        zone=f"z{zone}",
        target_ref=ObjectReference(kind="Pod", namespace="ns", name=f"p{i}") if pod else None,
    )


def any_eps(families: tuple[str, ...]) -> st.SearchStrategy[Endpoint]:
    return st.builds(
        any_ep,
        st.integers(0, 40),
        v6=st.sampled_from([f == "IPv6" for f in families]),
        ready=st.booleans(),
        zone=st.integers(0, 2),
        pod=st.booleans(),
    )


@given(
    st.sampled_from([("IPv4",), ("IPv6",), ("IPv4", "IPv6")]),
    st.sampled_from(range(len(_PORT_SETS))),
    st.integers(1, 6),
    st.sampled_from(list(NameStrategy)),
    st.data(),
)
def test_law_after_every_event_the_state_is_the_full_reconciles(
    families: tuple[str, ...],
    ports: int,
    limit: int,
    names: NameStrategy,
    data: st.DataObject,
) -> None:
    # The existing slices may come from the Service's earlier port set, so the initial plan
    # replaces them; then every add, remove and change must plan as the full reconcile does.
    service = ported(_PORT_SETS[ports], families)
    old_ports = data.draw(st.sampled_from(range(len(_PORT_SETS))), label="old ports")
    eps = any_eps(families)
    old = data.draw(st.lists(eps, max_size=12), label="old")
    existing = reconcile(
        ported(_PORT_SETS[old_ports], families), old, [], max_endpoints_per_slice=limit, managed_by="me"
    ).apply([])
    initial = data.draw(st.lists(eps, max_size=25), label="initial")
    r = IncrementalReconciler(service, initial, existing, max_endpoints_per_slice=limit, managed_by="me", names=names)
    assert full(r, service, limit, names) == Plan()
    for _ in range(data.draw(st.integers(1, 40), label="events")):
        kind = data.draw(st.sampled_from(["add", "add", "remove", "remove", "change"]), label="kind")
        known = r.endpoints
        if known and kind != "add" and data.draw(st.integers(0, 4), label="known"):
            endpoint = data.draw(st.sampled_from(known), label="endpoint")
            if kind == "change":
                endpoint = attrs.evolve(
                    endpoint,
                    conditions=EndpointConditions(ready=data.draw(st.booleans(), label="ready")),
                    zone=data.draw(st.sampled_from(["z0", "z1", "z2"]), label="zone"),
                )
        else:
            endpoint = data.draw(eps, label="endpoint")
        before = r.slices
        plan = {"add": r.add, "remove": r.remove, "change": r.change}[kind](endpoint)
        expected = reconcile(service, r.endpoints, before, max_endpoints_per_slice=limit, managed_by="me", names=names)
        assert plan == expected
        check_last_edit(r, plan)
        assert r.slices == sorted(plan.apply(before), key=lambda s: s.metadata.name or "")
        assert full(r, service, limit, names) == Plan()


class _NoIteration(set[str]):
    """A set that answers membership but fails when an event iterates it."""

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("an event walked a set of slice names")


class _NoKeyWalk(dict[str, EndpointSlice]):
    """A slice table that fails when an event walks or copies its names."""

    def keys(self) -> KeysView[str]:  # type: ignore[override]  # A spy: any view of the names will do.
        spy = self

        class Keys(KeysView[str]):
            def __iter__(self) -> Iterator[str]:
                raise AssertionError("an event copied every slice name")

        return Keys(spy)

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("an event walked every slice")


def test_an_add_that_creates_a_slice_does_not_copy_every_slice_name() -> None:
    # Regression: naming the new slice copied the names of all slices into a set, so a
    # rolling update on a Service whose slices were all full paid O(slices) per create.
    r = IncrementalReconciler(svc(), [ep(i) for i in range(1, 10)], [], max_endpoints_per_slice=3, managed_by="me")
    r._all = _NoKeyWalk(r._all)  # A spy in place of the real table.
    plan = r.add(ep(20))
    assert (len(plan.creates), plan.write_count) == (1, 1)
    assert r.remove(ep(20)).write_count == 1


def test_an_add_does_not_walk_every_slice_of_the_best_size() -> None:
    # Regression: the add took min() of the names of every slice of the best size; after a
    # remove from each of many slices, that is every slice of the Service.
    r = IncrementalReconciler(
        svc(families=("IPv4",)), [ep(i) for i in range(1, 31)], [], max_endpoints_per_slice=3, managed_by="me"
    )
    for eps in r.slices:
        r.remove((eps.endpoints or ())[0])
    names = r._buckets[AddressType.IPV4][2]
    assert len(names.live) == 10
    names.live = _NoIteration(names.live)
    smallest = min(s.metadata.name or "" for s in r.slices if len(s.endpoints or ()) == 2)
    plan = r.add(ep(40))
    assert [u.slice.metadata.name for u in plan.updates] == [smallest]


def test_an_add_fills_an_empty_slice_of_the_port_set_as_the_full_reconcile_does() -> None:
    # Found by the property test: a Service without ports keeps an earlier empty placeholder
    # (its port set is the Service's, ()), and the full reconcile's best fit puts the next
    # endpoint there; the reconciler ignored empty slices and created a new one instead.
    service = ported((), ("IPv4",))
    existing = reconcile(ported(_PORT_SETS[0], ("IPv4",)), [], [], managed_by="me").apply([])
    initial = [any_ep(0, v6=False, ready=False, zone=0, pod=True), any_ep(1, v6=False, ready=False, zone=0, pod=False)]
    r = IncrementalReconciler(service, initial, existing, max_endpoints_per_slice=2, managed_by="me")
    before = r.slices
    plan = r.add(any_ep(0, v6=False, ready=False, zone=0, pod=False))
    assert plan == reconcile(service, r.endpoints, before, max_endpoints_per_slice=2, managed_by="me")
    assert (len(plan.creates), len(plan.updates)) == (0, 1)


def test_a_slice_left_unwritten_by_a_change_is_rebuilt_from_the_desired_entries_on_its_next_write() -> None:
    # The change compares no field that differs (only resourceVersion), so nothing is written,
    # yet the desired entry is the new one: the slice's next rewrite must carry it, as the full
    # reconcile's does, rather than the entry the slice still holds.
    service = svc(families=("IPv4",))
    r = IncrementalReconciler(service, [ep(i) for i in range(1, 4)], [], max_endpoints_per_slice=5, managed_by="me")
    r.remove(ep(3))  # The slice is now written from its desired entries.
    moved = attrs.evolve(ep(1), target_ref=ObjectReference(kind="Pod", namespace="ns", name="p1", resource_version="7"))
    assert r.change(moved) == Plan()
    before = r.slices
    plan = r.remove(ep(2))
    assert plan == reconcile(service, r.endpoints, before, max_endpoints_per_slice=5, managed_by="me")
    assert (plan.updates[0].slice.endpoints or ())[0].target_ref == moved.target_ref


def _canonical_or_error(canonical: Callable[[], object]) -> object:
    try:
        return canonical()
    except PackingError as error:
        return str(error)


@given(
    st.one_of(
        strategies.endpoints(address_type=st.sampled_from(list(AddressType))),
        strategies.endpoints(address_type=st.sampled_from(list(AddressType)), any_values=True),
        st.builds(
            lambda text, base: attrs.evolve(base, addresses=(text,)),
            st.sampled_from(["010.0.0.1", "10.0.0.1 ", "1.2.3", "1.2.3.4.5", "::ffff:10.0.0.1", "10.0.0.256"]),
            strategies.endpoints(),
        ),
    ),
    st.sampled_from([(), ("IPv4",), ("IPv6",), ("IPv4", "IPv6")]),
)
# The fast path must not accept what the Service does not serve.
@example(Endpoint(addresses=("10.0.0.1",)), ("IPv6",))
def test_law_the_canonical_fast_path_gives_what_the_desired_state_does(
    endpoint: Endpoint, families: tuple[str, ...]
) -> None:
    service = svc(families=families)
    r = IncrementalReconciler(service, [], [], managed_by="me")

    def slow() -> tuple[Endpoint, AddressType, object]:
        (group,) = desired_from_endpoints(service, [endpoint]).groups
        ((identity, canonical),) = group.endpoints.items()
        return canonical, group.address_type, identity

    assert _canonical_or_error(lambda: r._canonical(endpoint)) == _canonical_or_error(slow)


def test_the_unchecked_builders_equal_the_constructors() -> None:
    # The reconciler builds each event's slice, update and plan by setting their slots; every
    # field, compared one by one: a field the builders forgot would be an unset slot here.
    r = IncrementalReconciler(svc(families=("IPv4",)), [ep(1), ep(2)], [], managed_by="me")
    (previous,) = r.slices
    endpoints = (*(previous.endpoints or ()), ep(3))
    checked = EndpointSlice(
        metadata=previous.metadata, address_type=previous.address_type, endpoints=endpoints, ports=previous.ports
    )
    name = previous.metadata.name or ""
    rewritten = _rewritten(previous, previous.metadata, endpoints, checked=True)
    for built in (rewritten, r._edited(name, previous, endpoints)):
        assert attrs.asdict(built, recurse=False) == attrs.asdict(checked, recurse=False)
        assert built._written is checked._written  # type: ignore[attr-defined]  # The slot beside the fields.
        assert built == checked
    plan = _update_plan(previous, checked)
    expected = Plan(updates=(SliceUpdate(previous=previous, slice=checked),))
    assert attrs.asdict(plan, recurse=False) == attrs.asdict(expected, recurse=False)
    assert attrs.asdict(plan.updates[0], recurse=False) == attrs.asdict(expected.updates[0], recurse=False)
    assert plan == expected


def test_the_common_events_take_the_direct_path_and_plan_as_the_full_reconcile() -> None:
    # The events a rolling update makes (no traffic distribution, no trigger time, slices
    # already written once) skip `_write`: each still plans exactly as the full reconcile.
    service = svc(families=("IPv4",))
    r = IncrementalReconciler(service, [ep(i) for i in range(1, 12)], [], max_endpoints_per_slice=4, managed_by="me")
    direct = 0
    original = r._edited

    def counting(name: str, previous: EndpointSlice, endpoints: tuple[Endpoint, ...]) -> EndpointSlice:
        nonlocal direct
        direct += 1
        return original(name, previous, endpoints)

    r._edited = counting  # type: ignore[method-assign]  # A spy on the direct path.
    events: list[tuple[str, Endpoint]] = []
    for i in range(1, 12):
        events += [("remove", ep(i)), ("add", ep(i + 20)), ("change", ep(i + 20, ready=False)), ("add", ep(i + 40))]
    for kind, endpoint in events:
        before = r.slices
        plan = getattr(r, kind)(endpoint)
        assert plan == reconcile(service, r.endpoints, before, max_endpoints_per_slice=4, managed_by="me")
        check_last_edit(r, plan)
    assert direct > len(events) // 2


def test_a_slice_an_add_creates_is_not_stale_and_moves_between_buckets_whole() -> None:
    # Regression: a slice created by an add was marked stale, so every add that filled it next
    # rebuilt it from the desired entries; and a slice alone in its bucket made a new bucket
    # on every event. Plans stay those of the full reconcile.
    service = svc(families=("IPv4",))
    r = IncrementalReconciler(service, [ep(i) for i in range(1, 4)], [], max_endpoints_per_slice=3, managed_by="me")
    before = r.slices
    plan = r.add(ep(10))
    assert plan == reconcile(service, r.endpoints, before, max_endpoints_per_slice=3, managed_by="me")
    assert len(plan.creates) == 1
    old = {s.metadata.name for s in before}
    (created,) = {s.metadata.name for s in r.slices} - old
    assert r._stale == old
    bucket = r._buckets[AddressType.IPV4][1]
    before = r.slices
    plan = r.add(ep(11))
    assert plan == reconcile(service, r.endpoints, before, max_endpoints_per_slice=3, managed_by="me")
    assert [u.slice.metadata.name for u in plan.updates] == [created]
    assert r._buckets[AddressType.IPV4][2] is bucket
    assert 1 not in r._buckets[AddressType.IPV4]
