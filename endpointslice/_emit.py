"""Byte-exact emitters for ``kubectl -o yaml`` and ``kubectl -o json`` output.

kubectl renders an object by marshalling it to JSON (Go ``encoding/json``), reading that
JSON back with go-yaml v2 (``sigs.k8s.io/yaml.JSONToYAML``) and marshalling the resulting
generic map with go-yaml v2. This module reproduces the observable result of that pipeline
for JSON-compatible plain data: mappings with ``str`` keys (any ``Mapping``), lists and
tuples, ``str``, ``int``, ``float``, ``bool`` and ``None``.

The YAML side follows go-yaml v2's rules:

* mapping keys are ordered with go-yaml's key comparator (runs of digits compare by value,
  letters sort after non-letters);
* a string is plain unless plain text would read back as another type (numbers in every
  YAML 1.1 spelling, booleans such as ``yes``/``on``/``y``, nulls, timestamps, base-60
  numbers), in which case it is double-quoted; strings that cannot be plain for syntactic
  reasons are single-quoted; strings containing a newline use a literal block (``|``);
* plain and quoted values are folded at spaces once a line passes column 80;
* keys longer than 128 UTF-8 bytes or spanning lines use the explicit ``? key`` form.

The writers are specialised for the two block layouts kubectl produces and cache every
decision about a distinct string for the duration of one call, because object dumps repeat
the same keys, IPs, zone and node names many thousands of times.

Known divergences, where kubectl itself fails or cannot be observed: strings containing
DEL (U+007F) or C1 control characters other than NEL make kubectl fail with "control
characters are not allowed"; this emitter writes them escaped in double quotes instead.
Lone surrogates are written as U+FFFD, as Go's JSON encoder does with invalid UTF-8.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from json.encoder import encode_basestring
from typing import Any

from ._goyaml import (
    BEST_WIDTH,
    INT64_END,
    INT64_MIN,
    KEY_ORDER,
    LITERAL,
    Analysis,
    Writer,
    clean,
    end_chunk,
    json_number,
    render_key,
    select_style,
    simple_chunk,
    write_scalar,
    yaml_number,
)

__all__ = ["emit_json", "emit_json_list", "emit_yaml", "emit_yaml_list", "emit_yaml_stream"]

_SPACES = tuple(" " * n for n in range(64))
_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_EXTRA_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_EXTRA = re.compile("[<>&\u2028\u2029]")


# --------------------------------------------------------------------------------------
# YAML document writer


def _pad(n: int) -> str:
    return _SPACES[n] if n < len(_SPACES) else " " * n


class _YamlEmitter:
    """Writes one or more documents; its caches live as long as the emitter."""

    __slots__ = ("_append", "_keys", "_orders", "_out", "_values", "_wide")

    def __init__(self) -> None:
        self._out: list[str] = []
        self._append = self._out.append
        # Value string -> " text\n" for strings whose rendering never depends on position.
        self._values: dict[Any, str] = {}
        # Value string -> (cleaned string, style, unfolded " text\n" or "" when the text
        # depends on the indentation) for the others.
        self._wide: dict[str, tuple[str, int, str]] = {}
        # Key string -> "key:", or "" when the key needs the explicit "? key" form.
        self._keys: dict[str, str] = {}
        # Keys in insertion order -> [(key, rendered key), ...] in go-yaml's order.
        self._orders: dict[tuple[str, ...], list[tuple[str, str]]] = {}

    def text(self) -> str:
        return "".join(self._out)

    def list_item(self, data: object) -> None:
        """Write *data* as one entry of a root mapping's sequence (entries start in column 0)."""
        self._sequence((data,), 0, "")

    def take(self) -> str:
        """The text written since the last call, and forget it (the caches stay)."""
        text = "".join(self._out)
        self._out.clear()
        return text

    def forget_values_past(self, limit: int) -> None:
        """Empty the value caches once they hold more than *limit* strings.

        A long run of objects holds many strings seen once (UIDs, names, addresses); caching
        them all would keep a second copy of the output's vocabulary alive to the end.
        """
        if len(self._values) + len(self._wide) > limit:
            self._values.clear()
            self._wide.clear()

    def separator(self) -> None:
        self._append("---\n")

    def document(self, data: object) -> None:
        if isinstance(data, Mapping):
            if data:
                self._mapping(data, 0, "")
            else:
                self._append("{}\n")
        elif isinstance(data, (list, tuple)):
            if data:
                self._sequence(data, 0, "")
            else:
                self._append("[]\n")
        elif isinstance(data, str):
            # A root scalar follows no indicator, so no separating space is written.
            s = clean(data if type(data) is str else str.__str__(data))
            w = Writer(0, 2, whitespace=True)
            write_scalar(w, s, select_style(s, Analysis(s), simple_key=False), True)
            self._append(end_chunk(w))
        else:
            self._append(self._scalar_chunk(data, 2, 0)[1:])

    # The two container writers are the hot path: they inline the common scalar cases.

    def _mapping(self, mapping: Mapping[str, Any], indent: int, first_pad: str) -> None:
        append = self._append
        values = self._values
        keys = tuple(mapping)
        order = self._orders.get(keys)
        if order is None:
            order = self._order(keys)
        pad = _pad(indent)
        inner = indent + 2
        line_pad = first_pad
        for key, rendered in order:
            value = mapping[key]
            append(line_pad)
            line_pad = pad
            if not rendered:
                self._complex_entry(key, value, indent)
                continue
            append(rendered)
            kind = type(value)
            if kind is str:
                chunk = values.get(value)
                if chunk is None:
                    chunk = self._string_chunk(value, inner, indent + len(rendered))
                append(chunk)
            elif kind is bool:
                append(" true\n" if value else " false\n")
            elif kind is int and INT64_MIN <= value < INT64_END:
                append(" " + int.__repr__(value) + "\n")
            elif value is None:
                append(" null\n")
            elif kind is dict or isinstance(value, Mapping):
                if value:
                    append("\n")
                    self._mapping(value, inner, _pad(inner))
                else:
                    append(" {}\n")
            elif kind is list or isinstance(value, (list, tuple)):
                if value:
                    append("\n")
                    self._sequence(value, indent, pad)
                else:
                    append(" []\n")
            else:
                append(self._scalar_chunk(value, inner, indent + len(rendered)))

    def _sequence(self, items: list[Any] | tuple[Any, ...], indent: int, first_pad: str) -> None:
        append = self._append
        values = self._values
        pad = _pad(indent)
        inner = indent + 2
        line_pad = first_pad
        for value in items:
            append(line_pad)
            line_pad = pad
            append("-")
            kind = type(value)
            if kind is str:
                chunk = values.get(value)
                if chunk is None:
                    chunk = self._string_chunk(value, inner, indent + 1)
                append(chunk)
            elif kind is dict or isinstance(value, Mapping):
                if value:
                    append(" ")
                    self._mapping(value, inner, "")
                else:
                    append(" {}\n")
            elif isinstance(value, (list, tuple)):
                if value:
                    append(" ")
                    self._sequence(value, inner, "")
                else:
                    append(" []\n")
            else:
                append(self._scalar_chunk(value, inner, indent + 1))

    def _complex_entry(self, key: str, value: object, indent: int) -> None:
        """Write ``? key`` and ``: value`` for a key that cannot be a simple key."""
        append = self._append
        s = clean(key)
        w = Writer(indent, indent + 2, whitespace=True)
        w.indention = True
        w.indicator("?", need_whitespace=True, is_indention=True)
        write_scalar(w, s, select_style(s, Analysis(s), simple_key=False), True)
        append(end_chunk(w))
        append(_pad(indent))
        append(":")
        inner = indent + 2
        if isinstance(value, Mapping):
            if value:
                append(" ")
                self._mapping(value, inner, "")
            else:
                append(" {}\n")
        elif isinstance(value, (list, tuple)):
            if value:
                append(" ")
                self._sequence(value, inner, "")
            else:
                append(" []\n")
        else:
            append(self._scalar_chunk(value, inner, indent + 1))

    def _order(self, keys: tuple[Any, ...]) -> list[tuple[str, str]]:
        rendered_keys = self._keys
        for key in keys:
            if not isinstance(key, str):
                msg = f"mapping keys must be strings, got {type(key).__name__}: {key!r}"
                raise TypeError(msg)
        order = []
        # go-yaml's comparator is not transitive for some keys mixing digits and letters
        # (a2 < a10 < a1b < a2), and Go visits map keys in random order, so kubectl's order
        # for such keys varies from run to run. Sorting by code point first makes ours fixed.
        for key in sorted(sorted(keys), key=KEY_ORDER):
            rendered = rendered_keys.get(key)
            if rendered is None:
                rendered = render_key(key if type(key) is str else str.__str__(key))
                rendered_keys[key] = rendered
            order.append((key, rendered))
        self._orders[keys] = order
        return order

    def _string_chunk(self, value: str, indent: int, column: int) -> str:
        """Render a string written after an indicator that ends at ``column``."""
        chunk = simple_chunk(value)
        if chunk is not None:
            self._values[value] = chunk
            return chunk
        wide = self._wide.get(value)
        if wide is None:
            s = clean(value)
            analysis = Analysis(s)
            style = select_style(s, analysis, simple_key=False)
            if style != LITERAL and " " not in s and not analysis.multiline:
                w = Writer(0, indent, whitespace=False)
                write_scalar(w, s, style, False)
                chunk = end_chunk(w)
                if type(value) is str:
                    self._values[value] = chunk
                return chunk
            chunk = ""
            if style != LITERAL and not analysis.multiline:
                w = Writer(0, indent, whitespace=False)
                write_scalar(w, s, style, False)
                chunk = end_chunk(w)
            wide = (s, style, chunk)
            self._wide[value] = wide
        s, style, chunk = wide
        # Folding needs a space past the best width; a short enough line never has one.
        if chunk and column + len(chunk) <= BEST_WIDTH:
            return chunk
        w = Writer(column, indent, whitespace=False)
        write_scalar(w, s, style, True)
        return end_chunk(w)

    def _scalar_chunk(self, value: object, indent: int, column: int) -> str:
        """Render any scalar as a value chunk (a space, the text and a line end)."""
        if isinstance(value, str):
            return self._string_chunk(str.__str__(value), indent, column)
        if value is None:
            return " null\n"
        if isinstance(value, bool):
            return " true\n" if value else " false\n"
        if isinstance(value, (int, float)):
            return " " + yaml_number(value) + "\n"
        msg = f"cannot emit a value of type {type(value).__name__}: {value!r}"
        raise TypeError(msg)


