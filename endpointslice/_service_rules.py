"""The apiserver's Service rules that matter for endpoints (see `endpointslice.validation`)."""

from __future__ import annotations

import attrs

from . import _service_registry
from . import _validators as v
from ._frozen import FrozenDict
from ._rules import (
    _PROTOCOLS,
    Context,
    ErrorType,
    FieldError,
    KubeVersion,
    _dedupe,
    _dns_label,
    _duplicate,
    _each,
    _endpoint_ip,
    _forbidden,
    _invalid,
    _ip_warning,
    _labels,
    _legacy_ip,
    _not_supported,
    _object_meta,
    _port_number,
    _qualified_name,
    _required,
    _update_common,
)
from .enums import (
    IPFamily,
    IPFamilyPolicy,
    Protocol,
    ServiceAffinity,
    ServiceExternalTrafficPolicy,
    ServiceType,
    TrafficDistribution,
    wire_value,
)
from .service import Service, ServicePort

__all__ = ["service", "service_warnings"]


# ---------------------------------------------------------------------------
# Service.

_CLUSTER_IP = ServiceType.CLUSTER_IP.value
_NODE_PORT = ServiceType.NODE_PORT.value
_LOAD_BALANCER = ServiceType.LOAD_BALANCER.value
_EXTERNAL_NAME = ServiceType.EXTERNAL_NAME.value
_CLIENT_IP = ServiceAffinity.CLIENT_IP.value
_SINGLE_STACK = IPFamilyPolicy.SINGLE_STACK.value
_PREFER_CLOSE = TrafficDistribution.PREFER_CLOSE.value
_CLUSTER = ServiceExternalTrafficPolicy.CLUSTER.value
_LOCAL = ServiceExternalTrafficPolicy.LOCAL.value
_TCP = Protocol.TCP.value
# The apiserver lists supported values sorted, except for trafficDistribution (declaration order).
_SERVICE_TYPES = tuple(sorted(t.value for t in ServiceType))
_AFFINITIES = tuple(sorted(a.value for a in ServiceAffinity))
_FAMILIES = tuple(sorted(f.value for f in IPFamily))
_FAMILY_POLICIES = tuple(sorted(p.value for p in IPFamilyPolicy))
_TRAFFIC_POLICIES = tuple(sorted(p.value for p in ServiceExternalTrafficPolicy))
_TRAFFIC_DISTRIBUTIONS = tuple(t.value for t in TrafficDistribution)
_TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"
_TOPOLOGY_HINTS = "service.kubernetes.io/topology-aware-hints"


@attrs.frozen
class _Svc:
    """The defaulted view of a Service's spec that the apiserver validates."""

    type: str
    cluster_ip: str
    cluster_ips: tuple[str, ...]
    ports: tuple[ServicePort, ...]
    external_ips: tuple[str, ...]
    external_traffic_policy: str
    session_affinity: str
    source_ranges: tuple[str, ...]
    source_range_annotation: str | None


def _defaulted(svc: Service) -> _Svc:
    spec = svc.spec
    stype = wire_value(spec.type) or _CLUSTER_IP
    cluster_ip = spec.cluster_ip or ""
    cluster_ips = tuple(spec.cluster_ips or ())
    if not cluster_ips and cluster_ip:
        cluster_ips = (cluster_ip,)
    ports = []
    for p in spec.ports or ():
        target = p.target_port
        if target is None or target in {0, ""}:
            target = p.port
        ports.append(attrs.evolve(p, protocol=wire_value(p.protocol) or _TCP, target_port=target))
    external_ips = tuple(spec.external_ips or ())
    etp = wire_value(spec.external_traffic_policy)
    if not etp and (stype in (_LOAD_BALANCER, _NODE_PORT) or (stype == _CLUSTER_IP and external_ips)):
        etp = _CLUSTER
    return _Svc(
        stype,
        cluster_ip,
        cluster_ips,
        tuple(ports),
        external_ips,
        etp,
        wire_value(spec.session_affinity) or "None",
        tuple(spec.load_balancer_source_ranges or ()),
        svc.metadata.annotation(_SOURCE_RANGES_ANNOTATION),
    )


def _is_headless(d: _Svc) -> bool:
    return d.cluster_ips == ("None",)


