"""Pinned results of seeded simulations: a speedup of the simulator must not change a single figure.

``tests/data/simulate/pinned.json`` holds what the simulator computed for
these workloads before its speedups (issue 13): every write, watch event
and byte, and the sampled series. It was written once by
``python tests/test_simulate_pinned.py`` and must only be rewritten for a
change that is meant to alter results, saying why in the commit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

from endpointslice.simulate import Scenario, Strategy, Workload, simulate

PINNED = Path(__file__).parent / "data" / "simulate" / "pinned.json"

#: Workloads that reach every runner path: slices filled and emptied, placeholder
#: and compaction fallbacks, truncation at the Endpoints cap, untruncated objects.
CASES: dict[str, tuple[Workload, dict[str, Any]]] = {
    "rolling-update-300": (
        Workload(scenario=Scenario.ROLLING_UPDATE, pods=300, nodes=40, seed=1),
        {"max_endpoints_per_slice": (1, 7, 100), "endpoints_limit": 250},
    ),
    "rolling-update-1200-untruncated": (
        Workload(scenario=Scenario.ROLLING_UPDATE, pods=1200, nodes=300, seed=2, max_surge=3, max_unavailable=0),
        {"max_endpoints_per_slice": (100, 1000), "endpoints_limit": None},
    ),
    "churn": (
        Workload(scenario=Scenario.CHURN, pods=150, nodes=20, seed=3, changes=120),
        {"max_endpoints_per_slice": (5, 50)},
    ),
    "scale": (
        Workload(scenario=Scenario.SCALE, pods=40, nodes=10, seed=4, scale_to=130),
        {"max_endpoints_per_slice": (3, 64)},
    ),
    "scale-down": (
        Workload(scenario=Scenario.SCALE, pods=130, nodes=10, seed=5, scale_to=7),
        {"max_endpoints_per_slice": (3, 64)},
    ),
    "node-loss": (
        Workload(scenario=Scenario.NODE_LOSS, pods=200, nodes=8, seed=6, lost_nodes=2),
        {"max_endpoints_per_slice": (10, 100)},
    ),
    "zone-drain": (
        Workload(scenario=Scenario.ZONE_DRAIN, pods=90, nodes=9, zones=3, seed=7),
        {"max_endpoints_per_slice": (8,)},
    ),
    "create-delete": (
        Workload(scenario=Scenario.CREATE_DELETE, pods=250, nodes=5, seed=8),
        {"max_endpoints_per_slice": (1, 100)},
    ),
    "empty": (
        Workload(scenario=Scenario.ROLLING_UPDATE, pods=0, nodes=3, seed=9),
        {"max_endpoints_per_slice": (10,)},
    ),
}


def _figures(name: str) -> list[dict[str, Any]]:
    workload, options = CASES[name]
    sim = simulate(workload, strategies=(Strategy.UPSTREAM, Strategy.COMPACT), samples=25, **options)
    return [json.loads(json.dumps(attrs.asdict(run), default=lambda v: v.value)) for run in sim.runs]


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_seeded_simulation_gives_the_figures_pinned_before_the_speedups(name: str) -> None:
    pinned = json.loads(PINNED.read_text())
    assert _figures(name) == pinned[name]


if __name__ == "__main__":
    if "--write" not in sys.argv:
        sys.exit("refusing to rewrite the pinned figures without --write")
    PINNED.write_text(json.dumps({name: _figures(name) for name in sorted(CASES)}, indent=1) + "\n")
