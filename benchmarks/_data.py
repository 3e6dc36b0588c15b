"""Deterministic benchmark inputs, shaped like what a real API server returns.

Every builder starts its own ``random.Random`` with a fixed seed, so a given call
returns the same data in every run and on every machine. Benchmarks can therefore
be compared across commits. The objects are realistic rather than padded. They
use controller-style names, UIDs, timestamps, labels, owner references, zones
and hints, so parsing, structuring and dumping them costs what a real cluster
dump costs.

``slice_list_yaml()`` with its defaults (100 slices of 100 endpoints) renders to
about 3.5 MB of YAML.
"""

from __future__ import annotations

import ipaddress
import random
import uuid
from typing import Any

import yaml

__all__ = ["endpoints_dict", "service_dict", "slice_list_dict", "slice_list_yaml"]

_SEED = 20260714

#: The alphabet Kubernetes uses for generated name suffixes and pod-template hashes.
_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"

_NAMESPACE = "shop"
_SERVICE = "checkout"
_POD_CIDR_BASE = ipaddress.IPv4Address("10.128.0.0")
_SERVICE_UID = "4f0e7c2a-9b1d-4e83-a6c5-2d7b9f13e8a0"
_REPLICASET_HASH = "7f4d6c9b8"

#: An on-premises kubeadm cluster: three zones (one per rack row) with eight nodes each,
#: as ``(node name, zone)``.
_NODES = tuple((f"k8s-worker-{8 * z + n + 1:02d}", f"fra1-{'abc'[z]}") for z in range(3) for n in range(8))

_PORTS = (
    {"appProtocol": "http", "name": "http", "port": 8080, "protocol": "TCP"},
    {
        "appProtocol": "kubernetes.io/h2c",
        "name": "grpc",
        "port": 9000,
        "protocol": "TCP",
    },
)


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _suffix(rng: random.Random, used: set[str], n: int = 5) -> str:
    # Names are unique within a namespace, so draw again on the rare collision.
    while True:
        candidate = "".join(rng.choice(_NAME_ALPHABET) for _ in range(n))
        if candidate not in used:
            used.add(candidate)
            return candidate


def _pod_ip(index: int) -> str:
    # Pods live in the cluster CIDR 10.128.0.0/9 (room for about 8 million pods).
    return str(_POD_CIDR_BASE + 2 + index)


def _endpoint(rng: random.Random, used: set[str], index: int) -> dict[str, Any]:
    node, zone = _NODES[index % len(_NODES)]
    roll = rng.random()
    if roll < 0.94:
        ready, serving, terminating = True, True, False
    elif roll < 0.97:
        ready, serving, terminating = False, True, True
    else:
        ready, serving, terminating = False, False, False
    endpoint: dict[str, Any] = {
        "addresses": [_pod_ip(index)],
        "conditions": {"ready": ready, "serving": serving, "terminating": terminating},
        "nodeName": node,
        "targetRef": {
            "kind": "Pod",
            "name": f"{_SERVICE}-{_REPLICASET_HASH}-{_suffix(rng, used)}",
            "namespace": _NAMESPACE,
            "uid": _uid(rng),
        },
        "zone": zone,
    }
    # The controller gives zone hints only to ready endpoints (trafficDistribution: PreferSameZone).
    if ready:
        endpoint["hints"] = {"forZones": [{"name": zone}]}
    return endpoint


def _slice(rng: random.Random, used: set[str], number: int, per_slice: int) -> dict[str, Any]:
    minute, second = divmod(number * 7, 60)
    # Each item names its kind, as in `kubectl get -o yaml` (the text the load rows read): the
    # dump of a loaded list prints items as they were written, with or without these.
    return {
        "addressType": "IPv4",
        "apiVersion": "discovery.k8s.io/v1",
        "endpoints": [_endpoint(rng, used, number * per_slice + i) for i in range(per_slice)],
        "kind": "EndpointSlice",
        "metadata": {
            "annotations": {
                "endpoints.kubernetes.io/last-change-trigger-time": f"2026-07-14T09:{minute % 60:02d}:{second:02d}Z",
            },
            "creationTimestamp": f"2026-07-02T{8 + number // 60 % 12:02d}:{number % 60:02d}:41Z",
            "generateName": f"{_SERVICE}-",
            "generation": 1 + rng.randrange(400),
            "labels": {
                "app.kubernetes.io/name": _SERVICE,
                "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                "kubernetes.io/service-name": _SERVICE,
            },
            "name": f"{_SERVICE}-{_suffix(rng, used)}",
            "namespace": _NAMESPACE,
            "ownerReferences": [
                {
                    "apiVersion": "v1",
                    "blockOwnerDeletion": True,
                    "controller": True,
                    "kind": "Service",
                    "name": _SERVICE,
                    "uid": _SERVICE_UID,
                }
            ],
            "resourceVersion": str(48_000_000 + number * 1031 + rng.randrange(1000)),
            "uid": _uid(rng),
        },
        "ports": [dict(port) for port in _PORTS],
    }


