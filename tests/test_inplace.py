"""Tests for ``endpointslice migrate --in-place`` safety (`endpointslice._inplace`).

Each test states one promise about the user's files: the bytes that are not
migrated stay as they were, the file keeps its identity (mode, owner, links),
nothing is written that would not reload and validate, and a failure leaves
every file as it was, without a traceback or a temporary file.
"""

from __future__ import annotations

import errno
import json
import os
import random
import resource
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import endpointslice._cmd_migrate as cmd
from endpointslice import EndpointSlice, io, strategies
from endpointslice._cli import main
from endpointslice._emit import emit_yaml
from endpointslice._inplace import Source, content_region, splice
from endpointslice._inplace import stage as _inplace_stage
from endpointslice.errors import LoadError
from endpointslice.kinds import KubeObject
from endpointslice.migrate import migrate
from endpointslice.migrate import migrate as real_migrate

SERVICE = (
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\n  namespace: prod\n"
    "spec:\n  ports:\n  - name: pg\n    port: 5432\n"
)
ENDPOINTS = (
    "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: db   # keep in sync\n  namespace: prod\nsubsets:\n"
    "- addresses:\n  - ip: 192.0.2.10\n  - ip: 192.0.2.11\n  ports:\n  - name: pg\n    port: 5432\n"
)
CONFIGMAP = 'kind: ConfigMap\napiVersion: v1\nmetadata: {name: keep-me}   # flow style stays\ndata: {a: "1"}\n'
STREAM = "# head comment\n" + SERVICE + "---\n" + ENDPOINTS + "---\n" + CONFIGMAP


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def migrate_in_place(*argv: str) -> int:
    return main(["migrate", "--in-place", *argv])


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def assert_migrated(data: bytes, *, before: bytes, after: bytes, eol: bytes = b"\n") -> None:
    """*data* is *before*, then slices only, then *after*; its new lines use *eol* only."""
    assert data.startswith(before)
    assert data.endswith(after)
    middle = data[len(before) : len(data) - len(after)]
    if eol == b"\r\n":
        assert b"\n" not in middle.replace(b"\r\n", b"")
    else:
        assert b"\r" not in middle
    objects = io.loads(middle)
    assert objects
    assert all(isinstance(o, EndpointSlice) for o in objects)


# ---------------------------------------------------------------------------
# the exact bytes


def test_crlf_file_keeps_every_other_byte_and_its_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "db.yaml"
    path.write_bytes(crlf(STREAM).encode())
    assert migrate_in_place(str(path)) == 0
    head = crlf("# head comment\n" + SERVICE + "---\n").encode()
    assert_migrated(path.read_bytes(), before=head, after=crlf("---\n" + CONFIGMAP).encode(), eol=b"\r\n")


def test_byte_order_mark_is_kept_and_offsets_count_from_after_it(tmp_path: Path) -> None:
    path = tmp_path / "db.yaml"
    text = "# héad cömment ☃\n" + SERVICE + "---\n" + ENDPOINTS + "---\n" + CONFIGMAP
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert migrate_in_place(str(path)) == 0
    head = b"\xef\xbb\xbf" + ("# héad cömment ☃\n" + SERVICE + "---\n").encode()
    assert_migrated(path.read_bytes(), before=head, after=("---\n" + CONFIGMAP).encode())


def test_a_file_parses_as_io_load_parses_it_even_with_a_byte_order_mark(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "db.yaml"
    data = b"\xef\xbb\xbf\xef\xbb\xbf" + ENDPOINTS.encode()  # A second mark is a character, not a mark.
    path.write_bytes(data)
    with pytest.raises(LoadError) as plain:
        io.load(path, keep_other_kinds=True)
    assert migrate_in_place(str(path)) == 2
    assert path.read_bytes() == data
    assert capsys.readouterr().err.splitlines()[0] == f"endpointslice migrate: error: {plain.value.problems[0]}"


def test_a_json_file_with_a_byte_order_mark_stays_json(tmp_path: Path) -> None:
    path = tmp_path / "ep.json"
    doc = {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": "x"},
        "subsets": [{"addresses": [{"ip": "10.0.0.1"}], "ports": [{"port": 80}]}],
    }
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(doc).encode())
    assert migrate_in_place(str(path)) == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert json.loads(data[3:])["kind"] == "EndpointSlice"


