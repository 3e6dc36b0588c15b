"""Structure-aware fuzz inputs for the loader and validator, and the pipeline they must survive.

`documents` draws YAML or JSON text shaped like EndpointSlices, Endpoints,
Services and lists of them, with plausible values mixed with hostile ones:
wrong JSON types, unknown fields, odd Unicode, near-miss IP addresses,
deep nesting, and occasional damage to the text itself. `pipeline` runs
such text through everything ``endpointslice validate`` does; the only
exception it may raise is the loader's documented `LoadError`.

Shared by ``tests/test_validation.py`` (few examples) and
``benchmarks/fuzz_validate.py`` (100 000 examples).
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import strategies as st

from endpointslice import Endpoints, EndpointSlice, LoadError, Service, io, validate
from endpointslice.checks import api_findings, run_checks
from endpointslice.validation import KubeVersion, warnings

__all__ = ["documents", "pipeline"]

# Keys are any text: brackets and dots in unknown keys once broke error positions
# (`test_validation.py::test_loader_survives_brackets_in_unknown_keys`).
key_texts = st.text(max_size=8)
json_scalars = (
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=12)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(key_texts, inner, max_size=4),
    max_leaves=12,
)

near_ips = st.sampled_from(
    [
        "10.0.0.1",
        "010.0.0.1",
        "999.1.1.1",
        "1.2.3",
        "::1",
        "::ffff:1.2.3.4",
        "2001:DB8::1",
        "2001:db8::1",
        "fe80::1%eth0",
        "0.0.0.0",  # noqa: S104  # An address under test, not a bind address.
        "::",
        "1:2:3:4:5:6:7:8:9",
        "1::2::3",
        ":::",
        "a.b.c.d",
        "00000000001.2.3.4",
        "::1.2.3.4",
        "[::1]",
        "",
    ]
)
names = st.sampled_from(["web", "web-1", "", "-bad-", "Web", "a" * 70, "a.b", "x/y", "é", "..", "web-"]) | st.text(
    max_size=10
)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the plausible value, sometimes any JSON value at all."""
    return st.one_of(strategy, strategy, strategy, json_values)


def fields(required: dict[str, st.SearchStrategy[Any]], extra: bool = True) -> st.SearchStrategy[dict[str, Any]]:
    """A dict with any subset of the given fields, and sometimes an unknown one."""
    keys = st.fixed_dictionaries({}, optional={k: maybe(v) for k, v in required.items()})
    if not extra:
        return keys
    return st.tuples(keys, st.dictionaries(key_texts, json_values, max_size=1)).map(lambda t: {**t[1], **t[0]})


