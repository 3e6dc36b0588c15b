"""Every object we dump validates against the official Kubernetes 1.37 JSON schema, in strict mode.

The oracle is the `kubernetes-validate` package: its strict schemas forbid unknown fields and
check every JSON type, so a field we misname, mistype or emit where Kubernetes has none fails
here. Valid objects and arbitrary (``any_values``) objects are both checked: the schema is
structural, so even ``addressType: IPv5`` must pass it. Under the ``ci`` profile this is about
2,500 objects (1,000 single objects and 500 lists with their items); under ``dev`` a few hundred.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # No stubs are published; used for one validator class.
import kubernetes_validate
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from kind_strategies import SINGLE_KINDS, TYPED_LIST_KINDS
from kubernetes_validate import utils as kubernetes_validate_utils
from referencing import Registry, Resource

from endpointslice import EndpointSlice, strategies
from endpointslice.io import Output, dumps, to_dict

KUBERNETES_VERSION = "1.37.0"


@functools.cache
def _validator(kind: str, api_version: str) -> Any:
    """The strict 1.37 validator for one kind, built once from kubernetes-validate's own schema files.

    `kubernetes_validate.validate` re-reads a 1.8 MB definitions file and rebuilds its validator on
    every call (about 10 ms, more for lists); building it once per kind, exactly as that function
    does, makes thousands of checks affordable. `test_cached_validator_agrees_with_the_package`
    holds the two to the same verdicts.
    """
    schema_dir = f"v{KUBERNETES_VERSION}-local-strict"
    group = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    schema = kubernetes_validate_utils.schema_contents(
        f"kubernetes-json-schema/{schema_dir}/{kind.lower()}-{group}.json", KUBERNETES_VERSION
    )
    definitions = kubernetes_validate_utils.schema_contents(
        f"kubernetes-json-schema/{schema_dir}/_definitions.json", KUBERNETES_VERSION
    )
    registry: Registry[Any] = Resource.from_contents(schema) @ Registry()
    registry = Resource.from_contents(definitions) @ registry
    return jsonschema.validators.Draft202012Validator(schema, registry=registry)


def _validate(data: dict[str, Any]) -> None:
    _validator(data["kind"], data["apiVersion"]).validate(data)


def _share(divisor: int) -> settings:
    """A 1/*divisor* share of the profile's examples (at least 10): generating models is the cost here."""
    return settings(max_examples=max(10, settings().max_examples // divisor))


class TestSchema:
    """Dumped JSON is what the Kubernetes 1.37 OpenAPI schema describes."""

    @pytest.mark.parametrize("strategy", SINGLE_KINDS)
    @_share(3)
    @given(data=st.data())
    def test_dumped_object_validates_strictly(self, strategy: SearchStrategy[Any], data: st.DataObject) -> None:
        """The JSON that `dumps` prints, read back as plain data, passes strict schema validation."""
        obj = data.draw(strategy)

        _validate(json.loads(dumps(obj, output=Output.JSON)))

    @pytest.mark.parametrize("strategy", TYPED_LIST_KINDS)
    @_share(6)
    @given(data=st.data())
    def test_dumped_list_validates_strictly(self, strategy: SearchStrategy[Any], data: st.DataObject) -> None:
        """Typed lists validate too; their items are the kinds checked above, so fewer examples suffice."""
        obj = data.draw(strategy)

        _validate(json.loads(dumps(obj, output=Output.JSON)))

    @settings(max_examples=10)
    @given(st.one_of(strategies.endpoint_slice_lists(any_values=True), strategies.service_lists(any_values=True)))
    def test_cached_validator_agrees_with_the_package(self, obj: Any) -> None:
        """On our objects, and on them with one unknown field, both give the same verdict."""
        data = to_dict(obj)
        broken = {**data, "metadata": {**data["metadata"], "nmae": "x"}}

        kubernetes_validate.validate(data, KUBERNETES_VERSION, strict=True)
        _validate(data)
        with pytest.raises(kubernetes_validate.ValidationError):
            kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)
        with pytest.raises(jsonschema.ValidationError):
            _validate(broken)

    def test_oracle_rejects_an_unknown_field(self) -> None:
        """The oracle is strict: a field Kubernetes does not have fails (so the test above can fail)."""
        data = to_dict(EndpointSlice(address_type="IPv4"))
        data["endpoints"] = [{"addresses": ["192.0.2.1"], "redy": True}]

        with pytest.raises(jsonschema.ValidationError):
            _validate(data)

    def test_oracle_rejects_a_wrong_type(self) -> None:
        """A string where the schema has a bool fails."""
        data = to_dict(EndpointSlice(address_type="IPv4"))
        data["endpoints"] = [{"addresses": ["192.0.2.1"], "conditions": {"ready": "yes"}}]

        with pytest.raises(jsonschema.ValidationError):
            _validate(data)

    def test_oracle_is_the_1_37_schema(self) -> None:
        """The installed schemas reach 1.37, so nothing falls back to an older version."""
        assert kubernetes_validate.validate(to_dict(EndpointSlice(address_type="IPv4")), KUBERNETES_VERSION) == "1.37"
