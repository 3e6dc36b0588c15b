"""The single private cattrs converter between models and the API's JSON form.

cattrs dispatches; the hooks it dispatches to are generated here, once per
model class, from the same `FieldSpec` values the models check themselves
with. Generating straight-line code per class (as cattrs' own
``make_dict_structure_fn`` does) keeps loading within a small factor of the
YAML parser itself, which the benchmarks hold us to.

Structuring has two paths:

* the fast path builds models with no per-field bookkeeping;
* if anything at all goes wrong on it, `diagnose` walks the same data again
  slowly and collects *every* problem with its field path, so the fast path
  never has to track where it is.

Like the apiserver's decoder, structuring only rejects wrong JSON types and
unknown fields. Missing required fields take Go's zero value, and values
that are merely invalid (``addressType: IPv5``) are kept for validation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs
import cattrs

from . import _model
from ._frozen import thaw_json
from ._model import FieldSpec, TypeSpec, describe, has_zero, specs
from .errors import Problem, StructureError

T = TypeVar("T")

#: A field path: field names, list indices, and ``("key", k)`` for map keys.
Segment = str | int | tuple[str, str]
Path = tuple[Segment, ...]

EXTRA = "*"


class _InvalidError(Exception):
    """Raised inside generated code; the slow path then finds out what is wrong."""


def render_path(path: Path) -> str:
    """Render a path the Kubernetes way: ``endpoints[3].addresses[0]``, ``labels[app]``."""
    out: list[str] = []
    for seg in path:
        if isinstance(seg, int):
            out.append(f"[{seg}]")
        elif isinstance(seg, tuple):
            out.append(f"[{seg[1]}]")
        else:
            out.append(f".{seg}" if out else seg)
    return "".join(out)


def _kind_of(cls: type) -> tuple[str, str] | None:
    kind = getattr(cls, "kind", None)
    if isinstance(kind, str):
        return (cls.api_version, kind)  # type: ignore[attr-defined]  # Every kind class has both.
    return None


def _is_open(cls: type) -> bool:
    return any(s.wire == EXTRA for s in specs(cls))


def _known_keys(cls: type) -> frozenset[str]:
    keys = {s.wire for s in specs(cls) if s.wire != EXTRA}
    if _kind_of(cls):
        keys |= {"apiVersion", "kind"}
    return frozenset(keys)


# ---------------------------------------------------------------------------
# Structuring: dict -> model


_STRUCTURE: dict[tuple[type, bool], Callable[[Any], Any]] = {}


def structure_fn(cls: type[T], strict: bool) -> Callable[[Any], T]:
    """The generated fast-path function for *cls*; raises on any problem."""
    fn = _STRUCTURE.get((cls, strict))
    if fn is None:
        fn = _compile_structure(cls, strict)
    return fn


def _compile_structure(cls: type, strict: bool) -> Callable[[Any], Any]:
    name = f"structure_{cls.__name__}"
    ns: dict[str, Any] = {
        **_model.check_namespace(),
        "cls": cls,
        "new": object.__new__,
        "Invalid": _InvalidError,
        "known": _known_keys(cls),
        "tuple": tuple,
        "list": list,
        "dict": dict,
    }
    lines = [
        f"def {name}(o):",
        "    if o.__class__ is not dict and not isinstance(o, dict): raise Invalid",
        "    g = o.get",
    ]
    kind = _kind_of(cls)
    if kind:
        ns["api_version"], ns["kind"] = kind
        lines.append("    k = g('kind')")
        lines.append("    if k is not None and k != kind: raise Invalid")
        lines.append("    k = g('apiVersion')")
        lines.append("    if k is not None and k != api_version: raise Invalid")
    if strict and not _is_open(cls):
        lines.append("    if not o.keys() <= known: raise Invalid")
    key = _intern_key(cls)
    if key is not None:
        # Small models (conditions, zone hints, ports) repeat across thousands
        # of endpoints; being immutable, equal ones can be one object. That
        # saves both the construction and the memory.
        interned: dict[tuple[Any, ...], Any] = {}
        ns["interned"] = interned
        ns["limit"] = _INTERN_LIMIT
        # Each field is read once into k<i>; the key expression refers to those.
        lines.extend(f"    k{i} = g({f.wire!r})" for i, f in enumerate(specs(cls)))
        lines.append(f"    key = ({key},)")
        lines.append("    hit = interned.get(key)")
        lines.append("    if hit is not None: return hit")
        lines.append("    if len(interned) >= limit: interned.clear()")
        lines.append("    hit = interned[key] = _build(o)")
        lines.append("    return hit")
        lines.append("def _build(o):")
        lines.append("    g = o.get")
        del interned
    for i, f in enumerate(specs(cls)):
        var = f"a{i}"
        # Models are slotted: the loader sets each slot through its descriptor,
        # skipping attrs' __init__ and the post-init checker, and runs the same
        # checks inline instead (generated by the same code, see check_lines).
        ns[f"set{i}"] = getattr(cls, f.name).__set__
        if f.wire == EXTRA:
            lines.append(f"    {var} = FrozenDict((k, freeze_json(o[k])) for k in o.keys() - known)")
            continue
        lines.append(f"    {var} = g({f.wire!r})")
        default = _default_of(cls, f)
        if default is not None:
            ns[f"d{i}"] = default
        fallback = f"d{i}" if default is not None else "None"
        t = f.type
        if t.kind == _model.MODEL:
            ns[f"s{i}"] = structure_fn(t.target, strict)
            lines.append(f"    {var} = {fallback} if {var} is None else s{i}({var})")
        elif t.kind == _model.TUPLE:
            assert t.item is not None  # noqa: S101  # tuples always have an item spec.
            lines.append(f"    if {var} is None: {var} = {fallback}")
            lines.append(f"    elif {var}.__class__ is not list: raise Invalid")
            if t.item.kind == _model.MODEL:
                ns[f"s{i}"] = structure_fn(t.item.target, strict)
                lines.append(f"    else: {var} = tuple([s{i}(x) for x in {var}])")
            else:
                lines.append(f"    else: {var} = tuple({var})")
        elif default is not None:
            lines.append(f"    if {var} is None: {var} = d{i}")
        code = _model.check_lines(cls, i, f, var, ns, fail="raise Invalid", trusted=True)
        lines.extend("    " + line for line in code)
    lines.append("    inst = new(cls)")
    lines.extend(f"    set{i}(inst, a{i})" for i in range(len(specs(cls))))
    lines.append("    return inst")
    exec("\n".join(lines), ns)  # noqa: S102  # Generated from the class's own field specs.
    fn: Callable[[Any], Any] = ns[name]
    _STRUCTURE[(cls, strict)] = fn
    return fn


_INTERN_LIMIT = 4096
_SCALARS = (_model.STR, _model.INT, _model.BOOL, _model.ENUM, _model.INTSTR)


def _is_leaf(cls: type) -> bool:
    fields = specs(cls)
    return len(fields) <= 4 and all(f.type.kind in _SCALARS for f in fields) and not _kind_of(cls)


def _is_string_leaf(cls: type) -> bool:
    return _is_leaf(cls) and all(f.type.kind == _model.STR for f in specs(cls))


def _intern_key(cls: type) -> str | None:
    """The expression keying the intern cache of *cls*, or ``None`` when it is not interned.

    A key must never match a cached valid object for input that is invalid,
    because a hit skips every check:

    * True == 1 and 1.0 == 1 in Python, so non-string scalars carry their
      class in the key;
    * lists of string-only models (zone and node hints) key on the list's
      class (an empty dict or string iterates like an empty list) and on each
      item's ``(name, value)`` pairs: a cached object only ever holds strings,
      and no other value equals a string, so a misspelt key or a wrong type
      can only miss. Items that are not objects fail while the key is built,
      and the slow path then explains them.
    """
    fields = specs(cls)
    if _kind_of(cls) or len(fields) > 4:
        return None
    if _is_leaf(cls):
        return ", ".join(
            f"k{i}" if f.type.kind in (_model.STR, _model.ENUM) else f"k{i}, k{i}.__class__"
            for i, f in enumerate(fields)
        )
    if all(f.type.kind == _model.TUPLE and f.type.item and f.type.item.kind == _model.MODEL for f in fields) and all(
        _is_string_leaf(f.type.item.target) for f in fields if f.type.item
    ):
        return ", ".join(
            f"k{i}.__class__, None if k{i} is None else tuple([tuple(x.items()) for x in k{i}])"
            for i in range(len(fields))
        )
    return None


def _default_of(cls: type, f: FieldSpec) -> Any:
    """What a missing or null key becomes: the attrs default, or Go's zero value."""
    if has_zero(f):
        return f.zero
    a = attrs.fields_dict(cls)[f.name]
    return None if a.default is attrs.NOTHING else a.default