meta = fields(
    {
        "name": names,
        "generateName": names,
        "namespace": names,
        "resourceVersion": st.text(max_size=3),
        "labels": st.dictionaries(names, names, max_size=3),
        "annotations": st.dictionaries(names, st.text(max_size=20), max_size=3),
        "ownerReferences": st.lists(
            fields({"apiVersion": names, "kind": names, "name": names, "uid": names, "controller": st.booleans()}),
            max_size=2,
        ),
        "generation": st.integers(-2, 2),
    }
)
protocols = st.sampled_from(["TCP", "UDP", "SCTP", "tcp", "", "HTTP"])
ports = st.integers(-1, 70000)
endpoint = fields(
    {
        "addresses": st.lists(near_ips | names, max_size=4),
        "conditions": fields({"ready": st.booleans(), "serving": st.booleans(), "terminating": st.booleans()}),
        "hostname": names,
        "nodeName": names,
        "zone": names,
        "hints": fields(
            {
                "forZones": st.lists(fields({"name": names}), max_size=10),
                "forNodes": st.lists(fields({"name": names}), max_size=10),
            }
        ),
        "targetRef": fields({"kind": names, "name": names}),
    }
)
endpoint_slice = st.fixed_dictionaries(
    {"apiVersion": st.just("discovery.k8s.io/v1"), "kind": st.just("EndpointSlice")},
    optional={
        "metadata": maybe(meta),
        "addressType": maybe(st.sampled_from(["IPv4", "IPv6", "FQDN", "IP", "", "ipv4"])),
        "endpoints": maybe(st.lists(endpoint, max_size=4)),
        "ports": maybe(
            st.lists(
                fields({"name": names, "protocol": protocols, "port": ports, "appProtocol": names}),
                max_size=4,
            )
        ),
    },
)
address = fields({"ip": near_ips, "hostname": names, "nodeName": names})
endpoints = st.fixed_dictionaries(
    {"apiVersion": st.just("v1"), "kind": st.just("Endpoints")},
    optional={
        "metadata": maybe(meta),
        "subsets": maybe(
            st.lists(
                fields(
                    {
                        "addresses": st.lists(address, max_size=3),
                        "notReadyAddresses": st.lists(address, max_size=2),
                        "ports": st.lists(fields({"name": names, "port": ports, "protocol": protocols}), max_size=3),
                    }
                ),
                max_size=3,
            )
        ),
    },
)
service = st.fixed_dictionaries(
    {"apiVersion": st.just("v1"), "kind": st.just("Service")},
    optional={
        "metadata": maybe(meta),
        "spec": maybe(
            fields(
                {
                    "type": st.sampled_from(["ClusterIP", "NodePort", "LoadBalancer", "ExternalName", "Foo", ""]),
                    "clusterIP": near_ips | st.just("None"),
                    "clusterIPs": st.lists(near_ips | st.just("None"), max_size=3),
                    "ipFamilies": st.lists(st.sampled_from(["IPv4", "IPv6", "IPv5"]), max_size=3),
                    "ipFamilyPolicy": st.sampled_from(["SingleStack", "PreferDualStack", "DualStack"]),
                    "selector": st.dictionaries(names, names, max_size=2),
                    "externalName": names,
                    "externalIPs": st.lists(near_ips, max_size=2),
                    "trafficDistribution": st.sampled_from(["PreferClose", "PreferSameNode", "Nowhere"]),
                    "ports": st.lists(
                        fields(
                            {
                                "name": names,
                                "port": ports,
                                "protocol": protocols,
                                "targetPort": ports | names,
                                "nodePort": ports,
                            }
                        ),
                        max_size=3,
                    ),
                }
            )
        ),
    },
)
objects = st.one_of(endpoint_slice, endpoints, service)
lists = st.builds(lambda items: {"apiVersion": "v1", "kind": "List", "items": items}, st.lists(objects, max_size=3))


@st.composite
def documents(draw: st.DrawFn) -> str:
    """YAML or JSON text of one to three documents, occasionally damaged."""
    docs = draw(st.lists(st.one_of(objects, objects, lists, json_values), min_size=1, max_size=3))
    if draw(st.booleans()):
        text = "\n---\n".join(yaml.safe_dump(d, allow_unicode=draw(st.booleans())) for d in docs)
    else:
        text = json.dumps(docs[0], ensure_ascii=draw(st.booleans()))
    damage = draw(st.sampled_from(["none", "none", "none", "truncate", "insert", "nest"]))
    if damage == "truncate":
        text = text[: draw(st.integers(0, len(text)))]
    elif damage == "insert":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(["\t", ":", "- ", "{", "&a ", "*a", "\x00", "\ufeff", "]"])) + text[at:]
    elif damage == "nest":
        depth = draw(st.integers(1, 3000))
        text = "[" * depth + "]" * depth
    return text


def pipeline(text: str) -> int:
    """Everything ``endpointslice validate`` does with *text*; returns how many findings it made."""
    try:
        docs = io.load_documents(text, keep_other_kinds=True)
    except LoadError:
        return 0
    objs = io.flatten([d.object for d in docs])
    count = 0
    for obj in objs:
        for d in docs:
            d.locate(("metadata", "name"))
        count += len(api_findings(obj, version=KubeVersion.V1_35))
        count += len(api_findings(obj))
        if isinstance(obj, (EndpointSlice, Endpoints, Service)):
            for other in objs:
                if isinstance(other, (EndpointSlice, Endpoints, Service)) and type(other) is type(obj):
                    count += len(validate(obj, old=other))
                    count += len(warnings(obj, old=other))
    return count + len(run_checks(objs))
