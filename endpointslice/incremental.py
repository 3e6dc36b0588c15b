"""An incremental reconciler: single-endpoint events in, the same plan as a full reconcile out.

`IncrementalReconciler` keeps an index of a selectorless Service's slices
between calls (where each endpoint sits, how full each slice is) and turns
one event (`add`, `remove`, `change`) into the `Plan` that
`endpointslice.reconcile.reconcile` would compute for the whole new state,
at the cost of the slice the event touches instead of every endpoint.

It assumes that each plan it returns is carried out: its view of the slices
moves on with every event. Slices created with ``generateName`` are given the
names `Plan.apply` simulates; use ``names=NameStrategy.ORDINAL`` or ``HASH``
when the real names must be known.

The rare events that change which address types exist, that empty or fill
an address type (placeholder slices), or that arrive while the Service is
being deleted fall back to a full reconcile, so the result stays exact.

Example:
    >>> from endpointslice import Endpoint, ObjectMeta, Service, ServicePort, ServiceSpec
    >>> svc = Service(metadata=ObjectMeta(name="db", namespace="default", uid="u1"),
    ...               spec=ServiceSpec(ports=(ServicePort(name="pg", port=5432),), ip_families=("IPv4",)))
    >>> r = IncrementalReconciler(svc, [Endpoint(addresses=("192.0.2.1",))], [], managed_by="me")
    >>> r.initial_plan.write_count
    1
    >>> print(r.add(Endpoint(addresses=("192.0.2.2",))).summary().splitlines()[1])
      update db-... IPv4: 1 -> 2 endpoints (+1 -0 ~0)
"""

from __future__ import annotations

import heapq
import socket
from collections.abc import Callable, Iterable

import attrs

from . import _gc
from ._frozen import FrozenDict
from .discovery import Endpoint, EndpointSlice
from .enums import AddressType, IPFamily, TrafficDistribution
from .meta import ObjectMeta
from .packing import (
    CONTROLLER_NAME,
    DEFAULT_MAX_ENDPOINTS_PER_SLICE,
    EndpointIdentity,
    NameStrategy,
    _check_max,
    _desired_from_endpoints,
    _service_ports_as_endpoint_ports,
    apply_hints,
    desired_from_endpoints,
    endpoint_changed,
    endpoint_identity,
    hints_mode,
    name_slices,
    new_slice,
    port_group_key,
    slice_labels,
)
from .reconcile import Plan, SliceUpdate, _with_annotation, is_managed_slice, reconcile, simulate_generated_names
from .service import Service

__all__ = ["IncrementalReconciler"]


class _Names:
    """Slice names with the smallest always at hand: a set, and a min-heap that may hold stale names.

    An add picks the smallest name among the slices of the best size; taking ``min`` of a
    set cost as much as there were such slices, which a rolling update makes many of.
    """

    __slots__ = ("heap", "live")

    def __init__(self) -> None:
        self.live: set[str] = set()
        self.heap: list[str] = []

    def add(self, name: str) -> None:
        if name not in self.live:
            self.live.add(name)
            heapq.heappush(self.heap, name)

    def discard(self, name: str) -> None:
        self.live.discard(name)
        # Stale names are popped lazily by `first`; rebuilding once they outnumber the live
        # ones keeps the heap within a constant factor of the set (a sorted list is a heap).
        if len(self.heap) > 2 * len(self.live) + 8:
            self.heap = sorted(self.live)

    def first(self) -> str:
        heap = self.heap
        while heap[0] not in self.live:
            heapq.heappop(heap)
        return heap[0]


_new = object.__new__
# Read on every event: a member read off its enum class goes through the enum's metaclass.
_IPV4 = AddressType.IPV4


def _slot_setter(cls: type, name: str) -> Callable[[object, object], None]:
    """The setter of slot *name* of *cls* (found along its bases; a `KeyError` at import if there is none)."""
    for klass in cls.__mro__:
        if name in vars(klass):
            setter: Callable[[object, object], None] = vars(klass)[name].__set__
            return setter
    raise KeyError(name)


