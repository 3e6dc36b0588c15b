"""The engine against the real EndpointSlice controller: random Services, Nodes, Pods and events.

Every write a scenario makes is followed by a comparison of the cluster's EndpointSlices with
``reconcile(state after the write, the cluster's slices before it).apply(...)``, and of the
writes a watch saw with the plan's creates, updates and deletes (see `engine_scenarios` for
the model of the controller's hidden state, and ``docs/differences.md`` for the equivalence
where upstream chooses at random).

Scenarios run in batches, each in its own namespace, from a thread pool: the controller syncs
Services in parallel, and one scenario alone mostly waits. Topology "Auto" scenarios run one at
a time on a control plane of their own, since the topology cache counts every Node of the
cluster. How many run is chosen by the hypothesis profile, and the figure is asserted.

Replay a printed reproducer: ``ENGINE_DIFF_REPLAY='<json>' pytest tests/kube/test_engine_diff.py -k replay``
(a list of scenarios or one; add ``"max": 3`` or ``"auto": true`` to a scenario for the
second control plane).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kube.api import Kube
from kube.cluster import ControlPlane
from kube.engine_scenarios import Player, Scenario, Tally, reproducer, scenarios

CI = os.environ.get("HYPOTHESIS_PROFILE") in ("ci", "explore")
# Scenarios per CI run: batches x batch size, per control plane, plus the serial "Auto" ones.
BATCH = 8
BATCHES_DEFAULT = 19 if CI else 1
BATCHES_SMALL = 16 if CI else 1
AUTO = 30 if CI else 3
REQUIRED = 300 if CI else 0

SMALL_MAX = 3
TALLY = Tally()
_names = iter(range(10**9))
_lock = threading.Lock()


def _namespace(kube: Kube, prefix: str) -> str:
    with _lock:
        name = f"{prefix}-{next(_names)}"
    kube.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    return name


@pytest.fixture(scope="module")
def small_plane(control_plane: ControlPlane) -> Iterator[ControlPlane]:
    """A second control plane whose controller packs at most 3 endpoints per slice."""
    plane = ControlPlane(Path(control_plane.bin_dir), max_endpoints_per_slice=SMALL_MAX)
    plane.start()
    try:
        yield plane
    finally:
        plane.stop()


def _play(kube: Kube, scenario: Scenario, *, max_endpoints: int, prefix: str, auto: bool = False) -> None:
    player = Player(
        kube=kube,
        namespace=_namespace(kube, prefix),
        scenario=scenario,
        max_endpoints=max_endpoints,
        tally=TALLY,
        topology_cache=auto,
    )
    try:
        player.play()
    except AssertionError as error:
        replay = reproducer({**scenario, "max": max_endpoints, "auto": auto})
        raise AssertionError(f"{error}\nreproducer (ENGINE_DIFF_REPLAY): {replay}") from None


def _play_batch(kube: Kube, batch: list[Scenario], *, max_endpoints: int, prefix: str) -> None:
    with ThreadPoolExecutor(max_workers=len(batch)) as pool:
        futures = [pool.submit(_play, kube, s, max_endpoints=max_endpoints, prefix=prefix) for s in batch]
        errors = [f.exception() for f in futures]
    failed = [e for e in errors if e is not None]
    if failed:
        raise failed[0]


_SETTINGS: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "database": None,
    # No shrinking: one example replays whole scenarios against the cluster (seconds each), and
    # hypothesis would spend minutes on it. The failing scenario is printed alone instead, as
    # JSON that ENGINE_DIFF_REPLAY replays, with the history of its writes.
    "phases": [Phase.explicit, Phase.reuse, Phase.generate],
}


def _run(test: Any, examples: int) -> int:
    before = TALLY.scenarios
    settings(max_examples=examples, **_SETTINGS)(test)()
    return TALLY.scenarios - before


def test_engine_agrees_with_the_controller(kube: Kube) -> None:
    @given(st.lists(scenarios(), min_size=BATCH, max_size=BATCH))
    def batch(scenario_batch: list[Scenario]) -> None:
        _play_batch(kube, scenario_batch, max_endpoints=100, prefix="eng")

    ran = _run(batch, BATCHES_DEFAULT)
    print(f"\nengine diff, max 100: {ran} scenarios")
    assert ran >= BATCHES_DEFAULT * BATCH


def test_engine_agrees_with_a_controller_packing_3_per_slice(small_plane: ControlPlane) -> None:
    kube = small_plane.kube
    assert kube is not None

    @given(st.lists(scenarios(), min_size=BATCH, max_size=BATCH))
    def batch(scenario_batch: list[Scenario]) -> None:
        _play_batch(kube, scenario_batch, max_endpoints=SMALL_MAX, prefix="eng3")

    ran = _run(batch, BATCHES_SMALL)
    print(f"\nengine diff, max {SMALL_MAX}: {ran} scenarios")
    assert ran >= BATCHES_SMALL * BATCH


def test_engine_agrees_with_the_controller_on_topology_auto(small_plane: ControlPlane) -> None:
    kube = small_plane.kube
    assert kube is not None

    @given(scenarios(auto=True))
    def one(scenario: Scenario) -> None:
        _play(kube, scenario, max_endpoints=SMALL_MAX, prefix="auto", auto=True)

    ran = _run(one, AUTO)
    print(f"\nengine diff, topology Auto: {ran} scenarios")
    assert ran >= AUTO


def test_engine_diff_figures() -> None:
    # Runs last in this file: the figures of the three tests above, and the CI minimum.
    print(
        f"\nengine diff: {TALLY.scenarios} scenarios, {TALLY.steps} compared writes of ours "
        f"({TALLY.writes} API writes), {TALLY.strict} equal modulo generated names, "
        f"{TALLY.ties} equal under the tie equivalence, 0 differences"
    )
    assert TALLY.scenarios >= REQUIRED


@pytest.mark.skipif("ENGINE_DIFF_REPLAY" not in os.environ, reason="set ENGINE_DIFF_REPLAY to a printed reproducer")
def test_replay(kube: Kube, small_plane: ControlPlane) -> None:
    given_data = json.loads(os.environ["ENGINE_DIFF_REPLAY"])
    for scenario in given_data if isinstance(given_data, list) else [given_data]:
        auto = bool(scenario.get("auto") or scenario["service"].get("auto"))
        small = auto or scenario.get("max") == SMALL_MAX
        plane_kube = small_plane.kube if small else kube
        assert plane_kube is not None
        _play(plane_kube, scenario, max_endpoints=SMALL_MAX if small else 100, prefix="replay", auto=auto)