def test_a_stream_that_starts_with_a_json_object_keeps_its_other_documents(tmp_path: Path) -> None:
    path = tmp_path / "db.yaml"
    head = '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"}}\n---\n'
    path.write_text(head + ENDPOINTS + "---\n" + CONFIGMAP, encoding="utf-8")
    assert migrate_in_place(str(path)) == 0
    assert_migrated(path.read_bytes(), before=head.encode(), after=("---\n" + CONFIGMAP).encode())


def test_offsets_are_right_with_the_pure_python_parser_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    from endpointslice import _inplace, _yaml

    class PureLoader(yaml.SafeLoader):
        # The pure parser counts a byte order mark in its offsets; LibYAML does not.
        yaml_implicit_resolvers = _yaml.Loader.yaml_implicit_resolvers

    monkeypatch.setattr(_yaml, "Loader", PureLoader)
    _inplace._bom_width.cache_clear()
    try:
        path = tmp_path / "db.yaml"
        text = "# héad\r\n" + crlf(SERVICE + "---\n" + ENDPOINTS + "# after\n---\n" + CONFIGMAP)
        path.write_bytes(b"\xef\xbb\xbf" + text.encode())
        assert migrate_in_place(str(path)) == 0
        head = b"\xef\xbb\xbf" + ("# héad\r\n" + crlf(SERVICE + "---\n")).encode()
        after = crlf("# after\n---\n" + CONFIGMAP).encode()
        assert_migrated(path.read_bytes(), before=head, after=after, eol=b"\r\n")
    finally:
        _inplace._bom_width.cache_clear()


def test_utf16_file_stays_utf16(tmp_path: Path) -> None:
    path = tmp_path / "db.yaml"
    path.write_bytes(STREAM.encode("utf-16"))
    assert migrate_in_place(str(path)) == 0
    data = path.read_bytes()
    assert data.startswith(("# head comment\n" + SERVICE + "---\n").encode("utf-16"))
    assert data.endswith(("---\n" + CONFIGMAP).encode("utf-16-le"))
    assert [type(o).__name__ for o in io.loads(data, keep_other_kinds=True)] == [
        "Service",
        "EndpointSlice",
        "OtherObject",
    ]


def test_comment_before_the_next_document_marker_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "db.yaml"
    tail = "# about the ConfigMap below\n\n---\n" + CONFIGMAP
    path.write_text(SERVICE + "---\n" + ENDPOINTS + tail, encoding="utf-8")
    assert migrate_in_place(str(path)) == 0
    assert_migrated(path.read_bytes(), before=(SERVICE + "---\n").encode(), after=tail.encode())


def test_comment_after_the_last_document_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "db.yaml"
    path.write_text(ENDPOINTS + "# the end\n", encoding="utf-8")
    assert migrate_in_place(str(path)) == 0
    assert_migrated(path.read_bytes(), before=b"", after=b"# the end\n")


def test_document_on_the_marker_line_gets_a_line_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "db.yaml"
    flow = "--- {apiVersion: v1, kind: Endpoints, metadata: {name: x}, subsets: [{addresses: [{ip: 10.0.0.1}]}]}\n"
    path.write_text(SERVICE + flow + "---\n" + CONFIGMAP, encoding="utf-8")
    assert migrate_in_place(str(path)) == 0
    after = ("---\n" + CONFIGMAP).encode()
    assert_migrated(path.read_bytes(), before=(SERVICE + "--- \n").encode(), after=after)


