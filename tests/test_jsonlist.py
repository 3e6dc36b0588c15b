"""Item-by-item JSON list loading: a faster road that must always end where `json.loads` does."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from kind_strategies import LIST_KINDS

from endpointslice import EndpointSliceList, LoadError, Service, ServiceList, io, strategies
from endpointslice import _jsonlist as jsonlist
from endpointslice.io import _load_json_list
from endpointslice.kinds import KubeList


def _outcome(text: str | bytes) -> list[str]:
    """What `io.loads` makes of *text*: the dumped objects, or every problem with its position."""
    try:
        return [io.dumps(obj) for obj in io.loads(text, keep_other_kinds=True)]
    except LoadError as exc:
        return [str(p) for p in exc.problems]


def _whole(text: str | bytes, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The same with the item-by-item road closed, so the text is parsed whole."""
    with monkeypatch.context() as m:
        m.setattr(jsonlist, "split_list", lambda text, loader_for: None)
        return _outcome(text)


def _reordered(data: dict[str, Any]) -> str:
    # Hand-written JSON often puts kind and apiVersion first.
    first = {k: data[k] for k in ("kind", "apiVersion") if k in data}
    return json.dumps({**first, **data})


@pytest.mark.parametrize("strategy", LIST_KINDS)
@settings(max_examples=max(10, settings().max_examples // 5))
@given(drawn=st.data())
def test_lists_load_item_by_item_as_the_whole_parse_does(strategy: SearchStrategy[Any], drawn: st.DataObject) -> None:
    obj = drawn.draw(strategy)
    kubectl_order = io.dumps(obj, output=io.Output.JSON)
    data = io.to_dict(obj)
    whole = io.from_dict(data, keep_other_kinds=True)
    for text in (kubectl_order, json.dumps(data, separators=(",", ":")), _reordered(data)):
        loaded = _load_json_list(text, strict=True, keep_other_kinds=True)
        assert loaded is not None, text[:200]
        assert loaded == whole
        assert io.loads(text, keep_other_kinds=True) == [whole]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32-be"])
def test_bytes_are_decoded_as_json_loads_decodes_them(encoding: str) -> None:
    obj = ServiceList(items=(Service(),))
    text = io.dumps(obj, output=io.Output.JSON)
    assert _load_json_list(text.encode(encoding), strict=True, keep_other_kinds=False) == obj


def _kubectl_list(*items: dict[str, Any]) -> str:
    return json.dumps(
        {"apiVersion": "v1", "items": list(items), "kind": "List", "metadata": {"resourceVersion": ""}}, indent=4
    )


SERVICE = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}}
SLICE = {
    "apiVersion": "discovery.k8s.io/v1",
    "kind": "EndpointSlice",
    "metadata": {"name": "web-1"},
    "addressType": "IPv4",
    "endpoints": [{"addresses": ["10.0.0.1"], "zone": "a"}],
}

# Texts the item-by-item road hands back to the whole parse, or reads to the
# same end; the outcome must not change.
HANDED_BACK = {
    "a single object": json.dumps(SERVICE),
    "items twice (json.loads keeps the last)": '{"apiVersion": "v1", "items": [], "kind": "List", "items": [{}]}',
    "items twice, the first with a bad item": '{"apiVersion": "v1", "items": [{}], "kind": "List", "items": []}',
    "items twice, the last null": '{"apiVersion": "v1", "items": ['
    + json.dumps(SERVICE)
    + '], "kind": "List", "items": null}',
    "a key twice": '{"apiVersion": "v1", "kind": "List", "kind": "ServiceList", "items": []}',
    "an unknown top-level field": _kubectl_list(SERVICE)[:-1] + ', "extra": 1}',
    "a bad item": _kubectl_list(SERVICE, {**SLICE, "endpoints": [{"addresses": ["10.0.0.1"], "zone": 1}]}),
    "an item of an unknown kind": _kubectl_list({"apiVersion": "v9", "kind": "Thing"}),
    "no kind at all": '{"apiVersion": "discovery.k8s.io/v1", "items": [' + json.dumps(SLICE) + "]}",
    "a kind that is not a list": '{"apiVersion": "v1", "items": [], "kind": "Service"}',
    "a wrong apiVersion": '{"apiVersion": "v2", "items": [], "kind": "List"}',
    "items that are not a list": '{"apiVersion": "v1", "items": {}, "kind": "List"}',
    "items null": '{"apiVersion": "v1", "items": null, "kind": "List"}',
    "trailing data": _kubectl_list(SERVICE) + " {}",
    "an unterminated item": _kubectl_list(SERVICE)[:40],
    "a missing comma": '{"apiVersion": "v1" "items": [], "kind": "List"}',
    "flow-style YAML": "{apiVersion: v1, items: [], kind: List}",
    "a byte-order mark": "\ufeff" + _kubectl_list(SERVICE),
    "empty": "{}",
}


