"""Replaying simulated Pod events through the real controllers, and sizing what they write.

Two runners share one interface (`Runner.replay` of an `Event`):

* `SliceRunner` drives `endpointslice.incremental.IncrementalReconciler`
  (upstream's reconcile, one event at a time), and for the compacting
  strategy falls back to `endpointslice.compact.reconcile_compact` whenever
  a plan leaves more slices than the compaction allows;
* `EndpointsRunner` keeps the Endpoints object the Endpoints controller
  (`endpointslice.endpoints_controller.endpoints_for_service`) would write,
  including its truncation at 1000 addresses, as sorted address lists.

Sizes are those of the compact JSON bodies (what the API server sends on a
watch) and an estimate of the protobuf encoding. Serializing a 100-endpoint
slice for every event would cost more than the engine itself, so a slice's
size is the real serialized size of its frame (the slice holding one entry)
plus the size of each entry, and an entry's size is summed from the lengths
of its strings (`endpoint_entry_size`; any field the simulator does not write
falls back to serializing the entry). Each slice keeps its running sum, so a
write sizes only the endpoints it changed. The JSON sum is exact, and the
tests check it against serializing the whole object. The protobuf sum leaves
out the growth of the enclosing messages' length prefixes, a few bytes per
object.
"""

from __future__ import annotations

import bisect
import json
import math
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import compress, count
from typing import Any

import attrs

from ._frozen import FrozenDict
from ._simulate_workloads import Change, Event, Phase, SimPod, plain, pod_shape
from .compact import reconcile_compact
from .discovery import Endpoint, EndpointConditions, EndpointSlice
from .endpoints import ANNOTATION_OVER_CAPACITY, EndpointAddress, Endpoints, EndpointSubset
from .endpoints_controller import endpoints_for_service
from .incremental import IncrementalReconciler
from .io import to_dict
from .meta import ObjectMeta, ObjectReference
from .packing import CONTROLLER_NAME
from .reconcile import Plan
from .repack import OVER_CAPACITY_TRUNCATED
from .service import Service
from .workloads import Container, ContainerPort, Pod, PodCondition, PodIP, PodSpec, PodStatus

# ---------------------------------------------------------------------------
# sizes


def json_size(data: Any) -> int:
    """Bytes of *data* as compact JSON, as the API server sends it."""
    return len(json.dumps(data, separators=(",", ":")).encode())


def _varint(n: int) -> int:
    size = 1
    while n >= 0x80:
        n >>= 7
        size += 1
    return size


#: Fields whose JSON objects are string maps in protobuf (each entry is a key/value message).
_MAPS = frozenset({"labels", "annotations", "selector", "nodeSelector"})


def _proto_value(value: Any, *, is_map: bool = False) -> int:
    """The estimated protobuf bytes of one field value, without its tag."""
    # Strings and objects first: they are most of every entry, and this runs for each new endpoint.
    kind = type(value)
    if kind is str:
        n = len(value.encode())
        return (1 if n < 0x80 else _varint(n)) + n
    if kind is dict or isinstance(value, Mapping):
        body = 0
        for key, item in value.items():
            if is_map:
                entry = 1 + _proto_value(str(key)) + 1 + _proto_value(item)
                body += 1 + _varint(entry) + entry
            elif item is not None:
                body += _proto_field(key, item)
        return _varint(body) + body
    if kind is bool:
        return 1
    if kind is int:
        return _varint(value) if value >= 0 else 10
    if kind is float:
        return 8
    return 0


def _proto_field(key: str, value: Any) -> int:
    """One field: a one-byte tag and its value; a list is the field repeated."""
    if type(value) is list:
        return sum(1 + _proto_value(v) for v in value)
    return 1 + _proto_value(value, is_map=key in _MAPS)


def proto_size(data: Mapping[str, Any]) -> int:
    """An estimate of *data*'s size in Kubernetes' protobuf encoding.

    Field names become one-byte tags, strings and messages carry a varint
    length, and the envelope (``k8s\\0`` magic plus ``apiVersion`` and
    ``kind``) is added. Enough to compare with JSON; not byte-exact.
    """
    body = sum(_proto_field(k, v) for k, v in data.items() if k not in ("apiVersion", "kind") and v is not None)
    type_meta = _proto_field("apiVersion", data.get("apiVersion", "")) + _proto_field("kind", data.get("kind", ""))
    unknown = (1 + _varint(type_meta) + type_meta) + (1 + _varint(body) + body)
    return 4 + unknown


@attrs.frozen
class Size:
    """An object's size: compact JSON bytes and estimated protobuf bytes."""

    json: int
    proto: int


def _entry_size(data: Mapping[str, Any]) -> Size:
    """The bytes one list entry adds: its JSON plus a comma, its protobuf message plus tag and length."""
    body = _proto_value(dict(data))
    return Size(json_size(data) + 1, 1 + body)


def _str_size(text: str) -> tuple[int, int]:
    """A string value's JSON bytes (quotes and escapes included) and protobuf bytes (length and content)."""
    if plain(text):
        n = len(text)
        return n + 2, (1 if n < 0x80 else _varint(n)) + n
    n = len(text.encode())
    return json_size(text), _varint(n) + n


