"""Reading untrusted input (`endpointslice._input`): the fast checks give the slow checks' answers."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from endpointslice import _input, io

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
