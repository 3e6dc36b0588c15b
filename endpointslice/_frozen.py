"""Immutable containers used inside the models.

Kubernetes maps (labels, annotations, selectors) and opaque JSON blobs
(``managedFields[].fieldsV1``, the parts of a Pod we do not model) must be
hashable so that the frozen models holding them are hashable too.
"""

from __future__ import annotations

import math
from collections.abc import ItemsView, Iterable, Iterator, KeysView, Mapping, Sequence, ValuesView
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, Union, overload

__all__ = ["JSON", "FrozenDict", "canonical", "freeze_json", "thaw_json"]

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


class FrozenDict(Mapping[K, V]):
    """An immutable, hashable mapping.

    It wraps a private `dict` rather than subclassing one: a `dict` subclass
    can always be changed in place through ``dict.__setitem__(m, k, v)`` or
    by calling ``__init__`` again, and then its cached hash lies. All the
    work happens in ``__new__``, so calling ``__init__`` again does nothing.

    Equality is typed, as JSON is: ``{"x": 1}``, ``{"x": true}`` and
    ``{"x": 1.0}`` are three different manifests, although Python's ``1 ==
    True == 1.0`` would make the dicts equal. NaN equals NaN (and ``-0.0``
    differs from ``0.0``) so that a value equals itself after a pickle round
    trip. See `canonical`.
    """

    __slots__ = ("_data", "_key")

    _data: dict[K, V]
    _key: Any

    # As `dict`'s constructor is typed, so that `FrozenDict({"app": "db"})` is a `FrozenDict[str, str]`.
    @overload
    def __new__(cls, mapping: Mapping[K, V], /) -> FrozenDict[K, V]: ...

    @overload
    def __new__(cls, iterable: Iterable[tuple[K, V]], /) -> FrozenDict[K, V]: ...

    @overload
    def __new__(cls, mapping: Mapping[str, V], /, **kwargs: V) -> FrozenDict[str, V]: ...

    @overload
    def __new__(cls, /, **kwargs: V) -> FrozenDict[str, V]: ...

    def __new__(cls, /, *args: Any, **kwargs: Any) -> FrozenDict[Any, Any]:
        self = object.__new__(cls)
        # A private copy, so that nobody holding the argument can change us.
        object.__setattr__(self, "_data", dict(*args, **kwargs))
        object.__setattr__(self, "_key", None)
        return self

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise TypeError(f"{type(self).__name__} is immutable; build a new one instead")

    def __delattr__(self, name: str) -> NoReturn:
        raise TypeError(f"{type(self).__name__} is immutable; build a new one instead")

    def _immutable(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError(f"{type(self).__name__} is immutable; build a new one instead")

    if not TYPE_CHECKING:
        # At run time a clear error for dict habits; to type checkers these do not exist,
        # so that `labels["x"] = "y"` is an error there and not a call that never returns.
        __setitem__ = _immutable
        __delitem__ = _immutable
        __ior__ = _immutable
        clear = _immutable
        pop = _immutable
        popitem = _immutable
        setdefault = _immutable
        update = _immutable

    # Reads go straight to the private dict; these run in every label lookup.
    def __getitem__(self, key: K) -> V:
        return self._data[key]

    @overload
    def get(self, key: K, /) -> V | None: ...

    @overload
    def get(self, key: K, default: V | T, /) -> V | T: ...

    def get(self, key: K, default: Any = None, /) -> Any:
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __bool__(self) -> bool:
        return bool(self._data)

    def keys(self) -> KeysView[K]:
        return self._data.keys()

    def values(self) -> ValuesView[V]:
        return self._data.values()

    def items(self) -> ItemsView[K, V]:
        return self._data.items()

    def __or__(self, other: Mapping[K, V]) -> FrozenDict[K, V]:
        return FrozenDict({**self._data, **other})

    def __ror__(self, other: Mapping[K, V]) -> dict[K, V]:
        return {**other, **self._data}

    def canonical(self) -> Any:
        """The typed key that equality and hashing use (computed once)."""
        key = self._key
        if key is None:
            key = frozenset([(k, canonical(v)) for k, v in self._data.items()])
            object.__setattr__(self, "_key", key)
        return key

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if isinstance(other, FrozenDict):
            if len(self._data) != len(other._data):
                return False
            return bool(self.canonical() == other.canonical())
        if isinstance(other, dict):
            return len(self._data) == len(other) and bool(self.canonical() == FrozenDict(other).canonical())
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self) -> int:
        return hash(self.canonical())

    def __repr__(self) -> str:
        return f"FrozenDict({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self._data,))

    def __copy__(self) -> FrozenDict[K, V]:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict[K, V]:
        return self

    def copy(self) -> FrozenDict[K, V]:
        """The map itself: it cannot change, so a copy would be the same map."""
        return self

    def thaw(self) -> dict[K, V]:
        """A new, plain `dict` with the same items (not deeply: see `thaw_json`)."""
        return self._data.copy()

    def set(self, key: K, value: V) -> FrozenDict[K, V]:
        """Return a copy with *key* set to *value*."""
        new = self._data.copy()
        new[key] = value
        return FrozenDict(new)

    def delete(self, key: K) -> FrozenDict[K, V]:
        """Return a copy without *key* (no error when it is absent)."""
        return FrozenDict((k, v) for k, v in self._data.items() if k != key)

    @classmethod
    def of(cls, items: Mapping[K, V] | Iterable[tuple[K, V]] | None = None) -> FrozenDict[K, V]:
        """Build from a mapping or pairs; ``None`` gives an empty map."""
        return cls(items or ())


