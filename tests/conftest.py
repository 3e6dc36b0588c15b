"""Shared test configuration: hypothesis profiles chosen by the HYPOTHESIS_PROFILE variable.

``dev`` (the default) keeps property tests quick while iterating; ``ci`` runs more examples
and drops the per-example deadline, since shared CI machines have noisy timings. ``ci`` also
prints the reproduction blob of a failing example, so a CI failure can be replayed locally
with ``@reproduce_failure``.
"""

from __future__ import annotations

import datetime
import os

import pytest
from hypothesis import settings

settings.register_profile(
    "dev",
    max_examples=50,
    # Generous, because up to six agents share two cores; a slow example is still reported.
    deadline=datetime.timedelta(seconds=2),
)
settings.register_profile("ci", max_examples=300, deadline=None, print_blob=True)

_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
if _PROFILE not in ("dev", "ci"):
    raise pytest.UsageError(f"HYPOTHESIS_PROFILE={_PROFILE!r}: expected 'dev' or 'ci'")
settings.load_profile(_PROFILE)
