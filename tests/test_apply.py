"""`endpointslice.apply` against an in-memory apiserver, through each client's own test seam.

lightkube gets an ``httpx2.MockTransport``; the official client's ``ApiClient`` gets its REST
layer's ``request`` replaced. Both reach the same `FakeApiServer`, which keeps EndpointSlices
with resourceVersions and UIDs and answers as the apiserver does: ``409 Conflict`` for a stale
update or a failed delete precondition, ``404`` for a missing slice, ``generateName``, and
``dryRun=All`` (answers but stores nothing).
"""

from __future__ import annotations

import itertools
import json
import urllib.parse
from collections.abc import Callable
from typing import Any

import attrs
import httpx2
import kubernetes.client as k8s
import lightkube
import pytest
import urllib3
from kubernetes.client import rest
from lightkube.config.kubeconfig import KubeConfig

from endpointslice import Endpoint, EndpointConditions, ObjectMeta, Service, ServicePort, ServiceSpec
from endpointslice.apply import ApplyResult, apply_plan, read_slices, sync
from endpointslice.discovery import EndpointSlice
from endpointslice.enums import AddressType
from endpointslice.errors import ApplyError
from endpointslice.io import from_dict, to_dict
from endpointslice.packing import NameStrategy
from endpointslice.reconcile import Plan, SliceUpdate, reconcile

PREFIX = "/apis/discovery.k8s.io/v1/namespaces/"

SERVICE = Service(
    metadata=ObjectMeta(name="web", namespace="shop", uid="5b1f"),
    spec=ServiceSpec(ports=(ServicePort(name="http", port=80, target_port=8080),), ip_families=("IPv4",)),
)


def entries(*hosts: int) -> list[Endpoint]:
    return [Endpoint(addresses=(f"192.0.2.{h}",), conditions=EndpointConditions(ready=True)) for h in hosts]


