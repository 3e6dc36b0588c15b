"""Printing untrusted text: one line, no terminal escapes, bounded length, valid XML.

Names, paths and values in messages come from the input. Printed raw, a
newline in a name forges a result line, an ESC starts a terminal escape
sequence, a NUL makes a JUnit report invalid XML, and a 10 MB name repeated
in every message turns one bad file into gigabytes of output.
"""

from __future__ import annotations

import re

#: Values quoted in messages are cut to this many characters.
VALUE_LIMIT = 256
#: Names, namespaces and paths printed beside a message are cut to this many characters.
NAME_LIMIT = 253

# C0 and C1 controls, DEL, the Unicode line and paragraph separators, and lone surrogates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# A quoted value ('...' or "...", with escapes) longer than VALUE_LIMIT.
_LONG_QUOTED = re.compile(
    r"'((?:[^'\\]|\\.){%(n)d,})'|\"((?:[^\"\\]|\\.){%(n)d,})\"" % {"n": VALUE_LIMIT + 1}  # noqa: UP031  # Braces.
)
_SURROGATES = re.compile("[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    c = match.group()
    return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def clip(text: str, limit: int = NAME_LIMIT) -> str:
    """*text* cut to *limit* characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}...({len(text) - limit} more characters)"


def shorten(message: str) -> str:
    """*message* with every quoted value longer than `VALUE_LIMIT` cut, and the whole kept within bounds."""
    if len(message) <= VALUE_LIMIT:
        return message

    def cut(match: re.Match[str]) -> str:
        quote = match.group()[0]
        body = match.group(1) if match.group(1) is not None else match.group(2)
        return f"{quote}{body[:VALUE_LIMIT]}{quote}...({len(body) - VALUE_LIMIT} more characters)"

    return clip(_LONG_QUOTED.sub(cut, message), 8 * VALUE_LIMIT)


def printable(text: str, *, limit: int | None = None) -> str:
    """*text* as one safe line: control characters, separators and lone surrogates escaped.

    >>> printable("web\\n\\x1b[31mok")
    'web\\\\n\\\\x1b[31mok'
    """
    if limit is not None:
        text = clip(text, limit)
    return _UNSAFE.sub(_escape, text)


def no_surrogates(text: str) -> str:
    """*text* with lone surrogates (which no UTF-8 stream can take) replaced by U+FFFD."""
    return _SURROGATES.sub("\ufffd", text)


def line(text: str) -> str:
    """A message from the input made safe to print as one line: long values cut, controls escaped."""
    return printable(shorten(text))
