"""Start-up stays cheap: what ``import endpointslice`` and the command line load before doing any work.

Timings live in ``benchmarks/bench_startup.py``; these tests pin the cause instead (which
modules a fresh process has imported), so that an eager import cannot silently come back.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import endpointslice
from endpointslice import _cli

ROOT = Path(__file__).resolve().parent.parent

#: Modules that only some command needs, and which ``--version`` and ``--help`` must not load.
HEAVY = ("cattrs", "yaml", "importlib.metadata", "ipaddress", "endpointslice.io", "endpointslice._convert")


def _loaded_after(code: str) -> list[str]:
    """The modules a fresh interpreter has imported after running *code*."""
    script = (
        f"import json, sys\ntry:\n    {code}\nexcept SystemExit:\n    pass\nprint(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60, cwd=ROOT
    )
    loaded: list[str] = json.loads(result.stdout.splitlines()[-1])
    return loaded


def _heavy(loaded: list[str]) -> list[str]:
    return [m for m in loaded if m.startswith("endpointslice._cmd_") or m.split(".")[0] in HEAVY or m in HEAVY]


def _command_modules() -> list[str]:
    return sorted(
        m.name[len("_cmd_") :] for m in pkgutil.iter_modules(endpointslice.__path__) if m.name.startswith("_cmd_")
    )


class TestLazyImports:
    """Only what a run uses is imported."""

    def test_importing_the_package_loads_none_of_its_modules(self) -> None:
        """``import endpointslice`` imports no submodule; each name loads on first use."""
        loaded = _loaded_after("import endpointslice")

        assert [m for m in loaded if m.startswith("endpointslice.")] == []

    @pytest.mark.parametrize("argv", [["--version"], ["--help"], []])
    def test_version_and_help_load_no_command_and_no_heavy_module(self, argv: list[str]) -> None:
        """``--version``, ``--help`` and a usage error load no command module, cattrs, YAML or metadata."""
        loaded = _loaded_after(f"import endpointslice._cli as c; c.main({argv!r})")

        assert _heavy(loaded) == []

    def test_a_command_loads_its_own_module_only(self) -> None:
        """``validate --help`` imports ``_cmd_validate`` and no other command's module."""
        loaded = _loaded_after("import endpointslice._cli as c; c.main(['validate', '--help'])")

        assert [m for m in loaded if m.startswith("endpointslice._cmd_")] == ["endpointslice._cmd_validate"]

    def test_validate_on_slices_loads_no_other_kinds_model_and_no_report_format(self) -> None:
        """``validate`` of a file of EndpointSlices loads neither the Service, Pod and Node models nor
        the XML and URL modules of the JUnit and SARIF formats: each costs start-up time it does not use."""
        file = "examples/slices/external-db-1.yaml"
        loaded = _loaded_after(f"import endpointslice._cli as c; c.main(['validate', {file!r}])")

        assert "endpointslice.discovery" in loaded  # The run did load and check the slice.
        unused = ("endpointslice.service", "endpointslice.workloads", "endpointslice._service_rules")
        assert [m for m in loaded if m in unused or m.startswith(("xml", "urllib"))] == []

    def test_validate_on_a_service_loads_its_model_and_rules(self) -> None:
        """The same run over a Service does load them (the laziness does not skip its checks)."""
        file = "examples/ci-repo/external/db.yaml"
        loaded = _loaded_after(f"import endpointslice._cli as c; c.main(['validate', {file!r}])")

        assert {"endpointslice.service", "endpointslice._service_rules"} <= set(loaded)

    def test_a_name_of_the_package_loads_on_first_use(self) -> None:
        """Asking for an exported name imports its module then, and the name is the module's own object."""
        loaded = _loaded_after("import endpointslice; endpointslice.FrozenDict")

        assert "endpointslice._frozen" in loaded
        assert "endpointslice.io" not in loaded

    def test_an_unknown_name_is_an_attribute_error(self) -> None:
        """A name the package does not export raises AttributeError, as for any module."""
        with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
            _ = endpointslice.no_such_name  # type: ignore[attr-defined]  # The point of the test.


class TestCommandTable:
    """The help lines the top level shows without importing the commands."""

    def test_lists_every_command_module(self) -> None:
        """Every ``_cmd_<name>`` module is a command of the table, and nothing else is."""
        assert sorted(_cli._COMMANDS) == _command_modules()

    @pytest.mark.parametrize("name", _command_modules())
    def test_help_line_is_the_command_modules_own(self, name: str) -> None:
        """Each table line equals the ``HELP`` its module registers, so the two cannot drift apart."""
        module = importlib.import_module(f"endpointslice._cmd_{name}")

        assert _cli._COMMANDS[name] == module.HELP

    def test_max_input_size_default_is_ios(self) -> None:
        """The default of ``--max-input-size``, spelled in ``_cli`` to keep ``io`` out of parsing, is io's."""
        from endpointslice import io

        assert io.MAX_INPUT_SIZE == _cli._MAX_INPUT_SIZE

    def test_a_chosen_command_parses_with_its_full_arguments(self) -> None:
        """A command chosen on the command line gets its real options; the others are names only."""
        parser = _cli.build_parser(["diff"])

        args = parser.parse_args(["diff", "a.yaml", "b.yaml", "-o", "json"])

        assert (args.command, args.old, args.new, args.output) == ("diff", "a.yaml", "b.yaml", "json")


class TestVersion:
    """``__version__`` and ``--version``."""

    def test_version_is_pyprojects(self) -> None:
        """``endpointslice.__version__`` equals ``project.version`` in pyproject.toml."""
        text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
        project = text[text.index("[project]") :]
        found = re.search(r'^version = "([^"]+)"$', project, re.MULTILINE)

        assert found is not None
        assert endpointslice.__version__ == found.group(1)

    def test_version_is_the_installed_distributions(self) -> None:
        """The installed metadata (what pip shows) agrees too."""
        from importlib.metadata import version

        assert endpointslice.__version__ == version("endpointslice")

    def test_version_option_prints_it(self, capsys: pytest.CaptureFixture[str]) -> None:
        """``endpointslice --version`` prints the program name and ``__version__``, and exits 0."""
        with pytest.raises(SystemExit) as exited:
            _cli.main(["--version"])

        assert (exited.value.code, capsys.readouterr().out) == (0, f"endpointslice {endpointslice.__version__}\n")
