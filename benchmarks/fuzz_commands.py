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

from fuzz_cli import Run, check, execute, runs  # Shared with the test suite.


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
    print("by command: " + ", ".join(f"{c} {counts[c]}" for c in ("get", "validate", "migrate", "pack", "diff")))
    print("exit statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k.startswith("exit ")))
    print(f"failures (crash, traceback, bad status or stray output): {counts['failure']}; hangs: {counts['hang']}")
    return 1 if counts["failure"] or counts["hang"] else 0


if __name__ == "__main__":
    sys.exit(main())
