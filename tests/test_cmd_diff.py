"""Tests for ``endpointslice diff`` on whole manifests: other kinds are skipped with a note."""

from __future__ import annotations

from pathlib import Path

import pytest

from endpointslice._cli import main

EXAMPLES = Path(__file__).parent.parent / "examples"
LDAP = EXAMPLES / "ci-repo" / "external" / "legacy-ldap.yaml"
NOTE = "endpointslice diff: note: "


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(args)
    out, err = capsys.readouterr()
    return status, out, err


def _migrate(source: Path, target: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    status, out, _ = run(["migrate", str(source)], capsys)
    assert status == 0
    target.write_text(out, encoding="utf-8")
    return target


def test_manifest_and_its_migration_have_no_difference(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = _migrate(LDAP, tmp_path / "new.yaml", capsys)
    status, out, err = run(["diff", str(LDAP), str(new)], capsys)
    assert (status, out) == (0, "")
    assert err.splitlines() == [
        f"{NOTE}{LDAP}: skipped 1 Service (only EndpointSlices and Endpoints are compared)",
        f"{NOTE}{new}: skipped 1 Service (only EndpointSlices and Endpoints are compared)",
    ]


def test_manifest_and_a_changed_migration_differ(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = _migrate(LDAP, tmp_path / "new.yaml", capsys)
    new.write_text(new.read_text(encoding="utf-8").replace("172.20.4.11", "172.20.4.12"), encoding="utf-8")
    status, out, _ = run(["diff", str(LDAP), str(new)], capsys)
    assert status == 1
    assert "+ endpoint 172.20.4.12" in out
    assert "- endpoint 172.20.4.11" in out


def test_every_example_with_endpoints_survives_migrate_then_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = [p for p in sorted(EXAMPLES.rglob("*.yaml")) if "kind: Endpoints\n" in p.read_text(encoding="utf-8")]
    assert len(sources) >= 2
    for i, source in enumerate(sources):
        new = _migrate(source, tmp_path / f"new-{i}.yaml", capsys)
        status, out, err = run(["diff", str(source), str(new)], capsys)
        assert (status, out) == (0, ""), (source, err)
        assert "error" not in err


def test_skipped_kinds_are_counted_per_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mixed = tmp_path / "mixed.yaml"
    mixed.write_text(
        LDAP.read_text(encoding="utf-8")
        + "\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n"
        + "---\napiVersion: v1\nkind: List\nitems:\n"
        + "- {apiVersion: apps/v1, kind: Deployment, metadata: {name: b}}\n"
        + "- {apiVersion: v1, kind: Service, metadata: {name: c}}\n",
        encoding="utf-8",
    )
    status, _, err = run(["diff", str(mixed), str(LDAP)], capsys)
    assert status == 0
    assert f"{NOTE}{mixed}: skipped 2 Deployment, 2 Service (only EndpointSlices and Endpoints are compared)" in err


def test_only_other_kinds_says_nothing_was_compared_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    service, nodes = EXAMPLES / "web" / "service.yaml", EXAMPLES / "web" / "nodes.yaml"
    status, out, err = run(["diff", str(service), str(nodes)], capsys)
    assert (status, out) == (0, "")
    assert err.splitlines() == [
        f"{NOTE}{service}: skipped 1 Service (only EndpointSlices and Endpoints are compared)",
        f"{NOTE}{nodes}: skipped 3 Node (only EndpointSlices and Endpoints are compared)",
        f"{NOTE}nothing was compared: neither side holds EndpointSlices or Endpoints",
    ]
