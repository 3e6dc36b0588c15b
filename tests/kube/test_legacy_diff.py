"""The legacy differential suite: the real Endpoints and EndpointSlice mirroring controllers of
Kubernetes 1.37.2 against `endpoints_for_service` and `mirror`.

Each scenario runs in a namespace of its own: it builds a Service and its Pods (or a selectorless
Service and a hand-written Endpoints object), then applies random events one API call at a time.
After each step it waits until the controller settled, predicts the result from the cluster's
state before the step (what the controller saw), and compares the objects and the number of
writes a watch counted. Scenarios are drawn by hypothesis in batches run side by side from a
thread pool, since most of a scenario's time is spent waiting for the controllers to go quiet;
a failing batch is shrunk and printed (with its blob under ``HYPOTHESIS_PROFILE=ci``).

Where upstream orders by a hash or names at random, the comparison is the equivalence written
in ``docs/differences.md``; everything else must be equal.
"""

from __future__ import annotations

import json
import os
import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from endpointslice.discovery import LABEL_MANAGED_BY
from endpointslice.mirroring import LABEL_SKIP_MIRROR, MIRRORING_CONTROLLER_NAME
from kube import legacy
from kube.api import JSON, ApiError, Kube
from kube.world import World

CI = os.environ.get("HYPOTHESIS_PROFILE") in ("ci", "explore")
BATCH = 10
# Scenarios per run: batches of BATCH; CI runs at least 150 of each controller.
EXAMPLES = 16 if CI else 3
TARGET = EXAMPLES * BATCH

# No shrinking: one shrink step reruns a whole batch (seconds), and hypothesis would spend its
# five-minute shrink budget on it. A failure prints the failing scenario alone, replayable with
# LEGACY_REPLAY (test_replay_one_scenario), and the batch's blob under the ci profile.
PHASES = (Phase.explicit, Phase.reuse, Phase.generate)

_counts: dict[str, int] = {
    "endpoints": 0,
    "endpoints_steps": 0,
    "mirror": 0,
    "mirror_steps": 0,
    "mirror_bug_steps": 0,
    "mirror_ambiguous_unquiet": 0,
}
_counts_lock = threading.Lock()


def _count(key: str, n: int = 1) -> None:
    with _counts_lock:
        _counts[key] += n


# ---------------------------------------------------------------------------
# Scenario descriptions (plain data, so that hypothesis prints them as a reproducer).

# The Service port menu: (name, port, targetPort, protocol, appProtocol).
PORTS = (
    ("web", 80, 8080, "TCP", None),
    ("http", 81, "http", "TCP", None),
    ("dns", 53, "dns", "UDP", None),
    ("metrics", 9090, "metrics", "TCP", "http"),
    ("sctp", 82, 3868, "SCTP", None),
)
# Container ports a Pod may declare, named as the target ports above look them up.
CONTAINER_PORTS = (
    {"name": "http", "containerPort": 8081, "protocol": "TCP"},
    {"name": "dns", "containerPort": 5353, "protocol": "UDP"},
    {"name": "metrics", "containerPort": 9091, "protocol": "TCP"},
    {"name": "dns", "containerPort": 5354, "protocol": "TCP"},
)
SERVICE_KINDS = ("v4", "v6", "dual46", "dual64", "headless", "headless-v6", "headless-dual", "no-selector", "external")


@st.composite
def pod_specs(draw: st.DrawFn) -> JSON:
    family = draw(st.sampled_from(("v4", "v6", "v46", "v64", "none")))
    ports = draw(st.sets(st.integers(0, len(CONTAINER_PORTS) - 1), max_size=3))
    if {1, 3} <= ports:
        # Container port names are unique in a Pod: "dns" is either the UDP or the TCP one.
        ports.discard(3)
    return {
        "match": draw(st.booleans()) or draw(st.booleans()),
        "node": draw(st.sampled_from(("n0", "n1", None))),
        "family": family,
        "ready": draw(st.booleans()),
        "phase": draw(st.sampled_from(("Running", "Running", "Pending", "Succeeded", "Failed"))),
        "ports": sorted(ports),
        "hostname": draw(st.sampled_from((None, "h0", "h1"))),
        "subdomain": draw(st.sampled_from((None, "svc", "other"))),
    }


