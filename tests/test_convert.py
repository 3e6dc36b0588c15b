"""The generated converter: its fast path must agree with the model constructors and the slow path."""

from __future__ import annotations

import copy
import json
import pickle
import sys
from typing import Any

import attrs
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from endpointslice import Endpoint, EndpointSlice, ObjectReference, Service, StructureError, io
from endpointslice._convert import _twin, diagnose, render_path
from endpointslice._model import Model
from endpointslice.discovery import EndpointHints, ForNode, ForZone
from endpointslice.kinds import KubeList

VALID_SLICE: dict[str, Any] = {
    "apiVersion": "discovery.k8s.io/v1",
    "kind": "EndpointSlice",
    "metadata": {"name": "web-abc", "labels": {"kubernetes.io/service-name": "web"}, "generation": 1},
    "addressType": "IPv4",
    "endpoints": [
        {
            "addresses": ["10.0.0.1"],
            "conditions": {"ready": True, "serving": True, "terminating": False},
            "nodeName": "n1",
            "zone": "a",
            "targetRef": {"kind": "Pod", "name": "p", "namespace": "default"},
            "hints": {"forZones": [{"name": "a"}], "forNodes": [{"name": "n1"}]},
        }
    ],
    "ports": [{"name": "http", "port": 80, "protocol": "TCP", "appProtocol": "http"}],
}


# Every leaf of the valid slice, as a path of keys and indices.
def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, (*path, k))] + ([path] if path else [])
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaves(v, (*path, i))] + [path]
    return [path]


LEAVES = [p for p in _leaves(VALID_SLICE) if p and p[0] not in ("apiVersion", "kind")]
WRONG_VALUES = [1, 1.5, True, False, "x", "", [], ["x"], [1], {}, {"a": 1}, {"a": "b"}, None, "80", 0]


def _set(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def test_fast_path_agrees_with_the_slow_path_for_every_field_and_wrong_value() -> None:
    # Exhaustive rather than sampled: 33 fields x 15 values is cheap, and a
    # sampled search can miss the one field whose check went missing.
    for path in LEAVES:
        for value in WRONG_VALUES:
            _check_agreement(path, value)


@given(
    path=st.sampled_from(LEAVES),
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=3),
        lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner, max_size=2),
        max_leaves=4,
    ),
)
def test_fast_path_agrees_with_the_slow_path_for_any_json(path: tuple[Any, ...], value: Any) -> None:
    _check_agreement(path, value)


def _check_agreement(path: tuple[Any, ...], value: Any) -> None:
    data = copy.deepcopy(VALID_SLICE)
    _set(data, path, value)
    try:
        obj = io.from_dict(data)
    except StructureError as exc:
        refused: StructureError | None = exc
    else:
        refused = None
    if refused is not None:
        # Whatever the fast path refused, the slow path explains, with a path.
        assert refused.problems
        assert diagnose(data, EndpointSlice)
        return
    # Accepted: the slow path finds nothing, and the constructors agree the value is well typed.
    assert diagnose(data, EndpointSlice) == []
    assert attrs.evolve(obj) == obj
    assert io.from_dict(io.to_dict(obj)) == obj


def test_interned_leaf_models_never_confuse_true_and_1() -> None:
    good = copy.deepcopy(VALID_SLICE)
    io.from_dict(good)  # Puts the conditions object in the intern cache.
    bad = copy.deepcopy(VALID_SLICE)
    bad["endpoints"][0]["conditions"] = {"ready": 1, "serving": 1, "terminating": 0}
    with pytest.raises(StructureError, match=r"endpoints\[0\]\.conditions\.ready: expected bool, got 1"):
        io.from_dict(bad)


def _twice(data: dict[str, Any]) -> dict[str, Any]:
    """*data* with its one endpoint repeated, so that a load meets equal conditions and hints."""
    doubled = copy.deepcopy(data)
    doubled["endpoints"].append(copy.deepcopy(doubled["endpoints"][0]))
    return doubled


def test_interned_leaf_models_are_shared_within_one_load() -> None:
    a = io.from_dict(_twice(VALID_SLICE))
    assert isinstance(a, EndpointSlice)
    assert a.endpoints is not None
    assert a.endpoints[0].conditions is a.endpoints[1].conditions


