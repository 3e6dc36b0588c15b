"""Object metadata shared by every kind: `ObjectMeta`, references and list metadata.

Timestamps are kept as the RFC 3339 strings the API sends
(``"2026-07-01T10:00:00Z"``) so that they round-trip byte for byte.
"""

from __future__ import annotations

from ._frozen import JSON, FrozenDict
from ._model import field, model, required

__all__ = [
    "ListMeta",
    "ManagedFieldsEntry",
    "ObjectMeta",
    "ObjectReference",
    "OwnerReference",
    "ShardInfo",
]


@model
class OwnerReference:
    """`metadata.ownerReferences[]`: the object that owns this one."""

    api_version: str = required("")
    kind: str = required("")
    name: str = required("")
    uid: str = required("")
    controller: bool | None = field(default=None)
    block_owner_deletion: bool | None = field(default=None)


@model
class ObjectReference:
    """core/v1 `ObjectReference`, e.g. an endpoint's ``targetRef`` to its Pod."""

    api_version: str | None = field(default=None)
    field_path: str | None = field(default=None)
    kind: str | None = field(default=None)
    name: str | None = field(default=None)
    namespace: str | None = field(default=None)
    resource_version: str | None = field(default=None)
    uid: str | None = field(default=None)


@model
class ManagedFieldsEntry:
    """`metadata.managedFields[]`; ``fieldsV1`` is kept as opaque JSON."""

    api_version: str | None = field(default=None)
    fields_type: str | None = field(default=None)
    fields_v1: JSON = field(wire="fieldsV1", default=None)
    manager: str | None = field(default=None)
    operation: str | None = field(default=None)
    subresource: str | None = field(default=None)
    time: str | None = field(default=None)


@model
class ObjectMeta:
    """`metadata` of a namespaced or cluster-scoped object, with every field of the 1.37 schema."""

    name: str | None = field(default=None)
    generate_name: str | None = field(default=None)
    namespace: str | None = field(default=None)
    uid: str | None = field(default=None)
    resource_version: str | None = field(default=None)
    generation: int | None = field(default=None)
    creation_timestamp: str | None = field(default=None)
    deletion_timestamp: str | None = field(default=None)
    deletion_grace_period_seconds: int | None = field(default=None)
    labels: FrozenDict[str, str] | None = field(default=None)
    annotations: FrozenDict[str, str] | None = field(default=None)
    owner_references: tuple[OwnerReference, ...] | None = field(default=None)
    finalizers: tuple[str, ...] | None = field(default=None)
    managed_fields: tuple[ManagedFieldsEntry, ...] | None = field(default=None)
    self_link: str | None = field(default=None)

    def label(self, key: str) -> str | None:
        """Return the label *key*, or ``None``."""
        return None if self.labels is None else self.labels.get(key)

    def annotation(self, key: str) -> str | None:
        """Return the annotation *key*, or ``None``."""
        return None if self.annotations is None else self.annotations.get(key)


@model
class ShardInfo:
    """`ListMeta.shardInfo` (1.37)."""

    selector: str = required("")


@model
class ListMeta:
    """`metadata` of a list."""

    resource_version: str | None = field(default=None)
    continue_: str | None = field(wire="continue", default=None)
    remaining_item_count: int | None = field(default=None)
    self_link: str | None = field(default=None)
    shard_info: ShardInfo | None = field(default=None)
