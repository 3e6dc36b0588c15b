"""Fuzz every CLI command with mutated real manifests for a given time, and count what it finds.

Inputs and the contract are ``tests/fuzz_cli.py``'s: byte and structure
mutations of ``tests/data`` and ``examples/``, run in-process through
``endpointslice._cli.main``; a run breaks the contract if it crashes (exit
70), prints a traceback, exits other than 0, 1 or 2, writes output that is not
UTF-8, or prints a stray line on standard error. A run taking longer than
``--hang`` seconds counts as a hang. Each failure is saved under ``--out``
with its command line, and the run goes on.

Run: ``nice -n 19 python benchmarks/fuzz_commands.py --minutes 30 [--seed S] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import fuzz_cli  # Shared with the test suite.
from fuzz_cli import Run, check, execute
from hypothesis import strategies as st

# The session's new surface, on top of the suite's command lines: validate's kubeconform-style
# switches, --old (the other file as the stored objects), SARIF and JUnit, pack --no-nodes, the
# completion scripts, and apply with the mutated input as its kubeconfig (client dry-run, so a
# kubeconfig that happens to parse reaches no cluster; a refused or unreachable one must be one line).
_NEW_COMMANDS = [
    ("validate", "--skip-kinds", "Service,v1/Endpoints", "--summary", "{input}"),
    ("validate", "--reject-kinds", "EndpointSlice", "-o", "sarif", "{input}"),
    ("validate", "--reject", "discovery.k8s.io/v1/EndpointSlice", "--skip", "List", "{input}"),
    ("validate", "--ignore-filename-pattern", "other", "--ignore-filename-pattern", "(a|b)+$", "{input}"),
    ("validate", "--disable", "ES001", "--disable", "ES008", "-o", "json", "{input}"),
    ("validate", "--old", "{other}", "{input}"),
    ("validate", "--old", "{input}", "--strict", "--summary", "{other}"),
    ("validate", "--old", "{input}", "--old", "{input}", "-o", "sarif", "{other}"),
    ("validate", "--old", "{other}", "-o", "junit", "--summary", "{input}", "{other}"),
    ("validate", "--kube-version", "1.35", "--no-strict-ip", "--max-endpoints-per-slice", "1", "{input}"),
    ("pack", "--no-nodes", "{other}", "{input}"),
    ("pack", "--plan", "--no-nodes", "-o", "json", "{input}", "{other}"),
    ("pack", "--plan", "--existing", "{other}", "--names", "hash", "{other}", "{input}"),
    ("completion", "bash"),
    ("completion", "zsh"),
    ("completion", "fish"),
    ("apply", "--kubeconfig", "{input}", "--dry-run", "client", "{other}", "{other}"),
    ("apply", "--kubeconfig", "{input}", "--context", "x", "-n", "ns", "--dry-run", "server", "{other}", "{other}"),
    ("apply", "--kubeconfig", "{other}", "--dry-run", "client", "{input}", "{other}"),
]
_ALL_COMMANDS = [*fuzz_cli._COMMANDS, *_NEW_COMMANDS]
_COMMAND_NAMES = ("get", "validate", "migrate", "pack", "diff", "apply", "completion")


@st.composite
def runs(draw: st.DrawFn) -> Run:
    """fuzz_cli.runs over the suite's command lines and the new ones, half of the draws on the new."""
    argv = draw(st.sampled_from(_NEW_COMMANDS) if draw(st.booleans()) else st.sampled_from(_ALL_COMMANDS))
    stdin = "{input}" in argv and argv[0] not in ("migrate", "apply") and draw(st.integers(0, 4)) == 0
    if stdin:
        argv = tuple("-" if a == "{input}" else a for a in argv)
    return Run(argv=argv, input=draw(fuzz_cli.inputs()), other=draw(st.sampled_from(fuzz_cli._SEEDS)), stdin=stdin)


class _HangError(BaseException):
    """A run past its time; a BaseException, so that main()'s crash handler cannot take it for a bug."""


def _alarm(signum: int, frame: Any) -> None:
    raise _HangError


def main(argv: list[str] | None = None) -> int:
    """Fuzz until the time is up; print executions, failures and hangs; exit 1 if any."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--hang", type=int, default=20, help="seconds after which a run counts as a hang")
    parser.add_argument("--out", default="fuzz-failures", help="directory for failing inputs")
    args = parser.parse_args(argv)
    start = time.monotonic()
    deadline = start + args.minutes * 60
    out = Path(args.out)
    counts: Counter[str] = Counter()
    signal.signal(signal.SIGALRM, _alarm)

    def record(kind: str, run: Run, detail: str) -> None:
        counts[kind] += 1
        out.mkdir(parents=True, exist_ok=True)
        stem = out / f"{kind}-{counts[kind]:04d}"
        stem.with_suffix(".input").write_bytes(run.input)
        stem.with_suffix(".other").write_bytes(run.other)
        stem.with_suffix(".json").write_text(json.dumps({"argv": run.argv, "stdin": run.stdin, "detail": detail}))
        print(f"{kind}: {' '.join(run.argv)}: {detail[:300]}", flush=True)

    @settings(
        max_examples=200,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(runs())
    def fuzz(run: Run) -> None:
        if time.monotonic() > deadline:
            return
        counts["executions"] += 1
        counts[run.argv[0]] += 1
        if counts["executions"] % 100 == 0:
            minutes = (time.monotonic() - start) / 60
            print(f"progress: {counts['executions']} executions in {minutes:.1f} min", flush=True)
        signal.alarm(args.hang)
        try:
            outcome = execute(run)
        except _HangError:
            record("hang", run, f"over {args.hang} s")
            return
        finally:
            signal.alarm(0)
        counts[f"exit {outcome.status}"] += 1
        try:
            check(run, outcome)
        except AssertionError as exc:
            record("failure", run, str(exc))

    # Batches of 200 with a seed each, so that the time limit is checked between batches.
    with contextlib.suppress(KeyboardInterrupt):
        batch = 0
        while time.monotonic() < deadline:
            seed(args.seed + batch)(fuzz)()
            batch += 1
    elapsed = time.monotonic() - start
    print(f"executions: {counts['executions']} in {elapsed / 60:.1f} min")
    print("by command: " + ", ".join(f"{c} {counts[c]}" for c in _COMMAND_NAMES))
    print("exit statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k.startswith("exit ")))
    print(f"failures (crash, traceback, bad status or stray output): {counts['failure']}; hangs: {counts['hang']}")
    return 1 if counts["failure"] or counts["hang"] else 0


if __name__ == "__main__":
    sys.exit(main())
