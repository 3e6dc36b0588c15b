"""kubectl as the oracle for `dumps` over generated models.

``kubectl label --local -f FILE x- -o yaml`` prints kubectl's own rendering of FILE without a
cluster. `tests/test_emit.py` holds the emitter to kubectl on arbitrary JSON documents; here the
inputs are our models, of every kind, valid and arbitrary, so the converter's field names,
``null`` and ``{}`` handling and key order are checked end to end.

Three things kubectl's pass-through does that a server's output never shows are kept out of the
comparison: it adds ``labels: {}`` to objects without labels (so every object gets a label, and
none is named ``x``, which the command removes), it strips ``managedFields`` unless asked (so we
ask), and it drops ``namespace: ""`` (so no object has an empty namespace).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import attrs
import pytest
from go_key_order import keys_have_one_order
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from endpointslice import FrozenDict, strategies
from endpointslice.io import Output, dumps, loads, to_dict

KUBECTL = shutil.which("kubectl")

pytestmark = [
    pytest.mark.kubectl,
    pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed; it is the oracle for these tests"),
]


def _kubectl(objects: list[Any], output: str, tmp_path: Path) -> str:
    source = tmp_path / "objects.yaml"
    source.write_text(dumps(objects), "utf-8")
    assert KUBECTL is not None
    result = subprocess.run(
        [KUBECTL, "label", "--local", "-f", str(source), "x-", "-o", output, "--show-managed-fields"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _labelled(obj: Any) -> Any:
    """*obj* with at least one label and none named ``x``."""
    labels = {k: v for k, v in (obj.metadata.labels or {}).items() if k != "x"}
    labels["oracle"] = "kubectl"
    return attrs.evolve(obj, metadata=attrs.evolve(obj.metadata, labels=FrozenDict(labels)))


def _batch_settings() -> settings:
    # One kubectl call per example and format; each example is a batch of up to five objects.
    return settings(
        max_examples=max(5, settings().max_examples // 10),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


def _batches(*, any_values: bool) -> st.SearchStrategy[list[Any]]:
    return st.lists(strategies.kube_objects(any_values=any_values), min_size=1, max_size=5).map(
        lambda objs: [_labelled(o) for o in objs]
    )


class TestKubectlOracle:
    """`dumps` prints every model exactly as kubectl prints it."""

    @pytest.mark.parametrize("any_values", [False, True], ids=["valid", "any"])
    @_batch_settings()
    @given(data=st.data())
    def test_yaml_equals_kubectl_byte_for_byte(self, any_values: bool, data: st.DataObject, tmp_path: Path) -> None:
        """Each object's YAML is kubectl's YAML for it."""
        objects = data.draw(_batches(any_values=any_values))
        assume(all(o.metadata.namespace != "" and keys_have_one_order(to_dict(o)) for o in objects))

        # kubectl 1.32 prints each object with a fresh printer, so without "---" between them.
        assert _kubectl(objects, "yaml", tmp_path) in ("".join(dumps(o) for o in objects), dumps(objects))

    @pytest.mark.parametrize("any_values", [False, True], ids=["valid", "any"])
    @_batch_settings()
    @given(data=st.data())
    def test_json_equals_kubectl_byte_for_byte(self, any_values: bool, data: st.DataObject, tmp_path: Path) -> None:
        """Each object's JSON is kubectl's ``-o json`` for it."""
        objects = data.draw(_batches(any_values=any_values))
        assume(all(o.metadata.namespace != "" for o in objects))

        assert _kubectl(objects, "json", tmp_path) == "".join(dumps(o, output=Output.JSON) for o in objects)

    def test_kubectl_rerenders_its_input(self, tmp_path: Path) -> None:
        """kubectl really re-renders: a hand-broken layout does not come back as written."""
        source = tmp_path / "slice.yaml"
        source.write_text(
            "kind: EndpointSlice\napiVersion: discovery.k8s.io/v1\naddressType: IPv4\n"
            "metadata: {name: a, labels: {k: v}}\nendpoints: []\nports: []\n",
            "utf-8",
        )
        assert KUBECTL is not None

        printed = subprocess.run(
            [KUBECTL, "label", "--local", "-f", str(source), "x-", "-o", "yaml"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout

        assert printed == (
            "addressType: IPv4\napiVersion: discovery.k8s.io/v1\nendpoints: []\nkind: EndpointSlice\n"
            "metadata:\n  labels:\n    k: v\n  name: a\nports: []\n"
        )


# --------------------------------------------------------------------------------------
# Objects as a person writes them (issue 11): fields left out, explicit nulls, empty values.


#: Maps of strings and opaque JSON: their keys are data, not fields, so they are left as they are.
_DATA_MAPS = frozenset({"labels", "annotations", "selector", "nodeSelector", "deprecatedTopology", "fieldsV1"})


def _as_written(value: Any, rng: random.Random, *, top: bool = True) -> Any:
    """*value*, the JSON form of a server-shaped object, with fields left out, nulled or emptied at random."""
    if isinstance(value, list):
        return [_as_written(v, rng, top=False) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, v in value.items():
        if top and key in ("apiVersion", "kind", "metadata"):
            out[key] = _as_written(v, rng, top=False) if key == "metadata" else v
            continue
        roll = rng.random()
        if roll < 0.15:
            continue  # left out
        if roll < 0.3:
            out[key] = None
        elif roll < 0.4 and isinstance(v, (dict, list, str)) and not _is_time(key):
            out[key] = type(v)()
        else:
            out[key] = v if key in _DATA_MAPS else _as_written(v, rng, top=False)
    return out


def _is_time(key: str) -> bool:
    # kubectl decodes timestamps, and refuses an empty one; a person writes a time or null.
    return key == "time" or "Time" in key


def _hand_written(data: Any) -> dict[str, Any]:
    """*data* as a person might write it, with kubectl's pass-through artefacts kept out (see the top)."""
    found = data.get("metadata")
    meta: dict[str, Any] = found if isinstance(found, dict) else {}
    found = meta.get("labels")
    labels: dict[str, Any] = {k: v for k, v in (found if isinstance(found, dict) else {}).items() if k != "x"}
    labels["oracle"] = "kubectl"
    meta = {**meta, "labels": labels}
    if meta.get("namespace", "-") in ("", None):
        del meta["namespace"]  # kubectl label drops an empty or null namespace (docs/differences.md).
    return {**data, "metadata": meta}


