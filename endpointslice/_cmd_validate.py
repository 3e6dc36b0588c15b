"""``endpointslice validate [PATH...|-]``: the apiserver's checks and the cross-object checks, for CI.

One line per problem in the default text output::

    web.yaml:12:7: error [api] EndpointSlice/shop/web-1: endpoints[0].addresses[0]: Invalid value: ...

Exit status: 0 clean, 1 problems found (errors, or warnings too with
``--strict``), 2 unreadable input or bad usage.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from . import io
from ._text import clip, no_surrogates, printable, shorten
from .checks import Finding, Severity, api_findings, run_checks
from .errors import Problem
from .kinds import KubeObject, OtherObject, kind_of
from .validation import KubeVersion

__all__ = ["register", "run"]

HELP = "check manifests as the apiserver would, plus cross-object checks"

_SEGMENT = re.compile(r"\[([^\]]*)\]|([^.\[\]]+)")


@attrs.frozen(kw_only=True)
class Located:
    """A finding (or a load problem) with its place in the input."""

    file: str
    line: int | None
    column: int | None
    severity: Severity
    rule: str
    kind: str
    namespace: str
    name: str
    path: str
    message: str

    @property
    def subject(self) -> str:
        """``Kind/namespace/name``, or ``""`` for a problem with no object."""
        return f"{self.kind}/{self.namespace}/{self.name}" if self.kind else ""

    @property
    def where(self) -> str:
        """``file:line:col`` as far as it is known."""
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def text(self) -> str:
        """The problem without its location: ``Kind/ns/name: path: message``."""
        parts = [p for p in (self.subject, self.path) if p]
        return ": ".join([*parts, self.message])


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
        choices=("text", "json", "github", "junit"),
        default="text",
        help="one line per problem (default), JSON, GitHub Actions annotations, or a JUnit report",
    )
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
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


def run(args: argparse.Namespace) -> int:
    """Run ``validate``; see the module docstring for the exit status."""
    paths = args.paths or ["-"]
    docs, problems = io.load_paths(paths, keep_other_kinds=True)
    if not docs and not problems:
        # An empty file, a stream of only `---` and comments, empty stdin: kubectl refuses these too.
        source = ("<stdin>" if paths[0] == "-" else paths[0]) if len(paths) == 1 else "<input>"
        problems = [Problem(source=source, message="no objects passed to validate")]
    found = [_from_problem(p) for p in problems]
    subjects: list[tuple[str, str]] = [(p.source or "<input>", p.source or "<input>") for p in problems]
    found.extend(_findings(docs, args, subjects))
    fails = any(f.severity is Severity.ERROR or args.strict for f in found)
    sys.stdout.write(_render(found, subjects, args.output, args.strict))
    if problems:
        return 2
    return 1 if fails else 0


def _findings(
    docs: Sequence[io.Document], args: argparse.Namespace, subjects: list[tuple[str, str]]
) -> Iterator[Located]:
    version = KubeVersion.coerce(args.kube_version)
    places: dict[int, tuple[io.Document, tuple[str | int, ...]]] = {}
    objects: list[KubeObject] = []
    for doc in docs:
        for obj, prefix in _expand(doc.object, ()):
            places[id(obj)] = (doc, prefix)
            objects.append(obj)
    per_object: dict[int, list[Finding]] = {}
    for obj in objects:
        per_object[id(obj)] = api_findings(obj, version=version, strict_ip=args.strict_ip)
    for f in run_checks(objects, max_endpoints_per_slice=args.max_endpoints_per_slice):
        per_object.setdefault(id(f.subject), []).append(f)
    for obj in objects:
        doc, prefix = places[id(obj)]
        subjects.append((doc.source, _subject(obj)))
        for f in per_object.get(id(obj), ()):
            line, column = doc.locate((*prefix, *_segments(f.path)))
            yield Located(
                file=doc.source,
                line=line,
                column=column,
                severity=f.severity,
                rule=f.rule,
                kind=f.kind,
                namespace=clip(f.namespace or "default"),
                name=clip(f.name),
                path=clip(f.path, 1024),
                message=shorten(f.message),
            )


def _subject(obj: KubeObject) -> str:
    meta = getattr(obj, "metadata", None)
    name = (getattr(meta, "name", None) or getattr(meta, "generate_name", None) or "") if meta else ""
    namespace = (getattr(meta, "namespace", None) or "default") if meta else "default"
    return f"{kind_of(obj)}/{clip(namespace)}/{clip(name)}"


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


def _from_problem(p: Problem) -> Located:
    return Located(
        file=p.source or "<input>",
        line=p.line,
        column=p.column,
        severity=Severity.ERROR,
        rule="load",
        kind="",
        namespace="",
        name="",
        path=clip(p.path, 1024),
        message=shorten(p.message),
    )


def _render(found: Sequence[Located], subjects: Sequence[tuple[str, str]], output: str, strict: bool) -> str:
    if output == "json":
        return _render_json(found)
    if output == "github":
        return "".join(_github_line(f) + "\n" for f in found)
    if output == "junit":
        return _render_junit(found, subjects, strict)
    return "".join(_line(f) + "\n" for f in found)


def _line(f: Located) -> str:
    """One finding as one line of text: a newline or ESC in a name is printed escaped, never raw."""
    return printable(f"{f.where}: {f.severity.value} [{f.rule}] {f.text()}")


def _render_json(found: Sequence[Located]) -> str:
    items = [
        {
            "file": f.file,
            "line": f.line,
            "column": f.column,
            "severity": f.severity.value,
            "rule": f.rule,
            "kind": f.kind or None,
            "namespace": f.namespace or None,
            "name": f.name or None,
            "path": f.path,
            "message": f.message,
        }
        for f in found
    ]
    summary = {
        "errors": sum(f.severity is Severity.ERROR for f in found),
        "warnings": sum(f.severity is Severity.WARNING for f in found),
        "findings": items,
    }
    # JSON escapes control characters itself; a lone surrogate cannot be written as UTF-8 at all.
    return no_surrogates(json.dumps(summary, indent=2, ensure_ascii=False)) + "\n"


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def _github_line(f: Located) -> str:
    props = [f"file={_gh_property(printable(f.file))}"]
    if f.line is not None:
        props.append(f"line={f.line}")
    if f.column is not None:
        props.append(f"col={f.column}")
    props.append(f"title={_gh_property(f.rule)}")
    return f"::{f.severity.value} {','.join(props)}::{_gh_data(printable(f.text()))}"


def _render_junit(found: Sequence[Located], subjects: Sequence[tuple[str, str]], strict: bool) -> str:
    # One test case per object (and per unreadable file), passing unless it has a failing finding.
    cases: dict[tuple[str, str], list[Located]] = {key: [] for key in subjects}
    for f in found:
        cases.setdefault((f.file, f.subject or f.file), []).append(f)
    failures = sum(1 for fs in cases.values() if any(f.severity is Severity.ERROR or strict for f in fs))
    suite = ET.Element(
        "testsuite",
        name="endpointslice validate",
        tests=str(len(cases)),
        failures=str(failures),
        errors="0",
    )
    # Every text goes through printable(): XML 1.0 cannot hold NUL or ESC even escaped.
    for (file, subject), fs in cases.items():
        case = ET.SubElement(suite, "testcase", classname=printable(file), name=printable(subject))
        failing = [f for f in fs if f.severity is Severity.ERROR or strict]
        if failing:
            failure = ET.SubElement(case, "failure", message=printable(failing[0].text()), type=failing[0].rule)
            failure.text = "\n".join(_line(f) for f in failing)
        rest = [f for f in fs if f not in failing]
        if rest:
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(_line(f) for f in rest)
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"
