"""go-yaml v2's and Go's formatting rules, as used by the kubectl-exact emitter.

This module holds the decisions kubectl's output pipeline makes about single values:

* numbers: how Go's ``encoding/json`` writes a float64, and how go-yaml then re-reads and
  re-writes that JSON text (integers stay integers up to 64 bits, everything else goes
  through ``strconv.FormatFloat(f, 'g', -1, 64)``);
* strings: whether plain text would resolve as another type (go-yaml's resolver, including
  YAML 1.1 booleans, Go ``time.Parse`` timestamps and base-60 numbers), what go-yaml's
  emitter concludes from scanning a scalar, which style it picks, and how it writes the
  scalar character by character, folding at spaces once the column passes 80;
* mapping keys: go-yaml's ``keyList.Less`` comparator.

Everything here mirrors observable behaviour that the tests pin against kubectl output.
"""

from __future__ import annotations

import math
import re
from functools import cmp_to_key

__all__ = [
    "BEST_WIDTH",
    "INT64_END",
    "INT64_MIN",
    "KEY_ORDER",
    "LITERAL",
    "Analysis",
    "Writer",
    "clean",
    "end_chunk",
    "json_number",
    "render_key",
    "select_style",
    "simple_chunk",
    "write_scalar",
    "yaml_number",
]

BEST_WIDTH = 80
_MAX_SIMPLE_KEY_BYTES = 128
INT64_MIN = -(1 << 63)
INT64_END = 1 << 63
_UINT64_END = 1 << 64

# Scalar styles, as small ints so that comparisons stay cheap.
_PLAIN = 0
_SINGLE = 1
_DOUBLE = 2
LITERAL = 3

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


def json_number(value: int | float) -> str:
    """Return the JSON text kubectl prints for a number (ints beyond int64 become floats)."""
    if isinstance(value, int):
        if INT64_MIN <= value < INT64_END:
            return int.__repr__(value)
        value = _as_float(value)
    return _go_json_float(value)


def yaml_number(value: int | float) -> str:
    """Return the YAML text kubectl prints for a number after its JSON round trip."""
    if isinstance(value, int) and INT64_MIN <= value < INT64_END:
        return int.__repr__(value)
    f = _as_float(value)
    text = _go_json_float(f)
    if "." not in text and "e" not in text:
        # go-yaml reads integral JSON text as an int when it fits 64 bits.
        number = int(text)
        if INT64_MIN <= number < _UINT64_END:
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
    return number <= INT64_END if negative else number < INT64_END


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


class Analysis:
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


def select_style(s: str, analysis: Analysis, *, simple_key: bool) -> int:
    if "\n" in s:
        style = LITERAL
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
    if style == LITERAL and (not analysis.block_allowed or simple_key):
        style = _DOUBLE
    return style


# --------------------------------------------------------------------------------------
# Scalar writers: each follows go-yaml's emitter character by character, tracking the
# column so that folding at the best width happens exactly where go-yaml folds.


class Writer:
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


def _write_plain(w: Writer, s: str, allow_breaks: bool) -> None:
    if not w.whitespace:
        w.put(" ")
    spaces = breaks = False
    last = len(s) - 1
    for i, c in enumerate(s):
        if c == " ":
            if allow_breaks and not spaces and w.column > BEST_WIDTH and not (i < last and s[i + 1] == " "):
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


def _write_single(w: Writer, s: str, allow_breaks: bool) -> None:
    w.indicator("'", need_whitespace=True)
    spaces = breaks = False
    last = len(s) - 1
    for i, c in enumerate(s):
        if c == " ":
            if allow_breaks and not spaces and w.column > BEST_WIDTH and 0 < i < last and s[i + 1] != " ":
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


def _write_double(w: Writer, s: str, allow_breaks: bool) -> None:
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
            if allow_breaks and not spaces and w.column > BEST_WIDTH and 0 < i < last:
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


def _write_literal(w: Writer, s: str) -> None:
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


def write_scalar(w: Writer, s: str, style: int, allow_breaks: bool) -> None:
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


def clean(s: str) -> str:
    """Apply what the JSON round trip inside kubectl does to a string's content."""
    if not s.isascii():
        if _SURROGATE.search(s) is not None:
            s = _SURROGATE.sub("\ufffd", s)
        if "\x85" in s:
            # A raw NEL inside a JSON string is a line break to go-yaml's scanner, which folds
            # it (and the spaces around it) like any line break in a double-quoted scalar.
            s = _NEL_RUN.sub(_fold_nel, s)
    return s


def end_chunk(w: Writer) -> str:
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
        an = (an + INT64_END) % _UINT64_END - INT64_END
        bn = (bn + INT64_END) % _UINT64_END - INT64_END
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ca < cb
    return len(a) < len(b)


KEY_ORDER = cmp_to_key(_go_key_compare)


def render_key(key: str) -> str:
    """Render a simple key with its colon, or return "" when it needs the ``?`` form."""
    s = clean(key)
    analysis = Analysis(s)
    if analysis.multiline or len(s.encode("utf-8")) > _MAX_SIMPLE_KEY_BYTES:
        return ""
    w = Writer(0, 2, whitespace=True)
    write_scalar(w, s, select_style(s, analysis, simple_key=True), False)
    return "".join(w.parts) + ":"


def simple_chunk(value: str) -> str | None:
    """Return the value chunk of a common, position-independent string, else None.

    IPs, names, UIDs, zones and timestamps match ``_SIMPLE``; deciding their quoting
    needs no character-by-character analysis.
    """
    if _SIMPLE.match(value) is None:
        return None
    first = value[0]
    if first in _HINT_MAP:
        quoted = value in _RESOLVED_WORDS
    elif first <= "9":
        quoted = _resolves_as_non_string(value) or _is_base60_float(value)
    else:
        quoted = False
    return ' "' + value + '"\n' if quoted else " " + value + "\n"
