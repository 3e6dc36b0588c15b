"""Fuzz ``endpointslice migrate --in-place`` with byte and structure mutations of real manifests, for a set time.

Each round builds a stream from one to three real manifests (every ``*.yaml``,
``*.yml`` and ``*.json`` under ``examples/`` and ``tests/data/``, plus a
hand-written Service and Endpoints pair), damages it with one to four
mutations (flipped, inserted, deleted or repeated bytes, truncation, CRLF line
endings, a byte order mark, comments, ``---`` lines, documents swapped or
repeated, numbers replaced by huge or negative ones), and writes it to a fresh
folder, sometimes read-only, sometimes reached through a symlink or named twice,
sometimes with a second file. Then it runs ``migrate --in-place`` (with random
``--keep-endpoints``, ``--check`` and ``--force``) and plain ``migrate``, each
under a 20-second alarm, and checks every promise of the Safety section of
docs/migrate.md:

* no traceback and no hang: the command returns 0, 1 or 2, never the CLI's
  internal-error status;
* no temporary file is left in the folder;
* a file is either byte for byte as it was, or it loads, keeps its mode, its
  symlink, its byte order mark, and every document that held no Endpoints
  byte for byte;
* when the run says "no file was rewritten" or exits 2, every file is as it was.

Findings are written to ``--findings`` (default ``fuzz-migrate-findings/``).

Run: ``python benchmarks/fuzz_migrate.py [--minutes M] [--seed S]``.
"""

from __future__ import annotations

import argparse
import contextlib
import io as stdio
import os
import random
import re
import shutil
import signal
import stat
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from endpointslice import Endpoints, EndpointsList, io
from endpointslice._cli import main as cli
from endpointslice.errors import LoadError
from endpointslice.kinds import KubeList

ROOT = Path(__file__).resolve().parent.parent
PAIR = """\
apiVersion: v1
kind: Service
metadata: {name: db, namespace: prod}
spec:
  ports:
  - {name: pg, port: 5432}
---
# the hand-written endpoints
apiVersion: v1
kind: Endpoints
metadata:
  name: db  # keep in sync
  namespace: prod
subsets:
- addresses: [{ip: 192.0.2.10}, {ip: "2001:db8::1"}]
  notReadyAddresses: [{ip: 192.0.2.11, nodeName: n1}]
  ports: [{name: pg, port: 5432}]
"""
NUMBERS = ["18446744073709551616", "-1", "0", "65536", "2147483648", "1e3", "0x10", "1.5", ".inf", "99999999999"]
SNIPPETS = ["# comment\n", "\n", "---\n", "...\n", "  # indented\n", "#\r\n", "- \n", "a: b\n", "{\n", "'\n", "\t\n"]


class HangError(BaseException):  # Not an Exception, so that the CLI cannot turn it into a status.
    """A command ran past its alarm."""


def seeds() -> list[bytes]:
    found = [PAIR.encode()]
    for folder in ("examples", "tests/data"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".yaml", ".yml", ".json") and path.is_file() and path.stat().st_size < 200_000:
                found.append(path.read_bytes())
    return found


def mutate(data: bytes, rnd: random.Random) -> bytes:
    kind = rnd.randrange(12)
    at = rnd.randrange(len(data) + 1)
    if kind == 0 and data:
        pos = rnd.randrange(len(data))
        return data[:pos] + bytes([data[pos] ^ (1 << rnd.randrange(8))]) + data[pos + 1 :]
    if kind == 1:
        return data[:at] + bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 4))) + data[at:]
    if kind == 2:
        return data[:at] + data[at + rnd.randrange(1, 40) :]
    if kind == 3:
        end = min(len(data), at + rnd.randrange(1, 200))
        return data[:end] + data[at:end] + data[end:]
    if kind == 4:
        return data[:at]
    if kind == 5:
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if kind == 6:
        return b"\xef\xbb\xbf" + data
    if kind == 7:
        lines = data.splitlines(keepends=True)
        pos = rnd.randrange(len(lines) + 1)
        return b"".join([*lines[:pos], rnd.choice(SNIPPETS).encode(), *lines[pos:]])
    if kind == 8:
        numbers = list(re.finditer(rb"(?<=: )\d+\b", data))
        if numbers:
            m = rnd.choice(numbers)
            return data[: m.start()] + rnd.choice(NUMBERS).encode() + data[m.end() :]
        return data
    if kind == 9:
        docs = re.split(rb"(?m)^---[ \t]*\r?\n", data)
        rnd.shuffle(docs)
        return b"---\n".join(docs)
    if kind == 10:
        docs = re.split(rb"(?m)^---[ \t]*\r?\n", data)
        return b"---\n".join([*docs, rnd.choice(docs)])
    return data + b"---\n" + PAIR.encode()


def snapshot(folder: Path) -> dict[str, tuple[bytes | str, int]]:
    out: dict[str, tuple[bytes | str, int]] = {}
    for p in sorted(folder.iterdir()):
        if p.is_symlink():
            out[p.name] = (os.readlink(p), 0)
        else:
            out[p.name] = (p.read_bytes(), stat.S_IMODE(p.stat().st_mode))
    return out


def run(argv: list[str]) -> tuple[int, str]:
    err = stdio.StringIO()
    out = stdio.StringIO()
    signal.alarm(20)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            try:
                status = cli(argv)
            except SystemExit as exc:
                status = exc.code if isinstance(exc.code, int) else 2
            except Exception as exc:  # noqa: BLE001  # Any escaping exception is a finding, reported as such.
                status = 70
                print(f"Traceback: {type(exc).__name__}: {exc}", file=sys.stderr)
    finally:
        signal.alarm(0)
    return status, err.getvalue()


