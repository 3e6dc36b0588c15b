"""``endpointslice get PATH... [-o wide|yaml|json]``: print objects as ``kubectl get`` does."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from . import _kubectl_items, _lenient, io
from ._emit import emit_json_list, emit_yaml_list
from ._gc import paused
from ._text import line, printable
from .discovery import EndpointSlice
from .endpoints import Endpoints
from .errors import LoadError, Problem
from .kinds import OtherObject, kind_of
from .meta import ObjectMeta
from .service import Service
from .table import parse_timestamp, render_table

if TYPE_CHECKING:
    from .kinds import KubeObject

HELP = "print EndpointSlices, Endpoints and Services as kubectl get does"


def register(sub: Any) -> None:
    """Add the ``get`` command to the subparsers *sub*."""
    p = sub.add_parser("get", help=HELP, description=HELP[0].upper() + HELP[1:] + ".")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, directories (*.yaml, *.yml, *.json) or - for stdin")
    p.add_argument("-o", "--output", choices=("wide", "yaml", "json"), help="output format (default: a table)")
    p.add_argument("--now", metavar="TIMESTAMP", help="measure AGE against this RFC 3339 time instead of the clock")
    p.add_argument(
        "--strict",
        action="store_true",
        help="refuse objects with unknown fields (exit 2); by default they print as written, with a warning",
    )
    p.add_argument(
        "--show-managed-fields",
        action="store_true",
        help="keep metadata.managedFields in -o yaml|json output (hidden by default, as kubectl does)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``get``; 0 on success (unknown fields only warned about), 2 if any input could not be read."""
    now = None
    if args.now is not None:
        now = parse_timestamp(args.now)
        if now is None:
            print(f"endpointslice get: error: --now: not an RFC 3339 time: {args.now!r}", file=sys.stderr)
            return 2
    docs, problems, unknown = _load(args.paths, strict=args.strict)
    for problem in unknown:
        print(f"endpointslice get: warning: {line(str(problem))}", file=sys.stderr)
    for problem in problems:
        print(f"endpointslice get: error: {line(str(problem))}", file=sys.stderr)
    if not docs and not problems:
        # An empty file, a stream of only `---` and comments, empty stdin: as kubectl says.
        print("endpointslice get: error: no objects passed to get", file=sys.stderr)
        return 2
    objects = _kubectl_items.items(d.object for d in docs)
    if args.output in ("yaml", "json"):
        output = io.Output(args.output)
        if not args.show_managed_fields:
            objects = [_without_managed_fields(o) for o in objects]
        # As `kubectl get -f`: one object prints alone, except from standard input, which
        # kubectl reads as a stream and always prints as a List.
        if len(objects) == 1 and "-" not in args.paths:
            sys.stdout.write(io.dumps(objects[0], output=output))
        elif docs:
            # kubectl prints several objects as one `kind: List` whose metadata holds an empty
            # resourceVersion, whatever lists they came from; lists with no items give an empty one.
            # Each object becomes plain data only when its turn comes, so the whole list's plain
            # data never exists at once (at 100,000 endpoints it was twice the models' memory).
            # The text is all made before any is written, so an error prints nothing partial;
            # the collector is paused meanwhile, since the dump's temporaries die young.
            emit = emit_yaml_list if output is io.Output.YAML else emit_json_list
            with paused():
                chunks = list(emit(io.to_dict(o) for o in objects))
            del objects, docs
            write = sys.stdout.write
            for chunk in chunks:
                write(chunk)
    else:
        shown = [o for o in objects if isinstance(o, (EndpointSlice, Endpoints, Service))]
        skipped = Counter(kind_of(o) for o in objects if not isinstance(o, (EndpointSlice, Endpoints, Service)))
        if skipped:
            what = ", ".join(f"{n} {kind}" for kind, n in skipped.items())
            print(
                f"endpointslice get: not shown: {what} (tables cover EndpointSlices, Endpoints and Services; "
                "-o yaml prints every object)",
                file=sys.stderr,
            )
        if shown:
            table = render_table(shown, wide=args.output == "wide", now=now)
            # A name holding ESC or a line break must not reach the terminal raw.
            sys.stdout.write("\n".join(printable(row) for row in table.split("\n")))
        elif not problems:
            print("No resources found.", file=sys.stderr)
    return 2 if problems else 0


def _load(paths: Sequence[str], *, strict: bool) -> tuple[list[io.Document], list[Problem], list[Problem]]:
    """The documents of *paths*, the problems that stop one from printing, and the unknown fields.

    kubectl shows a file offline as written, fields it does not know included; so unless
    *strict*, unknown fields are let through, to be reported as warnings (see `_lenient`).
    """
    stdin = None
    if "-" in paths:
        try:
            stdin = _lenient.stdin_copy()
        except LoadError as exc:
            return [], list(exc.problems), []
    if strict:
        docs, problems = io.load_paths(paths, keep_other_kinds=True, stdin=stdin)
        return docs, problems, []
    return _lenient.load(paths, stdin=stdin)


def _without_managed_fields(obj: KubeObject) -> KubeObject:
    """*obj* without ``metadata.managedFields``, which kubectl hides unless --show-managed-fields."""
    if isinstance(obj, OtherObject):
        meta = obj.data.get("metadata")
        if not isinstance(meta, Mapping) or "managedFields" not in meta:
            return obj
        data = dict(obj.data)
        data["metadata"] = {k: v for k, v in meta.items() if k != "managedFields"}
        return OtherObject(data)
    meta = getattr(obj, "metadata", None)
    if isinstance(meta, ObjectMeta) and meta.managed_fields is not None:
        # Every kind that carries an ObjectMeta is an attrs class; lists were flattened.
        owner: Any = obj
        # Every other field keeps the form it was written in (see io.evolve).
        hidden: KubeObject = io.evolve(owner, metadata=io.evolve(meta, managed_fields=None))
        return hidden
    return obj
