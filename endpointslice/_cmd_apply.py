"""``endpointslice apply SERVICE ENDPOINTS``: bring a cluster's slices of a Service to the desired endpoints.

ENDPOINTS is read as ``pack`` reads it (Pods and Nodes, endpoint entries, or one address per
line). The command reads the Service's slices from the cluster of the current kubeconfig,
plans with `reconcile`, prints the plan, and carries it out with `apply_plan` (re-reading and
re-planning on conflicts), then prints what was written.

Exit status: 0 done (or nothing to do); 1 the cluster refused a write or did not answer;
2 unreadable input, a bad kubeconfig, or bad usage; one line per problem.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from typing import Any

from ._cli import max_endpoints_per_slice
from ._cmd_pack import _desired, _InputError, _LeftAloneError, _load_service
from ._text import line
from .apply import apply_plan, read_service, read_slices
from .client import Library
from .errors import ApplyError, EndpointSliceError
from .packing import CONTROLLER_NAME, DEFAULT_MAX_ENDPOINTS_PER_SLICE, MAX_ENDPOINTS_PER_SLICE_LIMIT, NameStrategy
from .reconcile import reconcile

HELP = "apply the EndpointSlices of a Service to the cluster of the current kubeconfig (or dry-run them)"
PROG = "endpointslice apply"


def register(sub: Any) -> None:
    """Add the ``apply`` command to the subparsers *sub*."""
    p = sub.add_parser("apply", help=HELP, description=HELP[0].upper() + HELP[1:] + ".")
    p.add_argument("service", metavar="SERVICE.yaml", help="the Service (a file holding exactly one Service)")
    p.add_argument(
        "endpoints",
        metavar="ENDPOINTS",
        help="Pods (+Nodes) as YAML, a YAML list of endpoint entries, or one IP address per line; - for stdin",
    )
    p.add_argument("--kubeconfig", metavar="FILE", help="the kubeconfig (default: $KUBECONFIG, else ~/.kube/config)")
    p.add_argument("--context", metavar="NAME", help="the kubeconfig context (default: its current context)")
    p.add_argument(
        "-n", "--namespace", metavar="NAME", help="the namespace (default: the Service's, else the context's)"
    )
    p.add_argument(
        "--dry-run",
        choices=("none", "server", "client"),
        default="none",
        help="server: send every write with dryRun=All; client: print the plan and write nothing (default: none)",
    )
    p.add_argument(
        "--client",
        choices=[library.value for library in Library],
        help="the client library (default: kubernetes if installed, else lightkube)",
    )
    p.add_argument(
        "--max-endpoints-per-slice",
        type=max_endpoints_per_slice,
        default=DEFAULT_MAX_ENDPOINTS_PER_SLICE,
        metavar="N",
        help=f"1 to {MAX_ENDPOINTS_PER_SLICE_LIMIT} (default {DEFAULT_MAX_ENDPOINTS_PER_SLICE})",
    )
    p.add_argument(
        "--names",
        choices=[s.value for s in NameStrategy],
        default=NameStrategy.GENERATE.value,
        help="name new slices with generateName (default), <service>-<n>, or a stable hash",
    )
    p.add_argument("--managed-by", metavar="NAME", help="managed-by label value, as for pack")
    p.set_defaults(func=run)


def _fail(lines: list[str], status: int = 2) -> int:
    for text in lines:
        print(f"{PROG}: error: {line(text)}", file=sys.stderr)
    return status


def _library(choice: str | None) -> Library:
    if choice is not None:
        return Library(choice)
    try:
        import kubernetes.client  # noqa: F401  # Only asks whether it is installed.
    except ImportError:
        return Library.LIGHTKUBE
    return Library.KUBERNETES


def _connect(library: Library, kubeconfig: str | None, context: str | None) -> tuple[Any, str | None]:
    """A client for the kubeconfig's context, and the context's namespace."""
    path = kubeconfig or os.environ.get("KUBECONFIG", "").split(os.pathsep)[0] or os.path.expanduser("~/.kube/config")
    try:
        if library is Library.KUBERNETES:
            from kubernetes import config

            kube_config: Any = config  # The client's config module is untyped.

            contexts, current = kube_config.list_kube_config_contexts(config_file=path)
            chosen = next((c for c in contexts if c["name"] == context), None) if context else current
            if chosen is None:
                raise _InputError([f"{path}: no context {context!r}"])
            client = kube_config.new_client_from_config(config_file=path, context=context, persist_config=False)
            return client, chosen.get("context", {}).get("namespace")
        import lightkube
        from lightkube.config.kubeconfig import KubeConfig

        single = KubeConfig.from_file(path).get(context_name=context)
        if single is None:
            raise _InputError([f"{path}: no context {context!r}"])
        return lightkube.Client(config=single), single.namespace
    except ImportError:
        raise _InputError(
            [f"--client {library.value}: not installed (pip install endpointslice[{library.value}])"]
        ) from None
    except _InputError:
        raise
    except Exception as exc:  # noqa: BLE001  # Each client raises its own errors for a bad kubeconfig; all are input errors.
        raise _InputError(
            [f"{path}: cannot use the kubeconfig: {' '.join(str(exc).split()) or type(exc).__name__}"]
        ) from None


def run(args: argparse.Namespace) -> int:
    """Run ``apply``; 0 done, 1 refused by the cluster, 2 bad input."""
    with warnings.catch_warnings():
        # insecure-skip-tls-verify is the kubeconfig's own choice, which kubectl honours silently;
        # urllib3 would print two lines per request about it, breaking one line per problem.
        warnings.filterwarnings("ignore", message="Unverified HTTPS request")
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        service = _load_service(args.service)
        desired, managed_by = _desired(service, args.service, args.endpoints, args.managed_by, prog=PROG)
        library = _library(args.client)
        client, context_namespace = _connect(library, args.kubeconfig, args.context)
    except _InputError as exc:
        return _fail(exc.lines)
    except _LeftAloneError as exc:
        # Pods for a Service the controller leaves alone (no selector, ExternalName) make no slices:
        # refused as pack refuses them, rather than deleting the Service's hand-written slices.
        return _fail([f"{args.service}: spec.selector: {exc}; give endpoints instead of Pods"])
    if managed_by == CONTROLLER_NAME and args.managed_by is None:
        # Pods make slices labelled as the cluster's own EndpointSlice controller's, which would
        # then rewrite or delete ours: writing them takes a deliberate --managed-by.
        why = (
            f"{args.endpoints}: slices packed from Pods are managed by {CONTROLLER_NAME}, the cluster's "
            "EndpointSlice controller; give --managed-by (your own value, or that one on purpose)"
        )
        return _fail([why])
    for skipped in desired.skipped:
        print(f"{PROG}: note: {skipped}", file=sys.stderr)
    own = service.metadata.namespace
    if args.namespace and own and own != args.namespace:
        return _fail([f"{args.service}: the Service's namespace {own!r} does not match --namespace {args.namespace!r}"])
    namespace = args.namespace or own or context_namespace or "default"
    name = service.metadata.name or ""
    options: dict[str, Any] = {
        "max_endpoints_per_slice": args.max_endpoints_per_slice,
        "managed_by": managed_by,
        "names": NameStrategy(args.names),
    }
    try:
        live = read_service(client, namespace, name)
        if live is None:
            return _fail([f"Service {namespace}/{name} is not in the cluster: apply the Service first"], 1)
        # The slices belong to the Service the cluster holds: its UID goes into their ownerReferences.
        service = _in_namespace(service, namespace, live.metadata.uid)
        current = read_slices(client, namespace, name)
        plan = reconcile(service, desired, current, **options)
        print(plan.summary())
        if args.dry_run == "client" or not plan:
            return 0
        result = apply_plan(
            plan,
            client,
            dry_run=args.dry_run == "server",
            replan=lambda now: reconcile(service, desired, now, **options),
        )
    except ApplyError as exc:
        lines = [str(exc)] + [f"(written before: {', '.join(exc.done)})"] * bool(exc.done)
        return _fail(lines, 1)
    except EndpointSliceError as exc:
        return _fail(str(exc).splitlines())
    print(result.summary())
    return 0


def _in_namespace(service: Any, namespace: str, uid: str | None) -> Any:
    import attrs

    return attrs.evolve(service, metadata=attrs.evolve(service.metadata, namespace=namespace, uid=uid))
