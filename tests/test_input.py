"""Reading untrusted input (`endpointslice._input`): the fast checks give the slow checks' answers."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from endpointslice import _input, io
from endpointslice.errors import Problem

_ANY_SURROGATE = re.compile("[\ud800-\udfff]")
# Text made of the pieces that matter: escapes of both halves, raw halves, ASCII and other characters.
_PIECES = st.sampled_from(
    ["\\ud800", "\\udc00", "\\uD83D", "\\uDE00", "\ud800", "\udc00", "a", "\\", "u", "é", "\U0001f600"]
)


def _reference(text: str) -> bool:
    """The definition: a lone escaped half, or any raw half (raw halves come only from surrogatepass)."""
    if _input._SURROGATE_ESCAPE.search(text) and _input._LONE_ESCAPE.search(text):
        return True
    return _ANY_SURROGATE.search(text) is not None


@given(st.lists(_PIECES, max_size=12).map("".join))
def test_may_hold_surrogates_agrees_with_its_definition(text: str) -> None:
    assert _input.may_hold_surrogates(text) == _reference(text)


def test_a_raw_lone_surrogate_in_a_json_string_is_replaced() -> None:
    text = '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a\ud800é"}}'
    (svc,) = io.loads(text)
    assert svc.metadata.name == "a\ufffdé"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("walked", "named"),
    [
        ("./x.yaml", "x.yaml"),
        ("././a/b.yaml", "a/b.yaml"),
        (".//x.yaml", "x.yaml"),
        ("./../x.yaml", "../x.yaml"),  # ".." stays: through a link it may name another folder.
        ("a/./b.yaml", "a/./b.yaml"),  # Only leading parts; os.walk makes no others.
        ("/abs/x.yaml", "/abs/x.yaml"),
    ],
)
def test_walked_files_lose_leading_dot_slash_only(walked: str, named: str) -> None:
    """A file found by walking ``.`` is named as Go's tools name it, and never as another file."""
    assert _input._without_dot_slash(walked.replace("/", os.sep)) == named.replace("/", os.sep)


def test_walking_dot_names_files_from_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`walk` of ``.`` lists ``sub/x.yaml``, sorted as before, and each name opens the file it found."""
    (tmp_path / "sub").mkdir()
    for name in ("b.yaml", "sub/x.yaml", "a.json", "skip.txt"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    problems: list[Problem] = []

    found = _input.walk(".", io.SUFFIXES, problems)

    assert (found, problems) == (["a.json", "b.yaml", os.path.join("sub", "x.yaml")], [])
    assert all(Path(name).is_file() for name in found)