@st.composite
def service_specs(draw: st.DrawFn) -> JSON:
    kind = draw(st.sampled_from(SERVICE_KINDS))
    ports = sorted(
        draw(st.sets(st.integers(0, len(PORTS) - 1), min_size=0 if kind.startswith("headless") else 1, max_size=3))
    )
    return {
        "kind": kind,
        "ports": ports,
        "unnamed": len(ports) == 1 and draw(st.booleans()),
        "publish": draw(st.booleans()),
        "labels": draw(st.sampled_from(({}, {"team": "a"}, {"team": "b", "tier": "x"}))),
    }


EVENT_KINDS = ("add", "ready", "phase", "terminate", "remove", "relabel", "service-labels", "publish")


@st.composite
def endpoint_events(draw: st.DrawFn) -> JSON:
    kind = draw(st.sampled_from(EVENT_KINDS))
    event: JSON = {"kind": kind, "pod": draw(st.integers(0, 15))}
    if kind == "add":
        event["spec"] = draw(pod_specs())
    elif kind == "ready":
        event["ready"] = draw(st.booleans())
    elif kind == "phase":
        event["phase"] = draw(st.sampled_from(("Running", "Pending", "Succeeded", "Failed")))
    elif kind == "relabel":
        event["match"] = draw(st.booleans())
    elif kind == "service-labels":
        event["labels"] = draw(st.sampled_from(({}, {"team": "a"}, {"team": "c"})))
    return event


endpoint_scenarios = st.fixed_dictionaries(
    {
        "service": service_specs(),
        "pods": st.lists(pod_specs(), min_size=1, max_size=6),
        "events": st.lists(endpoint_events(), min_size=2, max_size=6),
    }
)


def _ips(family: str, index: int) -> list[str]:
    # Indexes past 9 make string order differ from numeric order (10.0.0.10 < 10.0.0.2).
    v4, v6 = f"10.0.0.{index + 1}", f"fd00::{index + 1:x}"
    return {"v4": [v4], "v6": [v6], "v46": [v4, v6], "v64": [v6, v4], "none": []}[family]


def _service_manifest(spec: JSON) -> JSON:
    kind = spec["kind"]
    body: JSON = {}
    if kind not in {"no-selector", "external"}:
        body["selector"] = {"app": "svc"}
    if kind == "external":
        body["type"] = "ExternalName"
        body["externalName"] = "example.com"
    families = {
        "v6": ["IPv6"],
        "dual46": ["IPv4", "IPv6"],
        "dual64": ["IPv6", "IPv4"],
        "headless-v6": ["IPv6"],
        "headless-dual": ["IPv4", "IPv6"],
    }.get(kind)
    if families:
        body["ipFamilies"] = families
        body["ipFamilyPolicy"] = "RequireDualStack" if len(families) == 2 else "SingleStack"
    if kind.startswith("headless"):
        body["clusterIP"] = "None"
    ports = []
    for index in spec["ports"]:
        name, port, target, protocol, app = PORTS[index]
        item: JSON = {"port": port, "targetPort": target, "protocol": protocol}
        if not spec["unnamed"]:
            item["name"] = name
        if app:
            item["appProtocol"] = app
        ports.append(item)
    if ports:
        body["ports"] = ports
    if spec["publish"]:
        body["publishNotReadyAddresses"] = True
    return body


