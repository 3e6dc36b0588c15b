"""Interop with the Kubernetes clients: the official `kubernetes` package and lightkube.

`from_client` takes what either client hands out (typed objects such as ``V1EndpointSlice``
and lightkube's ``EndpointSlice``, their list objects, the official client's snake_case
``.to_dict()`` and lightkube's camelCase ``.to_dict()``) and returns our model. `to_client`
turns a model into the chosen client's typed object. Neither client is a dependency: each is
imported only when its objects are asked for (extras ``endpointslice[kubernetes]`` and
``endpointslice[lightkube]``).

Two things the clients do to the data are undone here:

* Timestamps become `datetime` objects in both clients; they are written back in the RFC 3339
  form the API uses (``2026-07-01T10:00:00Z``: UTC, a literal ``Z``, fractions only if any).
* Items of a list object often carry no ``kind``; it is taken from the list's kind.

Nothing is dropped silently: a field the model does not know is a `StructureError` with its path
(unless ``ignore_unknown=True``), and a field the client's type cannot hold is one too.
"""

from __future__ import annotations

import datetime
import enum
import functools
import keyword
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, overload

import attrs

from . import _model, io
from ._convert import render_path
from .errors import Problem, StructureError
from .kinds import KINDS, KubeList, OtherObject, kind_of

if TYPE_CHECKING:
    from .kinds import KubeObject

__all__ = ["Library", "from_client", "to_client"]

T = TypeVar("T")

_Path = tuple[str | int | tuple[str, str], ...]


class Library(enum.Enum):
    """The client library `to_client` builds objects for."""

    KUBERNETES = "kubernetes"
    LIGHTKUBE = "lightkube"


# ---------------------------------------------------------------------------
# from the clients


@overload
def from_client(obj: Any, cls: type[T], /, *, ignore_unknown: bool = False) -> T: ...


@overload
def from_client(obj: Any, cls: None = None, /, *, ignore_unknown: bool = False) -> KubeObject: ...


def from_client(obj: Any, cls: type[Any] | None = None, /, *, ignore_unknown: bool = False) -> Any:
    """Build our model from an object or dict of the official client or of lightkube.

    Args:
        obj: A typed client object (``V1EndpointSlice``, ``V1ServiceList``, lightkube's
            ``EndpointSlice``...), the official client's ``.to_dict()`` (snake_case), or a
            camelCase dict as lightkube's ``.to_dict()`` or `json.loads` gives it.
        cls: The model class, needed only for a dict that has no ``kind``.
        ignore_unknown: Drop fields our models do not know instead of reporting them.

    Returns:
        The model; a list object gives our typed list (``EndpointSliceList`` and so on).

    Raises:
        StructureError: Every problem found, each with its field path.
    """
    data, hint = _api_dict(obj)
    if isinstance(data, dict):
        target = cls if cls is not None else hint
        data = _fill_kind(data, target)
        model_cls = target if target is not None else _class_of(data)
        # Typed objects give the API's names already; only a dict may hold snake_case ones.
        if model_cls is not None and hint is None:
            data = _camel(data, model_cls, ())
    if cls is None:
        return io.from_dict(data, ignore_unknown=ignore_unknown)
    return io.from_dict(data, cls, ignore_unknown=ignore_unknown)


def _api_dict(obj: Any) -> tuple[Any, type[Any] | None]:
    """The API's JSON data of *obj* (datetimes still to convert) and the model class its type names."""
    module = type(obj).__module__
    if module.startswith("kubernetes.client") and hasattr(type(obj), "attribute_map"):
        found = _class_named(_official_kind(type(obj).__name__))
        return _official_to_json(obj), found if found is not None else OtherObject
    if module.startswith("lightkube.") and hasattr(obj, "to_dict"):
        api_version = _lightkube_api_version(module)
        found = KINDS.get((api_version, type(obj).__name__)) if api_version else None
        return obj.to_dict(), found if found is not None else OtherObject
    return _timestamps(obj), None


def _official_kind(name: str) -> str:
    """``EndpointSlice`` of ``V1EndpointSlice``: the client prefixes the version."""
    match = re.fullmatch(r"V\d+(?:(?:alpha|beta)\d+)?(\w+)", name)
    return match.group(1) if match else name


def _class_named(kind: str) -> type[Any] | None:
    found = [cls for (_, k), cls in KINDS.items() if k == kind]
    return found[0] if len(found) == 1 else None


def _lightkube_api_version(module: str) -> str | None:
    """``discovery.k8s.io/v1`` of ``lightkube.resources.discovery_v1``, ``v1`` of ``..core_v1``."""
    last = module.rpartition(".")[2]
    group, _, version = last.rpartition("_")
    if group == "core":
        return version
    if group == "discovery":
        return f"discovery.k8s.io/{version}"
    return None


