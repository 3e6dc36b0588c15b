"""The equivalence the engine differential suite compares under, where upstream chooses at random.

``tests/kube/test_engine_diff.py`` holds our engine to the real controller; where the
controller's choice depends on Go's map order or the lister's order, it compares under
`tie_key` (``docs/differences.md``, "Engine ties"). These tests pin that equivalence down
without a control plane: every random choice it forgives is forgiven, and nothing else is.
"""

from __future__ import annotations

import copy
from typing import Any

from kube.engine_scenarios import normal, strict_key, tie_key, written_triggers

from endpointslice.discovery import EndpointSlice
from endpointslice.io import from_dict


def _endpoint(pod: str, zone: str = "z1", hint: str | None = None, *, ready: bool = True) -> dict[str, Any]:
    endpoint: dict[str, Any] = {
        "addresses": [f"10.0.0.{int(pod[1:]) + 1}"],
        "conditions": {"ready": ready, "serving": ready, "terminating": False},
        "targetRef": {"kind": "Pod", "name": pod, "namespace": "ns", "uid": f"u-{pod}"},
        "zone": zone,
    }
    if hint is not None:
        endpoint["hints"] = {"forZones": [{"name": hint}]}
    return endpoint


def _slice(name: str, endpoints: list[dict[str, Any]], ports: tuple[int, ...] = (8080,)) -> dict[str, Any]:
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "name": name,
            "generateName": "svc-",
            "namespace": "ns",
            "labels": {"kubernetes.io/service-name": "svc"},
        },
        "addressType": "IPv4",
        "endpoints": endpoints,
        "ports": [{"name": f"p{i}", "port": p, "protocol": "TCP"} for i, p in enumerate(ports)],
    }


