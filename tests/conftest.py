"""Shared test configuration: hypothesis profiles chosen by the HYPOTHESIS_PROFILE variable.

``dev`` (the default) keeps property tests quick while iterating; ``ci`` runs more examples
and drops the per-example deadline, since shared CI machines have noisy timings. ``ci`` also
prints the reproduction blob of a failing example, so a CI failure can be replayed locally
with ``@reproduce_failure``.

``ci`` is derandomized: every run draws the same examples (seeded from each test), so a commit
that passes CI passes it again, and a failure is a change in the code, not a new draw.
``explore`` is ``ci`` with fresh random draws each run, the way to look for new cases (the
control-plane differentials found most of their upstream quirks that way); run it often, and
turn what it finds into fixed cases.
"""

from __future__ import annotations

import datetime
import os

import pytest
from hypothesis import settings

settings.register_profile(
    "dev",
    max_examples=50,
    # Generous, because up to six agents share two cores; a slow example is still reported.
    deadline=datetime.timedelta(seconds=2),
)
settings.register_profile("explore", max_examples=300, deadline=None, print_blob=True)
settings.register_profile("ci", settings.get_profile("explore"), derandomize=True)

_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
if _PROFILE not in ("dev", "ci", "explore"):
    raise pytest.UsageError(f"HYPOTHESIS_PROFILE={_PROFILE!r}: expected 'dev', 'ci' or 'explore'")
settings.load_profile(_PROFILE)


# `pytest -n auto` (the README's command) runs the suite on pytest-xdist workers. Two hooks shape
# that for the control-plane suites (tests/kube), which start one real control plane per worker
# that runs any of them, and spend most of their time waiting for its controllers:


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    # One worker per core, plus one for the control-plane suites: their waiting would otherwise
    # hold a core that the CPU-bound tests could use.
    del config
    return (os.cpu_count() or 1) + 1


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    # Every tests/kube test on one worker, so that one control plane serves them all and the
    # module-level tallies of its property tests see every example; every other test is its own
    # unit, so the remaining workers share them as `--dist load` would. (xdist's own
    # `--dist loadgroup` cannot do this on pytest 9.2, where it no longer renames the tests.)
    if config.getvalue("dist") != "load":
        return None  # The user chose a distribution mode: respect it.
    from xdist.scheduler import LoadScopeScheduling

    class KubeTogether(LoadScopeScheduling):  # type: ignore[misc]  # xdist ships no type hints.
        def _split_scope(self, nodeid: str) -> str:
            return "tests/kube" if nodeid.startswith("tests/kube/") else nodeid

    return KubeTogether(config, log)
