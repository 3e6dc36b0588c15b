"""Reading untrusted input: bounded in size, refused early when it is not text, and JSON read as Go reads it.

The loader takes whatever a user (or an attacker) points it at: ``/dev/zero``,
a pipe that never ends, a directory it may not enter, JSON that repeats a key
or holds a lone UTF-16 surrogate. Each of these has one answer here, as a
`Problem` with the file's name, never an exception from deep inside Python.
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import json
import math
import os
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

from ._convert import render_path
from .errors import Problem, YAMLSyntaxError

#: The largest input (one file, or standard input) read unless told otherwise: 256 MiB.
MAX_INPUT_SIZE = 256 * 1024 * 1024
#: Data nested deeper than this (objects in lists in objects...) is refused, well within Python's stack.
MAX_DEPTH = 200

_LIMIT: contextvars.ContextVar[int] = contextvars.ContextVar("max_input_size", default=MAX_INPUT_SIZE)
_CHUNK = 1 << 20
# Python's json module keeps an unpaired "\ud800" escape (and bytes decoded with
# surrogatepass keep raw surrogates); Go's decoder turns each into U+FFFD.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")  # Cheap: most texts have none at all.
_LONE_ESCAPE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"  # A high half with no low half after it,
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F]"  # or a low half with no high half before it.
)
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@contextlib.contextmanager
def input_limit(size: int) -> Iterator[None]:
    """Within the block, refuse inputs larger than *size* bytes (the CLI's ``--max-input-size``)."""
    token = _LIMIT.set(size)
    try:
        yield
    finally:
        _LIMIT.reset(token)


def current_limit() -> int:
    """The input size limit in force."""
    return _LIMIT.get()


def describe_size(size: int) -> str:
    """``64 MiB``, ``1.5 GiB``, ``100 bytes``: a size as people write it."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            value = size / scale
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"


def read_stream(stream: IO[str] | IO[bytes], name: str, limit: int | None = None) -> str | bytes:
    """All of *stream*, refusing more than *limit* (default: the limit in force) and binary data.

    Raises:
        YAMLSyntaxError: The stream is too large, not text, or cannot be read.
    """
    limit = current_limit() if limit is None else limit
    chunks: list[Any] = []
    total = 0
    try:
        while True:
            chunk = stream.read(min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            if not chunks:
                reason = _not_text(chunk)
                if reason:
                    raise _problem(name, reason)
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise _problem(
                    name,
                    f"input larger than the {describe_size(limit)} limit (--max-input-size, or "
                    "io.input_limit() in Python, raises it)",
                )
    except YAMLSyntaxError:
        raise
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # ValueError: a closed stream.
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise _problem(name, f"cannot read: {reason}") from None
    if chunks and isinstance(chunks[0], bytes):
        return b"".join(chunks)
    return "".join(chunks)


def read_path(path: str, limit: int | None = None) -> bytes:
    """The bytes of the file at *path*, as `read_stream` reads them."""
    try:
        with open(path, "rb") as fh:
            data = read_stream(fh, path, limit)
    except OSError as exc:
        raise _problem(path, f"cannot read: {exc.strerror or exc}") from None
    return data if isinstance(data, bytes) else data.encode()


def _problem(name: str, message: str) -> YAMLSyntaxError:
    return YAMLSyntaxError([Problem(source=name, message=message)])


def _not_text(head: str | bytes) -> str | None:
    """Why the first chunk of an input is not text, or ``None`` if it may be."""
    if isinstance(head, str):
        at = head.find("\x00")
        return f"not text: a NUL character at offset {at}" if at >= 0 else None
    encoding = "utf-8"
    for bom, name in ((codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF32_LE, "utf-32")):
        if head.startswith(bom):
            encoding = name
    if encoding == "utf-8" and head.startswith((codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE)):
        encoding = "utf-16"
    elif encoding == "utf-8" and len(head) >= 4:
        encoding = json.detect_encoding(head)  # JSON may come BOM-less in UTF-16 or UTF-32.
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError as exc:
        if encoding in ("utf-8", "utf-8-sig"):
            return f"not UTF-8 text: {exc.reason} at byte {exc.start}"
        return f"not text: not valid {encoding} at byte {exc.start}"
    at = text.find("\x00")
    return f"not text: a NUL character at offset {at}" if at >= 0 else None


#: File name suffixes read when a directory is given.
SUFFIXES = (".yaml", ".yml", ".json")


def expand(paths: Iterable[str | os.PathLike[str]], problems: list[Problem]) -> Iterator[str]:
    """The files that *paths* name, in order: each file, each directory's manifests (see `walk`), and ``-``.

    A path that names nothing, or a directory without manifests, is a problem in *problems*.
    """
    for raw in paths:
        path = os.fspath(raw)
        if path == "-":
            yield path
        elif os.path.isdir(path):
            found = walk(path, SUFFIXES, problems)
            if not found:
                problems.append(Problem(source=path, message="no *.yaml, *.yml or *.json files in directory"))
            yield from found
        elif os.path.exists(path):
            yield path
        else:
            problems.append(Problem(source=path, message="no such file or directory"))


def walk(path: str, suffixes: tuple[str, ...], problems: list[Problem]) -> list[str]:
    """The files under directory *path* with one of *suffixes*, sorted; a folder that cannot be read is a problem."""

    def refused(exc: OSError) -> None:
        where = exc.filename if isinstance(exc.filename, str) else path
        problems.append(Problem(source=where, message=f"cannot read directory: {exc.strerror or exc}"))

    found = []
    for top, _dirs, files in os.walk(path, onerror=refused):
        for name in files:
            full = os.path.join(top, name)
            if os.path.splitext(name)[1] in suffixes and os.path.isfile(full):
                found.append(_without_dot_slash(full))
    return sorted(found)


def _without_dot_slash(path: str) -> str:
    """*path* without leading ``./`` parts: ``validate .`` names ``x.yaml``, as Go's tools do.

    A GitHub annotation's ``file=`` wants a path from the repository root, and kubectl and
    kubeconform print walked files that way. Only ``./`` is taken off, which names the same
    file whatever the links; ``..`` parts stay, since removing them could name another file.
    """
    prefix = "." + os.sep
    while path.startswith(prefix) and len(path) > len(prefix):
        path = path[len(prefix) :].lstrip(os.sep)
    return path


class DuplicateKeyError(ValueError):
    """A JSON object names a key twice."""


class _ConstantError(ValueError):
    """JSON has no NaN or Infinity; Go's decoder refuses them."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKeyError(key)
            seen.add(key)
    return out


def _constant(name: str) -> Any:
    raise _ConstantError(name)


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _ConstantError(text)  # Go's decoder refuses a number a float64 cannot hold.
    return value


#: ``json.loads`` as Go decodes: a repeated key is an error, and ``NaN``, ``Infinity`` and
#: numbers beyond a float64 are not read (the YAML parser, tried next, reads them as strings).
DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_constant, parse_float=_finite)


