"""The kinds this library reads and writes, and the generic ``kind: List``."""

from __future__ import annotations

import typing
from collections.abc import Iterable
from typing import Any, ClassVar, Union

import attrs

from ._frozen import FrozenDict, freeze_json
from .discovery import EndpointSlice, EndpointSliceList
from .endpoints import Endpoints, EndpointsList
from .meta import ListMeta
from .service import Service, ServiceList
from .workloads import Node, NodeList, Pod, PodList

__all__ = ["KINDS", "KubeList", "KubeObject", "OtherObject", "kind_of"]


def _as_tuple(items: Iterable[KubeObject]) -> tuple[KubeObject, ...]:
    return tuple(items)


@attrs.frozen(kw_only=True, weakref_slot=False)
class KubeList:
    """The generic ``apiVersion: v1, kind: List`` that ``kubectl get -o yaml`` prints.

    Its items may be of different kinds.
    """

    api_version: ClassVar[str] = "v1"
    kind: ClassVar[str] = "List"

    metadata: ListMeta = attrs.field(factory=ListMeta)
    items: tuple[KubeObject, ...] = attrs.field(default=(), converter=_as_tuple)


@attrs.frozen
class OtherObject:
    """An object of a kind this library does not model, kept whole so it can pass through untouched."""

    data: FrozenDict[str, Any] = attrs.field(converter=freeze_json)

    @property
    def api_version(self) -> str | None:
        """Its ``apiVersion``."""
        value = self.data.get("apiVersion")
        return value if isinstance(value, str) else None

    @property
    def kind(self) -> str | None:
        """Its ``kind``."""
        value = self.data.get("kind")
        return value if isinstance(value, str) else None


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
    OtherObject,
]

#: ``(apiVersion, kind)`` -> model class, for every kind in `KubeObject` but `OtherObject`.
KINDS: dict[tuple[str, str], type[KubeObject]] = {
    (cls.api_version, cls.kind): cls for cls in typing.get_args(KubeObject) if cls is not OtherObject
}


def kind_of(obj: KubeObject) -> str:
    """The ``kind`` of a model instance, e.g. ``"EndpointSlice"``."""
    if isinstance(obj, OtherObject):
        return obj.kind or ""
    return type(obj).kind
