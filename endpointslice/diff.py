"""Endpoint-level differences between two sets of EndpointSlices.

Endpoints are matched by Service, address type and upstream's identity
(`endpointslice.packing.endpoint_identity`: addresses, hostname, target Pod),
wherever they sit, so repacking alone shows up only as slices rewritten,
never as endpoints added or removed. Slices are matched by namespace and name.

Example:
    >>> from endpointslice import Endpoint, EndpointConditions, EndpointSlice, ObjectMeta
    >>> def s(ready):
    ...     endpoint = Endpoint(addresses=("10.0.0.1",), conditions=EndpointConditions(ready=ready))
    ...     meta = ObjectMeta(name="web-1", namespace="ns")
    ...     return EndpointSlice(metadata=meta, address_type="IPv4", endpoints=(endpoint,))
    >>> print(diff([s(True)], [s(False)]).render())
    ~ slice ns/web-1 rewritten
    ~ endpoint 10.0.0.1 in ns/web-1: conditions.ready true -> false
    >>> bool(diff([s(True)], [s(True)]))
    False
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from ._frozen import FrozenDict
from .discovery import LABEL_SERVICE_NAME, Endpoint, EndpointConditions, EndpointPort, EndpointSlice
from .endpoints import Endpoints
from .enums import AddressType, wire_value
from .meta import ObjectMeta, ObjectReference
from .packing import EndpointIdentity, canonical_address, endpoint_identity, port_group_key

__all__ = [
    "VIEW_FIELDS",
    "Diff",
    "EndpointChange",
    "EndpointEntry",
    "FieldChange",
    "diff",
    "diff_views",
    "endpoints_as_slices",
]

#: (namespace, service name, address type, endpoint identity).
EndpointKey = tuple[str, str, str, EndpointIdentity]


@attrs.frozen(kw_only=True)
class EndpointEntry:
    """An endpoint and the slice holding it.

    Attributes:
        endpoint: The endpoint.
        slice: ``namespace/name`` of its slice (``namespace/<generateName>…`` when unnamed).
        address_type: The slice's address type.
    """

    endpoint: Endpoint
    slice: str
    address_type: str

    def describe(self) -> str:
        """``10.0.0.1 (pod ns/web-1)`` style label."""
        text = ",".join(self.endpoint.addresses) or "<no address>"
        if self.endpoint.hostname:
            text += f" hostname {self.endpoint.hostname}"
        ref = self.endpoint.target_ref
        if ref is not None and ref.name:
            text += f" ({(ref.kind or 'object').lower()} {ref.namespace or ''}/{ref.name})"
        return text


@attrs.frozen(kw_only=True)
class FieldChange:
    """One field that differs, in wire form (``conditions.ready``, ``zone``, ``hints``, ...)."""

    field: str
    before: Any
    after: Any

    def __str__(self) -> str:
        return f"{self.field} {_show(self.before)} -> {_show(self.after)}"


@attrs.frozen(kw_only=True)
class EndpointChange:
    """An endpoint present on both sides whose fields differ (or that moved slice)."""

    before: EndpointEntry
    after: EndpointEntry
    fields: tuple[FieldChange, ...]


@attrs.frozen(kw_only=True)
class Diff:
    """What differs between two sets of slices.

    Attributes:
        added: Endpoints only in the new set.
        removed: Endpoints only in the old set.
        changed: Endpoints in both whose fields differ.
        slices_created: Slices only in the new set (``namespace/name``).
        slices_deleted: Slices only in the old set.
        slices_rewritten: Slices in both whose content differs (server-set metadata ignored).
    """

    added: tuple[EndpointEntry, ...] = ()
    removed: tuple[EndpointEntry, ...] = ()
    changed: tuple[EndpointChange, ...] = ()
    slices_created: tuple[str, ...] = ()
    slices_deleted: tuple[str, ...] = ()
    slices_rewritten: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        """True when anything differs."""
        return any(attrs.astuple(self, recurse=False))

    def render(self) -> str:
        """One line per difference: ``+`` added or created, ``-`` removed or deleted, ``~`` changed."""
        lines = [f"+ slice {n} created" for n in self.slices_created]
        lines += [f"- slice {n} deleted" for n in self.slices_deleted]
        lines += [f"~ slice {n} rewritten" for n in self.slices_rewritten]
        lines += [f"+ endpoint {e.describe()} in {e.slice}" for e in self.added]
        lines += [f"- endpoint {e.describe()} from {e.slice}" for e in self.removed]
        for change in self.changed:
            what = ", ".join(str(f) for f in change.fields)
            lines.append(f"~ endpoint {change.after.describe()} in {change.after.slice}: {what}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The diff as JSON data."""
        from .io import to_dict  # io pulls in the loader; only this method needs it.

        def entry(e: EndpointEntry) -> dict[str, Any]:
            return {"slice": e.slice, "addressType": e.address_type, "endpoint": to_dict(e.endpoint)}

        return {
            "slicesCreated": list(self.slices_created),
            "slicesDeleted": list(self.slices_deleted),
            "slicesRewritten": list(self.slices_rewritten),
            "added": [entry(e) for e in self.added],
            "removed": [entry(e) for e in self.removed],
            "changed": [
                {
                    "before": entry(c.before),
                    "after": entry(c.after),
                    "fields": [
                        {"field": f.field, "before": _plain(f.before), "after": _plain(f.after)} for f in c.fields
                    ],
                }
                for c in self.changed
            ],
        }


