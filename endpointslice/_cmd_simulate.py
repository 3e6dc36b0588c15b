"""``endpointslice simulate --pods N --nodes M``: what Endpoints and EndpointSlices cost a cluster.

Replays a workload through the real controllers (`endpointslice.simulate`)
and prints a table comparing the Endpoints object with each slice size, as
text, JSON or CSV; ``--plot FILE`` draws the watch traffic over the events
(or over cluster sizes with ``--sweep``) with matplotlib (the ``plot`` extra);
``--recommend`` picks a ``maxEndpointsPerSlice``.

Exit status: 0 done; 2 bad usage or an unwritable plot, one line per problem.
"""

from __future__ import annotations

import argparse
import csv
import io as _io
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from ._cli import max_endpoints_per_slice
from .errors import Problem
from .simulate import (
    KEP_752,
    Run,
    Scenario,
    Simulation,
    SimulationError,
    Strategy,
    Workload,
    estimate,
    recommend,
    simulate,
)

HELP = "measure what Endpoints and EndpointSlices send over the wire for a workload, through the real engine"
PROG = "endpointslice simulate"
#: The plot formats offered, by file extension.
PLOT_FORMATS = (".svg", ".png", ".pdf")
#: The fractions of --pods that --sweep simulates.
SWEEP = (1 / 16, 1 / 8, 1 / 4, 1 / 2, 1)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _surge(text: str) -> int | float:
    """A Deployment's maxSurge/maxUnavailable: a count or a percentage (``25%``)."""
    if text.endswith("%"):
        try:
            percent = float(text[:-1])
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a percentage: {text!r}") from None
        if not 0 <= percent <= 100:
            raise argparse.ArgumentTypeError(f"must be between 0% and 100%, got {text}")
        return percent / 100
    return _count(text)


