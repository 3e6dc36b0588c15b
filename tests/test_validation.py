"""Apiserver-equivalent validation: table cases ported from upstream's own tests, plus properties.

The EndpointSlice tables follow ``pkg/apis/discovery/validation/validation_test.go``
(TestValidateEndpointSlice, ...Create, ...Update); the Endpoints, endpoint-IP and
Service tables follow ``pkg/apis/core/validation/validation_test.go``. Upstream asserts
error counts; here every case asserts the full rendered strings, in order.
"""

# The model constructors accept lists and dicts and normalise them to tuples and FrozenDicts;
# the tables below read better with list literals, which mypy would flag as arg-type errors.
# mypy: disable-error-code="arg-type"

from __future__ import annotations

from typing import Any

import attrs
import fuzz_documents
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from endpointslice import (
    Endpoint,
    EndpointAddress,
    EndpointHints,
    EndpointPort,
    Endpoints,
    EndpointSlice,
    EndpointsPort,
    EndpointSubset,
    ForNode,
    ForZone,
    ObjectMeta,
    Service,
    ServicePort,
    ServiceSpec,
)
from endpointslice.validation import (
    ErrorType,
    FieldError,
    KubeVersion,
    UnsupportedKindError,
    validate,
    validate_endpoint_slice,
    validate_endpoints,
    validate_service,
    warnings,
)

DNS_LABEL = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
    "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
DNS_SUBDOMAIN = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
DNS1035 = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
    "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for "
    "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)
NAME_PART = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
LABEL_VALUE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used "
    "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
BAD_IP = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
PROTOCOLS = 'supported values: "SCTP", "TCP", "UDP"'

META = {"name": "hello", "namespace": "world"}
A0 = "endpoints[0].addresses[0]: Invalid value: "
A1 = "endpoints[0].addresses[1]: Invalid value: "
ST = "spec.type: Unsupported value: "


def ips(n: int) -> list[str]:
    """Upstream's generateIPAddresses: 10.1.2.0, 10.1.2.1, ..."""
    return [f"10.1.2.{i % 255}" for i in range(n)]


def es(
    *,
    address_type: str = "IPv4",
    endpoints: list[dict[str, Any]] | None = None,
    ports: list[dict[str, Any]] | None = None,
    meta: dict[str, Any] | None = None,
) -> EndpointSlice:
    """An EndpointSlice in upstream's standard shape (one port ``http``/TCP unless given)."""
    return EndpointSlice(
        metadata=ObjectMeta(**(META if meta is None else meta)),
        address_type=address_type,
        ports=[EndpointPort(**p) for p in ([{"name": "http", "protocol": "TCP"}] if ports is None else ports)],
        endpoints=None if endpoints is None else [Endpoint(**e) for e in endpoints],
    )


def ep(addresses: list[str], **kw: Any) -> dict[str, Any]:
    return {"addresses": addresses, **kw}


# ---------------------------------------------------------------------------
# TestValidateEndpointSlice (create, with the StrictIPCIDRValidation gate as upstream sets it).

SLICE_CASES: list[tuple[str, EndpointSlice, dict[str, Any], list[str]]] = [
    ("good-slice", es(endpoints=[ep(ips(1), hostname="valid-123")]), {}, []),
    ("good-ipv6", es(address_type="IPv6", endpoints=[ep(["a00:100::4"], hostname="valid-123")]), {}, []),
    (
        "good-fqdns",
        es(
            address_type="FQDN",
            endpoints=[
                ep(["foo.example.com", "example.com", "example.com.", "hyphens-are-good.example.com"], hostname="v")
            ],
        ),
        {},
        [],
    ),
    (
        "all-protocols",
        es(
            ports=[
                {"name": "tcp", "protocol": "TCP"},
                {"name": "udp", "protocol": "UDP"},
                {"name": "sctp", "protocol": "SCTP"},
            ],
            endpoints=[ep(ips(1))],
        ),
        {},
        [],
    ),
    (
        "app-protocols",
        es(
            ports=[
                {"name": "one", "protocol": "TCP", "app_protocol": "HTTP"},
                {"name": "two", "protocol": "TCP", "app_protocol": "https"},
                {"name": "three", "protocol": "TCP", "app_protocol": "my-protocol"},
                {"name": "four", "protocol": "TCP", "app_protocol": "example.com/custom-protocol"},
            ],
            endpoints=[ep(ips(1))],
        ),
        {},
        [],
    ),
    (
        "empty-port-name",
        es(ports=[{"name": "", "protocol": "TCP"}, {"name": "http", "protocol": "TCP"}], endpoints=[ep(ips(1))]),
        {},
        [],
    ),
    ("long-port-name", es(ports=[{"name": "a" * 63, "protocol": "TCP"}], endpoints=[ep(ips(1))]), {}, []),
    ("empty-ports-and-endpoints", es(ports=[], endpoints=[]), {}, []),
    (
        "max-endpoints",
        es(ports=[{"name": "http-0", "protocol": "TCP"}], endpoints=[ep([a]) for a in ips(1000)]),
        {},
        [],
    ),
    ("max-ports", es(ports=[{"name": f"http-{i}", "protocol": "TCP"} for i in range(20000)]), {}, []),
    ("max-addresses", es(endpoints=[ep(ips(100))]), {}, []),
    (
        "valid-hints",
        es(
            endpoints=[
                ep(ips(1), hints=EndpointHints(for_zones=[ForZone(name="zone-a")], for_nodes=[ForNode(name="node-1")]))
            ]
        ),
        {},
        [],
    ),
    (
        "legacy-ip-with-legacy-validation",
        es(endpoints=[ep(["012.034.056.078"], hostname="valid-123")]),
        {"strict_ip": False},
        [],
    ),
    (
        "duplicate-port-name",
        es(ports=[{"name": "", "protocol": "TCP"}, {"name": "", "protocol": "TCP"}], endpoints=[]),
        {},
        ['ports[1].name: Duplicate value: ""'],
    ),
    (
        "bad-port-name-caps",
        es(ports=[{"name": "aCapital", "protocol": "TCP"}], endpoints=[]),
        {},
        [f'ports[0].name: Invalid value: "aCapital": {DNS_LABEL}'],
    ),
    (
        "bad-port-name-chars",
        es(ports=[{"name": "almost_valid", "protocol": "TCP"}], endpoints=[]),
        {},
        [f'ports[0].name: Invalid value: "almost_valid": {DNS_LABEL}'],
    ),
    (
        "bad-port-name-length",
        es(ports=[{"name": "a" * 64, "protocol": "TCP"}], endpoints=[]),
        {},
        [f'ports[0].name: Invalid value: "{"a" * 64}": must be no more than 63 characters'],
    ),
    (
        "invalid-port-protocol",
        es(ports=[{"name": "http", "protocol": "foo"}]),
        {},
        [f'ports[0].protocol: Unsupported value: "foo": {PROTOCOLS}'],
    ),
    (
        "too-many-ports",
        es(ports=[{"name": f"http-{i}", "protocol": "TCP"} for i in range(20001)]),
        {},
        ["ports: Too many: 20001: must have at most 20000 items"],
    ),
    (
        "too-many-endpoints",
        es(ports=[{"name": "http-0", "protocol": "TCP"}], endpoints=[ep([a]) for a in ips(1001)]),
        {},
        ["endpoints: Too many: 1001: must have at most 1000 items"],
    ),
    (
        "no-endpoint-addresses",
        es(endpoints=[ep([])]),
        {"version": "1.36"},
        ["endpoints[0].addresses: Required value: must contain at least 1 address"],
    ),
    (
        "too-many-addresses",
        es(endpoints=[ep(ips(101))]),
        {},
        ["endpoints[0].addresses: Too many: 101: must have at most 100 items"],
    ),
    (
        "bad-hostname",
        es(endpoints=[ep(ips(1), hostname="--INVALID")]),
        {},
        [f'endpoints[0].hostname: Invalid value: "--INVALID": {DNS_LABEL}'],
    ),
    (
        "bad-meta",
        es(meta={"name": "*&^", "namespace": "foo"}, endpoints=[ep(ips(1), hostname="valid-123")]),
        {},
        [f'metadata.name: Invalid value: "*&^": {DNS_SUBDOMAIN}'],
    ),
    (
        "bad-ip",
        es(endpoints=[ep(["123.456.789.012"], hostname="valid-123")]),
        {},
        [f'endpoints[0].addresses[0]: Invalid value: "123.456.789.012": {BAD_IP}'],
    ),
    (
        "legacy-ip-with-strict-validation",
        es(endpoints=[ep(["012.034.056.078"], hostname="valid-123")]),
        {},
        ['endpoints[0].addresses[0]: Invalid value: "012.034.056.078": must not have leading 0s'],
    ),
    (
        "bad-ipv4",
        es(endpoints=[ep(["123.456.789.012", "2001:4860:4860::8888"], hostname="valid-123")]),
        {},
        [
            f'endpoints[0].addresses[0]: Invalid value: "123.456.789.012": {BAD_IP}',
            'endpoints[0].addresses: Invalid value: "2001:4860:4860::8888": must be an IPv4 address',
        ],
    ),
    (
        "bad-ipv6",
        es(address_type="IPv6", endpoints=[ep(["123.456.789.012", "2001:4860:4860:defg"], hostname="valid-123")]),
        {},
        [
            f'endpoints[0].addresses[0]: Invalid value: "123.456.789.012": {BAD_IP}',
            f'endpoints[0].addresses[1]: Invalid value: "2001:4860:4860:defg": {BAD_IP}',
        ],
    ),
    (
        "bad-fqdns",
        es(
            address_type="FQDN",
            endpoints=[
                ep(["foo.*", "FOO.example.com", "underscores_are_bad.example.com", "*.example.com"], hostname="v")
            ],
        ),
        {},
        [
            f'endpoints[0].addresses[0]: Invalid value: "foo.*": {DNS_SUBDOMAIN}',
            f'endpoints[0].addresses[1]: Invalid value: "FOO.example.com": {DNS_SUBDOMAIN}',
            f'endpoints[0].addresses[2]: Invalid value: "underscores_are_bad.example.com": {DNS_SUBDOMAIN}',
            f'endpoints[0].addresses[3]: Invalid value: "*.example.com": {DNS_SUBDOMAIN}',
        ],
    ),
    (
        "bad-app-protocol",
        es(ports=[{"name": "http", "protocol": "TCP", "app_protocol": "--"}], endpoints=[ep(ips(1))]),
        {},
        [f'ports[0].appProtocol: Invalid value: "--": {NAME_PART}'],
    ),
    (
        "invalid-zone-hint",
        es(endpoints=[ep(ips(1), hints=EndpointHints(for_zones=[ForZone(name="inv@lid")]))]),
        {},
        [f'endpoints[0].hints.forZones[0].name: Invalid value: "inv@lid": {LABEL_VALUE}'],
    ),
    (
        "overlapping-zone-hints",
        es(
            endpoints=[
                ep(ips(1), hints=EndpointHints(for_zones=[ForZone(name=z) for z in ("zone-a", "zone-b", "zone-a")]))
            ]
        ),
        {},
        ['endpoints[0].hints.forZones[2].name: Duplicate value: "zone-a"'],
    ),
    (
        "too-many-zone-hints",
        es(endpoints=[ep(ips(1), hints=EndpointHints(for_zones=[ForZone(name=f"zone-{c}") for c in "abcdefghi"]))]),
        {},
        ["endpoints[0].hints.forZones: Too many: 9: must have at most 8 items"],
    ),
    (
        "invalid-node-hints",
        es(endpoints=[ep(ips(1), hints=EndpointHints(for_nodes=[ForNode(name="!@#$!@"), ForNode(name="")]))]),
        {},
        [
            f'endpoints[0].hints.forNodes[0].name: Invalid value: "!@#$!@": {DNS_SUBDOMAIN}',
            f'endpoints[0].hints.forNodes[1].name: Invalid value: "": {DNS_SUBDOMAIN}',
        ],
    ),
    (
        "overlapping-node-hints",
        es(
            endpoints=[
                ep(ips(1), hints=EndpointHints(for_nodes=[ForNode(name=n) for n in ("node-1", "node-2", "node-1")]))
            ]
        ),
        {},
        ['endpoints[0].hints.forNodes[2].name: Duplicate value: "node-1"'],
    ),
    (
        "too-many-node-hints",
        es(endpoints=[ep(ips(1), hints=EndpointHints(for_nodes=[ForNode(name=f"node-{i}") for i in range(1, 10)]))]),
        {},
        ["endpoints[0].hints.forNodes: Too many: 9: must have at most 8 items"],
    ),
    (
        "empty-everything",
        EndpointSlice(address_type=""),
        {"default_namespace": None, "version": "1.36"},
        [
            "metadata.name: Required value: name or generateName is required",
            "metadata.namespace: Required value",
            "addressType: Required value",
        ],
    ),
    (
        "special-ipv4",
        es(endpoints=[ep(["127.0.0.1"], hostname="valid-123")]),
        {},
        [f'{A0}"127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'],
    ),
    (
        "special-ipv6",
        es(address_type="IPv6", endpoints=[ep(["fe80::9656:d028:8652:66b6"], hostname="valid-123")]),
        {},
        [
            (
                'endpoints[0].addresses[0]: Invalid value: "fe80::9656:d028:8652:66b6": '
                "may not be in the link-local range (169.254.0.0/16, fe80::/10)"
            )
        ],
    ),
    # TestValidateEndpointSliceCreate
    (
        "good-slice-node-name",
        es(endpoints=[ep(ips(1), hostname="valid-123", node_name="valid-node-name")]),
        {},
        [],
    ),
    (
        "bad-node-name",
        es(endpoints=[ep(ips(1), hostname="valid-123", node_name="INvalid-node-name")]),
        {},
        [f'endpoints[0].nodeName: Invalid value: "INvalid-node-name": {DNS_SUBDOMAIN}'],
    ),
    (
        "deprecated-address-type",
        es(address_type="IP", endpoints=[ep(ips(1))]),
        {},
        ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"'],
    ),
    (
        "bad-address-type",
        es(address_type="other", endpoints=[ep(ips(1))]),
        {},
        ['addressType: Unsupported value: "other": supported values: "FQDN", "IPv4", "IPv6"'],
    ),
]