def slice_list_dict(slices: int = 100, per_slice: int = 100) -> dict[str, Any]:
    """An ``EndpointSliceList`` as the API server returns it, as plain JSON data.

    One Service's slices, each made the way the EndpointSlice controller makes it.
    Every endpoint has one IPv4 address, all three conditions, a nodeName, a zone,
    a Pod targetRef and, when ready, a zone hint. As in a real list response, the
    items carry no ``apiVersion``/``kind`` of their own.

    Args:
        slices: Number of EndpointSlices.
        per_slice: Endpoints per slice (the controller's default maximum is 100).

    Returns:
        A fresh dict. The same arguments always give equal data.
    """
    rng = random.Random(_SEED)
    used: set[str] = set()
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "items": [_slice(rng, used, number, per_slice) for number in range(slices)],
        "kind": "EndpointSliceList",
        "metadata": {"resourceVersion": "48391207"},
    }


def slice_list_yaml(slices: int = 100, per_slice: int = 100) -> str:
    """``slice_list_dict()`` rendered as YAML with the C dumper (sorted keys, block style)."""
    return yaml.dump(
        slice_list_dict(slices, per_slice),
        Dumper=yaml.CSafeDumper,
        sort_keys=True,
        default_flow_style=False,
    )


def endpoints_dict(n: int = 1000) -> dict[str, Any]:
    """A core/v1 ``Endpoints`` written by the endpoints controller.

    It has ``n`` ready addresses in one subset with two ports. At ``n=1000`` it
    is at the controller's capacity limit.

    Args:
        n: Number of addresses.

    Returns:
        A fresh dict. The same ``n`` always gives equal data.
    """
    rng = random.Random(_SEED + 1)
    used: set[str] = set()
    addresses = []
    for index in range(n):
        node, _zone = _NODES[index % len(_NODES)]
        addresses.append(
            {
                "ip": _pod_ip(index),
                "nodeName": node,
                "targetRef": {
                    "kind": "Pod",
                    "name": f"{_SERVICE}-{_REPLICASET_HASH}-{_suffix(rng, used)}",
                    "namespace": _NAMESPACE,
                    "uid": _uid(rng),
                },
            }
        )
    return {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {
            "annotations": {"endpoints.kubernetes.io/last-change-trigger-time": "2026-07-14T09:58:12Z"},
            "creationTimestamp": "2026-07-02T08:00:41Z",
            "labels": {
                "app.kubernetes.io/name": _SERVICE,
                "endpoints.kubernetes.io/managed-by": "endpoint-controller",
            },
            "name": _SERVICE,
            "namespace": _NAMESPACE,
            "resourceVersion": "48391188",
            "uid": _uid(rng),
        },
        "subsets": [{"addresses": addresses, "ports": [dict(port) for port in _PORTS]}],
    }


def service_dict() -> dict[str, Any]:
    """The ``Service`` that owns the benchmark slices, as the API server returns it."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "creationTimestamp": "2026-07-02T08:00:41Z",
            "labels": {"app.kubernetes.io/name": _SERVICE},
            "name": _SERVICE,
            "namespace": _NAMESPACE,
            "resourceVersion": "47902215",
            "uid": _SERVICE_UID,
        },
        "spec": {
            "clusterIP": "10.100.52.9",
            "clusterIPs": ["10.100.52.9"],
            "internalTrafficPolicy": "Cluster",
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "ports": [
                {
                    "appProtocol": "http",
                    "name": "http",
                    "port": 80,
                    "protocol": "TCP",
                    "targetPort": "http",
                },
                {
                    "appProtocol": "kubernetes.io/h2c",
                    "name": "grpc",
                    "port": 9000,
                    "protocol": "TCP",
                    "targetPort": "grpc",
                },
            ],
            "selector": {"app.kubernetes.io/name": _SERVICE},
            "sessionAffinity": "None",
            "trafficDistribution": "PreferSameZone",
            "type": "ClusterIP",
        },
        "status": {"loadBalancer": {}},
    }
