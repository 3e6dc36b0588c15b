"""kubectl's `get` tables (endpointslice.table) and the `get` command."""

from __future__ import annotations

import datetime as dt
import json
import pathlib

import pytest

from endpointslice import (
    Endpoint,
    EndpointAddress,
    EndpointPort,
    Endpoints,
    EndpointSlice,
    EndpointsPort,
    EndpointSubset,
    FrozenDict,
    LoadBalancerIngress,
    LoadBalancerStatus,
    ObjectMeta,
    Service,
    ServicePort,
    ServiceSpec,
    ServiceStatus,
    io,
)
from endpointslice._cli import main
from endpointslice.table import human_duration, parse_timestamp, render_table

NOW = dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)
CREATED = "2026-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-5, "<invalid>"),
        (-0.5, "0s"),
        (0, "0s"),
        (119, "119s"),
        (120, "2m"),
        (125, "2m5s"),
        (599, "9m59s"),
        (600, "10m"),
        (179 * 60, "179m"),
        (3 * 3600, "3h"),
        (3 * 3600 + 60, "3h1m"),
        (8 * 3600, "8h"),
        (47 * 3600, "47h"),
        (48 * 3600, "2d"),
        (49 * 3600, "2d1h"),
        (8 * 86400, "8d"),
        (729 * 86400, "729d"),
        (730 * 86400, "2y"),
        (731 * 86400, "2y1d"),
        (8 * 365 * 86400, "8y"),
    ],
)
def test_human_duration_matches_kubectl(seconds: float, text: str) -> None:
    assert human_duration(seconds) == text


def _slice(ports: list[EndpointPort] | None, addresses: list[str]) -> EndpointSlice:
    return EndpointSlice(
        metadata=ObjectMeta(name="s", creation_timestamp=CREATED),
        address_type="IPv4",
        ports=None if ports is None else tuple(ports),
        endpoints=tuple(Endpoint(addresses=(a,)) for a in addresses),
    )


@pytest.mark.parametrize(
    ("ports", "cell"),
    [
        (None, "<unset>"),
        ([], "<unset>"),
        ([EndpointPort(name="")], "<unset>"),
        ([EndpointPort(name="http")], "http"),
        ([EndpointPort()], "*"),
        ([EndpointPort(port=80), EndpointPort(port=443)], "80,443"),
        ([EndpointPort(port=p) for p in (1, 2, 3, 4, 5)], "1,2,3 + 2 more..."),
    ],
)
def test_slice_ports_cell(ports: list[EndpointPort] | None, cell: str) -> None:
    header, row = render_table([_slice(ports, ["10.0.0.1"])], now=NOW).splitlines()
    assert row[header.index("PORTS") : header.index("ENDPOINTS")].strip() == cell


def test_slice_endpoints_cell_lists_every_address_regardless_of_conditions() -> None:
    table = render_table([_slice([EndpointPort(port=80)], [f"10.0.0.{i}" for i in range(5)])], now=NOW)
    assert table == (
        "NAME   ADDRESSTYPE   PORTS   ENDPOINTS                                AGE\n"
        "s      IPv4          80      10.0.0.0,10.0.0.1,10.0.0.2 + 2 more...   24h\n"
    )


def test_endpoints_cell_uses_ready_addresses_and_host_port() -> None:
    e = Endpoints(
        metadata=ObjectMeta(name="e"),
        subsets=(
            EndpointSubset(
                addresses=(EndpointAddress(ip="fd00::1"),),
                not_ready_addresses=(EndpointAddress(ip="fd00::2"),),
                ports=(EndpointsPort(port=80),),
            ),
        ),
    )
    assert render_table([e], now=NOW).splitlines()[1] == "e      [fd00::1]:80   <unknown>"
    assert render_table([Endpoints(metadata=ObjectMeta(name="e"))], now=NOW).splitlines()[1].split()[1] == "<none>"


def test_load_balancer_service_row_and_wide_selector() -> None:
    svc = Service(
        metadata=ObjectMeta(name="lb", creation_timestamp=CREATED),
        spec=ServiceSpec(
            type="LoadBalancer",
            cluster_ip="10.96.0.1",
            selector=FrozenDict({"b": "2", "a": "1"}),
            ports=(ServicePort(port=80, node_port=30080, protocol="TCP"),),
        ),
        status=ServiceStatus(
            load_balancer=LoadBalancerStatus(
                ingress=(LoadBalancerIngress(hostname="a-very-long-hostname.example.com"),)
            )
        ),
    )
    assert render_table([svc], now=NOW).splitlines()[1].split() == [
        "lb",
        "LoadBalancer",
        "10.96.0.1",
        "a-very-long-hostname.example.com",
        "80:30080/TCP",
        "24h",
    ]
    assert render_table([svc], wide=True, now=NOW).splitlines()[1].split()[-1] == "a=1,b=2"
    pending = Service(metadata=ObjectMeta(name="p"), spec=ServiceSpec(type="LoadBalancer"))
    assert render_table([pending], now=NOW).splitlines()[1].split()[3] == "<pending>"


def test_load_balancer_ingress_is_a_sorted_set_never_cut_short() -> None:
    # As the 1.37 apiserver prints it (tests/kube/test_rendering_diff.py compares with kubectl):
    # ingress IPs or hostnames sorted, each once, in full, then spec.externalIPs as written.
    ingress = ("9.9.9.9", "fd00::5", "1.1.1.1", "9.9.9.9")
    svc = Service(
        metadata=ObjectMeta(name="lb"),
        spec=ServiceSpec(type="LoadBalancer", external_ips=("3.3.3.3", "2.2.2.2")),
        status=ServiceStatus(
            load_balancer=LoadBalancerStatus(
                ingress=(*(LoadBalancerIngress(ip=ip) for ip in ingress), LoadBalancerIngress(hostname="a.example"))
            )
        ),
    )
    for wide in (False, True):
        cell = render_table([svc], wide=wide, now=NOW).splitlines()[1].split()[3]
        assert cell == "1.1.1.1,9.9.9.9,a.example,fd00::5,3.3.3.3,2.2.2.2"


