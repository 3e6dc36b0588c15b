"""Cross-object checks: one test per rule, plus ordering and the api findings."""

# The model constructors accept lists and dicts and normalise them; mypy would flag the literals.
# mypy: disable-error-code="arg-type"

from __future__ import annotations

from typing import Any

import pytest

from endpointslice import (
    Endpoint,
    EndpointAddress,
    EndpointConditions,
    EndpointPort,
    Endpoints,
    EndpointSlice,
    EndpointSubset,
    ObjectMeta,
    OwnerReference,
    Service,
    ServicePort,
    ServiceSpec,
)
from endpointslice.checks import RULES, Severity, api_findings, run_checks

SVC_LABEL = "kubernetes.io/service-name"
MANAGED = "endpointslice.kubernetes.io/managed-by"


def service(name: str = "web", *, selector: dict[str, str] | None = None, **spec: Any) -> Service:
    spec.setdefault("ports", [ServicePort(name="http", port=80, protocol="TCP")])
    return Service(metadata=ObjectMeta(name=name, namespace="ns"), spec=ServiceSpec(selector=selector, **spec))


def slice_(
    name: str = "web-1",
    *,
    service_name: str | None = "web",
    managed_by: str | None = "staff",
    ports: list[EndpointPort] | None = None,
    endpoints: list[Endpoint] | None = None,
    address_type: str = "IPv4",
    owner: bool = False,
) -> EndpointSlice:
    labels = {}
    if service_name is not None:
        labels[SVC_LABEL] = service_name
    if managed_by is not None:
        labels[MANAGED] = managed_by
    refs = (
        [OwnerReference(api_version="v1", kind="Service", name=service_name or "", uid="u", controller=True)]
        if owner
        else None
    )
    return EndpointSlice(
        metadata=ObjectMeta(name=name, namespace="ns", labels=labels, owner_references=refs),
        address_type=address_type,
        ports=[EndpointPort(name="http", protocol="TCP", port=8080)] if ports is None else ports,
        endpoints=[Endpoint(addresses=["10.0.0.1"])] if endpoints is None else endpoints,
    )


def rules(objs: list[Any], **kw: Any) -> list[str]:
    return [f.rule for f in run_checks(objs, **kw)]


def test_consistent_selectorless_set_is_clean() -> None:
    assert run_checks([service(), slice_()]) == []


def test_es001_slice_names_a_missing_service() -> None:
    (f,) = run_checks([slice_(service_name="gone")])
    assert (f.rule, f.severity, f.path) == ("ES001", Severity.WARNING, f"metadata.labels[{SVC_LABEL}]")
    assert f.message == 'Service "ns/gone" is not in the checked set'


def test_es002_port_name_or_protocol_mismatch() -> None:
    objs = [
        service(),
        slice_(ports=[EndpointPort(name="web", protocol="TCP", port=80), EndpointPort(name="http", protocol="UDP")]),
    ]
    found = run_checks(objs)
    assert [(f.rule, f.path) for f in found] == [("ES002", "ports[0]"), ("ES002", "ports[1]")]
    assert found[0].message == ('port "web"/TCP matches no port of Service \'web\' ("http"/TCP); kube-proxy ignores it')
    assert str(found[1]).startswith('error [ES002] EndpointSlice/ns/web-1: ports[1]: port "http"/UDP')


def test_es002_unnamed_ports_match_by_protocol() -> None:
    objs = [service(ports=[ServicePort(port=80)]), slice_(ports=[EndpointPort(port=8080)])]
    assert run_checks(objs) == []


def test_es003_address_type_outside_ip_families() -> None:
    objs = [service(ip_families=["IPv4"]), slice_(address_type="IPv6", endpoints=[Endpoint(addresses=["fd00::1"])])]
    assert rules(objs) == ["ES003"]
    derived = [service(cluster_ip="fd00::10"), slice_()]
    assert [f.message for f in run_checks(derived)] == ["IPv4 is not among the ipFamilies of Service 'web' (IPv6)"]


def test_es004_slice_of_selector_service_not_managed_by_controller() -> None:
    objs = [service(selector={"app": "web"}), slice_()]
    (f,) = run_checks(objs)
    assert f.rule == "ES004"
    assert "'staff'" in f.message


def test_es005_hand_written_slice_with_controller_label() -> None:
    assert rules([service(), slice_(managed_by="endpointslice-controller.k8s.io", owner=True)]) == ["ES005"]
    orphan = slice_(managed_by="endpointslice-controller.k8s.io")
    assert rules([service(selector={"app": "web"}), orphan]) == ["ES005"]
    owned = slice_(managed_by="endpointslice-controller.k8s.io", owner=True)
    assert run_checks([service(selector={"app": "web"}), owned]) == []