@pytest.mark.parametrize(
    "load",
    [io.from_dict, lambda d: io.loads(json.dumps(d))[0], lambda d: io.loads(yaml.safe_dump(d))[0]],
    ids=["dict", "json", "yaml"],
)
def test_a_corrupted_interned_value_never_reaches_a_later_load(load: Any) -> None:
    """``object.__setattr__`` on one load's condition, hint or port leaves every later load alone."""
    a = load(VALID_SLICE)
    assert a.endpoints is not None
    object.__setattr__(a.endpoints[0].conditions, "ready", False)
    assert a.endpoints[0].hints is not None
    object.__setattr__(a.endpoints[0].hints, "for_zones", ())
    object.__setattr__(a.ports[0], "port", 1)

    b = load(copy.deepcopy(VALID_SLICE))

    assert b.endpoints[0].conditions.ready is True
    assert b.endpoints[0].hints.for_zones[0].name == "a"
    assert b.ports[0].port == 80
    assert a.endpoints[0].conditions is not b.endpoints[0].conditions


def test_missing_required_fields_take_go_zero_values() -> None:
    svc = io.from_dict({"apiVersion": "v1", "kind": "Service", "spec": {"ports": [{"name": "x"}]}})
    assert isinstance(svc, Service)
    assert svc.spec.ports is not None
    assert svc.spec.ports[0].port == 0


def test_every_problem_is_collected() -> None:
    data = copy.deepcopy(VALID_SLICE)
    data["endpoints"][0]["zone"] = 1
    data["ports"][0]["port"] = "80"
    data["metadata"]["labels"]["x"] = 2
    data["extra"] = True
    with pytest.raises(StructureError) as info:
        io.from_dict(data)
    assert [str(p) for p in info.value.problems] == [
        "extra: unknown field",
        "metadata.labels[x]: expected string, got 2",
        "endpoints[0].zone: expected string, got 1",
        "ports[0].port: expected integer, got '80'",
    ]


def test_ignore_unknown_drops_unknown_fields_only() -> None:
    data = copy.deepcopy(VALID_SLICE)
    data["endpoints"][0]["conditions"]["redy"] = True
    obj = io.from_dict(data, ignore_unknown=True)
    assert isinstance(obj, EndpointSlice)
    assert io.from_dict(VALID_SLICE) == obj


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ((), ""),
        (("endpoints", 3, "addresses", 0), "endpoints[3].addresses[0]"),
        (("metadata", "labels", ("key", "a/b")), "metadata.labels[a/b]"),
        ((0, "x"), "[0].x"),
    ],
)
def test_render_path(path: tuple[Any, ...], text: str) -> None:
    assert render_path(path) == text


@pytest.mark.parametrize(
    ("hints", "message"),
    [
        ({"forZones": [{"nme": "a"}]}, r"endpoints\[0\]\.hints\.forZones\[0\]\.nme: unknown field"),
        ({"forZones": [{"name": 1}]}, r"endpoints\[0\]\.hints\.forZones\[0\]\.name: expected string, got 1"),
        ({"forZones": ["a"]}, r"endpoints\[0\]\.hints\.forZones\[0\]: expected object, got 'a'"),
        ({"forZones": "a"}, r"endpoints\[0\]\.hints\.forZones: expected list of object, got 'a'"),
        ({"forNodes": [{"name": "n1", "x": "y"}]}, r"endpoints\[0\]\.hints\.forNodes\[0\]\.x: unknown field"),
    ],
)
def test_interned_hints_never_hide_a_problem(hints: dict[str, Any], message: str) -> None:
    io.from_dict(VALID_SLICE)  # Caches the valid hints first.
    data = copy.deepcopy(VALID_SLICE)
    data["endpoints"][0]["hints"] = hints
    with pytest.raises(StructureError, match=message):
        io.from_dict(data)


def test_interned_hints_are_shared_and_equal_to_constructed_ones() -> None:
    a = io.from_dict(_twice(VALID_SLICE))
    assert isinstance(a, EndpointSlice)
    assert a.endpoints is not None
    hints = a.endpoints[0].hints
    assert hints is not None
    assert hints is a.endpoints[1].hints
    assert attrs.evolve(hints) == hints


_HINT_ITEM = st.one_of(
    st.fixed_dictionaries({"name": st.sampled_from(["a", "b"])}),
    st.dictionaries(st.sampled_from(["name", "nme"]), st.sampled_from(["a", "a", 1, None]), max_size=2),
    st.sampled_from(["a", 1, None]),
)
_HINTS = st.dictionaries(
    st.sampled_from(["forZones", "forNodes"]),
    st.one_of(st.none(), st.lists(_HINT_ITEM, max_size=2), st.sampled_from(["a", {}])),
    max_size=2,
)
_TARGET = st.dictionaries(
    st.sampled_from(["kind", "name", "uid", "apiVersion", "x"]), st.sampled_from(["Pod", "", 1, None, True]), max_size=3
)