# The tags of `canonical` keys. A string stands for itself; every other value
# becomes a tuple led by one of these, so that no two JSON types can collide.
_BOOL, _INT, _FLOAT, _LIST, _MAP = "bool", "int", "float", "list", "map"


def canonical(value: Any) -> Any:
    """A hashable key that is equal for two JSON values exactly when they are the same JSON.

    Unlike Python's ``==``, it tells ``true`` from ``1`` from ``1.0``, finds
    NaN equal to NaN (so data equals itself after pickling, when the NaN is
    no longer the same object), and tells ``-0.0`` from ``0.0``, which print
    differently. Values that are not JSON (models, enums) stand for
    themselves.
    """
    cls = value.__class__
    if cls is str or value is None:
        return value
    if cls is bool:
        return (_BOOL, value)
    if cls is int:
        return (_INT, value)
    if cls is float:
        # float.hex keeps the sign of zero; every NaN is the one NaN of JSON-like data.
        return (_FLOAT, "nan" if math.isnan(value) else value.hex())
    if cls is tuple or cls is list:
        return (_LIST, tuple([canonical(x) for x in value]))
    if cls is FrozenDict:
        return (_MAP, value.canonical())
    if cls is dict:
        return (_MAP, FrozenDict(value).canonical())
    return value


#: A JSON value as the models keep it: maps are `FrozenDict`, arrays tuples.
JSON = Union[FrozenDict[str, Any], tuple[Any, ...], str, int, float, bool, None]


def freeze_json(value: Any) -> Any:
    """Turn plain JSON data into its hashable form (dicts and lists frozen).

    Other mappings and sequences (but strings) a caller passes to a
    constructor are frozen the same way; a `FrozenDict` is kept as it is.
    """
    if isinstance(value, dict):
        return FrozenDict((k, freeze_json(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(freeze_json(v) for v in value)
    cls = value.__class__
    # The loader's scalars leave here before the slower ABC checks below.
    if cls is str or cls is int or cls is float or cls is bool or value is None or cls is FrozenDict:
        return value
    if isinstance(value, Mapping):
        return FrozenDict((k, freeze_json(v)) for k, v in value.items())
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return tuple(freeze_json(v) for v in value)
    return value


def thaw_json(value: Any) -> Any:
    """Inverse of `freeze_json`: plain dicts and lists again."""
    if isinstance(value, (dict, FrozenDict)):
        return {k: thaw_json(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw_json(v) for v in value]
    return value
