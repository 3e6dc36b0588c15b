"""Rendering differential: our ``get`` against kubectl 1.37.2, byte for byte, on objects a real apiserver returned.

kubectl is the oracle. For each batch of objects, created in a namespace of their own and read
back from the apiserver, we compare:

* ``-o yaml`` and ``-o json`` of the whole namespace (kubectl's ``kind: List`` wrapper), with our
  ``get`` fed (a) the apiserver's list JSON exactly as it was received, managedFields and all,
  and (b) the JSON kubectl itself printed;
* ``-o yaml`` and ``-o json`` of one object, fed the apiserver's answer to a GET of that object;
* the table and the ``-o wide`` table, which the apiserver prints server-side for kubectl.

Ages. The apiserver measures AGE against its clock when it answers; creation timestamps have
whole seconds, so every AGE cell changes only when the clock passes a whole second. We read the
clock just before and just after the kubectl call (same machine, same clock) and render ours
with ``--now`` at both moments. A call lasts well under a second, so at most one whole second
lies between the two readings, and each kind's table (kubectl asks for each kind in a request
of its own) is one of our two renderings of that kind: if they agree the comparison is exact,
and if they differ kubectl's must equal one of them.

Stability. The controllers keep writing for a moment after a batch is created (slices and
Endpoints for Services with selectors, mirrored slices). Each comparison reads the objects'
(kind, name, resourceVersion) before and after every kubectl call; resourceVersions only grow,
so equal readings mean every call saw the same objects. If not, the round is repeated.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import io
import ipaddress
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest
from go_key_order import keys_have_one_order
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from endpointslice import FrozenDict, Service, strategies
from endpointslice import io as es_io
from endpointslice._cli import main
from endpointslice.enums import IPFamily, ServiceType
from kube.api import ApiError, Kube, path
from kube.cluster import ControlPlane
from kube.world import World

PLURAL = {"EndpointSlice": "endpointslices", "Endpoints": "endpoints", "Service": "services"}
KINDS = tuple(PLURAL)
CI = os.environ.get("HYPOTHESIS_PROFILE") in ("ci", "explore")
# Batches per run: each sends about a dozen objects (and what the controllers make of them)
# through both renderers in every format, at about 2-3 s a batch on the 2-core machines.
BATCHES = 34 if CI else 6
# What a CI run must have compared, at least: several hundred objects.
CI_MIN_OBJECTS = 300


@attrs.define
class Tally:
    """What went through both renderers, to print and check at the end."""

    batches: int = 0
    # (namespace, kind, name, resourceVersion) of every object compared.
    seen: set[tuple[str, str, str, str]] = attrs.field(factory=set)
    comparisons: int = 0
    refused: list[str] = attrs.field(factory=list)
    rounds_repeated: int = 0

    @property
    def objects(self) -> int:
        return len(self.seen)

    def by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _, kind, _, _ in self.seen:
            counts[kind] = counts.get(kind, 0) + 1
        return counts


class Kubectl:
    def __init__(self, plane: ControlPlane, cache: Path) -> None:
        self.binary = str(Path(plane.bin_dir) / "kubectl")
        self.kubeconfig = str(plane.kubeconfig)
        self.cache = str(cache)

    def __call__(self, namespace: str, *args: str) -> str:
        done = subprocess.run(
            [self.binary, "--kubeconfig", self.kubeconfig, "--cache-dir", self.cache, "-n", namespace, *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"kubectl {' '.join(args)} failed: {done.stderr}"
        return done.stdout


def ours(*argv: str, stdin: bytes | None = None) -> str:
    """Our CLI, in this process; it must succeed and say nothing on standard error."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv))
    finally:
        sys.stdin = saved
    assert (code, err.getvalue()) == (0, ""), f"endpointslice {' '.join(argv)}: exit {code}: {err.getvalue()}"
    return out.getvalue()


def same(theirs: str, mine: str, what: str) -> None:
    if theirs != mine:
        diff = "".join(difflib.unified_diff(theirs.splitlines(True), mine.splitlines(True), "kubectl", "ours"))
        raise AssertionError(f"{what}: our output differs from kubectl's\n{diff}")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()


