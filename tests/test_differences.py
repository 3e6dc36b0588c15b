"""Each deliberate difference from upstream listed in docs/differences.md, pinned down."""

from __future__ import annotations

import pytest

from endpointslice import (
    EndpointPort,
    EndpointSlice,
    ObjectMeta,
    Service,
    ServiceSpec,
    StructureError,
    YAMLSyntaxError,
    io,
)
from endpointslice._cli import main
from endpointslice.table import render_table

SLICE_HEAD = "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\naddressType: IPv4\n"


@pytest.mark.parametrize("addresses", ["", "  addresses: null\n"])
def test_missing_addresses_load_empty(addresses: str) -> None:
    [s] = io.loads(SLICE_HEAD + "endpoints:\n- nodeName: n1\n" + addresses)
    assert isinstance(s, EndpointSlice)
    assert s.endpoints is not None
    assert s.endpoints[0].addresses == ()
    assert f"endpoints:\n- {addresses.strip() + chr(10) + '  ' if addresses else ''}nodeName: n1\n" in io.dumps(s)


def test_files_print_as_written() -> None:
    text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: null\n"
    [svc] = io.loads(text)
    assert io.dumps(svc) == text  # kubectl label --local would add labels: {} and drop the namespace.


def test_no_defaulting_on_load() -> None:
    [s] = io.loads(SLICE_HEAD + "ports:\n- port: 80\n")
    assert isinstance(s, EndpointSlice)
    assert s.ports == (EndpointPort(port=80),)
    assert s.ports[0].name is None
    assert s.ports[0].protocol is None
    assert "- port: 80\n" in io.dumps(s)


def test_duplicate_keys_are_errors() -> None:
    with pytest.raises(YAMLSyntaxError) as info:
        io.loads(SLICE_HEAD + "addressType: IPv6\n", source="dup.yaml")
    assert str(info.value) == "dup.yaml:4:1: mapping key 'addressType' already defined"


def test_null_list_item_is_an_error() -> None:
    with pytest.raises(StructureError) as info:
        io.loads(SLICE_HEAD + "endpoints:\n- null\n", source="n.yaml")
    assert str(info.value) == "n.yaml:5:3: endpoints[0]: expected object, got null"


def test_non_string_keys_become_text() -> None:
    [svc] = io.loads("apiVersion: v1\nkind: Service\nmetadata:\n  labels:\n    80: x\n    true: y\n")
    assert isinstance(svc, Service)
    assert svc.metadata.labels == {"80": "x", "true": "y"}


def test_alias_expansion_is_bounded() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(YAMLSyntaxError, match="aliases expand to more than 5000000 nodes"):
        io.loads("\n".join(lines) + "\n")


def test_small_alias_use_is_fine() -> None:
    text = "apiVersion: v1\nkind: Service\nmetadata:\n  labels: &l {app: web}\nspec:\n  selector: *l\n"
    [svc] = io.loads(text)
    assert isinstance(svc, Service)
    assert svc.spec.selector == svc.metadata.labels == {"app": "web"}


def test_service_without_type_is_cluster_ip() -> None:
    svc = Service(metadata=ObjectMeta(name="dns"), spec=ServiceSpec(cluster_ip="10.96.0.10"))
    assert render_table([svc]).splitlines()[1].split()[1] == "ClusterIP"


def test_get_counts_other_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["get", "examples/web/"]) == 0
    captured = capsys.readouterr()
    assert "web" in captured.out
    assert "not shown: 3 Node, 12 Pod" in captured.err


def test_warnings_come_with_errors() -> None:
    from endpointslice.validation import validate, warnings

    fqdn = EndpointSlice(metadata=ObjectMeta(name="Bad_Name", namespace="ns"), address_type="FQDN")
    assert validate(fqdn)  # The apiserver would refuse it and send no FQDN warning.
    assert warnings(fqdn) == ["spec.addressType: FQDN endpoints are deprecated"]


def test_allocated_node_ports_are_not_reported() -> None:
    from endpointslice import ServicePort
    from endpointslice.validation import validate

    twice = ServiceSpec(type="NodePort", ports=(ServicePort(name="a", port=80), ServicePort(name="b", port=80)))
    # The apiserver adds `spec.ports[1].nodePort: Duplicate value: <allocated>` here.
    assert [str(e) for e in validate(Service(metadata=ObjectMeta(name="web", namespace="ns"), spec=twice))] == [
        (
            'spec.ports[1]: Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,"TargetPort":0,'
            '"NodePort":0}'
        )
    ]


def test_cluster_cidrs_are_not_checked() -> None:
    # Outside this library's knowledge of the cluster: an apiserver whose Service CIDRs do not
    # hold 192.0.2.10 refuses it; we accept any well-formed address.
    from endpointslice import ServicePort
    from endpointslice.validation import validate

    spec = ServiceSpec(cluster_ip="192.0.2.10", ports=(ServicePort(port=80),))
    assert validate(Service(metadata=ObjectMeta(name="web", namespace="ns"), spec=spec)) == []
