"""A corpus of public manifests renders exactly as kubectl renders it, object by object and file by file.

``tests/data/corpus/`` holds manifests from well-known projects, byte for byte as published
(``SOURCES.md`` there says where each comes from and under which licence). For every file,
``endpointslice get -o yaml|json`` must print what kubectl prints for it offline
(``kubectl label --local -f FILE x- -o yaml|json``), with two differences that are kubectl's, not
ours:

* the label command adds ``labels: {}`` to the metadata of an object that had no labels; that
  line is taken out again where the source object had no ``labels`` key;
* kubectl's label command prints several objects one after the other, while ``kubectl get`` (and
  so ``endpointslice get``) prints them as one ``kind: List`` whose metadata holds an empty
  resourceVersion. The expected List is kubectl's own: its items are what kubectl prints for a
  wrapper object that holds the file's objects under a key that sorts where ``items`` does, so
  long strings fold at the columns they have inside a List.

kubectl runs three times for the whole corpus (YAML, JSON, and the wrappers), not once per file:
each file's output is told apart by a marker object kubectl prints before it.

The same files also hold ``migrate --in-place`` to its promise: every document that holds no
Endpoints is left byte for byte as it was.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml

from endpointslice._cli import main

CORPUS = Path(__file__).parent / "data" / "corpus"
FILES = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))
KUBECTL = shutil.which("kubectl")

#: Objects whose rendering is known to differ from kubectl's, by file and object index (``None``
#: for the whole file), with the reason. The test fails if any other object differs, and also if
#: one listed here starts to match, so the list only ever shrinks.
KNOWN: dict[tuple[str, int | None], str] = {}


_LIST_TAIL = 'kind: List\nmetadata:\n  resourceVersion: ""\n'


class Rendering(NamedTuple):
    """What kubectl prints for one file: each object's YAML and JSON, and the List forms."""

    yaml_objects: list[str]
    json_objects: list[str]
    yaml_list: str
    json_list: str

    def yaml(self) -> str:
        return self.yaml_objects[0] if len(self.yaml_objects) == 1 else self.yaml_list

    def json(self) -> str:
        return self.json_objects[0] if len(self.json_objects) == 1 else self.json_list