def service(ctx: Context, svc: Service, old: Service | None) -> list[FieldError]:
    """All errors for a create or update of a Service."""
    svc, early = _service_registry.prepare(
        svc, old, lambda s, o: _cluster_ips(ctx, s, _defaulted(s), None if o is None else _defaulted(o))
    )
    if early:
        # The registry refuses the Service before the strategy's checks run: its errors are all.
        return early
    d = _defaulted(svc)
    if old is None:
        errs = _object_meta(ctx, svc.metadata, v.is_dns1123_label if ctx.relaxed_service_names else v.is_dns1035_label)
        return errs + _service_spec(ctx, svc, d, None)
    od = _defaulted(old)
    errs = _update_common(ctx, svc.metadata, old.metadata)
    errs += _upgrade_downgrade(svc, d, old, od)
    if (
        d.type == _LOAD_BALANCER
        and od.type == _LOAD_BALANCER
        and svc.spec.load_balancer_class != old.spec.load_balancer_class
    ):
        errs.append(
            _invalid("spec.loadBalancerClass", svc.spec.load_balancer_class, "may not change once set", json_value=True)
        )
    # An update checks the class here, before the spec (validateLoadBalancerClassField); the
    # spec's second check of it is the same text, listed once.
    errs += _load_balancer_class(ctx, svc, d)
    hc_changed = (svc.spec.health_check_node_port or 0) != (old.spec.health_check_node_port or 0)
    if _needs_health_check(old, od) and _needs_health_check(svc, d) and hc_changed:
        errs.append(_forbidden("spec.healthCheckNodePort", "field is immutable"))
    return _dedupe(errs + _service_spec(ctx, svc, d, od))


def _needs_health_check(svc: Service, d: _Svc) -> bool:
    return d.type == _LOAD_BALANCER and d.external_traffic_policy == _LOCAL


def _upgrade_downgrade(svc: Service, d: _Svc, old: Service, od: _Svc) -> list[FieldError]:
    errs: list[FieldError] = []
    if _EXTERNAL_NAME in (d.type, od.type):
        return errs
    new_ips, old_ips = list(d.cluster_ips), list(od.cluster_ips)
    policy = wire_value(svc.spec.ip_family_policy) if svc.spec.ip_family_policy is not None else None
    if not (_is_headless(od) and _is_headless(d)):
        if len(old_ips) == len(new_ips):
            for i, ip in enumerate(old_ips):
                if ip != new_ips[i]:
                    errs.append(_invalid(f"spec.clusterIPs[{i}]", new_ips, "may not change once set", json_value=True))
        elif len(old_ips) > len(new_ips):
            if not new_ips:
                errs.append(
                    _invalid("spec.clusterIPs[0]", new_ips, "primary clusterIP can not be unset", json_value=True)
                )
            if old_ips and new_ips and new_ips[0] != old_ips[0]:
                errs.append(_invalid("spec.clusterIPs[0]", new_ips, "may not change once set", json_value=True))
            if len(new_ips) == 1 and policy != _SINGLE_STACK:
                errs.append(
                    _invalid(
                        "spec.ipFamilyPolicy",
                        policy,
                        "must be set to 'SingleStack' when releasing the secondary clusterIP",
                        json_value=True,
                    )
                )
        elif old_ips and new_ips[0] != old_ips[0]:
            errs.append(_invalid("spec.clusterIPs[0]", new_ips, "may not change once set", json_value=True))
    if _is_headless(od) != _is_headless(d) or _is_headless(d):
        return errs
    new_fam = [wire_value(f) for f in svc.spec.ip_families or ()]
    old_fam = [wire_value(f) for f in old.spec.ip_families or ()]
    if len(old_fam) == len(new_fam):
        errs += [
            _invalid("spec.ipFamilies[0]", new_fam, "may not change once set", json_value=True)
            for i, fam in enumerate(old_fam)
            if fam != new_fam[i]
        ]
    elif len(old_fam) > len(new_fam):
        if not new_ips:
            errs.append(_invalid("spec.ipFamilies[0]", new_fam, "primary ipFamily can not be unset", json_value=True))
        if new_fam and new_fam[0] != old_fam[0]:
            errs.append(_invalid("spec.ipFamilies[0]", new_ips, "may not change once set", json_value=True))
        if len(new_fam) == 1 and policy != _SINGLE_STACK:
            errs.append(
                _invalid(
                    "spec.ipFamilyPolicy",
                    policy,
                    "must be set to 'SingleStack' when releasing the secondary ipFamily",
                    json_value=True,
                )
            )
    elif old_fam and new_fam[0] != old_fam[0]:
        errs.append(_invalid("spec.ipFamilies[0]", new_ips, "may not change once set", json_value=True))
    return errs


