"""The canonical form of core/v1 Endpoints subsets, and the 1000-address cap.

Two pieces of the Endpoints controller that other code builds on:

* `repack_subsets` rewrites any list of subsets into the one canonical layout
  (upstream ``RepackSubsets``): every address once per port, grouped so that
  ports offered by exactly the same addresses share a subset;
* `truncate_subsets` and `truncate_endpoints` apply the controller's cap of
  1000 addresses per Endpoints object, preferring ready addresses, and keep the
  ``endpoints.kubernetes.io/over-capacity`` annotation in step.

Upstream orders ports and subsets by a hash of their Go debug print. That
order carries no meaning, so here both are sorted by their fields instead
(see ``docs/repack.md``); addresses keep upstream's order (IP string, then
target UID).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import attrs

from ._frozen import FrozenDict
from .endpoints import ANNOTATION_OVER_CAPACITY, EndpointAddress, Endpoints, EndpointsPort, EndpointSubset
from .enums import Protocol

__all__ = [
    "MAX_ENDPOINTS_ADDRESSES",
    "OVER_CAPACITY_TRUNCATED",
    "Truncation",
    "address_sort_key",
    "default_protocols",
    "port_sort_key",
    "repack_subsets",
    "truncate_endpoints",
    "truncate_subsets",
]

#: The most addresses (ready and not ready together) the Endpoints controller writes.
MAX_ENDPOINTS_ADDRESSES = 1000
#: The value of the over-capacity annotation on a truncated Endpoints object.
OVER_CAPACITY_TRUNCATED = "truncated"

# Addresses of a subset without ports are filed under this stand-in port so
# that they survive the regrouping; it never appears in the output.
_NO_PORT = EndpointsPort(name="", port=-1)

_AddressKey = tuple[str, str]
# name, number, protocol, appProtocol, and which occurrence (-1: any) for ports that never merge.
_PortKey = tuple[str, int, str, str, int]


def _address_key(address: EndpointAddress) -> _AddressKey:
    # Upstream identifies an address by IP and target UID; no target and a
    # target without UID are the same.
    ref = address.target_ref
    return (address.ip, (ref.uid or "") if ref is not None else "")


def _protocol_text(protocol: Protocol | str | None) -> str:
    if protocol is None:
        return ""
    return protocol.value if isinstance(protocol, Protocol) else protocol


def _port_key(port: EndpointsPort, occurrence: int = -1) -> _PortKey:
    return (port.name or "", port.port, _protocol_text(port.protocol), port.app_protocol or "", occurrence)


def address_sort_key(address: EndpointAddress, /) -> tuple[str, bool, str]:
    """Upstream's address order: IP string (bytewise), then target UID, no target first."""
    ref = address.target_ref
    return (address.ip, ref is not None, (ref.uid or "") if ref is not None else "")


def port_sort_key(port: EndpointsPort, /) -> tuple[str, int, str, str]:
    """The port order used here: name, number, protocol, appProtocol."""
    return (port.name or "", port.port, _protocol_text(port.protocol), port.app_protocol or "")


def _subset_sort_key(subset: EndpointSubset) -> tuple[object, ...]:
    return (
        tuple(port_sort_key(p) for p in subset.ports or ()),
        tuple(address_sort_key(a) for a in subset.addresses or ()),
        tuple(address_sort_key(a) for a in subset.not_ready_addresses or ()),
    )


def default_protocols(subsets: tuple[EndpointSubset, ...] | None) -> tuple[EndpointSubset, ...] | None:
    """Apply the apiserver's only Endpoints defaulting: a port without protocol gets TCP.

    Repack after this, as the controllers work on stored (defaulted) objects.

    A stored Endpoints always has it; a manifest may not, and without it
    ``port: 80`` and ``port: 80, protocol: TCP`` would repack as two port sets,
    so one address could be ready in one and not ready in the other.
    """
    if not subsets:
        return subsets
    return tuple(
        attrs.evolve(
            subset,
            ports=tuple(p if p.protocol is not None else attrs.evolve(p, protocol=Protocol.TCP) for p in subset.ports),
        )
        if subset.ports and any(p.protocol is None for p in subset.ports)
        else subset
        for subset in subsets
    )