def _name(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix()


# --------------------------------------------------------------------------------------
# The source objects, read independently of the library: only to know which had labels.


def _source_objects(path: Path) -> list[Any]:
    text = path.read_text("utf-8")
    if text.lstrip().startswith("{"):
        # A JSON file may hold several objects one after another, as kubectl accepts.
        decoder, objects, i = json.JSONDecoder(), [], 0
        while True:
            while i < len(text) and text[i].isspace():
                i += 1
            if i == len(text):
                break
            obj, i = decoder.raw_decode(text, i)
            objects.append(obj)
    else:
        objects = [d for d in yaml.safe_load_all(text) if d is not None]
    return [item for obj in objects for item in _flattened(obj)]


def _flattened(obj: Any) -> Iterator[Any]:
    """*obj*, or the items of a list kind, as kubectl's builder takes them apart."""
    if isinstance(obj, dict) and str(obj.get("kind", "")).endswith("List") and isinstance(obj.get("items"), list):
        for item in obj["items"]:
            yield from _flattened(item)
    else:
        yield obj


def _had_labels(obj: Any) -> bool:
    meta = obj.get("metadata") if isinstance(obj, dict) else None
    return isinstance(meta, dict) and "labels" in meta


# --------------------------------------------------------------------------------------
# kubectl's output, split into objects.


def _split_json(text: str) -> list[str]:
    """Each object of kubectl's concatenated JSON output, as its own text."""
    decoder, objects, i = json.JSONDecoder(), [], 0
    while i < len(text):
        _, end = decoder.raw_decode(text, i)
        assert text[end] == "\n"
        objects.append(text[i : end + 1])
        i = end + 1
    return objects


_TOP_KEY = re.compile(r'^("(?:[^"\\]|\\.)*"|[^\s#\-?"\'][^:]*):(?: |$)')


def _split_yaml(text: str, keys: list[list[str]]) -> list[str]:
    """Each object of kubectl's concatenated YAML output, given each object's top-level keys.

    An object's top-level keys are distinct, so a key it does not have, or has already had,
    starts the next object.
    """
    objects: list[str] = []
    current: list[str] = []
    seen: set[str] = set()
    index = 0
    for line in text.splitlines(keepends=True):
        match = _TOP_KEY.match(line)
        if match is not None:
            key = match.group(1)
            key = json.loads(key) if key.startswith('"') else key
            if key in seen or key not in keys[index]:
                objects.append("".join(current))
                current, seen, index = [], set(), index + 1
            seen.add(key)
        current.append(line)
    objects.append("".join(current))
    assert len(objects) == len(keys)
    return objects


def _without_yaml_labels(text: str, *, had_metadata: bool) -> str:
    """*text* (one object) without the ``labels: {}`` line kubectl's label command added.

    Without *had_metadata*, the whole ``metadata`` that kubectl added to hold it goes too.
    """
    lines = text.splitlines(keepends=True)
    start = lines.index("metadata:\n")
    end = start + 1
    while end < len(lines) and lines[end].startswith("  "):
        end += 1
    block = [x for x in lines[start + 1 : end] if x != "  labels: {}\n"]
    assert len(block) == end - start - 2, "kubectl added no labels: {} line"
    head = [] if not had_metadata else ["metadata:\n"] if block else ["metadata: {}\n"]
    assert had_metadata or not block
    return "".join(lines[:start] + head + block + lines[end:])


def _without_json_labels(text: str, *, had_metadata: bool) -> str:
    """*text* (one object) without the ``"labels": {}`` member kubectl's label command added."""
    lines = text.splitlines(keepends=True)
    start = lines.index('    "metadata": {\n')
    end = next(i for i in range(start, len(lines)) if lines[i] in ("    }\n", "    },\n"))
    block = lines[start + 1 : end]
    kept = [x for x in block if x.rstrip(",\n") != '        "labels": {}']
    assert len(kept) == len(block) - 1, 'kubectl added no "labels": {} member'
    if not had_metadata:
        assert not kept
        if lines[end] == "    }\n":
            # metadata was the last member: the one before it loses its comma.
            lines[start - 1] = lines[start - 1].rstrip(",\n") + "\n"
        return "".join(lines[:start] + lines[end + 1 :])
    if not kept:
        return "".join([*lines[:start], '    "metadata": {}' + lines[end][5:], *lines[end + 1 :]])
    kept[-1] = kept[-1].rstrip(",\n") + "\n"
    return "".join(lines[: start + 1] + kept + lines[end:])


def _kubectl(paths: list[Path], output: str) -> str:
    assert KUBECTL is not None
    command = [KUBECTL, "label", "--local", "x-", "-o", output]
    for path in paths:
        command += ["-f", str(path)]
    result = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", check=False, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _marker(index: int) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"corpus-marker-{index}", "labels": {}}}


def _by_file(paths: list[Path], output: str, workdir: Path) -> list[str]:
    """kubectl's *output* for each file, from one run over all of them with a marker before each."""
    markers = []
    for i in range(len(paths)):
        marker = workdir / f"marker-{i}.json"
        marker.write_text(json.dumps(_marker(i)), "utf-8")
        markers.append(marker)
    text = _kubectl([p for pair in zip(markers, paths, strict=True) for p in pair], output)
    # Every marker prints alike but for its name.
    first = _kubectl([markers[0]], output)
    marks = [first.replace("corpus-marker-0", f"corpus-marker-{i}") for i in range(len(paths))]
    assert text.startswith(marks[0])
    pieces = []
    for i, mark in enumerate(marks):
        start = text.index(mark) + len(mark)
        end = text.index(marks[i + 1], start) if i + 1 < len(marks) else len(text)
        pieces.append(text[start:end])
    return pieces


def _indented(text: str, pad: str) -> str:
    return "".join(pad + x for x in text.splitlines(keepends=True))


@functools.cache
def renderings() -> dict[str, Rendering]:
    """kubectl's rendering of every corpus file, by name."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        sources = {_name(p): _source_objects(p) for p in FILES}
        raw_json = _by_file(FILES, "json", workdir)
        raw_yaml = _by_file(FILES, "yaml", workdir)
        found: dict[str, tuple[list[str], list[str]]] = {}
        wrappers = []
        for path, js, ys in zip(FILES, raw_json, raw_yaml, strict=True):
            name = _name(path)
            json_texts = _split_json(js)
            data = [json.loads(t) for t in json_texts]
            yaml_texts = _split_yaml(ys, [list(d) for d in data])
            source = sources[name]
            assert len(source) == len(json_texts), f"{name}: kubectl printed {len(json_texts)} objects"
            for i, obj in enumerate(source):
                if not _had_labels(obj):
                    had_metadata = isinstance(obj, dict) and "metadata" in obj
                    json_texts[i] = _without_json_labels(json_texts[i], had_metadata=had_metadata)
                    yaml_texts[i] = _without_yaml_labels(yaml_texts[i], had_metadata=had_metadata)
                    if had_metadata:
                        data[i]["metadata"].pop("labels")
                    else:
                        data[i].pop("metadata")
            found[name] = (yaml_texts, json_texts)
            # "jtems" sorts where "items" does among apiVersion, kind and metadata, and a kind of
            # our own is not a list kind that kubectl would take apart.
            wrappers.append({"apiVersion": "corpus.test/v1", "jtems": data, "kind": "Wrap", "metadata": {"labels": {}}})
        wrapped = workdir / "wrappers.json"
        wrapped.write_text("\n".join(json.dumps(w) for w in wrappers), "utf-8")
        wrapped_yaml = _kubectl([wrapped], "yaml").split("apiVersion: corpus.test/v1\njtems:")[1:]
        result = {}
        for (name, (yaml_texts, json_texts)), w in zip(found.items(), wrapped_yaml, strict=True):
            items = w.rpartition("\nkind: Wrap\n")[0] + "\n"
            yaml_list = "apiVersion: v1\nitems:" + items + _LIST_TAIL
            if not json_texts:
                yaml_list = "apiVersion: v1\nitems: []\n" + _LIST_TAIL
            json_items = ",\n".join(_indented(t, "        ").rstrip("\n") for t in json_texts)
            json_list = (
                '{\n    "apiVersion": "v1",\n    "items": [\n'
                + json_items
                + '\n    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n'
            )
            result[name] = Rendering(yaml_texts, json_texts, yaml_list, json_list)
        return result


# --------------------------------------------------------------------------------------
# Ours, compared object by object.


def _get(path: Path, output: str, capsys: pytest.CaptureFixture[str]) -> str | None:
    """What ``get -o OUTPUT PATH`` prints, or ``None`` if it fails."""
    status = main(["get", "-o", output, str(path)])
    captured = capsys.readouterr()
    return captured.out if status == 0 else None


def _yaml_items(text: str) -> list[str]:
    """The items of a YAML List, each as its text; one object alone is its own only item."""
    head = "apiVersion: v1\nitems:\n"
    if not text.startswith(head) or not text.endswith(_LIST_TAIL):
        return [text]
    return re.split(r"(?m)^(?=- )", text[len(head) : -len(_LIST_TAIL)])[1:]


def _json_items(text: str) -> list[str]:
    if not text.startswith('{\n    "apiVersion": "v1",\n    "items": [\n'):
        return [text]
    return re.split(r"(?m)^(?=        \{$)", text[: text.rindex("\n    ],\n")])[1:]


def _mismatches(name: str, capsys: pytest.CaptureFixture[str]) -> set[tuple[str, int | None]]:
    """The objects of *name* that print otherwise than kubectl's; ``(name, None)`` when the files differ elsewhere."""
    expected = renderings()[name]
    path = CORPUS / name
    different: set[tuple[str, int | None]] = set()
    for output, want, split in (
        ("yaml", expected.yaml(), _yaml_items),
        ("json", expected.json(), _json_items),
    ):
        got = _get(path, output, capsys)
        if got == want:
            continue
        if got is None:
            different.add((name, None))
            continue
        wanted, gotten = split(want), split(got)
        if len(wanted) != len(gotten):
            different.add((name, None))
            continue
        objects = {(name, i) for i, (a, b) in enumerate(zip(wanted, gotten, strict=True)) if a != b}
        # No item differs: the Lists' own lines do.
        different |= objects or {(name, None)}
    return different


pytestmark = [
    pytest.mark.kubectl,
    pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed; it is the oracle for these tests"),
]


def test_the_corpus_is_as_described() -> None:
    # At least 50 files, and every shape the corpus is meant to cover.
    texts = {_name(p): p.read_text("utf-8") for p in FILES}
    assert len(FILES) >= 50
    assert any(n.endswith(".json") for n in texts)
    assert any(re.search(r"(?m)^kind: List$|\"kind\": ?\"List\"", t) for t in texts.values())
    assert any(re.search(r"(?m)^---", t.strip()) for t in texts.values())
    assert any(re.search(r": \[[^\]\n]+\]", t) for t in texts.values())
    assert any(re.search(r"(?m)^\.\.\.$", t) for t in texts.values())  # Document-end markers.
    for kind in ("Service", "Endpoints", "EndpointSlice", "Deployment", "ConfigMap", "CustomResourceDefinition"):
        assert any(re.search(rf'(?m)kind: {kind}$|"kind": ?"{kind}"', t) for t in texts.values()), kind


def test_every_file_is_cited_and_unchanged() -> None:
    # SOURCES.md gives each file's SHA-256 as published; an editor's "fix" would break the promise.
    cited = dict(
        re.findall(
            r"(?m)^\| `([^`]+)` \|(?: `[0-9a-f]{40}` \|)? `([0-9a-f]{64})` \|$",
            (CORPUS / "SOURCES.md").read_text("utf-8"),
        )
    )
    assert sorted(cited) == sorted(_name(p) for p in FILES)
    for path in FILES:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == cited[_name(path)], _name(path)


@pytest.mark.parametrize("name", [_name(p) for p in FILES])
def test_get_prints_what_kubectl_prints(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    known = {key for key in KNOWN if key[0] == name}
    assert _mismatches(name, capsys) == known


def test_every_known_divergence_names_a_corpus_file() -> None:
    names = {_name(p) for p in FILES}
    assert {name for name, _ in KNOWN} <= names


# --------------------------------------------------------------------------------------
# migrate --in-place leaves alone what it does not migrate.

_ENDPOINTS = re.compile(r'(?m)^kind: Endpoints\s*$|"kind": ?"Endpoints"')


@pytest.mark.parametrize("name", [_name(p) for p in FILES if not _ENDPOINTS.search(p.read_text("utf-8"))])
def test_migrate_in_place_leaves_a_file_without_endpoints_as_it_was(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / Path(name).name
    shutil.copyfile(CORPUS / name, copy)
    assert main(["migrate", "--in-place", str(copy)]) == 0, capsys.readouterr().err
    assert copy.read_bytes() == (CORPUS / name).read_bytes()


def test_migrate_in_place_keeps_every_other_document_of_a_stream_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every YAML file of the corpus, one after another in one stream: the Endpoints documents
    # become slices, and the text of every other file stays exactly as it was, in its place.
    parts = [
        p.read_text("utf-8")
        for p in FILES
        if p.suffix != ".json" and not _name(p).startswith("api/")  # Those hold addresses that are not IPs.
    ]
    assert sum(bool(_ENDPOINTS.search(t)) for t in parts) >= 2
    stream = tmp_path / "stream.yaml"
    stream.write_text("---\n".join(t if t.endswith("\n") else t + "\n" for t in parts), "utf-8", newline="")
    assert main(["migrate", "--in-place", str(stream)]) == 0, capsys.readouterr().err
    result = stream.read_text("utf-8")
    position = 0
    for text in parts:
        if _ENDPOINTS.search(text):
            assert text not in result
            continue
        found = result.find(text, position)
        assert found >= 0, text[:200]
        position = found + len(text)
    assert result.count("\nkind: EndpointSlice\n") >= 2
