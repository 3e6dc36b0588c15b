"""Tests for ``endpointslice simulate``: tables, JSON, CSV, plots, progress, and one line per problem."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from endpointslice._cli import main
from endpointslice._cmd_simulate import Progress, human


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["simulate", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_the_table_compares_endpoints_with_each_slice_size(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        capsys, "--pods", "40", "--nodes", "5", "--max-endpoints-per-slice", "10", "--max-endpoints-per-slice", "100"
    )
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "rolling-update: 40 Pods on 5 Nodes in 3 zones, seed 0, 120 events"
    assert lines[1].split()[:3] == ["pods", "run", "writes"]
    assert [line.split()[1] for line in lines[2:5]] == ["Endpoints", "slices/10", "slices/100"]
    assert lines[2].split()[2] == "80"


def test_json_output_has_every_run_and_its_series(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, "--pods", "12", "--nodes", "3", "--strategy", "upstream", "--strategy", "compact", "-o", "json"
    )
    data = json.loads(out)
    assert status == 0
    assert data["workload"] == {"scenario": "rolling-update", "pods": 12, "nodes": 3, "zones": 3, "seed": 0}
    assert [r["run"] for r in data["runs"]] == ["Endpoints", "slices/100", "slices/100 compact"]
    assert data["runs"][0]["series"][-1][1] == data["runs"][0]["wire_bytes"]


def test_csv_output_is_one_row_per_run(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--pods", "12", "--nodes", "3", "--scenario", "churn", "--changes", "3", "-o", "csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert status == 0
    assert [r["run"] for r in table] == ["Endpoints", "slices/100"]
    assert table[1]["writes"] == "9"


def test_sweep_simulates_growing_clusters(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--pods", "32", "--nodes", "2", "--sweep", "-o", "csv")
    assert status == 0
    assert sorted({int(r["pods"]) for r in csv.DictReader(io.StringIO(out))}) == [2, 4, 8, 16, 32]


def test_recommend_prints_a_value_and_why(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--pods", "30", "--nodes", "2", "--scenario", "create-delete", "--recommend")
    assert status == 0
    assert out.splitlines()[-1].startswith("recommended maxEndpointsPerSlice: ")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--pods", "5", "--nodes", "0"], "endpointslice: error: nodes: Invalid value: 0: must be 1 or more"),
        (
            ["--pods", "5", "--nodes", "1", "--max-surge", "0", "--max-unavailable", "0"],
            "endpointslice: error: maxUnavailable: Invalid value: 0: may not be 0 when maxSurge is 0",
        ),
        (
            ["--pods", "5", "--nodes", "1", "--plot", "out.gif"],
            "endpointslice: error: plot: Invalid value: 'out.gif': the file name must end in .svg, .png, .pdf",
        ),
    ],
)
def test_bad_options_are_one_line_each_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, out, err = run(capsys, *argv)
    assert (status, out, err) == (2, "", message + "\n")


def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["simulate", "--pods", "x", "--nodes", "1"])
    assert caught.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_plot_writes_the_figure_whole(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "traffic.svg"
    status, _, err = run(capsys, "--pods", "12", "--nodes", "3", "--plot", str(target))
    assert (status, err) == (0, "")
    assert target.read_text(encoding="utf-8").rstrip().endswith("</svg>")
    assert [p.name for p in tmp_path.iterdir()] == ["traffic.svg"]


def test_a_sweep_plots_against_cluster_size(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "sweep.png"
    status, _, _ = run(capsys, "--pods", "8", "--nodes", "2", "--sweep", "--plot", str(target))
    assert status == 0
    assert target.read_bytes().startswith(b"\x89PNG")


def test_a_plot_into_a_missing_folder_is_one_line_and_leaves_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytest.importorskip("matplotlib")
    status, out, err = run(capsys, "--pods", "4", "--nodes", "1", "--plot", str(tmp_path / "no" / "x.svg"))
    assert status == 2
    assert out == ""
    assert err.startswith("endpointslice: error: cannot write output: ")
    assert err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_without_matplotlib_the_plot_option_says_how_to_install_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    status, out, err = run(capsys, "--pods", "4", "--nodes", "1", "--plot", str(tmp_path / "x.svg"))
    assert (status, out) == (2, "")
    assert err == "endpointslice: error: plot: matplotlib is not installed: pip install 'endpointslice[plot]'\n"


class _Stream(io.StringIO):
    def __init__(self, *, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_the_progress_bar_shows_on_a_terminal_after_a_second_only() -> None:
    terminal = _Stream(tty=True)
    bar = Progress(terminal, after=0.0)
    bar(50, 100)
    bar.close()
    assert "[###############               ] 50%" in terminal.getvalue()
    assert terminal.getvalue().endswith("\r\x1b[K")
    quick = _Stream(tty=True)
    Progress(quick, after=3600)(50, 100)
    piped = _Stream(tty=False)
    Progress(piped, after=0.0)(50, 100)
    assert quick.getvalue() == piped.getvalue() == ""


def test_human_sizes_use_decimal_units_as_the_sources_do() -> None:
    assert [human(n) for n in (999, 1500, 4_500_000_000, 22_500_000_000_000)] == [
        "999 B",
        "1.5 kB",
        "4.5 GB",
        "22.5 TB",
    ]


def test_the_model_column_counts_creation_and_deletion(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--pods", "250", "--nodes", "4", "--scenario", "create-delete", "-o", "csv")
    table = {r["run"]: r for r in csv.DictReader(io.StringIO(out))}
    assert status == 0
    # Three slices of 100 * 100 B, each created and deleted, to four Nodes.
    assert table["slices/100"]["model_bytes"] == str(2 * 3 * 10_000 * 4)
    assert table["slices/100"]["writes"] == "6"
