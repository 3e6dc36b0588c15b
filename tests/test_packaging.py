"""The package metadata in pyproject.toml: Python classifiers and project URLs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from endpointslice import _cli

tomllib = pytest.importorskip("tomllib")  # Python 3.11+; the metadata is the same on 3.10.

PROJECT: dict[str, Any] = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())[
    "project"
]


def test_classifiers_name_every_supported_python_minor() -> None:
    """One ``Python :: 3.X`` classifier for each minor from ``requires-python`` to 3.13, and no other."""
    lowest = re.fullmatch(r">=3\.(\d+)", PROJECT["requires-python"])
    assert lowest is not None
    minors = [c.rsplit(".", 1)[1] for c in PROJECT["classifiers"] if re.fullmatch(r".*Python :: 3\.\d+", c)]

    assert minors == [str(m) for m in range(int(lowest.group(1)), 14)]


def test_project_urls_are_the_usual_five() -> None:
    """Homepage, Documentation, Changelog, Issues and Source, each on the project's repository."""
    urls = PROJECT["urls"]

    assert sorted(urls) == ["Changelog", "Documentation", "Homepage", "Issues", "Source"]
    assert all(url.startswith(urls["Homepage"]) for url in urls.values())


def test_the_crash_line_points_at_the_issues_url() -> None:
    """A crash asks for a report where the metadata says issues go."""
    assert PROJECT["urls"]["Issues"] == _cli.ISSUES


ROOT = Path(__file__).resolve().parent.parent


def test_the_changelog_has_a_dated_entry_for_this_version_and_the_docs_pin_it() -> None:
    """Keep a Changelog: the released version has its own dated heading and link, and the
    pre-commit how-to's ``rev:`` names that tag, so a user who copies it gets this release."""
    version = PROJECT["version"]
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", changelog, re.MULTILINE)
    assert headings[0] == ("Unreleased", "")
    assert headings[1][0] == version
    assert headings[1][1], "the release heading carries its date"
    assert f"\n[{version}]: " in changelog
    revs = set(re.findall(r"rev: (v\S+)", "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))))
    assert revs == {f"v{version}"}
