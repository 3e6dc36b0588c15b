"""Tests for ``endpointslice pack`` and ``endpointslice diff``."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest

from endpointslice import EndpointSlice, io
from endpointslice._cli import main

EXAMPLES = Path(__file__).parent.parent / "examples"
EXTERNAL = EXAMPLES / "external-ips"
WEB = EXAMPLES / "web"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(args)
    out, err = capsys.readouterr()
    return status, out, err


def slices_of(text: str) -> list[EndpointSlice]:
    found = io.loads(text)
    assert all(isinstance(s, EndpointSlice) for s in found)
    return [s for s in found if isinstance(s, EndpointSlice)]


def test_pack_text_file_of_addresses(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["pack", str(EXTERNAL / "service.yaml"), str(EXTERNAL / "endpoints.txt"), "--names", "ordinal"]
    status, out, err = run([*args, "--max-endpoints-per-slice", "5"], capsys)
    assert (status, err) == (0, "")
    slices = slices_of(out)
    assert [(s.metadata.name, len(s.endpoints or ())) for s in slices] == [("external-db-1", 5), ("external-db-2", 3)]
    assert slices[0].managed_by == "endpointslice-pack"
    assert all(e.conditions.ready for s in slices for e in s.endpoints or ())


def test_pack_yaml_list_of_entries_keeps_zones(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["pack", str(EXTERNAL / "service.yaml"), str(EXTERNAL / "endpoints.yaml"), "--managed-by", "gitops"]
    status, out, _ = run(args, capsys)
    assert status == 0
    (eps,) = slices_of(out)
    assert eps.metadata.generate_name == "external-db-"
    assert eps.managed_by == "gitops"
    assert [e.zone for e in eps.endpoints or ()][:3] == ["dc-fra1"] * 3


def test_pack_pods_and_nodes_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    stream = (WEB / "pods.yaml").read_text() + "\n---\n" + (WEB / "nodes.yaml").read_text()
    monkeypatch.setattr("sys.stdin", StringIO(stream))
    status, out, err = run(["pack", str(WEB / "service.yaml"), "-"], capsys)
    assert status == 0
    assert "note: pod default/web-5d4b9c7f86-4dgdx skipped: no IP" in err
    slices = slices_of(out)
    assert [(s.address_type.value, len(s.endpoints or ())) for s in slices] == [("IPv4", 11), ("IPv6", 11)]  # type: ignore[union-attr]
    assert slices[0].managed_by == "endpointslice-controller.k8s.io"


def test_plan_against_existing_slices(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["pack", str(EXTERNAL / "service.yaml"), "--names", "ordinal", "--max-endpoints-per-slice", "5"]
    status, out, _ = run([*base, str(EXTERNAL / "endpoints.txt")], capsys)
    existing = tmp_path / "slices.yaml"
    existing.write_text(out)
    fewer = tmp_path / "fewer.txt"
    fewer.write_text("\n".join(EXTERNAL.joinpath("endpoints.txt").read_text().split()[1:]) + "\n")
    status, out, _ = run([*base, str(fewer), "--existing", str(existing), "--plan"], capsys)
    assert status == 0
    assert out.splitlines()[1:] == ["  update external-db-1 IPv4: 5 -> 4 endpoints (+0 -1 ~0)"]
    status, out, _ = run([*base, str(fewer), "--existing", str(existing), "--plan", "-o", "json"], capsys)
    data = json.loads(out)
    assert data["writeCount"] == 1
    assert data["updates"][0]["slice"]["metadata"]["name"] == "external-db-1"
    status, out, _ = run([*base, str(fewer), "--existing", str(existing)], capsys)
    assert [len(s.endpoints or ()) for s in slices_of(out)] == [4, 3]


def test_yaml_list_of_plain_addresses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listed = tmp_path / "addresses.yaml"
    listed.write_text("- 10.0.0.2\n- 10.0.0.1\n")
    status, out, _ = run(["pack", str(EXTERNAL / "service.yaml"), str(listed)], capsys)
    assert status == 0
    (eps,) = slices_of(out)
    assert [e.addresses[0] for e in eps.endpoints or ()] == ["10.0.0.1", "10.0.0.2"]


def test_json_output_of_slices(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        ["pack", str(EXTERNAL / "service.yaml"), str(EXTERNAL / "endpoints.txt"), "-o", "json"], capsys
    )
    assert status == 0
    (eps,) = json.loads(out)
    assert eps["kind"] == "EndpointSlice"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("10.0.0.1\nnot-an-ip\n", "endpoints.txt:2: not an IP address: 'not-an-ip'"),
        ("- addresses: [10.0.0.1]\n  zone: 5\n", "endpoints.txt:2:9: [0].zone: expected string, got 5"),
        (
            "- addresses: [10.0.0.1, '2001:db8::1']\n",
            "endpoints[0].addresses: Invalid value: addresses mix IPv4 and IPv6",
        ),
        (
            "apiVersion: v1\nkind: Service\nmetadata: {name: x}\n",
            "endpoints.txt: expected Pods and Nodes, found 1 Service",
        ),
    ],
)
def test_bad_endpoints_are_one_line_each(
    tmp_path: Path, content: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "endpoints.txt"
    bad.write_text(content)
    status, out, err = run(["pack", str(EXTERNAL / "service.yaml"), str(bad)], capsys)
    assert (status, out) == (2, "")
    assert message in err
    assert "Traceback" not in err


def test_bad_service_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(["pack", str(EXTERNAL / "endpoints.txt"), str(EXTERNAL / "endpoints.txt")], capsys)
    assert status == 2
    assert "endpointslice pack: error:" in err
    missing = tmp_path / "nope.yaml"
    status, _, err = run(["pack", str(missing), str(EXTERNAL / "endpoints.txt")], capsys)
    assert status == 2
    assert "cannot read" in err


def test_pods_for_a_selectorless_service_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(["pack", str(EXTERNAL / "service.yaml"), str(WEB / "pods.yaml")], capsys)
    assert status == 2
    assert "leaves a Service without selector alone" in err


def test_controller_name_is_refused_for_entries(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["pack", str(EXTERNAL / "service.yaml"), str(EXTERNAL / "endpoints.txt")]
    status, _, err = run([*args, "--managed-by", "endpointslice-controller.k8s.io"], capsys)
    assert status == 2
    assert "belongs to the EndpointSlice controller" in err


@pytest.mark.parametrize("value", ["0", "1001", "ten"])
def test_bad_maximum_is_a_usage_error(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(
            [
                "pack",
                str(EXTERNAL / "service.yaml"),
                str(EXTERNAL / "endpoints.txt"),
                "--max-endpoints-per-slice",
                value,
            ]
        )
    assert info.value.code == 2
    assert "--max-endpoints-per-slice" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# diff


def _pack_to(path: Path, endpoints: str, capsys: pytest.CaptureFixture[str]) -> Path:
    source = path.with_suffix(".txt")
    source.write_text(endpoints)
    status, out, _ = run(["pack", str(EXTERNAL / "service.yaml"), str(source), "--names", "ordinal"], capsys)
    assert status == 0
    path.write_text(out)
    return path


def test_diff_same_is_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _pack_to(tmp_path / "a.yaml", "10.0.0.1\n10.0.0.2\n", capsys)
    assert run(["diff", str(a), str(a)], capsys) == (0, "", "")


def test_diff_different_is_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _pack_to(tmp_path / "a.yaml", "10.0.0.1\n10.0.0.2\n", capsys)
    b = _pack_to(tmp_path / "b.yaml", "10.0.0.2\n10.0.0.3\n", capsys)
    status, out, _ = run(["diff", str(a), str(b)], capsys)
    assert status == 1
    assert out.splitlines() == [
        "~ slice default/external-db-1 rewritten",
        "+ endpoint 10.0.0.3 in default/external-db-1",
        "- endpoint 10.0.0.1 from default/external-db-1",
    ]
    status, out, _ = run(["diff", str(a), str(b), "-o", "json"], capsys)
    assert status == 1
    assert [e["endpoint"]["addresses"] for e in json.loads(out)["added"]] == [["10.0.0.3"]]


def test_diff_bad_input_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = _pack_to(tmp_path / "a.yaml", "10.0.0.1\n", capsys)
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: EndpointSlice\napiVersion: discovery.k8s.io/v1\naddressType: [\n")
    status, out, err = run(["diff", str(a), str(broken)], capsys)
    assert (status, out) == (2, "")
    assert err.startswith("endpointslice diff: error: ")
    # A Service is skipped with a note, not refused: its side simply has no slices.
    status, out, err = run(["diff", str(a), str(EXTERNAL / "service.yaml")], capsys)
    assert status == 1
    assert out == "- slice default/external-db-1 deleted\n- endpoint 10.0.0.1 from default/external-db-1\n"
    assert "note: " in err
    assert "skipped 1 Service" in err


def test_diff_compares_endpoints_with_slices_as_views(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    endpoints = tmp_path / "endpoints.yaml"
    endpoints.write_text(
        "apiVersion: v1\nkind: Endpoints\nmetadata: {name: external-db, namespace: default}\n"
        "subsets:\n- addresses: [{ip: 10.0.0.1}]\n  notReadyAddresses: [{ip: 10.0.0.2}]\n"
        "  ports: [{name: postgres, port: 5432, protocol: TCP, appProtocol: postgresql},"
        " {name: metrics, port: 9187, protocol: TCP, appProtocol: http}]\n"
    )
    slices = _pack_to(tmp_path / "slices.yaml", "10.0.0.1\n10.0.0.2\n", capsys)
    status, out, _ = run(["diff", str(endpoints), str(slices)], capsys)
    assert status == 1
    assert out.splitlines() == ["~ endpoint 10.0.0.2 in default/external-db-1: conditions.ready false -> true"]


def test_plan_for_a_service_the_controller_leaves_alone_is_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "existing.yaml"
    status, out, _ = run(["pack", str(EXTERNAL / "service.yaml"), str(EXTERNAL / "endpoints.txt")], capsys)
    existing.write_text(out, encoding="utf-8")
    # The controller does nothing for a selectorless Service: no write, even to slices that exist.
    args = ["pack", "--plan", str(EXTERNAL / "service.yaml"), str(WEB / "pods.yaml"), "--existing", str(existing)]
    assert run(args, capsys) == (
        0,
        "no changes: the EndpointSlice controller leaves a Service without selector alone\n",
        "",
    )
    external_name = tmp_path / "external-name.yaml"
    external_name.write_text(
        (WEB / "service.yaml")
        .read_text(encoding="utf-8")
        .replace("type: ClusterIP", "type: ExternalName\n  externalName: db.example.com"),
        encoding="utf-8",
    )
    status, out, _ = run(["pack", "--plan", "-o", "json", str(external_name), str(WEB / "pods.yaml")], capsys)
    assert status == 0
    assert json.loads(out) == {
        "creates": [],
        "updates": [],
        "deletes": [],
        "writeCount": 0,
        "bytesWritten": 0,
        "reason": "the EndpointSlice controller leaves an ExternalName Service alone",
    }
    # Without --plan there are no slices to print, which is still refused, with the way out.
    status, _, err = run(["pack", str(external_name), str(WEB / "pods.yaml")], capsys)
    assert status == 2
    assert err.endswith("give endpoints instead of Pods, or use --plan\n")


def test_no_nodes_states_an_empty_node_set(capsys: pytest.CaptureFixture[str]) -> None:
    unknown = ["pack", str(WEB / "service.yaml"), str(WEB / "pods.yaml")]
    status, out, _ = run(unknown, capsys)
    assert [len(s.endpoints or ()) for s in slices_of(out)] == [11, 11]
    # No Node exists: every Pod's Node is missing, so the controller skips every Pod (and keeps
    # one empty placeholder slice per address type).
    status, out, err = run([*unknown, "--no-nodes"], capsys)
    assert status == 0
    assert [len(s.endpoints or ()) for s in slices_of(out)] == [0, 0]
    assert "note: pod default/web-5d4b9c7f86-hgx74 skipped: node 'worker-a' not found" in err


def test_no_nodes_conflicts_with_nodes_and_with_entries(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    both = tmp_path / "both.yaml"
    both.write_text((WEB / "pods.yaml").read_text() + "\n---\n" + (WEB / "nodes.yaml").read_text(), encoding="utf-8")
    status, _, err = run(["pack", str(WEB / "service.yaml"), str(both), "--no-nodes"], capsys)
    assert status == 2
    assert err == f"endpointslice pack: error: --no-nodes: {both} holds 3 Node\n"
    status, _, err = run(
        ["pack", str(EXTERNAL / "service.yaml"), str(EXTERNAL / "endpoints.txt"), "--no-nodes"], capsys
    )
    assert status == 2
    assert "holds endpoint entries, not Pods" in err
