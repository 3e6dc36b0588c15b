"""`endpointslice.client`: our models in and out of the official client and lightkube."""

from __future__ import annotations

import datetime
import re
import subprocess
import sys
from typing import Any

import kubernetes.client as k8s
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lightkube.models import core_v1 as lk_core_models
from lightkube.models import discovery_v1 as lk_discovery_models
from lightkube.models import meta_v1 as lk_meta
from lightkube.resources import discovery_v1 as lk_discovery

from endpointslice import Endpoints, EndpointSlice, EndpointSliceList, ObjectMeta, Service, strategies
from endpointslice.client import Library, from_client, to_client
from endpointslice.errors import StructureError
from endpointslice.io import from_dict, to_dict
from endpointslice.kinds import KubeList

CLIENT: Any = k8s.ApiClient()  # The client is only partly typed; treat it as dynamic.

MODELS: list[Any] = [
    pytest.param(factory(any_values=any_values), id=f"{factory.__name__}{'-any' if any_values else ''}")
    for factory in (strategies.endpoint_slices, strategies.endpoints_objects, strategies.services)
    for any_values in (False, True)
]

SLICE = from_dict(
    {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "name": "web-abc",
            "namespace": "shop",
            "creationTimestamp": "2026-07-01T10:00:00Z",
            "labels": {"kubernetes.io/service-name": "web", "snake_case_key": "kept"},
        },
        "addressType": "IPv4",
        "endpoints": [{"addresses": ["192.0.2.1"], "conditions": {"ready": True}, "nodeName": "n1"}],
        "ports": [{"name": "http", "port": 80, "protocol": "TCP"}],
    },
    EndpointSlice,
)