# Every event builds a slice, an update and a plan. Their constructors (frozen attrs classes) set
# each field through a Python-level call; these set the slots directly, which cost half as much.
# A test holds each builder to its class's fields, so a field added later cannot be left unset.
_slice_metadata = _slot_setter(EndpointSlice, "metadata")
_slice_address_type = _slot_setter(EndpointSlice, "address_type")
_slice_endpoints = _slot_setter(EndpointSlice, "endpoints")
_slice_ports = _slot_setter(EndpointSlice, "ports")
_slice_written = _slot_setter(EndpointSlice, "_written")
_update_previous = _slot_setter(SliceUpdate, "previous")
_update_slice = _slot_setter(SliceUpdate, "slice")
_plan_creates = _slot_setter(Plan, "creates")
_plan_updates = _slot_setter(Plan, "updates")
_plan_deletes = _slot_setter(Plan, "deletes")
_plan_skipped = _slot_setter(Plan, "skipped")


def _move(sizes: dict[int, _Names], names: _Names, name: str, before: int, size: int) -> None:
    """Move slice *name* from *names*, the bucket of *before* endpoints in *sizes*, to the bucket of *size*."""
    moved = sizes.get(size)
    if moved is None and len(names.live) == 1:
        # Alone in its bucket, and no bucket for the new size: the bucket moves whole (a
        # rolling update does this on nearly every event, which made a new bucket each time).
        del sizes[before]
        sizes[size] = names
        return
    names.discard(name)
    if not names.live:
        del sizes[before]
    if moved is None:
        moved = sizes[size] = _Names()
    moved.add(name)


def _update_plan(previous: EndpointSlice, eps: EndpointSlice) -> Plan:
    """``Plan(updates=(SliceUpdate(previous=previous, slice=eps),))``, built without the constructors' calls."""
    update: SliceUpdate = _new(SliceUpdate)
    _update_previous(update, previous)
    _update_slice(update, eps)
    plan: Plan = _new(Plan)
    _plan_creates(plan, ())
    _plan_updates(plan, (update,))
    _plan_deletes(plan, ())
    _plan_skipped(plan, ())
    return plan


def _rewritten(
    previous: EndpointSlice, meta: ObjectMeta, endpoints: tuple[Endpoint, ...], *, checked: bool
) -> EndpointSlice:
    """*previous* with *meta* and *endpoints*, built without `attrs.evolve`, and without the checks when *checked*.

    The constructor's checks walk every entry to see that it is an `Endpoint`, which cost as
    much as the rest of a write. *checked* says that every entry already was (each comes from
    a checked slice, or is exactly an `Endpoint`), as every other part comes from *previous*.
    """
    if not checked:
        return EndpointSlice(
            metadata=meta, address_type=previous.address_type, endpoints=endpoints, ports=previous.ports
        )
    eps: EndpointSlice = _new(EndpointSlice)
    _slice_metadata(eps, meta)
    _slice_address_type(eps, previous.address_type)
    _slice_endpoints(eps, endpoints)
    _slice_ports(eps, previous.ports)
    _slice_written(eps, None)  # Built in code: dumped in the stored form, as __init__ would say.
    return eps


