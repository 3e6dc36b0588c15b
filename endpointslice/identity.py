"""Endpoint identity, change detection and port-set keys, as the EndpointSlice controller uses them.

Upstream matches desired and existing endpoints by identity (addresses,
hostname, target Pod), rewrites a slice only when `endpoint_changed` says so,
and groups slices by the set of their ports (`port_group_key`). These
functions are shared by the reconciler, the mirroring emulation and the diff.

Example:
    >>> from endpointslice import Endpoint
    >>> endpoint_identity(Endpoint(addresses=("10.0.0.2", "10.0.0.1"), hostname="a"))
    (('10.0.0.1', '10.0.0.2'), 'a', '', '')
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

from .discovery import Endpoint, EndpointPort
from .enums import AddressType, Protocol, default_protocol
from .meta import ObjectReference

__all__ = [
    "EndpointIdentity",
    "Fingerprint",
    "PortGroupKey",
    "canonical_address",
    "endpoint_changed",
    "endpoint_fingerprint",
    "endpoint_identity",
    "placement_key",
    "port_group_key",
]


#: Upstream's endpoint identity: (sorted addresses, hostname or "", targetRef namespace, targetRef name).
EndpointIdentity = tuple[tuple[str, ...], str, str, str]


#: A port set, order-insensitive: sorted (name, protocol, port, appProtocol) tuples with API defaults applied.
PortGroupKey = tuple[tuple[str, str, int, str], ...]


#: The fields `endpoint_changed` compares, as stored (see `endpoint_fingerprint`).
Fingerprint = tuple[object, ...]


def endpoint_fingerprint(endpoint: Endpoint, /) -> Fingerprint:
    """The raw values `endpoint_changed` compares, as one tuple.

    Equal fingerprints mean "not changed"; different ones need `endpoint_changed`
    for the exact answer (it reads unset strings as ``""``, as Go stores them).
    """
    c = endpoint.conditions
    ref = endpoint.target_ref
    if ref is None:
        return (endpoint.node_name, endpoint.zone, c.ready, c.serving, c.terminating, None, None, None, None, True)
    return (
        endpoint.node_name,
        endpoint.zone,
        c.ready,
        c.serving,
        c.terminating,
        ref.uid,
        ref.kind,
        ref.api_version,
        ref.field_path,
        False,
    )


_inet_pton = socket.inet_pton
_AF_INET = socket.AF_INET
_from_bytes = int.from_bytes

#: An address's place in `placement_key`: its IP version and numeric value; ``(99, 0)`` when invalid.
AddressOrder = tuple[int, int]


def _ipv4_sloppy(text: str) -> tuple[str, int] | None:
    """Dotted IPv4 with leading zeros allowed (as Go's parser here): the Go text and the value."""
    parts = text.split(".")
    if len(parts) != 4:
        return None
    value = 0
    padded = False
    for part in parts:
        # "".isdigit() is false; isascii refuses the other Unicode digits isdigit accepts.
        if not part.isdigit() or not part.isascii() or len(part) > 3:
            return None
        octet = int(part)
        if octet > 255:
            return None
        if len(part) > 1 and part[0] == "0":
            padded = True
        value = value << 8 | octet
    if not padded:
        return text, value
    return f"{value >> 24}.{value >> 16 & 255}.{value >> 8 & 255}.{value & 255}", value


def _parse_address(text: str) -> tuple[str, AddressType, AddressOrder] | None:
    """`canonical_address`, plus the canonical address's `placement_key` order, from one parse."""
    if ":" not in text:
        # The C parser accepts exactly the canonical dotted form (four decimal octets, no
        # leading zeros), which is nearly every address, at a fifth of the cost of splitting.
        try:
            return (text, AddressType.IPV4, (4, _from_bytes(_inet_pton(_AF_INET, text), "big")))
        except (OSError, ValueError):  # Not canonical (or a NUL, or not ASCII): the lenient parse decides.
            pass
        v4 = _ipv4_sloppy(text)
        return None if v4 is None else (v4[0], AddressType.IPV4, (4, v4[1]))
    if "%" in text:
        return None
    try:
        v6 = ipaddress.IPv6Address(text)
    except ValueError:
        return None
    mapped = v6.ipv4_mapped
    if mapped is not None:
        return (str(mapped), AddressType.IPV4, (4, int(mapped)))
    return (v6.compressed, AddressType.IPV6, (6, int(v6)))


def canonical_address(text: str, /) -> tuple[str, AddressType] | None:
    """Parse an IP leniently and print it as Go does, with its family.

    IPv4 octets may have leading zeros (``010.001.002.003`` is ``10.1.2.3``);
    IPv6 is printed lower-case and compressed; an IPv4-mapped IPv6 address
    counts as IPv4 and is printed dotted. Returns ``None`` when *text* is not
    an IP address.

    >>> canonical_address("010.001.002.003")
    ('10.1.2.3', <AddressType.IPV4: 'IPv4'>)
    >>> canonical_address("1234::5678:0000:0000:9ABC:def0")
    ('1234::5678:0:0:9abc:def0', <AddressType.IPV6: 'IPv6'>)
    >>> canonical_address("::ffff:192.0.2.1")
    ('192.0.2.1', <AddressType.IPV4: 'IPv4'>)
    >>> canonical_address("example.com") is None
    True
    """
    parsed = _parse_address(text)
    return None if parsed is None else (parsed[0], parsed[1])


def endpoint_identity(endpoint: Endpoint, /) -> EndpointIdentity:
    """Upstream's identity of an endpoint: what makes two endpoints "the same".

    It is the sorted addresses, the hostname (unset counts as ``""``) and the
    namespace and name of ``targetRef``. Conditions, node, zone and hints are
    not part of it, so changing them updates an endpoint in place; a Pod that
    reuses another Pod's IP is a different endpoint.

    >>> endpoint_identity(Endpoint(addresses=["10.0.0.2", "10.0.0.1"], hostname="a"))
    (('10.0.0.1', '10.0.0.2'), 'a', '', '')
    """
    addresses = endpoint.addresses
    if len(addresses) > 1:
        addresses = tuple(sorted(addresses))
    ref = endpoint.target_ref
    if ref is None:
        return (addresses, endpoint.hostname or "", "", "")
    return (addresses, endpoint.hostname or "", ref.namespace or "", ref.name or "")


def _ref_changed(a: ObjectReference | None, b: ObjectReference | None) -> bool:
    if a is None or b is None:
        return a is not b
    if a is b:
        return False
    # The Go fields are plain strings: unset and "" are the same value.
    return (a.kind or "", a.namespace or "", a.name or "", a.uid or "", a.api_version or "", a.field_path or "") != (
        b.kind or "",
        b.namespace or "",
        b.name or "",
        b.uid or "",
        b.api_version or "",
        b.field_path or "",
    )


def endpoint_changed(desired: Endpoint, existing: Endpoint, /) -> bool:
    """Whether two endpoints of the same identity differ enough to rewrite a slice.

    Upstream compares ``nodeName``, ``zone``, the three conditions (unset is
    different from false) and ``targetRef`` ignoring ``resourceVersion``.
    Hints are not compared here; they are reconciled separately.
    """
    if desired is existing:
        return False
    if desired.node_name != existing.node_name or desired.zone != existing.zone:
        return True
    if desired.conditions != existing.conditions:
        return True
    return _ref_changed(desired.target_ref, existing.target_ref)


#: The sort key of `placement_key`.
PlacementKey = tuple[str, str, tuple[AddressOrder, ...], str]


def _placement_key(ref: ObjectReference | None, order: tuple[AddressOrder, ...], hostname: str | None) -> PlacementKey:
    """`placement_key` from the orders `_parse_address` gave for the endpoint's (canonical) addresses.

    Building the desired state parses every address once; this reuses that parse rather than
    parsing the canonical text again, which cost more than the first parse did.
    """
    if ref is None:
        return ("", "", order, hostname or "")
    return (ref.namespace or "", ref.name or "", order, hostname or "")


def placement_key(endpoint: Endpoint, /) -> PlacementKey:
    """The order in which new endpoints are placed into slices (upstream picks at random).

    By target Pod namespace and name, then by addresses in numeric order
    (IPv4 before IPv6), then hostname. Invalid addresses sort last.
    """
    ref = endpoint.target_ref
    numeric: list[AddressOrder] = []
    for address in endpoint.addresses:
        try:
            ip = ipaddress.ip_address(address)
            numeric.append((ip.version, int(ip)))
        except ValueError:
            numeric.append((99, 0))
    return (
        (ref.namespace or "") if ref else "",
        (ref.name or "") if ref else "",
        tuple(numeric),
        endpoint.hostname or "",
    )


def port_group_key(ports: Iterable[EndpointPort] | None, /) -> PortGroupKey:
    """The order-insensitive key of a port set; ``None`` and ``()`` are the same.

    Unset names count as ``""`` and unset protocols as TCP, as the API server
    defaults them.
    """
    items = []
    for p in ports or ():
        protocol = default_protocol(p.protocol)
        items.append(
            (
                p.name or "",
                protocol.value if isinstance(protocol, Protocol) else protocol,
                p.port if p.port is not None else 0,
                p.app_protocol or "",
            )
        )
    return tuple(sorted(items))