class FakeApiServer:
    """The EndpointSlice part of an apiserver, in memory."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], dict[str, Any]] = {}
        self.versions = itertools.count(100)
        self.log: list[tuple[str, str, dict[str, list[str]], Any]] = []
        self.before_write: Callable[[str, str], None] = lambda method, name: None
        self.refuse: dict[str, tuple[int, str, str]] = {}

    def put(self, data: dict[str, Any]) -> None:
        """Store an object as a write by someone else would."""
        meta = data.setdefault("metadata", {})
        meta["resourceVersion"] = str(next(self.versions))
        meta.setdefault("uid", f"uid-{meta['name']}")
        self.objects[(meta["namespace"], meta["name"])] = data

    def slices(self, namespace: str = "shop") -> list[EndpointSlice]:
        return sorted(
            (from_dict(o, EndpointSlice) for (ns, _), o in self.objects.items() if ns == namespace),
            key=lambda s: s.metadata.name or "",
        )

    def handle(self, method: str, url: str, body: Any) -> tuple[int, Any]:
        parsed = urllib.parse.urlsplit(url)
        query = urllib.parse.parse_qs(parsed.query)
        assert parsed.path.startswith(PREFIX), parsed.path
        namespace, _, rest_of = parsed.path[len(PREFIX) :].partition("/endpointslices")
        name = rest_of.strip("/")
        logged = json.loads(json.dumps(body))  # A copy: the store below changes the body it keeps.
        self.log.append((method, name or (body or {}).get("metadata", {}).get("name", ""), query, logged))
        dry = query.get("dryRun") == ["All"]
        if method != "GET":
            self.before_write(method, name)
            refused = self.refuse.get(method)
            if refused:
                return _status(*refused)
        if method == "GET":
            key, _, value = query.get("labelSelector", ["="])[0].partition("=")
            items = [
                o
                for (ns, _), o in sorted(self.objects.items())
                if ns == namespace and o["metadata"].get("labels", {}).get(key) == value
            ]
            return 200, {
                "apiVersion": "discovery.k8s.io/v1",
                "kind": "EndpointSliceList",
                "metadata": {},
                "items": items,
            }
        if method == "POST":
            meta = body["metadata"]
            if not meta.get("name"):
                meta["name"] = f"{meta['generateName']}{next(self.versions)}"
            if (namespace, meta["name"]) in self.objects:
                return _status(409, "AlreadyExists", f'endpointslices "{meta["name"]}" already exists')
            meta["namespace"] = namespace
            meta["uid"] = f"uid-{meta['name']}"
            meta["resourceVersion"] = str(next(self.versions))
            if not dry:
                self.objects[(namespace, meta["name"])] = body
            return 201, body
        stored = self.objects.get((namespace, name))
        if stored is None:
            return _status(404, "NotFound", f'endpointslices "{name}" not found')
        if method == "PUT":
            version = body["metadata"].get("resourceVersion")
            if version and version != stored["metadata"]["resourceVersion"]:
                return _status(409, "Conflict", _modified(name))
            body["metadata"]["uid"] = stored["metadata"]["uid"]
            body["metadata"]["resourceVersion"] = str(next(self.versions))
            if not dry:
                self.objects[(namespace, name)] = body
            return 200, body
        assert method == "DELETE"
        preconditions = (body or {}).get("preconditions") or {}
        for key, field in (("resourceVersion", "resourceVersion"), ("uid", "uid")):
            if preconditions.get(key) and preconditions[key] != stored["metadata"][field]:
                return _status(409, "Conflict", f"Precondition failed: {key} in precondition differs")
        if not dry:
            del self.objects[(namespace, name)]
        return 200, {"kind": "Status", "apiVersion": "v1", "status": "Success"}

    # The two clients' seams.

    def lightkube_client(self) -> Any:
        def respond(request: httpx2.Request) -> httpx2.Response:
            body = json.loads(request.content) if request.content else None
            status, data = self.handle(request.method, str(request.url), body)
            return httpx2.Response(status, json=data)

        config = KubeConfig.from_dict(
            {
                "clusters": [{"name": "test", "cluster": {"server": "http://apiserver.test"}}],
                "users": [{"name": "test", "user": {"token": "secret"}}],
                "contexts": [{"name": "test", "context": {"cluster": "test", "user": "test"}}],
                "current-context": "test",
            }
        )
        return lightkube.Client(config=config, transport=httpx2.MockTransport(respond))

    def official_client(self) -> Any:
        client = k8s.ApiClient(k8s.Configuration(host="http://apiserver.test"))

        def request(method: str, url: str, headers: Any = None, body: Any = None, **_: Any) -> rest.RESTResponse:
            data = json.loads(json.dumps(body)) if body is not None else None
            status, answer = self.handle(method, url, data)
            response = rest.RESTResponse(
                urllib3.HTTPResponse(
                    body=json.dumps(answer).encode(),
                    status=status,
                    headers={"Content-Type": "application/json"},
                    preload_content=True,
                )
            )
            response.read()  # type: ignore[no-untyped-call]  # The client's REST layer is untyped.
            return response

        client.rest_client.request = request  # type: ignore[method-assign,assignment]  # The seam under test.
        return client


def _status(code: int, reason: str, message: str) -> tuple[int, dict[str, Any]]:
    return code, {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "reason": reason,
        "message": message,
        "code": code,
    }


def _modified(name: str) -> str:
    return (
        f'Operation cannot be fulfilled on endpointslices.discovery.k8s.io "{name}": the object has been '
        "modified; please apply your changes to the latest version and try again"
    )


@pytest.fixture(name="server")
def _server() -> FakeApiServer:
    return FakeApiServer()


@pytest.fixture(name="connect", params=["kubernetes", "lightkube"])
def _connect(request: pytest.FixtureRequest) -> Callable[[FakeApiServer], Any]:
    if request.param == "kubernetes":
        return FakeApiServer.official_client
    return FakeApiServer.lightkube_client


def _endpoints(slices: list[EndpointSlice]) -> list[str]:
    return sorted(a for s in slices for e in s.endpoints or () for a in e.addresses)


def _plan(current: list[EndpointSlice], *hosts: int, limit: int = 100) -> Plan:
    return reconcile(SERVICE, entries(*hosts), current, max_endpoints_per_slice=limit, names=NameStrategy.ORDINAL)


def _seed(server: FakeApiServer, connect: Callable[[FakeApiServer], Any], *hosts: int, limit: int = 100) -> None:
    apply_plan(_plan([], *hosts, limit=limit), connect(server))
    server.log.clear()


class TestConverges:
    def test_creates_from_nothing(self, server: FakeApiServer, connect: Callable[[FakeApiServer], Any]) -> None:
        result = sync(SERVICE, entries(1, 2, 3), connect(server), names=NameStrategy.ORDINAL)

        assert result.created == ("shop/web-1",)
        assert _endpoints(server.slices()) == ["192.0.2.1", "192.0.2.2", "192.0.2.3"]
        assert sync(SERVICE, entries(1, 2, 3), connect(server)).write_count == 0

    def test_returned_slices_equal_the_plans_prediction(
        self, server: FakeApiServer, connect: Callable[[FakeApiServer], Any]
    ) -> None:
        """What the cluster holds after the writes is `Plan.apply` of what it held before."""
        _seed(server, connect, *range(1, 8), limit=3)
        before = server.slices()
        plan = _plan(before, 1, 2, 9, limit=3)

        apply_plan(plan, connect(server))

        strip = ("resourceVersion", "uid", "namespace")
        ours = [{**to_dict(s), "metadata": _without(to_dict(s)["metadata"], strip)} for s in plan.apply(before)]
        theirs = [{**to_dict(s), "metadata": _without(to_dict(s)["metadata"], strip)} for s in server.slices()]
        assert sorted(ours, key=str) == sorted(theirs, key=str)

    def test_writes_go_in_upstreams_order(self, server: FakeApiServer, connect: Callable[[FakeApiServer], Any]) -> None:
        """Per address type: creates, then updates, then deletes; deletes of other address types last."""
        _seed(server, connect, *range(1, 10), limit=3)
        one, two, three = server.slices()
        gone = attrs.evolve(three, address_type=AddressType.IPV6)  # A family the Service no longer serves.
        fresh = attrs.evolve(two, metadata=attrs.evolve(two.metadata, name="web-9", resource_version=None, uid=None))
        plan = Plan(
            deletes=(gone, two),
            updates=(SliceUpdate(previous=one, slice=attrs.evolve(one, endpoints=(one.endpoints or ())[:1])),),
            creates=(fresh,),
        )

        apply_plan(plan, connect(server))

        assert [(method, name) for method, name, *_ in server.log] == [
            ("POST", "web-9"),
            ("PUT", "web-1"),
            ("DELETE", "web-2"),
            ("DELETE", "web-3"),
        ]

    def test_updates_and_deletes_carry_the_read_version(
        self, server: FakeApiServer, connect: Callable[[FakeApiServer], Any]
    ) -> None:
        _seed(server, connect, *range(1, 7), limit=3)
        versions = {s.metadata.name: s.metadata.resource_version for s in server.slices()}
        plan = _plan(server.slices(), 1, 2, limit=3)

        apply_plan(plan, connect(server))

        (put,) = [body for method, _, _, body in server.log if method == "PUT"]
        (delete,) = [(name, body) for method, name, _, body in server.log if method == "DELETE"]
        assert put["metadata"]["resourceVersion"] == versions[put["metadata"]["name"]]
        assert delete[1]["preconditions"] == {"uid": f"uid-{delete[0]}", "resourceVersion": versions[delete[0]]}

    def test_a_recycled_create_carries_the_version_of_the_slice_it_replaces(
        self, server: FakeApiServer, connect: Callable[[FakeApiServer], Any]
    ) -> None:
        """Upstream writes a recycled create unconditionally; we send the replaced slice's version."""
        _seed(server, connect, 1, 2, 3)
        (old,) = server.slices()
        recycled = attrs.evolve(old, metadata=attrs.evolve(old.metadata, resource_version=None, uid=None))
        server.put(server.objects[("shop", "web-1")])  # Someone else writes it after we read it.

        with pytest.raises(ApplyError) as caught:
            apply_plan(Plan(updates=(SliceUpdate(previous=old, slice=recycled),)), connect(server))

        assert caught.value.status == 409
        (put,) = [body for method, _, _, body in server.log if method == "PUT"]
        assert put["metadata"]["resourceVersion"] == old.metadata.resource_version

    def test_a_service_without_namespace_is_in_default(
        self, server: FakeApiServer, connect: Callable[[FakeApiServer], Any]
    ) -> None:
        """As kubectl would create it (docs/differences.md, "A Pod, Service or slice without namespace")."""
        service = attrs.evolve(SERVICE, metadata=attrs.evolve(SERVICE.metadata, namespace=None))

        result = sync(service, entries(1), connect(server), names=NameStrategy.ORDINAL)

        assert result.created == ("default/web-1",)
        assert _endpoints(server.slices("default")) == ["192.0.2.1"]

    def test_slices_of_another_manager_are_left_alone(
        self, server: FakeApiServer, connect: Callable[[FakeApiServer], Any]
    ) -> None:
        server.put(
            {
                "apiVersion": "discovery.k8s.io/v1",
                "kind": "EndpointSlice",
                "metadata": {
                    "name": "web-mirror",
                    "namespace": "shop",
                    "labels": {
                        "kubernetes.io/service-name": "web",
                        "endpointslice.kubernetes.io/managed-by": "someone-else",
                    },
                },
                "addressType": "IPv4",
                "endpoints": [{"addresses": ["198.51.100.1"]}],
            }
        )

        sync(SERVICE, entries(1), connect(server))

        assert [m for m, name, *_ in server.log if name == "web-mirror" and m != "GET"] == []
        assert "198.51.100.1" in _endpoints(server.slices())


