"""Errors raised by `endpointslice`.

Every error the library raises on purpose derives from one base class, and
every concrete error also derives from the builtin it most resembles, so
callers can catch either::

    EndpointSliceError
    └── LoadError (ValueError)           input that cannot become models
        ├── YAMLSyntaxError              not YAML/JSON at all; has file:line:column
        └── StructureError               wrong JSON type, unknown field, missing
                                         required field, unknown kind
    └── ApplyError (RuntimeError)        a write to a cluster failed; names the object

A load error carries every `Problem` found, not just the first. Each problem
names its field path in the Kubernetes form (``endpoints[3].addresses[0]``)
and, when the input was YAML or JSON text, where in the text it is.
"""

from __future__ import annotations

import attrs

__all__ = [
    "ApplyError",
    "EndpointSliceError",
    "LoadError",
    "Problem",
    "StructureError",
    "YAMLSyntaxError",
]


@attrs.frozen(kw_only=True)
class Problem:
    """One thing wrong with the input, and where it is.

    Attributes:
        message: What is wrong, e.g. ``expected bool, got 'yes'``.
        path: The field path, e.g. ``endpoints[2].conditions.ready``; empty
            for the document itself.
        source: The file name (``<stdin>``, ``<string>``), if known.
        line: 1-based line in *source*, if known.
        column: 1-based column in *source*, if known.
        document: 0-based index of the YAML document in a stream, if known.
        segments: The same path as a tuple of field names, list indices and
            ``("key", name)`` map keys, for tools that walk the document.
    """

    message: str
    path: str = ""
    source: str | None = None
    line: int | None = None
    column: int | None = None
    document: int | None = None
    segments: tuple[str | int | tuple[str, str], ...] = attrs.field(default=(), eq=False, repr=False)

    def location(self) -> str:
        """Render ``file:line:col`` (as much of it as is known)."""
        parts = [self.source or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        where = self.location() + ": " if (self.source or self.line) else ""
        what = f"{self.path}: {self.message}" if self.path else self.message
        return where + what


class EndpointSliceError(Exception):
    """Base class of every error raised by `endpointslice`."""


class LoadError(EndpointSliceError, ValueError):
    """Input that cannot be turned into models.

    Attributes:
        problems: Every problem found, in document order.
    """

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class YAMLSyntaxError(LoadError):
    """The text is not well-formed YAML or JSON."""


class StructureError(LoadError):
    """The data has the wrong shape: a wrong type, an unknown or missing field, an unknown kind."""


class ApplyError(EndpointSliceError, RuntimeError):
    """A write (or read) of `endpointslice.apply` that the cluster refused or never answered.

    Attributes:
        verb: ``create``, ``update``, ``delete`` or ``list``.
        name: ``namespace/name`` of the object (``namespace/generateName*`` for a create
            without a name, the label selector for a list).
        status: The HTTP status code, or `None` when no answer came.
        reason: The API's reason (``Conflict``, ``Forbidden``, ``Invalid``), or the
            connection error's class name.
        message: The API's message, or the connection error's.
        done: What was written before the failure, as ``verb name`` lines.
    """

    def __init__(
        self,
        *,
        verb: str,
        name: str,
        status: int | None,
        reason: str,
        message: str,
        done: tuple[str, ...] = (),
    ) -> None:
        self.verb = verb
        self.name = name
        self.status = status
        self.reason = reason
        self.message = message
        self.done = done
        code = f"{status} {reason}" if status is not None else reason
        super().__init__(f"{verb} {name}: {code}: {message}")
