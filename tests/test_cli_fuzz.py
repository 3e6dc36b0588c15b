"""Every command, on mutated real manifests: no traceback, a documented exit status, one line per problem.

The contract is `fuzz_cli.check`; ``benchmarks/fuzz_commands.py`` runs the same
inputs for as long as it is given.
"""

from __future__ import annotations

from fuzz_cli import Outcome, Run, check, execute, runs
from hypothesis import HealthCheck, given, settings


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(runs())
def test_every_command_survives_mutated_manifests(run: Run) -> None:
    check(run, execute(run))


def test_the_contract_catches_a_crash() -> None:
    """The check fails on what it is there to catch: a crash, a traceback, a stray line."""
    run = Run(argv=("get", "{input}"), input=b"", other=b"", stdin=False)
    for outcome in (
        Outcome(status=70, stdout=b"", stderr="endpointslice: internal error\n"),
        Outcome(status=1, stdout=b"", stderr="Traceback (most recent call last):\n"),
        Outcome(status=2, stdout=b"", stderr="endpointslice get: error: a\nb[31m\n"),
    ):
        try:
            check(run, outcome)
        except AssertionError:
            continue
        raise AssertionError(f"not caught: {outcome}")
