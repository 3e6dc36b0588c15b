"""``endpointslice._cli``: nothing ever shows a traceback, and every answer is clear (issue 10).

Most cases run in-process through `fuzz_cli.execute`, which captures
standard output as strict UTF-8 (as a terminal or pipe takes it) and checks
the contract every command keeps; the few about the real standard streams
(``/dev/full``, a closed stdin) run a child process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fuzz_cli import Outcome, Run, check, execute

from endpointslice import _cmd_get
from endpointslice._cli import EXIT_BUG, main

ROOT = Path(__file__).parent.parent
SERVICE = ROOT / "examples" / "external-ips" / "service.yaml"
SLICE = """\
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-1, namespace: shop}
addressType: IPv4
endpoints: [{addresses: [10.0.0.1]}]
ports:
- port: PORT
"""


def run(*argv: str, data: bytes = b"", other: bytes = b"", stdin: bool = False) -> Outcome:
    """Run *argv* ({input} and {other} name files holding *data* and *other*) and check the contract."""
    one = Run(argv=argv, input=data, other=other, stdin=stdin)
    outcome = execute(one)
    check(one, outcome)
    return outcome


def child(command: str) -> subprocess.CompletedProcess[str]:
    """Run a shell *command* line, with ``endpointslice`` meaning this interpreter's module."""
    line = command.replace("endpointslice", f"{sys.executable} -m endpointslice", 1)
    return subprocess.run(  # noqa: S602  # The shell is the point: it closes and redirects streams.
        line, shell=True, capture_output=True, text=True, cwd=ROOT, check=False
    )


# ---------------------------------------------------------------------------
# A crash is our bug: its own exit status and one line


def test_a_crash_is_one_line_asking_for_a_report_and_exit_70(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_args: object) -> int:
        raise KeyError("boom")

    monkeypatch.setattr(_cmd_get, "run", broken)
    assert main(["get", str(SERVICE)]) == EXIT_BUG == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("endpointslice: internal error, a bug in endpointslice: KeyError: 'boom'; please report it")
    assert "Traceback" not in err


def test_the_traceback_of_a_crash_goes_to_the_file_named_by_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setattr(_cmd_get, "run", lambda _args: 1 // 0)
    monkeypatch.setenv("ENDPOINTSLICE_TRACEBACK", str(tmp_path / "tb.txt"))
    assert main(["get", str(SERVICE)]) == EXIT_BUG
    assert f"traceback saved to {tmp_path / 'tb.txt'}" in capsys.readouterr().err
    assert "ZeroDivisionError" in (tmp_path / "tb.txt").read_text()


def test_output_the_system_refuses_is_one_line_and_exit_2() -> None:
    result = child("endpointslice get -o yaml examples/slices > /dev/full")
    assert (result.returncode, result.stderr) == (
        2,
        "endpointslice: error: cannot write output: No space left on device\n",
    )


def test_a_closed_stdin_is_one_line_and_exit_2() -> None:
    result = child("endpointslice validate - <&-")
    assert result.returncode == 2
    assert "<stdin>: error [load] cannot read: standard input is closed" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_closed_stdout_is_one_line_and_exit_2() -> None:
    result = child("endpointslice get examples/slices >&-")
    assert (result.returncode, result.stderr) == (
        2,
        "endpointslice: error: cannot write output: standard output is closed\n",
    )


# ---------------------------------------------------------------------------
# Inputs that used to end in a traceback


@pytest.mark.parametrize("port", ["0x_", "0b_", "-0x__"])
@pytest.mark.parametrize("command", [("get",), ("validate",), ("migrate",), ("diff", "{other}")])
def test_integers_pyyaml_half_recognises_are_strings_as_in_go_yaml(port: str, command: tuple[str, ...]) -> None:
    outcome = run(*command[:1], "{input}", *command[1:], data=SLICE.replace("PORT", port).encode(), other=b"")
    assert f"ports[0].port: expected integer, got '{port}'" in outcome.stderr + outcome.stdout.decode()


@pytest.mark.parametrize("output", ["text", "json", "github", "junit"])
def test_a_lone_surrogate_in_json_is_read_as_go_reads_it(output: str) -> None:
    data = b'{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a\\ud800"}}'
    outcome = run("validate", "-o", output, "{input}", data=data)
    assert "a\N{REPLACEMENT CHARACTER}" in outcome.stdout.decode()


def test_a_lone_surrogate_prints_in_the_get_table() -> None:
    data = b'{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "\\udc00"}}'
    assert "\N{REPLACEMENT CHARACTER}" in run("get", "{input}", data=data).stdout.decode()


@pytest.mark.parametrize("value", [".nan", "-.inf", ".Inf"])
@pytest.mark.parametrize("command", [("get", "-o", "yaml"), ("get", "-o", "json"), ("migrate",)])
def test_nan_and_infinity_are_refused_where_they_are(value: str, command: tuple[str, ...]) -> None:
    data = f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: a}}\ndata2: {{x: {value}}}\n".encode()
    outcome = run(*command, "{input}", data=data)
    assert outcome.status == 2
    assert f"input.yaml:4:12: json: unsupported value: {value} (JSON has no NaN or infinity)" in outcome.stderr