def structure(data: Any, cls: type[T], *, strict: bool = True, path: Path = ()) -> T:
    """Build a *cls* model from the API's JSON form, or raise `StructureError` listing every problem."""
    try:
        return structure_fn(cls, strict)(data)
    except Exception as exc:  # noqa: BLE001  # Any failure sends us to the slow path that explains it.
        problems = diagnose(data, cls, strict=strict, path=path)
        if not problems:
            problems = [(path, f"cannot load {cls.__name__}: {exc}")]
        raise StructureError([Problem(path=render_path(p), segments=p, message=m) for p, m in problems]) from None


def diagnose(data: Any, cls: type, *, strict: bool = True, path: Path = ()) -> list[tuple[Path, str]]:
    """Every structural problem of *data* as a *cls*, with its path (the slow path)."""
    out: list[tuple[Path, str]] = []
    _diagnose_model(data, cls, strict, path, out)
    return out


def _diagnose_model(o: Any, cls: type, strict: bool, path: Path, out: list[tuple[Path, str]]) -> None:
    if not isinstance(o, dict):
        out.append((path, f"expected object, got {_json_describe(o)}"))
        return
    kind = _kind_of(cls)
    if kind:
        api_version, kind_name = kind
        if o.get("kind") is not None and o.get("kind") != kind_name:
            out.append((path + ("kind",), f"expected {kind_name!r}, got {describe(o.get('kind'))}"))
        if o.get("apiVersion") is not None and o.get("apiVersion") != api_version:
            out.append(
                (
                    path + ("apiVersion",),
                    f"expected {api_version!r} for kind {kind_name}, got {describe(o.get('apiVersion'))}",
                )
            )
    known = _known_keys(cls)
    if strict and not _is_open(cls):
        for k in o:
            if k not in known:
                out.append((path + (str(k),), "unknown field"))
    for f in specs(cls):
        if f.wire == EXTRA:
            for k in o:
                if k not in known:
                    _diagnose_json(o[k], path + (str(k),), out)
            continue
        v = o.get(f.wire)
        if v is not None:
            _diagnose_value(v, f.type, strict, path + (f.wire,), out)


