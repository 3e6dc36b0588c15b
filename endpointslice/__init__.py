"""Model, pack, reconcile, diff and validate Kubernetes EndpointSlices, in pure Python.

The public API is exactly what ``__all__`` lists.

The top level holds the main verbs (``load``, ``loads``, ``dump``, ``dumps``, ``validate``,
``pack``, ``reconcile``, ``diff``, ``migrate``, ``apply_plan``, ``from_client``, ``to_client``),
the `Plan` that ``reconcile`` returns, the models, their enums and the errors. Everything else lives in its module, as
``endpointslice.packing.NameStrategy`` or ``endpointslice.proxy.proxy_view`` (docs/api.md
lists every module's names).

Each name is imported from its module on first use (PEP 562), so that ``import endpointslice``
and the command line's ``--version`` load no models, YAML or cattrs until something needs them.
"""

from __future__ import annotations

import importlib
import sys
import types
import typing

#: The version of this package, equal to ``project.version`` in pyproject.toml (a test keeps them equal).
__version__ = "0.1.0"

if typing.TYPE_CHECKING:
    from ._frozen import FrozenDict
    from ._model import ModelTypeError
    from .apply import apply_plan
    from .client import from_client, to_client
    from .diff import diff
    from .discovery import (
        Endpoint,
        EndpointConditions,
        EndpointHints,
        EndpointPort,
        EndpointSlice,
        EndpointSliceList,
        ForNode,
        ForZone,
    )
    from .endpoints import EndpointAddress, Endpoints, EndpointsList, EndpointsPort, EndpointSubset
    from .enums import (
        AddressType,
        ConditionStatus,
        IPFamily,
        IPFamilyPolicy,
        PodPhase,
        Protocol,
        ServiceAffinity,
        ServiceExternalTrafficPolicy,
        ServiceInternalTrafficPolicy,
        ServiceType,
        TrafficDistribution,
    )
    from .errors import ApplyError, EndpointSliceError, LoadError, Problem, StructureError, YAMLSyntaxError
    from .io import dump, dumps, load, loads
    from .meta import ListMeta, ManagedFieldsEntry, ObjectMeta, ObjectReference, OwnerReference, ShardInfo
    from .migrate import migrate
    from .packing import PackingError, pack
    from .reconcile import Plan, reconcile
    from .service import (
        ClientIPConfig,
        Condition,
        LoadBalancerIngress,
        LoadBalancerStatus,
        PortStatus,
        Service,
        ServiceList,
        ServicePort,
        ServiceSpec,
        ServiceStatus,
        SessionAffinityConfig,
    )
    from .validation import UnsupportedKindError, validate
    from .workloads import (
        Container,
        ContainerPort,
        Node,
        NodeCondition,
        NodeList,
        NodeSpec,
        NodeStatus,
        Pod,
        PodCondition,
        PodIP,
        PodList,
        PodSpec,
        PodStatus,
    )

