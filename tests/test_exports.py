"""The public surface: every public module exports exactly what its ``__all__`` lists.

``__all__`` is sorted the way ruff's RUF022 sorts it (constants, then classes, then functions,
each alphabetically), names only things that exist, and leaves out nothing public that the
module defines. The package exports the main verbs, ``Plan``, and every model, enum and error
class; every public name is named in docs/.
"""

from __future__ import annotations
import __future__

import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

import endpointslice

PUBLIC_MODULES = ["endpointslice"] + sorted(
    f"endpointslice.{m.name}" for m in pkgutil.iter_modules(endpointslice.__path__) if not m.name.startswith("_")
)

DOCS = Path(__file__).resolve().parent.parent / "docs"

#: The package's whole public surface: the main verbs, the `Plan` of ``reconcile``, and the models,
#: enums and errors. Everything else keeps its home in its module (docs/api.md).
PACKAGE_ALL = [
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

#: Modules whose every public class (model, enum, error) the package itself re-exports.
REEXPORTED = [
    "endpointslice.discovery",
    "endpointslice.endpoints",
    "endpointslice.enums",
    "endpointslice.errors",
    "endpointslice.meta",
    "endpointslice.service",
    "endpointslice.workloads",
]


def _isort_key(name: str) -> tuple[int, str]:
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def _all(module: types.ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    assert isinstance(names, list), f"{module.__name__} has no __all__ list"
    return names


@pytest.fixture(name="module", params=PUBLIC_MODULES)
def _module(request: pytest.FixtureRequest) -> types.ModuleType:
    return importlib.import_module(str(request.param))


class TestAll:
    """``__all__`` of every public module."""

    def test_the_core_modules_are_checked(self) -> None:
        """The list of public modules is discovered, and includes the foundation's."""
        assert {
            "endpointslice",
            "endpointslice.io",
            "endpointslice.errors",
            "endpointslice.enums",
            "endpointslice.strategies",
        } <= set(PUBLIC_MODULES)

    def test_is_sorted_without_duplicates(self, module: types.ModuleType) -> None:
        """Constants, classes, then functions, each alphabetical; no name twice."""
        names = _all(module)

        assert names == sorted(set(names), key=_isort_key)

    def test_names_exist(self, module: types.ModuleType) -> None:
        """Every listed name is an attribute of the module."""
        assert [n for n in _all(module) if not hasattr(module, n)] == []

    def test_star_import_gives_exactly_all(self, module: types.ModuleType) -> None:
        """``from module import *`` binds the names of ``__all__`` and nothing else."""
        namespace: dict[str, object] = {}
        exec(f"from {module.__name__} import *", namespace)  # noqa: S102  # A fixed module name from the package.

        assert sorted(n for n in namespace if n != "__builtins__") == sorted(_all(module))

    def test_defines_nothing_public_outside_all(self, module: types.ModuleType) -> None:
        """Public classes and functions defined in the module are all listed."""
        defined = {
            name
            for name, value in vars(module).items()
            if not name.startswith("_")
            and (inspect.isclass(value) or inspect.isfunction(value))
            and value.__module__ == module.__name__
        }

        assert sorted(defined - set(_all(module))) == []

    @pytest.mark.parametrize("name", [m for m in PUBLIC_MODULES if "__dir__" in vars(importlib.import_module(m))])
    def test_dir_is_all_where_dir_is_defined(self, name: str) -> None:
        """A module that defines ``__dir__`` (the strategies and the package do) shows exactly its public names."""
        module = importlib.import_module(name)

        assert sorted(n for n in dir(module) if not n.startswith("_")) == sorted(_all(module))


class TestPackage:
    """``endpointslice`` itself."""

    def test_package_has_no_stray_public_names(self) -> None:
        """Apart from its submodules, every public name of the package is in ``__all__``."""
        stray = {
            name
            for name, value in vars(endpointslice).items()
            if not name.startswith("_")
            and not isinstance(value, (types.ModuleType, __future__._Feature))
            and name not in endpointslice.__all__
        }

        assert stray == set()

    def test_all_is_the_small_surface(self) -> None:
        """The package exports exactly the main verbs, ``Plan``, the models, their enums and the errors."""
        assert endpointslice.__all__ == PACKAGE_ALL

    @pytest.mark.parametrize("name", REEXPORTED)
    def test_models_enums_and_errors_are_reexported(self, name: str) -> None:
        """The package exports every public class of the model, enum and error modules (not their constants)."""
        module = importlib.import_module(name)
        classes = {n for n in _all(module) if inspect.isclass(getattr(module, n))}

        assert sorted(classes - set(endpointslice.__all__)) == []

    def test_each_name_is_its_homes_object(self) -> None:
        """Every exported name is the very object its module defines, not a copy or a wrapper."""
        for name in endpointslice.__all__:
            value = getattr(endpointslice, name)
            home = importlib.import_module(value.__module__)

            assert getattr(home, name) is value, name

    def test_verbs_stay_functions_after_their_modules_load(self) -> None:
        """``diff``, ``migrate`` and ``reconcile`` are the functions even once their modules are imported.

        Importing ``endpointslice.diff`` binds the module to the package's name ``diff``; the
        package keeps the function there, in a fresh process where nothing was loaded before.
        """
        code = (
            "import importlib, endpointslice\n"
            "for name in ('diff', 'migrate', 'reconcile'):\n"
            "    module = importlib.import_module('endpointslice.' + name)\n"
            "    print(name, getattr(endpointslice, name) is getattr(module, name))\n"
        )

        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)

        assert (result.stdout, result.stderr) == ("diff True\nmigrate True\nreconcile True\n", "")

    def test_strategies_are_not_exported_by_the_package(self) -> None:
        """Hypothesis is an optional extra, so the package does not import the strategies."""
        assert "strategies" not in endpointslice.__all__

    def test_every_name_imports_without_the_optional_clients(self) -> None:
        """``from endpointslice import *`` works without the kubernetes and lightkube packages."""
        code = (
            "import sys; sys.modules['kubernetes'] = sys.modules['lightkube'] = None\n"
            "from endpointslice import *\n"
            "print(apply_plan.__name__, from_client.__name__, to_client.__name__)\n"
        )

        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)

        assert (result.returncode, result.stdout, result.stderr) == (0, "apply_plan from_client to_client\n", "")

    def test_package_imports_without_hypothesis(self) -> None:
        """Without Hypothesis the package imports, and only the strategies module fails to."""
        code = (
            "import sys; sys.modules['hypothesis'] = None\n"
            "import endpointslice, endpointslice.io\n"
            "try:\n    import endpointslice.strategies\n"
            "except ImportError:\n    print('strategies need hypothesis')\n"
        )

        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)

        assert (result.returncode, result.stdout, result.stderr) == (0, "strategies need hypothesis\n", "")


