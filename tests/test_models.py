"""The models: immutable, hashable values that normalise what they are given.

Kubernetes distinguishes absent from false from empty; so do the models, and the
``effective_*`` properties apply the API's defaults for unset endpoint conditions.
"""

from __future__ import annotations

import collections
import copy
import json
import pickle
import types
from typing import Any, TypeVar, cast

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from endpointslice import (
    AddressType,
    ConditionStatus,
    Container,
    Endpoint,
    EndpointConditions,
    EndpointHints,
    EndpointSlice,
    ForZone,
    FrozenDict,
    IPFamily,
    ManagedFieldsEntry,
    Node,
    NodeCondition,
    NodeStatus,
    ObjectMeta,
    Pod,
    PodCondition,
    PodStatus,
    Protocol,
    Service,
    ServicePort,
    ServiceSpec,
    ServiceType,
    io,
    strategies,
)
from endpointslice._frozen import freeze_json
from endpointslice.io import from_dict, to_dict

T = TypeVar("T")


def _any(value: object) -> Any:
    # Lets a test pass what the constructor normalises (a list, a dict, a wire string) past mypy.
    return value


def _share(divisor: int) -> settings:
    """A 1/*divisor* share of the profile's examples (at least 10): generating models is the cost here."""
    return settings(max_examples=max(10, settings().max_examples // divisor))


class TestImmutability:
    """Models and their maps cannot be changed in place; changes make copies."""

    def test_setting_an_attribute_fails(self) -> None:
        """A frozen model refuses assignment."""
        obj = EndpointSlice(address_type=AddressType.IPV4)

        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            cast("Any", obj).address_type = AddressType.IPV6

    @pytest.mark.parametrize(
        "mutate",
        [
            lambda d: d.__setitem__("b", "2"),
            lambda d: d.__delitem__("a"),
            lambda d: d.update(b="2"),
            lambda d: d.pop("a"),
            lambda d: d.popitem(),
            lambda d: d.setdefault("b", "2"),
            lambda d: d.clear(),
            lambda d: d.__ior__({"b": "2"}),
        ],
        ids=["setitem", "delitem", "update", "pop", "popitem", "setdefault", "clear", "ior"],
    )
    def test_frozen_dict_refuses_every_mutation(self, mutate: Any) -> None:
        """Each mutating method raises `TypeError` and leaves the map as it was."""
        frozen: FrozenDict[str, str] = FrozenDict({"a": "1"})

        with pytest.raises(TypeError, match="FrozenDict is immutable; build a new one instead"):
            mutate(frozen)
        assert frozen == {"a": "1"}

    def test_frozen_dict_copies_are_new_maps(self) -> None:
        """`set` and `delete` return changed copies; the original is untouched."""
        frozen: FrozenDict[str, str] = FrozenDict({"a": "1"})

        assert frozen.set("b", "2") == {"a": "1", "b": "2"}
        assert frozen.delete("a") == {}
        assert frozen.delete("missing") == frozen
        assert frozen == {"a": "1"}
        assert FrozenDict.of(None) == {}

    def test_frozen_dict_hash_ignores_insertion_order(self) -> None:
        """Equal maps hash equally, whatever order their keys were given in."""
        assert hash(FrozenDict(a="1", b="2")) == hash(FrozenDict(b="2", a="1"))

    def test_frozen_dict_survives_copy_and_pickle(self) -> None:
        """Copies are the same object; pickling gives back an equal `FrozenDict`."""
        frozen: FrozenDict[str, str] = FrozenDict({"a": "1"})
        restored = pickle.loads(pickle.dumps(frozen))  # noqa: S301  # Our own data, just written.

        assert copy.copy(frozen) is frozen
        assert copy.deepcopy(frozen) is frozen
        assert type(restored) is FrozenDict
        assert restored == frozen

    def test_calling_init_again_changes_nothing(self) -> None:
        """``__init__`` called again on a built map leaves it, and its hash, as they were."""
        frozen: FrozenDict[str, str] = FrozenDict({"a": "1"})
        before = hash(frozen)

        frozen.__init__({"a": "2", "b": "3"})  # type: ignore[misc]  # The attack under test.

        assert frozen == {"a": "1"}
        assert hash(frozen) == before

    @pytest.mark.parametrize(
        "mutate",
        [
            lambda d: dict.__setitem__(d, "a", "2"),
            lambda d: dict.update(d, a="2"),
            dict.clear,
            lambda d: object.__setattr__(d, "__class__", dict),
            lambda d: setattr(d, "_data", {}),
        ],
        ids=["dict-setitem", "dict-update", "dict-clear", "class", "setattr"],
    )
    def test_frozen_dict_refuses_the_dict_methods_too(self, mutate: Any) -> None:
        """It is no `dict` subclass, so ``dict``'s own methods cannot reach its items."""
        frozen: FrozenDict[str, str] = FrozenDict({"a": "1"})
        before = hash(frozen)

        with pytest.raises(TypeError):
            mutate(frozen)
        assert frozen == {"a": "1"}
        assert hash(frozen) == before

    def test_frozen_dict_keeps_a_private_copy(self) -> None:
        """Changing the dict it was built from does not change it."""
        source = {"a": "1"}
        frozen: FrozenDict[str, str] = FrozenDict(source)

        source["a"] = "2"

        assert frozen["a"] == "1"


_NAN = float("nan")
_SCALARS = st.sampled_from([0, 1, True, False, 0.0, 1.0, -0.0, _NAN, "1", "", None])
_JSON_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.sampled_from(["x", "y"]), inner, max_size=2),
    max_leaves=6,
)