def json_loads(text: str | bytes) -> Any:
    """Decode JSON text as `DECODER` does, with lone surrogates replaced as Go replaces them.

    Raises:
        ValueError: Not JSON (`DuplicateKeyError` for a repeated key).
        RecursionError: Nested too deeply for the decoder.
    """
    if isinstance(text, bytes):
        text = text.decode(json.detect_encoding(text), "surrogatepass")
    data = DECODER.decode(text)
    return fix_surrogates(data) if may_hold_surrogates(text) else data


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def json_stream(text: str | bytes) -> list[Any] | None:
    """Several JSON values one after another, as kubectl's JSON decoder reads a stream, or ``None``.

    ``None`` unless the whole text is two or more JSON values with only white space between
    them, decoded as `json_loads` decodes one.

    >>> json_stream('{"a": 1}\\n{"b": 2}')
    [{'a': 1}, {'b': 2}]
    """
    if isinstance(text, bytes):
        try:
            text = text.decode(json.detect_encoding(text), "surrogatepass")
        except UnicodeDecodeError:
            return None
    values = []
    end = _JSON_SPACE.match(text).end()  # type: ignore[union-attr]  # It matches the empty string.
    while end < len(text):
        try:
            value, end = DECODER.raw_decode(text, end)
        except (ValueError, RecursionError):
            return None
        values.append(value)
        end = _JSON_SPACE.match(text, end).end()  # type: ignore[union-attr]
    if len(values) < 2:
        return None
    return [fix_surrogates(v) for v in values] if may_hold_surrogates(text) else values


