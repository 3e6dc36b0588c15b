"""``endpointslice diff OLD NEW``: the endpoint-level difference between two sets of EndpointSlices.

OLD and NEW are files or directories (``*.yaml``, ``*.yml``, ``*.json``) or
``-`` for standard input; List kinds are expanded.

Exit status, as diff(1): 0 no difference, 1 differences, 2 unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from . import io
from .diff import diff
from .discovery import EndpointSlice
from .kinds import kind_of

HELP = "show the endpoint-level difference between two sets of EndpointSlices"
PROG = "endpointslice diff"


def register(sub: Any) -> None:
    """Add the ``diff`` command to the subparsers *sub*."""
    p = sub.add_parser("diff", help=HELP, description=HELP[0].upper() + HELP[1:] + ".")
    p.add_argument("old", metavar="OLD", help="the slices before: a file, a directory or -")
    p.add_argument("new", metavar="NEW", help="the slices after: a file, a directory or -")
    p.add_argument("-o", "--output", choices=("text", "json"), default="text", help="text (default) or JSON")
    p.set_defaults(func=run)


def _slices(path: str, problems: list[str]) -> list[EndpointSlice]:
    docs, found = io.load_paths([path])
    problems.extend(str(p) for p in found)
    out = []
    for obj in io.flatten([d.object for d in docs]):
        if isinstance(obj, EndpointSlice):
            out.append(obj)
        else:
            problems.append(f"{path}: expected EndpointSlices, found {kind_of(obj)}")
    return out


def run(args: argparse.Namespace) -> int:
    """Run ``diff``; 0 same, 1 different, 2 bad input."""
    problems: list[str] = []
    old = _slices(args.old, problems)
    new = _slices(args.new, problems)
    if problems:
        for line in problems:
            print(f"{PROG}: error: {line}", file=sys.stderr)
        return 2
    result = diff(old, new)
    if args.output == "json":
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
    elif result:
        sys.stdout.write(result.render() + "\n")
    return 1 if result else 0
