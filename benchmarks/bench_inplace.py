"""What the safety of ``migrate --in-place`` costs: the command against plain ``migrate`` and a load.

One file holds ``--pairs`` selectorless Services, each followed by a
comment and its hand-written Endpoints object of ``--addresses`` addresses
(500 x 20 by default, about 0.3 MB). Three figures, measured in the same run:

* ``load``: `endpointslice.io.load` of the file (a floor: reading it at all);
* ``migrate``: the command printing the migrated stream to ``/dev/null``
  (the same work without rewriting the file);
* ``migrate --in-place``: the command rewriting a fresh copy of the file,
  which also reloads and validates the result, hashes the file twice, writes
  and fsyncs a temporary file and the folder, and renames.

The garbage collector stays on, as users run the command (a full collection
before each call so that one call does not pay for another's garbage). Each
figure is the best of ``--repeat`` runs. The target: ``--in-place`` within
2.5x plain ``migrate``.

Run: ``python benchmarks/bench_inplace.py [--pairs N] [--addresses N] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from endpointslice import io
from endpointslice._cli import main as cli


def stream(pairs: int, addresses: int) -> str:
    parts = []
    for i in range(pairs):
        ips = ", ".join(f"{{ip: 10.{i // 250}.{i % 250}.{j}}}" for j in range(1, addresses + 1))
        parts.append(
            f"apiVersion: v1\nkind: Service\nmetadata: {{name: svc-{i}, namespace: prod}}\n"
            f"spec:\n  ports:\n  - {{name: http, port: 80}}\n---\n"
            f"# hand-written endpoints of svc-{i}\napiVersion: v1\nkind: Endpoints\n"
            f"metadata: {{name: svc-{i}, namespace: prod}}\nsubsets:\n"
            f"- addresses: [{ips}]\n  ports: [{{name: http, port: 80}}]\n"
        )
    return "---\n".join(parts)


def best(fn: Callable[[], Any], repeat: int, setup: Callable[[], Any] = lambda: None) -> float:
    times = []
    for _ in range(repeat):
        setup()
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=500)
    parser.add_argument("--addresses", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        original = Path(folder) / "original.yaml"
        original.write_text(stream(args.pairs, args.addresses), encoding="utf-8")
        path = Path(folder) / "eps.yaml"

        def fresh() -> None:
            shutil.copyfile(original, path)

        def quiet(argv: list[str]) -> None:
            with open(os.devnull, "w", encoding="utf-8") as null, contextlib.redirect_stdout(null):
                assert cli(argv) == 0

        fresh()
        load = best(lambda: io.load(path), args.repeat)
        plain = best(lambda: quiet(["migrate", str(path)]), args.repeat)
        in_place = best(lambda: quiet(["migrate", "--in-place", str(path)]), args.repeat, setup=fresh)
        assert "kind: EndpointSlice" in path.read_text(encoding="utf-8")
        size = original.stat().st_size / 1e6
    print(f"{args.pairs} Services + Endpoints of {args.addresses} addresses, {size:.1f} MB, GC on")
    print(f"load                    {load * 1000:9.1f} ms")
    print(f"migrate                 {plain * 1000:9.1f} ms   {plain / load:5.2f}x load")
    print(
        f"migrate --in-place      {in_place * 1000:9.1f} ms   {in_place / load:5.2f}x load   "
        f"{in_place / plain:5.2f}x migrate (target <= 2.5)"
    )


if __name__ == "__main__":
    main()
