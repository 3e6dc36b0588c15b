"""The upstream EndpointSlice controller's reconcile: existing slices + desired endpoints -> a `Plan`.

`reconcile` reproduces ``reconciler.go`` of ``k8s.io/endpointslice``
(Kubernetes 1.37) step by step, with deterministic rules where upstream
depends on Go map order. See ``docs/how-packing-works.md`` for the algorithm
and the rules.

Example:
    >>> from endpointslice import Endpoint, ObjectMeta, Service, ServicePort, ServiceSpec
    >>> svc = Service(metadata=ObjectMeta(name="db", namespace="default", uid="u1"),
    ...               spec=ServiceSpec(ports=[ServicePort(name="pg", port=5432)]))
    >>> eps = [Endpoint(addresses=[f"192.0.2.{i}"]) for i in range(1, 4)]
    >>> plan = reconcile(svc, eps, [], managed_by="me")
    >>> plan.write_count, [len(s.endpoints or ()) for s in plan.creates]
    (1, [3])
    >>> reconcile(svc, eps, plan.apply([]), managed_by="me").write_count
    0
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from operator import attrgetter
from typing import Any

import attrs

from . import _gc
from ._frozen import FrozenDict
from .discovery import LABEL_MANAGED_BY, LABEL_SERVICE_NAME, Endpoint, EndpointSlice
from .enums import AddressType, TrafficDistribution, wire_value
from .packing import (
    ANNOTATION_TRIGGER_TIME,
    CONTROLLER_NAME,
    DEFAULT_MAX_ENDPOINTS_PER_SLICE,
    RESERVED_LABELS,
    DesiredState,
    EndpointGroup,
    EndpointIdentity,
    EndpointsInput,
    NameStrategy,
    PortGroupKey,
    SkippedPod,
    _check_max,
    _namespace,
    apply_hints,
    desired_from_endpoints,
    endpoint_changed,
    endpoint_fingerprint,
    endpoint_identity,
    hints_mode,
    hints_need_update,
    is_owned_by,
    name_slices,
    new_slice,
    port_group_key,
    slice_labels,
)
from .service import Service
from .topology import auto_hints

__all__ = [
    "Plan",
    "SliceUpdate",
    "is_managed_slice",
    "placeholder_equal",
    "reconcile",
    "simulate_generated_names",
]

_GENERATED_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
_HINTS = attrgetter("hints")


@attrs.frozen(kw_only=True)
class SliceUpdate:
    """One update: the slice as it was and as it will be written.

    Attributes:
        previous: The existing slice (for a recycled create, the slice whose name it takes).
        slice: The slice to write, under ``previous``'s name.
    """

    previous: EndpointSlice
    slice: EndpointSlice


def _size(eps: EndpointSlice) -> int:
    from .io import to_dict  # io imports the whole loader; only sizes need it.

    return len(json.dumps(to_dict(eps), separators=(",", ":")).encode())


def _describe_name(eps: EndpointSlice) -> str:
    if eps.metadata.name:
        return eps.metadata.name
    return f"{eps.metadata.generate_name or ''}<generated>"


def _count(eps: EndpointSlice) -> int:
    return len(eps.endpoints or ())


@attrs.frozen(kw_only=True)
class Plan:
    """The writes that bring the existing slices to the desired state.

    Upstream issues them per address type (in sorted order here): that
    type's creates, then its updates, then its deletes; the deletes of
    unsupported address types come last. The tuples keep that order.

    Attributes:
        creates: New slices (named, or with ``generateName``).
        updates: Rewritten slices, each with its previous version.
        deletes: Slices to delete.
        skipped: Pods that were skipped while computing the desired state.
    """

    creates: tuple[EndpointSlice, ...] = ()
    updates: tuple[SliceUpdate, ...] = ()
    deletes: tuple[EndpointSlice, ...] = ()
    skipped: tuple[SkippedPod, ...] = ()

    @property
    def write_count(self) -> int:
        """The number of API writes: creates + updates + deletes."""
        return len(self.creates) + len(self.updates) + len(self.deletes)

    @property
    def bytes_written(self) -> int:
        """The size of the JSON bodies sent: every create and update (compact JSON); deletes send none."""
        return sum(_size(s) for s in self.creates) + sum(_size(u.slice) for u in self.updates)

    def __bool__(self) -> bool:
        """A plan is true when it writes anything."""
        return self.write_count > 0

    def summary(self) -> str:
        """A readable account of the plan, one line per write.

        >>> print(Plan().summary())
        no changes
        """
        if not self:
            return "no changes"
        head = f"{len(self.creates)} to create, {len(self.updates)} to update, {len(self.deletes)} to delete"
        lines = [f"{head} ({self.write_count} writes, {self.bytes_written} bytes)"]
        for eps in self.creates:
            lines.append(f"  create {_describe_name(eps)} {wire_value(eps.address_type)}: {_count(eps)} endpoints")
        for update in self.updates:
            before = {endpoint_identity(e): e for e in update.previous.endpoints or ()}
            after = {endpoint_identity(e): e for e in update.slice.endpoints or ()}
            added = len(after.keys() - before.keys())
            removed = len(before.keys() - after.keys())
            changed = sum(1 for k in after.keys() & before.keys() if after[k] != before[k])
            lines.append(
                f"  update {_describe_name(update.slice)} {wire_value(update.slice.address_type)}: "
                f"{_count(update.previous)} -> {_count(update.slice)} endpoints "
                f"(+{added} -{removed} ~{changed})"
            )
        for eps in self.deletes:
            lines.append(f"  delete {_describe_name(eps)} {wire_value(eps.address_type)}: {_count(eps)} endpoints")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON data: full objects for every create, update (with ``previous``) and delete."""
        from .io import to_dict  # See _size.

        return {
            "creates": [to_dict(s) for s in self.creates],
            "updates": [{"previous": to_dict(u.previous), "slice": to_dict(u.slice)} for u in self.updates],
            "deletes": [to_dict(s) for s in self.deletes],
            "writeCount": self.write_count,
            "bytesWritten": self.bytes_written,
        }

    def apply(self, existing: Iterable[EndpointSlice], /, *, simulate_names: bool = True) -> list[EndpointSlice]:
        """The slices after the plan is carried out, as the API server would hold them.

        Deleted slices go, updated ones are replaced (by name), created ones are
        appended. Slices the plan does not mention are kept as they are.

        Args:
            existing: The slices the plan was computed against.
            simulate_names: Give a create with only ``generateName`` a name the
                way the API server makes one, but deterministically (see
                `simulate_generated_names`); when false it is kept unnamed.
        """
        existing = list(existing)
        deleted = {s.metadata.name for s in self.deletes}
        updated = {u.slice.metadata.name: u.slice for u in self.updates}
        out = []
        for eps in existing:
            name = eps.metadata.name
            if name in deleted:
                continue
            out.append(updated.pop(name, eps))
        out.extend(updated.values())
        if not simulate_names:
            return [*out, *self.creates]
        taken = {s.metadata.name for s in out if s.metadata.name}
        out.extend(simulate_generated_names(self.creates, taken=taken))
        return out


