"""Machinery behind the model classes: field declarations, type analysis, checks.

Every model is a frozen, slotted, keyword-only attrs class made by `model`.
Its constructor checks and normalises each field from the field's type
annotation, so that a model can never hold a value of the wrong type:

* a ``list`` (or any other sequence but a string) given for a tuple field
  becomes a ``tuple``, a ``dict`` (or any other mapping) for a map field a
  `FrozenDict`;
* a known wire string given for an enum field becomes the enum member, an
  unknown string is kept as is (validation reports it later);
* anything else of the wrong type raises `ModelTypeError`.

The checks are compiled once per class into one function, because the
loader builds tens of thousands of models and a generic loop over fields
would dominate load time.

Type checkers learn the same rule from the ``converter=`` each such field
declares: `strs`, `optional_strs`, `optional_str_map` and the per-model ones
beside each model. They exist only for type checkers (``TYPE_CHECKING``),
where they say that the constructor takes a ``Sequence`` or ``Mapping`` and
the attribute holds a tuple or `FrozenDict`; at run time they are ``None``,
so attrs adds no converter call and the checker above does the work once.

Fields also carry their wire (camelCase) name and whether the Go type emits
them when unset (no ``omitempty``); `_convert` builds the structure and
unstructure functions from the same `FieldSpec` values.
"""

from __future__ import annotations

import enum
import sys
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ._frozen import FrozenDict, freeze_json
from .errors import EndpointSliceError

WIRE = "endpointslice.wire"
ALWAYS = "endpointslice.always"
ZERO = "endpointslice.zero"

_NO_ZERO = object()

T = TypeVar("T")

if TYPE_CHECKING:
    # Declarations for type checkers only (see the module docstring). mypy's
    # attrs plugin types ``__init__`` from a converter's parameter, and needs a
    # named, non-generic function for it, so each element type has its own.
    def strs(value: Sequence[str], /) -> tuple[str, ...]: ...
    def optional_strs(value: Sequence[str] | None, /) -> tuple[str, ...] | None: ...
    def optional_str_map(value: Mapping[str, str] | None, /) -> FrozenDict[str, str] | None: ...
else:
    strs = optional_strs = optional_str_map = None


class ModelTypeError(EndpointSliceError, TypeError):
    """A model was constructed with a value of the wrong type.

    Attributes:
        model: The model class name.
        field: The wire name of the field.
        expected: What the field takes, e.g. ``bool``.
        value: The value given.
    """

    def __init__(self, model: str, field: str, expected: str, value: object) -> None:
        self.model = model
        self.field = field
        self.expected = expected
        self.value = value
        super().__init__(f"{model}.{field}: expected {expected}, got {describe(value)}")


def describe(value: object) -> str:
    """Render a wrong value for an error message, briefly."""
    if isinstance(value, FrozenDict):
        # The constructor froze the caller's dict before checking it; show what they passed.
        value = value.thaw()
    if isinstance(value, (dict, list, tuple)):
        kind = "object" if isinstance(value, dict) else "list"
        return f"{kind} {_short(repr(value))}"
    return _short(repr(value))


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def camel(name: str) -> str:
    """``node_name`` -> ``nodeName``; a trailing underscore is dropped (``continue_``)."""
    head, *rest = name.rstrip("_").split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def wire(name: str) -> dict[str, Any]:
    """Field metadata: the JSON name, when it is not the camelCase of the Python name."""
    return {WIRE: name}


#: Field metadata: emit the field even when unset, as Go does for fields without ``omitempty``.
EMITTED: dict[str, Any] = {ALWAYS: True}


def zero(value: Any, *, name: str | None = None) -> dict[str, Any]:
    """Field metadata for a field the schema marks as required.

    Python callers must pass it (the field has no default). Decoding, like
    the apiserver's, does not insist: a missing key takes Go's zero value
    *value* (``""``, ``0``, ``()``), which validation then reports as
    ``Required value``. Such fields are always emitted.
    """
    meta: dict[str, Any] = {ALWAYS: True, ZERO: value}
    if name is not None:
        meta[WIRE] = name
    return meta


