"""``endpointslice pack SERVICE ENDPOINTS``: the EndpointSlices for a Service, or the plan to reach them.

ENDPOINTS is read in one of three forms, recognised from its content:

* a YAML stream of Pods, with the cluster's Nodes in the same stream (for
  zones and the missing-Node rule): the EndpointSlice controller's view;
* a YAML list of endpoint entries (``addresses``, ``conditions``,
  ``nodeName``, ``zone``, ``hostname``, ``targetRef``...): a selectorless Service;
* plain text, one IP address per line (``#`` starts a comment).

The Service is first defaulted as the API server would on create
(`endpointslice.packing.default_service`): a manifest without
``ipFamilies``/``ipFamilyPolicy``/``clusterIP`` gets the families of
``--cluster-family`` (default: IPv4, as a default kubeadm cluster, plus
whatever families the Service names). The Service file itself is never written.

``--plan`` for a Service the controller leaves alone (ExternalName, or no
selector) given Pods prints the empty plan and the reason. ``--no-nodes``
states that the cluster has no Nodes, which differs from not saying: every
Pod's Node is then missing, as the controller sees it.

Exit status: 0 done; 2 unreadable input or bad usage, one line per problem.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import yaml

from . import _input, _validators, _yaml, io
from ._cli import max_endpoints_per_slice
from ._rules import ErrorType, FieldError
from ._text import line
from .discovery import Endpoint, EndpointConditions, EndpointSlice
from .enums import IPFamily, ServiceType
from .errors import LoadError, StructureError
from .kinds import kind_of
from .packing import (
    CONTROLLER_NAME,
    DEFAULT_MAX_ENDPOINTS_PER_SLICE,
    MAX_ENDPOINTS_PER_SLICE_LIMIT,
    DesiredState,
    NameStrategy,
    PackingError,
    canonical_address,
    controller_manages,
    default_service,
    desired_endpoints,
    desired_from_endpoints,
    pack,
)
from .reconcile import Plan, is_managed_slice, reconcile
from .service import Service
from .workloads import Node, Pod

if TYPE_CHECKING:
    from .kinds import KubeObject

HELP = "pack endpoints into EndpointSlices for a Service, or plan the writes against existing slices"
PROG = "endpointslice pack"
#: The ``managed-by`` label of slices packed from plain endpoint entries, unless --managed-by says otherwise.
DEFAULT_MANAGED_BY = "endpointslice-pack"


class _LeftAloneError(Exception):
    """The controller leaves the Service alone; the message says why."""


class _InputError(Exception):
    """Bad input, already rendered as one line per problem."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))


def register(sub: Any) -> None:
    """Add the ``pack`` command to the subparsers *sub*."""
    p = sub.add_parser("pack", help=HELP, description=HELP[0].upper() + HELP[1:] + ".")
    p.add_argument("service", metavar="SERVICE.yaml", help="the Service (a file holding exactly one Service)")
    p.add_argument(
        "endpoints",
        metavar="ENDPOINTS",
        help="Pods (+Nodes) as YAML, a YAML list of endpoint entries, or one IP address per line; - for stdin",
    )
    p.add_argument(
        "--max-endpoints-per-slice",
        type=max_endpoints_per_slice,
        default=DEFAULT_MAX_ENDPOINTS_PER_SLICE,
        metavar="N",
        help=f"1 to {MAX_ENDPOINTS_PER_SLICE_LIMIT} (default {DEFAULT_MAX_ENDPOINTS_PER_SLICE})",
    )
    p.add_argument("--existing", action="append", default=[], metavar="SLICES.yaml", help="slices that exist already")
    p.add_argument(
        "--names",
        choices=[s.value for s in NameStrategy],
        default=NameStrategy.GENERATE.value,
        help="name new slices with generateName (default), <service>-<n>, or a stable hash",
    )
    p.add_argument(
        "--no-nodes",
        action="store_true",
        help="the cluster has no Nodes: Pods on any Node are skipped, as the controller skips Pods whose Node it "
        "does not know (without this and without Nodes in ENDPOINTS, the Nodes are unknown and no Pod is skipped)",
    )
    p.add_argument(
        "--plan",
        action="store_true",
        help="print the create/update/delete plan instead of the slices "
        "(an empty plan, with the reason, for a Service the controller leaves alone)",
    )
    p.add_argument("-o", "--output", choices=("text", "json"), default="text", help="text (YAML slices) or JSON")
    p.add_argument(
        "--managed-by",
        metavar="NAME",
        help=f"managed-by label value (default {CONTROLLER_NAME} for Pods, {DEFAULT_MANAGED_BY} for entries)",
    )
    p.add_argument(
        "--cluster-family",
        type=_cluster_families,
        metavar="FAMILIES",
        help="the cluster's Service IP families, primary first: IPv4 (as a default kubeadm cluster), IPv6, or "
        "IPv4,IPv6 / IPv6,IPv4 for dual-stack; a Service without ipFamilies is defaulted as that cluster's API "
        "server would (default: IPv4 plus the families the Service names)",
    )
    p.set_defaults(func=run)


