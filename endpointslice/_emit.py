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

import math
import re
from collections.abc import Iterable, Mapping
from functools import cmp_to_key
from json.encoder import encode_basestring
from typing import Any

__all__ = ["emit_json", "emit_yaml", "emit_yaml_stream"]

_BEST_WIDTH = 80
_MAX_SIMPLE_KEY_BYTES = 128
_INT64_MIN = -(1 << 63)
_INT64_END = 1 << 63
_UINT64_END = 1 << 64

_SPACES = tuple(" " * n for n in range(64))

# Scalar styles, as small ints so that comparisons stay cheap.
_PLAIN = 0
_SINGLE = 1
_DOUBLE = 2
_LITERAL = 3

_BREAKS = frozenset("\r\n\x85\u2028\u2029")
_BLANKZ = frozenset(" \t\r\n\x85\u2028\u2029\x00")
_FIRST_INDICATORS = frozenset("#,[]{}&*!|>'\"%@`")

# Plain spellings that go-yaml v2 reads as booleans, nulls, special floats or merge keys.
_RESOLVED_WORDS = frozenset(
    (
        *("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"),
        *("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"),
        *("~", "null", "Null", "NULL"),
        *(".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"),
    )
)
_HINT_MAP = frozenset("yYnNtTfFoO~")
_HINT_NUMBER = frozenset("+-0123456789")

