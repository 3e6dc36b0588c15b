"""Scenarios of the engine differential suite: generate, play against a control plane, compare.

A scenario is plain JSON data (so that a failure prints a reproducer that replays as it is): a
Service, Nodes, Pods, and a list of steps. `play` builds it in a fresh namespace and then, for
every write the steps make, predicts the cluster's EndpointSlices with our engine and compares.

One write, one sync. The controller syncs a Service once per informer event that concerns it,
and may fold several events into one sync when it is behind. So `play` makes one write at a
time and lets the controller settle before the next: the prediction for a write is
``reconcile(state after the write, slices before it)``, where the slices before it are the
cluster's own (read back from the apiserver), never our previous prediction, so that a random
choice of upstream's never carries over into the next comparison. A write the controller does
not sync for (a Node change: only the topology cache listens to Nodes) is followed by a touch of
the Service (an annotation the controller does not copy), which syncs it; since a second sync of
an unchanged state writes nothing, the pair composes to one reconcile whichever way the
controller interleaves them.

What the controller sees beside the objects, and how it is modelled here:

- ``last-change-trigger-time`` comes from the controller's trigger-time tracker: the Service's
  creation time on its first sync, then the earliest Ready-condition ``lastTransitionTime``
  that is newer than at the previous sync. `TriggerTracker` keeps the same state; Pods get
  strictly increasing transition times from a fake clock so that the value is exact.
- Topology "Auto" ratios come from the controller's topology cache, which is refreshed (from
  every Node of the cluster) only when a Node is added or deleted or changes zone or readiness,
  not when its CPU changes. `play` keeps the same snapshot when ``topology_cache`` is on.

The comparison (see ``docs/differences.md``): equal modulo the random suffix of generated names
("strict"), or, where upstream chose at random between equals, equal under `tie_key`.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from hypothesis import strategies as st

from endpointslice.discovery import EndpointSlice
from endpointslice.io import from_dict, to_dict
from endpointslice.packing import desired_endpoints
from endpointslice.reconcile import Plan, reconcile
from endpointslice.service import Service
from endpointslice.workloads import Node, Pod
from kube.api import JSON, ApiError, Kube, Recorder
from kube.world import ZONE_LABEL, World

Scenario = dict[str, Any]

TOUCH = "engine-diff.test/touch"
TRIGGER = "endpoints.kubernetes.io/last-change-trigger-time"
TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"
GENERATED = "bcdfghjklmnpqrstvwxz2456789"
# Container ports of each Pod version: named ports that come and go, so that a named target port
# resolves differently per Pod (and a Pod without the name drops the port: another port group).
VERSIONS: dict[str, list[JSON]] = {
    "1": [{"name": "http", "containerPort": 8080}, {"name": "metrics", "containerPort": 9090}],
    "2": [{"name": "http", "containerPort": 8081}],
    "3": [],
    "4": [{"name": "metrics", "containerPort": 9091, "protocol": "UDP"}],
}
ZONES = ["z1", "z2", "z3"]
CPUS = ["1", "2", "4", "500m", "6"]
MODES = [None, "PreferClose", "PreferSameZone", "PreferSameNode"]

# ---------------------------------------------------------------------------
# Generation


def _ports(draw: st.DrawFn, *, headless: bool) -> list[JSON]:
    count = draw(st.integers(0 if headless else 1, 3))
    out = []
    for i in range(count):
        port: JSON = {"port": 80 + i}
        if count > 1 or draw(st.booleans()):
            port["name"] = f"p{i}"
        if draw(st.integers(0, 4)) == 0:
            port["protocol"] = "UDP"
        target = draw(st.sampled_from([None, 8080, 8081, "http", "metrics"]))
        if target is not None:
            port["targetPort"] = target
        out.append(port)
    return out


@st.composite
def scenarios(draw: st.DrawFn, *, auto: bool = False) -> Scenario:
    """One scenario: the Service, Nodes, initial Pods and the steps."""
    headless = draw(st.integers(0, 4)) == 0
    family = draw(st.sampled_from(["IPv4", "IPv6", "IPv4,IPv6", "IPv6,IPv4"]))
    spec: JSON = {"selector": {"app": "a"}, "ports": _ports(draw, headless=headless)}
    if headless:
        spec["clusterIP"] = "None"
    families = family.split(",")
    spec["ipFamilies"] = families
    spec["ipFamilyPolicy"] = "RequireDualStack" if len(families) == 2 else "SingleStack"
    if draw(st.integers(0, 3)) == 0:
        spec["publishNotReadyAddresses"] = True
    mode = draw(st.sampled_from(MODES))
    if mode is not None:
        spec["trafficDistribution"] = mode
    labels = draw(st.sampled_from([{}, {"team": "x"}, {"team": "y", "tier": "web"}]))
    # A Node without zone is rare: under "Auto" it turns every hint off.
    zones = st.sampled_from(ZONES) if draw(st.integers(0, 5)) else st.sampled_from([*ZONES, None])
    nodes = [{"zone": draw(zones), "cpu": draw(st.sampled_from(CPUS))} for _ in range(draw(st.integers(1, 4)))]
    pod_family = draw(st.sampled_from(["IPv4", "IPv6", "dual"]))
    pods = [_pod(draw, len(nodes)) for _ in range(draw(st.integers(0, 6)))]
    steps = draw(st.lists(_step(len(nodes), auto=auto), min_size=1, max_size=6))
    return {
        "service": {"spec": spec, "labels": labels, "auto": auto},
        "nodes": nodes,
        "pod_family": pod_family,
        "pods": pods,
        "steps": steps,
    }


def _pod(draw: st.DrawFn, nodes: int) -> JSON:
    return {
        "node": draw(st.integers(0, nodes - 1)),
        "ready": draw(st.booleans()),
        "selected": draw(st.integers(0, 4)) > 0,
        "version": draw(st.sampled_from(sorted(VERSIONS))),
        "hostname": draw(st.integers(0, 5)) == 0,
    }


@st.composite
def _step(draw: st.DrawFn, nodes: int, *, auto: bool) -> list[Any]:
    kind = draw(
        st.sampled_from(
            [
                "add",
                "add",
                "scale_down",
                "terminate",
                "ready",
                "ready",
                "relabel",
                "rolling",
                "ports",
                "node_zone",
                "node_cpu",
                "service_labels",
                "traffic",
            ]
        )
    )
    if kind == "add":
        return ["add", _pod(draw, nodes), draw(st.integers(1, 3))]
    if kind in ("scale_down", "terminate", "ready", "relabel"):
        return [kind, draw(st.integers(0, 99))]
    if kind == "rolling":
        return ["rolling", draw(st.sampled_from(sorted(VERSIONS))), draw(st.integers(1, 3))]
    if kind == "ports":
        return ["ports", _ports(draw, headless=False)]
    if kind == "node_zone":
        return ["node_zone", draw(st.integers(0, nodes - 1)), draw(st.sampled_from([*ZONES, None]))]
    if kind == "node_cpu":
        return ["node_cpu", draw(st.integers(0, nodes - 1)), draw(st.sampled_from(CPUS))]
    if kind == "service_labels":
        return ["service_labels", draw(st.sampled_from([{}, {"team": "x"}, {"team": "z", "tier": "db"}]))]
    modes = [*MODES, "Auto"] if auto else MODES
    return ["traffic", draw(st.sampled_from(modes))]


# ---------------------------------------------------------------------------
# The controller's hidden state


def _parse_time(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _format_time(moment: datetime.datetime) -> str:
    # Go's RFC3339Nano in UTC drops a zero fraction: whole seconds print as ...:05Z.
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class TriggerTracker:
    """The controller's trigger-time tracker for one Service, as state the test can predict."""

    def __init__(self) -> None:
        self.known = False
        self.pod_times: dict[str, datetime.datetime] = {}
        self.service_time: datetime.datetime | None = None

    def sync(self, service: JSON, pods: Sequence[JSON]) -> str | None:
        """The trigger time of a sync that sees *service* and its selected *pods*."""
        changed: list[datetime.datetime] = []
        times = {}
        for pod in pods:
            moment = _ready_transition(pod)
            if moment is not None:
                times[pod["metadata"]["name"]] = moment
                before = self.pod_times.get(pod["metadata"]["name"])
                if before is None or moment > before:
                    changed.append(moment)
        created = _parse_time(service["metadata"]["creationTimestamp"])
        if self.service_time is None or created > self.service_time:
            changed.append(created)
        was_known = self.known
        self.known, self.pod_times, self.service_time = True, times, created
        if not was_known:
            return _format_time(created)
        return _format_time(min(changed)) if changed else None