# Kinds of field types the machinery understands.
STR = "str"
INT = "int"
BOOL = "bool"
INTSTR = "intstr"
ENUM = "enum"
MODEL = "model"
TUPLE = "tuple"
MAP = "map"
JSON = "json"
SCALAR = "scalar"  # str | int | float, e.g. a resource quantity


@attrs.frozen
class TypeSpec:
    """What a field (or a tuple's element) holds."""

    kind: str
    target: Any = None  # the enum or model class
    item: TypeSpec | None = None  # for tuples
    optional: bool = False

    def describe(self) -> str:
        """The expected type in error messages, in JSON terms."""
        if self.kind == TUPLE:
            assert self.item is not None  # noqa: S101  # tuples always have an item spec.
            return f"list of {self.item.describe()}"
        return {
            STR: "string",
            INT: "integer",
            BOOL: "bool",
            INTSTR: "integer or string",
            ENUM: "string",
            MODEL: "object",
            MAP: "map of string to string",
            JSON: "JSON value",
            SCALAR: "string or number",
        }[self.kind]


@attrs.frozen
class FieldSpec:
    """A model field as the converter sees it."""

    name: str
    wire: str
    type: TypeSpec
    always: bool
    zero: Any


_SPECS: dict[type, tuple[FieldSpec, ...]] = {}


def specs(cls: type) -> tuple[FieldSpec, ...]:
    """The `FieldSpec` of every field of model class *cls*, in declaration order."""
    try:
        return _SPECS[cls]
    except KeyError:
        pass
    hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
    out = []
    for a in attrs.fields(cls):
        out.append(
            FieldSpec(
                name=a.name,
                wire=a.metadata.get(WIRE) or camel(a.name),
                type=_analyse(hints[a.name], f"{cls.__name__}.{a.name}"),
                always=bool(a.metadata.get(ALWAYS)),
                zero=a.metadata.get(ZERO, _NO_ZERO),
            )
        )
    result = tuple(out)
    _SPECS[cls] = result
    return result


def has_zero(spec: FieldSpec) -> bool:
    """Whether *spec* is a required field with a Go zero value."""
    return spec.zero is not _NO_ZERO


def default_of(cls: type, f: FieldSpec) -> Any:
    """What a missing or null key becomes: the attrs default, or Go's zero value."""
    if has_zero(f):
        return f.zero
    a = attrs.fields_dict(cls)[f.name]
    return None if a.default is attrs.NOTHING else a.default


def _analyse(tp: Any, where: str) -> TypeSpec:
    optional = False
    args: tuple[Any, ...] = ()
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = tuple(a for a in typing.get_args(tp) if a is not type(None))
        optional = len(args) != len(typing.get_args(tp))
        tp = args[0] if len(args) == 1 else tp
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        members = set(args)
        enums = [a for a in members if isinstance(a, type) and issubclass(a, enum.Enum)]
        if enums and members == {enums[0], str}:
            return TypeSpec(ENUM, enums[0], optional=optional)
        if members == {int, str}:
            return TypeSpec(INTSTR, optional=optional)
        if members == {int, float, str}:
            return TypeSpec(SCALAR, optional=optional)
        if any(a is FrozenDict or typing.get_origin(a) is FrozenDict for a in members):
            return TypeSpec(JSON, optional=optional)
        raise TypeError(f"{where}: unsupported union {tp!r}")
    if tp is str:
        return TypeSpec(STR, optional=optional)
    if tp is bool:
        return TypeSpec(BOOL, optional=optional)
    if tp is int:
        return TypeSpec(INT, optional=optional)
    if typing.get_origin(tp) is tuple:
        return TypeSpec(TUPLE, item=_analyse(typing.get_args(tp)[0], where), optional=optional)
    if typing.get_origin(tp) is FrozenDict:
        if typing.get_args(tp)[1] is str:
            return TypeSpec(MAP, optional=optional)
        return TypeSpec(JSON, optional=optional)
    if attrs.has(tp):
        return TypeSpec(MODEL, tp, optional=optional)
    # The JSON alias is a Union containing FrozenDict; anything else is a bug.
    raise TypeError(f"{where}: unsupported field type {tp!r}")