# Strings made of these characters, starting with a letter or digit and not ending with a
# colon, contain no indicator, space, break or escape: plain unless they resolve as another
# type, and then double-quoted verbatim. Their text never depends on the position.
_SIMPLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/:-]*(?<!:)\Z")
_YAML_STYLE_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_DOT_FLOAT = re.compile(r"\.[0-9]+(?:[eE][-+]?[0-9]+)?\Z")
_BASE60_FLOAT = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z")
_NEL_RUN = re.compile(" *(?:\x85 *)+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_EXTRA_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_EXTRA = re.compile("[<>&\u2028\u2029]")

_DOUBLE_ESCAPES = {
    "\x00": "0",
    "\x07": "a",
    "\x08": "b",
    "\t": "t",
    "\n": "n",
    "\x0b": "v",
    "\x0c": "f",
    "\r": "r",
    "\x1b": "e",
    '"': '"',
    "\\": "\\",
    "\x85": "N",
    "\xa0": "_",
    "\u2028": "L",
    "\u2029": "P",
}


# --------------------------------------------------------------------------------------
# Numbers


def _shortest_digits(f: float) -> tuple[str, int]:
    """Return the shortest round-tripping digits of ``abs(f)`` and the decimal point position.

    The value equals ``0.<digits> * 10**point``; Python's ``repr`` and Go's shortest
    formatting agree on the digits.
    """
    text = repr(abs(f))
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    if fraction == "0":
        fraction = ""
    digits = (whole + fraction).lstrip("0")
    point = len(whole) + (int(exponent) if exponent else 0)
    if whole == "0":
        stripped = fraction.lstrip("0")
        point -= 1 + len(fraction) - len(stripped)
    digits = digits.rstrip("0") or "0"
    return digits, point


def _format_e(negative: bool, digits: str, point: int, min_exp_digits: int) -> str:
    exp = point - 1
    body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    sign = "-" if exp < 0 else "+"
    return ("-" if negative else "") + body + "e" + sign + str(abs(exp)).rjust(min_exp_digits, "0")


def _format_f(negative: bool, digits: str, point: int) -> str:
    if point <= 0:
        body = "0." + "0" * (-point) + digits
    elif point >= len(digits):
        body = digits + "0" * (point - len(digits))
    else:
        body = digits[:point] + "." + digits[point:]
    return ("-" if negative else "") + body


def _go_json_float(f: float) -> str:
    """Format ``f`` as Go's ``encoding/json`` does for a float64."""
    if math.isnan(f) or math.isinf(f):
        msg = f"unsupported float value {f!r}: JSON has no representation for it"
        raise ValueError(msg)
    negative = math.copysign(1.0, f) < 0
    if f == 0:
        return "-0" if negative else "0"
    digits, point = _shortest_digits(f)
    magnitude = abs(f)
    if magnitude < 1e-6 or magnitude >= 1e21:
        return _format_e(negative, digits, point, 1)
    return _format_f(negative, digits, point)


def _go_yaml_float(f: float) -> str:
    """Format ``f`` as go-yaml v2 does (``strconv.FormatFloat(f, 'g', -1, 64)``)."""
    if f == 0:
        return "-0" if math.copysign(1.0, f) < 0 else "0"
    digits, point = _shortest_digits(f)
    exp = point - 1
    if exp < -4 or exp >= 6:
        return _format_e(f < 0, digits, point, 2)
    return _format_f(f < 0, digits, point)


def _as_float(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:
        msg = f"integer {value} is out of the range of a JSON number"
        raise ValueError(msg) from None


def _json_number(value: int | float) -> str:
    """Return the JSON text kubectl prints for a number (ints beyond int64 become floats)."""
    if isinstance(value, int):
        if _INT64_MIN <= value < _INT64_END:
            return int.__repr__(value)
        value = _as_float(value)
    return _go_json_float(value)


def _yaml_number(value: int | float) -> str:
    """Return the YAML text kubectl prints for a number after its JSON round trip."""
    if isinstance(value, int) and _INT64_MIN <= value < _INT64_END:
        return int.__repr__(value)
    f = _as_float(value)
    text = _go_json_float(f)
    if "." not in text and "e" not in text:
        # go-yaml reads integral JSON text as an int when it fits 64 bits.
        number = int(text)
        if _INT64_MIN <= number < _UINT64_END:
            return str(number)
    return _go_yaml_float(f)


# --------------------------------------------------------------------------------------
# Plain-scalar resolution (would an unquoted string read back as something else?)


def _digit_value(c: str) -> int:
    if "0" <= c <= "9":
        return ord(c) - 48
    if "a" <= c <= "z":
        return ord(c) - 87
    if "A" <= c <= "Z":
        return ord(c) - 55
    return 99


def _go_parse_uint(s: str, base: int) -> int | None:
    """Mirror ``strconv.ParseUint(s, base, 64)`` for base 0 or 2 on underscore-free text."""
    if not s:
        return None
    if base == 0:
        base = 10
        if s[0] == "0":
            prefix = s[1:2].lower()
            if len(s) >= 3 and prefix in ("b", "o", "x"):
                base = {"b": 2, "o": 8, "x": 16}[prefix]
                s = s[2:]
            else:
                base = 8
                s = s[1:]
    number = 0
    for c in s:
        digit = _digit_value(c)
        if digit >= base:
            return None
        number = number * base + digit
    if number >= _UINT64_END:
        return None
    return number


def _go_parse_int_ok(s: str, base: int) -> bool:
    """Mirror whether ``strconv.ParseInt(s, base, 64)`` succeeds."""
    if not s:
        return False
    negative = False
    if s[0] in "+-":
        negative = s[0] == "-"
        s = s[1:]
    number = _go_parse_uint(s, base)
    if number is None:
        return False
    return number <= _INT64_END if negative else number < _INT64_END


def _getnum(s: str, pos: int) -> tuple[int, int] | None:
    """Read a one- or two-digit number as Go's ``time`` package does for ``1``/``2``/``15``."""
    if pos >= len(s) or not ("0" <= s[pos] <= "9"):
        return None
    if pos + 1 < len(s) and "0" <= s[pos + 1] <= "9":
        return int(s[pos : pos + 2]), pos + 2
    return int(s[pos]), pos + 1


def _days_in(month: int, year: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _parse_clock(s: str, pos: int) -> int | None:
    """Parse ``15:4:5`` plus optional fraction; return the position after it."""
    limits = (24, 60, 60)
    for index, limit in enumerate(limits):
        if index:
            if pos >= len(s) or s[pos] != ":":
                return None
            pos += 1
        got = _getnum(s, pos)
        if got is None or got[0] >= limit:
            return None
        pos = got[1]
    if pos + 1 < len(s) and s[pos] in ".," and "0" <= s[pos + 1] <= "9":
        pos += 1
        while pos < len(s) and "0" <= s[pos] <= "9":
            pos += 1
    return pos


def _is_timestamp(s: str) -> bool:
    """Mirror go-yaml v2's ``parseTimestamp`` (Go ``time.Parse`` with its four layouts)."""
    if len(s) < 5 or s[4] != "-" or not all("0" <= c <= "9" for c in s[:4]):
        return False
    year = int(s[:4])
    month_got = _getnum(s, 5)
    if month_got is None or not 1 <= month_got[0] <= 12:
        return False
    month, pos = month_got
    if pos >= len(s) or s[pos] != "-":
        return False
    day_got = _getnum(s, pos + 1)
    if day_got is None:
        return False
    day, pos = day_got
    if day < 1 or day > _days_in(month, year):
        return False
    if pos == len(s):
        return True
    separator = s[pos]
    if separator in "Tt":
        end = _parse_clock(s, pos + 1)
        if end is None:
            return False
        rest = s[end:]
        if rest == "Z":
            return True
        if len(rest) != 6 or rest[3] != ":" or rest[0] not in "+-":
            return False
        if not all("0" <= rest[k] <= "9" for k in (1, 2, 4, 5)):
            return False
        return int(rest[1:3]) <= 24 and int(rest[4:6]) <= 60
    if separator == " ":
        while pos < len(s) and s[pos] == " ":
            pos += 1
        return _parse_clock(s, pos) == len(s)
    return False


def _resolves_as_non_string(s: str) -> bool:
    """Return whether go-yaml v2 would read ``s`` written plain as a non-string."""
    if not s:
        return True
    first = s[0]
    if first in _HINT_NUMBER:
        pass
    elif first in _HINT_MAP:
        return s in _RESOLVED_WORDS
    elif first == ".":
        if s in _RESOLVED_WORDS:
            return True
        return _DOT_FLOAT.match(s) is not None and not math.isinf(float(s))
    else:
        return False
    if s in _RESOLVED_WORDS or _is_timestamp(s):
        return True
    plain = s.replace("_", "")
    if _go_parse_int_ok(plain, 0) or _go_parse_uint(plain, 0) is not None:
        return True
    if _YAML_STYLE_FLOAT.match(plain) is not None and not math.isinf(float(plain)):
        return True
    if plain.startswith("0b"):
        rest = plain[2:]
        return _go_parse_int_ok(rest, 2) or _go_parse_uint(rest, 2) is not None
    if plain.startswith("-0b"):
        return _go_parse_int_ok("-" + plain[3:], 2)
    return False


def _is_base60_float(s: str) -> bool:
    if not s or s[0] not in _HINT_NUMBER or ":" not in s:
        return False
    return _BASE60_FLOAT.match(s) is not None


def _printable(c: str) -> bool:
    o = ord(c)
    return o == 0x0A or 0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF or (0xE000 <= o <= 0xFFFD and o != 0xFEFF)


class _Analysis:
    """What go-yaml's emitter concludes about a scalar (only the block-context flags)."""

    __slots__ = ("block_allowed", "multiline", "plain_allowed", "single_allowed")

    def __init__(self, s: str) -> None:
        if not s:
            self.multiline = False
            self.plain_allowed = True
            self.single_allowed = True
            self.block_allowed = False
            return
        indicators = s.startswith(("---", "..."))
        leading_space = leading_break = trailing_space = trailing_break = False
        break_space = space_break = special = line_breaks = False
        preceded_by_whitespace = True
        previous_space = previous_break = False
        last = len(s) - 1
        for i, c in enumerate(s):
            followed_by_whitespace = i == last or s[i + 1] in " \t"
            if i == 0:
                if c in _FIRST_INDICATORS or (c in "?:-" and followed_by_whitespace):
                    indicators = True
            elif (c == ":" and followed_by_whitespace) or (c == "#" and preceded_by_whitespace):
                indicators = True
            if not _printable(c):
                special = True
            if c == " ":
                leading_space = leading_space or i == 0
                trailing_space = trailing_space or i == last
                break_space = break_space or previous_break
                previous_space, previous_break = True, False
            elif c in _BREAKS:
                line_breaks = True
                leading_break = leading_break or i == 0
                trailing_break = trailing_break or i == last
                space_break = space_break or previous_space
                previous_space, previous_break = False, True
            else:
                previous_space = previous_break = False
            preceded_by_whitespace = c in _BLANKZ
        plain = not (leading_space or leading_break or trailing_space or trailing_break)
        single = block = True
        if trailing_space:
            block = False
        if break_space:
            plain = single = False
        if space_break or special:
            plain = single = block = False
        if line_breaks or indicators:
            plain = False
        self.multiline = line_breaks
        self.plain_allowed = plain
        self.single_allowed = single
        self.block_allowed = block


def _select_style(s: str, analysis: _Analysis, *, simple_key: bool) -> int:
    if "\n" in s:
        style = _LITERAL
    elif not _resolves_as_non_string(s) and not _is_base60_float(s):
        style = _PLAIN
    else:
        style = _DOUBLE
    if simple_key and analysis.multiline:
        style = _DOUBLE
    if style == _PLAIN and (not analysis.plain_allowed or (not s and simple_key)):
        style = _SINGLE
    if style == _SINGLE and not analysis.single_allowed:
        style = _DOUBLE
    if style == _LITERAL and (not analysis.block_allowed or simple_key):
        style = _DOUBLE
    return style


# --------------------------------------------------------------------------------------
# Scalar writers: each follows go-yaml's emitter character by character, tracking the
# column so that folding at the best width happens exactly where go-yaml folds.


class _Writer:
    """A tiny stand-in for go-yaml's output state while one scalar is written."""

    __slots__ = ("column", "indent", "indention", "parts", "whitespace")

    def __init__(self, column: int, indent: int, *, whitespace: bool) -> None:
        self.parts: list[str] = []
        self.column = column
        self.indent = indent
        self.whitespace = whitespace
        self.indention = False

    def put(self, text: str) -> None:
        self.parts.append(text)
        self.column += len(text)

    def put_break(self) -> None:
        self.parts.append("\n")
        self.column = 0

    def write_break(self, c: str) -> None:
        if c == "\n":
            self.put_break()
        else:
            self.parts.append(c)
            self.column = 0

    def write_indent(self) -> None:
        indent = max(self.indent, 0)
        if not self.indention or self.column > indent or (self.column == indent and not self.whitespace):
            self.put_break()
        if self.column < indent:
            self.put(" " * (indent - self.column))
        self.whitespace = True
        self.indention = True

    def indicator(self, text: str, *, need_whitespace: bool, is_indention: bool = False) -> None:
        if need_whitespace and not self.whitespace:
            self.put(" ")
        self.put(text)
        self.whitespace = False
        self.indention = self.indention and is_indention


def _write_plain(w: _Writer, s: str, allow_breaks: bool) -> None:
    if not w.whitespace:
        w.put(" ")
    spaces = breaks = False
    last = len(s) - 1
    for i, c in enumerate(s):
        if c == " ":
            if allow_breaks and not spaces and w.column > _BEST_WIDTH and not (i < last and s[i + 1] == " "):
                w.write_indent()
            else:
                w.put(c)
            spaces = True
        elif c in _BREAKS:
            if not breaks and c == "\n":
                w.put_break()
            w.write_break(c)
            w.indention = True
            breaks = True
        else:
            if breaks:
                w.write_indent()
            w.put(c)
            w.indention = False
            spaces = breaks = False
    w.whitespace = False
    w.indention = False


def _write_single(w: _Writer, s: str, allow_breaks: bool) -> None:
    w.indicator("'", need_whitespace=True)
    spaces = breaks = False
    last = len(s) - 1
    for i, c in enumerate(s):
        if c == " ":
            if allow_breaks and not spaces and w.column > _BEST_WIDTH and 0 < i < last and s[i + 1] != " ":
                w.write_indent()
            else:
                w.put(c)
            spaces = True
        elif c in _BREAKS:
            if not breaks and c == "\n":
                w.put_break()
            w.write_break(c)
            w.indention = True
            breaks = True
        else:
            if breaks:
                w.write_indent()
            w.put("''" if c == "'" else c)
            w.indention = False
            spaces = breaks = False
    w.indicator("'", need_whitespace=False)


def _escape(c: str) -> str:
    named = _DOUBLE_ESCAPES.get(c)
    if named is not None:
        return "\\" + named
    o = ord(c)
    if o <= 0xFF:
        return f"\\x{o:02X}"
    if o <= 0xFFFF:
        return f"\\u{o:04X}"
    return f"\\U{o:08X}"


def _write_double(w: _Writer, s: str, allow_breaks: bool) -> None:
    w.indicator('"', need_whitespace=True)
    # go-yaml tests for a byte order mark at the start of the value rather than at the
    # current character, so a leading BOM makes it escape every character.
    escape_all = s.startswith("\ufeff")
    spaces = False
    last = len(s) - 1
    for i, c in enumerate(s):
        if escape_all or not _printable(c) or c in _BREAKS or c in '"\\':
            w.put(_escape(c))
            spaces = False
        elif c == " ":
            if allow_breaks and not spaces and w.column > _BEST_WIDTH and 0 < i < last:
                w.write_indent()
                if s[i + 1] == " ":
                    w.put("\\")
            else:
                w.put(c)
            spaces = True
        else:
            w.put(c)
            spaces = False
    w.indicator('"', need_whitespace=False)


def _write_literal(w: _Writer, s: str) -> None:
    w.indicator("|", need_whitespace=True)
    if s[:1] == " " or s[:1] in _BREAKS:
        # The indentation hint is go-yaml's best indent.
        w.put("2")
    if s[-1:] not in _BREAKS:
        w.put("-")
    elif len(s) == 1 or s[-2] in _BREAKS:
        w.put("+")
    w.put_break()
    w.indention = True
    w.whitespace = True
    breaks = True
    for c in s:
        if c in _BREAKS:
            w.write_break(c)
            w.indention = True
            breaks = True
        else:
            if breaks:
                w.write_indent()
            w.put(c)
            w.indention = False
            breaks = False


def _write_scalar(w: _Writer, s: str, style: int, allow_breaks: bool) -> None:
    if style == _PLAIN:
        _write_plain(w, s, allow_breaks)
    elif style == _SINGLE:
        _write_single(w, s, allow_breaks)
    elif style == _DOUBLE:
        _write_double(w, s, allow_breaks)
    else:
        _write_literal(w, s)


def _fold_nel(match: re.Match[str]) -> str:
    breaks = match.group().count("\x85")
    return " " if breaks == 1 else "\n" * (breaks - 1)


def _clean(s: str) -> str:
    """Apply what the JSON round trip inside kubectl does to a string's content."""
    if not s.isascii():
        if _SURROGATE.search(s) is not None:
            s = _SURROGATE.sub("\ufffd", s)
        if "\x85" in s:
            # A raw NEL inside a JSON string is a line break to go-yaml's scanner, which folds
            # it (and the spaces around it) like any line break in a double-quoted scalar.
            s = _NEL_RUN.sub(_fold_nel, s)
    return s


def _chunk(w: _Writer) -> str:
    """Join a writer's output, ending the line unless the scalar already ended one."""
    text = "".join(w.parts)
    if w.column != 0 or not text or text[-1] not in _BREAKS:
        text += "\n"
    return text


# --------------------------------------------------------------------------------------
# Key ordering


def _go_key_compare(a: str, b: str) -> int:
    """Order two keys as go-yaml v2's ``keyList.Less`` does."""
    if a == b:
        return 0
    return -1 if _go_key_less(a, b) else 1


def _go_key_less(a: str, b: str) -> bool:
    for i in range(min(len(a), len(b))):
        ca = a[i]
        cb = b[i]
        if ca == cb:
            continue
        a_letter = ca.isalpha()
        b_letter = cb.isalpha()
        if a_letter and b_letter:
            return ca < cb
        if a_letter or b_letter:
            return b_letter
        an = bn = 0
        if ca == "0" or cb == "0":
            j = i - 1
            while j >= 0 and a[j].isdecimal():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and a[ai].isdecimal():
            an = an * 10 + ord(a[ai]) - 48
            ai += 1
        bi = i
        while bi < len(b) and b[bi].isdecimal():
            bn = bn * 10 + ord(b[bi]) - 48
            bi += 1
        # Go accumulates in int64 and wraps around on overflow.
        an = (an + _INT64_END) % _UINT64_END - _INT64_END
        bn = (bn + _INT64_END) % _UINT64_END - _INT64_END
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ca < cb
    return len(a) < len(b)


_KEY_ORDER = cmp_to_key(_go_key_compare)


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
            s = _clean(data if type(data) is str else str.__str__(data))
            w = _Writer(0, 2, whitespace=True)
            _write_scalar(w, s, _select_style(s, _Analysis(s), simple_key=False), True)
            self._append(_chunk(w))
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
            elif kind is int and _INT64_MIN <= value < _INT64_END:
                append(" " + int.__repr__(value) + "\n")
            elif value is None:
                append(" null\n")
            elif isinstance(value, Mapping):
                if value:
                    append("\n")
                    self._mapping(value, inner, _pad(inner))
                else:
                    append(" {}\n")
            elif isinstance(value, (list, tuple)):
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
            if type(value) is str:
                chunk = values.get(value)
                if chunk is None:
                    chunk = self._string_chunk(value, inner, indent + 1)
                append(chunk)
            elif isinstance(value, Mapping):
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
        s = _clean(key)
        w = _Writer(indent, indent + 2, whitespace=True)
        w.indention = True
        w.indicator("?", need_whitespace=True, is_indention=True)
        _write_scalar(w, s, _select_style(s, _Analysis(s), simple_key=False), True)
        append(_chunk(w))
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
        for key in sorted(sorted(keys), key=_KEY_ORDER):
            rendered = rendered_keys.get(key)
            if rendered is None:
                rendered = _render_key(key if type(key) is str else str.__str__(key))
                rendered_keys[key] = rendered
            order.append((key, rendered))
        self._orders[keys] = order
        return order

    def _string_chunk(self, value: str, indent: int, column: int) -> str:
        """Render a string written after an indicator that ends at ``column``."""
        if _SIMPLE.match(value) is not None:
            first = value[0]
            if first in _HINT_MAP:
                quoted = value in _RESOLVED_WORDS
            elif first <= "9":
                quoted = _resolves_as_non_string(value) or _is_base60_float(value)
            else:
                quoted = False
            chunk = ' "' + value + '"\n' if quoted else " " + value + "\n"
            self._values[value] = chunk
            return chunk
        wide = self._wide.get(value)
        if wide is None:
            s = _clean(value)
            analysis = _Analysis(s)
            style = _select_style(s, analysis, simple_key=False)
            if style != _LITERAL and " " not in s and not analysis.multiline:
                w = _Writer(0, indent, whitespace=False)
                _write_scalar(w, s, style, False)
                chunk = _chunk(w)
                if type(value) is str:
                    self._values[value] = chunk
                return chunk
            chunk = ""
            if style != _LITERAL and not analysis.multiline:
                w = _Writer(0, indent, whitespace=False)
                _write_scalar(w, s, style, False)
                chunk = _chunk(w)
            wide = (s, style, chunk)
            self._wide[value] = wide
        s, style, chunk = wide
        # Folding needs a space past the best width; a short enough line never has one.
        if chunk and column + len(chunk) <= _BEST_WIDTH:
            return chunk
        w = _Writer(column, indent, whitespace=False)
        _write_scalar(w, s, style, True)
        return _chunk(w)

    def _scalar_chunk(self, value: object, indent: int, column: int) -> str:
        """Render any scalar as a value chunk (a space, the text and a line end)."""
        if isinstance(value, str):
            return self._string_chunk(str.__str__(value), indent, column)
        if value is None:
            return " null\n"
        if isinstance(value, bool):
            return " true\n" if value else " false\n"
        if isinstance(value, (int, float)):
            return " " + _yaml_number(value) + "\n"
        msg = f"cannot emit a value of type {type(value).__name__}: {value!r}"
        raise TypeError(msg)


def _render_key(key: str) -> str:
    """Render a simple key with its colon, or return "" when it needs the ``?`` form."""
    s = _clean(key)
    analysis = _Analysis(s)
    if analysis.multiline or len(s.encode("utf-8")) > _MAX_SIMPLE_KEY_BYTES:
        return ""
    w = _Writer(0, 2, whitespace=True)
    _write_scalar(w, s, _select_style(s, analysis, simple_key=True), False)
    return "".join(w.parts) + ":"


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
        append(_json_number(value))
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
