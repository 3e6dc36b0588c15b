"""Load and dump Services, Endpoints and EndpointSlices as YAML or JSON.

Reading takes one document, a ``---`` stream, ``kind: List`` and the typed
``*List`` kinds, from a string, a file, a directory or standard input.
Writing prints exactly what ``kubectl get -o yaml`` (or ``-o json``) prints
for the same object, byte for byte.

Loading is structural, as in the apiserver's decoder: it rejects wrong JSON
types and unknown fields (unless told to ignore them) and keeps every value
as given, valid or not; `endpointslice.validation` judges the values.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any, TypeVar, overload

import attrs
import yaml

from . import _convert, _gc, _input, _intrange, _jsonindex, _jsonlist, _presence, _yaml
from ._frozen import freeze_json, thaw_json
from ._model import specs
from ._presence import Presence
from .errors import LoadError, Problem, StructureError, YAMLSyntaxError
from .kinds import KINDS, KubeList, OtherObject
from .meta import ListMeta

if TYPE_CHECKING:
    import cattrs

    from .kinds import KubeObject

__all__ = [
    "MAX_INPUT_SIZE",
    "Document",
    "Output",
    "Presence",
    "dump",
    "dumps",
    "evolve",
    "flatten",
    "from_dict",
    "gc_pause",
    "input_limit",
    "load",
    "load_documents",
    "load_paths",
    "loads",
    "make_converter",
    "presence",
    "to_dict",
]

T = TypeVar("T")
# The item type of a sequence to dump: bound, so that `sorted(slices, key=...)` keeps its own type.
K = TypeVar("K", bound="KubeObject")

#: File name suffixes read when a directory is given.
SUFFIXES = _input.SUFFIXES
#: The largest input (one file, or standard input) read unless `input_limit` says otherwise: 256 MiB.
MAX_INPUT_SIZE = _input.MAX_INPUT_SIZE
input_limit = _input.input_limit


def gc_pause(on: bool, /) -> contextlib.AbstractContextManager[None]:
    """Within the block, whether loading pauses Python's cyclic garbage collector (it does by default).

    Loading makes millions of objects that are all kept, so the collector
    would only walk them again and again; `load`, `loads`, `load_documents`,
    `load_paths` and `from_dict` pause it, and give it back as it was
    (see docs/io.md). ``with io.gc_pause(False):`` leaves it alone.

    >>> with gc_pause(False):
    ...     loads("apiVersion: v1\\nkind: Service\\n")[0].kind
    'Service'
    """
    return _gc.enabled(on)


class Output(enum.Enum):
    """Output formats of `dumps`."""

    YAML = "yaml"
    JSON = "json"


@attrs.frozen(kw_only=True)
class Document:
    """One loaded document and where it came from.

    Attributes:
        object: The model.
        source: The file name, ``<stdin>`` or ``<string>``.
        index: The 0-based position of the document in its stream.
        line: The 1-based line where the document starts.
        column: The 1-based column where the document starts.
    """

    object: KubeObject
    source: str
    index: int
    line: int = 1
    column: int = 1
    _span: tuple[int, int] | None = attrs.field(default=None, repr=False, eq=False, alias="span")
    _text: _SourceText | None = attrs.field(default=None, repr=False, eq=False, alias="text")
    _items: _yaml.ItemIndex | None = attrs.field(default=None, repr=False, eq=False, alias="items")

    @property
    def span(self) -> tuple[int, int] | None:
        """The ``[start, end)`` character offsets of the document's content in its YAML source.

        ``None`` for JSON input and for objects not read from YAML text. Tools
        that rewrite one document of a file in place (``migrate --in-place``)
        splice at these offsets and keep every other byte.

        >>> text = "kind: Service\\napiVersion: v1\\n---\\nkind: Service\\napiVersion: v1\\n"
        >>> [text[slice(*d.span)] for d in load_documents(text)]
        ['kind: Service\\napiVersion: v1\\n', 'kind: Service\\napiVersion: v1\\n']
        """
        return self._span

    def locate(self, path: Sequence[str | int | tuple[str, str]], *, key: bool = False) -> tuple[int, int]:
        """The 1-based ``(line, column)`` of a field path in the source text.

        Falls back to the nearest parent that exists in the text, and to the
        document's start when the text is not known (objects built from dicts).

        Only the part of the text that holds the path is parsed again: for an
        item of a list document, the value of the item's top-level field the
        path goes through (its position was noted while loading); otherwise
        the document alone. Validating a 100 MB list therefore never rebuilds
        the node tree of the whole text.

        >>> doc = load_documents("kind: Service\\napiVersion: v1\\nspec:\\n  ports:\\n  - port: 80\\n")[0]
        >>> doc.locate(("spec", "ports", 0, "port"))
        (5, 11)
        """
        path = tuple(path)
        start = (self.line, self.column)
        if self._text is None:
            return start
        items = self._items
        if items is None and self._span is None:
            items = self._text.json_items()  # A JSON document: its items are found on first use.
        if items is not None and len(path) >= 2 and path[0] == "items" and isinstance(path[1], int):
            if 0 <= path[1] < len(items):
                found = self._text.locate_in_unit(items[path[1]], path[2:], key=key)
                if found is not None:
                    return found
        elif self._span is not None:
            unit = _yaml.Unit(self._span[0], self._span[1], self.line - 1, self.column - 1, None)
            found = self._text.locate_in_unit(unit, path, key=key)
            if found is not None:
                return found
        node = self._text.node(self.index)
        if node is None:
            return start
        return _yaml.locate(node, path, key=key)


class _SourceText:
    """The text a stream was read from, parsed again in parts when a position is asked for.

    Keeping every document's node tree would cost many times the text's own
    size, and so would rebuilding it: positions are needed only for the few
    fields that have problems, so only the part of the text that holds one
    is parsed again, and the last part parsed is kept for the next question
    (the problems of one object are asked about together).
    """

    __slots__ = ("_chars", "_json", "_last", "text")

    def __init__(self, text: str | bytes) -> None:
        self.text = text
        self._chars: str | None = None
        self._last: tuple[Any, Any] = (None, None)
        self._json: tuple[_yaml.ItemIndex | None] | None = None

    def json_items(self) -> _yaml.ItemIndex | None:
        """Where the items of a JSON list document are (``None`` for anything else), found once."""
        if self._json is None:
            self._json = (_jsonindex.item_index(self.chars()),)
        return self._json[0]

    def chars(self) -> str:
        """The text as the characters the YAML parser counted its offsets in."""
        if self._chars is None:
            self._chars = _yaml.decode(self.text)
        return self._chars

    def node(self, index: int) -> Any:
        """The node tree of document *index*, from a parse of the whole text (the last resort)."""
        if self._last[0] == ("document", index):
            return self._last[1]
        found = None
        # JSON is YAML too, so this also gives positions in JSON files; a
        # position is a courtesy, so text the YAML parser rejects just has none.
        with contextlib.suppress(yaml.YAMLError, RecursionError, UnicodeDecodeError):
            for i, node in enumerate(_yaml.iter_nodes(self.text)):
                if i == index:
                    found = node
                    break
        self._last = (("document", index), found)
        return found

    def locate_in_unit(self, unit: _yaml.Unit, path: tuple[Any, ...], *, key: bool) -> tuple[int, int] | None:
        """The position of *path* inside *unit*, parsing only what it needs; ``None`` if that fails."""
        if not path:
            return (unit.line + 1, unit.column + 1)
        region = unit
        rest = path
        if unit.fields is not None:
            name = path[0][1] if isinstance(path[0], tuple) else path[0]
            field = next((f for f in unit.fields if f.name == name), None)
            if field is not None:
                if len(path) == 1:
                    return (field.key_line + 1, field.key_column + 1) if key else (field.line + 1, field.column + 1)
                region, rest = _yaml.Unit(field.start, field.end, field.line, field.column, None), path[1:]
        where = (region.start, region.end)
        if self._last[0] == where:
            node = self._last[1]
        else:
            node = _yaml.parse_fragment(self.chars(), region)
            self._last = (where, node)
        if node is None:
            return None
        line, column = _yaml.locate(node, rest, key=key)
        return (region.line + line, column)


# ---------------------------------------------------------------------------
# dicts


@overload
def from_dict(data: Any, cls: type[T], *, ignore_unknown: bool = False) -> T: ...


@overload
def from_dict(
    data: Any, cls: None = None, *, ignore_unknown: bool = False, keep_other_kinds: bool = False
) -> KubeObject: ...


def from_dict(
    data: Any,
    cls: type[Any] | None = None,
    *,
    ignore_unknown: bool = False,
    keep_other_kinds: bool = False,
) -> Any:
    """Build a model from the API's JSON form (camelCase keys), as any Kubernetes client produces it.

    Args:
        data: A dict as `json.loads` or the official client's
            ``ApiClient().sanitize_for_serialization`` returns it.
        cls: The model class; by default chosen from ``apiVersion`` and ``kind``.
        ignore_unknown: Drop unknown fields instead of reporting them.
        keep_other_kinds: Return kinds this library does not model as
            `OtherObject` instead of failing.

    Raises:
        StructureError: Every problem found, each with its field path.

    >>> from_dict({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}}).metadata.name
    'web'
    """
    if cls is not None and not ignore_unknown and not keep_other_kinds:
        return _model_loader(cls)(data)  # The converter's structure hook: one code path for both.
    _convert.begin_load()
    with _gc.paused():
        return _from_dict(data, cls, ignore_unknown=ignore_unknown, keep_other_kinds=keep_other_kinds)


_LOADERS: dict[type, Callable[..., Any]] = {}


def _model_loader(cls: type[T]) -> Callable[..., T]:
    """The function that turns the API's JSON form into a *cls*.

    `from_dict` calls it when given the class, and `make_converter` registers
    it as the converter's structure hook for *cls*: the same object, so both
    take the same path. Made once per class, on first use.
    """
    found = _LOADERS.get(cls)
    if found is not None:
        return found

    def load(data: Any, _type: Any = cls) -> T:
        _convert.begin_load()
        with _gc.paused():
            result: T = _from_dict(data, cls, ignore_unknown=False, keep_other_kinds=False)
            return result

    load.__qualname__ = load.__name__ = f"structure_{cls.__name__}"
    # Two threads may both make one; the first stored wins, so the hook stays one object.
    return _LOADERS.setdefault(cls, load)


def _unstructure_hook(cls: type) -> Callable[[Any], dict[str, Any]]:
    """The converter's unstructure hook for *cls*: the generated function `to_dict` uses."""
    if cls is KubeList or cls is OtherObject:
        return to_dict
    return _convert.unstructure_fn(cls)