#: The module each exported name lives in.
_HOMES: dict[str, str] = {
    "FrozenDict": "_frozen",
    "ModelTypeError": "_model",
    "apply_plan": "apply",
    "from_client": "client",
    "to_client": "client",
    "diff": "diff",
    "Endpoint": "discovery",
    "EndpointConditions": "discovery",
    "EndpointHints": "discovery",
    "EndpointPort": "discovery",
    "EndpointSlice": "discovery",
    "EndpointSliceList": "discovery",
    "ForNode": "discovery",
    "ForZone": "discovery",
    "EndpointAddress": "endpoints",
    "EndpointSubset": "endpoints",
    "Endpoints": "endpoints",
    "EndpointsList": "endpoints",
    "EndpointsPort": "endpoints",
    "AddressType": "enums",
    "ConditionStatus": "enums",
    "IPFamily": "enums",
    "IPFamilyPolicy": "enums",
    "PodPhase": "enums",
    "Protocol": "enums",
    "ServiceAffinity": "enums",
    "ServiceExternalTrafficPolicy": "enums",
    "ServiceInternalTrafficPolicy": "enums",
    "ServiceType": "enums",
    "TrafficDistribution": "enums",
    "ApplyError": "errors",
    "EndpointSliceError": "errors",
    "LoadError": "errors",
    "Problem": "errors",
    "StructureError": "errors",
    "YAMLSyntaxError": "errors",
    "dump": "io",
    "dumps": "io",
    "load": "io",
    "loads": "io",
    "ListMeta": "meta",
    "ManagedFieldsEntry": "meta",
    "ObjectMeta": "meta",
    "ObjectReference": "meta",
    "OwnerReference": "meta",
    "ShardInfo": "meta",
    "migrate": "migrate",
    "PackingError": "packing",
    "pack": "packing",
    "Plan": "reconcile",
    "reconcile": "reconcile",
    "ClientIPConfig": "service",
    "Condition": "service",
    "LoadBalancerIngress": "service",
    "LoadBalancerStatus": "service",
    "PortStatus": "service",
    "Service": "service",
    "ServiceList": "service",
    "ServicePort": "service",
    "ServiceSpec": "service",
    "ServiceStatus": "service",
    "SessionAffinityConfig": "service",
    "UnsupportedKindError": "validation",
    "validate": "validation",
    "Container": "workloads",
    "ContainerPort": "workloads",
    "Node": "workloads",
    "NodeCondition": "workloads",
    "NodeList": "workloads",
    "NodeSpec": "workloads",
    "NodeStatus": "workloads",
    "Pod": "workloads",
    "PodCondition": "workloads",
    "PodIP": "workloads",
    "PodList": "workloads",
    "PodSpec": "workloads",
    "PodStatus": "workloads",
}

__all__ = [
    "AddressType",
    "ApplyError",
    "ClientIPConfig",
    "Condition",
    "ConditionStatus",
    "Container",
    "ContainerPort",
    "Endpoint",
    "EndpointAddress",
    "EndpointConditions",
    "EndpointHints",
    "EndpointPort",
    "EndpointSlice",
    "EndpointSliceError",
    "EndpointSliceList",
    "EndpointSubset",
    "Endpoints",
    "EndpointsList",
    "EndpointsPort",
    "ForNode",
    "ForZone",
    "FrozenDict",
    "IPFamily",
    "IPFamilyPolicy",
    "ListMeta",
    "LoadBalancerIngress",
    "LoadBalancerStatus",
    "LoadError",
    "ManagedFieldsEntry",
    "ModelTypeError",
    "Node",
    "NodeCondition",
    "NodeList",
    "NodeSpec",
    "NodeStatus",
    "ObjectMeta",
    "ObjectReference",
    "OwnerReference",
    "PackingError",
    "Plan",
    "Pod",
    "PodCondition",
    "PodIP",
    "PodList",
    "PodPhase",
    "PodSpec",
    "PodStatus",
    "PortStatus",
    "Problem",
    "Protocol",
    "Service",
    "ServiceAffinity",
    "ServiceExternalTrafficPolicy",
    "ServiceInternalTrafficPolicy",
    "ServiceList",
    "ServicePort",
    "ServiceSpec",
    "ServiceStatus",
    "ServiceType",
    "SessionAffinityConfig",
    "ShardInfo",
    "StructureError",
    "TrafficDistribution",
    "UnsupportedKindError",
    "YAMLSyntaxError",
    "apply_plan",
    "diff",
    "dump",
    "dumps",
    "from_client",
    "load",
    "loads",
    "migrate",
    "pack",
    "reconcile",
    "to_client",
    "validate",
]


class _Package(types.ModuleType):
    """The package's own module type: a verb named like its module keeps its name when that module loads."""

    def __setattr__(self, name: str, value: object) -> None:
        # Importing ``endpointslice.diff`` binds that module to the package's name ``diff``, where
        # the exported function ``diff`` belongs; the module stays reachable by import.
        if isinstance(value, types.ModuleType) and _HOMES.get(name) == name:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

if not typing.TYPE_CHECKING:  # For type checkers and IDEs the imports above are the truth.

    def __getattr__(name: str) -> object:
        """Import an exported name from its module the first time it is asked for, and keep it."""
        home = _HOMES.get(name)
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        """The exported names, whether imported yet or not, and the module's own dunder names."""
        return sorted({*__all__, *(n for n in globals() if n.startswith("__"))})
