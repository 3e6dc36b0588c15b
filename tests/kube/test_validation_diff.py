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


# The equivalences themselves (docs/differences.md), without a control plane.

_HEAD = 'Service "a" is invalid: '
_L1 = 'metadata.labels: Invalid value: "-a": bad'
_L2 = 'metadata.labels: Invalid value: "-b": bad'
_P = "spec.ports: Required value"


def _ours(*errors: str, warnings: list[str] | None = None) -> vd.Verdict:
    message = None
    if errors:
        message = _HEAD + (errors[0] if len(errors) == 1 else f"[{', '.join(errors)}]")
    return vd.Verdict(message, warnings or [], list(errors))


def test_one_map_fields_errors_may_come_in_any_order() -> None:
    assert vd.equivalent(vd.Verdict(f"{_HEAD}[{_L2}, {_L1}, {_P}]", []), _ours(_L1, _L2, _P))


def test_other_errors_must_keep_their_order() -> None:
    assert not vd.equivalent(vd.Verdict(f"{_HEAD}[{_P}, {_L1}, {_L2}]", []), _ours(_L1, _L2, _P))
    assert not vd.equivalent(vd.Verdict(f"{_HEAD}[{_L1}, {_P}]", []), _ours(_L1, _L2, _P))


def test_a_refusal_carries_only_the_request_warnings() -> None:
    deprecated = "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"
    ours = _ours(_P, warnings=[deprecated, "spec.addressType: FQDN endpoints are deprecated"])
    assert vd.equivalent(vd.Verdict(f"{_HEAD}{_P}", [deprecated]), ours)
    assert not vd.equivalent(vd.Verdict(f"{_HEAD}{_P}", ours.warnings), ours)
    # An accepted object's warnings must all be there, in order.
    assert not vd.equivalent(vd.Verdict(None, [deprecated]), _ours(warnings=ours.warnings))


def test_a_node_port_the_registry_allocated_is_dropped_only_where_none_was_sent() -> None:
    allocated = "spec.ports[1].nodePort: Duplicate value: 31000"
    sent = {"kind": "Service", "spec": {"ports": [{"port": 80}, {"port": 80}]}}
    assert vd.equivalent(vd.Verdict(f"{_HEAD}[{_P}, {allocated}]", []), _ours(_P), sent)
    chosen = {"kind": "Service", "spec": {"ports": [{"port": 80, "nodePort": 31000}, {"port": 80}]}}
    assert not vd.equivalent(vd.Verdict(f"{_HEAD}[{_P}, {allocated}]", []), _ours(_P), chosen)
