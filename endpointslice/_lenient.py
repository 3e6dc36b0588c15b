"""Loading that lets unknown fields through with a warning, for the commands that show or check files.

kubectl shows a file offline as written, fields it does not know included, and kubeconform
accepts them unless told to be strict. `get` and `validate` do the same: a document whose only
problems are unknown fields is read again keeping them, and those problems come back apart,
to be reported as warnings. Only input that has one is read twice; standard input, which
cannot be read twice, is read once into memory first (`stdin_copy`).
"""

from __future__ import annotations

import io as stdio
import sys
from collections.abc import Sequence
from typing import IO

from . import _input, io
from .errors import LoadError, Problem

__all__ = ["UNKNOWN_FIELD", "load", "stdin_copy"]

#: The loader's message for a field the API does not have.
UNKNOWN_FIELD = "unknown field"


def stdin_copy() -> IO[bytes] | IO[str]:
    """Standard input, read once into memory so that it can be read again.

    Raises:
        LoadError: Standard input is closed, or larger than the input limit.
    """
    stream = getattr(sys.stdin, "buffer", sys.stdin)
    if stream is None:
        raise LoadError([Problem(source="<stdin>", message="cannot read: standard input is closed")])
    text = _input.read_stream(stream, "<stdin>")
    return stdio.BytesIO(text) if isinstance(text, bytes) else stdio.StringIO(text)


def load(
    paths: Sequence[str], *, stdin: IO[bytes] | IO[str] | None = None
) -> tuple[list[io.Document], list[Problem], list[Problem]]:
    """The documents of *paths* (other kinds kept), the problems that stop one, and the unknown fields.

    A document whose only problems are unknown fields is among the documents, read again
    with them kept, and those problems are in the third list; every other problem is in the
    second, with the documents it belongs to left out. Files are read one at a time, and
    only a file with such a document is read again. *stdin* stands for ``-`` (see
    `stdin_copy`); it is rewound for the second reading.
    """
    docs: list[io.Document] = []
    problems: list[Problem] = []
    unknown: list[Problem] = []
    for file in _input.expand(paths, problems):
        good, bad = io.load_paths([file], keep_other_kinds=True, stdin=stdin)
        fatal = {p.document for p in bad if p.message != UNKNOWN_FIELD}
        lenient = {p.document for p in bad if p.message == UNKNOWN_FIELD and p.document is not None} - fatal
        if lenient:
            if stdin is not None and file == "-":
                stdin.seek(0)
            keep = lenient | {d.index for d in good}
            again, _ = io.load_paths([file], ignore_unknown=True, keep_other_kinds=True, stdin=stdin)
            good = [d for d in again if d.index in keep]
            unknown.extend(p for p in bad if p.document in lenient)
            bad = [p for p in bad if p.document not in lenient]
        docs.extend(good)
        problems.extend(bad)
    return docs, problems, unknown
