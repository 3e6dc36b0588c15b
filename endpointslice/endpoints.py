"""core/v1 `Endpoints`: the legacy, deprecated (since 1.33) view of a Service's endpoints."""

from __future__ import annotations

from typing import ClassVar

from ._model import field, model, required
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


@model
class EndpointAddress:
    """One address of an Endpoints subset."""

    ip: str = required("")
    hostname: str | None = field(default=None)
    node_name: str | None = field(default=None)
    target_ref: ObjectReference | None = field(default=None)


@model
class EndpointsPort:
    """A port of an Endpoints subset (core/v1 ``EndpointPort``).

    Named ``EndpointsPort`` here so that it cannot be confused with the
    discovery.k8s.io/v1 `endpointslice.EndpointPort`.
    """

    name: str | None = field(default=None)
    port: int = required(0)
    protocol: Protocol | str | None = field(default=None)
    app_protocol: str | None = field(default=None)


@model
class EndpointSubset:
    """A set of addresses that all expose the same set of ports."""

    addresses: tuple[EndpointAddress, ...] | None = field(default=None)
    not_ready_addresses: tuple[EndpointAddress, ...] | None = field(default=None)
    ports: tuple[EndpointsPort, ...] | None = field(default=None)


@model
class Endpoints:
    """A core/v1 Endpoints object."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "Endpoints"

    metadata: ObjectMeta = field(always=True, default=ObjectMeta())
    subsets: tuple[EndpointSubset, ...] | None = field(default=None)


@model
class EndpointsList:
    """A core/v1 EndpointsList."""

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "EndpointsList"

    metadata: ListMeta = field(always=True, default=ListMeta())
    items: tuple[Endpoints, ...] = required(())
