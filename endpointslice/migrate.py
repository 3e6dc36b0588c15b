"""Migrate hand-written core/v1 Endpoints to EndpointSlice manifests, provably without loss.

v1 Endpoints is deprecated since Kubernetes 1.33. A selectorless Service whose
Endpoints object is kept in a repository should ship EndpointSlices instead.
`migrate_endpoints` converts one Endpoints object:

* the subsets are put in canonical form first
  (`endpointslice.repack.repack_subsets`), so each port set appears once;
* one slice per address family and port set, split into slices of at most
  *max_endpoints_per_slice* endpoints (default 100, as the controller);
* slices named ``<service>-<n>`` in a fixed order (IPv4 before IPv6, then the
  canonical subset order), labelled ``kubernetes.io/service-name`` and with a
  managed-by value of our own (``endpointslice-migrate``), never the
  controller's, so no controller adopts or deletes them;
* the Endpoints' labels and annotations are kept (except kubectl's
  last-applied configuration and the trigger time, which describe the
  Endpoints object itself);
* every endpoint is what the mirroring controller would have made of the
  address (`endpointslice.mirroring.address_to_endpoint`): canonical IP,
  ``conditions.ready``, hostname, nodeName and targetRef.

Nothing is dropped silently: an address that is not an IP is reported as a
`Problem` naming its field path, and `view_differences` proves that the
endpoints kube-proxy programs for the slices are the ones it programs for the
Endpoints object today (`endpointslice.proxy`).

`migrate` applies this to a whole set of objects: Services and every other
object pass through unchanged, each Endpoints object is replaced by its slices
(or kept as well), and the Service's port names are checked against the
Endpoints ports so that kube-proxy will route every Service port.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import attrs

from .discovery import Endpoint, EndpointPort, EndpointSlice
from .endpoints import Endpoints, EndpointsList
from .enums import AddressType, default_protocol, wire_value
from .errors import Problem
from .kinds import KubeList
from .meta import ObjectMeta
from .mirroring import (
    ANNOTATION_LEADER,
    DEFAULT_MAX_ENDPOINTS_PER_SUBSET,
    LABEL_SKIP_MIRROR,
    MIRRORING_CONTROLLER_NAME,
    address_to_endpoint,
    mirrored_annotations,
    mirrored_labels,
    slice_ports,
)
from .packing import (
    CONTROLLER_NAME,
    DEFAULT_MAX_ENDPOINTS_PER_SLICE,
    NameStrategy,
    PackingError,
    _check_max,
    canonical_address,
    name_slices,
)
from .proxy import ServiceView, proxy_view, proxy_view_of_endpoints
from .repack import default_protocols, repack_subsets
from .service import Service, ServiceList
from .validation import validate_endpoint_slice

if TYPE_CHECKING:
    from .kinds import KubeObject

__all__ = [
    "DEFAULT_MANAGED_BY",
    "MigrateResult",
    "Migration",
    "check_managed_by",
    "migrate",
    "migrate_endpoints",
    "view_differences",
]

#: The ``endpointslice.kubernetes.io/managed-by`` value of migrated slices.
DEFAULT_MANAGED_BY = "endpointslice-migrate"

_FAMILIES = (AddressType.IPV4, AddressType.IPV6)
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def check_managed_by(value: str, /) -> None:
    """Refuse a managed-by value that the API rejects or that a controller owns.

    Raises:
        PackingError: *value* is not a valid label value (at most 63
            characters of ``[A-Za-z0-9-_.]``, starting and ending with an
            alphanumeric), is empty, or is the EndpointSlice or mirroring
            controller's own value (that controller would adopt or delete the
            slices).
    """
    if value in (CONTROLLER_NAME, MIRRORING_CONTROLLER_NAME):
        message = f"Invalid value: {value!r}: belongs to a controller, which would take over or delete the slices"
    elif not value or len(value) > 63 or not _LABEL_VALUE.match(value):
        message = (
            f"Invalid value: {value!r}: must be a non-empty label value: at most 63 characters, "
            "alphanumeric, '-', '_' or '.', starting and ending with an alphanumeric character"
        )
    else:
        return
    raise PackingError([Problem(message=message, path="managedBy")])


@attrs.frozen(kw_only=True)
class Migration:
    """The migration of one Endpoints object.

    Attributes:
        endpoints: The Endpoints object.
        slices: Its EndpointSlices (empty when it was not migrated).
        migrated: Whether it was migrated; see *reason* when not.
        reason: Why it was left as it is (no name, leader-election record,
            skip-mirror label, a Service with a selector).
        problems: What could not be migrated: addresses that are not IPs,
            each with its field path in the Endpoints object, and anything in
            a slice the API server would reject (e.g. a port name that the
            Endpoints API accepts but the EndpointSlice API does not).
        warnings: What kube-proxy does not route as the user may expect:
            Service ports without a matching Endpoints port and the reverse,
            and addresses over the mirroring controller's cap of 1000 per
            subset (not routed today, routed after the migration).
    """

    endpoints: Endpoints
    slices: tuple[EndpointSlice, ...] = ()
    migrated: bool = True
    reason: str | None = None
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def name(self) -> str:
        """``namespace/name`` of the Endpoints object (just the name without namespace)."""
        meta = self.endpoints.metadata
        return f"{meta.namespace}/{meta.name}" if meta.namespace else meta.name or ""


def _invalid_addresses(endpoints: Endpoints) -> list[Problem]:
    problems = []
    for i, subset in enumerate(endpoints.subsets or ()):
        for field, addresses in (("addresses", subset.addresses), ("notReadyAddresses", subset.not_ready_addresses)):
            for j, address in enumerate(addresses or ()):
                if canonical_address(address.ip) is None:
                    problems.append(
                        Problem(
                            message=f"Invalid value: {address.ip!r}: not an IP address; "
                            "left out of the EndpointSlices (kube-proxy never routed it)",
                            path=f"subsets[{i}].{field}[{j}].ip",
                        )
                    )
    return problems


def _port_warnings(endpoints: Endpoints, service: Service) -> list[Problem]:
    """Service ports kube-proxy cannot route with these endpoints, and Endpoints ports it ignores."""
    offered = {
        (p.name or "", wire_value(default_protocol(p.protocol))) for s in endpoints.subsets or () for p in s.ports or ()
    }
    wanted: dict[tuple[str, str], int] = {}
    for i, service_port in enumerate(service.spec.ports or ()):
        wanted.setdefault((service_port.name or "", wire_value(default_protocol(service_port.protocol))), i)
    warnings = []
    for (name, protocol), i in wanted.items():
        if (name, protocol) not in offered:
            label = f"{name!r}" if name else "(unnamed)"
            warnings.append(
                Problem(
                    message=f"Service port {label}/{protocol} has no Endpoints port of that name and protocol; "
                    "kube-proxy will not route it",
                    path=f"spec.ports[{i}]",
                )
            )
    for i, subset in enumerate(endpoints.subsets or ()):
        for j, port in enumerate(subset.ports or ()):
            key = (port.name or "", wire_value(default_protocol(port.protocol)))
            if key not in wanted:
                label = f"{key[0]!r}" if key[0] else "(unnamed)"
                warnings.append(
                    Problem(
                        message=f"Endpoints port {label}/{key[1]} is not a port of the Service; kube-proxy ignores it",
                        path=f"subsets[{i}].ports[{j}]",
                    )
                )
    return warnings


def _skip_reason(endpoints: Endpoints, service: Service | None) -> str | None:
    meta = endpoints.metadata
    if not meta.name:
        return "it has no metadata.name, so it belongs to no Service"
    if meta.annotations is not None and ANNOTATION_LEADER in meta.annotations:
        return f"it is a leader-election record ({ANNOTATION_LEADER}), not a Service's endpoints"
    if meta.label(LABEL_SKIP_MIRROR) == "true":
        return f"it is labelled {LABEL_SKIP_MIRROR}=true, so it is not mirrored today either"
    if service is not None and service.spec.selector:
        return "its Service has a selector, so the control plane writes its endpoints"
    return None


def migrate_endpoints(
    endpoints: Endpoints,
    /,
    *,
    service: Service | None = None,
    max_endpoints_per_slice: int = DEFAULT_MAX_ENDPOINTS_PER_SLICE,
    managed_by: str = DEFAULT_MANAGED_BY,
) -> Migration:
    """Convert one Endpoints object into EndpointSlices.

    Args:
        endpoints: The Endpoints object.
        service: Its Service, if known: its ports are checked against the
            Endpoints ports, and an Endpoints object whose Service has a
            selector is left alone.
        max_endpoints_per_slice: 1 to 1000; bigger subsets are split.
        managed_by: The ``endpointslice.kubernetes.io/managed-by`` value.

    Returns:
        The slices, with what could not be migrated and what kube-proxy will
        not route.

    Raises:
        PackingError: *max_endpoints_per_slice* is out of range, or *managed_by*
            is refused by `check_managed_by`.

    >>> from endpointslice import Endpoints, EndpointSubset, EndpointAddress, EndpointsPort, ObjectMeta
    >>> ep = Endpoints(metadata=ObjectMeta(name="db", namespace="prod"), subsets=[EndpointSubset(
    ...     addresses=[EndpointAddress(ip="192.0.2.10"), EndpointAddress(ip="192.0.2.11")],
    ...     ports=[EndpointsPort(name="pg", port=5432)])])
    >>> [(s.metadata.name, len(s.endpoints)) for s in migrate_endpoints(ep).slices]
    [('db-1', 2)]
    """
    _check_max(max_endpoints_per_slice)
    check_managed_by(managed_by)
    reason = _skip_reason(endpoints, service)
    if reason is not None:
        return Migration(endpoints=endpoints, migrated=False, reason=reason)

    meta = endpoints.metadata
    labels = mirrored_labels(endpoints, managed_by=managed_by)
    annotations = mirrored_annotations(endpoints)
    # Each canonical subset's endpoints, per family, in subset order (ready ones first).
    per_family: dict[AddressType, list[tuple[tuple[EndpointPort, ...], list[Endpoint]]]] = {f: [] for f in _FAMILIES}
    unrouted = 0
    for subset in repack_subsets(default_protocols(endpoints.subsets)):
        ports = slice_ports(subset.ports)
        chosen: dict[AddressType, list[Endpoint]] = {f: [] for f in _FAMILIES}
        listed = [(a, True) for a in subset.addresses or ()]
        listed += [(a, False) for a in subset.not_ready_addresses or ()]
        for address, ready in listed:
            made = address_to_endpoint(address, ready=ready)
            if made is not None:
                chosen[made[1]].append(made[0])
        valid = sum(len(eps) for eps in chosen.values())
        unrouted += max(0, valid - DEFAULT_MAX_ENDPOINTS_PER_SUBSET)
        for family in _FAMILIES:
            per_family[family].append((ports, chosen[family]))

    unnamed: list[EndpointSlice] = []
    for family in _FAMILIES:
        for ports, eps in per_family[family]:
            for start in range(0, len(eps), max_endpoints_per_slice):
                unnamed.append(
                    EndpointSlice(
                        metadata=ObjectMeta(namespace=meta.namespace, labels=labels, annotations=annotations),
                        address_type=family,
                        endpoints=tuple(eps[start : start + max_endpoints_per_slice]),
                        ports=ports,
                    )
                )
    slices = name_slices(unnamed, NameStrategy.ORDINAL, service_name=meta.name or "")
    warnings = _port_warnings(endpoints, service) if service is not None else []
    if unrouted:
        # The mirroring controller takes at most 1000 valid addresses of a subset, so kube-proxy
        # has never seen the rest; the slices make them live.
        warnings.append(
            Problem(
                message=f"{unrouted} addresses are over the mirroring controller's limit of "
                f"{DEFAULT_MAX_ENDPOINTS_PER_SUBSET} per subset, so kube-proxy does not route them today; "
                "it will once the slices replace the Endpoints",
                path="subsets",
            )
        )
    problems = _invalid_addresses(endpoints)
    for new_slice in slices:
        # What the Endpoints API accepted, the EndpointSlice API may not (a port name, a hostname):
        # say so now rather than at apply time.
        for error in validate_endpoint_slice(new_slice):
            problems.append(
                Problem(message=f"EndpointSlice {new_slice.metadata.name} would be rejected by the API server: {error}")
            )
    return Migration(
        endpoints=endpoints,
        slices=tuple(slices),
        problems=tuple(problems),
        warnings=tuple(warnings),
    )


def _describe(view: ServiceView) -> dict[tuple[str, str], dict[str, str]]:
    out: dict[tuple[str, str], dict[str, str]] = {}
    for key, eps in view.ports.items():
        out[(str(key), view.address_type.value)] = {
            e.address: f"ready={e.ready} serving={e.serving} terminating={e.terminating} node={e.node_name or '-'}"
            for e in eps
        }
    return out


def view_differences(endpoints: Endpoints, slices: Sequence[EndpointSlice], /) -> list[str]:
    """How kube-proxy's view of *slices* differs from its view of *endpoints*; empty when equal.

    Both address families are compared, per service port, endpoint by endpoint
    (address, port, readiness, serving, terminating, node).

    >>> from endpointslice import Endpoints, EndpointSubset, EndpointAddress, EndpointsPort, ObjectMeta
    >>> ep = Endpoints(metadata=ObjectMeta(name="db"), subsets=[EndpointSubset(
    ...     addresses=[EndpointAddress(ip="192.0.2.10")], ports=[EndpointsPort(name="pg", port=5432)])])
    >>> view_differences(ep, migrate_endpoints(ep).slices)
    []
    >>> view_differences(ep, [])
    ['pg/TCP IPv4: 192.0.2.10:5432 is missing from the slices']
    """
    service = (endpoints.metadata.namespace, endpoints.metadata.name or "")
    lines = []
    for family in _FAMILIES:
        before = _describe(proxy_view_of_endpoints(endpoints, address_type=family))
        after = _describe(proxy_view(slices, address_type=family, service=service))
        for key in sorted(before.keys() | after.keys()):
            old, new = before.get(key, {}), after.get(key, {})
            where = f"{key[0]} {key[1]}"
            for address in sorted(old.keys() - new.keys()):
                lines.append(f"{where}: {address} is missing from the slices")
            for address in sorted(new.keys() - old.keys()):
                lines.append(f"{where}: {address} is new in the slices")
            for address in sorted(old.keys() & new.keys()):
                if old[address] != new[address]:
                    lines.append(f"{where}: {address} changes from {old[address]} to {new[address]}")
    return lines


@attrs.frozen(kw_only=True)
class MigrateResult:
    """The outcome of `migrate`.

    Attributes:
        objects: The output objects, in input order: each migrated Endpoints
            object replaced by its slices (or followed by them when kept);
            every other object unchanged. A list object stays a list, of the
            generic ``kind: List`` once it holds slices.
        migrations: One per Endpoints object met, in input order.
    """

    objects: tuple[KubeObject, ...]
    migrations: tuple[Migration, ...]

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem of every migration."""
        return tuple(p for m in self.migrations for p in m.problems)


