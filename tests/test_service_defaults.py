"""Tests for `endpointslice.packing.default_service` (module ``endpointslice._service_defaults``).

The real apiserver checks the same shapes in tests/kube/test_service_defaults.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from endpointslice import IPFamily, IPFamilyPolicy, io
from endpointslice._cli import main
from endpointslice.packing import LABEL_HEADLESS, PackingError, default_service
from endpointslice.service import Service

V4, V6 = IPFamily.IPV4, IPFamily.IPV6
DUAL = (V4, V6)


def service(**spec: Any) -> Service:
    return io.from_dict({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": spec}, Service)


def shape(svc: Service) -> tuple[Any, ...]:
    spec = svc.spec
    return spec.ip_families, spec.ip_family_policy, spec.cluster_ips, spec.cluster_ip


def test_cluster_ip_service_gets_the_primary_family_single_stack() -> None:
    assert shape(default_service(service(selector={"a": "b"}))) == (
        (V4,),
        IPFamilyPolicy.SINGLE_STACK,
        ("10.96.0.0",),
        "10.96.0.0",
    )
    assert shape(default_service(service(selector={"a": "b"}), cluster_families=("IPv6",))) == (
        (V6,),
        IPFamilyPolicy.SINGLE_STACK,
        ("fd00:10:96::",),
        "fd00:10:96::",
    )


def test_prefer_dual_stack_gets_two_families_only_on_a_dual_stack_cluster() -> None:
    prefer = service(selector={"a": "b"}, ipFamilyPolicy="PreferDualStack")
    assert default_service(prefer, cluster_families=("IPv4",)).spec.ip_families == (V4,)
    assert default_service(prefer, cluster_families=("IPv6", "IPv4")).spec.ip_families == (V6, V4)
    # Unsaid, the cluster is IPv4 plus what the Service names: here nothing, so one family.
    assert default_service(prefer).spec.ip_families == (V4,)


def test_headless_with_selector_is_single_stack_and_keeps_none() -> None:
    found = default_service(service(clusterIP="None", selector={"a": "b"}), cluster_families=DUAL)
    assert shape(found) == ((V4,), IPFamilyPolicy.SINGLE_STACK, ("None",), "None")


def test_headless_selectorless_requires_dual_stack_even_on_a_single_stack_cluster() -> None:
    found = default_service(service(clusterIP="None"), cluster_families=("IPv4",))
    assert shape(found) == (DUAL, IPFamilyPolicy.REQUIRE_DUAL_STACK, ("None",), "None")


def test_families_follow_given_cluster_ips() -> None:
    found = default_service(service(selector={"a": "b"}, clusterIP="fd00::1"), cluster_families=DUAL)
    assert shape(found) == ((V6,), IPFamilyPolicy.SINGLE_STACK, ("fd00::1",), "fd00::1")


def test_named_families_are_taken_as_served_when_the_cluster_is_unsaid() -> None:
    found = default_service(service(selector={"a": "b"}, ipFamilies=["IPv6", "IPv4"], ipFamilyPolicy="PreferDualStack"))
    assert shape(found) == ((V6, V4), IPFamilyPolicy.PREFER_DUAL_STACK, ("fd00:10:96::", "10.96.0.0"), "fd00:10:96::")
    assert default_service(service(ipFamilyPolicy="RequireDualStack")).spec.ip_families == DUAL


@pytest.mark.parametrize(
    ("spec", "families", "message"),
    [
        (
            {"ipFamilyPolicy": "RequireDualStack"},
            ("IPv4",),
            (
                "spec.ipFamilyPolicy: Invalid value: 'RequireDualStack': "
                "this cluster is not configured for dual-stack services"
            ),
        ),
        (
            {"ipFamilies": ["IPv6"]},
            ("IPv4",),
            "spec.ipFamilies[0]: Invalid value: 'IPv6': not configured on this cluster",
        ),
        (
            {"ipFamilies": ["IPv4", "IPv6"]},
            DUAL,
            (
                "spec.ipFamilyPolicy: Invalid value: 'SingleStack': must be 'RequireDualStack' or 'PreferDualStack' "
                "when multiple IP families are specified"
            ),
        ),
        (
            {"clusterIP": "fd00::1"},
            ("IPv4",),
            "spec.clusterIP: Invalid value: 'fd00::1': IPv6 is not configured on this cluster",
        ),
        ({"ipFamilyPolicy": "Sometimes"}, ("IPv4",), "spec.ipFamilyPolicy: Unsupported value: 'Sometimes'"),
    ],
)
def test_what_the_apiserver_refuses_is_refused_with_its_path(
    spec: dict[str, Any], families: tuple[str, ...], message: str
) -> None:
    with pytest.raises(PackingError) as info:
        default_service(service(selector={"a": "b"}, **spec), cluster_families=families)
    assert str(info.value) == message


def test_external_name_is_left_as_it_is() -> None:
    external = service(type="ExternalName", externalName="db.example.com")
    assert default_service(external) is external


@given(
    policy=st.sampled_from([None, "SingleStack", "PreferDualStack", "RequireDualStack"]),
    headless=st.booleans(),
    selector=st.booleans(),
    families=st.sampled_from([("IPv4",), ("IPv6",), ("IPv4", "IPv6"), ("IPv6", "IPv4")]),
)
def test_law_defaulting_twice_changes_nothing(
    policy: str | None, headless: bool, selector: bool, families: tuple[str, ...]
) -> None:
    spec: dict[str, Any] = {"ports": [{"port": 80}]}
    if policy:
        spec["ipFamilyPolicy"] = policy
    if headless:
        spec["clusterIP"] = "None"
    if selector:
        spec["selector"] = {"a": "b"}
    try:
        once = default_service(service(**spec), cluster_families=families)
    except PackingError:
        return
    assert default_service(once, cluster_families=families) == once
    assert once.spec.ip_families
    assert once.spec.ip_family_policy is not None


# ---------------------------------------------------------------------------
# endpointslice pack


WEB = Path(__file__).parent.parent / "examples" / "web"


def test_pack_of_an_undefaulted_service_gives_one_family_not_headless(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    svc = tmp_path / "service.yaml"
    text = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
    svc.write_text(text + "spec:\n  selector: {app.kubernetes.io/name: web}\n  ports: [{port: 80}]\n")
    before = svc.read_bytes()
    assert main(["pack", str(svc), str(WEB / "pods.yaml")]) == 0
    slices = io.loads(capsys.readouterr().out)
    assert [(s.address_type.value, LABEL_HEADLESS in (s.metadata.labels or {})) for s in slices] == [("IPv4", False)]  # type: ignore[union-attr]
    assert main(["pack", str(svc), str(WEB / "pods.yaml"), "--cluster-family", "IPv6"]) == 0
    slices = io.loads(capsys.readouterr().out)
    assert [s.address_type.value for s in slices] == ["IPv6"]  # type: ignore[union-attr]
    assert svc.read_bytes() == before  # Defaulting shapes the slices, never the file.


def test_pack_refuses_what_the_apiserver_would_with_a_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    svc = tmp_path / "service.yaml"
    svc.write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
        "spec:\n  selector: {app.kubernetes.io/name: web}\n  ipFamilyPolicy: RequireDualStack\n"
    )
    assert main(["pack", str(svc), str(WEB / "pods.yaml"), "--cluster-family", "IPv4"]) == 2
    assert capsys.readouterr().err == (
        f"endpointslice pack: error: {svc}:6:19: spec.ipFamilyPolicy: Invalid value: 'RequireDualStack': this "
        "cluster is not configured for dual-stack services (as the API server would refuse it on this cluster; "
        "see --cluster-family)\n"
    )
    with pytest.raises(SystemExit):
        main(["pack", str(svc), str(WEB / "pods.yaml"), "--cluster-family", "IPv4,IPv4"])
    assert "expected IPv4, IPv6, IPv4,IPv6 or IPv6,IPv4, got 'IPv4,IPv4'" in capsys.readouterr().err


def test_pack_of_ipv6_entries_for_an_undefaulted_selectorless_service_needs_the_cluster_family(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    service_file = Path(__file__).parent.parent / "examples" / "external-ips" / "service.yaml"
    entries = tmp_path / "v6.txt"
    entries.write_text("2001:db8::1\n")
    assert main(["pack", str(service_file), str(entries)]) == 2
    assert capsys.readouterr().err.endswith(
        "endpoints: Unsupported value: IPv6 endpoints for a Service whose ipFamilies are IPv4 "
        "(as written, or as the API server defaults them: see --cluster-family)\n"
    )
    assert main(["pack", str(service_file), str(entries), "--cluster-family", "IPv6"]) == 0
    assert [s.address_type.value for s in io.loads(capsys.readouterr().out)] == ["IPv6"]  # type: ignore[union-attr]