def test_es006_conflicting_conditions_across_slices() -> None:
    a = slice_("web-a", endpoints=[Endpoint(addresses=["10.0.0.1"], conditions=EndpointConditions(ready=True))])
    b = slice_("web-b", endpoints=[Endpoint(addresses=["10.0.0.1"], conditions=EndpointConditions(ready=False))])
    (f,) = run_checks([service(), a, b])
    assert (f.rule, f.name, f.path) == ("ES006", "web-b", "endpoints[0].addresses[0]")
    assert f.message == (
        '10.0.0.1 port "http"/TCP is ready=false serving=true terminating=false here but '
        "ready=true serving=true terminating=false in slice 'web-a'"
    )


def test_es006_same_conditions_or_other_service_are_fine() -> None:
    a = slice_("web-a")
    b = slice_("web-b")
    c = slice_(
        "other-a",
        service_name="other",
        endpoints=[Endpoint(addresses=["10.0.0.1"], conditions=EndpointConditions(ready=False))],
    )
    assert rules([service(), service("other"), a, b, c]) == []


def test_es007_selectorless_service_without_endpoints() -> None:
    (f,) = run_checks([service()])
    assert (f.rule, f.kind, f.path) == ("ES007", "Service", "spec.selector")
    assert run_checks([service(type="ExternalName", external_name="a.example.com")]) == []
    assert run_checks([service(selector={"app": "x"})]) == []
    ep = Endpoints(metadata=ObjectMeta(name="web", namespace="ns"), subsets=[])
    assert rules([service(), ep]) == ["ES009"]


def test_es008_too_many_endpoints_per_slice() -> None:
    big = slice_(endpoints=[Endpoint(addresses=[f"10.0.0.{i}"]) for i in range(1, 6)])
    assert rules([service(), big], max_endpoints_per_slice=4) == ["ES008"]
    assert rules([service(), big], max_endpoints_per_slice=5) == []


def test_es009_and_es010_endpoints() -> None:
    ep = Endpoints(
        metadata=ObjectMeta(
            name="web", namespace="ns", annotations={"endpoints.kubernetes.io/over-capacity": "truncated"}
        ),
        subsets=[EndpointSubset(addresses=[EndpointAddress(ip=f"10.0.{i // 250}.{i % 250 + 1}") for i in range(1001)])],
    )
    found = run_checks([ep])
    assert [(f.rule, f.path) for f in found] == [
        ("ES009", ""),
        ("ES010", "metadata.annotations[endpoints.kubernetes.io/over-capacity]"),
        ("ES010", "subsets"),
    ]
    assert "endpointslice migrate" in found[0].message


def test_es011_slice_without_service_label() -> None:
    assert rules([slice_(service_name=None)]) == ["ES011"]


def test_findings_follow_input_order_then_rule() -> None:
    objs = [
        slice_("z", service_name="gone", managed_by="endpointslice-controller.k8s.io"),
        service("lonely"),
        slice_("a", service_name=None),
    ]
    assert [(f.name, f.rule) for f in run_checks(objs)] == [
        ("z", "ES001"),
        ("z", "ES005"),
        ("lonely", "ES007"),
        ("a", "ES011"),
    ]


def test_every_rule_is_documented() -> None:
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "checks.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        assert f"`{rule.id}`" in text, rule.id


@pytest.mark.parametrize("rule", sorted(RULES))
def test_rule_severity_is_an_enum(rule: str) -> None:
    assert isinstance(RULES[rule].severity, Severity)


def test_api_findings_carry_apiserver_errors_and_warnings() -> None:
    bad = slice_(address_type="FQDN", endpoints=[Endpoint(addresses=["Not_A_Name"])])
    found = api_findings(bad)
    assert [(f.rule, f.path) for f in found] == [
        ("api", "endpoints[0].addresses[0]"),
        ("api-warning", "spec.addressType"),
    ]
    assert found[0].message.startswith('Invalid value: "Not_A_Name": a lowercase RFC 1123 subdomain')
    assert found[1].message == "FQDN endpoints are deprecated"
    assert api_findings(Endpoints(metadata=ObjectMeta(name="a", namespace="b"))) == []


def test_objects_without_namespace_are_in_default() -> None:
    lonely = Service(metadata=ObjectMeta(name="web"), spec=ServiceSpec(ports=[ServicePort(port=80)]))
    (f,) = run_checks([lonely])
    assert str(f).startswith("warning [ES007] Service/default/web: spec.selector: ")
