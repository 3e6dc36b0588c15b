"""Between models and the API's JSON form: the generated functions, and the cattrs converter that uses them.

cattrs dispatches (`make_converter`; `endpointslice.io.make_converter` is the
public one); the hooks it dispatches to are generated here, once per model
class and only when a class is first loaded or dumped, from the same
`FieldSpec` values the models check themselves with. Generating
straight-line code per class (as cattrs' own ``make_dict_structure_fn``
does) keeps loading within a small factor of the YAML parser itself, which
the benchmarks hold us to.

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
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from . import _model, _presence
from ._frozen import thaw_json
from ._model import TypeSpec, default_of, describe, specs
from .errors import Problem, StructureError

if TYPE_CHECKING:
    import cattrs

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
    closed = strict and not _is_open(cls)
    ns: dict[str, Any] = {
        **_model.check_namespace(),
        "cls": cls,
        "new": object.__new__,
        "Invalid": _InvalidError,
        "closed": _known_keys(cls).issuperset,
        "tuple": tuple,
        "list": list,
        "dict": dict,
        "len": len,
        "written_of": _presence.written_of,
        "strict": strict,
    }
    lines = [
        f"def {name}(o):",
        "    if o.__class__ is not dict and not isinstance(o, dict): raise Invalid",
    ]
    # How the input was written (see `_presence`) costs one counter, m, and it pays for
    # itself. Each field adds 1 to len(o) + m when written as dumping prints it (present, or
    # left out where dumping leaves it out) and more otherwise (null; left out where dumping
    # prints it); each unknown key adds 1. So a sum equal to the number of fields says at
    # once that nothing deviates and that no key is unknown, which the loader otherwise
    # checked with a set operation per object. Any other sum takes the slow branch.
    kind = _kind_of(cls)
    if kind:
        ns["api_version"], ns["kind"] = kind
        # apiVersion and kind left out (an item of a typed list) print all the same: weight 1.
        lines.append("    k = o.get('kind')")
        lines.append("    if k is None: m = 1")
        lines.append("    elif k != kind: raise Invalid")
        lines.append("    else: m = 0")
        lines.append("    k = o.get('apiVersion')")
        lines.append("    if k is None: m += 1")
        lines.append("    elif k != api_version: raise Invalid")
    # Unknown fields are not looked for here: the count below finds them (see there).
    if _intern_key(cls) is not None:
        # Small models (conditions, zone hints, ports) repeat across thousands
        # of endpoints; being immutable, equal ones can be one object. That
        # saves both the construction and the memory.
        ns["interned"] = _intern_cache(cls, strict)
        ns["limit"] = _INTERN_LIMIT
        lines.extend("    " + line for line in _intern_lookup(cls, "o", "k"))
        lines.append("    if hit is not None: return hit")
        lines.append("    hit = _build(o)")
        # Only objects written as dumped are shared: the key (see _intern_key) then tells them
        # apart from every other input.
        lines.append("    if hit._written is None:")
        lines.append("        if len(interned) >= limit: interned.clear()")
        lines.append("        interned[key] = hit")
        lines.append("    return hit")
        lines.append("def _build(o):")
    if not kind:
        lines.append("    m = 0")
    lines.append("    g = o.get")
    count = 2 if kind else 0
    extra_var = None
    for i, f in enumerate(specs(cls)):
        var = f"a{i}"
        # The loader skips attrs' __init__ and the post-init checker and runs
        # the same checks inline instead (generated by the same code, see
        # check_lines); the instance is then filled in through its twin.
        if f.wire == EXTRA:
            ns["known"] = _known_keys(cls)
            lines.append(f"    {var} = FrozenDict((k, freeze_json(o[k])) for k in o.keys() - known)")
            extra_var = var
            continue
        count += 1
        lines.append(f"    {var} = g({f.wire!r})")
        default = default_of(cls, f)
        if default is not None:
            ns[f"d{i}"] = default
        fallback = f"d{i}" if default is not None else "None"
        weight = 2 if _presence.absent_differs(cls, f) else 1
        when_none = f"{var} = {fallback}; m += {weight}"
        t = f.type
        if t.kind == _model.MODEL:
            ns[f"s{i}"] = structure_fn(t.target, strict)
            inline = _inline_flat(t.target, strict, var, i, ns)
            if inline is not None:
                lines.append(f"    if {var} is None: {when_none}")
                lines.extend("    " + line for line in inline)
                lines.append(f"    else: {var} = s{i}({var})")
            elif _intern_key(t.target) is None:
                lines.append(f"    if {var} is None: {when_none}")
                lines.append(f"    else: {var} = s{i}({var})")
            else:
                # Look the interned value up here rather than in a call: most
                # lookups hit, and the call would cost as much as the lookup.
                ns[f"interned{i}"] = _intern_cache(t.target, strict)
                # The key holds the number of keys, so a hit was written exactly like the
                # input that made it (see _compile_structure): no unknown key, no null.
                lines.append(f"    if {var} is None: {when_none}")
                lines.append(f"    elif {var}.__class__ is dict:")
                lookup = _intern_lookup(t.target, var, f"c{i}_", cache=f"interned{i}")
                lines.extend("        " + line for line in lookup)
                lines.append(f"        {var} = s{i}({var}) if hit is None else hit")
                lines.append(f"    else: {var} = s{i}({var})")
        elif t.kind == _model.TUPLE:
            assert t.item is not None  # noqa: S101  # tuples always have an item spec.
            lines.append(f"    if {var} is None: {when_none}")
            lines.append(f"    elif {var}.__class__ is not list: raise Invalid")
            if t.item.kind == _model.MODEL:
                ns[f"s{i}"] = structure_fn(t.item.target, strict)
                lines.append(f"    else: {var} = tuple([s{i}(x) for x in {var}])")
            else:
                lines.append(f"    else: {var} = tuple({var})")
        elif default is not None:
            lines.append(f"    if {var} is None: {when_none}")
        code = _model.check_lines(cls, i, f, var, ns, fail="raise Invalid", trusted=True)
        lines.extend("    " + line for line in code)
        if t.kind not in (_model.MODEL, _model.TUPLE) and default is None:
            lines.extend("    " + line for line in _count_none(code, var, weight))
    size = "len(o)" if extra_var is None else f"len(o) - len({extra_var})"
    lines.append(f"    if {size} + m == {count}: w = None")
    lines.append("    else:")
    if closed:
        lines.append("        if not closed(o): raise Invalid")
    lines.append("        w = written_of(o, cls, strict)")
    twin = _twin(cls)
    if twin is None:
        lines.append("    inst = new(cls)")
        for i, f in enumerate(specs(cls)):
            ns[f"set{i}"] = getattr(cls, f.name).__set__
            lines.append(f"    set{i}(inst, a{i})")
        ns["set_written"] = _model.Model._written.__set__  # type: ignore[attr-defined]  # The slot's descriptor.
        lines.append("    set_written(inst, w)")
    else:
        ns["twin"] = twin
        lines.append("    inst = twin()")
        lines.extend(f"    inst.{f.name} = a{i}" for i, f in enumerate(specs(cls)))
        lines.append("    inst._written = w")
        lines.append("    inst.__class__ = cls")
    lines.append("    return inst")
    exec("\n".join(lines), ns)  # noqa: S102  # Generated from the class's own field specs.
    fn: Callable[[Any], Any] = ns[name]
    _STRUCTURE[(cls, strict)] = fn
    return fn


def _count_none(code: list[str], var: str, weight: int, counter: str = "m") -> list[str]:
    """Code adding *weight* to *counter* when *var* is ``None``, after the field's check *code*."""
    if code and code[0] == f"if {var} is not None:":
        return [f"else: {counter} += {weight}"]
    return [f"if {var} is None: {counter} += {weight}"]