class TestDocumented:
    """Every public name is named in docs/, and docs/api.md names nothing that is gone."""

    def test_every_public_name_is_in_the_docs(self, module: types.ModuleType) -> None:
        """Each name of each public module's ``__all__`` appears in some page of docs/."""
        text = "\n".join(page.read_text(encoding="utf-8") for page in DOCS.glob("*.md"))

        assert [n for n in _all(module) if not re.search(rf"(?<![\w]){re.escape(n)}(?!\w)", text)] == []

    @staticmethod
    def _api_page() -> dict[str, list[str]]:
        """The names docs/api.md lists, by module heading."""
        listed: dict[str, list[str]] = {}
        for line in (DOCS / "api.md").read_text(encoding="utf-8").splitlines():
            heading = re.fullmatch(r"## `([\w.]+)`", line)
            if heading:
                listed[heading.group(1)] = []
                continue
            entry = re.match(r"- `(\w+)`:", line)
            if entry and listed:
                listed[list(listed)[-1]].append(entry.group(1))
        return listed

    def test_the_api_page_lists_every_public_module(self) -> None:
        """docs/api.md has one section per public module, in order."""
        assert list(self._api_page()) == PUBLIC_MODULES

    def test_the_api_page_lists_exactly_each_modules_names(self, module: types.ModuleType) -> None:
        """Each section of docs/api.md names exactly its module's ``__all__``, in that order.

        A new public name needs a line ``- `name`: what it is`` in its module's section.
        """
        assert self._api_page().get(module.__name__) == _all(module)