def _cluster_families(text: str) -> tuple[IPFamily, ...]:
    names = [part.strip() for part in text.split(",")]
    by_name = {f.value.lower(): f for f in IPFamily}
    found = tuple(by_name[n.lower()] for n in names if n.lower() in by_name)
    if len(found) != len(names) or len(set(found)) != len(found) or len(found) > 2:
        raise argparse.ArgumentTypeError(f"expected IPv4, IPv6, IPv4,IPv6 or IPv6,IPv4, got {text!r}")
    return found


def _fail(lines: Sequence[str]) -> int:
    for text in lines:
        print(f"{PROG}: error: {line(text)}", file=sys.stderr)
    return 2


def _load_service(path: str, cluster_families: Sequence[IPFamily] | None = None) -> Service:
    text = _read_text(path)
    try:
        docs = io.load_documents(text, source=_source(path))
    except LoadError as exc:
        raise _InputError([str(p) for p in exc.problems]) from None
    objects = io.flatten([d.object for d in docs])
    services = [o for o in objects if isinstance(o, Service)]
    if len(services) != 1 or len(objects) != 1:
        raise _InputError([f"{path}: expected exactly one Service, found {_describe(objects)}"])
    try:
        # The controller only ever sees a Service the API server has defaulted;
        # the file is not rewritten, only the slices are shaped by this.
        return default_service(services[0], cluster_families=cluster_families)
    except PackingError as exc:
        lines = []
        for p in exc.problems:
            where = docs[0].source
            if p.segments:
                where += ":{}:{}".format(*docs[0].locate(p.segments))
            lines.append(
                f"{where}: {p.path}: {p.message} (as the API server would refuse it on this cluster; "
                "see --cluster-family)"
            )
        raise _InputError(lines) from None


def _describe(objects: Sequence[KubeObject]) -> str:
    if not objects:
        return "nothing"
    kinds: dict[str, int] = {}
    for o in objects:
        kinds[kind_of(o)] = kinds.get(kind_of(o), 0) + 1
    return ", ".join(f"{n} {k}" for k, n in kinds.items())


def _read_text(path: str) -> str:
    try:
        if path == "-":
            stdin = getattr(sys.stdin, "buffer", sys.stdin)
            if stdin is None:
                raise _InputError(["<stdin>: cannot read: standard input is closed"])
            data = _input.read_stream(stdin, "<stdin>")
        else:
            data = _input.read_path(path)
        return data.decode("utf-8") if isinstance(data, bytes) else data
    except LoadError as exc:
        raise _InputError([str(p) for p in exc.problems]) from None
    except UnicodeDecodeError as exc:
        raise _InputError([f"{_source(path)}: not UTF-8 text: {exc.reason} at byte {exc.start}"]) from None


def _source(path: str) -> str:
    return "<stdin>" if path == "-" else path


