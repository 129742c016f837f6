"""
The layers' import rules, checked on the source tree.

- ``domain/`` imports only the standard library, attrs, pendulum, phonenumbers (pure
  metadata, no I/O) and the kernel (errors, privacy, clock), besides itself.
- ``service_layer/`` outside the composition root (``bootstrap.py``) imports no adapter: it
  speaks to ports.
- ``ports/`` imports neither adapters nor the service layer.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "layanan_aduan"
KERNEL = {"layanan_aduan.exceptions", "layanan_aduan.privacy", "layanan_aduan.clock"}
DOMAIN_THIRD_PARTY = {"attrs", "pendulum", "phonenumbers"}


def _imports(path: Path, root: Path = PACKAGE.parent) -> list[tuple[int, str]]:
    """Every module a file imports (absolute names), with its line, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.append((node.lineno, module))
    return found


def _files(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def _domain_allows(module: str) -> bool:
    top = module.split(".", maxsplit=1)[0]
    if top == "layanan_aduan":
        return module.startswith("layanan_aduan.domain") or module in KERNEL
    return top in sys.stdlib_module_names or top in DOMAIN_THIRD_PARTY or top == "__future__"


@pytest.mark.parametrize("path", _files("domain"), ids=lambda p: p.name)
def test_domain_imports_only_the_standard_library_attrs_pendulum_and_the_kernel(
    path: Path,
) -> None:
    """A domain module imports nothing that does I/O or belongs to an outer layer."""
    bad = [(line, m) for line, m in _imports(path) if not _domain_allows(m)]
    assert bad == [], f"{path.name} imports {bad}"


@pytest.mark.parametrize(
    "path", [p for p in _files("service_layer") if p.name != "bootstrap.py"], ids=lambda p: p.name
)
def test_service_layer_speaks_to_ports_not_adapters(path: Path) -> None:
    """Only the composition root of the service layer names an adapter."""
    bad = [(line, m) for line, m in _imports(path) if m.startswith("layanan_aduan.adapters")]
    assert bad == [], f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", _files("ports"), ids=lambda p: p.name)
def test_ports_import_no_adapter_and_no_service_layer(path: Path) -> None:
    """A port depends on values and the kernel, never on what implements or uses it."""
    bad = [
        (line, m)
        for line, m in _imports(path)
        if m.startswith(("layanan_aduan.adapters", "layanan_aduan.service_layer"))
    ]
    assert bad == [], f"{path.name} imports {bad}"


def test_the_rule_catches_a_forbidden_import(tmp_path: Path) -> None:
    """The checker finds absolute, relative and nested imports, so the tests above can fail."""
    probe = tmp_path / "layanan_aduan" / "service_layer" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text(
        "from ..adapters.storage import SqliteStorage\n"
        "def f():\n    import httpx\n    from layanan_aduan.adapters import messaging\n",
        encoding="utf-8",
    )
    found = [m for _, m in _imports(probe, tmp_path)]
    assert sorted(found) == ["httpx", "layanan_aduan.adapters", "layanan_aduan.adapters.storage"]
    assert not _domain_allows("httpx")
    assert not _domain_allows("layanan_aduan.adapters.storage")
    assert not _domain_allows("layanan_aduan.notifications")
    assert _domain_allows("layanan_aduan.exceptions")
    assert _domain_allows("pendulum")