#: The wire names of `ObjectReference`'s fields, in attribute order.
_REFERENCE_FIELDS = (
    ("api_version", "apiVersion"),
    ("field_path", "fieldPath"),
    ("kind", "kind"),
    ("name", "name"),
    ("namespace", "namespace"),
    ("resource_version", "resourceVersion"),
    ("uid", "uid"),
)


def _reference_size(ref: ObjectReference) -> tuple[int, int] | None:
    """JSON and protobuf bytes of a ``targetRef`` value (a message with its length), or ``None`` if not plain."""
    json_body = proto_body = fields = 0
    for attribute, wire in _REFERENCE_FIELDS:
        value = getattr(ref, attribute)
        if value is None:
            continue
        if type(value) is not str:
            return None
        j, p = _str_size(value)
        json_body += len(wire) + 3 + j  # "wire":value
        proto_body += 1 + p
        fields += 1
    return 2 + json_body + max(fields - 1, 0), _varint(proto_body) + proto_body


def endpoint_entry_size(endpoint: Endpoint) -> Size:
    """The bytes *endpoint* adds to a slice's ``endpoints`` list (as `_entry_size` of its dict).

    Summed from its strings' lengths rather than serialized: JSON is a sum of
    its members, and the protobuf estimate a sum of tagged fields. The
    endpoints the simulator builds (addresses, conditions, ``targetRef``,
    ``nodeName``, ``zone``) take this path; any other field falls back to
    serializing, and the tests check both against serializing.
    """
    addresses, conditions, ref = endpoint.addresses, endpoint.conditions, endpoint.target_ref
    if (
        endpoint.hostname is not None
        or endpoint.deprecated_topology is not None
        or endpoint.hints is not None
        or not addresses
    ):
        return _entry_size(to_dict(endpoint))
    # "addresses":[...]
    json_body, proto_body, fields = 12 + 2 + len(addresses) - 1, 0, 1
    for address in addresses:
        j, p = _str_size(address)
        json_body += j
        proto_body += 1 + p
    # "conditions":{...}, always written; each known condition is one bool.
    states = (("ready", conditions.ready), ("serving", conditions.serving), ("terminating", conditions.terminating))
    known = [(name, value) for name, value in states if value is not None]
    if any(type(value) is not bool for _, value in known):
        return _entry_size(to_dict(endpoint))
    json_body += 1 + 13 + 2 + sum(len(name) + 3 + (4 if value else 5) for name, value in known) + max(len(known) - 1, 0)
    proto_body += 1 + _varint(2 * len(known)) + 2 * len(known)
    fields += 1
    if ref is not None:
        sized = _reference_size(ref)
        if sized is None:
            return _entry_size(to_dict(endpoint))
        json_body += 1 + 12 + sized[0]  # ,"targetRef":
        proto_body += 1 + sized[1]
        fields += 1
    for wire, value in (("nodeName", endpoint.node_name), ("zone", endpoint.zone)):
        if value is None:
            continue
        if type(value) is not str:
            return _entry_size(to_dict(endpoint))
        j, p = _str_size(value)
        json_body += 1 + len(wire) + 3 + j
        proto_body += 1 + p
        fields += 1
    return Size(json_body + 2 + 1, 1 + _varint(proto_body) + proto_body)


def address_entry_size(address: EndpointAddress) -> Size:
    """The bytes *address* adds to an Endpoints subset's address list (as `_entry_size` of its dict)."""
    ip, ref = address.ip, address.target_ref
    if not ip or type(ip) is not str:
        return _entry_size(to_dict(address))
    j, p = _str_size(ip)
    json_body, proto_body, fields = 4 + 1 + j, 1 + p, 1  # "ip":value
    for wire, value in (("hostname", address.hostname), ("nodeName", address.node_name)):
        if value is None:
            continue
        if type(value) is not str:
            return _entry_size(to_dict(address))
        j, p = _str_size(value)
        json_body += len(wire) + 3 + j
        proto_body += 1 + p
        fields += 1
    if ref is not None:
        sized = _reference_size(ref)
        if sized is None:
            return _entry_size(to_dict(address))
        json_body += 12 + sized[0]
        proto_body += 1 + sized[1]
        fields += 1
    return Size(2 + json_body + fields - 1 + 1, 1 + _varint(proto_body) + proto_body)


def object_size(obj: EndpointSlice | Endpoints) -> Size:
    """The size of *obj* serialized whole (the slow, reference way)."""
    data = to_dict(obj)
    return Size(json_size(data), proto_size(data))


# ---------------------------------------------------------------------------
# what the controllers build from a Pod


# The members the runners test on every event, as module constants: reading a member off its
# enum class (``Change.REMOVE``) costs a lookup through the enum's metaclass, some 150 ns,
# several times per event.
_ADD, _REMOVE, _CREATE_SERVICE, _DELETE_SERVICE = (
    Change.ADD,
    Change.REMOVE,
    Change.CREATE_SERVICE,
    Change.DELETE_SERVICE,
)
_READY, _TERMINATING = Phase.READY, Phase.TERMINATING

#: The conditions the EndpointSlice controller writes for each phase.
_CONDITIONS = {
    Phase.READY: EndpointConditions(ready=True, serving=True, terminating=False),
    Phase.NOT_READY: EndpointConditions(ready=False, serving=False, terminating=False),
    Phase.TERMINATING: EndpointConditions(ready=False, serving=True, terminating=True),
}

