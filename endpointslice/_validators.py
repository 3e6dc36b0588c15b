"""String-level checks behind `endpointslice.validation`, written to match the apiserver's.

Every ``is_*`` function returns the list of problem descriptions the
apiserver's helper of the same purpose would return (empty when the value is
fine), in the same order and with the same wording, so that callers can wrap
each one in a field error exactly where the apiserver does.

IP addresses are parsed twice, as the apiserver does:

* `parse_ip_sloppy` follows the Go 1.16 ``net.ParseIP`` that Kubernetes keeps
  for old fields: IPv4 octets may carry any number of leading zeros, IPv6
  groups any number of hex digits, and an IPv4 tail may end an IPv6 address.
* `is_strict_ip_syntax` tells whether the modern parser (``netip.ParseAddr``)
  would accept the same text, which differs only for those leading zeros.

The parsed form is a 16-byte ``int`` in which IPv4 addresses are stored
IPv4-mapped (``::ffff:a.b.c.d``), as Go's ``net.IP`` stores them, so that
family tests and special-range tests treat a mapped address as IPv4.
"""

from __future__ import annotations

import json
import re

__all__ = [
    "BYTES_WORDING",
    "IP_EXAMPLE_MESSAGE",
    "cidr_problems",
    "format_ip",
    "go_json",
    "go_quote",
    "ip_special_messages",
    "is_dns1035_label",
    "is_dns1123_label",
    "is_dns1123_subdomain",
    "is_ipv4_mapped_form",
    "is_label_value",
    "is_port_name",
    "is_qualified_name",
    "is_strict_ip_syntax",
    "mask_trailing_dash",
    "parse_ip_sloppy",
]

#: First version whose label messages say "bytes" and "a valid label key".
BYTES_WORDING = (1, 35)

IP_EXAMPLE_MESSAGE = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"

_V4_MAPPED_PREFIX = 0xFFFF << 32
_V4_MASK = 0xFFFFFFFF

# ---------------------------------------------------------------------------
# Quoting, as Go's %q (strconv.Quote) and encoding/json do it.

_GO_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
    '"': '\\"',
}
_PLAIN = re.compile(r"[ !#-\[\]-~]*")


def go_quote(text: str) -> str:
    """Quote *text* as Go's ``%q`` verb does (``strconv.Quote``).

    >>> go_quote('a"b\\n')
    '"a\\\\"b\\\\n"'
    """
    if _PLAIN.fullmatch(text):
        return '"' + text + '"'
    out = ['"']
    for ch in text:
        esc = _GO_ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
            continue
        code = ord(ch)
        if code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif ch.isprintable():
            out.append(ch)
        elif 0xD800 <= code <= 0xDFFF:
            # A lone surrogate (from a JSON escape) reaches Go as the replacement rune.
            out.append("\ufffd")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


