"""``endpointslice validate [PATH...|-]``: the apiserver's checks and the cross-object checks, for CI.

One line per problem in the default text output::

    web.yaml:12:7: error [api] EndpointSlice/shop/web-1: endpoints[0].addresses[0]: Invalid value: ...

The switches follow kubeconform's, which CI users already know: ``--skip-kinds``,
``--reject-kinds``, ``--ignore-filename-pattern``, ``--strict``, ``--summary``.
Files that are not Kubernetes manifests (no ``kind``: a kustomization.yaml, a
GitHub workflow, Helm values) are skipped with a note.

Exit status: 0 clean, 1 problems found (errors, or warnings too with
``--strict``), 2 unreadable input or bad usage.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

import attrs

from . import _input, _lenient, io
from ._text import clip, shorten
from ._validate_report import Case, Located, Report, render
from .checks import (
    ANNOTATION_IGNORE_CHECKS,
    CROSS_OBJECT_CHECKS,
    Finding,
    Severity,
    api_findings,
    ignored_checks,
    run_checks,
)
from .errors import LoadError, Problem
from .kinds import OtherObject, kind_of
from .validation import KubeVersion, covers

if TYPE_CHECKING:
    from .kinds import KubeObject

__all__ = ["register", "run"]

HELP = "check manifests as the apiserver would, plus cross-object checks"

OUTPUTS = ("text", "json", "github", "junit", "sarif")

_SEGMENT = re.compile(r"\[([^\]]*)\]|([^.\[\]]+)")

#: Kinds Kubernetes serves without a namespace, named ``Kind/name`` rather than ``Kind/default/name``.
_CLUSTER_SCOPED = frozenset(
    {
        "APIService",
        "CSIDriver",
        "CSINode",
        "CertificateSigningRequest",
        "ClusterRole",
        "ClusterRoleBinding",
        "CustomResourceDefinition",
        "FlowSchema",
        "IngressClass",
        "MutatingWebhookConfiguration",
        "Namespace",
        "Node",
        "PersistentVolume",
        "PriorityClass",
        "PriorityLevelConfiguration",
        "RuntimeClass",
        "StorageClass",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "ValidatingWebhookConfiguration",
        "VolumeAttachment",
    }
)


def register(sub: Any) -> None:
    """Add the ``validate`` command to the subparsers *sub*."""
    p = sub.add_parser("validate", help=HELP, description=HELP[0].upper() + HELP[1:] + ".")
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files, directories (*.yaml, *.yml, *.json) or - for stdin (the default)",
    )
    p.add_argument(
        "-o",
        "--output",
        choices=OUTPUTS,
        default="text",
        help="one line per problem (default), JSON, GitHub Actions annotations, a JUnit report or SARIF 2.1.0",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="unknown fields are errors, and warnings fail too (exit 1); "
        "by default unknown fields are reported as warnings, as kubeconform accepts them without -strict",
    )
    p.add_argument("--summary", action="store_true", help="end with one summary line, as kubeconform -summary")
    p.add_argument(
        "--skip-kinds",
        "--skip",
        action="append",
        type=_kinds,
        default=[],
        metavar="KINDS",
        help="comma-separated kinds (Deployment) or apiVersion/kind (apps/v1/Deployment) to leave out; repeatable",
    )
    p.add_argument(
        "--reject-kinds",
        "--reject",
        action="append",
        type=_kinds,
        default=[],
        metavar="KINDS",
        help="comma-separated kinds or apiVersion/kind that are errors wherever they appear; repeatable",
    )
    p.add_argument(
        "--ignore-filename-pattern",
        action="append",
        type=_pattern,
        default=[],
        metavar="REGEX",
        help="leave out files whose path matches this regular expression (searched, not anchored); repeatable",
    )
    p.add_argument(
        "--disable",
        action="append",
        type=_check_id,
        default=[],
        metavar="CHECK",
        help=f"turn off a cross-object check (ES001 ... ES011) everywhere; repeatable. "
        f"One object turns checks off for itself with the {ANNOTATION_IGNORE_CHECKS} annotation",
    )
    p.add_argument(
        "--old",
        action="append",
        default=[],
        metavar="FILE",
        help="the stored objects: each input object with the same kind, namespace and name is checked "
        "as an update of it (immutable fields, ratcheting); repeatable",
    )
    p.add_argument(
        "--kube-version",
        default=str(KubeVersion.V1_37),
        choices=[str(v) for v in KubeVersion],
        help="the Kubernetes version whose rules and messages to use (default: %(default)s)",
    )
    p.add_argument(
        "--strict-ip",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="force the StrictIPCIDRValidation gate on or off (default: on from 1.36)",
    )
    p.add_argument(
        "--max-endpoints-per-slice",
        type=_positive,
        default=100,
        metavar="N",
        help="the ES008 limit (default: %(default)s, the controller's default)",
    )
    p.set_defaults(func=run)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a positive integer: {text!r}")
    return value


def _kinds(text: str) -> frozenset[str]:
    names = frozenset(n.strip() for n in text.split(",") if n.strip())
    if not names:
        raise argparse.ArgumentTypeError(f"no kind named: {text!r}")
    return names


def _pattern(text: str) -> re.Pattern[str]:
    try:
        return re.compile(text)
    except re.error as exc:
        raise argparse.ArgumentTypeError(f"not a regular expression: {text!r}: {exc}") from None


def _check_id(text: str) -> str:
    if text not in CROSS_OBJECT_CHECKS:
        raise argparse.ArgumentTypeError(
            f"not a cross-object check: {text!r} (one of {', '.join(sorted(CROSS_OBJECT_CHECKS))})"
        )
    return text


def run(args: argparse.Namespace) -> int:
    """Run ``validate``; see the module docstring for the exit status."""
    report = check(args)
    sys.stdout.write(render(report, args.output, summary=args.summary))
    if report.load_failed:
        return 2
    return 1 if report.failing else 0


def check(args: argparse.Namespace) -> Report:
    """Everything ``validate`` finds for *args*, ready to render."""
    report = Report(strict=args.strict)
    paths = args.paths or ["-"]
    if "-" in args.old and "-" in paths:
        # Whichever read standard input first would leave nothing for the other.
        report.add_problem(Problem(source="<stdin>", message="--old - and the input - cannot both be standard input"))
        return report
    stored = _stored(args.old, report)
    docs: list[io.Document] = []
    unknown: list[Problem] = []
    for file in _files(paths, args.ignore_filename_pattern, report):
        good, bad = _load_file(file, report)
        docs.extend(good)
        unknown.extend(bad)
    if not docs and not report.problems and not report.cases and not report.files_skipped:
        # An empty file, a stream of only `---` and comments, empty stdin: kubectl refuses these too.
        source = ("<stdin>" if paths[0] == "-" else paths[0]) if len(paths) == 1 else "<input>"
        report.add_problem(Problem(source=source, message="no objects passed to validate"))
    _check_objects(docs, unknown, stored, args, report)
    return report


def _files(paths: Sequence[str], ignore: Sequence[re.Pattern[str]], report: Report) -> Iterator[str]:
    """The files to read: directories walked, and every path an ``--ignore-filename-pattern`` matches left out."""
    for path in paths:
        if path == "-":
            yield path
            continue
        if os.path.isdir(path):
            problems: list[Problem] = []
            found = _input.walk(path, _input.SUFFIXES, problems)
            for p in problems:
                report.add_problem(p)
            kept = [f for f in found if not any(r.search(f) for r in ignore)]
            if not found:
                report.add_problem(Problem(source=path, message="no *.yaml, *.yml or *.json files in directory"))
            elif not kept:
                # Said, not silent: and a hook run on only ignored files passes rather than failing "no objects".
                report.skip_file(path, f"all {len(found)} files match --ignore-filename-pattern")
            yield from kept
        elif any(r.search(path) for r in ignore):
            report.skip_file(path, "matches --ignore-filename-pattern")
        else:
            yield path


def _load_file(file: str, report: Report) -> tuple[list[io.Document], list[Problem]]:
    """The documents of *file* and the unknown fields of documents that load without them (see `_lenient`).

    Every other problem goes to *report*. A file none of whose documents names a kind is
    not a manifest: it is skipped with a note rather than refused.
    """
    stdin: IO[bytes] | IO[str] | None = None
    if file == "-":
        try:
            stdin = _lenient.stdin_copy()
        except LoadError as exc:
            for p in exc.problems:
                report.add_problem(p)
            return [], []
    good, bad, unknown = _lenient.load([file], stdin=stdin)
    if not good and bad and not unknown and all(_not_a_manifest(p) for p in bad):
        report.skip_file(bad[0].source or file, "not a Kubernetes manifest (no apiVersion and kind)")
        return [], []
    for p in bad:
        report.add_problem(p)
    return good, unknown


def _not_a_manifest(p: Problem) -> bool:
    return not p.path and (p.message == "missing kind" or p.message.startswith("expected an object with apiVersion"))


def _stored(paths: Sequence[str], report: Report) -> dict[tuple[str, str, str], KubeObject]:
    """The objects of ``--old`` files by ``(kind, namespace, name)``."""
    if not paths:
        return {}
    # Other kinds are kept, as in the inputs: a stored state dumped from a cluster holds
    # Deployments too, and they have no update rules here rather than being unreadable.
    docs, problems = io.load_paths(paths, keep_other_kinds=True)
    for p in problems:
        report.add_problem(p)
    out: dict[tuple[str, str, str], KubeObject] = {}
    first: dict[tuple[str, str, str], str] = {}
    for doc in docs:
        for obj, prefix in _expand(doc.object, ()):
            key = identity(obj)
            line, column = doc.locate(prefix)
            at = f"{doc.source}:{line}:{column}"
            if key not in out:
                out[key], first[key] = _as_stored(obj), at
            elif out[key] != _as_stored(obj):
                # Which of two differing versions is the stored one cannot be guessed; taking the
                # first silently would judge the update against an object the user may not mean.
                message = f"{subject_of(*key)} is stored twice, differently (first at {first[key]}); give one"
                report.add_problem(Problem(source=doc.source, line=line, column=column, message=message))
    return out


#: The resourceVersion given to a stored object that has none (see `_as_stored`).
STORED_RESOURCE_VERSION = "1"


def _as_stored(obj: KubeObject) -> KubeObject:
    """*obj* as the cluster would hold it: with a resourceVersion.

    Every object a cluster stores has one, but manifests kept in git have none. Without this an
    update of them would be refused for its own missing resourceVersion ("must be specified for
    an update"), although the apiserver gives a request without one the stored version.
    """
    if not covers(obj) or obj.metadata is None:
        return obj  # Other kinds have no update rules here.
    if obj.metadata.resource_version:
        return obj
    return attrs.evolve(obj, metadata=attrs.evolve(obj.metadata, resource_version=STORED_RESOURCE_VERSION))


def _check_objects(
    docs: Sequence[io.Document],
    unknown: Sequence[Problem],
    stored: Mapping[tuple[str, str, str], KubeObject],
    args: argparse.Namespace,
    report: Report,
) -> None:
    version = KubeVersion.coerce(args.kube_version)
    skip = frozenset().union(*args.skip_kinds)
    reject = frozenset().union(*args.reject_kinds)
    disabled = frozenset(args.disable)
    places: dict[int, tuple[io.Document, tuple[str | int, ...]]] = {}
    objects: list[KubeObject] = []
    cases: dict[int, Case] = {}
    per_object: dict[int, list[Located]] = {}
    for doc in docs:
        for obj, prefix in _expand(doc.object, ()):
            kind, namespace, name = identity(obj)
            case = Case(file=doc.source, name=subject_of(kind, namespace, name))
            cases[id(obj)] = case
            report.cases.append(case)
            places[id(obj)] = (doc, prefix)
            api_version = _api_version(obj)
            if kind in skip or f"{api_version}/{kind}" in skip:
                case.skipped = f"kind {kind} skipped by --skip-kinds"
                continue
            if kind in reject or f"{api_version}/{kind}" in reject:
                line, column = doc.locate((*prefix, "kind"))
                rejected = _located(
                    obj,
                    (doc.source, line, column),
                    "rejected-kind",
                    severity=Severity.ERROR,
                    path="kind",
                    message=f"prohibited resource kind {kind}",
                )
                per_object[id(obj)] = [rejected]
                continue
            objects.append(obj)
            if not covers(obj):
                case.skipped = f"not checked: no rules for kind {kind or '(none)'}"
    for p in unknown:
        owner, prefix = _owner(p, docs)
        if owner is None:
            report.add_problem(p)
            continue
        per_object.setdefault(id(owner), []).append(
            _located(
                owner,
                (p.source or "<input>", p.line, p.column),
                "unknown-field",
                severity=Severity.ERROR if args.strict else Severity.WARNING,
                path=clip(_relative(p.path, prefix), 1024),
                message=_lenient.UNKNOWN_FIELD,
            )
        )
    findings: dict[int, list[Finding]] = {}
    for obj in objects:
        old = stored.get(identity(obj))
        findings[id(obj)] = api_findings(obj, version=version, strict_ip=args.strict_ip, old=old)
    for f in run_checks(objects, max_endpoints_per_slice=args.max_endpoints_per_slice):
        findings.setdefault(id(f.subject), []).append(f)
    for obj in objects:
        doc, prefix = places[id(obj)]
        turned_off, not_checks = ignored_checks(obj)
        out = per_object.setdefault(id(obj), [])
        if not_checks:
            path = f"metadata.annotations[{ANNOTATION_IGNORE_CHECKS}]"
            line, column = doc.locate((*prefix, *_segments(path)))
            out.append(
                _located(
                    obj,
                    (doc.source, line, column),
                    "ignore-checks",
                    severity=Severity.WARNING,
                    path=path,
                    message=f"not cross-object checks, so not turned off: {', '.join(not_checks)}",
                )
            )
        for f in findings.get(id(obj), ()):
            if f.rule in disabled or f.rule in turned_off:
                continue
            line, column = doc.locate((*prefix, *_segments(f.path)))
            at = (doc.source, line, column)
            out.append(_located(obj, at, f.rule, severity=f.severity, path=clip(f.path, 1024), message=f.message))
    # Findings are printed object by object, in input order, the object's own load findings first.
    for obj_id, case in cases.items():
        for located in per_object.get(obj_id, ()):
            report.found.append(located)
            case.findings.append(located)


def _located(obj: KubeObject, at: tuple[str, int | None, int | None], rule: str, **fields: Any) -> Located:
    """A finding about *obj* at ``(file, line, column)``; *fields* are ``severity``, ``path`` and ``message``."""
    kind, namespace, name = identity(obj)
    file, line, column = at
    return Located(
        file=file,
        line=line,
        column=column,
        rule=rule,
        kind=kind,
        namespace=namespace,
        name=name,
        severity=fields["severity"],
        path=fields["path"],
        message=shorten(fields["message"]),
    )


def _owner(p: Problem, docs: Sequence[io.Document]) -> tuple[KubeObject | None, tuple[str | int, ...]]:
    """The object (a list's item, or the document's object) an unknown field belongs to."""
    for doc in docs:
        if doc.source != p.source or doc.index != p.document:
            continue
        best: tuple[KubeObject | None, tuple[str | int, ...]] = (None, ())
        for obj, prefix in _expand(doc.object, ()):
            if tuple(p.segments[: len(prefix)]) == prefix and (best[0] is None or len(prefix) > len(best[1])):
                best = (obj, prefix)
        return best
    return None, ()


def _relative(path: str, prefix: tuple[str | int, ...]) -> str:
    for part in prefix:
        path = path.removeprefix(f"[{part}]" if isinstance(part, int) else str(part)).removeprefix(".")
    return path


def identity(obj: KubeObject) -> tuple[str, str, str]:
    """``(kind, namespace, name)`` of any object.

    The namespace is ``default`` when unset, as kubectl would create it, and ``""`` for a cluster-scoped kind.
    """
    kind = kind_of(obj)
    if isinstance(obj, OtherObject):
        meta = obj.data.get("metadata")
        meta = meta if isinstance(meta, Mapping) else {}
        name, namespace = meta.get("name") or meta.get("generateName"), meta.get("namespace")
        name = name if isinstance(name, str) else ""
        namespace = namespace if isinstance(namespace, str) else None
    else:
        meta = getattr(obj, "metadata", None)
        name = (getattr(meta, "name", None) or getattr(meta, "generate_name", None) or "") if meta else ""
        namespace = getattr(meta, "namespace", None) if meta else None
    if not namespace:
        namespace = "" if kind in _CLUSTER_SCOPED else "default"
    return kind, clip(namespace), clip(name)


def subject_of(kind: str, namespace: str, name: str) -> str:
    """``Kind/namespace/name``, or ``Kind/name`` for a cluster-scoped kind."""
    return f"{kind}/{namespace}/{name}" if namespace else f"{kind}/{name}"


def _api_version(obj: KubeObject) -> str:
    if isinstance(obj, OtherObject):
        return obj.api_version or ""
    return str(getattr(type(obj), "api_version", ""))


def _expand(obj: KubeObject, prefix: tuple[str | int, ...]) -> Iterator[tuple[KubeObject, tuple[str | int, ...]]]:
    items = getattr(obj, "items", None)
    if isinstance(items, tuple) and not isinstance(obj, OtherObject):
        for i, item in enumerate(items):
            yield from _expand(item, (*prefix, "items", i))
    else:
        yield obj, prefix


def _segments(path: str) -> Iterator[str | int]:
    for m in _SEGMENT.finditer(path):
        bracket, name = m.groups()
        if name is not None:
            yield name
        elif bracket is not None and bracket.isdigit():
            yield int(bracket)
        elif bracket is not None:
            yield bracket