# A simulation builds an endpoint for every Pod event and a reference for every new Pod, from
# strings it made itself: the models' constructors would check each field's type, which cost
# more than the reconciler's work on the event. These set the slots directly (a frozen model
# refuses `setattr`); the tests hold what they build equal to the checked constructors' result.
_new = object.__new__


def _setter(cls: type, name: str) -> Callable[[object, object], None]:
    """The slot descriptor's setter of field *name* of *cls* (an `AttributeError` at import if it is not one)."""
    setter: Callable[[object, object], None] = getattr(cls, name).__set__
    return setter


_set_addresses = _setter(Endpoint, "addresses")
_set_conditions = _setter(Endpoint, "conditions")
_set_hostname = _setter(Endpoint, "hostname")
_set_target_ref = _setter(Endpoint, "target_ref")
_set_topology = _setter(Endpoint, "deprecated_topology")
_set_node_name = _setter(Endpoint, "node_name")
_set_zone = _setter(Endpoint, "zone")
_set_hints = _setter(Endpoint, "hints")
_set_api_version = _setter(ObjectReference, "api_version")
_set_field_path = _setter(ObjectReference, "field_path")
_set_kind = _setter(ObjectReference, "kind")
_set_name = _setter(ObjectReference, "name")
_set_namespace = _setter(ObjectReference, "namespace")
_set_resource_version = _setter(ObjectReference, "resource_version")
_set_uid = _setter(ObjectReference, "uid")


def _pod_endpoint(
    addresses: tuple[str, ...], conditions: EndpointConditions, ref: ObjectReference, node: str, zone: str
) -> Endpoint:
    """``Endpoint(addresses=..., conditions=..., target_ref=ref, node_name=node, zone=zone)``, unchecked."""
    endpoint: Endpoint = _new(Endpoint)
    _set_addresses(endpoint, addresses)
    _set_conditions(endpoint, conditions)
    _set_hostname(endpoint, None)
    _set_target_ref(endpoint, ref)
    _set_topology(endpoint, None)
    _set_node_name(endpoint, node)
    _set_zone(endpoint, zone)
    _set_hints(endpoint, None)
    return endpoint


def endpoint_for(pod: SimPod, namespace: str, *, target_ref: ObjectReference | None = None) -> Endpoint:
    """The endpoint the EndpointSlice controller writes for *pod* (as `endpointslice.packing.endpoint_from_pod`).

    *target_ref*, when given, is the Pod's reference built before (it does not change with the phase).
    """
    return _pod_endpoint(
        (pod.ip,), _CONDITIONS[pod.phase], target_ref or pod_reference(pod, namespace), pod.node, pod.zone
    )


def pod_reference(pod: SimPod, namespace: str) -> ObjectReference:
    """The ``targetRef`` of *pod*'s endpoint and address: ``ObjectReference(kind="Pod", ...)``, unchecked."""
    ref: ObjectReference = _new(ObjectReference)
    _set_api_version(ref, None)
    _set_field_path(ref, None)
    _set_kind(ref, "Pod")
    _set_name(ref, pod.name)
    _set_namespace(ref, namespace)
    _set_resource_version(ref, None)
    _set_uid(ref, pod.uid)
    return ref


def address_for(pod: SimPod, namespace: str) -> EndpointAddress:
    """The address the Endpoints controller lists for *pod* (as `endpoint_address_for_pod`)."""
    return EndpointAddress(
        ip=pod.ip,
        node_name=pod.node,
        target_ref=pod_reference(pod, namespace),
    )


def pod_model(pod: SimPod, service: Service) -> Pod:
    """The core/v1 Pod behind *pod*, for checking the runners against the controllers fed with real Pods."""
    ready = pod.phase is not Phase.NOT_READY
    port = (service.spec.ports or ())[0]
    target = port.target_port if isinstance(port.target_port, int) else port.port
    return Pod(
        metadata=ObjectMeta(
            name=pod.name,
            namespace=service.metadata.namespace,
            uid=pod.uid,
            labels=service.spec.selector,
            deletion_timestamp="2026-01-01T00:00:00Z" if pod.phase is Phase.TERMINATING else None,
        ),
        spec=PodSpec(
            node_name=pod.node,
            containers=(Container(name="app", ports=(ContainerPort(container_port=target),)),),
        ),
        status=PodStatus(
            phase="Running",
            pod_ip=pod.ip,
            pod_ips=(PodIP(ip=pod.ip),),
            conditions=(PodCondition(type="Ready", status="True" if ready else "False"),),
        ),
    )


# ---------------------------------------------------------------------------
# runners