@pytest.mark.parametrize(
    ("slice_", "kwargs", "expected"), [c[1:] for c in SLICE_CASES], ids=[c[0] for c in SLICE_CASES]
)
def test_endpoint_slice_create_cases(slice_: EndpointSlice, kwargs: dict[str, Any], expected: list[str]) -> None:
    assert [str(e) for e in validate_endpoint_slice(slice_, **kwargs)] == expected


# ---------------------------------------------------------------------------
# TestValidateEndpointSliceUpdate

UPDATE_META = {"name": "es1", "namespace": "test", "resource_version": "1"}


def es_u(**kw: Any) -> EndpointSlice:
    kw.setdefault("meta", UPDATE_META)
    kw.setdefault("ports", [])
    return es(**kw)


UPDATE_CASES: list[tuple[str, EndpointSlice, EndpointSlice, dict[str, Any], list[str]]] = [
    ("valid and identical slices", es_u(address_type="IPv6"), es_u(address_type="IPv6"), {}, []),
    (
        "unchanged IPs are not revalidated",
        es_u(endpoints=[ep(["10.1.2.04"])]),
        es_u(endpoints=[ep(["10.1.2.04"])]),
        {},
        [],
    ),
    (
        "invalid node name set",
        es_u(endpoints=[ep(["10.1.2.3"])]),
        es_u(endpoints=[ep(["10.1.2.3"], node_name="INVALID foo")]),
        {},
        [f'endpoints[0].nodeName: Invalid value: "INVALID foo": {DNS_SUBDOMAIN}'],
    ),
    (
        "deprecated address type (1.36)",
        es_u(address_type="IP"),
        es_u(address_type="IP"),
        {"version": "1.36"},
        ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"'],
    ),
    (
        "deprecated address type is ratcheted by declarative validation (1.37)",
        es_u(address_type="IP"),
        es_u(address_type="IP"),
        {},
        [],
    ),
    (
        "valid and identical slices with different address types (1.36)",
        es_u(address_type="other"),
        es_u(address_type="IPv4"),
        {"version": "1.36"},
        ['addressType: Invalid value: "IPv4": field is immutable'],
    ),
    (
        "valid and identical slices with different address types (1.37)",
        es_u(address_type="other"),
        es_u(address_type="IPv4"),
        {},
        ["addressType: Invalid value: null: field is immutable"],
    ),
    (
        "invalid slices with valid address types",
        es_u(),
        es_u(ports=[{"name": "", "protocol": "invalid"}]),
        {},
        [f'ports[0].protocol: Unsupported value: "invalid": {PROTOCOLS}'],
    ),
    (
        "changed IPs are revalidated",
        es_u(endpoints=[ep(["10.1.2.3"])]),
        es_u(endpoints=[ep(["10.1.2.03"])]),
        {},
        ['endpoints[0].addresses[0]: Invalid value: "10.1.2.03": must not have leading 0s'],
    ),
    (
        # The real 1.37 apiserver takes an update without a resourceVersion as an unconditional
        # update of the stored object (tests/kube/test_validation_diff.py found it).
        "missing resourceVersion is an unconditional update",
        es_u(),
        es_u(meta={"name": "es1", "namespace": "test"}),
        {},
        [],
    ),
    (
        "missing resourceVersion, and none stored",
        es_u(meta={"name": "es1", "namespace": "test"}),
        es_u(meta={"name": "es1", "namespace": "test"}),
        {},
        ['metadata.resourceVersion: Invalid value: "": must be specified for an update'],
    ),
    (
        "renamed and moved",
        es_u(),
        es_u(meta={"name": "es2", "namespace": "other", "resource_version": "1"}),
        {},
        [
            'metadata.name: Invalid value: "es2": field is immutable',
            'metadata.namespace: Invalid value: "other": field is immutable',
        ],
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "kwargs", "expected"), [c[1:] for c in UPDATE_CASES], ids=[c[0] for c in UPDATE_CASES]
)
def test_endpoint_slice_update_cases(
    old: EndpointSlice, new: EndpointSlice, kwargs: dict[str, Any], expected: list[str]
) -> None:
    assert [str(e) for e in validate_endpoint_slice(new, old=old, **kwargs)] == expected


# ---------------------------------------------------------------------------
# TestValidateEndpointIP (through an Endpoints address, where the check applies unconditionally).

GOOD_ENDPOINT_IPS = ["10.1.2.3", "244.1.2.3", "2000::1", "239.255.255.253", "ff05::1:3"]
BAD_ENDPOINT_IPS = [
    ("0.0.0.0", "may not be unspecified (0.0.0.0)"),  # noqa: S104  # An address under test, not a bind address.
    ("::0", "may not be unspecified (::0)"),
    ("127.0.0.0", "may not be in the loopback range (127.0.0.0/8, ::1/128)"),
    ("127.255.255.255", "may not be in the loopback range (127.0.0.0/8, ::1/128)"),
    ("::1", "may not be in the loopback range (127.0.0.0/8, ::1/128)"),
    ("169.254.169.254", "may not be in the link-local range (169.254.0.0/16, fe80::/10)"),
    ("fe80::", "may not be in the link-local range (169.254.0.0/16, fe80::/10)"),
    ("224.0.0.251", "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"),
    ("ff02::", "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"),
]


