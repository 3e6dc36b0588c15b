"""Shared test configuration: hypothesis profiles chosen by the HYPOTHESIS_PROFILE variable.

``dev`` (the default) keeps property tests quick while iterating; ``ci`` runs more examples
and drops the per-example deadline, since shared CI machines have noisy timings.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("dev", max_examples=50)
settings.register_profile("ci", max_examples=300, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
