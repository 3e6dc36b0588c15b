"""What the apiserver does to a Service before it validates it (see `endpointslice.validation`).

A Service is not validated as the client sent it. Decoding fills in defaults, and the Service
registry then, before the strategy's checks run: keeps the allocated values a client left out
of an update (``patchAllocatedValues``), keeps ``clusterIP`` and ``clusterIPs`` in step
(``normalizeClusterIPs``), settles the IP family fields and refuses contradictions among them
(``initIPFamilyFields``: when it refuses, its errors are the whole answer), and on update drops
the fields a change of type leaves behind (``dropTypeDependentFields``). The dry-run
differential against a real 1.37 apiserver (tests/kube/test_validation_diff.py) found each of
these. The parts that depend on the cluster's Service CIDRs (which families exist, the default
family, the allocation itself) are not modelled; docs/differences.md says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from ._rules import FieldError, _invalid
from .enums import wire_value
from .service import Service, ServicePort, ServiceSpec

__all__ = ["prepare"]

_CLUSTER_IP = "ClusterIP"
_NODE_PORT = "NodePort"
_LOAD_BALANCER = "LoadBalancer"
_EXTERNAL_NAME = "ExternalName"
_SINGLE = "SingleStack"
_PREFER_DUAL = "PreferDualStack"
_REQUIRE_DUAL = "RequireDualStack"


def _type(spec: ServiceSpec) -> str:
    return wire_value(spec.type) or _CLUSTER_IP


def _defaults(svc: Service) -> Service:
    """``SetDefaults_Service``, for the fields the registry steps below look at."""
    spec = svc.spec
    stype = _type(spec)
    affinity = wire_value(spec.session_affinity) or "None"
    changes: dict[str, Any] = {"type": stype, "session_affinity": affinity}
    if affinity == "None":
        # Decoding drops the config of a Service without session affinity.
        changes["session_affinity_config"] = None
    if _externally_accessible(stype, spec) and not wire_value(spec.external_traffic_policy):
        changes["external_traffic_policy"] = "Cluster"
    if stype == _LOAD_BALANCER and spec.allocate_load_balancer_node_ports is None:
        changes["allocate_load_balancer_node_ports"] = True
    return attrs.evolve(svc, spec=attrs.evolve(spec, **changes))


def _externally_accessible(stype: str, spec: ServiceSpec) -> bool:
    return stype in (_LOAD_BALANCER, _NODE_PORT) or (stype == _CLUSTER_IP and bool(spec.external_ips))


def _needs_node_port(spec: ServiceSpec) -> bool:
    stype = _type(spec)
    return stype == _NODE_PORT or (stype == _LOAD_BALANCER and spec.allocate_load_balancer_node_ports is not False)


def _needs_hc_node_port(spec: ServiceSpec) -> bool:
    return _type(spec) == _LOAD_BALANCER and wire_value(spec.external_traffic_policy) == "Local"


def _ips(spec: ServiceSpec) -> tuple[str, ...]:
    return tuple(spec.cluster_ips or ())


def _families(spec: ServiceSpec) -> tuple[str, ...]:
    return tuple(wire_value(f) for f in spec.ip_families or ())


def _same_ips(a: ServiceSpec, b: ServiceSpec) -> bool:
    return (a.cluster_ip or "") == (b.cluster_ip or "") and _ips(a) == _ips(b)


def _policy(spec: ServiceSpec) -> str | None:
    return None if spec.ip_family_policy is None else wire_value(spec.ip_family_policy)


def _node_ports(spec: ServiceSpec) -> set[int]:
    return {p.node_port for p in spec.ports or () if p.node_port}


def _patch_allocated(spec: ServiceSpec, old: ServiceSpec) -> ServiceSpec:
    """``patchAllocatedValues``: allocated values the client did not send are kept."""
    changes: dict[str, Any] = {}
    if _type(spec) != _EXTERNAL_NAME and _type(old) != _EXTERNAL_NAME:
        if not spec.cluster_ip:
            changes["cluster_ip"] = old.cluster_ip
        if not spec.cluster_ips and old.cluster_ips:
            changes["cluster_ips"] = old.cluster_ips
    if _needs_node_port(old) and _needs_node_port(spec) and spec.ports:
        used = _node_ports(old) & _node_ports(spec)
        by_name = {p.name or "": p.node_port or 0 for p in old.ports or ()}
        ports: list[ServicePort] = []
        for p in spec.ports:
            kept = by_name.get(p.name or "", 0)
            ports.append(attrs.evolve(p, node_port=kept) if not p.node_port and kept not in used else p)
        changes["ports"] = tuple(ports)
    if _needs_hc_node_port(old) and _needs_hc_node_port(spec) and not spec.health_check_node_port:
        changes["health_check_node_port"] = old.health_check_node_port
    return attrs.evolve(spec, **changes) if changes else spec


def _shared_node_ports(spec: ServiceSpec) -> ServiceSpec:
    """``initNodePorts``: a port that sends no node port gets the one a port of its number asked for.

    Ports of one number share a node port; when none of them asks for one the allocator picks
    it at random, which is not modelled (docs/differences.md).
    """
    ports = tuple(spec.ports or ())
    chosen: dict[int, int] = {}
    for p in ports:
        if p.node_port and p.port not in chosen:
            chosen[p.port] = p.node_port
    if not chosen:
        return spec
    shared = tuple(
        attrs.evolve(p, node_port=chosen[p.port]) if not p.node_port and p.port in chosen else p for p in ports
    )
    return attrs.evolve(spec, ports=shared)


def _normalize(spec: ServiceSpec, old: ServiceSpec | None) -> ServiceSpec:
    """``normalizeClusterIPs``: the plural follows the singular a client sent alone."""
    ips = _ips(spec)
    cluster_ip = spec.cluster_ip or ""
    if old is None:
        if cluster_ip and not ips:
            return attrs.evolve(spec, cluster_ips=(cluster_ip,))
        return spec
    old_ips = _ips(old)
    if old_ips and not ips and (old.cluster_ip or "") == cluster_ip:
        spec = attrs.evolve(spec, cluster_ips=old_ips)
    if (old.cluster_ip or "") != cluster_ip:
        # Here the registry compares the plural lists only.
        if old.cluster_ip and not cluster_ip:
            if _ips(spec) == old_ips:
                spec = attrs.evolve(spec, cluster_ips=None)
        elif _ips(spec) == old_ips:
            spec = attrs.evolve(spec, cluster_ips=(cluster_ip,))
    return spec


def _matching_prefer_dual(spec: ServiceSpec, old: ServiceSpec | None) -> bool:
    if old is None or spec.ip_family_policy is None or _type(old) != _type(spec):
        return False
    if _type(spec) not in (_CLUSTER_IP, _NODE_PORT, _LOAD_BALANCER):
        return False
    if _policy(spec) != _PREFER_DUAL or (old.ip_family_policy is not None and _policy(old) != _PREFER_DUAL):
        return False
    return _same_ips(old, spec) and _families(old) == _families(spec)


def prepare(
    svc: Service, old: Service | None, cluster_ip_rules: Callable[[Service, Service | None], list[FieldError]]
) -> tuple[Service, list[FieldError]]:
    """The Service as the strategy validates it, or the errors the registry refuses it with first.

    Args:
        svc: The Service the client sent.
        old: The stored Service, for an update.
        cluster_ip_rules: ``ValidateServiceClusterIPsRelatedFields``, which the registry runs
            early (it lives with the other Service rules).

    Returns:
        The prepared Service and no errors, or the Service and the registry's own errors,
        which are then the apiserver's whole answer.
    """
    svc = _defaults(svc)
    spec = svc.spec
    if old is not None:
        spec = _patch_allocated(spec, old.spec)
    if old is None and _needs_node_port(spec):
        spec = _shared_node_ports(spec)
    spec = _normalize(spec, None if old is None else old.spec)
    svc = attrs.evolve(svc, spec=spec)
    if _type(spec) == _EXTERNAL_NAME or _matching_prefer_dual(spec, None if old is None else old.spec):
        return _drop_type_dependent(svc, old), []
    if spec.ip_family_policy is None:
        if old is not None and old.spec.ip_family_policy is not None:
            policy: str = _policy(old.spec) or _SINGLE
        elif (spec.cluster_ip or "") == "None" and not spec.selector:
            # A headless Service without a selector defaults to dual-stack.
            policy = _REQUIRE_DUAL
        else:
            policy = _SINGLE
        spec = attrs.evolve(spec, ip_family_policy=policy)
        svc = attrs.evolve(svc, spec=spec)
    early = cluster_ip_rules(svc, old)
    if early:
        return svc, early
    errs: list[FieldError] = []
    policy = _policy(spec) or ""
    if old is not None:
        if policy == _SINGLE:
            # With an unchanged list, asking for single-stack is clear intent to drop the second.
            if _same_ips(old.spec, spec) and len(_ips(spec)) > 1:
                spec = attrs.evolve(spec, cluster_ips=_ips(spec)[:1])
            if _families(old.spec) == _families(spec) and len(_families(spec)) > 1:
                spec = attrs.evolve(spec, ip_families=spec.ip_families[:1] if spec.ip_families else None)
            svc = attrs.evolve(svc, spec=spec)
        else:
            if _ips(spec) and len(_ips(spec)) < len(_ips(old.spec)):
                errs.append(
                    _invalid(
                        "spec.ipFamilyPolicy",
                        policy,
                        "must be 'SingleStack' to release the secondary cluster IP",
                        json_value=True,
                    )
                )
            if _families(spec) and len(_families(spec)) < len(_families(old.spec)):
                errs.append(
                    _invalid(
                        "spec.ipFamilyPolicy",
                        policy,
                        "must be 'SingleStack' to release the secondary IP family",
                        json_value=True,
                    )
                )
    if policy == _SINGLE:
        if len(_ips(spec)) == 2:
            errs.append(
                _invalid(
                    "spec.ipFamilyPolicy",
                    policy,
                    "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified",
                    json_value=True,
                )
            )
        if len(_families(spec)) == 2:
            errs.append(
                _invalid(
                    "spec.ipFamilyPolicy",
                    policy,
                    "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified",
                    json_value=True,
                )
            )
    if errs:
        return svc, errs
    return _drop_type_dependent(svc, old), []


def _drop_type_dependent(svc: Service, old: Service | None) -> Service:
    """``dropTypeDependentFields``: on update, unchanged fields the new type does not use go."""
    if old is None:
        return svc
    spec, before = svc.spec, old.spec
    changes: dict[str, Any] = {}
    if _type(before) != _EXTERNAL_NAME and _type(spec) == _EXTERNAL_NAME:
        if _same_ips(before, spec):
            changes["cluster_ip"] = None
            changes["cluster_ips"] = None
        if _families(before) == _families(spec) and (before.ip_families is None) == (spec.ip_families is None):
            changes["ip_families"] = None
        if _policy(before) == _policy(spec):
            changes["ip_family_policy"] = None
    # Ports may be dropped or changed as long as no new node port appears (sameNodePorts).
    if _needs_node_port(before) and not _needs_node_port(spec) and _node_ports(spec) <= _node_ports(before):
        changes["ports"] = tuple(attrs.evolve(p, node_port=None) for p in spec.ports or ()) or spec.ports
    if (
        _needs_hc_node_port(before)
        and not _needs_hc_node_port(spec)
        and (before.health_check_node_port or 0) == (spec.health_check_node_port or 0)
    ):
        changes["health_check_node_port"] = None
    if (
        _type(before) == _LOAD_BALANCER
        and _type(spec) != _LOAD_BALANCER
        and spec.allocate_load_balancer_node_ports is not None
        and before.allocate_load_balancer_node_ports == spec.allocate_load_balancer_node_ports
    ):
        changes["allocate_load_balancer_node_ports"] = None
    if (
        _type(before) == _LOAD_BALANCER
        and _type(spec) != _LOAD_BALANCER
        and before.load_balancer_class == spec.load_balancer_class
    ):
        changes["load_balancer_class"] = None
    if (
        _externally_accessible(_type(before), before)
        and not _externally_accessible(_type(spec), spec)
        and wire_value(before.external_traffic_policy) == wire_value(spec.external_traffic_policy)
    ):
        changes["external_traffic_policy"] = None
    return attrs.evolve(svc, spec=attrs.evolve(spec, **changes)) if changes else svc
