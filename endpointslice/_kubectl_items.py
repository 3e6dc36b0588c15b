"""The objects ``kubectl get -f`` prints for a set of loaded objects: every list taken apart.

kubectl reads any object with an ``items`` list as a list, of whatever kind, and prints its
items, recursively; one object alone prints alone, several as one ``kind: List``. `get` and
`migrate` print their results this way, so both take lists apart here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from . import io
from .kinds import OtherObject

if TYPE_CHECKING:
    from .kinds import KubeObject

__all__ = ["items"]


def items(objects: Iterable[KubeObject]) -> list[KubeObject]:
    """*objects* with every list replaced by its items, recursively, the lists of kinds we do not model too."""
    return [part for obj in io.flatten(objects) for part in _taken_apart(obj)]


def _taken_apart(obj: KubeObject) -> list[KubeObject]:
    """*obj*, or the items of a list of a kind we do not model (``ConfigMapList``).

    Those items pass through as the data they are.
    """
    if isinstance(obj, OtherObject):
        found = obj.data.get("items")
        if isinstance(found, (list, tuple)) and all(isinstance(i, Mapping) for i in found):
            return [part for i in found for part in _taken_apart(OtherObject(i))]
    return [obj]
