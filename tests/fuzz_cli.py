"""Fuzzing every command of the CLI with mutated real manifests, and what each run must satisfy.

`inputs` draws bytes made from the manifests in ``tests/data`` and
``examples/``: either damaged byte by byte (flips, cuts, repeats, hostile
tokens spliced in) or changed in structure (a value swapped for a hostile
one, a key repeated, a level of nesting added) and written back as YAML or
JSON. `runs` pairs such an input with a command line. `execute` runs the
command in-process through ``endpointslice._cli.main`` and `check` states
the contract: no traceback, an exit status of 0, 1 or 2 (70 is a crash, our
bug), output that is valid UTF-8, and one line per problem on standard
error, each naming the command.

Shared by ``tests/test_cli_fuzz.py`` (a few hundred runs in the suite) and
``benchmarks/fuzz_commands.py`` (the long run).
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import yaml
from hypothesis import strategies as st

from endpointslice._cli import main

__all__ = ["Outcome", "Run", "check", "execute", "inputs", "runs", "seeds"]

ROOT = Path(__file__).resolve().parent.parent
_SUFFIXES = (".yaml", ".yml", ".json", ".txt")


def seeds() -> list[bytes]:
    """Every manifest of ``tests/data`` and ``examples/``, as bytes, in a fixed order."""
    files = sorted(
        p
        for top in (ROOT / "tests" / "data", ROOT / "examples")
        for p in top.rglob("*")
        if p.suffix in _SUFFIXES and p.is_file() and p.stat().st_size < 50_000
    )
    return [p.read_bytes() for p in files]


_SEEDS = seeds()

# Tokens each of which once broke a promise (issue 10), and their neighbours.
TOKENS = [
    b"0x_",
    b"0b_",
    b"-0x__",
    b"0o_",
    b"1:_",
    b".nan",
    b".inf",
    b"-.Inf",
    b"NaN",
    b"Infinity",
    b"1e400",
    b"1.0e+400",
    b"18446744073709551616",
    b"9223372036854775808",
    b"2147483648",
    b"-2147483649",
    b'"\\ud800"',
    b'"\\udc00\\ud800"',
    b"\xed\xa0\x80",
    b"\x00",
    b"\x1b[31m",
    b"\r",
    b"\n",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"---\n",
    b"...\n",
    b"# c\n",
    b"&a ",
    b"*a",
    b"<<: *a\n",
    b"!!binary ",
    b"!!python/object ",
    b"? ",
    b"- ",
    b": ",
    b"{",
    b"}",
    b"[",
    b"]",
    b'"',
    b"'",
    b",",
    b"\t",
    b"apiVersion: discovery.k8s.io/v1beta1\n",
    b"apiVersion: extensions/v1beta1\n",
    b"kind: List\n",
    b"kind: Endpoints\n",
    b"2001-01-01",
    b"127.0.0.1",
    b"0.0.0.0",  # A value under test, not a bind address.
    b"169.254.1.1",
    b"224.0.0.1",
]

hostile_values = st.sampled_from(
    [
        None,
        True,
        0,
        -1,
        2**31,
        2**63,
        2**64,
        -(2**63) - 1,
        1.5,
        float("nan"),
        float("inf"),
        "",
        "\x00",
        "a\nb",
        "\x1b[2J",
        "\ud800",
        "x" * 5000,
        "2001-01-01",
        "0x_",
        [],
        {},
        [None],
        {"a": {"b": [1, {"c": None}]}},
    ]
) | st.text(max_size=20)


@st.composite
def _byte_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["value", "value", "token", "flip", "cut", "repeat", "insert"]))
        colon = data.find(b": ", at)
        if op == "value" and colon >= 0:
            # A mapping value replaced by a hostile token: where most of issue 10's crashes lived.
            end = data.find(b"\n", colon)
            end = len(data) if end < 0 else end
            data = data[: colon + 2] + draw(st.sampled_from(TOKENS)).strip() + data[end:]
        elif op == "token":
            data = data[:at] + draw(st.sampled_from(TOKENS)) + data[at:]
        elif op == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
        elif op == "cut":
            data = data[:at] + data[at + draw(st.integers(1, 64)) :]
        elif op == "repeat":
            data = data[:at] + data[at : at + draw(st.integers(1, 200))] * draw(st.integers(2, 5)) + data[at:]
        else:
            data = data[:at] + draw(st.binary(max_size=8)) + data[at:]
    return data


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if len(prefix) > 30:  # Deep enough to reach every field of a real manifest.
        return
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {k: (_replace(v, rest, new) if k == head else v) for k, v in value.items()}
    return [(_replace(v, rest, new) if i == head else v) for i, v in enumerate(value)]


def _dump(docs: list[Any], as_json: bool) -> bytes:
    if as_json:
        text = json.dumps(docs[0] if len(docs) == 1 else {"apiVersion": "v1", "kind": "List", "items": docs})
        return text.encode("utf-8", "surrogatepass")
    return yaml.dump_all(docs, Dumper=yaml.CSafeDumper, allow_unicode=True).encode("utf-8", "surrogatepass")


@st.composite
def _structure_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    try:
        # A document with aliases (the alias-bomb seed) is left to the byte mutations: loaded
        # and dumped again, its shared structure would be written out gigabytes long.
        if any(isinstance(token, yaml.AliasToken) for token in yaml.scan(data, Loader=yaml.CSafeLoader)):
            return data
        docs = [d for d in yaml.load_all(data, Loader=yaml.CSafeLoader) if d is not None]
    except (yaml.YAMLError, RecursionError, ValueError):
        return data
    if not docs:
        return data
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(docs) - 1))
        # At most the first 5,000 paths, as a second guard against a structure that is shared
        # many times over and so has more paths than it has bytes.
        paths = list(itertools.islice(_paths(docs[i]), 5000))
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["value", "nest", "drop"]))
        if op == "value":
            docs[i] = _replace(docs[i], path, draw(hostile_values))
        elif op == "nest":
            docs[i] = _replace(docs[i], path, _nested(draw(st.sampled_from([50, 199, 201, 600, 3000]))))
        elif path:
            docs[i] = _replace(docs[i], path[:-1], {} if isinstance(path[-1], str) else [])
    try:
        out = _dump(docs, draw(st.booleans()))
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return data
    if draw(st.booleans()) and b"\n" in out:
        # Repeat one line: a repeated key, in YAML; JSON gets one by splicing a key in.
        lines = out.split(b"\n")
        k = draw(st.integers(0, len(lines) - 1))
        lines.insert(k, lines[k])
        out = b"\n".join(lines)
    elif out.startswith(b"{") and draw(st.booleans()):
        out = b'{"kind": "X", ' + out[1:]
    return out


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def inputs(draw: st.DrawFn) -> bytes:
    """Bytes made from a real manifest by byte or structure mutations (or none)."""
    data = draw(st.sampled_from(_SEEDS))
    how = draw(st.sampled_from(["bytes", "structure", "both", "none"]))
    if how in ("structure", "both"):
        data = draw(_structure_mutation(data))
    if how in ("bytes", "both"):
        data = draw(_byte_mutation(data))
    return data


@attrs.frozen(kw_only=True)
class Run:
    """One command line: argv with ``{input}`` and ``{other}`` to be replaced by file names, and stdin."""

    argv: tuple[str, ...]
    input: bytes
    other: bytes
    stdin: bool


_COMMANDS = [
    ("get", "{input}"),
    ("get", "-o", "yaml", "{input}"),
    ("get", "-o", "json", "{input}"),
    ("get", "-o", "wide", "{input}"),
    ("validate", "{input}"),
    ("validate", "-o", "json", "{input}"),
    ("validate", "-o", "github", "{input}"),
    ("validate", "-o", "junit", "--strict", "{input}"),
    ("migrate", "{input}"),
    ("migrate", "--check", "-o", "json", "{input}"),
    ("migrate", "--in-place", "{input}"),
    ("pack", "{other}", "{input}"),
    ("pack", "{input}", "{other}"),
    ("pack", "--plan", "--existing", "{input}", "{other}", "{other}"),
    ("diff", "{input}", "{other}"),
    ("diff", "-o", "json", "{other}", "{input}"),
]


@st.composite
def runs(draw: st.DrawFn) -> Run:
    """A command (every command, several output formats) and the input for it."""
    argv = draw(st.sampled_from(_COMMANDS))
    stdin = "{input}" in argv and argv[0] != "migrate" and draw(st.integers(0, 4)) == 0
    if stdin:
        argv = tuple("-" if a == "{input}" else a for a in argv)
    return Run(argv=argv, input=draw(inputs()), other=draw(st.sampled_from(_SEEDS)), stdin=stdin)


@attrs.frozen(kw_only=True)
class Outcome:
    """What a run printed and returned."""

    status: int
    stdout: bytes
    stderr: str


def execute(run: Run, workdir: str | None = None) -> Outcome:
    """Run *run* in-process, with its files in a fresh directory and standard streams captured."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        one, two = os.path.join(tmp, "input.yaml"), os.path.join(tmp, "other.yaml")
        Path(one).write_bytes(run.input)
        Path(two).write_bytes(run.other)
        argv = [a.replace("{input}", one).replace("{other}", two) for a in run.argv]
        out = io.BytesIO()
        # Strict UTF-8, as a terminal or a pipe takes it: a lone surrogate must not reach it.
        stdout = io.TextIOWrapper(out, encoding="utf-8", errors="strict", write_through=True)
        stderr = io.StringIO()
        stdin = io.TextIOWrapper(io.BytesIO(run.input if run.stdin else b""), encoding="utf-8")
        saved = sys.stdin
        sys.stdin = stdin
        try:
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                status = main(argv)
        finally:
            sys.stdin = saved
        stdout.flush()
        return Outcome(status=status, stdout=out.getvalue(), stderr=stderr.getvalue())


def check(run: Run, outcome: Outcome) -> None:
    """The contract every command keeps on every input.

    Raises:
        AssertionError: The run broke it; the message says how.
    """
    assert outcome.status != 70, f"crash (a bug): {outcome.stderr.strip()}"  # EXIT_BUG.
    assert outcome.status in (0, 1, 2), f"exit status {outcome.status}"
    assert "Traceback" not in outcome.stderr, outcome.stderr
    outcome.stdout.decode("utf-8")  # Raises on output no UTF-8 reader could take.
    for text in outcome.stderr.splitlines():
        # One line per problem, each naming the command: a raw newline from the input would break this.
        # `get` says "No resources found." as kubectl does.
        assert text.startswith("endpointslice") or text == "No resources found.", f"stray line: {text[:200]!r}"
        assert "\x1b" not in text, f"terminal escape on stderr: {text[:200]!r}"
    if outcome.status == 2:  # Bad input is always explained.
        assert outcome.stderr or _explained_on_stdout(run, outcome), "exit 2 without a word"


def _explained_on_stdout(run: Run, outcome: Outcome) -> bool:
    # validate reports load problems in its own output format, on standard output.
    return run.argv[0] == "validate" and bool(outcome.stdout)
