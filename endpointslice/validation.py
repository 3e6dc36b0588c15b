"""Apiserver-equivalent validation of EndpointSlices, Endpoints and Services.

Each ``validate_*`` function returns every problem a Kubernetes apiserver of
the chosen version would report for a create (or, with ``old=``, an update)
of the object, as `FieldError` values in the apiserver's order. ``str()`` of
an error is the apiserver's own text, byte for byte::

    endpoints[0].addresses[0]: Invalid value: "999.1.1.1": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)

The objects are validated as the apiserver sees them after defaulting: port
names default to ``""``, protocols to ``TCP``, Service types to
``ClusterIP`` and so on, and an object without ``metadata.namespace`` is
taken to be in the namespace kubectl would send it to (``default_namespace``).
`warnings` returns the apiserver's warning headers for the same request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeGuard, Union

from . import _slice_rules
from . import _validators as _v
from ._rules import Context, ErrorType, FieldError, KubeVersion, dedupe_owner_references
from .discovery import EndpointSlice
from .endpoints import Endpoints
from .errors import EndpointSliceError
from .kinds import _imported_class

if TYPE_CHECKING:
    # The Service model and its rules are imported when a Service is validated: a run over
    # slices alone does not pay for them at start-up (benchmarks/bench_startup.py).
    from .service import Service

__all__ = [
    "ErrorType",
    "FieldError",
    "KubeVersion",
    "UnsupportedKindError",
    "Validatable",
    "covers",
    "status_message",
    "validate",
    "validate_endpoint_slice",
    "validate_endpoints",
    "validate_service",
    "warnings",
]

if TYPE_CHECKING:
    #: The kinds the apiserver validation covers here.
    Validatable = Union[EndpointSlice, Endpoints, Service]


if not TYPE_CHECKING:  # Type checkers see the Union above, and no catch-all attribute.

    def __getattr__(name: str) -> Any:
        # PEP 562: `Validatable` names the Service model, imported only when asked for.
        if name != "Validatable":
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from .service import Service

        union = Union[EndpointSlice, Endpoints, Service]
        globals()["Validatable"] = union
        return union


VersionLike = Union[KubeVersion, str, tuple[int, int]]


class UnsupportedKindError(EndpointSliceError, TypeError):
    """`validate` was given an object of a kind it has no rules for."""

    def __init__(self, obj: object) -> None:
        self.kind = getattr(type(obj), "kind", type(obj).__name__)
        super().__init__(f"no validation rules for kind {self.kind!r}")


def _context(version: VersionLike, strict_ip: bool | None, default_namespace: str | None) -> Context:
    return Context.make(KubeVersion.coerce(version), strict_ip=strict_ip, default_namespace=default_namespace)


def validate_endpoint_slice(
    endpoint_slice: EndpointSlice,
    /,
    *,
    old: EndpointSlice | None = None,
    version: VersionLike = KubeVersion.V1_37,
    strict_ip: bool | None = None,
    default_namespace: str | None = "default",
) -> list[FieldError]:
    """Validate an EndpointSlice as the apiserver does on create, or on update when *old* is given.

    Args:
        endpoint_slice: The slice to validate.
        old: The stored slice, for an update: enables the immutability
            checks and the ratcheting of unchanged ``endpoints``.
        version: The Kubernetes version whose rules and messages to use.
        strict_ip: Force the ``StrictIPCIDRValidation`` gate on or off; by
            default it follows *version* (on from 1.36).
        default_namespace: The namespace assumed when ``metadata.namespace``
            is absent, as kubectl fills it in; ``None`` reports it as required.

    Returns:
        Every error, in the apiserver's order; empty when the slice is valid.
    """
    ctx = _context(version, strict_ip, default_namespace)
    return _slice_rules.endpoint_slice(ctx, endpoint_slice, old)


def validate_endpoints(
    endpoints: Endpoints,
    /,
    *,
    old: Endpoints | None = None,
    version: VersionLike = KubeVersion.V1_37,
    strict_ip: bool | None = None,
    default_namespace: str | None = "default",
) -> list[FieldError]:
    """Validate a core/v1 Endpoints object as the apiserver does on create, or on update.

    The arguments are those of `validate_endpoint_slice`; on update, errors
    in unchanged ``subsets`` are ratcheted away.
    """
    ctx = _context(version, strict_ip, default_namespace)
    return _slice_rules.endpoints(ctx, endpoints, old)


def validate_service(
    service: Service,
    /,
    *,
    old: Service | None = None,
    version: VersionLike = KubeVersion.V1_37,
    strict_ip: bool | None = None,
    default_namespace: str | None = "default",
) -> list[FieldError]:
    """Validate a Service's endpoint-relevant rules as the apiserver does on create, or on update.

    The arguments are those of `validate_endpoint_slice`. On update, changes
    of the cluster IPs and IP families are checked against *old*.
    """
    from . import _service_rules

    ctx = _context(version, strict_ip, default_namespace)
    return _service_rules.service(ctx, service, old)


def _rules_for(obj: object) -> Callable[..., list[FieldError]] | None:
    """The ``validate_*`` function for *obj*'s class exactly, or ``None``."""
    cls = type(obj)
    if cls is EndpointSlice:
        return validate_endpoint_slice
    if cls is Endpoints:
        return validate_endpoints
    if cls is _imported_class("v1", "Service"):
        return validate_service
    return None


