"""`endpointslice.packing.default_service` against the real kube-apiserver 1.37.2.

Each Service is created as a manifest would have it (no clusterIP, families or
policy unless the case sets them) in the control plane, whose Service CIDRs are
IPv4 then IPv6. The apiserver's stored ``ipFamilies``, ``ipFamilyPolicy`` and
the shape of ``clusterIPs`` (how many, which families, or ``None``) must equal
our defaulting on a cluster of the same families, and the EndpointSlice
controller's slices must have the address types and headless label that `pack`
gives for the defaulted Service.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from endpointslice.io import from_dict, to_dict
from endpointslice.packing import LABEL_HEADLESS, PackingError, default_service, desired_endpoints, pack
from endpointslice.service import Service
from kube.api import ApiError, Kube

#: The control plane's Service CIDRs, primary first (conftest: 10.96.0.0/16,fd00:10:96::/112).
CLUSTER = ("IPv4", "IPv6")
SELECTOR = {"app": "web"}
PORTS = [{"name": "http", "port": 80}]

#: name -> spec as written: every shape the brief names, plus the IPv6-first and SingleStack-IPv6 ones.
CASES: dict[str, dict[str, Any]] = {
    "cluster-ip": {"selector": SELECTOR, "ports": PORTS},
    "headless-selector": {"clusterIP": "None", "selector": SELECTOR, "ports": PORTS},
    "headless-selectorless": {"clusterIP": "None", "ports": PORTS},
    "headless-selector-prefer": {
        "clusterIP": "None",
        "selector": SELECTOR,
        "ports": PORTS,
        "ipFamilyPolicy": "PreferDualStack",
    },
    "prefer-dual": {"selector": SELECTOR, "ports": PORTS, "ipFamilyPolicy": "PreferDualStack"},
    "require-dual": {"selector": SELECTOR, "ports": PORTS, "ipFamilyPolicy": "RequireDualStack"},
    "families-v6": {"selector": SELECTOR, "ports": PORTS, "ipFamilies": ["IPv6"]},
    "families-v6-prefer": {
        "selector": SELECTOR,
        "ports": PORTS,
        "ipFamilies": ["IPv6"],
        "ipFamilyPolicy": "PreferDualStack",
    },
    "node-port": {"type": "NodePort", "selector": SELECTOR, "ports": PORTS},
    # Refused by the apiserver: two families need a dual-stack policy.
    "families-two-single": {"selector": SELECTOR, "ports": PORTS, "ipFamilies": ["IPv6", "IPv4"]},
    "families-two-prefer": {
        "selector": SELECTOR,
        "ports": PORTS,
        "ipFamilies": ["IPv6", "IPv4"],
        "ipFamilyPolicy": "PreferDualStack",
    },
    "cluster-ip-given": {"selector": SELECTOR, "ports": PORTS, "clusterIP": "fd00:10:96::99"},
}


def _shape(spec: dict[str, Any]) -> tuple[Any, ...]:
    """What must agree: families, policy and the cluster IPs' families (not the allocated addresses)."""
    ips = spec.get("clusterIPs") or []
    return (
        spec.get("ipFamilies"),
        spec.get("ipFamilyPolicy"),
        ["None" if ip == "None" else ("IPv6" if ":" in ip else "IPv4") for ip in ips],
        "None" if spec.get("clusterIP") == "None" else ("set" if spec.get("clusterIP") else "unset"),
    )


def _slices(kube: Kube, namespace: str, name: str, want: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 30
    found: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        found = kube.list("EndpointSlice", namespace, selector=f"kubernetes.io/service-name={name}")["items"]
        if len(found) >= want:
            time.sleep(0.5)  # A second write would show now; the controller writes each family at once.
            again: list[dict[str, Any]] = kube.list(
                "EndpointSlice", namespace, selector=f"kubernetes.io/service-name={name}"
            )["items"]
            return again
        time.sleep(0.2)
    return found


@pytest.mark.parametrize("case", sorted(CASES))
def test_defaulting_matches_the_apiserver(kube: Kube, fresh_namespace: Callable[[str], str], case: str) -> None:
    namespace = fresh_namespace("svcdef")
    manifest = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": case, "namespace": namespace}}
    manifest["spec"] = CASES[case]
    try:
        stored = kube.create(manifest)
    except ApiError as exc:
        refusal = exc.message
    else:
        refusal = ""
    if refusal:
        # Refused: ours refuses too, naming the same field with the same reason.
        with pytest.raises(PackingError) as refused:
            default_service(from_dict(manifest, Service), cluster_families=CLUSTER)
        for problem in refused.value.problems:
            assert f"{problem.path}: Invalid value: " in refusal
            assert problem.message.split(": ", 2)[2] in refusal
        return
    ours = default_service(from_dict(manifest, Service), cluster_families=CLUSTER)
    assert _shape(to_dict(ours)["spec"]) == _shape(stored["spec"])

    if not CASES[case].get("selector"):
        return  # The controller leaves a selectorless Service alone.
    packed = pack(ours, desired_endpoints(ours, [], []))
    theirs = _slices(kube, namespace, case, len(packed))
    assert sorted((s["addressType"], LABEL_HEADLESS in s["metadata"].get("labels", {})) for s in theirs) == sorted(
        (s.address_type.value, LABEL_HEADLESS in (s.metadata.labels or {}))  # type: ignore[union-attr]
        for s in packed
    )