def simulate_generated_names(slices: Sequence[EndpointSlice], /, *, taken: Iterable[str] = ()) -> list[EndpointSlice]:
    """Give each slice that has only ``generateName`` a name, as the API server would.

    The API server appends five random characters from
    ``bcdfghjklmnpqrstvwxz2456789`` to the prefix cut to 58 characters; here the
    characters come from a hash of the prefix, the slice's position and its
    number of endpoints, so the result is reproducible. A name in *taken* is
    avoided by hashing again with a salt and the identity of the slice's first
    endpoint, so that slices of equal size rarely try the same names.
    """
    # As in `name_slices`: a set-like *taken* is consulted in place, not copied.
    others = taken if isinstance(taken, AbstractSet) else set(taken)
    used: set[str] = set()
    out = []
    for i, eps in enumerate(slices):
        if eps.metadata.name or not eps.metadata.generate_name:
            out.append(eps)
            continue
        prefix = eps.metadata.generate_name[:58]
        name = _generated(prefix, f"{i}\0{0}\0{_count(eps)}")
        if name in used or name in others:
            # Taken: later tries also hash the first endpoint's identity. Without it, every new
            # slice of one endpoint tried the same names in turn and stepped past each one
            # already taken, so creating n of them cost n squared (4,000 Pods rolled: 15 s).
            # The first try stays as it was, so names that did not collide do not change.
            first = (eps.endpoints or ())[:1]
            seed = "\1".join(_identity_text(endpoint_identity(e)) for e in first)
            salt = 1
            while True:
                name = _generated(prefix, f"{i}\0{salt}\0{_count(eps)}\0{seed}")
                if name not in used and name not in others:
                    break
                salt += 1
        used.add(name)
        out.append(attrs.evolve(eps, metadata=attrs.evolve(eps.metadata, name=name)))
    return out