def test_the_content_region_ends_at_the_last_value_not_at_the_comments_after_it() -> None:
    text = (
        "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a}\ndata:\n  script: |\n    x\n    # inside the block\n"
        "  list: [1, 2]   # same line\n# after\n\n---\nkind: ConfigMap\napiVersion: v1\n"
    )
    source = Source(name="x", real="x", bom=b"", encoding="utf-8", text=text, status=os.stat("."), digest=b"")
    first = io.load_documents(source.parsed, keep_other_kinds=True)[0]
    assert content_region(first, source) == (0, text.index("# after"))


def test_splice_replaces_only_the_given_ranges() -> None:
    assert splice("a: 1\nb: 2\nc: 3\n", [(10, 15, "C: 9\n"), (0, 5, "A: 0\n")]) == "A: 0\nb: 2\nC: 9\n"


def test_splice_gives_a_replacement_after_a_marker_its_own_line() -> None:
    assert splice("--- {a: 1}\r\n", [(4, 12, "a: 2\r\n")]) == "--- \r\na: 2\r\n"


documents = st.sampled_from(
    [
        CONFIGMAP,
        SERVICE,
        "# just a comment\nkind: ConfigMap\napiVersion: v1\nmetadata:\n  name: c  # trailing\n",
        "kind: ConfigMap\napiVersion: v1\nmetadata: {name: s}\ndata:\n  script: |\n    echo hi\n    # not a comment\n",
    ]
)
comments = st.sampled_from(["", "# note\n", "\n", "# one\n\n# two\n", "   # indented\n"])


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    before=st.lists(st.tuples(documents, comments), max_size=3),
    after=st.lists(st.tuples(documents, comments), max_size=3),
    trailing=comments,
    eol=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
)
def test_every_byte_outside_the_endpoints_document_is_kept(  # noqa: PLR0917  # Hypothesis passes keywords.
    tmp_path_factory: pytest.TempPathFactory,
    before: list[tuple[str, str]],
    after: list[tuple[str, str]],
    trailing: str,
    eol: str,
    bom: bool,
) -> None:
    head = "".join(doc + comment + "---\n" for doc, comment in before)
    tail = trailing + "".join("---\n" + comment + doc for doc, comment in after)
    mark = b"\xef\xbb\xbf" if bom else b""
    path = tmp_path_factory.mktemp("prop") / "x.yaml"
    path.write_bytes(mark + (head + ENDPOINTS + tail).replace("\n", eol).encode())
    assert migrate_in_place(str(path)) == 0
    before_bytes = mark + head.replace("\n", eol).encode()
    assert_migrated(path.read_bytes(), before=before_bytes, after=tail.replace("\n", eol).encode(), eol=eol.encode())
    assert leftovers(path.parent) == []


# Each example runs the whole command on a fresh file, so fewer examples than the profile's.
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    objects=st.lists(st.one_of(strategies.endpoints_objects(), strategies.services()), min_size=1, max_size=4),
    eol=st.sampled_from(["\n", "\r\n"]),
)
def test_the_rewritten_file_holds_what_migrate_returns_or_is_untouched(
    tmp_path_factory: pytest.TempPathFactory, objects: list[KubeObject], eol: str
) -> None:
    data = io.dumps(objects).replace("\n", eol).encode()
    path = tmp_path_factory.mktemp("models") / "x.yaml"
    path.write_bytes(data)
    status = migrate_in_place(str(path))
    after = path.read_bytes()
    if after == data:
        return  # Nothing to migrate, or refused; either way the file is as it was.
    assert status in (0, 1)
    assert io.load(path) == list(migrate(objects).objects)


# ---------------------------------------------------------------------------
# the file's identity


