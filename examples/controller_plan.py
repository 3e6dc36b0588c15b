"""A controller-style step: from the slices that exist and the endpoints wanted, plan the writes.

A controller loop reads the current EndpointSlices of a Service, works out
the endpoints it wants, and writes the difference. `plan_step` is that
middle part: it calls `endpointslice.reconcile.reconcile`, which computes
the same creates, updates and deletes as Kubernetes' own EndpointSlice
controller, with the same minimal churn, and prints the plan. Carrying the
plan out against a cluster is the caller's business (a dry run here).

Run::

    python examples/controller_plan.py examples/external-ips/service.yaml \\
        --current examples/slices/external-db-1.yaml --desired examples/external-ips/endpoints.txt \\
        --managed-by gitops.example.com

Without ``--current`` it plans from no slices (everything is a create).
Exit status: 0 when nothing needs writing, 1 when the plan writes, 2 for bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from endpointslice import io
from endpointslice.discovery import Endpoint, EndpointConditions, EndpointSlice
from endpointslice.errors import EndpointSliceError
from endpointslice.reconcile import Plan, reconcile
from endpointslice.service import Service


def plan_step(service: Service, current: Sequence[EndpointSlice], desired: Sequence[str], *, managed_by: str) -> Plan:
    """The writes that bring the slices labelled managed by *managed_by* to one ready endpoint per address.

    Slices with another ``managed-by`` value belong to someone else and are left alone.
    """
    wanted = [Endpoint(addresses=[ip], conditions=EndpointConditions(ready=True)) for ip in desired]
    return reconcile(service, wanted, current, managed_by=managed_by)


def main(argv: Sequence[str] | None = None) -> int:
    """Load the inputs, plan, print the plan; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("service", type=Path, help="the Service manifest")
    parser.add_argument("--current", type=Path, action="append", default=[], help="existing slices (repeatable)")
    parser.add_argument("--desired", type=Path, required=True, help="the wanted addresses, one per line")
    parser.add_argument("--managed-by", default="example-controller", help="the managed-by label of our slices")
    args = parser.parse_args(argv)
    try:
        services = [o for o in io.load(args.service) if isinstance(o, Service)]
        current = [o for path in args.current for o in io.load(path) if isinstance(o, EndpointSlice)]
        lines = args.desired.read_text(encoding="utf-8").splitlines()
    except (EndpointSliceError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if len(services) != 1:
        print(f"{args.service}: expected one Service, found {len(services)}", file=sys.stderr)
        return 2
    desired = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    try:
        plan = plan_step(services[0], current, desired, managed_by=args.managed_by)
    except EndpointSliceError as exc:
        print(f"{args.desired}: {exc}", file=sys.stderr)
        return 2
    print(plan.summary())
    return 1 if plan else 0


if __name__ == "__main__":
    raise SystemExit(main())