def _generated(prefix: str, key: str) -> str:
    digest = hashlib.sha256(f"{prefix}\0{key}".encode()).digest()
    return prefix + "".join(_GENERATED_ALPHABET[b % len(_GENERATED_ALPHABET)] for b in digest[:5])


def _identity_text(identity: EndpointIdentity) -> str:
    addresses, hostname, namespace, name = identity
    return "\2".join((*addresses, hostname, namespace, name))


def is_managed_slice(eps: EndpointSlice, service: Service, /, *, managed_by: str = CONTROLLER_NAME) -> bool:
    """Whether the reconciler considers *eps* at all.

    Like the controller's lister: same namespace, labels
    ``kubernetes.io/service-name=<service>`` and ``managed-by=<managed_by>``,
    and no ``deletionTimestamp``. Every other slice is left alone.
    """
    meta = eps.metadata
    return (
        _namespace(meta) == _namespace(service.metadata)
        and meta.label(LABEL_SERVICE_NAME) == service.metadata.name
        and meta.label(LABEL_MANAGED_BY) == managed_by
        and meta.deletion_timestamp is None
    )


def placeholder_equal(existing: EndpointSlice, placeholder: EndpointSlice, /) -> bool:
    """Upstream's placeholder comparison: is *existing* already the placeholder?

    Nil and empty lists and maps are equal; of the metadata only the namespace,
    the labels and every field of the ownerReferences count.
    """
    a, b = existing.metadata, placeholder.metadata
    return (
        _namespace(a) == _namespace(b)
        and dict(a.labels or {}) == dict(b.labels or {})
        and (a.owner_references or ()) == (b.owner_references or ())
        and existing.address_type == placeholder.address_type
        and (existing.endpoints or ()) == (placeholder.endpoints or ())
        and (existing.ports or ()) == (placeholder.ports or ())
    )


def _with_annotation(eps: EndpointSlice, trigger_time: str | None) -> EndpointSlice:
    current = eps.metadata.annotations
    if trigger_time is None:
        if current is None or ANNOTATION_TRIGGER_TIME not in current:
            return eps
        annotations: FrozenDict[str, str] | None = current.delete(ANNOTATION_TRIGGER_TIME)
        # Upstream deletes the key from its map, and an empty map is left out of the JSON it
        # sends: the slice it writes has no annotations at all, not `annotations: {}`.
        if not annotations:
            annotations = None
    else:
        if current is not None and current.get(ANNOTATION_TRIGGER_TIME) == trigger_time:
            return eps
        annotations = (current or FrozenDict()).set(ANNOTATION_TRIGGER_TIME, trigger_time)
    return attrs.evolve(eps, metadata=attrs.evolve(eps.metadata, annotations=annotations))


@attrs.define
class _Update:
    previous: EndpointSlice
    endpoints: list[Endpoint]
    labels: FrozenDict[str, str] | None

    def build(self) -> EndpointSlice:
        prev = self.previous
        meta = prev.metadata if self.labels is prev.metadata.labels else attrs.evolve(prev.metadata, labels=self.labels)
        return attrs.evolve(prev, metadata=meta, endpoints=tuple(self.endpoints))


def _best_fit(unchanged: list[EndpointSlice], wanted: int, limit: int) -> EndpointSlice | None:
    best = None
    best_gap = limit
    for eps in unchanged:
        gap = limit - (wanted + _count(eps))
        if 0 <= gap < best_gap:
            best, best_gap = eps, gap
            if gap == 0:
                break
    return best


