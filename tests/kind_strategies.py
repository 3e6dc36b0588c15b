"""One hypothesis strategy per kind, valid and arbitrary, shared by the tests that sweep every kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from endpointslice import strategies


def _params(factories: tuple[Callable[..., Any], ...]) -> list[Any]:
    # ids name each strategy in test output: endpoint_slices, endpoint_slices-any, ...
    return [
        pytest.param(factory(any_values=any_values), id=f"{factory.__name__}{'-any' if any_values else ''}")
        for factory in factories
        for any_values in (False, True)
    ]


#: The single-object kinds.
SINGLE_KINDS = _params(
    (strategies.endpoint_slices, strategies.endpoints_objects, strategies.services, strategies.pods, strategies.nodes)
)
#: The typed lists (EndpointSliceList and so on), which have schemas of their own.
TYPED_LIST_KINDS = _params(
    (
        strategies.endpoint_slice_lists,
        strategies.endpoints_lists,
        strategies.service_lists,
        strategies.pod_lists,
        strategies.node_lists,
    )
)
#: The typed lists and the generic ``kind: List``.
LIST_KINDS = [*TYPED_LIST_KINDS, *_params((strategies.kube_lists,))]
