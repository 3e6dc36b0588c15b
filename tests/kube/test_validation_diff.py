"""Our `validate` against the real apiserver: the same verdict, the same message word for word.

Every example draws a block of seeds; each seed is one generated EndpointSlice, Endpoints or
Service, valid or mutated in one of the rule families, sent as a server-side dry-run create, or
created for real and then sent as a dry-run update (see `kube.validation_diff`). The
apiserver's 422 message (with its ``Kind "name" is invalid:`` wrapper) must equal
`status_message` of our errors, and its ``Warning`` headers our `warnings`, under the
equivalences docs/differences.md defines. A failure prints each disagreeing case with the
command that replays it, and hypothesis prints the blob that replays the example.

Under ``HYPOTHESIS_PROFILE=ci`` this checks 3,000 objects (300 examples of 10); under ``dev``, 500.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kube import validation_diff as vd
from kube.api import Kube

PER_EXAMPLE = 10
EXAMPLES = settings().max_examples  # The profile's: 300 under ci, 50 under dev.
_ran = {"cases": 0, "compared": 0, "agreed": 0, "accepted": 0, "updates": 0, "seconds": 0.0}


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    # The apiserver is a session fixture; each example is independent of its state.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(block=st.integers(min_value=0, max_value=2**40))
def test_validate_says_what_the_apiserver_says(kube: Kube, block: int) -> None:
    started = time.monotonic()
    seeds = range(block * PER_EXAMPLE, (block + 1) * PER_EXAMPLE)
    tally = vd.run(kube, seeds, workers=4)
    _ran["seconds"] += time.monotonic() - started
    _ran["cases"] += len(seeds)
    for name in ("compared", "agreed", "accepted", "updates"):
        _ran[name] += getattr(tally, name)
    assert not tally.failures, "\n\n".join(f.report() for f in tally.failures)


def test_the_run_checked_every_object_it_promised() -> None:
    if _ran["cases"] == 0:
        pytest.skip("the differential did not run in this session")
    print(  # The figure for the CI log.
        f"validation differential: {_ran['compared']} objects compared ({_ran['updates']} updates,"
        f" {_ran['accepted']} accepted), {_ran['agreed']} agree, in {_ran['seconds']:.0f} s"
    )
    # Hypothesis may replay and shrink on failure, so at least, not exactly.
    assert _ran["cases"] >= EXAMPLES * PER_EXAMPLE
    # An update whose old object the apiserver refused is not compared; they must stay rare.
    assert _ran["compared"] >= 0.95 * _ran["cases"]
    assert _ran["agreed"] == _ran["compared"]