def _limit(text: str) -> int | None:
    if text.lower() == "none":
        return None
    value = _count(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more, or none")
    return value


def register(sub: Any) -> None:
    """Add the ``simulate`` command to the subparsers *sub*."""
    p = sub.add_parser("simulate", help=HELP, description=HELP[0].upper() + HELP[1:] + ".")
    p.add_argument("--pods", type=_count, required=True, metavar="N", help="replicas behind the Service")
    p.add_argument("--nodes", type=_count, required=True, metavar="M", help="Nodes, each running a kube-proxy")
    p.add_argument(
        "--max-endpoints-per-slice",
        type=max_endpoints_per_slice,
        action="append",
        metavar="K",
        help="a slice size to compare (repeatable; default 100)",
    )
    p.add_argument(
        "--strategy",
        choices=[s.value for s in Strategy],
        action="append",
        help="upstream (default) or compact; repeat for both",
    )
    p.add_argument(
        "--scenario",
        choices=[s.value for s in Scenario],
        default=Scenario.ROLLING_UPDATE.value,
        help="the workload (default rolling-update)",
    )
    p.add_argument("--zones", type=_count, default=3, help="zones the Nodes are spread over (default 3)")
    p.add_argument("--seed", type=_count, default=0, help="the random seed (default 0)")
    p.add_argument("--max-surge", type=_surge, default=0.25, metavar="N|P%", help="rolling update (default 25%%)")
    p.add_argument("--max-unavailable", type=_surge, default=0.25, metavar="N|P%", help="rolling update (default 25%%)")
    p.add_argument("--scale-to", type=_count, metavar="N", help="scale: final replicas (default twice --pods)")
    p.add_argument("--changes", type=_count, metavar="N", help="churn: Pods replaced (default --pods)")
    p.add_argument("--lost-nodes", type=_count, default=1, metavar="N", help="node-loss: Nodes lost (default 1)")
    p.add_argument(
        "--endpoints-limit",
        type=_limit,
        default=1000,
        metavar="N|none",
        help="the Endpoints controller's address cap (default 1000; none: Kubernetes before 1.22)",
    )
    p.add_argument("-o", "--output", choices=("text", "json", "csv"), default="text", help="text (default), json, csv")
    p.add_argument("--plot", metavar="FILE", help="draw watch traffic into FILE (.svg, .png or .pdf; needs [plot])")
    p.add_argument("--sweep", action="store_true", help=f"simulate {len(SWEEP)} cluster sizes up to --pods")
    p.add_argument("--recommend", action="store_true", help="recommend a maxEndpointsPerSlice for the workload")
    p.set_defaults(func=run)


# ---------------------------------------------------------------------------
# rendering


def human(n: float) -> str:
    """Bytes in decimal units, as the sources write them: ``4.5 GB``."""
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if abs(n) < 1000 or unit == "PB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.3g} {unit}"
        n /= 1000
    raise AssertionError("unreachable")  # pragma: no cover


COLUMNS = (
    "pods",
    "run",
    "writes",
    "creates",
    "updates",
    "deletes",
    "watch_events",
    "bytes_written",
    "wire_bytes",
    "wire_bytes_protobuf",
    "peak_object_bytes",
    "objects_end",
    "objects_peak",
    "model_bytes",
)


def _model(sim: Simulation, run: Run) -> int:
    """The KEP model's bytes for the same workload: one write per Pod the workload changed."""
    w = sim.workload
    est = estimate(
        w.scenario,
        pods=w.pods,
        nodes=w.nodes if w.watchers is None else w.watchers,
        max_endpoints_per_slice=run.max_endpoints_per_slice,
        endpoint_bytes=KEP_752,
        changes=sim.pod_changes,
    )
    # The KEP's creation table holds for the deletion too, and the workload does both.
    return est.bytes * 2 if w.scenario is Scenario.CREATE_DELETE else est.bytes


def rows(sims: Sequence[Simulation]) -> list[dict[str, Any]]:
    """One row per run per simulation, with the KEP model's bytes beside the measured ones."""
    out = []
    for sim in sims:
        for run in sim.runs:
            row: dict[str, Any] = {"pods": sim.workload.pods, "run": run.label}
            for name in COLUMNS[2:-1]:
                row[name] = getattr(run, name)
            row["model_bytes"] = _model(sim, run)
            out.append(row)
    return out


def render_text(sims: Sequence[Simulation]) -> str:
    """The comparison table."""
    w = sims[-1].workload
    head = (
        f"{w.scenario.value}: {w.pods} Pods on {w.nodes} Nodes in {w.zones} zones, seed {w.seed}, "
        f"{sims[-1].events} events"
    )
    table = [
        ("pods", "run", "writes", "watch events", "wire JSON", "wire proto*", "peak object", "objects", "KEP model")
    ]
    for row in rows(sims):
        table.append(
            (
                str(row["pods"]),
                row["run"],
                f"{row['writes']:,}",
                f"{row['watch_events']:,}",
                human(row["wire_bytes"]),
                human(row["wire_bytes_protobuf"]),
                human(row["peak_object_bytes"]),
                f"{row['objects_end']}/{row['objects_peak']}",
                human(row["model_bytes"]),
            )
        )
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    lines = [head]
    for r in table:
        lines.append("  ".join(c.ljust(widths[i]) if i < 2 else c.rjust(widths[i]) for i, c in enumerate(r)).rstrip())
    lines.append("* protobuf is an estimate; objects: at the end/at the peak; KEP model: 100 B per endpoint, one write")
    lines.append("  per changed Pod (docs/simulate.md explains where the controllers depart from it)")
    return "\n".join(lines) + "\n"


def render_json(sims: Sequence[Simulation]) -> str:
    """Every run with its series, as JSON."""
    out = []
    for sim in sims:
        w = sim.workload
        out.append(
            {
                "workload": {
                    "scenario": w.scenario.value,
                    "pods": w.pods,
                    "nodes": w.nodes,
                    "zones": w.zones,
                    "seed": w.seed,
                },
                "events": sim.events,
                "runs": [
                    {
                        **{k: v for k, v in row.items() if k != "pods"},
                        "series": [[s.event, s.wire_bytes, s.objects] for s in run.series],
                    }
                    for row, run in zip(rows([sim]), sim.runs, strict=True)
                ],
            }
        )
    return json.dumps(out if len(out) > 1 else out[0], indent=2) + "\n"


def render_csv(sims: Sequence[Simulation]) -> str:
    """One CSV row per run."""
    buffer = _io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in rows(sims):
        writer.writerow(row)
    return buffer.getvalue()


def plot(sims: Sequence[Simulation], path: str) -> None:
    """Draw the watch traffic into *path*: over the events, or over cluster sizes for a sweep.

    The figure is written to a temporary file beside *path* and renamed over
    it, so a failure never leaves a partial file.

    Raises:
        SimulationError: matplotlib is not installed, or *path* has no known format.
    """
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in PLOT_FORMATS:
        message = f"Invalid value: {path!r}: the file name must end in {', '.join(PLOT_FORMATS)}"
        raise SimulationError([Problem(message=message, path="plot")])
    try:
        import matplotlib as mpl  # Optional: the plot extra.

        mpl.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        message = "matplotlib is not installed: pip install 'endpointslice[plot]'"
        raise SimulationError([Problem(message=message, path="plot")]) from None
    fig, ax = plt.subplots(figsize=(8, 4.5))
    try:
        if len(sims) > 1:
            for label in [r.label for r in sims[-1].runs]:
                points = [(s.workload.pods, r.wire_bytes) for s in sims for r in s.runs if r.label == label]
                ax.plot([p for p, _ in points], [b for _, b in points], marker="o", label=label)
            ax.set_xlabel("Pods behind the Service")
            ax.set_xscale("log")
            ax.set_yscale("log")
        else:
            for r in sims[0].runs:
                ax.plot([s.event for s in r.series], [s.wire_bytes for s in r.series], label=r.label)
            ax.set_xlabel("events")
        w = sims[-1].workload
        ax.set_ylabel("bytes over the wire (JSON, cumulative)")
        ax.set_title(f"{w.scenario.value}, {w.pods} Pods, {w.nodes} Nodes")
        ax.legend()
        folder = os.path.dirname(os.path.abspath(path))
        fd, staging = tempfile.mkstemp(prefix=".simulate-", suffix=suffix, dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                fig.savefig(fh, format=suffix[1:])
            os.replace(staging, path)
        except BaseException:
            os.unlink(staging)
            raise
    finally:
        plt.close(fig)


class Progress:
    """A progress bar on standard error, for a terminal only, once a run has lasted a second."""

    def __init__(self, stream: Any = None, *, after: float = 1.0) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.after = after
        self.start = time.monotonic()
        self.shown = False
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(isatty and isatty())

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.start < self.after:
            return
        width = 30
        filled = width * done // max(total, 1)
        self.stream.write(f"\r{PROG}: [{'#' * filled}{' ' * (width - filled)}] {100 * done // max(total, 1)}%")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        """Clear the bar, if one was drawn."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def run(args: argparse.Namespace) -> int:
    """Run ``simulate``; 0 done, 2 bad usage."""
    workload = Workload(
        scenario=Scenario(args.scenario),
        pods=args.pods,
        nodes=args.nodes,
        zones=args.zones,
        seed=args.seed,
        max_surge=args.max_surge,
        max_unavailable=args.max_unavailable,
        scale_to=args.scale_to,
        changes=args.changes,
        lost_nodes=args.lost_nodes,
    )
    sizes = tuple(args.max_endpoints_per_slice or (100,))
    strategies = tuple(dict.fromkeys(Strategy(s) for s in args.strategy or ("upstream",)))
    problems = workload.problems()
    if args.plot and os.path.splitext(args.plot)[1].lower() not in PLOT_FORMATS:
        message = f"Invalid value: {args.plot!r}: the file name must end in {', '.join(PLOT_FORMATS)}"
        problems.append(Problem(message=message, path="plot"))
    if problems:
        raise SimulationError(problems)
    progress = Progress()
    try:
        if args.recommend:
            advice = recommend(workload, strategy=strategies[0], progress=progress)
            progress.close()
            sys.stdout.write(render_text([advice.simulation]))
            sys.stdout.write(f"recommended maxEndpointsPerSlice: {advice.value}: {advice.reason}\n")
            return 0
        workloads = [workload]
        if args.sweep:
            counts = sorted({max(1, math.ceil(args.pods * f)) for f in SWEEP})
            workloads = [_with_pods(workload, n) for n in counts]
        sims = [
            simulate(
                w,
                max_endpoints_per_slice=sizes,
                strategies=strategies,
                endpoints_limit=args.endpoints_limit,
                progress=_stage(progress, i, len(workloads)),
            )
            for i, w in enumerate(workloads)
        ]
    finally:
        progress.close()
    render: Callable[[Sequence[Simulation]], str] = {"text": render_text, "json": render_json, "csv": render_csv}[
        args.output
    ]
    text = render(sims)
    if args.plot:
        plot(sims, args.plot)
    sys.stdout.write(text)
    return 0


def _with_pods(workload: Workload, pods: int) -> Workload:
    return attrs.evolve(workload, pods=pods)


def _stage(progress: Progress, index: int, stages: int) -> Callable[[int, int], None]:
    """Report one simulation of several as its share of the whole."""

    def report(done: int, total: int) -> None:
        progress(index * total + done, stages * total)

    return report