# ---------------------------------------------------------------------------------------------
# One namespace, compared in every format


class Comparer:
    def __init__(self, kube: Kube, kubectl: Kubectl, workdir: Path, tally: Tally) -> None:
        self.kube = kube
        self.kubectl = kubectl
        self.workdir = workdir
        self.tally = tally

    def _raw_lists(self, namespace: str, kinds: Sequence[str]) -> list[bytes]:
        lists = []
        for kind in kinds:
            status, body = self.kube.raw("GET", path(kind, namespace))
            assert status == 200, body
            lists.append(body)
        return lists

    @staticmethod
    def _versions(lists: Sequence[bytes]) -> list[tuple[str, str]]:
        return [
            (item["metadata"]["name"], item["metadata"]["resourceVersion"])
            for body in lists
            for item in json.loads(body)["items"]
        ]

    def namespace(self, namespace: str, kinds: Sequence[str], singles: Callable[[list[Any]], Sequence[int]]) -> int:
        """Compare every rendering of *kinds* in *namespace*; the number of objects compared."""
        for _ in range(10):
            compared = self._round(namespace, kinds, singles)
            if compared is not None:
                return compared
            self.tally.rounds_repeated += 1
            time.sleep(0.3)
        raise AssertionError(f"namespace {namespace} never held still for one round of kubectl calls")

    def _round(self, namespace: str, kinds: Sequence[str], singles: Callable[[list[Any]], Sequence[int]]) -> int | None:
        resources = ",".join(PLURAL[k] for k in kinds)
        lists = self._raw_lists(namespace, kinds)
        before = self._versions(lists)
        raw_files = []
        for kind, body in zip(kinds, lists, strict=True):
            # Exactly the bytes the apiserver sent: a typed list, items without kind, managedFields.
            raw = self.workdir / f"{namespace}-{PLURAL[kind]}.json"
            raw.write_bytes(body)
            raw_files.append(str(raw))
        outputs: dict[str, str] = {}
        for fmt in ("json", "yaml"):
            outputs[fmt] = self.kubectl(namespace, "get", resources, "-o", fmt)
        tables: dict[str, tuple[str, str, str]] = {}
        for wide in ("", "wide"):
            start = _now()
            table = self.kubectl(namespace, "get", resources, *(["-o", wide] if wide else []))
            tables[wide] = (start, table, _now())
        picked: list[tuple[str, str, bytes, dict[str, str]]] = []
        items = json.loads(outputs["json"])["items"]
        for index in singles(items) if items else ():
            kind, name = items[index]["kind"], items[index]["metadata"]["name"]
            status, body = self.kube.raw("GET", path(kind, namespace, name))
            assert status == 200, body
            alone = {f: self.kubectl(namespace, "get", PLURAL[kind], name, "-o", f) for f in ("json", "yaml")}
            picked.append((kind, name, body, alone))
        if self._versions(self._raw_lists(namespace, kinds)) != before:
            return None

        # The whole namespace, -o json and -o yaml, from the apiserver's bytes and from kubectl's
        # JSON. `kubectl get RESOURCE` always prints a List, as `kubectl get -f -` does even for one
        # object, so ours reads the first list from standard input (the others from files, in order).
        for fmt in ("json", "yaml"):
            same(
                outputs[fmt],
                ours("get", "-o", fmt, "-", *raw_files[1:], stdin=lists[0]),
                f"get {resources} -o {fmt} (apiserver JSON) in {namespace}",
            )
            same(
                outputs[fmt],
                ours("get", "-o", fmt, "-", stdin=outputs["json"].encode()),
                f"get {resources} -o {fmt} (kubectl JSON) in {namespace}",
            )
            self.tally.comparisons += 2
        # Tables: kubectl asks for each kind's table in a request of its own, so each kind's table
        # (kubectl separates them with a blank line) must be ours at the moment just before or
        # just after the call; kinds may fall on different sides of a whole second.
        for wide, (start, table, end) in tables.items():
            options = ["-o", wide] if wide else []
            if not items:
                assert table == "", table
                continue
            at_start = ours("get", *options, "--now", start, *raw_files).split("\n\n")
            at_end = ours("get", *options, "--now", end, *raw_files).split("\n\n")
            theirs = table.split("\n\n")
            assert len(theirs) == len(at_start) == len(at_end), table
            for kubectls, early, late in zip(theirs, at_start, at_end, strict=True):
                if kubectls != early:
                    same(kubectls, late, f"get {resources} {' '.join(options)} in {namespace}")
            self.tally.comparisons += 1
        # One object alone, from the apiserver's answer to a GET of it.
        for kind, name, body, alone in picked:
            one = self.workdir / f"{namespace}-{kind}-{name}.json"
            one.write_bytes(body)
            for fmt in ("json", "yaml"):
                same(alone[fmt], ours("get", "-o", fmt, str(one)), f"get {PLURAL[kind]} {name} -o {fmt} in {namespace}")
                self.tally.comparisons += 1
        for item in items:
            meta = item["metadata"]
            self.tally.seen.add((namespace, item["kind"], meta["name"], meta["resourceVersion"]))
        return len(items)


