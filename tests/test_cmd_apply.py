"""``endpointslice apply`` without a cluster: its input and kubeconfig errors, and an unreachable cluster.

The runs against a real apiserver are in tests/kube/test_apply.py.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from endpointslice import apply
from endpointslice._cli import main

LIBRARIES = ["kubernetes", "lightkube"]


def _kubeconfig(tmp_path: Path, server: str = "https://127.0.0.1:1") -> str:
    path = tmp_path / "kubeconfig"
    path.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "c", "cluster": {"server": server, "insecure-skip-tls-verify": True}}],
                "users": [{"name": "u", "user": {"token": "secret"}}],
                "contexts": [{"name": "here", "context": {"cluster": "c", "user": "u", "namespace": "shop"}}],
                "current-context": "here",
            }
        )
    )
    return str(path)


def _inputs(tmp_path: Path, namespace: str | None = "shop") -> tuple[str, str]:
    metadata = {"name": "web"} | ({"namespace": namespace} if namespace else {})
    service = tmp_path / "service.json"
    service.write_text(
        json.dumps({"apiVersion": "v1", "kind": "Service", "metadata": metadata, "spec": {"ports": [{"port": 80}]}})
    )
    addresses = tmp_path / "addresses.txt"
    addresses.write_text("192.0.2.1\n")
    return str(service), str(addresses)


@pytest.mark.parametrize("library", LIBRARIES)
def test_a_missing_kubeconfig_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str], library: str) -> None:
    service, addresses = _inputs(tmp_path)
    missing = str(tmp_path / "nothing")

    status = main(["apply", service, addresses, "--kubeconfig", missing, "--client", library])

    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith(f"endpointslice apply: error: {missing}: cannot use the kubeconfig: ")
    assert err.count("\n") == 1


@pytest.mark.parametrize("library", LIBRARIES)
def test_an_unknown_context_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str], library: str) -> None:
    service, addresses = _inputs(tmp_path)
    config = _kubeconfig(tmp_path)

    status = main(["apply", service, addresses, "--kubeconfig", config, "--context", "there", "--client", library])

    assert status == 2
    assert capsys.readouterr().err.startswith(f"endpointslice apply: error: {config}: ")


def test_a_namespace_other_than_the_services_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    service, addresses = _inputs(tmp_path)

    status = main(["apply", service, addresses, "--kubeconfig", _kubeconfig(tmp_path), "-n", "other"])

    assert status == 2
    assert capsys.readouterr().err == (
        f"endpointslice apply: error: {service}: the Service's namespace 'shop' does not match --namespace 'other'\n"
    )


@pytest.mark.parametrize("library", LIBRARIES)
def test_an_unreachable_cluster_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], library: str
) -> None:
    """The Service has no namespace: the context's (``shop``) is used."""
    service, addresses = _inputs(tmp_path, namespace=None)

    status = main(["apply", service, addresses, "--kubeconfig", _kubeconfig(tmp_path), "--client", library])

    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("endpointslice apply: error: get shop/web: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_pods_need_a_deliberate_managed_by(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Slices packed from Pods are the cluster controller's by label; the command will not write them unasked."""
    service = tmp_path / "service.json"
    service.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "web", "namespace": "shop"},
                "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]},
            }
        )
    )
    pods = tmp_path / "pods.json"
    pods.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "web-0", "namespace": "shop", "labels": {"app": "web"}},
                "status": {"podIP": "10.0.0.1", "conditions": [{"type": "Ready", "status": "True"}]},
            }
        )
    )

    status = main(["apply", str(service), str(pods), "--kubeconfig", _kubeconfig(tmp_path)])

    assert status == 2
    assert capsys.readouterr().err == (
        f"endpointslice apply: error: {pods}: slices packed from Pods are managed by endpointslice-controller.k8s.io, "
        "the cluster's EndpointSlice controller; give --managed-by (your own value, or that one on purpose)\n"
    )