class TestTypedEquality:
    """Pass-through data is equal exactly when it is the same JSON, as `json.dumps` writes it."""

    def test_one_true_and_one_point_oh_are_three_manifests(self) -> None:
        """``{x: 1}``, ``{x: true}`` and ``{x: 1.0}`` are unequal, and a set keeps all three."""
        docs = io.loads(
            "apiVersion: v9\nkind: Thing\nx: 1\n---\napiVersion: v9\nkind: Thing\nx: true\n"
            "---\napiVersion: v9\nkind: Thing\nx: 1.0\n",
            keep_other_kinds=True,
        )

        assert len(set(docs)) == 3
        assert docs[0] != docs[1] != docs[2] != docs[0]

    def test_nan_data_equals_itself_after_pickling(self) -> None:
        """A NaN is a new object after a pickle round trip; the data still equals itself."""
        # Built from a dict: YAML's .nan is refused on load, as kubectl's YAML-to-JSON step refuses it.
        nan = float("nan")
        doc = io.from_dict({"apiVersion": "v9", "kind": "Thing", "x": nan, "y": [nan]}, keep_other_kinds=True)

        restored = pickle.loads(pickle.dumps(doc))  # noqa: S301  # Our own data, just written.

        assert restored == doc
        assert hash(restored) == hash(doc)

    def test_signed_zeros_differ(self) -> None:
        """``-0.0`` and ``0.0`` print differently, so they are different data."""
        assert FrozenDict(x=-0.0) != FrozenDict(x=0.0)

    def test_a_frozen_dict_still_equals_the_plain_dict(self) -> None:
        """Comparing with a `dict` is typed too."""
        assert FrozenDict(x=1) == {"x": 1}
        assert FrozenDict(x=1) != {"x": True}
        assert FrozenDict(x=(1,)) == {"x": [1]}

    @given(_JSON_VALUES, _JSON_VALUES)
    def test_equal_exactly_when_json_is_equal(self, a: Any, b: Any) -> None:
        """Equality and hashing agree with `json.dumps` (sorted keys), pickled or not."""
        fa, fb = freeze_json({"v": a}), freeze_json({"v": b})
        same = json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)

        assert (fa == fb) is same
        assert (fa == pickle.loads(pickle.dumps(fb))) is same  # noqa: S301  # Our own data, just written.
        if same:
            assert hash(fa) == hash(fb)


