"""Whether kubectl prints a value's map keys in one order: the oracle tests compare only those.

go-yaml's key comparison is cyclic on some keys with digits inside (``a2 < a10 < a1b < a2``),
so kubectl sorts such a key set differently from run to run (its input order is a Go map's);
there is no single right answer to compare ours with (docs/differences.md).
"""

from __future__ import annotations

import itertools
import unicodedata
from typing import Any

from endpointslice._goyaml import _go_key_less


def keys_have_one_order(value: Any) -> bool:
    """Whether go-yaml's key order is known for every map in *value* (plain JSON data)."""
    if isinstance(value, dict):
        keys = list(value)
        if any(unicodedata.category(c) == "Cn" for k in keys for c in k):
            # Characters unassigned in this Python's Unicode database may be letters in Go's newer one
            # (U+31350 is in Unicode 15, not 14), and letters sort differently in go-yaml's comparator.
            return False
        consistent = all(not (_go_key_less(a, b) and _go_key_less(b, a)) for a, b in itertools.combinations(keys, 2))
        ordered = sorted(keys)
        transitive = all(
            not (_go_key_less(a, b) and _go_key_less(b, c) and _go_key_less(c, a))
            for a, b, c in itertools.permutations(ordered[:8], 3)
        )
        return consistent and transitive and all(keys_have_one_order(v) for v in value.values())
    if isinstance(value, list):
        return all(keys_have_one_order(v) for v in value)
    return True