def _shape(text: str, source: str) -> tuple[str, Any]:
    """``objects``, ``entries`` or ``lines``: how ENDPOINTS is written; for entries, the list's node and data.

    Text whose every line is an address (or a comment) is the lines form
    even where it would parse as YAML; text that is neither is reported
    where the YAML parser stopped, with the loader's own checks (a repeated
    key is an error, timestamps stay strings, nesting is bounded).
    """
    if _all_addresses(text):
        return "lines", None
    try:
        docs = [(node, data) for node, data in _yaml.iter_documents(text) if data is not None]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        broken = _yaml.bad_separator(text)
        if broken is not None and mark is not None and broken.line <= mark.line + 1:
            # As kubectl, and every other command, says it (see io._broken_separator).
            raise _InputError([f"{source}:{broken.line}:1: {broken.message}"]) from None
        what = " ".join(x for x in (exc.context, exc.problem) if x) or "invalid YAML"
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        raise _InputError([f"{where}: invalid YAML: {what}"]) from None
    except yaml.YAMLError as exc:
        raise _InputError([f"{source}: invalid YAML: {' '.join(str(exc).split())}"]) from None
    except _yaml.BuildError as exc:
        mark = exc.node.start_mark
        raise _InputError([f"{source}:{mark.line + 1}:{mark.column + 1}: {exc}"]) from None
    except RecursionError:
        raise _InputError([f"{source}: document is nested too deeply"]) from None
    if docs and all(isinstance(d, dict) for _, d in docs):
        return "objects", None
    if len(docs) == 1 and isinstance(docs[0][1], list):
        return "entries", docs[0]
    return "lines", None


def _all_addresses(text: str) -> bool:
    lines = [raw.split("#", 1)[0].strip() for raw in text.splitlines()]
    return all(canonical_address(x) is not None for x in lines if x)


def _special(address: str) -> list[str]:
    """Validation's messages for an address no endpoint may have (loopback, link-local, unspecified)."""
    ip = _validators.parse_ip_sloppy(address)
    if ip is None:
        return []
    return [
        FieldError(type=ErrorType.INVALID, path="", value=address, detail=detail).body
        for detail in _validators.ip_special_messages(ip, address)
    ]


def _entries_from_text(text: str, source: str) -> list[Endpoint]:
    out = []
    problems = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if canonical_address(line) is None:
            problems.append(f"{source}:{number}: not an IP address: {line!r}")
            continue
        problems.extend(f"{source}:{number}: {message}" for message in _special(line))
        out.append(Endpoint(addresses=(line,), conditions=EndpointConditions(ready=True)))
    if problems:
        raise _InputError(problems)
    return out


def _entries_from_list(node: Any, data: list[Any], source: str) -> list[Endpoint]:
    if data and all(isinstance(item, str) for item in data):
        # A YAML list of plain addresses reads like the one-per-line text form.
        return _entries_from_text("\n".join(data), source)
    out = []
    problems: list[str] = []
    for i, item in enumerate(data):
        try:
            entry = io.from_dict(item, Endpoint)
        except StructureError as exc:
            for p in exc.problems:
                line, column = _yaml.locate(node, (i, *p.segments), key=p.message == "unknown field")
                where = f"[{i}]" + (("." + p.path) if p.path and not p.path.startswith("[") else p.path)
                problems.append(f"{source}:{line}:{column}: {where}: {p.message}")
            continue
        for j, address in enumerate(entry.addresses):
            for message in _special(address) if isinstance(address, str) else ():
                line, column = _yaml.locate(node, (i, "addresses", j))
                problems.append(f"{source}:{line}:{column}: [{i}].addresses[{j}]: {message}")
        out.append(entry)
    if problems:
        raise _InputError(problems)
    return out


