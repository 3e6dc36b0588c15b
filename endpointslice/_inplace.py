"""Rewriting users' manifest files in place without ever damaging them (``migrate --in-place``).

The files belong to the user, usually in a git checkout, so a rewrite must
change the documents it means to change and nothing else, and must never
leave a file half-written, of another mode or owner, or replaced by a file
someone else wrote in the meantime. The steps, each a function here:

1. `read_sources`: every file once (deduplicated by device and inode, so
   ``x.yaml ./x.yaml``, a symlink and its target, or two hard links are one
   file), with the exact bytes, their hash and the file's status. A leading
   byte order mark is set aside and the rest decoded strictly, so document
   offsets are offsets in the decoded text and re-encoding gives the same
   bytes back. The loader still sees the mark, so the file parses exactly as
   `endpointslice.io.load` parses it.
2. `content_region` and `splice`: the new text, replacing only the changed
   documents' content (a trailing comment before the next ``---`` belongs to
   no document and stays), in the file's own line endings.
3. The caller reloads and validates the result before anything is written.
4. `stage`: a temporary file made by `tempfile.mkstemp` (unpredictable name,
   ``O_EXCL``, never follows a planted symlink) in the target's own folder,
   with the target's mode and owner, written and fsynced.
5. `commit`: the target is checked unchanged (size, mtime, content hash),
   the temporary file renamed over it (so a symlink given as input keeps
   pointing at its now-migrated target), and the folder fsynced.

Every failure is a `RewriteError` naming the file; no temporary file is left
behind.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import yaml
from yaml.nodes import CollectionNode, MappingNode, Node, ScalarNode, SequenceNode

from . import _input, _yaml, io
from ._input import read_stream
from .errors import EndpointSliceError, LoadError, Problem

#: Byte order marks YAML allows, longest first, with the codec of the text after them.
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


class RewriteError(EndpointSliceError, OSError):
    """A file could not be rewritten safely; nothing was written to it.

    Attributes:
        problems: One per file, naming it.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@attrs.frozen(kw_only=True)
class Source:
    """One input file as read: the exact bytes and what must still hold when it is replaced.

    Attributes:
        name: The path as the user gave it (used in messages).
        real: The path of the file itself, symlinks resolved (the one replaced).
        bom: The byte order mark the file starts with, or ``b""``.
        encoding: The codec of the text after the mark.
        text: The rest of the file, decoded strictly (so `encode` gives its bytes back).
        status: ``os.fstat`` of the file when it was read.
        digest: SHA-256 of the file's bytes.
    """

    name: str
    real: str
    bom: bytes
    encoding: str
    text: str = attrs.field(repr=False)
    status: os.stat_result = attrs.field(repr=False)
    digest: bytes = attrs.field(repr=False)

    @property
    def parsed(self) -> str:
        """The text given to the loader: *text* after the byte order mark, if any, as `io.load` sees it.

        The mark is kept (as one character) so that the file parses exactly as
        `io.load` parses its bytes: a marked file is read as YAML, even if it
        looks like JSON, and a second mark is text, not a mark.
        """
        return "\ufeff" + self.text if self.bom else self.text

    def encode(self, text: str) -> bytes:
        """The bytes of *text* in this file's encoding, with its byte order mark."""
        return self.bom + text.encode(self.encoding)


