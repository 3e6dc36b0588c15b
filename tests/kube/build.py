"""Build the upstream programs the control-plane suites run, into a cache outside the work tree.

Usage::

    python tests/kube/build.py            # build what is missing, print the bin folder
    python tests/kube/build.py --print    # print the bin folder only (exit 1 when not built)

The programs are kube-apiserver, kube-controller-manager and kubectl from k8s.io/kubernetes
v1.37.2, etcd from go.etcd.io/etcd/server/v3 (a 3.6 release), and ``esbench``, our small Go
driver of upstream's ``k8s.io/endpointslice`` reconciler for the benchmark. Their versions and
checksums are pinned by the committed ``go.mod``/``go.sum`` files under ``tests/kube/tools``.

The cache folder is keyed by a hash of those files, so a changed pin builds into a new folder
and never reuses a stale binary. A finished build writes a stamp last; a build that was
interrupted leaves no stamp and is simply redone, reusing Go's own module and build caches
(``go env GOMODCACHE``/``GOCACHE``), which is what makes a rebuild after a cache wipe quick.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOOLS = HERE / "tools"

# (module folder, package, binary name). The order puts the quick etcd first so that a
# failing toolchain shows up before the long kube-apiserver compile.
PROGRAMS: tuple[tuple[Path, str, str], ...] = (
    (TOOLS / "etcd", "go.etcd.io/etcd/server/v3", "etcd"),
    (TOOLS, "k8s.io/kubernetes/cmd/kube-apiserver", "kube-apiserver"),
    (TOOLS, "k8s.io/kubernetes/cmd/kube-controller-manager", "kube-controller-manager"),
    (TOOLS, "k8s.io/kubernetes/cmd/kubectl", "kubectl"),
    (TOOLS, "./esbench", "esbench"),
)
BINARIES = tuple(name for _, _, name in PROGRAMS)

# Upstream's release builds stamp the version into these variables at link time
# (hack/lib/version.sh); without them /version and `kubectl version` say v0.0.0-master.
_STAMPED = {"gitVersion": "v1.37.2", "gitMajor": "1", "gitMinor": "37", "gitTreeState": "clean"}
LDFLAGS = " ".join(
    f"-X {package}.{name}={value}"
    for package in ("k8s.io/component-base/version", "k8s.io/client-go/pkg/version")
    for name, value in _STAMPED.items()
)
STAMP = ".complete"


def cache_key() -> str:
    """A name for the pinned set: the versions people read, plus a hash of every pin file."""
    digest = hashlib.sha256(LDFLAGS.encode())
    for folder in (TOOLS, TOOLS / "etcd"):
        for name in ("go.mod", "go.sum"):
            digest.update((folder / name).read_bytes())
    for source in sorted((TOOLS / "esbench").glob("*.go")):
        digest.update(source.read_bytes())
    return f"k8s-v1.37.2-etcd-v3.6.16-{digest.hexdigest()[:12]}"


def cache_root() -> Path:
    explicit = os.environ.get("ENDPOINTSLICE_KUBE_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "endpointslice" / "kube"


def bin_dir() -> Path:
    return cache_root() / cache_key() / "bin"


def built() -> Path | None:
    """The bin folder when a complete build is there, else None."""
    folder = bin_dir()
    if (folder / STAMP).exists() and all((folder / name).exists() for name in BINARIES):
        return folder
    return None


def build(*, quiet: bool = False) -> Path:
    folder = bin_dir()
    if built():
        if not quiet:
            print(f"up to date: {folder}", file=sys.stderr)
        return folder
    go = shutil.which("go")
    if go is None:
        raise SystemExit("build.py: the go command is not on PATH; install Go 1.26 to build the control plane")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / STAMP).unlink(missing_ok=True)
    # No -trimpath and no changed cgo setting: either would give every package a new action
    # ID and throw away Go's build cache, which is what makes a warm build take seconds.
    env = dict(os.environ, GOFLAGS="-mod=readonly -buildvcs=false")
    started = time.monotonic()
    for number, (module, package, name) in enumerate(PROGRAMS, 1):
        target = folder / name
        print(f"[{number}/{len(PROGRAMS)}] {name}: go build {package}", file=sys.stderr, flush=True)
        step = time.monotonic()
        # Build next to the target, then rename: an interrupted build never leaves a
        # truncated binary under the final name.
        partial = folder / f".{name}.partial"
        subprocess.run(  # The go command and our own fixed arguments.
            [go, "build", "-ldflags", LDFLAGS, "-o", str(partial), package],
            cwd=module,
            env=env,
            check=True,
        )
        partial.replace(target)
        print(f"      done in {time.monotonic() - step:.0f} s", file=sys.stderr, flush=True)
    (folder / STAMP).write_text(f"built in {time.monotonic() - started:.0f} s\n", encoding="utf-8")
    print(f"built in {time.monotonic() - started:.0f} s: {folder}", file=sys.stderr)
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print", action="store_true", help="print the bin folder; exit 1 when it is not built")
    args = parser.parse_args(argv)
    if args.print:
        folder = built()
        if folder is None:
            print(bin_dir())
            return 1
        print(folder)
        return 0
    try:
        print(build())
    except subprocess.CalledProcessError as error:
        print(f"build.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
