"""Turn a CSV of external hosts into EndpointSlice manifests for a Service without a selector.

Kubernetes makes no EndpointSlices for a Service without a selector: you
write them. This script writes them from a spreadsheet-like list::

    name,ip,port,zone
    db-a,192.0.2.10,5432,dc-fra1
    metrics-a,192.0.2.10,9187,

``name`` becomes the endpoint's hostname, ``port`` is the port the host
listens on (a ``targetPort`` of the Service), and ``zone`` may be empty.
Rows with the same port share slices that carry the matching Service ports;
IPv4 and IPv6 hosts get separate slices. Names are stable hashes of the
content (``NameStrategy.HASH``), so re-running on the same CSV changes no
file, and ``git diff`` shows only real changes.

Run::

    python examples/csv_to_slices.py examples/external-ips/service.yaml examples/csv/hosts.csv -o slices.yaml

Exit status: 0 when the slices were written, 2 for bad input (one line per
problem, naming the file and line).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from pathlib import Path

import attrs

from endpointslice import io
from endpointslice.discovery import Endpoint, EndpointConditions, EndpointSlice
from endpointslice.errors import EndpointSliceError
from endpointslice.naming import NameStrategy
from endpointslice.packing import pack
from endpointslice.service import Service


@attrs.frozen(kw_only=True)
class Host:
    """One row of the CSV."""

    name: str
    ip: str
    port: int
    zone: str | None
    line: int


def read_hosts(path: Path) -> tuple[list[Host], list[str]]:
    """The rows of *path*, and one message per bad row (``file:line: problem``)."""
    hosts: list[Host] = []
    problems: list[str] = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"name", "ip", "port"} - set(reader.fieldnames or ())
        if missing:
            return [], [f"{path}:1: missing column(s) {', '.join(sorted(missing))}"]
        for row in reader:
            where = f"{path}:{reader.line_num}"
            port = (row.get("port") or "").strip()
            if not port.isdigit() or not 1 <= int(port) <= 65535:
                problems.append(f"{where}: port {port!r} is not a number from 1 to 65535")
                continue
            zone = (row.get("zone") or "").strip() or None
            name, ip = (row.get("name") or "").strip(), (row.get("ip") or "").strip()
            hosts.append(Host(name=name, ip=ip, port=int(port), zone=zone, line=reader.line_num))
    return hosts, problems


def slices_for(service: Service, hosts: Sequence[Host]) -> list[EndpointSlice]:
    """The slices of *service*: one set per port, each with the Service ports targeting it."""
    by_port: dict[int, list[Endpoint]] = {}
    for host in hosts:
        # A list and a plain string are what the constructor documents; it stores a tuple.
        entry = Endpoint(
            addresses=[host.ip], hostname=host.name, zone=host.zone, conditions=EndpointConditions(ready=True)
        )
        by_port.setdefault(host.port, []).append(entry)
    slices: list[EndpointSlice] = []
    for port, endpoints in sorted(by_port.items()):
        ports = [p for p in service.spec.ports or () if (p.target_port or p.port) == port]
        one_port = attrs.evolve(service, spec=attrs.evolve(service.spec, ports=ports))
        slices.extend(pack(one_port, endpoints, managed_by="csv-to-slices", names=NameStrategy.HASH))
    return sorted(slices, key=lambda s: s.metadata.name or "")


def main(argv: Sequence[str] | None = None) -> int:
    """Read the Service and the CSV, write the slices; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("service", type=Path, help="the Service manifest (no selector)")
    parser.add_argument("hosts", type=Path, help="the CSV: name,ip,port[,zone]")
    parser.add_argument("-o", "--output", type=Path, help="write here instead of standard output")
    args = parser.parse_args(argv)
    try:
        services = [o for o in io.load(args.service) if isinstance(o, Service)]
        hosts, problems = read_hosts(args.hosts)
    except (EndpointSliceError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if len(services) != 1:
        problems.append(f"{args.service}: expected one Service, found {len(services)}")
    else:
        targets = {p.target_port or p.port for p in services[0].spec.ports or ()}
        problems += [
            f"{args.hosts}:{h.line}: no port of the Service targets {h.port}" for h in hosts if h.port not in targets
        ]
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    try:
        slices = slices_for(services[0], hosts)
    except EndpointSliceError as exc:
        print(f"{args.hosts}: {exc}", file=sys.stderr)
        return 2
    if args.output is None:
        sys.stdout.write(io.dumps(slices))
    else:
        io.dump(slices, args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
