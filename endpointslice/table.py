"""The tables ``kubectl get`` prints for EndpointSlices, Endpoints and Services.

Columns, cell contents and alignment follow kubectl's printers: at most
three ports or addresses per cell and then ``+ N more...``, ``<unset>`` and
``<none>`` for empty cells, ages as kubectl's short human durations, and
columns three spaces apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from .discovery import EndpointSlice
from .endpoints import Endpoints
from .enums import ServiceType, default_protocol, wire_value
from .service import Service

__all__ = ["human_duration", "parse_timestamp", "render_table"]

#: Objects `render_table` can print.
Printable = EndpointSlice | Endpoints | Service

_RESOURCE = {EndpointSlice: "endpointslice.discovery.k8s.io", Endpoints: "endpoints", Service: "service"}
_COLUMNS = {
    EndpointSlice: ("NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"),
    Endpoints: ("NAME", "ENDPOINTS", "AGE"),
    Service: ("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"),
}
_WIDE_EXTRA = {EndpointSlice: (), Endpoints: (), Service: ("SELECTOR",)}


def human_duration(seconds: float) -> str:
    """Render an age the way kubectl does.

    >>> [human_duration(s) for s in (5, 130, 700, 7500, 90000, 200000, 40000000, 100000000)]
    ['5s', '2m10s', '11m', '125m', '25h', '2d7h', '462d', '3y62d']
    """
    secs = int(seconds)
    if secs < -1:
        return "<invalid>"
    if secs < 0:
        return "0s"
    if secs < 120:
        return f"{secs}s"
    minutes = secs // 60
    if minutes < 10:
        rest = secs % 60
        return f"{minutes}m" if rest == 0 else f"{minutes}m{rest}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = secs // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h" if rest == 0 else f"{hours}h{rest}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rest = hours % 24
        return f"{hours // 24}d" if rest == 0 else f"{hours // 24}d{rest}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        rest = (hours // 24) % 365
        years = hours // 24 // 365
        return f"{years}y" if rest == 0 else f"{years}y{rest}d"
    return f"{hours // 24 // 365}y"


def parse_timestamp(value: str) -> dt.datetime | None:
    """Parse a Kubernetes RFC 3339 timestamp; ``None`` if it is not one.

    >>> parse_timestamp("2026-07-01T10:00:00Z")
    datetime.datetime(2026, 7, 1, 10, 0, tzinfo=datetime.timezone.utc)
    """
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.astimezone(dt.timezone.utc)


def _age(timestamp: str | None, now: dt.datetime) -> str:
    if not timestamp:
        return "<unknown>"
    parsed = parse_timestamp(timestamp)
    if parsed is None:
        return "<unknown>"
    return human_duration((now - parsed).total_seconds())


def _first_three(items: Sequence[str], empty: str) -> str:
    shown = ",".join(items[:3])
    if len(items) > 3:
        shown += f" + {len(items) - 3} more..."
    return shown or empty


def _slice_row(s: EndpointSlice, wide: bool, now: dt.datetime) -> list[str]:
    ports = []
    for p in s.ports or ():
        if p.port is not None:
            ports.append(str(p.port))
        elif p.name is not None:
            ports.append(p.name)
        else:
            ports.append("*")
    addresses = [a for e in s.endpoints or () for a in e.addresses]
    address_type = s.address_type if isinstance(s.address_type, str) else s.address_type.value
    return [
        s.metadata.name or "",
        address_type,
        _first_three(ports, "<unset>") if "".join(ports) else "<unset>",
        _first_three(addresses, "<unset>"),
        _age(s.metadata.creation_timestamp, now),
    ]


def _host_port(ip: str, port: int) -> str:
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def _endpoints_row(e: Endpoints, wide: bool, now: dt.datetime) -> list[str]:
    if not e.subsets:
        cell = "<none>"
    else:
        items: list[str] = []
        for subset in e.subsets:
            ready = subset.addresses or ()
            if not subset.ports:
                items.extend(a.ip for a in ready)
            else:
                items.extend(_host_port(a.ip, p.port) for p in subset.ports for a in ready)
        cell = _first_three(items, "")
    return [e.metadata.name or "", cell, _age(e.metadata.creation_timestamp, now)]


def _service_row(s: Service, wide: bool, now: dt.datetime) -> list[str]:
    spec = s.spec
    # A manifest that leaves `type` out gets ClusterIP from the apiserver's defaulting.
    kind = spec.type if spec.type is not None else ServiceType.CLUSTER_IP
    external = _external_ip(s, kind)
    ports = []
    for p in spec.ports or ():
        protocol = wire_value(default_protocol(p.protocol))
        ports.append(f"{p.port}:{p.node_port}/{protocol}" if p.node_port else f"{p.port}/{protocol}")
    row = [
        s.metadata.name or "",
        wire_value(kind),
        spec.cluster_ip or "<none>",
        external,
        ",".join(ports) or "<none>",
        _age(s.metadata.creation_timestamp, now),
    ]
    if wide:
        # Sorted as whole `key=value` strings, as the apiserver sorts them: `a.b=` before `a=`.
        selector = ",".join(sorted(f"{k}={v}" for k, v in (spec.selector or {}).items()))
        row.append(selector or "<none>")
    return row


def _external_ip(s: Service, kind: ServiceType | str) -> str:
    spec = s.spec
    if kind in (ServiceType.CLUSTER_IP, ServiceType.NODE_PORT):
        return ",".join(spec.external_ips) if spec.external_ips else "<none>"
    if kind is ServiceType.LOAD_BALANCER:
        # The apiserver prints the ingress as a sorted set (duplicates once), and always as
        # for -o wide: kubectl's tables come from the server, so the 16-character cut of the
        # old client-side printer never shows.
        shown = {i.ip or i.hostname or "" for i in s.status.load_balancer.ingress or ()}
        lb = ",".join(sorted(shown - {""}))
        if spec.external_ips:
            return ",".join([*([*lb.split(",")] if lb else []), *spec.external_ips])
        return lb or "<pending>"
    if kind is ServiceType.EXTERNAL_NAME:
        return spec.external_name or ""
    return "<unknown>"


_ROWS = {EndpointSlice: _slice_row, Endpoints: _endpoints_row, Service: _service_row}


def _cell(text: str) -> str:
    # kubectl cuts a cell at its first line break and marks the cut.
    for i, ch in enumerate(text):
        if ch in "\n\r\f":
            return text[:i] + "..."
    return text


def _align(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [c.ljust(max(widths[i] + 3, 6)) for i, c in enumerate(r[:-1])]
        out.append("".join(cells) + r[-1] + "\n")
    return "".join(out)


def render_table(objects: Sequence[Printable], *, wide: bool = False, now: dt.datetime | None = None) -> str:
    """Render objects as ``kubectl get`` does: one table per kind, in order of first appearance.

    With more than one kind, names are prefixed with the resource
    (``service/web``) and tables are separated by a blank line, as kubectl
    does.

    Args:
        objects: EndpointSlices, Endpoints and Services.
        wide: Add the ``-o wide`` columns.
        now: The time ages are measured against (default: the current time).

    >>> from endpointslice import EndpointSlice, Endpoint, EndpointPort, ObjectMeta
    >>> s = EndpointSlice(metadata=ObjectMeta(name="web-abc", creation_timestamp="2026-01-01T00:00:00Z"),
    ...     address_type="IPv4", ports=[EndpointPort(name="http", port=80)],
    ...     endpoints=[Endpoint(addresses=[f"10.0.0.{i}"]) for i in range(5)])
    >>> print(render_table([s], now=parse_timestamp("2026-01-01T00:05:00Z")), end="")
    NAME      ADDRESSTYPE   PORTS   ENDPOINTS                             AGE
    web-abc   IPv4          80      10.0.0.0,10.0.0.1,10.0.0.2 + 2 more...   5m
    """
    moment = now or dt.datetime.now(dt.timezone.utc)
    kinds: list[type] = []
    for obj in objects:
        if type(obj) not in kinds:
            kinds.append(type(obj))
    prefix = len(kinds) > 1
    tables = []
    for kind in kinds:
        header = [*_COLUMNS[kind], *(_WIDE_EXTRA[kind] if wide else ())]
        rows = [header]
        for obj in objects:
            if type(obj) is kind:
                row = [_cell(c) for c in _ROWS[kind](obj, wide, moment)]  # type: ignore[operator]  # Keyed by type.
                if prefix:
                    row[0] = f"{_RESOURCE[kind]}/{row[0]}"
                rows.append(row)
        tables.append(_align(rows))
    return "\n".join(tables)
