"""
Every docstring example in the package runs and gives what it shows.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import layanan_aduan

# Adapters whose drivers are optional extras are still imported: CI installs every extra.
MODULES = sorted(
    m.name for m in pkgutil.walk_packages(layanan_aduan.__path__, prefix="layanan_aduan.")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    """The examples in a module's docstrings pass as doctests."""
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
