"""The harness itself: the control plane starts, serves, runs only our three controllers, and leaves nothing behind."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from kube.api import ApiError, Kube
from kube.cluster import CONTROLLERS, ControlPlane


def test_the_apiserver_is_1_37_2(kube: Kube) -> None:
    version = kube.request("GET", "/version")
    assert version["gitVersion"] == "v1.37.2"


def test_the_controller_manager_runs_only_the_three_controllers(control_plane: ControlPlane) -> None:
    assert CONTROLLERS == "endpointslice,endpoint,endpointslicemirroring"
    log = (control_plane.workdir / "kube-controller-manager.log").read_text(errors="replace")
    started_lines = (
        "Starting endpoint slice controller",
        "Starting endpoint controller",
        "Starting EndpointSliceMirroring",
    )
    for started in started_lines:
        assert started in log
    # The garbage collector would delete slices behind our back; it must not run.
    assert '"Warning: controller is disabled" controller="garbage-collector-controller"' in log


def test_a_selected_ready_pod_becomes_an_endpoint(kube: Kube, fresh_namespace: object) -> None:
    ns = fresh_namespace("smoke")  # type: ignore[operator]
    kube.create(
        {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": f"{ns}-node", "labels": {"topology.kubernetes.io/zone": "z1"}},
        }
    )
    kube.create(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web", "namespace": ns},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]},
        }
    )
    pod = kube.create(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "web-0", "namespace": ns, "labels": {"app": "web"}},
            "spec": {"nodeName": f"{ns}-node", "containers": [{"name": "c", "image": "x"}]},
        }
    )
    pod["status"] = {
        "phase": "Running",
        "podIP": "10.1.0.5",
        "podIPs": [{"ip": "10.1.0.5"}],
        "conditions": [{"type": "Ready", "status": "True"}],
    }
    kube.update(pod, sub="status")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        slices = kube.list("EndpointSlice", ns)["items"]
        addresses = [a for s in slices for e in s.get("endpoints") or [] for a in e["addresses"]]
        if addresses == ["10.1.0.5"]:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"no endpoint for the pod: {slices}")
    [eps] = slices
    assert eps["endpoints"][0]["conditions"] == {"ready": True, "serving": True, "terminating": False}
    assert eps["endpoints"][0]["zone"] == "z1"
    assert eps["ports"] == [{"name": "", "port": 8080, "protocol": "TCP"}]


def test_a_dry_run_refusal_carries_the_message_kubectl_prints(kube: Kube) -> None:
    bad = {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {"name": "bad", "namespace": "default"},
        "addressType": "IPv4",
        "endpoints": [{"addresses": ["999.1.1.1"]}],
    }
    with pytest.raises(ApiError) as caught:
        kube.create(bad, dry_run=True)
    assert caught.value.status == 422
    assert caught.value.message.startswith('EndpointSlice.discovery.k8s.io "bad" is invalid: ')


@pytest.mark.skipif(sys.platform != "linux", reason="uses /proc to find leftover processes")
def test_stop_leaves_no_process_and_no_folder(control_plane: ControlPlane, tmp_path: Path) -> None:
    plane = ControlPlane(control_plane.bin_dir)
    plane.start()
    pids = [process.pid for _, process, _ in plane._processes]
    workdir = plane.workdir
    plane.stop()
    assert not workdir.exists()
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_a_killed_parent_leaves_no_process(control_plane: ControlPlane, tmp_path: Path) -> None:
    # A child Python starts a control plane, says its pids, then is SIGKILLed: no teardown code
    # runs, and the kernel must still take etcd, the apiserver and the controller manager down.
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from pathlib import Path\n"
        "from kube.cluster import ControlPlane\n"
        "plane = ControlPlane(Path(sys.argv[2]), workdir=Path(sys.argv[3]))\n"
        "plane.start()\n"
        "print(' '.join(str(p.pid) for _, p, _ in plane._processes), flush=True)\n"
        "import time; time.sleep(600)\n"
    )
    tests = str(Path(__file__).resolve().parent.parent)
    child = subprocess.Popen(
        [sys.executable, "-c", script, tests, str(control_plane.bin_dir), str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    pids = [int(p) for p in child.stdout.readline().split()]
    assert len(pids) == 3
    child.kill()
    child.wait()
    deadline = time.monotonic() + 20
    alive = pids
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in pids if _alive(pid)]
        time.sleep(0.1)
    assert alive == []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" not in status.read_text().lower()


def test_the_world_makes_terminating_pods_without_a_kubelet(kube: Kube, fresh_namespace: object) -> None:
    from kube.world import World

    world = World(kube, fresh_namespace("world"))  # type: ignore[operator]
    world.node("n1", zone="z1")
    world.service({"selector": {"app": "a"}, "ports": [{"port": 80}]})
    world.pod("a-0", labels={"app": "a"}, node="n1", ips=["10.2.0.1"])
    world.pod("a-1", labels={"app": "a"}, node="n1", ips=["10.2.0.2"])
    recorder = world.recorder()
    world.terminate_pod("a-1")

    def conditions() -> dict[str, Any]:
        return {e["targetRef"]["name"]: e["conditions"] for s in world.slices() for e in s.get("endpoints") or []}

    want = {
        "a-0": {"ready": True, "serving": True, "terminating": False},
        "a-1": {"ready": False, "serving": True, "terminating": True},
    }
    assert world.settle(lambda: conditions() == want, recorder=recorder), conditions()
    assert world.get_pod("a-1")["metadata"]["deletionTimestamp"]
    events = recorder.take()
    assert [kind for kind, _ in events].count("MODIFIED") >= 1
    recorder.close()
    world.remove_pod("a-1")
    assert world.settle(lambda: set(conditions()) == {"a-0"})


def test_a_killed_runs_folder_is_removed_by_the_next_run(control_plane: ControlPlane, tmp_path: Path) -> None:
    import tempfile

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], check=True, capture_output=True, text=True
    )
    orphan = Path(tempfile.mkdtemp(prefix="endpointslice-kube-"))
    (orphan / "owner.pid").write_text(dead.stdout.strip(), encoding="utf-8")
    (orphan / "etcd").mkdir()
    live = Path(tempfile.mkdtemp(prefix="endpointslice-kube-"))
    (live / "owner.pid").write_text(str(os.getpid()), encoding="utf-8")
    try:
        plane = ControlPlane(control_plane.bin_dir)
        plane.stop()
        assert not orphan.exists()
        assert live.exists()
        assert control_plane.workdir.exists()
    finally:
        import shutil

        shutil.rmtree(orphan, ignore_errors=True)
        shutil.rmtree(live, ignore_errors=True)