@pytest.mark.parametrize("text", list(HANDED_BACK.values()), ids=list(HANDED_BACK))
def test_unusual_texts_end_where_the_whole_parse_ends(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _outcome(text) == _whole(text, monkeypatch)


def test_a_bad_item_is_reported_with_its_path_and_line() -> None:
    text = HANDED_BACK["a bad item"]
    with pytest.raises(LoadError) as info:
        io.loads(text)
    assert [str(p) for p in info.value.problems] == [
        "<string>:23:29: items[1].endpoints[0].zone: expected string, got 1"
    ]


@given(obj=st.one_of(strategies.endpoint_slice_lists(), strategies.kube_lists()), cut=st.integers(0, 2000))
def test_any_truncation_ends_where_the_whole_parse_ends(obj: Any, cut: int) -> None:
    text = io.dumps(obj, output=io.Output.JSON)
    text = text[: min(cut, len(text) - 1)]
    with pytest.MonkeyPatch.context() as m:
        whole = _whole(text, m)
    assert _outcome(text) == whole


def test_split_list_takes_the_items_road_for_kubectl_output() -> None:
    obj = EndpointSliceList(items=())
    text = io.dumps(KubeList(items=(obj,)), output=io.Output.JSON)
    seen: list[tuple[str, str]] = []

    def loader_for(api_version: str, kind: str) -> Any:
        seen.append((api_version, kind))
        return lambda item: item

    split = jsonlist.split_list(text, loader_for)
    assert split is not None
    head, items = split
    # "kind" follows "items" in kubectl's sorted output: it was guessed, then checked.
    assert seen == [("v1", "List")]
    assert head == {"apiVersion": "v1", "kind": "List", "metadata": {}}
    assert items == [io.to_dict(obj)]


def test_split_list_declines_what_it_has_no_loader_for() -> None:
    assert jsonlist.split_list(_kubectl_list(SERVICE), lambda api_version, kind: None) is None


def test_a_wrong_guess_of_the_kind_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # The last "kind" in the text is not the top-level one here, so the guess
    # (ServiceList) is wrong: items without a kind of their own would load as
    # Services if the guess were not checked against the real kind.
    text = json.dumps(
        {
            "apiVersion": "v1",
            "items": [{"metadata": {"name": "a"}}],
            "kind": "List",
            "metadata": {"note": {"kind": "ServiceList"}},
        }
    )
    assert _load_json_list(text, strict=False, keep_other_kinds=False) is None
    with pytest.raises(LoadError, match=r"items\[0\]: missing kind"):
        io.loads(text, ignore_unknown=True)


def test_split_list_stops_at_the_kind_of_a_single_object() -> None:
    seen: list[tuple[str, str]] = []

    def loader_for(api_version: str, kind: str) -> Any:
        seen.append((api_version, kind))
        return None

    # Nothing after "kind" is decoded: the broken metadata is never reached.
    assert jsonlist.split_list('{"apiVersion": "v1", "kind": "Service", "metadata": {oops', loader_for) is None
    assert seen == [("v1", "Service")]