def untouched_documents(before: bytes) -> list[bytes]:
    """The exact bytes of every document of *before* that holds no Endpoints (empty if it does not load)."""
    text = before.decode("utf-8-sig", "strict") if not before.startswith((b"\xff\xfe", b"\xfe\xff")) else ""
    try:
        docs = io.load_documents(text, keep_other_kinds=True)
    except (LoadError, UnicodeDecodeError):
        return []
    kept = []
    for doc in docs:
        if doc.span is None or _holds_endpoints(doc.object):
            continue
        kept.append(text[doc.span[0] : doc.span[1]].rstrip("\r\n").encode())
    return kept


def _holds_endpoints(obj: Any) -> bool:
    if isinstance(obj, Endpoints):
        return True
    if isinstance(obj, (EndpointsList, KubeList)):
        return any(_holds_endpoints(item) for item in obj.items)
    return False


def check(folder: Path, before: dict[str, tuple[bytes | str, int]], status: int, err: str) -> list[str]:
    findings = []
    if status not in (0, 1, 2):
        findings.append(f"exit status {status}")
    if "internal error" in err or "Traceback" in err:
        findings.append("traceback: " + err.strip().splitlines()[-1])
    after = snapshot(folder)
    leftovers = sorted(set(after) - set(before))
    if leftovers:
        findings.append(f"left behind: {leftovers}")
    changed = [name for name in before if after.get(name) != before[name]]
    if changed and (status == 2 or "no file was rewritten" in err) and "not rewritten:" not in err:
        findings.append(f"{changed} changed although the run said nothing was rewritten")
    for name in changed:
        old, new = before[name], after.get(name)
        if new is None or isinstance(old[0], str) or isinstance(new[0], str):
            findings.append(f"{name}: a symlink or file was replaced by the other")
            continue
        if new[1] != old[1]:
            findings.append(f"{name}: mode {old[1]:o} became {new[1]:o}")
        if old[0].startswith(b"\xef\xbb\xbf") != new[0].startswith(b"\xef\xbb\xbf"):
            findings.append(f"{name}: byte order mark not kept")
        try:
            io.loads(new[0], keep_other_kinds=True)
        except LoadError as exc:
            findings.append(f"{name}: rewritten file does not load: {exc.problems[0]}")
        for doc in untouched_documents(old[0]):
            if doc not in new[0]:
                findings.append(f"{name}: a document without Endpoints changed: {doc[:60]!r}")
                break
    return findings


def one_round(rnd: random.Random, pool: list[bytes], work: Path) -> tuple[list[str], int, bool, bytes]:
    folder = Path(tempfile.mkdtemp(dir=work))
    data = b"---\n".join(rnd.choice(pool) for _ in range(rnd.randrange(1, 4)))
    for _ in range(rnd.randrange(1, 5)):
        data = mutate(data, rnd)
    target = folder / "x.yaml"
    target.write_bytes(data)
    os.chmod(target, rnd.choice([0o644, 0o600, 0o444, 0o664]))
    paths = [str(target)]
    shape = rnd.randrange(4)
    if shape == 1:
        (folder / "link.yaml").symlink_to("x.yaml")
        paths = [str(folder)]
    elif shape == 2:
        paths = [str(target), str(folder / "." / "x.yaml")]
    elif shape == 3:
        other = folder / "y.yaml"
        other.write_bytes(PAIR.encode())
        paths.append(str(other))
    flags = [f for f in ("--keep-endpoints", "--check", "--force") if rnd.random() < 0.3]
    before = snapshot(folder)
    findings: list[str] = []
    try:
        status, err = run(["migrate", *paths])
        if status not in (0, 1, 2) or "internal error" in err or snapshot(folder) != before:
            findings.append(f"plain migrate: exit status {status}, files changed: {snapshot(folder) != before}")
        status, err = run(["migrate", "--in-place", *flags, *paths])
        findings += check(folder, before, status, err)
    except HangError:
        status, err = -1, ""
        findings.append("hang (over 20 s)")
    rewritten = snapshot(folder) != before
    shutil.rmtree(folder, ignore_errors=True)
    return findings, status, rewritten, data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--findings", type=Path, default=Path("fuzz-migrate-findings"))
    args = parser.parse_args()

    def alarm(signum: int, frame: Any) -> None:
        raise HangError

    signal.signal(signal.SIGALRM, alarm)
    rnd = random.Random(args.seed)
    pool = seeds()
    statuses: Counter[int] = Counter()
    rounds = rewrites = bad = 0
    deadline = time.monotonic() + args.minutes * 60
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        while time.monotonic() < deadline:
            findings, status, rewritten, data = one_round(rnd, pool, Path(work))
            rounds += 1
            statuses[status] += 1
            rewrites += rewritten
            if findings:
                bad += 1
                args.findings.mkdir(exist_ok=True)
                (args.findings / f"finding-{bad}.yaml").write_bytes(data)
                print(f"round {rounds}: {'; '.join(findings)} (input saved as finding-{bad}.yaml)", flush=True)
    elapsed = time.perf_counter() - start
    print(f"seeds: {len(pool)} manifests; rounds: {rounds} in {elapsed / 60:.1f} min; files rewritten: {rewrites}")
    print(f"in-place exit statuses: {dict(sorted(statuses.items()))}; rounds with findings: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
