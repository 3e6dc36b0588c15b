"""The ``endpointslice`` command line: ``main(argv) -> exit status``.

Each command lives in its own ``_cmd_<name>`` module with ``register`` and
``run``. Exit statuses follow one rule across commands: 0 success, 1 the
command found what it looks for (problems, differences), 2 unreadable input
or bad usage. Bad input never shows a traceback: every problem is one line
on standard error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from . import __name__ as _package
from .errors import EndpointSliceError

_COMMANDS: tuple[str, ...] = ("get", "migrate", "validate", "pack", "diff", "simulate")


def max_endpoints_per_slice(text: str) -> int:
    """The argparse type of ``--max-endpoints-per-slice``: a whole number from 1 to 1000."""
    from .packing import MAX_ENDPOINTS_PER_SLICE_LIMIT  # Late: the commands import this module.

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= MAX_ENDPOINTS_PER_SLICE_LIMIT:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_ENDPOINTS_PER_SLICE_LIMIT}, got {value}")
    return value


class _Parser(argparse.ArgumentParser):
    """Usage errors exit 2 with one line, as the other errors do."""

    def error(self, message: str) -> None:  # type: ignore[override]  # argparse types it NoReturn.
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered command."""
    parser = _Parser(
        prog="endpointslice",
        description="Read, check, pack and plan Kubernetes EndpointSlices exactly as Kubernetes does.",
    )
    from importlib.metadata import PackageNotFoundError, version

    try:
        ver = version("endpointslice")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree.
        ver = "unknown"
    parser.add_argument("--version", action="version", version=f"%(prog)s {ver}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in _COMMANDS:
        module = importlib.import_module(f"{_package}._cmd_{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``) and return the exit status."""
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        status: int = args.func(args)
    except EndpointSliceError as exc:
        for line in str(exc).splitlines() or [type(exc).__name__]:
            print(f"endpointslice: error: {line}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`| head`); that is not our failure.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
    return status
