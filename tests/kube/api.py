"""A small Kubernetes REST client for the control-plane suites: plain JSON over one kept-alive connection.

Why not the official ``kubernetes`` client: the suites need exactly what the apiserver sends
(the raw JSON, the status body of a refusal with its message, the server-side Table), and the
generated client reshapes all three. This client sends what it is given and returns the decoded
body as it came.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

JSON = dict[str, Any]

# Where each kind lives on the API: (path prefix, plural).
RESOURCES: dict[str, tuple[str, str]] = {
    "Namespace": ("/api/v1", "namespaces"),
    "Node": ("/api/v1", "nodes"),
    "Pod": ("/api/v1", "pods"),
    "Service": ("/api/v1", "services"),
    "Endpoints": ("/api/v1", "endpoints"),
    "EndpointSlice": ("/apis/discovery.k8s.io/v1", "endpointslices"),
}
CLUSTER_SCOPED = frozenset({"Namespace", "Node"})
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"


class ApiError(Exception):
    """A response outside 2xx: the HTTP status and the decoded Status body."""

    def __init__(self, status: int, body: JSON) -> None:
        super().__init__(f"{status}: {body.get('message', body)}")
        self.status = status
        self.body = body

    @property
    def message(self) -> str:
        return str(self.body.get("message", ""))


def path(kind: str, namespace: str | None = None, name: str | None = None, sub: str | None = None) -> str:
    prefix, plural = RESOURCES[kind]
    parts = [prefix]
    if namespace is not None and kind not in CLUSTER_SCOPED:
        parts.append(f"namespaces/{namespace}")
    parts.append(plural)
    if name is not None:
        parts.append(name)
    if sub is not None:
        parts.append(sub)
    return "/".join(parts)


class Kube:
    """One apiserver, one token; safe to share between threads (a connection per thread)."""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host = host
        self.port = port
        self.token = token
        # The apiserver serves a certificate it made for itself on loopback; the suites talk to
        # nothing else, so there is nothing to verify it against.
        self._tls = ssl.create_default_context()
        self._tls.check_hostname = False
        self._tls.verify_mode = ssl.CERT_NONE
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPSConnection:
        connection: http.client.HTTPSConnection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = http.client.HTTPSConnection(self.host, self.port, context=self._tls, timeout=60)
            self._local.connection = connection
        return connection

    def raw(
        self,
        method: str,
        url: str,
        body: JSON | None = None,
        *,
        params: dict[str, str] | None = None,
        accept: str = "application/json",
        content_type: str = "application/json",
    ) -> tuple[int, bytes]:
        status, data, _ = self.exchange(method, url, body, params=params, accept=accept, content_type=content_type)
        return status, data

    def exchange(
        self,
        method: str,
        url: str,
        body: JSON | None = None,
        *,
        params: dict[str, str] | None = None,
        accept: str = "application/json",
        content_type: str = "application/json",
    ) -> tuple[int, bytes, http.client.HTTPMessage]:
        """One request: the status, the body and the response headers (``Warning`` among them)."""
        if params:
            url = f"{url}?{urllib.parse.urlencode(params)}"
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {self.token}", "Accept": accept}
        if data is not None:
            headers["Content-Type"] = content_type
        for attempt in range(3):
            connection = self._connection()
            try:
                connection.request(method, url, body=data, headers=headers)
                response = connection.getresponse()
                return response.status, response.read(), response.headers
            except (http.client.HTTPException, OSError):
                # A kept-alive connection the server closed: open a new one and send again.
                connection.close()
                self._local.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def request(self, method: str, url: str, body: JSON | None = None, **options: Any) -> JSON:
        status, data = self.raw(method, url, body, **options)
        decoded: JSON = json.loads(data) if data else {}
        if not 200 <= status < 300:
            raise ApiError(status, decoded)
        return decoded

    # The verbs, on objects that carry their own kind and namespace.

    def create(self, obj: JSON, *, dry_run: bool = False) -> JSON:
        namespace = obj.get("metadata", {}).get("namespace")
        params = {"dryRun": "All"} if dry_run else None
        return self.request("POST", path(obj["kind"], namespace), obj, params=params)

    def update(self, obj: JSON, *, dry_run: bool = False, sub: str | None = None) -> JSON:
        meta = obj["metadata"]
        params = {"dryRun": "All"} if dry_run else None
        return self.request("PUT", path(obj["kind"], meta.get("namespace"), meta["name"], sub), obj, params=params)

    def get(self, kind: str, namespace: str | None, name: str) -> JSON:
        return self.request("GET", path(kind, namespace, name))

    def delete(self, kind: str, namespace: str | None, name: str, *, grace: int | None = None) -> JSON:
        params = None if grace is None else {"gracePeriodSeconds": str(grace)}
        return self.request("DELETE", path(kind, namespace, name), params=params)

    def list(self, kind: str, namespace: str | None = None, *, selector: str | None = None) -> JSON:
        params = {"labelSelector": selector} if selector else None
        return self.request("GET", path(kind, namespace), params=params)

    def table(self, kind: str, namespace: str | None = None) -> JSON:
        return self.request("GET", path(kind, namespace), accept=TABLE)

    def watch(self, kind: str, namespace: str | None, resource_version: str) -> Watch:
        """Events from *resource_version* on, on a connection of their own."""
        return Watch(self, kind, namespace, resource_version)


class Watch:
    """One watch stream; `close` from any thread ends the iteration."""

    def __init__(self, kube: Kube, kind: str, namespace: str | None, resource_version: str) -> None:
        self._connection = http.client.HTTPSConnection(kube.host, kube.port, context=kube._tls, timeout=3600)
        query = urllib.parse.urlencode({"watch": "1", "resourceVersion": resource_version})
        self._connection.request(
            "GET", f"{path(kind, namespace)}?{query}", headers={"Authorization": f"Bearer {kube.token}"}
        )
        self._response = self._connection.getresponse()
        if self._response.status != 200:
            raise ApiError(self._response.status, json.loads(self._response.read() or b"{}"))

    def __iter__(self) -> Iterator[JSON]:
        while True:
            line = self._response.readline()
            if not line:
                return
            yield json.loads(line)

    def close(self) -> None:
        sock = self._connection.sock
        if sock is not None:
            # shutdown, not close: it wakes the thread blocked reading this socket.
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._connection.close()


class Recorder:
    """Counts the writes to one kind in one namespace, as a watch sees them, on a thread of its own.

    The apiserver ends a watch when it likes (its request timeout, or under load); the recorder
    then opens it again from the last resourceVersion it saw, so no event is lost. If the
    apiserver cannot resume from there (an ERROR event, such as "too old resource version"),
    `broken` says so and the caller must not trust the counts.
    """

    def __init__(self, kube: Kube, kind: str, namespace: str) -> None:
        self.kube, self.kind, self.namespace = kube, kind, namespace
        self.events: list[tuple[str, JSON]] = []
        self.last_event = time.monotonic()
        self.broken: str | None = None
        self._closing = threading.Event()
        self._watch: Watch | None = None
        self._lock = threading.Lock()
        self._version = kube.list(kind, namespace)["metadata"]["resourceVersion"]
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._closing.is_set():
            try:
                self._watch = self.kube.watch(self.kind, self.namespace, self._version)
                for event in self._watch:
                    if event["type"] == "ERROR":
                        self.broken = f"watch error: {event['object'].get('message')}"
                        return
                    with self._lock:
                        self.events.append((event["type"], event["object"]))
                        self.last_event = time.monotonic()
                        self._version = event["object"]["metadata"]["resourceVersion"]
            except Exception:  # noqa: BLE001  # Any end of the stream: resume unless closing.
                if self._closing.is_set():
                    return
                time.sleep(0.05)

    def take(self) -> list[tuple[str, JSON]]:
        """The events since the last call."""
        with self._lock:
            events, self.events = self.events, []
        return events

    def peek(self) -> list[tuple[str, JSON]]:
        """The events since the last `take`, left in place."""
        with self._lock:
            return list(self.events)

    def quiet_for(self) -> float:
        with self._lock:
            return time.monotonic() - self.last_event

    def close(self) -> None:
        self._closing.set()
        if self._watch is not None:
            self._watch.close()
        self._thread.join(timeout=5)
