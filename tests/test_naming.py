"""Tests for endpointslice.naming: generateName prefixes, ordinal and hash names."""

from __future__ import annotations

import pytest

from endpointslice import Endpoint, EndpointSlice, ObjectMeta, Service, ServicePort, ServiceSpec
from endpointslice.naming import NameStrategy, generate_name_prefix, name_slices
from endpointslice.packing import pack


def service() -> Service:
    return Service(
        metadata=ObjectMeta(name="foo", namespace="test", uid="test-foo"),
        spec=ServiceSpec(
            ports=(ServicePort(name="foo", port=80, target_port=80, protocol="TCP"),), ip_families=("IPv4",)
        ),
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [("foo", "foo-"), ("a" * 63, "a" * 63 + "-"), ("a" * 253, "a" * 253), ("Bad_Name", "Bad_Name")],
)
def test_generate_name_prefix(name: str, expected: str) -> None:
    assert generate_name_prefix(name) == expected


# ---------------------------------------------------------------------------
# Naming


def _slices(count: int) -> list[EndpointSlice]:
    entries = [Endpoint(addresses=(f"10.0.0.{i}",)) for i in range(count)]
    return pack(service(), entries, max_endpoints_per_slice=1, managed_by="me")


def test_ordinal_names() -> None:
    named = name_slices(_slices(3), NameStrategy.ORDINAL, service_name="foo", taken=["foo-2"])
    assert [s.metadata.name for s in named] == ["foo-1", "foo-3", "foo-4"]
    assert all(s.metadata.generate_name is None for s in named)


def test_hash_names_are_stable_and_distinct() -> None:
    first = name_slices(_slices(3), NameStrategy.HASH, service_name="foo")
    again = name_slices(_slices(3), NameStrategy.HASH, service_name="foo")
    names = [s.metadata.name or "" for s in first]
    assert names == [s.metadata.name for s in again]
    assert len(set(names)) == 3
    assert all(n.startswith("foo-") and len(n) == len("foo-") + 10 for n in names)


def test_hash_name_collision_is_resolved() -> None:
    (one,) = name_slices(_slices(1), NameStrategy.HASH, service_name="foo")
    assert one.metadata.name is not None
    (other,) = name_slices(_slices(1), NameStrategy.HASH, service_name="foo", taken=[one.metadata.name])
    assert other.metadata.name != one.metadata.name


def test_long_service_names_stay_within_63_characters() -> None:
    (named,) = name_slices(_slices(1), NameStrategy.ORDINAL, service_name="s" * 63)
    assert named.metadata.name == "s" * 61 + "-1"


def test_generate_leaves_names_to_the_api_server() -> None:
    slices = _slices(2)
    assert name_slices(slices, NameStrategy.GENERATE, service_name="foo") == tuple(slices)