def _plain(value: Any) -> Any:
    if attrs.has(type(value)):
        from .io import to_dict  # See Diff.to_dict.

        return to_dict(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, AddressType):
        return value.value
    return value


def _show(value: Any) -> str:
    if value is None:
        return "<unset>"
    if isinstance(value, bool):
        return "true" if value else "false"
    plain = _plain(value)
    if isinstance(plain, (dict, list)):
        return repr(plain)
    return str(plain)


def _slice_id(eps: EndpointSlice, index: int) -> str:
    meta = eps.metadata
    name = meta.name or f"{meta.generate_name or ''}<new {index}>"
    return f"{meta.namespace or ''}/{name}"


_SERVER_SET = {
    "resource_version": None,
    "generation": None,
    "uid": None,
    "creation_timestamp": None,
    "managed_fields": None,
    "self_link": None,
}


def _content(eps: EndpointSlice) -> EndpointSlice:
    return attrs.evolve(eps, metadata=attrs.evolve(eps.metadata, **_SERVER_SET))


def _index(
    slices: Iterable[EndpointSlice],
) -> tuple[dict[str, EndpointSlice], dict[EndpointKey, tuple[EndpointEntry, Any]]]:
    by_name: dict[str, EndpointSlice] = {}
    endpoints: dict[EndpointKey, tuple[EndpointEntry, Any]] = {}
    for i, eps in enumerate(slices):
        sid = _slice_id(eps, i)
        by_name.setdefault(sid, eps)
        at = wire_value(eps.address_type)
        service = eps.metadata.label(LABEL_SERVICE_NAME) or ""
        ports = port_group_key(eps.ports)
        for endpoint in eps.endpoints or ():
            key = (eps.metadata.namespace or "", service, at, endpoint_identity(endpoint))
            endpoints.setdefault(
                key, (EndpointEntry(endpoint=endpoint, slice=sid, address_type=at), (eps.ports, ports))
            )
    return by_name, endpoints


def _conditions(before: Endpoint, after: Endpoint) -> list[FieldChange]:
    out = []
    for name in ("ready", "serving", "terminating"):
        a, b = getattr(before.conditions, name), getattr(after.conditions, name)
        if a != b:
            out.append(FieldChange(field=f"conditions.{name}", before=a, after=b))
    return out


def _ref_key(ref: ObjectReference | None) -> tuple[str, ...] | None:
    if ref is None:
        return None
    return (ref.kind or "", ref.namespace or "", ref.name or "", ref.uid or "")


def _view_fields(before: tuple[EndpointEntry, Any], after: tuple[EndpointEntry, Any]) -> tuple[FieldChange, ...]:
    a, b = before[0].endpoint, after[0].endpoint
    out = []
    if a.conditions.effective_ready != b.conditions.effective_ready:
        out.append(FieldChange(field="conditions.ready", before=a.conditions.ready, after=b.conditions.ready))
    if a.addresses != b.addresses:
        out.append(FieldChange(field="addresses", before=a.addresses, after=b.addresses))
    if (a.node_name or None) != (b.node_name or None):
        out.append(FieldChange(field="nodeName", before=a.node_name, after=b.node_name))
    if _ref_key(a.target_ref) != _ref_key(b.target_ref):
        out.append(FieldChange(field="targetRef", before=a.target_ref, after=b.target_ref))
    if before[1][1] != after[1][1]:
        out.append(FieldChange(field="ports", before=before[1][0], after=after[1][0]))
    return tuple(out)


def _fields(before: tuple[EndpointEntry, Any], after: tuple[EndpointEntry, Any]) -> tuple[FieldChange, ...]:
    a, b = before[0].endpoint, after[0].endpoint
    out = _conditions(a, b)
    for attr, wire in (
        ("addresses", "addresses"),
        ("node_name", "nodeName"),
        ("zone", "zone"),
        ("hints", "hints"),
        ("target_ref", "targetRef"),
        ("deprecated_topology", "deprecatedTopology"),
    ):
        x, y = getattr(a, attr), getattr(b, attr)
        if x != y:
            out.append(FieldChange(field=wire, before=x, after=y))
    if before[1][1] != after[1][1]:
        out.append(FieldChange(field="ports", before=before[1][0], after=after[1][0]))
    if before[0].slice != after[0].slice:
        out.append(FieldChange(field="slice", before=before[0].slice, after=after[0].slice))
    return tuple(out)