def _ready_transition(pod: JSON) -> datetime.datetime | None:
    for condition in (pod.get("status") or {}).get("conditions") or ():
        if condition.get("type") == "Ready":
            stamp = condition.get("lastTransitionTime")
            return _parse_time(stamp) if stamp else None
    return None


# ---------------------------------------------------------------------------
# Comparison

_SERVER_FIELDS = ("uid", "resourceVersion", "creationTimestamp", "managedFields", "generation")


def normal(eps: EndpointSlice, names_before: frozenset[str]) -> JSON:
    """A slice as compared: server-set fields gone, lists in order, a generated name as its prefix."""
    data = to_dict(eps)
    meta = data["metadata"]
    for field in _SERVER_FIELDS:
        meta.pop(field, None)
    name = meta.get("name", "")
    if name not in names_before:
        prefix = meta.get("generateName", "")
        suffix = name[len(prefix) :]
        # The apiserver adds five characters of its alphabet; anything else is a real difference.
        ok = name.startswith(prefix) and len(suffix) == 5 and all(c in GENERATED for c in suffix)
        meta["name"] = f"{prefix}<generated>" if ok else name
    data["endpoints"] = sorted(data.get("endpoints") or [], key=lambda e: json.dumps(e, sort_keys=True))
    data["ports"] = sorted(data.get("ports") or [], key=lambda p: json.dumps(p, sort_keys=True))
    return data