class TestHashAndEquality:
    """Models are values: equal when their fields are equal, with equal hashes."""

    @_share(5)
    @given(strategies.kube_objects(any_values=True))
    def test_equal_copies_hash_equally(self, obj: Any) -> None:
        """A model rebuilt from its dict form is equal to it and hashes the same."""
        rebuilt = from_dict(to_dict(obj))

        assert rebuilt == obj
        assert hash(rebuilt) == hash(obj)
        assert len({obj, rebuilt}) == 1

    @_share(5)
    @given(strategies.endpoint_slices(min_endpoints=1))
    def test_changing_a_field_changes_equality(self, slice_: EndpointSlice) -> None:
        """Evolving one field gives an unequal copy and leaves the original alone."""
        assert slice_.endpoints is not None
        changed = attrs.evolve(slice_, endpoints=slice_.endpoints[1:])

        assert changed != slice_
        assert slice_.endpoints is not None
        assert len(changed.endpoints or ()) == len(slice_.endpoints) - 1

    def test_models_of_different_classes_are_unequal(self) -> None:
        """Two models with the same field values but different classes differ."""
        assert cast("Any", Pod()) != Node()


class TestEvolve:
    """`attrs.evolve` makes changed copies, normalised like the constructor's input."""

    def test_evolve_without_changes_is_equal(self) -> None:
        """No change, equal copy."""
        obj = Service(metadata=ObjectMeta(name="web"))

        assert attrs.evolve(obj) == obj

    def test_evolve_normalises_its_changes(self) -> None:
        """A list given to evolve becomes a tuple; a wire string an enum member."""
        obj = EndpointSlice(address_type=AddressType.IPV4)

        changed = attrs.evolve(obj, address_type="IPv6", endpoints=_any([Endpoint(addresses=_any(["2001:db8::1"]))]))

        assert changed.address_type is AddressType.IPV6
        assert changed.endpoints == (Endpoint(addresses=("2001:db8::1",)),)

    def test_evolve_checks_types(self) -> None:
        """A wrong type in evolve is refused as in the constructor."""
        from endpointslice import ModelTypeError

        with pytest.raises(ModelTypeError, match=r"^ServicePort.port: expected integer, got '80'$"):
            attrs.evolve(ServicePort(port=80), port=_any("80"))