@pytest.mark.parametrize("command", [("get",), ("get", "-o", "yaml"), ("validate",), ("migrate",)])
def test_json_nested_600_deep_is_a_problem_not_a_recursion_error(command: tuple[str, ...]) -> None:
    data = ('{"apiVersion": "v1", "kind": "ConfigMap", "x": ' + "[" * 600 + "]" * 600 + "}").encode()
    outcome = run(*command, "{input}", data=data)
    assert outcome.status == 2
    assert "nested more than 200 levels deep" in outcome.stderr + outcome.stdout.decode()


def test_pack_endpoints_nested_10000_deep_is_a_problem() -> None:
    outcome = run("pack", "{other}", "{input}", data=b"[" * 10000 + b"]" * 10000, other=SERVICE.read_bytes())
    assert outcome.status == 2
    assert "input.yaml:1:1001: invalid YAML: while increasing flow level exceeded maximum nesting depth" in (
        outcome.stderr
    )


@pytest.mark.parametrize("command", ["get", "validate", "migrate", "pack"])
def test_binary_input_fails_fast(command: str) -> None:
    args = ("pack", str(SERVICE), "/dev/zero") if command == "pack" else (command, "/dev/zero")
    result = child("timeout 20 endpointslice " + " ".join(args))
    assert result.returncode == 2
    output = result.stdout + result.stderr
    assert "/dev/zero: " in output
    assert "not text: a NUL character at offset 0" in output


def test_random_bytes_fail_fast() -> None:
    result = child("timeout 20 endpointslice validate - < /dev/urandom")
    assert result.returncode == 2
    assert "<stdin>: error [load] not UTF-8 text:" in result.stdout


def test_input_beyond_the_size_limit_is_refused_and_the_flag_raises_it() -> None:
    data = SLICE.replace("PORT", "80").encode()
    refused = run("get", "--max-input-size", "100", "{input}", data=data)
    assert refused.status == 2
    assert "input.yaml: input larger than the 100 bytes limit (--max-input-size" in refused.stderr
    assert run("get", "--max-input-size", "1K", "{input}", data=data).status == 0


# ---------------------------------------------------------------------------
# Wrong or unclear answers


def test_a_port_beyond_int32_is_reported_as_the_apiserver_decoder_reports_it() -> None:
    outcome = run("validate", "{input}", data=SLICE.replace("PORT", str(2**64)).encode())
    assert outcome.status == 2
    message = (
        f"{outcome_file(outcome)}:7:9: error [load] ports[0].port: json: cannot unmarshal number "
        "18446744073709551616 into Go struct field EndpointPort.ports.port of type int32"
    )
    assert outcome.stdout.decode().splitlines() == [message]


def outcome_file(outcome: Outcome) -> str:
    return outcome.stdout.decode().split(":", 1)[0]


def test_a_generation_beyond_int64_is_refused_not_dumped_as_a_float() -> None:
    data = SLICE.replace("PORT", "80").replace("namespace: shop", f"namespace: shop, generation: {2**63}").encode()
    outcome = run("get", "-o", "yaml", "{input}", data=data)
    assert outcome.status == 2
    assert "into Go struct field ObjectMeta.metadata.generation of type int64" in outcome.stderr


def test_a_repeated_json_key_is_an_error_as_in_yaml() -> None:
    data = b'{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a", "name": "b"}}'
    outcome = run("validate", "{input}", data=data)
    assert outcome.status == 2
    assert "input.yaml:1:67: error [load] mapping key 'name' already defined" in outcome.stdout.decode()


def test_a_repeated_key_in_a_json_list_is_an_error() -> None:
    item = '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}, "kind": "Service"}'
    data = ('{"apiVersion": "v1", "kind": "List", "items": [' + item + "]}").encode()
    assert "mapping key 'kind' already defined" in run("get", "{input}", data=data).stderr


@pytest.mark.parametrize(
    ("api_version", "kind"), [("discovery.k8s.io/v1", "Endpoints"), ("extensions/v1beta1", "EndpointSlice")]
)
def test_a_kind_in_the_wrong_api_group_is_no_match(api_version: str, kind: str) -> None:
    data = f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: a}}\n".encode()
    outcome = run("validate", "{input}", data=data)
    assert outcome.status == 2
    assert f'no matches for kind "{kind}" in version "{api_version}"' in outcome.stdout.decode()


