"""The validation differential: our `validate` against the apiserver's server-side dry run.

Each case is made from one integer seed by a seeded generator: a valid EndpointSlice,
Endpoints or Service, then up to three mutations drawn from every rule family (names, labels,
annotations, addresses of each type, ports, conditions, hints, limits, Service fields,
Endpoints subsets). A third of the cases are updates: the old object is created for real,
mutated, and the mutation is sent as a dry-run update with the old object's resourceVersion.

For each case the apiserver's answer (success, or the 422 ``message``, and the ``Warning``
headers) must equal, word for word, what `validate`, `status_message` and `warnings` say.

Run ``python tests/kube/validation_diff.py --count 100000`` to check many cases against a
control plane of its own; ``--seed N`` replays one case and prints both sides.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import copy
import json
import random
import re
import string
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if not __package__:
    # Run as a script: make `kube` importable the way pytest's pythonpath does.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from endpointslice.errors import EndpointSliceError
from endpointslice.io import from_dict
from endpointslice.validation import status_message, validate, warnings
from kube.api import JSON, ApiError, Kube, path  # After the script-mode path set-up above.

# Creates go to one namespace, the real old objects of updates to another, so that a dry-run
# create never meets a stored object of the same name.
CREATE_NS = "vd-create"
UPDATE_NS = "vd-update"

# ---------------------------------------------------------------------------
# Talking to the apiserver, headers included.

_WARNING = re.compile(r'\d{3} [^ ]+ "((?:[^"\\]|\\.)*)"')


def _warnings_of(values: Iterable[str]) -> list[str]:
    # Each Warning header is `299 - "text"` with the text quoted as in RFC 7230 (backslash escapes).
    out = []
    for value in values:
        for match in _WARNING.finditer(value):
            out.append(re.sub(r"\\(.)", r"\1", match.group(1)))
    return out


def send(kube: Kube, method: str, url: str, body: JSON) -> tuple[int, JSON, list[str]]:
    """One dry-run request: the status, the decoded body and the warnings of the response."""
    status, payload, headers = kube.exchange(method, url, body, params={"dryRun": "All"})
    return status, (json.loads(payload) if payload else {}), _warnings_of(headers.get_all("Warning") or [])


def ensure_namespaces(kube: Kube) -> None:
    for name in (CREATE_NS, UPDATE_NS):
        try:
            kube.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        except ApiError as error:
            if error.status != 409:
                raise


# ---------------------------------------------------------------------------
# Value pools: valid values and the invalid ones each rule family must catch.

DNS_LABELS = ["web", "a", "a-b", "0", "1abc", "x" * 63, "x" * 64, "Web", "-a", "a-", "a_b", "a.b", "", "é", "a b"]
SUBDOMAINS = [
    *DNS_LABELS,
    "a.b.c",
    "a..b",
    ".a",
    "a.",
    ("x" * 63 + ".") * 3 + "x" * 61,
    ("x" * 63 + ".") * 3 + "x" * 62,
]
LABEL_KEYS = [
    "app",
    "a.b/c",
    "example.com/x",
    "kubernetes.io/service-name",
    "endpointslice.kubernetes.io/managed-by",
    "a/b/c",
    "/a",
    "a/",
    "-a",
    "a-",
    "x" * 63,
    "x" * 64,
    "A.B/c",
    "a_b",
    "",
    "a b",
    "p" * 254 + "/a",
]
LABEL_VALUES = ["", "v", "v-1", "V.1_a", "x" * 63, "x" * 64, "-v", "v-", "v v", "v/v", "é"]
ANNOTATION_KEYS = [
    "note",
    "a.b/c",
    "a/b/c",
    "",
    "x" * 64,
    "A_b.c",
    "-a",
    "service.kubernetes.io/topology-mode",
    "service.kubernetes.io/topology-aware-hints",
    "service.beta.kubernetes.io/load-balancer-source-ranges",
]
IPV4 = [
    "10.0.0.1",
    "192.168.1.1",
    "1.2.3.4",
    "010.0.0.1",
    "10.0.0.01",
    "1.2.3",
    "999.1.1.1",
    "127.0.0.1",
    "0.0.0.0",  # noqa: S104  # A value to validate, not an address to bind.
    "169.254.1.1",
    "224.0.0.1",
    "224.0.0.251",
    "255.255.255.255",
    "::ffff:1.2.3.4",
    "fd00::1",
    "",
    "a.b.c.d",
    "10.0.0.1/24",
    " 10.0.0.1",
    "1.2.3.4.5",
    "100.64.0.1",
]
IPV6 = [
    "fd00::1",
    "2001:db8::1",
    "FD00::1",
    "fd00:0:0::1",
    "fd00:0000::1",
    "::1",
    "fe80::1",
    "ff02::1",
    "::",
    "ff05::1",
    "1.2.3.4",
    "::1.2.3.4",
    "::ffff:1.2.3.4",
    "2001:db8:0:0:1:0:0:1",
    "2001:db8::0:1",
    "fd00::1%eth0",
    "fd00::/64",
    "",
    "fd00:::1",
    "2001:db8:0:1:1:1:1:1",
    "2001:0db8::1",
]
FQDNS = [
    "db.example.com",
    "example.com.",
    "a.b",
    "com",
    "a..b",
    "A.b",
    "Db.Example.com",
    ("x" * 64) + ".com",
    "1.2.3.4",
    "-a.b",
    "a.b-",
    "",
    "a_b.c",
    "fd00::1",
    "x." * 120 + "x",
]
PORT_NAMES = [
    "",
    "http",
    "h",
    "http-2",
    "a" * 15,
    "a" * 16,
    "a" * 63,
    "a" * 64,
    "HTTP",
    "-h",
    "h-",
    "h_p",
    "8080",
    "h.p",
]
APP_PROTOCOLS = ["http", "kubernetes.io/h2c", "example.com/grpc", "a/b/c", "-x", "x" * 64, "HTTP", "k8s.io/ws", ""]
PROTOCOLS = ["TCP", "UDP", "SCTP", "tcp", "HTTP", ""]
PORT_NUMBERS = [1, 80, 443, 8080, 65535, 0, -1, 65536, 100000]
NODE_NAMES = ["node-1", "n", "node.a", "Node", "node_1", "", "-n", "x" * 254]
ZONES = ["zone-a", "z", "us-east-1a", "Z.a", "", "-z", "z z", "x" * 64]
HOSTNAMES = ["h", "host-1", "Host", "h.a", "", "-h", "x" * 64]


def _ensure(d: JSON, key: str, empty: Any) -> Any:
    # Stored objects carry `null` where a list or map is empty.
    if d.get(key) is None:
        d[key] = empty
    return d[key]


def pick(rng: random.Random, pool: list[Any]) -> Any:
    return rng.choice(pool)


def _rand_ipv4(rng: random.Random) -> str:
    return f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def _rand_ipv6(rng: random.Random) -> str:
    return f"fd00:{rng.randrange(1, 0xFFFF):x}::{rng.randrange(1, 0xFFFF):x}"


def _valid_address(rng: random.Random, address_type: str) -> str:
    if address_type == "IPv4":
        return _rand_ipv4(rng)
    if address_type == "IPv6":
        return _rand_ipv6(rng)
    return f"{rng.choice(['db', 'web', 'x1'])}{rng.randrange(100)}.example.com"


def _any_address(rng: random.Random, address_type: str) -> str:
    roll = rng.random()
    if roll < 0.6:
        return str(pick(rng, {"IPv4": IPV4, "IPv6": IPV6, "FQDN": FQDNS}.get(address_type, IPV4)))
    return str(pick(rng, IPV4 + IPV6 + FQDNS))


def _random_text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.ascii_lowercase + string.digits + "-._") for _ in range(n))


# ---------------------------------------------------------------------------
# EndpointSlices.


def _slice_endpoint(rng: random.Random, address_type: str) -> JSON:
    endpoint: JSON = {"addresses": [_valid_address(rng, address_type)]}
    if rng.random() < 0.5:
        endpoint["conditions"] = {"ready": rng.choice([True, False])}
    if rng.random() < 0.3:
        endpoint["nodeName"] = f"node-{rng.randrange(5)}"
    if rng.random() < 0.3:
        endpoint["zone"] = f"zone-{rng.choice('abc')}"
    if rng.random() < 0.2:
        endpoint["hints"] = {"forZones": [{"name": "zone-a"}]}
    return endpoint


def base_slice(rng: random.Random, name: str, namespace: str) -> JSON:
    address_type = rng.choice(["IPv4", "IPv4", "IPv6", "FQDN"])
    obj: JSON = {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {"name": name, "namespace": namespace},
        "addressType": address_type,
        "endpoints": [_slice_endpoint(rng, address_type) for _ in range(rng.randrange(0, 4))],
    }
    if rng.random() < 0.8:
        obj["ports"] = [{"name": f"p{i}", "port": 80 + i, "protocol": "TCP"} for i in range(rng.randrange(1, 3))]
    if rng.random() < 0.5:
        obj["metadata"]["labels"] = {"kubernetes.io/service-name": "web"}
    return obj


def _endpoints_list(obj: JSON, rng: random.Random) -> list[JSON]:
    eps = _ensure(obj, "endpoints", [])
    if not eps:
        eps.append(_slice_endpoint(rng, obj.get("addressType", "IPv4")))
    return eps  # type: ignore[no-any-return]


def _m_slice_address(obj: JSON, rng: random.Random) -> None:
    ep = rng.choice(_endpoints_list(obj, rng))
    addrs = ep["addresses"]
    new = _any_address(rng, obj.get("addressType", "IPv4"))
    if rng.random() < 0.5 and addrs:
        addrs[rng.randrange(len(addrs))] = new
    else:
        addrs.append(new)


def _m_slice_addresses_count(obj: JSON, rng: random.Random) -> None:
    ep = rng.choice(_endpoints_list(obj, rng))
    ep["addresses"] = [
        _valid_address(rng, obj.get("addressType", "IPv4")) for _ in range(rng.choice([0, 0, 99, 100, 101]))
    ]


def _m_slice_endpoint_count(obj: JSON, rng: random.Random) -> None:
    at = obj.get("addressType", "IPv4")
    n = rng.choice([1000, 1001])
    obj["endpoints"] = [{"addresses": [_valid_address(rng, at)]} for _ in range(n)]


def _m_slice_address_type(obj: JSON, rng: random.Random) -> None:
    value = rng.choice(["IPv4", "IPv6", "FQDN", "IP", "ipv4", "", "IPv5"])
    if rng.random() < 0.1:
        obj.pop("addressType", None)
    else:
        obj["addressType"] = value


def _m_slice_conditions(obj: JSON, rng: random.Random) -> None:
    ep = rng.choice(_endpoints_list(obj, rng))
    cond = {}
    for key in ("ready", "serving", "terminating"):
        if rng.random() < 0.6:
            cond[key] = rng.choice([True, False])
    ep["conditions"] = cond


def _m_slice_endpoint_fields(obj: JSON, rng: random.Random) -> None:
    ep = rng.choice(_endpoints_list(obj, rng))
    roll = rng.randrange(4)
    if roll == 0:
        ep["hostname"] = pick(rng, HOSTNAMES)
    elif roll == 1:
        ep["nodeName"] = pick(rng, NODE_NAMES)
    elif roll == 2:
        ep["zone"] = pick(rng, ZONES)
    else:
        ep["targetRef"] = {
            "kind": "Pod",
            "name": pick(rng, ["p", "P_x", ""]),
            "namespace": obj["metadata"]["namespace"],
        }


def _m_slice_hints(obj: JSON, rng: random.Random) -> None:
    ep = rng.choice(_endpoints_list(obj, rng))
    hints: JSON = {}
    if rng.random() < 0.7:
        n = rng.choice([0, 1, 2, 8, 9])
        zones = [pick(rng, ZONES) if rng.random() < 0.3 else f"zone-{k}" for k in range(n)]
        if n and rng.random() < 0.3:
            zones[-1] = zones[0]
        hints["forZones"] = [{"name": z} for z in zones]
    if rng.random() < 0.5:
        n = rng.choice([0, 1, 2, 8, 9])
        nodes = [pick(rng, NODE_NAMES) if rng.random() < 0.3 else f"node-{k}" for k in range(n)]
        if n and rng.random() < 0.3:
            nodes[-1] = nodes[0]
        hints["forNodes"] = [{"name": z} for z in nodes]
    ep["hints"] = hints


def _m_slice_ports(obj: JSON, rng: random.Random) -> None:
    ports = _ensure(obj, "ports", [])
    if not ports or rng.random() < 0.3:
        ports.append({"name": f"q{len(ports)}", "port": 90, "protocol": "TCP"})
    port = rng.choice(ports)
    roll = rng.randrange(6)
    if roll == 0:
        port["name"] = pick(rng, PORT_NAMES)
    elif roll == 1:
        port["port"] = pick(rng, PORT_NUMBERS)
    elif roll == 2:
        port["protocol"] = pick(rng, PROTOCOLS)
    elif roll == 3:
        port["appProtocol"] = pick(rng, APP_PROTOCOLS)
    elif roll == 4:
        ports.append(dict(port))  # a duplicate name
    else:
        for key in ("name", "port", "protocol"):
            if rng.random() < 0.5:
                port.pop(key, None)


def _m_slice_ports_count(obj: JSON, rng: random.Random) -> None:
    n = rng.choice([20000, 20001])
    obj["ports"] = [{"name": f"p{i}", "port": 1} for i in range(n)]


def _m_name(obj: JSON, rng: random.Random) -> None:
    pool = DNS_LABELS if obj["kind"] == "Service" else SUBDOMAINS
    obj["metadata"]["name"] = pick(rng, pool)


def _m_labels(obj: JSON, rng: random.Random) -> None:
    labels = _ensure(obj["metadata"], "labels", {})
    for _ in range(rng.randrange(1, 3)):
        labels[pick(rng, LABEL_KEYS)] = pick(rng, LABEL_VALUES)


def _m_annotations(obj: JSON, rng: random.Random) -> None:
    annotations = _ensure(obj["metadata"], "annotations", {})
    key = pick(rng, ANNOTATION_KEYS)
    roll = rng.random()
    if roll < 0.1:
        annotations[key] = "x" * rng.choice([262144 - len(key), 262145 - len(key)])
    elif key == "service.kubernetes.io/topology-mode":
        annotations[key] = rng.choice(["Auto", "auto", "Disabled", "", "x"])
    elif key == "service.beta.kubernetes.io/load-balancer-source-ranges":
        annotations[key] = rng.choice(["10.0.0.0/8", "10.0.0.0/8, 192.168.0.0/16", "bad", "", "10.0.0.1/8"])
    else:
        annotations[key] = _random_text(rng, rng.randrange(0, 10))


def _m_meta_misc(obj: JSON, rng: random.Random) -> None:
    meta = obj["metadata"]
    roll = rng.randrange(3)
    if roll == 0:
        meta["finalizers"] = [rng.choice(["example.com/f", "f", "a/b/c", "kubernetes", "x" * 64 + "/y"])]
    elif roll == 1:
        meta["generation"] = rng.choice([0, 1, -1])
    else:
        ref: JSON = {"apiVersion": "v1", "kind": "Service", "name": "web", "uid": "1234"}
        if rng.random() < 0.5:
            ref[rng.choice(["apiVersion", "kind", "name", "uid"])] = ""
        if rng.random() < 0.3:
            ref["controller"] = True
        meta["ownerReferences"] = [ref] * rng.choice([1, 1, 2])
        if len(meta["ownerReferences"]) == 2 and rng.random() < 0.5:
            meta["ownerReferences"] = [ref, {**ref, "uid": "5678"}]


SLICE_MUTATIONS: list[Callable[[JSON, random.Random], None]] = [
    _m_slice_address,
    _m_slice_address,
    _m_slice_address,
    _m_slice_addresses_count,
    _m_slice_address_type,
    _m_slice_conditions,
    _m_slice_endpoint_fields,
    _m_slice_hints,
    _m_slice_hints,
    _m_slice_ports,
    _m_slice_ports,
    _m_name,
    _m_labels,
    _m_annotations,
    _m_meta_misc,
]
RARE_SLICE_MUTATIONS = [_m_slice_endpoint_count, _m_slice_ports_count]


# ---------------------------------------------------------------------------
# Endpoints.


def _subset(rng: random.Random) -> JSON:
    subset: JSON = {}
    if rng.random() < 0.8:
        subset["addresses"] = [{"ip": _rand_ipv4(rng)} for _ in range(rng.randrange(1, 3))]
    if rng.random() < 0.3 or not subset:
        subset["notReadyAddresses"] = [{"ip": _rand_ipv4(rng)}]
    subset["ports"] = [{"name": f"p{i}", "port": 80 + i} for i in range(rng.randrange(1, 3))]
    return subset


def base_endpoints(rng: random.Random, name: str, namespace: str) -> JSON:
    return {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": name, "namespace": namespace},
        "subsets": [_subset(rng) for _ in range(rng.randrange(0, 3))],
    }


def _subsets(obj: JSON, rng: random.Random) -> list[JSON]:
    subsets = _ensure(obj, "subsets", [])
    if not subsets:
        subsets.append(_subset(rng))
    return subsets  # type: ignore[no-any-return]


def _m_ep_address(obj: JSON, rng: random.Random) -> None:
    subset = rng.choice(_subsets(obj, rng))
    key = rng.choice(["addresses", "notReadyAddresses"])
    addresses = subset.setdefault(key, [])
    address: JSON = {"ip": pick(rng, IPV4 + IPV6 + FQDNS[:3])}
    roll = rng.random()
    if roll < 0.2:
        address["hostname"] = pick(rng, HOSTNAMES)
    elif roll < 0.4:
        address["nodeName"] = pick(rng, NODE_NAMES)
    addresses.append(address)


def _m_ep_ports(obj: JSON, rng: random.Random) -> None:
    subset = rng.choice(_subsets(obj, rng))
    ports = _ensure(subset, "ports", [])
    if not ports or rng.random() < 0.3:
        ports.append({"name": f"q{len(ports)}", "port": 90})
    port = rng.choice(ports)
    roll = rng.randrange(5)
    if roll == 0:
        port["name"] = pick(rng, PORT_NAMES)
    elif roll == 1:
        port["port"] = pick(rng, PORT_NUMBERS)
    elif roll == 2:
        port["protocol"] = pick(rng, PROTOCOLS)
    elif roll == 3:
        port["appProtocol"] = pick(rng, APP_PROTOCOLS)
    else:
        port.pop("name", None)


def _m_ep_subset_shape(obj: JSON, rng: random.Random) -> None:
    subset = rng.choice(_subsets(obj, rng))
    roll = rng.randrange(3)
    if roll == 0:
        subset.pop("addresses", None)
        subset.pop("notReadyAddresses", None)
    elif roll == 1:
        subset.pop("ports", None)
    else:
        subset["addresses"] = []


ENDPOINTS_MUTATIONS: list[Callable[[JSON, random.Random], None]] = [
    _m_ep_address,
    _m_ep_address,
    _m_ep_ports,
    _m_ep_ports,
    _m_ep_subset_shape,
    _m_name,
    _m_labels,
    _m_annotations,
    _m_meta_misc,
]


# ---------------------------------------------------------------------------
# Services.

SVC_V4 = ["10.96.100.10", "10.96.100.11", "10.96.200.7"]
SVC_V6 = ["fd00:10:96::100", "fd00:10:96::a1"]
BAD_CLUSTER_IPS = ["None", "", "10.96.01.5", "fd00:10:96::0100", "1.2.3", "10.96.100.300", "FD00:10:96::100"]


def base_service(rng: random.Random, name: str, namespace: str) -> JSON:
    spec: JSON = {
        "ports": [{"name": f"p{i}", "port": 80 + i, "targetPort": 8080 + i} for i in range(rng.randrange(1, 3))]
    }
    if rng.random() < 0.7:
        spec["selector"] = {"app": "web"}
    roll = rng.random()
    if roll < 0.15:
        spec["type"] = "NodePort"
    elif roll < 0.25:
        spec["type"] = "LoadBalancer"
    elif roll < 0.35:
        spec["clusterIP"] = "None"
    if rng.random() < 0.2:
        spec["ipFamilyPolicy"] = rng.choice(["SingleStack", "PreferDualStack", "RequireDualStack"])
    if len(spec["ports"]) == 1 and rng.random() < 0.3:
        del spec["ports"][0]["name"]
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": namespace}, "spec": spec}


def _svc_ports(obj: JSON, rng: random.Random) -> list[JSON]:
    ports = _ensure(obj["spec"], "ports", [])
    if not ports:
        ports.append({"name": "x", "port": 70})
    return ports  # type: ignore[no-any-return]


def _m_svc_port(obj: JSON, rng: random.Random) -> None:
    ports = _svc_ports(obj, rng)
    port = rng.choice(ports)
    roll = rng.randrange(9)
    if roll == 0:
        port["name"] = pick(rng, PORT_NAMES)
    elif roll == 1:
        port["port"] = pick(rng, PORT_NUMBERS)
    elif roll == 2:
        port["protocol"] = pick(rng, PROTOCOLS)
    elif roll == 3:
        port["appProtocol"] = pick(rng, APP_PROTOCOLS)
    elif roll == 4:
        port["targetPort"] = rng.choice([0, 80, 65536, -1, "http", "8080", "HTTP", "h_p", "a" * 16, "", "a-", "1a"])
    elif roll == 5:
        port["nodePort"] = rng.choice([30080, 30081, 0, 70000, -1])
    elif roll == 6:
        # Without its node port: two ports with one node port are an allocator failure (HTTP 500), not validation.
        ports.append({k: x for k, x in port.items() if k != "nodePort"})
    elif roll == 7:
        ports.append({**{k: x for k, x in port.items() if k != "nodePort"}, "name": "other"})
    else:
        port.pop("name", None)
        if rng.random() < 0.5:
            ports.append({"port": 99})


def _m_svc_type(obj: JSON, rng: random.Random) -> None:
    obj["spec"]["type"] = rng.choice(["ClusterIP", "NodePort", "LoadBalancer", "ExternalName", "clusterip", "Foo", ""])
    if obj["spec"]["type"] == "ExternalName" and rng.random() < 0.7:
        obj["spec"]["externalName"] = rng.choice(
            ["db.example.com", "db", "Db.example.com", "", "a..b", "db.example.com."]
        )
        if rng.random() < 0.6:
            obj["spec"].pop("ports", None) if rng.random() < 0.5 else None
            obj["spec"].pop("selector", None)


def _m_svc_external_name(obj: JSON, rng: random.Random) -> None:
    obj["spec"]["externalName"] = rng.choice(["db.example.com", "db", "Db.example.com", "", "x" * 254, "1.2.3.4"])


def _m_svc_cluster_ip(obj: JSON, rng: random.Random) -> None:
    spec = obj["spec"]
    roll = rng.randrange(5)
    if roll == 0:
        spec["clusterIP"] = rng.choice(SVC_V4 + SVC_V6 + BAD_CLUSTER_IPS)
    elif roll == 1:
        n = rng.choice([1, 2, 2, 3])
        spec["clusterIPs"] = [rng.choice(SVC_V4 + SVC_V6 + BAD_CLUSTER_IPS) for _ in range(n)]
    elif roll == 2:
        ips = [rng.choice(SVC_V4), rng.choice(SVC_V6)]
        rng.shuffle(ips)
        spec["clusterIPs"] = ips
        spec["clusterIP"] = ips[0] if rng.random() < 0.8 else ips[1]
    elif roll == 3:
        spec["clusterIP"] = "None"
        spec["clusterIPs"] = rng.choice([["None"], ["None", "10.96.100.10"], ["None", "None"]])
    else:
        spec.pop("clusterIP", None)
        spec.pop("clusterIPs", None)


def _m_svc_families(obj: JSON, rng: random.Random) -> None:
    spec = obj["spec"]
    if rng.random() < 0.6:
        spec["ipFamilies"] = [
            rng.choice(["IPv4", "IPv6", "IPv5", "ipv4", ""]) for _ in range(rng.choice([0, 1, 2, 2, 3]))
        ]
    if rng.random() < 0.6:
        spec["ipFamilyPolicy"] = rng.choice(["SingleStack", "PreferDualStack", "RequireDualStack", "Foo", ""])


def _m_svc_selector(obj: JSON, rng: random.Random) -> None:
    selector = _ensure(obj["spec"], "selector", {})
    selector[pick(rng, LABEL_KEYS)] = pick(rng, LABEL_VALUES)


def _m_svc_affinity(obj: JSON, rng: random.Random) -> None:
    spec = obj["spec"]
    spec["sessionAffinity"] = rng.choice(["None", "ClientIP", "clientip", ""])
    if rng.random() < 0.6:
        spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": rng.choice([1, 10800, 86400, 86401, 0, -1])}}


def _m_svc_traffic(obj: JSON, rng: random.Random) -> None:
    spec = obj["spec"]
    roll = rng.randrange(4)
    if roll == 0:
        spec["trafficDistribution"] = rng.choice(
            ["PreferClose", "PreferSameZone", "PreferSameNode", "preferclose", "", "Any"]
        )
    elif roll == 1:
        spec["internalTrafficPolicy"] = rng.choice(["Cluster", "Local", "local", ""])
    elif roll == 2:
        spec["externalTrafficPolicy"] = rng.choice(["Cluster", "Local", "local", ""])
    else:
        spec["publishNotReadyAddresses"] = rng.choice([True, False])


def _m_svc_external_ips(obj: JSON, rng: random.Random) -> None:
    spec = obj["spec"]
    roll = rng.randrange(4)
    if roll == 0:
        spec["externalIPs"] = [
            rng.choice(["1.2.3.4", "fd00::5", "0.0.0.0", "127.0.0.1", "bad", "010.1.1.1", "224.0.0.1"])  # noqa: S104  # Values to validate.
        ]
    elif roll == 1:
        spec["loadBalancerSourceRanges"] = [rng.choice(["10.0.0.0/8", "10.0.0.1/8", "bad", "fd00::/8", " 10.0.0.0/8"])]
    elif roll == 2:
        spec["loadBalancerClass"] = rng.choice(["example.com/lb", "lb", "a/b/c", ""])
    else:
        spec["allocateLoadBalancerNodePorts"] = rng.choice([True, False])


SERVICE_MUTATIONS: list[Callable[[JSON, random.Random], None]] = [
    _m_svc_port,
    _m_svc_port,
    _m_svc_type,
    _m_svc_external_name,
    _m_svc_cluster_ip,
    _m_svc_cluster_ip,
    _m_svc_families,
    _m_svc_families,
    _m_svc_selector,
    _m_svc_affinity,
    _m_svc_traffic,
    _m_svc_traffic,
    _m_svc_external_ips,
    _m_name,
    _m_labels,
    _m_annotations,
    _m_meta_misc,
]

BASES = {"EndpointSlice": base_slice, "Endpoints": base_endpoints, "Service": base_service}
MUTATIONS = {"EndpointSlice": SLICE_MUTATIONS, "Endpoints": ENDPOINTS_MUTATIONS, "Service": SERVICE_MUTATIONS}


# ---------------------------------------------------------------------------
# Cases.


@dataclass
class Case:
    seed: int
    kind: str
    update: bool
    obj: JSON
    old: JSON | None = None
    mutations: list[str] = field(default_factory=list)


def _mutate(obj: JSON, rng: random.Random, kind: str, names: list[str], *, allow_rename: bool) -> None:
    pool = MUTATIONS[kind]
    for _ in range(rng.choice([0, 1, 1, 1, 2, 2, 3])):
        mutation = rng.choice(pool)
        if kind == "EndpointSlice" and rng.random() < 0.01:
            mutation = rng.choice(RARE_SLICE_MUTATIONS)
        if mutation is _m_name and not allow_rename:
            continue
        mutation(obj, rng)
        names.append(mutation.__name__)


def make_case(seed: int) -> Case:
    """The case of *seed*; an update case's ``old`` is the object to create for real first."""
    rng = random.Random(seed)  # noqa: S311  # Seeded test data, not secrets.
    kind = rng.choice(["EndpointSlice", "EndpointSlice", "Endpoints", "Service", "Service"])
    update = rng.random() < 0.33
    if update:
        old = BASES[kind](rng, f"u{seed}", UPDATE_NS)
        return Case(seed, kind, True, obj={}, old=old)
    obj = BASES[kind](rng, rng.choice(["x", "web-1", "db"]), CREATE_NS)
    case = Case(seed, kind, False, obj=obj)
    _mutate(obj, rng, kind, case.mutations, allow_rename=True)
    return case


