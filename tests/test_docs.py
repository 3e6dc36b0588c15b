"""Run the script-style examples in docs/*.md and README.md.

Examples written as ``>>>`` sessions are run by pytest's doctest collection
(see ``--doctest-glob`` in pyproject.toml). Fenced ``python`` blocks without
``>>>`` are scripts that state their results with ``assert``; this module
executes them, block after block in one namespace per page, from the
repository root so that relative paths to ``examples/`` and ``tests/data/``
resolve.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def script_blocks(text: str) -> list[str]:
    """The fenced python blocks of *text* that are scripts, not doctest sessions."""
    return [block for block in FENCE.findall(text) if not re.search(r"^>>>", block, re.MULTILINE)]


PAGES = [
    page
    for page in sorted([*ROOT.joinpath("docs").glob("*.md"), ROOT / "README.md"])
    if script_blocks(page.read_text(encoding="utf-8"))
]


def test_some_pages_have_script_examples() -> None:
    assert {p.name for p in PAGES} >= {"validation.md", "checks.md"}


def test_the_extractor_finds_script_blocks_only() -> None:
    text = "x\n```python\nassert 1\n```\n```python\n>>> 1\n1\n```\n```sh\nls\n```\n"
    assert script_blocks(text) == ["assert 1\n"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_scripts_run(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = script_blocks(page.read_text(encoding="utf-8"))
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": f"docs.{page.stem}"}
    for number, block in enumerate(blocks, 1):
        code = compile(block, f"{page.name} block {number}", "exec")
        exec(code, namespace)  # noqa: S102  # Running the documentation's own examples is the point.
    assert os.getcwd() == str(ROOT)
