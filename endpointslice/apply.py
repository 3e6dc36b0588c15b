"""Carry a `Plan` out against a cluster, with the official `kubernetes` client or lightkube.

`apply_plan` issues a plan's writes as the EndpointSlice controller does in its finalize step:
per address type, its creates, then its updates, then its deletes (the deletes of address types
the plan neither creates nor updates come last). Updates carry the ``resourceVersion`` the slice
was read at, and deletes carry it (and the UID) as preconditions, so a slice someone else changed
in the meantime is never overwritten or deleted: the apiserver answers ``409 Conflict``. Given a
``replan`` callback, `apply_plan` then reads the Service's slices again, plans afresh and carries
on, which is what a controller loop does; `sync` is that loop's body in one call.

Every failure is an `ApplyError` naming the object, never a client exception.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

import attrs

from .client import Library, from_client, to_client
from .discovery import LABEL_SERVICE_NAME, EndpointSlice, EndpointSliceList
from .errors import ApplyError, StructureError
from .packing import EndpointsInput, NameStrategy
from .reconcile import Plan, reconcile
from .service import Service

__all__ = ["ApplyResult", "apply_plan", "read_service", "read_slices", "sync"]

#: Upstream's controller retries a failed sync with backoff; five plans cover a busy minute.
DEFAULT_MAX_ATTEMPTS = 5

_STALE = (404, 409)  # Not found (someone deleted it) and conflict: our view of the slices is old.

#: Seconds to connect (TCP and TLS) and to wait for an answer, for the official client, which
#: has no timeout of its own: a server that accepts and never answers would hang us forever.
#: lightkube has its own (10 s). Connect matches kubectl's TLS handshake timeout.
REQUEST_TIMEOUT = (10.0, 60.0)


@attrs.frozen(kw_only=True)
class ApplyResult:
    """What `apply_plan` wrote.

    Attributes:
        created: ``namespace/name`` of each created slice (generated names as the server made them).
        updated: ``namespace/name`` of each updated slice.
        deleted: ``namespace/name`` of each deleted slice.
        dry_run: Whether the writes were server-side dry runs (nothing was persisted).
        conflicts: How many times a write met a newer state and the slices were planned again.
        plan: The plan carried out last (the given one, unless there were conflicts).
    """

    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    dry_run: bool = False
    conflicts: int = 0
    plan: Plan = attrs.field(factory=Plan, repr=False)

    @property
    def write_count(self) -> int:
        """The number of writes the cluster accepted."""
        return len(self.created) + len(self.updated) + len(self.deleted)

    def summary(self) -> str:
        """One line of counts, then one line per write.

        >>> print(ApplyResult(created=("shop/web-1",), deleted=("shop/web-2",), conflicts=1).summary())
        1 created, 0 updated, 1 deleted (1 conflict, replanned)
          created shop/web-1
          deleted shop/web-2
        """
        notes = []
        if self.conflicts:
            notes.append(f"{self.conflicts} conflict{'s' if self.conflicts != 1 else ''}, replanned")
        if self.dry_run:
            notes.append("server dry run: nothing persisted")
        head = f"{len(self.created)} created, {len(self.updated)} updated, {len(self.deleted)} deleted"
        lines = [head + (f" ({'; '.join(notes)})" if notes else "")]
        for verb, names in (("created", self.created), ("updated", self.updated), ("deleted", self.deleted)):
            lines.extend(f"  {verb} {name}" for name in names)
        return "\n".join(lines)


class _StaleError(Exception):
    """A write met a state newer than the plan's (409 or 404)."""

    def __init__(self, error: ApplyError) -> None:
        super().__init__(str(error))
        self.error = error


class _Backend(Protocol):
    def service(self, namespace: str, name: str) -> Service | None: ...
    def list(self, namespace: str, service: str) -> list[EndpointSlice]: ...
    def create(self, eps: EndpointSlice, namespace: str, dry_run: bool) -> EndpointSlice: ...
    def update(self, eps: EndpointSlice, namespace: str, dry_run: bool) -> EndpointSlice: ...
    def delete(self, eps: EndpointSlice, namespace: str, dry_run: bool) -> None: ...