def covers(obj: object, /) -> TypeGuard[Validatable]:
    """Whether `validate` has rules for *obj*: an `EndpointSlice`, `Endpoints` or `Service`.

    >>> from endpointslice import EndpointSlice, Pod
    >>> covers(EndpointSlice(address_type="IPv4")), covers(Pod())
    (True, False)
    """
    return _rules_for(obj) is not None


def validate(
    obj: Validatable,
    /,
    *,
    old: Validatable | None = None,
    version: VersionLike = KubeVersion.V1_37,
    strict_ip: bool | None = None,
    default_namespace: str | None = "default",
) -> list[FieldError]:
    """Validate any supported object, dispatching on its kind.

    Raises:
        UnsupportedKindError: *obj* is not an EndpointSlice, Endpoints or
            Service, or *old* is of another kind than *obj*.
    """
    func = _rules_for(obj)
    if func is None or (old is not None and type(old) is not type(obj)):
        raise UnsupportedKindError(obj if func is None else old)
    return func(obj, old=old, version=version, strict_ip=strict_ip, default_namespace=default_namespace)


def warnings(
    obj: Validatable,
    /,
    *,
    old: Validatable | None = None,
    version: VersionLike = KubeVersion.V1_37,
) -> list[str]:
    """The warnings the apiserver sends back for a create (or update) of *obj*.

    These are what kubectl prints as ``Warning: ...``: the deprecated FQDN
    address type, non-standard IP spellings, the deprecated Endpoints API,
    ``PreferClose`` and fields that headless or non-ExternalName Services
    ignore.

    Raises:
        UnsupportedKindError: as for `validate`.
    """
    if not covers(obj) or (old is not None and type(old) is not type(obj)):
        raise UnsupportedKindError(obj)
    ver = KubeVersion.coerce(version)
    # The request handler drops repeated owner references, with this warning, before the kind's rules run.
    _, repeated = dedupe_owner_references(obj.metadata.owner_references)
    found = [_REPEATED_OWNERS + ", ".join(repeated)] if repeated else []
    if isinstance(obj, EndpointSlice):
        return found + _slice_rules.endpoint_slice_warnings(ver, obj, old if isinstance(old, EndpointSlice) else None)
    if isinstance(obj, Endpoints):
        # The deprecated-API warning is added as the request arrives, before the owners are deduplicated.
        deprecated, *rest = _slice_rules.endpoints_warnings(ver, obj, old if isinstance(old, Endpoints) else None)
        return [deprecated, *found, *rest]
    from . import _service_rules

    return found + _service_rules.service_warnings(ver, obj, old if isinstance(old, type(obj)) else None)


_REPEATED_OWNERS = (
    ".metadata.ownerReferences contains duplicate entries; API server dedups owner references in 1.20+, "
    "and may reject such requests as early as 1.24; please fix your requests; duplicate UID(s) observed: "
)


# The apiserver names a kind with its group, except for the core group (Go's GroupKind.String).
_QUALIFIED_KIND = {
    "EndpointSlice": "EndpointSlice.discovery.k8s.io",
    "Endpoints": "Endpoints",
    "Service": "Service",
}


def status_message(obj: Validatable, errors: Sequence[FieldError], /) -> str:
    """The whole message of the apiserver's refusal of *obj* with *errors*, as kubectl prints it.

    This is the ``message`` of the 422 ``Status``: the kind with its API group, the quoted
    name, and the errors. Errors with the same text are listed once, in order of first
    appearance; a single error stands alone, several are joined with ``, `` in brackets.

    >>> from endpointslice import ObjectMeta, Service
    >>> from endpointslice.validation import validate
    >>> svc = Service(metadata=ObjectMeta(name="Web"))
    >>> status_message(svc, validate(svc))
    'Service "Web" is invalid: [metadata.name: Invalid value: "Web": ..., spec.ports: Required value]'

    Args:
        obj: The object the errors are about; its kind and ``metadata.name`` head the message.
        errors: The errors, as `validate` returns them.

    Returns:
        The message; for no errors, the bare ``<Kind> "<name>" is invalid``.

    Raises:
        UnsupportedKindError: *obj* is not an EndpointSlice, Endpoints or Service.
    """
    if not covers(obj):
        raise UnsupportedKindError(obj)
    kind = _QUALIFIED_KIND[type(obj).kind]
    head = f"{kind} {_v.go_quote(obj.metadata.name or '')} is invalid"
    # As apimachinery's ErrorList.ToAggregate: the same text twice is shown once.
    texts = list(dict.fromkeys(str(e) for e in errors))
    if not texts:
        return head
    if len(texts) == 1:
        return f"{head}: {texts[0]}"
    return f"{head}: [{', '.join(texts)}]"