class EndpointsRun:
    """One Endpoints-controller scenario in its own namespace."""

    def __init__(self, kube: Kube, namespace: str, scenario: JSON) -> None:
        self.world = World(kube, namespace)
        self.kube = kube
        self.ns = namespace
        self.scenario = scenario
        self.log: list[str] = []
        self.stale = False
        # A check passed on the state without the newest Pod (see check): the sync that adds it
        # may still be on its way and land during a later step.
        self.behind = False

    def _pod(self, index: int, spec: JSON) -> None:
        labels = {"app": "svc" if spec["match"] else "other", "i": str(index)}
        self.world.pod(
            f"p{index}",
            labels=labels,
            node=spec["node"],
            ips=_ips(spec["family"], index),
            ready=spec["ready"],
            phase=spec["phase"],
            ports=[CONTAINER_PORTS[i] for i in spec["ports"]],
            hostname=spec["hostname"],
            subdomain=spec["subdomain"],
        )

    def _stored(self) -> JSON | None:
        try:
            return self.kube.get("Endpoints", self.ns, "svc")
        except ApiError as error:
            if error.status == 404:
                return None
            raise

    def _status(self, name: str, **change: Any) -> bool:
        pod = self.world.get_pod(name)
        status = pod.get("status") or {}
        ips = [p["ip"] for p in status.get("podIPs") or []]
        ready = any(c["type"] == "Ready" and c["status"] == "True" for c in status.get("conditions") or [])
        args = {"ips": ips, "ready": ready, "phase": status.get("phase", "Pending")}
        args.update(change)
        self.world.set_pod_status(pod, **args)
        # Upstream syncs on a Pod update only when its readiness, IPs, deletion, labels or
        # hostname changed (podEndpointsChanged): a phase change alone, say Running to Failed
        # with Ready still True, is not seen until something else triggers a sync. But it tells
        # a deletion by comparing the two deletionTimestamp pointers, which differ for any two
        # decoded copies: every update of a terminating Pod counts as a change and syncs (found
        # in CI trial 7: a terminating Pod's phase going to Failed took it out at once).
        # (An update that changes nothing is no write, and no event.)
        terminating = pod["metadata"].get("deletionTimestamp") is not None
        phase_changed = args["phase"] != status.get("phase", "Pending")
        return bool(args["ready"] != ready or args["ips"] != ips or (terminating and phase_changed))

    def apply(self, event: JSON) -> bool:
        """Apply *event*; whether upstream's controller syncs on it."""
        kind = event["kind"]
        pods = {p["metadata"]["name"]: p for p in self.world.pods()}
        names = sorted(pods)
        target = names[event["pod"] % len(names)] if names else None
        if kind == "add":
            index = 100 + len(self.log)
            self._pod(index, event["spec"])
            return True
        if kind in {"service-labels", "publish"}:
            service = self.kube.get("Service", self.ns, "svc")
            if kind == "service-labels":
                if (service["metadata"].get("labels") or {}) == event["labels"]:
                    return False
                service["metadata"]["labels"] = event["labels"]
            else:
                service["spec"]["publishNotReadyAddresses"] = not service["spec"].get("publishNotReadyAddresses", False)
            self.kube.update(service)
            return True
        if target is None:
            return False
        if kind == "ready":
            return self._status(target, ready=event["ready"])
        if kind == "phase":
            return self._status(target, phase=event["phase"])
        if kind == "terminate":
            if pods[target]["metadata"].get("deletionTimestamp"):
                return False
            self.world.terminate_pod(target)
            return True
        if kind == "remove":
            self.world.remove_pod(target)
            return True
        labels = dict(pods[target]["metadata"].get("labels") or {})
        app = "svc" if event["match"] else "other"
        if labels["app"] == app:
            return False
        labels["app"] = app
        self.world.relabel_pod(target, labels)
        return True

    def check(
        self,
        stored_before: JSON | None,
        recorder: Any,
        what: str,
        *,
        synced: bool = True,
        count_writes: bool = True,
        timeout: float = 20,
    ) -> None:
        """Settle, then compare the Endpoints object and (with *count_writes*) the writes with our prediction."""
        before = legacy.load_endpoints(stored_before)
        first_sync = stored_before is None and what.startswith("creating the Service")
        state: dict[str, Any] = {}

        def agreed() -> bool:
            state.clear()  # What this reading found, not an earlier one.
            service = legacy.load_service(self.kube.get("Service", self.ns, "svc"))
            pods = legacy.load_pods(self.world.pods())
            cluster = legacy.load_endpoints(self._stored())
            if synced:
                want, writes = legacy.expected_endpoints(service, pods, before, cluster, first_sync=first_sync)
            else:
                want, writes = legacy.actual_endpoints(before), False
            got = legacy.actual_endpoints(cluster)
            if not synced and before is None and got is not None:
                # Nothing stored yet means every write so far was refused (an unscheduled Pod's
                # empty nodeName), and the controller retries a failed sync with backoff: a retry
                # that lands after this step syncs on it although the step itself triggers none.
                alt, alt_writes = legacy.expected_endpoints(service, pods, before, cluster, first_sync=first_sync)
                if alt == got:
                    want, writes = alt, alt_writes
            if not synced and self.behind and got is not None and want != got:
                # The sync left behind by an earlier add (its status sync, retried with backoff)
                # lands during this step: then the object is what a sync now makes of it.
                alt, alt_writes = legacy.expected_endpoints(service, pods, before, cluster, first_sync=first_sync)
                if alt == got:
                    want, writes = alt, alt_writes
                    state["caught_up"] = True
            if synced and want != got and self.stale and "'add'" in what:
                # The catch-up sync on the new Pod's create may be the last good one (its status
                # sync can fail, as for an unscheduled Pod): the state without the new Pod counts too.
                newest = f"p{100 + len(self.log) - 1}"
                earlier = [p for p in pods if p.metadata.name != newest]
                alt, alt_writes = legacy.expected_endpoints(service, earlier, before, cluster, first_sync=first_sync)
                if alt == got:
                    want, writes = alt, alt_writes
                    state["behind"] = True
            state.update(want=want, got=got, writes=writes, service=service, pods=pods)
            # The object can be read back before its watch event arrives: wait for the events too.
            return want == got and (not count_writes or len(recorder.events) >= int(writes))

        recorder_ok = self.world.settle(agreed, recorder=recorder, quiet=0.5, timeout=timeout)
        events = recorder.take()
        if not recorder_ok:
            self.fail(what, "the Endpoints object differs", state)
        # After a step upstream did not sync on, the stored object may be stale: adding a Pod then
        # syncs twice (on the create, catching up, and on its status), so one more write may come.
        # Removing a Pod syncs on its deletion timestamp first, while the Pod is still listed: a
        # stale object catches up with it (say, a phase change alone made it belong), and the
        # sync on its removal takes it out again, two writes where the states before and after
        # call for none (seen in CI trial 6: Succeeded, then Pending, then removed).
        extra = 0
        if self.stale and what.startswith("step"):
            extra = 1 if "'add'" in what else 2 if "'remove'" in what else 0
        self.stale = not synced
        if state.get("behind"):
            self.behind = True
        elif synced or state.get("caught_up"):
            self.behind = False
        if count_writes and not int(state["writes"]) <= len(events) <= int(state["writes"]) + extra:
            self.fail(what, f"{len(events)} writes ({[e for e, _ in events]}), predicted {int(state['writes'])}", state)

    def fail(self, what: str, problem: str, state: JSON) -> None:
        from endpointslice import io

        def show(x: Any) -> str:
            return "None" if x is None else json.dumps(io.to_dict(x), sort_keys=True)

        raise AssertionError(
            f"{self.ns} after {what}: {problem}\n"
            f"replay: LEGACY_REPLAY='{json.dumps(self.scenario)}' pytest tests/kube/test_legacy_diff.py -k replay\n"
            f"service: {show(state.get('service'))}\n"
            f"pods: {[show(p) for p in (state.get('pods') or [])[:40]]}\n"
            f"want: {show(state.get('want'))}\n"
            f"got:  {show(state.get('got'))}"
        )

    def run(self) -> None:
        self.world.node("n0")
        self.world.node("n1")
        for index, spec in enumerate(self.scenario["pods"]):
            self._pod(index, spec)
        recorder = self.world.recorder("Endpoints")
        try:
            self.world.service(_service_manifest(self.scenario["service"]), labels=self.scenario["service"]["labels"])
            self.check(None, recorder, "creating the Service")
            for step, event in enumerate(self.scenario["events"]):
                before = self._stored()
                try:
                    synced = self.apply(event)
                except ApiError as error:
                    # A change the apiserver refuses (say, a terminal phase going back) changes nothing.
                    if error.status not in (409, 422):
                        raise
                    synced = False
                self.log.append(event["kind"])
                self.check(before, recorder, f"step {step} {event}", synced=synced)
                _count("endpoints_steps")
        finally:
            recorder.close()
        _count("endpoints")