def apply_plan(
    plan: Plan,
    client: Any,
    /,
    *,
    dry_run: bool = False,
    replan: Callable[[list[EndpointSlice]], Plan] | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    field_manager: str | None = None,
) -> ApplyResult:
    """Issue *plan*'s writes through *client*, in the controller's order.

    Args:
        plan: The writes, as `reconcile` returns them.
        client: A ``kubernetes.client.ApiClient`` (or ``DiscoveryV1Api``), or a ``lightkube.Client``.
        dry_run: Send every write with ``dryRun=All``: the apiserver validates and answers
            but persists nothing.
        replan: Called with the Service's slices as the cluster holds them when a write meets
            a newer state (``409 Conflict``, or ``404`` for a slice already gone); its plan is
            carried out next. Without it such a write is an `ApplyError`.
        max_attempts: Plans carried out at most (the first included) before giving up.
        field_manager: The ``fieldManager`` of every write.

    Returns:
        What was written, and how many conflicts were met.

    Raises:
        ApplyError: A write was refused (other than a conflict met with a ``replan``), the
            conflicts outlasted *max_attempts*, or the cluster did not answer. It names the
            object and lists what was written before.
    """
    backend = _backend(client, field_manager)
    created: list[str] = []
    updated: list[str] = []
    deleted: list[str] = []
    conflicts = 0
    while True:
        try:
            _carry_out(plan, backend, dry_run, (created, updated, deleted))
        except _StaleError as stale:
            conflicts += 1
            if replan is None or conflicts >= max_attempts:
                error = stale.error
                raise ApplyError(
                    verb=error.verb,
                    name=error.name,
                    status=error.status,
                    reason=error.reason,
                    message=error.message + ("" if replan is None else f" (still after {conflicts} plans; giving up)"),
                    done=_done(created, updated, deleted),
                ) from None
            namespace, service = _target(plan)
            plan = replan(backend.list(namespace, service))
            continue
        except ApplyError as error:
            raise ApplyError(
                verb=error.verb,
                name=error.name,
                status=error.status,
                reason=error.reason,
                message=error.message,
                done=_done(created, updated, deleted),
            ) from None
        return ApplyResult(
            created=tuple(created),
            updated=tuple(updated),
            deleted=tuple(deleted),
            dry_run=dry_run,
            conflicts=conflicts,
            plan=plan,
        )


def read_slices(client: Any, namespace: str, service: str, /) -> list[EndpointSlice]:
    """The slices of *service* (label ``kubernetes.io/service-name``) in *namespace*, as the cluster holds them.

    Raises:
        ApplyError: The list was refused or not answered.
    """
    return _backend(client, None).list(namespace, service)


def read_service(client: Any, namespace: str, name: str, /) -> Service | None:
    """The Service *name* in *namespace* as the cluster holds it, or `None` if there is none.

    Raises:
        ApplyError: The read was refused (other than ``404``) or not answered.
    """
    return _backend(client, None).service(namespace, name)


def sync(
    service: Service,
    desired: EndpointsInput,
    client: Any,
    /,
    *,
    dry_run: bool = False,
    max_endpoints_per_slice: int | None = None,
    managed_by: str | None = None,
    names: NameStrategy | None = None,
    trigger_time: str | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    field_manager: str | None = None,
) -> ApplyResult:
    """Read the Service's slices, `reconcile` them to *desired*, and apply the plan, replanning on conflicts.

    The options are `reconcile`'s (left out, its defaults) and `apply_plan`'s.

    Raises:
        ApplyError: As `apply_plan`.
    """
    options: dict[str, Any] = {"trigger_time": trigger_time}
    if max_endpoints_per_slice is not None:
        options["max_endpoints_per_slice"] = max_endpoints_per_slice
    if managed_by is not None:
        options["managed_by"] = managed_by
    if names is not None:
        options["names"] = names

    def replan(current: list[EndpointSlice]) -> Plan:
        return reconcile(service, desired, current, **options)

    namespace = service.metadata.namespace or "default"
    current = read_slices(client, namespace, service.metadata.name or "")
    return apply_plan(
        replan(current),
        client,
        dry_run=dry_run,
        replan=replan,
        max_attempts=max_attempts,
        field_manager=field_manager,
    )


# ---------------------------------------------------------------------------
# the writes


