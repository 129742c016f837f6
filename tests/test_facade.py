"""
The top-level facade: every public name resolves, lazily, to the object its module defines, and
importing the package loads none of the layers until a name is used.
"""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import layanan_aduan


@pytest.mark.parametrize("name", sorted(layanan_aduan.__all__))
def test_every_public_name_is_the_object_its_module_defines(name: str) -> None:
    """A name of __all__ resolves, through the facade, to the very object of its module."""
    value = getattr(layanan_aduan, name)
    if name in layanan_aduan._EXPORTS:
        module, attribute = layanan_aduan._EXPORTS[name]
        assert value is getattr(importlib.import_module(module), attribute)


def test_an_unknown_name_is_an_attribute_error() -> None:
    """A misspelt name raises AttributeError, as for any module."""
    with pytest.raises(AttributeError):
        layanan_aduan.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018 - the access is the test


def test_importing_the_package_loads_no_layer() -> None:
    """`import layanan_aduan` in a fresh interpreter imports neither the domain, the adapters
    nor the service layer; the first use of a name does."""
    code = (
        "import sys, layanan_aduan\n"
        "loaded = [m for m in sys.modules if m.startswith('layanan_aduan.')]\n"
        "print(len(loaded))\n"
        "layanan_aduan.Desk\n"
        "print('layanan_aduan.service_layer.desk' in sys.modules)\n"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["0", "True"]