def repack_subsets(subsets: Iterable[EndpointSubset] | None, /, *, decoded: bool = False) -> tuple[EndpointSubset, ...]:
    """Rewrite *subsets* into the canonical layout.

    * Each address is identified by its IP and target UID; the first full
      address object seen for an identity is the one kept.
    * Per port, an address listed as both ready and not ready is not ready.
    * Ports offered by exactly the same addresses (with the same readiness)
      share one subset.
    * A port with no addresses disappears; addresses of a subset without
      ports come out in a subset without ports.
    * Addresses are sorted by IP string, then target UID; ports by name,
      number, protocol, appProtocol; subsets by their ports, then addresses.

    With *decoded* (subsets read from the API, as the mirroring controller
    repacks them), a port with ``appProtocol`` never merges with a port of
    another subset: upstream files ports in a map keyed by the Go struct, whose
    ``appProtocol`` is a pointer, and every decoded port has a pointer of its
    own. Ports the Endpoints controller builds share their Service port's
    pointer, so for them (the default) equal ports merge.

    Args:
        subsets: The subsets of an Endpoints object, in any layout.
        decoded: Whether *subsets* were decoded from the API (see above).

    Returns:
        The canonical subsets (empty when nothing has an address).

    >>> from endpointslice import EndpointAddress, EndpointsPort, EndpointSubset
    >>> http = EndpointsPort(name="http", port=80)
    >>> packed = repack_subsets([
    ...     EndpointSubset(addresses=[EndpointAddress(ip="10.0.0.2")], ports=[http]),
    ...     EndpointSubset(not_ready_addresses=[EndpointAddress(ip="10.0.0.2")], ports=[http]),
    ...     EndpointSubset(addresses=[EndpointAddress(ip="10.0.0.1")], ports=[http]),
    ... ])
    >>> [a.ip for a in packed[0].addresses], [a.ip for a in packed[0].not_ready_addresses]
    (['10.0.0.1'], ['10.0.0.2'])
    """
    first_seen: dict[_AddressKey, EndpointAddress] = {}
    ports: dict[_PortKey, EndpointsPort] = {}
    # port key -> address key -> ready
    readiness: dict[_PortKey, dict[_AddressKey, bool]] = {}

    def note(port_key: _PortKey, address: EndpointAddress, ready: bool) -> None:
        key = _address_key(address)
        first_seen.setdefault(key, address)
        per_port = readiness.setdefault(port_key, {})
        # Not ready wins over ready; ready never overwrites not ready.
        if per_port.get(key, True):
            per_port[key] = ready

    for index, subset in enumerate(subsets or ()):
        subset_ports = subset.ports or (_NO_PORT,)
        for port in subset_ports:
            port_key = _port_key(port, index if decoded and port.app_protocol is not None else -1)
            ports.setdefault(port_key, port)
            for address in subset.addresses or ():
                note(port_key, address, True)
            for address in subset.not_ready_addresses or ():
                note(port_key, address, False)

    # Group ports by the exact set of (address, readiness) pairs they offer.
    groups: dict[frozenset[tuple[_AddressKey, bool]], list[EndpointsPort]] = {}
    for port_key, per_port in readiness.items():
        groups.setdefault(frozenset(per_port.items()), []).append(ports[port_key])

    out: list[EndpointSubset] = []
    for members, group_ports in groups.items():
        ready = sorted((first_seen[k] for k, r in members if r), key=address_sort_key)
        not_ready = sorted((first_seen[k] for k, r in members if not r), key=address_sort_key)
        real_ports = sorted((p for p in group_ports if p is not _NO_PORT), key=port_sort_key)
        out.append(
            EndpointSubset(
                addresses=tuple(ready) or None,
                not_ready_addresses=tuple(not_ready) or None,
                ports=tuple(real_ports) or None,
            )
        )
    out.sort(key=_subset_sort_key)
    return tuple(out)