def _run_batch(runs: list[Callable[[], None]]) -> None:
    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        futures = [pool.submit(run) for run in runs]
        errors = [f.exception() for f in futures]
    failures = [e for e in errors if e is not None]
    if failures:
        raise failures[0]


@settings(
    max_examples=EXAMPLES,
    phases=PHASES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(batch=st.lists(endpoint_scenarios, min_size=BATCH, max_size=BATCH))
def test_the_endpoints_controller_writes_what_endpoints_for_service_predicts(
    kube: Kube, fresh_namespace: Callable[[str], str], batch: list[JSON]
) -> None:
    runs = [EndpointsRun(kube, fresh_namespace("leg"), scenario).run for scenario in batch]
    _run_batch(runs)


def test_endpoints_scenarios_ran() -> None:
    # Runs after the property above (same module, in order): the figure the report quotes.
    if not _counts["endpoints"]:
        pytest.skip("the property test did not run in this session")
    print(f"endpoints controller: {_counts['endpoints']} scenarios, {_counts['endpoints_steps']} steps agreed")
    assert _counts["endpoints"] >= TARGET


def test_over_1000_addresses_are_truncated_as_upstream_truncates(
    kube: Kube, fresh_namespace: Callable[[str], str]
) -> None:
    """1,050 Pods in two subsets: not-ready addresses cut first, then ready ones, then back under the cap.

    One seeded case: the layout is chosen so that the shares are uneven and the subset order
    matters (the equivalence of docs/differences.md applies).
    """
    run = EndpointsRun(kube, fresh_namespace("big"), {"service": {}, "pods": [], "events": []})
    world = run.world
    world.node("n0")
    rng = random.Random(1050)  # noqa: S311 - a seeded layout for a test, not a secret
    total = 1050
    # Pods with the "http" container port get both Service ports, the others only "web": two subsets.
    with_http = set(rng.sample(range(total), 430))
    not_ready = set(rng.sample(range(total), 350))

    def make(i: int) -> None:
        world.pod(
            f"p{i}",
            labels={"app": "svc"},
            node="n0",
            ips=[f"10.1.{i // 200}.{i % 200 + 1}"],
            ready=i not in not_ready,
            ports=[CONTAINER_PORTS[0]] if i in with_http else [],
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(make, range(total)))
    recorder = world.recorder("Endpoints")
    try:
        spec = {"kind": "v4", "ports": [0, 1], "unnamed": False, "publish": False, "labels": {}}
        world.service(_service_manifest(spec))
        run.check(None, recorder, "creating the Service (1,050 Pods, 350 not ready)", timeout=60)
        stored = run._stored()
        assert stored is not None
        assert stored["metadata"]["annotations"]["endpoints.kubernetes.io/over-capacity"] == "truncated"
        assert sum(len(s.get("addresses", [])) + len(s.get("notReadyAddresses", [])) for s in stored["subsets"]) == 1000

        # One readiness flip: one write.
        before = run._stored()
        assert run._status("p0" if 0 not in not_ready else "p1", ready=False)
        run.check(before, recorder, "one Pod turning not ready", timeout=60)

        # More than 1000 ready: only ready addresses are kept.
        before = run._stored()
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda i: run._status(f"p{i}", ready=True), sorted(not_ready)))
        run.check(before, recorder, "350 Pods turning ready", count_writes=False, timeout=60)

        # A change that leaves the addresses as they are: upstream writes again while over
        # capacity, and the apiserver turns the identical object into a no-op (no event).
        before = run._stored()
        world.relabel_pod("p5", {"app": "svc", "other": "x"})
        run.check(before, recorder, "relabelling a Pod without moving it", timeout=60)

        # Back under the cap (an address counts once per subset it is in, and the Pods with
        # "http" are in both): everything is written and the annotation goes.
        before = run._stored()
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda i: world.remove_pod(f"p{i}"), range(500)))
        run.check(before, recorder, "removing 500 Pods", count_writes=False, timeout=60)
        stored = run._stored()
        assert stored is not None
        assert "endpoints.kubernetes.io/over-capacity" not in (stored["metadata"].get("annotations") or {})
    finally:
        recorder.close()