def make_converter() -> cattrs.Converter:
    """A new cattrs ``Converter`` for the API's JSON form, whose hooks for our models are ours.

    Its structure hook for a model class is the very function `from_dict`
    uses for that class, and its unstructure hook the generated function
    `to_dict` uses, so results, errors and speed are the same: camelCase keys,
    unset fields left out, unknown fields an error. Every call returns a new
    converter: register your own hooks on it (or on a ``.copy()``) without
    changing anyone else's, `from_dict` included. cattrs is imported on the
    first call.

    >>> from endpointslice.discovery import EndpointSlice
    >>> conv = make_converter()
    >>> s = conv.structure({"addressType": "IPv4", "endpoints": [{"addresses": ["10.0.0.1"]}]}, EndpointSlice)
    >>> s.endpoints[0].addresses, conv.unstructure(s)["endpoints"]
    (('10.0.0.1',), [{'addresses': ['10.0.0.1']}])
    """
    return _convert.make_converter(_model_loader, _unstructure_hook)


def _from_dict(data: Any, cls: type[Any] | None = None, *, ignore_unknown: bool, keep_other_kinds: bool) -> Any:
    """`from_dict` within a load that has begun (values interned earlier in it are shared)."""
    strict = not ignore_unknown
    if cls is None:
        cls = _dispatch(data, keep_other_kinds)
    if cls is KubeList:
        return _list_from_dict(data, strict, keep_other_kinds)
    if cls is OtherObject:
        problem = _input.json_problem(data)
        if problem is not None:
            raise StructureError([problem])
        return OtherObject(data=freeze_json(data))
    return _intrange.checked(_convert.structure(data, cls, strict=strict))


