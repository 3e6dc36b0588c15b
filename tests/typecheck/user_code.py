"""Typical user code, in the documented style, that ``mypy --strict`` must accept.

`tests/test_typing.py` runs mypy over this file. Each ``assert_type`` would
fail if a signature regressed to ``Any`` or to a wider type; the file also
runs, so every line is real, working code.
"""

from __future__ import annotations

import io as stdio
from typing import TYPE_CHECKING, Any

import attrs
from hypothesis import given, settings
from hypothesis.strategies import SearchStrategy

from endpointslice import io
from endpointslice._frozen import FrozenDict
from endpointslice.discovery import Endpoint, EndpointConditions, EndpointPort, EndpointSlice
from endpointslice.enums import AddressType
from endpointslice.kinds import KubeObject
from endpointslice.meta import ObjectMeta
from endpointslice.packing import pack
from endpointslice.reconcile import Plan, reconcile
from endpointslice.service import Service, ServicePort, ServiceSpec
from endpointslice.strategies import endpoint_slices, endpoints

if TYPE_CHECKING:
    from typing_extensions import assert_type
else:

    def assert_type(value: Any, _type: Any) -> Any:
        return value


# Constructors take plain lists and dicts, as the docs write them.
service = Service(
    metadata=ObjectMeta(name="db", namespace="default", labels={"team": "data"}),
    spec=ServiceSpec(ports=[ServicePort(name="pg", port=5432)], ip_families=["IPv4"]),
)
ready = EndpointConditions(ready=True)
hosts = [Endpoint(addresses=[f"192.0.2.{i}"], conditions=ready, zone="a") for i in range(1, 4)]
by_hand = EndpointSlice(
    metadata=ObjectMeta(name="db-1", labels={"kubernetes.io/service-name": "db"}),
    address_type=AddressType.IPV4,
    endpoints=hosts,
    ports=[EndpointPort(name="pg", port=5432)],
)

# The attributes hold tuples and FrozenDicts, and say so.
assert_type(hosts[0].addresses, tuple[str, ...])
assert_type(by_hand.endpoints, tuple[Endpoint, ...] | None)
assert_type(by_hand.metadata.labels, FrozenDict[str, str] | None)
assert_type(service.spec.ports, tuple[ServicePort, ...] | None)
assert type(hosts[0].addresses) is tuple

# attrs.evolve takes what the constructor takes.
moved = attrs.evolve(hosts[0], addresses=["192.0.2.9"])
assert_type(moved, Endpoint)

# Pack and reconcile.
slices = pack(service, hosts)
assert_type(slices, list[EndpointSlice])
plan = reconcile(service, hosts[:2], slices)
assert_type(plan, Plan)
after = plan.apply(slices)
assert_type(after, list[EndpointSlice])

# Load and dump; a sorted list keeps its item type inside the key function.
text = io.dumps(sorted(after, key=lambda s: s.metadata.name or ""))
loaded = io.loads(text)
assert_type(loaded, list[KubeObject])
mine = [o for o in loaded if isinstance(o, EndpointSlice)]
# Or let the class narrow it (every document must then be one).
assert_type(io.loads(text, EndpointSlice), list[EndpointSlice])
assert io.loads(text, EndpointSlice) == mine
out = stdio.StringIO()
io.dump(sorted(mine, key=lambda s: (s.address_type, s.metadata.name or "")), out)
io.dump(by_hand, out)

# Strategies for the user's own property tests.
assert_type(endpoint_slices(max_endpoints=3), SearchStrategy[EndpointSlice])
assert_type(endpoints(address_type="IPv6"), SearchStrategy[Endpoint])


@settings(max_examples=5, deadline=None)
@given(endpoint_slices(max_endpoints=3))
def round_trips(eps: EndpointSlice) -> None:
    """The law every user test starts with: what is dumped loads back equal."""
    assert io.loads(io.dumps(eps)) == [eps]


round_trips()

# FrozenDict is typed as dict's constructor is, and is read-only to type checkers too.
assert_type(FrozenDict({"app": "db"}), FrozenDict[str, str])
assert_type(FrozenDict([("port", 80)]), FrozenDict[str, int])
assert_type(FrozenDict(replicas=3), FrozenDict[str, int])


def _never_called(labels: FrozenDict[str, str]) -> None:
    labels["tier"] = "backend"  # type: ignore[index]  # An unused ignore if this type-checked.