def test_the_same_file_given_twice_is_rewritten_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "db.yaml"
    path.write_text(STREAM, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert migrate_in_place("db.yaml", "./db.yaml", str(path)) == 0
    kinds = [type(o).__name__ for o in io.load(path, keep_other_kinds=True)]
    assert kinds == ["Service", "EndpointSlice", "OtherObject"]


def test_a_folder_with_a_symlink_to_a_sibling_rewrites_the_target_once_and_keeps_the_link(tmp_path: Path) -> None:
    (tmp_path / "db.yaml").write_text(STREAM, encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to("db.yaml")
    assert migrate_in_place(str(tmp_path)) == 0
    assert (tmp_path / "link.yaml").is_symlink()
    assert os.readlink(tmp_path / "link.yaml") == "db.yaml"
    kinds = [type(o).__name__ for o in io.load(tmp_path / "db.yaml", keep_other_kinds=True)]
    assert kinds == ["Service", "EndpointSlice", "OtherObject"]


def test_a_symlink_given_as_input_migrates_its_target_and_stays_a_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "db.yaml"
    target.write_text(STREAM, encoding="utf-8")
    link = tmp_path / "db.yaml"
    link.symlink_to(target)
    assert migrate_in_place(str(link)) == 0
    assert link.is_symlink()
    assert "kind: EndpointSlice" in target.read_text(encoding="utf-8")
    assert leftovers(tmp_path) == leftovers(tmp_path / "real") == []


def test_a_fifo_or_device_is_refused_without_waiting_for_it(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "endpointslice", "migrate", "--in-place", str(fifo), "/dev/zero"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"endpointslice migrate: error: {fifo}: not a regular file; --in-place rewrites files only",
        "endpointslice migrate: error: /dev/zero: not a regular file; --in-place rewrites files only",
    ]


def test_a_file_whose_name_is_as_long_as_a_name_can_be_is_rewritten(tmp_path: Path) -> None:
    path = tmp_path / ("d" * 250 + ".yaml")
    path.write_text(STREAM, encoding="utf-8")
    assert migrate_in_place(str(path)) == 0
    assert "kind: EndpointSlice" in path.read_text(encoding="utf-8")


def test_mode_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "db.yaml"
    path.write_text(STREAM, encoding="utf-8")
    path.chmod(0o600)
    assert migrate_in_place(str(path)) == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_owner_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "db.yaml"
    path.write_text(STREAM, encoding="utf-8")
    os.chown(path, 4321, 4322)
    assert migrate_in_place(str(path)) == 0
    assert (path.stat().st_uid, path.stat().st_gid) == (4321, 4322)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_owner_and_set_id_bits_are_both_kept(tmp_path: Path) -> None:
    path = tmp_path / "db.yaml"
    path.write_text(STREAM, encoding="utf-8")
    os.chown(path, 4321, 4322)
    path.chmod(0o6750)
    assert migrate_in_place(str(path)) == 0
    assert (path.stat().st_uid, path.stat().st_gid, stat.S_IMODE(path.stat().st_mode)) == (4321, 4322, 0o6750)


def test_an_owner_that_cannot_be_kept_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.yaml"
    path.write_text(STREAM, encoding="utf-8")
    real_fstat = os.fstat

    def other_owner(fd: int) -> Any:
        # The file as read belongs to someone else; we may not give our new file to them.
        status = real_fstat(fd)
        if os.path.realpath(f"/proc/self/fd/{fd}") == str(path):
            return os.stat_result((*status[:4], status.st_uid + 1, *status[5:]))
        return status

    def refuse(fd: int, uid: int, gid: int) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "fstat", other_owner)
    monkeypatch.setattr(os, "fchown", refuse)
    assert migrate_in_place(str(path)) == 2
    assert path.read_text(encoding="utf-8") == STREAM
    assert f"{path}: its owner cannot be kept; not rewritten (use --force to rewrite it)" in capsys.readouterr().err
    assert leftovers(tmp_path) == []


def test_a_read_only_file_is_refused_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "db.yaml"
    path.write_text(STREAM, encoding="utf-8")
    path.chmod(0o444)
    assert migrate_in_place(str(path)) == 2
    assert path.read_text(encoding="utf-8") == STREAM
    assert capsys.readouterr().err.splitlines() == [
        f"endpointslice migrate: error: {path}: read-only file; not rewritten (use --force to rewrite it)",
        "endpointslice migrate: note: no file was rewritten",
    ]
    assert migrate_in_place("--force", str(path)) == 0
    assert "kind: EndpointSlice" in path.read_text(encoding="utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_a_hard_linked_file_is_refused_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "db.yaml"
    path.write_text(STREAM, encoding="utf-8")
    os.link(path, tmp_path / "other.yaml")
    assert migrate_in_place(str(path)) == 2
    assert path.read_text(encoding="utf-8") == STREAM
    assert "has 2 hard links" in capsys.readouterr().err
    assert migrate_in_place("--force", str(path)) == 0


def test_a_planted_symlink_at_a_predictable_temporary_name_is_never_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    path = tmp_path / "db.yaml"
    path.write_text(STREAM, encoding="utf-8")
    for name in ("db.yaml.endpointslice-migrate.tmp", ".db.yaml.tmp", "db.yaml.tmp"):
        (tmp_path / name).symlink_to(victim)
    assert migrate_in_place(str(path)) == 0
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert "kind: EndpointSlice" in path.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------
# nothing written that is not right


def test_a_port_of_two_to_the_64_is_refused_not_written_as_a_float(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ep.yaml"
    text = ENDPOINTS.replace("port: 5432", "port: 18446744073709551616")
    path.write_text(text, encoding="utf-8")
    assert migrate_in_place(str(path)) == 2
    assert path.read_text(encoding="utf-8") == text
    # Refused on reading, as the apiserver's decoder refuses it; nothing is rendered as a float.
    (line,) = capsys.readouterr().err.splitlines()
    assert "cannot unmarshal number 18446744073709551616" in line
    assert "e+19" not in line
    assert leftovers(tmp_path) == []


def test_a_slice_the_api_server_would_reject_is_not_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ep.yaml"
    text = ENDPOINTS.replace("name: pg", "name: Not_A_Port_Name")
    path.write_text(text, encoding="utf-8")
    assert migrate_in_place(str(path)) == 1
    assert path.read_text(encoding="utf-8") == text
    err = capsys.readouterr().err.splitlines()
    assert err[-2:] == [
        f"endpointslice migrate: error: {path}: EndpointSlice db-1 would be rejected by the API server; not rewritten",
        "endpointslice migrate: note: no file was rewritten",
    ]


INFINITE = """\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Endpoints
  metadata: {name: db}
  subsets: [{addresses: [{ip: 192.0.2.10}], ports: [{port: 5432}]}]
- apiVersion: example.com/v1
  kind: Widget
  metadata: {name: w}
  spec: {size: .inf}
"""


def test_a_value_the_output_cannot_hold_is_refused_on_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "list.yaml"
    path.write_text(INFINITE, encoding="utf-8")
    assert migrate_in_place(str(path)) == 2
    assert path.read_text(encoding="utf-8") == INFINITE
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"endpointslice migrate: error: {path}:11:")


def test_a_value_the_output_cannot_render_is_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.yaml"
    path.write_text(STREAM, encoding="utf-8")
    message = "unsupported float value inf: JSON has no representation for it"

    def unrenderable(objects: Any, output: Any) -> str:
        # What the emitter raises for a value it cannot write, should the loader ever let one through.
        raise ValueError(message)

    monkeypatch.setattr(cmd, "_render", unrenderable)
    monkeypatch.setattr(cmd, "_printed", unrenderable)
    assert migrate_in_place(str(path)) == 1
    assert path.read_text(encoding="utf-8") == STREAM
    assert capsys.readouterr().err.splitlines() == [
        f"endpointslice migrate: error: {path}: cannot write the result: {message}; not rewritten",
        "endpointslice migrate: note: no file was rewritten",
    ]
    assert main(["migrate", str(path)]) == 2
    assert capsys.readouterr().err == f"endpointslice migrate: error: cannot write the result: {message}\n"


def test_a_result_that_would_not_reload_is_not_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.yaml"
    path.write_text(STREAM, encoding="utf-8")
    real_render = cmd._render
    monkeypatch.setattr(cmd, "_render", lambda objects, output: real_render(objects, output) + "  broken: [\n")
    assert migrate_in_place(str(path)) == 1
    assert path.read_text(encoding="utf-8") == STREAM
    assert "the rewritten file would not load" in capsys.readouterr().err


def test_a_file_changed_by_someone_else_meanwhile_is_not_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.yaml"
    path.write_text(STREAM, encoding="utf-8")
    theirs = STREAM.replace("192.0.2.11", "192.0.2.12")

    def racing(*args: Any, **kwargs: Any) -> Any:
        # Another writer saves the file (same size) while migrate works.
        path.write_text(theirs, encoding="utf-8")
        return real_migrate(*args, **kwargs)

    monkeypatch.setattr(cmd, "migrate", racing)
    assert migrate_in_place(str(path)) == 2
    assert path.read_text(encoding="utf-8") == theirs
    assert f"{path}: changed on disk since it was read; not rewritten" in capsys.readouterr().err
    assert leftovers(tmp_path) == []


def test_a_change_that_keeps_size_and_mtime_is_caught_by_the_content_hash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.yaml"
    path.write_text(STREAM, encoding="utf-8")
    before = path.stat()
    theirs = STREAM.replace("192.0.2.11", "192.0.2.12")

    def racing(*args: Any, **kwargs: Any) -> Any:
        # A writer that restores the timestamp (as `cp -p` or an archive tool does).
        path.write_text(theirs, encoding="utf-8")
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        return real_migrate(*args, **kwargs)

    monkeypatch.setattr(cmd, "migrate", racing)
    assert migrate_in_place(str(path)) == 2
    assert path.read_text(encoding="utf-8") == theirs
    assert f"{path}: changed on disk since it was read; not rewritten" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# failures of the file system


def fail_on_call(n: int, real: Any, code: int) -> Any:
    calls = [0]

    def failing(*args: Any) -> Any:
        calls[0] += 1
        if calls[0] == n:
            raise OSError(code, os.strerror(code))
        return real(*args)

    return failing


def test_disk_full_leaves_every_file_and_no_temporary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(STREAM, encoding="utf-8")
    second.write_text(STREAM, encoding="utf-8")
    monkeypatch.setattr(os, "fsync", fail_on_call(2, os.fsync, errno.ENOSPC))
    assert migrate_in_place(str(first), str(second)) == 2
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8") == STREAM
    assert capsys.readouterr().err.splitlines() == [
        f"endpointslice migrate: error: {second}: cannot write: No space left on device; not rewritten",
        "endpointslice migrate: note: no file was rewritten",
    ]
    assert leftovers(tmp_path) == []


def test_a_read_only_folder_is_reported_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    path = tmp_path / "db.yaml"
    path.write_text(STREAM, encoding="utf-8")

    def read_only(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    assert migrate_in_place(str(path)) == 2
    assert path.read_text(encoding="utf-8") == STREAM
    assert capsys.readouterr().err.splitlines()[0] == (
        f"endpointslice migrate: error: {path}: cannot create a temporary file in {tmp_path}: "
        "Permission denied; not rewritten"
    )


def test_a_file_size_limit_is_reported_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "db.yaml"
    path.write_text(STREAM, encoding="utf-8")
    limit = len(STREAM) + 10  # The original fits; its migrated form does not.

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "endpointslice", "migrate", "--in-place", str(path)],
        preexec_fn=limited,  # Only setrlimit, which is safe before exec.
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        f"endpointslice migrate: error: {path}: cannot write: File too large; not rewritten",
        "endpointslice migrate: note: no file was rewritten",
    ]
    assert path.read_text(encoding="utf-8") == STREAM
    assert leftovers(tmp_path) == []


def test_a_failure_between_renames_names_the_files_rewritten_and_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [tmp_path / f"{c}.yaml" for c in "abc"]
    for p in paths:
        p.write_text(STREAM, encoding="utf-8")
    monkeypatch.setattr(os, "replace", fail_on_call(2, os.replace, errno.EIO))
    assert migrate_in_place(*map(str, paths)) == 2
    assert "kind: EndpointSlice" in paths[0].read_text(encoding="utf-8")
    assert paths[1].read_text(encoding="utf-8") == paths[2].read_text(encoding="utf-8") == STREAM
    assert capsys.readouterr().err.splitlines() == [
        f"endpointslice migrate: error: {paths[1]}: cannot replace: Input/output error; not rewritten",
        f"endpointslice migrate: error: rewritten: {paths[0]}; not rewritten: {paths[1]}, {paths[2]}",
    ]
    assert leftovers(tmp_path) == []


def test_an_interrupt_while_staging_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [tmp_path / f"{c}.yaml" for c in "ab"]
    for p in paths:
        p.write_text(STREAM, encoding="utf-8")
    real_stage = _inplace_stage
    calls = [0]

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == 2:
            raise KeyboardInterrupt
        return real_stage(*args, **kwargs)

    monkeypatch.setattr(cmd, "stage", interrupted)
    assert migrate_in_place(*map(str, paths)) == 130
    assert [p.read_text(encoding="utf-8") for p in paths] == [STREAM, STREAM]
    assert leftovers(tmp_path) == []


def test_a_file_over_the_input_size_limit_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "db.yaml"
    path.write_text(STREAM, encoding="utf-8")
    assert main(["migrate", "--in-place", "--max-input-size", "100", str(path)]) == 2
    assert path.read_text(encoding="utf-8") == STREAM
    (message,) = capsys.readouterr().err.splitlines()
    assert message.startswith(f"endpointslice migrate: error: {path}: input larger than the 100 bytes limit")


def test_a_file_name_with_a_newline_is_one_escaped_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "db\n.yaml"
    path.write_text(STREAM, encoding="utf-8")
    path.chmod(0o444)
    assert migrate_in_place(str(path)) == 2
    assert capsys.readouterr().err.splitlines() == [
        (
            f"endpointslice migrate: error: {tmp_path}/db\\n.yaml: read-only file; not rewritten "
            "(use --force to rewrite it)"
        ),
        "endpointslice migrate: note: no file was rewritten",
    ]


def _left_out(value: Any, rng: random.Random) -> Any:
    """*value* (JSON) with some fields left out and some nulled, as a person might write it."""
    if isinstance(value, list):
        return [_left_out(v, rng) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, v in value.items():
        roll = rng.random()
        if key in ("apiVersion", "kind", "metadata", "labels", "annotations", "selector") or roll >= 0.3:
            out[key] = v if key in ("labels", "annotations", "selector") else _left_out(v, rng)
        elif roll < 0.15 and "Timestamp" not in key:
            out[key] = None
    return out


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    services=st.lists(strategies.services(), min_size=1, max_size=3),
    rng=st.randoms(use_true_random=False),
)
def test_every_document_of_a_migrated_file_is_the_dump_of_its_model(
    tmp_path_factory: pytest.TempPathFactory, services: list[KubeObject], rng: random.Random
) -> None:
    """Hand-written documents print as written (issue 11), so the whole rewritten file can be checked.

    Before presence was part of the model, a Service written without ``status`` loaded and dumped
    with ``status: {loadBalancer: {}}``, so only the bytes of untouched documents could be
    compared, not their models; now each document, kept or written by migrate, is exactly
    ``dumps`` of what it loads as.
    """
    # Each document as kubectl prints its data (the emitter is held to kubectl in test_emit.py).
    written = [emit_yaml(_left_out(io.to_dict(s), rng)) for s in services]
    path = tmp_path_factory.mktemp("as-written") / "x.yaml"
    path.write_text("---\n".join([*written, ENDPOINTS.replace("   # keep in sync", "")]), "utf-8")

    assert migrate_in_place(str(path)) == 0

    after = path.read_text("utf-8")
    assert after.startswith("---\n".join(written))
    assert after == "---\n".join(io.dumps(o) for o in io.load(path))