@pytest.fixture(scope="module")
def tally() -> Iterator[Tally]:
    counts = Tally()
    yield counts
    print(
        f"\nrendering differential: {counts.batches} batches, {counts.objects} objects "
        f"({', '.join(f'{n} {k}' for k, n in sorted(counts.by_kind().items()))}), "
        f"{counts.comparisons} byte comparisons with kubectl, {len(counts.refused)} generated objects refused, "
        f"{counts.rounds_repeated} rounds repeated while the controllers wrote"
    )


@pytest.fixture(scope="module")
def comparer(
    kube: Kube, control_plane: ControlPlane, tmp_path_factory: pytest.TempPathFactory, tally: Tally
) -> Comparer:
    work = tmp_path_factory.mktemp("rendering")
    return Comparer(kube, Kubectl(control_plane, work / "kubectl-cache"), work, tally)


# ---------------------------------------------------------------------------------------------
# Hand-written and controller-made objects with every field


def test_controller_made_and_hand_made_objects_render_as_kubectl_renders_them(
    kube: Kube, fresh_namespace: Any, comparer: Comparer
) -> None:
    ns = fresh_namespace("render")
    world = World(kube, ns)
    world.node("a", zone="zone-a")
    world.node("b", zone="zone-b", cpu="2")
    selector = {"app": "web"}
    for i in range(5):
        world.pod(
            f"web-{i}",
            labels=selector,
            node="a" if i % 2 else "b",
            ips=[f"10.244.0.{i + 1}", f"fd00:244::{i + 1}"] if i != 4 else [f"10.244.0.{i + 1}"],
            ready=i != 3,
            ports=[{"name": "http", "containerPort": 8080}, {"name": "dns", "containerPort": 53, "protocol": "UDP"}],
            hostname=f"web-{i}",
            subdomain="headless",
        )
    world.terminate_pod("web-2")
    two_ports = [
        {"name": "http", "port": 80, "targetPort": "http", "appProtocol": "http"},
        {"name": "dns", "port": 53, "targetPort": "dns", "protocol": "UDP"},
    ]
    world.service({"selector": selector, "ports": two_ports}, name="web")
    world.service(
        {
            "selector": selector,
            "ports": [{"port": 80}],
            "ipFamilyPolicy": "RequireDualStack",
            "ipFamilies": ["IPv6", "IPv4"],
            "trafficDistribution": "PreferClose",
        },
        name="dual",
    )
    world.service({"selector": selector, "clusterIP": "None", "publishNotReadyAddresses": True}, name="headless")
    world.service({"type": "NodePort", "selector": selector, "ports": [{"port": 8080, "protocol": "SCTP"}]}, name="np")
    world.service({"type": "ExternalName", "externalName": "db.example.com", "ports": [{"port": 5432}]}, name="ext")
    lb = world.service(
        {
            "type": "LoadBalancer",
            "selector": selector,
            "ports": [{"port": 443}],
            "externalIPs": ["192.0.2.7"],
            "externalTrafficPolicy": "Local",
            "sessionAffinity": "ClientIP",
        },
        name="lb",
        labels={"tier": "edge"},
    )
    lb["status"] = {
        "loadBalancer": {
            "ingress": [
                {"ip": "203.0.113.9", "ipMode": "Proxy", "ports": [{"port": 443, "protocol": "TCP"}]},
                {"hostname": "a-very-long-load-balancer-name.elb.example.com"},
                {"ip": "198.51.100.1"},
            ]
        }
    }
    kube.update(lb, sub="status")
    # A selectorless Service and its Endpoints: the mirroring controller makes a slice of them.
    world.service({"ports": [{"name": "pg", "port": 5432}]}, name="mirrored")
    kube.create(
        {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {"name": "mirrored", "namespace": ns, "labels": {"team": "db"}},
            "subsets": [
                {
                    "addresses": [{"ip": "192.0.2.10", "hostname": "pg-0", "nodeName": f"{ns}-a"}],
                    "notReadyAddresses": [{"ip": "192.0.2.11"}],
                    "ports": [{"name": "pg", "port": 5432, "appProtocol": "postgresql"}],
                }
            ],
        }
    )
    kube.create(
        {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {
                "name": "big",
                "namespace": ns,
                "annotations": {"endpoints.kubernetes.io/over-capacity": "truncated"},
            },
            "subsets": [
                {
                    "addresses": [{"ip": f"10.9.0.{i}"} for i in range(1, 6)],
                    "ports": [{"name": "u", "port": 1, "protocol": "UDP"}, {"name": "x", "port": 2}],
                },
                {"addresses": [{"ip": "fd00:9::1"}], "ports": [{"port": 3}]},
            ],
        }
    )
    kube.create(
        {
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "metadata": {"name": "every-field", "namespace": ns, "labels": {"kubernetes.io/service-name": "x"}},
            "addressType": "IPv6",
            "endpoints": [
                {
                    "addresses": ["fd00::1", "fd00::2"],
                    "conditions": {"ready": False, "serving": True, "terminating": True},
                    "hostname": "h-1",
                    "nodeName": "node-1",
                    "zone": "zone-a",
                    "hints": {"forZones": [{"name": "zone-a"}], "forNodes": [{"name": "node-1"}]},
                    "targetRef": {
                        "kind": "Pod",
                        "name": "p",
                        "namespace": ns,
                        "uid": "0b5bd2b5-0e35-4d0f-9a0e-2c3c1e0f3d2a",
                    },
                    "deprecatedTopology": {"topology.kubernetes.io/region": "r1"},
                },
                {"addresses": ["fd00::3"]},
            ],
            "ports": [
                {"name": "h2", "port": 8443, "protocol": "TCP", "appProtocol": "kubernetes.io/h2c"},
                {"name": "sctp", "port": 9, "protocol": "SCTP"},
                {"name": "unset"},
                {"name": "a", "port": 1},
                {"name": "b", "port": 2},
            ],
        }
    )
    kube.create(
        {
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "metadata": {"name": "fqdn", "namespace": ns},
            "addressType": "FQDN",
            "endpoints": [{"addresses": ["db.example.com"], "conditions": {"ready": True}}],
            "ports": None,
        }
    )
    # Wait for the controllers: every selector Service has its slices and Endpoints.
    wanted = {"web", "dual", "headless", "np", "lb"}
    world.settle(
        lambda: (
            wanted <= {s["metadata"].get("labels", {}).get("kubernetes.io/service-name") for s in world.slices()}
            and wanted <= {e["metadata"]["name"] for e in world.endpoints()}
        ),
        timeout=30,
    )
    # Every kind together, each kind alone, and every object alone.
    assert comparer.namespace(ns, KINDS, singles=lambda items: ()) >= 15
    for kind in KINDS:
        comparer.namespace(ns, (kind,), singles=lambda items: range(len(items)))


