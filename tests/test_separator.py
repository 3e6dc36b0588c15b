"""A broken document separator is reported at its line, in kubectl's words, by every command.

kubectl (apimachinery's YAMLReader) cuts a YAML stream into documents line by line: a line that
starts with ``---`` may go on only with white space and a ``#`` comment, and anything else is
``invalid Yaml document separator: REST``, where REST is what follows the ``---``, trimmed.
The cases come from upstream's ``TestDecodeYAMLSeparatorValidation`` and from kubectl itself.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from endpointslice import _yaml
from endpointslice._cli import main

KUBECTL = shutil.which("kubectl")

HEAD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
TAIL = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n"

# A line after HEAD (so at line 5), and what kubectl says follows the separator.
BROKEN = [
    ("------", "---"),
    ("--- x", "x"),
    ("---x", "x"),
    (
        "--- Make sure uncommented content results YAMLSyntaxError",
        "Make sure uncommented content results YAMLSyntaxError",
    ),
    ("--- {a: 1}", "{a: 1}"),
    ("---\t x \r", "x"),
    ("---\u00a0x\u3000", "x"),  # Go trims Unicode white space, not only ASCII.
    ("--- x # y", "x # y"),
]
FINE = ["---", "---   ", "---    # Make sure termination happen with inline comment", "---#", "---\t", " ---x", "--"]


@pytest.mark.parametrize(("line", "rest"), BROKEN)
def test_a_broken_separator_is_found_with_kubectls_rest(line: str, rest: str) -> None:
    text = HEAD + line + "\n" + TAIL
    found = _yaml.bad_separator(text)
    assert found == _yaml.BadSeparator(offset=len(HEAD), line=5, rest=rest)
    assert found.message == f"invalid Yaml document separator: {rest}"
    assert _yaml.bad_separator(text.encode()) == found._replace(offset=len(HEAD.encode()))


@pytest.mark.parametrize("line", FINE)
def test_a_separator_with_only_space_or_a_comment_is_fine(line: str) -> None:
    assert _yaml.bad_separator(HEAD + line + "\n" + TAIL) is None


def test_the_first_broken_line_is_the_one_reported() -> None:
    found = _yaml.bad_separator("a: 1\n---\nb: 2\n--- x\nc: 3\n---y\n")
    assert found is not None
    assert (found.line, found.rest) == (4, "x")


@pytest.mark.kubectl
@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed; it is the oracle for this test")
@pytest.mark.parametrize(("line", "rest"), [b for b in BROKEN if b[0].isascii()])
def test_kubectl_says_the_same(line: str, rest: str, tmp_path: Path) -> None:
    path = tmp_path / "file.yaml"
    path.write_text(HEAD + line + "\n" + TAIL, "utf-8", newline="")
    assert KUBECTL is not None
    result = subprocess.run(
        [KUBECTL, "label", "--local", "-f", str(path), "x-", "-o", "yaml"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr == f"error: error parsing {path}: invalid Yaml document separator: {rest}\n"


SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n"
ENDPOINTS = "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: s\nsubsets:\n- addresses:\n  - ip: 10.0.0.1\n"


@pytest.mark.parametrize(
    "command",
    [["get"], ["get", "-o", "yaml"], ["validate"], ["migrate"], ["migrate", "--in-place"], ["diff", "OTHER"]],
)
def test_every_command_that_reads_yaml_says_it_at_the_line(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    text = SERVICE + "---\n" + ENDPOINTS + "------\n" + ENDPOINTS.replace("name: s", "name: t")
    path.write_text(text, "utf-8")
    other = tmp_path / "other.yaml"
    other.write_text(ENDPOINTS, "utf-8")
    argv = [x.replace("OTHER", str(other)) for x in command]
    status = main([argv[0], str(path), *argv[1:]])
    captured = capsys.readouterr()
    err = captured.err + captured.out  # validate reports on standard output.
    assert status == 2
    assert f"{path}:16:1: " in err
    assert "invalid Yaml document separator: ---" in err
    assert "invalid YAML" not in err
    assert path.read_text("utf-8") == text  # migrate --in-place wrote nothing.


@pytest.mark.parametrize("which", ["SERVICE", "ENDPOINTS"])
def test_pack_says_it_for_either_file(which: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    service = tmp_path / "service.yaml"
    endpoints = tmp_path / "endpoints.yaml"
    service.write_text(SERVICE + ("--- x\n" if which == "SERVICE" else ""), "utf-8")
    pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
    endpoints.write_text(pod + ("--- x\n" + pod if which == "ENDPOINTS" else ""), "utf-8")
    assert main(["pack", str(service), str(endpoints)]) == 2
    broken = service if which == "SERVICE" else endpoints
    line = 8 if which == "SERVICE" else 5
    assert f"{broken}:{line}:1: invalid Yaml document separator: x" in capsys.readouterr().err


def test_the_documents_before_the_line_are_still_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # As with a YAML syntax error: validate still checks what comes before the broken line.
    path = tmp_path / "bad.yaml"
    path.write_text(SERVICE + "------\n" + TAIL, "utf-8")
    assert main(["get", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out.startswith("NAME")
    assert " s " in captured.out.splitlines()[1] or captured.out.splitlines()[1].startswith("s ")


def test_a_document_that_starts_on_its_separator_line_is_still_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A deliberate difference (docs/differences.md): YAML allows `--- {...}`, kubectl does not.
    path = tmp_path / "flow.yaml"
    path.write_text(SERVICE + "--- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}\n", "utf-8")
    assert main(["get", "-o", "yaml", str(path)]) == 0
    assert "name: c" in capsys.readouterr().out
    assert _yaml.bad_separator(path.read_text("utf-8")) is not None
