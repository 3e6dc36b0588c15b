"""`endpointslice._lenient`: unknown fields let through, and only the files that have one read twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from endpointslice import _lenient, io

CLEAN = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"
TYPO = "apiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec: {Type: ClusterIP}\n"
BROKEN = "apiVersion: v1\nkind: Service\nmetadata: {name: c}\nspec: {ports: 80}\n"


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Each file `_lenient` asks `io.load_paths` for, and whether unknown fields were kept."""
    calls: list[tuple[str, bool]] = []
    real = io.load_paths

    def spy(paths: Any, **kwargs: Any) -> Any:
        calls.extend((Path(p).name, kwargs.get("ignore_unknown", False)) for p in paths)
        return real(paths, **kwargs)

    monkeypatch.setattr(io, "load_paths", spy)
    return calls


def test_only_a_file_with_an_unknown_field_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a folder of three files, the one with a typo is read twice; the others once."""
    for name, text in (("1.yaml", CLEAN), ("2.yaml", TYPO), ("3.yaml", CLEAN)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    reads = _reads(monkeypatch)

    docs, problems, unknown = _lenient.load([str(tmp_path)])

    assert reads == [("1.yaml", False), ("2.yaml", False), ("2.yaml", True), ("3.yaml", False)]
    assert [d.object.metadata.name for d in docs] == ["a", "b", "a"]  # type: ignore[union-attr]
    assert (problems, [(Path(p.source or "").name, p.path, p.message) for p in unknown]) == (
        [],
        [("2.yaml", "spec.Type", _lenient.UNKNOWN_FIELD)],
    )


def test_a_document_with_another_problem_stays_out(tmp_path: Path) -> None:
    """A document with an unknown field and a wrong value is refused, and its unknown field is a problem too."""
    path = tmp_path / "x.yaml"
    path.write_text(TYPO + "---\n" + BROKEN.replace("spec: {", "spec: {Type: x, "), encoding="utf-8")

    docs, problems, unknown = _lenient.load([str(path)])

    assert [d.index for d in docs] == [0]
    assert [p.document for p in unknown] == [0]
    assert {p.document for p in problems} == {1}


def test_standard_input_is_read_again_from_its_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    """``-`` is read from the in-memory copy, rewound for the second reading."""
    import io as stdio

    copy = stdio.StringIO(CLEAN + "---\n" + TYPO)

    docs, problems, unknown = _lenient.load(["-"], stdin=copy)

    assert [(d.source, d.index) for d in docs] == [("<stdin>", 0), ("<stdin>", 1)]
    assert problems == []
    assert [p.source for p in unknown] == ["<stdin>"]


def test_paths_that_name_nothing_are_problems(tmp_path: Path) -> None:
    """A missing path is a problem, as `io.load_paths` says it, and the other paths still load."""
    (tmp_path / "a.yaml").write_text(CLEAN, encoding="utf-8")

    docs, problems, _ = _lenient.load([str(tmp_path / "missing.yaml"), str(tmp_path / "a.yaml")])

    assert [p.message for p in problems] == ["no such file or directory"]
    assert len(docs) == 1