def _carry_out(
    plan: Plan,
    backend: _Backend,
    dry_run: bool,
    written: tuple[list[str], list[str], list[str]],
) -> None:
    """Issue the writes, appending ``namespace/name`` of each to *written* (created, updated, deleted)."""
    created, updated, deleted = written
    for verb, eps in _writes(plan):
        namespace = _namespace(eps)
        try:
            if verb == "create":
                done = backend.create(eps, namespace, dry_run)
                created.append(f"{namespace}/{done.metadata.name}")
            elif verb == "update":
                backend.update(eps, namespace, dry_run)
                updated.append(f"{namespace}/{eps.metadata.name}")
            else:
                backend.delete(eps, namespace, dry_run)
                deleted.append(f"{namespace}/{eps.metadata.name}")
        except StructureError as exc:
            # The client cannot hold the slice (or its answer): name the object, as for a refusal.
            message = "; ".join(str(p) for p in exc.problems)
            raise ApplyError(
                verb=verb, name=_name(eps, namespace), status=None, reason="Invalid", message=message
            ) from None


def _writes(plan: Plan) -> Iterable[tuple[str, EndpointSlice]]:
    """The plan's writes in the order upstream's finalize issues them.

    Upstream reconciles each address type in turn (creates, updates, deletes); the plan keeps
    each kind of write in that order, so they are regrouped by address type here. Deletes of an
    address type that has no creates or updates (one the Service no longer serves) come last.
    """
    updates = [attrs.evolve(u.slice, metadata=_with_version(u.slice, u.previous)) for u in plan.updates]
    written_types = sorted({str(_type(s)) for s in (*plan.creates, *updates)})
    for address_type in written_types:
        yield from (("create", s) for s in plan.creates if str(_type(s)) == address_type)
        yield from (("update", s) for s in updates if str(_type(s)) == address_type)
        yield from (("delete", s) for s in plan.deletes if str(_type(s)) == address_type)
    yield from (("delete", s) for s in plan.deletes if str(_type(s)) not in written_types)


def _type(eps: EndpointSlice) -> Any:
    value = eps.address_type
    return getattr(value, "value", value)


def _with_version(eps: EndpointSlice, previous: EndpointSlice) -> Any:
    """The update's metadata, carrying the resourceVersion the slice was read at.

    A recycled create has none of its own (upstream writes it unconditionally); it takes the
    version of the slice whose name it takes, so a concurrent change is a conflict, not lost.
    """
    if eps.metadata.resource_version is not None:
        return eps.metadata
    return attrs.evolve(eps.metadata, resource_version=previous.metadata.resource_version)


def _namespace(eps: EndpointSlice) -> str:
    """The slice's namespace; a slice without one is in ``default``, as kubectl would create it."""
    return eps.metadata.namespace or "default"


def _name(eps: EndpointSlice, namespace: str | None = None) -> str:
    name = eps.metadata.name or f"{eps.metadata.generate_name or ''}*"
    return f"{namespace or _namespace(eps)}/{name}"


def _target(plan: Plan) -> tuple[str, str]:
    """The namespace and Service name of the slices *plan* writes."""
    for eps in (*plan.creates, *(u.slice for u in plan.updates), *plan.deletes):
        labels: Mapping[str, str] = eps.metadata.labels or {}
        if labels.get(LABEL_SERVICE_NAME):
            return _namespace(eps), labels[LABEL_SERVICE_NAME]
    raise ApplyError(
        verb="list",
        name="<plan>",
        status=None,
        reason="Invalid",
        message=f"no slice of the plan has a {LABEL_SERVICE_NAME} label to read the slices again by",
    )


def _done(created: Sequence[str], updated: Sequence[str], deleted: Sequence[str]) -> tuple[str, ...]:
    return (
        *(f"created {n}" for n in created),
        *(f"updated {n}" for n in updated),
        *(f"deleted {n}" for n in deleted),
    )


# ---------------------------------------------------------------------------
# the clients


def _backend(client: Any, field_manager: str | None) -> _Backend:
    module = type(client).__module__
    if module.startswith("kubernetes.client"):
        return _Official(client, field_manager)
    if module.startswith("lightkube"):
        return _Lightkube(client, field_manager)
    raise TypeError(
        f"expected a kubernetes.client.ApiClient, DiscoveryV1Api or lightkube.Client, got {type(client).__name__}"
    )


