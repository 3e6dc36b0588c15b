"""Cross-object checks: problems no apiserver reports, found across a set of manifests.

The apiserver validates one object at a time. These checks look at a set of
objects together (a directory, a kustomize build) and find what breaks
traffic anyway: a slice whose ports do not match its Service's, a slice the
EndpointSlice controller will delete, two slices that disagree about one
endpoint. Every rule has a stable id (``ES001`` ...) and a severity, listed
in `RULES` and documented in ``docs/checks.md``.

`api_findings` turns the apiserver's own errors and warnings for an object
(`endpointslice.validation`) into findings of the same shape, under the rule
ids ``api`` and ``api-warning``, so that one list can carry both.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeGuard

import attrs

from .discovery import LABEL_MANAGED_BY, LABEL_SERVICE_NAME, EndpointSlice
from .endpoints import ANNOTATION_OVER_CAPACITY, Endpoints
from .enums import wire_value
from .kinds import _imported_class, kind_of
from .validation import KubeVersion, covers, validate, warnings

if TYPE_CHECKING:
    from .kinds import KubeObject
    from .service import Service

__all__ = [
    "ANNOTATION_IGNORE_CHECKS",
    "CONTROLLER_NAME",
    "CROSS_OBJECT_CHECKS",
    "MIRRORING_CONTROLLER_NAME",
    "RULES",
    "Finding",
    "Rule",
    "Severity",
    "api_findings",
    "ignored_checks",
    "run_checks",
]

#: The ``managed-by`` value of slices made by the EndpointSlice controller.
CONTROLLER_NAME = "endpointslice-controller.k8s.io"
#: The ``managed-by`` value of slices made by the mirroring controller.
MIRRORING_CONTROLLER_NAME = "endpointslicemirroring-controller.k8s.io"

_MAX_ENDPOINTS_ADDRESSES = 1000

#: An object's annotation that turns off cross-object checks for that object alone, e.g.
#: ``ES002,ES005``. The prefix is this project's own (its GitHub organisation's Pages domain), since
#: ``kubernetes.io`` and ``k8s.io`` are reserved for Kubernetes itself.
ANNOTATION_IGNORE_CHECKS = "endpointslice.github.io/ignore-checks"


class Severity(enum.Enum):
    """How bad a finding is: errors fail a CI run, warnings only with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen
class Rule:
    """A check's stable id, severity and one-line title."""

    id: str
    severity: Severity
    title: str


#: Every rule, by id. ``api`` and ``api-warning`` carry the apiserver's own messages.
RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule("api", Severity.ERROR, "the apiserver would reject the object"),
        Rule("api-warning", Severity.WARNING, "the apiserver would accept the object with a warning"),
        Rule("load", Severity.ERROR, "the input cannot be read as Kubernetes objects"),
        Rule("unknown-field", Severity.WARNING, "a field the object's kind does not have (an error with --strict)"),
        Rule("rejected-kind", Severity.ERROR, "an object of a kind refused with --reject-kinds"),
        Rule("ignore-checks", Severity.WARNING, "the ignore-checks annotation names something that is not a check"),
        Rule("ES001", Severity.WARNING, "the slice's Service is not in the set"),
        Rule("ES002", Severity.ERROR, "a slice port matches no Service port by name and protocol"),
        Rule("ES003", Severity.ERROR, "the slice's addressType is not one of the Service's ipFamilies"),
        Rule("ES004", Severity.WARNING, "a slice of a selector-based Service is not managed by the controller"),
        Rule("ES005", Severity.ERROR, "a hand-written slice claims the controller's managed-by value"),
        Rule("ES006", Severity.ERROR, "one address and port appear in two slices with conflicting conditions"),
        Rule("ES007", Severity.WARNING, "a selectorless Service has no EndpointSlices and no Endpoints"),
        Rule("ES008", Severity.WARNING, "a slice holds more endpoints than the configured maximum"),
        Rule("ES009", Severity.WARNING, "v1 Endpoints is deprecated"),
        Rule("ES010", Severity.WARNING, "an Endpoints object is over capacity"),
        Rule("ES011", Severity.WARNING, "a slice has no kubernetes.io/service-name label"),
    )
}

#: The ids of the cross-object checks, the ones ``--disable`` and the annotation can turn off.
CROSS_OBJECT_CHECKS = frozenset(r for r in RULES if r.startswith("ES"))