def _without_none(data: Any) -> Any:
    """JSON data with null fields left out: neither client tells an absent field from a null one."""
    if isinstance(data, dict):
        return {k: _without_none(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_without_none(v) for v in data]
    return data


def _utc_as_z(data: Any) -> Any:
    """The official client's ``isoformat`` timestamps (``+00:00``) as the API writes them (``Z``)."""
    if isinstance(data, dict):
        return {k: _utc_as_z(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_utc_as_z(v) for v in data]
    if isinstance(data, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00", data):
        return data[: -len("+00:00")] + "Z"
    return data


def _share(divisor: int) -> settings:
    """A 1/*divisor* share of the profile's examples (at least 10): generating models is the cost here."""
    return settings(max_examples=max(10, settings().max_examples // divisor))


class TestRoundTrips:
    """``from_client(to_client(x)) == x`` for every form each client hands out."""

    @pytest.mark.parametrize("strategy", MODELS)
    @pytest.mark.parametrize("library", list(Library), ids=lambda lib: lib.value)
    @_share(4)
    @given(data=st.data())
    def test_typed_objects(self, strategy: Any, library: Library, data: st.DataObject) -> None:
        obj = data.draw(strategy)

        assert from_client(to_client(obj, library)) == obj

    @pytest.mark.parametrize("strategy", MODELS)
    @pytest.mark.parametrize("library", list(Library), ids=lambda lib: lib.value)
    @_share(4)
    @given(data=st.data())
    def test_the_clients_dicts(self, strategy: Any, library: Library, data: st.DataObject) -> None:
        """The official client's snake_case ``to_dict()`` and lightkube's camelCase one."""
        obj = data.draw(strategy)

        assert from_client(to_client(obj, library).to_dict()) == obj

    @pytest.mark.parametrize("strategy", MODELS)
    @_share(4)
    @given(data=st.data())
    def test_the_clients_serialise_as_we_do(self, strategy: Any, data: st.DataObject) -> None:
        """What each client sends to the apiserver is our JSON, field for field."""
        obj = data.draw(strategy)
        ours = _without_none(to_dict(obj))

        official = CLIENT.sanitize_for_serialization(to_client(obj, Library.KUBERNETES))
        lightkube = to_client(obj, Library.LIGHTKUBE).to_dict()

        assert _utc_as_z(_without_none(official)) == ours
        assert _without_none(lightkube) == ours

    @given(slices=strategies.endpoint_slice_lists())
    @_share(4)
    def test_list_objects_whose_items_have_no_kind(self, slices: EndpointSliceList) -> None:
        official = to_client(slices, Library.KUBERNETES)
        for item in official.items:
            item.kind = item.api_version = None

        assert from_client(official) == slices
        assert from_client(official.to_dict()) == slices
        assert from_client(to_client(slices, Library.LIGHTKUBE)) == slices


class TestFromClient:
    def test_official_object_gives_our_model(self) -> None:
        official = to_client(SLICE)

        assert type(official).__name__ == "V1EndpointSlice"
        assert official.endpoints[0].node_name == "n1"
        assert from_client(official) == SLICE

    def test_snake_case_dict_without_kind_takes_the_class(self) -> None:
        data = to_client(SLICE).to_dict()
        del data["kind"], data["api_version"]

        assert from_client(data, EndpointSlice) == SLICE

    def test_map_keys_are_not_renamed(self) -> None:
        """Labels are the user's keys: ``snake_case_key`` stays as written."""
        back = from_client(to_client(SLICE).to_dict(), EndpointSlice)

        assert back.metadata.labels is not None
        assert back.metadata.labels["snake_case_key"] == "kept"

    def test_service_fields_with_irregular_names(self) -> None:
        """``cluster_ips`` and ``external_ips`` are ``clusterIPs`` and ``externalIPs``."""
        service = k8s.V1Service(
            metadata=k8s.V1ObjectMeta(name="web"),
            spec=k8s.V1ServiceSpec(cluster_ip="10.0.0.1", cluster_ips=["10.0.0.1"], external_ips=["192.0.2.9"]),
        )

        back = from_client(service.to_dict(), Service)

        assert back == from_client(service)
        assert back.spec.cluster_ips == ("10.0.0.1",)
        assert back.spec.external_ips == ("192.0.2.9",)

    def test_lightkube_model_without_kind(self) -> None:
        """lightkube's models (not resources) have no apiVersion or kind; the class names the kind."""
        model = lk_discovery_models.EndpointSlice(addressType="IPv4", metadata=lk_meta.ObjectMeta(name="a"))

        assert from_client(model) == EndpointSlice(address_type="IPv4", metadata=ObjectMeta(name="a"))

    def test_lightkube_endpoints(self) -> None:
        model = lk_core_models.Endpoints(metadata=lk_meta.ObjectMeta(name="a"))

        assert from_client(model) == Endpoints(metadata=ObjectMeta(name="a"))

    @pytest.mark.parametrize(
        ("moment", "expected"),
        [
            (datetime.datetime(2026, 7, 1, 10, 0, tzinfo=datetime.timezone.utc), "2026-07-01T10:00:00Z"),
            (
                datetime.datetime(2026, 7, 1, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
                "2026-07-01T10:00:00Z",
            ),
            (datetime.datetime(2026, 7, 1, 10, 0, 0, 500000, tzinfo=datetime.timezone.utc), "2026-07-01T10:00:00.5Z"),
            (datetime.datetime(2026, 7, 1, 10, 0), "2026-07-01T10:00:00Z"),
        ],
        ids=["utc", "offset", "fraction", "naive"],
    )
    def test_datetimes_become_the_apis_timestamps(self, moment: datetime.datetime, expected: str) -> None:
        official = k8s.V1EndpointSlice(address_type="IPv4", metadata=k8s.V1ObjectMeta(creation_timestamp=moment))

        assert from_client(official, EndpointSlice).metadata.creation_timestamp == expected

    def test_unknown_field_is_an_error_with_its_path(self) -> None:
        data = to_client(SLICE).to_dict()
        data["metadata"]["colour"] = "blue"

        with pytest.raises(StructureError) as caught:
            from_client(data)

        assert str(caught.value) == "metadata.colour: unknown field"

    def test_unknown_field_can_be_dropped_on_purpose(self) -> None:
        data = to_client(SLICE).to_dict()
        data["metadata"]["colour"] = "blue"

        assert from_client(data, ignore_unknown=True) == SLICE

    def test_a_field_given_in_both_spellings_is_an_error(self) -> None:
        data = to_client(SLICE).to_dict()
        data["endpoints"][0]["nodeName"] = "n2"

        with pytest.raises(StructureError) as caught:
            from_client(data)

        assert str(caught.value) == "endpoints[0].nodeName: given twice, also as 'nodeName'"

    def test_a_dict_without_kind_or_class_is_an_error(self) -> None:
        with pytest.raises(StructureError, match="missing kind"):
            from_client({"address_type": "IPv4"})


class TestToClient:
    def test_lightkube_resource(self) -> None:
        obj = to_client(SLICE, Library.LIGHTKUBE)

        assert isinstance(obj, lk_discovery.EndpointSlice)
        assert obj.endpoints is not None
        assert obj.endpoints[0].nodeName == "n1"

    def test_timestamp_not_in_the_apis_form_is_refused(self) -> None:
        """The official client would give ``+02:00`` back in UTC; refuse rather than change it.

        lightkube writes a datetime back with its own offset, so it keeps the value as written.
        """
        odd = from_dict(
            {"apiVersion": "v1", "kind": "Service", "metadata": {"creationTimestamp": "2026-07-01T12:00:00+02:00"}}
        )

        with pytest.raises(StructureError) as caught:
            to_client(odd, Library.KUBERNETES)

        assert str(caught.value) == (
            "metadata.creationTimestamp: the kubernetes client's V1Service cannot hold this value as written"
        )
        assert from_client(to_client(odd, Library.LIGHTKUBE)) == odd

    def test_generic_list_has_no_client_type(self) -> None:
        with pytest.raises(StructureError) as caught:
            to_client(KubeList(items=(SLICE,)), Library.LIGHTKUBE)

        assert str(caught.value) == "kind: the lightkube client has no type for kind 'List'"


def test_import_needs_neither_client() -> None:
    """`import endpointslice` and `import endpointslice.client` load neither client package."""
    code = (
        "import sys, endpointslice, endpointslice.client, endpointslice.apply\n"
        "assert not {'kubernetes', 'lightkube'} & set(sys.modules), sorted(sys.modules)\n"
    )

    subprocess.run([sys.executable, "-c", code], check=True)