def _desired(
    service: Service,
    service_path: str,
    path: str,
    managed_by: str | None,
    *,
    no_nodes: bool = False,
    prog: str = PROG,
) -> tuple[DesiredState, str]:
    text = _read_text(path)
    source = _source(path)
    shape, parsed = _shape(text, source)
    if no_nodes and shape != "objects":
        raise _InputError([f"--no-nodes: {source} holds endpoint entries, not Pods; Nodes matter only for Pods"])
    if shape == "objects":
        try:
            objects = io.flatten(io.loads(text, source=source))
        except LoadError as exc:
            raise _InputError([str(p) for p in exc.problems]) from None
        pods = [o for o in objects if isinstance(o, Pod)]
        nodes = [o for o in objects if isinstance(o, Node)]
        others = [o for o in objects if not isinstance(o, (Pod, Node))]
        if others:
            raise _InputError([f"{source}: expected Pods and Nodes, found {_describe(others)}"])
        if no_nodes and nodes:
            raise _InputError([f"--no-nodes: {source} holds {_describe(nodes)}"])
        if not controller_manages(service):
            what = (
                "an ExternalName Service"
                if service.spec.type is ServiceType.EXTERNAL_NAME
                else "a Service without selector"
            )
            raise _LeftAloneError(f"the EndpointSlice controller leaves {what} alone")
        try:
            desired = desired_endpoints(service, pods, [] if no_nodes else (nodes or None))
        except PackingError as exc:
            raise _InputError([f"{service_path}: {p}" for p in exc.problems]) from None
        return desired, managed_by or CONTROLLER_NAME
    entries = (
        _entries_from_list(parsed[0], parsed[1], source) if shape == "entries" else _entries_from_text(text, source)
    )
    if managed_by == CONTROLLER_NAME:
        raise _InputError(
            [f"--managed-by: {CONTROLLER_NAME} belongs to the EndpointSlice controller; give your own value"]
        )
    if service.spec.selector:
        print(
            f"{prog}: warning: the Service has a selector, so the EndpointSlice controller also writes slices for it",
            file=sys.stderr,
        )
    try:
        return desired_from_endpoints(service, entries), managed_by or DEFAULT_MANAGED_BY
    except PackingError as exc:
        # The families may not be the user's: a Service without them was defaulted.
        hint = " (as written, or as the API server defaults them: see --cluster-family)"
        raise _InputError(
            [f"{source}: {p}{hint if p.message.startswith('Unsupported value') else ''}" for p in exc.problems]
        ) from None


def _load_existing(paths: Sequence[str]) -> list[EndpointSlice]:
    if not paths:
        return []
    docs, problems = io.load_paths(paths)
    lines = [str(p) for p in problems]
    slices = []
    for obj in io.flatten([d.object for d in docs]):
        if isinstance(obj, EndpointSlice):
            slices.append(obj)
        else:
            lines.append(f"--existing: expected EndpointSlices, found {kind_of(obj)}")
    if lines:
        raise _InputError(lines)
    return slices


def _print_slices(slices: Sequence[EndpointSlice], output: str) -> None:
    if output == "json":
        sys.stdout.write(json.dumps([io.to_dict(s) for s in slices], indent=2) + "\n")
    elif len(slices) == 1:
        sys.stdout.write(io.dumps(slices[0]))
    elif slices:
        sys.stdout.write(io.dumps(list(slices)))


def _print_empty_plan(reason: str, output: str) -> None:
    """The plan for a Service the controller leaves alone: no writes, whatever exists, and why."""
    if output == "json":
        sys.stdout.write(json.dumps({**Plan().to_dict(), "reason": reason}, indent=2) + "\n")
    else:
        sys.stdout.write(f"{Plan().summary()}: {reason}\n")


def run(args: argparse.Namespace) -> int:
    """Run ``pack``; 0 on success, 2 on bad input."""
    ignored = None
    try:
        service = _load_service(args.service, args.cluster_family)
        try:
            desired, managed_by = _desired(
                service, args.service, args.endpoints, args.managed_by, no_nodes=args.no_nodes
            )
        except _LeftAloneError as exc:
            ignored = str(exc)
        existing = _load_existing(args.existing)
    except _InputError as exc:
        return _fail(exc.lines)
    if ignored is not None:
        if not args.plan:
            return _fail([f"{args.service}: spec.selector: {ignored}; give endpoints instead of Pods, or use --plan"])
        _print_empty_plan(ignored, args.output)
        return 0
    for skipped in desired.skipped:
        print(f"{PROG}: note: {skipped}", file=sys.stderr)
    names = NameStrategy(args.names)
    limit = args.max_endpoints_per_slice
    if not args.plan and not existing:
        _print_slices(
            pack(service, desired, max_endpoints_per_slice=limit, managed_by=managed_by, names=names), args.output
        )
        return 0
    plan = reconcile(service, desired, existing, max_endpoints_per_slice=limit, managed_by=managed_by, names=names)
    if args.plan:
        if args.output == "json":
            sys.stdout.write(json.dumps(plan.to_dict(), indent=2) + "\n")
        else:
            sys.stdout.write(plan.summary() + "\n")
        return 0
    result = plan.apply(existing, simulate_names=False)
    _print_slices([s for s in result if is_managed_slice(s, service, managed_by=managed_by)], args.output)
    return 0
