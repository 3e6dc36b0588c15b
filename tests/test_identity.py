"""Tests for endpointslice.identity: canonical addresses, upstream's endpoint identity and change test, port keys."""

from __future__ import annotations

from typing import Any, TypeVar, cast

import attrs
import pytest

from endpointslice import (
    AddressType,
    Endpoint,
    EndpointConditions,
    EndpointHints,
    EndpointPort,
    ForZone,
    ObjectReference,
)
from endpointslice.identity import canonical_address, endpoint_changed, endpoint_identity, port_group_key

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