class TestNormalisation:
    """Constructors accept JSON-ish input and store immutable, typed values."""

    def test_lists_become_tuples(self) -> None:
        """Every sequence field holds a tuple."""
        obj = Endpoint(addresses=_any(["192.0.2.1"]), hints=EndpointHints(for_zones=_any([ForZone(name="a")])))

        assert obj.addresses == ("192.0.2.1",)
        assert obj.hints is not None
        assert obj.hints.for_zones == (ForZone(name="a"),)

    def test_dicts_become_frozen_dicts(self) -> None:
        """Maps become `FrozenDict`, so the model is hashable."""
        meta = ObjectMeta(labels=_any({"app": "web"}), annotations=_any({"note": "x"}))

        assert type(meta.labels) is FrozenDict
        assert type(meta.annotations) is FrozenDict
        assert hash(meta) == hash(ObjectMeta(labels=FrozenDict(app="web"), annotations=FrozenDict(note="x")))

    @pytest.mark.parametrize(
        ("build", "expected"),
        [
            (lambda: EndpointSlice(address_type="IPv4").address_type, AddressType.IPV4),
            (lambda: ServicePort(port=1, protocol="UDP").protocol, Protocol.UDP),
            (lambda: ServiceSpec(type="NodePort").type, ServiceType.NODE_PORT),
            (lambda: ServiceSpec(ip_families=_any(["IPv6", "IPv4"])).ip_families, (IPFamily.IPV6, IPFamily.IPV4)),
            (lambda: PodCondition(type="Ready", status="True").status, ConditionStatus.TRUE),
        ],
        ids=["addressType", "protocol", "type", "ipFamilies", "condition-status"],
    )
    def test_wire_strings_become_enum_members(self, build: Any, expected: object) -> None:
        """Known wire strings, alone or in lists, become the enum member."""
        assert build() == expected

    def test_unknown_wire_strings_stay_strings(self) -> None:
        """Unknown values are kept as the strings given, in lists too."""
        spec = ServiceSpec(type="Magic", ip_families=_any(["IPv4", "IPv5"]))

        assert spec.type == "Magic"
        assert spec.ip_families == (IPFamily.IPV4, "IPv5")

    @_share(5)
    @given(strategies.kube_objects(any_values=True))
    def test_plain_lists_and_dicts_build_the_same_object(self, obj: Any) -> None:
        """Rebuilding any model from lists and dicts gives an equal object, holding tuples and FrozenDicts again."""
        if not attrs.has(type(obj)) or type(obj).__name__ in ("OtherObject", "KubeList"):
            return
        rebuilt = _rebuild_thawed(obj)

        assert rebuilt == obj
        assert hash(rebuilt) == hash(obj)
        assert _collection_types(rebuilt) <= {tuple, FrozenDict}

    def test_any_sequence_becomes_a_tuple(self) -> None:
        """A list field takes any sequence, typed as ``Sequence``, and keeps a tuple."""
        addresses = collections.UserList(["192.0.2.1", "192.0.2.2"])

        obj = Endpoint(addresses=addresses)
        spec = ServiceSpec(cluster_ips=["10.0.0.1"], ports=(ServicePort(port=80),))

        assert type(obj.addresses) is tuple
        assert obj.addresses == ("192.0.2.1", "192.0.2.2")
        assert spec.cluster_ips == ("10.0.0.1",)

    def test_any_mapping_becomes_a_frozen_dict(self) -> None:
        """A map field takes any mapping, typed as ``Mapping``, and keeps a `FrozenDict`."""
        meta = ObjectMeta(labels=types.MappingProxyType({"app": "web"}), annotations=collections.ChainMap({"a": "b"}))
        spec = ServiceSpec(selector=collections.OrderedDict(app="web"))

        assert type(meta.labels) is FrozenDict
        assert type(meta.annotations) is FrozenDict
        assert meta.labels == {"app": "web"}
        assert spec.selector == FrozenDict(app="web")
        assert hash(meta)

    @pytest.mark.parametrize(
        "value", ["192.0.2.1", b"192.0.2.1", iter(["192.0.2.1"])], ids=["str", "bytes", "iterator"]
    )
    def test_a_string_or_iterator_is_no_list(self, value: object) -> None:
        """A string is a sequence to Python but never a list of addresses; an iterator is no sequence."""
        from endpointslice import ModelTypeError

        with pytest.raises(ModelTypeError, match=r"^Endpoint.addresses: expected list of string, got "):
            Endpoint(addresses=_any(value))

    def test_a_mapping_of_the_wrong_types_is_refused(self) -> None:
        """Another mapping is checked like a dict."""
        from endpointslice import ModelTypeError

        with pytest.raises(ModelTypeError, match=r"^ObjectMeta.labels: expected map of string to string, got "):
            ObjectMeta(labels=_any(types.MappingProxyType({"a": 1})))

    def test_opaque_json_from_other_mappings_is_frozen(self) -> None:
        """``fieldsV1`` given as another mapping or sequence is frozen as a dict or list would be."""
        entry = ManagedFieldsEntry(fields_v1=types.MappingProxyType({"f:a": collections.UserList([{"k": 1}])}))

        assert entry.fields_v1 == FrozenDict({"f:a": (FrozenDict(k=1),)})
        assert hash(entry)

    def test_opaque_json_is_frozen_deeply(self) -> None:
        """``fieldsV1`` and the Pod/Node ``extra`` blobs are frozen all the way down."""
        entry = ManagedFieldsEntry(fields_v1=_any({"f:spec": {"f:ports": [{"k": 1}]}}))
        container = Container(name="app", extra=FrozenDict(image="nginx", args=("a",)))

        assert entry.fields_v1 == FrozenDict({"f:spec": FrozenDict({"f:ports": (FrozenDict(k=1),)})})
        assert hash(entry) == hash(ManagedFieldsEntry(fields_v1=entry.fields_v1))
        assert hash(container)