@attrs.frozen(kw_only=True)
class Finding:
    """One problem found in one object.

    Attributes:
        rule: The rule id, e.g. ``ES002`` or ``api``.
        severity: Copied from the rule, for convenience.
        kind: The object's kind, e.g. ``EndpointSlice``.
        namespace: The object's namespace (``default`` when unset, as kubectl would create it).
        name: The object's name (or ``generateName``, or ``""``).
        path: The field path the finding is about, ``""`` for the whole object.
        message: What is wrong.
        subject: The object itself (not compared), so that tools can locate it.
    """

    rule: str
    severity: Severity
    kind: str
    namespace: str
    name: str
    path: str
    message: str
    subject: KubeObject | None = attrs.field(default=None, eq=False, repr=False)

    def __str__(self) -> str:
        where = f"{self.kind}/{self.namespace}/{self.name}"
        what = f"{self.path}: {self.message}" if self.path else self.message
        return f"{self.severity.value} [{self.rule}] {where}: {what}"


def _finding(rule: str, obj: KubeObject, path: str, message: str) -> Finding:
    meta = getattr(obj, "metadata", None)
    name = (getattr(meta, "name", None) or getattr(meta, "generate_name", None) or "") if meta else ""
    namespace = (getattr(meta, "namespace", None) or "default") if meta else "default"
    return Finding(
        rule=rule,
        severity=RULES[rule].severity,
        kind=kind_of(obj),
        namespace=namespace,
        name=name,
        path=path,
        message=message,
        subject=obj,
    )


def api_findings(
    obj: KubeObject,
    /,
    *,
    version: KubeVersion | str = KubeVersion.V1_37,
    strict_ip: bool | None = None,
    old: KubeObject | None = None,
) -> list[Finding]:
    """The apiserver's errors (rule ``api``) and warnings (``api-warning``) for creating *obj*.

    Objects of kinds without apiserver rules here (Pods, Nodes) give none. The
    Endpoints deprecation warning is left to rule ``ES009``. With *old*, the
    stored object of the same kind, the errors are those of an update instead
    (immutable fields, ratcheting); an *old* of another kind is ignored.
    """
    if not covers(obj):
        return []
    stored = old if type(old) is type(obj) else None
    errors = validate(obj, old=stored, version=version, strict_ip=strict_ip)
    out = [_finding("api", obj, e.path, e.body) for e in errors]
    for text in warnings(obj, version=version):
        if text.startswith("v1 Endpoints is deprecated"):
            continue  # ES009 reports it, with the way out.
        path, sep, message = text.partition(": ")
        if not sep or " " in path:
            path, message = "", text
        out.append(_finding("api-warning", obj, path, message))
    return out


def _is_service(obj: object) -> TypeGuard[Service]:
    # A set of slices alone never imports the Service model (start-up cost), and holds no Service.
    cls = _imported_class("v1", "Service")
    return cls is not None and isinstance(obj, cls)


def ignored_checks(obj: KubeObject, /) -> tuple[frozenset[str], tuple[str, ...]]:
    """The check ids *obj*'s `ANNOTATION_IGNORE_CHECKS` annotation turns off, and the names in it that are not checks.

    Only the cross-object checks (``ES001`` ...) can be turned off: what the
    apiserver rejects stays an error whatever the object says.

    >>> from endpointslice import ObjectMeta, Service
    >>> ignored_checks(Service(metadata=ObjectMeta(annotations={ANNOTATION_IGNORE_CHECKS: "ES007, api, ES999"})))
    (frozenset({'ES007'}), ('api', 'ES999'))
    """
    meta = getattr(obj, "metadata", None)
    value = meta.annotation(ANNOTATION_IGNORE_CHECKS) if meta is not None else None
    if not value:
        return frozenset(), ()
    names = [n.strip() for n in value.split(",") if n.strip()]
    good = frozenset(n for n in names if n in CROSS_OBJECT_CHECKS)
    return good, tuple(n for n in names if n not in good)


def _ns(obj: KubeObject) -> str:
    meta = getattr(obj, "metadata", None)
    return (getattr(meta, "namespace", None) or "default") if meta else "default"


def _port_label(name: str, protocol: str) -> str:
    return f'"{name}"/{protocol}'