@contextlib.contextmanager
def _server(answer: bytes | None, tls: ssl.SSLContext | None = None) -> Iterator[str]:
    """A local HTTP(S) server on a thread: it answers every request with *answer*, or (None) never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    stop = threading.Event()

    def serve() -> None:
        held = []
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            held.append(conn)  # Kept open: a silent server holds the connection and says nothing.
            if answer is not None:
                if tls is not None:
                    conn.settimeout(5)
                    conn = tls.wrap_socket(conn, server_side=True)
                conn.recv(65536)
                conn.sendall(answer)
                conn.close()
        for conn in held:
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


@pytest.mark.parametrize("library", LIBRARIES)
def test_a_server_that_never_answers_times_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, library: str
) -> None:
    """The official client has no timeout of its own: without one, apply waited forever (found by QA)."""
    monkeypatch.setattr(apply, "REQUEST_TIMEOUT", (1.0, 1.0))
    service, addresses = _inputs(tmp_path)
    with _server(None) as url:
        started = time.monotonic()
        status = main(["apply", service, addresses, "--kubeconfig", _kubeconfig(tmp_path, url), "--client", library])
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("endpointslice apply: error: get shop/web: ")
    assert err.count("\n") == 1
    assert time.monotonic() - started < 30  # lightkube's own timeout is 10 s.


@pytest.mark.parametrize("library", LIBRARIES)
def test_a_server_that_is_not_an_apiserver_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], library: str
) -> None:
    """A bare 404 (a proxy) is not "no such Service"; lightkube raised KeyError on it, a crash (found by QA)."""
    service, addresses = _inputs(tmp_path)
    bare_404 = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    with _server(bare_404) as url:
        status = main(["apply", service, addresses, "--kubeconfig", _kubeconfig(tmp_path, url), "--client", library])
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("endpointslice apply: error: get shop/web: ")
    assert "not a Kubernetes API answer" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("spec", [{"ports": [{"port": 80}]}, {"type": "ExternalName", "externalName": "example.com"}])
def test_pods_for_a_service_the_controller_leaves_alone_are_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spec: dict[str, object]
) -> None:
    """Pods with a selectorless or ExternalName Service crashed apply (exit 70; found by fuzz_commands)."""
    service = tmp_path / "service.json"
    service.write_text(
        json.dumps(
            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop"}, "spec": spec}
        )
    )
    pods = tmp_path / "pods.json"
    pods.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "web-0", "namespace": "shop", "labels": {"app": "web"}},
                "status": {"podIP": "10.0.0.1"},
            }
        )
    )

    status = main(["apply", str(service), str(pods), "--kubeconfig", _kubeconfig(tmp_path), "--managed-by", "me"])

    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith(f"endpointslice apply: error: {service}: spec.selector: the EndpointSlice controller leaves ")
    assert err.count("\n") == 1


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
def test_insecure_skip_tls_verify_prints_no_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The kubeconfig asked for no verification: urllib3's two-line InsecureRequestWarning was a stray line."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    service, addresses = _inputs(tmp_path)
    bare_404 = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    with _server(bare_404, tls) as url, warnings.catch_warnings(record=True) as shown:
        # Python shows warnings on stderr; pytest takes them instead, so they are counted here.
        warnings.simplefilter("always")
        status = main(
            ["apply", service, addresses, "--kubeconfig", _kubeconfig(tmp_path, url), "--client", "kubernetes"]
        )
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("endpointslice apply: error: get shop/web: ")
    assert err.count("\n") == 1
    assert [str(w.message) for w in shown] == []


def test_the_selector_warning_names_apply(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A warning from apply's input names apply, not pack (whose input rules it shares)."""
    service, addresses = _inputs(tmp_path)
    data = json.loads(Path(service).read_text())
    data["spec"]["selector"] = {"app": "web"}
    Path(service).write_text(json.dumps(data))

    main(["apply", service, addresses, "--kubeconfig", _kubeconfig(tmp_path)])

    err = capsys.readouterr().err
    assert err.startswith(
        "endpointslice apply: warning: the Service has a selector, so the EndpointSlice controller also writes slices"
    )
    assert "endpointslice pack" not in err