_CHECKERS: dict[type, Callable[[Any], None]] = {}


def _check(self: Any) -> None:
    # The first instance of a class compiles its checker and installs it as the
    # class's post-init hook, so later instances call it without this indirection.
    cls = type(self)
    checker = _CHECKERS.get(cls)
    if checker is None:
        checker = _CHECKERS[cls] = _compile_checker(cls)
        cls.__attrs_post_init__ = checker
    checker(self)


def check_namespace() -> dict[str, Any]:
    """The globals the generated check code refers to."""
    return {
        "FrozenDict": FrozenDict,
        "freeze_json": freeze_json,
        "fail": _fail,
        "setattr": object.__setattr__,
        "check_items": _check_items,
        "is_items": _is_items,
        "Mapping": Mapping,
    }


def check_lines(
    cls: type, i: int | str, f: FieldSpec, var: str, ns: dict[str, Any], *, fail: str, trusted: bool
) -> list[str]:
    """Code that checks and normalises the local variable *var* holding field *f*.

    The code leaves the normalised value in *var* (a list becomes a tuple, a
    dict a `FrozenDict`, a known enum string its member) and runs *fail*
    when the value has the wrong type. With *trusted*, nested model values
    and list-to-tuple conversions are known to be right (the loader did
    them) and are not checked again; no code at all may remain.
    Both the constructor's checker and the loader's fast path are generated
    from this one function, so they cannot disagree.
    """
    t = f.type
    ns[f"spec{i}"] = t
    fail = fail.format(model=repr(cls.__name__), wire=repr(f.wire), spec=f"spec{i}", var=var)
    lines = [f"if {var} is not None:" if t.optional else "if True:"]
    pad = "    "
    if t.kind == STR:
        lines.append(f"{pad}if {var}.__class__ is not str and not isinstance({var}, str): {fail}")
    elif t.kind == INT:
        lines.append(
            f"{pad}if {var}.__class__ is not int and (not isinstance({var}, int) or isinstance({var}, bool)): {fail}"
        )
    elif t.kind == BOOL:
        lines.append(f"{pad}if {var}.__class__ is not bool: {fail}")
    elif t.kind == INTSTR:
        lines.append(f"{pad}if not isinstance({var}, (int, str)) or isinstance({var}, bool): {fail}")
    elif t.kind == SCALAR:
        lines.append(f"{pad}if not isinstance({var}, (int, float, str)) or isinstance({var}, bool): {fail}")
    elif t.kind == ENUM:
        ns[f"enum{i}"] = t.target
        ns[f"members{i}"] = t.target._value2member_map_
        lines.append(f"{pad}if {var}.__class__ is not enum{i}:")
        lines.append(f"{pad}    if {var}.__class__ is not str: {fail}")
        lines.append(f"{pad}    {var} = members{i}.get({var}, {var})")
    elif t.kind == MODEL:
        if trusted:
            return []
        ns[f"model{i}"] = t.target
        lines.append(f"{pad}if not isinstance({var}, model{i}): {fail}")
    elif t.kind == MAP:
        lines.append(f"{pad}if {var}.__class__ is not FrozenDict:")
        # A plain dict (all the loader makes) costs one identity test; other mappings an ABC check.
        lines.append(f"{pad}    if {var}.__class__ is not dict and not isinstance({var}, Mapping): {fail}")
        lines.append(f"{pad}    {var} = FrozenDict({var})")
        lines.append(f"{pad}for k, x in {var}.items():")
        lines.append(f"{pad}    if k.__class__ is not str or x.__class__ is not str: {fail}")
    elif t.kind == JSON:
        lines.append(f"{pad}{var} = freeze_json({var})")
    elif t.kind == TUPLE:
        if not trusted:
            # The loader has already made a tuple of the JSON list.
            lines.append(f"{pad}if {var}.__class__ is not tuple:")
            # Any sequence but a string, whose characters would become the items.
            lines.append(f"{pad}    if {var}.__class__ is not list and not is_items({var}): {fail}")
            lines.append(f"{pad}    {var} = tuple({var})")
        item = t.item
        assert item is not None  # noqa: S101  # _analyse always sets it for tuples.
        if item.kind == STR:
            lines.append(f"{pad}for x in {var}:")
            lines.append(f"{pad}    if x.__class__ is not str: {fail}")
        elif item.kind == MODEL:
            if not trusted:
                ns[f"model{i}"] = item.target
                lines.append(f"{pad}for x in {var}:")
                lines.append(f"{pad}    if x.__class__ is not model{i} and not isinstance(x, model{i}): {fail}")
        else:
            lines.append(f"{pad}w = check_items({var}, spec{i}.item)")
            lines.append(f"{pad}if w is None: {fail}")
            lines.append(f"{pad}{var} = w")
    return lines if len(lines) > 1 else []