def run_checks(objects: Iterable[KubeObject], /, *, max_endpoints_per_slice: int = 100) -> list[Finding]:
    """Run every cross-object check over *objects* (lists must already be flattened).

    Args:
        objects: The objects to check together, e.g. ``io.flatten(...)`` of a directory.
        max_endpoints_per_slice: The ``ES008`` limit; the controller's default is 100.

    Returns:
        The findings, grouped by object in input order and, within one
        object, in rule order.
    """
    objs = list(objects)
    services: dict[tuple[str, str], Service] = {}
    for o in objs:
        if _is_service(o) and o.metadata.name:
            services.setdefault((_ns(o), o.metadata.name), o)
    slices = [o for o in objs if isinstance(o, EndpointSlice)]
    endpoints_names = {(_ns(o), o.metadata.name) for o in objs if isinstance(o, Endpoints)}
    sliced = {(_ns(s), s.service_name) for s in slices if s.service_name}

    found: dict[int, list[Finding]] = defaultdict(list)
    for s in slices:
        found[id(s)].extend(_slice_findings(s, services, max_endpoints_per_slice))
    for f in _conflicts(slices):
        found[id(f.subject)].append(f)
    for o in objs:
        if _is_service(o):
            found[id(o)].extend(_service_findings(o, sliced, endpoints_names))
        elif isinstance(o, Endpoints):
            found[id(o)].extend(_endpoints_findings(o))
    out: list[Finding] = []
    seen: set[int] = set()
    for o in objs:
        if id(o) in seen:
            continue
        seen.add(id(o))
        out.extend(sorted(found.get(id(o), ()), key=lambda f: f.rule))
    return out


def _slice_findings(s: EndpointSlice, services: dict[tuple[str, str], Service], limit: int) -> Iterator[Finding]:
    service_name = s.service_name
    if not service_name:
        yield _finding(
            "ES011",
            s,
            f"metadata.labels[{LABEL_SERVICE_NAME}]",
            "missing: kube-proxy and DNS ignore a slice that names no Service",
        )
    svc = services.get((_ns(s), service_name)) if service_name else None
    if service_name and svc is None:
        yield _finding(
            "ES001",
            s,
            f"metadata.labels[{LABEL_SERVICE_NAME}]",
            f'Service "{_ns(s)}/{service_name}" is not in the checked set',
        )
    managed_by = s.managed_by
    if svc is not None:
        yield from _port_findings(s, svc)
        yield from _family_findings(s, svc)
        selector = bool(svc.spec.selector)
        if selector and managed_by != CONTROLLER_NAME:
            yield _finding(
                "ES004",
                s,
                f"metadata.labels[{LABEL_MANAGED_BY}]",
                f"Service {service_name!r} has a selector, so the EndpointSlice controller manages its slices; "
                f"this one ({'unlabelled' if managed_by is None else repr(managed_by)}) is served alongside them "
                "and never updated by the controller",
            )
    if managed_by == CONTROLLER_NAME and not _controller_owned(s, svc):
        reason = (
            "its Service has no selector"
            if svc is not None and not svc.spec.selector
            else "it has no controller ownerReference to its Service"
        )
        yield _finding(
            "ES005",
            s,
            f"metadata.labels[{LABEL_MANAGED_BY}]",
            f"{CONTROLLER_NAME!r} marks the slice as the controller's, but {reason}: "
            "the controller will delete or overwrite it",
        )
    count = len(s.endpoints or ())
    if count > limit:
        yield _finding("ES008", s, "endpoints", f"{count} endpoints, more than the maximum of {limit} per slice")


def _controller_owned(s: EndpointSlice, svc: Service | None) -> bool:
    if svc is not None and not svc.spec.selector:
        return False
    return any(
        ref.kind == "Service" and ref.controller and ref.name == s.service_name
        for ref in s.metadata.owner_references or ()
    )


def _port_findings(s: EndpointSlice, svc: Service) -> Iterator[Finding]:
    wanted = {((p.name or ""), wire_value(p.protocol) or "TCP") for p in svc.spec.ports or ()}
    if not wanted:
        return
    shown = ", ".join(_port_label(n, p) for n, p in sorted(wanted))
    for i, port in enumerate(s.ports or ()):
        key = (port.name or "", wire_value(port.protocol) or "TCP")
        if key not in wanted:
            yield _finding(
                "ES002",
                s,
                f"ports[{i}]",
                f"port {_port_label(*key)} matches no port of Service {svc.metadata.name!r} ({shown}); "
                "kube-proxy ignores it",
            )


