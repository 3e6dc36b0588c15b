"""Fuzz the loader and validator with structure-aware inputs and count what they survive.

Draws ``--examples`` documents (100 000 by default) from
``tests/fuzz_documents.documents``: YAML and JSON shaped like EndpointSlices,
Endpoints, Services and Lists, with hostile values and damaged text. Each
goes through everything ``endpointslice validate`` does. Any exception other
than the loader's `LoadError` stops the run with the failing input.

Run: ``python benchmarks/fuzz_validate.py [--examples N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fuzz_documents import documents, pipeline  # Shared with the test suite.


def main(argv: list[str] | None = None) -> int:
    """Run the fuzzer; print the number of inputs, how many loaded, and the time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261126)
    args = parser.parse_args(argv)
    counts = {"inputs": 0, "findings": 0}

    @seed(args.seed)
    @settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(documents())
    def fuzz(text: str) -> None:
        counts["inputs"] += 1
        counts["findings"] += pipeline(text)

    start = time.perf_counter()
    fuzz()
    elapsed = time.perf_counter() - start
    print(f"inputs: {counts['inputs']} (no uncaught exception)")
    print(f"findings reported: {counts['findings']}")
    print(f"time: {elapsed:.1f} s ({elapsed / max(counts['inputs'], 1) * 1000:.2f} ms per input)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