def _status_of(body: Any) -> tuple[str, str]:
    """The reason and message of a ``Status`` body (bytes or text), if it is one."""
    try:
        status = json.loads(body)
    except (TypeError, ValueError):
        return "", str(body or "")
    if not isinstance(status, dict):
        return "", str(body)
    return str(status.get("reason") or ""), str(status.get("message") or "")


_NOT_AN_APISERVER = "the server's answer is not a Kubernetes API answer: is the kubeconfig's server an apiserver?"


def _not_an_apiserver(verb: str, name: str, status: int) -> ApplyError:
    return ApplyError(verb=verb, name=name, status=status, reason="BadAnswer", message=_NOT_AN_APISERVER)


class _Official:
    """The official client: ``DiscoveryV1Api`` over the given ``ApiClient``."""

    def __init__(self, client: Any, field_manager: str | None) -> None:
        from kubernetes.client import DiscoveryV1Api

        self.api: Any = client if isinstance(client, DiscoveryV1Api) else DiscoveryV1Api(client)
        self.field_manager = field_manager

    def _call(self, verb: str, name: str, call: Callable[[], Any]) -> Any:
        import urllib3
        from kubernetes.client.exceptions import ApiException

        try:
            return call()
        except ApiException as exc:
            reason, message = _status_of(exc.body)
            error = ApplyError(
                verb=verb, name=name, status=exc.status, reason=reason or str(exc.reason), message=message
            )
            if exc.status in _STALE and not reason:
                # A 404 with no Status (a proxy, a web server): not the apiserver saying "no such object".
                raise _not_an_apiserver(verb, name, exc.status) from None
            if exc.status in _STALE and verb != "list":
                raise _StaleError(error) from None
            raise error from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise ApplyError(verb=verb, name=name, status=None, reason=type(exc).__name__, message=str(exc)) from None

    def _options(self, dry_run: bool) -> dict[str, Any]:
        options: dict[str, Any] = {"_request_timeout": REQUEST_TIMEOUT}
        if dry_run:
            options["dry_run"] = "All"
        if self.field_manager is not None:
            options["field_manager"] = self.field_manager
        return options

    def service(self, namespace: str, name: str) -> Service | None:
        from kubernetes.client import CoreV1Api

        core = CoreV1Api(self.api.api_client)
        try:
            answer = self._call(
                "get",
                f"{namespace}/{name}",
                lambda: core.read_namespaced_service(name, namespace, _request_timeout=REQUEST_TIMEOUT),
            )
        except _StaleError:
            return None
        return from_client(answer, Service)

    def list(self, namespace: str, service: str) -> list[EndpointSlice]:
        selector = f"{LABEL_SERVICE_NAME}={service}"
        answer = self._call(
            "list",
            f"{namespace}/endpointslices?labelSelector={selector}",
            lambda: self.api.list_namespaced_endpoint_slice(
                namespace, label_selector=selector, _request_timeout=REQUEST_TIMEOUT
            ),
        )
        return list(from_client(answer, EndpointSliceList).items)

    def create(self, eps: EndpointSlice, namespace: str, dry_run: bool) -> EndpointSlice:
        body = to_client(eps, Library.KUBERNETES)
        answer = self._call(
            "create",
            _name(eps, namespace),
            lambda: self.api.create_namespaced_endpoint_slice(namespace, body, **self._options(dry_run)),
        )
        return from_client(answer, EndpointSlice)

    def update(self, eps: EndpointSlice, namespace: str, dry_run: bool) -> EndpointSlice:
        body = to_client(eps, Library.KUBERNETES)
        answer = self._call(
            "update",
            _name(eps, namespace),
            lambda: self.api.replace_namespaced_endpoint_slice(
                eps.metadata.name, namespace, body, **self._options(dry_run)
            ),
        )
        return from_client(answer, EndpointSlice)

    def delete(self, eps: EndpointSlice, namespace: str, dry_run: bool) -> None:
        from kubernetes.client import V1DeleteOptions, V1Preconditions

        options = V1DeleteOptions(
            preconditions=V1Preconditions(uid=eps.metadata.uid, resource_version=eps.metadata.resource_version)
        )
        extra: dict[str, Any] = {"_request_timeout": REQUEST_TIMEOUT} | ({"dry_run": "All"} if dry_run else {})
        self._call(
            "delete",
            _name(eps, namespace),
            lambda: self.api.delete_namespaced_endpoint_slice(eps.metadata.name, namespace, body=options, **extra),
        )