def emit_yaml(data: object, /) -> str:
    """Render ``data`` exactly as ``kubectl get -o yaml`` prints it.

    Args:
        data: JSON-compatible plain data; normally a mapping (one Kubernetes object).

    Returns:
        The YAML text, ending with a newline.

    Raises:
        TypeError: A value is not JSON-compatible, or a mapping key is not a string.
        ValueError: A number has no JSON representation (NaN, infinity, huge integers).

    Example:
        >>> print(emit_yaml({"kind": "List", "items": [], "metadata": {"resourceVersion": ""}}), end="")
        items: []
        kind: List
        metadata:
          resourceVersion: ""
    """
    emitter = _YamlEmitter()
    emitter.document(data)
    return emitter.text()


def emit_yaml_stream(docs: Iterable[object], /) -> str:
    """Render several documents as kubectl prints several objects: separated by ``---``.

    Args:
        docs: The documents, each JSON-compatible plain data.

    Returns:
        The documents' YAML joined with ``---`` lines (empty text for no documents).

    Example:
        >>> print(emit_yaml_stream([{"a": 1}, {"b": 2}]), end="")
        a: 1
        ---
        b: 2
    """
    emitter = _YamlEmitter()
    for index, doc in enumerate(docs):
        if index:
            emitter.separator()
        emitter.document(doc)
    return emitter.text()