@attrs.frozen(kw_only=True)
class Truncation:
    """The result of `truncate_subsets`.

    Attributes:
        subsets: The subsets after truncation (the input when nothing was cut).
        truncated: Whether the input held more addresses than the limit.
    """

    subsets: tuple[EndpointSubset, ...]
    truncated: bool


def _take(addresses: tuple[EndpointAddress, ...] | None, count: int) -> tuple[EndpointAddress, ...] | None:
    if addresses is None or len(addresses) <= count:
        return addresses
    return addresses[:count] or None


def truncate_subsets(
    subsets: Sequence[EndpointSubset] | None,
    /,
    *,
    limit: int = MAX_ENDPOINTS_ADDRESSES,
) -> Truncation:
    """Cut *subsets* down to *limit* addresses the way the Endpoints controller does.

    Nothing changes while ready plus not-ready addresses number at most
    *limit*. Above it, ready addresses are preferred:

    * more than *limit* ready addresses: only ready addresses are kept, and
      *limit* is shared between the subsets in proportion to their ready
      counts; every not-ready list is emptied;
    * otherwise every ready address is kept and the remaining room is shared
      in proportion to the not-ready counts.

    Each subset, in order, gets ``ceil(count / total * budget)`` addresses
    (computed in floating point, as upstream), capped by what is left of the
    budget, and keeps the first ones of its list.

    Args:
        subsets: The subsets, normally already in canonical form.
        limit: The cap; the controller uses 1000.

    Returns:
        The subsets and whether anything was cut.
    """
    items = tuple(subsets or ())
    total_ready = sum(len(s.addresses or ()) for s in items)
    total_not_ready = sum(len(s.not_ready_addresses or ()) for s in items)
    if total_ready + total_not_ready <= limit:
        return Truncation(subsets=items, truncated=False)

    cut_ready = total_ready > limit
    budget = limit if cut_ready else limit - total_ready
    total = total_ready if cut_ready else total_not_ready
    remaining = budget
    out: list[EndpointSubset] = []
    for subset in items:
        count = len(subset.addresses or ()) if cut_ready else len(subset.not_ready_addresses or ())
        share = min(math.ceil((count / total) * budget), remaining)
        if cut_ready:
            ready = _take(subset.addresses, share)
            not_ready = None
            remaining -= len(ready or ())
        else:
            ready = subset.addresses
            not_ready = _take(subset.not_ready_addresses, share)
            remaining -= len(not_ready or ())
        out.append(EndpointSubset(addresses=ready, not_ready_addresses=not_ready, ports=subset.ports))
    return Truncation(subsets=tuple(out), truncated=True)


def truncate_endpoints(endpoints: Endpoints, /, *, limit: int = MAX_ENDPOINTS_ADDRESSES) -> Endpoints:
    """Apply `truncate_subsets` to *endpoints* and set or clear the over-capacity annotation.

    The annotation ``endpoints.kubernetes.io/over-capacity`` is set to
    ``truncated`` when addresses were cut (whatever value it had), and
    removed otherwise. An annotation map left empty becomes absent.

    >>> from endpointslice import Endpoints, ObjectMeta
    >>> ep = Endpoints(metadata=ObjectMeta(name="web", annotations={
    ...     "endpoints.kubernetes.io/over-capacity": "truncated"}))
    >>> truncate_endpoints(ep).metadata.annotations is None
    True
    """
    result = truncate_subsets(endpoints.subsets, limit=limit)
    annotations = dict(endpoints.metadata.annotations or {})
    if result.truncated:
        annotations[ANNOTATION_OVER_CAPACITY] = OVER_CAPACITY_TRUNCATED
    else:
        annotations.pop(ANNOTATION_OVER_CAPACITY, None)
    metadata = attrs.evolve(endpoints.metadata, annotations=FrozenDict(annotations) if annotations else None)
    subsets = result.subsets if result.truncated else endpoints.subsets
    return Endpoints(metadata=metadata, subsets=subsets)
