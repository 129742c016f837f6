"""
Signing keys: key files (owner only), environment variables, public keyrings, and the
``[signing]`` section of the office configuration with the desk it builds.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.office_config import (
    check_office_config,
    load_office_config,
    parse_office_config,
)
from layanan_aduan.adapters.signing_keys import (
    Ed25519Signer,
    generate_key_file,
    key_from_env,
    key_id_of,
    load_key_file,
    load_keyring,
    public_key_pem,
)
from layanan_aduan.exceptions import ConfigurationError, SigningKeyError
from layanan_aduan.service_layer.bootstrap import bootstrap, signing_from_config


def test_a_generated_key_file_is_the_owners_alone_and_loads_back(tmp_path: Path) -> None:
    """generate_key_file writes mode 0600 and a public key; loading gives the same key id, and
    a second generation never overwrites the key."""
    path = tmp_path / "kunci.pem"
    signer = generate_key_file(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_key_file(path).key_id == signer.key_id
    assert load_keyring([tmp_path / "kunci.pem.pub"]).key_ids == {signer.key_id}
    assert signer.key_id == key_id_of(signer.public_key())
    assert repr(signer) == f"Ed25519Signer(key_id={signer.key_id!r})"
    with pytest.raises(SigningKeyError) as caught:
        generate_key_file(path)
    assert caught.value.code == "key_file_exists"


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660])
def test_a_key_file_open_to_others_is_refused(tmp_path: Path, mode: int) -> None:
    """A private key readable or writable by group or others is refused with chmod advice."""
    path = tmp_path / "kunci.pem"
    generate_key_file(path)
    os.chmod(path, mode)
    with pytest.raises(SigningKeyError) as caught:
        load_key_file(path)
    assert caught.value.code == "key_file_permissions"
    assert "chmod 600" in caught.value.message


def test_missing_and_foreign_key_files_are_refused(tmp_path: Path) -> None:
    """A missing file and a file that is not an Ed25519 private key are typed refusals."""
    with pytest.raises(SigningKeyError) as missing:
        load_key_file(tmp_path / "tidak-ada.pem")
    assert missing.value.code == "key_file_unreadable"
    junk = tmp_path / "junk.pem"
    junk.write_text("bukan kunci")
    junk.chmod(0o600)
    with pytest.raises(SigningKeyError) as invalid:
        load_key_file(junk)
    assert invalid.value.code == "key_invalid"


def test_keys_from_the_environment() -> None:
    """PEM text, base64 of the seed and base64 of PKCS #8 DER give the same key; an unset or
    bad variable is refused without showing its value."""
    key = Ed25519PrivateKey.generate()
    expected = Ed25519Signer(key).key_id
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    seed = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    for value in (pem, base64.b64encode(seed).decode(), base64.b64encode(der).decode()):
        assert key_from_env("KUNCI", {"KUNCI": value}).key_id == expected
    with pytest.raises(SigningKeyError) as unset:
        key_from_env("KUNCI", {})
    assert unset.value.code == "key_env_missing"
    with pytest.raises(SigningKeyError) as bad:
        key_from_env("KUNCI", {"KUNCI": "rahasia-yang-salah"})
    assert bad.value.code == "key_invalid"
    assert "rahasia-yang-salah" not in bad.value.message + bad.value.message_en


def test_a_keyring_from_files_folders_and_toml(tmp_path: Path) -> None:
    """Public keys come from PEM files, a folder of them, and a keyring TOML (inline PEM or a
    file); a verifier holds them all and verifies only its own keys' signatures."""
    a = generate_key_file(tmp_path / "a.pem")
    folder = tmp_path / "publik"
    folder.mkdir()
    b = generate_key_file(tmp_path / "b.pem")
    (tmp_path / "b.pem.pub").rename(folder / "b.pub")
    c = Ed25519Signer(Ed25519PrivateKey.generate())
    toml = tmp_path / "keyring.toml"
    toml.write_text(
        f'[[keys]]\npublic_key = """{public_key_pem(c.public_key())}"""\n'
        '[[keys]]\nfile = "a.pem.pub"\n'
    )
    ring = load_keyring([folder, toml])
    assert ring.key_ids == {a.key_id, b.key_id, c.key_id}
    assert ring.verify(b"pesan", c.sign(b"pesan"), c.key_id)
    assert not ring.verify(b"pesan", c.sign(b"pesan"), a.key_id)
    assert not ring.verify(b"pesan lain", c.sign(b"pesan"), c.key_id)
    assert not ring.verify(b"pesan", c.sign(b"pesan"), "0000000000000000")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[keys]]\nnama = 1\n")
    with pytest.raises(SigningKeyError):
        load_keyring([bad])
    with pytest.raises(SigningKeyError):
        load_keyring([tmp_path / "tidak-ada.pub"])