@attrs.define
class Tally:
    """What one controller wrote over a workload.

    Attributes:
        creates / updates / deletes: API writes by kind.
        bytes_written: Compact JSON bodies of creates and updates.
        wire_json / wire_proto: Watch traffic: every create, update and delete
            event (a delete carries the object's last state) times the watchers.
        peak_object: The largest object written, in JSON bytes.
        objects_peak: The most objects that existed at once.
        series_wire / series_objects: After each event, the cumulative watch
            traffic (JSON) and the number of objects.
    """

    watchers: int
    creates: int = 0
    updates: int = 0
    deletes: int = 0
    bytes_written: int = 0
    wire_json: int = 0
    wire_proto: int = 0
    peak_object: int = 0
    objects_peak: int = 0
    series_wire: list[int] = attrs.field(factory=list)
    series_objects: list[int] = attrs.field(factory=list)

    def write(self, json: int, proto: int, *, delete: bool = False) -> None:
        """Count one write of an object of *json* bytes (and *proto* bytes in protobuf)."""
        if not delete:
            self.bytes_written += json
            self.peak_object = max(self.peak_object, json)
        watchers = self.watchers
        self.wire_json += json * watchers
        self.wire_proto += proto * watchers

    def sample(self, objects: int) -> None:
        """Record the state after one event."""
        self.objects_peak = max(self.objects_peak, objects)
        self.series_wire.append(self.wire_json)
        self.series_objects.append(objects)


class Runner:
    """One controller replaying events; `tally` holds the counts, `objects` how many objects it keeps now.

    `objects` is a plain attribute, kept by each runner as it writes: the replay reads it
    after every event, and a property cost a Python call there.
    """

    tally: Tally
    objects: int

    def replay(self, event: Event, /) -> None:
        """Sync on *event*: compute the writes, count them and their sizes."""
        raise NotImplementedError


def _one_change(
    old: tuple[Endpoint, ...], new: tuple[Endpoint, ...]
) -> tuple[Endpoint | None, Endpoint | None, int] | None:
    """The endpoint that came, the one that went, and where, from *old* to *new*, if they differ by at most one of each.

    ``None`` when they differ by more. Compared in C, by identity first: the
    reconciler keeps every other endpoint of a slice in place, as the same
    object. Equal endpoints have equal sizes, so value equality is enough.
    """
    # The first position where the two differ, found in C and without building a list.
    at = next(compress(count(), map(operator.is_not, old, new)), min(len(old), len(new)))
    if len(new) == len(old):
        if at == len(new):
            return None, None, at
        return (new[at], old[at], at) if new[at + 1 :] == old[at + 1 :] else None
    if len(new) == len(old) + 1:
        return (new[at], None, at) if new[at + 1 :] == old[at:] else None
    if len(new) == len(old) - 1:
        return (None, old[at], at) if new[at:] == old[at + 1 :] else None
    return None


#: Per slice name: the endpoints last sized, their entries' JSON and protobuf sums, and each
#: entry's size in order (so an endpoint that goes is looked up, not sized again).
_Sums = tuple[tuple[Endpoint, ...], int, int, list[Size]]


