"""Tests for `endpointslice.repack`: RepackSubsets and the Endpoints controller's 1000-address cap."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from endpointslice import (
    EndpointAddress,
    Endpoints,
    EndpointsPort,
    EndpointSubset,
    FrozenDict,
    ObjectMeta,
    ObjectReference,
)
from endpointslice.endpoints import ANNOTATION_OVER_CAPACITY
from endpointslice.repack import (
    MAX_ENDPOINTS_ADDRESSES,
    repack_subsets,
    truncate_endpoints,
    truncate_subsets,
)


def addr(ip: str, uid: str | None = None, name: str | None = None) -> EndpointAddress:
    ref = None if uid is None and name is None else ObjectReference(uid=uid, name=name)
    return EndpointAddress(ip=ip, target_ref=ref)


def port(number: int, name: str | None = None) -> EndpointsPort:
    return EndpointsPort(name=name, port=number)


def subset(
    ready: list[EndpointAddress] | None = None,
    not_ready: list[EndpointAddress] | None = None,
    ports: list[EndpointsPort] | None = None,
) -> EndpointSubset:
    return EndpointSubset(
        addresses=None if ready is None else tuple(ready),
        not_ready_addresses=None if not_ready is None else tuple(not_ready),
        ports=None if ports is None else tuple(ports),
    )


P111, P222, P333 = port(111), port(222), port(333)

# Cases from upstream's TestPackSubsets (pkg/api/v1/endpoints/util_test.go).
REPACK_CASES: list[tuple[str, list[EndpointSubset], list[EndpointSubset]]] = [
    ("empty everything", [subset([], None, [])], []),
    ("empty addresses", [subset([], None, [P111])], []),
    ("one set, one ip, one port", [subset([addr("1.2.3.4")], None, [P111])], [subset([addr("1.2.3.4")], None, [P111])]),
    (
        "one set, one ip, one port (IPv6)",
        [subset([addr("beef::1:2:3:4")], None, [P111])],
        [subset([addr("beef::1:2:3:4")], None, [P111])],
    ),
    (
        "one set, one notReady ip, one port",
        [subset(None, [addr("1.2.3.4")], [P111])],
        [subset(None, [addr("1.2.3.4")], [P111])],
    ),
    (
        "one set, one ip, empty UID, one port",
        [subset([addr("1.2.3.4", uid="")], None, [P111])],
        [subset([addr("1.2.3.4", uid="")], None, [P111])],
    ),
    (
        "one set, two mixed ips, one port",
        [subset([addr("1.2.3.4")], [addr("5.6.7.8")], [P111])],
        [subset([addr("1.2.3.4")], [addr("5.6.7.8")], [P111])],
    ),
    (
        "one set, two duplicate ips, one port, notReady is covered by ready",
        [subset([addr("1.2.3.4")], [addr("1.2.3.4")], [P111])],
        [subset(None, [addr("1.2.3.4")], [P111])],
    ),
    (
        "one set, one ip, two ports",
        [subset([addr("1.2.3.4")], None, [P111, P222])],
        [subset([addr("1.2.3.4")], None, [P111, P222])],
    ),
    (
        "one set, dup ips, one port",
        [subset([addr("1.2.3.4"), addr("1.2.3.4")], None, [P111])],
        [subset([addr("1.2.3.4")], None, [P111])],
    ),
    (
        "one set, dup ips with target-refs, one port",
        [subset([addr("1.2.3.4", name="foo"), addr("1.2.3.4", name="bar")], None, [P111])],
        [subset([addr("1.2.3.4", name="foo")], None, [P111])],
    ),
    (
        "one set, dup mixed ips with target-refs, one port",
        [subset([addr("1.2.3.4", name="foo")], [addr("1.2.3.4", name="bar")], [P111])],
        [subset(None, [addr("1.2.3.4", name="foo")], [P111])],
    ),
    (
        "one set, one ip, dup ports",
        [subset([addr("1.2.3.4")], None, [P111, P111])],
        [subset([addr("1.2.3.4")], None, [P111])],
    ),
    (
        "two sets, dup ip, dup port",
        [subset([addr("1.2.3.4")], None, [P111]), subset([addr("1.2.3.4")], None, [P111])],
        [subset([addr("1.2.3.4")], None, [P111])],
    ),
    (
        "two sets, dup mixed ip, dup port",
        [subset([addr("1.2.3.4")], None, [P111]), subset(None, [addr("1.2.3.4")], [P111])],
        [subset(None, [addr("1.2.3.4")], [P111])],
    ),
    (
        "two sets, dup ip, two ports",
        [subset([addr("1.2.3.4")], None, [P111]), subset([addr("1.2.3.4")], None, [P222])],
        [subset([addr("1.2.3.4")], None, [P111, P222])],
    ),
    (
        "two sets, dup mixed ip, dup uids, two ports",
        [
            subset([addr("1.2.3.4", uid="uid-1")], None, [P111]),
            subset(None, [addr("1.2.3.4", uid="uid-1")], [P222]),
        ],
        [
            subset([addr("1.2.3.4", uid="uid-1")], None, [P111]),
            subset(None, [addr("1.2.3.4", uid="uid-1")], [P222]),
        ],
    ),
    (
        "two sets, two ips, dup port",
        [subset([addr("1.2.3.4")], None, [P111]), subset([addr("5.6.7.8")], None, [P111])],
        [subset([addr("1.2.3.4"), addr("5.6.7.8")], None, [P111])],
    ),
    (
        "two set, dup ip, with and without uid, dup ports",
        [subset([addr("1.2.3.4")], None, [P111]), subset([addr("1.2.3.4", uid="uid-2")], None, [P111])],
        [subset([addr("1.2.3.4"), addr("1.2.3.4", uid="uid-2")], None, [P111])],
    ),
    (
        "two sets, two ips, two dup ip with uid, dup port, wrong order",
        [
            subset([addr("5.6.7.8")], None, [P111]),
            subset([addr("5.6.7.8", uid="uid-1")], None, [P111]),
            subset([addr("1.2.3.4", uid="uid-1")], None, [P111]),
            subset([addr("1.2.3.4")], None, [P111]),
        ],
        [
            subset(
                [addr("1.2.3.4"), addr("1.2.3.4", uid="uid-1"), addr("5.6.7.8"), addr("5.6.7.8", uid="uid-1")],
                None,
                [P111],
            )
        ],
    ),
    (
        "two sets, two mixed ips, two dup ip with uid, dup port, wrong order, ends up with split addresses",
        [
            subset([addr("5.6.7.8")], None, [P111]),
            subset(None, [addr("5.6.7.8", uid="uid-1")], [P111]),
            subset(None, [addr("1.2.3.4", uid="uid-1")], [P111]),
            subset(None, [addr("1.2.3.4")], [P111]),
        ],
        [
            subset(
                [addr("5.6.7.8")],
                [addr("1.2.3.4"), addr("1.2.3.4", uid="uid-1"), addr("5.6.7.8", uid="uid-1")],
                [P111],
            )
        ],
    ),
    (
        "two sets, two ips, two ports",
        [subset([addr("1.2.3.4")], None, [P111]), subset([addr("5.6.7.8")], None, [P222])],
        [subset([addr("1.2.3.4")], None, [P111]), subset([addr("5.6.7.8")], None, [P222])],
    ),
    (
        "four sets, three ips, three ports, jumbled",
        [
            subset([addr("1.2.3.4")], None, [P111]),
            subset([addr("1.2.3.5")], None, [P222]),
            subset([addr("1.2.3.6")], None, [P111]),
            subset([addr("1.2.3.5")], None, [P333]),
        ],
        [
            subset([addr("1.2.3.4"), addr("1.2.3.6")], None, [P111]),
            subset([addr("1.2.3.5")], None, [P222, P333]),
        ],
    ),
]


@pytest.mark.parametrize(
    ("given_subsets", "expected"),
    [pytest.param(g, e, id=name) for name, g, e in REPACK_CASES],
)
def test_repack_matches_upstream_cases(given_subsets: list[EndpointSubset], expected: list[EndpointSubset]) -> None:
    assert repack_subsets(given_subsets) == tuple(expected)


def test_repack_of_none_is_empty() -> None:
    assert repack_subsets(None) == ()


def test_repack_keeps_addresses_of_a_subset_without_ports() -> None:
    headless = [subset([addr("10.0.0.2"), addr("10.0.0.1")], [addr("10.0.0.3")], None)]
    assert repack_subsets(headless) == (subset([addr("10.0.0.1"), addr("10.0.0.2")], [addr("10.0.0.3")], None),)


def test_repack_merges_portless_addresses_into_a_port_group_with_the_same_addresses() -> None:
    # Upstream would emit the stand-in port -1 next to port 111 here; we drop it.
    given_subsets = [subset([addr("1.2.3.4")], None, None), subset([addr("1.2.3.4")], None, [P111])]
    assert repack_subsets(given_subsets) == (subset([addr("1.2.3.4")], None, [P111]),)


def test_repack_sorts_addresses_by_ip_string_then_uid_with_no_target_first() -> None:
    given_subsets = [subset([addr("10.0.0.2"), addr("10.0.0.10", uid="b"), addr("10.0.0.10", uid="a")], None, [P111])]
    got = repack_subsets(given_subsets)[0].addresses or ()
    assert [(a.ip, a.target_ref.uid if a.target_ref else None) for a in got] == [
        ("10.0.0.10", "a"),
        ("10.0.0.10", "b"),
        ("10.0.0.2", None),
    ]


def test_repack_keeps_the_first_full_address_object_seen() -> None:
    first = EndpointAddress(ip="1.2.3.4", hostname="first", node_name="n1")
    second = EndpointAddress(ip="1.2.3.4", hostname="second")
    got = repack_subsets([subset([first], None, [P111]), subset([second], None, [P222])])
    assert got == (subset([first], None, [P111, P222]),)


def test_repack_sorts_ports_and_subsets_by_their_fields() -> None:
    given_subsets = [
        subset([addr("1.2.3.5")], None, [port(9000, "grpc"), port(8080, "http")]),
        subset([addr("1.2.3.4")], None, [port(8443, "http")]),
    ]
    got = repack_subsets(given_subsets)
    assert [[(p.name, p.port) for p in s.ports or ()] for s in got] == [
        [("grpc", 9000), ("http", 8080)],
        [("http", 8443)],
    ]


# Strategies for properties over Endpoints subsets.
ips = st.sampled_from(["10.0.0.1", "10.0.0.2", "10.0.0.10", "2001:db8::1", "2001:db8::a"])
uids = st.sampled_from([None, "", "u1", "u2"])
addresses = st.builds(addr, ips, uids)
ports_ = st.builds(port, st.sampled_from([80, 443, 8080]), st.sampled_from([None, "http", "https"]))
subsets = st.builds(
    subset,
    st.lists(addresses, max_size=4) | st.none(),
    st.lists(addresses, max_size=4) | st.none(),
    st.lists(ports_, max_size=3) | st.none(),
)


@given(st.lists(subsets, max_size=5))
def test_repack_is_idempotent(given_subsets: list[EndpointSubset]) -> None:
    once = repack_subsets(given_subsets)
    assert repack_subsets(once) == once


@given(st.lists(subsets, max_size=5))
def test_repack_does_not_depend_on_subset_order(given_subsets: list[EndpointSubset]) -> None:
    # Only which full address object survives may depend on order; compare identities.
    def ident(a: EndpointAddress) -> tuple[str, str]:
        return (a.ip, (a.target_ref.uid or "") if a.target_ref else "")

    def shape(items: tuple[EndpointSubset, ...]) -> list[Any]:
        return [
            ([ident(a) for a in s.addresses or ()], [ident(a) for a in s.not_ready_addresses or ()], s.ports)
            for s in items
        ]

    assert shape(repack_subsets(given_subsets)) == shape(repack_subsets(list(reversed(given_subsets))))


# Upstream's TestTruncateEndpoints vectors (pkg/controller/endpoint/endpoints_controller_test.go).
TRUNCATION_CASES = [
    ("empty", [], [], [], []),
    (
        "total endpoints < max capacity",
        [50, 100, 100, 100, 100],
        [50, 100, 100, 100, 100],
        [50, 100, 100, 100, 100],
        [50, 100, 100, 100, 100],
    ),
    (
        "total endpoints = max capacity",
        [100, 100, 100, 100, 100],
        [100, 100, 100, 100, 100],
        [100, 100, 100, 100, 100],
        [100, 100, 100, 100, 100],
    ),
    (
        "total ready endpoints < max capacity, but total endpoints > max capacity",
        [90, 110, 50, 10, 20],
        [101, 200, 200, 201, 298],
        [90, 110, 50, 10, 20],
        [73, 144, 144, 145, 214],
    ),
    (
        "total ready endpoints > max capacity",
        [205, 400, 402, 400, 693],
        [100, 200, 200, 200, 300],
        [98, 191, 192, 191, 328],
        [0, 0, 0, 0, 0],
    ),
]


def counted_subsets(ready: list[int], not_ready: list[int]) -> list[EndpointSubset]:
    out = []
    for i, (r, n) in enumerate(zip(ready, not_ready, strict=True)):
        out.append(
            subset(
                [addr(f"10.{i}.{k // 250}.{k % 250}") for k in range(r)] or None,
                [addr(f"10.{i}.{128 + k // 250}.{k % 250}") for k in range(n)] or None,
                [P111],
            )
        )
    return out


@pytest.mark.parametrize(
    ("ready", "not_ready", "want_ready", "want_not_ready"),
    [pytest.param(*case[1:], id=case[0]) for case in TRUNCATION_CASES],
)
def test_truncation_matches_upstream_vectors(
    ready: list[int], not_ready: list[int], want_ready: list[int], want_not_ready: list[int]
) -> None:
    result = truncate_subsets(counted_subsets(ready, not_ready))
    assert [len(s.addresses or ()) for s in result.subsets] == want_ready
    assert [len(s.not_ready_addresses or ()) for s in result.subsets] == want_not_ready
    assert result.truncated == (sum(ready) + sum(not_ready) > MAX_ENDPOINTS_ADDRESSES)


def test_truncation_keeps_the_first_addresses_of_each_list() -> None:
    given_subsets = counted_subsets([600], [600])
    result = truncate_subsets(given_subsets)
    assert result.subsets[0].addresses == given_subsets[0].addresses
    assert result.subsets[0].not_ready_addresses == (given_subsets[0].not_ready_addresses or ())[:400]


def test_truncation_respects_a_smaller_limit() -> None:
    result = truncate_subsets(counted_subsets([3, 3], [2, 2]), limit=8)
    assert [len(s.addresses or ()) for s in result.subsets] == [3, 3]
    assert [len(s.not_ready_addresses or ()) for s in result.subsets] == [1, 1]


def endpoints_with(ready: int, not_ready: int, annotations: dict[str, str] | None = None) -> Endpoints:
    return Endpoints(
        metadata=ObjectMeta(name="web", namespace="default", annotations=FrozenDict.of(annotations) or None),
        subsets=tuple(counted_subsets([ready], [not_ready])),
    )


def test_truncate_endpoints_sets_the_over_capacity_annotation() -> None:
    got = truncate_endpoints(endpoints_with(900, 200, {"team": "a"}))
    assert got.metadata.annotations == {"team": "a", ANNOTATION_OVER_CAPACITY: "truncated"}
    assert sum(len(s.addresses or ()) + len(s.not_ready_addresses or ()) for s in got.subsets or ()) == 1000


def test_truncate_endpoints_corrects_a_wrong_annotation_value() -> None:
    got = truncate_endpoints(endpoints_with(1001, 0, {ANNOTATION_OVER_CAPACITY: "warning"}))
    assert got.metadata.annotations == {ANNOTATION_OVER_CAPACITY: "truncated"}


def test_truncate_endpoints_clears_the_annotation_when_under_capacity() -> None:
    original = endpoints_with(10, 0, {ANNOTATION_OVER_CAPACITY: "truncated", "team": "a"})
    got = truncate_endpoints(original)
    assert got.metadata.annotations == {"team": "a"}
    assert got.subsets == original.subsets


@given(st.lists(st.tuples(st.integers(0, 700), st.integers(0, 700)), max_size=6))
def test_truncation_never_exceeds_the_cap_and_keeps_all_ready_when_they_fit(counts: list[tuple[int, int]]) -> None:
    ready = [r for r, _ in counts]
    not_ready = [n for _, n in counts]
    given_subsets = counted_subsets(ready, not_ready)
    result = truncate_subsets(given_subsets)
    kept = sum(len(s.addresses or ()) + len(s.not_ready_addresses or ()) for s in result.subsets)
    assert kept <= MAX_ENDPOINTS_ADDRESSES
    if sum(ready) <= MAX_ENDPOINTS_ADDRESSES:
        assert [s.addresses for s in result.subsets] == [s.addresses for s in given_subsets]
    if sum(ready) + sum(not_ready) >= MAX_ENDPOINTS_ADDRESSES:
        assert kept == MAX_ENDPOINTS_ADDRESSES


def test_truncation_caps_the_last_subsets_in_list_order() -> None:
    # Each subset's share is rounded up, so the last subsets in order get what is left. Upstream
    # orders subsets by a hash and we by their fields (docs/differences.md): the same subsets cut
    # in another order keep other addresses, and the control-plane suite compares ours cut in
    # upstream's order (tests/kube/test_legacy_diff.py).
    first, second = counted_subsets([0, 0], [3, 3])
    forward = truncate_subsets([first, second], limit=5).subsets
    backward = truncate_subsets([second, first], limit=5).subsets
    assert [len(s.not_ready_addresses or ()) for s in forward] == [3, 2]
    assert [len(s.not_ready_addresses or ()) for s in backward] == [3, 2]
    assert forward[0].not_ready_addresses == first.not_ready_addresses
    assert backward[1].not_ready_addresses == (first.not_ready_addresses or ())[:2]


def test_decoded_ports_with_app_protocol_merge_only_within_their_subset() -> None:
    # Upstream keys ports by their Go struct, whose appProtocol is a pointer: decoded subsets
    # (what the mirroring controller repacks) never share one; the Endpoints controller's ports do.
    grpc = EndpointsPort(name="grpc", port=9000, app_protocol="kubernetes.io/h2c")
    given_subsets = [subset([addr("10.0.0.1")], None, [grpc]), subset([addr("10.0.0.2")], None, [grpc])]
    merged = repack_subsets(given_subsets)
    assert [[a.ip for a in s.addresses or ()] for s in merged] == [["10.0.0.1", "10.0.0.2"]]
    apart = repack_subsets(given_subsets, decoded=True)
    assert [[a.ip for a in s.addresses or ()] for s in apart] == [["10.0.0.1"], ["10.0.0.2"]]
    assert [s.ports for s in apart] == [(grpc,), (grpc,)]