#: How many distinct value strings `emit_yaml_list` caches before starting afresh; far more
#: than the keys, zones, node names and conditions an object list repeats.
_VALUE_CACHE_LIMIT = 50_000

#: The lines of kubectl's `kind: List` after its items, in go-yaml's key order.
_LIST_TAIL = 'kind: List\nmetadata:\n  resourceVersion: ""\n'


def emit_yaml_list(items: Iterable[object], /) -> Iterator[str]:
    """Render kubectl's ``kind: List`` of several objects, one item's text at a time.

    Joined, the chunks are exactly ``emit_yaml({"apiVersion": "v1", "items": [...], "kind":
    "List", "metadata": {"resourceVersion": ""}})``, but neither the whole list's plain data
    nor its whole text need exist at once: *items* may be a generator that converts each
    object only when its turn comes.

    Args:
        items: The items, each JSON-compatible plain data.

    Yields:
        The text in pieces: the lines before the items, each item's lines, the closing lines.

    Example:
        >>> print("".join(emit_yaml_list([{"a": 1}, {"b": [2]}])), end="")
        apiVersion: v1
        items:
        - a: 1
        - b:
          - 2
        kind: List
        metadata:
          resourceVersion: ""
    """
    emitter = _YamlEmitter()
    started = False
    for item in items:
        if not started:
            started = True
            yield "apiVersion: v1\nitems:\n"
        emitter.list_item(item)
        yield emitter.take()
        emitter.forget_values_past(_VALUE_CACHE_LIMIT)
    yield _LIST_TAIL if started else "apiVersion: v1\nitems: []\n" + _LIST_TAIL