def strict_key(slices: Sequence[JSON]) -> list[str]:
    return sorted(json.dumps(s, sort_keys=True) for s in slices)


def tie_key(slices: Sequence[JSON], *, auto: bool = False) -> JSON:
    """What upstream's random choices cannot change (docs/differences.md, "Engine ties").

    With topology "Auto", which ready endpoints get another zone's hint follows the order of
    the slices written (the lister's, random): then the endpoints are compared without hints,
    and the hints as the multiset of (endpoint zone, hint zones) pairs.
    """
    groups: dict[str, dict[str, Any]] = {}
    moved: list[str] = []
    names: dict[str, list[str]] = {}
    skeletons = []
    for s in slices:
        group = json.dumps([s["addressType"], s["ports"]], sort_keys=True)
        entry = groups.setdefault(group, {"sizes": [], "endpoints": []})
        entry["sizes"].append(len(s["endpoints"]))
        for e in s["endpoints"]:
            if auto:
                moved.append(json.dumps([e.get("zone"), e.get("hints")], sort_keys=True))
            kept = {k: v for k, v in e.items() if k != "hints"} if auto else e
            entry["endpoints"].append(json.dumps(kept, sort_keys=True))
        skeleton = {k: v for k, v in s.items() if k != "endpoints"}
        skeleton["metadata"] = meta = {k: v for k, v in s["metadata"].items() if k != "name"}
        # The trigger time is the sync's on every written slice and the old one on the others,
        # and which slices are written is part of the tie: `written_triggers` checks it apart.
        meta["annotations"] = {k: v for k, v in (meta.get("annotations") or {}).items() if k != TRIGGER}
        skeletons.append(json.dumps(skeleton, sort_keys=True))
        # Which slice keeps which name is random: recycling gives the last create (in Go's map
        # order of port groups) the name of the first delete (in the same order). How many
        # slices keep an old name, and how many get a new one, per address type, is not.
        generated = s["metadata"]["name"].endswith("<generated>")
        names.setdefault(s["addressType"], []).append("generated" if generated else "kept")
    for entry in groups.values():
        entry["sizes"].sort()
        entry["endpoints"].sort()
    for listed in names.values():
        listed.sort()
    return {"groups": groups, "skeletons": sorted(skeletons), "names": names, "hints": sorted(moved)}


