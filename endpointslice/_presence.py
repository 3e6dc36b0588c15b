"""How a loaded object was written, field by field, so that dumping it prints it as written.

A model holds values, and one value can be written several ways: an
``EndpointSlice`` whose ``ports`` is ``None`` was written ``ports: null``
or had no ``ports`` at all; a ``Service`` whose ``status`` is empty was
written ``status: {}``, ``status: null`` or not at all. Dumping prints one
of them, the apiserver's stored form. kubectl, reading a file offline,
prints the file as written, and users keep files in git, so the loader
records which of the others it saw.

The record lives in each model's ``_written`` slot (see `_model.Model`). It
is ``None`` whenever the input was written exactly the way dumping prints
it: every object a server shaped, and every object built in code. Only a
deviating object holds a record, a small dict from wire name to

* `Presence.ABSENT`: the key was left out, where dumping prints the field;
* `Presence.NULL`: the key was ``null``, where dumping prints a value or
  nothing;
* a `Kept` value: a field this library does not model, loaded with unknown
  fields allowed, printed back as it was.

Empty values (``{}``, ``[]``, ``""``) need no record: the models keep them
apart from ``None`` already. The generated loader (`_convert`) notices a
deviation with one integer comparison per object and only then calls
`written_of`; the generated dumper calls `apply` only for a record.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, TypeVar

import attrs

from . import _model
from ._frozen import FrozenDict, freeze_json, thaw_json

__all__ = ["Kept", "Presence", "apply", "evolve", "presence", "written", "written_of"]

T = TypeVar("T")


class Presence(enum.Enum):
    """How one field of an object is written: what `endpointslice.io.presence` answers."""

    #: The key is not written at all.
    ABSENT = "absent"
    #: The key is written with the value ``null``.
    NULL = "null"
    #: The key is written with an empty map, list or string: ``{}``, ``[]`` or ``""``.
    EMPTY = "empty"
    #: The key is written with any other value (``0`` and ``false`` included).
    SET = "set"


@attrs.frozen
class Kept:
    """The value of a field this library does not model, kept to be printed back."""

    value: Any


# Per class: (wire name, whether leaving it out differs from the dump, whether null does).
_RULES: dict[type, tuple[tuple[str, bool, bool], ...]] = {}


def _rules(cls: type) -> tuple[tuple[str, bool, bool], ...]:
    found = _RULES.get(cls)
    if found is not None:
        return found
    # apiVersion and kind are not recorded: dumping always writes them. An object loaded without
    # them had its kind known from context (an item of a typed list such as the apiserver's
    # EndpointSliceList, or a class named by the caller), and kubectl prints every such item
    # with both.
    out = []
    for f in _model.specs(cls):
        if f.wire == _EXTRA:
            continue
        default = _model.default_of(cls, f)
        # A missing or null key loads as *default*; dumping prints that unless it is None and the
        # field is left out when None (omitempty). Null prints as null only when None is printed.
        absent_differs = f.always or default is not None
        null_differs = not (f.always and default is None)
        out.append((f.wire, absent_differs, null_differs))
    rules = tuple(out)
    _RULES[cls] = rules
    return rules


_EXTRA = "*"


def absent_differs(cls: type, f: _model.FieldSpec) -> bool:
    """Whether leaving field *f* of *cls* out of the input differs from what dumping prints."""
    return f.always or _model.default_of(cls, f) is not None


def written_of(o: Mapping[str, Any], cls: type, strict: bool) -> dict[str, Any] | None:
    """The record of how dict *o*, loaded as a *cls*, differs from the dump of its model; ``None`` if not.

    With *strict*, the loader has refused unknown fields already; without,
    they are kept (an open model keeps them in its own ``extra`` field).
    """
    record: dict[str, Any] = {}
    for wire, absent, null in _rules(cls):
        if wire not in o:
            if absent:
                record[wire] = Presence.ABSENT
        elif o[wire] is None and null:
            record[wire] = Presence.NULL
    if not strict and not any(f.wire == _EXTRA for f in _model.specs(cls)):
        known = {wire for wire, _, _ in _rules(cls)} | {"apiVersion", "kind"}
        for key in o:
            if key not in known:
                record[key] = Kept(freeze_json(o[key]))
    return record or None


def apply(d: dict[str, Any], record: Mapping[str, Any]) -> None:
    """Make *d*, the dump of a model, what the input the *record* was taken from said."""
    for key, how in record.items():
        if how is Presence.ABSENT:
            d.pop(key, None)
        elif how is Presence.NULL:
            d[key] = None
        else:
            d[key] = thaw_json(how.value)


def written(obj: object) -> dict[str, Any] | None:
    """The record of model *obj*: ``None`` unless it was loaded from input written otherwise than dumped."""
    # Unset (None) in an object made without __init__, such as a pickle or a copy.
    record: dict[str, Any] | None = getattr(obj, "_written", None)
    return record


def _field(obj: object, name: str) -> _model.FieldSpec:
    if not isinstance(obj, _model.Model):
        raise TypeError(f"expected a model of endpointslice, got {type(obj).__name__}")
    for f in _model.specs(type(obj)):
        if f.name == name and f.wire != _EXTRA:
            return f
    raise AttributeError(f"{type(obj).__name__} has no field {name!r}")


def presence(obj: object, name: str, /) -> Presence:
    """How field *name* (its Python name) of model *obj* is written: as loaded, or as dumping prints it.

    See `endpointslice.io.presence`.
    """
    f = _field(obj, name)
    record = written(obj)
    if record is not None:
        how = record.get(f.wire)
        if how is Presence.ABSENT or how is Presence.NULL:
            return how
    value = getattr(obj, name)
    if value is None:
        return Presence.NULL if f.always else Presence.ABSENT
    if isinstance(value, (str, tuple, FrozenDict)) and not value:
        return Presence.EMPTY
    if isinstance(value, _model.Model) and not _dumped(value):
        return Presence.EMPTY
    return Presence.SET


def _dumped(value: _model.Model) -> dict[str, Any]:
    from . import _convert  # _convert imports this module.

    return _convert.unstructure(value)


def evolve(obj: T, /, **changes: Any) -> T:
    """`attrs.evolve`, keeping how *obj* was written for every field not in *changes*.

    A changed field prints as dumping prints its new value; the others print
    as the input had them. Unknown fields that were kept stay.
    """
    new = attrs.evolve(obj, **changes)  # type: ignore[misc]  # Only ever called with our models.
    record = written(obj)
    if record is not None:
        changed = {f.wire for f in _model.specs(type(obj)) if f.name in changes}
        kept = {k: v for k, v in record.items() if k not in changed}
        object.__setattr__(new, "_written", kept or None)
    return new
