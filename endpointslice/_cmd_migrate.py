"""``endpointslice migrate PATH...|-``: turn hand-written Endpoints into EndpointSlice manifests.

Reads every document, replaces each Endpoints object by its slices
(`endpointslice.migrate`), passes everything else through, and prints the
result as ``kubectl get`` does (one object alone, several as one
``kind: List``), or rewrites the files in place (``--in-place``), touching
only the documents that held Endpoints (`endpointslice._inplace` says how
the files are kept safe). ``--check`` proves that kube-proxy's view of the
new slices equals its view of the old Endpoints.

Exit status: 0 done; 1 something could not be carried over (an address that
is not an IP), ``--check`` found a difference, or a rewritten file would not
reload or validate (nothing is written then); 2 unreadable input, bad usage,
or a file that may not or could not be rewritten (nothing is written then,
unless the file system failed between two renames, which is reported).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from . import _kubectl_items, io
from ._cli import max_endpoints_per_slice
from ._inplace import (
    RewriteError,
    Source,
    Staged,
    check_writable,
    commit,
    content_region,
    discard,
    line_ending,
    read_sources,
    splice,
    stage,
    unchanged,
)
from ._text import line, printable
from ._yaml import looks_like_json
from .discovery import EndpointSlice
from .endpoints import Endpoints, EndpointsList
from .errors import LoadError, Problem
from .io import Document
from .kinds import KubeList
from .meta import ListMeta
from .migrate import DEFAULT_MANAGED_BY, Migration, _service_index, check_managed_by, migrate, view_differences
from .packing import DEFAULT_MAX_ENDPOINTS_PER_SLICE, MAX_ENDPOINTS_PER_SLICE_LIMIT, PackingError
from .service import Service
from .validation import validate_endpoint_slice

if TYPE_CHECKING:
    from .kinds import KubeObject

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
    p.add_argument(
        "--force",
        action="store_true",
        help="with --in-place, also rewrite read-only files, files with several hard links, "
        "and files whose owner cannot be kept",
    )
    p.add_argument("-o", "--output", choices=("yaml", "json"), default="yaml", help="output format (default yaml)")
    p.set_defaults(func=run)


def _say(level: str, text: str, *, whole: bool = False) -> None:
    """Print one line on standard error; names and values from the input are escaped (and cut unless *whole*)."""
    print(f"{PROG}: {level}: {printable(text) if whole else line(text)}", file=sys.stderr)


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


def _endpoints_keys(obj: KubeObject) -> list[tuple[str, str]]:
    """``(namespace, name)`` of every Endpoints object in *obj*, also inside lists."""
    if isinstance(obj, Endpoints):
        return [(obj.metadata.namespace or "", obj.metadata.name or "")]
    if isinstance(obj, (EndpointsList, KubeList)):
        return [key for item in obj.items for key in _endpoints_keys(item)]
    return []


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
    service_doc = _service_doc(migration, docs) if migration.warnings else None
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


def _printed(objects: Sequence[KubeObject], output: io.Output) -> str:
    """The result as ``kubectl get`` prints it: one object alone, several as one ``kind: List``."""
    if len(objects) == 1:
        return io.dumps(objects[0], output=output)
    if not objects and output is io.Output.YAML:
        return ""
    return io.dumps(KubeList(metadata=ListMeta(resource_version=""), items=tuple(objects)), output=output)


def _eol(text: str, eol: str) -> str:
    return text if eol == "\n" else text.replace("\n", eol)


def _new_text(source: Source, docs: Sequence[Document], changed: dict[int, list[KubeObject]]) -> str:
    """The file's new text: each changed document's content replaced, every other character kept."""
    text = source.text
    if any(d.span is None for d in docs) or (len(docs) == 1 and looks_like_json(text)):
        # JSON holds one document (a marked JSON file is parsed as YAML, but is
        # still a JSON file): the whole file is rewritten, in JSON.
        everything = [o for d in docs for o in changed.get(d.index, [d.object])]
        return _eol(_render(everything, io.Output.JSON), line_ending(text))
    edits: list[tuple[int, int, str]] = []
    for doc in docs:
        if doc.index not in changed:
            continue
        start, end = content_region(doc, source)
        original = text[start:end]
        # New lines use the document's own line break, or the file's.
        eol = line_ending(original) if "\n" in original else line_ending(text)
        objects = changed[doc.index]
        if objects and objects[0] is doc.object and isinstance(doc.object, Endpoints):
            # --keep-endpoints: the Endpoints document stays as written, its slices follow it.
            kept = original if original.endswith("\n") else original + eol
            rest = objects[1:]
            replacement = kept + ("---" + eol + _eol(_render(rest, io.Output.YAML), eol) if rest else "")
        else:
            replacement = _eol(_render(objects, io.Output.YAML), eol)
        edits.append((start, end, replacement))
    return splice(text, edits)


def _verify(
    source: Source, text: str, expected: Sequence[KubeObject], new: Sequence[KubeObject], *, validated: bool
) -> list[Problem]:
    """Why *text* must not replace *source*: it must reload as *expected*, and its *new* slices must validate.

    *validated* says the migrations already found every new slice valid; a
    reload equal to them is then valid too, and is not validated again.
    """
    try:
        reloaded = io.loads(text, source=source.name, keep_other_kinds=True)
    except LoadError as exc:
        first = exc.problems[0].message if exc.problems else str(exc)
        return [Problem(source=source.name, message=f"the rewritten file would not load ({first}); not rewritten")]
    if io.flatten(reloaded) != io.flatten(expected):
        return [
            Problem(
                source=source.name, message="the rewritten file would not reload as the same objects; not rewritten"
            )
        ]
    problems = []
    for obj in () if validated else io.flatten(new):
        if isinstance(obj, EndpointSlice) and validate_endpoint_slice(obj):
            problems.append(
                Problem(
                    source=source.name,
                    message=f"EndpointSlice {obj.metadata.name} would be rejected by the API server; not rewritten",
                )
            )
    return problems


def _load_sources(paths: Sequence[str]) -> tuple[list[tuple[Source, list[Document]]], list[Problem]]:
    """Each file once, with its documents, for ``--in-place``: the text kept is exactly the text parsed."""
    sources, problems = read_sources(paths)
    loaded = []
    for source in sources:
        try:
            docs = io.load_documents(source.parsed, source=source.name, keep_other_kinds=True)
        except LoadError as exc:
            problems.extend(exc.problems)
            continue
        loaded.append((source, docs))
    return loaded, problems


def _write_all(
    loaded: Sequence[tuple[Source, list[Document]]],
    changed: dict[str, dict[int, list[KubeObject]]],
    *,
    force: bool,
    doubtful: set[str],
) -> int:
    """Rewrite every changed file, all or none as far as the file system allows; return the exit status.

    Every new text is built, reloaded and validated, and every file staged
    (written and fsynced beside its target) before the first is replaced, so
    a bad result, a read-only file, a full disk or a size limit leaves every
    file as it was. Only a failure between two renames leaves some files
    rewritten and others not, and then the message names both.
    """
    plans: list[tuple[Source, bytes]] = []
    refused: list[Problem] = []
    blocked = False  # A file-system reason (exit 2), not a bad result (exit 1).
    for source, docs in loaded:
        edits = changed.get(source.name)
        if not edits:
            continue
        problem = check_writable(source, force=force)
        if problem is not None:
            refused.append(problem)
            blocked = True
            continue
        try:
            text = _new_text(source, docs, edits)
        except ValueError as exc:
            # A value YAML and JSON output cannot hold (a float of .inf in another object of a List).
            refused.append(Problem(source=source.name, message=f"cannot write the result: {exc}; not rewritten"))
            continue
        expected = [o for d in docs for o in edits.get(d.index, [d.object])]
        new = [o for d in docs for o in edits.get(d.index, [])]
        problems = _verify(source, text, expected, new, validated=source.name not in doubtful)
        if problems:
            refused.extend(problems)
            continue
        plans.append((source, source.encode(text)))
    if refused:
        return _give_up(refused, status=2 if blocked else 1)
    staged: list[Staged] = []
    rewritten: list[str] = []
    try:
        return _stage_and_commit(plans, staged, rewritten, force=force)
    finally:
        # Whatever happened (even Ctrl-C), no temporary file outlives the run.
        for done in staged[len(rewritten) :]:
            discard(done)


def _stage_and_commit(
    plans: Sequence[tuple[Source, bytes]], staged: list[Staged], rewritten: list[str], *, force: bool
) -> int:
    """Stage every file, check every one unchanged, then replace them in order; fills *staged* and *rewritten*."""
    try:
        for source, data in plans:
            staged.append(stage(source, data, force=force))
    except RewriteError as exc:
        return _give_up(exc.problems, status=2)
    moved = [s for s in staged if not unchanged(s.source)]
    if moved:
        return _give_up(
            [Problem(source=s.source.name, message="changed on disk since it was read; not rewritten") for s in moved],
            status=2,
        )
    for i, done in enumerate(staged):
        try:
            commit(done)
        except RewriteError as exc:
            for problem in exc.problems:
                _say("error", str(problem))
            left = [s.source.name for s in staged[i:]]
            listed = f"rewritten: {', '.join(rewritten) or 'none'}; not rewritten: {', '.join(left)}"
            _say("error", listed, whole=True)  # Every name, however many: the user must know which.
            return 2
        rewritten.append(done.source.name)
    return 0


def _give_up(problems: Sequence[Problem], *, status: int) -> int:
    for problem in problems:
        _say("error", str(problem))
    _say("note", "no file was rewritten")
    return status


def run(args: argparse.Namespace) -> int:
    """Run ``migrate``; see the module docstring for the exit status."""
    output = io.Output(args.output)
    if args.in_place and "-" in args.paths:
        _say("error", "--in-place cannot rewrite standard input")
        return 2
    loaded: list[tuple[Source, list[Document]]] = []
    if args.in_place:
        loaded, problems = _load_sources(args.paths)
        docs = [d for _, file_docs in loaded for d in file_docs]
    else:
        docs, problems = io.load_paths(args.paths, keep_other_kinds=True)
    if problems:
        for problem in problems:
            _say("error", str(problem))
        return 2
    # One index of every Service, built once: each document is migrated with the few its
    # Endpoints need (handing every object to every call made a run quadratic).
    known = _service_index(d.object for d in docs)
    lossy = failed = False
    out_objects: list[KubeObject] = []
    changed_by_source: dict[str, dict[int, list[KubeObject]]] = {}
    doubtful: set[str] = set()
    seen = checked = 0  # Endpoints found; of them, migrated (so checked, with --check).
    for doc in docs:
        result = migrate(
            [doc.object],
            keep_endpoints=args.keep_endpoints,
            max_endpoints_per_slice=args.max_endpoints_per_slice,
            managed_by=args.managed_by,
            services=[known[k] for k in _endpoints_keys(doc.object) if k in known],
        )
        for migration in result.migrations:
            seen += 1
            checked += migration.migrated
            was_lossy, check_failed = _report(migration, doc, docs, args.check)
            lossy = lossy or was_lossy
            if migration.problems:
                doubtful.add(doc.source)  # Its slices are validated again after the reload.
            failed = failed or check_failed
        out_objects.extend(result.objects)
        if any(m.migrated for m in result.migrations):
            changed_by_source.setdefault(doc.source, {})[doc.index] = list(result.objects)
    if seen == 0:
        _say("note", "no Endpoints objects found; nothing to migrate")
    elif args.check and not failed:
        # Only migrated objects are compared: one left unchanged (its own note says why) was not.
        left = f" ({seen - checked} left unchanged, not checked)" if checked < seen else ""
        _say("check passed", f"kube-proxy's view is unchanged for {checked} Endpoints object(s){left}")

    status = 1 if lossy or failed else 0
    if args.in_place and failed:
        _say("note", "files left unchanged because the check failed")
    elif args.in_place:
        status = max(status, _write_all(loaded, changed_by_source, force=args.force, doubtful=doubtful))
    else:
        try:
            rendered = _printed(_kubectl_items.items(out_objects), output)
        except ValueError as exc:
            _say("error", f"cannot write the result: {exc}")
            return 2
        sys.stdout.write(rendered)
    return status