class TestDryRun:
    def test_every_write_is_a_server_dry_run_and_nothing_is_stored(
        self, server: FakeApiServer, connect: Callable[[FakeApiServer], Any]
    ) -> None:
        _seed(server, connect, *range(1, 7), limit=3)
        before = server.slices()

        result = apply_plan(_plan(before, 1, 2, 9, 10, limit=3), connect(server), dry_run=True)

        assert result.dry_run
        assert result.write_count > 0
        assert all(query.get("dryRun") == ["All"] for method, _, query, _ in server.log if method != "GET")
        assert server.slices() == before
        assert "server dry run: nothing persisted" in result.summary().splitlines()[0]


class TestConflicts:
    def test_a_concurrent_update_is_replanned(
        self, server: FakeApiServer, connect: Callable[[FakeApiServer], Any]
    ) -> None:
        _seed(server, connect, 1, 2, 3)
        stale = server.slices()
        touched: list[str] = []

        def someone_else_writes(method: str, name: str) -> None:
            if method == "PUT" and not touched:
                touched.append(name)
                server.put(server.objects[("shop", name)])

        server.before_write = someone_else_writes

        result = apply_plan(_plan(stale, 1, 2, 4), connect(server), replan=lambda current: _plan(current, 1, 2, 4))

        assert result.conflicts == 1
        assert _endpoints(server.slices()) == ["192.0.2.1", "192.0.2.2", "192.0.2.4"]

    def test_without_replan_a_conflict_is_an_error_naming_the_slice(
        self, server: FakeApiServer, connect: Callable[[FakeApiServer], Any]
    ) -> None:
        _seed(server, connect, 1, 2, 3)
        stale = server.slices()
        server.put(server.objects[("shop", "web-1")])

        with pytest.raises(ApplyError) as caught:
            apply_plan(_plan(stale, 1, 2, 4), connect(server))

        assert str(caught.value) == f"update shop/web-1: 409 Conflict: {_modified('web-1')}"
        assert caught.value.status == 409

    def test_a_slice_deleted_meanwhile_is_replanned(
        self, server: FakeApiServer, connect: Callable[[FakeApiServer], Any]
    ) -> None:
        _seed(server, connect, *range(1, 7), limit=3)
        stale = server.slices()
        del server.objects[("shop", "web-2")]

        result = apply_plan(
            _plan(stale, 1, 2, limit=3), connect(server), replan=lambda current: _plan(current, 1, 2, limit=3)
        )

        assert result.conflicts == 1
        assert _endpoints(server.slices()) == ["192.0.2.1", "192.0.2.2"]

    def test_endless_conflicts_give_up(self, server: FakeApiServer, connect: Callable[[FakeApiServer], Any]) -> None:
        _seed(server, connect, 1, 2, 3)
        server.refuse["PUT"] = (409, "Conflict", _modified("web-1"))

        with pytest.raises(ApplyError) as caught:
            apply_plan(
                _plan(server.slices(), 1, 2),
                connect(server),
                replan=lambda current: _plan(current, 1, 2),
                max_attempts=3,
            )

        assert caught.value.message.endswith("(still after 3 plans; giving up)")