class SliceRunner(Runner):
    """The EndpointSlice controller, with upstream's strategy or with compaction (``compact=True``)."""

    def __init__(
        self,
        service: Service,
        pods: Iterable[SimPod],
        *,
        limit: int,
        compact: bool,
        watchers: int,
        exists: bool,
    ) -> None:
        self.service = service
        self.namespace = service.metadata.namespace or "default"
        self.limit = limit
        self.compact = compact
        self.tally = Tally(watchers=watchers)
        # Entry sizes by shape: conditions and the lengths of plain strings decide an entry's size.
        self._shapes: dict[tuple[object, ...], Size] = {}
        self._sums: dict[str, _Sums] = {}
        self._frames: dict[tuple[object, ...], Size] = {}
        self._last_frame: dict[str, tuple[object, object, object, Size]] = {}
        self.reconciler: IncrementalReconciler | None = None
        # Per Pod, the endpoint last given to the reconciler: its reference and addresses are
        # kept for the Pod's next phase, and it is what a remove names.
        self._given: dict[int, Endpoint] = {}
        # Entry sizes by Pod phase and shape: see `_pod_entry_size`.
        self._plain_namespace = plain(self.namespace)
        self._pod_sizes: dict[tuple[Phase, tuple[int, int, int, int, int]], Size] = {}
        self.objects = 0
        self.endpoints = 0
        if exists:
            self._create(pods, count=False)

    # -- sizes -----------------------------------------------------------

    def _frame(self, eps: EndpointSlice) -> Size:
        """The slice's size without its endpoints (``[]`` counted with one entry's comma)."""
        # The slice's last frame, by identity: an added endpoint keeps the slice's metadata object.
        name = eps.metadata.name or ""
        last = self._last_frame.get(name)
        if last is not None and last[0] is eps.metadata and last[1] is eps.ports and last[2] is eps.address_type:
            return last[3]
        # Keyed by value: every other write builds a new metadata object, but few distinct ones exist.
        key = (eps.metadata, eps.ports, eps.address_type)
        size = self._frames.get(key)
        if size is None:
            endpoints = eps.endpoints or ()
            one = object_size(attrs.evolve(eps, endpoints=endpoints[:1]))
            entry = self.entry_size(endpoints[0])
            # An entry counts its comma; the frame counts the one the last entry does not have.
            size = self._frames[key] = Size(one.json - entry.json + 1, one.proto - entry.proto)
        self._last_frame[name] = (eps.metadata, eps.ports, eps.address_type, size)
        return size

    def _frame_of(self, eps: EndpointSlice, meta: ObjectMeta, name: str) -> Size:
        """`_frame` of *eps* (metadata *meta*, name *name*): the last one found, while its parts are the same."""
        last = self._last_frame.get(name)
        if last is not None and last[0] is meta and last[1] is eps.ports and last[2] is eps.address_type:
            return last[3]
        return self._frame(eps)

    def entry_size(self, endpoint: Endpoint) -> Size:
        """`endpoint_entry_size`, looked up by shape for the endpoints the simulator builds.

        A Pod's entry is plain strings (printable ASCII without quotes or
        backslashes) in fixed fields; two such entries whose strings have the same
        lengths, field by field, and whose conditions are equal have the same size.
        """
        ref = endpoint.target_ref
        addresses = endpoint.addresses
        if (
            ref is None
            or len(addresses) != 1
            or endpoint.hostname is not None
            or endpoint.deprecated_topology is not None
            or endpoint.hints is not None
            or ref.api_version is not None
            or ref.field_path is not None
            or ref.resource_version is not None
        ):
            return endpoint_entry_size(endpoint)
        strings = (addresses[0], ref.kind, ref.name, ref.namespace, ref.uid, endpoint.node_name, endpoint.zone)
        try:
            # Joining refuses None and every non-string, in C: the check costs one call.
            text = "".join(strings)  # type: ignore[arg-type]  # The refusal is the check.
        except TypeError:
            return endpoint_entry_size(endpoint)
        if not plain(text):
            return endpoint_entry_size(endpoint)
        key = (endpoint.conditions, *map(len, strings))  # type: ignore[arg-type]  # As above.
        size = self._shapes.get(key)
        if size is None:
            size = self._shapes[key] = endpoint_entry_size(endpoint)
        return size

    def _entries(self, name: str, endpoints: tuple[Endpoint, ...]) -> tuple[int, int]:
        """The JSON and protobuf sums of *endpoints*' entries, from the sums last found for slice *name*.

        A write changes one or two endpoints of a slice and keeps the others (the same
        objects), so only the endpoint that came is sized, and the one that went is
        looked up: a write costs the size of its change, not of its slice.
        """
        known = self._sums.get(name)
        if known is None:
            entries = [self.entry_size(e) for e in endpoints]
            json_sum, proto_sum = sum(e.json for e in entries), sum(e.proto for e in entries)
            self._sums[name] = (endpoints, json_sum, proto_sum, entries)
            return json_sum, proto_sum
        if known[0] is endpoints:
            return known[1], known[2]
        changed = _one_change(known[0], endpoints)
        if changed is None:
            # Not one endpoint added, removed or replaced (a compaction): sum the slice again.
            del self._sums[name]
            return self._entries(name, endpoints)
        return self._edited(name, known, endpoints, changed)

    def _edited(
        self,
        name: str,
        known: _Sums,
        endpoints: tuple[Endpoint, ...],
        edit: tuple[Endpoint | None, object, int],
        size: Size | None = None,
    ) -> tuple[int, int]:
        """Slice *name*'s sums after one *edit* of its entries *known*: the entry that came, one that went, where.

        *size* is the size of the entry that came, when the caller has it.
        """
        came, went, at = edit
        _, json_sum, proto_sum, entries = known
        # *entries* holds the sizes in the slice's order: the one that went is at *at*.
        if came is not None:
            if size is None:
                size = self.entry_size(came)
            json_sum += size.json
            proto_sum += size.proto
        if went is None:
            if size is not None:
                entries.insert(at, size)
        else:
            gone = entries[at]
            json_sum -= gone.json
            proto_sum -= gone.proto
            if size is None:
                del entries[at]
            else:
                entries[at] = size  # A replacement: one store, not a pop and an insert.
        self._sums[name] = (endpoints, json_sum, proto_sum, entries)
        return json_sum, proto_sum

    def size(self, eps: EndpointSlice) -> Size:
        """The serialized size of *eps*: its frame, plus each endpoint's entry, less the one comma too many."""
        json, proto = self._size(eps)
        return Size(json, proto)

    def _size(self, eps: EndpointSlice) -> tuple[int, int]:
        endpoints = eps.endpoints
        if not endpoints:
            whole = object_size(eps)
            return whole.json, whole.proto
        meta = eps.metadata
        name = meta.name or ""
        frame = self._frame_of(eps, meta, name)
        known = self._sums.get(name)
        if known is not None and known[0] is endpoints:
            entries_json, entries_proto = known[1], known[2]
        else:
            entries_json, entries_proto = self._entries(name, endpoints)
        return frame.json - 1 + entries_json, frame.proto + entries_proto

    # -- events ----------------------------------------------------------

    def _count(self, plan: Plan) -> None:
        tally = self.tally
        for eps in plan.creates:
            tally.creates += 1
            tally.write(*self._size(eps))
        for update in plan.updates:
            tally.updates += 1
            tally.write(*self._size(update.slice))
        for eps in plan.deletes:
            tally.deletes += 1
            tally.write(*self._size(eps), delete=True)
            self._sums.pop(eps.metadata.name or "", None)
            self._last_frame.pop(eps.metadata.name or "", None)
        self.objects += len(plan.creates) - len(plan.deletes)

    def _create(self, pods: Iterable[SimPod], *, count: bool) -> None:
        namespace = self.namespace
        self._given = given = {p.index: endpoint_for(p, namespace) for p in pods}
        self.endpoints = len(given)
        self.reconciler = IncrementalReconciler(
            self.service, list(given.values()), [], max_endpoints_per_slice=self.limit, managed_by=CONTROLLER_NAME
        )
        self.objects = len(self.reconciler.slices)
        if count:
            self.objects = 0
            self._count(self.reconciler.initial_plan)

    def _bound(self) -> int:
        # The compacting reconcile's bound for one port group: ceil(N / M) + 1 slices.
        return max(1, math.ceil(self.endpoints / self.limit)) + 1

    def replay(self, event: Event, /) -> None:
        change = event.change
        pod = event.pod
        reconciler = self.reconciler
        if pod is None or reconciler is None:
            self._service_event(event)
            return
        given = self._given
        if change is _REMOVE:
            # The Pod has not changed since its last event: its last endpoint names it.
            endpoint = given.pop(pod.index, None) or endpoint_for(pod, self.namespace)
            plan = reconciler.remove(endpoint)
            self.endpoints -= 1
        else:
            before = given.get(pod.index)
            if before is None or before.target_ref is None:
                endpoint = endpoint_for(pod, self.namespace)
            else:
                # A Pod's reference and address outlive its phases: built once, when the Pod first appears.
                endpoint = _pod_endpoint(
                    before.addresses, _CONDITIONS[pod.phase], before.target_ref, pod.node, pod.zone
                )
            given[pod.index] = endpoint
            if change is _ADD:
                plan = reconciler.add(endpoint)
                self.endpoints += 1
            else:
                plan = reconciler.change(endpoint)
        if self.compact and self.objects + len(plan.creates) - len(plan.deletes) > self._bound():
            self._count(self._compacted(reconciler, plan))
            return
        edit = reconciler.last_edit
        if edit is None:
            self._count(plan)
            return
        # One entry of one slice edited, as the reconciler says (its plan is that one update):
        # sized from that edit alone. This runs for nearly every event.
        eps, at, came, went = edit
        meta = eps.metadata
        name = meta.name or ""
        known = self._sums.get(name)
        if known is None or known[0] is not plan.updates[0].previous.endpoints:
            self._count(plan)
            return
        frame = self._frame_of(eps, meta, name)
        # The entry that came is, nearly always, the one just built for the Pod: sized by its shape.
        size = self._pod_entry_size(pod, came) if came is endpoint else None
        json_sum, proto_sum = self._edited(name, known, eps.endpoints or (), (came, went, at), size)
        self.tally.updates += 1
        self.tally.write(frame.json - 1 + json_sum, frame.proto + proto_sum)

    def _pod_entry_size(self, pod: SimPod, endpoint: Endpoint) -> Size:
        """`entry_size` of *endpoint*, built for *pod* in its phase by `endpoint_for`, by the Pod's shape.

        The shape (the lengths of its plain strings, `SimPod.shape`) is given with each Pod
        the workload makes, so sizing an entry costs one lookup instead of checking every
        field of the endpoint.
        """
        shape = pod.shape
        if shape is None:
            shape = pod_shape(pod)
        if shape is None or not self._plain_namespace:
            return self.entry_size(endpoint)
        key = (pod.phase, shape)
        size = self._pod_sizes.get(key)
        if size is None:
            size = self._pod_sizes[key] = self.entry_size(endpoint)
        return size

    def _service_event(self, event: Event) -> None:
        if event.change is _CREATE_SERVICE:
            self._create(event.pods, count=True)
            return
        reconciler = self.reconciler
        if reconciler is not None and event.change is _DELETE_SERVICE:
            # The garbage collector deletes every slice the Service owns, one by one.
            self._count(Plan(deletes=tuple(reconciler.slices)))
            self.reconciler = None

    def _compacted(self, reconciler: IncrementalReconciler, plan: Plan) -> Plan:
        """The compacting reconcile of the same event, from the slices as they were before *plan*."""
        after = reconciler.slices
        gone = {s.metadata.name for s in plan.creates}
        before = [s for s in after if s.metadata.name not in gone]
        updated = {u.slice.metadata.name: u.previous for u in plan.updates}
        before = [updated.get(s.metadata.name, s) for s in before] + list(plan.deletes)
        desired = reconciler.endpoints
        compacted = reconcile_compact(
            self.service, desired, before, max_endpoints_per_slice=self.limit, managed_by=CONTROLLER_NAME
        )
        self.reconciler = IncrementalReconciler(
            self.service,
            desired,
            compacted.apply(before),
            max_endpoints_per_slice=self.limit,
            managed_by=CONTROLLER_NAME,
        )
        return compacted


