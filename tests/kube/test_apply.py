"""`endpointslice.apply` and ``endpointslice apply`` against the real kube-apiserver 1.37.2.

Every case has a namespace of its own and a selectorless Service, so the EndpointSlice
controller leaves its slices to us; the slices carry our own ``managed-by`` value.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lightkube
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kubernetes import config as kube_config
from lightkube.config.kubeconfig import KubeConfig

from endpointslice import Endpoint, EndpointConditions
from endpointslice._cli import main
from endpointslice.apply import apply_plan, read_service, read_slices, sync
from endpointslice.discovery import EndpointSlice
from endpointslice.io import from_dict
from endpointslice.packing import NameStrategy
from endpointslice.reconcile import reconcile
from endpointslice.service import Service
from kube.api import Kube
from kube.cluster import ControlPlane

# The control plane's kubeconfig skips TLS verification of its self-made serving certificate.
pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")

MANAGER = "endpointslice-apply-test"
SERVICE_NAME = "kubernetes.io/service-name"
MANAGED_BY = "endpointslice.kubernetes.io/managed-by"

Connect = Callable[[ControlPlane], Any]


def _official(plane: ControlPlane) -> Any:
    untyped: Any = kube_config
    return untyped.new_client_from_config(config_file=str(plane.kubeconfig), persist_config=False)


def _lightkube(plane: ControlPlane) -> Any:
    return lightkube.Client(config=KubeConfig.from_file(plane.kubeconfig))


@pytest.fixture(name="connect", params=["kubernetes", "lightkube"])
def _connect(request: pytest.FixtureRequest) -> Connect:
    return _official if request.param == "kubernetes" else _lightkube


def _service(kube: Kube, namespace: str, name: str = "web", port: int = 8080) -> Service:
    kube.create(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"ports": [{"name": "http", "port": 80, "targetPort": port}]},
        }
    )
    return from_dict(kube.get("Service", namespace, name), Service)


def _entries(hosts: frozenset[int] | set[int] | range) -> list[Endpoint]:
    return [
        Endpoint(addresses=(f"10.1.{h // 250}.{h % 250 + 1}",), conditions=EndpointConditions(ready=h % 3 != 0))
        for h in sorted(hosts)
    ]


def _slices(kube: Kube, namespace: str) -> list[EndpointSlice]:
    return [from_dict(s, EndpointSlice) for s in kube.list("EndpointSlice", namespace)["items"]]


def _ours(kube: Kube, namespace: str) -> list[EndpointSlice]:
    return [s for s in _slices(kube, namespace) if _manager(s) == MANAGER]


def _manager(eps: EndpointSlice) -> str | None:
    labels = eps.metadata.labels
    return labels.get(MANAGED_BY) if labels else None


def _addresses(slices: list[EndpointSlice]) -> list[str]:
    return sorted(a for s in slices for e in s.endpoints or () for a in e.addresses)


def _foreign(kube: Kube, namespace: str, index: int, hosts: frozenset[int]) -> dict[str, Any]:
    """A slice of the Service that another manager owns: it must be left as it is."""
    return kube.create(
        {
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "metadata": {
                "name": f"web-other-{index}",
                "namespace": namespace,
                "labels": {SERVICE_NAME: "web", MANAGED_BY: "someone-else"},
            },
            "addressType": "IPv4",
            "endpoints": [{"addresses": [f"10.9.0.{h + 1}"]} for h in sorted(hosts)],
            "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
        }
    )


def _stale(kube: Kube, namespace: str, index: int, hosts: frozenset[int], *, port: int, owned: bool, uid: str) -> None:
    """A slice of ours as a crashed earlier run could have left it: any endpoints, an old port, maybe no owner."""
    metadata: dict[str, Any] = {
        "name": f"web-stale-{index}",
        "namespace": namespace,
        "labels": {SERVICE_NAME: "web", MANAGED_BY: MANAGER},
    }
    if owned:
        metadata["ownerReferences"] = [
            {"apiVersion": "v1", "kind": "Service", "name": "web", "uid": uid, "controller": True}
        ]
    kube.create(
        {
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "metadata": metadata,
            "addressType": "IPv4",
            "endpoints": [{"addresses": [f"10.1.0.{h + 1}"]} for h in sorted(hosts)],
            "ports": [{"name": "http", "port": port, "protocol": "TCP"}],
        }
    )


HOSTS = st.frozensets(st.integers(0, 40), max_size=25)
STATES = st.fixed_dictionaries(
    {
        "before": st.none() | HOSTS,  # endpoints an earlier apply left (None: never applied)
        "stale": st.lists(st.tuples(HOSTS, st.sampled_from([8080, 9090]), st.booleans()), max_size=2),
        "foreign": st.lists(HOSTS, max_size=2),
        "desired": HOSTS,
        "limit": st.sampled_from([3, 10, 100]),
    }
)


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(state=STATES)
def _converges(plane: ControlPlane, kube: Kube, make_namespace: Any, connect: Connect, state: dict[str, Any]) -> None:
    namespace = make_namespace("apply")
    service = _service(kube, namespace)
    client = connect(plane)
    options: dict[str, Any] = {"max_endpoints_per_slice": state["limit"], "managed_by": MANAGER}
    if state["before"] is not None:
        sync(service, _entries(state["before"]), client, **options)
    for i, (hosts, port, owned) in enumerate(state["stale"]):
        _stale(kube, namespace, i, hosts, port=port, owned=owned, uid=service.metadata.uid or "")
    foreign = [_foreign(kube, namespace, i, hosts) for i, hosts in enumerate(state["foreign"])]

    sync(service, _entries(state["desired"]), client, **options)

    ours = _ours(kube, namespace)
    want = sorted(a for e in _entries(state["desired"]) for a in e.addresses)
    assert _addresses(ours) == want
    assert all(len(s.endpoints or ()) <= state["limit"] for s in ours)
    assert not reconcile(service, _entries(state["desired"]), _slices(kube, namespace), **options)
    after = {s["metadata"]["name"]: s["metadata"]["resourceVersion"] for s in foreign}
    assert {
        s.metadata.name: s.metadata.resource_version for s in _slices(kube, namespace) if _manager(s) == "someone-else"
    } == after


def test_apply_converges_from_any_state(
    control_plane: ControlPlane, kube: Kube, fresh_namespace: Any, connect: Connect
) -> None:
    """No slices, ours from before, stale ones, another manager's: one sync reaches the desired slices."""
    _converges(control_plane, kube, fresh_namespace, connect)