def _rebuild_thawed(value: Any) -> Any:
    """*value* built again through the constructors, with every tuple a list and every map a dict."""
    if attrs.has(type(value)):
        return type(value)(**{a.name: _rebuild_thawed(getattr(value, a.name)) for a in attrs.fields(type(value))})
    if isinstance(value, tuple):
        return [_rebuild_thawed(v) for v in value]
    if isinstance(value, FrozenDict):
        return {k: _rebuild_thawed(v) for k, v in value.items()}
    return value


def _collection_types(value: Any) -> set[type]:
    """The types of every collection held anywhere in a model."""
    if attrs.has(type(value)):
        found: set[type] = set()
        for a in attrs.fields(type(value)):
            found |= _collection_types(getattr(value, a.name))
        return found
    if isinstance(value, (tuple, list, dict, FrozenDict)):
        items = value.values() if isinstance(value, (dict, FrozenDict)) else value
        found = {type(value)}
        for v in items:
            found |= _collection_types(v)
        return found
    return set()


class TestEffectiveConditions:
    """Unset endpoint conditions read as the API defines: ready and serving, not terminating."""

    @pytest.mark.parametrize(
        ("conditions", "expected"),
        [
            (EndpointConditions(), (True, True, False)),
            (EndpointConditions(ready=False, serving=False, terminating=True), (False, False, True)),
            (EndpointConditions(ready=True, serving=True, terminating=False), (True, True, False)),
            (EndpointConditions(ready=False), (False, True, False)),
        ],
        ids=["unset", "all-set-against-default", "all-set-to-default", "not-ready-only"],
    )
    def test_effective_values(self, conditions: EndpointConditions, expected: tuple[bool, bool, bool]) -> None:
        """``effective_ready``, ``effective_serving`` and ``effective_terminating``."""
        assert (
            conditions.effective_ready,
            conditions.effective_serving,
            conditions.effective_terminating,
        ) == expected

    def test_unset_and_false_stay_different(self) -> None:
        """``ready: None`` and ``ready: False`` are different values."""
        assert EndpointConditions() != EndpointConditions(ready=False)

    @given(st.booleans() | st.none())
    def test_effective_ready_is_not_false(self, ready: bool | None) -> None:
        """Only an explicit false makes an endpoint not ready."""
        assert EndpointConditions(ready=ready).effective_ready is (ready is not False)


class TestConvenience:
    """Small read-only helpers on the models."""

    def test_slice_labels(self) -> None:
        """``service_name`` and ``managed_by`` read the conventional labels."""
        slice_ = EndpointSlice(
            address_type=AddressType.IPV4,
            metadata=ObjectMeta(
                labels=FrozenDict(
                    {
                        "kubernetes.io/service-name": "web",
                        "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                    }
                )
            ),
        )

        assert slice_.service_name == "web"
        assert slice_.managed_by == "endpointslice-controller.k8s.io"
        assert EndpointSlice(address_type=AddressType.IPV4).service_name is None

    def test_headless_service(self) -> None:
        """``clusterIP: None`` marks a headless Service."""
        assert Service(spec=ServiceSpec(cluster_ip="None")).is_headless
        assert not Service().is_headless

    def test_readiness_of_pods_and_nodes(self) -> None:
        """A Pod or Node is ready when its ``Ready`` condition is ``True``."""
        ready = (PodCondition(type="Ready", status=ConditionStatus.TRUE),)
        node_ready = (NodeCondition(type="Ready", status="True"),)

        assert PodStatus(conditions=ready).is_ready
        assert not PodStatus(conditions=(PodCondition(type="Ready", status="Unknown"),)).is_ready
        assert NodeStatus(conditions=node_ready).is_ready
        assert not NodeStatus().is_ready

    def test_node_zone_and_sidecar(self) -> None:
        """A Node's zone label; an init container with ``restartPolicy: Always`` is a sidecar."""
        node = Node(metadata=ObjectMeta(labels=FrozenDict({"topology.kubernetes.io/zone": "zone-a"})))

        assert node.zone == "zone-a"
        assert Container(name="proxy", restart_policy="Always").is_sidecar
        assert not Container(name="app").is_sidecar