def _service_families(svc: Service) -> list[str]:
    if svc.spec.ip_families:
        return [wire_value(f) for f in svc.spec.ip_families]
    from . import _validators

    families = []
    for ip in svc.spec.cluster_ips or ((svc.spec.cluster_ip,) if svc.spec.cluster_ip else ()):
        parsed = _validators.parse_ip_sloppy(ip)
        if parsed is not None:
            families.append("IPv4" if _validators.is_v4(parsed) else "IPv6")
    return families


def _family_findings(s: EndpointSlice, svc: Service) -> Iterator[Finding]:
    address_type = wire_value(s.address_type)
    families = _service_families(svc)
    if address_type in ("IPv4", "IPv6") and families and address_type not in families:
        yield _finding(
            "ES003",
            s,
            "addressType",
            f"{address_type} is not among the ipFamilies of Service {svc.metadata.name!r} ({', '.join(families)})",
        )


def _conflicts(slices: Sequence[EndpointSlice]) -> Iterator[Finding]:
    """ES006: the same address and port with different conditions in two slices of one Service."""
    seen: dict[tuple[str, str, str, str, str, int | None], tuple[tuple[bool, bool, bool], EndpointSlice]] = {}
    for s in slices:
        if not s.service_name:
            continue
        ports = [(p.name or "", wire_value(p.protocol) or "TCP", p.port) for p in s.ports or ()] or [("", "TCP", None)]
        reported: set[str] = set()
        for i, endpoint in enumerate(s.endpoints or ()):
            c = endpoint.conditions
            state = (c.effective_ready, c.effective_serving, c.effective_terminating)
            for j, address in enumerate(endpoint.addresses):
                for port in ports:
                    key = (_ns(s), s.service_name, address, *port)
                    earlier = seen.setdefault(key, (state, s))
                    if earlier[1] is s or earlier[0] == state:
                        continue
                    path = f"endpoints[{i}].addresses[{j}]"
                    if path in reported:
                        continue
                    reported.add(path)
                    other = earlier[1].metadata.name or earlier[1].metadata.generate_name or ""
                    yield _finding(
                        "ES006",
                        s,
                        path,
                        f"{address} port {_port_label(port[0], port[1])} is {_state(state)} here but "
                        f"{_state(earlier[0])} in slice {other!r}",
                    )


def _state(state: tuple[bool, bool, bool]) -> str:
    ready, serving, terminating = state
    return f"ready={str(ready).lower()} serving={str(serving).lower()} terminating={str(terminating).lower()}"


def _service_findings(
    svc: Service, sliced: set[tuple[str, str]], endpoints_names: set[tuple[str, str | None]]
) -> Iterator[Finding]:
    if svc.spec.selector or wire_value(svc.spec.type) == "ExternalName":
        return
    key = (_ns(svc), svc.metadata.name)
    if key not in sliced and key not in endpoints_names:
        yield _finding(
            "ES007",
            svc,
            "spec.selector",
            "the Service has no selector and the set has no EndpointSlice or Endpoints for it, so it has no endpoints",
        )


def _endpoints_findings(ep: Endpoints) -> Iterator[Finding]:
    yield _finding(
        "ES009",
        ep,
        "",
        "v1 Endpoints is deprecated since Kubernetes 1.33; use discovery.k8s.io/v1 EndpointSlices "
        "(`endpointslice migrate` converts it)",
    )
    if ep.metadata.annotation(ANNOTATION_OVER_CAPACITY) is not None:
        yield _finding(
            "ES010",
            ep,
            f"metadata.annotations[{ANNOTATION_OVER_CAPACITY}]",
            "the Endpoints controller truncated this object to 1000 addresses; consumers miss the rest",
        )
    total = sum(len(ss.addresses or ()) + len(ss.not_ready_addresses or ()) for ss in ep.subsets or ())
    if total > _MAX_ENDPOINTS_ADDRESSES:
        yield _finding(
            "ES010",
            ep,
            "subsets",
            f"{total} addresses, more than the {_MAX_ENDPOINTS_ADDRESSES} the Endpoints controller keeps",
        )