class _Addresses:
    """One address list of the Endpoints object, in upstream's order, with entry sizes."""

    def __init__(self) -> None:
        self.keys: list[tuple[str, bool, str]] = []
        # Entry sizes in the order of `keys`: a truncated object sums a prefix of them, in C.
        self.json: list[int] = []
        self.proto: list[int] = []
        # Running totals: an untruncated object is the whole list, and summing it on every
        # write made a 5,000-Pod rollout quadratic.
        self.total_json = 0
        self.total_proto = 0
        # The sums of the first `prefix` entries, kept as entries come and go: a truncated
        # object is the first 1000 addresses, and summing them on every write cost more than
        # the rest of the write.
        self.prefix = 0
        self.prefix_json = 0
        self.prefix_proto = 0

    def insert(self, key: tuple[str, bool, str], size: Size) -> int:
        keys = self.keys
        at = bisect.bisect_left(keys, key)
        keys.insert(at, key)
        self.json.insert(at, size.json)
        self.proto.insert(at, size.proto)
        self.total_json += size.json
        self.total_proto += size.proto
        prefix = self.prefix
        if at < prefix:
            # The new entry joins the prefix; the one now just past it leaves.
            self.prefix_json += size.json - self.json[prefix]
            self.prefix_proto += size.proto - self.proto[prefix]
        return at

    def extend(self, items: Iterable[tuple[tuple[str, bool, str], Size]]) -> None:
        """Insert every (key, size) of *items*, new keys all: sorted once when the list is empty.

        A Service's first state lists thousands of addresses; inserting each in order moved
        the list's tail every time.
        """
        if self.keys:
            for key, size in items:
                self.insert(key, size)
            return
        ordered = sorted(items, key=operator.itemgetter(0))
        self.keys = [key for key, _ in ordered]
        self.json = [size.json for _, size in ordered]
        self.proto = [size.proto for _, size in ordered]
        self.total_json = sum(self.json)
        self.total_proto = sum(self.proto)
        # No prefix summed yet: `first` sums the one it is asked for.
        self.prefix = self.prefix_json = self.prefix_proto = 0

    def remove(self, key: tuple[str, bool, str]) -> int:
        at = bisect.bisect_left(self.keys, key)
        del self.keys[at]
        json, proto = self.json.pop(at), self.proto.pop(at)
        self.total_json -= json
        self.total_proto -= proto
        prefix = self.prefix
        if at < prefix:
            # The entry leaves the prefix; the one that was just past it joins, if there is one.
            self.prefix_json -= json
            self.prefix_proto -= proto
            if prefix <= len(self.json):
                self.prefix_json += self.json[prefix - 1]
                self.prefix_proto += self.proto[prefix - 1]
            else:
                self.prefix = prefix - 1
        return at

    def first(self, count: int) -> Size:
        """The bytes the first *count* entries add."""
        if count >= len(self.keys):
            return Size(self.total_json, self.total_proto)
        prefix = self.prefix
        if count == prefix + 1:
            self.prefix_json += self.json[prefix]
            self.prefix_proto += self.proto[prefix]
        elif count == prefix - 1:
            self.prefix_json -= self.json[count]
            self.prefix_proto -= self.proto[count]
        elif count != prefix:
            self.prefix_json, self.prefix_proto = sum(self.json[:count]), sum(self.proto[:count])
        self.prefix = count
        return Size(self.prefix_json, self.prefix_proto)


