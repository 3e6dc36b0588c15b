"""Run the script-style examples in docs/*.md and README.md.

Examples written as ``>>>`` sessions are run by pytest's doctest collection
(see ``--doctest-glob`` in pyproject.toml). Fenced ``python`` blocks without
``>>>`` are scripts that state their results with ``assert``; this module
executes them, block after block in one namespace per page, from the
repository root so that relative paths to ``examples/`` and ``tests/data/``
resolve.

A page that carries the line `RUN_CONSOLE` also has its ``console`` blocks
run: each ``$ `` line is a bash command (with its here-document or backslash
continuation lines), and the lines up to the next ``$ `` are its expected
output, standard output and error together, compared exactly. The commands
run one after another in a fresh folder, each starting where the last one
`cd`-ed to, with this Python's ``endpointslice`` first on ``PATH`` and an
empty git identity of its own. Exit statuses are not compared: a page shows
them with ``&& echo ...`` where they matter.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
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


CONSOLE = re.compile(r"^```console\n(.*?)^```", re.DOTALL | re.MULTILINE)
RUN_CONSOLE = "<!-- console blocks run under tests/test_docs.py -->"
HEREDOC = re.compile(r"<<-?\s*'?\"?(\w+)'?\"?")


def console_steps(block: str) -> list[tuple[str, str]]:
    """The ``(command, expected output)`` pairs of a console block."""
    lines = block.splitlines(keepends=True)
    steps = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith("$ "):
            raise ValueError(f"output before any command: {lines[i]!r}")
        command = lines[i][2:]
        i += 1
        while command.endswith("\\\n") and i < len(lines):
            command += lines[i]
            i += 1
        heredoc = HEREDOC.search(command)
        if heredoc:
            while i < len(lines):
                command += lines[i]
                i += 1
                if lines[i - 1].rstrip("\n") == heredoc.group(1):
                    break
        output = ""
        while i < len(lines) and not lines[i].startswith("$ "):
            output += lines[i]
            i += 1
        steps.append((command, output))
    return steps


def test_console_steps_split_commands_heredocs_and_output() -> None:
    block = "$ cat > a <<'EOF'\nx\n$ y\nEOF\n$ cat a \\\n  a\nx\n$ y\nx\ny\n$ true\n"
    assert console_steps(block) == [
        ("cat > a <<'EOF'\nx\n$ y\nEOF\n", ""),
        ("cat a \\\n  a\n", "x\n"),
        ("y\n", "x\ny\n"),
        ("true\n", ""),
    ]


CONSOLE_PAGES = [page for page in PAGES if RUN_CONSOLE in page.read_text(encoding="utf-8")]


def test_the_tutorial_runs_its_console_blocks() -> None:
    assert "tutorial.md" in {p.name for p in CONSOLE_PAGES}


@pytest.mark.parametrize("page", CONSOLE_PAGES, ids=lambda p: p.name)
def test_page_console_blocks_run(page: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Docs",
        "GIT_AUTHOR_EMAIL": "docs@example.com",
        "GIT_COMMITTER_NAME": "Docs",
        "GIT_COMMITTER_EMAIL": "docs@example.com",
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "init.defaultBranch",
        "GIT_CONFIG_VALUE_0": "main",
    }
    cwd_file = tmp_path / "cwd"
    cwd = work
    for block in CONSOLE.findall(page.read_text(encoding="utf-8")):
        for command, expected in console_steps(block):
            # The trailer records where the command left the shell, so that the next starts there.
            script = f'{command}\n__status=$?; pwd > "{cwd_file}"; exit $__status\n'
            result = subprocess.run(
                ["bash", "-c", script],
                cwd=cwd,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                check=False,
                timeout=120,
            )
            assert (command, result.stdout) == (command, expected)
            cwd = Path(cwd_file.read_text(encoding="utf-8").strip())