def test_the_removed_v1beta1_says_so() -> None:
    data = b"apiVersion: discovery.k8s.io/v1beta1\nkind: EndpointSlice\nmetadata: {name: a}\naddressType: IPv4\n"
    assert "discovery.k8s.io/v1beta1 was removed in Kubernetes 1.25; use apiVersion discovery.k8s.io/v1" in (
        run("get", "{input}", data=data).stderr
    )


NAME = "web\n/dev/null:1:1: ok\x1b[31m\x00"


def test_control_characters_in_names_cannot_forge_lines_or_escapes() -> None:
    data = json.dumps({"apiVersion": "v1", "kind": "Service", "metadata": {"name": NAME}}).encode()
    for output in ("text", "github"):
        lines = run("validate", "-o", output, "{input}", data=data).stdout.decode().splitlines()
        assert all("Service/default/web\\n/dev/null:1:1: ok\\x1b[31m\\x00" in line for line in lines)
    table = run("get", "{input}", data=data).stdout.decode()
    assert "\x1b" not in table
    assert len(table.splitlines()) == 2  # The header and one row.


def test_the_junit_report_stays_valid_xml() -> None:
    data = json.dumps({"apiVersion": "v1", "kind": "Service", "metadata": {"name": NAME}}).encode()
    suite = ET.fromstring(run("validate", "-o", "junit", "{input}", data=data).stdout)  # noqa: S314  # Our output.
    assert suite.find("testcase").get("name") == "Service/default/web\\n/dev/null:1:1: ok\\x1b[31m\\x00"  # type: ignore[union-attr]


@pytest.mark.parametrize("text", [b"", b"---\n", b"# only a comment\n---\n# and another\n"])
def test_no_objects_is_said_as_kubectl_says_it(text: bytes) -> None:
    outcome = run("validate", "{input}", data=text)
    assert outcome.status == 2
    assert outcome.stdout.decode().endswith("input.yaml: error [load] no objects passed to validate\n")
    got = run("get", "{input}", data=text)
    assert (got.status, got.stderr) == (2, "endpointslice get: error: no objects passed to get\n")


def test_empty_stdin_is_no_objects() -> None:
    outcome = run("validate", "-", data=b"", stdin=True)
    assert outcome.stdout.decode() == "<stdin>: error [load] no objects passed to validate\n"


def test_an_unreadable_subfolder_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text(SLICE.replace("PORT", "80"))
    (tmp_path / "locked").mkdir()
    real = os.scandir

    def scandir(path: str) -> object:
        # Running as root, chmod cannot lock a folder; refuse it the way the kernel would.
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    outcome = run("get", str(tmp_path))
    assert outcome.status == 2
    assert f"{tmp_path / 'locked'}: cannot read directory: Permission denied" in outcome.stderr


def test_a_huge_name_is_not_repeated_in_every_message() -> None:
    name = "x" * 10_000_000
    data = json.dumps({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}}).encode()
    text = run("validate", "{input}", data=data).stdout
    junit = run("validate", "-o", "junit", "{input}", data=data).stdout
    assert len(text) < 20_000
    assert len(junit) < 20_000
    assert b"...(9999747 more characters)" in text


ENTRIES = "- addresses: [10.0.0.1]\n  ADDRESSES\n"


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        (
            "- addresses: [10.0.0.1]\n  addresses: [10.0.0.2]\n",
            "input.yaml:2:3: mapping key 'addresses' already defined",
        ),
        (
            "- addresses: [10.0.0.1]\n  conditions: {ready: 2001-01-01}\n",
            "input.yaml:2:23: [0].conditions.ready: expected bool, got '2001-01-01'",
        ),
        ("- {1: x, addresses: [10.0.0.1]}\n", "input.yaml:1:4: [0].1: unknown field"),
    ],
)
def test_pack_entries_are_read_as_manifests_are(entries: str, message: str) -> None:
    outcome = run("pack", "{other}", "{input}", data=entries.encode(), other=SERVICE.read_bytes())
    assert outcome.status == 2
    assert message in outcome.stderr


@pytest.mark.parametrize(
    ("address", "detail"),
    [
        ("127.0.0.1", "may not be in the loopback range (127.0.0.0/8, ::1/128)"),
        ("0.0.0.0", "may not be unspecified (0.0.0.0)"),  # noqa: S104  # A value under test.
        ("169.254.1.1", "may not be in the link-local range (169.254.0.0/16, fe80::/10)"),
        ("224.0.0.1", "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"),
    ],
)
def test_pack_refuses_addresses_validation_refuses_with_its_message(address: str, detail: str) -> None:
    for text, where in (
        (f"{address}\n", "input.yaml:1"),
        (f"- addresses: [{address}]\n", "input.yaml:1:15: [0].addresses[0]"),
    ):
        outcome = run("pack", "{other}", "{input}", data=text.encode(), other=SERVICE.read_bytes())
        assert outcome.status == 2
        assert f'{where}: Invalid value: "{address}": {detail}' in outcome.stderr