def _kubectl_file(text: str, output: str, tmp_path: Path) -> str:
    source = tmp_path / "written.yaml"
    source.write_text(text, "utf-8")
    assert KUBECTL is not None
    result = subprocess.run(
        [KUBECTL, "label", "--local", "-f", str(source), "x-", "-o", output, "--show-managed-fields"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


class TestKubectlOracleAsWritten:
    """``get -o yaml|json`` prints a hand-written file as kubectl does, byte for byte (issue 11)."""

    @pytest.mark.parametrize("output", [Output.YAML, Output.JSON], ids=["yaml", "json"])
    @settings(
        max_examples=max(3, settings().max_examples // 10),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(
        objects=st.lists(strategies.kube_objects(any_values=False), min_size=1, max_size=20),
        rng=st.randoms(use_true_random=False),
    )
    def test_hand_written_objects_print_as_kubectl_prints_them(
        self, output: Output, objects: list[Any], rng: random.Random, tmp_path: Path
    ) -> None:
        """Server-shaped objects with fields left out, nulled or emptied print as kubectl prints them."""
        written = [_hand_written(_as_written(to_dict(o), rng)) for o in objects]
        assume(all(keys_have_one_order(d) for d in written))
        text = "".join(f"---\n{json.dumps(d, ensure_ascii=False)}\n" for d in written)
        # YAML reads these as line breaks or a byte order mark even inside JSON's quotes.
        assume(not any(c in text for c in "\x85\u2028\u2029\ufeff"))
        try:
            text.encode("utf-8")
        except UnicodeError:
            assume(False)  # A lone surrogate: no file can hold it.

        loaded = loads(text, keep_other_kinds=True)

        assert _kubectl_file(text, output.value, tmp_path) == "".join(dumps(o, output=output) for o in loaded)