def read_sources(paths: Iterable[str]) -> tuple[list[Source], list[Problem]]:
    """Read every file named by *paths* (directories expanded as `io.load_paths` does) once each.

    Returns:
        The files in path order, each once, and one problem per file that
        cannot be read or decoded.
    """
    problems: list[Problem] = []
    seen: set[tuple[int, int]] = set()
    sources: list[Source] = []
    for path in _input.expand(paths, problems):
        real = os.path.realpath(path)
        try:
            # Only a regular file can be replaced by a rename; opening a FIFO would
            # also wait for a writer forever, so look before opening.
            if not stat.S_ISREG(os.stat(real).st_mode):
                problems.append(Problem(source=path, message="not a regular file; --in-place rewrites files only"))
                continue
            with open(real, "rb") as fh:
                status = os.fstat(fh.fileno())
                if not stat.S_ISREG(status.st_mode):
                    problems.append(Problem(source=path, message="not a regular file; --in-place rewrites files only"))
                    continue
                if (status.st_dev, status.st_ino) in seen:
                    continue  # The same file under another name: read and rewritten once.
                seen.add((status.st_dev, status.st_ino))
                # Bounded by --max-input-size, and binary data refused, as every reader of input is.
                data = read_stream(fh, path)
        except OSError as exc:
            problems.append(Problem(source=path, message=f"cannot read: {exc.strerror or exc}"))
            continue
        except LoadError as exc:
            problems.extend(exc.problems)
            continue
        raw = data if isinstance(data, bytes) else data.encode()
        bom, encoding = next(((b, e) for b, e in _BOMS if raw.startswith(b)), (b"", "utf-8"))
        try:
            text = raw[len(bom) :].decode(encoding)
        except UnicodeDecodeError as exc:
            label = "UTF-8" if encoding == "utf-8" else encoding.upper()
            problems.append(
                Problem(source=path, message=f"not {label} text: {exc.reason} at byte {exc.start + len(bom)}")
            )
            continue
        sources.append(
            Source(
                name=path,
                real=real,
                bom=bom,
                encoding=encoding,
                text=text,
                status=status,
                digest=hashlib.sha256(raw).digest(),
            )
        )
    return sources, problems


def line_ending(text: str) -> str:
    """The line break *text* uses: ``\\r\\n`` when its first line break is one, else ``\\n``."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def content_region(doc: io.Document, source: Source) -> tuple[int, int]:
    """The ``[start, end)`` offsets in ``source.text`` of the lines that hold *doc*'s content.

    Starts at the beginning of the document's first line (or just after a
    ``---`` on that line) and ends after the line break that ends its last
    value. The parser's own span also covers the comments and blank lines
    up to the next ``---``; those belong to no document and are kept.
    """
    text = source.text
    span = doc.span
    if span is None:
        return (0, len(text))
    shift = _bom_width() if source.bom else 0
    start, end = span[0] - shift, span[1] - shift
    line_start = text.rfind("\n", 0, start) + 1
    if not text[line_start:start].strip():
        start = line_start
    last = _fragment_end(text, start, end)
    if last is None:
        # The document does not parse on its own (it never should): ask the whole stream.
        node = doc._text.node(doc.index) if doc._text is not None else None
        last = _last_content(node) if node is not None else None
        last = end if last is None else last - shift
    newline = text.find("\n", min(last, end), end)
    return (start, end if newline < 0 else newline + 1)


@functools.cache
def _bom_width() -> int:
    """How much a leading byte order mark counts in the parser's offsets: 0 for LibYAML, 1 for pure PyYAML."""
    node = next(_yaml.iter_nodes("\ufeffa: 1\n"))
    return int(node.start_mark.index)


def _fragment_end(text: str, start: int, end: int) -> int | None:
    """`_last_content` of the one document in ``text[start:end]``, parsed alone, as an offset in *text*.

    Parsing only the document keeps a rewrite linear in the size of the file.
    """
    with contextlib.suppress(yaml.YAMLError, RecursionError):
        nodes = list(_yaml.iter_nodes(text[start:end]))
        if len(nodes) == 1:
            last = _last_content(nodes[0])
            return None if last is None else start + last
    return None


def _last_content(root: Node) -> int | None:
    """The offset just after the last scalar or flow collection of a node tree.

    Block collections are not used: their end mark lies after the comments
    that follow them. Aliased nodes are visited once.
    """
    best: int | None = None
    seen: set[int] = set()
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode) or (isinstance(node, CollectionNode) and node.flow_style):
            index = node.end_mark.index
            best = index if best is None else max(best, index)
        elif isinstance(node, MappingNode):
            stack.extend(part for pair in node.value for part in pair)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return best


def splice(text: str, edits: Iterable[tuple[int, int, str]]) -> str:
    """*text* with each ``(start, end, replacement)`` applied; the edits must not overlap."""
    parts: list[str] = []
    at = 0
    for start, end, replacement in sorted(edits):
        parts.append(text[at:start])
        # A replacement that does not start a line (after `--- ` on the same line) gets its own line.
        if start > 0 and text[start - 1] not in "\r\n" and replacement:
            parts.append(line_ending(text))
        parts.append(replacement)
        at = end
    parts.append(text[at:])
    return "".join(parts)


