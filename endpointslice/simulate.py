"""The scale simulator: what Endpoints and EndpointSlices cost a cluster, measured through the real engine.

`simulate` replays a `Workload` (a Service created and deleted, a scale, a
rolling update, Pod churn, Node loss, a zone drain) once through the
Endpoints controller (with its truncation at 1000 addresses) and once
through the EndpointSlice controller for each ``maxEndpointsPerSlice`` and
`Strategy`. Each Pod event is one sync of each controller, as when events
arrive further apart than the controllers' batching. It counts the API
writes, the watch events they cause on every Node's kube-proxy and the bytes
those carry, serialized as the API server serializes them (compact JSON, and
an estimate for protobuf). The same seed gives the same result.

`estimate` is the back-of-envelope model of KEP-752 and of the 2020 blog
post, to set the measurements against; `recommend` picks a
``maxEndpointsPerSlice`` for a workload. See ``docs/simulate.md``.

Example:
    >>> from endpointslice.simulate import Scenario, Workload, simulate
    >>> result = simulate(Workload(scenario=Scenario.ROLLING_UPDATE, pods=20, nodes=10), max_endpoints_per_slice=(10,))
    >>> endpoints, slices = result.runs
    >>> endpoints.writes, slices.writes
    (40, 60)
    >>> slices.wire_bytes < endpoints.wire_bytes
    True
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Sequence

import attrs

from . import _gc
from . import _simulate_workloads as _w
from ._frozen import FrozenDict
from ._simulate_engine import EndpointsRunner, Runner, SliceRunner, Tally, replay
from .errors import EndpointSliceError, Problem
from .meta import ObjectMeta
from .packing import MAX_ENDPOINTS_PER_SLICE_LIMIT
from .service import Service, ServicePort, ServiceSpec

__all__ = [
    "BLOG_2020",
    "KEP_752",
    "Controller",
    "Estimate",
    "Recommendation",
    "Run",
    "Sample",
    "Scenario",
    "Simulation",
    "SimulationError",
    "Strategy",
    "Workload",
    "estimate",
    "recommend",
    "simulate",
]


class Scenario(enum.Enum):
    """A workload shape; the values are the CLI's ``--scenario`` names."""

    #: The Service is created with every Pod Ready, then deleted.
    CREATE_DELETE = "create-delete"
    #: The Deployment scales to `Workload.scale_to`, one Pod at a time.
    SCALE = "scale"
    #: Every Pod is replaced, honouring maxSurge and maxUnavailable.
    ROLLING_UPDATE = "rolling-update"
    #: `Workload.changes` random Pods are each replaced.
    CHURN = "churn"
    #: `Workload.lost_nodes` Nodes stop: their Pods turn not ready, then are replaced elsewhere.
    NODE_LOSS = "node-loss"
    #: One zone is drained: its Pods are replaced in the other zones.
    ZONE_DRAIN = "zone-drain"


class Strategy(enum.Enum):
    """How the EndpointSlice controller packs."""

    #: Upstream's reconcile (`endpointslice.reconcile.reconcile`).
    UPSTREAM = "upstream"
    #: Upstream's, then compaction (`endpointslice.compact.reconcile_compact`).
    COMPACT = "compact"


class Controller(enum.Enum):
    """Which controller a `Run` measured."""

    ENDPOINTS = "Endpoints"
    ENDPOINT_SLICE = "EndpointSlice"