def _load_outcome(endpoints: list[dict[str, Any]]) -> Any:
    data = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4", "endpoints": endpoints}
    try:
        return io.from_dict(data, EndpointSlice)
    except StructureError as exc:
        return [str(p) for p in exc.problems]


@given(st.lists(st.tuples(_HINTS, _TARGET), min_size=1, max_size=6))
def test_each_endpoint_loads_within_a_load_as_it_would_alone(rows: list[tuple[Any, Any]]) -> None:
    """Interning, its short keys for one-zone hints and the inlined target reference change no outcome.

    An endpoint loaded after others (whose hints are then cached) must give
    the same model, or the same problems, as when it is loaded on its own.
    """
    endpoints = [{"addresses": ["10.0.0.1"], "hints": h, "targetRef": t} for h, t in rows]
    alone = [_load_outcome([copy.deepcopy(e)]) for e in endpoints]
    together = _load_outcome(endpoints)
    if all(isinstance(a, EndpointSlice) for a in alone):
        assert isinstance(together, EndpointSlice)
        assert together.endpoints == tuple(a.endpoints[0] for a in alone)
        for endpoint in together.endpoints or ():
            assert type(endpoint.target_ref) is ObjectReference
            assert attrs.evolve(endpoint) == endpoint  # The constructor's own checks agree.
    else:
        expected = [
            p.replace("endpoints[0]", f"endpoints[{i}]", 1)
            for i, a in enumerate(alone)
            if isinstance(a, list)
            for p in a
        ]
        assert together == expected


@pytest.mark.parametrize(
    ("hints", "message"),
    [
        ({"forZones": [{"name": "a", "nme": "a"}]}, r"endpoints\[1\]\.hints\.forZones\[0\]\.nme: unknown field"),
        ({"forZones": [{"name": "a", "x": None}]}, r"endpoints\[1\]\.hints\.forZones\[0\]\.x: unknown field"),
        ({"forNodes": [{"name": "a"}], "x": 1}, r"endpoints\[1\]\.hints\.x: unknown field"),
    ],
)
def test_a_one_zone_hint_cached_earlier_in_the_load_never_hides_a_problem(hints: dict[str, Any], message: str) -> None:
    # The first endpoint's hints take the short key ("a", None); the second's must not find them.
    first = {"addresses": ["10.0.0.1"], "hints": {"forZones": [{"name": "a"}]}}
    second = {"addresses": ["10.0.0.2"], "hints": hints}
    with pytest.raises(StructureError, match=message):
        _load_and_raise([first, second])


def test_a_one_zone_hint_is_not_a_one_node_hint() -> None:
    zone = {"addresses": ["10.0.0.1"], "hints": {"forZones": [{"name": "a"}]}}
    node = {"addresses": ["10.0.0.2"], "hints": {"forNodes": [{"name": "a"}], "forZones": None}}
    empty = {"addresses": ["10.0.0.3"], "hints": {"forZones": [{"name": "a"}], "forNodes": []}}
    loaded = _load_and_raise([zone, node, empty])
    assert loaded.endpoints is not None
    assert [e.hints for e in loaded.endpoints] == [
        EndpointHints(for_zones=[ForZone(name="a")]),
        EndpointHints(for_nodes=[ForNode(name="a")]),
        EndpointHints(for_zones=[ForZone(name="a")], for_nodes=[]),
    ]


def _load_and_raise(endpoints: list[dict[str, Any]]) -> EndpointSlice:
    data = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4", "endpoints": endpoints}
    return io.from_dict(data, EndpointSlice)


