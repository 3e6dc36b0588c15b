"""Building models by hand: ``Endpoint(...)`` and friends, next to a plain attrs class.

Each floor is a frozen, slotted, keyword-only attrs class with the fields
of the model it stands for and nothing else: no checks and no conversions.
Our constructors check every field's type and turn lists into tuples and
dicts into `FrozenDict`; the ratio prints what that costs.

The garbage collector stays on, as users run it; each figure is the best
of several ``timeit`` repetitions.

Run: ``python benchmarks/bench_construct.py [--number N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import timeit
from typing import Any

import attrs

from endpointslice.discovery import Endpoint, EndpointConditions, EndpointSlice
from endpointslice.meta import ObjectMeta

_UNSET = EndpointConditions()


@attrs.frozen(kw_only=True)
class _PlainEndpoint:
    addresses: Any
    conditions: Any = _UNSET
    hostname: Any = None
    target_ref: Any = None
    deprecated_topology: Any = None
    node_name: Any = None
    zone: Any = None
    hints: Any = None


@attrs.frozen(kw_only=True)
class _PlainMeta:
    name: Any = None
    labels: Any = None


@attrs.frozen(kw_only=True)
class _PlainSlice:
    metadata: Any = None
    address_type: Any
    endpoints: Any = None
    ports: Any = None


def _best(stmt: Any, *, number: int, repeat: int) -> float:
    # "gc.enable()" in the setup keeps the collector on while timing (timeit turns it off by default).
    times = timeit.repeat(stmt, setup="import gc; gc.enable()", number=number, repeat=repeat)
    return min(times) / number


def main(argv: list[str] | None = None) -> int:
    """Print the time per construction of each contender and its ratio to the floor."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    n, r = args.number, args.repeat
    ready = EndpointConditions(ready=True)
    endpoints = [Endpoint(addresses=(f"10.0.{i // 250}.{i % 250}",), conditions=ready) for i in range(100)]
    rows = [
        (
            "Endpoint, addresses as a tuple",
            lambda: Endpoint(addresses=("10.0.0.1",), conditions=ready, zone="a"),
            lambda: _PlainEndpoint(addresses=("10.0.0.1",), conditions=ready, zone="a"),
            1,
        ),
        (
            "Endpoint, addresses as a list",
            lambda: Endpoint(addresses=["10.0.0.1"], conditions=ready, zone="a"),
            lambda: _PlainEndpoint(addresses=["10.0.0.1"], conditions=ready, zone="a"),
            1,
        ),
        (
            "ObjectMeta, labels as a dict",
            lambda: ObjectMeta(name="web", labels={"app": "web", "tier": "a"}),
            lambda: _PlainMeta(name="web", labels={"app": "web", "tier": "a"}),
            1,
        ),
        (
            "EndpointSlice, 100 endpoints in a list",
            lambda: EndpointSlice(address_type="IPv4", endpoints=endpoints),
            lambda: _PlainSlice(address_type="IPv4", endpoints=endpoints),
            100,
        ),
    ]
    print("each floor is a plain attrs class with the same fields, given the same arguments")
    print(f"{'contender':<40} {'ours ns':>9} {'floor ns':>9} {'ratio':>6}")
    for name, ours, floor, scale in rows:
        number = max(1, n // scale)
        t_ours = _best(ours, number=number, repeat=r)
        t_floor = _best(floor, number=number, repeat=r)
        print(f"{name:<40} {t_ours * 1e9:>9.0f} {t_floor * 1e9:>9.0f} {t_ours / t_floor:>6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
