"""Object metadata shared by every kind: `ObjectMeta`, references and list metadata.

Timestamps are kept as the RFC 3339 strings the API sends
(``"2026-07-01T10:00:00Z"``) so that they round-trip byte for byte.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ._frozen import JSON, FrozenDict
from ._model import Model, optional_str_map, optional_strs, wire, zero

__all__ = [
    "ListMeta",
    "ManagedFieldsEntry",
    "ObjectMeta",
    "ObjectReference",
    "OwnerReference",
    "ShardInfo",
]


if TYPE_CHECKING:
    # Typing only: each constructor takes any sequence or mapping and keeps a
    # tuple or FrozenDict (see `_model`).
    def _owner_references(value: Sequence[OwnerReference] | None, /) -> tuple[OwnerReference, ...] | None: ...
    def _managed_fields(value: Sequence[ManagedFieldsEntry] | None, /) -> tuple[ManagedFieldsEntry, ...] | None: ...
    def _json(value: Any, /) -> JSON: ...
else:
    _owner_references = _managed_fields = _json = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class OwnerReference(Model):
    """`metadata.ownerReferences[]`: the object that owns this one."""

    api_version: str = attrs.field(metadata=zero(""))
    kind: str = attrs.field(metadata=zero(""))
    name: str = attrs.field(metadata=zero(""))
    uid: str = attrs.field(metadata=zero(""))
    controller: bool | None = attrs.field(default=None)
    block_owner_deletion: bool | None = attrs.field(default=None)


@attrs.frozen(kw_only=True, weakref_slot=False)
class ObjectReference(Model):
    """core/v1 `ObjectReference`, e.g. an endpoint's ``targetRef`` to its Pod."""

    api_version: str | None = attrs.field(default=None)
    field_path: str | None = attrs.field(default=None)
    kind: str | None = attrs.field(default=None)
    name: str | None = attrs.field(default=None)
    namespace: str | None = attrs.field(default=None)
    resource_version: str | None = attrs.field(default=None)
    uid: str | None = attrs.field(default=None)


@attrs.frozen(kw_only=True, weakref_slot=False)
class ManagedFieldsEntry(Model):
    """`metadata.managedFields[]`; ``fieldsV1`` is kept as opaque JSON."""

    api_version: str | None = attrs.field(default=None)
    fields_type: str | None = attrs.field(default=None)
    fields_v1: JSON = attrs.field(default=None, converter=_json, metadata=wire("fieldsV1"))
    manager: str | None = attrs.field(default=None)
    operation: str | None = attrs.field(default=None)
    subresource: str | None = attrs.field(default=None)
    time: str | None = attrs.field(default=None)


@attrs.frozen(kw_only=True, weakref_slot=False)
class ObjectMeta(Model):
    """`metadata` of a namespaced or cluster-scoped object, with every field of the 1.37 schema."""

    name: str | None = attrs.field(default=None)
    generate_name: str | None = attrs.field(default=None)
    namespace: str | None = attrs.field(default=None)
    uid: str | None = attrs.field(default=None)
    resource_version: str | None = attrs.field(default=None)
    generation: int | None = attrs.field(default=None)
    creation_timestamp: str | None = attrs.field(default=None)
    deletion_timestamp: str | None = attrs.field(default=None)
    deletion_grace_period_seconds: int | None = attrs.field(default=None)
    labels: FrozenDict[str, str] | None = attrs.field(default=None, converter=optional_str_map)
    annotations: FrozenDict[str, str] | None = attrs.field(default=None, converter=optional_str_map)
    owner_references: tuple[OwnerReference, ...] | None = attrs.field(default=None, converter=_owner_references)
    finalizers: tuple[str, ...] | None = attrs.field(default=None, converter=optional_strs)
    managed_fields: tuple[ManagedFieldsEntry, ...] | None = attrs.field(default=None, converter=_managed_fields)
    self_link: str | None = attrs.field(default=None)

    def label(self, key: str) -> str | None:
        """Return the label *key*, or ``None``."""
        return None if self.labels is None else self.labels.get(key)

    def annotation(self, key: str) -> str | None:
        """Return the annotation *key*, or ``None``."""
        return None if self.annotations is None else self.annotations.get(key)


@attrs.frozen(kw_only=True, weakref_slot=False)
class ShardInfo(Model):
    """`ListMeta.shardInfo` (1.37)."""

    selector: str = attrs.field(metadata=zero(""))


@attrs.frozen(kw_only=True, weakref_slot=False)
class ListMeta(Model):
    """`metadata` of a list."""

    resource_version: str | None = attrs.field(default=None)
    continue_: str | None = attrs.field(default=None, metadata=wire("continue"))
    remaining_item_count: int | None = attrs.field(default=None)
    self_link: str | None = attrs.field(default=None)
    shard_info: ShardInfo | None = attrs.field(default=None)
