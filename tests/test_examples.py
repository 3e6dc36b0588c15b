"""The user programs under examples/ run, and do what their READMEs say.

`tests/test_typing.py` checks that they pass ``mypy --strict``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from endpointslice import io
from endpointslice.discovery import EndpointSlice

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SERVICE = EXAMPLES / "external-ips" / "service.yaml"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *map(str, args)], cwd=ROOT, capture_output=True, text=True, check=False, timeout=300
    )


class TestCsvToSlices:
    def test_writes_one_slice_per_port_and_family(self, tmp_path: Path) -> None:
        out = tmp_path / "slices.yaml"

        result = run(EXAMPLES / "csv_to_slices.py", SERVICE, EXAMPLES / "csv" / "hosts.csv", "-o", out)

        assert result.returncode == 0, result.stderr
        slices = [o for o in io.load(out) if isinstance(o, EndpointSlice)]
        shape = sorted(
            (
                str(s.address_type.value if hasattr(s.address_type, "value") else s.address_type),
                p.port,
                len(s.endpoints or ()),
            )
            for s in slices
            for p in s.ports or ()
        )
        assert shape == [("IPv4", 5432, 3), ("IPv4", 9187, 2), ("IPv6", 5432, 1)]
        assert all(s.managed_by == "csv-to-slices" and s.service_name == "external-db" for s in slices)

    def test_the_same_csv_gives_the_same_file(self) -> None:
        first = run(EXAMPLES / "csv_to_slices.py", SERVICE, EXAMPLES / "csv" / "hosts.csv")
        second = run(EXAMPLES / "csv_to_slices.py", SERVICE, EXAMPLES / "csv" / "hosts.csv")

        assert first.returncode == 0, first.stderr
        assert first.stdout == second.stdout

    def test_bad_rows_are_reported_one_line_each_with_exit_2(self, tmp_path: Path) -> None:
        csv = tmp_path / "hosts.csv"
        csv.write_text("name,ip,port,zone\ndb-a,192.0.2.10,http,\ndb-b,192.0.2.11,1234,\n", encoding="utf-8")

        result = run(EXAMPLES / "csv_to_slices.py", SERVICE, csv)

        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr.splitlines() == [
            f"{csv}:2: port 'http' is not a number from 1 to 65535",
            f"{csv}:3: no port of the Service targets 1234",
        ]


class TestControllerPlan:
    def test_plans_an_update_of_the_slice_it_manages(self) -> None:
        result = run(
            EXAMPLES / "controller_plan.py",
            SERVICE,
            "--current",
            EXAMPLES / "slices" / "external-db-1.yaml",
            "--desired",
            EXAMPLES / "external-ips" / "endpoints.txt",
            "--managed-by",
            "gitops.example.com",
        )

        assert result.returncode == 1, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0].startswith("0 to create, 1 to update, 0 to delete (1 writes, ")
        assert lines[1:] == ["  update external-db-1 IPv4: 4 -> 8 endpoints (+4 -0 ~4)"]

    def test_leaves_other_managers_slices_alone(self) -> None:
        result = run(
            EXAMPLES / "controller_plan.py",
            SERVICE,
            "--current",
            EXAMPLES / "slices" / "external-db-1.yaml",
            "--desired",
            EXAMPLES / "external-ips" / "endpoints.txt",
        )

        assert result.returncode == 1, result.stderr
        assert result.stdout.splitlines()[1:] == ["  create external-db-<generated> IPv4: 8 endpoints"]

    def test_a_missing_file_is_one_line_and_exit_2(self, tmp_path: Path) -> None:
        result = run(EXAMPLES / "controller_plan.py", SERVICE, "--desired", tmp_path / "none.txt")

        assert result.returncode == 2
        assert len(result.stderr.splitlines()) == 1
        assert "Traceback" not in result.stderr


def test_downstream_property_tests_pass() -> None:
    result = run("-m", "pytest", "-q", "-p", "no:cacheprovider", EXAMPLES / "test_downstream.py")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
