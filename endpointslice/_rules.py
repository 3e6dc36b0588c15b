"""The apiserver's validation rules for EndpointSlice, Endpoints and Service.

`endpointslice.validation` is the public face of this module. The rules here
follow the order of the apiserver's own checks, since that order is visible
in its error lists. Paths are built as strings only when an error is made,
so a valid object costs little more than one pass over its fields.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import attrs

from . import _validators as v
from ._frozen import FrozenDict
from .enums import Protocol
from .meta import ObjectMeta, OwnerReference

__all__ = ["Context", "ErrorType", "FieldError", "KubeVersion"]


class KubeVersion(enum.Enum):
    """A Kubernetes minor version whose validation rules and messages to reproduce.

    >>> KubeVersion.coerce("1.36")
    <KubeVersion.V1_36: (1, 36)>
    """

    V1_34 = (1, 34)
    V1_35 = (1, 35)
    V1_36 = (1, 36)
    V1_37 = (1, 37)

    @classmethod
    def coerce(cls, value: KubeVersion | str | tuple[int, int]) -> KubeVersion:
        """Accept a member, ``"1.37"`` / ``"v1.37"`` / ``"1.37.2"``, or ``(1, 37)``.

        Raises:
            ValueError: the version is malformed or not supported.
        """
        if isinstance(value, KubeVersion):
            return value
        key: object = value
        if isinstance(value, str):
            parts = value.strip().lstrip("v").split(".")
            if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
                key = (int(parts[0]), int(parts[1]))
        for member in cls:
            if member.value == key:
                return member
        supported = ", ".join(f"{m.value[0]}.{m.value[1]}" for m in cls)
        raise ValueError(f"unsupported Kubernetes version {value!r}; supported: {supported}")

    def __str__(self) -> str:
        return f"{self.value[0]}.{self.value[1]}"


class ErrorType(enum.Enum):
    """The reason of a field error, as in the Status ``causes[].reason`` of the apiserver."""

    NOT_FOUND = "FieldValueNotFound"
    REQUIRED = "FieldValueRequired"
    DUPLICATE = "FieldValueDuplicate"
    INVALID = "FieldValueInvalid"
    NOT_SUPPORTED = "FieldValueNotSupported"
    FORBIDDEN = "FieldValueForbidden"
    TOO_LONG = "FieldValueTooLong"
    TOO_MANY = "FieldValueTooMany"
    INTERNAL = "InternalError"
    TYPE_INVALID = "FieldValueTypeInvalid"

    @property
    def text(self) -> str:
        """The human text of the reason, e.g. ``Invalid value``."""
        return _TYPE_TEXT[self]


_TYPE_TEXT = {
    ErrorType.NOT_FOUND: "Not found",
    ErrorType.REQUIRED: "Required value",
    ErrorType.DUPLICATE: "Duplicate value",
    ErrorType.INVALID: "Invalid value",
    ErrorType.NOT_SUPPORTED: "Unsupported value",
    ErrorType.FORBIDDEN: "Forbidden",
    ErrorType.TOO_LONG: "Too long",
    ErrorType.TOO_MANY: "Too many",
    ErrorType.INTERNAL: "Internal error",
    ErrorType.TYPE_INVALID: "Invalid value",
}
_VALUELESS = frozenset({ErrorType.REQUIRED, ErrorType.FORBIDDEN, ErrorType.TOO_LONG, ErrorType.INTERNAL})


@attrs.frozen(kw_only=True)
class FieldError:
    """One problem, as the apiserver's ``field.Error``.

    Attributes:
        type: The reason, e.g. `ErrorType.INVALID`.
        path: The field path, e.g. ``endpoints[0].addresses[0]``.
        value: The offending value as plain data (``str``, ``int``, ``None``,
            a ``list`` or a ``dict``); ignored in the text of value-less types.
        detail: The explanation, e.g. ``must be a valid IP address, ...``.
        json_value: Whether the Go value was not a plain ``string`` or
            number, so that the apiserver (1.34+) renders it as JSON
            (``"TCP"``, ``null``, ``["a","b"]``) rather than Go-quoted.
    """

    type: ErrorType
    path: str
    value: object = None
    detail: str = ""
    json_value: bool = False

    @property
    def body(self) -> str:
        """The message without the path: the Status ``causes[].message``."""
        if self.type in _VALUELESS:
            text = self.type.text
        elif self.json_value or not isinstance(self.value, (str, int, float, bool)):
            text = f"{self.type.text}: {v.go_json(self.value)}"
        elif isinstance(self.value, str):
            text = f"{self.type.text}: {v.go_quote(self.value)}"
        elif isinstance(self.value, bool):
            text = f"{self.type.text}: {'true' if self.value else 'false'}"
        else:
            text = f"{self.type.text}: {self.value}"
        return f"{text}: {self.detail}" if self.detail else text

    def __str__(self) -> str:
        return f"{self.path}: {self.body}"


@attrs.frozen
class Context:
    """The knobs of one validation run."""

    version: KubeVersion
    ver: tuple[int, int]
    strict_ip: bool
    declarative: bool
    relaxed_service_names: bool
    default_namespace: str | None

    @classmethod
    def make(cls, version: KubeVersion, *, strict_ip: bool | None, default_namespace: str | None) -> Context:
        """Derive the feature gates of *version*, with an optional override of the IP gate."""
        ver = version.value
        return cls(
            version,
            ver,
            ver >= (1, 36) if strict_ip is None else strict_ip,
            ver >= (1, 37),
            ver >= (1, 36),
            default_namespace,
        )


_T = TypeVar("_T")


def _invalid(path: str, value: object, detail: str, *, json_value: bool = False) -> FieldError:
    return FieldError(type=ErrorType.INVALID, path=path, value=value, detail=detail, json_value=json_value)


def _required(path: str, detail: str = "") -> FieldError:
    return FieldError(type=ErrorType.REQUIRED, path=path, value="", detail=detail)


def _forbidden(path: str, detail: str) -> FieldError:
    return FieldError(type=ErrorType.FORBIDDEN, path=path, value="", detail=detail)


def _too_many(path: str, actual: int, limit: int) -> FieldError:
    detail = f"must have at most {limit} {'item' if limit == 1 else 'items'}"
    return FieldError(type=ErrorType.TOO_MANY, path=path, value=actual, detail=detail, json_value=True)


def _duplicate(path: str, value: object, *, json_value: bool = False) -> FieldError:
    return FieldError(type=ErrorType.DUPLICATE, path=path, value=value, json_value=json_value)


def _not_supported(path: str, value: object, supported: Sequence[str], *, json_value: bool = True) -> FieldError:
    detail = "supported values: " + ", ".join(v.go_quote(s) for s in supported) if supported else ""
    return FieldError(type=ErrorType.NOT_SUPPORTED, path=path, value=value, detail=detail, json_value=json_value)


# ---------------------------------------------------------------------------
# Shared string-field checks.


def _each(path: str, value: str, messages: Iterable[str]) -> list[FieldError]:
    return [_invalid(path, value, m) for m in messages]


def _dns_label(path: str, value: str) -> list[FieldError]:
    return _each(path, value, v.is_dns1123_label(value))


def _node_name(path: str, value: str) -> list[FieldError]:
    return _each(path, value, v.is_dns1123_subdomain(value))


def _qualified_name(ctx: Context, path: str, value: str) -> list[FieldError]:
    return _each(path, value, v.is_qualified_name(value, ctx.ver))


def _labels(ctx: Context, path: str, labels: FrozenDict[str, str] | None) -> list[FieldError]:
    errs: list[FieldError] = []
    if not labels:
        return errs
    # Go walks maps in random order; sorting the keys makes the order stable.
    for key in sorted(labels):
        errs += _each(path, key, v.is_qualified_name(key, ctx.ver))
        value = labels[key]
        errs += _each(path, value, v.is_label_value(value, ctx.ver))
    return errs


_ANNOTATION_LIMIT = 256 * 1024


def _annotations(ctx: Context, path: str, annotations: FrozenDict[str, str] | None) -> list[FieldError]:
    errs: list[FieldError] = []
    if not annotations:
        return errs
    total = 0
    for key in sorted(annotations):
        errs += _each(path, key, v.is_qualified_name(key.lower(), ctx.ver))
        total += len(key.encode("utf-8", "surrogatepass")) + len(annotations[key].encode("utf-8", "surrogatepass"))
    if total > _ANNOTATION_LIMIT:
        errs.append(
            FieldError(
                type=ErrorType.TOO_LONG,
                path=path,
                value="<value omitted>",
                detail=f"may not be more than {_ANNOTATION_LIMIT} bytes",
            )
        )
    return errs


def _owner_references(ctx: Context, path: str, refs: Sequence[OwnerReference] | None) -> list[FieldError]:
    if not ctx.declarative:
        return _owner_references_before_1_37(path, refs)
    errs: list[FieldError] = []
    controller = ""
    for i, ref in enumerate(refs or ()):
        at = f"{path}[{i}]"
        group_version = ref.api_version
        version = group_version.rpartition("/")[2] if group_version.count("/") <= 1 else ""
        if not group_version:
            errs.append(_required(f"{at}.apiVersion", "must not be empty"))
        elif not version:
            errs.append(_invalid(f"{at}.apiVersion", group_version, "must be <group>/<version> or <version>"))
        for name, value in (("kind", ref.kind), ("name", ref.name), ("uid", ref.uid)):
            if not value:
                errs.append(_required(f"{at}.{name}", "must not be empty"))
        if ref.controller:
            current = f"{ref.kind}/{ref.name}"
            if controller:
                detail = (
                    'Only one reference can have Controller set to true. Found "true" in references for '
                    f"{controller} and {current}"
                )
                errs.append(_invalid(path, [_owner_json(r) for r in refs or ()], detail, json_value=True))
            else:
                controller = current
    return errs


def _owner_references_before_1_37(path: str, refs: Sequence[OwnerReference] | None) -> list[FieldError]:
    errs: list[FieldError] = []
    controller = ""
    for ref in refs or ():
        group_version = ref.api_version
        version = group_version.rpartition("/")[2] if group_version.count("/") <= 1 else ""
        if not version:
            errs.append(_invalid(f"{path}.apiVersion", ref.api_version, "version must not be empty"))
        if not ref.kind:
            errs.append(_invalid(f"{path}.kind", ref.kind, "kind must not be empty"))
        if not ref.name:
            errs.append(_invalid(f"{path}.name", ref.name, "name must not be empty"))
        if not ref.uid:
            errs.append(_invalid(f"{path}.uid", ref.uid, "uid must not be empty"))
        if ref.controller:
            if controller:
                detail = (
                    'Only one reference can have Controller set to true. Found "true" in references for '
                    f"{controller} and {ref.name}"
                )
                errs.append(_invalid(path, [_owner_json(r) for r in refs or ()], detail, json_value=True))
            else:
                controller = ref.name
    return errs


def dedupe_owner_references(refs: Sequence[OwnerReference] | None) -> tuple[tuple[OwnerReference, ...], list[str]]:
    """The owner references without repeats, and the UIDs of the repeats.

    The apiserver drops an owner reference equal to an earlier one with the same UID before it
    validates the object, and warns about it (``dedupOwnerReferencesAndAddWarning``).
    """
    kept: list[OwnerReference] = []
    repeated: list[str] = []
    for ref in refs or ():
        if any(r.uid == ref.uid and _semantic(r) == _semantic(ref) for r in kept):
            repeated.append(ref.uid)
        else:
            kept.append(ref)
    return tuple(kept), repeated


def _owner_json(ref: OwnerReference) -> dict[str, object]:
    out: dict[str, object] = {"apiVersion": ref.api_version, "kind": ref.kind, "name": ref.name, "uid": ref.uid}
    if ref.controller is not None:
        out["controller"] = ref.controller
    if ref.block_owner_deletion is not None:
        out["blockOwnerDeletion"] = ref.block_owner_deletion
    return out


def _finalizers(ctx: Context, path: str, finalizers: Sequence[str] | None) -> list[FieldError]:
    errs: list[FieldError] = []
    for name in finalizers or ():
        errs += _qualified_name(ctx, path, name)
    if finalizers and "orphan" in finalizers and "foregroundDeletion" in finalizers:
        errs.append(
            _invalid(
                path,
                list(finalizers),
                "finalizer orphan and foregroundDeletion cannot be both set",
                json_value=True,
            )
        )
    return errs + _kube_finalizers(path, finalizers)


_STANDARD_FINALIZERS = frozenset({"kubernetes", "orphan", "foregroundDeletion"})


def _kube_finalizers(path: str, finalizers: Sequence[str] | None) -> list[FieldError]:
    # The core group's extra check (validateKubeFinalizerName), run for all three kinds.
    return [
        _invalid(f"{path}[{i}]", name, "name is neither a standard finalizer name nor is it fully qualified")
        for i, name in enumerate(finalizers or ())
        if "/" not in name and name not in _STANDARD_FINALIZERS
    ]


#: A name rule: the problems with a name, as one of the ``is_*`` checks of `_validators`.
NameRule = Callable[[str], list[str]]


def _name_errors(rule: NameRule, name: str, *, prefix: bool) -> list[str]:
    # A generateName prefix may end with "-", which the generated suffix follows.
    return rule(v.mask_trailing_dash(name) if prefix else name)


def _namespace(ctx: Context, meta: ObjectMeta) -> str:
    if meta.namespace:
        return meta.namespace
    return ctx.default_namespace or ""


def _object_meta(ctx: Context, meta: ObjectMeta, name_rule: NameRule) -> list[FieldError]:
    meta = _without_repeated_owners(meta)
    errs: list[FieldError] = []
    if meta.generate_name:
        errs += _each(
            "metadata.generateName", meta.generate_name, _name_errors(name_rule, meta.generate_name, prefix=True)
        )
    if meta.name:
        errs += _each("metadata.name", meta.name, _name_errors(name_rule, meta.name, prefix=False))
    elif not meta.generate_name:
        errs.append(_required("metadata.name", "name or generateName is required"))
    namespace = _namespace(ctx, meta)
    if not namespace:
        errs.append(_required("metadata.namespace"))
    else:
        errs += _each("metadata.namespace", namespace, v.is_dns1123_label(namespace))
    errs += _meta_common_tail(ctx, meta)
    return errs


def _meta_common_tail(ctx: Context, meta: ObjectMeta) -> list[FieldError]:
    errs: list[FieldError] = []
    if meta.generation is not None and meta.generation < 0:
        errs.append(_invalid("metadata.generation", meta.generation, "must be greater than or equal to 0"))
    errs += _labels(ctx, "metadata.labels", meta.labels)
    errs += _annotations(ctx, "metadata.annotations", meta.annotations)
    errs += _owner_references(ctx, "metadata.ownerReferences", meta.owner_references)
    errs += _finalizers(ctx, "metadata.finalizers", meta.finalizers)
    return errs


def _without_repeated_owners(meta: ObjectMeta) -> ObjectMeta:
    kept, repeated = dedupe_owner_references(meta.owner_references)
    return attrs.evolve(meta, owner_references=kept) if repeated else meta


def _path_segment(path: str, name: str) -> list[FieldError]:
    if name in (".", ".."):
        return [_invalid(path, name, f"may not be '{name}'")]
    return [_invalid(path, name, f"may not contain '{bad}'") for bad in ("/", "%") if bad in name]


def _update_common(ctx: Context, new: ObjectMeta, old: ObjectMeta) -> list[FieldError]:
    """The generic checks every update gets before the kind's own (``validateCommonFields``)."""
    # Before it validates an update, the apiserver keeps the stored generation (a request cannot
    # set it), and a request without a resourceVersion is an unconditional update of the stored one.
    new = attrs.evolve(
        _without_repeated_owners(new),
        generation=old.generation,
        resource_version=new.resource_version or old.resource_version,
    )
    errs: list[FieldError] = []
    if new.generate_name:
        errs += _path_segment("metadata.generateName", new.generate_name)
    if new.name:
        errs += _path_segment("metadata.name", new.name)
    else:
        errs.append(_required("metadata.name", "name or generateName is required"))
    namespace = _namespace(ctx, new)
    if not namespace:
        errs.append(_required("metadata.namespace"))
    else:
        errs += _each("metadata.namespace", namespace, v.is_dns1123_label(namespace))
    errs += _meta_common_tail(ctx, new)
    return errs + _meta_update(ctx, new, old)


