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