def written_triggers(slices: Sequence[JSON], versions: Mapping[str, str]) -> list[str]:
    """The trigger times of the slices written since *versions* (name -> resourceVersion), sorted."""
    changed = [s for s in slices if versions.get(s["metadata"]["name"]) != s["metadata"].get("resourceVersion")]
    return sorted((s["metadata"].get("annotations") or {}).get(TRIGGER, "") for s in changed)


# ---------------------------------------------------------------------------
# Playing


@attrs.define
class Tally:
    """Figures of a run, shared by the threads of a pool."""

    scenarios: int = 0
    writes: int = 0
    steps: int = 0
    strict: int = 0
    ties: int = 0
    compared_writes: Counter[str] = attrs.field(factory=Counter)
    lock: threading.Lock = attrs.field(factory=threading.Lock)

    def add(self, **counts: int) -> None:
        with self.lock:
            for key, value in counts.items():
                setattr(self, key, getattr(self, key) + value)


@attrs.define
class Player:
    """Plays one scenario in one namespace."""

    kube: Kube
    namespace: str
    scenario: Scenario
    max_endpoints: int
    tally: Tally
    topology_cache: bool = False
    world: World = attrs.field(init=False)
    tracker: TriggerTracker = attrs.field(factory=TriggerTracker)
    clock: int = 0
    pod_names: list[str] = attrs.field(factory=list)
    next_pod: int = 0
    node_snapshot: list[JSON] = attrs.field(factory=list)
    log: list[str] = attrs.field(factory=list)
    slices_before: list[JSON] = attrs.field(factory=list)
    _recorder: Recorder | None = None

    @property
    def recorder(self) -> Recorder:
        assert self._recorder is not None, "setup() starts the recorder"
        return self._recorder

    def __attrs_post_init__(self) -> None:
        self.world = World(self.kube, self.namespace)

    # Writes.

    def _tick(self) -> str:
        self.clock += 1
        moment = datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=self.clock)
        return _format_time(moment)

    def _ips(self, index: int) -> list[str]:
        v4, v6 = f"10.{index // 250}.{index % 250}.{7 + index % 3}", f"fd00:10:{index:x}::{7 + index % 3}"
        family = self.scenario["pod_family"]
        return [v4] if family == "IPv4" else [v6] if family == "IPv6" else [v4, v6]

    def _pod_status(self, pod: JSON, *, ready: bool, index: int) -> JSON:
        pod = dict(pod)
        pod["status"] = {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": str(ready), "lastTransitionTime": self._tick()}],
            "podIP": self._ips(index)[0],
            "podIPs": [{"ip": ip} for ip in self._ips(index)],
        }
        return pod

    def _labels(self, selected: bool, version: str) -> dict[str, str]:
        return {"app": "a" if selected else "b", "ver": version}

    def add_pod(self, spec: JSON) -> None:
        index = self.next_pod
        self.next_pod += 1
        name = f"p{index}"
        pod_spec: JSON = {
            "nodeName": self.world.node_name(f"n{spec['node'] % len(self.scenario['nodes'])}"),
            "containers": [{"name": "app", "image": "app", "ports": VERSIONS[spec["version"]]}],
        }
        if spec["hostname"]:
            pod_spec["hostname"] = name
            pod_spec["subdomain"] = "svc"
        created = self.kube.create(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {
                    "name": name,
                    "namespace": self.namespace,
                    "labels": self._labels(spec["selected"], spec["version"]),
                },
                "spec": pod_spec,
            }
        )
        self.pod_names.append(name)
        self.compare(f"create pod {name}")
        self.kube.update(self._pod_status(created, ready=spec["ready"], index=index), sub="status")
        self.compare(f"status of pod {name}: ready={spec['ready']}")

    def pick(self, choice: int, *, alive: bool = True) -> str | None:
        names = self.pod_names
        if alive:
            names = [n for n in names if not self.world.get_pod(n)["metadata"].get("deletionTimestamp")]
        return names[choice % len(names)] if names else None

    def step(self, step: list[Any]) -> None:
        kind = step[0]
        if kind == "add":
            for _ in range(step[2]):
                self.add_pod(step[1])
        elif kind == "scale_down":
            name = self.pick(step[1], alive=False)
            if name is not None:
                self.remove(name)
        elif kind == "terminate":
            name = self.pick(step[1])
            if name is not None:
                self.world.terminate_pod(name)
                self.compare(f"terminate pod {name}")
        elif kind == "ready":
            name = self.pick(step[1], alive=False)
            if name is not None:
                pod = self.world.get_pod(name)
                ready = not any(
                    c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions") or ()
                )
                self.kube.update(self._pod_status(pod, ready=ready, index=int(name[1:])), sub="status")
                self.compare(f"status of pod {name}: ready={ready}")
        elif kind == "relabel":
            name = self.pick(step[1], alive=False)
            if name is not None:
                pod = self.world.get_pod(name)
                labels = pod["metadata"]["labels"]
                self.world.relabel_pod(name, {**labels, "app": "b" if labels["app"] == "a" else "a"})
                self.compare(f"relabel pod {name}")
        elif kind == "rolling":
            # A rolling update, one Pod at a time: a new Pod of the new version, Ready, then the
            # old one terminating, then gone.
            for _ in range(step[2]):
                old = self.pick(0)
                self.add_pod(
                    {"node": self.next_pod, "ready": True, "selected": True, "version": step[1], "hostname": False}
                )
                if old is not None:
                    self.remove(old)
        elif kind == "ports":
            self._update_service(lambda s: s["spec"].__setitem__("ports", step[1]), f"ports {step[1]}")
        elif kind == "service_labels":
            self._update_service(lambda s: s["metadata"].__setitem__("labels", step[1]), f"labels {step[1]}")
        elif kind == "traffic":
            self._update_service(lambda s: _set_mode(s, step[1]), f"traffic {step[1]}")
        elif kind == "node_zone":
            name = f"n{step[1] % len(self.scenario['nodes'])}"
            self.world.relabel_node(name, {ZONE_LABEL: step[2]})
            self._node_changed(refresh=True)
            self.touch(f"zone of {name} = {step[2]}")
        elif kind == "node_cpu":
            name = f"n{step[1] % len(self.scenario['nodes'])}"
            node = self.kube.get("Node", None, self.world.node_name(name))
            self.world.set_node_status(node, cpu=step[2])
            self._node_changed(refresh=False)
            self.touch(f"cpu of {name} = {step[2]}")

    def remove(self, name: str) -> None:
        # Even a delete with grace period 0 first writes the Pod with a deletionTimestamp and
        # then removes it: two events, which the controller syncs once or twice as it keeps up.
        # So a Pod goes as a kubelet would see it go: terminating first, compared, then gone.
        if not self.world.get_pod(name)["metadata"].get("deletionTimestamp"):
            self.world.terminate_pod(name)
            self.compare(f"terminate pod {name}")
        self.world.remove_pod(name)
        self.pod_names.remove(name)
        self.compare(f"remove pod {name}")

    def _update_service(self, change: Any, what: str) -> None:
        service = self.kube.get("Service", self.namespace, "svc")
        change(service)
        try:
            self.kube.update(service)
        except ApiError as error:
            # A generated change the apiserver refuses (say, a target port name it finds
            # invalid) is no step at all.
            self.log.append(f"refused {what}: {error.message}")
            return
        self.compare(what)

    def touch(self, what: str) -> None:
        service = self.kube.get("Service", self.namespace, "svc")
        annotations = service["metadata"].setdefault("annotations", {})
        annotations[TOUCH] = str(int(annotations.get(TOUCH, "0")) + 1)
        self.kube.update(service)
        self.compare(f"{what}, then touch the Service")

    def _node_changed(self, *, refresh: bool) -> None:
        if not self.topology_cache:
            # Without "Auto" the controller reads a Node only for its zone, at the next sync;
            # give its Node informer a moment to see the write before that sync starts.
            time.sleep(0.2)
            return
        # The topology cache lists every Node when it refreshes, in a queue of its own.
        time.sleep(0.4)
        if refresh:
            self.node_snapshot = self.all_nodes()

    def all_nodes(self) -> list[JSON]:
        return [{"apiVersion": "v1", "kind": "Node", **n} for n in self.kube.list("Node")["items"]]

    # Setting up.

    def setup(self) -> None:
        for i, node in enumerate(self.scenario["nodes"]):
            self.world.node(f"n{i}", zone=node["zone"], cpu=node["cpu"])
        if self.topology_cache:
            time.sleep(0.4)
            self.node_snapshot = self.all_nodes()
        meta: JSON = {"name": "svc", "namespace": self.namespace, "labels": self.scenario["service"]["labels"]}
        spec = self.scenario["service"]["spec"]
        service: JSON = {"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": dict(spec)}
        if self.scenario["service"]["auto"]:
            _set_mode(service, "Auto")
        self._recorder = Recorder(self.kube, "EndpointSlice", self.namespace)
        self.kube.create(service)
        self.compare("create the Service")
        for pod in self.scenario["pods"]:
            self.add_pod(pod)

    def teardown(self) -> None:
        if self._recorder is not None:
            self._recorder.close()
        for i in range(len(self.scenario["nodes"])):
            with contextlib.suppress(ApiError):
                self.kube.delete("Node", None, self.world.node_name(f"n{i}"))
        if self.topology_cache:
            time.sleep(0.4)

    # Predicting and comparing.

    def predict(self) -> tuple[JSON, Plan, list[EndpointSlice], list[EndpointSlice]]:
        service_data = self.kube.get("Service", self.namespace, "svc")
        service = from_dict({"kind": "Service", "apiVersion": "v1", **service_data}, Service)
        pods_data = self.world.pods()
        pods = [from_dict(p, Pod) for p in pods_data]
        node_data = self.node_snapshot if self.topology_cache else self.world.nodes()
        if self.topology_cache and not self.node_snapshot:
            node_data = self.all_nodes()
        nodes = [from_dict(n, Node) for n in node_data]
        selected = [p for p in pods_data if p["metadata"]["labels"].get("app") == "a"]
        trigger = self.tracker.sync(service_data, selected)
        before = [from_dict(s, EndpointSlice) for s in self.slices_before]
        plan = reconcile(
            service,
            desired_endpoints(service, pods, nodes),
            before,
            max_endpoints_per_slice=self.max_endpoints,
            trigger_time=trigger,
        )
        return service_data, plan, before, plan.apply(before)

    def compare(self, what: str) -> None:
        service_data, plan, before, expected = self.predict()
        names_before = frozenset(s.metadata.name or "" for s in before)
        want = [normal(s, names_before) for s in expected]
        auto = (service_data["metadata"].get("annotations") or {}).get(TOPOLOGY_MODE) == "Auto"
        want_strict, want_tie = strict_key(want), tie_key(want, auto=auto)
        seen: dict[str, Any] = {}

        written = [*plan.creates, *(u.slice for u in plan.updates)]
        want_triggers = sorted(s.metadata.annotation(TRIGGER) or "" for s in written)
        versions = {s["metadata"]["name"]: s["metadata"]["resourceVersion"] for s in self.slices_before}

        def cluster_equal() -> bool:
            raw = self.world.slices()
            got = [normal(from_dict(s, EndpointSlice), names_before) for s in raw]
            seen["got"] = got
            if strict_key(got) == want_strict:
                return True
            return tie_key(got, auto=auto) == want_tie and written_triggers(raw, versions) == want_triggers

        settled = self.world.settle(cluster_equal, recorder=self.recorder, quiet=0.3, timeout=20)
        if settled:
            # The condition held; check it again after the quiet period, since a late write
            # would have changed the slices.
            settled = cluster_equal()
        self._await_events(versions)
        events = self.recorder.take()
        writes = Counter(kind for kind, _ in events)
        want_writes = Counter({"ADDED": len(plan.creates), "MODIFIED": len(plan.updates), "DELETED": len(plan.deletes)})
        self.log.append(f"{what}: plan {plan.summary().splitlines()[0]}; watch saw {dict(writes)}")
        got = seen.get("got", [])
        if self.recorder.broken:
            raise AssertionError(f"after {what!r} in namespace {self.namespace}: {self.recorder.broken}")
        if not settled or +writes != +want_writes:
            raise AssertionError(
                f"after {what!r} in namespace {self.namespace}:\n"
                f"  writes: ours {dict(+want_writes)}, upstream {dict(+writes)}\n"
                f"  ours:     {json.dumps(want, sort_keys=True)}\n"
                f"  upstream: {json.dumps(got, sort_keys=True)}\n"
                f"  before:   {json.dumps([normal(s, names_before) for s in before], sort_keys=True)}\n"
                f"  plan:     {plan.summary()}\n"
                f"  history:\n    " + "\n    ".join(self.log)
            )
        strict = strict_key(got) == want_strict
        self.tally.add(steps=1, writes=plan.write_count, strict=int(strict), ties=int(not strict))
        if not strict:
            self.log.append("  (equal under the tie equivalence only)")
        self.slices_before = self.world.slices()

    def _await_events(self, versions: Mapping[str, str], timeout: float = 10.0) -> None:
        # A watch event can come after a list already shows its write (on a busy machine, by
        # seconds): wait until the watch has seen every write the list shows, so that each write
        # is counted in the step that made it.
        current = {s["metadata"]["name"]: s["metadata"]["resourceVersion"] for s in self.world.slices()}
        wanted = {("MODIFIED" if n in versions else "ADDED", n, v) for n, v in current.items() if versions.get(n) != v}
        wanted |= {("DELETED", n, "") for n in versions if n not in current}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = {
                (kind, o["metadata"]["name"], "" if kind == "DELETED" else o["metadata"]["resourceVersion"])
                for kind, o in self.recorder.peek()
            }
            # An ADDED slice may have been MODIFIED since: any event of its final version will do.
            seen |= {("ADDED", name, version) for _, name, version in seen}
            if wanted <= seen:
                return
            time.sleep(0.05)

    def play(self) -> None:
        try:
            self.setup()
            for step in self.scenario["steps"]:
                self.step(step)
        finally:
            self.teardown()
        self.tally.add(scenarios=1)


def _set_mode(service: JSON, mode: str | None) -> None:
    annotations = service["metadata"].setdefault("annotations", {})
    annotations.pop(TOPOLOGY_MODE, None)
    service["spec"].pop("trafficDistribution", None)
    if mode == "Auto":
        annotations[TOPOLOGY_MODE] = "Auto"
    elif mode is not None:
        service["spec"]["trafficDistribution"] = mode


def reproducer(scenario: Mapping[str, Any]) -> str:
    return json.dumps(scenario, sort_keys=True)