def _inline_flat(cls: type, strict: bool, var: str, i: int, ns: dict[str, Any]) -> list[str] | None:
    """Code building a *cls* from the plain dict in *var* in place of a call, or ``None`` if it cannot.

    Only for models of scalars that are not interned (a target reference):
    there is one per endpoint, and the call (with its own ``get`` binding and
    dict test) is about a sixth of what building one costs. The code is an
    ``elif`` branch taken for a plain dict without unknown fields; anything
    else is left to the caller's ``else``, the generated function, which
    also explains what is wrong. The checks are the ones that function runs.
    """
    twin = _twin(cls)
    fields = specs(cls)
    if twin is None or _kind_of(cls) or _intern_key(cls) is not None:
        return None
    if not all(f.type.kind in (*_SCALARS, _model.SCALAR) for f in fields):
        return None
    ns[f"twin{i}"], ns[f"cls{i}"] = twin, cls
    # Only input written as dumped, without unknown keys, is built here (the count tells, see
    # _compile_structure); any other goes to the generated function, which explains or records.
    lines = [f"elif {var}.__class__ is dict:"]
    lines.append(f"    t = {var}.get")
    counter = f"m{i}"
    lines.append(f"    {counter} = 0")
    for j, f in enumerate(fields):
        sub, local = f"{i}_{j}", f"r{i}_{j}"
        lines.append(f"    {local} = t({f.wire!r})")
        default = default_of(cls, f)
        weight = 2 if _presence.absent_differs(cls, f) else 1
        code = _model.check_lines(cls, sub, f, local, ns, fail="raise Invalid", trusted=True)
        if default is not None:
            ns[f"d{sub}"] = default
            lines.append(f"    if {local} is None: {local} = d{sub}; {counter} += {weight}")
            lines.extend("    " + line for line in code)
        else:
            lines.extend("    " + line for line in code)
            lines.extend("    " + line for line in _count_none(code, local, weight, counter))
    lines.append(f"    if len({var}) + {counter} != {len(fields)}: {var} = s{i}({var})")
    lines.append("    else:")
    lines.append(f"        {var} = twin{i}()")
    lines.extend(f"        {var}.{f.name} = r{i}_{j}" for j, f in enumerate(fields))
    lines.append(f"        {var}._written = None")
    lines.append(f"        {var}.__class__ = cls{i}")
    return lines