_HTML_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_HTML_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def go_json(value: object) -> str:
    """Render *value* as Go's ``json.Marshal`` would: compact and HTML-safe; dicts keep their order (Go structs).

    >>> go_json(["a<b", None, 3])
    '["a\\\\u003cb",null,3]'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if _HTML_UNSAFE_RE.search(text):
        text = _HTML_UNSAFE_RE.sub(lambda m: _HTML_UNSAFE[m.group(0)], text)
    # A lone surrogate (from a JSON escape) reaches Go as the replacement rune.
    return _SURROGATE_RE.sub("\ufffd", text)


# ---------------------------------------------------------------------------
# Names.

_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
_DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_VALUE_FMT = "(" + _LABEL_KEY_FMT + ")?"

_DNS1123_LABEL_RE = re.compile(_DNS1123_LABEL_FMT)
_DNS1123_SUBDOMAIN_RE = re.compile(_DNS1123_SUBDOMAIN_FMT)
_DNS1035_LABEL_RE = re.compile(_DNS1035_LABEL_FMT)
_LABEL_KEY_RE = re.compile(_LABEL_KEY_FMT)


def _regex_error(msg: str, fmt: str, *examples: str) -> str:
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    shown = " or ".join(f"'{e}', " for e in examples)
    return f"{msg} (e.g. {shown}regex used for validation is '{fmt}')"


def _max_len(n: int, unit: str = "characters") -> str:
    return f"must be no more than {n} {unit}"


_DNS1123_LABEL_MSG = _regex_error(
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character",
    _DNS1123_LABEL_FMT,
    "my-name",
    "123-abc",
)
_DNS1123_SUBDOMAIN_MSG = _regex_error(
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character",
    _DNS1123_SUBDOMAIN_FMT,
    "example.com",
)
_DNS1035_LABEL_MSG = _regex_error(
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
    "start with an alphabetic character, and end with an alphanumeric character",
    _DNS1035_LABEL_FMT,
    "my-name",
    "abc-123",
)
_LABEL_KEY_BODY = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
)
_LABEL_KEY_MSG = _regex_error(_LABEL_KEY_BODY, _LABEL_KEY_FMT, "MyName", "my.name", "123-abc")
_LABEL_VALUE_MSG = _regex_error(
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character",
    _LABEL_VALUE_FMT,
    "MyValue",
    "my_value",
    "12345",
)
_PREFIX_SUFFIX = " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"


def is_dns1123_label(value: str) -> list[str]:
    """Problems with *value* as an RFC 1123 label (≤63, lower case, no dots)."""
    if len(value) <= 63 and _DNS1123_LABEL_RE.fullmatch(value):
        return []
    errs = []
    if len(value) > 63:
        errs.append(_max_len(63))
    if not _DNS1123_LABEL_RE.fullmatch(value):
        if _DNS1123_SUBDOMAIN_RE.fullmatch(value):
            errs.append("must not contain dots")
        else:
            errs.append(_DNS1123_LABEL_MSG)
    return errs


def is_dns1123_subdomain(value: str, unit: str = "characters") -> list[str]:
    """Problems with *value* as an RFC 1123 subdomain (≤253 bytes, as Go counts)."""
    errs = []
    if _utf8_len(value) > 253:
        errs.append(_max_len(253, unit))
    if not _DNS1123_SUBDOMAIN_RE.fullmatch(value):
        errs.append(_DNS1123_SUBDOMAIN_MSG)
    return errs


def is_dns1035_label(value: str) -> list[str]:
    """Problems with *value* as an RFC 1035 label (≤63, starts with a letter)."""
    errs = []
    if len(value) > 63:
        errs.append(_max_len(63))
    if not _DNS1035_LABEL_RE.fullmatch(value):
        errs.append(_DNS1035_LABEL_MSG)
    return errs


def mask_trailing_dash(name: str) -> str:
    """Hide one trailing ``-`` of a ``generateName`` prefix, as the apiserver does."""
    if len(name) > 1 and name.endswith("-"):
        return name[:-2] + "a"
    return name


def _utf8_len(value: str) -> int:
    return len(value) if value.isascii() else len(value.encode("utf-8", "surrogatepass"))


def is_qualified_name(value: str, version: tuple[int, int]) -> list[str]:
    """Problems with *value* as a label key ("qualified name"): ``[prefix/]name``."""
    new = version >= BYTES_WORDING
    errs: list[str] = []
    prefix, slash, name = value.partition("/")
    if not slash:
        name = value
    elif "/" in name:
        lead = "a valid label key " if new else "a qualified name "
        return [lead + _LABEL_KEY_MSG + _PREFIX_SUFFIX]
    elif not prefix:
        errs.append("prefix part must be non-empty")
    else:
        # From 1.35 the prefix is checked by the `content` package, whose length message says bytes.
        errs.extend("prefix part " + m for m in is_dns1123_subdomain(prefix, "bytes" if new else "characters"))
    if not name:
        errs.append("name part must be non-empty")
    elif _utf8_len(name) > 63:
        errs.append("name part " + _max_len(63, "bytes" if new else "characters"))
    if not _LABEL_KEY_RE.fullmatch(name):
        errs.append("name part " + _LABEL_KEY_MSG)
    return errs


def is_label_value(value: str, version: tuple[int, int]) -> list[str]:
    """Problems with *value* as a label value (may be empty)."""
    errs = []
    if _utf8_len(value) > 63:
        errs.append(_max_len(63, "bytes" if version >= BYTES_WORDING else "characters"))
    if value and not _LABEL_KEY_RE.fullmatch(value):
        errs.append(_LABEL_VALUE_MSG)
    return errs


_PORT_NAME_CHARSET = re.compile("[-a-z0-9]+")
_HAS_LETTER = re.compile("[a-z]")


def is_port_name(value: str) -> list[str]:
    """Problems with *value* as an IANA_SVC_NAME (a named ``targetPort``)."""
    errs = []
    if len(value) > 15:
        errs.append(_max_len(15))
    if not _PORT_NAME_CHARSET.fullmatch(value):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _HAS_LETTER.search(value):
        errs.append("must contain at least one letter (a-z)")
    if "--" in value:
        errs.append("must not contain consecutive hyphens")
    if value and (value[0] == "-" or value[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


# ---------------------------------------------------------------------------
# IP addresses.

_DIGITS = frozenset("0123456789")
_HEXDIGITS = frozenset("0123456789abcdefABCDEF")
_BIG = 0xFFFFFF


def _parse_v4_sloppy(s: str) -> int | None:
    parts = s.split(".")
    if len(parts) != 4:
        return None
    n = 0
    for part in parts:
        if not part or not _DIGITS.issuperset(part):
            return None
        # Go's dtoi gives up once the running value reaches 0xFFFFFF; leading
        # zeros never get it there, so only the value matters.
        octet = int(part)
        if octet > 0xFF:
            return None
        n = (n << 8) | octet
    return n


def _xtoi(s: str) -> tuple[int, int]:
    """Go's ``xtoi``: (value, characters consumed); consumed 0 means failure."""
    n = 0
    i = 0
    for ch in s:
        if ch not in _HEXDIGITS:
            break
        n = n * 16 + int(ch, 16)
        i += 1
        if n >= _BIG:
            return _BIG, 0
    return n, i