def _official_to_json(obj: Any) -> Any:
    """The camelCase JSON of an official client object; `None` fields are the API's absent ones."""
    if obj is None or isinstance(obj, str | bool | int | float):
        return obj
    attribute_map = getattr(type(obj), "attribute_map", None)
    if attribute_map is not None:
        out: dict[str, Any] = {}
        for attr, key in attribute_map.items():
            value = getattr(obj, attr)
            if value is not None:
                out[key] = _official_to_json(value)
        return out
    if isinstance(obj, list | tuple):
        return [_official_to_json(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _official_to_json(v) for k, v in obj.items()}
    return _timestamp(obj)


def _timestamps(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _timestamps(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_timestamps(v) for v in data]
    return _timestamp(data)


def _timestamp(value: Any) -> Any:
    """A `datetime` as the API writes ``metav1.Time``: RFC 3339 in UTC with a literal ``Z``."""
    if not isinstance(value, datetime.datetime):
        return value
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        # Go's RFC3339Nano drops trailing zeros; keeping the fraction loses nothing the user wrote.
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "Z"


def _fill_kind(data: dict[str, Any], cls: type[Any] | None) -> dict[str, Any]:
    """*data* with the ``apiVersion`` and ``kind`` of *cls* where missing, and its items' too for a list."""
    data = dict(data)
    if "apiVersion" not in data and "api_version" in data:
        data["apiVersion"] = data.pop("api_version")
    names = _names_of(cls)
    if names is not None:
        for key, value in zip(("apiVersion", "kind"), names, strict=True):
            if data.get(key) is None:
                data[key] = value
    kind = data.get("kind")
    api_version = data.get("apiVersion")
    items = data.get("items")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(items, list):
        item_cls = KINDS.get((api_version, kind[: -len("List")])) if isinstance(api_version, str) else None
        data["items"] = [_fill_kind(i, item_cls) if isinstance(i, dict) else i for i in items]
    return data


def _names_of(cls: type[Any] | None) -> tuple[str, str] | None:
    if cls is None or cls is KubeList or cls is OtherObject:
        return None
    api_version, kind = getattr(cls, "api_version", None), getattr(cls, "kind", None)
    if isinstance(api_version, str) and isinstance(kind, str):
        return api_version, kind
    return None


def _class_of(data: dict[str, Any]) -> type[Any] | None:
    api_version, kind = data.get("apiVersion"), data.get("kind")
    if isinstance(api_version, str) and isinstance(kind, str):
        return KINDS.get((api_version, kind))
    return None


def _camel(data: dict[str, Any], cls: Any, path: _Path) -> dict[str, Any]:
    """*data* with the official client's snake_case keys renamed to the API's, guided by our model.

    Only field names are renamed: the keys of maps (labels, annotations, selector) are the
    user's and stay as they are. A key known under neither name is kept, so that loading
    reports it as an unknown field with its path.
    """
    nested = _nested(cls)
    if nested is None:
        return data
    renames = _renames(cls)
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in data.items():
        wire = renames.get(key, key)
        if wire in out:
            segments = (*path, key)
            problems.append(
                Problem(path=render_path(segments), segments=segments, message=f"given twice, also as {wire!r}")
            )
            continue
        inner = nested.get(wire)
        renamed = value
        if inner is not None:
            many, model = inner
            if many and isinstance(value, list):
                renamed = [
                    _camel(v, model, (*path, wire, i)) if isinstance(v, dict) else v for i, v in enumerate(value)
                ]
            elif not many and isinstance(value, dict):
                renamed = _camel(value, model, (*path, wire))
        out[wire] = renamed
    if problems:
        raise StructureError(problems)
    return out


@functools.cache
def _nested(cls: Any) -> Mapping[str, tuple[bool, type[Any]]] | None:
    """The fields of *cls* that hold models (``(False, model)``) or lists of them (``(True, model)``)."""
    if cls is KubeList or not attrs.has(cls):
        return None
    out: dict[str, tuple[bool, type[Any]]] = {}
    for f in _model.specs(cls):
        spec = f.type
        if spec.kind == _model.MODEL:
            out[f.wire] = (False, spec.target)
        elif spec.kind == _model.TUPLE and spec.item is not None and spec.item.kind == _model.MODEL:
            out[f.wire] = (True, spec.item.target)
    return out


@functools.cache
def _renames(cls: Any) -> Mapping[str, str]:
    """snake_case names of *cls*'s fields (ours, and the official client's) -> the API's names."""
    out = {f.wire: f.wire for f in _model.specs(cls)}
    for f in _model.specs(cls):
        out.setdefault(f.name, f.wire)
        out.setdefault(_official_snake(f.wire), f.wire)
        # The generator prefixes names that are Python keywords: ``continue`` is ``_continue``.
        if keyword.iskeyword(f.wire):
            out.setdefault(f"_{f.wire}", f.wire)
    return out


def _official_snake(wire: str) -> str:
    """The official client's attribute name of an API field: ``clusterIPs`` -> ``cluster_ips``.

    The generator lowercases runs of capitals as one word (``IPs``, ``IP``) before splitting.
    """
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", wire.replace("IPs", "Ips"))
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)
    return text.lower()


# ---------------------------------------------------------------------------
# to the clients


def to_client(model: KubeObject, /, library: Library = Library.KUBERNETES) -> Any:
    """The chosen client's typed object holding *model*.

    Args:
        model: An EndpointSlice, Endpoints, Service, Pod or Node, or one of their typed lists.
        library: `Library.KUBERNETES` gives ``kubernetes.client`` objects (``V1EndpointSlice``),
            `Library.LIGHTKUBE` lightkube's resources (``lightkube.resources.discovery_v1.EndpointSlice``).

    Raises:
        StructureError: The model holds a field the client's type cannot hold, or is a kind
            the client has no type for (``kind: List``, other kinds).
        ModuleNotFoundError: The client is not installed.
    """
    if isinstance(model, KubeList | OtherObject):
        raise StructureError([Problem(path="kind", segments=("kind",), message=_no_type(kind_of(model), library))])
    names = _names_of(type(model))
    if names is None:
        raise StructureError([Problem(path="kind", segments=("kind",), message=_no_type(kind_of(model), library))])
    data = io.to_dict(model)
    if library is Library.KUBERNETES:
        return _official_object(names, data)
    return _lightkube_object(names, data)


def _no_type(kind: str, library: Library) -> str:
    return f"the {library.value} client has no type for kind {kind!r}"


def _official_object(names: tuple[str, str], data: dict[str, Any]) -> Any:
    import kubernetes.client

    kind = names[1]
    klass = getattr(kubernetes.client, f"V1{kind}", None)
    if klass is None:
        raise StructureError([Problem(path="kind", segments=("kind",), message=_no_type(kind, Library.KUBERNETES))])
    try:
        obj = klass.from_dict(data)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError.
        raise StructureError(
            [Problem(message=f"the kubernetes client cannot hold the object: {_one_line(exc)}")]
        ) from None
    return _checked(obj, data, _official_to_json(obj), f"the kubernetes client's V1{kind}")


def _lightkube_object(names: tuple[str, str], data: dict[str, Any]) -> Any:
    import importlib

    import msgspec

    api_version, kind = names
    group, _, version = api_version.rpartition("/")
    module_name = ("discovery" if group == "discovery.k8s.io" else "core") + "_" + version
    package = "models" if kind.endswith("List") else "resources"
    klass = getattr(importlib.import_module(f"lightkube.{package}.{module_name}"), kind, None)
    if klass is None:
        raise StructureError([Problem(path="kind", segments=("kind",), message=_no_type(kind, Library.LIGHTKUBE))])
    try:
        obj = klass.from_dict(data)
    except msgspec.ValidationError as exc:
        raise StructureError([Problem(message=f"lightkube cannot hold the object: {_one_line(exc)}")]) from None
    return _checked(obj, data, _timestamps(obj.to_dict()), f"lightkube's {kind}")


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def _checked(obj: T, data: dict[str, Any], kept: Any, holder: str) -> T:
    """*obj*, unless the client dropped or changed a value of *data* on the way in.

    Both clients build their objects from known keys only and parse timestamps into
    `datetime`; a field they do not have, or a timestamp not in the API's own form, would
    come back otherwise, so it is refused with its path instead.
    """
    lost = _first_difference(data, kept, ())
    if lost is not None:
        raise StructureError(
            [Problem(path=render_path(lost), segments=lost, message=f"{holder} cannot hold this value as written")]
        )
    return obj


def _first_difference(ours: Any, theirs: Any, path: _Path) -> _Path | None:
    """The path of the first value of *ours* that *theirs* lacks or changed (absent and null are alike)."""
    if isinstance(ours, dict):
        if not isinstance(theirs, dict):
            return path if ours else None
        for key, value in ours.items():
            found = _first_difference(value, theirs.get(key), (*path, key))
            if found is not None:
                return found
        return None
    if isinstance(ours, list):
        if not isinstance(theirs, list) or len(theirs) != len(ours):
            return path if ours or theirs else None
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            found = _first_difference(a, b, (*path, i))
            if found is not None:
                return found
        return None
    if ours is None:
        return None
    return None if ours == theirs and type(ours) is type(theirs) else path
