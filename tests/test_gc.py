"""The collector pause around bulk loading: it changes nothing it does not restore."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from endpointslice import _gc, io
from endpointslice.errors import StructureError


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    """Each test starts with the collector on, nothing frozen, and leaves it that way."""
    gc.enable()
    yield
    gc.unfreeze()
    gc.enable()


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generations collected automatically while the test runs."""
    seen: list[int] = []

    def note(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(note)
    yield seen
    gc.callbacks.remove(note)


def test_paused_disables_the_collector_and_enables_it_after() -> None:
    with _gc.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_state_is_restored_after_an_exception() -> None:
    with pytest.raises(KeyError), _gc.paused():
        raise KeyError("x")
    assert gc.isenabled()


def test_nested_pauses_restore_only_at_the_outermost() -> None:
    with _gc.paused():
        with _gc.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_the_user_disabled_stays_disabled() -> None:
    gc.disable()
    with _gc.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()
    with pytest.raises(KeyError), _gc.paused():
        raise KeyError("x")
    assert not gc.isenabled()


def test_objects_the_user_froze_stay_frozen() -> None:
    gc.freeze()
    frozen = gc.get_freeze_count()
    with _gc.paused():
        kept = [[i] for i in range(_gc.SETTLE_FROM + 1000)]
    assert gc.get_freeze_count() == frozen
    assert gc.isenabled()
    del kept


def test_a_big_load_is_settled_in_the_oldest_generation() -> None:
    gc.collect()
    with _gc.paused():
        kept = [[i] for i in range(_gc.SETTLE_FROM + 1000)]
    # Nothing young is left for the next young collection to walk.
    assert gc.get_count()[0] < 100
    assert gc.get_freeze_count() == 0
    del kept


def test_a_small_load_leaves_the_young_generation_alone() -> None:
    gc.collect()
    with _gc.paused():
        kept = [[i] for i in range(500)]
    assert gc.get_count()[0] >= 500
    del kept


def test_the_collector_comes_back_when_the_last_thread_finishes() -> None:
    inside = threading.Event()
    release = threading.Event()

    def load() -> None:
        with _gc.paused():
            inside.set()
            release.wait(10)

    worker = threading.Thread(target=load)
    worker.start()
    assert inside.wait(10)
    with _gc.paused():
        assert not gc.isenabled()
    assert not gc.isenabled(), "the other thread is still loading"
    release.set()
    worker.join(10)
    assert gc.isenabled()


def test_enabled_false_leaves_the_collector_running() -> None:
    with io.gc_pause(False), _gc.paused():
        assert gc.isenabled()
    with _gc.paused():
        assert not gc.isenabled()


def _big_list_text() -> str:
    # 3,000 Services with labels leave about 12,000 new containers, more than SETTLE_FROM.
    item = "- {apiVersion: v1, kind: Service, metadata: {name: s%d, labels: {a: b}}}\n"
    return "apiVersion: v1\nkind: List\nitems:\n" + "".join(item % i for i in range(3000))


def test_loads_runs_no_collection(collections: list[int]) -> None:
    text = _big_list_text()
    gc.collect()
    collections.clear()
    objs = io.loads(text)
    assert collections == []
    assert len(objs[0].items) == 3000  # type: ignore[union-attr]
    assert gc.isenabled()


def test_from_dict_and_load_paths_run_no_collection(collections: list[int], tmp_path: Any) -> None:
    text = _big_list_text()
    data = {
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"s{i}", "labels": {"a": "b"}}}
            for i in range(3000)
        ],
    }
    (tmp_path / "l.yaml").write_text(text)
    gc.collect()
    collections.clear()
    io.from_dict(data)
    docs, problems = io.load_paths([tmp_path / "l.yaml"])
    assert collections == []
    assert problems == []
    assert len(docs) == 1
    assert gc.isenabled()


def test_gc_pause_false_lets_loads_collect(collections: list[int]) -> None:
    text = _big_list_text()
    gc.collect()
    collections.clear()
    with io.gc_pause(False):
        io.loads(text)
    assert collections != []


def test_a_failed_load_restores_the_collector() -> None:
    with pytest.raises(StructureError):
        io.loads("apiVersion: v1\nkind: Service\nspec: {ports: [{port: x}]}\n")
    assert gc.isenabled()