def _dispatch(data: Any, keep_other_kinds: bool) -> type[Any]:
    if not isinstance(data, dict):
        raise StructureError(
            [Problem(message=f"expected an object with apiVersion and kind, got {_convert._json_describe(data)}")]
        )
    api_version, kind = data.get("apiVersion"), data.get("kind")
    if not isinstance(kind, str) or not kind:
        raise StructureError([Problem(message="missing kind")])
    if not isinstance(api_version, str) or not api_version:
        raise StructureError([Problem(message="missing apiVersion")])
    cls = KINDS.get((api_version, kind))
    if cls is None:
        known = sorted({k for _, k in KINDS})
        want = next((v for v, k in KINDS if k == kind), None)
        # A kind of ours under another version (an old discovery.k8s.io/v1beta1
        # slice), or any kind under an API group Kubernetes itself serves, is a
        # mistake the apiserver answers with "no matches for kind"; kinds of
        # other groups (Knative's serving.knative.dev Service) pass through
        # when other kinds are kept.
        if want is not None or _input.builtin_group(_group(api_version)):
            problem = _input.no_matches(kind, api_version, want)
            if problem is not None:
                raise StructureError([Problem(path="apiVersion", segments=("apiVersion",), message=problem)])
        if keep_other_kinds:
            return OtherObject
        raise StructureError(
            [
                Problem(
                    path="kind",
                    segments=("kind",),
                    message=f"unsupported kind {kind!r} (apiVersion {api_version!r}); "
                    f"supported kinds: {', '.join(known)}",
                )
            ]
        )
    return cls


