"""Minimal core/v1 `Pod` and `Node` input models for controller emulation.

Only the fields the EndpointSlice and Endpoints controllers read are typed.
Everything else in the object is kept, untouched, in each model's ``extra``
map, so a Pod or Node read from a file is written back whole: nothing the
user gave is dropped.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ._frozen import FrozenDict
from ._model import field, model, required
from .enums import ConditionStatus, PodPhase, Protocol
from .meta import ListMeta, ObjectMeta

__all__ = [
    "Container",
    "ContainerPort",
    "Node",
    "NodeCondition",
    "NodeList",
    "NodeSpec",
    "NodeStatus",
    "Pod",
    "PodCondition",
    "PodIP",
    "PodList",
    "PodSpec",
    "PodStatus",
]

#: The wire name that marks a model's catch-all field for unmodelled keys.
EXTRA = "*"


def _extra() -> Any:
    return field(wire=EXTRA, default=FrozenDict())


@model
class ContainerPort:
    """`containers[].ports[]`."""

    name: str | None = field(default=None)
    container_port: int = required(0)
    protocol: Protocol | str | None = field(default=None)
    host_port: int | None = field(default=None)
    host_ip: str | None = field(wire="hostIP", default=None)
    extra: FrozenDict[str, Any] = _extra()


@model
class Container:
    """A container or init container; ``restartPolicy: Always`` on an init container marks a sidecar."""

    name: str = required("")
    ports: tuple[ContainerPort, ...] | None = field(default=None)
    restart_policy: str | None = field(default=None)
    extra: FrozenDict[str, Any] = _extra()

    @property
    def is_sidecar(self) -> bool:
        """An init container that keeps running beside the app containers."""
        return self.restart_policy == "Always"


@model
class PodSpec:
    """The parts of `Pod.spec` that endpoint controllers read."""

    node_name: str | None = field(default=None)
    hostname: str | None = field(default=None)
    subdomain: str | None = field(default=None)
    containers: tuple[Container, ...] | None = field(default=None)
    init_containers: tuple[Container, ...] | None = field(default=None)
    extra: FrozenDict[str, Any] = _extra()


@model
class PodIP:
    """`status.podIPs[]`."""

    ip: str = required("")
    extra: FrozenDict[str, Any] = _extra()


@model
class PodCondition:
    """`status.conditions[]` of a Pod."""

    type: str = required("")
    status: ConditionStatus | str = required("")
    extra: FrozenDict[str, Any] = _extra()


@model
class PodStatus:
    """The parts of `Pod.status` that endpoint controllers read."""

    phase: PodPhase | str | None = field(default=None)
    pod_ip: str | None = field(wire="podIP", default=None)
    pod_ips: tuple[PodIP, ...] | None = field(wire="podIPs", default=None)
    conditions: tuple[PodCondition, ...] | None = field(default=None)
    extra: FrozenDict[str, Any] = _extra()

    @property
    def is_ready(self) -> bool:
        """The ``Ready`` condition is ``True``."""
        return any(c.type == "Ready" and c.status is ConditionStatus.TRUE for c in self.conditions or ())


@model
class Pod:
    """A core/v1 Pod, as input to controller emulation."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "Pod"

    metadata: ObjectMeta = field(always=True, default=ObjectMeta())
    spec: PodSpec = field(always=True, default=PodSpec())
    status: PodStatus = field(always=True, default=PodStatus())
    extra: FrozenDict[str, Any] = _extra()


@model
class NodeCondition:
    """`status.conditions[]` of a Node."""

    type: str = required("")
    status: ConditionStatus | str = required("")
    extra: FrozenDict[str, Any] = _extra()


@model
class NodeSpec:
    """`Node.spec`, kept whole in ``extra``."""

    extra: FrozenDict[str, Any] = _extra()


@model
class NodeStatus:
    """The parts of `Node.status` that endpoint controllers read."""

    allocatable: FrozenDict[str, int | float | str] | None = field(default=None)
    conditions: tuple[NodeCondition, ...] | None = field(default=None)
    extra: FrozenDict[str, Any] = _extra()

    @property
    def is_ready(self) -> bool:
        """The ``Ready`` condition is ``True``."""
        return any(c.type == "Ready" and c.status is ConditionStatus.TRUE for c in self.conditions or ())


@model
class Node:
    """A core/v1 Node, as input to controller emulation (zones, readiness, CPU)."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "Node"

    metadata: ObjectMeta = field(always=True, default=ObjectMeta())
    spec: NodeSpec = field(always=True, default=NodeSpec())
    status: NodeStatus = field(always=True, default=NodeStatus())
    extra: FrozenDict[str, Any] = _extra()

    @property
    def zone(self) -> str | None:
        """The ``topology.kubernetes.io/zone`` label."""
        return self.metadata.label("topology.kubernetes.io/zone")


@model
class PodList:
    """A core/v1 PodList."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "PodList"

    metadata: ListMeta = field(always=True, default=ListMeta())
    items: tuple[Pod, ...] = required(())


@model
class NodeList:
    """A core/v1 NodeList."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "NodeList"

    metadata: ListMeta = field(always=True, default=ListMeta())
    items: tuple[Node, ...] = required(())