def _immutable(path: str, new: object, old: object, *, json_value: bool = True) -> list[FieldError]:
    if new == old:
        return []
    return [_invalid(path, new, "field is immutable", json_value=json_value)]


def _meta_update(ctx: Context, new: ObjectMeta, old: ObjectMeta) -> list[FieldError]:
    errs: list[FieldError] = []
    if not new.resource_version:
        errs.append(_invalid("metadata.resourceVersion", new.resource_version or "", "must be specified for an update"))
    if (new.generation or 0) < (old.generation or 0):
        errs.append(_invalid("metadata.generation", new.generation or 0, "must not be decremented"))
    errs += _immutable("metadata.name", new.name or "", old.name or "", json_value=False)
    errs += _immutable("metadata.namespace", _namespace(ctx, new), _namespace(ctx, old), json_value=False)
    # The apiserver copies these from the stored object when the request omits them.
    errs += _immutable("metadata.uid", new.uid or old.uid or "", old.uid or "")
    created = new.creation_timestamp if not old.creation_timestamp else old.creation_timestamp
    errs += _immutable("metadata.creationTimestamp", created, old.creation_timestamp)
    errs += _immutable("metadata.deletionTimestamp", new.deletion_timestamp, old.deletion_timestamp)
    grace = new.deletion_grace_period_seconds
    if grace is None:
        grace = old.deletion_grace_period_seconds
    errs += _immutable("metadata.deletionGracePeriodSeconds", grace, old.deletion_grace_period_seconds)
    errs += _labels(ctx, "metadata.labels", new.labels)
    errs += _annotations(ctx, "metadata.annotations", new.annotations)
    errs += _owner_references(ctx, "metadata.ownerReferences", new.owner_references)
    return errs