def _group(api_version: str) -> str:
    """The API group of an apiVersion: ``discovery.k8s.io`` of ``discovery.k8s.io/v1``, ``""`` of ``v1``."""
    return api_version.rpartition("/")[0]


def _list_from_dict(data: Any, strict: bool, keep_other_kinds: bool) -> KubeList:
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise StructureError([Problem(message=f"expected object, got {_convert._json_describe(data)}")])
    for key in data:
        if strict and key not in ("apiVersion", "kind", "metadata", "items"):
            problems.append(Problem(path=key, segments=(key,), message="unknown field"))
    metadata = ListMeta()
    if data.get("metadata") is not None:
        try:
            metadata = _convert.structure(data["metadata"], ListMeta, strict=strict, path=("metadata",))
        except StructureError as exc:
            problems.extend(exc.problems)
    items: list[KubeObject] = []
    raw_items = data.get("items")
    if raw_items is not None and not isinstance(raw_items, list):
        problems.append(
            Problem(
                path="items", segments=("items",), message=f"expected list, got {_convert._json_describe(raw_items)}"
            )
        )
        raw_items = []
    for i, item in enumerate(raw_items or ()):
        try:
            items.append(_from_dict(item, ignore_unknown=not strict, keep_other_kinds=keep_other_kinds))
        except StructureError as exc:
            problems.extend(
                attrs.evolve(
                    p, path=_convert.render_path(("items", i, *p.segments)), segments=("items", i, *p.segments)
                )
                for p in exc.problems
            )
    if problems:
        raise StructureError(problems)
    return KubeList(metadata=metadata, items=tuple(items))


def to_dict(obj: Any) -> dict[str, Any]:
    """The API's JSON form of a model, as a plain ``dict`` (camelCase keys, unset fields left out).

    >>> from endpointslice import EndpointSlice
    >>> to_dict(EndpointSlice(address_type="IPv4"))  # doctest: +NORMALIZE_WHITESPACE
    {'apiVersion': 'discovery.k8s.io/v1', 'kind': 'EndpointSlice', 'metadata': {},
     'addressType': 'IPv4', 'endpoints': None, 'ports': None}
    """
    if isinstance(obj, KubeList):
        return {
            "apiVersion": KubeList.api_version,
            "kind": KubeList.kind,
            "metadata": _convert.unstructure(obj.metadata),
            "items": [to_dict(item) for item in obj.items],
        }
    if isinstance(obj, OtherObject):
        data: dict[str, Any] = thaw_json(obj.data)
        return data
    return _convert.unstructure(obj)


def presence(obj: Any, name: str, /) -> Presence:
    r"""How field *name* (its Python name) of model *obj* is written: left out, ``null``, empty or set.

    For a loaded object, this is how its input wrote the field, which is
    also how `dumps` prints it. For an object built in code, it is how
    `dumps` prints it: the apiserver's stored form. Values alone cannot tell
    (``ports`` is ``None`` both when it was ``null`` and when it was left
    out), and equality and hashing look at values only.

    >>> [s] = loads("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\naddressType: IPv4\nports: null\n")
    >>> presence(s, "ports"), presence(s, "endpoints"), presence(s, "address_type")
    (<Presence.NULL: 'null'>, <Presence.ABSENT: 'absent'>, <Presence.SET: 'set'>)

    Raises:
        AttributeError: *obj* has no field *name*.
        TypeError: *obj* is not one of this library's models.
    """
    return _presence.presence(obj, name)


def evolve(obj: T, /, **changes: Any) -> T:
    r"""A copy of model *obj* with *changes*, whose other fields keep the form its input wrote them in.

    ``attrs.evolve`` builds the copy as code would, so the copy's own fields
    print in the stored form (nested objects it shares with *obj* keep theirs).
    This one keeps, for every field not in *changes*, how it was written; a
    changed field prints as its new value does.

    >>> [s] = loads("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\naddressType: IPv4\n")
    >>> "ports" in dumps(evolve(s, address_type="IPv6")), "ports" in dumps(attrs.evolve(s, address_type="IPv6"))
    (False, True)
    """
    return _presence.evolve(obj, **changes)