class TestErrors:
    def test_a_refused_write_names_the_object_and_what_was_written_before(
        self, server: FakeApiServer, connect: Callable[[FakeApiServer], Any]
    ) -> None:
        _seed(server, connect, *range(1, 7), limit=3)
        server.refuse["DELETE"] = (403, "Forbidden", "not allowed")

        with pytest.raises(ApplyError) as caught:
            apply_plan(_plan(server.slices(), 1, 2, limit=3), connect(server))

        assert str(caught.value) == "delete shop/web-2: 403 Forbidden: not allowed"
        assert caught.value.done == ("updated shop/web-1",)

    def test_a_slice_the_client_cannot_hold_is_an_error_naming_it(
        self, server: FakeApiServer, connect: Callable[[FakeApiServer], Any]
    ) -> None:
        (eps,) = _plan([], 1).creates
        odd = attrs.evolve(eps, metadata=attrs.evolve(eps.metadata, creation_timestamp="2026-07-01T12:00:00+02:00"))

        if connect is FakeApiServer.lightkube_client:
            pytest.skip("lightkube keeps a timestamp with an offset as written")
        with pytest.raises(ApplyError) as caught:
            apply_plan(Plan(creates=(odd,)), connect(server))

        assert str(caught.value) == (
            "create shop/web-1: Invalid: metadata.creationTimestamp: "
            "the kubernetes client's V1EndpointSlice cannot hold this value as written"
        )

    def test_no_answer_is_an_error_without_a_status(self, connect: Callable[[FakeApiServer], Any]) -> None:
        server = FakeApiServer()

        def unreachable(method: str, url: str, body: Any) -> tuple[int, Any]:
            raise _connection_error(connect)

        server.handle = unreachable  # type: ignore[method-assign]

        with pytest.raises(ApplyError) as caught:
            sync(SERVICE, entries(1), connect(server))

        assert caught.value.verb == "list"
        assert caught.value.status is None

    def test_read_slices_of_an_empty_namespace(
        self, server: FakeApiServer, connect: Callable[[FakeApiServer], Any]
    ) -> None:
        assert read_slices(connect(server), "shop", "web") == []

    def test_a_client_of_another_library_is_refused(self) -> None:
        with pytest.raises(TypeError, match=r"lightkube\.Client, got object"):
            apply_plan(Plan(), object())


def test_summary_names_every_write() -> None:
    result = ApplyResult(created=("a/x",), updated=("a/y",), deleted=("a/z",), dry_run=True)

    assert result.summary() == (
        "1 created, 1 updated, 1 deleted (server dry run: nothing persisted)\n"
        "  created a/x\n  updated a/y\n  deleted a/z"
    )


def _without(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in keys}


def _connection_error(connect: Callable[[FakeApiServer], Any]) -> Exception:
    if connect is FakeApiServer.official_client:
        return urllib3.exceptions.MaxRetryError(None, "/", "connection refused")  # type: ignore[arg-type]
    return httpx2.ConnectError("connection refused")