# ---------------------------------------------------------------------------------------------
# Random batches from endpointslice.strategies


_SERVER_SET = (
    "uid",
    "resource_version",
    "generation",
    "creation_timestamp",
    "deletion_timestamp",
    "deletion_grace_period_seconds",
    "managed_fields",
    "self_link",
)


def _for_create(obj: Any, namespace: str) -> dict[str, Any]:
    """The object as a client would send it: no server-set metadata, in *namespace*."""
    meta = attrs.evolve(obj.metadata, namespace=namespace, **dict.fromkeys(_SERVER_SET))
    obj = attrs.evolve(obj, metadata=meta)
    if isinstance(obj, Service):
        spec = obj.spec
        headless = spec.cluster_ip == "None"
        # Allocated values would collide between batches: the apiserver allocates them itself.
        ports = spec.ports and tuple(attrs.evolve(p, node_port=None) for p in spec.ports)
        spec = attrs.evolve(
            spec,
            ports=ports,
            cluster_ip="None" if headless else None,
            cluster_ips=("None",) if headless else None,
            health_check_node_port=None,
        )
        obj = attrs.evolve(obj, spec=spec)
    data = es_io.to_dict(obj)
    data.pop("status", None)
    return data


def _unique_names(objects: list[Any]) -> list[Any]:
    seen: set[str | None] = set()
    kept = []
    for obj in objects:
        name = obj.metadata.name
        if name is None or name not in seen:
            seen.add(name)
            kept.append(obj)
    return kept