# ---------------------------------------------------------------------------
# text


@overload
def loads(
    text: str | bytes,
    cls: type[K],
    /,
    *,
    source: str | None = None,
    ignore_unknown: bool = False,
    keep_other_kinds: bool = False,
) -> list[K]: ...


@overload
def loads(
    text: str | bytes,
    cls: None = None,
    /,
    *,
    source: str | None = None,
    ignore_unknown: bool = False,
    keep_other_kinds: bool = False,
) -> list[KubeObject]: ...


def loads(
    text: str | bytes,
    cls: type[Any] | None = None,
    /,
    *,
    source: str | None = None,
    ignore_unknown: bool = False,
    keep_other_kinds: bool = False,
) -> list[Any]:
    """Load every object in a YAML or JSON string.

    A ``kind: List`` or typed list document stays a list model; use
    `flatten` to get its items.

    Args:
        text: YAML (one document or a ``---`` stream) or JSON.
        cls: The model class every document must be (e.g. `EndpointSlice`);
            the result is then typed as a list of it, for type checkers.
            A document of another kind is a `StructureError` at its ``kind``.
        source: The name to report in errors (default ``<string>``).
        ignore_unknown: Drop unknown fields instead of reporting them.
        keep_other_kinds: Keep kinds this library does not model as `OtherObject`.

    Raises:
        YAMLSyntaxError: The text is not YAML or JSON; the error says where.
        StructureError: A document has the wrong shape; every problem is listed.

    >>> [s.metadata.name for s in loads("apiVersion: v1\\nkind: Service\\nmetadata: {name: a}\\n---\\n"
    ...                                 "apiVersion: v1\\nkind: Service\\nmetadata: {name: b}\\n")]
    ['a', 'b']
    """
    docs = load_documents(text, source=source, ignore_unknown=ignore_unknown, keep_other_kinds=keep_other_kinds)
    if cls is not None:
        _check_class(docs, cls)
    return [d.object for d in docs]


def _check_class(docs: list[Document], cls: type[Any]) -> None:
    """Raise a `StructureError` at the ``kind`` of every document that is not a *cls*."""
    problems = []
    for doc in docs:
        if isinstance(doc.object, cls):
            continue
        got = getattr(doc.object, "kind", None) or type(doc.object).__name__
        # A list document is a list model (see `flatten`); the class is what each document is, not its items.
        is_list = isinstance(getattr(doc.object, "items", None), tuple) and not isinstance(doc.object, OtherObject)
        hint = "; load it without a class and flatten it" if is_list else ""
        line, column = doc.locate(("kind",))
        problems.append(
            Problem(
                message=f"expected {cls.__name__}, got {got}{hint}",
                path="kind",
                source=doc.source,
                line=line,
                column=column,
                document=doc.index,
                segments=("kind",),
            )
        )
    if problems:
        raise StructureError(problems)


def load_documents(
    text: str | bytes,
    *,
    source: str | None = None,
    ignore_unknown: bool = False,
    keep_other_kinds: bool = False,
) -> list[Document]:
    """Like `loads`, but each object comes with its source position (for tools that report locations)."""
    with _gc.paused():
        docs, problems, syntax = _read_documents(text, source or "<string>", ignore_unknown, keep_other_kinds)
    if syntax:
        raise YAMLSyntaxError(problems)
    if problems:
        raise StructureError(problems)
    return docs