def _dedupe(errs: list[FieldError]) -> list[FieldError]:
    """Drop repeated errors, as the apiserver's aggregated message does."""
    seen: set[str] = set()
    out = []
    for e in errs:
        text = str(e)
        if text not in seen:
            seen.add(text)
            out.append(e)
    return out


def _semantic(value: object) -> object:
    """A comparable form in which, as in the apiserver's DeepEqual, nil equals empty."""
    cls = type(value)
    if attrs.has(cls):
        fields = attrs.fields(cls)
        return (cls.__name__, *(_semantic(getattr(value, a.name)) for a in fields))
    if isinstance(value, tuple):
        return tuple(_semantic(x) for x in value) or None
    if isinstance(value, (dict, FrozenDict)):
        return tuple(sorted((k, _semantic(x)) for k, x in value.items())) or None
    if isinstance(value, enum.Enum):
        return value.value
    return value


# ---------------------------------------------------------------------------
# IP addresses.


def _legacy_ip(ctx: Context, path: str, value: str) -> tuple[int | None, list[FieldError]]:
    ip = v.parse_ip_sloppy(value)
    if ip is None:
        return None, [_invalid(path, value, v.IP_EXAMPLE_MESSAGE)]
    errs = []
    if ctx.strict_ip:
        if not v.is_strict_ip_syntax(value):
            errs.append(_invalid(path, value, "must not have leading 0s"))
        if v.is_ipv4_mapped_form(value, ip):
            errs.append(_invalid(path, value, "must not be an IPv4-mapped IPv6 address"))
    return ip, errs