def endpoints_obj(subsets: list[EndpointSubset], **meta: Any) -> Endpoints:
    return Endpoints(metadata=ObjectMeta(**({"name": "mysvc", "namespace": "namespace"} | meta)), subsets=subsets)


def one_address(ip: str, **kw: Any) -> Endpoints:
    return endpoints_obj(
        [
            EndpointSubset(
                addresses=[EndpointAddress(ip=ip, **kw)], ports=[EndpointsPort(name="a", port=8675, protocol="TCP")]
            )
        ]
    )


@pytest.mark.parametrize("ip", GOOD_ENDPOINT_IPS)
def test_endpoint_ip_accepts(ip: str) -> None:
    assert validate_endpoints(one_address(ip)) == []


@pytest.mark.parametrize(("ip", "detail"), BAD_ENDPOINT_IPS)
def test_endpoint_ip_rejects(ip: str, detail: str) -> None:
    assert [str(e) for e in validate_endpoints(one_address(ip))] == [
        f"subsets[0].addresses[0].ip: Invalid value: {ip!r}: {detail}".replace("'", '"')
    ]


# ---------------------------------------------------------------------------
# TestValidateEndpointsCreate / Update

TCP = "TCP"
ENDPOINTS_CASES: list[tuple[str, Endpoints, dict[str, Any], list[str]]] = [
    (
        "simple endpoint",
        endpoints_obj(
            [
                EndpointSubset(
                    addresses=[EndpointAddress(ip="10.10.1.1"), EndpointAddress(ip="10.10.2.2")],
                    ports=[
                        EndpointsPort(name="a", port=8675, protocol=TCP),
                        EndpointsPort(name="b", port=309, protocol=TCP),
                    ],
                ),
                EndpointSubset(
                    addresses=[EndpointAddress(ip="10.10.3.3")],
                    ports=[
                        EndpointsPort(name="a", port=93, protocol=TCP),
                        EndpointsPort(name="b", port=76, protocol=TCP),
                    ],
                ),
            ]
        ),
        {},
        [],
    ),
    ("empty subsets", endpoints_obj([]), {}, []),
    (
        "no port",
        endpoints_obj([EndpointSubset(addresses=[EndpointAddress(ip="10.10.1.1")])]),
        {},
        [],
    ),
    (
        "sctp and defaulted protocol",
        endpoints_obj(
            [
                EndpointSubset(
                    addresses=[EndpointAddress(ip="10.10.1.1")],
                    ports=[EndpointsPort(name="a", port=8675, protocol="SCTP"), EndpointsPort(name="b", port=1)],
                )
            ]
        ),
        {},
        [],
    ),
    (
        "invalid endpoints name",
        endpoints_obj([], name="-_Invliad^&Characters"),
        {},
        [f'metadata.name: Invalid value: "-_Invliad^&Characters": {DNS_SUBDOMAIN}'],
    ),
    (
        "missing namespace",
        Endpoints(metadata=ObjectMeta(name="mysvc")),
        {"default_namespace": None},
        ["metadata.namespace: Required value"],
    ),
    (
        "invalid namespace",
        endpoints_obj([], namespace='no@#invalid.;chars"allowed'),
        {},
        [f'metadata.namespace: Invalid value: "no@#invalid.;chars\\"allowed": {DNS_LABEL}'],
    ),
    (
        "invalid label key and value",
        endpoints_obj([], labels={"--INVALID": "--INVALID"}),
        {},
        [
            f'metadata.labels: Invalid value: "--INVALID": {NAME_PART}',
            f'metadata.labels: Invalid value: "--INVALID": {LABEL_VALUE}',
        ],
    ),
    (
        "invalid annotation key",
        endpoints_obj([], annotations={"bad/key/two": "x"}),
        {},
        [
            'metadata.annotations: Invalid value: "bad/key/two": a valid label key '
            + NAME_PART.removeprefix("name part ")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ],
    ),
    (
        "empty subset",
        endpoints_obj([EndpointSubset()]),
        {},
        ["subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`"],
    ),
    (
        "invalid ip address (the double error)",
        endpoints_obj([EndpointSubset(addresses=[EndpointAddress(ip="[2001:0db8:85a3:0042:1000:8a2e:0370:7334]")])]),
        {},
        [
            f'subsets[0].addresses[0].ip: Invalid value: "[2001:0db8:85a3:0042:1000:8a2e:0370:7334]": {BAD_IP}',
            (
                'subsets[0].addresses[0].ip: Invalid value: "[2001:0db8:85a3:0042:1000:8a2e:0370:7334]": '
                "must be a valid IP address"
            ),
        ],
    ),
    (
        "missing ip address",
        endpoints_obj([EndpointSubset(not_ready_addresses=[EndpointAddress(ip="")])]),
        {},
        [
            f'subsets[0].notReadyAddresses[0].ip: Invalid value: "": {BAD_IP}',
            'subsets[0].notReadyAddresses[0].ip: Invalid value: "": must be a valid IP address',
        ],
    ),
    (
        "double error is split by hostname and nodeName errors",
        endpoints_obj([EndpointSubset(addresses=[EndpointAddress(ip="x", hostname="A.b", node_name="N_1")])]),
        {},
        [
            f'subsets[0].addresses[0].ip: Invalid value: "x": {BAD_IP}',
            f'subsets[0].addresses[0].hostname: Invalid value: "A.b": {DNS_LABEL}',
            f'subsets[0].addresses[0].nodeName: Invalid value: "N_1": {DNS_SUBDOMAIN}',
            'subsets[0].addresses[0].ip: Invalid value: "x": must be a valid IP address',
        ],
    ),
    (
        "leading zeros: strict error, then the non-special check passes",
        endpoints_obj([EndpointSubset(addresses=[EndpointAddress(ip="010.1.2.3")])]),
        {},
        ['subsets[0].addresses[0].ip: Invalid value: "010.1.2.3": must not have leading 0s'],
    ),
    (
        "leading zeros accepted with the gate off (1.35)",
        endpoints_obj([EndpointSubset(addresses=[EndpointAddress(ip="010.1.2.3")])]),
        {"version": "1.35"},
        [],
    ),
    (
        "ipv4-mapped ipv6 loopback",
        endpoints_obj([EndpointSubset(addresses=[EndpointAddress(ip="::ffff:127.0.0.1")])]),
        {},
        [
            'subsets[0].addresses[0].ip: Invalid value: "::ffff:127.0.0.1": must not be an IPv4-mapped IPv6 address',
            (
                'subsets[0].addresses[0].ip: Invalid value: "::ffff:127.0.0.1": '
                "may not be in the loopback range (127.0.0.0/8, ::1/128)"
            ),
        ],
    ),
    (
        "non-canonical ipv6 accepted in a legacy field",
        endpoints_obj([EndpointSubset(addresses=[EndpointAddress(ip="2001:DB8:0:0:0:0:0:1")])]),
        {},
        [],
    ),
    (
        "multiple ports, one without name",
        endpoints_obj(
            [
                EndpointSubset(
                    addresses=[EndpointAddress(ip="10.10.1.1")],
                    ports=[EndpointsPort(port=8675, protocol=TCP), EndpointsPort(name="b", port=309, protocol=TCP)],
                )
            ]
        ),
        {},
        ["subsets[0].ports[0].name: Required value"],
    ),
    (
        "invalid port number",
        endpoints_obj(
            [EndpointSubset(addresses=[EndpointAddress(ip="10.10.1.1")], ports=[EndpointsPort(name="a", port=66000)])]
        ),
        {},
        ["subsets[0].ports[0].port: Invalid value: 66000: must be between 1 and 65535, inclusive"],
    ),
    (
        "zero port number",
        endpoints_obj(
            [EndpointSubset(addresses=[EndpointAddress(ip="10.10.1.1")], ports=[EndpointsPort(name="a", port=0)])]
        ),
        {},
        ["subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"],
    ),
    (
        "invalid protocol",
        endpoints_obj(
            [
                EndpointSubset(
                    addresses=[EndpointAddress(ip="10.10.1.1")],
                    ports=[EndpointsPort(name="a", port=93, protocol="Protocol")],
                )
            ]
        ),
        {},
        [f'subsets[0].ports[0].protocol: Unsupported value: "Protocol": {PROTOCOLS}'],
    ),
    (
        "invalid port name",
        endpoints_obj(
            [
                EndpointSubset(
                    addresses=[EndpointAddress(ip="10.10.1.1")],
                    ports=[EndpointsPort(name="Pport", port=93), EndpointsPort(name="pport", port=93)],
                )
            ]
        ),
        {},
        [f'subsets[0].ports[0].name: Invalid value: "Pport": {DNS_LABEL}'],
    ),
    (
        "duplicate port names are allowed in Endpoints",
        endpoints_obj(
            [
                EndpointSubset(
                    addresses=[EndpointAddress(ip="10.10.1.1")],
                    ports=[EndpointsPort(name="a", port=93), EndpointsPort(name="a", port=94)],
                )
            ]
        ),
        {},
        [],
    ),
    (
        "address is link-local multicast",
        endpoints_obj([EndpointSubset(addresses=[EndpointAddress(ip="224.0.0.1")])]),
        {},
        [
            (
                'subsets[0].addresses[0].ip: Invalid value: "224.0.0.1": '
                "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"
            )
        ],
    ),
    (
        "invalid appProtocol",
        endpoints_obj(
            [
                EndpointSubset(
                    addresses=[EndpointAddress(ip="10.10.1.1")],
                    ports=[EndpointsPort(name="a", port=93, app_protocol="lots-of[invalid]-{chars}")],
                )
            ]
        ),
        {},
        [f'subsets[0].ports[0].appProtocol: Invalid value: "lots-of[invalid]-{{chars}}": {NAME_PART}'],
    ),
]


