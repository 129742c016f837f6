"""
What a user of the distribution sees: the licence, the version, the public facade and docs.
"""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import layanan_aduan
from layanan_aduan.adapters.storage import Migration, shipped_migrations
from layanan_aduan.exceptions import StorageInputError

ROOT = Path(__file__).resolve().parent.parent


def test_license_file_is_mit_as_declared() -> None:
    """The repository ships an MIT LICENSE naming the authors, matching pyproject's licence."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert declared["project"]["license"] == "MIT"
    assert text.startswith("MIT License\n")
    assert "Copyright (c) 2026 layanan-aduan developers" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text


def test_version_is_the_installed_distributions() -> None:
    """layanan_aduan.__version__ is the version in the installed metadata."""
    assert layanan_aduan.__version__ == importlib.metadata.version("layanan-aduan")


def test_version_falls_back_when_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without installed metadata (a bare source tree) __version__ is 0+unknown, not an error."""

    def missing(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    assert layanan_aduan.__version__ == "0+unknown"


def test_unknown_facade_attribute_is_an_attribute_error() -> None:
    """The lazy version lookup does not make every other name exist."""
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = layanan_aduan.no_such_name  # type: ignore[attr-defined]


def test_importing_the_facade_reads_no_version_metadata() -> None:
    """Importing the package does not look up its distribution metadata (nothing at import)."""
    code = (
        "import importlib.metadata as m\n"
        "calls = []\n"
        "real = m.version\n"
        "m.version = lambda name: calls.append(name) or real(name)\n"
        "import layanan_aduan\n"
        "assert calls == [], calls\n"
        "assert layanan_aduan.__version__\n"
        "assert calls == ['layanan-aduan'], calls\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603 - our interpreter, a fixed script


@pytest.mark.parametrize(
    ("name", "home"),
    [
        ("canonical_json", "layanan_aduan.domain.history"),
        ("parse_webhook", "layanan_aduan.adapters.whatsapp.inbound"),
        ("compute_signature", "layanan_aduan.adapters.whatsapp.inbound"),
        ("WhatsAppWebhook", "layanan_aduan.adapters.whatsapp.inbound"),
    ],
)
def test_facade_exports(name: str, home: str) -> None:
    """The documented public names are importable from the top-level package and listed."""
    assert name in layanan_aduan.__all__
    assert getattr(layanan_aduan, name).__module__ == home


def test_facade_all_is_sorted_and_complete() -> None:
    """__all__ names only what the facade defines, without duplicates, in ruff's sorted order."""
    names = layanan_aduan.__all__
    assert len(set(names)) == len(names)
    assert all(hasattr(layanan_aduan, n) for n in names)

    def order(n: str) -> tuple[int, str]:
        return (0 if n.isupper() else 1 if n[0].isupper() else 2, n)

    assert names == sorted(names, key=order)


def test_facade_import_does_not_need_httpx() -> None:
    """The webhook functions on the facade come without the whatsapp extra's httpx."""
    code = "import sys, layanan_aduan\nassert 'httpx' not in sys.modules, 'httpx imported'\n"
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603 - our interpreter, a fixed script


PRIVATE_IMPORT = re.compile(r"(?:from|import)\s+layanan_aduan(?:\.\w+)*\._\w+")


@pytest.mark.parametrize(
    "doc", sorted([*ROOT.joinpath("docs").glob("*.md"), ROOT / "README.md"]), ids=lambda p: p.name
)
def test_docs_import_public_modules_only(doc: Path) -> None:
    """No documentation example imports a private (underscore) module of the package."""
    assert PRIVATE_IMPORT.findall(doc.read_text(encoding="utf-8")) == []


def test_shipped_migrations_are_public() -> None:
    """The shipped migrations of both dialects are listed by the public storage package."""
    for dialect in ("sqlite", "postgres"):
        migrations = shipped_migrations(dialect)
        assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
        assert all(isinstance(m, Migration) and m.sql for m in migrations)


@pytest.mark.parametrize("dialect", ["oracle", "", "../sqlite", "SQLITE"])
def test_shipped_migrations_refuse_an_unknown_dialect(dialect: str) -> None:
    """An unknown dialect is a typed refusal (unknown_dialect), not a FileNotFoundError."""
    with pytest.raises(StorageInputError) as info:
        shipped_migrations(dialect)
    assert info.value.code == "unknown_dialect"
    assert info.value.field == "dialect"
    assert info.value.message_en
