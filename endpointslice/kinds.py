"""The kinds this library reads and writes, and the generic ``kind: List``.

The model classes are imported on first use, not with this module: a run of
``endpointslice validate`` on EndpointSlices never needs the Pod and Node
models, and building attrs classes is most of what importing a model module
costs (the start-up benchmark, ``benchmarks/bench_startup.py``, measures it).
`KINDS` names each kind's module and imports it when the kind is looked up;
`KubeObject` is built on first access (PEP 562).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Union

import attrs

from ._frozen import FrozenDict, freeze_json
from .meta import ListMeta

if TYPE_CHECKING:
    from .discovery import EndpointSlice, EndpointSliceList
    from .endpoints import Endpoints, EndpointsList
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


if TYPE_CHECKING:
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

# (apiVersion, kind) -> (module, class), in the order of `KubeObject`. A test
# checks it against each class's own ``api_version`` and ``kind``.
_WHERE: dict[tuple[str, str], tuple[str, str]] = {
    ("discovery.k8s.io/v1", "EndpointSlice"): ("discovery", "EndpointSlice"),
    ("discovery.k8s.io/v1", "EndpointSliceList"): ("discovery", "EndpointSliceList"),
    ("v1", "Endpoints"): ("endpoints", "Endpoints"),
    ("v1", "EndpointsList"): ("endpoints", "EndpointsList"),
    ("v1", "Service"): ("service", "Service"),
    ("v1", "ServiceList"): ("service", "ServiceList"),
    ("v1", "Pod"): ("workloads", "Pod"),
    ("v1", "PodList"): ("workloads", "PodList"),
    ("v1", "Node"): ("workloads", "Node"),
    ("v1", "NodeList"): ("workloads", "NodeList"),
    ("v1", "List"): ("kinds", "KubeList"),
}


def _class(module: str, name: str) -> Any:
    return getattr(importlib.import_module(f"{__package__}.{module}"), name)


class _Kinds(Mapping[tuple[str, str], "type[KubeObject]"]):
    """The read-only `KINDS` mapping: its keys are known up front, each class is imported when looked up."""

    __slots__ = ("_found",)

    def __init__(self) -> None:
        # Classes already looked up: the loader asks once per object, and an import call is not free.
        self._found: dict[tuple[str, str], type[KubeObject]] = {}

    def __getitem__(self, key: tuple[str, str]) -> type[KubeObject]:
        try:
            return self._found[key]
        except KeyError:
            cls: type[KubeObject] = _class(*_WHERE[key])
        self._found[key] = cls
        return cls

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(_WHERE)

    def __len__(self) -> int:
        return len(_WHERE)

    def __contains__(self, key: object) -> bool:
        # Mapping's own test would import the class just to answer.
        return key in _WHERE

    def __repr__(self) -> str:
        return f"KINDS({dict(self)!r})"


#: ``(apiVersion, kind)`` -> model class, for every kind in `KubeObject` but `OtherObject`.
#: A read-only mapping; looking a kind up imports its model module.
KINDS: Mapping[tuple[str, str], type[KubeObject]] = _Kinds()


def _imported_class(api_version: str, kind: str) -> type[Any] | None:
    """The model class of a kind if its module has been imported, else ``None``.

    For type tests that must not import a model module themselves: no
    instance of a class can exist before the class's module is imported.
    """
    module, name = _WHERE[(api_version, kind)]
    loaded = sys.modules.get(f"{__package__}.{module}")
    return None if loaded is None else getattr(loaded, name, None)


if not TYPE_CHECKING:  # Type checkers see the Union above, and no catch-all attribute.

    def __getattr__(name: str) -> Any:
        # PEP 562: `KubeObject` needs every model class, so it is built when first asked for.
        if name != "KubeObject":
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        members = tuple(_class(*where) for where in _WHERE.values())
        union = Union[members + (OtherObject,)]
        globals()["KubeObject"] = union
        return union


def kind_of(obj: KubeObject) -> str:
    """The ``kind`` of a model instance, e.g. ``"EndpointSlice"``."""
    if isinstance(obj, OtherObject):
        return obj.kind or ""
    return type(obj).kind
