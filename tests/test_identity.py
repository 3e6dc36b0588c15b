"""Tests for endpointslice.identity: canonical addresses, upstream's endpoint identity and change test, port keys."""

from __future__ import annotations

import ipaddress
from typing import Any, TypeVar, cast

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from endpointslice import (
    AddressType,
    Endpoint,
    EndpointConditions,
    EndpointHints,
    EndpointPort,
    ForZone,
    ObjectMeta,
    ObjectReference,
    Service,
    ServiceSpec,
)
from endpointslice.identity import (
    _parse_address,
    canonical_address,
    endpoint_changed,
    endpoint_identity,
    placement_key,
    port_group_key,
)
from endpointslice.packing import desired_from_endpoints

NS = "test"
T = TypeVar("T")


def evolve(obj: T, **changes: Any) -> T:
    """A typed `attrs.evolve` (mypy's attrs plugin does not see the model decorator)."""
    return cast("T", attrs.evolve(cast("Any", obj), **changes))


def expected_endpoint() -> Endpoint:
    """What the controller builds for upstream's ready ``pod1``."""
    return Endpoint(
        addresses=("1.2.3.5",),
        conditions=EndpointConditions(ready=True, serving=True, terminating=False),
        node_name="node-1",
        target_ref=ObjectReference(kind="Pod", namespace=NS, name="pod1", uid="uid-1"),
    )


# ---------------------------------------------------------------------------
# Addresses


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.2.3.4", ("1.2.3.4", AddressType.IPV4)),
        ("010.001.002.003", ("10.1.2.3", AddressType.IPV4)),
        ("1234::5678:0000:0000:9abc:def0", ("1234::5678:0:0:9abc:def0", AddressType.IPV6)),
        ("2001:DB8:0:0:0:0:0:1", ("2001:db8::1", AddressType.IPV6)),
        ("1:0:2:3:4:5:6:7", ("1:0:2:3:4:5:6:7", AddressType.IPV6)),
        ("::ffff:10.0.0.1", ("10.0.0.1", AddressType.IPV4)),
        ("1.2.3.256", None),
        ("1.2.3", None),
        ("fe80::1%eth0", None),
        ("10.0.0.0/8", None),
        ("example.com", None),
        ("", None),
    ],
)
def test_canonical_address(text: str, expected: tuple[str, AddressType] | None) -> None:
    assert canonical_address(text) == expected


def test_port_group_key_ignores_order_and_defaults() -> None:
    a = (EndpointPort(name="a", port=1, protocol="TCP"), EndpointPort(name="", port=2, protocol="UDP"))
    b = (EndpointPort(port=2, protocol="UDP"), EndpointPort(name="a", port=1))
    assert port_group_key(a) == port_group_key(b)
    assert port_group_key(None) == port_group_key(()) == ()


# ---------------------------------------------------------------------------
# Identity


def test_identity_is_addresses_hostname_and_target_pod() -> None:
    e = expected_endpoint()
    assert endpoint_identity(e) == (("1.2.3.5",), "", NS, "pod1")
    moved = evolve(e, node_name="node-2", zone="z", conditions=EndpointConditions(ready=False))
    assert endpoint_identity(moved) == endpoint_identity(e)
    reused_ip = evolve(e, target_ref=ObjectReference(kind="Pod", namespace=NS, name="pod2"))
    assert endpoint_identity(reused_ip) != endpoint_identity(e)


@pytest.mark.parametrize(
    ("change", "changed"),
    [
        pytest.param({"node_name": "node-2"}, True, id="node"),
        pytest.param({"zone": "z"}, True, id="zone"),
        pytest.param({"conditions": EndpointConditions(ready=True, serving=True)}, True, id="unset terminating"),
        pytest.param(
            {"target_ref": ObjectReference(kind="Pod", namespace=NS, name="pod1", uid="uid-1", resource_version="9")},
            False,
            id="resourceVersion ignored",
        ),
        pytest.param(
            {"target_ref": ObjectReference(kind="Pod", namespace=NS, name="pod1", uid="other")}, True, id="uid counts"
        ),
        pytest.param({"hints": EndpointHints(for_zones=(ForZone(name="z"),))}, False, id="hints not compared"),
    ],
)
def test_endpoint_changed(change: dict[str, Any], changed: bool) -> None:
    e = expected_endpoint()
    assert endpoint_changed(evolve(e, **change), e) is changed


# ---------------------------------------------------------------------------
# One parse per address: the desired state reuses canonical_address's parse for placement