def check_writable(source: Source, *, force: bool) -> Problem | None:
    """Why *source* must not be replaced unless forced, or ``None``.

    A file without write permission is read-only on purpose (root may
    replace it, but should not by accident), and a file with several hard
    links would lose them (the other names would keep the old content).
    """
    if force:
        return None
    status = source.status
    if not status.st_mode & 0o222 or not os.access(source.real, os.W_OK):
        return Problem(source=source.name, message="read-only file; not rewritten (use --force to rewrite it)")
    if status.st_nlink > 1:
        return Problem(
            source=source.name,
            message=f"has {status.st_nlink} hard links, which would keep the old content; "
            "not rewritten (use --force to rewrite it)",
        )
    return None


@attrs.frozen(kw_only=True)
class Staged:
    """A complete, fsynced temporary file waiting to replace *source*."""

    source: Source
    temporary: str


def stage(source: Source, data: bytes, *, force: bool) -> Staged:
    """Write *data* to a new temporary file beside *source*, with its mode and owner, and fsync it.

    Raises:
        RewriteError: The folder is not writable, the disk is full, the file
            size limit is reached, or the owner cannot be kept (unless
            *force*); the temporary file is removed.
    """
    folder = os.path.dirname(source.real)
    try:
        # A fixed short prefix: the file's own name may already be as long as a name can be.
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=".endpointslice-migrate-", suffix=".tmp")
    except OSError as exc:
        raise _error(source, f"cannot create a temporary file in {folder}", exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            status = source.status
            mine = os.fstat(fh.fileno())
            # Owner first: changing it clears the set-user-ID and set-group-ID bits the mode may hold.
            if hasattr(os, "fchown") and (mine.st_uid, mine.st_gid) != (status.st_uid, status.st_gid):
                try:
                    os.fchown(fh.fileno(), status.st_uid, status.st_gid)
                except PermissionError:
                    if not force:
                        raise RewriteError(
                            [
                                Problem(
                                    source=source.name,
                                    message="its owner cannot be kept; not rewritten (use --force to rewrite it)",
                                )
                            ]
                        ) from None
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), stat.S_IMODE(status.st_mode))
            else:  # pragma: no cover - Windows before Python 3.13, which keeps only a read-only bit.
                os.chmod(temporary, stat.S_IMODE(status.st_mode))
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except RewriteError:
        _remove(temporary)
        raise
    except OSError as exc:
        _remove(temporary)
        raise _error(source, "cannot write", exc) from None
    except BaseException:
        _remove(temporary)
        raise
    return Staged(source=source, temporary=temporary)


def unchanged(source: Source) -> bool:
    """Whether *source*'s file still has the size, mtime and content it had when read."""
    try:
        with open(source.real, "rb") as fh:
            now = os.fstat(fh.fileno())
            before = source.status
            if (now.st_dev, now.st_ino, now.st_size, now.st_mtime_ns) != (
                before.st_dev,
                before.st_ino,
                before.st_size,
                before.st_mtime_ns,
            ):
                return False
            return hashlib.sha256(fh.read()).digest() == source.digest
    except OSError:
        return False


def commit(staged: Staged) -> None:
    """Replace the file by its staged copy and fsync the folder.

    Raises:
        RewriteError: The file changed since it was read, or cannot be
            replaced; the temporary file is removed and the file is as it was.
    """
    source = staged.source
    if not unchanged(source):
        discard(staged)
        raise RewriteError([Problem(source=source.name, message="changed on disk since it was read; not rewritten")])
    try:
        os.replace(staged.temporary, source.real)
    except OSError as exc:
        discard(staged)
        raise _error(source, "cannot replace", exc) from None
    _fsync_folder(os.path.dirname(source.real))


def discard(staged: Staged) -> None:
    """Remove a staged file that will not be used."""
    _remove(staged.temporary)


def _fsync_folder(folder: str) -> None:
    # The rename is durable only once the folder itself is on disk. A folder
    # that cannot be opened or fsynced (some network file systems) does not
    # undo a rename that has already happened, so that is not an error.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _error(source: Source, what: str, exc: OSError) -> RewriteError:
    reason = exc.strerror or str(exc)
    return RewriteError([Problem(source=source.name, message=f"{what}: {reason}; not rewritten")])