class EndpointsRunner(Runner):
    """The Endpoints controller for one Service whose Pods all expose its ports.

    *limit* is the address cap (1000 upstream; ``None`` for the untruncated
    objects of Kubernetes before 1.22, as the 2020 blog describes them).
    """

    def __init__(
        self, service: Service, pods: Iterable[SimPod], *, limit: int | None, watchers: int, exists: bool
    ) -> None:
        self.service = service
        self.namespace = service.metadata.namespace or "default"
        self.limit = limit
        self.tally = Tally(watchers=watchers)
        self.ready = _Addresses()
        self.not_ready = _Addresses()
        self.exists = False
        self.objects = 0
        self._frames: dict[tuple[bool, bool, bool], Size] = {}
        self._shape: Endpoints | None = None
        self.where: dict[int, _Addresses] = {}
        self._addresses: dict[int, tuple[tuple[str, bool, str], Size]] = {}
        self._address_sizes: dict[tuple[int, int, int, int, int], Size] = {}
        self._plain_namespace = plain(self.namespace)
        if exists:
            self._create(pods, count=False)

    # -- sizes -----------------------------------------------------------

    def _kept(self) -> tuple[int, int, bool]:
        """Ready and not-ready addresses kept, and whether the object is truncated."""
        r, n = len(self.ready.keys), len(self.not_ready.keys)
        if self.limit is None or r + n <= self.limit:
            return r, n, False
        if r > self.limit:
            return self.limit, 0, True
        return r, self.limit - r, True

    def _frame(self, ready: bool, not_ready: bool, truncated: bool) -> Size:
        """The object's size with at most one address per list, less those addresses."""
        key = (ready, not_ready, truncated)
        frame = self._frames.get(key)
        if frame is None:
            shape = self._object_shape()
            one = EndpointAddress(ip="0.0.0.0")  # noqa: S104  # A stand-in address; only its size matters.
            subsets = (
                (
                    EndpointSubset(
                        addresses=(one,) if ready else None,
                        not_ready_addresses=(one,) if not_ready else None,
                        ports=shape.subsets[0].ports if shape.subsets else None,
                    ),
                )
                if ready or not_ready
                else None
            )
            meta = shape.metadata
            if truncated:
                annotations = dict(meta.annotations or {})
                annotations[ANNOTATION_OVER_CAPACITY] = OVER_CAPACITY_TRUNCATED
                meta = attrs.evolve(meta, annotations=FrozenDict(annotations))
            whole = object_size(Endpoints(metadata=meta, subsets=subsets))
            entry = _entry_size(to_dict(one))
            lists = int(ready) + int(not_ready)
            frame = self._frames[key] = Size(whole.json - lists * (entry.json - 1), whole.proto - lists * entry.proto)
        return frame

    def _object_shape(self) -> Endpoints:
        # The controller's own object for one ready Pod gives the metadata and ports every state shares.
        if self._shape is None:
            probe = SimPod(index=0, name="probe", uid="probe", ip="10.0.0.1", node="node", zone="zone")
            shape = endpoints_for_service(self.service, [pod_model(probe, self.service)])
            if shape is None:  # pragma: no cover - the simulated Service always has a selector.
                raise ValueError("the Endpoints controller does not manage the simulated Service")
            self._shape = shape
        return self._shape

    def size(self) -> Size:
        """The serialized size of the object as it is now."""
        r, n, truncated = self._kept()
        frame = self._frame(r > 0, n > 0, truncated)
        ready, not_ready = self.ready.first(r), self.not_ready.first(n)
        # Each entry counted a comma; a list of k entries has k - 1.
        commas = int(r > 0) + int(n > 0)
        return Size(frame.json + ready.json + not_ready.json - commas, frame.proto + ready.proto + not_ready.proto)

    # -- events ----------------------------------------------------------

    def _address(self, pod: SimPod) -> tuple[tuple[str, bool, str], Size]:
        # A Pod's address never changes with its phase: sized once, when first listed.
        found = self._addresses.get(pod.index)
        if found is None:
            # Upstream's order (`address_sort_key`): IP, then the target's UID.
            found = ((pod.ip, True, pod.uid), self._address_size(pod))
            self._addresses[pod.index] = found
        return found

    def _address_size(self, pod: SimPod) -> Size:
        """`address_entry_size` of *pod*'s address, looked up by its shape (the lengths of its plain strings)."""
        shape = pod.shape
        if shape is None:
            shape = pod_shape(pod)
        if shape is None or not self._plain_namespace:
            return address_entry_size(address_for(pod, self.namespace))
        size = self._address_sizes.get(shape)
        if size is None:
            size = self._address_sizes[shape] = address_entry_size(address_for(pod, self.namespace))
        return size

    def _place(self, pod: SimPod) -> _Addresses | None:
        """The list *pod* belongs in (``None``: a terminating Pod is left out)."""
        if pod.phase is _TERMINATING:
            return None
        return self.ready if pod.phase is _READY else self.not_ready

    def _create(self, pods: Iterable[SimPod], *, count: bool) -> None:
        self.exists = True
        self.objects = 1
        self.where = where = {}
        listed: dict[bool, list[tuple[tuple[str, bool, str], Size]]] = {True: [], False: []}
        ready = self.ready
        for pod in pods:
            target = self._place(pod)
            if target is not None:
                listed[target is ready].append(self._address(pod))
                where[pod.index] = target
        ready.extend(listed[True])
        self.not_ready.extend(listed[False])
        if count:
            self.tally.creates += 1
            size = self.size()
            self.tally.write(size.json, size.proto)

    def replay(self, event: Event, /) -> None:
        if event.change is _CREATE_SERVICE:
            self._create(event.pods, count=True)
            return
        if not self.exists:
            return
        if event.change is _DELETE_SERVICE:
            self.tally.deletes += 1
            size = self.size()
            self.tally.write(size.json, size.proto, delete=True)
            self.exists = False
            self.objects = 0
            return
        pod = event.pod
        assert pod is not None  # noqa: S101  # Pod events always carry their Pod.
        where = self.where
        old = where.pop(pod.index, None)
        new = None if event.change is _REMOVE else self._place(pod)
        if old is None and new is None:
            return  # Neither listed before nor now (a terminating Pod going): nothing changes.
        if old is new and old is not None:
            where[pod.index] = old
            return  # Same list, same entry: the controller finds nothing to write.
        before = self._kept()
        key, size = self._address(pod)
        # The object changes if the counts kept change, or an address moved within the kept prefix.
        moved = False
        if old is not None:
            moved = old.remove(key) < (before[0] if old is self.ready else before[1])
        if new is not None:
            moved = new.insert(key, size) < (before[0] if new is self.ready else before[1]) or moved
            where[pod.index] = new
        else:
            self._addresses.pop(pod.index, None)
        if moved or self._kept() != before:
            self.tally.updates += 1
            size = self.size()
            self.tally.write(size.json, size.proto)

    def model(self, pods: Sequence[SimPod]) -> Endpoints | None:
        """The real controller's object for *pods* (slow; for checks)."""
        if not self.exists:
            return None
        return endpoints_for_service(
            self.service, [pod_model(p, self.service) for p in pods], limit=self.limit or 10**9
        )


def replay(
    runners: Sequence[Runner],
    events: Sequence[Event],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Replay *events* through every runner, sampling after each event."""
    total = len(events) * len(runners)
    done = 0
    chunk = 256
    for runner in runners:
        # `Tally.sample`, inline: it runs after every event of every runner.
        step, tally = runner.replay, runner.tally
        wire, objects = tally.series_wire, tally.series_objects
        peak = tally.objects_peak
        for start in range(0, len(events), chunk):
            for event in events[start : start + chunk]:
                step(event)
                now = runner.objects
                peak = now if now > peak else peak
                wire.append(tally.wire_json)
                objects.append(now)
            done += min(chunk, len(events) - start)
            if progress is not None:
                progress(done, total)
        tally.objects_peak = peak
    if progress is not None:
        progress(total, total)