def _walk_rest(
    current: tuple[Endpoint, ...],
    done: int,
    found: Endpoint | None,
    pop: Callable[[EndpointIdentity, None], Endpoint | None],
    wanted: Mapping[EndpointIdentity, Endpoint],
) -> tuple[list[Endpoint], bool]:
    """The desired endpoints a slice keeps, and whether any of them changed.

    The fast walk in `_reconcile_group` kept ``current[:done]`` unchanged and
    stopped at ``current[done]``, for which it popped *found*. ``None`` means
    that endpoint is no longer desired, or that its addresses are out of order
    (the walk does not sort them): it is looked up again by its identity.
    """
    kept = [wanted[endpoint_identity(e)] for e in current[:done]]
    changed = False
    if found is None:
        found = pop(endpoint_identity(current[done]), None)
    if found is not None:
        kept.append(found)
        changed = endpoint_changed(found, current[done])
    for endpoint in current[done + 1 :]:
        found = pop(endpoint_identity(endpoint), None)
        if found is None:
            continue
        kept.append(found)
        if not changed and endpoint_fingerprint(endpoint) != endpoint_fingerprint(found):
            # The raw values differ; endpoint_changed decides, reading unset strings as "".
            changed = endpoint_changed(found, endpoint)
    return kept, changed


def _reconcile_group(
    service: Service,
    existing: list[EndpointSlice],
    group: EndpointGroup,
    *,
    limit: int,
    managed_by: str,
    headless: bool | None,
    hinted: set[str],
) -> tuple[list[EndpointSlice], list[_Update], list[EndpointSlice]]:
    """Reconcile one port group; the names of slices carrying any hint are added to *hinted*."""
    # A plain copy of the desired endpoints (a C-level dict copy); the walk pops what it finds.
    desired: dict[EndpointIdentity, Endpoint] = group.endpoints.thaw()
    updates: dict[str, _Update] = {}
    unchanged: list[EndpointSlice] = []
    deletes: list[EndpointSlice] = []
    pop = desired.pop
    # The labels every slice must carry do not depend on the slice: computed once, not per slice.
    labels, _ = slice_labels(service, managed_by=managed_by, headless=headless)
    own_labels = {k: v for k, v in (service.metadata.labels or {}).items() if k not in RESERVED_LABELS}
    # Step 1: walk the existing slices, keeping desired endpoints where they are.
    for eps in existing:
        current = eps.endpoints or ()
        # Almost every slice is unchanged, so the walk first only counts the
        # endpoints that are still desired and unchanged, and stops at the
        # first that is not; _walk_rest takes over from there.
        # endpoint_identity and the fields of endpoint_fingerprint are inlined on both sides:
        # this loop runs once per existing endpoint and dominates a large reconcile, and
        # building the desired side's fingerprints beforehand cost a pass of its own.
        # The addresses are used as they are, not sorted: an identity's are sorted, so a
        # multi-address endpoint out of order misses here, and _walk_rest looks it up properly.
        found = None
        for done, endpoint in enumerate(current):  # noqa: B007  # `done` is read after the loop.
            ref = endpoint.target_ref
            if ref is None:
                found = pop((endpoint.addresses, endpoint.hostname or "", "", ""), None)
                if found is None or found.target_ref is not None:
                    break
            else:
                found = pop((endpoint.addresses, endpoint.hostname or "", ref.namespace or "", ref.name or ""), None)
                if found is None:
                    break
                theirs = found.target_ref
                if theirs is not ref and (
                    theirs is None
                    or theirs.uid != ref.uid
                    or theirs.kind != ref.kind
                    or theirs.api_version != ref.api_version
                    or theirs.field_path != ref.field_path
                ):
                    break
            if found is not endpoint:
                c = endpoint.conditions
                d = found.conditions
                if (
                    found.node_name != endpoint.node_name
                    or found.zone != endpoint.zone
                    or (d is not c and (d.ready != c.ready or d.serving != c.serving or d.terminating != c.terminating))
                ):
                    break
        else:
            done = len(current)
        if done == len(current):
            kept: list[Endpoint] | None = None  # All kept, none changed.
            changed = False
        else:
            kept, changed = _walk_rest(current, done, found, pop, group.endpoints)
        if list(map(_HINTS, current)).count(None) != len(current):
            hinted.add(eps.metadata.name or "")
        # As `slice_labels` decides it: only the keys that are not reserved are compared.
        current_labels: Mapping[str, str] = eps.metadata.labels or {}
        labels_changed = {k: v for k, v in current_labels.items() if k not in RESERVED_LABELS} != own_labels
        name = eps.metadata.name or ""
        if kept is not None and (changed or len(kept) != len(current)):
            if kept:
                updates[name] = _Update(eps, kept, labels)
            else:
                deletes.append(eps)
        elif labels_changed:
            updates[name] = _Update(eps, list(current), labels)
        else:
            unchanged.append(eps)
    remaining = list(desired.values())
    position = 0
    # Step 2: fill the slices being rewritten anyway, fullest first (ties by name).
    if remaining and updates:
        for update in sorted(updates.values(), key=lambda u: (-len(u.endpoints), u.previous.metadata.name or "")):
            room = limit - len(update.endpoints)
            if room > 0 and position < len(remaining):
                update.endpoints.extend(remaining[position : position + room])
                position += room
    # Step 3: the rest goes into the one unchanged slice it fits best, or new slices.
    creates: list[EndpointSlice] = []
    while position < len(remaining):
        left = len(remaining) - position
        target = _best_fit(unchanged, left, limit) if left < limit and unchanged else None
        if target is None:
            chunk = remaining[position : position + limit]
            position += len(chunk)
            creates.append(
                new_slice(
                    service,
                    group.address_type,
                    group.ports,
                    endpoints=chunk,
                    managed_by=managed_by,
                    headless=headless,
                )
            )
        else:
            unchanged.remove(target)
            room = max(0, limit - _count(target))
            chunk = remaining[position : position + room]
            position += len(chunk)
            updates[target.metadata.name or ""] = _Update(
                target, [*(target.endpoints or ()), *chunk], target.metadata.labels
            )
    ordered = sorted(updates.values(), key=lambda u: u.previous.metadata.name or "")
    return creates, ordered, deletes


