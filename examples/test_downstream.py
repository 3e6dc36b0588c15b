"""A downstream project's property tests, built on ``endpointslice.strategies``.

A project that reads EndpointSlices (a proxy, a DNS server, a dashboard)
tests its own code against every shape of slice the API allows, without
writing a generator. Here the project's code is `ready_addresses`, and the
tests state its laws with Hypothesis, plus one law of the library itself
that such a project relies on.

Run::

    pytest examples/test_downstream.py
"""

# A pytest module states its laws with assert, as the tests under tests/ do.
# ruff: noqa: S101

from __future__ import annotations

from collections.abc import Iterable

from hypothesis import given, settings
from hypothesis import strategies as st

from endpointslice.discovery import Endpoint, EndpointSlice
from endpointslice.meta import ObjectMeta
from endpointslice.naming import NameStrategy
from endpointslice.packing import pack
from endpointslice.reconcile import reconcile
from endpointslice.service import Service, ServicePort, ServiceSpec
from endpointslice.strategies import endpoint_slices, endpoints


def ready_addresses(slices: Iterable[EndpointSlice]) -> set[str]:
    """The project's own code: every address a client may send traffic to."""
    return {
        address
        for eps in slices
        for endpoint in eps.endpoints or ()
        if endpoint.conditions.effective_ready
        for address in endpoint.addresses
    }


@settings(max_examples=20, deadline=None)
@given(st.lists(endpoint_slices(max_endpoints=5), max_size=4))
def test_ready_addresses_are_those_of_ready_endpoints(slices: list[EndpointSlice]) -> None:
    found = ready_addresses(slices)

    everything = {a for eps in slices for e in eps.endpoints or () for a in e.addresses}
    not_ready = {a for eps in slices for e in eps.endpoints or () if e.conditions.ready is False for a in e.addresses}
    assert found <= everything
    assert everything - not_ready <= found


@settings(max_examples=20, deadline=None)
@given(endpoint_slices(min_endpoints=1, max_endpoints=5))
def test_a_slice_with_endpoints_has_addresses(eps: EndpointSlice) -> None:
    assert eps.endpoints
    assert all(e.addresses for e in eps.endpoints)


@settings(max_examples=15, deadline=None)
@given(st.lists(endpoints(address_type="IPv4", max_addresses=1), max_size=30, unique_by=lambda e: e.addresses))
def test_reconciling_what_was_packed_plans_nothing(wanted: list[Endpoint]) -> None:
    service = Service(
        metadata=ObjectMeta(name="db", namespace="default", uid="7d9e"),
        spec=ServiceSpec(ports=[ServicePort(name="pg", port=5432, target_port=5432)], ip_families=["IPv4"]),
    )

    slices = pack(service, wanted, names=NameStrategy.ORDINAL)

    assert not reconcile(service, wanted, slices)
