"""Start and stop a local Kubernetes 1.37 control plane: etcd, kube-apiserver, kube-controller-manager.

Everything listens on 127.0.0.1 on ports picked free at start. There is no kubelet: the suites
create Nodes and Pods as API objects and write their status themselves, as kwok does. The
controller manager runs only the three controllers this library models (endpointslice,
endpoint, endpointslicemirroring).

Leftovers are what a test harness must never leave, so each process is started in a process
group of its own, asked by the kernel to die with the Python process that started it
(``PR_SET_PDEATHSIG``, for the case where pytest itself is killed), and stopped with SIGTERM
then SIGKILL on `ControlPlane.stop`, which also runs at interpreter exit (Ctrl-C included).

Run ``python tests/kube/cluster.py`` to start one by hand; it prints a kubeconfig path and
waits for Ctrl-C.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import IO

if not __package__:
    # Run as a script: make `kube` importable the way pytest's pythonpath does.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib

from kube.api import ApiError, Kube  # After the script-mode path set-up above.

# Both families, so that dual-stack Services get a ClusterIP of each.
SERVICE_CIDRS = "10.96.0.0/16,fd00:10:96::/112"
CONTROLLERS = "endpointslice,endpoint,endpointslicemirroring"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    # PR_SET_PDEATHSIG = 1: the kernel sends SIGKILL to the child when its parent dies, so a
    # pytest killed with SIGKILL leaves no etcd or apiserver behind. "Parent" is the thread that
    # forked: start a ControlPlane from a thread that lives as long as it (the fixtures use the
    # main thread), never from a short-lived worker.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)


_PREFIX = "endpointslice-kube-"
_OWNER = "owner.pid"


def _sweep_orphans() -> None:
    """Remove the work folders of earlier runs whose Python process is gone.

    A run killed outright (SIGKILL, a CI timeout) has its processes killed by the kernel but
    cannot remove its folder; the next run does, so that etcd data does not pile up in /tmp.
    """
    for folder in Path(tempfile.gettempdir()).glob(f"{_PREFIX}*"):
        try:
            pid = int((folder / _OWNER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # Not ours to judge: no owner written (yet).
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            continue  # Alive, someone else's.


class StartError(RuntimeError):
    """A component did not become ready; the message carries the tail of its log."""


class ControlPlane:
    def __init__(
        self,
        bin_dir: Path,
        *,
        max_endpoints_per_slice: int = 100,
        workdir: Path | None = None,
    ) -> None:
        self.bin_dir = bin_dir
        self.max_endpoints_per_slice = max_endpoints_per_slice
        self._own_workdir = workdir is None
        if workdir is None:
            _sweep_orphans()
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix=_PREFIX))
        (self.workdir / _OWNER).write_text(str(os.getpid()), encoding="utf-8")
        self.token = secrets.token_hex(16)
        self._processes: list[tuple[str, subprocess.Popen[bytes], IO[bytes]]] = []
        self.kube: Kube | None = None
        self.kubeconfig = self.workdir / "kubeconfig"
        self.api_port = 0

    # Starting.

    def start(self) -> Kube:
        atexit.register(self.stop)
        try:
            self._start_etcd()
            self._start_apiserver()
            self._start_controller_manager()
        except BaseException:
            self.stop()
            raise
        assert self.kube is not None
        return self.kube

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        log = (self.workdir / f"{name}.log").open("wb")
        process = subprocess.Popen(  # Our own binaries with our own arguments.
            [str(self.bin_dir / name), *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,  # noqa: PLW1509  # No threads yet that could deadlock.
        )
        self._processes.append((name, process, log))
        return process

    def _wait(self, name: str, process: subprocess.Popen[bytes], ready: object, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise StartError(f"{name} exited with {process.returncode}:\n{self.log_tail(name)}")
            try:
                if ready():  # type: ignore[operator]
                    return
            except (OSError, ApiError, ValueError):
                pass
            time.sleep(0.2)
        raise StartError(f"{name} not ready after {timeout:.0f} s:\n{self.log_tail(name)}")

    def log_tail(self, name: str, lines: int = 30) -> str:
        text = (self.workdir / f"{name}.log").read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def _start_etcd(self) -> None:
        client, peer = _free_port(), _free_port()
        self.etcd_url = f"http://127.0.0.1:{client}"
        process = self._spawn(
            "etcd",
            [
                "--name=default",
                f"--data-dir={self.workdir / 'etcd'}",
                f"--listen-client-urls={self.etcd_url}",
                f"--advertise-client-urls={self.etcd_url}",
                f"--listen-peer-urls=http://127.0.0.1:{peer}",
                f"--initial-advertise-peer-urls=http://127.0.0.1:{peer}",
                f"--initial-cluster=default=http://127.0.0.1:{peer}",
                # A throwaway store: durability would only slow every write down.
                "--unsafe-no-fsync=true",
                "--log-level=warn",
            ],
        )

        def ready() -> bool:
            with urllib.request.urlopen(f"{self.etcd_url}/health", timeout=2) as response:  # noqa: S310
                body: bytes = response.read()
                return b'"health":"true"' in body

        self._wait("etcd", process, ready, 60)

    def _start_apiserver(self) -> None:
        certs = self.workdir / "certs"
        certs.mkdir()
        key = certs / "service-account.key"
        subprocess.run(
            [shutil.which("openssl") or "openssl", "genrsa", "-out", str(key), "2048"],
            check=True,
            capture_output=True,
        )
        tokens = self.workdir / "tokens.csv"
        tokens.write_text(f'{self.token},admin,admin-uid,"system:masters"\n', encoding="utf-8")
        self.api_port = _free_port()
        process = self._spawn(
            "kube-apiserver",
            [
                f"--etcd-servers={self.etcd_url}",
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                f"--secure-port={self.api_port}",
                # No serving certificate given: the apiserver makes a self-signed one here.
                f"--cert-dir={certs}",
                f"--service-account-key-file={key}",
                f"--service-account-signing-key-file={key}",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                f"--service-cluster-ip-range={SERVICE_CIDRS}",
                f"--token-auth-file={tokens}",
                "--authorization-mode=RBAC",
                # No service-account controller runs, so Pods would wait for a default
                # ServiceAccount that never comes.
                "--disable-admission-plugins=ServiceAccount",
                # The apiserver would keep default/kubernetes' endpoints itself; not ours to test.
                "--endpoint-reconciler-type=none",
                "--enable-priority-and-fairness=false",
                "--profiling=false",
                "--v=0",
            ],
        )
        self.kube = Kube("127.0.0.1", self.api_port, self.token)
        kube = self.kube

        def ready() -> bool:
            status, body = kube.raw("GET", "/readyz")
            return status == 200 and body == b"ok"

        self._wait("kube-apiserver", process, ready, 180)
        self.kubeconfig.write_text(
            "\n".join(
                [
                    "apiVersion: v1",
                    "kind: Config",
                    "clusters:",
                    "- name: local",
                    "  cluster:",
                    f"    server: https://127.0.0.1:{self.api_port}",
                    "    insecure-skip-tls-verify: true",
                    "users:",
                    "- name: admin",
                    "  user:",
                    f"    token: {self.token}",
                    "contexts:",
                    "- name: local",
                    "  context: {cluster: local, user: admin}",
                    "current-context: local",
                    "",
                ]
            ),
            encoding="utf-8",
        )

    def _start_controller_manager(self) -> None:
        assert self.kube is not None
        kubeconfig = str(self.kubeconfig)
        process = self._spawn(
            "kube-controller-manager",
            [
                f"--kubeconfig={kubeconfig}",
                f"--authentication-kubeconfig={kubeconfig}",
                f"--authorization-kubeconfig={kubeconfig}",
                f"--controllers={CONTROLLERS}",
                "--leader-elect=false",
                "--bind-address=127.0.0.1",
                f"--secure-port={_free_port()}",
                f"--cert-dir={self.workdir / 'kcm-certs'}",
                f"--max-endpoints-per-slice={self.max_endpoints_per_slice}",
                "--use-service-account-credentials=false",
                "--v=0",
            ],
        )
        kube = self.kube
        # Ready means the controllers answer: a probe Service gets its EndpointSlice.
        probe_ns = "endpointslice-probe"
        kube.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": probe_ns}})
        kube.create(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "probe", "namespace": probe_ns},
                "spec": {"selector": {"app": "probe"}, "ports": [{"port": 80}]},
            }
        )

        def ready() -> bool:
            return bool(kube.list("EndpointSlice", probe_ns)["items"])

        self._wait("kube-controller-manager", process, ready, 120)
        # Only the Service goes: no namespace controller runs to finish deleting a Namespace.
        kube.delete("Service", probe_ns, "probe")

    # Stopping.

    def stop(self) -> None:
        """Stop every process (SIGTERM, then SIGKILL after 10 s) and remove the work folder."""
        for _name, process, log in reversed(self._processes):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            log.close()
        self._processes.clear()
        if not self._own_workdir:
            return
        if os.environ.get("ENDPOINTSLICE_KUBE_KEEP"):
            # Kept on purpose: without an owner, no later run sweeps it away.
            (self.workdir / _OWNER).unlink(missing_ok=True)
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)


def main() -> int:
    from kube.build import built

    folder = built()
    if folder is None:
        print("not built: run python tests/kube/build.py", file=sys.stderr)
        return 1
    plane = ControlPlane(folder)
    plane.start()
    print(f"ready: KUBECONFIG={plane.kubeconfig}", flush=True)
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        plane.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