def _parse_v6_sloppy(s: str) -> int | None:
    groups: list[int] = []  # 16-bit groups; an IPv4 tail adds two
    ellipsis = -1
    if s.startswith("::"):
        ellipsis = 0
        s = s[2:]
        if not s:
            return 0
    while len(groups) < 8:
        n, c = _xtoi(s)
        if c == 0 or n > 0xFFFF:
            return None
        if c < len(s) and s[c] == ".":
            if ellipsis < 0 and len(groups) != 6:
                return None
            if len(groups) + 2 > 8:
                return None
            v4 = _parse_v4_sloppy(s)
            if v4 is None:
                return None
            groups.append(v4 >> 16)
            groups.append(v4 & 0xFFFF)
            s = ""
            break
        groups.append(n)
        s = s[c:]
        if not s:
            break
        if s[0] != ":" or len(s) == 1:
            return None
        s = s[1:]
        if s[0] == ":":
            if ellipsis >= 0:
                return None
            ellipsis = len(groups)
            s = s[1:]
            if not s:
                break
    if s:
        return None
    if len(groups) < 8:
        if ellipsis < 0:
            return None
        groups = groups[:ellipsis] + [0] * (8 - len(groups)) + groups[ellipsis:]
    elif ellipsis >= 0:
        return None
    value = 0
    for g in groups:
        value = (value << 16) | g
    return value


def parse_ip_sloppy(text: str) -> int | None:
    """Parse *text* as Kubernetes' legacy ``ParseIPSloppy`` does; ``None`` if it fails.

    IPv4 results are IPv4-mapped, as in Go's 16-byte ``net.IP``.

    >>> hex(parse_ip_sloppy("010.0.0.1"))
    '0xffff0a000001'
    """
    for ch in text:
        if ch == ".":
            v4 = _parse_v4_sloppy(text)
            return None if v4 is None else _V4_MAPPED_PREFIX | v4
        if ch == ":":
            return _parse_v6_sloppy(text)
    return None


def is_strict_ip_syntax(text: str) -> bool:
    """Whether the modern parser accepts *text*, given that the sloppy one did.

    The two differ only in leading zeros: an IPv4 octet of more than one digit
    starting with ``0``, or an IPv6 group of more than four hex digits.
    """
    if ":" in text:
        head, _, tail = text.rpartition(":")
        for group in head.split(":"):
            if len(group) > 4:
                return False
        if "." in tail:
            return all(len(o) == 1 or o[0] != "0" for o in tail.split("."))
        return len(tail) <= 4
    return all(len(o) == 1 or o[0] != "0" for o in text.split("."))