# ---------------------------------------------------------------------------
# The mirroring controller.

# Addresses valid in an Endpoints object: both families, and IPv6 spelled as the mirroring
# controller must canonicalise it.
MIRROR_IPS = ("10.1.0.1", "10.1.0.2", "10.1.0.10", "10.1.0.3", "fd00::1", "FD00::0A", "fd00:0:0::b", "10.1.0.4")
MIRROR_PORTS = (
    {"name": "http", "port": 80, "protocol": "TCP"},
    {"name": "http", "port": 80},
    {"name": "dns", "port": 53, "protocol": "UDP"},
    {"name": "grpc", "port": 9000, "protocol": "TCP", "appProtocol": "kubernetes.io/h2c"},
    {"name": "", "port": 8080, "protocol": "SCTP"},
)
MIRROR_LABELS: tuple[dict[str, str], ...] = (
    {},
    {"team": "a"},
    {LABEL_SKIP_MIRROR: "true"},
    {LABEL_SKIP_MIRROR: "false", "team": "b"},
    {"kubernetes.io/service-name": "other"},
    {"endpointslice.kubernetes.io/managed-by": "someone"},
)
MIRROR_ANNOTATIONS: tuple[dict[str, str], ...] = (
    {},
    {"note": "x"},
    {"kubectl.kubernetes.io/last-applied-configuration": "{}", "note": "y"},
    {"endpoints.kubernetes.io/last-change-trigger-time": "2020-01-01T00:00:00Z"},
    {"control-plane.alpha.kubernetes.io/leader": "{}"},
)