def _diagnose_value(v: Any, t: TypeSpec, strict: bool, path: Path, out: list[tuple[Path, str]]) -> None:
    kind = t.kind
    ok = True
    if kind in (_model.STR, _model.ENUM):
        ok = isinstance(v, str)
    elif kind == _model.INT:
        ok = isinstance(v, int) and not isinstance(v, bool)
    elif kind == _model.BOOL:
        ok = isinstance(v, bool)
    elif kind == _model.INTSTR:
        ok = isinstance(v, (int, str)) and not isinstance(v, bool)
    elif kind == _model.SCALAR:
        ok = isinstance(v, (int, float, str)) and not isinstance(v, bool)
    elif kind == _model.MODEL:
        _diagnose_model(v, t.target, strict, path, out)
        return
    elif kind == _model.TUPLE:
        if not isinstance(v, list):
            ok = False
        else:
            assert t.item is not None  # noqa: S101  # tuples always have an item spec.
            for i, x in enumerate(v):
                if x is None and t.item.kind != _model.MODEL:
                    out.append((path + (i,), f"expected {t.item.describe()}, got null"))
                else:
                    _diagnose_value(x, t.item, strict, path + (i,), out)
            return
    elif kind == _model.MAP:
        if not isinstance(v, dict):
            ok = False
        else:
            for k, x in v.items():
                if not isinstance(x, str):
                    out.append((path + (("key", str(k)),), f"expected string, got {_json_describe(x)}"))
            return
    elif kind == _model.JSON:
        _diagnose_json(v, path, out)
        return
    if not ok:
        out.append((path, f"expected {t.describe()}, got {_json_describe(v)}"))


