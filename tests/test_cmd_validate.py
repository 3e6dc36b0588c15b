"""``endpointslice validate``: output formats, exit codes, bad input, and the pre-commit hook."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from endpointslice._cli import main

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent

MANIFEST = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  ports:
  - name: http
    port: 80
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-1
  namespace: shop
  labels:
    kubernetes.io/service-name: web
addressType: IPv4
ports:
- name: web
  port: 8080
  protocol: TCP
endpoints:
- addresses:
  - 999.1.1.1
  - 10.0.0.2
"""

CLEAN = """\
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  ports: [{name: http, port: 80}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-1
  namespace: shop
  labels: {kubernetes.io/service-name: web}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints: [{addresses: [10.0.0.1]}]
"""

BAD_IP = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(["validate", *args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "web.yaml"
    path.write_text(MANIFEST, encoding="utf-8")
    return path


def test_text_output_locates_each_problem(manifest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run([str(manifest)], capsys)
    assert status == 1
    assert err == ""
    assert out.splitlines() == [
        (
            f"{manifest}:25:5: error [api] EndpointSlice/shop/web-1: endpoints[0].addresses[0]: "
            f'Invalid value: "999.1.1.1": {BAD_IP}'
        ),
        (
            f'{manifest}:20:3: error [ES002] EndpointSlice/shop/web-1: ports[0]: port "web"/TCP matches no port of '
            "Service 'web' (\"http\"/TCP); kube-proxy ignores it"
        ),
    ]


def test_clean_input_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(CLEAN, encoding="utf-8")
    assert run([str(path)], capsys) == (0, "", "")


def test_warnings_fail_only_with_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "fqdn.yaml"
    path.write_text(CLEAN.replace("addressType: IPv4", "addressType: FQDN").replace("10.0.0.1", "a.example.com"))
    status, out, _ = run([str(path)], capsys)
    assert status == 0
    # The apiserver names this warning's field `spec.addressType`, which the document lacks, so the
    # location falls back to the start of the document.
    assert out == (
        f"{path}:7:1: warning [api-warning] EndpointSlice/shop/web-1: spec.addressType: FQDN endpoints are deprecated\n"
    )
    assert run([str(path), "--strict"], capsys)[0] == 1


def test_stdin_is_the_default(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(MANIFEST.encode())))
    status, out, _ = run([], capsys)
    assert status == 1
    assert out.startswith("<stdin>:25:5: error [api] EndpointSlice/shop/web-1:")


def test_kube_version_and_strict_ip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "zeros.yaml"
    path.write_text(CLEAN.replace("10.0.0.1", "010.0.0.1"), encoding="utf-8")
    status, out, _ = run([str(path)], capsys)
    assert status == 1
    assert 'Invalid value: "010.0.0.1": must not have leading 0s' in out
    status, out, _ = run([str(path), "--kube-version", "1.35"], capsys)
    assert status == 0
    assert "will be considered invalid in a future Kubernetes release" in out
    assert run([str(path), "--no-strict-ip"], capsys)[0] == 0


def test_json_output(manifest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run([str(manifest), "-o", "json"], capsys)
    data = json.loads(out)
    assert status == 1
    assert (data["errors"], data["warnings"]) == (2, 0)
    assert data["findings"][0] == {
        "file": str(manifest),
        "line": 25,
        "column": 5,
        "severity": "error",
        "rule": "api",
        "kind": "EndpointSlice",
        "namespace": "shop",
        "name": "web-1",
        "path": "endpoints[0].addresses[0]",
        "message": f'Invalid value: "999.1.1.1": {BAD_IP}',
    }


def test_github_output_escapes_properties(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a,b:c.yaml"
    path.write_text(MANIFEST, encoding="utf-8")
    _, out, _ = run([str(path), "-o", "github"], capsys)
    first = out.splitlines()[0]
    escaped = str(path).replace(":", "%3A").replace(",", "%2C")
    assert first.startswith(f"::error file={escaped},line=25,col=5,title=api::EndpointSlice/shop/web-1: ")


def test_junit_output(manifest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run([str(manifest), "-o", "junit"], capsys)
    suite = ET.fromstring(out.split("\n", 1)[1])  # noqa: S314  # Our own output, not untrusted input.
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    names = [c.get("name") for c in suite.iter("testcase")]
    assert names == ["Service/shop/web", "EndpointSlice/shop/web-1"]
    (failure,) = suite.iter("failure")
    assert failure.get("type") == "api"
    assert failure.text is not None
    assert "ES002" in failure.text


def test_list_items_are_located_inside_the_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- apiVersion: v1\n  kind: Service\n  metadata: {name: web, namespace: a}\n"
        "  spec:\n    ports:\n    - {name: http, port: 80, targetPort: '8080'}\n"
    )
    path = tmp_path / "list.yaml"
    path.write_text(text, encoding="utf-8")
    status, out, _ = run([str(path)], capsys)
    assert status == 1
    assert out.splitlines()[0].startswith(f"{path}:9:42: error [api] Service/a/web: spec.ports[0].targetPort:")


@pytest.mark.parametrize("name", sorted(p.name for p in (DATA / "invalid").iterdir() if p.suffix != ".md"))
def test_bad_input_never_crashes(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run([str(DATA / "invalid" / name)], capsys)
    assert status in (0, 1, 2)
    assert "Traceback" not in out + err
    if status == 2:
        assert "error [load]" in out


def test_missing_file_and_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["/no/such/file.yaml"], capsys)
    assert status == 2
    assert out == "/no/such/file.yaml: error [load] no such file or directory\n"
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--kube-version", "1.20"])
    assert exc.value.code == 2


def test_bundled_examples_are_readable(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run([str(DATA / "kubectl")], capsys)
    assert status in (0, 1)
    assert "[load]" not in out
    assert err == ""


@pytest.mark.skipif(
    shutil.which("pre-commit") is None, reason="pre-commit is not installed (it is in the 'test' extra)"
)
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_pre_commit_hook(tmp_path: Path) -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not running from a git checkout of the project")
    # try-repo works on a clone of the committed tree, so the hook is tested as users get it.
    clone = tmp_path / "endpointslice"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    work = tmp_path / "work"
    work.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=work, check=True)
    (work / "bad.yaml").write_text(MANIFEST, encoding="utf-8")
    (work / "ok.yaml").write_text(CLEAN, encoding="utf-8")
    subprocess.run(["git", "add", "bad.yaml", "ok.yaml"], cwd=work, check=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    hook = ["pre-commit", "try-repo", str(clone), "endpointslice-validate"]
    ok = subprocess.run([*hook, "--files", "ok.yaml"], cwd=work, env=env, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = subprocess.run([*hook, "--files", "bad.yaml"], cwd=work, env=env, capture_output=True, text=True, check=False)
    assert bad.returncode == 1
    assert (
        'bad.yaml:25:5: error [api] EndpointSlice/shop/web-1: endpoints[0].addresses[0]: Invalid value: "999.1.1.1"'
        in bad.stdout
    )


def test_fifty_megabytes_of_garbage_fail_fast(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "garbage.yaml"
    path.write_bytes(bytes(range(128, 256)) * (50 * 1024 * 1024 // 128))
    status, out, err = run([str(path)], capsys)
    assert status == 2
    assert out.startswith(f"{path}: error [load] ")
    assert len(out.splitlines()) == 1
    assert err == ""


def test_max_endpoints_per_slice_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--max-endpoints-per-slice", "0"])
    assert exc.value.code == 2
    assert "not a positive integer: '0'" in capsys.readouterr().err
