"""Minimal core/v1 `Pod` and `Node` input models for controller emulation.

Only the fields the EndpointSlice and Endpoints controllers read are typed.
Everything else in the object is kept, untouched, in each model's ``extra``
map, so a Pod or Node read from a file is written back whole: nothing the
user gave is dropped.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from ._frozen import FrozenDict
from ._model import EMITTED, Model, wire, zero
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


def _is_ready(conditions: tuple[PodCondition, ...] | tuple[NodeCondition, ...] | None) -> bool:
    return any(c.type == "Ready" and c.status is ConditionStatus.TRUE for c in conditions or ())


#: Field metadata of the catch-all field.
_EXTRA = wire(EXTRA)


@attrs.frozen(kw_only=True, weakref_slot=False)
class ContainerPort(Model):
    """`containers[].ports[]`."""

    name: str | None = attrs.field(default=None)
    container_port: int = attrs.field(metadata=zero(0))
    protocol: Protocol | str | None = attrs.field(default=None)
    host_port: int | None = attrs.field(default=None)
    host_ip: str | None = attrs.field(default=None, metadata=wire("hostIP"))
    extra: FrozenDict[str, Any] = attrs.field(factory=FrozenDict, metadata=_EXTRA)


@attrs.frozen(kw_only=True, weakref_slot=False)
class Container(Model):
    """A container or init container; ``restartPolicy: Always`` on an init container marks a sidecar."""

    name: str = attrs.field(metadata=zero(""))
    ports: tuple[ContainerPort, ...] | None = attrs.field(default=None)
    restart_policy: str | None = attrs.field(default=None)
    extra: FrozenDict[str, Any] = attrs.field(factory=FrozenDict, metadata=_EXTRA)

    @property
    def is_sidecar(self) -> bool:
        """An init container that keeps running beside the app containers."""
        return self.restart_policy == "Always"


@attrs.frozen(kw_only=True, weakref_slot=False)
class PodSpec(Model):
    """The parts of `Pod.spec` that endpoint controllers read."""

    node_name: str | None = attrs.field(default=None)
    hostname: str | None = attrs.field(default=None)
    subdomain: str | None = attrs.field(default=None)
    containers: tuple[Container, ...] | None = attrs.field(default=None)
    init_containers: tuple[Container, ...] | None = attrs.field(default=None)
    extra: FrozenDict[str, Any] = attrs.field(factory=FrozenDict, metadata=_EXTRA)


@attrs.frozen(kw_only=True, weakref_slot=False)
class PodIP(Model):
    """`status.podIPs[]`."""

    ip: str = attrs.field(metadata=zero(""))
    extra: FrozenDict[str, Any] = attrs.field(factory=FrozenDict, metadata=_EXTRA)


@attrs.frozen(kw_only=True, weakref_slot=False)
class PodCondition(Model):
    """`status.conditions[]` of a Pod."""

    type: str = attrs.field(metadata=zero(""))
    status: ConditionStatus | str = attrs.field(metadata=zero(""))
    extra: FrozenDict[str, Any] = attrs.field(factory=FrozenDict, metadata=_EXTRA)


@attrs.frozen(kw_only=True, weakref_slot=False)
class PodStatus(Model):
    """The parts of `Pod.status` that endpoint controllers read."""

    phase: PodPhase | str | None = attrs.field(default=None)
    pod_ip: str | None = attrs.field(default=None, metadata=wire("podIP"))
    pod_ips: tuple[PodIP, ...] | None = attrs.field(default=None, metadata=wire("podIPs"))
    conditions: tuple[PodCondition, ...] | None = attrs.field(default=None)
    extra: FrozenDict[str, Any] = attrs.field(factory=FrozenDict, metadata=_EXTRA)

    @property
    def is_ready(self) -> bool:
        """The ``Ready`` condition is ``True``."""
        return _is_ready(self.conditions)


@attrs.frozen(kw_only=True, weakref_slot=False)
class Pod(Model):
    """A core/v1 Pod, as input to controller emulation."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "Pod"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta(), metadata=EMITTED)
    spec: PodSpec = attrs.field(default=PodSpec(), metadata=EMITTED)
    status: PodStatus = attrs.field(default=PodStatus(), metadata=EMITTED)
    extra: FrozenDict[str, Any] = attrs.field(factory=FrozenDict, metadata=_EXTRA)


@attrs.frozen(kw_only=True, weakref_slot=False)
class NodeCondition(Model):
    """`status.conditions[]` of a Node."""

    type: str = attrs.field(metadata=zero(""))
    status: ConditionStatus | str = attrs.field(metadata=zero(""))
    extra: FrozenDict[str, Any] = attrs.field(factory=FrozenDict, metadata=_EXTRA)


@attrs.frozen(kw_only=True, weakref_slot=False)
class NodeSpec(Model):
    """`Node.spec`, kept whole in ``extra``."""

    extra: FrozenDict[str, Any] = attrs.field(factory=FrozenDict, metadata=_EXTRA)


@attrs.frozen(kw_only=True, weakref_slot=False)
class NodeStatus(Model):
    """The parts of `Node.status` that endpoint controllers read."""

    allocatable: FrozenDict[str, int | float | str] | None = attrs.field(default=None)
    conditions: tuple[NodeCondition, ...] | None = attrs.field(default=None)
    extra: FrozenDict[str, Any] = attrs.field(factory=FrozenDict, metadata=_EXTRA)

    @property
    def is_ready(self) -> bool:
        """The ``Ready`` condition is ``True``."""
        return _is_ready(self.conditions)


@attrs.frozen(kw_only=True, weakref_slot=False)
class Node(Model):
    """A core/v1 Node, as input to controller emulation (zones, readiness, CPU)."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "Node"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta(), metadata=EMITTED)
    spec: NodeSpec = attrs.field(default=NodeSpec(), metadata=EMITTED)
    status: NodeStatus = attrs.field(default=NodeStatus(), metadata=EMITTED)
    extra: FrozenDict[str, Any] = attrs.field(factory=FrozenDict, metadata=_EXTRA)

    @property
    def zone(self) -> str | None:
        """The ``topology.kubernetes.io/zone`` label."""
        return self.metadata.label("topology.kubernetes.io/zone")


@attrs.frozen(kw_only=True, weakref_slot=False)
class PodList(Model):
    """A core/v1 PodList."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "PodList"

    metadata: ListMeta = attrs.field(default=ListMeta(), metadata=EMITTED)
    items: tuple[Pod, ...] = attrs.field(metadata=zero(()))


@attrs.frozen(kw_only=True, weakref_slot=False)
class NodeList(Model):
    """A core/v1 NodeList."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "NodeList"

    metadata: ListMeta = attrs.field(default=ListMeta(), metadata=EMITTED)
    items: tuple[Node, ...] = attrs.field(metadata=zero(()))