class _Lightkube:
    """lightkube's ``Client``."""

    def __init__(self, client: Any, field_manager: str | None) -> None:
        self.client = client
        self.field_manager = field_manager

    def _call(self, verb: str, name: str, call: Callable[[], Any]) -> Any:
        import httpx2
        from lightkube import ApiError as LightkubeApiError

        try:
            return call()
        except LightkubeApiError as exc:
            code = exc.status.code
            error = ApplyError(
                verb=verb,
                name=name,
                status=code,
                reason=str(exc.status.reason or ""),
                message=str(exc.status.message or ""),
            )
            if code in _STALE and verb != "list":
                raise _StaleError(error) from None
            raise error from None
        except (httpx2.HTTPError, OSError) as exc:
            raise ApplyError(verb=verb, name=name, status=None, reason=type(exc).__name__, message=str(exc)) from None
        except (KeyError, ValueError) as exc:
            # lightkube reads any error answer as a Status; one with no JSON (a proxy's bare 404)
            # fails inside it. The call is lightkube's alone, so this is the answer, not our bug.
            raise ApplyError(
                verb=verb, name=name, status=None, reason="BadAnswer", message=_NOT_AN_APISERVER + f" ({exc!r})"
            ) from None

    def service(self, namespace: str, name: str) -> Service | None:
        from lightkube.resources.core_v1 import Service as LightkubeService

        try:
            answer = self._call(
                "get", f"{namespace}/{name}", lambda: self.client.get(LightkubeService, name, namespace=namespace)
            )
        except _StaleError:
            return None
        return from_client(answer, Service)

    def list(self, namespace: str, service: str) -> list[EndpointSlice]:
        from lightkube.resources.discovery_v1 import EndpointSlice as LightkubeSlice

        selector = f"{LABEL_SERVICE_NAME}={service}"
        items = self._call(
            "list",
            f"{namespace}/endpointslices?labelSelector={selector}",
            lambda: list(self.client.list(LightkubeSlice, namespace=namespace, labels={LABEL_SERVICE_NAME: service})),
        )
        return [from_client(item, EndpointSlice) for item in items]

    def create(self, eps: EndpointSlice, namespace: str, dry_run: bool) -> EndpointSlice:
        body = to_client(eps, Library.LIGHTKUBE)
        answer = self._call(
            "create",
            _name(eps, namespace),
            lambda: self.client.create(body, namespace=namespace, dry_run=dry_run, field_manager=self.field_manager),
        )
        return from_client(answer, EndpointSlice)

    def update(self, eps: EndpointSlice, namespace: str, dry_run: bool) -> EndpointSlice:
        body = to_client(eps, Library.LIGHTKUBE)
        answer = self._call(
            "update",
            _name(eps, namespace),
            lambda: self.client.replace(body, namespace=namespace, dry_run=dry_run, field_manager=self.field_manager),
        )
        return from_client(answer, EndpointSlice)

    def delete(self, eps: EndpointSlice, namespace: str, dry_run: bool) -> None:
        self._call("delete", _name(eps, namespace), lambda: self._delete(eps, namespace, dry_run))

    def _delete(self, eps: EndpointSlice, namespace: str, dry_run: bool) -> None:
        from lightkube.resources.discovery_v1 import EndpointSlice as LightkubeSlice

        preconditions = {
            key: value
            for key, value in (("uid", eps.metadata.uid), ("resourceVersion", eps.metadata.resource_version))
            if value is not None
        }
        # lightkube's public delete sends no body, so it cannot carry preconditions; its own
        # request builder and sender are used with DeleteOptions as the body.
        generic = self.client._client
        request = generic.prepare_request(
            "delete",
            res=LightkubeSlice,
            name=eps.metadata.name,
            namespace=namespace,
            params={"dryRun": "All" if dry_run else None},
        )
        request.data = {"apiVersion": "v1", "kind": "DeleteOptions", "preconditions": preconditions}
        response = generic.send(generic.build_adapter_request(request))
        generic.handle_response("delete", response, request)
