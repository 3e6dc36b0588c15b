"""Where the items of a JSON list document are, found without building the node tree of the whole text.

A position in a JSON file is found, as in YAML, by parsing only the part
of the text that holds it (JSON is YAML too). For a YAML list the loader
notes where each item is while it has the node tree in hand; a JSON list is
read item by item by `_jsonlist` and never has one. So the first position
asked for in a JSON list scans the text once more with the standard
decoder, which is many times faster than the YAML parser, and notes each
item's span and, for large items, their top-level fields.

Line numbers are counted as the YAML parser counts them. Text with line
breaks other than ``\\n`` (CR, NEL, the Unicode separators) is left to the
whole-text parse, which counts them its own way.
"""

from __future__ import annotations

import json
import re
from array import array
from collections.abc import Callable

from . import _yaml

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODE = json.JSONDecoder().raw_decode
# The decoder's own string scanner (C when available); typeshed does not list it.
_STRING: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029]")


class _Lines:
    """0-based line and column of increasing offsets, counting only the text between two questions."""

    __slots__ = ("at", "line", "line_start", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.line = 0
        self.line_start = 0

    def __call__(self, pos: int) -> tuple[int, int]:
        text = self.text
        breaks = text.count("\n", self.at, pos)
        if breaks:
            self.line += breaks
            self.line_start = text.rfind("\n", self.at, pos) + 1
        self.at = pos
        return self.line, pos - self.line_start


def _skip(text: str, i: int) -> int:
    found = _SPACE.match(text, i)
    return found.end() if found else i


def item_index(text: str) -> _yaml.ItemIndex | None:
    """The `ItemIndex` of JSON list document *text*, or ``None`` when it is not one (or not plain enough)."""
    if _OTHER_BREAKS.search(text):
        return None
    try:
        return _scan(text)
    except (ValueError, IndexError, RecursionError):
        return None


def _scan(text: str) -> _yaml.ItemIndex | None:
    i = _skip(text, 0)
    if text[i] != "{":
        return None
    i += 1
    found: _yaml.ItemIndex | None = None
    while True:
        i = _skip(text, i)
        if text[i] == "}":
            return found
        key, i = _STRING(text, i + 1)
        i = _skip(text, i)
        if text[i] != ":":
            return None
        i = _skip(text, i + 1)
        if key == "items" and text[i] == "[":
            found, i = _items(text, i + 1)
        else:
            _, i = _DECODE(text, i)
        i = _skip(text, i)
        if text[i] == ",":
            i += 1


def _items(text: str, i: int) -> tuple[_yaml.ItemIndex, int]:
    lines = _Lines(text)
    spans = array("q")
    fields: dict[int, tuple[_yaml.Field, ...]] = {}
    i = _skip(text, i)
    n = 0
    while text[i] != "]":
        start = i
        line, column = lines(start)
        _, end = _DECODE(text, start)
        spans.extend((start, end, line, column))
        if end - start >= _yaml.FIELDS_FROM and text[start] == "{":
            fields[n] = _fields(text, start + 1, lines)
        n += 1
        i = _skip(text, end)
        if text[i] == ",":
            i = _skip(text, i + 1)
    return _yaml.ItemIndex(spans, fields), i + 1


def _fields(text: str, i: int, lines: _Lines) -> tuple[_yaml.Field, ...]:
    out: list[_yaml.Field] = []
    while True:
        i = _skip(text, i)
        if text[i] == "}":
            return tuple(out)
        key_line, key_column = lines(i)
        key, i = _STRING(text, i + 1)
        i = _skip(text, _skip(text, i) + 1)  # Past the colon.
        line, column = lines(i)
        _, end = _DECODE(text, i)
        out.append(_yaml.Field(key, key_line, key_column, i, end, line, column))
        i = _skip(text, end)
        if text[i] == ",":
            i += 1