def _load_json_list(text: str | bytes, strict: bool, keep_other_kinds: bool) -> KubeObject | None:
    """A JSON list document loaded item by item (see `_jsonlist`), or ``None`` to parse the text whole.

    The result is the one `from_dict` gives for the whole document.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode(json.detect_encoding(text), "surrogatepass")  # As json.loads decodes.
        except UnicodeDecodeError:
            return None
    if _input.may_hold_surrogates(text):
        return None  # Only the whole-text path replaces lone surrogates as Go does.

    def loader_for(api_version: str, kind: str) -> Callable[[Any], Any] | None:
        return _item_loader(api_version, kind, strict, keep_other_kinds)

    split = _jsonlist.split_list(text, loader_for)
    if split is None:
        return None
    head, items = split
    try:
        obj: Any = _from_dict(head, ignore_unknown=not strict, keep_other_kinds=keep_other_kinds)
    except StructureError:
        return None
    listed: KubeObject = _presence.evolve(obj, items=tuple(items))
    if _intrange.problems(listed):
        return None  # The whole-text path reports each number where it is.
    return listed


def _item_loader(api_version: str, kind: str, strict: bool, keep_other_kinds: bool) -> Callable[[Any], Any] | None:
    """The function that loads one item of a list of *kind*, or ``None`` when *kind* is not a list we load."""
    cls = KINDS.get((api_version, kind))
    if cls is KubeList:
        return functools.partial(_from_dict, ignore_unknown=not strict, keep_other_kinds=keep_other_kinds)
    item = next((f.type.item for f in specs(cls) if f.wire == "items"), None) if cls else None
    return _convert.structure_fn(item.target, strict) if item and item.target else None


# A top-level field of a block mapping that starts a line (kubectl prints "kind" after "items").
_TOP_LEVEL = {
    key: re.compile(rf"^{key}:[ \t]*([A-Za-z0-9./-]+)[ \t]*$", re.MULTILINE) for key in ("apiVersion", "kind")
}


def _read_streamed(
    text: str | bytes, name: str, source: _SourceText, strict: bool, keep_other_kinds: bool
) -> list[Document] | None:
    """Every document of YAML *text*, list items loaded as they are read (see `_yaml.iter_streamed`).

    Returns ``None`` when anything at all is unusual or wrong; the caller
    then reads the text with the node tree, which gives the reference
    results and explains every problem with its position. So this path
    needs no error handling of its own, and a big valid ``kind: List`` never
    has its node tree, or more than one item's data, in memory.
    """

    def loader_for(head: dict[str, Any], start: int) -> tuple[Callable[[Any], Any], tuple[str, str]] | None:
        assumed = []
        for key in ("apiVersion", "kind"):
            value = head.get(key)
            if not isinstance(value, str):
                found = _TOP_LEVEL[key].search(source.chars(), start)
                value = found.group(1) if found else ""
            assumed.append(value)
        load = _item_loader(assumed[0], assumed[1], strict, keep_other_kinds)
        return None if load is None else (load, (assumed[0], assumed[1]))

    docs: list[Document] = []
    try:
        for index, doc in enumerate(_yaml.iter_streamed(text, loader_for)):
            if doc.data is None:
                continue  # An empty document, as between two `---` lines.
            obj = _from_dict(doc.data, ignore_unknown=not strict, keep_other_kinds=keep_other_kinds)
            if doc.loaded is not None:
                if (doc.data.get("apiVersion"), doc.data.get("kind")) != doc.assumed:
                    return None  # The kind was guessed from the text, and wrongly.
                obj = _presence.evolve(obj, items=tuple(doc.loaded))
                if _intrange.problems(obj):
                    return None
            start_index, line, column = doc.start
            docs.append(
                Document(
                    object=obj,
                    source=name,
                    index=index,
                    line=line + 1,
                    column=column + 1,
                    span=(start_index, doc.end),
                    text=source,
                    items=doc.items,
                )
            )
    except Exception:  # noqa: BLE001  # Anything at all: the node-tree path reads it again and explains.
        return None
    return docs


def _read_documents(
    text: str | bytes, name: str, ignore_unknown: bool, keep_other_kinds: bool
) -> tuple[list[Document], list[Problem], bool]:
    """Every document that loads, every problem, and whether the text itself is broken.

    Documents before a syntax error, and the good documents around a bad
    one, are kept: a tool reading many manifests reports the bad ones and
    still checks the rest.
    """
    _convert.begin_load()
    source = _SourceText(text)
    if _yaml.looks_like_json(text):
        listed = _load_json_list(text, not ignore_unknown, keep_other_kinds)
        if listed is not None:
            return [Document(object=listed, source=name, index=0, text=source)], [], False
        try:
            data = _input.json_loads(text)
        except ValueError:
            # Objects one after another, which kubectl's JSON decoder reads as a stream.
            stream = _input.json_stream(text)
            if stream is not None:
                return _read_json_stream(stream, name, source, ignore_unknown, keep_other_kinds)
            # Flow-style YAML also starts with { or [; let the YAML parser decide. It also
            # reports a repeated key, as in YAML, with its position.
        except RecursionError:
            return [], [Problem(source=name, message="document is nested too deeply")], True
        else:
            try:
                obj = _from_dict(data, ignore_unknown=ignore_unknown, keep_other_kinds=keep_other_kinds)
            except StructureError as exc:
                # Positions cost a second parse, so they are worked out on this error path only.
                return [], [_place(p, source.node(0), name, 0) for p in exc.problems], False
            return [Document(object=obj, source=name, index=0, text=source)], [], False
    streamed = _read_streamed(text, name, source, not ignore_unknown, keep_other_kinds)
    if streamed is not None:
        return streamed, [], False
    _convert.begin_load()
    docs: list[Document] = []
    problems: list[Problem] = []
    try:
        for index, (node, data) in enumerate(_yaml.iter_documents(text)):
            if data is None:
                continue  # An empty document, as between two `---` lines.
            start, end = node.start_mark, node.end_mark
            try:
                obj = _from_dict(data, ignore_unknown=ignore_unknown, keep_other_kinds=keep_other_kinds)
            except StructureError as exc:
                problems.extend(_place(p, node, name, index) for p in exc.problems)
                continue
            docs.append(
                Document(
                    object=obj,
                    source=name,
                    index=index,
                    line=start.line + 1,
                    column=start.column + 1,
                    span=(start.index, end.index),
                    text=source,
                    items=_yaml.list_items(node),
                )
            )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        broken = _yaml.bad_separator(text)
        if broken is not None and line is not None and broken.line <= line:
            return _broken_separator(text, broken, name, ignore_unknown, keep_other_kinds)
        message = " ".join(x for x in (exc.context, exc.problem) if x) or "invalid YAML"
        problems.append(Problem(source=name, line=line, column=column, message=f"invalid YAML: {message}"))
        return docs, problems, True
    except yaml.YAMLError as exc:
        problems.append(Problem(source=name, message=f"invalid YAML: {_one_line(str(exc))}"))
        return docs, problems, True
    except _yaml.BuildError as exc:
        mark = exc.node.start_mark
        problems.append(Problem(source=name, line=mark.line + 1, column=mark.column + 1, message=str(exc)))
        return docs, problems, True
    except RecursionError:
        problems.append(Problem(source=name, message="document is nested too deeply"))
        return docs, problems, True
    except UnicodeDecodeError as exc:
        problems.append(Problem(source=name, message=f"not UTF-8 text: {exc.reason} at byte {exc.start}"))
        return docs, problems, True
    if problems:
        broken = _yaml.bad_separator(text)
        if broken is not None and any(p.line == broken.line for p in problems):
            # A document on a broken `---` line that parses, but as no object (`--- x`).
            return _broken_separator(text, broken, name, ignore_unknown, keep_other_kinds)
    return docs, problems, False


def _read_json_stream(
    values: list[Any], name: str, source: _SourceText, ignore_unknown: bool, keep_other_kinds: bool
) -> tuple[list[Document], list[Problem], bool]:
    """The objects of a JSON stream, one document each; a bad one is reported without a position."""
    docs: list[Document] = []
    problems: list[Problem] = []
    for index, data in enumerate(values):
        try:
            obj = _from_dict(data, ignore_unknown=ignore_unknown, keep_other_kinds=keep_other_kinds)
        except StructureError as exc:
            problems.extend(_place(p, None, name, index) for p in exc.problems)
            continue
        docs.append(Document(object=obj, source=name, index=index, text=source))
    return docs, problems, False


def _broken_separator(
    text: str | bytes, broken: _yaml.BadSeparator, name: str, ignore_unknown: bool, keep_other_kinds: bool
) -> tuple[list[Document], list[Problem], bool]:
    """The documents before a broken ``---`` line, and the line itself as the problem, in kubectl's words.

    kubectl cuts the stream at such a line before any YAML parser sees it. A YAML parser
    reads a document that starts on its ``---`` line, so one that parses as an object is
    kept (a deliberate difference); this is for the lines that do not.
    """
    docs, problems, syntax = _read_documents(text[: broken.offset], name, ignore_unknown, keep_other_kinds)
    if not syntax:
        problems.append(Problem(source=name, line=broken.line, column=1, message=broken.message))
    return docs, problems, True


def _place(problem: Problem, node: Any, source: str, index: int) -> Problem:
    where = _yaml.locate(node, problem.segments, key=problem.message == "unknown field") if node is not None else None
    line, column = where if where else (None, None)
    return attrs.evolve(problem, source=source, line=line, column=column, document=index)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def dumps(obj: KubeObject | Sequence[K], *, output: Output = Output.YAML) -> str:
    """Render one object, or several, exactly as kubectl prints them.

    Several objects are printed as kubectl prints several objects: a ``---``
    stream in YAML, a ``kind: List`` in JSON.

    >>> from endpointslice import EndpointSlice
    >>> print(dumps(EndpointSlice(address_type="IPv4")), end="")
    addressType: IPv4
    apiVersion: discovery.k8s.io/v1
    endpoints: null
    kind: EndpointSlice
    metadata: {}
    ports: null
    """
    from ._emit import emit_json, emit_yaml, emit_yaml_stream

    if isinstance(obj, (list, tuple)):
        if output is Output.JSON:
            return emit_json(
                {
                    "apiVersion": "v1",
                    "items": [to_dict(o) for o in obj],
                    "kind": "List",
                    "metadata": {"resourceVersion": ""},
                }
            )
        return emit_yaml_stream([to_dict(o) for o in obj])
    if output is Output.JSON:
        return emit_json(to_dict(obj))
    return emit_yaml(to_dict(obj))


# ---------------------------------------------------------------------------
# files


@overload
def load(
    file: str | os.PathLike[str] | IO[str] | IO[bytes],
    cls: type[K],
    /,
    *,
    ignore_unknown: bool = False,
    keep_other_kinds: bool = False,
) -> list[K]: ...


@overload
def load(
    file: str | os.PathLike[str] | IO[str] | IO[bytes],
    cls: None = None,
    /,
    *,
    ignore_unknown: bool = False,
    keep_other_kinds: bool = False,
) -> list[KubeObject]: ...


def load(
    file: str | os.PathLike[str] | IO[str] | IO[bytes],
    cls: type[Any] | None = None,
    /,
    *,
    ignore_unknown: bool = False,
    keep_other_kinds: bool = False,
) -> list[Any]:
    """Load every object in a file, given by path or as an open stream.

    *cls*, if given, is the model class every document must be, as for `loads`.

    Raises:
        YAMLSyntaxError: The file is not YAML or JSON, or cannot be read.
        StructureError: A document has the wrong shape, or is not a *cls*.
    """
    text, name = _read(file)
    return loads(text, cls, source=name, ignore_unknown=ignore_unknown, keep_other_kinds=keep_other_kinds)


def _read(file: str | os.PathLike[str] | IO[str] | IO[bytes]) -> tuple[str | bytes, str]:
    if isinstance(file, (str, os.PathLike)):
        name = os.fspath(file)
        return _input.read_path(name), name
    stream_name = getattr(file, "name", None)
    label = stream_name if isinstance(stream_name, str) else "<stream>"
    if file is sys.stdin or label == "<stdin>":
        label = "<stdin>"
    if file is None:
        raise YAMLSyntaxError([Problem(source=label, message="cannot read: standard input is closed")])
    return _input.read_stream(file, label), label


def load_paths(
    paths: Iterable[str | os.PathLike[str]],
    *,
    ignore_unknown: bool = False,
    keep_other_kinds: bool = False,
    stdin: IO[str] | IO[bytes] | None = None,
) -> tuple[list[Document], list[Problem]]:
    """Load files, directories (recursing into *.yaml, *.yml, *.json) and ``-`` for standard input.

    Unlike `load`, this never raises for bad input: it returns what loaded
    and every problem found, so a command can report all of them at once.

    Returns:
        The documents in path order (files of a directory sorted by name),
        and the problems.
    """
    docs: list[Document] = []
    problems: list[Problem] = []
    for path in _input.expand(paths, problems):
        try:
            if path == "-":
                stream = stdin if stdin is not None else getattr(sys.stdin, "buffer", sys.stdin)
                if stream is None:
                    raise YAMLSyntaxError([Problem(source="<stdin>", message="cannot read: standard input is closed")])
                text: str | bytes = _input.read_stream(stream, "<stdin>")
                name = "<stdin>"
            else:
                text, name = _read(path)
        except LoadError as exc:
            problems.extend(exc.problems)
            continue
        with _gc.paused():
            good, bad, _ = _read_documents(text, name, ignore_unknown, keep_other_kinds)
        docs.extend(good)
        problems.extend(bad)
    return docs, problems


def dump(
    obj: KubeObject | Sequence[K], file: str | os.PathLike[str] | IO[str], *, output: Output = Output.YAML
) -> None:
    """Write `dumps` of *obj* to a path or an open text stream."""
    text = dumps(obj, output=output)
    if isinstance(file, (str, os.PathLike)):
        with open(file, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        file.write(text)


def flatten(objects: Iterable[KubeObject]) -> list[KubeObject]:
    """Replace every list object (``kind: List`` and the typed lists) by its items, recursively.

    >>> from endpointslice import Service, ServiceList
    >>> len(flatten([ServiceList(items=[Service(), Service()]), Service()]))
    3
    """
    out: list[KubeObject] = []
    for obj in objects:
        items = getattr(obj, "items", None)
        if isinstance(items, tuple) and not isinstance(obj, OtherObject):
            out.extend(flatten(items))
        else:
            out.append(obj)
    return out