def _strict_ip(path: str, value: str) -> tuple[int | None, list[FieldError]]:
    ip = v.parse_ip_sloppy(value)
    if ip is None:
        return None, [_invalid(path, value, v.IP_EXAMPLE_MESSAGE)]
    errs = []
    if not v.is_strict_ip_syntax(value):
        errs.append(_invalid(path, value, "must not have leading 0s"))
    if v.is_ipv4_mapped_form(value, ip):
        errs.append(_invalid(path, value, "must not be an IPv4-mapped IPv6 address"))
    if errs:
        return ip, errs
    canonical = v.format_ip(ip)
    if canonical != value:
        errs.append(_invalid(path, value, f"must be in canonical form ({v.go_quote(canonical)})"))
    return ip, errs


def _endpoint_ip(path: str, value: str) -> list[FieldError]:
    ip = v.parse_ip_sloppy(value)
    if ip is None:
        return [_invalid(path, value, "must be a valid IP address")]
    return _each(path, value, v.ip_special_messages(ip, value))


_PROTOCOLS = tuple(sorted(p.value for p in Protocol))


def _port_number(path: str, number: int) -> list[FieldError]:
    if 1 <= number <= 65535:
        return []
    return [_invalid(path, number, "must be between 1 and 65535, inclusive")]


# ---------------------------------------------------------------------------
# Warnings.

_CONTROLLERS = ("endpointslice-controller.k8s.io", "endpointslicemirroring-controller.k8s.io")


def _ip_warning(version: KubeVersion, path: str, value: str) -> list[str]:
    ip = v.parse_ip_sloppy(value)
    if ip is None:
        return []
    if not v.is_strict_ip_syntax(value) or v.is_ipv4_mapped_form(value, ip):
        use = v.go_quote(v.format_ip(ip))
        if version.value >= (1, 36):
            return [f"{path}: non-standard IP address {v.go_quote(value)} is invalid: use {use}"]
        future = "will be considered invalid in a future Kubernetes release"
        return [f"{path}: non-standard IP address {v.go_quote(value)} {future}: use {use}"]
    if not v.is_v4(ip) and v.format_ip(ip) != value:
        canonical = v.go_quote(v.format_ip(ip))
        return [f"{path}: IPv6 address {v.go_quote(value)} should be in RFC 5952 canonical format ({canonical})"]
    return []
