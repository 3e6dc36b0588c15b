"""The Endpoints controller: a Service and its Pods -> the core/v1 Endpoints object.

Kubernetes still writes the deprecated Endpoints object of every Service with
a selector. `endpoints_for_service` reproduces what the Endpoints controller
(``pkg/controller/endpoint``, Kubernetes 1.37) writes:

* one address family only: the Service's first ``ipFamilies`` entry (or the
  family of its cluster IP, or for a headless Service the family of each
  Pod's ``podIP``), and each Pod's first ``podIPs`` entry of that family;
* terminal Pods and Pods without IP are left out, and so are terminating
  Pods unless the Service publishes not-ready addresses;
* a Pod goes to ``addresses`` when it is Ready (or the Service publishes
  not-ready addresses), else to ``notReadyAddresses``;
* one port per Service port the Pod can resolve (named target ports are
  looked up in the Pod's containers, as for EndpointSlices);
* the subsets in canonical form, capped at 1000 addresses with the
  over-capacity annotation (`endpointslice.repack`);
* the Service's labels, plus ``service.kubernetes.io/headless`` for a
  headless Service and ``endpoints.kubernetes.io/managed-by:
  endpoint-controller`` always.

Pod selection, target-port lookup and the hostname rule are shared with the
EndpointSlice engine (`endpointslice.packing`).
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ._frozen import FrozenDict
from .endpoints import EndpointAddress, Endpoints, EndpointsPort, EndpointSubset
from .enums import IPFamily, PodPhase, Protocol
from .meta import ObjectMeta, ObjectReference
from .packing import (
    ANNOTATION_TRIGGER_TIME,
    LABEL_HEADLESS,
    _pod_ready,
    _selects,
    canonical_address,
    controller_manages,
    find_port,
    should_set_hostname,
)
from .repack import MAX_ENDPOINTS_ADDRESSES, repack_subsets, truncate_endpoints
from .service import Service
from .workloads import Pod

__all__ = [
    "ENDPOINTS_CONTROLLER_NAME",
    "LABEL_ENDPOINTS_MANAGED_BY",
    "endpoint_address_for_pod",
    "endpoints_for_service",
    "pod_in_endpoints",
]

#: The label the Endpoints controller (1.33 and later) sets on every Endpoints object it writes.
LABEL_ENDPOINTS_MANAGED_BY = "endpoints.kubernetes.io/managed-by"
#: Its value: the controller's name.
ENDPOINTS_CONTROLLER_NAME = "endpoint-controller"


def pod_in_endpoints(pod: Pod, /, *, include_terminating: bool) -> bool:
    """Whether the controller lists *pod* at all.

    Not when it is terminal (``Succeeded`` or ``Failed``), has no IP, or is
    terminating (has a ``deletionTimestamp``) and *include_terminating* is
    false (the Service's ``publishNotReadyAddresses``).
    """
    if pod.status.phase in (PodPhase.SUCCEEDED, PodPhase.FAILED):
        return False
    if not pod.status.pod_ip and not pod.status.pod_ips:
        return False
    return include_terminating or pod.metadata.deletion_timestamp is None


def _is_ipv6(text: str | None) -> bool:
    parsed = canonical_address(text or "")
    return parsed is not None and parsed[1].value == "IPv6"


def _wants_ipv6(service: Service, pod: Pod) -> bool:
    families = service.spec.ip_families
    if families:
        return families[0] is IPFamily.IPV6 or families[0] == "IPv6"
    cluster_ip = service.spec.cluster_ip
    if cluster_ip and cluster_ip != "None":
        return _is_ipv6(cluster_ip)
    return _is_ipv6(pod.status.pod_ip)


def endpoint_address_for_pod(service: Service, pod: Pod, /) -> EndpointAddress | None:
    """The address the controller lists for *pod*, or ``None`` when the Pod has no IP of the Service's family.

    The IP is the first ``status.podIPs`` entry of the family, as written.
    ``nodeName`` is always set (``""`` when the Pod is not scheduled),
    ``targetRef`` names the Pod, and ``hostname`` follows the hostname rule.
    """
    want_v6 = _wants_ipv6(service, pod)
    ip = next((p.ip for p in pod.status.pod_ips or () if _is_ipv6(p.ip) == want_v6), None)
    if ip is None:
        return None
    meta = pod.metadata
    return EndpointAddress(
        ip=ip,
        hostname=pod.spec.hostname if should_set_hostname(pod, service) else None,
        node_name=pod.spec.node_name or "",
        target_ref=ObjectReference(
            kind="Pod", namespace=meta.namespace or "", name=meta.name or "", uid=meta.uid or ""
        ),
    )


def endpoints_for_service(
    service: Service,
    pods: Iterable[Pod],
    /,
    *,
    current: Endpoints | None = None,
    trigger_time: str | None = None,
    limit: int = MAX_ENDPOINTS_ADDRESSES,
) -> Endpoints | None:
    """The Endpoints object the controller writes for *service*.

    Args:
        service: The Service.
        pods: Candidate Pods; those in other namespaces or not selected are ignored.
        current: The Endpoints object as stored, if any: its metadata and other
            annotations are kept, as the controller updates a copy of it.
        trigger_time: The ``endpoints.kubernetes.io/last-change-trigger-time``
            value to set; ``None`` removes the annotation.
        limit: The address cap; the controller's is 1000.

    Returns:
        The Endpoints object, or ``None`` for a Service the controller leaves
        alone (no selector, or ``ExternalName``).
    """
    if not controller_manages(service):
        return None
    publish = bool(service.spec.publish_not_ready_addresses)
    service_ports = service.spec.ports or ()
    subsets: list[EndpointSubset] = []
    for pod in pods:
        if not _selects(service, pod) or not pod_in_endpoints(pod, include_terminating=publish):
            continue
        address = endpoint_address_for_pod(service, pod)
        if address is None:
            continue
        ready = publish or _pod_ready(pod)
        addresses = (address,) if ready else None
        not_ready = None if ready else (address,)
        if not service_ports:
            if service.spec.cluster_ip == "None":
                subsets.append(EndpointSubset(addresses=addresses, not_ready_addresses=not_ready))
            continue
        for service_port in service_ports:
            number = find_port(pod, service_port)
            if number is None:
                continue
            port = EndpointsPort(
                name=service_port.name or None,
                port=number,
                protocol=Protocol.TCP if service_port.protocol is None else service_port.protocol,
                app_protocol=service_port.app_protocol,
            )
            subsets.append(EndpointSubset(addresses=addresses, not_ready_addresses=not_ready, ports=(port,)))

    labels = dict(service.metadata.labels or {})
    if not service.has_cluster_ip:
        labels[LABEL_HEADLESS] = ""
    else:
        labels.pop(LABEL_HEADLESS, None)
    # Set last, over a Service label of the same key, as upstream does.
    labels[LABEL_ENDPOINTS_MANAGED_BY] = ENDPOINTS_CONTROLLER_NAME
    base = current or Endpoints(metadata=ObjectMeta(name=service.metadata.name, namespace=service.metadata.namespace))
    annotations = dict(base.metadata.annotations or {})
    if trigger_time is None:
        annotations.pop(ANNOTATION_TRIGGER_TIME, None)
    else:
        annotations[ANNOTATION_TRIGGER_TIME] = trigger_time
    metadata = attrs.evolve(
        base.metadata,
        labels=FrozenDict(labels) if labels else None,
        annotations=FrozenDict(annotations) if annotations else None,
    )
    packed = repack_subsets(subsets)
    return truncate_endpoints(Endpoints(metadata=metadata, subsets=packed or None), limit=limit)
