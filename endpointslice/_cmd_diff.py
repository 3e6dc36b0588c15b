"""``endpointslice diff OLD NEW``: the endpoint-level difference between two sets of EndpointSlices.

OLD and NEW are files or directories (``*.yaml``, ``*.yml``, ``*.json``) or
``-`` for standard input; List kinds are expanded. When either side holds
core/v1 Endpoints objects, the two are compared as views of the same
Services (`endpointslice.diff.diff_views`): only the endpoint fields both
kinds carry, and no slice-level differences.

Exit status, as diff(1): 0 no difference, 1 differences, 2 unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Any

from . import io
from ._text import line, printable
from .diff import diff, diff_views
from .discovery import EndpointSlice
from .endpoints import Endpoints
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


def _slices(path: str, problems: list[str], notes: list[str]) -> list[EndpointSlice | Endpoints]:
    docs, found = io.load_paths([path], keep_other_kinds=True)
    problems.extend(str(p) for p in found)
    out: list[EndpointSlice | Endpoints] = []
    skipped: Counter[str] = Counter()
    for obj in io.flatten([d.object for d in docs]):
        if isinstance(obj, (EndpointSlice, Endpoints)):
            out.append(obj)
        else:
            # A manifest holds Services and workloads beside its slices; they are
            # not endpoints, but dropping them unannounced would hide a wrong path.
            skipped[kind_of(obj) or "<no kind>"] += 1
    if skipped:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(skipped.items()))
        notes.append(f"{path}: skipped {kinds} (only EndpointSlices and Endpoints are compared)")
    return out


def run(args: argparse.Namespace) -> int:
    """Run ``diff``; 0 same, 1 different, 2 bad input."""
    problems: list[str] = []
    notes: list[str] = []
    old = _slices(args.old, problems, notes)
    new = _slices(args.new, problems, notes)
    if problems:
        for text in problems:
            print(f"{PROG}: error: {line(text)}", file=sys.stderr)
        return 2
    for text in notes:
        print(f"{PROG}: note: {line(text)}", file=sys.stderr)
    if not old and not new:
        # kubectl diff also exits 0 when it finds nothing to differ.
        print(f"{PROG}: note: nothing was compared: neither side holds EndpointSlices or Endpoints", file=sys.stderr)
    if any(isinstance(o, Endpoints) for o in (*old, *new)):
        result = diff_views(old, new)
    else:
        result = diff(
            [o for o in old if isinstance(o, EndpointSlice)], [o for o in new if isinstance(o, EndpointSlice)]
        )
    if args.output == "json":
        sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")  # ASCII: escapes every control.
    elif result:
        sys.stdout.write("\n".join(printable(row) for row in result.render().split("\n")) + "\n")
    return 1 if result else 0
