"""``endpointslice validate`` on examples/ci-repo, in every output format, against reviewed results.

The expected outputs live in ``tests/data/ci-repo/``. After a deliberate change, regenerate them with
``ENDPOINTSLICE_REGOLD=1 pytest tests/test_ci_repo.py`` and review the diff before committing it.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_cmd_validate import check_sarif

from endpointslice._cli import main

ROOT = Path(__file__).resolve().parent.parent
REPO = "examples/ci-repo"
GOLDEN = ROOT / "tests" / "data" / "ci-repo"

#: Output name -> (arguments, expected exit status).
RUNS: dict[str, tuple[list[str], int]] = {
    "text": ([REPO], 1),
    "summary": (["--summary", REPO], 1),
    "strict-summary": (["--strict", "--summary", REPO], 1),
    "json": (["-o", "json", REPO], 1),
    "github": (["-o", "github", "--summary", REPO], 1),
    "junit": (["-o", "junit", REPO], 1),
    "sarif": (["-o", "sarif", REPO], 1),
    "disabled": (["--disable", "ES002", "--skip-kinds", "Endpoints", "--reject-kinds", "apps/v1/Deployment", REPO], 1),
}


def validate(args: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["validate", *args])
    return status, out.getvalue()


def stable(name: str, text: str) -> str:
    """The output without what changes from release to release (the tool's version in SARIF)."""
    if name != "sarif":
        return text
    data = json.loads(text)
    data["runs"][0]["tool"]["driver"]["version"] = "VERSION"
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("name", sorted(RUNS))
def test_output_matches_the_reviewed_result(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    args, expected_status = RUNS[name]
    status, out = validate(args, monkeypatch)
    assert status == expected_status
    golden = GOLDEN / f"{name}.out"
    if os.environ.get("ENDPOINTSLICE_REGOLD"):
        golden.write_text(stable(name, out), encoding="utf-8")
    assert stable(name, out) == golden.read_text(encoding="utf-8")


def test_the_formats_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    _, text = validate([REPO], monkeypatch)
    _, raw = validate(["-o", "json", REPO], monkeypatch)
    _, sarif_text = validate(["-o", "sarif", REPO], monkeypatch)
    _, junit = validate(["-o", "junit", REPO], monkeypatch)
    data = json.loads(raw)
    sarif = json.loads(sarif_text)
    check_sarif(sarif)
    lines = [line for line in text.splitlines() if " note [skipped] " not in line]
    assert len(lines) == len(data["findings"]) == len(sarif["runs"][0]["results"])
    assert [f["rule"] for f in data["findings"]] == [r["ruleId"] for r in sarif["runs"][0]["results"]]
    suite = ET.fromstring(junit.split("\n", 1)[1])  # noqa: S314  # Our own output, not untrusted input.
    summary = data["summary"]
    assert suite.get("tests") == str(summary["resources"]) == "12"
    assert suite.get("skipped") == str(summary["skipped"]) == "5"
    names = [c.get("name") for c in suite.iter("testcase")]
    assert "Deployment/shop/web" in names
    assert "CustomResourceDefinition/widgets.example.com" in names
    assert "Widget/shop/blue" in names
    assert f"{REPO}/kustomization.yaml" in names


def test_every_file_of_the_example_is_accounted_for(monkeypatch: pytest.MonkeyPatch) -> None:
    _, junit = validate(["-o", "junit", REPO], monkeypatch)
    suite = ET.fromstring(junit.split("\n", 1)[1])  # noqa: S314  # Our own output, not untrusted input.
    files = {c.get("classname") for c in suite.iter("testcase")}
    on_disk = {
        str(p.relative_to(ROOT))
        for p in (ROOT / REPO).rglob("*")
        if p.suffix in (".yaml", ".yml", ".json") and p.is_file()
    }
    assert files == on_disk