def _reference_canonical(text: str) -> tuple[str, AddressType] | None:
    """canonical_address as it was before the C fast path: split IPv4 by hand, ipaddress for IPv6."""
    if ":" not in text:
        parts = text.split(".")
        if len(parts) != 4:
            return None
        for part in parts:
            if not part or not part.isascii() or not part.isdigit() or len(part) > 3 or int(part) > 255:
                return None
        return ".".join(str(int(p)) for p in parts), AddressType.IPV4
    if "%" in text:
        return None
    try:
        v6 = ipaddress.IPv6Address(text)
    except ValueError:
        return None
    if v6.ipv4_mapped is not None:
        return str(v6.ipv4_mapped), AddressType.IPV4
    return v6.compressed, AddressType.IPV6


def _octet() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(0, 255).map(str),
        st.integers(0, 255).map(lambda n: f"{n:03d}"),
        st.text(alphabet="0123456789٤x ", min_size=0, max_size=4),
    )


_addresses = st.one_of(
    st.lists(_octet(), min_size=3, max_size=5).map(".".join),
    st.ip_addresses().map(str),
    st.ip_addresses(v=6).map(lambda ip: ip.exploded.upper()),
    st.ip_addresses(v=4).map(lambda ip: f"::ffff:{ip}"),
    st.text(alphabet="0123456789.:abcdef%\x00", max_size=12),
)


@given(_addresses)
def test_law_canonical_address_agrees_with_the_reference_parser(text: str) -> None:
    assert canonical_address(text) == _reference_canonical(text)


@given(_addresses)
def test_law_the_parse_gives_the_placement_order_of_the_canonical_address(text: str) -> None:
    parsed = _parse_address(text)
    if parsed is not None:
        canonical = Endpoint(addresses=(parsed[0],))
        assert placement_key(canonical)[2] == (parsed[2],)


_pods = st.one_of(
    st.none(),
    st.builds(
        ObjectReference, kind=st.just("Pod"), namespace=st.sampled_from(["a", "b"]), name=st.text("pq", max_size=2)
    ),
)
_valid_v4 = st.one_of(
    st.ip_addresses(v=4).map(str),
    st.lists(st.integers(0, 255).map(lambda n: f"{n:03d}"), min_size=4, max_size=4).map(".".join),
)
_entries = st.one_of(
    st.builds(
        lambda a, r, h: Endpoint(addresses=tuple(a), target_ref=r, hostname=h),
        st.lists(_valid_v4, min_size=1, max_size=3),
        _pods,
        st.sampled_from([None, "", "h1", "h2"]),
    ),
    st.builds(
        lambda a, r, h: Endpoint(addresses=tuple(a), target_ref=r, hostname=h),
        st.lists(
            st.ip_addresses(v=6, network="2001:db8::/32").map(lambda ip: ip.exploded),
            min_size=1,
            max_size=2,
        ),
        _pods,
        st.sampled_from([None, "h1"]),
    ),
)


@given(st.lists(_entries, max_size=30))
def test_law_the_desired_state_is_in_placement_key_order(entries: list[Endpoint]) -> None:
    # The desired state orders endpoints by the order numbers of the one parse; the public
    # placement_key parses again with ipaddress. Both must give the same order.
    service = Service(metadata=ObjectMeta(name="s", namespace="a"), spec=ServiceSpec(ip_families=("IPv4", "IPv6")))
    for group in desired_from_endpoints(service, entries).groups:
        ordered = list(group.endpoints.values())
        assert ordered == sorted(ordered, key=placement_key)
        assert len({placement_key(e) for e in ordered}) == len(ordered)


def test_the_desired_state_does_not_parse_addresses_again_to_order_them(monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression: placement_key parsed every address again with ipaddress right after
    # canonical_address had parsed it; that second parse was 38 % of building the state.
    def refuse(text: object) -> object:
        raise AssertionError(f"{text!r} parsed twice")

    monkeypatch.setattr(ipaddress, "ip_address", refuse)
    service = Service(metadata=ObjectMeta(name="s", namespace="a"), spec=ServiceSpec(ip_families=("IPv4", "IPv6")))
    entries = [
        Endpoint(addresses=("10.0.0.2",)),
        Endpoint(addresses=("010.0.0.1",)),
        Endpoint(addresses=("2001:db8::1",)),
    ]
    groups = desired_from_endpoints(service, entries).groups
    assert [list(g.endpoints) for g in groups] == [
        [(("10.0.0.1",), "", "", ""), (("10.0.0.2",), "", "", "")],
        [(("2001:db8::1",), "", "", "")],
    ]