def _reconcile_address_type(
    service: Service,
    address_type: AddressType,
    existing: list[EndpointSlice],
    groups: Sequence[EndpointGroup],
    *,
    limit: int,
    managed_by: str,
    headless: bool | None,
    ratios: FrozenDict[str, float] | None,
) -> tuple[list[EndpointSlice], list[SliceUpdate], list[EndpointSlice]]:
    deletes: list[EndpointSlice] = []
    by_key: dict[PortGroupKey, list[EndpointSlice]] = {}
    for eps in existing:
        if is_owned_by(eps, service):
            by_key.setdefault(port_group_key(eps.ports), []).append(eps)
        else:
            deletes.append(eps)
    creates: list[EndpointSlice] = []
    updates: list[_Update] = []
    hinted: set[str] = set()
    for group in groups:
        c, u, d = _reconcile_group(
            service,
            by_key.get(group.key, []),
            group,
            limit=limit,
            managed_by=managed_by,
            headless=headless,
            hinted=hinted,
        )
        creates.extend(c)
        updates.extend(u)
        deletes.extend(d)
    wanted_keys = {g.key for g in groups}
    for key, slices in by_key.items():
        if key not in wanted_keys:
            deletes.extend(slices)
    if len(existing) == len(deletes) and not creates:
        placeholder = new_slice(service, address_type, (), managed_by=managed_by, headless=headless)
        if len(deletes) == 1 and placeholder_equal(deletes[0], placeholder):
            deletes = []
        else:
            creates.append(placeholder)
    built = [SliceUpdate(previous=u.previous, slice=u.build()) for u in updates]
    mode = hints_mode(service)
    if mode == "Auto":
        touched = {u.previous.metadata.name for u in built} | {d.metadata.name for d in deletes}
        untouched = [eps for eps in existing if eps.metadata.name not in touched]
        creates, rewritten, moved = auto_hints(creates, [u.slice for u in built], untouched, ratios)
        previous = [u.previous for u in built] + moved
        built = [SliceUpdate(previous=p, slice=s) for p, s in zip(previous, rewritten, strict=True)]
    else:
        td = mode if isinstance(mode, TrafficDistribution) else None
        touched = {u.previous.metadata.name for u in built} | {d.metadata.name for d in deletes}
        for eps in existing:
            name = eps.metadata.name
            if name in touched:
                continue
            # Every untouched slice was walked in its group, which noted whether it has hints.
            if (name in hinted) if td is None else hints_need_update(eps, td):
                built.append(SliceUpdate(previous=eps, slice=eps))
        creates = [apply_hints(s, td) for s in creates]
        built = [SliceUpdate(previous=u.previous, slice=apply_hints(u.slice, td)) for u in built]
    # Finalize: a pending delete of the same address type owned by the Service
    # lends its name to the last pending create, which becomes an update.
    i = 0
    while i < len(deletes) and creates:
        doomed = deletes[i]
        if doomed.address_type == address_type and is_owned_by(doomed, service):
            recycled = creates.pop()
            named = attrs.evolve(recycled, metadata=attrs.evolve(recycled.metadata, name=doomed.metadata.name))
            built.append(SliceUpdate(previous=doomed, slice=named))
            del deletes[i]
        else:
            i += 1
    return creates, built, deletes


