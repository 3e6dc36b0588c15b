"""discovery.k8s.io/v1: `EndpointSlice` and its parts.

Absent, false and empty stay distinct, as in the API:

* ``EndpointConditions.ready`` is ``None`` when unset, which consumers read
  as *ready*; ``serving`` likewise; ``terminating`` unset reads as *false*.
  The ``effective_*`` helpers apply those defaults.
* ``EndpointSlice.endpoints`` and ``ports`` are ``None`` when nil and ``()``
  when empty; nil is written as ``endpoints: null`` because the Go type has
  no ``omitempty`` there.
"""

from __future__ import annotations

from typing import ClassVar

from ._frozen import FrozenDict
from ._model import field, model, required
from .enums import AddressType, Protocol
from .meta import ListMeta, ObjectMeta, ObjectReference

__all__ = [
    "LABEL_MANAGED_BY",
    "LABEL_SERVICE_NAME",
    "Endpoint",
    "EndpointConditions",
    "EndpointHints",
    "EndpointPort",
    "EndpointSlice",
    "EndpointSliceList",
    "ForNode",
    "ForZone",
]

#: Label naming the Service a slice belongs to.
LABEL_SERVICE_NAME = "kubernetes.io/service-name"
#: Label naming the controller or tool that manages a slice.
LABEL_MANAGED_BY = "endpointslice.kubernetes.io/managed-by"


@model
class EndpointConditions:
    """The state of one endpoint. ``None`` means *unknown*, not false."""

    ready: bool | None = field(default=None)
    serving: bool | None = field(default=None)
    terminating: bool | None = field(default=None)

    @property
    def effective_ready(self) -> bool:
        """``ready`` as consumers read it: unset means ready."""
        return self.ready is not False

    @property
    def effective_serving(self) -> bool:
        """``serving`` as consumers read it: unset means serving."""
        return self.serving is not False

    @property
    def effective_terminating(self) -> bool:
        """``terminating`` as consumers read it: unset means not terminating."""
        return self.terminating is True


@model
class ForZone:
    """A zone hint: the zone whose clients should use the endpoint."""

    name: str = required("")


@model
class ForNode:
    """A node hint (1.33+): the node whose clients should use the endpoint."""

    name: str = required("")


@model
class EndpointHints:
    """Topology hints for one endpoint."""

    for_zones: tuple[ForZone, ...] | None = field(default=None)
    for_nodes: tuple[ForNode, ...] | None = field(default=None)


@model
class Endpoint:
    """One endpoint of a slice: its addresses and what is known about it."""

    addresses: tuple[str, ...] = required(())
    conditions: EndpointConditions = field(always=True, default=EndpointConditions())
    hostname: str | None = field(default=None)
    target_ref: ObjectReference | None = field(default=None)
    deprecated_topology: FrozenDict[str, str] | None = field(default=None)
    node_name: str | None = field(default=None)
    zone: str | None = field(default=None)
    hints: EndpointHints | None = field(default=None)


@model
class EndpointPort:
    """A port of an EndpointSlice (discovery.k8s.io/v1 ``EndpointPort``).

    The apiserver defaults ``name`` to ``""`` and ``protocol`` to TCP; loading
    does not, so that what was written is what is kept.
    """

    name: str | None = field(default=None)
    protocol: Protocol | str | None = field(default=None)
    port: int | None = field(default=None)
    app_protocol: str | None = field(default=None)


@model
class EndpointSlice:
    """A discovery.k8s.io/v1 EndpointSlice."""

    api_version: ClassVar[str] = "discovery.k8s.io/v1"
    kind: ClassVar[str] = "EndpointSlice"

    metadata: ObjectMeta = field(always=True, default=ObjectMeta())
    address_type: AddressType | str = required("")
    endpoints: tuple[Endpoint, ...] | None = field(always=True, default=None)
    ports: tuple[EndpointPort, ...] | None = field(always=True, default=None)

    @property
    def service_name(self) -> str | None:
        """The value of the ``kubernetes.io/service-name`` label."""
        return self.metadata.label(LABEL_SERVICE_NAME)

    @property
    def managed_by(self) -> str | None:
        """The value of the ``endpointslice.kubernetes.io/managed-by`` label."""
        return self.metadata.label(LABEL_MANAGED_BY)


@model
class EndpointSliceList:
    """A discovery.k8s.io/v1 EndpointSliceList."""

    api_version: ClassVar[str] = "discovery.k8s.io/v1"
    kind: ClassVar[str] = "EndpointSliceList"

    metadata: ListMeta = field(always=True, default=ListMeta())
    items: tuple[EndpointSlice, ...] = required(())
