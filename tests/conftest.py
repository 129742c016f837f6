"""
Test-suite configuration: hypothesis profiles.

``ci`` (used when ``CI`` is set) tries more examples and has no deadline, since
CI shares two cores with a database server; ``dev`` is the quick default. The tests in
``downstream/`` are bound to hypothesis' ``default`` profile instead (see its conftest).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