@pytest.mark.parametrize(
    ("obj", "kwargs", "expected"), [c[1:] for c in ENDPOINTS_CASES], ids=[c[0] for c in ENDPOINTS_CASES]
)
def test_endpoints_create_cases(obj: Endpoints, kwargs: dict[str, Any], expected: list[str]) -> None:
    assert [str(e) for e in validate_endpoints(obj, **kwargs)] == expected


def test_endpoints_update_ratchets_unchanged_subsets() -> None:
    bad = [EndpointSubset(addresses=[EndpointAddress(ip="010.1.2.3")])]
    old = endpoints_obj(bad, resource_version="1")
    new = endpoints_obj(bad, resource_version="1", labels={"a": "b"})
    assert validate_endpoints(new, old=old) == []
    changed = endpoints_obj([EndpointSubset(addresses=[EndpointAddress(ip="010.1.2.4")])], resource_version="1")
    assert [str(e) for e in validate_endpoints(changed, old=old)] == [
        'subsets[0].addresses[0].ip: Invalid value: "010.1.2.4": must not have leading 0s'
    ]


def test_endpoints_update_treats_defaulted_protocol_as_unchanged() -> None:
    old = endpoints_obj(
        [EndpointSubset(addresses=[EndpointAddress(ip="010.1.2.3")], ports=[EndpointsPort(port=80, protocol="TCP")])],
        resource_version="1",
    )
    new = endpoints_obj(
        [EndpointSubset(addresses=[EndpointAddress(ip="010.1.2.3")], ports=[EndpointsPort(port=80)])],
        resource_version="1",
    )
    assert validate_endpoints(new, old=old) == []


# ---------------------------------------------------------------------------
# Service (validateService / ValidateServiceCreate / ValidateServiceUpdate).


def svc(*, meta: dict[str, Any] | None = None, **spec: Any) -> Service:
    spec.setdefault("ports", [ServicePort(name="p", port=8675, protocol="TCP", target_port=8675)])
    spec.setdefault("selector", {"key": "val"})
    return Service(
        metadata=ObjectMeta(**({"name": "abc123", "namespace": "default"} | (meta or {}))), spec=ServiceSpec(**spec)
    )


