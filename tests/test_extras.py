"""
Optional extras: an adapter whose driver is missing says which extra to install.
"""

from __future__ import annotations

import importlib
import sys

import pytest

from layanan_aduan.exceptions import LayananAduanError, MissingDependencyError


def _without(monkeypatch: pytest.MonkeyPatch, driver: str, *modules: str) -> None:
    # None in sys.modules makes "import driver" fail as if it were not installed; the
    # adapter module is dropped from the cache so that it is imported again.
    monkeypatch.setitem(sys.modules, driver, None)
    for name in modules:
        if name in sys.modules:
            monkeypatch.delitem(sys.modules, name)


def test_cloud_api_without_httpx_names_the_whatsapp_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Importing the Cloud API adapter without httpx raises missing_extra naming [whatsapp]."""
    _without(monkeypatch, "httpx", "layanan_aduan.adapters.whatsapp.cloud_api")
    with pytest.raises(MissingDependencyError) as info:
        importlib.import_module("layanan_aduan.adapters.whatsapp.cloud_api")
    error = info.value
    assert isinstance(error, LayananAduanError)
    assert isinstance(error, ImportError)
    assert error.code == "missing_extra"
    assert error.details == {"extra": "whatsapp", "module": "httpx"}
    assert "pip install 'layanan-aduan[whatsapp]'" in error.message
    assert "pip install 'layanan-aduan[whatsapp]'" in error.localized("en")


@pytest.mark.parametrize("driver", ["psycopg", "psycopg_pool"])
def test_postgres_storage_without_psycopg_names_the_postgres_extra(
    monkeypatch: pytest.MonkeyPatch, driver: str
) -> None:
    """Asking for PostgresStorage without psycopg raises missing_extra naming [postgres]."""
    _without(monkeypatch, driver, "layanan_aduan.adapters.storage.postgres")
    import layanan_aduan.adapters.storage as storage

    with pytest.raises(MissingDependencyError) as info:
        storage.PostgresStorage  # noqa: B018 - the attribute access imports the adapter
    assert info.value.code == "missing_extra"
    assert info.value.details == {"extra": "postgres", "module": driver}
    assert "pip install 'layanan-aduan[postgres]'" in str(info.value)


def test_signing_keys_without_cryptography_name_the_signing_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    """Without cryptography the signed history's modules still import and a desk without a key
    works; using a key raises missing_extra naming [signing]."""
    for name in [m for m in sys.modules if m == "cryptography" or m.startswith("cryptography.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "cryptography", None)
    from layanan_aduan.adapters.signing_keys import Keyring, key_from_env
    from layanan_aduan.service_layer.signing import HeadSigning

    assert HeadSigning().signer is None
    assert Keyring([]).key_ids == frozenset()
    with pytest.raises(MissingDependencyError) as info:
        key_from_env("KUNCI", {"KUNCI": "AAAA"})
    assert info.value.details == {"extra": "signing", "module": "cryptography"}
    assert "pip install 'layanan-aduan[signing]'" in str(info.value)


def test_web_app_without_starlette_names_the_web_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Building the web app without Starlette raises missing_extra naming [web]."""
    from layanan_aduan.entrypoints.web import create_app
    from layanan_aduan.service_layer.routing import OfficeRouter

    monkeypatch.setitem(sys.modules, "starlette", None)
    with pytest.raises(MissingDependencyError) as info:
        create_app(OfficeRouter([]), app_secret="s", verify_token="t")  # noqa: S106 - test values
    assert info.value.details == {"extra": "web", "module": "starlette"}
