"""Reading YAML: a safe, fast, bounded loader that keeps each document's node tree.

PyYAML's C parser builds the node tree; we turn nodes into plain data
ourselves instead of through PyYAML's generic constructor, because:

* it is the hot path, and a direct recursive build is about twice as fast;
* aliases must not multiply work: a "billion laughs" document is a few
  hundred bytes that expand to 10^9 nodes. Each anchored node is built once
  and its expanded size is counted; past `MAX_EXPANDED_NODES` the document
  is refused;
* duplicate mapping keys are an error, not a silent overwrite;
* timestamps stay strings, as in Kubernetes (``creationTimestamp`` must
  round-trip byte for byte), and everything else resolves as YAML 1.1 does
  in go-yaml v2, which is what kubectl uses.
"""

from __future__ import annotations

import codecs
import math
import re
from array import array
from collections.abc import Callable, Iterator
from sys import intern
from typing import Any, ClassVar, NamedTuple

import yaml
from yaml.events import (
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:  # The C parser is much faster; fall back to pure Python where LibYAML is missing.
    _Base: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]  # Same interface.
except AttributeError:  # pragma: no cover - depends on how PyYAML was built.
    _Base = yaml.SafeLoader

#: Refuse documents whose aliases expand to more nodes than this.
MAX_EXPANDED_NODES = 5_000_000

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_VALUE = "tag:yaml.org,2002:value"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class Loader(_Base):  # type: ignore[misc,valid-type]  # _Base is chosen at import time.
    """The C (or pure) safe loader, resolving timestamps as plain strings."""

    yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, Any]]]] = {
        first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }


class BuildError(Exception):
    """A document that parses but cannot become JSON-like data."""

    def __init__(self, message: str, node: Node) -> None:
        super().__init__(message)
        self.node = node


_BOOLS = {
    "yes": True,
    "true": True,
    "on": True,
    "y": True,
    "no": False,
    "false": False,
    "off": False,
    "n": False,
}


def _scalar(node: ScalarNode) -> Any:
    tag = node.tag
    value: str = node.value
    if tag == _STR:
        return value
    if tag == _INT:
        try:
            return _int(value, node)
        except ValueError:
            # PyYAML's pattern takes `0x_` and `-0b_` for integers; go-yaml, failing to
            # parse them as numbers, reads them as strings, and so do we.
            return value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return _BOOLS[value.lower()]
    if tag == _FLOAT:
        number = _float(value)
        if not math.isfinite(number):
            if text_is_special(value):
                # JSON has no NaN or infinity: kubectl's YAML to JSON conversion fails here.
                raise BuildError(f"json: unsupported value: {value} (JSON has no NaN or infinity)", node)
            return value  # Too large for a float64: go-yaml reads it as a string.
        return number
    if tag in (_TIMESTAMP, _VALUE, _MERGE):
        # PyYAML resolves a plain `=` to YAML 1.1's value tag and `<<` to the merge tag; go-yaml,
        # and so kubectl, reads both as strings wherever `<<` is not a mapping key.
        return value
    # Explicit tags such as !!binary or custom ones are not JSON.
    raise BuildError(f"unsupported YAML tag {tag}", node)


def _int(value: str, node: Node) -> int:
    text = value.replace("_", "")
    sign = 1
    if text[:1] in "+-":
        sign = -1 if text[0] == "-" else 1
        text = text[1:]
    if text == "0":
        return 0
    if text.startswith("0b"):
        return sign * int(text[2:], 2)
    if text.startswith("0x"):
        return sign * int(text[2:], 16)
    if text.startswith("0o"):
        return sign * int(text[2:], 8)
    if text.startswith("0"):
        return sign * int(text, 8)
    if ":" in text:
        total = 0
        for part in text.split(":"):
            total = total * 60 + int(part)
        return sign * total
    try:
        return sign * int(text)
    except ValueError:  # pragma: no cover - the resolver only tags valid ints.
        raise BuildError(f"invalid integer {value!r}", node) from None


def text_is_special(value: str) -> bool:
    """Whether the YAML float *value* is written as ``.nan`` or ``.inf`` (not a number too large)."""
    return value.replace("_", "").lower().lstrip("+-") in (".nan", ".inf")