def test_a_concurrent_update_is_met_by_replanning(
    control_plane: ControlPlane, kube: Kube, fresh_namespace: Any, connect: Connect
) -> None:
    namespace = fresh_namespace("apply")
    service = _service(kube, namespace)
    client = connect(control_plane)
    options: dict[str, Any] = {"max_endpoints_per_slice": 3, "managed_by": MANAGER, "names": NameStrategy.ORDINAL}
    sync(service, _entries(range(6)), client, **options)
    snapshot = read_slices(client, namespace, "web")
    plan = reconcile(service, _entries({0, 1, 4, 5, 7}), snapshot, **options)
    assert plan.updates
    # Someone else changes the slice the plan is about to update.
    other = kube.get("EndpointSlice", namespace, plan.updates[0].slice.metadata.name or "")
    other["metadata"].setdefault("annotations", {})["example.com/touched"] = "yes"
    kube.update(other)

    result = apply_plan(
        plan, client, replan=lambda current: reconcile(service, _entries({0, 1, 4, 5, 7}), current, **options)
    )

    assert result.conflicts == 1
    assert _addresses(_ours(kube, namespace)) == _addresses(
        [EndpointSlice(address_type="IPv4", endpoints=tuple(_entries({0, 1, 4, 5, 7})))]
    )


