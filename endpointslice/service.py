"""core/v1 `Service`, with every field of the 1.37 schema.

``ServicePort.target_port`` is the API's int-or-string: an ``int`` port
number or a ``str`` port name, kept as given.
"""

from __future__ import annotations

from typing import ClassVar

from ._frozen import FrozenDict
from ._model import field, model, required
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


@model
class ServicePort:
    """One port of a Service."""

    name: str | None = field(default=None)
    protocol: Protocol | str | None = field(default=None)
    app_protocol: str | None = field(default=None)
    port: int = required(0)
    target_port: int | str | None = field(default=None)
    node_port: int | None = field(default=None)


@model
class ClientIPConfig:
    """`sessionAffinityConfig.clientIP`."""

    timeout_seconds: int | None = field(default=None)


@model
class SessionAffinityConfig:
    """`spec.sessionAffinityConfig`."""

    client_ip: ClientIPConfig | None = field(wire="clientIP", default=None)


@model
class ServiceSpec:
    """`Service.spec`."""

    ports: tuple[ServicePort, ...] | None = field(default=None)
    selector: FrozenDict[str, str] | None = field(default=None)
    cluster_ip: str | None = field(wire="clusterIP", default=None)
    cluster_ips: tuple[str, ...] | None = field(wire="clusterIPs", default=None)
    type: ServiceType | str | None = field(default=None)
    external_ips: tuple[str, ...] | None = field(wire="externalIPs", default=None)
    session_affinity: ServiceAffinity | str | None = field(default=None)
    load_balancer_ip: str | None = field(wire="loadBalancerIP", default=None)
    load_balancer_source_ranges: tuple[str, ...] | None = field(default=None)
    external_name: str | None = field(default=None)
    external_traffic_policy: ServiceExternalTrafficPolicy | str | None = field(default=None)
    health_check_node_port: int | None = field(default=None)
    publish_not_ready_addresses: bool | None = field(default=None)
    session_affinity_config: SessionAffinityConfig | None = field(default=None)
    ip_families: tuple[IPFamily | str, ...] | None = field(wire="ipFamilies", default=None)
    ip_family_policy: IPFamilyPolicy | str | None = field(wire="ipFamilyPolicy", default=None)
    allocate_load_balancer_node_ports: bool | None = field(default=None)
    load_balancer_class: str | None = field(default=None)
    internal_traffic_policy: ServiceInternalTrafficPolicy | str | None = field(default=None)
    traffic_distribution: TrafficDistribution | str | None = field(default=None)


@model
class PortStatus:
    """`status.loadBalancer.ingress[].ports[]`."""

    port: int = required(0)
    protocol: Protocol | str = required("")
    error: str | None = field(default=None)


@model
class LoadBalancerIngress:
    """`status.loadBalancer.ingress[]`."""

    ip: str | None = field(default=None)
    hostname: str | None = field(default=None)
    ip_mode: str | None = field(default=None)
    ports: tuple[PortStatus, ...] | None = field(default=None)


@model
class LoadBalancerStatus:
    """`status.loadBalancer`."""

    ingress: tuple[LoadBalancerIngress, ...] | None = field(default=None)


@model
class Condition:
    """A meta/v1 `Condition` (``Service.status.conditions[]``)."""

    type: str = required("")
    status: str = required("")
    observed_generation: int | None = field(default=None)
    last_transition_time: str = required("")
    reason: str = required("")
    message: str = required("")


@model
class ServiceStatus:
    """`Service.status`; ``loadBalancer`` is always written, ``{}`` when empty, as the API does."""

    load_balancer: LoadBalancerStatus = field(always=True, default=LoadBalancerStatus())
    conditions: tuple[Condition, ...] | None = field(default=None)


@model
class Service:
    """A core/v1 Service."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "Service"

    metadata: ObjectMeta = field(always=True, default=ObjectMeta())
    spec: ServiceSpec = field(always=True, default=ServiceSpec())
    status: ServiceStatus = field(always=True, default=ServiceStatus())

    @property
    def is_headless(self) -> bool:
        """``clusterIP: None``: a headless Service."""
        return self.spec.cluster_ip == "None"


@model
class ServiceList:
    """A core/v1 ServiceList."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "ServiceList"

    metadata: ListMeta = field(always=True, default=ListMeta())
    items: tuple[Service, ...] = required(())
