"""``endpointslice completion bash|zsh|fish``: scripts that parse, and list the commands and their options."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from endpointslice._cli import _COMMANDS, main
from endpointslice._cmd_completion import script

VALIDATE_OPTIONS = [
    "--output",
    "--strict",
    "--summary",
    "--skip-kinds",
    "--reject-kinds",
    "--ignore-filename-pattern",
    "--disable",
    "--old",
    "--kube-version",
    "--max-input-size",
]


def complete(tmp_path: Path, words: list[str]) -> list[str]:
    """What bash offers for the last of *words* (``""`` to complete a new word)."""
    path = tmp_path / "endpointslice.bash"
    path.write_text(script("bash"), encoding="utf-8")
    quoted = " ".join(f"'{w}'" for w in ["endpointslice", *words])
    program = (
        f"source {path}\nCOMP_WORDS=({quoted})\nCOMP_CWORD={len(words)}\n"
        '_endpointslice\nprintf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    result = subprocess.run(["bash", "--norc", "-c", program], capture_output=True, text=True, check=True, cwd=tmp_path)
    return [w for w in result.stdout.splitlines() if w]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_script_is_valid_bash(tmp_path: Path) -> None:
    path = tmp_path / "endpointslice.bash"
    path.write_text(script("bash"), encoding="utf-8")
    subprocess.run(["bash", "-n", str(path)], check=True)


def test_bash_script_lists_every_command_and_the_options_of_validate() -> None:
    text = script("bash")
    for command in _COMMANDS:
        assert f"        {command}) opts=" in text
    (validate,) = [line for line in text.splitlines() if line.startswith("        validate) opts=")]
    for option in VALIDATE_OPTIONS:
        assert f" {option} " in validate or f'{option}"' in validate


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_commands_options_and_choices(tmp_path: Path) -> None:
    assert complete(tmp_path, ["va"]) == ["validate"]
    assert complete(tmp_path, ["validate", "--sk"]) == ["--skip-kinds", "--skip"]
    assert complete(tmp_path, ["validate", "-o", ""]) == ["text", "json", "github", "junit", "sarif"]
    # --output is not an option of completion, so what follows it is a file name.
    assert complete(tmp_path, ["completion", "--output", ""]) == ["endpointslice.bash"]
    (tmp_path / "svc.yaml").write_text("", encoding="utf-8")
    assert complete(tmp_path, ["validate", "sv"]) == ["svc.yaml"]


@pytest.mark.parametrize(("shell", "checker"), [("zsh", ["zsh", "-n"]), ("fish", ["fish", "--no-execute"])])
def test_other_shells_scripts_parse(shell: str, checker: list[str], tmp_path: Path) -> None:
    text = script(shell)
    for command in _COMMANDS:
        assert command in text
    assert "skip-kinds" in text
    if shutil.which(checker[0]) is None:
        pytest.skip(f"{checker[0]} is not installed")
    path = tmp_path / f"endpointslice.{shell}"
    path.write_text(text, encoding="utf-8")
    subprocess.run([*checker, str(path)], check=True)


def test_the_command_prints_the_script(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "bash"]) == 0
    assert capsys.readouterr().out == script("bash")
    with pytest.raises(SystemExit) as exc:
        main(["completion", "tcsh"])
    assert exc.value.code == 2