def _model_classes() -> list[type]:
    found: list[type] = []
    todo = list(Model.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        # Only the classes their modules export: attrs replaces each declared
        # class by a slotted one, and the original lingers until collected.
        if getattr(sys.modules[cls.__module__], cls.__name__, None) is cls:
            found.append(cls)
    return sorted(found, key=lambda c: c.__name__)


@pytest.mark.parametrize("cls", _model_classes(), ids=lambda c: c.__name__)
def test_every_model_gets_the_fast_twin(cls: type) -> None:
    # A model declared with a __weakref__ slot still loads, but through the
    # slower descriptors; this keeps all of them on the fast road.
    assert _twin(cls) is not None


def test_loaded_models_are_of_the_model_class_itself() -> None:
    obj = io.from_dict(VALID_SLICE)
    assert type(obj) is EndpointSlice
    assert obj.endpoints is not None
    endpoint = obj.endpoints[0]
    assert type(endpoint) is Endpoint
    assert type(endpoint.target_ref) is ObjectReference
    assert endpoint == attrs.evolve(endpoint)
    assert hash(endpoint) == hash(attrs.evolve(endpoint))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        endpoint.zone = "b"  # type: ignore[misc]
    assert copy.deepcopy(obj) == obj
    assert pickle.loads(pickle.dumps(obj)) == obj  # noqa: S301  # Our own data, just written.


# ---------------------------------------------------------------------------
# The public cattrs converter (io.make_converter)


def test_the_converter_structures_through_the_same_hook_as_from_dict() -> None:
    conv = io.make_converter()
    hook = conv.get_structure_hook(EndpointSlice)
    assert hook is io._model_loader(EndpointSlice)
    assert conv.structure(VALID_SLICE, EndpointSlice) == io.from_dict(VALID_SLICE, EndpointSlice)


def test_the_converter_unstructures_with_the_generated_function() -> None:
    from endpointslice import _convert

    conv = io.make_converter()
    assert conv.get_unstructure_hook(EndpointSlice) is _convert.unstructure_fn(EndpointSlice)
    slice_ = io.from_dict(VALID_SLICE)
    assert conv.unstructure(slice_) == io.to_dict(slice_) == VALID_SLICE


def test_the_converter_handles_lists_and_other_kinds_as_io_does() -> None:
    conv = io.make_converter()
    listed = {"apiVersion": "v1", "kind": "List", "metadata": {}, "items": [VALID_SLICE]}
    kube_list = conv.structure(listed, KubeList)
    assert kube_list == io.from_dict(listed)
    assert conv.unstructure(kube_list) == io.to_dict(kube_list)
    assert conv.structure([VALID_SLICE, VALID_SLICE], list[EndpointSlice]) == [io.from_dict(VALID_SLICE)] * 2


def test_the_converter_reports_every_problem_with_its_path() -> None:
    bad = {**VALID_SLICE, "addressType": 4, "extra": 1}
    with pytest.raises(StructureError) as via_converter:
        io.make_converter().structure(bad, EndpointSlice)
    with pytest.raises(StructureError) as via_from_dict:
        io.from_dict(bad, EndpointSlice)
    assert str(via_converter.value) == str(via_from_dict.value)
    assert [p.path for p in via_converter.value.problems] == ["extra", "addressType"]


def test_hooks_registered_on_a_converter_or_its_copy_stay_there() -> None:
    mine = io.make_converter()
    mine.register_structure_hook(EndpointSlice, lambda data, _: "mine")
    theirs = mine.copy()
    theirs.register_structure_hook(Service, lambda data, _: "theirs")
    mine_result: Any = mine.structure(VALID_SLICE, EndpointSlice)
    theirs_result: Any = theirs.structure({}, Service)
    assert mine_result == "mine"
    assert theirs_result == "theirs"
    assert mine.structure({"apiVersion": "v1", "kind": "Service"}, Service) == Service()
    fresh = io.make_converter()
    assert isinstance(fresh.structure(VALID_SLICE, EndpointSlice), EndpointSlice)
    assert isinstance(io.from_dict(VALID_SLICE, EndpointSlice), EndpointSlice)


def test_importing_io_generates_no_code_and_imports_no_cattrs() -> None:
    import subprocess

    probe = (
        "import sys, endpointslice, endpointslice.io\n"
        "from endpointslice import _convert\n"
        "assert 'cattrs' not in sys.modules, 'cattrs imported'\n"
        "assert not _convert._STRUCTURE and not _convert._UNSTRUCTURE, 'code generated at import'\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_no_twin_for_a_model_whose_base_runs_code_when_called() -> None:
    # The loader makes a twin by calling it; a base __init__ would run there.
    class Base(Model):
        __slots__ = ()

        def __init__(self) -> None:
            raise AssertionError("never called by the loader")

    @attrs.frozen(kw_only=True, weakref_slot=False)
    class Odd(Base):
        x: int

    assert _twin(Odd) is None
