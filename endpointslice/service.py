"""core/v1 `Service`, with every field of the 1.37 schema.

``ServicePort.target_port`` is the API's int-or-string: an ``int`` port
number or a ``str`` port name, kept as given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

import attrs

from ._frozen import FrozenDict
from ._model import EMITTED, Model, optional_str_map, optional_strs, wire, zero
from .enums import (
    IPFamily,
    IPFamilyPolicy,
    Protocol,
    ServiceAffinity,
    ServiceExternalTrafficPolicy,
    ServiceInternalTrafficPolicy,
    ServiceType,
    TrafficDistribution,
)
from .meta import ListMeta, ObjectMeta

__all__ = [
    "ClientIPConfig",
    "Condition",
    "LoadBalancerIngress",
    "LoadBalancerStatus",
    "PortStatus",
    "Service",
    "ServiceList",
    "ServicePort",
    "ServiceSpec",
    "ServiceStatus",
    "SessionAffinityConfig",
]


if TYPE_CHECKING:
    # Typing only: each constructor takes any sequence and keeps a tuple (see `_model`).
    def _ports(value: Sequence[ServicePort] | None, /) -> tuple[ServicePort, ...] | None: ...
    def _ip_families(value: Sequence[IPFamily | str] | None, /) -> tuple[IPFamily | str, ...] | None: ...
    def _port_statuses(value: Sequence[PortStatus] | None, /) -> tuple[PortStatus, ...] | None: ...
    def _ingress(value: Sequence[LoadBalancerIngress] | None, /) -> tuple[LoadBalancerIngress, ...] | None: ...
    def _conditions(value: Sequence[Condition] | None, /) -> tuple[Condition, ...] | None: ...
    def _items(value: Sequence[Service], /) -> tuple[Service, ...]: ...
else:
    _ports = _ip_families = _port_statuses = _ingress = _conditions = _items = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class ServicePort(Model):
    """One port of a Service."""

    name: str | None = attrs.field(default=None)
    protocol: Protocol | str | None = attrs.field(default=None)
    app_protocol: str | None = attrs.field(default=None)
    port: int = attrs.field(metadata=zero(0))
    target_port: int | str | None = attrs.field(default=None)
    node_port: int | None = attrs.field(default=None)


@attrs.frozen(kw_only=True, weakref_slot=False)
class ClientIPConfig(Model):
    """`sessionAffinityConfig.clientIP`."""

    timeout_seconds: int | None = attrs.field(default=None)


@attrs.frozen(kw_only=True, weakref_slot=False)
class SessionAffinityConfig(Model):
    """`spec.sessionAffinityConfig`."""

    client_ip: ClientIPConfig | None = attrs.field(default=None, metadata=wire("clientIP"))


@attrs.frozen(kw_only=True, weakref_slot=False)
class ServiceSpec(Model):
    """`Service.spec`."""

    ports: tuple[ServicePort, ...] | None = attrs.field(default=None, converter=_ports)
    selector: FrozenDict[str, str] | None = attrs.field(default=None, converter=optional_str_map)
    cluster_ip: str | None = attrs.field(default=None, metadata=wire("clusterIP"))
    cluster_ips: tuple[str, ...] | None = attrs.field(
        default=None, converter=optional_strs, metadata=wire("clusterIPs")
    )
    type: ServiceType | str | None = attrs.field(default=None)
    external_ips: tuple[str, ...] | None = attrs.field(
        default=None, converter=optional_strs, metadata=wire("externalIPs")
    )
    session_affinity: ServiceAffinity | str | None = attrs.field(default=None)
    load_balancer_ip: str | None = attrs.field(default=None, metadata=wire("loadBalancerIP"))
    load_balancer_source_ranges: tuple[str, ...] | None = attrs.field(default=None, converter=optional_strs)
    external_name: str | None = attrs.field(default=None)
    external_traffic_policy: ServiceExternalTrafficPolicy | str | None = attrs.field(default=None)
    health_check_node_port: int | None = attrs.field(default=None)
    publish_not_ready_addresses: bool | None = attrs.field(default=None)
    session_affinity_config: SessionAffinityConfig | None = attrs.field(default=None)
    ip_families: tuple[IPFamily | str, ...] | None = attrs.field(
        default=None, converter=_ip_families, metadata=wire("ipFamilies")
    )
    ip_family_policy: IPFamilyPolicy | str | None = attrs.field(default=None, metadata=wire("ipFamilyPolicy"))
    allocate_load_balancer_node_ports: bool | None = attrs.field(default=None)
    load_balancer_class: str | None = attrs.field(default=None)
    internal_traffic_policy: ServiceInternalTrafficPolicy | str | None = attrs.field(default=None)
    traffic_distribution: TrafficDistribution | str | None = attrs.field(default=None)


@attrs.frozen(kw_only=True, weakref_slot=False)
class PortStatus(Model):
    """`status.loadBalancer.ingress[].ports[]`."""

    port: int = attrs.field(metadata=zero(0))
    protocol: Protocol | str = attrs.field(metadata=zero(""))
    error: str | None = attrs.field(default=None)


@attrs.frozen(kw_only=True, weakref_slot=False)
class LoadBalancerIngress(Model):
    """`status.loadBalancer.ingress[]`."""

    ip: str | None = attrs.field(default=None)
    hostname: str | None = attrs.field(default=None)
    ip_mode: str | None = attrs.field(default=None)
    ports: tuple[PortStatus, ...] | None = attrs.field(default=None, converter=_port_statuses)


@attrs.frozen(kw_only=True, weakref_slot=False)
class LoadBalancerStatus(Model):
    """`status.loadBalancer`."""

    ingress: tuple[LoadBalancerIngress, ...] | None = attrs.field(default=None, converter=_ingress)


@attrs.frozen(kw_only=True, weakref_slot=False)
class Condition(Model):
    """A meta/v1 `Condition` (``Service.status.conditions[]``)."""

    type: str = attrs.field(metadata=zero(""))
    status: str = attrs.field(metadata=zero(""))
    observed_generation: int | None = attrs.field(default=None)
    last_transition_time: str = attrs.field(metadata=zero(""))
    reason: str = attrs.field(metadata=zero(""))
    message: str = attrs.field(metadata=zero(""))


@attrs.frozen(kw_only=True, weakref_slot=False)
class ServiceStatus(Model):
    """`Service.status`; ``loadBalancer`` is always written, ``{}`` when empty, as the API does."""

    load_balancer: LoadBalancerStatus = attrs.field(default=LoadBalancerStatus(), metadata=EMITTED)
    conditions: tuple[Condition, ...] | None = attrs.field(default=None, converter=_conditions)


@attrs.frozen(kw_only=True, weakref_slot=False)
class Service(Model):
    """A core/v1 Service."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "Service"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta(), metadata=EMITTED)
    spec: ServiceSpec = attrs.field(default=ServiceSpec(), metadata=EMITTED)
    status: ServiceStatus = attrs.field(default=ServiceStatus(), metadata=EMITTED)

    @property
    def is_headless(self) -> bool:
        """``clusterIP: None``: a headless Service."""
        return self.spec.cluster_ip == "None"

    @property
    def has_cluster_ip(self) -> bool:
        """``clusterIP`` is an address: neither unset, empty, nor ``None`` (headless).

        The controllers label slices and Endpoints of a Service without one as headless.
        """
        return self.spec.cluster_ip not in (None, "", "None")


@attrs.frozen(kw_only=True, weakref_slot=False)
class ServiceList(Model):
    """A core/v1 ServiceList."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "ServiceList"

    metadata: ListMeta = attrs.field(default=ListMeta(), metadata=EMITTED)
    items: tuple[Service, ...] = attrs.field(converter=_items, metadata=zero(()))
