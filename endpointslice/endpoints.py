"""core/v1 `Endpoints`: the legacy, deprecated (since 1.33) view of a Service's endpoints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

import attrs

from ._model import EMITTED, Model, zero
from .enums import Protocol
from .meta import ListMeta, ObjectMeta, ObjectReference

__all__ = [
    "ANNOTATION_OVER_CAPACITY",
    "EndpointAddress",
    "EndpointSubset",
    "Endpoints",
    "EndpointsList",
    "EndpointsPort",
]

#: Set to ``truncated`` by the Endpoints controller when it dropped addresses above 1000.
ANNOTATION_OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity"


if TYPE_CHECKING:
    # Typing only: each constructor takes any sequence and keeps a tuple (see `_model`).
    def _addresses(value: Sequence[EndpointAddress] | None, /) -> tuple[EndpointAddress, ...] | None: ...
    def _ports(value: Sequence[EndpointsPort] | None, /) -> tuple[EndpointsPort, ...] | None: ...
    def _subsets(value: Sequence[EndpointSubset] | None, /) -> tuple[EndpointSubset, ...] | None: ...
    def _items(value: Sequence[Endpoints], /) -> tuple[Endpoints, ...]: ...
else:
    _addresses = _ports = _subsets = _items = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class EndpointAddress(Model):
    """One address of an Endpoints subset."""

    ip: str = attrs.field(metadata=zero(""))
    hostname: str | None = attrs.field(default=None)
    node_name: str | None = attrs.field(default=None)
    target_ref: ObjectReference | None = attrs.field(default=None)


@attrs.frozen(kw_only=True, weakref_slot=False)
class EndpointsPort(Model):
    """A port of an Endpoints subset (core/v1 ``EndpointPort``).

    Named ``EndpointsPort`` here so that it cannot be confused with the
    discovery.k8s.io/v1 `endpointslice.EndpointPort`.
    """

    name: str | None = attrs.field(default=None)
    port: int = attrs.field(metadata=zero(0))
    protocol: Protocol | str | None = attrs.field(default=None)
    app_protocol: str | None = attrs.field(default=None)


@attrs.frozen(kw_only=True, weakref_slot=False)
class EndpointSubset(Model):
    """A set of addresses that all expose the same set of ports."""

    addresses: tuple[EndpointAddress, ...] | None = attrs.field(default=None, converter=_addresses)
    not_ready_addresses: tuple[EndpointAddress, ...] | None = attrs.field(default=None, converter=_addresses)
    ports: tuple[EndpointsPort, ...] | None = attrs.field(default=None, converter=_ports)


@attrs.frozen(kw_only=True, weakref_slot=False)
class Endpoints(Model):
    """A core/v1 Endpoints object."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "Endpoints"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta(), metadata=EMITTED)
    subsets: tuple[EndpointSubset, ...] | None = attrs.field(default=None, converter=_subsets)


@attrs.frozen(kw_only=True, weakref_slot=False)
class EndpointsList(Model):
    """A core/v1 EndpointsList."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "EndpointsList"

    metadata: ListMeta = attrs.field(default=ListMeta(), metadata=EMITTED)
    items: tuple[Endpoints, ...] = attrs.field(converter=_items, metadata=zero(()))