@st.composite
def mirror_addresses(draw: st.DrawFn) -> JSON:
    address: JSON = {"ip": draw(st.sampled_from(MIRROR_IPS))}
    if draw(st.booleans()):
        address["nodeName"] = draw(st.sampled_from(("node-a", "node-b")))
    if draw(st.booleans()):
        address["hostname"] = draw(st.sampled_from(("h0", "h1")))
    if draw(st.booleans()):
        address["targetRef"] = {"kind": "Pod", "name": draw(st.sampled_from(("a", "b"))), "namespace": "x"}
    return address


@st.composite
def mirror_subsets(draw: st.DrawFn) -> JSON:
    chosen = draw(st.lists(st.integers(0, len(MIRROR_PORTS) - 1), min_size=1, max_size=2, unique=True))
    ports = [dict(MIRROR_PORTS[i]) for i in chosen]
    names = [p["name"] for p in ports]
    if len(ports) == 2 and ("" in names or len(set(names)) < 2):
        # Two ports in a subset need two distinct names.
        ports = ports[:1]
    if len(ports) == 1 and draw(st.booleans()):
        ports[0].pop("name")
    subset: JSON = {"ports": ports}
    ready = draw(st.lists(mirror_addresses(), max_size=4))
    not_ready = draw(st.lists(mirror_addresses(), max_size=3))
    if not ready and not not_ready:
        # A subset needs an address (Required value otherwise).
        ready = [draw(mirror_addresses())]
    if ready:
        subset["addresses"] = ready
    if not_ready:
        subset["notReadyAddresses"] = not_ready
    return subset


@st.composite
def mirror_endpoints(draw: st.DrawFn) -> JSON:
    return {
        "labels": draw(st.sampled_from(MIRROR_LABELS)),
        "annotations": draw(st.sampled_from(MIRROR_ANNOTATIONS)),
        "subsets": draw(st.lists(mirror_subsets(), max_size=3)),
    }


MIRROR_EVENTS = ("update", "update", "update", "labels", "service-delete", "service-create")


@st.composite
def mirror_events(draw: st.DrawFn) -> JSON:
    kind = draw(st.sampled_from(MIRROR_EVENTS))
    event: JSON = {"kind": kind}
    if kind == "update":
        event["endpoints"] = draw(mirror_endpoints())
    elif kind == "labels":
        event["labels"] = draw(st.sampled_from(MIRROR_LABELS))
    return event


mirror_scenarios = st.fixed_dictionaries(
    {
        "headless": st.booleans(),
        "endpoints": mirror_endpoints(),
        "events": st.lists(mirror_events(), min_size=2, max_size=5),
    }
)


class _UpstreamBugError(Exception):
    """A step where upstream's recycling bug can strike: the scenario stops there."""