def mutate_stored(case: Case, stored: JSON) -> JSON:
    """The update of *case*: a mutation of what the apiserver stored for its old object."""
    rng = random.Random(case.seed ^ 0x5EED)  # noqa: S311  # Seeded test data, not secrets.
    obj = copy.deepcopy(stored)
    obj.pop("status", None) if rng.random() < 0.5 else None
    _mutate(obj, rng, case.kind, case.mutations, allow_rename=False)
    if rng.random() < 0.05:
        obj["metadata"].pop("resourceVersion", None)
        case.mutations.append("drop resourceVersion")
    if case.kind == "Service" and rng.random() < 0.2:
        # A client that does not send the allocated IPs back, as `kubectl replace` of a manifest.
        obj["spec"].pop("clusterIP", None)
        obj["spec"].pop("clusterIPs", None)
        case.mutations.append("drop clusterIPs")
    return obj


# ---------------------------------------------------------------------------
# Judging.


@dataclass
class Verdict:
    message: str | None  # None: accepted
    warnings: list[str]
    errors: list[str] = field(default_factory=list, compare=False)  # ours: each error's text


# Go walks a map in random order, so the apiserver lists the errors of one map field (labels,
# annotations, a selector) in any order; docs/differences.md: ours follow the sorted keys.
MAP_PATHS = ("metadata.labels", "metadata.annotations", "spec.selector")

