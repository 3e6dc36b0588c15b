"""The apiserver's EndpointSlice and Endpoints rules (see `endpointslice.validation`)."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from . import _validators as v
from ._rules import (
    _CONTROLLERS,
    _PROTOCOLS,
    Context,
    FieldError,
    KubeVersion,
    _dedupe,
    _dns_label,
    _duplicate,
    _each,
    _endpoint_ip,
    _invalid,
    _ip_warning,
    _legacy_ip,
    _node_name,
    _not_supported,
    _object_meta,
    _port_number,
    _qualified_name,
    _required,
    _semantic,
    _strict_ip,
    _too_many,
    _update_common,
)
from .discovery import LABEL_MANAGED_BY, Endpoint, EndpointHints, EndpointPort, EndpointSlice
from .endpoints import EndpointAddress, Endpoints, EndpointsPort, EndpointSubset
from .enums import AddressType, Protocol, wire_value

__all__ = ["endpoint_slice", "endpoint_slice_warnings", "endpoints", "endpoints_warnings"]


# ---------------------------------------------------------------------------
# EndpointSlice.

_IPV4 = AddressType.IPV4.value
_IPV6 = AddressType.IPV6.value
_FQDN = AddressType.FQDN.value
_TCP = Protocol.TCP.value
_ADDRESS_TYPES = tuple(sorted(t.value for t in AddressType))
_MAX_ENDPOINTS = 1000
_MAX_ADDRESSES = 100
_MAX_PORTS = 20000
_MAX_HINTS = 8


def endpoint_slice(ctx: Context, es: EndpointSlice, old: EndpointSlice | None) -> list[FieldError]:
    """All errors for a create (``old is None``) or update of an EndpointSlice."""
    if old is None:
        # The apiserver sets a new slice's generation to 1 before validating it.
        errs = _object_meta(ctx, attrs.evolve(es.metadata, generation=1), v.is_dns1123_subdomain)
    else:
        errs = _update_common(ctx, es.metadata, old.metadata)
    declared: list[FieldError] = []
    address_type = wire_value(es.address_type)
    type_errs: list[FieldError] = []
    if not address_type:
        type_errs.append(_required("addressType"))
    elif address_type not in _ADDRESS_TYPES:
        type_errs.append(_not_supported("addressType", address_type, _ADDRESS_TYPES))
    type_unchanged = old is not None and wire_value(old.address_type) == address_type
    if not ctx.declarative:
        errs += type_errs
    elif old is not None and not type_unchanged and address_type:
        # On an update to an unsupported type, declarative validation reports only the
        # immutability, so the handwritten error is not superseded and keeps its place; a
        # removed type is still the declarative Required error, at the end (both found by the
        # dry-run differential against a real 1.37 apiserver).
        errs += type_errs
    elif not type_unchanged:
        declared += type_errs
    errs += _slice_ports(ctx, es.ports or ())
    endpoints = es.endpoints or ()
    ep_errs, ep_declared = _slice_endpoints(ctx, endpoints, address_type)
    if (ep_errs or ep_declared) and old is not None and _semantic(old.endpoints) == _semantic(es.endpoints):
        ep_errs, ep_declared = [], []
    errs += ep_errs
    if old is not None and not type_unchanged:
        if ctx.declarative:
            declared.append(_invalid("addressType", None, "field is immutable", json_value=True))
        else:
            errs.append(_invalid("addressType", address_type, "field is immutable", json_value=True))
    errs += declared + ep_declared
    return _dedupe(errs) if old is not None else errs


def _slice_ports(ctx: Context, ports: Sequence[EndpointPort]) -> list[FieldError]:
    if len(ports) > _MAX_PORTS:
        return [_too_many("ports", len(ports), _MAX_PORTS)]
    errs: list[FieldError] = []
    names: set[str] = set()
    for i, port in enumerate(ports):
        name = port.name or ""
        if name:
            errs += _dns_label(f"ports[{i}].name", name)
        if name in names:
            errs.append(_duplicate(f"ports[{i}].name", name, json_value=True))
        else:
            names.add(name)
        # Only an absent protocol is defaulted; an explicit "" stays and is rejected.
        protocol = _TCP if port.protocol is None else wire_value(port.protocol)
        if protocol not in _PROTOCOLS:
            errs.append(_not_supported(f"ports[{i}].protocol", protocol, _PROTOCOLS))
        if port.app_protocol is not None:
            errs += _qualified_name(ctx, f"ports[{i}].appProtocol", port.app_protocol)
    return errs


def _slice_endpoints(
    ctx: Context, endpoints: Sequence[Endpoint], address_type: str
) -> tuple[list[FieldError], list[FieldError]]:
    """Handwritten errors, and (from 1.37) the declarative ones that go last."""
    errs: list[FieldError] = []
    declared: list[FieldError] = []
    if len(endpoints) > _MAX_ENDPOINTS:
        errs.append(_too_many("endpoints", len(endpoints), _MAX_ENDPOINTS))
        if ctx.declarative:
            declared = _declared_addresses(endpoints)
        return errs, declared
    check = _ADDRESS_CHECKS.get(address_type)
    for i, ep in enumerate(endpoints):
        addresses = ep.addresses
        if not addresses:
            if ctx.declarative:
                declared.append(_required(f"endpoints[{i}].addresses"))
            else:
                errs.append(_required(f"endpoints[{i}].addresses", "must contain at least 1 address"))
        elif len(addresses) > _MAX_ADDRESSES:
            too_many = _too_many(f"endpoints[{i}].addresses", len(addresses), _MAX_ADDRESSES)
            (declared if ctx.declarative else errs).append(too_many)
        if check is not None:
            for j, address in enumerate(addresses):
                if not _fast_ok(address_type, address):
                    errs += check(ctx, i, j, address)
        if ep.node_name is not None:
            errs += _node_name(f"endpoints[{i}].nodeName", ep.node_name)
        if ep.hostname is not None:
            errs += _dns_label(f"endpoints[{i}].hostname", ep.hostname)
        if ep.hints is not None:
            errs += _hints(ctx, f"endpoints[{i}].hints", ep.hints)
    return errs, declared


def _declared_addresses(endpoints: Sequence[Endpoint]) -> list[FieldError]:
    out: list[FieldError] = []
    for i, ep in enumerate(endpoints):
        if not ep.addresses:
            out.append(_required(f"endpoints[{i}].addresses"))
        elif len(ep.addresses) > _MAX_ADDRESSES:
            out.append(_too_many(f"endpoints[{i}].addresses", len(ep.addresses), _MAX_ADDRESSES))
    return out


def _fast_ok(address_type: str, address: str) -> bool:
    """A quick accept for the common case: a canonical, ordinary IPv4 address."""
    if address_type != _IPV4:
        return False
    parts = address.split(".")
    if len(parts) != 4:
        return False
    for p in parts:
        if not p.isdigit() or not p.isascii() or (len(p) > 1 and p[0] == "0") or len(p) > 3 or int(p) > 255:
            return False
    first, second = int(parts[0]), int(parts[1])
    return first not in (0, 127, 224) and not (first == 169 and second == 254)


def _ipv4_address(ctx: Context, i: int, j: int, address: str) -> list[FieldError]:
    path = f"endpoints[{i}].addresses[{j}]"
    ip, errs = _legacy_ip(ctx, path, address)
    if ip is None or errs:
        return errs
    if not v.is_v4(ip):
        errs.append(_invalid(f"endpoints[{i}].addresses", address, "must be an IPv4 address"))
    return errs + _each(path, address, v.ip_special_messages(ip, address))


def _ipv6_address(ctx: Context, i: int, j: int, address: str) -> list[FieldError]:
    path = f"endpoints[{i}].addresses[{j}]"
    ip, errs = _strict_ip(path, address)
    if ip is None or errs:
        return errs
    if v.is_v4(ip):
        errs.append(_invalid(f"endpoints[{i}].addresses", address, "must be an IPv6 address"))
    return errs + _each(path, address, v.ip_special_messages(ip, address))


def _fqdn_address(ctx: Context, i: int, j: int, address: str) -> list[FieldError]:
    path = f"endpoints[{i}].addresses[{j}]"
    if not address:
        return [_required(path)]
    name = address[:-1] if address.endswith(".") else address
    msgs = v.is_dns1123_subdomain(name)
    if msgs:
        return [_invalid(path, name, ",".join(msgs))]
    labels = name.split(".")
    if len(labels) < 2:
        return [_invalid(path, name, "should be a domain with at least two segments separated by dots")]
    for label in labels:
        msgs = v.is_dns1123_label(label)
        if msgs:
            return [_invalid(path, label, ",".join(msgs))]
    return []


_ADDRESS_CHECKS = {_IPV4: _ipv4_address, _IPV6: _ipv6_address, _FQDN: _fqdn_address}


def _hints(ctx: Context, path: str, hints: EndpointHints) -> list[FieldError]:
    errs: list[FieldError] = []
    zones = hints.for_zones or ()
    if len(zones) > _MAX_HINTS:
        return [_too_many(f"{path}.forZones", len(zones), _MAX_HINTS)]
    seen: set[str] = set()
    for k, zone in enumerate(zones):
        zpath = f"{path}.forZones[{k}].name"
        if zone.name in seen:
            errs.append(_duplicate(zpath, zone.name))
        else:
            seen.add(zone.name)
        errs += _each(zpath, zone.name, v.is_label_value(zone.name, ctx.ver))
    nodes = hints.for_nodes or ()
    if len(nodes) > _MAX_HINTS:
        errs.append(_too_many(f"{path}.forNodes", len(nodes), _MAX_HINTS))
        return errs
    seen = set()
    for k, node in enumerate(nodes):
        npath = f"{path}.forNodes[{k}].name"
        if node.name in seen:
            errs.append(_duplicate(npath, node.name))
        else:
            seen.add(node.name)
        errs += _node_name(npath, node.name)
    return errs


# ---------------------------------------------------------------------------
# Endpoints.


def endpoints(ctx: Context, ep: Endpoints, old: Endpoints | None) -> list[FieldError]:
    """All errors for a create or update of a core/v1 Endpoints object."""
    if old is None:
        errs = _object_meta(ctx, ep.metadata, v.is_dns1123_subdomain)
    else:
        errs = _update_common(ctx, ep.metadata, old.metadata)
    subset_errs = _subsets(ctx, ep.subsets or ())
    if (
        subset_errs
        and old is not None
        and _semantic(_default_subsets(old.subsets)) == _semantic(_default_subsets(ep.subsets))
    ):
        subset_errs = []
    errs += subset_errs
    return _dedupe(errs) if old is not None else errs


def _default_subsets(subsets: Sequence[EndpointSubset] | None) -> tuple[EndpointSubset, ...]:
    out = []
    for ss in subsets or ():
        ports = tuple(attrs.evolve(p, protocol=_TCP) if not p.protocol else p for p in ss.ports or ())
        out.append(attrs.evolve(ss, ports=ports))
    return tuple(out)


def _subsets(ctx: Context, subsets: Sequence[EndpointSubset]) -> list[FieldError]:
    errs: list[FieldError] = []
    for i, ss in enumerate(subsets):
        if not ss.addresses and not ss.not_ready_addresses:
            errs.append(_required(f"subsets[{i}]", "must specify `addresses` or `notReadyAddresses`"))
        for j, addr in enumerate(ss.addresses or ()):
            errs += _endpoint_address(ctx, f"subsets[{i}].addresses[{j}]", addr)
        for j, addr in enumerate(ss.not_ready_addresses or ()):
            errs += _endpoint_address(ctx, f"subsets[{i}].notReadyAddresses[{j}]", addr)
        ports = ss.ports or ()
        for k, port in enumerate(ports):
            errs += _endpoints_port(ctx, f"subsets[{i}].ports[{k}]", port, require_name=len(ports) > 1)
    return errs


def _endpoint_address(ctx: Context, path: str, addr: EndpointAddress) -> list[FieldError]:
    ip_path = f"{path}.ip"
    _, errs = _legacy_ip(ctx, ip_path, addr.ip)
    if addr.hostname:
        errs += _dns_label(f"{path}.hostname", addr.hostname)
    if addr.node_name is not None:
        errs += _node_name(f"{path}.nodeName", addr.node_name)
    return errs + _endpoint_ip(ip_path, addr.ip)


def _endpoints_port(ctx: Context, path: str, port: EndpointsPort, *, require_name: bool) -> list[FieldError]:
    errs: list[FieldError] = []
    if require_name and not port.name:
        errs.append(_required(f"{path}.name"))
    elif port.name:
        errs += _dns_label(f"{path}.name", port.name)
    errs += _port_number(f"{path}.port", port.port)
    protocol = wire_value(port.protocol) or _TCP
    if protocol not in _PROTOCOLS:
        errs.append(_not_supported(f"{path}.protocol", protocol, _PROTOCOLS))
    if port.app_protocol is not None:
        errs += _qualified_name(ctx, f"{path}.appProtocol", port.app_protocol)
    return errs


# ---------------------------------------------------------------------------
# Warnings.


def endpoint_slice_warnings(version: KubeVersion, es: EndpointSlice, old: EndpointSlice | None) -> list[str]:
    """The warnings of a create or update of an EndpointSlice."""
    out: list[str] = []
    if old is None and wire_value(es.address_type) == _FQDN:
        out.append("spec.addressType: FQDN endpoints are deprecated")
    if es.metadata.label(LABEL_MANAGED_BY) in _CONTROLLERS:
        return out
    # Every address is looked at, of any address type and changed or not (warnOnBadIPs).
    for i, ep in enumerate(es.endpoints or ()):
        for j, address in enumerate(ep.addresses):
            out += _ip_warning(version, f"endpoints[{i}].addresses[{j}]", address)
    return out


_ENDPOINTS_MANAGED_BY = "endpoints.kubernetes.io/managed-by"
_ENDPOINTS_CONTROLLER = "endpoint-controller"


def endpoints_warnings(version: KubeVersion, ep: Endpoints, old: Endpoints | None) -> list[str]:
    """The warnings of a create or update of a core/v1 Endpoints object."""
    out = ["v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"]
    # The Endpoints controller's own objects are not looked at; others are, changed or not.
    if ep.metadata.label(_ENDPOINTS_MANAGED_BY) == _ENDPOINTS_CONTROLLER:
        return out
    for i, ss in enumerate(ep.subsets or ()):
        for field_name, addresses in (("addresses", ss.addresses), ("notReadyAddresses", ss.not_ready_addresses)):
            for j, addr in enumerate(addresses or ()):
                out += _ip_warning(version, f"subsets[{i}].{field_name}[{j}].ip", addr.ip)
    return out