def is_ipv4_mapped_form(text: str, ip: int) -> bool:
    """Whether *text* spells an IPv4 address in IPv6 syntax (``::ffff:1.2.3.4``)."""
    return ":" in text and (ip >> 32) == 0xFFFF


def is_v4(ip: int) -> bool:
    """Whether a parsed address is IPv4 (Go's ``To4() != nil``)."""
    return (ip >> 32) == 0xFFFF


def format_ip(ip: int) -> str:
    """Render a parsed address as Go's ``net.IP.String`` (RFC 5952 for IPv6).

    >>> format_ip(parse_ip_sloppy("2001:DB8:0:0:1:0:0:1"))
    '2001:db8::1:0:0:1'
    >>> format_ip(parse_ip_sloppy("1:0:2:3:4:5:6:7"))
    '1:0:2:3:4:5:6:7'
    """
    if is_v4(ip):
        return ".".join(str((ip >> s) & 0xFF) for s in (24, 16, 8, 0))
    groups = [(ip >> (16 * (7 - i))) & 0xFFFF for i in range(8)]
    best_start, best_len = -1, 0
    i = 0
    while i < 8:
        if groups[i] == 0:
            j = i
            while j < 8 and groups[j] == 0:
                j += 1
            if j - i > best_len:
                best_start, best_len = i, j - i
            i = j
        else:
            i += 1
    if best_len < 2:
        return ":".join(f"{g:x}" for g in groups)
    head = ":".join(f"{g:x}" for g in groups[:best_start])
    tail = ":".join(f"{g:x}" for g in groups[best_start + best_len :])
    return f"{head}::{tail}"


def ip_special_messages(ip: int, given: str) -> list[str]:
    """The "non-special" endpoint IP problems: unspecified, loopback, link-local."""
    errs = []
    if is_v4(ip):
        v4 = ip & _V4_MASK
        first = v4 >> 24
        if v4 == 0:
            errs.append(f"may not be unspecified ({given})")
        if first == 127:
            errs.append("may not be in the loopback range (127.0.0.0/8, ::1/128)")
        if (v4 >> 16) == 0xA9FE:
            errs.append("may not be in the link-local range (169.254.0.0/16, fe80::/10)")
        if (v4 >> 8) == 0xE00000:
            errs.append("may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")
        return errs
    if ip == 0:
        errs.append(f"may not be unspecified ({given})")
    if ip == 1:
        errs.append("may not be in the loopback range (127.0.0.0/8, ::1/128)")
    top = ip >> 112
    if (top & 0xFFC0) == 0xFE80:
        errs.append("may not be in the link-local range (169.254.0.0/16, fe80::/10)")
    if (top & 0xFF0F) == 0xFF02:
        errs.append("may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")
    return errs


def _v4_only(text: str) -> int | None:
    """Go's ``parseIPv4`` alone (ParseCIDRSloppy tries it before IPv6)."""
    v4 = _parse_v4_sloppy(text)
    return None if v4 is None else _V4_MAPPED_PREFIX | v4


def cidr_problems(value: str, *, strict: bool) -> list[str]:
    """Problems with *value* as a legacy CIDR field (``ParseCIDRSloppy``, then the strict checks).

    >>> cidr_problems("10.0.0.1/24", strict=True)
    ['must not have bits set beyond the prefix length']
    >>> cidr_problems("10.0.0.0/24", strict=True)
    []
    """
    addr, slash, mask = value.partition("/")
    if not slash:
        return ["must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]
    ip = _v4_only(addr)
    bits = 32
    if ip is None:
        ip = _parse_v6_sloppy(addr)
        bits = 128
    significant = mask.lstrip("0") or "0"
    if ip is None or not mask or not _DIGITS.issuperset(mask) or len(significant) > 3 or int(significant) > bits:
        return ["must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]
    if not strict:
        return []
    if not is_strict_ip_syntax(addr) or (len(mask) > 1 and mask[0] == "0"):
        return ["must not have leading 0s in IP or prefix length"]
    if is_ipv4_mapped_form(addr, ip):
        return ["must not have an IPv4-mapped IPv6 address"]
    host_bits = bits - int(significant)
    if ip & ((1 << host_bits) - 1):
        return ["must not have bits set beyond the prefix length"]
    return []