def _normal(slices: list[dict[str, Any]], before: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    return [normal(from_dict(s, EndpointSlice), before) for s in slices]


def test_generated_names_compare_by_their_prefix() -> None:
    ours = _normal([_slice("svc-b2c4d", [_endpoint("p0")])])
    upstream = _normal([_slice("svc-x9z7q", [_endpoint("p0")])])
    assert strict_key(ours) == strict_key(upstream)
    assert ours[0]["metadata"]["name"] == "svc-<generated>"


def test_a_name_the_apiserver_could_not_generate_is_a_difference() -> None:
    # Five characters, but a vowel: not from the apiserver's alphabet.
    ours = _normal([_slice("svc-b2c4d", [_endpoint("p0")])])
    odd = _normal([_slice("svc-aeiou", [_endpoint("p0")])])
    assert strict_key(ours) != strict_key(odd)
    assert tie_key(ours) != tie_key(odd)


def test_which_create_recycles_a_deleted_name_is_a_tie() -> None:
    # A port change: the old slice goes, two port groups are created, and one create takes the
    # old name. Upstream takes the last create in Go's map order of port groups.
    before = frozenset({"svc-old12"})
    ours = _normal(
        [_slice("svc-old12", [_endpoint("p0")], (8080,)), _slice("svc-b2c4d", [_endpoint("p1")], (8081,))], before
    )
    upstream = _normal(
        [_slice("svc-x9z7q", [_endpoint("p0")], (8080,)), _slice("svc-old12", [_endpoint("p1")], (8081,))], before
    )
    assert strict_key(ours) != strict_key(upstream)
    assert tie_key(ours) == tie_key(upstream)


def test_which_slice_of_a_group_gets_an_endpoint_is_a_tie_when_sizes_agree() -> None:
    ours = _normal([_slice("svc-aaaa1", [_endpoint("p0"), _endpoint("p2")]), _slice("svc-aaaa2", [_endpoint("p1")])])
    upstream = _normal(
        [_slice("svc-aaaa1", [_endpoint("p0")]), _slice("svc-aaaa2", [_endpoint("p1"), _endpoint("p2")])]
    )
    assert tie_key(ours) == tie_key(upstream)


def test_different_slice_sizes_are_a_difference() -> None:
    ours = _normal([_slice("svc-aaaa1", [_endpoint("p0"), _endpoint("p1")]), _slice("svc-aaaa2", [_endpoint("p2")])])
    three = _normal([_slice("svc-aaaa1", [_endpoint("p0"), _endpoint("p1"), _endpoint("p2")]), _slice("svc-aaaa2", [])])
    assert tie_key(ours) != tie_key(three)


def test_an_endpoint_in_another_port_group_is_a_difference() -> None:
    ours = _normal([_slice("svc-aaaa1", [_endpoint("p0")], (8080,)), _slice("svc-aaaa2", [_endpoint("p1")], (8081,))])
    swapped = _normal(
        [_slice("svc-aaaa1", [_endpoint("p1")], (8080,)), _slice("svc-aaaa2", [_endpoint("p0")], (8081,))]
    )
    assert tie_key(ours) != tie_key(swapped)


def test_any_endpoint_field_is_a_difference() -> None:
    base = [_slice("svc-aaaa1", [_endpoint("p0", hint="z1")])]
    for change in (
        {"zone": "z2"},
        {"conditions": {"ready": False, "serving": True, "terminating": True}},
        {"hints": None},
    ):
        other = copy.deepcopy(base)
        other[0]["endpoints"][0].update(change)
        if other[0]["endpoints"][0]["hints"] is None:
            del other[0]["endpoints"][0]["hints"]
        assert tie_key(_normal(base)) != tie_key(_normal(other)), change


def test_trigger_times_compare_on_the_written_slices() -> None:
    # Which slice of a group is written is a tie, so the trigger time (the sync's on written
    # slices, the old one on the others) is left out of `tie_key` and compared apart: every
    # slice written since the step began must carry the sync's trigger time.
    base = _slice("svc-aaaa1", [_endpoint("p0")])
    base["metadata"]["resourceVersion"] = "5"
    stamped = copy.deepcopy(base)
    stamped["metadata"]["annotations"] = {"endpoints.kubernetes.io/last-change-trigger-time": "2030-01-01T00:00:01Z"}
    stamped["metadata"]["resourceVersion"] = "6"
    assert strict_key(_normal([base])) != strict_key(_normal([stamped]))
    assert tie_key(_normal([base])) == tie_key(_normal([stamped]))
    assert written_triggers([stamped], {"svc-aaaa1": "5"}) == ["2030-01-01T00:00:01Z"]
    assert written_triggers([stamped], {"svc-aaaa1": "6"}) == []
    assert written_triggers([base], {}) == [""]


def test_under_auto_which_endpoints_carry_a_moved_hint_is_a_tie() -> None:
    # Two zones of equal CPU, four ready endpoints in z3: two of them get z1's hint. Which two
    # follows the order of the slices written, which upstream takes from its lister.
    ours = _normal(
        [
            _slice("svc-aaaa1", [_endpoint("p0", "z3", "z1"), _endpoint("p1", "z3", "z1")]),
            _slice("svc-aaaa2", [_endpoint("p2", "z3", "z3"), _endpoint("p3", "z3", "z3")]),
        ]
    )
    upstream = _normal(
        [
            _slice("svc-aaaa1", [_endpoint("p0", "z3", "z3"), _endpoint("p1", "z3", "z3")]),
            _slice("svc-aaaa2", [_endpoint("p2", "z3", "z1"), _endpoint("p3", "z3", "z1")]),
        ]
    )
    assert tie_key(ours, auto=True) == tie_key(upstream, auto=True)
    # Without "Auto" the hints are each endpoint's own: nothing random to forgive.
    assert tie_key(ours) != tie_key(upstream)


def test_under_auto_a_different_number_of_moved_hints_is_a_difference() -> None:
    two = _normal([_slice("svc-aaaa1", [_endpoint("p0", "z3", "z1"), _endpoint("p1", "z3", "z1")])])
    one = _normal([_slice("svc-aaaa1", [_endpoint("p0", "z3", "z1"), _endpoint("p1", "z3", "z3")])])
    assert tie_key(two, auto=True) != tie_key(one, auto=True)


def test_which_deleted_name_a_create_recycles_is_a_tie() -> None:
    # Two stale port groups go and one new group comes: the create takes the name of the first
    # delete, which upstream finds in Go's map order of the old port groups.
    before = frozenset({"svc-old12", "svc-old34"})
    ours = _normal([_slice("svc-old12", [_endpoint("p0"), _endpoint("p1")], (80,))], before)
    upstream = _normal([_slice("svc-old34", [_endpoint("p0"), _endpoint("p1")], (80,))], before)
    assert strict_key(ours) != strict_key(upstream)
    assert tie_key(ours) == tie_key(upstream)
    # But a kept name is never a generated one.
    generated = _normal([_slice("svc-b2c4d", [_endpoint("p0"), _endpoint("p1")], (80,))], before)
    assert tie_key(ours) != tie_key(generated)