def _float(value: str) -> float:
    text = value.replace("_", "").lower()
    if text in (".inf", "+.inf"):
        return math.inf
    if text == "-.inf":
        return -math.inf
    if text == ".nan":
        return math.nan
    if ":" in text:
        sign = -1.0 if text.startswith("-") else 1.0
        total = 0.0
        for part in text.lstrip("+-").split(":"):
            total = total * 60 + float(part)
        return sign * total
    return float(text)


class _Builder:
    """Turns one node tree into plain data, counting alias expansion."""

    __slots__ = ("built", "expanded", "sizes")

    def __init__(self) -> None:
        self.built: dict[int, Any] = {}
        self.sizes: dict[int, int] = {}
        self.expanded = 0

    def build(self, node: Node) -> Any:
        cls = node.__class__
        if cls is ScalarNode:
            self.expanded += 1
            if node.tag == _STR:
                return node.value
            return _scalar(node)  # type: ignore[arg-type]  # Checked by the class test above.
        key = id(node)
        if key in self.built:
            # An alias: the data is shared, but whoever walks it pays for every node again.
            self.expanded += self.sizes[key]
            if self.expanded > MAX_EXPANDED_NODES:
                raise BuildError(f"aliases expand to more than {MAX_EXPANDED_NODES} nodes", node)
            return self.built[key]
        before = self.expanded
        result: Any
        if cls is MappingNode:
            result = self._mapping(node)  # type: ignore[arg-type]  # Checked by the class test above.
        elif cls is SequenceNode:
            if node.tag not in (_SEQ,):
                raise BuildError(f"unsupported YAML tag {node.tag}", node)
            result = [self.build(item) for item in node.value]
        else:  # pragma: no cover - PyYAML has no other node kinds.
            raise BuildError("unsupported YAML node", node)
        self.expanded += 1
        self.built[key] = result
        self.sizes[key] = self.expanded - before
        return result

    def _mapping(self, node: MappingNode) -> dict[str, Any]:
        if node.tag != _MAP:
            raise BuildError(f"unsupported YAML tag {node.tag}", node)
        result: dict[Any, Any] = {}
        merged: list[dict[Any, Any]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged.extend(self._merge_sources(value_node))
                continue
            key = self.build(key_node)
            if key.__class__ is str:
                # Field names repeat in every object; one shared string per name makes
                # the converter's lookups identity comparisons and saves memory.
                key = intern(key)
            else:
                if isinstance(key, (dict, list)):
                    raise BuildError("a mapping key must be a scalar", key_node)
                # JSON has string keys only; go-yaml's JSON conversion renders other scalars as text.
                key = _key_text(key)
            if key in result:
                raise BuildError(f"mapping key {key!r} already defined", key_node)
            result[key] = self.build(value_node)
        for source in merged:
            for k, v in source.items():
                result.setdefault(k, v)
        return result

    def _merge_sources(self, node: Node) -> list[dict[Any, Any]]:
        if isinstance(node, MappingNode):
            return [self.build(node)]
        if isinstance(node, SequenceNode):
            out = []
            for item in node.value:
                if not isinstance(item, MappingNode):
                    raise BuildError("a merge key (<<) takes mappings only", item)
                out.append(self.build(item))
            return out
        raise BuildError("a merge key (<<) takes a mapping or a list of mappings", node)


def _key_text(key: Any) -> str:
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def iter_nodes(text: str | bytes) -> Iterator[Node]:
    """Yield the node tree of each document, in order.

    Raises:
        yaml.YAMLError: The text is not YAML (with a mark where known).
    """
    loader = Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:  # pragma: no cover - check_node said there is one.
                break
            yield node
    finally:
        loader.dispose()


def iter_documents(text: str | bytes) -> Iterator[tuple[Node, Any]]:
    """Yield ``(node, data)`` for each document, in the order of `iter_nodes`.

    Raises:
        yaml.YAMLError: The text is not YAML (with a mark where known).
        BuildError: A document is not JSON-like data.
        RecursionError: A document is nested too deeply to build.
    """
    for node in iter_nodes(text):
        yield node, _Builder().build(node)


def locate(node: Node, path: tuple[Any, ...], *, key: bool = False) -> tuple[int, int]:
    """The 1-based (line, column) of *path* inside *node*, or of its nearest existing parent.

    With *key*, point at the last segment's mapping key rather than its value
    (used for unknown fields).
    """
    current = node
    for i, seg in enumerate(path):
        last = i == len(path) - 1
        name = seg[1] if isinstance(seg, tuple) else seg
        if isinstance(current, MappingNode) and not isinstance(name, int):
            for k, v in current.value:
                if isinstance(k, ScalarNode) and k.value == name:
                    current = k if (last and key) else v
                    break
            else:
                break
        elif isinstance(current, SequenceNode) and isinstance(name, int) and 0 <= name < len(current.value):
            current = current.value[name]
        else:
            break
    mark = current.start_mark
    return (mark.line + 1, mark.column + 1)


class Field(NamedTuple):
    """Where one top-level field of a list item is: its key, and the span and start of its value (0-based)."""

    name: str
    key_line: int
    key_column: int
    start: int
    end: int
    line: int
    column: int


class Unit(NamedTuple):
    """A part of the text that parses on its own: a document, a list item or a field's value.

    *start* and *end* are character offsets, *line* and *column* the 0-based
    position of *start*; *fields* lists the top-level fields of a large list
    item (``None`` when they were not noted).
    """

    start: int
    end: int
    line: int
    column: int
    fields: tuple[Field, ...] | None


#: A list item at least this long (in characters) has its top-level fields noted while
#: loading, so that a position inside it parses one field's value instead of the item.
FIELDS_FROM = 4096


class ItemIndex:
    """Where the items of a list document are, noted while it was loaded.

    Four integers an item in one compact array (about 32 bytes each, so a
    list of a million small items costs 32 MB), plus the top-level fields of
    the large items.
    """

    __slots__ = ("_fields", "_spans")

    def __init__(self, spans: array[int], fields: dict[int, tuple[Field, ...]]) -> None:
        self._spans = spans
        self._fields = fields

    @classmethod
    def from_nodes(cls, items: list[Node]) -> ItemIndex:
        """The index of the item nodes *items*."""
        spans = array("q")
        fields: dict[int, tuple[Field, ...]] = {}
        for i, item in enumerate(items):
            start, end = item.start_mark, item.end_mark
            spans.extend((start.index, end.index, start.line, start.column))
            if end.index - start.index >= FIELDS_FROM and isinstance(item, MappingNode):
                fields[i] = tuple(
                    Field(
                        k.value,
                        k.start_mark.line,
                        k.start_mark.column,
                        v.start_mark.index,
                        v.end_mark.index,
                        v.start_mark.line,
                        v.start_mark.column,
                    )
                    for k, v in item.value
                    if isinstance(k, ScalarNode)
                )
        return cls(spans, fields)

    def __len__(self) -> int:
        return len(self._spans) // 4

    def __getitem__(self, i: int) -> Unit:
        start, end, line, column = self._spans[4 * i : 4 * i + 4]
        return Unit(start, end, line, column, self._fields.get(i))


def list_items(node: Node) -> ItemIndex | None:
    """The positions of the items of list document *node*, or ``None`` when it has no ``items`` sequence."""
    if not isinstance(node, MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, ScalarNode) and k.value == "items" and isinstance(v, SequenceNode):
            return ItemIndex.from_nodes(v.value)
    return None


def decode(text: str | bytes) -> str:
    """*text* as the characters the parser counts its offsets in (LibYAML skips a byte order mark)."""
    if isinstance(text, str):
        return text[1:] if text.startswith("\ufeff") else text
    if text.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return text.decode("utf-16", "replace")
    return text.decode("utf-8-sig", "replace")


def parse_fragment(chars: str, unit: Unit) -> Node | None:
    """The node tree of *unit* alone, with marks relative to its first line; ``None`` if it does not parse.

    The text before the unit on its first line is replaced by spaces, so the
    columns of every mark are those of the whole text and only the line
    numbers are offset by ``unit.line``. A unit that does not parse on its
    own (an alias to an anchor outside it, a tag declared by a directive)
    gives ``None``, and the caller parses more.
    """
    loader = Loader(" " * unit.column + chars[unit.start : unit.end])
    try:
        node: Node | None = loader.get_single_node()
    except (yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()
    if node is None or (node.start_mark.line, node.start_mark.column) != (0, unit.column):
        return None  # Not the unit that was noted: better no position than a wrong one.
    return node


_JSONISH = re.compile(r"\A\s*[\[{]")


def looks_like_json(text: str | bytes) -> bool:
    """Text that starts like JSON is tried with the (much faster) JSON parser first."""
    head = text[:64]
    if isinstance(head, bytes):
        head = head.decode("utf-8", "replace")
    return bool(_JSONISH.match(head))


# Go's strings.TrimSpace trims Unicode white space: this set, with the line break left out
# (kubectl reads a line at a time, so a separator never reaches past its line).
_GO_SPACE = "\t\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_BAD_SEPARATOR = re.compile(rf"(?m)^---[{_GO_SPACE}]*[^{_GO_SPACE}#\n]")


class BadSeparator(NamedTuple):
    """A line that starts with ``---`` followed by something other than spaces and a comment."""

    offset: int  #: Where the line starts in the text (a byte offset in bytes).
    line: int  #: Its number, from 1.
    rest: str  #: What follows the ``---``, trimmed of white space as kubectl trims it.

    @property
    def message(self) -> str:
        """kubectl's words for it (apimachinery's YAMLReader)."""
        return f"invalid Yaml document separator: {self.rest}"


def bad_separator(text: str | bytes) -> BadSeparator | None:
    r"""The first line kubectl rejects as a broken document separator, or ``None``.

    kubectl splits a YAML stream into documents line by line before any YAML parser sees
    it: a line that starts with ``---`` ends the document, and may go on only with white
    space and a ``#`` comment. Anything else there (``------``, ``--- x``, ``---{}``) is an
    error, reported here so that it is reported where kubectl reports it, in its words,
    rather than as whatever the YAML parser makes of the line.

    >>> bad_separator("a: 1\n------\nb: 2\n")
    BadSeparator(offset=5, line=2, rest='---')
    >>> bad_separator("--- # fine\na: 1\n---\t\n") is None
    True
    """
    if isinstance(text, bytes):
        if b"---" not in text:
            return None
        found = bad_separator(text.decode("utf-8", "replace"))
        if found is None:
            return None
        # The same line in the bytes: after its line-1 line breaks.
        offset = 0
        for _ in range(found.line - 1):
            offset = text.index(b"\n", offset) + 1
        return found._replace(offset=offset)
    match = _BAD_SEPARATOR.search(text)
    if match is None:
        return None
    start = match.start()
    end = text.find("\n", start)
    line = text[start : len(text) if end < 0 else end]
    rest = line[3:].strip(_GO_SPACE.replace("\u2000-\u200a", "".join(map(chr, range(0x2000, 0x200B)))))
    return BadSeparator(offset=start, line=text.count("\n", 0, start) + 1, rest=rest)


# ---------------------------------------------------------------------------
# Streaming: data straight from the parser's events, list items loaded as they end


class UnusualInputError(Exception):
    """Input the streaming reader leaves to the node-tree reader (aliases, tags, merge keys...)."""


class Streamed(NamedTuple):
    """One document read by `iter_streamed`.

    *data* is the document's data; for a list document whose items were
    loaded as they were read, it lacks ``items``, and *loaded* holds what the
    item loader returned for each, and *assumed* the ``(apiVersion, kind)``
    the loader was chosen for. *start* is the 0-based ``(index, line,
    column)`` of the document's content and *end* the index where it ends.
    """

    data: Any
    start: tuple[int, int, int]
    end: int
    items: ItemIndex | None
    loaded: list[Any] | None
    assumed: tuple[str, str] | None


#: ``loader_for(head, start)``: the item loader for a list document whose top-level
#: fields read so far are *head* and whose content starts at character *start*, with
#: the ``(apiVersion, kind)`` it assumed; ``None`` to build the items as plain data.
LoaderFor = Callable[[dict[str, Any], int], tuple[Callable[[Any], Any], tuple[str, str]] | None]


def iter_streamed(text: str | bytes, loader_for: LoaderFor) -> Iterator[Streamed]:
    """Yield each document of *text* built from the parser's events, without a node tree.

    The node tree of a document costs about ten times its data (16 KB an
    endpoint), and PyYAML's composer builds a whole document's before any
    of it can be used. Here data is built as the events arrive, and the items
    of a list document are handed to the loader *loader_for* chooses one by
    one as each ends, so only the loaded models stay: a 100,000-endpoint
    ``kind: List`` never holds more than one item's data at a time.

    This is a fast road for ordinary documents only, never the one that
    explains: anything unusual (an anchor or alias, an explicit tag, a merge
    key, a repeated key, a value that is not JSON) raises `UnusualInputError`, and so
    may the loader; the caller then reads the text again with
    `iter_documents`, whose results and errors are the reference.

    Raises:
        UnusualInputError: See above.
        yaml.YAMLError: The text is not YAML.
        RecursionError: A document is nested too deeply.
    """
    loader = Loader(text)
    try:
        reader = _EventReader(loader)
        get = loader.get_event
        get()  # The stream start.
        while loader.peek_event().__class__ is DocumentStartEvent:
            get()
            yield reader.document(loader_for)
            get()  # The document end.
    finally:
        loader.dispose()


_PLAIN = (True, False)


class _EventReader:
    __slots__ = ("cache", "get", "last", "resolve")

    def __init__(self, loader: Any) -> None:
        self.get: Callable[[], Any] = loader.get_event
        self.last: Any = None  # The end event of the collection built last, for where it ends.
        self.resolve = loader.resolve
        # Plain scalars repeat (field names, "true", protocol and zone names): each
        # spelling is resolved once per text, and its value shared.
        self.cache: dict[str, Any] = {}

    def scalar(self, event: Any) -> Any:
        if event.tag is not None or event.anchor is not None:
            raise UnusualInputError
        value: str = event.value
        if event.implicit != _PLAIN:
            return value  # Quoted: always a string.
        try:
            return self.cache[value]
        except KeyError:
            pass
        tag = self.resolve(ScalarNode, value, _PLAIN)
        if tag == _MERGE:
            raise UnusualInputError
        result = value if tag == _STR else _scalar(ScalarNode(tag, value, event.start_mark, event.end_mark))
        if len(self.cache) >= 65536:
            self.cache.clear()  # Mostly unique values (addresses, names): keep the table small.
        self.cache[value] = result
        return result

    def value(self, event: Any) -> Any:
        cls = event.__class__
        if cls is ScalarEvent:
            return self.scalar(event)
        if cls is MappingStartEvent:
            if event.tag is not None or event.anchor is not None:
                raise UnusualInputError
            return self.mapping()
        if cls is SequenceStartEvent:
            if event.tag is not None or event.anchor is not None:
                raise UnusualInputError
            return self.sequence()
        raise UnusualInputError  # An alias.

    def mapping(self) -> dict[str, Any]:
        get = self.get
        result: dict[str, Any] = {}
        while True:
            event = get()
            if event.__class__ is not ScalarEvent:
                if event.__class__ is MappingEndEvent:
                    self.last = event
                    return result
                raise UnusualInputError  # A collection as a key.
            key = self.scalar(event)
            key = intern(key) if key.__class__ is str else _key_text(key)
            if key in result:
                raise UnusualInputError
            event = get()
            result[key] = self.scalar(event) if event.__class__ is ScalarEvent else self.value(event)

    def sequence(self) -> list[Any]:
        get = self.get
        result: list[Any] = []
        append = result.append
        while True:
            event = get()
            cls = event.__class__
            if cls is ScalarEvent:
                append(self.scalar(event))
            elif cls is SequenceEndEvent:
                self.last = event
                return result
            else:
                append(self.value(event))

    def document(self, loader_for: LoaderFor) -> Streamed:
        event = self.get()
        mark = event.start_mark
        start = (mark.index, mark.line, mark.column)
        if event.__class__ is not MappingStartEvent:
            data = self.value(event)
            return Streamed(data, start, self.last_end(event), None, None, None)
        if event.tag is not None or event.anchor is not None:
            raise UnusualInputError
        get = self.get
        head: dict[str, Any] = {}
        index: ItemIndex | None = None
        loaded: list[Any] | None = None
        assumed: tuple[str, str] | None = None
        while True:
            event = get()
            if event.__class__ is MappingEndEvent:
                return Streamed(head, start, _end(event), index, loaded, assumed)
            if event.__class__ is not ScalarEvent:
                raise UnusualInputError
            key = self.scalar(event)
            key = intern(key) if key.__class__ is str else _key_text(key)
            if key in head or (key == "items" and index is not None):
                raise UnusualInputError
            event = get()
            if key == "items" and event.__class__ is SequenceStartEvent:
                if event.tag is not None or event.anchor is not None:
                    raise UnusualInputError
                chosen = loader_for(head, mark.index)
                items, index = self.items(chosen[0] if chosen else None)
                if chosen is None:
                    head[key] = items
                else:
                    loaded, assumed = items, chosen[1]
            else:
                head[key] = self.value(event)

    def last_end(self, event: Any) -> int:
        """The end index of the value that began with *event*, now built."""
        if event.__class__ is ScalarEvent:
            return _end(event)
        raise UnusualInputError  # A document that is a list is no object either.

    def items(self, load: Callable[[Any], Any] | None) -> tuple[list[Any], ItemIndex]:
        """The items of the list document's ``items`` (each loaded by *load*, if given), and where they are."""
        get = self.get
        spans = array("q")
        fields: dict[int, tuple[Field, ...]] = {}
        out: list[Any] = []
        append = out.append
        while True:
            event = get()
            cls = event.__class__
            if cls is SequenceEndEvent:
                return out, ItemIndex(spans, fields)
            mark = event.start_mark
            if cls is MappingStartEvent:
                if event.tag is not None or event.anchor is not None:
                    raise UnusualInputError
                item, end, noted = self.item(mark.index)
                if noted is not None:
                    fields[len(out)] = noted
            elif cls is ScalarEvent:
                item, end = self.scalar(event), event.end_mark.index
            else:
                raise UnusualInputError
            spans.extend((mark.index, end, mark.line, mark.column))
            append(item if load is None else load(item))

    def item(self, start: int) -> tuple[dict[str, Any], int, tuple[Field, ...] | None]:
        """One list item that is a mapping, its end, and its top-level fields if it is large."""
        get = self.get
        result: dict[str, Any] = {}
        marks: list[tuple[str, Any, Any, int]] = []
        while True:
            event = get()
            if event.__class__ is not ScalarEvent:
                if event.__class__ is not MappingEndEvent:
                    raise UnusualInputError
                end = _end(event)
                if end - start < FIELDS_FROM:
                    return result, end, None
                noted = tuple(
                    Field(name, k.line, k.column, v.index, stop, v.line, v.column) for name, k, v, stop in marks
                )
                return result, end, noted
            key_mark = event.start_mark
            raw = event.value
            key = self.scalar(event)
            key = intern(key) if key.__class__ is str else _key_text(key)
            if key in result:
                raise UnusualInputError
            event = get()
            value_mark = event.start_mark
            cls = event.__class__
            if cls is ScalarEvent:
                result[key] = self.scalar(event)
                stop = event.end_mark.index
            elif cls is MappingStartEvent:
                if event.tag is not None or event.anchor is not None:
                    raise UnusualInputError
                result[key] = self.mapping()
                stop = self.last.end_mark.index
            elif cls is SequenceStartEvent:
                if event.tag is not None or event.anchor is not None:
                    raise UnusualInputError
                result[key] = self.sequence()
                stop = self.last.end_mark.index
            else:
                raise UnusualInputError
            marks.append((raw, key_mark, value_mark, stop))


def _end(event: Any) -> int:
    """The character index where *event* ends."""
    return int(event.end_mark.index)