def _diagnose_json(v: Any, path: Path, out: list[tuple[Path, str]]) -> None:
    if isinstance(v, dict):
        for k, x in v.items():
            if not isinstance(k, str):
                out.append((path, f"expected string keys, got {describe(k)}"))
            _diagnose_json(x, path + (str(k),), out)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            _diagnose_json(x, path + (i,), out)
    elif not (v is None or isinstance(v, (str, int, float, bool))):
        out.append((path, f"expected a JSON value, got {describe(v)}"))


def _json_describe(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict):
        return "object"
    if isinstance(v, list):
        return "list"
    return describe(v)


# ---------------------------------------------------------------------------
# Unstructuring: model -> dict


_UNSTRUCTURE: dict[type, Callable[[Any], dict[str, Any]]] = {}


def unstructure_fn(cls: type) -> Callable[[Any], dict[str, Any]]:
    """The generated function turning a *cls* model into the API's JSON form."""
    fn = _UNSTRUCTURE.get(cls)
    if fn is None:
        fn = _compile_unstructure(cls)
    return fn


def _compile_unstructure(cls: type) -> Callable[[Any], dict[str, Any]]:
    name = f"unstructure_{cls.__name__}"
    ns: dict[str, Any] = {"thaw_json": thaw_json, "dict": dict, "list": list, "str": str, "enum_items": _enum_items}
    lines = [f"def {name}(obj):", "    d = {}"]
    kind = _kind_of(cls)
    if kind:
        lines.append(f"    d['apiVersion'] = {kind[0]!r}")
        lines.append(f"    d['kind'] = {kind[1]!r}")
    extra = None
    for i, f in enumerate(specs(cls)):
        if f.wire == EXTRA:
            extra = f.name
            continue
        t = f.type
        expr = _unstructure_expr(t, "v", i, ns)
        lines.append(f"    v = obj.{f.name}")
        if f.always:
            if expr == "v":
                lines.append(f"    d[{f.wire!r}] = v")
            else:
                lines.append(f"    d[{f.wire!r}] = None if v is None else {expr}")
        else:
            lines.append(f"    if v is not None: d[{f.wire!r}] = {expr}")
    if extra:
        lines.append(f"    if obj.{extra}: d.update(thaw_json(obj.{extra}))")
    lines.append("    return d")
    exec("\n".join(lines), ns)  # noqa: S102  # Generated from the class's own field specs.
    fn: Callable[[Any], dict[str, Any]] = ns[name]
    _UNSTRUCTURE[cls] = fn
    return fn


def _unstructure_expr(t: TypeSpec, var: str, i: int, ns: dict[str, Any]) -> str:
    kind = t.kind
    if kind in (_model.STR, _model.INT, _model.BOOL, _model.INTSTR, _model.SCALAR):
        return var
    if kind == _model.ENUM:
        return f"({var} if {var}.__class__ is str else {var}.value)"
    if kind == _model.MODEL:
        ns[f"u{i}"] = unstructure_fn(t.target)
        return f"u{i}({var})"
    if kind == _model.MAP:
        return f"dict({var})"
    if kind == _model.JSON:
        return f"thaw_json({var})"
    assert t.item is not None  # noqa: S101  # only tuples remain.
    item = t.item
    if item.kind == _model.MODEL:
        ns[f"u{i}"] = unstructure_fn(item.target)
        return f"[u{i}(x) for x in {var}]"
    if item.kind == _model.ENUM:
        return f"enum_items({var})"
    if item.kind == _model.JSON:
        return f"thaw_json({var})"
    return f"list({var})"


def _enum_items(values: tuple[Any, ...]) -> list[str]:
    return [v if isinstance(v, str) else v.value for v in values]


def unstructure(obj: Any) -> dict[str, Any]:
    """The API's JSON form of model *obj*."""
    return unstructure_fn(type(obj))(obj)


# ---------------------------------------------------------------------------
# The converter


def _is_model(cls: Any) -> bool:
    return isinstance(cls, type) and attrs.has(cls) and cls.__module__.startswith("endpointslice.")


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter()
    conv.register_structure_hook_factory(_is_model, lambda cls: lambda o, _: structure(o, cls))
    conv.register_unstructure_hook_factory(_is_model, unstructure_fn)
    return conv


#: The one converter. Strict structuring: unknown fields are errors.
converter = _make_converter()
