"""The ``endpointslice`` command line: ``main(argv) -> exit status``.

Each command lives in its own ``_cmd_<name>`` module with ``register`` and
``run``. Exit statuses follow one rule across commands: 0 success, 1 the
command found what it looks for (problems, differences), 2 unreadable input,
unwritable output or bad usage, 70 a bug in endpointslice. Nothing ever
shows a traceback: every problem is one line on standard error, and a crash
is one line asking for a report (``ENDPOINTSLICE_TRACEBACK=FILE`` saves the
traceback to FILE).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

# Only what every run needs is imported here: a command's module, and the models, YAML and
# cattrs behind it, load when that command runs, so ``--version`` and ``--help`` stay cheap.
from . import __name__ as _package
from . import __version__
from ._text import line, printable
from .errors import EndpointSliceError

#: Exit status: success.
EXIT_OK = 0
#: Exit status: the command found what it looks for (problems, differences).
EXIT_FOUND = 1
#: Exit status: unreadable input, unwritable output or bad usage.
EXIT_INPUT = 2
#: Exit status: a bug in endpointslice (``EX_SOFTWARE`` of sysexits.h), never a verdict on the input.
EXIT_BUG = 70
#: Where to report a crash.
ISSUES = "https://github.com/endpointslice/endpointslice/issues"
#: The environment variable naming a file to save a crash's traceback in.
TRACEBACK_ENV = "ENDPOINTSLICE_TRACEBACK"

#: Every command with its one-line help (each ``_cmd_<name>.HELP``; a test keeps them equal), in
#: the order ``--help`` lists them. The top-level help needs only these lines, so a command's
#: module is imported only when that command runs or its own ``--help`` is asked for.
_COMMANDS: dict[str, str] = {
    "get": "print EndpointSlices, Endpoints and Services as kubectl get does",
    "migrate": "convert hand-written Endpoints into EndpointSlice manifests",
    "validate": "check manifests as the apiserver would, plus cross-object checks",
    "pack": "pack endpoints into EndpointSlices for a Service, or plan the writes against existing slices",
    "apply": "apply the EndpointSlices of a Service to the cluster of the current kubeconfig (or dry-run them)",
    "diff": "show the endpoint-level difference between two sets of EndpointSlices",
    "simulate": "measure what Endpoints and EndpointSlices send over the wire for a workload, through the real engine",
    "completion": "print a shell completion script for bash, zsh or fish",
}
#: The commands that read manifests, and so take ``--max-input-size``.
_READERS = frozenset({"get", "migrate", "validate", "pack", "apply", "diff"})
#: ``io.MAX_INPUT_SIZE``, which a test keeps equal; spelled here so that parsing needs no ``io``.
_MAX_INPUT_SIZE = 256 << 20


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


def input_size(text: str) -> int:
    """The argparse type of ``--max-input-size``: bytes, or a number with K, M or G (powers of 1024)."""
    found = re.fullmatch(r"([0-9]+)\s*([KMG]?)(?:i?B)?", text.strip(), re.IGNORECASE)
    if not found or int(found.group(1)) < 1:
        raise argparse.ArgumentTypeError(f"not a size such as 64M or 1G: {text!r}")
    return int(found.group(1)) * {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[found.group(2).upper()]


def build_parser(full: Iterable[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser: every command by name and help, with its full arguments if in *full* (default: all)."""
    parser = _Parser(
        prog="endpointslice",
        description="Read, check, pack and plan Kubernetes EndpointSlices exactly as Kubernetes does.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    wanted = set(_COMMANDS if full is None else full)
    for name, help_line in _COMMANDS.items():
        if name not in wanted:
            # A stand-in: listed by ``--help`` and accepted as a choice, but never parsed with.
            sub.add_parser(name, help=help_line, add_help=False)
            continue
        module = importlib.import_module(f"{_package}._cmd_{name}")
        module.register(sub)
        if name not in _READERS:
            continue
        sub.choices[name].add_argument(
            "--max-input-size",
            type=input_size,
            default=_MAX_INPUT_SIZE,
            metavar="SIZE",
            help="refuse an input (a file or stdin) larger than this, e.g. 1G (default: 256M)",
        )
    return parser


def _chosen(argv: Sequence[str]) -> str | None:
    """The command *argv* names: the first argument that is not an option (the top level has no option values)."""
    for arg in argv:
        if arg == "--":
            return None
        if not arg.startswith("-"):
            return arg if arg in _COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``) and return the exit status."""
    with _streams():
        args_list = list(sys.argv[1:] if argv is None else argv)
        chosen = _chosen(args_list)
        # Without a command (``--version``, ``--help``, a usage error) no command module is needed.
        parser = build_parser(() if chosen is None else (chosen,))
        args = parser.parse_args(args_list)
        try:
            from . import io  # Late: it loads the models and the converter, which --version never needs.

            with io.input_limit(getattr(args, "max_input_size", io.MAX_INPUT_SIZE)):
                status: int = args.func(args)
            sys.stdout.flush()
        except EndpointSliceError as exc:
            for text in str(exc).splitlines() or [type(exc).__name__]:
                _say(f"endpointslice: error: {line(text)}")
            return EXIT_INPUT
        except BrokenPipeError:
            # The reader went away (`| head`); that is not our failure.
            _silence_stdout()
            return EXIT_OK
        except KeyboardInterrupt:
            return 130
        except OSError as exc:
            # Output the system would not take (a full disk, /dev/full, a closed stream).
            _silence_stdout()
            _say(f"endpointslice: error: cannot write output: {exc.strerror or exc}")
            return EXIT_INPUT
        except Exception as exc:  # noqa: BLE001  # The one place a bug becomes a line, not a traceback.
            _say(_crash_line(exc))
            return EXIT_BUG
        return status


def _crash_line(exc: BaseException) -> str:
    """One line reporting a bug, after saving the traceback where ``ENDPOINTSLICE_TRACEBACK`` asks."""
    import traceback  # Late: only a crash needs it, and it costs every run a few milliseconds.

    saved = ""
    target = os.environ.get(TRACEBACK_ENV)
    if target:
        try:
            with open(target, "a", encoding="utf-8", errors="backslashreplace") as fh:
                fh.write("".join(traceback.format_exception(exc)))
            saved = f" (traceback saved to {target})"
        except OSError as err:
            saved = f" (cannot save the traceback to {target}: {err.strerror or err})"
    else:
        saved = f"; set {TRACEBACK_ENV}=FILE to save the traceback"
    what = printable(f"{type(exc).__name__}: {exc}", limit=200)
    return f"endpointslice: internal error, a bug in endpointslice: {what}; please report it at {ISSUES}{saved}"


def _say(line: str) -> None:
    """Print *line* on standard error, if standard error can take it."""
    with contextlib.suppress(OSError, ValueError):
        print(line, file=sys.stderr, flush=True)


def _silence_stdout() -> None:
    """Point the real standard output at /dev/null, so that the interpreter's final flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        if sys.stdout is sys.__stdout__ and sys.stdout is not None:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)


class _Closed:
    """Stands in for a standard stream the caller closed (``>&-``): writing to it is an I/O error."""

    def __init__(self, name: str) -> None:
        self.name = name

    def write(self, text: str) -> int:
        if not text:
            return 0
        raise OSError(9, f"{self.name} is closed")

    def flush(self) -> None:
        """Nothing was written, so nothing to flush."""


@contextlib.contextmanager
def _streams() -> Iterator[None]:
    """Replace standard streams the caller closed for the duration of a run (Python sets them to ``None``)."""
    saved: dict[str, Any] = {"stdout": sys.stdout, "stderr": sys.stderr}
    if sys.stdout is None:
        sys.stdout = _Closed("standard output")  # Only write and flush are ever used.
    if sys.stderr is None:
        # Problems then have nowhere to go; the exit status still tells.
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115  # Closed in the finally below.
    try:
        yield
    finally:
        if saved["stderr"] is None:
            sys.stderr.close()
        sys.stdout, sys.stderr = saved["stdout"], saved["stderr"]
