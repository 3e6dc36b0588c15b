"""Fixtures for the control-plane suites: one real Kubernetes 1.37.2 control plane per session.

Where the programs are not built, every test here skips with one line that says how to build
them. ``ENDPOINTSLICE_KUBE_REQUIRED=1`` (set by ``.ci/run``) turns that skip into a failure, so
CI can never pass by not running them.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Iterator

import pytest

from kube.api import Kube
from kube.build import built
from kube.cluster import ControlPlane

HOW = "control plane not built: run `python tests/kube/build.py` (needs Go 1.26 and the Go module proxy)"


def _bin_dir_or_skip() -> str:
    folder = built()
    if folder is None:
        if os.environ.get("ENDPOINTSLICE_KUBE_REQUIRED") == "1":
            pytest.fail(f"ENDPOINTSLICE_KUBE_REQUIRED=1 but the {HOW}", pytrace=False)
        pytest.skip(HOW)
    return str(folder)


@pytest.fixture(scope="session")
def control_plane() -> Iterator[ControlPlane]:
    from pathlib import Path

    plane = ControlPlane(Path(_bin_dir_or_skip()))
    plane.start()
    try:
        yield plane
    finally:
        plane.stop()


@pytest.fixture(scope="session")
def kube(control_plane: ControlPlane) -> Kube:
    assert control_plane.kube is not None
    return control_plane.kube


_names = itertools.count()
_names_lock = threading.Lock()


@pytest.fixture(scope="session")
def fresh_namespace(kube: Kube) -> object:
    """A function that creates a new, empty Namespace and returns its name."""

    def make(prefix: str = "t") -> str:
        with _names_lock:
            name = f"{prefix}-{next(_names)}"
        kube.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        return name

    return make


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test in this folder needs the control plane: mark them so `-m "not kube"` skips them.
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.kube)
