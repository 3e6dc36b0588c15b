"""Names for new EndpointSlices: ``generateName`` as the controller does, or deterministic names.

Example:
    >>> NameStrategy("ordinal"), generate_name_prefix("web")
    (<NameStrategy.ORDINAL: 'ordinal'>, 'web-')
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, cast

import attrs

from .discovery import EndpointSlice
from .enums import AddressType
from .identity import endpoint_identity, port_group_key

__all__ = ["NameStrategy", "generate_name_prefix", "name_slices"]


_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


class NameStrategy(enum.Enum):
    """How new slices are named.

    * ``GENERATE``: ``metadata.generateName: <service>-``, as the controller
      does; the API server appends five random characters.
    * ``ORDINAL``: ``<service>-<n>``, the smallest ``n >= 1`` not in use.
    * ``HASH``: ``<service>-<10 hex digits>``, a stable hash of the slice's
      address type, ports and endpoint identities at creation.
    """

    GENERATE = "generate"
    ORDINAL = "ordinal"
    HASH = "hash"


def generate_name_prefix(service_name: str, /) -> str:
    """``<name>-``, or ``<name>`` when the dash would not be a valid DNS-subdomain prefix."""
    prefix = service_name + "-"
    # Prefix validation accepts a trailing dash: check the name as if it continued.
    if len(prefix) > 253 or not _DNS_SUBDOMAIN.match(prefix + "a"):
        return service_name
    return prefix


def _hash_name(service_name: str, eps: EndpointSlice, salt: int) -> str:
    digest = hashlib.sha256()
    at = eps.address_type
    digest.update(
        f"{eps.metadata.namespace}\0{service_name}\0{at.value if isinstance(at, AddressType) else at}\0".encode()
    )
    digest.update(repr(port_group_key(eps.ports)).encode())
    for identity in sorted(endpoint_identity(e) for e in eps.endpoints or ()):
        digest.update(repr(identity).encode())
    digest.update(str(salt).encode())
    return digest.hexdigest()[:10]


def _with_suffix(service_name: str, suffix: str) -> str:
    return f"{service_name[: 63 - len(suffix) - 1]}-{suffix}"


def name_slices(
    slices: Sequence[EndpointSlice],
    strategy: NameStrategy,
    /,
    *,
    service_name: str,
    taken: Iterable[str] = (),
) -> tuple[EndpointSlice, ...]:
    """Name new slices by *strategy*; slices that already have a name keep it.

    Args:
        slices: New slices (with ``generateName``).
        strategy: `NameStrategy`; ``GENERATE`` returns *slices* unchanged.
        service_name: The Service name, the names' base.
        taken: Names already in use (existing slices), never reused.

    Returns:
        The slices; with ``ORDINAL`` or ``HASH`` each has ``metadata.name``
        and no ``generateName``.
    """
    if strategy is NameStrategy.GENERATE:
        return tuple(slices)
    # A set-like *taken* (such as a dict's keys) is consulted in place rather than copied, so
    # naming one new slice costs no more than the names it tries, however many slices exist.
    others = taken if isinstance(taken, AbstractSet) else set(taken)
    used = {s.metadata.name for s in slices if s.metadata.name}
    out = []
    ordinal = 0
    for eps in slices:
        if eps.metadata.name:
            out.append(eps)
            continue
        if strategy is NameStrategy.ORDINAL:
            while True:
                ordinal += 1
                name = _with_suffix(service_name, str(ordinal))
                if name not in used and name not in others:
                    break
        else:
            salt = 0
            while True:
                name = _with_suffix(service_name, _hash_name(service_name, eps, salt))
                if name not in used and name not in others:
                    break
                salt += 1
        used.add(name)
        metadata = attrs.evolve(cast("Any", eps.metadata), name=name, generate_name=None)
        out.append(cast("EndpointSlice", attrs.evolve(cast("Any", eps), metadata=metadata)))
    return tuple(out)