_OFFICE = """
[office]
code = "KNJP"
name = "Kejaksaan Negeri Jakarta Pusat"
address = "Jl. Merdeka 1"
telephone = "(021) 1234567"
whatsapp = "0811-1000-2000"
website = "https://kejari-jakpus.kejaksaan.go.id"
"""


def test_the_signing_section_builds_the_desks_signing(tmp_path: Path) -> None:
    """[signing] key_file and public_keys (relative to the file) give a desk that signs with
    the key and verifies with it and the old keys."""
    generate_key_file(tmp_path / "kunci.pem")
    old = generate_key_file(tmp_path / "lama.pem")
    config_file = tmp_path / "kantor.toml"
    config_file.write_text(
        _OFFICE + '[signing]\nkey_file = "kunci.pem"\npublic_keys = ["lama.pem.pub"]\n'
        '[storage]\nsqlite = "aduan.sqlite3"\n'
    )
    assert check_office_config(config_file) == []
    config = load_office_config(config_file)
    assert config.signing is not None
    signing = signing_from_config(config)
    assert signing is not None
    assert signing.signer is not None
    assert signing.verifier is not None
    assert signing.verifier.key_ids == {signing.signer.key_id, old.key_id}
    with bootstrap(
        config=config, messenger=InMemoryMessenger(), media=InMemoryMediaFetcher()
    ) as services:
        assert services.desk.signing is not None
        assert services.desk.signing.signer is not None
        assert services.desk.signing.signer.key_id == signing.signer.key_id


def test_the_signing_section_from_the_environment() -> None:
    """key_env names the variable; bootstrap refuses when it is unset."""
    config = parse_office_config(_OFFICE + '[signing]\nkey_env = "KNJP_KUNCI"\n')
    key = base64.b64encode(bytes(range(32))).decode()
    signing = signing_from_config(config, {"KNJP_KUNCI": key})
    assert signing is not None
    assert signing.unsigned == "refuse"
    with pytest.raises(SigningKeyError):
        signing_from_config(config, {})


def test_signing_section_problems_are_reported_with_their_lines(tmp_path: Path) -> None:
    """Both or neither key source, a key file open to others, a missing public key and an
    unknown policy are configuration problems, each with its code."""
    open_key = tmp_path / "terbuka.pem"
    generate_key_file(open_key)
    open_key.chmod(0o644)
    config_file = tmp_path / "kantor.toml"
    config_file.write_text(
        _OFFICE + '[signing]\nkey_file = "terbuka.pem"\npublic_keys = ["hilang.pub"]\n'
        'unsigned = "abaikan"\n'
    )
    codes = {p.code for p in check_office_config(config_file)}
    assert codes == {"key_file_permissions", "public_key_not_found", "invalid_choice"}
    both = _OFFICE + '[signing]\nkey_file = "a.pem"\nkey_env = "KUNCI"\n'
    assert "signing_key_source" in {p.code for p in check_office_config(both)}
    neither = _OFFICE + "[signing]\n"
    assert "signing_key_source" in {p.code for p in check_office_config(neither)}
    secret = _OFFICE + '[signing]\nkey_env = "-----BEGIN PRIVATE KEY-----"\n'
    assert "invalid_env_name" in {p.code for p in check_office_config(secret)}
    with pytest.raises(ConfigurationError):
        load_office_config(config_file)