def _twin(cls: type) -> type | None:
    """A mutable twin of the frozen, slotted *cls*, or ``None`` when Python refuses one.

    Filling a frozen instance means calling each slot descriptor's
    ``__set__`` (about 50 ns a field); a plain slotted class takes an
    attribute store in about 10 ns. So the loader fills an instance of a
    twin with the very same slots and then reassigns its ``__class__``,
    which Python allows exactly when the two layouts are identical. That
    cuts the cost of loading an endpoint by about a quarter (3.0 to 2.1 µs).
    The twin is made by calling it (``twin()``, about 50 ns less than
    ``object.__new__(twin)``, which parses its arguments), so it must not
    inherit an ``__init__`` or ``__new__`` that would run anything.

    The twin is never seen outside the generated code. Python refuses the
    reassignment for classes with a ``__weakref__`` slot, which is why
    models are declared with ``weakref_slot=False``; a class without a twin
    falls back to the descriptors.
    """
    try:
        twin = type(f"_{cls.__name__}Twin", cls.__bases__, {"__slots__": cls.__dict__["__slots__"]})
        probe: Any = object.__new__(twin)
        probe.__class__ = cls
    except (TypeError, KeyError):
        return None
    if any("__init__" in vars(base) or "__new__" in vars(base) for base in twin.__mro__[:-1]):
        # The generated code calls ``twin()``, which must run nothing of ours.
        return None
    return twin


_INTERNED: dict[tuple[type, bool], dict[tuple[Any, ...], Any]] = {}


def _intern_cache(cls: type, strict: bool) -> dict[tuple[Any, ...], Any]:
    """The cache of interned *cls* values, shared by its loader and the loaders that inline it."""
    return _INTERNED.setdefault((cls, strict), {})


def begin_load() -> None:
    """Start a new load: no value interned by an earlier load will be handed out again.

    Interned values are frozen, but ``object.__setattr__`` can still change
    one. If they were shared across loads, doing that to a condition of one
    load would change the conditions of every later, unrelated load. So
    sharing stops at the edge of a load (one text, or one `from_dict` call):
    within it, equal conditions, hints and ports are still one object, which
    is where the memory and time are saved. Clearing costs nothing measurable
    (see the I/O benchmark).
    """
    for cache in _INTERNED.values():
        cache.clear()


def _intern_lookup(cls: type, var: str, prefix: str, cache: str = "interned") -> list[str]:
    """Code that reads the fields of dict *var* and sets ``hit`` to the interned *cls* value or ``None``.

    It leaves the key in ``key``. The caller has already checked that *var*
    is a dict and, when unknown fields are refused, that it has none.
    """
    fields = specs(cls)
    lines = [f"{prefix}{i} = {var}.get({f.wire!r})" for i, f in enumerate(fields)]
    short = _short_key(cls, prefix)
    # The number of keys tells an input written as dumped from any other with the same values
    # (a null, or an unknown field kept): only the former are shared (see _compile_structure).
    if short is None:
        lines.append(f"key = (len({var}), {_intern_key(cls, prefix)})")
    else:
        init, test, key = short
        lines.append(init)
        lines.append(f"if {test}: key = (len({var}), {key})")
        lines.append(f"else: key = (len({var}), {_intern_key(cls, prefix)})")
    lines.append(f"hit = {cache}.get(key)")
    return lines


