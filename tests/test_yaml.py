"""Streaming YAML (`_yaml.iter_streamed` through `io`): the node-tree reader's results, with no node tree."""

from __future__ import annotations

import re
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kind_strategies import LIST_KINDS, SINGLE_KINDS

from endpointslice import _yaml, io
from endpointslice.errors import LoadError, StructureError

DATA = Path(__file__).parent / "data"


def _classic(text: str, *, keep_other_kinds: bool = True) -> list[io.Document]:
    """What the node-tree reader alone gives (the reference)."""
    saved = io._read_streamed
    io._read_streamed = lambda *args: None
    try:
        return io.load_documents(text, keep_other_kinds=keep_other_kinds)
    finally:
        io._read_streamed = saved


def _streamed(text: str, *, keep_other_kinds: bool = True) -> list[io.Document] | None:
    return io._read_streamed(text, "<string>", io._SourceText(text), True, keep_other_kinds)


def _same(streamed: list[io.Document], classic: list[io.Document]) -> None:
    assert [d.object for d in streamed] == [d.object for d in classic]
    for got, want in zip(streamed, classic, strict=True):
        assert (got.index, got.line, got.column, got.span) == (want.index, want.line, want.column, want.span)
        if want._items is None:
            assert got._items is None
        else:
            assert got._items is not None
            assert [got._items[i] for i in range(len(got._items))] == [want._items[i] for i in range(len(want._items))]


def _big_slice_list(n: int) -> str:
    endpoint = (
        "  - addresses: [10.0.{a}.{b}]\n"
        "    conditions: {{ready: true, serving: true, terminating: false}}\n"
        "    nodeName: node-{a}\n"
        "    targetRef: {{kind: Pod, name: web-{a}-{b}, namespace: shop, uid: {a}-{b}}}\n"
        "    zone: zone-{z}\n"
    )
    items = []
    for s in range(n // 100):
        eps = "".join(endpoint.format(a=s, b=b, z=b % 3) for b in range(100))
        items.append(
            f"- addressType: IPv4\n  endpoints:\n{eps}  metadata:\n    name: web-{s}\n"
            "  ports:\n  - {name: http, port: 80, protocol: TCP}\n"
        )
    return "apiVersion: discovery.k8s.io/v1\nitems:\n" + "".join(items) + "kind: EndpointSliceList\nmetadata: {}\n"


@pytest.mark.parametrize("strategy", [*SINGLE_KINDS, *LIST_KINDS])
@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_streaming_gives_the_node_tree_readers_documents(strategy: Any, data: st.DataObject) -> None:
    objs = data.draw(st.lists(strategy, min_size=1, max_size=3))
    text = io.dumps(objs)
    streamed = _streamed(text)
    if streamed is None:
        # The one thing in kubectl's output the streamer leaves to the node-tree reader: a string
        # that is exactly "<<", which kubectl prints plain (as we do), and which YAML resolves to
        # the merge key. Anything else must stream.
        assert re.search(r"(?m)(^ *(- )?|: )<<(:|$)", text), "ordinary kubectl output is read by streaming"
        return
    _same(streamed, _classic(text))


@pytest.mark.parametrize("path", sorted(DATA.rglob("*.yaml")), ids=lambda p: str(p.relative_to(DATA)))
def test_streaming_agrees_on_every_fixture(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    streamed = _streamed(text)
    if streamed is None:
        return  # Left to the node-tree reader, which is then the only one used.
    try:
        classic = _classic(text)
    except LoadError:
        pytest.fail("streaming accepted what the node-tree reader refuses")
    _same(streamed, classic)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "a: !!str 1\n",  # explicit tags
        "base: &b {x: 1}\nc:\n  <<: *b\n",  # merge keys
        "a: 1\na: 2\n",  # a repeated key
        "? [a]\n: 1\n",  # a collection as a key
        "- 1\n- 2\n",  # a document that is a list
        "apiVersion: v1\nkind: List\nitems:\n- - nested\n",  # an item that is a list
    ],
)
def test_unusual_input_is_left_to_the_node_tree_reader(text: str) -> None:
    with pytest.raises(_yaml.UnusualInputError):
        list(_yaml.iter_streamed(text, lambda head, start: None))