SERVICE_CASES: list[tuple[str, Service, dict[str, Any], list[str]]] = [
    ("valid", svc(), {}, []),
    ("valid headless without ports", svc(cluster_ip="None", ports=[]), {}, []),
    (
        "valid external name without ports",
        svc(type="ExternalName", external_name="foo.bar.example.com.", ports=[]),
        {},
        [],
    ),
    (
        "missing namespace",
        Service(metadata=ObjectMeta(name="abc123"), spec=ServiceSpec(ports=[ServicePort(port=80)])),
        {"default_namespace": None},
        ["metadata.namespace: Required value"],
    ),
    (
        "invalid name (DNS-1035 before 1.36)",
        svc(meta={"name": "123abc"}),
        {"version": "1.35"},
        [f'metadata.name: Invalid value: "123abc": {DNS1035}'],
    ),
    ("name starting with a digit (relaxed from 1.36)", svc(meta={"name": "123abc"}), {}, []),
    (
        "invalid generateName",
        svc(meta={"name": "abc", "generate_name": "-abc-"}),
        {},
        [f'metadata.generateName: Invalid value: "-abc-": {DNS_LABEL}'],
    ),
    (
        "missing ports",
        svc(ports=[]),
        {},
        ["spec.ports: Required value"],
    ),
    (
        "empty port name with multiple ports",
        svc(ports=[ServicePort(port=80), ServicePort(name="b", port=81)]),
        {},
        ["spec.ports[0].name: Required value"],
    ),
    (
        "invalid port name",
        svc(ports=[ServicePort(name="INVALID", port=80)]),
        {},
        [f'spec.ports[0].name: Invalid value: "INVALID": {DNS_LABEL}'],
    ),
    (
        "duplicate port name",
        svc(ports=[ServicePort(name="p", port=80), ServicePort(name="p", port=81)]),
        {},
        ['spec.ports[1].name: Duplicate value: "p"'],
    ),
    (
        "invalid protocol",
        svc(ports=[ServicePort(name="p", port=80, protocol="INVALID")]),
        {},
        [f'spec.ports[0].protocol: Unsupported value: "INVALID": {PROTOCOLS}'],
    ),
    (
        "missing port number (targetPort defaults to it)",
        svc(ports=[ServicePort(name="p", port=0)]),
        {},
        [
            "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
            "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
        ],
    ),
    (
        "invalid numeric targetPort",
        svc(ports=[ServicePort(name="p", port=80, target_port=65536)]),
        {},
        ["spec.ports[0].targetPort: Invalid value: 65536: must be between 1 and 65535, inclusive"],
    ),
    (
        "digits-only string targetPort is a name",
        svc(ports=[ServicePort(name="p", port=80, target_port="8080")]),
        {},
        ['spec.ports[0].targetPort: Invalid value: "8080": must contain at least one letter (a-z)'],
    ),
    (
        "targetPort name breaking every IANA_SVC_NAME rule",
        svc(ports=[ServicePort(name="p", port=80, target_port="-A--very-long-name")]),
        {},
        [
            'spec.ports[0].targetPort: Invalid value: "-A--very-long-name": must be no more than 15 characters',
            (
                'spec.ports[0].targetPort: Invalid value: "-A--very-long-name": '
                "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"
            ),
            'spec.ports[0].targetPort: Invalid value: "-A--very-long-name": must not contain consecutive hyphens',
            'spec.ports[0].targetPort: Invalid value: "-A--very-long-name": must not begin or end with a hyphen',
        ],
    ),
    (
        "invalid appProtocol",
        svc(ports=[ServicePort(name="p", port=80, app_protocol="a/b/c")]),
        {},
        [
            'spec.ports[0].appProtocol: Invalid value: "a/b/c": a valid label key '
            + NAME_PART.removeprefix("name part ")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ],
    ),
    (
        "invalid appProtocol (1.34 wording)",
        svc(ports=[ServicePort(name="p", port=80, app_protocol="a/b/c")]),
        {"version": "1.34"},
        [
            'spec.ports[0].appProtocol: Invalid value: "a/b/c": a qualified name '
            + NAME_PART.removeprefix("name part ")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ],
    ),
    (
        "invalid selector",
        svc(selector={"NoUppercaseOrSpecialCharsLike=Equals": "bar"}),
        {},
        [f'spec.selector: Invalid value: "NoUppercaseOrSpecialCharsLike=Equals": {NAME_PART}'],
    ),
    (
        "invalid session affinity",
        svc(session_affinity="Foo"),
        {},
        ['spec.sessionAffinity: Unsupported value: "Foo": supported values: "ClientIP", "None"'],
    ),
    (
        "invalid cluster ip",
        svc(cluster_ip="invalid"),
        {},
        [f'spec.clusterIPs[0]: Invalid value: "invalid": {BAD_IP}'],
    ),
    (
        "clusterIPs not starting with clusterIP",
        svc(cluster_ip="10.0.0.1", cluster_ips=["10.0.0.2"]),
        {},
        ['spec.clusterIPs: Invalid value: ["10.0.0.2"]: first value must match `clusterIP`'],
    ),
    (
        "two IPs of one family",
        svc(cluster_ip="10.0.0.1", cluster_ips=["10.0.0.1", "10.0.0.2"]),
        {},
        ['spec.clusterIPs: Invalid value: ["10.0.0.1","10.0.0.2"]: may specify no more than one IP for each IP family'],
    ),
    (
        "None is not the only value",
        svc(cluster_ip="None", cluster_ips=["None", "fd00::1"]),
        {},
        ['spec.clusterIPs: Invalid value: ["None","fd00::1"]: \'None\' must be the first and only value'],
    ),
    (
        "cluster IP against its family",
        svc(cluster_ip="10.0.0.1", cluster_ips=["10.0.0.1", "fd00::1"], ip_families=["IPv6", "IPv4"]),
        {},
        [
            'spec.clusterIPs[0]: Invalid value: "10.0.0.1": expected an IPv6 value as indicated by `ipFamilies[0]`',
            'spec.clusterIPs[1]: Invalid value: "fd00::1": expected an IPv4 value as indicated by `ipFamilies[1]`',
        ],
    ),
    (
        "invalid and duplicate ip families",
        svc(ip_families=["IPv5", "IPv4", "IPv4"]),
        {},
        [
            'spec.ipFamilies[0]: Unsupported value: "IPv5": supported values: "IPv4", "IPv6"',
            'spec.ipFamilies[2]: Duplicate value: "IPv4"',
        ],
    ),
    (
        "invalid ipFamilyPolicy",
        svc(ip_family_policy="DualStack"),
        {},
        [
            (
                'spec.ipFamilyPolicy: Unsupported value: "DualStack": '
                'supported values: "PreferDualStack", "RequireDualStack", "SingleStack"'
            )
        ],
    ),
    (
        "headless NodePort",
        svc(type="NodePort", cluster_ip="None"),
        {},
        ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"],
    ),
    (
        "ExternalName with cluster fields and no name",
        svc(type="ExternalName", cluster_ip="10.0.0.1", ip_families=["IPv4"], ip_family_policy="SingleStack"),
        {},
        [
            "spec.clusterIPs: Forbidden: may not be set for ExternalName services",
            "spec.ipFamilies: Forbidden: may not be set for ExternalName services",
            "spec.ipFamilyPolicy: Forbidden: may not be set for ExternalName services",
            "spec.externalName: Required value",
        ],
    ),
    (
        "invalid externalName",
        svc(type="ExternalName", external_name="-123.com"),
        {},
        [f'spec.externalName: Invalid value: "-123.com": {DNS_SUBDOMAIN}'],
    ),
    (
        "invalid type",
        svc(type="Foo"),
        {},
        [f'{ST}"Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
    ),
    (
        "nodePort on a ClusterIP service",
        svc(ports=[ServicePort(name="p", port=80, node_port=30080)]),
        {},
        ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    ),
    (
        "duplicate nodePorts",
        svc(
            type="NodePort",
            ports=[ServicePort(name="a", port=80, node_port=30080), ServicePort(name="b", port=81, node_port=30080)],
        ),
        {},
        ["spec.ports[1].nodePort: Duplicate value: 30080"],
    ),
    (
        "duplicate port and protocol",
        svc(ports=[ServicePort(name="a", port=80), ServicePort(name="b", port=80)]),
        {},
        [
            (
                'spec.ports[1]: Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,'
                '"TargetPort":0,"NodePort":0}'
            )
        ],
    ),
    (
        "externalIPs: loopback and unparseable",
        svc(external_ips=["127.0.0.1", "1.2.3"]),
        {},
        [
            'spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
            f'spec.externalIPs[1]: Invalid value: "1.2.3": {BAD_IP}',
        ],
    ),
    (
        "externalTrafficPolicy on an internal service",
        svc(external_traffic_policy="Local"),
        {},
        ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'],
    ),
    (
        "invalid internalTrafficPolicy",
        svc(internal_traffic_policy="Nowhere"),
        {},
        ['spec.internalTrafficPolicy: Unsupported value: "Nowhere": supported values: "Cluster", "Local"'],
    ),
    (
        "invalid trafficDistribution",
        svc(traffic_distribution="Everywhere"),
        {},
        [
            (
                'spec.trafficDistribution: Unsupported value: "Everywhere": '
                'supported values: "PreferClose", "PreferSameZone", "PreferSameNode"'
            )
        ],
    ),
    (
        "topology annotations disagree",
        svc(
            meta={
                "annotations": {
                    "service.kubernetes.io/topology-mode": "Auto",
                    "service.kubernetes.io/topology-aware-hints": "Disabled",
                }
            }
        ),
        {},
        [
            (
                'metadata.annotations[service.kubernetes.io/topology-mode]: Invalid value: "Auto": '
                "must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified"
            )
        ],
    ),
    (
        "loadBalancerClass on a ClusterIP service",
        svc(load_balancer_class="example.com/lb"),
        {},
        ["spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'"],
    ),
]


@pytest.mark.parametrize(
    ("obj", "kwargs", "expected"), [c[1:] for c in SERVICE_CASES], ids=[c[0] for c in SERVICE_CASES]
)
def test_service_create_cases(obj: Service, kwargs: dict[str, Any], expected: list[str]) -> None:
    assert [str(e) for e in validate_service(obj, **kwargs)] == expected


def test_service_update_rejects_changed_cluster_ip() -> None:
    old = svc(meta={"resource_version": "1"}, cluster_ip="10.0.0.1")
    new = svc(meta={"resource_version": "1"}, cluster_ip="10.0.0.2")
    assert [str(e) for e in validate_service(new, old=old)] == [
        'spec.clusterIPs[0]: Invalid value: ["10.0.0.2"]: may not change once set'
    ]


def test_service_update_downgrade_needs_single_stack() -> None:
    # The real apiserver (tests/kube/test_validation_diff.py) never gets to the strategy's
    # "must be set to 'SingleStack'" check: the registry keeps the stored policy and refuses first.
    stored = {"resource_version": "1"}
    dual = ["10.0.0.1", "fd00::1"]
    old = svc(meta=stored, cluster_ip="10.0.0.1", cluster_ips=dual, ip_families=["IPv4", "IPv6"])
    old = attrs.evolve(old, spec=attrs.evolve(old.spec, ip_family_policy="RequireDualStack"))
    new = svc(meta=stored, cluster_ip="10.0.0.1", cluster_ips=["10.0.0.1"], ip_families=["IPv4"])
    refusal = "spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": must be 'SingleStack' to release the secondary"
    assert [str(e) for e in validate_service(new, old=old)] == [f"{refusal} cluster IP", f"{refusal} IP family"]
    single = attrs.evolve(new, spec=attrs.evolve(new.spec, ip_family_policy="SingleStack"))
    assert validate_service(single, old=old) == []


def test_service_update_keeps_previously_accepted_external_ip() -> None:
    old = svc(meta={"resource_version": "1"}, external_ips=["010.1.2.3"])
    new = svc(meta={"resource_version": "1", "labels": {"x": "y"}}, external_ips=["010.1.2.3"])
    assert validate_service(new, old=old) == []
    assert [str(e) for e in validate_service(new)] == [
        'spec.externalIPs[0]: Invalid value: "010.1.2.3": must not have leading 0s'
    ]


# ---------------------------------------------------------------------------
# Address rules, the 1.37 reordering, ratcheting, versions.


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("2001:db8::1", []),
        (
            "2001:DB8::1",
            ['endpoints[0].addresses[0]: Invalid value: "2001:DB8::1": must be in canonical form ("2001:db8::1")'],
        ),
        (
            "2001:db8:0:0:0:0:0:1",
            [f'{A0}"2001:db8:0:0:0:0:0:1": must be in canonical form ("2001:db8::1")'],
        ),
        (
            "2001:db8::0:1",
            ['endpoints[0].addresses[0]: Invalid value: "2001:db8::0:1": must be in canonical form ("2001:db8::1")'],
        ),
        ("2001:0:1:2:3:4:5:6", []),
        (
            "2001::1:2:3:4:5:6",
            [f'{A0}"2001::1:2:3:4:5:6": must be in canonical form ("2001:0:1:2:3:4:5:6")'],
        ),
        (
            "1:0:0:2:0:0:0:3",
            ['endpoints[0].addresses[0]: Invalid value: "1:0:0:2:0:0:0:3": must be in canonical form ("1:0:0:2::3")'],
        ),
        (
            "1:0:0:2:3:0:0:4",
            ['endpoints[0].addresses[0]: Invalid value: "1:0:0:2:3:0:0:4": must be in canonical form ("1::2:3:0:0:4")'],
        ),
        (
            "::1.2.3.4",
            ['endpoints[0].addresses[0]: Invalid value: "::1.2.3.4": must be in canonical form ("::102:304")'],
        ),
        (
            "64:ff9b::1.2.3.4",
            [f'{A0}"64:ff9b::1.2.3.4": must be in canonical form ("64:ff9b::102:304")'],
        ),
        ("2001:db8::00001", ['endpoints[0].addresses[0]: Invalid value: "2001:db8::00001": must not have leading 0s']),
        ("fe80::1%eth0", [f'endpoints[0].addresses[0]: Invalid value: "fe80::1%eth0": {BAD_IP}']),
        (
            "ff02::1",
            [f'{A0}"ff02::1": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'],
        ),
        ("::", ['endpoints[0].addresses[0]: Invalid value: "::": may not be unspecified (::)']),
    ],
)
def test_ipv6_addresses(address: str, expected: list[str]) -> None:
    assert [str(e) for e in validate_endpoint_slice(es(address_type="IPv6", endpoints=[ep([address])]))] == expected


@pytest.mark.parametrize(
    ("address", "strict", "expected"),
    [
        (
            "::ffff:1.2.3.4",
            True,
            ['endpoints[0].addresses[0]: Invalid value: "::ffff:1.2.3.4": must not be an IPv4-mapped IPv6 address'],
        ),
        ("::ffff:1.2.3.4", False, []),
        ("0010.1.2.3", False, []),
        ("1.2.3.4.5", True, [f'endpoints[0].addresses[0]: Invalid value: "1.2.3.4.5": {BAD_IP}']),
        (" 1.2.3.4", True, [f'endpoints[0].addresses[0]: Invalid value: " 1.2.3.4": {BAD_IP}']),
        ("0.0.0.0", True, ['endpoints[0].addresses[0]: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)']),  # noqa: S104  # An address under test, not a bind address.
        (
            "169.254.1.1",
            True,
            [f'{A0}"169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)'],
        ),
        ("0.1.2.3", True, []),
    ],
)
def test_ipv4_addresses(address: str, strict: bool, expected: list[str]) -> None:
    got = validate_endpoint_slice(es(endpoints=[ep([address])]), strict_ip=strict)
    assert [str(e) for e in got] == expected


def test_family_mismatch_is_reported_on_the_list_path() -> None:
    (err,) = validate_endpoint_slice(es(endpoints=[ep(["10.0.0.1", "fd00::1"])]))
    assert err.path == "endpoints[0].addresses"
    assert err.type is ErrorType.INVALID


def test_fqdn_rules() -> None:
    got = validate_endpoint_slice(
        es(address_type="FQDN", endpoints=[ep(["", "localhost.", "a." + "b" * 64 + ".com"])]),
    )
    assert [str(e) for e in got] == [
        "endpoints[0].addresses[0]: Required value",
        f'{A1}"localhost": should be a domain with at least two segments separated by dots',
        f'endpoints[0].addresses[2]: Invalid value: "{"b" * 64}": must be no more than 63 characters',
    ]