def may_hold_surrogates(text: str) -> bool:
    """Whether decoded JSON *text* may hold lone surrogates (then only `json_loads` reads it)."""
    # A regular expression that starts with a character class looks at every character in
    # Python's regex engine, which cost a fifth of a JSON list's whole load (4 MB: 100 ms);
    # one with a literal start skips ahead at memory speed, and so does str.isascii.
    if _SURROGATE_ESCAPE.search(text) is not None and _LONE_ESCAPE.search(text) is not None:
        return True
    if text.isascii():
        return False
    # Raw surrogates come only from bytes decoded with surrogatepass; each is unpaired,
    # and UTF-8 (strict) encodes everything else.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def fix_surrogates(data: Any) -> Any:
    """*data* with every unpaired surrogate replaced by U+FFFD, in keys and values."""
    if isinstance(data, str):
        return _SURROGATE.sub("\ufffd", data)
    if isinstance(data, list):
        return [fix_surrogates(x) for x in data]
    if isinstance(data, dict):
        return {fix_surrogates(k): fix_surrogates(v) for k, v in data.items()}
    return data


def json_problem(data: Any, limit: int = MAX_DEPTH) -> Problem | None:
    """The first reason JSON-like *data* cannot be kept as it is, or ``None`` (walked without recursion).

    Data nested more than *limit* levels deep would overflow Python's stack
    in every later step; an integer beyond 64 bits is one Go reads as a
    float, so it would not be written back as it was read.
    """
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            children: Any = value.items()
        elif isinstance(value, list):
            children = enumerate(value)
        else:
            if value.__class__ is int and not _INT64[0] <= value <= _INT64[1]:
                return Problem(
                    path=render_path(path),
                    segments=path,
                    message=f"integer {value} is out of range: Kubernetes reads integers as 64-bit",
                )
            continue
        if len(path) >= limit:
            return Problem(path=render_path(path), segments=path, message=f"nested more than {limit} levels deep")
        stack.extend((c, (*path, k)) for k, c in children if isinstance(c, (dict, list, int)))
    return None


_INT64 = (-(2**63), 2**63 - 1)
# Groups whose kinds are Kubernetes' own: the core group, the *.k8s.io groups
# (but not the community's *.x-k8s.io CRDs) and the unsuffixed legacy groups.
_LEGACY_GROUPS = frozenset({"", "apps", "batch", "extensions", "policy", "autoscaling"})
# API versions Kubernetes served once and removed, with the release that removed them.
_REMOVED = {
    ("discovery.k8s.io/v1beta1", "EndpointSlice"): "1.25",
    ("discovery.k8s.io/v1alpha1", "EndpointSlice"): "1.21",
}


def builtin_group(group: str) -> bool:
    """Whether API group *group* is one Kubernetes itself serves."""
    return group in _LEGACY_GROUPS or (group.endswith(".k8s.io") and not group.endswith(".x-k8s.io"))


def no_matches(kind: str, api_version: str, want: str | None) -> str | None:
    """The apiserver's answer to *kind* under *api_version* when it serves no such thing, or ``None``.

    *want* is the apiVersion under which this library knows *kind*, if any.
    """
    group = api_version.rpartition("/")[0]
    if want is None and group != "discovery.k8s.io":
        return None  # Another built-in kind (a Deployment, a ConfigMap): not ours to judge.
    if want is not None and not builtin_group(group):
        return None  # A same-named kind of another API (Knative's Service).
    message = f'no matches for kind "{kind}" in version "{api_version}"'
    removed = _REMOVED.get((api_version, kind))
    if removed is not None:
        return f"{message}: {api_version} was removed in Kubernetes {removed}; use apiVersion {want}"
    if want is not None:
        return f"{message}; {kind} is apiVersion {want}"
    return message