def test_wide_selector_sorts_whole_key_value_strings_as_the_apiserver_does() -> None:
    # "app.kubernetes.io/name=" sorts before "app=" because "." < "=" (found against kubectl 1.37.2).
    selector: FrozenDict[str, str] = FrozenDict({"app": "", "app.kubernetes.io/name": "", "a": "z"})
    svc = Service(metadata=ObjectMeta(name="s"), spec=ServiceSpec(selector=selector))
    cell = render_table([svc], wide=True, now=NOW).splitlines()[1].split()[-1]
    assert cell == "a=z,app.kubernetes.io/name=,app="


def test_several_kinds_get_prefixed_names_and_separate_tables() -> None:
    table = render_table([Service(metadata=ObjectMeta(name="a")), _slice(None, [])], now=NOW)
    assert table.split("\n\n")[0].splitlines()[1].startswith("service/a ")
    assert table.split("\n\n")[1].splitlines()[1].startswith("endpointslice.discovery.k8s.io/s ")


def test_parse_timestamp_requires_a_zone() -> None:
    assert parse_timestamp("2026-01-01T00:00:00") is None
    assert parse_timestamp("2026-01-01T00:00:00.5+02:00") == dt.datetime(
        2025, 12, 31, 22, 0, 0, 500000, dt.timezone.utc
    )


def test_get_yaml_of_one_object_is_the_object(capsys: pytest.CaptureFixture[str]) -> None:
    path = "tests/data/kubectl/endpointslice-controller-ipv4.yaml"
    assert main(["get", "-o", "yaml", path]) == 0
    with open(path, encoding="utf-8") as fh:
        assert capsys.readouterr().out == fh.read()


def test_get_json_of_several_objects_is_a_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["get", "-o", "json", "tests/data/kubectl/service-headless.yaml", "examples/slices/"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["kind"] == "List"
    assert len(out["items"]) == 6


@pytest.mark.parametrize(
    "path", ["tests/data/kubectl/list-services.yaml", "tests/data/kubectl/list-endpointslices.yaml"]
)
def test_get_yaml_of_a_kubectl_list_is_that_list(path: str, capsys: pytest.CaptureFixture[str]) -> None:
    # kubectl's List wrapper always carries `metadata: {resourceVersion: ""}`.
    assert main(["get", "-o", "yaml", path]) == 0
    with open(path, encoding="utf-8") as fh:
        assert capsys.readouterr().out == fh.read()


@pytest.mark.parametrize("output", ["yaml", "json"])
def test_get_hides_managed_fields_as_kubectl_does(
    output: str, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    managed = [{"apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {}}, "manager": "m"}]
    objects = [
        {
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "metadata": {"name": "s", "managedFields": managed},
            "addressType": "IPv4",
            "endpoints": [],
        },
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "managedFields": managed}},
    ]
    for count in (1, 2):
        path = tmp_path / f"in{count}.json"
        path.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": objects[:count]}))
        assert main(["get", "-o", output, str(path)]) == 0
        out = capsys.readouterr().out
        assert "managedFields" not in out
        assert '"name": "s"' in out or "name: s" in out


def test_get_reports_every_bad_file_on_one_line_each(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["get", "tests/data/invalid/", "no-such-file.yaml"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert "endpointslice get: error: no-such-file.yaml: no such file or directory" in err
    assert all(line.startswith("endpointslice get: ") for line in err)
    assert "Traceback" not in "\n".join(err)


def test_get_reads_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io as stdio
    import sys

    text = io.dumps(Service(metadata=ObjectMeta(name="from-stdin")))
    monkeypatch.setattr(sys, "stdin", stdio.TextIOWrapper(stdio.BytesIO(text.encode())))
    assert main(["get", "-"]) == 0
    assert "from-stdin" in capsys.readouterr().out


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["get"])
    assert info.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.parametrize("output", ["yaml", "json"])
def test_get_of_empty_lists_prints_an_empty_list_as_kubectl_does(
    output: str, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An empty namespace, read from the apiserver: kubectl prints an empty List, not nothing.
    path = tmp_path / "empty.json"
    path.write_text('{"apiVersion": "v1", "kind": "ServiceList", "metadata": {"resourceVersion": "7"}, "items": []}')
    assert main(["get", "-o", output, str(path)]) == 0
    expected = {
        "yaml": 'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n',
        "json": (
            '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n'
            '    "metadata": {\n        "resourceVersion": ""\n    }\n}\n'
        ),
    }
    assert capsys.readouterr().out == expected[output]


def test_get_of_one_object_from_stdin_is_a_list_as_kubectl_get_f_dash_prints_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `kubectl get -f - -o yaml` reads a stream and prints a List even for one object;
    # `kubectl get -f FILE` prints one object alone (test_get_yaml_of_one_object_is_the_object).
    import io as stdio
    import sys

    text = io.dumps(Service(metadata=ObjectMeta(name="from-stdin")))
    monkeypatch.setattr(sys, "stdin", stdio.TextIOWrapper(stdio.BytesIO(text.encode())))
    assert main(["get", "-o", "yaml", "-"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Service\n")
    assert out.endswith('kind: List\nmetadata:\n  resourceVersion: ""\n')