def test_declarative_errors_move_to_the_end_in_1_37() -> None:
    obj = es(
        address_type="IPv5",
        ports=[{"name": "x", "protocol": "foo"}],
        endpoints=[ep([]), ep(ips(101) + ["bad"], hostname="A")],
    )
    assert [str(e) for e in validate_endpoint_slice(obj, version="1.36")] == [
        'addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"',
        f'ports[0].protocol: Unsupported value: "foo": {PROTOCOLS}',
        "endpoints[0].addresses: Required value: must contain at least 1 address",
        "endpoints[1].addresses: Too many: 102: must have at most 100 items",
        f'endpoints[1].hostname: Invalid value: "A": {DNS_LABEL}',
    ]
    assert [str(e) for e in validate_endpoint_slice(obj)] == [
        f'ports[0].protocol: Unsupported value: "foo": {PROTOCOLS}',
        f'endpoints[1].hostname: Invalid value: "A": {DNS_LABEL}',
        'addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"',
        "endpoints[0].addresses: Required value",
        "endpoints[1].addresses: Too many: 102: must have at most 100 items",
    ]


def test_unknown_address_type_skips_address_checks() -> None:
    got = validate_endpoint_slice(es(address_type="IPv5", endpoints=[ep(["not an address"])]), version="1.36")
    assert [e.path for e in got] == ["addressType"]


def test_ratcheting_keeps_errors_outside_endpoints() -> None:
    old = es_u(endpoints=[ep(["010.0.0.1"])])
    new = es_u(endpoints=[ep(["010.0.0.1"])], ports=[{"name": "Bad", "protocol": "TCP"}])
    assert [str(e) for e in validate_endpoint_slice(new, old=old)] == [
        f'ports[0].name: Invalid value: "Bad": {DNS_LABEL}'
    ]


def test_ratcheting_treats_nil_and_empty_as_equal() -> None:
    old = es_u(endpoints=[ep(["127.0.0.1"], hints=EndpointHints(for_zones=None))])
    new = es_u(endpoints=[ep(["127.0.0.1"], hints=EndpointHints(for_zones=[]))])
    assert validate_endpoint_slice(new, old=old) == []


def test_label_value_length_wording_changes_in_1_35() -> None:
    obj = es(meta={"name": "a", "namespace": "b", "labels": {"k": "v" * 64}}, endpoints=[])
    assert [e.detail for e in validate_endpoint_slice(obj, version="1.34")] == ["must be no more than 63 characters"]
    assert [e.detail for e in validate_endpoint_slice(obj, version="1.35")] == ["must be no more than 63 bytes"]


def test_annotation_size_limit() -> None:
    obj = es(meta={"name": "a", "namespace": "b", "annotations": {"k": "v" * 262144}}, endpoints=[])
    assert [str(e) for e in validate_endpoint_slice(obj)] == [
        "metadata.annotations: Too long: may not be more than 262144 bytes"
    ]


def test_generate_name_may_end_with_a_dash() -> None:
    assert validate_endpoint_slice(es(meta={"generate_name": "web-", "namespace": "ns"}, endpoints=[])) == []


def test_owner_references_need_every_field() -> None:
    from endpointslice import OwnerReference

    meta = {
        "name": "a",
        "namespace": "b",
        "owner_references": [OwnerReference(api_version="", kind="", name="", uid="")],
    }
    # 1.37's messages, checked against the real apiserver by tests/kube/test_validation_diff.py.
    assert [str(e) for e in validate_endpoint_slice(es(meta=meta, endpoints=[]))] == [
        "metadata.ownerReferences[0].apiVersion: Required value: must not be empty",
        "metadata.ownerReferences[0].kind: Required value: must not be empty",
        "metadata.ownerReferences[0].name: Required value: must not be empty",
        "metadata.ownerReferences[0].uid: Required value: must not be empty",
    ]
    assert [str(e) for e in validate_endpoint_slice(es(meta=meta, endpoints=[]), version="1.36")] == [
        'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
        'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
        'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
        'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
    ]


def test_values_render_as_go_does() -> None:
    quoted = FieldError(type=ErrorType.INVALID, path="p", value='a"b<\x01', detail="d")
    as_json = FieldError(type=ErrorType.NOT_SUPPORTED, path="p", value='a"b<\x01', json_value=True)
    assert str(quoted) == 'p: Invalid value: "a\\"b<\\x01": d'
    assert str(as_json) == 'p: Unsupported value: "a\\"b\\u003c\\u0001"'
    assert str(FieldError(type=ErrorType.INVALID, path="p", value=True)) == "p: Invalid value: true"
    assert str(FieldError(type=ErrorType.REQUIRED, path="p", value="x", detail="d")) == "p: Required value: d"
    # A lone surrogate from a JSON escape reaches Go as U+FFFD, which both renderings print as is.
    assert str(FieldError(type=ErrorType.INVALID, path="p", value="a\udaa9")) == 'p: Invalid value: "a\ufffd"'
    assert str(FieldError(type=ErrorType.INVALID, path="p", value="a\udaa9", json_value=True)) == (
        'p: Invalid value: "a\ufffd"'
    )


def test_version_parsing() -> None:
    assert KubeVersion.coerce("v1.36.2") is KubeVersion.V1_36
    assert KubeVersion.coerce((1, 34)) is KubeVersion.V1_34
    assert str(KubeVersion.V1_37) == "1.37"
    with pytest.raises(ValueError, match="unsupported Kubernetes version"):
        KubeVersion.coerce("1.20")


def test_validate_dispatches_and_rejects_other_kinds() -> None:
    assert validate(es(endpoints=[])) == []
    assert validate(svc()) == []
    from endpointslice import Pod

    with pytest.raises(UnsupportedKindError, match="Pod"):
        validate(Pod())
    with pytest.raises(UnsupportedKindError):
        validate(es(endpoints=[]), old=svc())


def test_covers_exactly_the_three_validated_kinds() -> None:
    """`covers` is true for the kinds `validate` dispatches on, and false for anything else."""
    from endpointslice import EndpointSliceList, Pod
    from endpointslice.kinds import OtherObject
    from endpointslice.validation import covers

    assert [covers(o) for o in (es(endpoints=[]), Endpoints(), svc())] == [True, True, True]
    others = (Pod(), EndpointSliceList(items=[]), OtherObject({"apiVersion": "v1", "kind": "Service"}), object(), None)
    assert [covers(o) for o in others] == [False] * len(others)


def test_validatable_is_the_union_of_the_three_kinds() -> None:
    """`Validatable`, built on first use so that the Service model loads late, is the documented Union."""
    import typing

    from endpointslice import validation

    assert typing.get_args(validation.Validatable) == (EndpointSlice, Endpoints, Service)
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = validation.no_such_name  # type: ignore[attr-defined]  # The point of the test.


# ---------------------------------------------------------------------------
# Warnings.


def test_warnings_for_fqdn_and_non_standard_ips() -> None:
    assert warnings(es(address_type="FQDN", endpoints=[ep(["a.example.com"])])) == [
        "spec.addressType: FQDN endpoints are deprecated"
    ]
    assert warnings(es(endpoints=[ep(["010.1.2.3"])]), version="1.35") == [
        (
            'endpoints[0].addresses[0]: non-standard IP address "010.1.2.3" will be considered invalid in a future '
            'Kubernetes release: use "10.1.2.3"'
        )
    ]
    assert warnings(es(endpoints=[ep(["010.1.2.3"])])) == [
        'endpoints[0].addresses[0]: non-standard IP address "010.1.2.3" is invalid: use "10.1.2.3"'
    ]
    managed = es(
        meta={
            "name": "a",
            "namespace": "b",
            "labels": {"endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"},
        },
        endpoints=[ep(["010.1.2.3"])],
    )
    assert warnings(managed) == []


def test_warnings_for_endpoints_and_services() -> None:
    assert warnings(endpoints_obj([])) == [
        "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"
    ]
    assert warnings(svc(traffic_distribution="PreferClose", external_name="x.example.com")) == [
        'spec.externalName is ignored when spec.type is not "ExternalName"',
        'spec.trafficDistribution: "PreferClose" is deprecated; use "PreferSameZone"',
    ]


# ---------------------------------------------------------------------------
# Properties.

octets = st.integers(min_value=0, max_value=255)
ordinary_ipv4 = st.tuples(st.sampled_from([10, 100, 172, 192, 203]), octets, octets, octets).map(
    lambda t: ".".join(map(str, t))
)
ipv6_groups = st.lists(st.integers(min_value=0, max_value=0xFFFF), min_size=8, max_size=8).filter(
    lambda g: g[0] not in (0, 0xFE80, 0xFF02) and (g[0] & 0xFF00) != 0xFF00 and (g[0] & 0xFFC0) != 0xFE80
)
dns_labels = st.from_regex(r"[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?", fullmatch=True)


def canonical_v6(groups: list[int]) -> str:
    import ipaddress

    return str(ipaddress.IPv6Address(sum(g << (16 * (7 - i)) for i, g in enumerate(groups))))