class IncrementalReconciler:
    """Reconcile a selectorless Service one endpoint event at a time.

    Args:
        service: The Service (its endpoints are plain entries, as for
            `endpointslice.packing.desired_from_endpoints`).
        endpoints: The desired endpoints now.
        existing: The slices as they are now.
        max_endpoints_per_slice: 1 to 1000.
        managed_by: The ``managed-by`` label of the slices.
        names: How new slices are named.

    Attributes:
        initial_plan: The full reconcile that brings *existing* to *endpoints*;
            carry it out before the first event's plan.
        last_edit: After an event whose plan rewrote one slice by adding, removing or
            replacing one entry (the slice's other entries kept as the same objects): the
            slice written, the entry's position, the entry that came and the one that went
            (either may be ``None``). ``None`` after any other event. The simulator sizes
            each write from it.
    """

    @_gc.paused()  # Indexing a large Service is bulk work, as in `reconcile`.
    def __init__(
        self,
        service: Service,
        endpoints: Iterable[Endpoint],
        existing: Iterable[EndpointSlice],
        /,
        *,
        max_endpoints_per_slice: int = DEFAULT_MAX_ENDPOINTS_PER_SLICE,
        managed_by: str = CONTROLLER_NAME,
        names: NameStrategy = NameStrategy.GENERATE,
    ) -> None:
        _check_max(max_endpoints_per_slice)
        self._service = service
        self._limit = max_endpoints_per_slice
        self._managed_by = managed_by
        self._names = names
        mode = hints_mode(service)
        # Plain entries carry no Node information, so the "Auto" topology mode always
        # falls back to removing hints, exactly as without any traffic distribution.
        self._traffic = mode if isinstance(mode, TrafficDistribution) else None
        state = desired_from_endpoints(service, endpoints)
        self._headless = state.headless
        # Whether a canonical IPv4 entry may take `_canonical`'s fast path: the Service serves IPv4.
        declared = {f.value for f in service.spec.ip_families or () if isinstance(f, IPFamily)}
        self._ipv4_served = not declared or AddressType.IPV4.value in declared
        # The labels every rewritten slice carries: they depend on the Service alone, so they are
        # computed once, and a slice that already has them keeps its metadata object.
        self._labels, _ = slice_labels(service, managed_by=managed_by, headless=self._headless)
        self._ports = _service_ports_as_endpoint_ports(service)
        self._key = port_group_key(self._ports)
        self._desired: dict[EndpointIdentity, Endpoint] = {}
        self._family: dict[EndpointIdentity, AddressType] = {}
        # How many desired endpoints each family has: every event asks which families exist,
        # and counting them from `_family` made each event cost as much as the whole Service.
        self._family_sizes: dict[AddressType, int] = {}
        for group in state.groups:
            for identity, endpoint in group.endpoints.items():
                self._desired[identity] = endpoint
                self._set_family(identity, group.address_type)
        everything = list(existing)
        self.initial_plan = reconcile(
            service,
            state,
            everything,
            max_endpoints_per_slice=max_endpoints_per_slice,
            managed_by=managed_by,
            names=names,
        )
        self._rebuild(self.initial_plan.apply(everything))
        #: The last single-slice write as (the slice written, where its one entry changed, the
        #: entry that came, the one that went), or ``None``: what a caller sizing each write
        #: would otherwise find by comparing the slice's old and new entries.
        self.last_edit: tuple[EndpointSlice, int, Endpoint | None, Endpoint | None] | None = None

    # -- state -----------------------------------------------------------

    def _rebuild(self, slices: list[EndpointSlice]) -> None:
        self._all: dict[str, EndpointSlice] = {s.metadata.name or "": s for s in slices}
        self._where: dict[EndpointIdentity, str] = {}
        self._members: dict[str, list[EndpointIdentity]] = {}
        # Slices whose endpoints may not be their members' desired entries with the hints applied
        # (tracked from a plan, or left unwritten by a change that does not count): their next
        # remove or change rebuilds them from `_desired`; every other slice is rewritten by
        # replacing the one entry that changed, which gives the same slice.
        self._stale: set[str] = set()
        # The slices of the Service's port set by family, then by endpoint count. Counts
        # and families with no slice are dropped, so an event looks only at counts that exist.
        self._buckets: dict[AddressType, dict[int, _Names]] = {}
        for name, eps in self._all.items():
            if is_managed_slice(eps, self._service, managed_by=self._managed_by):
                self._track(name, eps)

    def _file(self, name: str, eps: EndpointSlice) -> None:
        at = eps.address_type
        size = len(eps.endpoints or ())
        # Empty slices count: the full reconcile's best fit fills them too (when nothing fuller has room).
        if isinstance(at, AddressType) and port_group_key(eps.ports) == self._key:
            sizes = self._buckets.setdefault(at, {})
            names = sizes.get(size)
            if names is None:
                names = sizes[size] = _Names()
            names.add(name)

    def _unfile(self, name: str, eps: EndpointSlice) -> None:
        at = eps.address_type
        if not isinstance(at, AddressType):
            return
        size = len(eps.endpoints or ())
        sizes = self._buckets.get(at)
        names = None if sizes is None else sizes.get(size)
        if sizes is None or names is None or name not in names.live:
            return
        names.discard(name)
        if not names.live:
            del sizes[size]
            if not sizes:
                del self._buckets[at]

    def _refile(self, name: str, previous: EndpointSlice, size: int) -> None:
        """Move slice *name*, filed as *previous*, to the bucket of *size* endpoints (same family and ports)."""
        before = len(previous.endpoints or ())
        if size == before:
            return
        at = previous.address_type
        sizes = self._buckets.get(at) if isinstance(at, AddressType) else None
        names = None if sizes is None else sizes.get(before)
        if sizes is None or names is None or name not in names.live:
            return  # Not filed (another port set): neither is the new slice.
        _move(sizes, names, name, before, size)

    def _bare(self, endpoint: Endpoint) -> tuple[Endpoint, bool]:
        """*endpoint* as a slice without traffic distribution holds it, and whether that is known.

        With a traffic distribution the hints depend on the endpoint: `apply_hints` decides.
        """
        if self._traffic is not None:
            return endpoint, False
        return (endpoint if endpoint.hints is None else attrs.evolve(endpoint, hints=None)), True

    def _track(self, name: str, eps: EndpointSlice) -> None:
        if not isinstance(eps.address_type, AddressType):
            return
        self._file(name, eps)
        members = [endpoint_identity(e) for e in eps.endpoints or ()]
        self._members[name] = members
        self._stale.add(name)
        for identity in members:
            self._where[identity] = name

    def _untrack(self, name: str, eps: EndpointSlice) -> None:
        self._unfile(name, eps)
        self._stale.discard(name)
        for identity in self._members.pop(name, ()):
            self._where.pop(identity, None)

    def _store(self, plan: Plan) -> Plan:
        self.last_edit = None
        for eps in plan.deletes:
            name = eps.metadata.name or ""
            self._untrack(name, self._all.pop(name))
        for update in plan.updates:
            name = update.slice.metadata.name or ""
            self._untrack(name, self._all[name])
            self._all[name] = update.slice
            self._track(name, update.slice)
        for eps in simulate_generated_names(plan.creates, taken=self._all.keys()):
            name = eps.metadata.name or ""
            self._all[name] = eps
            self._track(name, eps)
        return plan

    def _full(self, trigger_time: str | None) -> Plan:
        self.last_edit = None
        plan = reconcile(
            self._service,
            list(self._desired.values()),
            list(self._all.values()),
            max_endpoints_per_slice=self._limit,
            managed_by=self._managed_by,
            names=self._names,
            trigger_time=trigger_time,
        )
        self._rebuild(plan.apply(list(self._all.values())))
        return plan

    @property
    def slices(self) -> list[EndpointSlice]:
        """Every slice as the reconciler believes it now is, sorted by name."""
        return [self._all[n] for n in sorted(self._all)]

    @property
    def endpoints(self) -> list[Endpoint]:
        """The desired endpoints now."""
        return list(self._desired.values())

    # -- events ----------------------------------------------------------

    def _canonical(self, endpoint: Endpoint) -> tuple[Endpoint, AddressType, EndpointIdentity]:
        """*endpoint* as the desired state holds it, its family and its identity."""
        addresses = endpoint.addresses
        if len(addresses) == 1 and self._ipv4_served:
            # Nearly every event is one canonical IPv4 address, which the C parser accepts
            # exactly (as in `_desired_from_endpoints`): the entry is then already canonical.
            try:
                socket.inet_pton(socket.AF_INET, addresses[0])
            except (OSError, ValueError):
                pass
            else:
                ref = endpoint.target_ref
                hostname = endpoint.hostname or ""
                if ref is None:
                    return endpoint, _IPV4, (addresses, hostname, "", "")
                return endpoint, _IPV4, (addresses, hostname, ref.namespace or "", ref.name or "")
        state = _desired_from_endpoints(self._service, [endpoint])
        (group,) = state.groups
        ((identity, canonical),) = group.endpoints.items()
        return canonical, group.address_type, identity

    def _set_family(self, identity: EndpointIdentity, family: AddressType | None) -> None:
        """Record *identity*'s family (``None``: it is gone), keeping the per-family counts."""
        old = self._family.pop(identity, None)
        if old is not None:
            left = self._family_sizes[old] - 1
            if left:
                self._family_sizes[old] = left
            else:
                del self._family_sizes[old]
        if family is not None:
            self._family[identity] = family
            self._family_sizes[family] = self._family_sizes.get(family, 0) + 1

    def _write(
        self,
        previous: EndpointSlice,
        endpoints: tuple[Endpoint, ...],
        labels: FrozenDict[str, str] | None,
        trigger_time: str | None,
        *,
        fresh: bool,
        hinted: bool = False,
        checked: bool = False,
        edit: tuple[int, Endpoint | None, Endpoint | None] | None = None,
    ) -> Plan:
        """Rewrite one slice with *endpoints*; the caller has updated its members and `_where`.

        *fresh* says that *endpoints* are the members' desired entries with the hints applied
        (rebuilt from `_desired`, or edited from a slice that was not stale); *hinted*, that
        they already carry the hints the traffic distribution wants, so none is looked at;
        *checked*, that every entry is known to be an `Endpoint` (see `_rewritten`).
        *edit* is the one entry that came, the one that went and where, when *endpoints* is
        *previous*'s entries with that one edit; it is kept as `last_edit` if the slice
        written holds *endpoints* as given (no hint changed another entry).
        """
        meta = previous.metadata
        if labels is not meta.labels:
            # Equal labels are adopted too, as the same object: the next write of the slice
            # then sees them identical instead of comparing the two maps again.
            meta = attrs.evolve(meta, labels=labels)
        eps = _rewritten(previous, meta, endpoints, checked=checked)
        if not hinted:
            eps = apply_hints(eps, self._traffic)
        if trigger_time is not None or eps.metadata.annotations is not None:
            eps = _with_annotation(eps, trigger_time)
        self.last_edit = (eps, *edit) if edit is not None and eps.endpoints is endpoints else None
        name = meta.name or ""
        self._refile(name, previous, len(endpoints))
        if fresh:
            self._stale.discard(name)
        self._all[name] = eps
        return _update_plan(previous, eps)

    def _edited(self, name: str, previous: EndpointSlice, endpoints: tuple[Endpoint, ...]) -> EndpointSlice:
        """`_write`'s slice when nothing needs doing but the edit: same metadata, no hints, every entry checked.

        The caller has checked that *previous* is not stale, that its labels stay (an add keeps
        them, as `_write` would; a remove or change checks they are the Service's), that it
        carries no annotations, that no trigger time is given and that no entry needs
        hints applied (an entry that came carries none, and the traffic distribution is
        ``None``; entries kept from *previous* have theirs); it refiles the slice when its size
        changes, sets `last_edit` and builds the plan.
        """
        eps = _rewritten(previous, previous.metadata, endpoints, checked=True)
        self._all[name] = eps
        return eps

    def add(self, endpoint: Endpoint, /, *, trigger_time: str | None = None) -> Plan:
        """A new endpoint (or, if its identity is known, a changed one).

        Raises:
            PackingError: The endpoint has no address, an invalid one, or a
                family the Service does not serve.
        """
        canonical, family, identity = self._canonical(endpoint)
        desired = self._desired
        if identity in desired:
            return self.change(canonical, trigger_time=trigger_time)
        counts = self._family_sizes
        had = counts.get(family, 0)
        desired[identity] = canonical
        # `_set_family`, inline: a new identity has no family yet (`_family` follows `_desired`).
        self._family[identity] = family
        counts[family] = had + 1
        sizes = self._buckets.get(family)
        # A full reconcile when the family set changes (the new endpoint's family had no
        # endpoint), when no slice of the family holds one, or when the Service is going.
        if not had or not sizes or not any(sizes) or self._service.metadata.deletion_timestamp is not None:
            return self._full(trigger_time)
        # Best fit: the fullest slice with room. Only the counts that exist are looked at: at
        # most one per endpoint a slice can hold.
        limit = self._limit
        if limit <= 1:
            best = -1
        elif limit - 1 in sizes:
            best = limit - 1  # The fullest a slice with room can be: the common case, found at once.
        else:
            best = max((size for size in sizes if size < limit), default=-1)
        if best < 0:
            created = new_slice(
                self._service,
                family,
                self._ports,
                endpoints=(canonical,),
                managed_by=self._managed_by,
                headless=self._headless,
            )
            created = apply_hints(created, self._traffic)
            (named,) = name_slices(
                (created,), self._names, service_name=self._service.metadata.name or "", taken=self._all.keys()
            )
            plan = self._store(Plan(creates=(_with_annotation(named, trigger_time),)))
            # The new slice holds the one desired entry with its hints applied: not stale, so
            # the adds that fill it next take the direct path instead of rebuilding it each time.
            self._stale.discard(self._where[identity])
            return plan
        names = sizes[best]
        target = names.first()
        previous = self._all[target]
        self._members[target].append(identity)
        self._where[identity] = target
        before = previous.endpoints or ()
        at = len(before)
        meta = previous.metadata
        if (
            target in self._stale
            or self._traffic is not None
            or canonical.hints is not None
            or canonical.__class__ is not Endpoint
            or trigger_time is not None
            or meta.annotations is not None
        ):
            fresh = target not in self._stale
            entry, hinted = self._bare(canonical)
            return self._write(
                previous,
                (*before, entry),
                meta.labels,
                trigger_time,
                fresh=fresh,
                hinted=hinted and fresh,
                checked=entry.__class__ is Endpoint,
                edit=(at, entry, None),
            )
        # Nearly every add: the entry goes at the end of a slice that is as it should be.
        eps = self._edited(target, previous, (*before, canonical))
        self.last_edit = (eps, at, canonical, None)
        # As `_refile` would, without looking up again the bucket best fit found it in.
        _move(sizes, names, target, best, best + 1)
        return _update_plan(previous, eps)

    def remove(self, endpoint: Endpoint, /, *, trigger_time: str | None = None) -> Plan:
        """An endpoint went away (matched by identity); unknown endpoints give an empty plan."""
        _, _, identity = self._canonical(endpoint)
        desired = self._desired
        if identity not in desired:
            self.last_edit = None
            return Plan()
        del desired[identity]
        # `_set_family(identity, None)`, inline (`_family` follows `_desired`).
        family = self._family.pop(identity)
        counts = self._family_sizes
        left = counts[family] - 1
        if left:
            counts[family] = left
        else:
            del counts[family]
        name = self._where.get(identity)
        previous = self._all.get(name) if name is not None else None
        # When the family's last endpoint goes (*left* is 0), the family set changes: upstream
        # then recycles the emptied slice into a placeholder, which the full reconcile reproduces.
        if previous is None or not left or self._service.metadata.deletion_timestamp is not None:
            return self._full(trigger_time)
        endpoints = previous.endpoints or ()
        if len(endpoints) <= 1:
            return self._store(Plan(deletes=(previous,)))
        name = name or ""
        members = self._members[name]
        at = members.index(identity)
        del members[at]
        del self._where[identity]
        if name in self._stale:
            kept = tuple(desired[i] for i in members)
            return self._write(previous, kept, self._labels, trigger_time, fresh=True)
        # The other entries stay as they are, the same objects: only the one that went is cut out.
        kept = endpoints[:at] + endpoints[at + 1 :]
        meta = previous.metadata
        if self._labels is not meta.labels or trigger_time is not None or meta.annotations is not None:
            edit = (at, None, endpoints[at])
            return self._write(
                previous, kept, self._labels, trigger_time, fresh=True, hinted=True, checked=True, edit=edit
            )
        eps = self._edited(name, previous, kept)
        self.last_edit = (eps, at, None, endpoints[at])
        self._refile(name, previous, len(kept))
        return _update_plan(previous, eps)

    def change(self, endpoint: Endpoint, /, *, trigger_time: str | None = None) -> Plan:
        """New fields for a known endpoint (matched by identity); an unknown one is added."""
        canonical, family, identity = self._canonical(endpoint)
        desired = self._desired
        if identity not in desired:
            return self.add(canonical, trigger_time=trigger_time)
        desired[identity] = canonical
        if self._family.get(identity) is not family:
            self._set_family(identity, family)
        name = self._where.get(identity)
        previous = self._all.get(name) if name is not None else None
        if previous is None or self._service.metadata.deletion_timestamp is not None:
            return self._full(trigger_time)
        name = name or ""
        members = self._members[name]
        at = members.index(identity)
        endpoints = previous.endpoints or ()
        went = endpoints[at]
        if not endpoint_changed(canonical, went):
            # Not written, but the desired entry may differ in fields the comparison ignores.
            self._stale.add(name)
            self.last_edit = None
            return Plan()
        if name in self._stale:
            kept = tuple(desired[i] for i in members)
            return self._write(previous, kept, self._labels, trigger_time, fresh=True)
        meta = previous.metadata
        if (
            self._traffic is not None
            or canonical.hints is not None
            or canonical.__class__ is not Endpoint
            or self._labels is not meta.labels
            or trigger_time is not None
            or meta.annotations is not None
        ):
            entry, hinted = self._bare(canonical)
            kept = (*endpoints[:at], entry, *endpoints[at + 1 :])
            return self._write(
                previous,
                kept,
                self._labels,
                trigger_time,
                fresh=True,
                hinted=hinted,
                checked=entry.__class__ is Endpoint,
                edit=(at, entry, went),
            )
        # Nearly every change: one entry replaced in a slice that is as it should be (its size stays).
        eps = self._edited(name, previous, (*endpoints[:at], canonical, *endpoints[at + 1 :]))
        self.last_edit = (eps, at, canonical, went)
        return _update_plan(previous, eps)
