"""Integers that do not fit the Go type of their field, reported as the apiserver's decoder reports them.

Python integers have no size, so a loaded port can be 2**64; the apiserver
decodes ``port`` into an ``int32`` and refuses such a request with
``json: cannot unmarshal number ... into Go struct field EndpointPort.ports.port
of type int32``. Every integer field of the API is an ``int32`` but the few
named in `_INT64_FIELDS`.
"""

from __future__ import annotations

from typing import Any, TypeVar

from . import _model
from ._convert import render_path
from .errors import Problem, StructureError

T = TypeVar("T")

_INT64_FIELDS = frozenset(
    {"generation", "deletion_grace_period_seconds", "remaining_item_count", "observed_generation"}
)
_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_HAS_INTS: dict[type, bool] = {}


def _has_ints(cls: type) -> bool:
    """Whether model class *cls* holds an integer field anywhere inside it."""
    if cls not in _HAS_INTS:
        _HAS_INTS[cls] = False  # A class that (indirectly) holds itself adds nothing new.
        _HAS_INTS[cls] = any(_spec_has_ints(f.type) for f in _model.specs(cls))
    return _HAS_INTS[cls]


def _spec_has_ints(t: _model.TypeSpec) -> bool:
    if t.kind in (_model.INT, _model.INTSTR):
        return True
    if t.kind == _model.MODEL:
        return _has_ints(t.target)
    if t.kind == _model.TUPLE and t.item is not None:
        return _spec_has_ints(t.item)
    return False


def problems(obj: Any) -> list[Problem]:
    """Every integer in model *obj* (or in the items of a list model) outside its Go type's range."""
    out: list[Problem] = []
    items = getattr(obj, "items", None)
    if isinstance(items, tuple):
        for i, item in enumerate(items):
            if hasattr(type(item), "__attrs_attrs__") and _has_ints(type(item)):
                _walk(item, ("items", i), ("items",), out)
        return out
    if hasattr(type(obj), "__attrs_attrs__") and _has_ints(type(obj)):
        _walk(obj, (), (), out)
    return out


def checked(obj: T) -> T:
    """*obj*, if each of its integers fits its Go type.

    Raises:
        StructureError: Every integer that does not.
    """
    found = problems(obj)
    if found:
        raise StructureError(found)
    return obj


def _walk(obj: Any, path: tuple[str | int, ...], wires: tuple[str, ...], out: list[Problem]) -> None:
    cls = type(obj)
    for f in _model.specs(cls):
        kind = f.type.kind
        value = getattr(obj, f.name, None)
        if value is None:
            continue
        if kind in (_model.INT, _model.INTSTR):
            if value.__class__ is not int:
                continue
            go_type = "int64" if f.name in _INT64_FIELDS else "int32"
            low, high = _RANGES[go_type]
            if not low <= value <= high:
                segments = (*path, f.wire)
                where = (
                    f"Go value of type {go_type}"  # IntOrString decodes its number on its own.
                    if kind == _model.INTSTR
                    else f"Go struct field {cls.__name__}.{'.'.join((*wires, f.wire))} of type {go_type}"
                )
                message = f"json: cannot unmarshal number {value} into {where}"
                out.append(Problem(path=render_path(segments), segments=segments, message=message))
        elif kind == _model.MODEL and _has_ints(f.type.target):
            _walk(value, (*path, f.wire), (*wires, f.wire), out)
        elif (
            kind == _model.TUPLE
            and f.type.item is not None
            and f.type.item.kind == _model.MODEL
            and _has_ints(f.type.item.target)
        ):
            for i, item in enumerate(value):
                if item is not None:
                    _walk(item, (*path, f.wire, i), (*wires, f.wire), out)
