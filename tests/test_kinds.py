"""`endpointslice.kinds`: the table of kinds, loaded lazily, and `kind_of`."""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from pathlib import Path

import attrs
import pytest

from endpointslice import EndpointSlice, Pod, Service
from endpointslice import kinds as kinds_module
from endpointslice.kinds import KINDS, KubeList, KubeObject, OtherObject, kind_of

ROOT = Path(__file__).resolve().parent.parent


def _fresh(code: str) -> typing.Any:
    """What *code*, run in a fresh interpreter, prints as its last line of JSON."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60, cwd=ROOT
    )
    return json.loads(result.stdout.splitlines()[-1])


class TestKinds:
    """`KINDS` maps each ``(apiVersion, kind)`` to its model class."""

    def test_each_key_is_its_classs_own_api_version_and_kind(self) -> None:
        """The table is written out by hand (so that it imports nothing); each entry agrees with its class."""
        assert [(cls.api_version, cls.kind) for cls in KINDS.values()] == list(KINDS)

    def test_it_holds_every_model_kind_of_kube_object(self) -> None:
        """Every member of `KubeObject` but `OtherObject` is in it, once, in the Union's order."""
        members = [cls for cls in typing.get_args(kinds_module.KubeObject) if cls is not OtherObject]

        assert list(KINDS.values()) == members
        assert len(KINDS) == len(members) == 11

    def test_it_is_read_only_and_misses_are_key_errors(self) -> None:
        """It is a `Mapping`: ``get`` of an unknown kind is ``None``, and it cannot be assigned to."""
        assert KINDS.get(("v1", "ConfigMap")) is None
        assert KINDS[("discovery.k8s.io/v1", "EndpointSlice")] is EndpointSlice
        assert ("v1", "Service") in KINDS
        assert ("v1beta1", "Service") not in KINDS
        with pytest.raises(KeyError):
            KINDS[("v1", "ConfigMap")]
        with pytest.raises(TypeError):
            KINDS[("v1", "ConfigMap")] = Pod  # type: ignore[index]  # The point of the test.
        assert "KINDS(" in repr(KINDS)

    def test_an_unknown_module_attribute_is_an_attribute_error(self) -> None:
        """Only `KubeObject` is built on demand; other names fail as on any module."""
        with pytest.raises(AttributeError, match="no_such_name"):
            _ = kinds_module.no_such_name  # type: ignore[attr-defined]  # The point of the test.


class TestLaziness:
    """A kind's model module is imported when that kind is looked up, not with `kinds`."""

    def test_importing_kinds_imports_no_model_of_a_kind(self) -> None:
        """``import endpointslice.kinds`` (and so `io`) leaves every kind's module unimported."""
        loaded = _fresh("import json, sys\nimport endpointslice.io\nprint(json.dumps(sorted(sys.modules)))")

        models = ("discovery", "endpoints", "service", "workloads")
        assert [m for m in models if f"endpointslice.{m}" in loaded] == []

    def test_membership_and_keys_import_nothing_a_lookup_imports_its_module(self) -> None:
        """``in`` and iteration answer from the table alone; ``KINDS[...]`` imports just that kind's module."""
        code = (
            "import json, sys\nfrom endpointslice.kinds import KINDS\n"
            "before = (('v1', 'Pod') in KINDS, len(list(KINDS)), 'endpointslice.workloads' in sys.modules)\n"
            "KINDS[('v1', 'Pod')]\n"
            "after = ['endpointslice.workloads' in sys.modules, 'endpointslice.service' in sys.modules]\n"
            "print(json.dumps([before, after]))"
        )

        assert _fresh(code) == [[True, 11, False], [True, False]]

    def test_loading_a_document_imports_its_kinds_module(self) -> None:
        """`io.loads` of a Pod brings in the Pod model, and of a slice does not."""
        code = (
            "import json, sys\nfrom endpointslice import io\n"
            "io.loads('apiVersion: discovery.k8s.io/v1\\nkind: EndpointSlice\\naddressType: IPv4\\n')\n"
            "a = 'endpointslice.workloads' in sys.modules\n"
            "pod = io.loads('apiVersion: v1\\nkind: Pod\\nmetadata: {name: p}\\n')[0]\n"
            "print(json.dumps([a, 'endpointslice.workloads' in sys.modules, type(pod).__name__]))"
        )

        assert _fresh(code) == [False, True, "Pod"]

    def test_imported_class_answers_without_importing(self) -> None:
        """`_imported_class` is ``None`` until the kind's module is imported, then the class itself."""
        code = (
            "import json, sys\nfrom endpointslice.kinds import _imported_class\n"
            "a = _imported_class('v1', 'Node') is None\n"
            "import endpointslice.workloads as w\n"
            "print(json.dumps([a, _imported_class('v1', 'Node') is w.Node]))"
        )

        assert _fresh(code) == [True, True]


class TestKindOf:
    """`kind_of` names the kind of a model, or of an `OtherObject` as written."""

    def test_models_and_other_objects(self) -> None:
        """A model's class gives its kind; an `OtherObject` its ``kind`` field, or ``""`` without one."""
        assert kind_of(Service()) == "Service"
        assert kind_of(KubeList()) == "List"
        assert kind_of(OtherObject({"apiVersion": "apps/v1", "kind": "Deployment"})) == "Deployment"
        assert kind_of(OtherObject({"apiVersion": "v1"})) == ""

    def test_kube_list_is_an_attrs_class_of_mixed_items(self) -> None:
        """`KubeList` keeps items of different kinds, as a tuple."""
        items: list[KubeObject] = [Service(), Pod()]

        assert KubeList(items=items).items == tuple(items)
        assert attrs.has(KubeList)
