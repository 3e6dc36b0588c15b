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

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

import attrs

from ._frozen import FrozenDict
from ._model import EMITTED, Model, optional_str_map, strs, zero
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


if TYPE_CHECKING:
    # Typing only: each constructor takes any sequence and keeps a tuple (see `_model`).
    def _for_zones(value: Sequence[ForZone] | None, /) -> tuple[ForZone, ...] | None: ...
    def _for_nodes(value: Sequence[ForNode] | None, /) -> tuple[ForNode, ...] | None: ...
    def _endpoints(value: Sequence[Endpoint] | None, /) -> tuple[Endpoint, ...] | None: ...
    def _ports(value: Sequence[EndpointPort] | None, /) -> tuple[EndpointPort, ...] | None: ...
    def _slices(value: Sequence[EndpointSlice], /) -> tuple[EndpointSlice, ...]: ...
else:
    _for_zones = _for_nodes = _endpoints = _ports = _slices = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class EndpointConditions(Model):
    """The state of one endpoint. ``None`` means *unknown*, not false."""

    ready: bool | None = attrs.field(default=None)
    serving: bool | None = attrs.field(default=None)
    terminating: bool | None = attrs.field(default=None)

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


@attrs.frozen(kw_only=True, weakref_slot=False)
class ForZone(Model):
    """A zone hint: the zone whose clients should use the endpoint."""

    name: str = attrs.field(metadata=zero(""))


@attrs.frozen(kw_only=True, weakref_slot=False)
class ForNode(Model):
    """A node hint (1.33+): the node whose clients should use the endpoint."""

    name: str = attrs.field(metadata=zero(""))


@attrs.frozen(kw_only=True, weakref_slot=False)
class EndpointHints(Model):
    """Topology hints for one endpoint."""

    for_zones: tuple[ForZone, ...] | None = attrs.field(default=None, converter=_for_zones)
    for_nodes: tuple[ForNode, ...] | None = attrs.field(default=None, converter=_for_nodes)


@attrs.frozen(kw_only=True, weakref_slot=False)
class Endpoint(Model):
    """One endpoint of a slice: its addresses and what is known about it."""

    addresses: tuple[str, ...] = attrs.field(converter=strs, metadata=zero(()))
    conditions: EndpointConditions = attrs.field(default=EndpointConditions(), metadata=EMITTED)
    hostname: str | None = attrs.field(default=None)
    target_ref: ObjectReference | None = attrs.field(default=None)
    deprecated_topology: FrozenDict[str, str] | None = attrs.field(default=None, converter=optional_str_map)
    node_name: str | None = attrs.field(default=None)
    zone: str | None = attrs.field(default=None)
    hints: EndpointHints | None = attrs.field(default=None)


@attrs.frozen(kw_only=True, weakref_slot=False)
class EndpointPort(Model):
    """A port of an EndpointSlice (discovery.k8s.io/v1 ``EndpointPort``).

    The apiserver defaults ``name`` to ``""`` and ``protocol`` to TCP; loading
    does not, so that what was written is what is kept.
    """

    name: str | None = attrs.field(default=None)
    protocol: Protocol | str | None = attrs.field(default=None)
    port: int | None = attrs.field(default=None)
    app_protocol: str | None = attrs.field(default=None)


@attrs.frozen(kw_only=True, weakref_slot=False)
class EndpointSlice(Model):
    """A discovery.k8s.io/v1 EndpointSlice."""

    api_version: ClassVar[str] = "discovery.k8s.io/v1"
    kind: ClassVar[str] = "EndpointSlice"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta(), metadata=EMITTED)
    address_type: AddressType | str = attrs.field(metadata=zero(""))
    endpoints: tuple[Endpoint, ...] | None = attrs.field(default=None, converter=_endpoints, metadata=EMITTED)
    ports: tuple[EndpointPort, ...] | None = attrs.field(default=None, converter=_ports, metadata=EMITTED)

    @property
    def service_name(self) -> str | None:
        """The value of the ``kubernetes.io/service-name`` label."""
        return self.metadata.label(LABEL_SERVICE_NAME)

    @property
    def managed_by(self) -> str | None:
        """The value of the ``endpointslice.kubernetes.io/managed-by`` label."""
        return self.metadata.label(LABEL_MANAGED_BY)


@attrs.frozen(kw_only=True, weakref_slot=False)
class EndpointSliceList(Model):
    """A discovery.k8s.io/v1 EndpointSliceList."""

    api_version: ClassVar[str] = "discovery.k8s.io/v1"
    kind: ClassVar[str] = "EndpointSliceList"

    metadata: ListMeta = attrs.field(default=ListMeta(), metadata=EMITTED)
    items: tuple[EndpointSlice, ...] = attrs.field(converter=_slices, metadata=zero(()))