# --------------------------------------------------------------------------------------
# JSON


def _json_escape(match: re.Match[str]) -> str:
    return _JSON_EXTRA_ESCAPES[match.group()]


def _json_string(s: str) -> str:
    """Quote ``s`` as Go's ``encoding/json`` does (HTML-safe, line separators escaped)."""
    if not s.isascii() and _SURROGATE.search(s) is not None:
        s = _SURROGATE.sub("\ufffd", s)
    text: str = encode_basestring(s)
    if _JSON_EXTRA.search(text) is not None:
        text = _JSON_EXTRA.sub(_json_escape, text)
    return text


def _json_value(value: object, indent: str, parts: list[str]) -> None:
    append = parts.append
    if isinstance(value, str):
        append(_json_string(value if type(value) is str else str.__str__(value)))
    elif value is None:
        append("null")
    elif isinstance(value, bool):
        append("true" if value else "false")
    elif isinstance(value, (int, float)):
        append(json_number(value))
    elif isinstance(value, Mapping):
        if not value:
            append("{}")
            return
        inner = indent + "    "
        separator = "{\n" + inner
        for key in sorted(value):
            if not isinstance(key, str):
                msg = f"mapping keys must be strings, got {type(key).__name__}: {key!r}"
                raise TypeError(msg)
            append(separator)
            append(_json_string(key if type(key) is str else str.__str__(key)))
            append(": ")
            _json_value(value[key], inner, parts)
            separator = ",\n" + inner
        append("\n" + indent + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            append("[]")
            return
        inner = indent + "    "
        separator = "[\n" + inner
        for item in value:
            append(separator)
            _json_value(item, inner, parts)
            separator = ",\n" + inner
        append("\n" + indent + "]")
    else:
        msg = f"cannot emit a value of type {type(value).__name__}: {value!r}"
        raise TypeError(msg)


def emit_json(data: object, /) -> str:
    """Render ``data`` exactly as ``kubectl get -o json`` prints it.

    Args:
        data: JSON-compatible plain data.

    Returns:
        Four-space indented JSON with sorted keys and Go's escaping, ending with a newline.

    Raises:
        TypeError: A value is not JSON-compatible, or a mapping key is not a string.
        ValueError: A number has no JSON representation (NaN, infinity, huge integers).

    Example:
        >>> print(emit_json({"b": "<x>", "a": [1.0, 2.5]}), end="")
        {
            "a": [
                1,
                2.5
            ],
            "b": "\\u003cx\\u003e"
        }
    """
    parts: list[str] = []
    _json_value(data, "", parts)
    parts.append("\n")
    return "".join(parts)


def emit_json_list(items: Iterable[object], /) -> Iterator[str]:
    """Render kubectl's ``kind: List`` of several objects as JSON, one item's text at a time.

    Joined, the chunks are exactly ``emit_json({"apiVersion": "v1", "items": [...], "kind":
    "List", "metadata": {"resourceVersion": ""}})``; *items* may be a generator.

    Example:
        >>> print("".join(emit_json_list([{"a": 1}])), end="")
        {
            "apiVersion": "v1",
            "items": [
                {
                    "a": 1
                }
            ],
            "kind": "List",
            "metadata": {
                "resourceVersion": ""
            }
        }
    """
    separator = '{\n    "apiVersion": "v1",\n    "items": [\n        '
    for item in items:
        parts = [separator]
        _json_value(item, "        ", parts)
        yield "".join(parts)
        separator = ",\n        "
    tail = '\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n'
    if separator.startswith("{"):
        yield '{\n    "apiVersion": "v1",\n    "items": [],' + tail
    else:
        yield "\n    ]," + tail
