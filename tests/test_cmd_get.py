"""``endpointslice get -o yaml|json`` of several objects: the List written an item at a time."""

from __future__ import annotations

import io as stdio
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from endpointslice import _cmd_get, io
from endpointslice._cli import main
from endpointslice.kinds import KubeList, OtherObject
from endpointslice.meta import ListMeta

SLICES = sorted((Path(__file__).resolve().parent.parent / "examples" / "slices").glob("*.yaml"))

OTHER = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, managedFields: [{manager: x}]}\ndata: {"y": "on"}\n'


def _inputs(tmp_path: Path) -> list[str]:
    other = tmp_path / "other.yaml"
    other.write_text(OTHER + "---\napiVersion: v1\nkind: List\nitems: []\n", "utf-8")
    return [*map(str, SLICES), str(other)]


def _expected(paths: list[str], output: io.Output) -> str:
    docs, problems = io.load_paths(paths, keep_other_kinds=True)
    assert not problems
    objects = [_cmd_get._without_managed_fields(o) for o in io.flatten([d.object for d in docs])]
    return io.dumps(KubeList(metadata=ListMeta(resource_version=""), items=tuple(objects)), output=output)


@pytest.mark.parametrize("output", list(io.Output))
def test_several_objects_print_as_the_whole_lists_dump(
    output: io.Output, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = _inputs(tmp_path)
    assert main(["get", "-o", output.value, *paths]) == 0
    printed = capsys.readouterr().out
    assert printed == _expected(paths, output)
    assert "managedFields" not in printed


@pytest.mark.parametrize("output", list(io.Output))
def test_a_failure_while_dumping_prints_nothing_partial(
    output: io.Output, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = io.to_dict
    calls = 0

    def failing_on_the_third(obj: Any) -> dict[str, Any]:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("boom")
        return real(obj)

    monkeypatch.setattr(io, "to_dict", failing_on_the_third)
    assert main(["get", "-o", output.value, *_inputs(tmp_path)]) != 0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("output", list(io.Output))
def test_show_managed_fields_keeps_them_as_kubectl_does(
    output: io.Output, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`kubectl get --show-managed-fields`: the objects exactly as loaded, managedFields included."""
    paths = _inputs(tmp_path)
    assert main(["get", "-o", output.value, "--show-managed-fields", *paths]) == 0
    printed = capsys.readouterr().out
    docs, _ = io.load_paths(paths, keep_other_kinds=True)
    objects = tuple(io.flatten([d.object for d in docs]))
    assert printed == io.dumps(KubeList(metadata=ListMeta(resource_version=""), items=objects), output=output)
    assert "managedFields" in printed


@pytest.mark.parametrize("output", list(io.Output))
def test_a_list_of_a_kind_not_modelled_is_taken_apart_as_kubectl_does(
    output: io.Output, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # kubectl reads any object with an items list as a list (ConfigMapList, a CRD's list) and
    # prints its items; a list of two is a List of two, a list of one is that one object.
    path = tmp_path / "cms.yaml"
    item = "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: %s}\n"
    path.write_text("apiVersion: v1\nkind: ConfigMapList\nitems:\n" + item % "a" + item % "b", "utf-8")
    assert main(["get", "-o", output.value, str(path)]) == 0
    (listed,) = io.loads(capsys.readouterr().out, keep_other_kinds=True)
    assert isinstance(listed, KubeList)
    assert [o.data["metadata"]["name"] for o in listed.items if isinstance(o, OtherObject)] == ["a", "b"]
    path.write_text("apiVersion: v1\nkind: ConfigMapList\nitems:\n" + item % "a", "utf-8")
    assert main(["get", "-o", "yaml", str(path)]) == 0
    assert capsys.readouterr().out == "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"


# Unknown fields: shown as written, as kubectl shows a file offline, with a warning each.
_TYPO = (
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  Type: NodePort\n"
    "  ports:\n  - port: 80\n    bogus: {b: 1, a: [x]}\n"
)
_TYPO_SHOWN = (
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  Type: NodePort\n"
    "  ports:\n  - bogus:\n      a:\n      - x\n      b: 1\n    port: 80\n"
)


def test_unknown_fields_print_as_written_with_a_warning_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "svc.yaml"
    path.write_text(_TYPO, "utf-8")

    assert main(["get", "-o", "yaml", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == _TYPO_SHOWN
    assert err.splitlines() == [
        f"endpointslice get: warning: {path}:6:3: spec.Type: unknown field",
        f"endpointslice get: warning: {path}:9:5: spec.ports[0].bogus: unknown field",
    ]


def test_unknown_fields_print_as_kubectl_prints_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed; it is the oracle for this test")
    path = tmp_path / "svc.yaml"
    path.write_text(_TYPO, "utf-8")
    for output in ("yaml", "json"):
        done = subprocess.run(
            [kubectl, "label", "--local", "-f", str(path), "x-", "-o", output],
            capture_output=True,
            text=True,
            check=True,
        )
        # kubectl label adds an empty labels map to an object without labels; nothing else differs.
        theirs = done.stdout.replace("  labels: {}\n", "").replace('        "labels": {},\n', "")
        assert main(["get", "-o", output, str(path)]) == 0
        assert capsys.readouterr().out == theirs


def test_strict_refuses_unknown_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "svc.yaml"
    path.write_text(_TYPO, "utf-8")

    assert main(["get", "--strict", "-o", "yaml", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[0] == f"endpointslice get: error: {path}:6:3: spec.Type: unknown field"


def test_an_unknown_field_does_not_excuse_another_problem_of_its_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The first document has a wrong type too: it is refused, its unknown field an error with it;
    # the second, whose only problem is an unknown field, prints; the run fails (exit 2).
    path = tmp_path / "two.yaml"
    path.write_text(_TYPO.replace("port: 80", "port: x") + "---\n" + _TYPO.replace("web", "api"), "utf-8")

    assert main(["get", "-o", "yaml", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == _TYPO_SHOWN.replace("web", "api")
    assert [e.split(": ")[1] for e in err.splitlines()] == ["warning", "warning", "error", "error", "error"]


def test_unknown_fields_from_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Standard input is read once and kept, so that the lenient second reading sees it too.
    monkeypatch.setattr("sys.stdin", stdio.TextIOWrapper(stdio.BytesIO(_TYPO.encode()), encoding="utf-8"))

    assert main(["get", "-o", "yaml", "-"]) == 0
    out, err = capsys.readouterr()
    assert out == (
        "apiVersion: v1\nitems:\n"
        + "".join(("- " if i == 0 else "  ") + line + "\n" for i, line in enumerate(_TYPO_SHOWN.splitlines()))
        + 'kind: List\nmetadata:\n  resourceVersion: ""\n'
    )
    assert err.count("warning: <stdin>:") == 2