class SimulationError(EndpointSliceError, ValueError):
    """A workload or option the simulator cannot run.

    Attributes:
        problems: Every problem, each naming its option (``pods``, ``maxSurge``...).
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@attrs.frozen(kw_only=True)
class Workload:
    """What happens to one Service's Pods.

    Attributes:
        scenario: The workload shape.
        pods: Replicas of the Deployment behind the Service (before the workload).
        nodes: Nodes in the cluster; each runs a kube-proxy that watches every object.
        zones: Zones the Nodes are spread over.
        seed: Seed of every random choice (Pod names, Nodes, orders).
        max_surge: Rolling update: a count, or a fraction of ``pods`` rounded up (default 25 %).
        max_unavailable: Rolling update: a count, or a fraction rounded down (default 25 %).
        scale_to: Scale: the final replicas (default twice ``pods``).
        changes: Churn: how many Pods are replaced (default ``pods``).
        lost_nodes: Node loss: how many Nodes stop.
        watchers: Watchers of each object (default ``nodes``: one kube-proxy per Node).
    """

    scenario: Scenario = Scenario.ROLLING_UPDATE
    pods: int
    nodes: int
    zones: int = 3
    seed: int = 0
    max_surge: int | float = 0.25
    max_unavailable: int | float = 0.25
    scale_to: int | None = None
    changes: int | None = None
    lost_nodes: int = 1
    watchers: int | None = None

    def problems(self) -> list[Problem]:
        """Every reason this workload cannot run (empty when it can)."""
        out: list[Problem] = []

        def need(ok: bool, path: str, value: object, rule: str) -> None:
            if not ok:
                out.append(Problem(message=f"Invalid value: {value!r}: {rule}", path=path))

        need(self.pods >= 0, "pods", self.pods, "must be 0 or more")
        need(self.pods < 1 << 24, "pods", self.pods, "must be less than 16777216 (one 10.0.0.0/8 address each)")
        need(self.nodes >= 1, "nodes", self.nodes, "must be 1 or more")
        need(self.zones >= 1, "zones", self.zones, "must be 1 or more")
        need(self.lost_nodes >= 0, "lostNodes", self.lost_nodes, "must be 0 or more")
        rollout_ok = True
        for path, value in (("maxSurge", self.max_surge), ("maxUnavailable", self.max_unavailable)):
            fraction = isinstance(value, float)
            ok = value >= 0 and (not fraction or value <= 1)
            rollout_ok = rollout_ok and ok
            need(ok, path, value, "must be a count >= 0 or a fraction 0-1")
        if rollout_ok and self.scenario is Scenario.ROLLING_UPDATE:
            # The Deployment API refuses both at 0: the rollout could never progress.
            need(
                bool(self.max_surge) or bool(self.max_unavailable),
                "maxUnavailable",
                self.max_unavailable,
                "may not be 0 when maxSurge is 0",
            )
        if self.scale_to is not None:
            need(0 <= self.scale_to < 1 << 24, "scaleTo", self.scale_to, "must be 0 or more")
        if self.changes is not None:
            need(self.changes >= 0, "changes", self.changes, "must be 0 or more")
        if self.watchers is not None:
            need(self.watchers >= 0, "watchers", self.watchers, "must be 0 or more")
        return out


@attrs.frozen(kw_only=True)
class Sample:
    """The state after one event: cumulative watch traffic (JSON bytes) and objects."""

    event: int
    wire_bytes: int
    objects: int


@attrs.frozen(kw_only=True)
class Run:
    """What one controller did over the workload.

    Attributes:
        controller: Endpoints or EndpointSlice.
        max_endpoints_per_slice: The slice size (``None`` for Endpoints).
        strategy: The packing strategy (``None`` for Endpoints).
        creates / updates / deletes: API writes.
        watch_events: Writes times watchers.
        bytes_written: The JSON bodies the controller sent (creates and updates).
        wire_bytes: Watch traffic in JSON: each event's object times the watchers.
        wire_bytes_protobuf: The same, estimated for protobuf.
        peak_object_bytes: The largest object written (JSON).
        objects_end / objects_peak: Objects after the workload, and at most.
        series: Samples over the events (at most `simulate`'s ``samples``).
    """

    controller: Controller
    max_endpoints_per_slice: int | None = None
    strategy: Strategy | None = None
    creates: int
    updates: int
    deletes: int
    watch_events: int
    bytes_written: int
    wire_bytes: int
    wire_bytes_protobuf: int
    peak_object_bytes: int
    objects_end: int
    objects_peak: int
    series: tuple[Sample, ...] = ()

    @property
    def writes(self) -> int:
        """API writes: creates + updates + deletes."""
        return self.creates + self.updates + self.deletes

    @property
    def label(self) -> str:
        """``Endpoints``, or ``slices/100`` (``slices/100 compact``)."""
        if self.controller is Controller.ENDPOINTS:
            return "Endpoints"
        extra = "" if self.strategy is Strategy.UPSTREAM else f" {self.strategy.value if self.strategy else ''}"
        return f"slices/{self.max_endpoints_per_slice}{extra}"


@attrs.frozen(kw_only=True)
class Simulation:
    """A workload and what each controller did with it.

    Attributes:
        workload: The workload.
        events: How many Pod or Service events it had.
        runs: Endpoints first, then each slice size and strategy in the order asked.
        pod_changes: Pods the workload added or removed (the larger count), the
            changes the analytic model charges one write each.
    """

    workload: Workload
    events: int
    runs: tuple[Run, ...]
    pod_changes: int = 0


def _service(workload: Workload) -> Service:
    return Service(
        metadata=ObjectMeta(name="web", namespace="default", uid="6a1b3c5d-0000-4000-8000-000000000001"),
        spec=ServiceSpec(
            selector=FrozenDict({"app": "web"}),
            ports=(ServicePort(name="http", port=80, target_port=8080),),
            cluster_ip="10.96.0.10",
            ip_families=("IPv4",),
        ),
    )


def _events(workload: Workload, cluster: _w.Cluster) -> list[_w.Event]:
    scenario = workload.scenario
    if scenario is Scenario.CREATE_DELETE:
        return list(_w.create_delete(cluster, workload.pods))
    if scenario is Scenario.SCALE:
        return list(_w.scale(cluster, workload.pods * 2 if workload.scale_to is None else workload.scale_to))
    if scenario is Scenario.CHURN:
        return list(_w.churn(cluster, workload.pods if workload.changes is None else workload.changes))
    if scenario is Scenario.NODE_LOSS:
        return list(_w.node_loss(cluster, workload.lost_nodes))
    if scenario is Scenario.ZONE_DRAIN:
        return list(_w.zone_drain(cluster))
    return list(
        _w.rolling_update(
            cluster,
            workload.pods,
            max_surge=_w.surge_count(workload.max_surge, workload.pods, round_up=True),
            max_unavailable=_w.surge_count(workload.max_unavailable, workload.pods, round_up=False),
        )
    )


def _run(runner: Runner, tally: Tally, samples: int, **kind: object) -> Run:
    count = len(tally.series_wire)
    step = max(1, math.ceil(count / samples)) if samples > 0 else count + 1
    picks = sorted({*range(step - 1, count, step), count - 1}) if count and samples > 0 else []
    return Run(
        creates=tally.creates,
        updates=tally.updates,
        deletes=tally.deletes,
        watch_events=(tally.creates + tally.updates + tally.deletes) * tally.watchers,
        bytes_written=tally.bytes_written,
        wire_bytes=tally.wire_json,
        wire_bytes_protobuf=tally.wire_proto,
        peak_object_bytes=tally.peak_object,
        objects_end=runner.objects,
        objects_peak=tally.objects_peak,
        series=tuple(
            Sample(event=i + 1, wire_bytes=tally.series_wire[i], objects=tally.series_objects[i]) for i in picks
        ),
        **kind,  # type: ignore[arg-type]  # controller, max_endpoints_per_slice and strategy.
    )


def simulate(
    workload: Workload,
    /,
    *,
    max_endpoints_per_slice: Sequence[int] = (100,),
    strategies: Sequence[Strategy] = (Strategy.UPSTREAM,),
    endpoints_limit: int | None = 1000,
    samples: int = 200,
    progress: Callable[[int, int], None] | None = None,
) -> Simulation:
    """Replay *workload* through the Endpoints controller and the EndpointSlice controller.

    Args:
        workload: What happens.
        max_endpoints_per_slice: The slice sizes to compare, 1 to 1000 each.
        strategies: The packing strategies to compare for each size.
        endpoints_limit: The Endpoints controller's address cap: 1000 as in
            Kubernetes since 1.22, ``None`` for the untruncated objects the
            2020 blog describes.
        samples: Keep at most this many samples of each run's series.
        progress: Called now and then with (steps done, steps in all).

    Returns:
        The `Simulation`: the Endpoints run first, then one run per size and strategy.

    Raises:
        SimulationError: A workload or option out of range, naming each.
    """
    problems = workload.problems()
    for i, size in enumerate(max_endpoints_per_slice):
        if not 1 <= size <= MAX_ENDPOINTS_PER_SLICE_LIMIT:
            rule = f"must be between 1 and {MAX_ENDPOINTS_PER_SLICE_LIMIT}"
            problems.append(Problem(message=f"Invalid value: {size}: {rule}", path=f"maxEndpointsPerSlice[{i}]"))
    if endpoints_limit is not None and endpoints_limit < 1:
        problems.append(Problem(message=f"Invalid value: {endpoints_limit}: must be 1 or more", path="endpointsLimit"))
    if problems:
        raise SimulationError(problems)
    service = _service(workload)
    cluster = _w.Cluster(
        service=service.metadata.name or "web",
        namespace="default",
        nodes=workload.nodes,
        zones=workload.zones,
        seed=workload.seed,
    )
    # The workload, the controllers' first states and the replay keep what they build (the Pods
    # and events, each controller's state, the series) and drop the rest by reference counting,
    # so the collector's passes over the growing state find nothing: paused, as for any bulk
    # build (`endpointslice._gc`).
    with _gc.paused():
        start = _w.initial(cluster, workload.pods)
        exists = workload.scenario is not Scenario.CREATE_DELETE
        events = _events(workload, cluster)
        watchers = workload.nodes if workload.watchers is None else workload.watchers
        runners: list[tuple[Runner, dict[str, object]]] = [
            (
                EndpointsRunner(service, start, limit=endpoints_limit, watchers=watchers, exists=exists),
                {"controller": Controller.ENDPOINTS},
            )
        ]
        for size in max_endpoints_per_slice:
            for strategy in strategies:
                runner = SliceRunner(
                    service, start, limit=size, compact=strategy is Strategy.COMPACT, watchers=watchers, exists=exists
                )
                kind = {"controller": Controller.ENDPOINT_SLICE, "max_endpoints_per_slice": size, "strategy": strategy}
                runners.append((runner, kind))
        replay([r for r, _ in runners], events, progress=progress)
    runs = tuple(_run(r, r.tally, samples, **kind) for r, kind in runners)
    adds = sum(1 for e in events if e.change is _w.Change.ADD)
    removes = sum(1 for e in events if e.change is _w.Change.REMOVE)
    return Simulation(workload=workload, events=len(events), runs=runs, pod_changes=max(adds, removes))


# ---------------------------------------------------------------------------
# the analytic model


@attrs.frozen(kw_only=True)
class Estimate:
    """The back-of-envelope figures of KEP-752 for one scenario and one object kind.

    Attributes:
        writes: API writes.
        object_bytes: The size assumed for each object.
        watchers: Watchers of each object (one per Node).
        watch_events: ``writes * watchers``.
        bytes: ``watch_events * object_bytes``.
    """

    writes: int
    object_bytes: int
    watchers: int
    watch_events: int
    bytes: int


#: The assumptions of KEP-752's estimation tables: about 100 bytes per endpoint.
KEP_752 = 100
#: The assumptions of the 2020 blog "Scaling Kubernetes Networking With EndpointSlices": 1.5 MB for 5,000 Pods.
BLOG_2020 = 300


def estimate(
    scenario: Scenario,
    /,
    *,
    pods: int,
    nodes: int,
    max_endpoints_per_slice: int | None = None,
    endpoint_bytes: int = KEP_752,
    object_bytes: int | None = None,
    changes: int = 1,
) -> Estimate:
    """The analytic model: one write per changed endpoint, every object sent to every Node.

    Args:
        scenario: `Scenario.CREATE_DELETE` counts the creation,
            `Scenario.ROLLING_UPDATE` one write per Pod, `Scenario.CHURN`
            one write per change (a single endpoint update with ``changes=1``),
            `Scenario.SCALE` one write per added Pod (*changes*), and
            `Scenario.NODE_LOSS` and `Scenario.ZONE_DRAIN` one write per
            moved Pod (*changes*).
        pods: Endpoints of the Service (P).
        nodes: Nodes, each watching (N).
        max_endpoints_per_slice: Endpoints per slice (B); ``None`` for the Endpoints object.
        endpoint_bytes: Bytes per endpoint in the sources' rounding (100 in the KEP, 300 in the blog).
        object_bytes: The object size, when the source states it rather than deriving it.
        changes: Endpoint changes, for the scenarios that have no fixed count.

    Returns:
        The `Estimate`.
    """
    per_object = min(pods, max_endpoints_per_slice) if max_endpoints_per_slice is not None else pods
    size = per_object * endpoint_bytes if object_bytes is None else object_bytes
    if scenario is Scenario.CREATE_DELETE:
        writes = 1 if max_endpoints_per_slice is None else math.ceil(pods / max_endpoints_per_slice)
    elif scenario is Scenario.ROLLING_UPDATE:
        writes = pods
    else:
        writes = changes
    events = writes * nodes
    return Estimate(writes=writes, object_bytes=size, watchers=nodes, watch_events=events, bytes=events * size)


# ---------------------------------------------------------------------------
# choosing maxEndpointsPerSlice


@attrs.frozen(kw_only=True)
class Recommendation:
    """A ``maxEndpointsPerSlice`` for a workload, and the evidence.

    Attributes:
        value: The recommended size.
        reason: One sentence saying why.
        simulation: The runs of every candidate size (Endpoints first).
    """

    value: int
    reason: str
    simulation: Simulation


def recommend(
    workload: Workload,
    /,
    *,
    candidates: Sequence[int] = (10, 25, 50, 100, 200, 500, 1000),
    strategy: Strategy = Strategy.UPSTREAM,
    write_tolerance: float = 1.25,
    progress: Callable[[int, int], None] | None = None,
) -> Recommendation:
    """Recommend the slice size that sends the fewest bytes without costing many more writes.

    Small slices send less per change but need more objects and, when Pods
    come and go in bulk, more writes. The rule: among the candidates whose
    writes stay within *write_tolerance* times the fewest any candidate
    needs, take the one whose watch traffic is smallest (the larger size on a tie).

    Raises:
        SimulationError: As for `simulate`; also for no candidates.
    """
    if not candidates or write_tolerance < 1:
        rule = "must name at least one size" if not candidates else "must be 1 or more"
        path = "candidates" if not candidates else "writeTolerance"
        value = list(candidates) if not candidates else write_tolerance
        raise SimulationError([Problem(message=f"Invalid value: {value!r}: {rule}", path=path)])
    sim = simulate(workload, max_endpoints_per_slice=candidates, strategies=(strategy,), progress=progress)
    slices = sim.runs[1:]
    fewest = min(r.writes for r in slices)
    allowed = [r for r in slices if r.writes <= fewest * write_tolerance]
    best = min(allowed, key=lambda r: (r.wire_bytes, -(r.max_endpoints_per_slice or 0)))
    value = best.max_endpoints_per_slice or 0
    reason = (
        f"{value} sends the least watch traffic ({best.wire_bytes:,} bytes) among the sizes needing at most "
        f"{write_tolerance:g}x the fewest writes ({fewest:,})"
    )
    return Recommendation(value=value, reason=reason, simulation=sim)