def test_a_bad_item_is_reported_where_it_is() -> None:
    text = _big_slice_list(300).replace("port: 80", "port: eighty", 1)
    with pytest.raises(StructureError) as info:
        io.loads(text, source="l.yaml")
    assert str(info.value) == "l.yaml:508:24: items[0].ports[0].port: expected integer, got 'eighty'"


def test_a_wrongly_guessed_kind_falls_back() -> None:
    # "kind" comes after "items", so it is guessed from the first top-level `kind:` line: here
    # the next document's, which is wrong; the result must still be the reference one.
    text = "apiVersion: v1\nitems:\n- {metadata: {name: a}}\n" + "metadata: {}\n---\n" + "kind: ServiceList\n"
    with pytest.raises(StructureError):
        io.loads(text)
    assert _streamed(text) is None


def test_the_item_kind_is_exact_when_kind_comes_first() -> None:
    text = "kind: List\napiVersion: v1\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: a}}\n"
    streamed = _streamed(text)
    assert streamed is not None
    _same(streamed, _classic(text))


def test_a_big_list_is_loaded_without_its_node_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _big_slice_list(1000)
    reference = _classic(text)
    built: list[Any] = []
    monkeypatch.setattr(yaml.nodes.MappingNode, "__init__", lambda *a: built.append(a))
    (doc,) = io.load_documents(text, keep_other_kinds=True)
    assert built == []
    assert doc.object == reference[0].object


def test_a_big_list_holds_far_less_memory_while_loading() -> None:
    text = _big_slice_list(2000)

    def peak(load: Any) -> int:
        tracemalloc.start()
        try:
            result = load(text)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            del result

    streamed, classic = peak(io.load_documents), peak(_classic)
    # About 16 KB an endpoint of node tree (and the dicts built from it) are never held.
    assert streamed * 3 < classic, (streamed, classic)


# Spliced into a big List's text: anchors, aliases, merge keys, tags, flow and block
# punctuation, document markers, and the keys the kind is guessed from (found by QA to
# be checked only on a few fixed texts).
_SPLICES = [
    "&a ",
    "*a",
    "<<: *a\n",
    "  <<: *a\n",
    "- &b {x: 1}\n",
    "!!str ",
    "!!binary ",
    "!!python/object ",
    "!custom ",
    "!!map ",
    "? ",
    "- ",
    ": ",
    "{",
    "}",
    "[",
    "]",
    "'",
    '"',
    ",",
    "#",
    "\t",
    "\n",
    "---\n",
    "...\n",
    "kind: ServiceList\n",
    "apiVersion: v1\n",
    "items:\n",
    "  - ",
    "    ",
    "%YAML 1.1\n",
    "\ufeff",
]


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_streaming_never_differs_from_the_node_tree_reader_on_damaged_lists(data: st.DataObject) -> None:
    """Streaming either gives up (None) or gives exactly the node-tree reader's documents and positions."""
    objs = data.draw(
        st.lists(st.sampled_from([p.values[0] for p in LIST_KINDS]).flatmap(lambda s: s), min_size=1, max_size=2)
    )
    text = io.dumps(objs)
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        if data.draw(st.booleans()):
            at = text.rfind("\n", 0, at) + 1  # At a line's start, where YAML's structure is.
        text = text[:at] + data.draw(st.sampled_from(_SPLICES)) + text[at:]
    try:
        streamed = _streamed(text)
    except (LoadError, StructureError) as exc:
        pytest.fail(f"streaming raised instead of giving up: {exc}")
    if streamed is None:
        return
    try:
        classic = _classic(text)
    except (LoadError, StructureError) as exc:
        pytest.fail(f"streaming accepted what the node-tree reader refuses: {exc}")
    _same(streamed, classic)
