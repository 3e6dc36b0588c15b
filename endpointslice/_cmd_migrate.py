"""``endpointslice migrate PATH...|-``: turn hand-written Endpoints into EndpointSlice manifests.

Reads every document, replaces each Endpoints object by its slices
(`endpointslice.migrate`), passes everything else through, and prints the
result as a YAML stream, or rewrites the files in place (``--in-place``),
touching only the documents that held Endpoints. ``--check`` proves that
kube-proxy's view of the new slices equals its view of the old Endpoints.

Exit status: 0 done; 1 something could not be carried over (an address that
is not an IP) or ``--check`` found a difference; 2 unreadable input or bad
usage (nothing is written then).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from . import io
from ._cli import max_endpoints_per_slice
from .endpoints import Endpoints, EndpointsList
from .errors import Problem
from .io import Document
from .kinds import KubeList, KubeObject
from .migrate import DEFAULT_MANAGED_BY, Migration, check_managed_by, migrate, view_differences
from .packing import DEFAULT_MAX_ENDPOINTS_PER_SLICE, MAX_ENDPOINTS_PER_SLICE_LIMIT, PackingError
from .service import Service

HELP = "convert hand-written Endpoints into EndpointSlice manifests"
PROG = "endpointslice migrate"


def _managed_by(text: str) -> str:
    try:
        check_managed_by(text)
    except PackingError as exc:
        raise argparse.ArgumentTypeError(exc.problems[0].message) from None
    return text


def register(sub: Any) -> None:
    """Add the ``migrate`` command to the subparsers *sub*."""
    p = sub.add_parser("migrate", help=HELP, description=HELP[0].upper() + HELP[1:] + ".")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, directories (*.yaml, *.yml, *.json) or - for stdin")
    p.add_argument(
        "--max-endpoints-per-slice",
        type=max_endpoints_per_slice,
        default=DEFAULT_MAX_ENDPOINTS_PER_SLICE,
        metavar="N",
        help=f"at most N endpoints per slice, 1 to {MAX_ENDPOINTS_PER_SLICE_LIMIT} "
        f"(default {DEFAULT_MAX_ENDPOINTS_PER_SLICE})",
    )
    p.add_argument(
        "--managed-by",
        type=_managed_by,
        default=DEFAULT_MANAGED_BY,
        metavar="NAME",
        help=f"the endpointslice.kubernetes.io/managed-by label of the slices (default {DEFAULT_MANAGED_BY})",
    )
    p.add_argument("--keep-endpoints", action="store_true", help="keep each Endpoints object next to its slices")
    p.add_argument(
        "--check",
        action="store_true",
        help="prove kube-proxy's view of the slices equals its view of the Endpoints; exit 1 if not",
    )
    p.add_argument(
        "--in-place",
        action="store_true",
        help="rewrite the files instead of printing; documents without Endpoints stay byte for byte",
    )
    p.add_argument("-o", "--output", choices=("yaml", "json"), default="yaml", help="output format (default yaml)")
    p.set_defaults(func=run)


def _say(level: str, text: str) -> None:
    print(f"{PROG}: {level}: {text}", file=sys.stderr)


def _located(problem: Problem, doc: Document, owner: object | None = None) -> Problem:
    """*problem* with the file position of its path in *doc*; *owner* is the object the path is relative to."""
    prefix = _prefix(doc.object, owner)
    path = prefix + _parse(problem.path)
    line, column = doc.locate(path)
    rendered = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in prefix).lstrip(".")
    return Problem(
        message=problem.message,
        path=f"{rendered}.{problem.path}" if rendered else problem.path,
        source=doc.source,
        line=line,
        column=column,
        document=doc.index,
    )


def _prefix(container: object, owner: object | None) -> tuple[str | int, ...]:
    """The path of *owner* inside a list document *container*; empty when it is the document itself."""
    if owner is None or owner is container:
        return ()
    items = container.items if isinstance(container, (KubeList, EndpointsList)) else ()
    for i, item in enumerate(items):
        if item is owner:
            return ("items", i)
        inner = _prefix(item, owner)
        if inner:
            return ("items", i, *inner)
    return ()


def _parse(path: str) -> tuple[str | int, ...]:
    out: list[str | int] = []
    for part in path.replace("]", "").replace("[", ".").split("."):
        if part:
            out.append(int(part) if part.isdigit() else part)
    return tuple(out)


def _service_doc(migration: Migration, docs: Sequence[Document]) -> Document | None:
    meta = migration.endpoints.metadata
    wanted = (meta.namespace or "", meta.name)
    for doc in docs:
        obj = doc.object
        if isinstance(obj, Service) and (obj.metadata.namespace or "", obj.metadata.name) == wanted:
            return doc
    return None


def _report(migration: Migration, doc: Document, docs: Sequence[Document], check: bool) -> tuple[bool, bool]:
    """Print what the migration of one Endpoints object left out; return (lossy, check failed)."""
    if not migration.migrated:
        _say("note", f"left Endpoints {migration.name} unchanged: {migration.reason}")
        return False, False
    for problem in migration.problems:
        _say("error", str(_located(problem, doc, migration.endpoints)))
    service_doc = _service_doc(migration, docs)
    for warning in migration.warnings:
        if warning.path.startswith("spec.") and service_doc is not None:
            _say("warning", str(_located(warning, service_doc)))
        else:
            _say("warning", str(_located(warning, doc, migration.endpoints)))
    failed = False
    if check:
        for line in view_differences(migration.endpoints, migration.slices):
            _say("check failed", f"Endpoints {migration.name}: {line}")
            failed = True
    return bool(migration.problems), failed


def _render(objects: Sequence[KubeObject], output: io.Output) -> str:
    if output is io.Output.JSON:
        if len(objects) == 1:
            return io.dumps(objects[0], output=output)
        return io.dumps(KubeList(items=tuple(objects)), output=output)
    return io.dumps(list(objects), output=output) if objects else ""


def _rewrite(path: str, changed: dict[int, list[KubeObject]], docs: Sequence[Document]) -> None:
    """Rewrite one file: each changed document's text replaced, everything else kept byte for byte."""
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    spans: list[tuple[int, int, str]] = []
    for doc in docs:
        if doc.index not in changed:
            continue
        span = doc.span
        if span is None:
            # JSON holds one document: rewrite the whole file in the output format.
            everything = [o for d in docs for o in changed.get(d.index, [d.object])]
            text = _render(everything, io.Output.JSON)
            spans = []
            break
        start, end = span
        objects = changed[doc.index]
        if objects and objects[0] is doc.object and isinstance(doc.object, Endpoints):
            # --keep-endpoints: the Endpoints document stays as written, its slices follow it.
            original = text[start:end] if text[start:end].endswith("\n") else text[start:end] + "\n"
            replacement = original + ("---\n" + _render(objects[1:], io.Output.YAML) if objects[1:] else "")
        else:
            replacement = _render(objects, io.Output.YAML)
        spans.append((start, end, replacement))
    for start, end, replacement in sorted(spans, reverse=True):
        text = text[:start] + replacement + text[end:]
    tmp = f"{path}.endpointslice-migrate.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def run(args: argparse.Namespace) -> int:
    """Run ``migrate``; see the module docstring for the exit status."""
    output = io.Output(args.output)
    if args.in_place and "-" in args.paths:
        _say("error", "--in-place cannot rewrite standard input")
        return 2
    docs, problems = io.load_paths(args.paths, keep_other_kinds=True)
    if problems:
        for problem in problems:
            _say("error", str(problem))
        return 2
    everything = [d.object for d in docs]
    lossy = failed = False
    out_objects: list[KubeObject] = []
    changed_by_source: dict[str, dict[int, list[KubeObject]]] = {}
    seen = 0
    for doc in docs:
        result = migrate(
            [doc.object],
            keep_endpoints=args.keep_endpoints,
            max_endpoints_per_slice=args.max_endpoints_per_slice,
            managed_by=args.managed_by,
            services=everything,
        )
        for migration in result.migrations:
            seen += 1
            was_lossy, check_failed = _report(migration, doc, docs, args.check)
            lossy = lossy or was_lossy
            failed = failed or check_failed
        out_objects.extend(result.objects)
        if any(m.migrated for m in result.migrations):
            changed_by_source.setdefault(doc.source, {})[doc.index] = list(result.objects)
    if seen == 0:
        _say("note", "no Endpoints objects found; nothing to migrate")
    elif args.check and not failed:
        _say("check passed", f"kube-proxy's view is unchanged for {seen} Endpoints object(s)")

    if args.in_place and failed:
        _say("note", "files left unchanged because the check failed")
    elif args.in_place:
        for source, changed in changed_by_source.items():
            _rewrite(source, changed, [d for d in docs if d.source == source])
    else:
        sys.stdout.write(_render(out_objects, output))
    return 1 if lossy or failed else 0
