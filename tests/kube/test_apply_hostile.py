"""``endpointslice apply`` against the real kube-apiserver when the cluster says no (QA).

A namespace that does not exist, a token the apiserver does not know, a ServiceAccount's token
without RBAC rights, and a slice of the name we would create that another manager owns: each is
one line on standard error and exit 1, and nothing of anyone else's is changed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from endpointslice._cli import main
from kube.api import Kube
from kube.cluster import ControlPlane

pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")

LIBRARIES = ["kubernetes", "lightkube"]


def _files(tmp_path: Path, namespace: str) -> tuple[str, str]:
    service = tmp_path / "service.json"
    service.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "web", "namespace": namespace},
                "spec": {"ports": [{"name": "http", "port": 80}]},
            }
        )
    )
    endpoints = tmp_path / "addresses.txt"
    endpoints.write_text("10.2.0.1\n10.2.0.2\n")
    return str(service), str(endpoints)


def _service(kube: Kube, namespace: str) -> None:
    kube.create(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web", "namespace": namespace},
            "spec": {"ports": [{"name": "http", "port": 80}]},
        }
    )


def _kubeconfig_with_token(plane: ControlPlane, tmp_path: Path, token: str) -> str:
    text = plane.kubeconfig.read_text(encoding="utf-8")
    lines = [f"    token: {token}" if line.startswith("    token: ") else line for line in text.splitlines()]
    path = tmp_path / "kubeconfig"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _one_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.startswith("endpointslice apply: error: "), err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("library", LIBRARIES)
def test_a_namespace_that_does_not_exist(
    control_plane: ControlPlane, tmp_path: Path, capsys: pytest.CaptureFixture[str], library: str
) -> None:
    service, endpoints = _files(tmp_path, "no-such-namespace")
    argv = ["apply", service, endpoints, "--kubeconfig", str(control_plane.kubeconfig), "--client", library]
    assert main(argv) == 1
    assert "Service no-such-namespace/web is not in the cluster" in _one_error(capsys)


@pytest.mark.parametrize("library", LIBRARIES)
def test_a_token_the_apiserver_does_not_know(
    *,
    control_plane: ControlPlane,
    kube: Kube,
    fresh_namespace: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    library: str,
) -> None:
    namespace = fresh_namespace("apply")
    _service(kube, namespace)
    service, endpoints = _files(tmp_path, namespace)
    config = _kubeconfig_with_token(control_plane, tmp_path, "not-a-token")
    assert main(["apply", service, endpoints, "--kubeconfig", config, "--client", library]) == 1
    assert f"get {namespace}/web: 401 Unauthorized" in _one_error(capsys)


@pytest.mark.parametrize("library", LIBRARIES)
def test_a_token_without_rbac_rights(
    *,
    control_plane: ControlPlane,
    kube: Kube,
    fresh_namespace: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    library: str,
) -> None:
    namespace = fresh_namespace("apply")
    _service(kube, namespace)
    account = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "nobody", "namespace": namespace}}
    kube.request("POST", f"/api/v1/namespaces/{namespace}/serviceaccounts", account)
    answer = kube.request(
        "POST",
        f"/api/v1/namespaces/{namespace}/serviceaccounts/nobody/token",
        {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {"expirationSeconds": 600}},
    )
    config = _kubeconfig_with_token(control_plane, tmp_path, answer["status"]["token"])
    service, endpoints = _files(tmp_path, namespace)
    assert main(["apply", service, endpoints, "--kubeconfig", config, "--client", library]) == 1
    err = _one_error(capsys)
    assert f"get {namespace}/web: 403 Forbidden" in err
    assert "system:serviceaccount" in err


@pytest.mark.parametrize("labelled", [False, True])
@pytest.mark.parametrize("library", LIBRARIES)
def test_a_slice_of_our_name_owned_by_someone_else_is_left_alone(
    *,
    control_plane: ControlPlane,
    kube: Kube,
    fresh_namespace: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    library: str,
    labelled: bool,
) -> None:
    namespace = fresh_namespace("apply")
    _service(kube, namespace)
    labels = {"endpointslice.kubernetes.io/managed-by": "someone-else"}
    if labelled:
        labels["kubernetes.io/service-name"] = "web"
    foreign: dict[str, Any] = {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "name": "web-1",
            "namespace": namespace,
            "labels": labels,
        },
        "addressType": "IPv4",
        "endpoints": [{"addresses": ["10.9.9.9"]}],
        "ports": [{"name": "http", "port": 80}],
    }
    kube.create(foreign)
    before = kube.get("EndpointSlice", namespace, "web-1")
    service, endpoints = _files(tmp_path, namespace)
    argv = ["apply", service, endpoints, "--kubeconfig", str(control_plane.kubeconfig), "--client", library]
    status = main([*argv, "--names", "ordinal"])
    out, err = capsys.readouterr()
    after = kube.get("EndpointSlice", namespace, "web-1")
    assert after["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]
    assert after["metadata"].get("labels") == foreign["metadata"]["labels"]
    assert "Traceback" not in err
    if labelled:
        # Listed by its service-name label, but not ours by managed-by: planned around, not taken over.
        assert status == 0, (out, err)
        assert "web-1" not in out
    else:
        # Unseen (no service-name label), so planned over: the apiserver refuses the create, every time.
        assert status == 1
        assert err.count("\n") == 1, err
        assert f"create {namespace}/web-1: 409 AlreadyExists" in err