def endpoints_as_slices(endpoints: Endpoints, /) -> tuple[EndpointSlice, ...]:
    """A core/v1 Endpoints object as slices, one per subset and family, for `diff_views`.

    Each address becomes an endpoint with ``conditions.ready`` (true for
    ``addresses``, false for ``notReadyAddresses``), its hostname, nodeName
    and targetRef; its IP is canonicalised (an invalid one is kept as is). The
    slices are named ``<name>.subsets[<i>]`` and carry the subset's ports.
    """
    meta = endpoints.metadata
    labels: FrozenDict[str, str] = FrozenDict({LABEL_SERVICE_NAME: meta.name or ""})
    out = []
    for i, subset in enumerate(endpoints.subsets or ()):
        by_family: dict[str, list[Endpoint]] = {}
        for addresses, ready in ((subset.addresses, True), (subset.not_ready_addresses, False)):
            for address in addresses or ():
                parsed = canonical_address(address.ip)
                ip, family = parsed if parsed is not None else (address.ip, AddressType.IPV4)
                by_family.setdefault(family.value, []).append(
                    Endpoint(
                        addresses=(ip,),
                        conditions=EndpointConditions(ready=ready),
                        hostname=address.hostname or None,
                        node_name=address.node_name or None,
                        target_ref=address.target_ref,
                    )
                )
        ports = tuple(
            EndpointPort(name=p.name or "", port=p.port, protocol=p.protocol, app_protocol=p.app_protocol)
            for p in subset.ports or ()
        )
        for family_name, found in sorted(by_family.items()):
            out.append(
                EndpointSlice(
                    metadata=ObjectMeta(
                        name=f"{meta.name or ''}.subsets[{i}]", namespace=meta.namespace, labels=labels
                    ),
                    address_type=family_name,
                    ports=ports,
                    endpoints=tuple(found),
                )
            )
    return tuple(out)


#: The endpoint fields an Endpoints object and a slice both carry: what `diff_views` compares.
VIEW_FIELDS = ("addresses", "conditions.ready", "nodeName", "targetRef", "ports")


def diff_views(old: Iterable[EndpointSlice | Endpoints], new: Iterable[EndpointSlice | Endpoints], /) -> Diff:
    """Compare two views of the same Services, each made of slices and/or Endpoints objects.

    Endpoints objects are turned into slices with `endpoints_as_slices`. Only the
    endpoint fields both kinds carry are compared (`VIEW_FIELDS`; readiness as
    consumers read it, unset counting as ready; targetRef without
    resourceVersion), and slices are not compared at all, since the two kinds
    group endpoints differently.
    """

    def slices(items: Iterable[EndpointSlice | Endpoints]) -> list[EndpointSlice]:
        out: list[EndpointSlice] = []
        for item in items:
            out.extend(endpoints_as_slices(item) if isinstance(item, Endpoints) else (item,))
        return out

    return _diff(slices(old), slices(new), views=True)


def diff(old: Iterable[EndpointSlice], new: Iterable[EndpointSlice], /) -> Diff:
    """Compare two sets of slices endpoint by endpoint.

    Args:
        old: The slices before.
        new: The slices after.

    Returns:
        A `Diff`; it is false when nothing differs. Endpoints that only moved
        between slices are reported as changed with the field ``slice``.
    """
    return _diff(old, new, views=False)


def _diff(old: Iterable[EndpointSlice], new: Iterable[EndpointSlice], *, views: bool) -> Diff:
    old_slices, old_eps = _index(old)
    new_slices, new_eps = _index(new)
    if views:
        old_slices, new_slices = {}, {}
    created = tuple(n for n in new_slices if n not in old_slices)
    deleted = tuple(n for n in old_slices if n not in new_slices)
    rewritten = tuple(
        n for n, eps in new_slices.items() if n in old_slices and _content(old_slices[n]) != _content(eps)
    )
    added = tuple(entry for key, (entry, _) in new_eps.items() if key not in old_eps)
    removed = tuple(entry for key, (entry, _) in old_eps.items() if key not in new_eps)
    changed = []
    for key, after in new_eps.items():
        before = old_eps.get(key)
        if before is None:
            continue
        fields = _view_fields(before, after) if views else _fields(before, after)
        if fields:
            changed.append(EndpointChange(before=before[0], after=after[0], fields=fields))
    return Diff(
        added=added,
        removed=removed,
        changed=tuple(changed),
        slices_created=created,
        slices_deleted=deleted,
        slices_rewritten=rewritten,
    )