def test_server_dry_run_persists_nothing(
    control_plane: ControlPlane, kube: Kube, fresh_namespace: Any, connect: Connect
) -> None:
    namespace = fresh_namespace("apply")
    service = _service(kube, namespace)
    client = connect(control_plane)
    sync(service, _entries(range(5)), client, managed_by=MANAGER, max_endpoints_per_slice=3)
    before = _slices(kube, namespace)

    result = sync(service, _entries(range(3, 9)), client, managed_by=MANAGER, max_endpoints_per_slice=3, dry_run=True)

    assert result.dry_run
    assert result.write_count > 0
    assert _slices(kube, namespace) == before


def test_read_service_of_a_missing_service_is_none(
    control_plane: ControlPlane, fresh_namespace: Any, connect: Connect
) -> None:
    assert read_service(connect(control_plane), fresh_namespace("apply"), "nothing") is None


class TestCommand:
    """``endpointslice apply`` with the control plane's kubeconfig."""

    def _files(self, tmp_path: Path, namespace: str, hosts: range) -> tuple[str, str]:
        service = tmp_path / "service.json"
        service.write_text(
            json.dumps(
                {
                    "apiVersion": "v1",
                    "kind": "Service",
                    "metadata": {"name": "web", "namespace": namespace},
                    "spec": {"ports": [{"name": "http", "port": 80, "targetPort": 8080}]},
                }
            )
        )
        endpoints = tmp_path / "addresses.txt"
        endpoints.write_text("".join(f"10.2.0.{h + 1}\n" for h in hosts))
        return str(service), str(endpoints)

    @pytest.mark.parametrize("library", ["kubernetes", "lightkube"])
    def test_applies_then_has_nothing_to_do(
        self,
        *,
        control_plane: ControlPlane,
        kube: Kube,
        fresh_namespace: Any,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        library: str,
    ) -> None:
        namespace = fresh_namespace("apply")
        _service(kube, namespace)
        service, endpoints = self._files(tmp_path, namespace, range(4))
        argv = ["apply", service, endpoints, "--kubeconfig", str(control_plane.kubeconfig), "--client", library]

        assert main([*argv, "--names", "ordinal"]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[0].startswith("1 to create, 0 to update, 0 to delete (1 writes, ")
        assert lines[1:] == [
            "  create web-1 IPv4: 4 endpoints",
            "1 created, 0 updated, 0 deleted",
            f"  created {namespace}/web-1",
        ]
        assert _addresses(_slices(kube, namespace)) == [f"10.2.0.{h + 1}" for h in range(4)]

        assert main(argv) == 0
        assert capsys.readouterr().out == "no changes\n"

    def test_dry_runs_write_nothing(
        self,
        control_plane: ControlPlane,
        kube: Kube,
        fresh_namespace: Any,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        namespace = fresh_namespace("apply")
        _service(kube, namespace)
        service, endpoints = self._files(tmp_path, namespace, range(4))
        argv = ["apply", service, endpoints, "--kubeconfig", str(control_plane.kubeconfig)]

        assert main([*argv, "--dry-run=server"]) == 0
        assert "(server dry run: nothing persisted)" in capsys.readouterr().out
        assert main([*argv, "--dry-run=client"]) == 0
        assert capsys.readouterr().out.startswith("1 to create")
        assert _slices(kube, namespace) == []

    def test_a_service_not_in_the_cluster_exits_1(
        self,
        control_plane: ControlPlane,
        fresh_namespace: Any,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        namespace = fresh_namespace("apply")
        service, endpoints = self._files(tmp_path, namespace, range(2))

        assert main(["apply", service, endpoints, "--kubeconfig", str(control_plane.kubeconfig)]) == 1
        assert capsys.readouterr().err == (
            f"endpointslice apply: error: Service {namespace}/web is not in the cluster: apply the Service first\n"
        )
