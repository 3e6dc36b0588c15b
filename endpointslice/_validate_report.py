"""What ``endpointslice validate`` found, and its output formats: text, JSON, GitHub, JUnit, SARIF 2.1.0.

`Report` gathers the findings (one `Located` per problem), one `Case` per
object (or per unreadable document, or per file that is not a manifest),
and renders them. The counts of the summary line are kubeconform's: every
case is valid, invalid (a failing finding), an error (unreadable) or skipped.
"""

from __future__ import annotations

import json
import os
from typing import Any

import attrs

from ._text import clip, no_surrogates, printable, shorten
from .checks import RULES, Severity
from .errors import Problem

__all__ = ["Case", "Located", "Report", "render"]

#: Where SARIF viewers link a rule to.
DOCS = "https://github.com/endpointslice/endpointslice/blob/main/docs/checks.md"
#: The SARIF schema this output follows.
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


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
        """``Kind/namespace/name`` (``Kind/name`` when cluster-scoped), or ``""`` for a problem with no object."""
        if not self.kind:
            return ""
        return f"{self.kind}/{self.namespace}/{self.name}" if self.namespace else f"{self.kind}/{self.name}"

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


@attrs.define(kw_only=True)
class Case:
    """One object, unreadable document or skipped file: one JUnit test case, one count of the summary."""

    file: str
    name: str
    skipped: str | None = None
    error: bool = False
    note: bool = False  # A whole file skipped: printed as a note in the text output too.
    findings: list[Located] = attrs.Factory(list)


