"""Interop with the official `kubernetes` Python client.

Our JSON deserialises into the client's ``V1EndpointSlice``, ``V1Endpoints`` and ``V1Service``
models, and what the client serialises (``ApiClient().sanitize_for_serialization``) loads back
with `from_dict` into models equal to ours.

One thing is normalised on the way back, and it is the client's doing, not ours: the client
parses timestamps into `datetime` objects and writes them out with `datetime.isoformat`, so
``2026-07-01T10:00:00Z`` comes back as ``2026-07-01T10:00:00+00:00``. We keep timestamps as
the strings the API sent, so the test turns the client's UTC offset back into ``Z`` (only at
the timestamp fields) before comparing.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from kubernetes.client import ApiClient

from endpointslice import Endpoints, EndpointSlice, Service, strategies
from endpointslice.io import Output, dumps, flatten, from_dict, load

KUBECTL = sorted((Path(__file__).parent / "data" / "kubectl").glob("*.yaml"))

CLIENT: Any = ApiClient()  # The client is only partly typed; treat it as dynamic.

STRATEGIES: list[Any] = [
    pytest.param(factory(any_values=any_values), id=f"{factory.__name__}{'-any' if any_values else ''}")
    for factory in (strategies.endpoint_slices, strategies.endpoints_objects, strategies.services)
    for any_values in (False, True)
]


def _client_model(obj: EndpointSlice | Endpoints | Service) -> Any:
    """Deserialise our JSON into the client's model, as the client does with an API response."""
    text = dumps(obj, output=Output.JSON)
    klass = f"V1{type(obj).kind}"
    parameters = inspect.signature(CLIENT.deserialize).parameters
    if "response_text" in parameters:  # The client generated from the 1.35+ OpenAPI takes the text.
        return CLIENT.deserialize(text, klass, "application/json")

    class _Response:  # Older clients take a response object carrying the body in `.data`.
        data = text

    return CLIENT.deserialize(_Response(), klass)


def _utc_as_z(value: Any) -> Any:
    if isinstance(value, str) and value.endswith("+00:00"):
        return value[: -len("+00:00")] + "Z"
    return value


def _client_dict(model: Any) -> dict[str, Any]:
    """What the client serialises, with its timestamps written back the way the API writes them."""
    data: dict[str, Any] = CLIENT.sanitize_for_serialization(model)
    metadata = data.get("metadata") or {}
    for key in ("creationTimestamp", "deletionTimestamp"):
        if key in metadata:
            metadata[key] = _utc_as_z(metadata[key])
    for entry in metadata.get("managedFields") or ():
        if "time" in entry:
            entry["time"] = _utc_as_z(entry["time"])
    return data


def _share(divisor: int) -> settings:
    """A 1/*divisor* share of the profile's examples (at least 10): generating models is the cost here."""
    return settings(max_examples=max(10, settings().max_examples // divisor))


class TestOfficialClient:
    """Objects travel to the official client and back unchanged."""

    @pytest.mark.parametrize("strategy", STRATEGIES)
    @_share(3)
    @given(data=st.data())
    def test_generated_objects_survive_the_client(self, strategy: SearchStrategy[Any], data: st.DataObject) -> None:
        """``from_dict(sanitize(deserialize(dumps(x)))) == x``."""
        obj = data.draw(strategy)

        assert obj == from_dict(_client_dict(_client_model(obj)))

    @pytest.mark.parametrize("path", KUBECTL, ids=lambda p: p.name)
    def test_kubectl_fixtures_survive_the_client(self, path: Path) -> None:
        """Every Service, Endpoints and EndpointSlice of the kubectl fixtures comes back equal."""
        for obj in flatten(load(path)):
            assert isinstance(obj, (EndpointSlice, Endpoints, Service))

            assert obj == from_dict(_client_dict(_client_model(obj)))

    def test_client_model_carries_our_values(self) -> None:
        """The client's model holds what we wrote, field by field (so the round trip is not vacuous)."""
        (obj,) = load(Path(__file__).parent / "data" / "kubectl" / "endpointslice-controller-ipv4.yaml")
        assert isinstance(obj, EndpointSlice)
        assert obj.endpoints is not None
        assert obj.ports is not None

        model = _client_model(obj)

        assert type(model).__name__ == "V1EndpointSlice"
        assert model.address_type == "IPv4"
        assert model.endpoints[0].addresses == list(obj.endpoints[0].addresses)
        assert model.endpoints[0].conditions.ready == obj.endpoints[0].conditions.ready
        assert model.ports[0].port == obj.ports[0].port

    def test_client_output_is_plain_json(self) -> None:
        """`sanitize_for_serialization` gives JSON-able dicts, the form `from_dict` takes."""
        (obj,) = load(Path(__file__).parent / "data" / "kubectl" / "service-dual-stack.yaml")
        assert isinstance(obj, Service)

        data = _client_dict(_client_model(obj))

        assert json.loads(json.dumps(data)) == data
