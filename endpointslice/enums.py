"""Closed sets of wire values, as `enum.Enum` members whose values are the wire strings.

Decoding never coerces or drops a value it does not know: a field typed
``AddressType | str`` holds the member for a known value and the raw string
otherwise (``addressType: IPv5`` loads as ``"IPv5"``), exactly as the
apiserver's decoder keeps it, so that validation can reject it with the
apiserver's own message. `is_known` tells the two apart.
"""

from __future__ import annotations

import enum

__all__ = [
    "AddressType",
    "ConditionStatus",
    "IPFamily",
    "IPFamilyPolicy",
    "PodPhase",
    "Protocol",
    "ServiceAffinity",
    "ServiceExternalTrafficPolicy",
    "ServiceInternalTrafficPolicy",
    "ServiceType",
    "TrafficDistribution",
    "default_protocol",
    "is_known",
    "wire_value",
]


class AddressType(enum.Enum):
    """`EndpointSlice.addressType`."""

    IPV4 = "IPv4"
    IPV6 = "IPv6"
    FQDN = "FQDN"

    # The engines key their per-family tables by this enum on every event, and `Enum.__hash__`
    # is a Python function (it hashes the member's name). Members are singletons compared by
    # identity, so the identity hash is as correct, and computed in C.
    __hash__ = object.__hash__


class Protocol(enum.Enum):
    """Port protocol, shared by Services, Endpoints and EndpointSlices."""

    TCP = "TCP"
    UDP = "UDP"
    SCTP = "SCTP"


class IPFamily(enum.Enum):
    """`Service.spec.ipFamilies[]`."""

    IPV4 = "IPv4"
    IPV6 = "IPv6"


class IPFamilyPolicy(enum.Enum):
    """`Service.spec.ipFamilyPolicy`."""

    SINGLE_STACK = "SingleStack"
    PREFER_DUAL_STACK = "PreferDualStack"
    REQUIRE_DUAL_STACK = "RequireDualStack"


class ServiceType(enum.Enum):
    """`Service.spec.type`."""

    CLUSTER_IP = "ClusterIP"
    NODE_PORT = "NodePort"
    LOAD_BALANCER = "LoadBalancer"
    EXTERNAL_NAME = "ExternalName"


class ServiceAffinity(enum.Enum):
    """`Service.spec.sessionAffinity`."""

    NONE = "None"
    CLIENT_IP = "ClientIP"


class ServiceExternalTrafficPolicy(enum.Enum):
    """`Service.spec.externalTrafficPolicy`."""

    CLUSTER = "Cluster"
    LOCAL = "Local"


class ServiceInternalTrafficPolicy(enum.Enum):
    """`Service.spec.internalTrafficPolicy`."""

    CLUSTER = "Cluster"
    LOCAL = "Local"


class TrafficDistribution(enum.Enum):
    """`Service.spec.trafficDistribution` (PreferClose is the deprecated alias of PreferSameZone)."""

    PREFER_CLOSE = "PreferClose"
    PREFER_SAME_ZONE = "PreferSameZone"
    PREFER_SAME_NODE = "PreferSameNode"


class PodPhase(enum.Enum):
    """`Pod.status.phase`."""

    PENDING = "Pending"
    RUNNING = "Running"
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"
    UNKNOWN = "Unknown"


class ConditionStatus(enum.Enum):
    """The status of a Pod or Node condition."""

    TRUE = "True"
    FALSE = "False"
    UNKNOWN = "Unknown"


def is_known(value: enum.Enum | str | None) -> bool:
    """Tell whether an enum-typed field holds a known member.

    >>> is_known(AddressType.IPV4), is_known("IPv5"), is_known(None)
    (True, False, False)
    """
    return isinstance(value, enum.Enum)


def wire_value(value: enum.Enum | str | None) -> str:
    """The wire string of an enum-typed field: a member's value, an unknown string as kept, ``""`` if unset.

    >>> wire_value(AddressType.IPV4), wire_value("IPv5"), wire_value(None)
    ('IPv4', 'IPv5', '')
    """
    if value is None:
        return ""
    return value.value if isinstance(value, enum.Enum) else value


def default_protocol(value: Protocol | str | None) -> Protocol | str:
    """A port's protocol as the apiserver stores it: unset becomes TCP.

    >>> default_protocol(None), default_protocol("UDP")
    (<Protocol.TCP: 'TCP'>, 'UDP')
    """
    return Protocol.TCP if value is None else value