# Warnings the request handler adds before any rule runs: a refused request carries these only,
# while `warnings` also gives the object's own (docs/differences.md).
REQUEST_WARNINGS = ("v1 Endpoints is deprecated", ".metadata.ownerReferences contains duplicate entries")


def _map_path(text: str) -> str | None:
    path = text.partition(": ")[0]
    return path if path in MAP_PATHS else None


def _runs_sorted(texts: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(texts):
        j = i + 1
        key = _map_path(texts[i])
        while key is not None and j < len(texts) and _map_path(texts[j]) == key:
            j += 1
        out += sorted(texts[i:j])
        i = j
    return out


def _split_like(message: str, head: str, texts: list[str]) -> list[str] | None:
    """The apiserver's *message* cut into our error *texts*, in its order; None if it is not made of them."""
    if not message.startswith(head):
        return None
    rest = message[len(head) :]
    if len(texts) > 1:
        if not (rest.startswith("[") and rest.endswith("]")):
            return None
        rest = rest[1:-1]
    order: list[str] = []
    remaining = list(texts)
    while remaining:
        for text in sorted(remaining, key=len, reverse=True):
            if rest.startswith(text) and (len(rest) == len(text) or rest[len(text) :].startswith(", ")):
                order.append(text)
                remaining.remove(text)
                rest = rest[len(text) + 2 :]
                break
        else:
            return None
    return order if not rest else None


_ALLOCATED_NODE_PORT = re.compile(r"spec\.ports\[\d+\]\.nodePort: Duplicate value: \d+")


def _without_allocated_node_ports(message: str, obj: JSON) -> str | None:
    """*message* without the node-port duplicates of ports that sent no node port; None if that leaves nothing.

    The registry allocates node ports before validation, one per port number, so two ports of
    one number share a random node port that validation then reports (docs/differences.md).
    """
    sent = {p.get("nodePort") for p in (obj.get("spec") or {}).get("ports") or [] if p.get("nodePort")}
    head, sep, rest = message.partition(" is invalid: ")
    bracketed = rest.startswith("[") and rest.endswith("]")
    items = rest[1:-1].split(", ") if bracketed else [rest]
    kept = [i for i in items if not (_ALLOCATED_NODE_PORT.fullmatch(i) and int(i.rpartition(" ")[2]) not in sent)]
    if len(kept) == len(items):
        return message
    if not kept:
        return None
    # Only splits at ", " that are not inside an error text survive a rejoin unchanged, so rejoin as split.
    body = ", ".join(kept)
    return f"{head}{sep}[{body}]" if len(kept) > 1 else f"{head}{sep}{body}"


def _request_warnings(ours: Verdict) -> list[str]:
    return [w for w in ours.warnings if w.startswith(REQUEST_WARNINGS)]


def equivalent(apiserver: Verdict, ours: Verdict, obj: JSON | None = None) -> bool:
    """Equal, up to the order of one map field's errors, node ports the registry allocated, and
    the warnings a refusal does not carry."""
    if apiserver.message is not None and obj is not None and obj.get("kind") == "Service":
        stripped = _without_allocated_node_ports(apiserver.message, obj)
        if stripped is None:
            # Refused for an allocated node port alone: the refusal carries request warnings only.
            return ours.message is None and apiserver.warnings == _request_warnings(ours)
        apiserver = Verdict(stripped, apiserver.warnings)
    if (apiserver.message is None) != (ours.message is None):
        return False
    if ours.message is None:
        return apiserver.warnings == ours.warnings
    if apiserver.warnings != _request_warnings(ours):
        return False
    if apiserver.message == ours.message:
        return True
    assert apiserver.message is not None
    head = ours.message.partition(" is invalid: ")[0] + " is invalid: "
    order = _split_like(apiserver.message, head, ours.errors)
    return order is not None and _runs_sorted(order) == _runs_sorted(ours.errors)


@dataclass
class Outcome:
    case: Case
    apiserver: Verdict | None = None
    ours: Verdict | None = None
    note: str = ""  # why a case was not compared (its old object was refused, an allocation conflict)

    @property
    def agrees(self) -> bool:
        if self.note:
            return True
        assert self.apiserver is not None
        assert self.ours is not None
        return equivalent(self.apiserver, self.ours, self.case.obj)

    def report(self) -> str:
        lines = [
            (
                f"seed {self.case.seed}: {self.case.kind} {'update' if self.case.update else 'create'}"
                f" after {self.case.mutations}"
            ),
            f"  replay: python tests/kube/validation_diff.py --seed {self.case.seed}",
        ]
        if self.case.old is not None:
            lines.append(f"  old: {json.dumps(self.case.old, sort_keys=True)[:4000]}")
        lines.append(f"  object: {json.dumps(self.case.obj, sort_keys=True)[:4000]}")
        lines.append(f"  apiserver: {self.apiserver}")
        lines.append(f"  ours:      {self.ours}")
        return "\n".join(lines)


def our_verdict(obj: JSON, old: JSON | None) -> Verdict:
    try:
        model = from_dict(obj)
        old_model = None if old is None else from_dict(old)
    except EndpointSliceError as error:
        return Verdict(f"load error: {error}", [])
    errors = validate(model, old=old_model)  # type: ignore[arg-type]
    message = status_message(model, errors) if errors else None  # type: ignore[arg-type]
    texts = list(dict.fromkeys(str(e) for e in errors))
    return Verdict(message, warnings(model, old=old_model), texts)  # type: ignore[arg-type]


def _api_verdict(status: int, body: JSON, warns: list[str]) -> Verdict:
    if 200 <= status < 300:
        return Verdict(None, warns)
    if status == 422:
        return Verdict(str(body.get("message")), warns)
    return Verdict(f"HTTP {status}: {body.get('message')}", warns)


def run_case(kube: Kube, seed: int) -> Outcome:
    case = make_case(seed)
    outcome = Outcome(case)
    if case.update:
        assert case.old is not None
        try:
            stored = kube.create(case.old)
        except ApiError as error:
            outcome.note = f"old object refused: {error.message}"
            return outcome
        try:
            case.obj = mutate_stored(case, stored)
            meta = stored["metadata"]
            url = path(case.kind, meta["namespace"], meta["name"])
            outcome.apiserver = _api_verdict(*send(kube, "PUT", url, case.obj))
            outcome.ours = our_verdict(case.obj, stored)
            case.old = stored
        finally:
            try:
                kube.delete(case.kind, UPDATE_NS, stored["metadata"]["name"])
            except ApiError as error:
                # The Endpoints controller may remove an Endpoints object without a Service first.
                if error.status != 404:
                    raise
    else:
        url = path(case.kind, CREATE_NS)
        outcome.apiserver = _api_verdict(*send(kube, "POST", url, case.obj))
        outcome.ours = our_verdict(case.obj, None)
    message = "" if outcome.apiserver is None else outcome.apiserver.message or ""
    if case.update and message.startswith("HTTP 404"):
        # The Endpoints controller removed the old Endpoints object (it has no Service) first.
        outcome.note = f"old object gone: {message}"
    elif message.startswith("HTTP 500") and "duplicate nodePort" in message:
        # An update whose two ports of one number and protocol both keep the old object's node
        # port: the allocator fails (HTTP 500) before validation runs, so there is no verdict to
        # compare with ours (which reports the duplicate; docs/differences.md).
        outcome.note = f"allocator failure: {message}"
    elif "is already allocated" in message:
        # A node port or cluster IP that an update case's live old object holds at this moment:
        # cluster state, which validation does not see (docs/differences.md).
        outcome.note = f"allocation conflict: {message}"
    elif case.kind == "Service" and _allocated_address(message, case):
        # An IP the allocator just picked (say, the second family of an upgrade to dual-stack)
        # shows in the answer; it depends on the cluster's Service CIDRs (docs/differences.md).
        outcome.note = f"allocated address in the answer: {message}"
    return outcome


_SERVICE_CIDR_ADDRESS = re.compile(r"10\.96\.\d+\.\d+|fd00:10:96:[0-9a-f:]*")


def _allocated_address(message: str, case: Case) -> bool:
    sent = json.dumps([case.obj, case.old])
    return any(ip not in sent for ip in _SERVICE_CIDR_ADDRESS.findall(message))


@dataclass
class Tally:
    compared: int = 0
    agreed: int = 0
    accepted: int = 0
    refused: int = 0
    updates: int = 0
    skipped: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    failures: list[Outcome] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        if outcome.note:
            self.skipped += 1
            return
        self.compared += 1
        self.by_kind[outcome.case.kind] = self.by_kind.get(outcome.case.kind, 0) + 1
        self.updates += outcome.case.update
        assert outcome.apiserver is not None
        if outcome.apiserver.message is None:
            self.accepted += 1
        else:
            self.refused += 1
        if outcome.agrees:
            self.agreed += 1
        else:
            self.failures.append(outcome)

    def summary(self) -> str:
        share = 100.0 * self.agreed / self.compared if self.compared else 0.0
        return (
            f"{self.compared} objects compared ({self.by_kind}; {self.updates} updates;"
            f" {self.accepted} accepted, {self.refused} refused by the apiserver; {self.skipped} not compared:"
            f" an update's old object refused, or an allocation conflict): {self.agreed} agree ({share:.3f}%)"
        )


def run(
    kube: Kube, seeds: Iterable[int], *, workers: int = 4, on_outcome: Callable[[Outcome], None] | None = None
) -> Tally:
    ensure_namespaces(kube)
    tally = Tally()
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for outcome in pool.map(lambda s: run_case(kube, s), seeds):
            tally.add(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="how many cases (default 1000)")
    parser.add_argument("--start", type=int, default=0, help="the first seed (default 0)")
    parser.add_argument("--seed", type=int, help="replay this one case and print both sides")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--show", type=int, default=20, help="print at most this many disagreements")
    args = parser.parse_args(argv)

    from kube.build import built
    from kube.cluster import ControlPlane

    folder = built()
    if folder is None:
        print("control plane not built: run python tests/kube/build.py", file=sys.stderr)
        return 2
    plane = ControlPlane(folder)
    kube = plane.start()
    try:
        if args.seed is not None:
            ensure_namespaces(kube)
            outcome = run_case(kube, args.seed)
            print(outcome.report())
            print("agree" if outcome.agrees else "DISAGREE")
            return 0 if outcome.agrees else 1
        started = time.monotonic()
        shown = 0

        def progress(outcome: Outcome) -> None:
            nonlocal shown
            if not outcome.agrees and shown < args.show:
                shown += 1
                print(outcome.report(), flush=True)

        seeds = range(args.start, args.start + args.count)
        tally = Tally()
        # In chunks, so that progress is printed while a long run goes on.
        for chunk in range(args.start, args.start + args.count, 5000):
            part = run(
                kube, seeds[chunk - args.start : chunk - args.start + 5000], workers=args.workers, on_outcome=progress
            )
            for name in ("compared", "agreed", "accepted", "refused", "updates", "skipped"):
                setattr(tally, name, getattr(tally, name) + getattr(part, name))
            for kind, n in part.by_kind.items():
                tally.by_kind[kind] = tally.by_kind.get(kind, 0) + n
            tally.failures += part.failures
            print(f"[{time.monotonic() - started:.0f} s] {tally.summary()}", flush=True)
        print(tally.summary())
        return 0 if not tally.failures else 1
    finally:
        plane.stop()


if __name__ == "__main__":
    sys.exit(main())