@_gc.paused()
def reconcile(
    service: Service,
    desired: EndpointsInput,
    existing: Iterable[EndpointSlice],
    /,
    *,
    max_endpoints_per_slice: int = DEFAULT_MAX_ENDPOINTS_PER_SLICE,
    managed_by: str = CONTROLLER_NAME,
    names: NameStrategy = NameStrategy.GENERATE,
    trigger_time: str | None = None,
) -> Plan:
    """Compute the writes the EndpointSlice controller would issue.

    Args:
        service: The Service.
        desired: A `DesiredState` (from `endpointslice.packing.desired_endpoints`)
            or plain endpoint entries of a selectorless Service.
        existing: Slices as they are. Only those `is_managed_slice` selects are
            considered; the rest are left alone.
        max_endpoints_per_slice: 1 to 1000.
        managed_by: The ``managed-by`` label value of the slices this reconciler owns.
        names: How new slices are named (`NameStrategy`); names in use are avoided.
        trigger_time: The ``endpoints.kubernetes.io/last-change-trigger-time``
            value written on every create and update; ``None`` removes it.

    Returns:
        The `Plan`. When the Service has a ``deletionTimestamp`` it has no creates.

    Raises:
        PackingError: *max_endpoints_per_slice* out of range, or bad entries.
    """
    _check_max(max_endpoints_per_slice)
    state = desired if isinstance(desired, DesiredState) else desired_from_endpoints(service, desired)
    everything = list(existing)
    mine = sorted(
        (s for s in everything if is_managed_slice(s, service, managed_by=managed_by)),
        key=lambda s: s.metadata.name or "",
    )
    supported = state.address_types
    by_type: dict[AddressType, list[EndpointSlice]] = {t: [] for t in supported}
    unsupported: list[EndpointSlice] = []
    for eps in mine:
        at = eps.address_type
        if isinstance(at, AddressType) and at in by_type:
            by_type[at].append(eps)
        else:
            unsupported.append(eps)
    creates: list[EndpointSlice] = []
    updates: list[SliceUpdate] = []
    deletes: list[EndpointSlice] = []
    for address_type in supported:
        c, u, d = _reconcile_address_type(
            service,
            address_type,
            by_type[address_type],
            state.groups_for(address_type),
            limit=max_endpoints_per_slice,
            managed_by=managed_by,
            headless=state.headless,
            ratios=state.zone_ratios,
        )
        if service.metadata.deletion_timestamp is None:
            creates.extend(c)
        updates.extend(u)
        deletes.extend(d)
    deletes.extend(unsupported)
    taken = [s.metadata.name for s in everything if s.metadata.name]
    named = name_slices(creates, names, service_name=service.metadata.name or "", taken=taken)
    return Plan(
        creates=tuple(_with_annotation(s, trigger_time) for s in named),
        updates=tuple(SliceUpdate(previous=u.previous, slice=_with_annotation(u.slice, trigger_time)) for u in updates),
        deletes=tuple(deletes),
        skipped=state.skipped,
    )