# Annotation values reach the YAML and JSON emitters unchanged: every printable character, line
# breaks, and the spellings YAML reads as other types. Left out: DEL, the C1 controls other than
# NEL, U+FFFE and U+FFFF, on which kubectl fails (docs/differences.md), and surrogates, which are
# not UTF-8.
_KUBECTL_FAILS = "\x7f" + "".join(chr(c) for c in range(0x80, 0xA0) if c != 0x85) + "\ufffe\uffff"
_TRICKY = [
    "",
    " ",
    "yes",
    "No",
    "on",
    "~",
    "null",
    "0x1F",
    "0o17",
    "1e3",
    ".5",
    "+1",
    "12:30:45",
    "2026-01-01",
    "- a",
    "a: b",
    "#x",
    "x #y",
    "'q'",
    '"q"',
    "a\nb",
    "a\n",
    "\n",
    " lead",
    "trail ",
    "tab\tx",
    "<&>",
    "\u2028",
    "\x85",
    "é",
    "\U0001f600",
    "@x",
    "`x",
    "%x",
    "!x",
    "&x",
    "*x",
    "|",
    ">",
    "?",
    "[a]",
    "{a}",
    "word " * 30,
    "a,b" * 50,
    "x" * 200,
]
annotation_values = st.one_of(
    st.sampled_from(_TRICKY),
    st.text(st.characters(codec="utf-8", exclude_characters=_KUBECTL_FAILS), max_size=120),
    st.lists(st.sampled_from(_TRICKY), max_size=6).map(" ".join),
)
annotation_maps = st.dictionaries(
    st.sampled_from(["note", "example.com/a", "example.com/b-c", "x.example.com/0"]), annotation_values, max_size=3
)


def _annotated(obj: Any, extra: dict[str, str]) -> Any:
    if not extra:
        return obj
    merged = {**(obj.metadata.annotations or {}), **extra}
    return attrs.evolve(obj, metadata=attrs.evolve(obj.metadata, annotations=FrozenDict(merged)))