class MirrorRun:
    """One mirroring scenario: a selectorless Service and its hand-written Endpoints."""

    def __init__(self, kube: Kube, namespace: str, scenario: JSON) -> None:
        self.world = World(kube, namespace)
        self.kube = kube
        self.ns = namespace
        self.scenario = scenario
        self.had_own_labels = False

    def _service(self) -> None:
        spec: JSON = {"ports": [{"port": 80}]}
        if self.scenario["headless"]:
            spec["clusterIP"] = "None"
        self.world.service(spec)

    def _endpoints_manifest(self, spec: JSON) -> JSON:
        meta: JSON = {"name": "svc", "namespace": self.ns}
        if spec["labels"]:
            meta["labels"] = spec["labels"]
        if spec["annotations"]:
            meta["annotations"] = spec["annotations"]
        subsets = json.loads(json.dumps(spec["subsets"]).replace('"namespace": "x"', f'"namespace": "{self.ns}"'))
        return {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta, "subsets": subsets}

    def _get(self, kind: str) -> JSON | None:
        try:
            return self.kube.get(kind, self.ns, "svc")
        except ApiError as error:
            if error.status == 404:
                return None
            raise

    def _mirrored(self) -> list[Any]:
        slices = legacy.load_slices(self.world.slices())
        return [s for s in slices if s.metadata.label(LABEL_MANAGED_BY) == MIRRORING_CONTROLLER_NAME]

    def apply(self, event: JSON) -> None:
        kind = event["kind"]
        if kind == "update":
            current = self._get("Endpoints")
            manifest = self._endpoints_manifest(event["endpoints"])
            if current is None:
                # Deleting the Service deleted it too (the Endpoints controller does, selector or not).
                self.kube.create(manifest)
            else:
                manifest["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
                self.kube.update(manifest)
        elif kind == "labels":
            current = self._get("Endpoints")
            if current is not None:
                current["metadata"]["labels"] = event["labels"]
                self.kube.update(current)
        elif kind == "service-delete":
            if self._get("Service") is not None:
                self.kube.delete("Service", self.ns, "svc")
        elif kind == "service-create" and self._get("Service") is None:
            self._service()

    def check(self, before: list[Any], recorder: Any, what: str) -> None:
        state: dict[str, Any] = {}

        def agreed() -> bool:
            endpoints = legacy.load_endpoints(self._get("Endpoints"))
            service_json = self._get("Service")
            service = None if service_json is None else legacy.load_service(service_json)
            if endpoints is None:
                # The Endpoints object is gone: the controller deletes every slice it mirrored.
                after: list[Any] = []
                writes, bug = {"ADDED": 0, "MODIFIED": 0, "DELETED": len(before)}, False
            else:
                after, writes, bug = legacy.expected_mirror(endpoints, service, before)
            if bug:
                state["bug"] = True
                return True
            got = self._mirrored()
            state.update(
                endpoints=endpoints,
                want=legacy.mirrored_state(after),
                got=legacy.mirrored_state(got),
                writes=writes,
                prefix_ok=all((s.metadata.name or "").startswith("svc-") for s in got),
            )
            # The slices can be read back before their watch events arrive: wait for the events too.
            same = state["want"] == state["got"]
            loose = legacy.ambiguous_keys(endpoints)
            if not same:
                same = bool(loose) and legacy.loosened(state["want"], loose) == legacy.loosened(state["got"], loose)
            # Where upstream keeps a duplicate by hash order, whether it rewrites a slice is its own
            # (see below): wait for the creates and deletes only, not for updates it may not make.
            needed = writes["ADDED"] + writes["DELETED"] if loose else sum(writes.values())
            state["loose_agreed"] = bool(loose) and same and len(recorder.events) >= needed
            return same and len(recorder.events) >= needed

        settled = self.world.settle(agreed, recorder=recorder, quiet=0.5, timeout=20)
        if state.get("bug"):
            # Upstream's recycling bug may strike (legacy.expected_mirror): its result is not
            # compared, and the scenario ends here, since its retries go on in the background.
            _count("mirror_bug_steps")
            raise _UpstreamBugError
        events = recorder.take()
        counted = {kind: sum(1 for e, _ in events if e == kind) for kind in ("ADDED", "MODIFIED", "DELETED")}
        # Upstream's extra rewrites for an Endpoints object with the controller's labels can still
        # come in the next step, so the tolerance covers that one too.
        had_own_labels, self.had_own_labels = (
            self.had_own_labels,
            legacy.own_labels_on_endpoints(state.get("endpoints")),
        )
        if not settled and state.get("loose_agreed"):
            # Agreed up to the duplicate upstream keeps by hash order, but the slices' watch did not
            # go quiet before the timeout. Seen once, under load (CI trial 4); its cause was not
            # found, and the writes are still checked below. Counted, and printed at the end.
            _count("mirror_ambiguous_unquiet")
        elif not settled:
            self.fail(what, "the mirrored slices differ", state)
        want = state["writes"]
        if legacy.ambiguous_keys(state.get("endpoints")):
            # Which duplicate upstream kept decides whether it rewrites a slice: updates are its own.
            if (counted["ADDED"], counted["DELETED"]) != (want["ADDED"], want["DELETED"]):
                self.fail(what, f"writes {counted}, predicted {want} (updates: any)", state)
        elif legacy.own_labels_on_endpoints(state.get("endpoints")) or had_own_labels:
            same = counted["ADDED"] == want["ADDED"] and counted["DELETED"] == want["DELETED"]
            if not same or counted["MODIFIED"] < want["MODIFIED"]:
                self.fail(what, f"writes {counted}, predicted {want} (updates: at least)", state)
        elif counted != want:
            seen = [(e, o["metadata"]["name"], o["metadata"].get("deletionTimestamp")) for e, o in events]
            self.fail(what, f"writes {counted}, predicted {want}: {seen}", state)
        if not state["prefix_ok"]:
            self.fail(what, "a mirrored slice is not named svc-<random>", state)

    def fail(self, what: str, problem: str, state: JSON) -> None:
        from endpointslice import io

        endpoints = state.get("endpoints")
        raise AssertionError(
            f"{self.ns} after {what}: {problem}\n"
            f"replay: LEGACY_REPLAY='{json.dumps(self.scenario)}' pytest tests/kube/test_legacy_diff.py -k replay\n"
            f"endpoints: {None if endpoints is None else json.dumps(io.to_dict(endpoints), sort_keys=True)}\n"
            f"want: {json.dumps({str(k): v for k, v in (state.get('want') or {}).items()}, sort_keys=True)}\n"
            f"got:  {json.dumps({str(k): v for k, v in (state.get('got') or {}).items()}, sort_keys=True)}"
        )

    def run(self) -> None:
        recorder = self.world.recorder("EndpointSlice")
        try:
            self._service()
            self.kube.create(self._endpoints_manifest(self.scenario["endpoints"]))
            self.check([], recorder, "creating the Endpoints")
            _count("mirror_steps")
            for step, event in enumerate(self.scenario["events"]):
                before = self._mirrored()
                try:
                    self.apply(event)
                except ApiError as error:
                    if error.status not in (409, 422):
                        raise
                self.check(before, recorder, f"step {step} {event}")
                _count("mirror_steps")
        except _UpstreamBugError:
            pass
        finally:
            recorder.close()
        _count("mirror")


@settings(
    max_examples=EXAMPLES,
    phases=PHASES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(batch=st.lists(mirror_scenarios, min_size=BATCH, max_size=BATCH))
def test_the_mirroring_controller_writes_what_mirror_predicts(
    kube: Kube, fresh_namespace: Callable[[str], str], batch: list[JSON]
) -> None:
    _run_batch([MirrorRun(kube, fresh_namespace("mir"), scenario).run for scenario in batch])


def test_mirror_scenarios_ran() -> None:
    if not _counts["mirror"]:
        pytest.skip("the property test did not run in this session")
    print(
        f"mirroring controller: {_counts['mirror']} scenarios, {_counts['mirror_steps']} steps agreed, "
        f"{_counts['mirror_bug_steps']} scenarios ended early where upstream's recycling bug could strike, "
        f"{_counts['mirror_ambiguous_unquiet']} steps with duplicates kept by hash order agreed without going quiet"
    )
    assert _counts["mirror"] >= TARGET


@pytest.mark.skipif("LEGACY_REPLAY" not in os.environ, reason="set LEGACY_REPLAY to a scenario's JSON to replay it")
def test_replay_one_scenario(kube: Kube, fresh_namespace: Callable[[str], str]) -> None:
    """Replay one scenario as a failure printed it: ``LEGACY_REPLAY='{"service": ...}' pytest -k replay``."""
    scenario = json.loads(os.environ["LEGACY_REPLAY"])
    run = MirrorRun if "headless" in scenario else EndpointsRun
    run(kube, fresh_namespace("replay"), scenario).run()
