"""Start-up cost of the command line: CPU time of a fresh process, against bare Python in the same run.

CI jobs and pre-commit hooks start ``endpointslice`` many times, so what a run costs
before it does any work matters. Contenders, each a fresh process as users start it
(the console script, bytecode already cached, the garbage collector on):

* floor: ``python -c pass``, the interpreter alone;
* peer: ``python -c 'import attrs, yaml'``, the two libraries any run of ours needs;
* ``endpointslice --version`` (target: at most 3x the peer);
* ``endpointslice --help`` (the command list, without loading any command);
* ``endpointslice validate examples/slices/external-db-1.yaml`` (target: at most 0.15 s of CPU).

A figure is the median over the runs of the user plus system CPU time that
``resource.getrusage(RUSAGE_CHILDREN)`` charges to the finished child; CPU time
rather than wall time, because the machine is shared. The contenders take turns
within each round, so load on the machine falls on all of them alike.

Bytecode: an installed package has its ``.pyc`` files (pip compiles them), so the
headline column runs with bytecode cached, in a private ``PYTHONPYCACHEPREFIX`` that
the warm-up fills (the source tree is left alone, and ``PYTHONDONTWRITEBYTECODE`` is
cleared for the children). The second column runs with ``PYTHONDONTWRITEBYTECODE=1``
and no cache, as a source checkout with that setting does: every module of ours is
compiled again on each start.

Run: ``python benchmarks/bench_startup.py [--runs N] [--source DIR]``. ``--source``
runs the package from another checkout (``PYTHONPATH=DIR``), e.g. a ``git worktree``
of an older commit, to measure a change.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The small manifest ``validate`` is timed on.
SMALL_FILE = ROOT / "examples" / "slices" / "external-db-1.yaml"
#: Targets from the start-up issue.
VERSION_MAX_RATIO = 3.0
VALIDATE_MAX_SECONDS = 0.15


def _script() -> list[str]:
    """How users start the command: the console script beside this Python, else ``python -m``."""
    script = Path(sys.executable).parent / "endpointslice"
    if script.exists():
        return [sys.executable, str(script)]
    found = shutil.which("endpointslice")
    return [sys.executable, found] if found else [sys.executable, "-m", "endpointslice"]


def cpu_seconds(argv: list[str], env: dict[str, str]) -> float:
    """The user plus system CPU time of one fresh process running *argv*."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    # The commands are this script's own fixed list.
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, cwd=ROOT)  # noqa: S603
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _medians(contenders: dict[str, list[str]], env: dict[str, str], runs: int) -> dict[str, float]:
    """The median CPU seconds of each contender over *runs* rounds, after one warm-up round."""
    for command in contenders.values():  # Warm-up: bytecode written, files in the page cache.
        cpu_seconds(command, env)
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(runs):
        for name, command in contenders.items():
            times[name].append(cpu_seconds(command, env))
    return {name: statistics.median(values) for name, values in times.items()}


def main(argv: list[str] | None = None) -> int:
    """Print each contender's median CPU time and its ratios; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="fresh processes per contender (default 15)")
    parser.add_argument("--source", type=Path, help="run the package from this checkout instead")
    args = parser.parse_args(argv)

    env = dict(os.environ)
    if args.source:
        env["PYTHONPATH"] = os.pathsep.join([str(args.source.resolve()), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.pop("PYTHONPYCACHEPREFIX", None)
    cli = _script()
    contenders = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import attrs, yaml'": [sys.executable, "-c", "import attrs, yaml"],
        "endpointslice --version": [*cli, "--version"],
        "endpointslice --help": [*cli, "--help"],
        "endpointslice validate (1 small file)": [*cli, "validate", str(SMALL_FILE)],
    }
    with tempfile.TemporaryDirectory(prefix="bench-startup-pyc-") as cache:
        cached_env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONPYCACHEPREFIX": cache}
        median = _medians(contenders, cached_env, args.runs)
    uncached = _medians(contenders, env | {"PYTHONDONTWRITEBYTECODE": "1"}, args.runs)

    bare, peer = median["python -c pass"], median["python -c 'import attrs, yaml'"]
    print(f"fresh-process CPU time (user+sys), median of {args.runs} runs, GC on; source: {args.source or 'installed'}")
    print(
        f"{'command':<40} {'CPU ms':>8} {'x pass':>8} {'x attrs+yaml':>13} {'no bytecode: ms':>16} {'x attrs+yaml':>13}"
    )
    bare_peer = uncached["python -c 'import attrs, yaml'"]
    for name, value in median.items():
        print(
            f"{name:<40} {value * 1000:>8.1f} {value / bare:>8.1f} {value / peer:>13.2f}"
            f" {uncached[name] * 1000:>16.1f} {uncached[name] / bare_peer:>13.2f}"
        )
    version_ratio = median["endpointslice --version"] / peer
    validate_seconds = median["endpointslice validate (1 small file)"]
    ok_version = version_ratio <= VERSION_MAX_RATIO
    ok_validate = validate_seconds <= VALIDATE_MAX_SECONDS
    verdict = "met" if ok_version else "MISSED"
    print(f"--version: {version_ratio:.2f}x attrs+yaml (target <= {VERSION_MAX_RATIO}x): {verdict}")
    print(
        f"validate: {validate_seconds:.3f} s CPU (target <= {VALIDATE_MAX_SECONDS} s): "
        f"{'met' if ok_validate else 'MISSED'}"
    )
    return 0 if ok_version and ok_validate else 1


if __name__ == "__main__":
    sys.exit(main())
