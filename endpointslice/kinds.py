"""The kinds this library reads and writes, and the generic ``kind: List``."""

from __future__ import annotations

from typing import ClassVar, Union

import attrs

from .discovery import EndpointSlice, EndpointSliceList
from .endpoints import Endpoints, EndpointsList
from .meta import ListMeta
from .service import Service, ServiceList
from .workloads import Node, NodeList, Pod, PodList

__all__ = ["KINDS", "KubeList", "KubeObject", "kind_of"]


@attrs.frozen(kw_only=True)
class KubeList:
    """The generic ``apiVersion: v1, kind: List`` that ``kubectl get -o yaml`` prints.

    Its items may be of different kinds.
    """

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "List"

    metadata: ListMeta = ListMeta()
    items: tuple[KubeObject, ...] = ()


#: Any object `endpointslice.io` can load or dump.
KubeObject = Union[
    EndpointSlice,
    EndpointSliceList,
    Endpoints,
    EndpointsList,
    Service,
    ServiceList,
    Pod,
    PodList,
    Node,
    NodeList,
    KubeList,
]

#: ``(apiVersion, kind)`` -> model class.
KINDS: dict[tuple[str, str], type[KubeObject]] = {
    (cls.api_version, cls.kind): cls
    for cls in (
        EndpointSlice,
        EndpointSliceList,
        Endpoints,
        EndpointsList,
        Service,
        ServiceList,
        Pod,
        PodList,
        Node,
        NodeList,
        KubeList,
    )
}


def kind_of(obj: KubeObject) -> str:
    """The ``kind`` of a model instance, e.g. ``"EndpointSlice"``."""
    return type(obj).kind
