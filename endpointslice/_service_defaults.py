"""The IP-family defaults the API server gives a Service when it is created.

A Service in a manifest usually has no ``clusterIP``, ``ipFamilies`` or
``ipFamilyPolicy``: the API server fills them in on create (the registry's
allocator, after the v1 defaulting functions), and only then does the
EndpointSlice controller see it. The controller's own fallback for a Service
without families (both families, labelled headless) exists for objects from old
API servers; a manifest was never such an object, so packing one as it stands
gives slices a cluster would never hold. `default_service` shapes it first.

The order of the steps follows the registry's create path: a missing policy is
inferred, the policy is checked against the IPs and families given, families are
inferred from given cluster IPs, headless selectorless Services take their
special case, and only then are the cluster's families checked, the primary
family filled in and the secondary one added for the dual-stack policies.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from .enums import IPFamily, IPFamilyPolicy, ServiceType
from .errors import Problem
from .packing import PackingError
from .service import Service, ServiceSpec

__all__ = ["DEFAULT_CLUSTER_FAMILIES", "PLACEHOLDER_CLUSTER_IPS", "default_service"]

#: A default kubeadm cluster: single-stack IPv4.
DEFAULT_CLUSTER_FAMILIES: tuple[IPFamily, ...] = (IPFamily.IPV4,)

#: The cluster IP given to a family that has none: the network address of kubeadm's default
#: Service range for IPv4 (10.96.0.0/12) and of kind's for IPv6. The API server never hands
#: out a range's network address, so a defaulted Service cannot pass for an allocated one;
#: the value reaches no slice (only whether there is a cluster IP matters to the controller).
PLACEHOLDER_CLUSTER_IPS: dict[IPFamily, str] = {IPFamily.IPV4: "10.96.0.0", IPFamily.IPV6: "fd00:10:96::"}

_NONE = "None"


def _family_of(ip: str) -> IPFamily:
    return IPFamily.IPV6 if ":" in ip else IPFamily.IPV4


def _other(family: IPFamily) -> IPFamily:
    return IPFamily.IPV6 if family is IPFamily.IPV4 else IPFamily.IPV4


def _cluster(families: Sequence[IPFamily | str]) -> tuple[IPFamily, ...]:
    try:
        found = tuple(f if isinstance(f, IPFamily) else IPFamily(f) for f in families)
    except ValueError:
        raise PackingError(
            [Problem(message=f"cluster families must be IPv4 and/or IPv6, got {list(map(str, families))}")]
        ) from None
    if not 1 <= len(found) <= 2 or len(set(found)) != len(found):
        names = [f.value for f in found]
        raise PackingError([Problem(message=f"cluster families must be one family or two different ones, got {names}")])
    return found


def _assumed(spec: ServiceSpec) -> tuple[IPFamily, ...]:
    named = [f for f in spec.ip_families or () if isinstance(f, IPFamily)]
    named += [_family_of(ip) for ip in spec.cluster_ips or (spec.cluster_ip,) if ip and ip != _NONE]
    found = list(dict.fromkeys([*DEFAULT_CLUSTER_FAMILIES, *named]))
    if spec.ip_family_policy is IPFamilyPolicy.REQUIRE_DUAL_STACK and len(found) == 1:
        found.append(_other(found[0]))
    return tuple(found)


def default_service(service: Service, /, *, cluster_families: Sequence[IPFamily | str] | None = None) -> Service:
    """*service* as the API server would store it on create, as far as slices depend on it.

    Fills in ``ipFamilyPolicy``, ``ipFamilies`` and ``clusterIP``/``clusterIPs``
    the way the registry does on a cluster serving *cluster_families*; a field
    the Service already has is kept. A Service with all three set (anything read
    back from a cluster) comes back equal, so calling this on every Service is
    safe. An ExternalName Service is returned as it is.

    The allocated cluster IP itself cannot be known (the API server picks it at
    random); a family without one gets `PLACEHOLDER_CLUSTER_IPS`' address.

    Args:
        service: The Service, as written in a manifest.
        cluster_families: The cluster's Service families, primary first:
            ``(IPv4,)`` (as a default kubeadm cluster), ``(IPv6,)``, or two for
            a dual-stack cluster. ``None`` (the default) is the cluster the
            manifest was written for: `DEFAULT_CLUSTER_FAMILIES` (IPv4), plus
            every family the Service names in ``ipFamilies`` or
            ``clusterIPs``, plus the other family for ``RequireDualStack``. A
            manifest that names its families then packs as written, and one
            that names none gets IPv4 only, ``PreferDualStack`` included.

    Returns:
        The Service with its IP-family fields defaulted.

    Raises:
        PackingError: A Service the API server would refuse for these reasons,
            each with its field path: ``RequireDualStack`` on a single-stack
            cluster, a family or cluster IP the cluster does not serve,
            ``SingleStack`` with two families or cluster IPs.

    Example:
        >>> from endpointslice import Service, ServiceSpec
        >>> spec = default_service(Service(spec=ServiceSpec(selector={"app": "web"}))).spec
        >>> [f.value for f in spec.ip_families], spec.ip_family_policy.value, spec.cluster_ip
        (['IPv4'], 'SingleStack', '10.96.0.0')
    """
    spec = service.spec
    families = _cluster(_assumed(spec) if cluster_families is None else cluster_families)
    if spec.type is ServiceType.EXTERNAL_NAME or spec.type == ServiceType.EXTERNAL_NAME.value:
        return service
    cluster_ips = list(spec.cluster_ips or ())
    if not cluster_ips and spec.cluster_ip:
        # The v1 defaulting copies clusterIP into clusterIPs before the registry runs.
        cluster_ips = [spec.cluster_ip]
    headless = bool(cluster_ips) and cluster_ips[0] == _NONE
    policy = spec.ip_family_policy
    if isinstance(policy, str):
        raise PackingError([_problem(f"Unsupported value: {policy!r}", "ipFamilyPolicy")])
    if policy is None:
        policy = IPFamilyPolicy.REQUIRE_DUAL_STACK if headless and not spec.selector else IPFamilyPolicy.SINGLE_STACK
    wanted: list[IPFamily] = []
    for i, raw in enumerate(spec.ip_families or ()):
        if not isinstance(raw, IPFamily):
            # Validation reports an unknown family; packing cannot use it.
            raise PackingError([_problem(f"Unsupported value: {raw!r}", "ipFamilies", i)])
        wanted.append(raw)
    problems: list[Problem] = []
    if policy is IPFamilyPolicy.SINGLE_STACK:
        what = {"cluster IPs": len(cluster_ips), "IP families": len(wanted)}
        problems.extend(
            Problem(
                message=f"Invalid value: 'SingleStack': must be 'RequireDualStack' or 'PreferDualStack' "
                f"when multiple {name} are specified",
                path="spec.ipFamilyPolicy",
                segments=("spec", "ipFamilyPolicy"),
            )
            for name, count in what.items()
            if count == 2
        )
    for i, ip in enumerate(cluster_ips):
        if ip == _NONE:
            break
        family = _family_of(ip)
        if i < len(wanted):
            if wanted[i] is not family:
                problems.append(
                    Problem(
                        message=f"Invalid value: {wanted[i].value!r}: must match the family of clusterIPs[{i}] {ip!r}",
                        path=f"spec.ipFamilies[{i}]",
                        segments=("spec", "ipFamilies", i),
                    )
                )
        elif family not in families:
            problems.append(
                Problem(
                    message=f"Invalid value: {ip!r}: {family.value} is not configured on this cluster",
                    path=f"spec.clusterIPs[{i}]" if spec.cluster_ips else "spec.clusterIP",
                    segments=("spec", "clusterIPs", i) if spec.cluster_ips else ("spec", "clusterIP"),
                )
            )
        else:
            wanted.append(family)
    if problems:
        raise PackingError(problems)
    if headless and not spec.selector:
        # Headless and selectorless: the one case where a family the cluster does not
        # serve is allowed, since no cluster IP is allocated for it.
        wanted = wanted or [families[0]]
        if len(wanted) == 1 and policy is not IPFamilyPolicy.SINGLE_STACK:
            wanted.append(_other(wanted[0]))
        return _with(service, policy, wanted, cluster_ips)
    if policy is IPFamilyPolicy.REQUIRE_DUAL_STACK and len(families) < 2:
        problems.append(
            Problem(
                message="Invalid value: 'RequireDualStack': this cluster is not configured for dual-stack services",
                path="spec.ipFamilyPolicy",
                segments=("spec", "ipFamilyPolicy"),
            )
        )
    problems.extend(
        _problem(f"Invalid value: {f.value!r}: not configured on this cluster", "ipFamilies", i)
        for i, f in enumerate(wanted)
        if f not in families
    )
    if problems:
        raise PackingError(problems)
    wanted = wanted or [families[0]]
    if policy is not IPFamilyPolicy.SINGLE_STACK and len(wanted) == 1 and len(families) == 2:
        wanted.append(_other(wanted[0]))
    if not headless:
        cluster_ips += [PLACEHOLDER_CLUSTER_IPS[f] for f in wanted[len(cluster_ips) :]]
    return _with(service, policy, wanted, cluster_ips)


def _problem(message: str, field: str, index: int | None = None) -> Problem:
    if index is None:
        return Problem(message=message, path=f"spec.{field}", segments=("spec", field))
    return Problem(message=message, path=f"spec.{field}[{index}]", segments=("spec", field, index))


def _with(service: Service, policy: IPFamilyPolicy | str, families: list[IPFamily], cluster_ips: list[str]) -> Service:
    spec = attrs.evolve(
        service.spec,
        ip_family_policy=policy,
        ip_families=tuple(families),
        cluster_ips=tuple(cluster_ips) or None,
        cluster_ip=cluster_ips[0] if cluster_ips else service.spec.cluster_ip,
    )
    return attrs.evolve(service, spec=spec)