@attrs.define(kw_only=True)
class Report:
    """Everything one run found, in input order."""

    strict: bool = False
    found: list[Located] = attrs.Factory(list)
    cases: list[Case] = attrs.Factory(list)
    problems: list[Problem] = attrs.Factory(list)
    _load_cases: dict[tuple[str, int | None], Case] = attrs.Factory(dict)

    @property
    def files_skipped(self) -> list[Case]:
        """The files skipped whole, as not manifests."""
        return [c for c in self.cases if c.note]

    @property
    def load_failed(self) -> bool:
        """Some input could not be read (exit 2)."""
        return bool(self.problems)

    def fails(self, f: Located) -> bool:
        """Whether *f* fails the run: errors always, warnings with ``--strict``."""
        return f.severity is Severity.ERROR or self.strict

    @property
    def failing(self) -> bool:
        """Some finding fails the run (exit 1)."""
        return any(self.fails(f) for f in self.found)

    def add_problem(self, p: Problem) -> None:
        """Record an input that cannot be read: a finding of rule ``load`` and an error case."""
        located = Located(
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
        self.problems.append(p)
        self.found.append(located)
        key = (located.file, p.document)
        case = self._load_cases.get(key)
        if case is None:
            name = located.file if p.document is None else f"{located.file} (document {p.document + 1})"
            case = self._load_cases[key] = Case(file=located.file, name=name, error=True)
            self.cases.append(case)
        case.findings.append(located)

    def skip_file(self, file: str, reason: str) -> None:
        """Record a file that is not a manifest."""
        self.cases.append(Case(file=file, name=file, skipped=reason, note=True))

    def counts(self) -> dict[str, int]:
        """kubeconform's summary counts: resources, files, valid, invalid, errors, skipped."""
        valid = invalid = errors = skipped = 0
        for case in self.cases:
            if case.error:
                errors += 1
            elif any(self.fails(f) for f in case.findings):
                invalid += 1
            elif case.skipped is not None:
                skipped += 1
            else:
                valid += 1
        files = len({c.file for c in self.cases})
        return {
            "resources": len(self.cases),
            "files": files,
            "valid": valid,
            "invalid": invalid,
            "errors": errors,
            "skipped": skipped,
        }

    def summary(self) -> str:
        """The summary line, worded as kubeconform's."""
        c = self.counts()
        resources = f"{c['resources']} resource{'' if c['resources'] == 1 else 's'}"
        files = f"{c['files']} file{'' if c['files'] == 1 else 's'}"
        return (
            f"Summary: {resources} found in {files} - Valid: {c['valid']}, Invalid: {c['invalid']}, "
            f"Errors: {c['errors']}, Skipped: {c['skipped']}"
        )


def render(report: Report, output: str, *, summary: bool = False) -> str:
    """*report* in the format *output*; *summary* adds the summary line to text and GitHub output."""
    if output == "json":
        return _render_json(report)
    if output == "junit":
        return _render_junit(report)
    if output == "sarif":
        return _render_sarif(report)
    if output == "github":
        lines = [
            f"::notice file={_gh_property(printable(c.file))}::{_gh_data(c.skipped or '')}"
            for c in report.files_skipped
        ]
        lines += [_github_line(f) for f in report.found]
    else:
        lines = [printable(f"{c.file}: note [skipped] {c.skipped}") for c in report.files_skipped]
        lines += [_line(f) for f in report.found]
    if summary:
        lines.append(report.summary())
    return "".join(line + "\n" for line in lines)


def _line(f: Located) -> str:
    """One finding as one line of text: a newline or ESC in a name is printed escaped, never raw."""
    return printable(f"{f.where}: {f.severity.value} [{f.rule}] {f.text()}")


def _render_json(report: Report) -> str:
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
        for f in report.found
    ]
    data = {
        "errors": sum(f.severity is Severity.ERROR for f in report.found),
        "warnings": sum(f.severity is Severity.WARNING for f in report.found),
        "findings": items,
        "skipped": [{"file": c.file, "name": c.name, "reason": c.skipped} for c in report.cases if c.skipped],
        "summary": report.counts(),
    }
    # JSON escapes control characters itself; a lone surrogate cannot be written as UTF-8 at all.
    return no_surrogates(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


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


def _render_junit(report: Report) -> str:
    # Imported here: the default text output, which most runs print, needs no XML (start-up cost).
    import xml.etree.ElementTree as ET

    # One test case per object (and per unreadable document, and per skipped file): failing when
    # it has a failing finding, skipped when its kind is not checked, passing otherwise.
    counts = report.counts()
    suite = ET.Element(
        "testsuite",
        name="endpointslice validate",
        tests=str(counts["resources"]),
        failures=str(counts["invalid"] + counts["errors"]),
        errors="0",
        skipped=str(counts["skipped"]),
    )
    # Every text goes through printable(): XML 1.0 cannot hold NUL or ESC even escaped.
    for c in report.cases:
        case = ET.SubElement(suite, "testcase", classname=printable(c.file), name=printable(c.name))
        failing = [f for f in c.findings if report.fails(f)]
        if failing:
            failure = ET.SubElement(case, "failure", message=printable(failing[0].text()), type=failing[0].rule)
            failure.text = "\n".join(_line(f) for f in failing)
        elif c.skipped is not None:
            ET.SubElement(case, "skipped", message=printable(c.skipped))
        rest = [f for f in c.findings if f not in failing]
        if rest:
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(_line(f) for f in rest)
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"


def _uri(file: str) -> str:
    """A SARIF ``artifactLocation.uri``: relative paths stay relative (to the run's folder), others are file URIs."""
    import urllib.parse  # Here for the same reason: only SARIF output needs it.

    if os.path.isabs(file):
        return "file://" + urllib.parse.quote(file.replace(os.sep, "/"))
    return urllib.parse.quote(file.replace(os.sep, "/"))


def _render_sarif(report: Report) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        ver = version("endpointslice")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree.
        ver = "0"
    ids = sorted(RULES)
    rules = [
        {
            "id": r,
            "name": r,
            "shortDescription": {"text": RULES[r].title},
            "defaultConfiguration": {"level": RULES[r].severity.value},
            "helpUri": f"{DOCS}#rules",
        }
        for r in ids
    ]
    results: list[dict[str, Any]] = []
    for f in report.found:
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(f.file)}}
        if f.line is not None:
            physical["region"] = {"startLine": f.line, **({"startColumn": f.column} if f.column else {})}
        location: dict[str, Any] = {"physicalLocation": physical}
        if f.subject:
            location["logicalLocations"] = [{"fullyQualifiedName": f.subject, "kind": "object"}]
        results.append(
            {
                "ruleId": f.rule,
                "ruleIndex": ids.index(f.rule),
                "level": "error" if report.fails(f) else "warning",
                "message": {"text": printable(f.text())},
                "locations": [location],
            }
        )
    notes = [
        {
            "level": "note",
            "message": {"text": c.skipped or ""},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(c.file)}}}],
        }
        for c in report.files_skipped
    ]
    run = {
        "tool": {
            "driver": {
                "name": "endpointslice",
                "version": ver,
                "informationUri": "https://github.com/endpointslice/endpointslice",
                "rules": rules,
            }
        },
        "invocations": [{"executionSuccessful": not report.load_failed, "toolExecutionNotifications": notes}],
        "results": results,
    }
    sarif = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return no_surrogates(json.dumps(sarif, indent=2, ensure_ascii=False)) + "\n"
