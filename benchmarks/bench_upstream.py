"""Our pack and full reconcile against upstream's Go reconciler, on the same Pods, in the same run.

The peer is ``k8s.io/endpointslice``'s ``Reconciler.Reconcile`` at v0.37.2, driven by
``tests/kube/tools/esbench`` (built by ``python tests/kube/build.py``). Both sides get the
same Service, Nodes and Pods, written once as JSON; neither side's decoding is timed.

* ``pack``: from Pods to slices with no slice existing. Ours: `desired_endpoints` then
  `pack`. Upstream: ``Reconcile`` with no existing slices, which computes the same creates and
  sends them to a fake client that answers at once.
* ``reconcile``: one Pod's Ready condition flipped, against the slices of the first run. Ours:
  `desired_endpoints` from all Pods plus `reconcile` (the whole job, desired state included).
  Upstream: ``Reconcile`` from the Pods and the existing slices. Both produce one update.

Each figure is the best of ``--repeat`` calls. Both sides run as users run them: Python with
its garbage collector on (collected before each call, as Go's driver calls ``runtime.GC()``
before each), Go with its own concurrent collector.

This ratio is a figure to know, not a gate: Go is compiled and typed, and the
interesting number is how far a pure-Python engine is from it.

Run: ``python benchmarks/bench_upstream.py [--endpoints 10000 100000] [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from endpointslice import EndpointSlice, Service, io
from endpointslice.packing import desired_endpoints, pack
from endpointslice.reconcile import reconcile
from endpointslice.workloads import Node, Pod

ROOT = Path(__file__).resolve().parent.parent
ZONES = ("europe-west1-b", "europe-west1-c", "europe-west1-d")
NODES = 300


def timed(fn: Callable[[], Any], repeat: int) -> float:
    """Best wall time of *repeat* calls, the collector collected before each and left on."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def inputs(n: int) -> dict[str, Any]:
    """A Service and *n* ready Pods on 300 Nodes in three zones, as the apiserver returns them."""
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "shop", "uid": "0b3c9f2e-5a1d-4e8b-9c7f-2d6e4a1b8c30"},
        "spec": {
            "selector": {"app": "web"},
            "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}],
            "clusterIP": "10.96.0.10",
            "clusterIPs": ["10.96.0.10"],
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "type": "ClusterIP",
        },
    }
    nodes = [
        {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": f"node-{i}", "labels": {"topology.kubernetes.io/zone": ZONES[i % 3]}},
            "status": {
                "allocatable": {"cpu": "8"},
                "conditions": [{"type": "Ready", "status": "True"}],
            },
        }
        for i in range(NODES)
    ]
    pods = []
    for i in range(n):
        ip = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
        pods.append(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {
                    "name": f"web-{i:06d}",
                    "namespace": "shop",
                    "uid": f"00000000-0000-4000-8000-{i:012d}",
                    "resourceVersion": str(1000 + i),
                    "labels": {"app": "web"},
                },
                "spec": {
                    "nodeName": f"node-{i % NODES}",
                    "containers": [{"name": "app", "image": "app", "ports": [{"containerPort": 8080}]}],
                },
                "status": {
                    "phase": "Running",
                    "podIP": ip,
                    "podIPs": [{"ip": ip}],
                    "conditions": [{"type": "Ready", "status": "True"}],
                },
            }
        )
    return {"service": service, "nodes": nodes, "pods": pods}


def flipped(pod: Pod) -> Pod:
    data = io.to_dict(pod)
    for condition in data["status"]["conditions"]:
        if condition["type"] == "Ready":
            condition["status"] = "False" if condition["status"] == "True" else "True"
    return io.from_dict(data, Pod)


def esbench() -> Path | None:
    # build.py knows the cache folder of the pinned build; ask it rather than guess.
    found = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "tests" / "kube" / "build.py"), "--print"],
        check=False,
        capture_output=True,
        text=True,
    )
    return Path(found.stdout.strip()) / "esbench" if found.returncode == 0 else None


def run(n: int, repeat: int, binary: Path) -> None:
    data = inputs(n)
    flip = data["pods"][n // 2]["metadata"]["name"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.json"
        path.write_text(
            json.dumps({**data, "flip": flip, "maxEndpointsPerSlice": 100, "repeat": repeat}), encoding="utf-8"
        )
        # The peer runs first, in its own process, so that our heap is not in its way.
        result = subprocess.run([str(binary), str(path)], check=True, capture_output=True, text=True)  # noqa: S603
    go = json.loads(result.stdout)

    service = io.from_dict(data["service"], Service)
    nodes = [io.from_dict(node, Node) for node in data["nodes"]]
    pods = [io.from_dict(pod, Pod) for pod in data["pods"]]
    del data

    def our_pack() -> list[EndpointSlice]:
        return pack(service, desired_endpoints(service, pods, nodes))

    slices = our_pack()
    existing = [
        io.from_dict(io.to_dict(s), EndpointSlice)
        for s in reconcile(service, desired_endpoints(service, pods, nodes), []).apply([])
    ]
    changed = list(pods)
    changed[n // 2] = flipped(changed[n // 2])

    def our_reconcile() -> int:
        return reconcile(service, desired_endpoints(service, changed, nodes), existing).write_count

    writes = our_reconcile()
    ours_endpoints = sum(len(s.endpoints or ()) for s in slices)
    assert (len(slices), ours_endpoints) == (go["slices"], go["endpoints"]), (len(slices), ours_endpoints, go)
    assert writes == go["updates"] == 1, (writes, go)
    print(f"{n} pods on {NODES} nodes -> {len(slices)} slices; one readiness flip -> {writes} update, both sides")
    for name, fn in (("pack", our_pack), ("reconcile", our_reconcile)):
        ours = timed(fn, repeat)
        theirs = float(go[name])
        print(
            f"  {name:<10} ours {ours * 1000:9.1f} ms   upstream Go {theirs * 1000:8.1f} ms   "
            f"ratio {ours / theirs:6.2f}   (a figure to know, not a gate)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--endpoints", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    binary = esbench()
    if binary is None:
        print("esbench is not built: run python tests/kube/build.py", file=sys.stderr)
        return 1
    for n in args.endpoints:
        run(n, args.repeat, binary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