def _service_index(objects: Iterable[KubeObject]) -> dict[tuple[str, str], Service]:
    index: dict[tuple[str, str], Service] = {}
    for obj in objects:
        if isinstance(obj, Service):
            index.setdefault((obj.metadata.namespace or "", obj.metadata.name or ""), obj)
        elif isinstance(obj, (ServiceList, KubeList)):
            index.update((k, v) for k, v in _service_index(obj.items).items() if k not in index)
    return index


def migrate(
    objects: Iterable[KubeObject],
    /,
    *,
    keep_endpoints: bool = False,
    max_endpoints_per_slice: int = DEFAULT_MAX_ENDPOINTS_PER_SLICE,
    managed_by: str = DEFAULT_MANAGED_BY,
    services: Iterable[KubeObject] = (),
) -> MigrateResult:
    """Migrate every Endpoints object among *objects* (see `migrate_endpoints`).

    A Service among *objects* with the Endpoints' namespace and name is used
    to check port names and to leave the Endpoints of selector Services
    alone. Objects inside ``kind: List`` and ``EndpointsList`` documents are
    migrated too.

    Args:
        objects: Loaded objects, in document order.
        keep_endpoints: Keep each migrated Endpoints object, followed by its slices.
        max_endpoints_per_slice: 1 to 1000.
        managed_by: The managed-by label value of the slices.
        services: More objects to look Services up in (e.g. other files);
            Services among *objects* come first.

    Raises:
        PackingError: *max_endpoints_per_slice* is out of range, or *managed_by*
            is refused by `check_managed_by`.
    """
    _check_max(max_endpoints_per_slice)
    check_managed_by(managed_by)
    items = list(objects)
    known = _service_index(items)
    known.update((k, v) for k, v in _service_index(services).items() if k not in known)
    migrations: list[Migration] = []

    def convert(obj: KubeObject) -> list[KubeObject]:
        if isinstance(obj, Endpoints):
            key = (obj.metadata.namespace or "", obj.metadata.name or "")
            done = migrate_endpoints(
                obj,
                service=known.get(key),
                max_endpoints_per_slice=max_endpoints_per_slice,
                managed_by=managed_by,
            )
            migrations.append(done)
            if not done.migrated:
                return [obj]
            return [obj, *done.slices] if keep_endpoints else list(done.slices)
        if isinstance(obj, (EndpointsList, KubeList)):
            before = len(migrations)
            new_items = [out for item in obj.items for out in convert(item)]
            if len(migrations) == before or all(not m.migrated for m in migrations[before:]):
                return [obj]
            return [KubeList(metadata=obj.metadata, items=tuple(new_items))]
        return [obj]

    out = [converted for obj in items for converted in convert(obj)]
    return MigrateResult(objects=tuple(out), migrations=tuple(migrations))