@st.composite
def valid_slices(draw: st.DrawFn) -> EndpointSlice:
    v6 = draw(st.booleans())
    address = st.builds(canonical_v6, ipv6_groups) if v6 else ordinary_ipv4
    endpoints = draw(
        st.lists(
            st.builds(
                Endpoint,
                addresses=st.lists(address, min_size=1, max_size=3),
                hostname=st.none() | dns_labels,
                node_name=st.none() | dns_labels,
                hints=st.none()
                | st.builds(
                    EndpointHints,
                    for_zones=st.lists(dns_labels, max_size=3, unique=True).map(lambda z: [ForZone(name=n) for n in z]),
                ),
            ),
            max_size=5,
        )
    )
    names = draw(st.lists(dns_labels, max_size=4, unique=True))
    ports = [
        EndpointPort(name=n, protocol=draw(st.sampled_from(["TCP", "UDP", "SCTP"])), port=draw(st.integers()))
        for n in names
    ]
    return EndpointSlice(
        metadata=ObjectMeta(name=draw(dns_labels), namespace=draw(dns_labels)),
        address_type="IPv6" if v6 else "IPv4",
        endpoints=endpoints,
        ports=ports,
    )


@given(valid_slices(), st.sampled_from(list(KubeVersion)))
def test_valid_slices_validate_clean(slice_: EndpointSlice, version: KubeVersion) -> None:
    assert validate_endpoint_slice(slice_, version=version) == []


@given(ipv6_groups, st.data())
def test_non_canonical_ipv6_is_rejected_with_the_canonical_form(groups: list[int], data: st.DataObject) -> None:
    canonical = canonical_v6(groups)
    spelled = ":".join(f"{g:x}" for g in groups)
    spelled = data.draw(st.sampled_from([spelled.upper(), ":".join(f"{g:04x}" for g in groups), spelled]))
    got = validate_endpoint_slice(es(address_type="IPv6", endpoints=[ep([spelled])]))
    if spelled == canonical:
        assert got == []
    else:
        assert [str(e) for e in got] == [
            f'endpoints[0].addresses[0]: Invalid value: "{spelled}": must be in canonical form ("{canonical}")'
        ]


@given(st.text(max_size=40))
def test_any_string_address_gives_errors_not_exceptions(text: str) -> None:
    for address_type in ("IPv4", "IPv6", "FQDN"):
        for e in validate_endpoint_slice(es(address_type=address_type, endpoints=[ep([text])])):
            assert str(e).startswith("endpoints[0].addresses")
    for e in validate_endpoints(one_address(text)):
        assert str(e).startswith("subsets[0].addresses[0].ip")


# ---------------------------------------------------------------------------
# Fuzzing (structure-aware); benchmarks/fuzz_validate.py runs the same with 100 000 inputs.


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(fuzz_documents.documents())
def test_loader_and_validator_survive_fuzzed_documents(text: str) -> None:
    fuzz_documents.pipeline(text)


def test_loader_survives_brackets_in_unknown_keys() -> None:
    # Found by the fuzzer: error positions once came from re-parsing the rendered path.
    from endpointslice import LoadError, io

    with pytest.raises(LoadError, match=r"<string>:1:50: spec\.a\[: unknown field"):
        io.loads('{"apiVersion": "v1", "kind": "Service", "spec": {"a[": 1}}')


# ---------------------------------------------------------------------------
# Deterministic rules where upstream is random or repeats itself (docs/differences.md).


def test_label_errors_follow_sorted_keys() -> None:
    obj = es(meta={"name": "a", "namespace": "b", "labels": {"z_": "ok", "a_": "ok"}}, endpoints=[])
    assert [e.value for e in validate_endpoint_slice(obj)] == ["a_", "z_"]


def test_update_reports_each_error_once() -> None:
    old = es_u(endpoints=[])
    new = es(meta={**UPDATE_META, "labels": {"-bad": "x"}}, ports=[], endpoints=[])
    # The apiserver checks labels twice on update (generic and kind-specific metadata checks);
    # its message lists the error once, and so do we.
    assert [str(e) for e in validate_endpoint_slice(new, old=old)] == [
        f'metadata.labels: Invalid value: "-bad": {NAME_PART}'
    ]


def test_missing_namespace_is_taken_as_default() -> None:
    obj = es(meta={"name": "a"}, endpoints=[])
    assert validate_endpoint_slice(obj) == []
    assert [str(e) for e in validate_endpoint_slice(obj, default_namespace=None)] == [
        "metadata.namespace: Required value"
    ]


LB0, LB1, LB2 = (f"spec.LoadBalancerSourceRanges[{i}]: Invalid value: " for i in range(3))
BAD_CIDR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"


@pytest.mark.parametrize(
    ("ranges", "kwargs", "expected"),
    [
        (["10.0.0.0/8", " 192.168.0.0/16 ", "2001:db8::/32"], {}, []),
        (
            ["10.0.0.1/8"],
            {},
            [f'{LB0}"10.0.0.1/8": must not have bits set beyond the prefix length'],
        ),
        (["10.0.0.1/8"], {"strict_ip": False}, []),
        (
            ["010.0.0.0/8", "10.0.0.0/08"],
            {},
            [
                f'{LB0}"010.0.0.0/8": must not have leading 0s in IP or prefix length',
                f'{LB1}"10.0.0.0/08": must not have leading 0s in IP or prefix length',
            ],
        ),
        (
            ["::ffff:10.0.0.0/104"],
            {},
            [f'{LB0}"::ffff:10.0.0.0/104": must not have an IPv4-mapped IPv6 address'],
        ),
        (
            ["10.0.0.0", "10.0.0.0/33", "x/8"],
            {},
            [
                f'{LB0}"10.0.0.0": {BAD_CIDR}',
                f'{LB1}"10.0.0.0/33": {BAD_CIDR}',
                f'{LB2}"x/8": {BAD_CIDR}',
            ],
        ),
    ],
)
def test_load_balancer_source_ranges(ranges: list[str], kwargs: dict[str, Any], expected: list[str]) -> None:
    obj = svc(type="LoadBalancer", load_balancer_source_ranges=ranges)
    assert [str(e) for e in validate_service(obj, **kwargs)] == expected


def test_load_balancer_source_ranges_need_a_load_balancer() -> None:
    assert [str(e) for e in validate_service(svc(load_balancer_source_ranges=["10.0.0.0/8"]))] == [
        "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"
    ]
    annotated = svc(
        meta={"annotations": {"service.beta.kubernetes.io/load-balancer-source-ranges": "10.0.0.0/8, 1.2.3.4/8"}}
    )
    path = "metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]"
    assert [str(e) for e in validate_service(annotated)] == [
        f"{path}: Forbidden: may only be used when `type` is 'LoadBalancer'",
        f'{path}: Invalid value: "1.2.3.4/8": must not have bits set beyond the prefix length',
    ]


def test_no_name_is_generated_from_generate_name() -> None:
    # The apiserver appends a random suffix to generateName and validates that name too, so an invalid
    # prefix gives a second error naming a random value; we report the prefix's error only.
    obj = es(meta={"generate_name": "Web-", "namespace": "ns"}, endpoints=[])
    assert [e.path for e in validate_endpoint_slice(obj)] == ["metadata.generateName"]


# ---------------------------------------------------------------------------
# Found by the dry-run differential against a real 1.37.2 apiserver
# (tests/kube/test_validation_diff.py); each expected message is the apiserver's own.

_REF = {"apiVersion": "v1", "kind": "Service", "name": "web", "uid": "u1", "controller": True}


def _slice_doc(**meta: Any) -> dict[str, Any]:
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {"name": "a", "namespace": "ns", **meta},
        "addressType": "IPv4",
        "endpoints": [{"addresses": ["10.0.0.1"]}],
    }


def _service_doc(spec: dict[str, Any], name: str = "a", **meta: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "ns", **meta}, "spec": spec}


def _message(doc: dict[str, Any], old: dict[str, Any] | None = None) -> str | None:
    from endpointslice.io import from_dict
    from endpointslice.validation import status_message

    obj = from_dict(doc)
    errors = validate(obj, old=None if old is None else from_dict(old))
    return status_message(obj, errors) if errors else None