@st.composite
def batches(draw: st.DrawFn) -> dict[str, Any]:
    services = _unique_names(draw(st.lists(strategies.services(max_ports=3), min_size=1, max_size=5)))
    slices = _unique_names(draw(st.lists(strategies.endpoint_slices(max_endpoints=5), min_size=3, max_size=10)))
    endpoints = _unique_names(draw(st.lists(strategies.endpoints_objects(max_subsets=3), min_size=1, max_size=5)))
    # Pods for the Services with selectors, so that the controllers write slices with endpoints.
    selected = [s for s in services if s.spec.selector]
    pods = []
    for i in range(draw(st.integers(0, 4)) if selected else 0):
        target = draw(st.sampled_from(selected))
        families = draw(st.sampled_from([(IPFamily.IPV4,), (IPFamily.IPV6,), (IPFamily.IPV4, IPFamily.IPV6)]))
        ips = [
            str(ipaddress.ip_address("10.244.0.10") + i) if f is IPFamily.IPV4 else f"fd00:244::{i + 10:x}"
            for f in families
        ]
        pods.append(
            {"labels": dict(target.spec.selector), "ips": ips, "ready": draw(st.booleans()), "name": f"pod-{i}"}
        )
    ingress = {
        s.metadata.name: es_io.to_dict(s)["status"]
        for s in services
        if s.spec.type is ServiceType.LOAD_BALANCER and s.status.load_balancer.ingress and s.metadata.name
    }
    services, slices, endpoints = (
        [_annotated(o, draw(annotation_maps)) for o in group] for group in (services, slices, endpoints)
    )
    return {
        "kinds": draw(
            st.sampled_from([KINDS, ("EndpointSlice",), ("Endpoints",), ("Service",), ("Service", "Endpoints")])
        ),
        "objects": [*services, *slices, *endpoints],
        "pods": pods,
        "ingress": ingress,
    }


def test_random_objects_render_as_kubectl_renders_them(kube: Kube, fresh_namespace: Any, comparer: Comparer) -> None:
    tally = comparer.tally

    @settings(
        max_examples=BATCHES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(batch=batches(), pick=st.integers(0, 1000))
    def compare(batch: dict[str, Any], pick: int) -> None:
        # Keys go-yaml cannot order (docs/differences.md) print in an order kubectl changes from
        # run to run: nothing to compare with. Found by this test (CI trial 8, annotation keys).
        assume(all(keys_have_one_order(es_io.to_dict(o)) for o in batch["objects"]))
        ns = fresh_namespace("render")
        world = World(kube, ns)
        if batch["pods"]:
            world.node("n", zone="zone-a")
        for pod in batch["pods"]:
            world.pod(pod["name"], labels=pod["labels"], node="n", ips=pod["ips"], ready=pod["ready"])
        for obj in batch["objects"]:
            try:
                created = kube.create(_for_create(obj, ns))
            except ApiError as error:
                # The validation suite holds the strategies to the apiserver; here a refusal
                # only means one object fewer to render.
                tally.refused.append(error.message)
                continue
            status = batch["ingress"].get(created["metadata"]["name"]) if created["kind"] == "Service" else None
            if status is not None:
                created["status"] = status
                with contextlib.suppress(ApiError):
                    kube.update(created, sub="status")
        tally.batches += 1
        comparer.namespace(ns, KINDS, singles=lambda items: [pick % len(items)])
        if batch["kinds"] != KINDS:
            # Fewer kinds: one table without the kind prefix, or two tables with it.
            comparer.namespace(ns, batch["kinds"], singles=lambda items: ())

    compare()
    if CI:
        assert tally.objects >= CI_MIN_OBJECTS, f"only {tally.objects} objects compared"


# ---------------------------------------------------------------------------------------------
# Where kubectl itself fails (docs/differences.md): we escape, kubectl refuses to print


@pytest.mark.parametrize(
    ("value", "printed"), [("a\x7fb", '"a\\x7Fb"'), ("a\x80b", '"a\\x80b"'), ("a\ufffeb", '"a\\uFFFEb"')]
)
def test_kubectl_cannot_print_what_we_print_escaped(
    value: str, printed: str, kube: Kube, fresh_namespace: Any, comparer: Comparer
) -> None:
    ns = fresh_namespace("render")
    kube.create(
        {
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "metadata": {"name": "s", "namespace": ns, "annotations": {"note": value}},
            "addressType": "IPv4",
            "endpoints": [],
        }
    )
    kubectl = comparer.kubectl
    done = subprocess.run(
        [kubectl.binary, "--kubeconfig", kubectl.kubeconfig, "--cache-dir", kubectl.cache, "-n", ns]
        + ["get", "endpointslice", "s", "-o", "yaml"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "control characters are not allowed" in done.stderr
    _, body = kube.raw("GET", path("EndpointSlice", ns, "s"))
    one = comparer.workdir / f"{ns}-s.json"
    one.write_bytes(body)
    assert f"    note: {printed}\n" in ours("get", "-o", "yaml", str(one))
