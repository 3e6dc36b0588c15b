"""Nodes and Pods without a kubelet, as kwok makes them: API objects whose status the tests write.

A `World` is one namespace of the control plane. It creates Nodes (cluster-scoped, so their
names carry the namespace) and Pods on them, sets their status through the ``/status``
subresource, and waits for the controllers to settle.

Settling: the controllers react through informers, within milliseconds on an idle machine and
longer on a busy one. `World.settle` waits until a condition holds (usually: the cluster equals
what our engine predicts) and then until no write was seen for a quiet period, so that a late
extra write is still counted; it never sleeps a fixed time and gives up after a timeout.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from kube.api import JSON, ApiError, Kube, Recorder

ZONE_LABEL = "topology.kubernetes.io/zone"


class World:
    def __init__(self, kube: Kube, namespace: str) -> None:
        self.kube = kube
        self.namespace = namespace

    # Nodes.

    def node_name(self, name: str) -> str:
        return f"{self.namespace}-{name}"

    def node(
        self,
        name: str,
        *,
        zone: str | None = None,
        cpu: str = "4",
        ready: bool = True,
        labels: Mapping[str, str] | None = None,
    ) -> JSON:
        """Create a Node, then write its allocatable CPU and Ready condition."""
        all_labels = dict(labels or {})
        if zone is not None:
            all_labels[ZONE_LABEL] = zone
        created = self.kube.create(
            {"apiVersion": "v1", "kind": "Node", "metadata": {"name": self.node_name(name), "labels": all_labels}}
        )
        return self.set_node_status(created, cpu=cpu, ready=ready)

    def set_node_status(self, node: JSON, *, cpu: str = "4", ready: bool = True) -> JSON:
        node = dict(node)
        node["status"] = {
            "capacity": {"cpu": cpu, "memory": "16Gi", "pods": "110"},
            "allocatable": {"cpu": cpu, "memory": "16Gi", "pods": "110"},
            "conditions": [{"type": "Ready", "status": "True" if ready else "False", "reason": "Test"}],
        }
        return self.kube.update(node, sub="status")

    def relabel_node(self, name: str, labels: Mapping[str, str | None]) -> JSON:
        """Set (or, with None, remove) labels on a Node."""
        node = self.kube.get("Node", None, self.node_name(name))
        current = dict(node["metadata"].get("labels") or {})
        for key, value in labels.items():
            if value is None:
                current.pop(key, None)
            else:
                current[key] = value
        node["metadata"]["labels"] = current
        return self.kube.update(node)

    # Pods.

    def pod(
        self,
        name: str,
        *,
        labels: Mapping[str, str],
        node: str | None,
        ips: Sequence[str] = (),
        ready: bool = True,
        phase: str = "Running",
        ports: Iterable[Mapping[str, Any]] = (),
        hostname: str | None = None,
        subdomain: str | None = None,
    ) -> JSON:
        """Create a Pod bound to *node* (a `node` name, or None), then write its status."""
        spec: JSON = {"containers": [{"name": "app", "image": "app", "ports": [dict(p) for p in ports]}]}
        if node is not None:
            spec["nodeName"] = self.node_name(node)
        if hostname is not None:
            spec["hostname"] = hostname
        if subdomain is not None:
            spec["subdomain"] = subdomain
        created = self.kube.create(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": name, "namespace": self.namespace, "labels": dict(labels)},
                "spec": spec,
            }
        )
        return self.set_pod_status(created, ips=ips, ready=ready, phase=phase)

    def set_pod_status(self, pod: JSON, *, ips: Sequence[str] = (), ready: bool = True, phase: str = "Running") -> JSON:
        pod = dict(pod)
        status: JSON = {"phase": phase, "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}
        if ips:
            status["podIP"] = ips[0]
            status["podIPs"] = [{"ip": ip} for ip in ips]
        pod["status"] = status
        return self.kube.update(pod, sub="status")

    def get_pod(self, name: str) -> JSON:
        return self.kube.get("Pod", self.namespace, name)

    def relabel_pod(self, name: str, labels: Mapping[str, str]) -> JSON:
        pod = self.get_pod(name)
        pod["metadata"]["labels"] = dict(labels)
        return self.kube.update(pod)

    def terminate_pod(self, name: str) -> JSON:
        """Delete gracefully: with no kubelet to finish the job, the Pod stays, terminating."""
        return self.kube.delete("Pod", self.namespace, name, grace=30)

    def remove_pod(self, name: str) -> None:
        """Delete at once (grace period 0), as a kubelet's confirmation would."""
        try:
            self.kube.delete("Pod", self.namespace, name, grace=0)
        except ApiError as error:
            if error.status != 404:
                raise

    # Services and reading back.

    def service(self, spec: JSON, *, name: str = "svc", labels: Mapping[str, str] | None = None) -> JSON:
        meta: JSON = {"name": name, "namespace": self.namespace}
        if labels:
            meta["labels"] = dict(labels)
        return self.kube.create({"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec})

    def items(self, kind: str) -> list[JSON]:
        listed = self.kube.list(kind, self.namespace)
        # A list's items carry no kind or apiVersion; put them back so that they load alone.
        api_version = listed.get("apiVersion", "v1")
        return [{"apiVersion": api_version, "kind": kind, **item} for item in listed["items"]]

    def pods(self) -> list[JSON]:
        return self.items("Pod")

    def nodes(self) -> list[JSON]:
        listed = self.kube.list("Node")
        prefix = f"{self.namespace}-"
        return [
            {"apiVersion": "v1", "kind": "Node", **item}
            for item in listed["items"]
            if item["metadata"]["name"].startswith(prefix)
        ]

    def slices(self) -> list[JSON]:
        return self.items("EndpointSlice")

    def endpoints(self) -> list[JSON]:
        return self.items("Endpoints")

    def recorder(self, kind: str = "EndpointSlice") -> Recorder:
        return Recorder(self.kube, kind, self.namespace)

    def settle(
        self,
        until: Callable[[], bool],
        *,
        recorder: Recorder | None = None,
        quiet: float = 0.3,
        timeout: float = 15.0,
    ) -> bool:
        """Wait until *until* holds and, with a *recorder*, no write came for *quiet* seconds.

        Returns whether it held; on timeout the caller reports the state it last saw.
        """
        deadline = time.monotonic() + timeout
        delay = 0.02
        while time.monotonic() < deadline:
            if until() and (recorder is None or recorder.quiet_for() >= quiet):
                return True
            time.sleep(delay)
            delay = min(delay * 1.5, 0.2)
        return False
