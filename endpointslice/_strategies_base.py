"""Building blocks of `endpointslice.strategies`: argument checks, names, scalars, IPs and metadata.

Private: import the public names from `endpointslice.strategies`.
"""

from __future__ import annotations

import datetime
import enum
import ipaddress
import string
from collections.abc import Callable, Hashable
from typing import Any, Literal, TypeVar

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from ._frozen import FrozenDict
from .discovery import LABEL_MANAGED_BY, LABEL_SERVICE_NAME
from .enums import AddressType, IPFamily
from .meta import ListMeta, ManagedFieldsEntry, ObjectMeta, ObjectReference, OwnerReference

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)

_INT32 = (-(2**31), 2**31 - 1)
_LOWER_ALNUM = string.ascii_lowercase + string.digits
_ALNUM = string.ascii_letters + string.digits


# ---------------------------------------------------------------------------
# Argument checks, done up front so a mistake fails clearly, not deep inside a draw.


def _check_size(name: str, value: int, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InvalidArgument(f"{name}={value!r} must be an integer between {low} and {high}")


def _check_range(min_name: str, min_value: int, max_name: str, max_value: int, high: int) -> None:
    _check_size(min_name, min_value, 0, high)
    _check_size(max_name, max_value, 0, high)
    if min_value > max_value:
        raise InvalidArgument(f"{min_name}={min_value} must not be greater than {max_name}={max_value}")


def _check_strategy(name: str, value: object) -> None:
    if value is not None and not isinstance(value, SearchStrategy):
        raise InvalidArgument(f"{name} must be a strategy or None, got {value!r}; wrap fixed values in st.just()")


# ---------------------------------------------------------------------------
# Names and scalars


def _trim_hyphens(text: str) -> str:
    # Hyphens may not start or end a DNS label; replacing them keeps the length, so shrinking stays smooth.
    if text.startswith("-"):
        text = "a" + text[1:]
    if text.endswith("-"):
        text = text[:-1] + "a"
    return text


def dns_labels(*, min_size: int = 1, max_size: int = 63) -> SearchStrategy[str]:
    """DNS-1123 labels: lower-case alphanumerics and ``-``, alphanumeric at both ends, at most 63 characters.

    Namespaces, port names and hostnames are labels.

    Args:
        min_size: The shortest label (at least 1).
        max_size: The longest label (at most 63).
    """
    _check_range("min_size", min_size, "max_size", max_size, 63)
    if min_size < 1:
        raise InvalidArgument(f"min_size={min_size} must be at least 1: a DNS label is never empty")
    return st.text(_LOWER_ALNUM + "-", min_size=min_size, max_size=max_size).map(_trim_hyphens)


def _dns1035_labels(max_size: int = 63) -> SearchStrategy[str]:
    # A DNS-1035 label (Service names) must also start with a letter.
    return st.builds(
        lambda head, tail: _trim_hyphens(head + tail) if tail else head,
        st.sampled_from(string.ascii_lowercase),
        st.text(_LOWER_ALNUM + "-", max_size=max_size - 1),
    )


def dns_subdomains(*, max_size: int = 253) -> SearchStrategy[str]:
    """DNS-1123 subdomains: dot-separated DNS labels, at most 253 characters in all.

    Object names, node names and label-key prefixes are subdomains.

    Args:
        max_size: The longest name (between 1 and 253).
    """
    _check_size("max_size", max_size, 1, 253)
    return (
        st.lists(dns_labels(max_size=min(63, max_size)), min_size=1, max_size=4)
        .map(".".join)
        .filter(lambda name: len(name) <= max_size)
    )


def _iana_service_names() -> SearchStrategy[str]:
    # IANA_SVC_NAME: at most 15 of [-a-z0-9], at least one letter, no "--", no hyphen at either end.
    return st.builds(
        lambda head, tail: (head + tail).strip("-").replace("--", "-") or head,
        st.sampled_from(string.ascii_lowercase),
        st.text(_LOWER_ALNUM + "-", max_size=14),
    ).filter(lambda name: "--" not in name and not name.endswith("-"))


def _label_names() -> SearchStrategy[str]:
    # The name part of a label key or qualified name: ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], at most 63.
    return st.builds(
        lambda head, middle, tail: head + middle + tail if tail else head,
        st.sampled_from(_ALNUM),
        st.text(_ALNUM + "-_.", max_size=20),
        st.sampled_from(["", *_ALNUM]),
    ).map(lambda name: name if name[-1] in _ALNUM else name + "x")


def label_keys() -> SearchStrategy[str]:
    """Label keys (also annotation keys and qualified names): an optional subdomain prefix, ``/``, a name."""
    well_known = st.sampled_from(
        [
            "app",
            "app.kubernetes.io/name",
            LABEL_SERVICE_NAME,
            LABEL_MANAGED_BY,
            "topology.kubernetes.io/zone",
        ]
    )
    prefixed = st.builds(lambda prefix, name: f"{prefix}/{name}", dns_subdomains(max_size=40), _label_names())
    return st.one_of(well_known, _label_names(), prefixed)


def label_values() -> SearchStrategy[str]:
    """Label values: empty, or at most 63 of ``[-A-Za-z0-9_.]`` with alphanumerics at both ends."""
    return st.one_of(st.just(""), _label_names())


#: Characters kubectl cannot round-trip through YAML: its reader rejects DEL, the C1 controls and
#: U+FFFE/U+FFFF, and its printer turns NEL (U+0085) into a line break or a space.
_NOT_KUBECTL_SAFE = "\x7f\ufffe\uffff" + "".join(map(chr, range(0x80, 0xA0)))


def _texts(max_size: int = 12) -> SearchStrategy[str]:
    # Any text a JSON string can hold (UTF-8, so no lone surrogates) that kubectl can also print and read.
    return st.text(st.characters(codec="utf-8", exclude_characters=_NOT_KUBECTL_SAFE), max_size=max_size)


def _either(any_values: bool) -> Callable[[SearchStrategy[str]], SearchStrategy[str]]:
    """Return a chooser: arbitrary text when *any_values*, else the valid strategy it is given."""
    if any_values:
        return lambda _valid: _texts()
    return lambda valid: valid


def _keys() -> SearchStrategy[str]:
    # Map keys: any text but `<<`, which YAML readers, kubectl's included, take as a merge key.
    return _texts().filter(lambda key: key != "<<")


def _enum_values(enum_cls: type[E], any_values: bool) -> SearchStrategy[E | str]:
    members: SearchStrategy[E | str] = st.sampled_from(list(enum_cls))
    return members | _texts() if any_values else members


def _ints(min_value: int, max_value: int, any_values: bool) -> SearchStrategy[int]:
    return st.integers(*_INT32) if any_values else st.integers(min_value, max_value)


def _optional(strategy: SearchStrategy[T]) -> SearchStrategy[T | None]:
    # None first: it is the simplest value, so failing examples shrink towards absent fields.
    return st.none() | strategy


def _unique_lists(
    elements: SearchStrategy[T], *, min_size: int = 0, max_size: int, key: Callable[[T], Hashable] | None = None
) -> SearchStrategy[tuple[T, ...]]:
    return st.lists(elements, min_size=min_size, max_size=max_size, unique_by=key or (lambda x: x)).map(tuple)


def timestamps() -> SearchStrategy[str]:
    """RFC 3339 timestamps in UTC with whole seconds, as ``metav1.Time`` serialises them (``2026-07-01T10:00:00Z``)."""
    return st.datetimes(
        min_value=datetime.datetime(1970, 1, 1),  # Naive on purpose: printed with a literal Z.
        max_value=datetime.datetime(2099, 12, 31),
    ).map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%SZ"))


def _uids() -> SearchStrategy[str]:
    return st.uuids().map(str)


def _resource_versions() -> SearchStrategy[str]:
    return st.integers(1, 2**40).map(str)


# ---------------------------------------------------------------------------
# IP addresses


def _is_acceptable_ip(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether the apiserver accepts *address* as an endpoint IP (not special, not IPv4-mapped)."""
    if address.is_unspecified or address.is_loopback or address.is_link_local:
        return False
    if isinstance(address, ipaddress.IPv4Address):
        # 224.0.0.0/24 is link-local multicast; 0.0.0.0/8 is "this network", never a real endpoint.
        return address not in _IPV4_LINK_LOCAL_MULTICAST and address not in _IPV4_THIS_NETWORK
    # ffX2::/16 (multicast with link-local scope), and IPv4-mapped addresses, which 1.36+ rejects.
    return (int(address) >> 112) & 0xFF0F != 0xFF02 and address.ipv4_mapped is None


_IPV4_LINK_LOCAL_MULTICAST = ipaddress.IPv4Network("224.0.0.0/24")
_IPV4_THIS_NETWORK = ipaddress.IPv4Network("0.0.0.0/8")

_FAMILIES: dict[object, IPFamily] = {
    IPFamily.IPV4: IPFamily.IPV4,
    IPFamily.IPV6: IPFamily.IPV6,
    AddressType.IPV4: IPFamily.IPV4,
    AddressType.IPV6: IPFamily.IPV6,
    "IPv4": IPFamily.IPV4,
    "IPv6": IPFamily.IPV6,
}


def _family(value: object) -> IPFamily:
    try:
        return _FAMILIES[value]
    except (KeyError, TypeError):
        raise InvalidArgument(
            f"family={value!r} must be IPFamily.IPV4, IPFamily.IPV6, AddressType.IPV4 or AddressType.IPV6"
        ) from None


def ip_addresses(family: IPFamily | AddressType | str = IPFamily.IPV4) -> SearchStrategy[str]:
    """IP addresses of one family, in canonical form, that the apiserver accepts as endpoint addresses.

    Never unspecified, loopback, link-local or link-local multicast, and
    never an IPv4-mapped IPv6 address; IPv6 is in RFC 5952 form.

    Args:
        family: ``IPFamily.IPV4`` or ``IPFamily.IPV6`` (the `AddressType`
            members and the strings ``"IPv4"`` and ``"IPv6"`` work too).
    """
    v: Literal[4, 6] = 4 if _family(family) is IPFamily.IPV4 else 6
    return st.ip_addresses(v=v).filter(_is_acceptable_ip).map(str)


def _ip_addresses_any(any_values: bool, family: IPFamily | AddressType | str = IPFamily.IPV4) -> SearchStrategy[str]:
    return _texts() | ip_addresses(family) if any_values else ip_addresses(family)


def _fqdns() -> SearchStrategy[str]:
    # An FQDN endpoint address: a subdomain of at least two labels.
    return st.lists(dns_labels(max_size=20), min_size=2, max_size=4).map(".".join)


def _addresses(address_type: AddressType | str, any_values: bool) -> SearchStrategy[str]:
    if any_values:
        return _texts()
    if address_type is AddressType.FQDN:
        return _fqdns()
    return ip_addresses(address_type)


# ---------------------------------------------------------------------------
# Metadata


def _label_maps(any_values: bool, max_size: int = 3) -> SearchStrategy[FrozenDict[str, str]]:
    if any_values:
        return st.dictionaries(_keys(), _texts(), max_size=max_size).map(FrozenDict)
    return st.dictionaries(label_keys(), label_values(), max_size=max_size).map(FrozenDict)


def _annotation_maps(any_values: bool) -> SearchStrategy[FrozenDict[str, str]]:
    # Annotation values are free text in every mode: the apiserver only limits their total size.
    keys = _keys() if any_values else label_keys()
    return st.dictionaries(keys, _texts(max_size=40), max_size=3).map(FrozenDict)


def owner_references(*, any_values: bool = False) -> SearchStrategy[OwnerReference]:
    """`OwnerReference` values, by default to a Service, as the EndpointSlice controller writes them."""
    if any_values:
        return st.builds(
            OwnerReference,
            api_version=_texts(),
            kind=_texts(),
            name=_texts(),
            uid=_texts(),
            controller=_optional(st.booleans()),
            block_owner_deletion=_optional(st.booleans()),
        )
    return st.builds(
        OwnerReference,
        api_version=st.sampled_from(["v1", "apps/v1"]),
        kind=st.sampled_from(["Service", "ReplicaSet", "Endpoints"]),
        name=dns_subdomains(max_size=63),
        uid=_uids(),
        controller=_optional(st.booleans()),
        block_owner_deletion=_optional(st.booleans()),
    )


def object_references(*, any_values: bool = False) -> SearchStrategy[ObjectReference]:
    """`ObjectReference` values, by default to a Pod, as an endpoint's ``targetRef``."""
    text = _either(any_values)
    return st.builds(
        ObjectReference,
        api_version=_optional(text(st.just("v1"))),
        field_path=_optional(text(st.sampled_from(["spec.containers{web}", "spec.containers[0]"]))),
        kind=_optional(text(st.sampled_from(["Pod", "Node"]))),
        name=_optional(text(dns_subdomains(max_size=63))),
        namespace=_optional(text(dns_labels())),
        resource_version=_optional(text(_resource_versions())),
        uid=_optional(text(_uids())),
    )


def _fields_v1(any_values: bool) -> SearchStrategy[Any]:
    if any_values:
        # FieldsV1 is a JSON object with any content.
        return st.dictionaries(_keys(), _json_values(), max_size=3)
    return st.dictionaries(
        st.sampled_from(["f:metadata", "f:spec", "f:status"]),
        st.dictionaries(st.sampled_from([".", "f:labels", "f:ports", "f:selector"]), st.just(FrozenDict()), max_size=2),
        max_size=2,
    )


def _managed_fields_entries(any_values: bool) -> SearchStrategy[ManagedFieldsEntry]:
    text = _either(any_values)
    return st.builds(
        ManagedFieldsEntry,
        api_version=text(st.sampled_from(["v1", "discovery.k8s.io/v1"])),
        fields_type=text(st.just("FieldsV1")),
        fields_v1=_fields_v1(any_values),
        manager=text(st.sampled_from(["kubectl-client-side-apply", "endpointslice-controller", "kube-controller"])),
        operation=text(st.sampled_from(["Apply", "Update"])),
        subresource=_optional(text(st.just("status"))),
        time=_optional(timestamps()),
    )


@st.composite
def _object_metas(draw: st.DrawFn, names: SearchStrategy[str] | None, namespaced: bool, any_values: bool) -> ObjectMeta:
    text = _either(any_values)
    name_strategy = text(names if names is not None else dns_subdomains(max_size=63))
    name = draw(_optional(name_strategy))
    # The apiserver needs a name or a generateName; any_values objects may have neither.
    if name is None and not any_values:
        generate_name: str | None = draw(name_strategy) + "-"
    else:
        generate_name = draw(_optional(text(name_strategy.map(lambda n: n + "-"))))
    owners = draw(_optional(_unique_lists(owner_references(any_values=any_values), max_size=2, key=lambda o: o.uid)))
    if owners and not any_values:
        # At most one owner may be the controller.
        owners = tuple(attrs.evolve(o, controller=o.controller and i == 0) for i, o in enumerate(owners))
    return ObjectMeta(
        name=name,
        generate_name=generate_name,
        namespace=draw(_optional(text(dns_labels()))) if namespaced or any_values else None,
        uid=draw(_optional(text(_uids()))),
        resource_version=draw(_optional(text(_resource_versions()))),
        generation=draw(_optional(_ints(1, 2**40, any_values))),
        creation_timestamp=draw(_optional(timestamps())),
        deletion_timestamp=draw(_optional(timestamps())),
        deletion_grace_period_seconds=draw(_optional(_ints(0, 3600, any_values))),
        labels=draw(_optional(_label_maps(any_values))),
        annotations=draw(_optional(_annotation_maps(any_values))),
        owner_references=owners,
        finalizers=draw(
            _optional(
                _unique_lists(text(st.sampled_from(["kubernetes.io/pv-protection", "example.com/cleanup"])), max_size=2)
            )
        ),
        managed_fields=draw(_optional(_unique_lists(_managed_fields_entries(any_values), max_size=2, key=id))),
        self_link=draw(_optional(text(st.just("/api/v1/namespaces/default/services/web")))),
    )


def object_metas(
    *, names: SearchStrategy[str] | None = None, namespaced: bool = True, any_values: bool = False
) -> SearchStrategy[ObjectMeta]:
    """`ObjectMeta` values with a valid name (or ``generateName``), labels, annotations and owners.

    Args:
        names: Object names; DNS-1123 subdomains by default.
        namespaced: Give objects a namespace (cluster-scoped kinds, such
            as Nodes, have none).
        any_values: Arbitrary strings instead of valid names and labels.
    """
    _check_strategy("names", names)
    return _object_metas(names, namespaced, any_values)


def list_metas(*, any_values: bool = False) -> SearchStrategy[ListMeta]:
    """`ListMeta` values: ``resourceVersion``, ``continue`` and ``remainingItemCount``."""
    text = _either(any_values)
    return st.builds(
        ListMeta,
        resource_version=_optional(text(st.one_of(st.just(""), _resource_versions()))),
        continue_=_optional(text(st.text(_ALNUM, min_size=1, max_size=20))),
        remaining_item_count=_optional(_ints(0, 10_000, any_values)),
    )


def _json_values() -> SearchStrategy[Any]:
    # JSON without floats: Go and Python print some floats differently, and no modelled blob needs them.
    leaves = st.none() | st.booleans() | st.integers(*_INT32) | _texts()
    return st.recursive(
        leaves,
        lambda children: st.lists(children, max_size=3) | st.dictionaries(_keys(), children, max_size=3),
        max_leaves=6,
    )
