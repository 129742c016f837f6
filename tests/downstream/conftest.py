"""
The shipped strategies as a downstream test suite sees them: hypothesis' ``default`` profile.

The project's own ``tests/conftest.py`` loads a profile without a deadline, which would hide
a strategy or a first call too slow for hypothesis' defaults (a 200 ms deadline and the
``too_slow`` health check). Hypothesis binds a test's settings when ``@given`` decorates it,
that is when its module is imported: so each module here is imported under the ``default``
profile, and the profile loaded before is restored at once, leaving every other test as it
was whatever the collection order.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import settings


class _DefaultProfileModule(pytest.Module):
    def collect(self) -> Iterable[pytest.Item | pytest.Collector]:
        previous = settings.get_current_profile_name()
        settings.load_profile("default")
        try:
            return list(super().collect())
        finally:
            settings.load_profile(previous)


def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> pytest.Module:
    return _DefaultProfileModule.from_parent(parent, path=module_path)