def _service_spec(ctx: Context, svc: Service, d: _Svc, od: _Svc | None) -> list[FieldError]:
    spec = svc.spec
    errs: list[FieldError] = []
    annotations = svc.metadata.annotations or FrozenDict()
    mode = annotations.get(_TOPOLOGY_MODE)
    hints = annotations.get(_TOPOLOGY_HINTS)
    if mode is not None and hints is not None and mode != hints:
        errs.append(
            _invalid(
                f"metadata.annotations[{_TOPOLOGY_MODE}]",
                mode,
                f"must match annotations[{_TOPOLOGY_HINTS}] when both are specified",
            )
        )
    headless = _is_headless(d)
    if not d.ports and not headless and d.type != _EXTERNAL_NAME:
        errs.append(_required("spec.ports"))
    if d.type in (_LOAD_BALANCER, _NODE_PORT) and headless:
        errs.append(_invalid("spec.clusterIPs[0]", "None", f"may not be set to 'None' for {d.type} services"))
    elif d.type == _EXTERNAL_NAME:
        if d.cluster_ips:
            errs.append(_forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
        if spec.ip_families:
            errs.append(_forbidden("spec.ipFamilies", "may not be set for ExternalName services"))
        if spec.ip_family_policy is not None:
            errs.append(_forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"))
        cname = spec.external_name or ""
        cname = cname[:-1] if cname.endswith(".") else cname
        if cname:
            errs += _each("spec.externalName", cname, v.is_dns1123_subdomain(cname))
        else:
            errs.append(_required("spec.externalName"))
    names: set[str] = set()
    for i, port in enumerate(d.ports):
        errs += _service_port(ctx, f"spec.ports[{i}]", port, len(d.ports) > 1, names)
    if spec.selector is not None:
        errs += _labels(ctx, "spec.selector", spec.selector)
    if d.session_affinity not in _AFFINITIES:
        errs.append(_not_supported("spec.sessionAffinity", d.session_affinity, _AFFINITIES))
    elif d.session_affinity == _CLIENT_IP:
        config = spec.session_affinity_config
        timeout = config.client_ip.timeout_seconds if config and config.client_ip else None
        if timeout is not None and not 0 < timeout <= 86400:
            errs.append(
                _invalid(
                    "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
                    timeout,
                    "must be greater than 0 and less than 86400",
                )
            )
    elif spec.session_affinity_config is not None:
        errs.append(_forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None"))
    errs += _cluster_ips(ctx, svc, d, od)
    old_external = od.external_ips if od is not None else ()
    for i, ip in enumerate(d.external_ips):
        path = f"spec.externalIPs[{i}]"
        _, ip_errs = _legacy_ip(ctx, path, ip)
        if ip_errs and ip in old_external:
            ip_errs = []
        errs += ip_errs or _endpoint_ip(path, ip)
    if d.type not in _SERVICE_TYPES:
        errs.append(_not_supported("spec.type", d.type, _SERVICE_TYPES))
    if d.type == _CLUSTER_IP:
        errs += [
            _forbidden(f"spec.ports[{i}].nodePort", "may not be used when `type` is 'ClusterIP'")
            for i, p in enumerate(d.ports)
            if p.node_port
        ]
    node_ports: set[tuple[str, int]] = set()
    for i, p in enumerate(d.ports):
        if not p.node_port:
            continue
        key = (wire_value(p.protocol), p.node_port)
        if key in node_ports:
            errs.append(_duplicate(f"spec.ports[{i}].nodePort", p.node_port))
        node_ports.add(key)
    seen_ports: set[tuple[str, int]] = set()
    for i, p in enumerate(d.ports):
        pkey = (wire_value(p.protocol), p.port)
        if pkey in seen_ports:
            errs.append(_duplicate(f"spec.ports[{i}]", _port_key_json(pkey), json_value=True))
        seen_ports.add(pkey)
    errs += _source_ranges(ctx, svc, d, od)
    if spec.allocate_load_balancer_node_ports is not None and d.type != _LOAD_BALANCER:
        errs.append(_forbidden("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'"))
    errs += _load_balancer_class(ctx, svc, d)
    errs += _traffic_policies(svc, d)
    return errs


def _load_balancer_class(ctx: Context, svc: Service, d: _Svc) -> list[FieldError]:
    spec = svc.spec
    if spec.load_balancer_class is None:
        return []
    if d.type == _LOAD_BALANCER:
        return _qualified_name(ctx, "spec.loadBalancerClass", spec.load_balancer_class)
    return [_forbidden("spec.loadBalancerClass", "may only be used when `type` is 'LoadBalancer'")]


_SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"


def _source_ranges(ctx: Context, svc: Service, d: _Svc, od: _Svc | None) -> list[FieldError]:
    errs: list[FieldError] = []
    ranges = svc.spec.load_balancer_source_ranges or ()
    only_lb = "may only be used when `type` is 'LoadBalancer'"
    if ranges:
        # Sic: the apiserver names this field with a capital L.
        path = "spec.LoadBalancerSourceRanges"
        if d.type != _LOAD_BALANCER:
            errs.append(_forbidden(path, only_lb))
        old = [r.strip() for r in od.source_ranges] if od is not None else []
        for i, raw in enumerate(ranges):
            value = raw.strip()
            if value not in old:
                errs += _each(f"{path}[{i}]", value, v.cidr_problems(value, strict=ctx.strict_ip))
        return errs
    annotation = svc.metadata.annotation(_SOURCE_RANGES_ANNOTATION)
    if annotation is None:
        return errs
    path = f"metadata.annotations[{_SOURCE_RANGES_ANNOTATION}]"
    if d.type != _LOAD_BALANCER:
        errs.append(_forbidden(path, only_lb))
    if od is None or od.source_range_annotation != annotation:
        text = annotation.strip()
        for value in (p.strip() for p in text.split(",")) if text else ():
            errs += _each(path, value, v.cidr_problems(value, strict=ctx.strict_ip))
    return errs


def _port_key_json(key: tuple[str, int]) -> dict[str, object]:
    # Go renders the internal ServicePort struct with its field names, in declaration order.
    return {"Name": "", "Protocol": key[0], "AppProtocol": None, "Port": key[1], "TargetPort": 0, "NodePort": 0}


def _service_port(ctx: Context, path: str, port: ServicePort, require_name: bool, names: set[str]) -> list[FieldError]:
    errs: list[FieldError] = []
    name = port.name or ""
    if require_name and not name:
        errs.append(_required(f"{path}.name"))
    elif name:
        errs += _dns_label(f"{path}.name", name)
        if name in names:
            errs.append(_duplicate(f"{path}.name", name))
        else:
            names.add(name)
    errs += _port_number(f"{path}.port", port.port)
    protocol = wire_value(port.protocol)
    if protocol not in _PROTOCOLS:
        errs.append(_not_supported(f"{path}.protocol", protocol, _PROTOCOLS))
    target = port.target_port
    if isinstance(target, int):
        errs += _port_number(f"{path}.targetPort", target)
    elif isinstance(target, str):
        errs += _each(f"{path}.targetPort", target, v.is_port_name(target))
    if port.app_protocol is not None:
        errs += _qualified_name(ctx, f"{path}.appProtocol", port.app_protocol)
    return errs


def _cluster_ips(ctx: Context, svc: Service, d: _Svc, od: _Svc | None) -> list[FieldError]:
    if d.type == _EXTERNAL_NAME:
        return []
    spec = svc.spec
    errs: list[FieldError] = []
    ips = list(d.cluster_ips)
    if d.cluster_ip:
        if not ips:
            errs.append(_required("spec.clusterIPs"))
        elif ips[0] != d.cluster_ip:
            errs.append(_invalid("spec.clusterIPs", ips, "first value must match `clusterIP`", json_value=True))
    elif ips:
        errs.append(
            _invalid("spec.clusterIPs", ips, "must be empty when `clusterIP` is not specified", json_value=True)
        )
    families = [wire_value(f) for f in spec.ip_families or ()]
    seen: set[str] = set()
    for i, fam in enumerate(families):
        if fam not in _FAMILIES:
            errs.append(_not_supported(f"spec.ipFamilies[{i}]", fam, _FAMILIES))
        if fam in seen:
            errs.append(_duplicate(f"spec.ipFamilies[{i}]", fam, json_value=True))
        seen.add(fam)
    if spec.ip_family_policy is not None:
        policy = wire_value(spec.ip_family_policy)
        if policy not in _FAMILY_POLICIES:
            errs.append(_not_supported("spec.ipFamilyPolicy", policy, _FAMILY_POLICIES))
    existing = od.cluster_ips if od is not None else ()
    invalid = False
    parsed: list[int] = []
    for i, ip in enumerate(ips):
        if i == 0 and ip == "None":
            if len(ips) > 1:
                invalid = True
                errs.append(
                    _invalid("spec.clusterIPs", ips, "'None' must be the first and only value", json_value=True)
                )
            continue
        if ip in existing:
            # A value the stored Service holds is accepted as it is, before any parsing
            # (IsValidIPForLegacyField), so even a second "None" kept from the old object.
            kept = v.parse_ip_sloppy(ip)
            if kept is not None:
                parsed.append(kept)
            continue
        value, ip_errs = _legacy_ip(ctx, f"spec.clusterIPs[{i}]", ip)
        if ip_errs:
            invalid = True
            errs += ip_errs
        elif value is not None:
            parsed.append(value)
    if len(ips) > 2:
        errs.append(_invalid("spec.clusterIPs", ips, "may only hold up to 2 values", json_value=True))
    if invalid:
        return errs
    # As netutils.IsDualStackIPStrings: at least one address of each family. A value kept from
    # the stored Service that does not parse (a second "None") fails it with an internal error.
    unparsed = next((i for i, ip in enumerate(ips) if v.parse_ip_sloppy(ip) is None), None) if len(ips) > 1 else None
    if unparsed is not None:
        detail = f"failed to check for dual stack with error:invalid IP[{unparsed}]: {ips[unparsed]}"
        errs.append(FieldError(type=ErrorType.INTERNAL, path="spec.clusterIPs", detail=detail))
    if len(ips) > 1 and (unparsed is not None or len({v.is_v4(p) for p in parsed}) < 2):
        errs.append(
            _invalid("spec.clusterIPs", ips, "may specify no more than one IP for each IP family", json_value=True)
        )
    if not _is_headless(d) and ips and families:
        for i, ip in enumerate(ips[: len(families)]):
            parsed_ip = v.parse_ip_sloppy(ip)
            is6 = parsed_ip is not None and not v.is_v4(parsed_ip)
            if families[i] == "IPv4" and is6:
                errs.append(
                    _invalid(f"spec.clusterIPs[{i}]", ip, f"expected an IPv4 value as indicated by `ipFamilies[{i}]`")
                )
            if families[i] == "IPv6" and not is6:
                errs.append(
                    _invalid(f"spec.clusterIPs[{i}]", ip, f"expected an IPv6 value as indicated by `ipFamilies[{i}]`")
                )
    return errs


def _traffic_policies(svc: Service, d: _Svc) -> list[FieldError]:
    spec = svc.spec
    errs: list[FieldError] = []
    accessible = d.type in (_LOAD_BALANCER, _NODE_PORT) or (d.type == _CLUSTER_IP and bool(d.external_ips))
    etp = d.external_traffic_policy
    if not accessible:
        if etp:
            errs.append(
                _invalid(
                    "spec.externalTrafficPolicy",
                    etp,
                    "may only be set for externally-accessible services",
                    json_value=True,
                )
            )
    elif etp not in _TRAFFIC_POLICIES:
        errs.append(_not_supported("spec.externalTrafficPolicy", etp, _TRAFFIC_POLICIES))
    hc = spec.health_check_node_port or 0
    if not _needs_health_check(svc, d):
        if hc:
            errs.append(
                _invalid(
                    "spec.healthCheckNodePort",
                    hc,
                    "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
                )
            )
    elif hc:
        errs += _port_number("spec.healthCheckNodePort", hc)
    itp = spec.internal_traffic_policy
    if itp is not None and wire_value(itp) not in _TRAFFIC_POLICIES:
        errs.append(_not_supported("spec.internalTrafficPolicy", wire_value(itp), _TRAFFIC_POLICIES))
    td = spec.traffic_distribution
    if td is not None and wire_value(td) not in _TRAFFIC_DISTRIBUTIONS:
        errs.append(
            _not_supported("spec.trafficDistribution", wire_value(td), _TRAFFIC_DISTRIBUTIONS, json_value=False)
        )
    return errs


def service_warnings(version: KubeVersion, svc: Service, old: Service | None = None) -> list[str]:
    """The warnings of a create or update of a Service (``GetWarningsForService``).

    They are taken from the Service as the registry prepared it (see `_service_registry`).
    """
    svc, _ = _service_registry.prepare(svc, old, lambda s, o: [])
    spec = svc.spec
    d = _defaulted(svc)
    out: list[str] = []
    if svc.metadata.annotation(_TOPOLOGY_HINTS) is not None:
        out.append(f"annotation {_TOPOLOGY_HINTS} is deprecated, please use {_TOPOLOGY_MODE} instead")
    if spec.cluster_ip and spec.cluster_ip != "None":
        for i, ip in enumerate(spec.cluster_ips or ()):
            out += _ip_warning(version, f"spec.clusterIPs[{i}]", ip)
    # The registry's headless test: type ClusterIP and clusterIP "None".
    headless = d.type == _CLUSTER_IP and spec.cluster_ip == "None"
    if headless:
        if spec.load_balancer_ip:
            out.append("spec.loadBalancerIP is ignored for headless services")
        if d.external_ips:
            out.append("spec.externalIPs is ignored for headless services")
        if d.session_affinity != "None":
            out.append("spec.SessionAffinity is ignored for headless services")
    for i, ip in enumerate(d.external_ips):
        out += _ip_warning(version, f"spec.externalIPs[{i}]", ip)
    if d.external_ips and not headless and d.type != _EXTERNAL_NAME:
        out.append("spec.externalIPs is deprecated and may no longer be implemented in some clusters")
    if spec.load_balancer_ip:
        out += _ip_warning(version, "spec.loadBalancerIP", spec.load_balancer_ip)
    for i, cidr in enumerate(spec.load_balancer_source_ranges or ()):
        out += _cidr_warning(f"spec.loadBalancerSourceRanges[{i}]", cidr)
    if d.type == _EXTERNAL_NAME and d.external_ips:
        out.append('spec.externalIPs is ignored when spec.type is "ExternalName"')
    if spec.external_name and d.type != _EXTERNAL_NAME:
        out.append('spec.externalName is ignored when spec.type is not "ExternalName"')
    if wire_value(spec.traffic_distribution) == _PREFER_CLOSE:
        out.append('spec.trafficDistribution: "PreferClose" is deprecated; use "PreferSameZone"')
    return out


def _cidr_warning(path: str, value: str) -> list[str]:
    # Only a CIDR that passed validation gets here, so it parses; of GetWarningsForCIDR's three
    # warnings, strict validation leaves the ambiguous host bits and the IPv6 spelling.
    address, _, length = value.partition("/")
    ip = v.parse_ip_sloppy(address)
    if ip is None or not length.isdigit():
        return []
    bits = 32 if v.is_v4(ip) else 128
    size = int(length)
    host = (1 << (bits - size)) - 1 if size <= bits else 0
    if ip & host:
        network = v.format_ip(ip & ~host)
        text = f"{v.format_ip(ip)}/{bits}"
        choices = f"{v.go_quote(f'{network}/{size}')} or {v.go_quote(text)}"
        return [f"{path}: CIDR value {v.go_quote(value)} is ambiguous in this context (should be {choices}?)"]
    if bits == 128 and f"{v.format_ip(ip)}/{size}" != value:
        canonical = v.go_quote(f"{v.format_ip(ip)}/{size}")
        return [f"{path}: IPv6 CIDR value {v.go_quote(value)} should be in RFC 5952 canonical format ({canonical})"]
    return []