APISERVER_CASES: list[tuple[str, dict[str, Any], str | None]] = [
    (
        "a finalizer name without a slash must be a standard one",
        _slice_doc(finalizers=["f", "kubernetes", "example.com/f"]),
        (
            'EndpointSlice.discovery.k8s.io "a" is invalid: metadata.finalizers[0]: Invalid value: "f": '
            "name is neither a standard finalizer name nor is it fully qualified"
        ),
    ),
    ("repeated owner references are dropped, not refused", _slice_doc(ownerReferences=[_REF, _REF]), None),
    ("a new slice's generation is set to 1 first", _slice_doc(generation=-1), None),
    (
        "a Service keeps the generation it was sent",
        _service_doc({"ports": [{"port": 80}]}, generation=-1),
        'Service "a" is invalid: metadata.generation: Invalid value: -1: must be greater than or equal to 0',
    ),
    (
        "a label-key prefix over 253 bytes says bytes",
        {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {"name": "a", "namespace": "ns", "labels": {"p" * 254 + "/a": "v"}},
        },
        'Endpoints "a" is invalid: metadata.labels: Invalid value: "' + "p" * 254 + '/a": '
        "prefix part must be no more than 253 bytes",
    ),
    (
        "decoding drops the session affinity config of a Service without affinity",
        _service_doc({"ports": [{"port": 80}], "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 0}}}),
        None,
    ),
    (
        "the registry's cluster-IP checks refuse alone, before the name is checked",
        _service_doc({"ports": [{"port": 80}], "clusterIPs": ["10.96.100.10"]}, name="Bad_Name"),
        (
            'Service "Bad_Name" is invalid: spec.clusterIPs: Invalid value: ["10.96.100.10"]: '
            "must be empty when `clusterIP` is not specified"
        ),
    ),
    (
        "two cluster IPs under the defaulted SingleStack policy",
        _service_doc(
            {"ports": [{"port": 80}], "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10", "fd00:10:96::100"]}
        ),
        (
            'Service "a" is invalid: spec.ipFamilyPolicy: Invalid value: "SingleStack": '
            "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"
        ),
    ),
]


APISERVER_CASES.append(
    (
        "a port without a node port shares the one its port number asked for",
        _service_doc(
            {"type": "NodePort", "ports": [{"name": "a", "port": 80}, {"name": "b", "port": 80, "nodePort": 30080}]}
        ),
        (
            'Service "a" is invalid: [spec.ports[1].nodePort: Duplicate value: 30080, spec.ports[1]: Duplicate value: '
            '{"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,"TargetPort":0,"NodePort":0}]'
        ),
    )
)


@pytest.mark.parametrize(("doc", "expected"), [c[1:] for c in APISERVER_CASES], ids=[c[0] for c in APISERVER_CASES])
def test_the_apiservers_answer(doc: dict[str, Any], expected: str | None) -> None:
    assert _message(doc) == expected


def test_repeated_owner_references_warn_as_the_apiserver_does() -> None:
    from endpointslice.io import from_dict

    assert warnings(from_dict(_slice_doc(ownerReferences=[_REF, _REF]))) == [
        (
            ".metadata.ownerReferences contains duplicate entries; API server dedups owner references in 1.20+, "
            "and may reject such requests as early as 1.24; please fix your requests; duplicate UID(s) observed: u1"
        )
    ]


_STORED = _service_doc(
    {
        "clusterIP": "10.96.0.5",
        "clusterIPs": ["10.96.0.5"],
        "ipFamilies": ["IPv4"],
        "ipFamilyPolicy": "SingleStack",
        "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}],
        "sessionAffinity": "None",
        "type": "LoadBalancer",
        "loadBalancerClass": "example.com/lb",
        "allocateLoadBalancerNodePorts": True,
        "externalTrafficPolicy": "Cluster",
    },
    resourceVersion="7",
    generation=3,
)


def _changed(**spec: Any) -> dict[str, Any]:
    doc = _service_doc({**_STORED["spec"], **spec}, resourceVersion="7")
    doc["spec"] = {k: v for k, v in doc["spec"].items() if v is not None}
    return doc


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        # A client that does not send the allocated cluster IPs back keeps them (patchAllocatedValues).
        (_changed(clusterIP=None, clusterIPs=None), None),
        # Moving off LoadBalancer drops the unchanged loadBalancerClass, node-port allocation and policy.
        (_changed(type="ClusterIP"), None),
        # Moving to ExternalName drops the unchanged cluster IPs and IP family fields.
        (_changed(type="ExternalName", externalName="db.example.com", ports=None), None),
        # An update keeps the stored generation, so no "must not be decremented".
        ({**_changed(), "metadata": {"name": "a", "namespace": "ns", "resourceVersion": "7", "generation": 1}}, None),
    ],
    ids=["omitted cluster IPs", "LoadBalancer to ClusterIP", "to ExternalName", "generation"],
)
def test_service_updates_as_the_registry_prepares_them(doc: dict[str, Any], expected: str | None) -> None:
    assert _message(doc, _STORED) == expected


def test_status_message_lists_each_error_once() -> None:
    from endpointslice.validation import status_message

    obj = es(meta={"name": "x", "namespace": "ns"}, endpoints=[])
    one = FieldError(type=ErrorType.REQUIRED, path="addressType")
    two = FieldError(type=ErrorType.INVALID, path="metadata.name", value='a"b', detail="bad")
    assert status_message(obj, []) == 'EndpointSlice.discovery.k8s.io "x" is invalid'
    head = 'EndpointSlice.discovery.k8s.io "x" is invalid'
    assert status_message(obj, [one, one]) == f"{head}: addressType: Required value"
    assert status_message(obj, [one, two, one]) == (
        'EndpointSlice.discovery.k8s.io "x" is invalid: '
        '[addressType: Required value, metadata.name: Invalid value: "a\\"b": bad]'
    )
    with pytest.raises(UnsupportedKindError):
        status_message(object(), [one])


def _slice_update(**changes: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    old = _slice_doc(resourceVersion="5")
    new = {**_slice_doc(resourceVersion="5"), **changes}
    return new, old


def test_an_update_to_an_unsupported_address_type_keeps_the_handwritten_place() -> None:
    new, old = _slice_update(addressType="IPv5", ports=[{"name": "p", "port": 1}, {"name": "p", "port": 2}])
    assert _message(new, old) == (
        'EndpointSlice.discovery.k8s.io "a" is invalid: [addressType: Unsupported value: "IPv5": supported values: '
        '"FQDN", "IPv4", "IPv6", ports[1].name: Duplicate value: "p", '
        "addressType: Invalid value: null: field is immutable]"
    )
    new.pop("addressType")
    assert _message(new, old) == (
        'EndpointSlice.discovery.k8s.io "a" is invalid: [ports[1].name: Duplicate value: "p", '
        "addressType: Required value, addressType: Invalid value: null: field is immutable]"
    )


def test_an_update_checks_the_load_balancer_class_before_the_spec() -> None:
    doc = _changed(type="ClusterIP", loadBalancerClass="example.com/other", ports=[{"port": 80}, {"port": 80}])
    message = _message(doc, _STORED)
    assert message is not None
    assert message.startswith(
        "Service \"a\" is invalid: [spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer', "
        "spec.ports[0].name: Required value"
    )


def test_warnings_as_the_apiserver_sends_them() -> None:
    from endpointslice.io import from_dict

    fqdn = {**_slice_doc(), "addressType": "FQDN", "endpoints": [{"addresses": ["010.0.0.1"]}]}
    assert warnings(from_dict(fqdn)) == [
        "spec.addressType: FQDN endpoints are deprecated",
        'endpoints[0].addresses[0]: non-standard IP address "010.0.0.1" is invalid: use "10.0.0.1"',
    ]
    owned = {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "a", "ownerReferences": [_REF, _REF]}}
    assert [w[:30] for w in warnings(from_dict(owned))] == [
        "v1 Endpoints is deprecated in ",
        ".metadata.ownerReferences cont",
    ]
    lb = _changed(externalIPs=["1.2.3.4"], loadBalancerSourceRanges=["10.0.0.0/8", "fd00:0::/64"])
    assert warnings(from_dict(lb), old=from_dict(_STORED)) == [
        "spec.externalIPs is deprecated and may no longer be implemented in some clusters",
        (
            'spec.loadBalancerSourceRanges[1]: IPv6 CIDR value "fd00:0::/64" should be in RFC 5952 canonical format '
            '("fd00::/64")'
        ),
    ]


def test_three_cluster_ips_of_both_families_are_not_refused_as_one_family() -> None:
    doc = _service_doc(
        {"ports": [{"port": 80}], "clusterIP": "fd00::1", "clusterIPs": ["fd00::1", "10.96.0.1", "10.96.0.2"]}
    )
    assert _message(doc) == (
        'Service "a" is invalid: spec.clusterIPs: Invalid value: ["fd00::1","10.96.0.1","10.96.0.2"]: '
        "may only hold up to 2 values"
    )


def test_a_cluster_ip_the_stored_service_holds_is_not_parsed_again() -> None:
    headless = {"clusterIP": "None", "clusterIPs": ["None"], "ports": [{"port": 80}], "selector": {"a": "b"}}
    old = _service_doc(headless, resourceVersion="1")
    new = _service_doc({**headless, "clusterIPs": ["None", "None"]}, resourceVersion="1")
    assert _message(new, old) == (
        'Service "a" is invalid: spec.clusterIPs: Invalid value: ["None","None"]: '
        "'None' must be the first and only value"
    )


def test_a_kept_value_that_is_no_address_fails_the_dual_stack_check_as_upstream() -> None:
    stored = {
        "clusterIP": "None",
        "clusterIPs": ["None"],
        "ipFamilies": ["IPv4", "IPv6"],
        "ipFamilyPolicy": "RequireDualStack",
        "ports": [{"port": 80}],
    }
    old = _service_doc(stored, resourceVersion="1")
    new = _service_doc({**stored, "clusterIPs": ["10.96.100.11", "None"]}, resourceVersion="1")
    assert _message(new, old) == (
        'Service "a" is invalid: [spec.clusterIPs: Invalid value: ["10.96.100.11","None"]: first value must match '
        "`clusterIP`, spec.clusterIPs: Internal error: failed to check for dual stack with error:invalid IP[1]: None, "
        'spec.clusterIPs: Invalid value: ["10.96.100.11","None"]: may specify no more than one IP for each IP family, '
        'spec.clusterIPs[1]: Invalid value: "None": expected an IPv6 value as indicated by `ipFamilies[1]`]'
    )


def test_leaving_load_balancer_drops_node_ports_when_none_is_new() -> None:
    ports = [{"name": "a", "port": 80, "nodePort": 30001}, {"name": "b", "port": 81, "nodePort": 30002}]
    old = _service_doc({**_STORED["spec"], "ports": ports}, resourceVersion="7")
    fewer = [{"name": "a", "port": 80, "nodePort": 0}, {"name": "b", "port": 81, "nodePort": 30002}]
    assert _message(_changed(type="ClusterIP", ports=fewer), old) is None
    new = [{"name": "a", "port": 80}, {"name": "b", "port": 81, "nodePort": 30003}]
    assert _message(_changed(type="ClusterIP", ports=new), old) == (
        "Service \"a\" is invalid: spec.ports[1].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"
    )
