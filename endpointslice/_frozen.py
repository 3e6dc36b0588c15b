"""Immutable containers used inside the models.

Kubernetes maps (labels, annotations, selectors) and opaque JSON blobs
(``managedFields[].fieldsV1``, the parts of a Pod we do not model) must be
hashable so that the frozen models holding them are hashable too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NoReturn, TypeVar, Union

__all__ = ["JSON", "FrozenDict", "freeze_json", "thaw_json"]

K = TypeVar("K")
V = TypeVar("V")


class FrozenDict(dict[K, V]):
    """A `dict` that refuses mutation and can be hashed.

    Subclassing `dict` keeps construction and lookups at C speed, which
    matters when ten thousand endpoints are loaded; every mutating method is
    blocked so the value behaves as an immutable mapping.
    """

    __slots__ = ("_hash",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._hash: int | None = None

    def _immutable(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError(f"{type(self).__name__} is immutable; build a new one instead")

    __setitem__ = _immutable
    __delitem__ = _immutable
    __ior__ = _immutable
    clear = _immutable
    pop = _immutable
    popitem = _immutable
    setdefault = _immutable
    update = _immutable

    def __hash__(self) -> int:  # type: ignore[override]  # dict is unhashable; this is not.
        if self._hash is None:
            self._hash = hash(frozenset(self.items()))
        return self._hash

    def __repr__(self) -> str:
        return f"FrozenDict({dict.__repr__(self)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (dict(self),))

    def __copy__(self) -> FrozenDict[K, V]:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict[K, V]:
        return self

    def set(self, key: K, value: V) -> FrozenDict[K, V]:
        """Return a copy with *key* set to *value*."""
        new = dict(self)
        new[key] = value
        return FrozenDict(new)

    def delete(self, key: K) -> FrozenDict[K, V]:
        """Return a copy without *key* (no error when it is absent)."""
        return FrozenDict((k, v) for k, v in self.items() if k != key)

    @classmethod
    def of(cls, items: Mapping[K, V] | Iterable[tuple[K, V]] | None = None) -> FrozenDict[K, V]:
        """Build from a mapping or pairs; ``None`` gives an empty map."""
        return cls(items or ())


#: A JSON value as the models keep it: maps are `FrozenDict`, arrays tuples.
JSON = Union[FrozenDict[str, Any], tuple[Any, ...], str, int, float, bool, None]


def freeze_json(value: Any) -> Any:
    """Turn plain JSON data into its hashable form (dicts and lists frozen)."""
    if isinstance(value, dict):
        return FrozenDict((k, freeze_json(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(freeze_json(v) for v in value)
    return value


def thaw_json(value: Any) -> Any:
    """Inverse of `freeze_json`: plain dicts and lists again."""
    if isinstance(value, dict):
        return {k: thaw_json(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw_json(v) for v in value]
    return value