def _short_key(cls: type, prefix: str) -> tuple[str, str, str] | None:
    """A cheaper key for the usual shape of a model of lists of one-string models, or ``None``.

    Hints are nearly always one zone (``forZones: [{name: a}]``). The full key
    (see `_intern_key`) builds and hashes a tuple of item tuples for that,
    which costs more than the whole rest of the endpoint's hints. When every
    list is absent or holds exactly one object with exactly the one string
    key, the key is just those strings (``None`` for an absent list). It has
    one element per field where the full key has two, so the two kinds of
    key can never be equal, and a one-key object whose value is a string
    leaves nothing to check: the value built for it is the same whichever
    key found it. Returns a statement to run first, the test and the key
    expression, reading the fields from ``<prefix><i>`` and binding
    ``<prefix>n<i>``.
    """
    fields = specs(cls)
    items = [f.type.item for f in fields if f.type.kind == _model.TUPLE]
    if not fields or len(items) != len(fields):
        return None
    if not all(item is not None and item.kind == _model.MODEL and _is_string_leaf(item.target) for item in items):
        return None
    leaves = [specs(item.target) for item in items if item is not None]
    if any(len(leaf) != 1 for leaf in leaves):
        return None
    tests = []
    for i, leaf in enumerate(leaves):
        v, n = f"{prefix}{i}", f"{prefix}n{i}"
        tests.append(
            f"({v} is None or {v}.__class__ is list and len({v}) == 1 and ({n} := {v}[0]).__class__ is dict"
            f" and len({n}) == 1 and ({n} := {n}.get({leaf[0].wire!r})).__class__ is str)"
        )
    names = [f"{prefix}n{i}" for i in range(len(fields))]
    # The names must be None for absent lists, which the test leaves unbound.
    return " = ".join([*names, "None"]), " and ".join(tests), ", ".join(names)


_INTERN_LIMIT = 4096
_SCALARS = (_model.STR, _model.INT, _model.BOOL, _model.ENUM, _model.INTSTR)


def _is_leaf(cls: type) -> bool:
    fields = specs(cls)
    return len(fields) <= 4 and all(f.type.kind in _SCALARS for f in fields) and not _kind_of(cls)


def _is_string_leaf(cls: type) -> bool:
    return _is_leaf(cls) and all(f.type.kind == _model.STR for f in specs(cls))


def _intern_key(cls: type, prefix: str = "k") -> str | None:
    """The expression keying the intern cache of *cls*, or ``None`` when it is not interned.

    The expression reads field *i* from the local ``<prefix><i>``.

    A key must never match a cached valid object for input that is invalid,
    because a hit skips every check:

    * True == 1 and 1.0 == 1 in Python, so non-string scalars carry their
      class in the key;
    * lists of string-only models (zone and node hints) key on the list's
      class (an empty dict or string iterates like an empty list) and on each
      item's ``(name, value)`` pairs: a cached object only ever holds strings,
      and no other value equals a string, so a misspelt key or a wrong type
      can only miss. Items that are not objects fail while the key is built,
      and the slow path then explains them. A one-item list, the usual
      case, gets the same key by a shorter road.
    """
    fields = specs(cls)
    if _kind_of(cls) or len(fields) > 4:
        return None
    if _is_leaf(cls):
        return ", ".join(
            f"{prefix}{i}" if f.type.kind in (_model.STR, _model.ENUM) else f"{prefix}{i}, {prefix}{i}.__class__"
            for i, f in enumerate(fields)
        )
    if all(f.type.kind == _model.TUPLE and f.type.item and f.type.item.kind == _model.MODEL for f in fields) and all(
        _is_string_leaf(f.type.item.target) for f in fields if f.type.item
    ):
        return ", ".join(
            f"{v}.__class__, None if {v} is None else (tuple({v}[0].items()),) if len({v}) == 1"
            f" else tuple([tuple(x.items()) for x in {v}])"
            for v in (f"{prefix}{i}" for i in range(len(fields)))
        )
    return None


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
    ns: dict[str, Any] = {
        "thaw_json": thaw_json,
        "dict": dict,
        "list": list,
        "str": str,
        "enum_items": _enum_items,
        "as_written": _presence.apply,
    }
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
    # A loaded object prints as its input had it (see `_presence`); most have no record.
    # An object made without __init__ (a pickle, a copy) has the slot unset: written by nobody.
    lines.append("    try: w = obj._written")
    lines.append("    except AttributeError: w = None")
    lines.append("    if w is not None: as_written(d, w)")
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
        return f"{var}.thaw()"
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


def is_model(cls: Any) -> bool:
    """Whether *cls* is one of this library's model classes."""
    return isinstance(cls, type) and attrs.has(cls) and cls.__module__.startswith("endpointslice.")


def make_converter(
    structure_hook: Callable[[type], Callable[[Any, Any], Any]],
    unstructure_hook: Callable[[type], Callable[[Any], Any]],
) -> cattrs.Converter:
    """A fresh cattrs converter whose hooks for our models are the ones the two factories give.

    cattrs is imported here, on first use, not when the package is: a command
    that never asks for a converter (all of them) does not pay for it.
    """
    import cattrs  # Deferred on purpose: see above.

    conv = cattrs.Converter()
    conv.register_structure_hook_factory(is_model, structure_hook)
    conv.register_unstructure_hook_factory(is_model, unstructure_hook)
    return conv