def _is_items(value: object) -> bool:
    """Whether *value* may stand for a list field: a sequence, but no string of any kind."""
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray))


def _compile_checker(cls: type) -> Callable[[Any], None]:
    """Generate the per-class check-and-normalise function run after ``__init__``."""
    # An object built in code was written by nobody: it dumps in the stored form (see `Model`).
    lines = ["def check(self):", "    written(self, None)"]
    ns = check_namespace()
    ns["written"] = Model._written.__set__  # type: ignore[attr-defined]  # The slot's descriptor.
    for i, f in enumerate(specs(cls)):
        var = f"v{i}"
        lines.append(f"    {var} = self.{f.name}")
        code = check_lines(cls, i, f, var, ns, fail="fail({model}, {wire}, {spec}, {var})", trusted=False)
        lines.extend("    " + line for line in code)
        if code:
            lines.append(f"    if {var} is not self.{f.name}: setattr(self, {f.name!r}, {var})")
    lines.append("    return None")
    exec("\n".join(lines), ns)  # noqa: S102  # Generated from the class's own field specs.
    checker: Callable[[Any], None] = ns["check"]
    return checker


def _check_items(values: tuple[Any, ...], item: TypeSpec) -> tuple[Any, ...] | None:
    """Check and normalise the items of a tuple of enums or scalars; ``None`` if one is wrong."""
    out = []
    changed = False
    for value in values:
        x = value
        if item.kind == ENUM:
            if isinstance(x, item.target):
                out.append(x)
                continue
            if x.__class__ is not str:
                return None
            m = item.target._value2member_map_.get(x)
            if m is not None:
                changed = True
                x = m
        elif item.kind == INT and (x.__class__ is not int):
            return None
        elif item.kind == JSON:
            x = freeze_json(value)
            changed = changed or x is not value
        out.append(x)
    return tuple(out) if changed else values


def _fail(model: str, wire: str, spec: TypeSpec, value: object) -> None:
    raise ModelTypeError(model, wire, spec.describe(), value)


class Model:
    """Base of every model class: runs the generated checks after attrs' ``__init__``.

    Models are declared with ``@attrs.frozen(kw_only=True, weakref_slot=False)``
    directly, so that type checkers and attrs' own helpers (``attrs.evolve``,
    ``attrs.fields``) treat them as the attrs classes they are. Without the
    ``__weakref__`` slot the loader can build them much faster (see
    ``_convert._twin``); like tuples and strings, they cannot be weakly
    referenced.

    Each instance also has one slot that is no attrs field, ``_written``:
    how the input the loader built it from differs from what dumping its
    values would print (a field left out, an explicit ``null``, an unknown
    field kept), or ``None`` when it does not differ, as for every object
    built in code. It is not part of equality, hashing, ``repr`` or
    pickling; `endpointslice._presence` reads and writes it. An object made
    without ``__init__`` (a pickle, a copy) has it unset, which readers take
    as ``None``. (A ``__getattr__`` answering for it would be simpler, and
    would slow every attribute read of every model: Python then gives up its
    fast path for slots.)
    """

    __slots__ = ("_written",)

    __attrs_post_init__ = _check
