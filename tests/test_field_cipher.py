"""
The AES-GCM field cipher: values sealed for their place, opened only there and only intact,
blind indexes keyed and per purpose, rotation, and the ``[personal_data]`` configuration that
builds it.
"""

from __future__ import annotations

import base64
import hmac
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import assume, given
from hypothesis import strategies as st

from layanan_aduan.adapters.data_keys import (
    StaticKeyring,
    data_key_id,
    generate_data_key_file,
)
from layanan_aduan.adapters.field_cipher import (
    AesGcmFieldCipher,
    PlainFieldCipher,
    field_cipher_from_config,
)
from layanan_aduan.adapters.office_config import (
    PersonalDataSettings,
    check_office_config,
    load_office_config,
    parse_office_config,
)
from layanan_aduan.exceptions import (
    ConfigurationError,
    MissingDependencyError,
    PersonalDataKeyError,
    PersonalDataUnreadableError,
)
from layanan_aduan.ports import FieldCipher

OLD = bytes(range(32))
NEW = bytes(range(100, 132))
OTHER = bytes(range(200, 232))
OLD_CIPHER = AesGcmFieldCipher(StaticKeyring([OLD]))
ROTATED = AesGcmFieldCipher(StaticKeyring([NEW, OLD]))
OTHER_CIPHER = AesGcmFieldCipher(StaticKeyring([OTHER]))
CONTEXT = "report_personal/KNJP-2026-0001/3"

contexts = st.text(max_size=40)
# Characters a changed token may hold: its own alphabet, separators, and some it never has.
token_chars = st.sampled_from(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=:. é\x00"
)


def _hkdf(key: bytes, info: bytes) -> bytes:
    """RFC 5869 HKDF-SHA256 (zero salt, 32 bytes), written here apart from the adapter."""
    prk = hmac.digest(bytes(32), key, "sha256")
    return hmac.digest(prk, info + b"\x01", "sha256")


def test_the_sealed_format_is_the_documented_one() -> None:
    """A token is v1:<key id>:<unpadded base64url of nonce || ciphertext || tag>, the key is
    HKDF-SHA256 of the master key with the sealing label, and the context is the AAD."""
    sealed = OLD_CIPHER.seal("Budi Santoso", CONTEXT)
    version, key_id, encoded = sealed.split(":")
    assert (version, key_id) == ("v1", data_key_id(OLD))
    assert "=" not in encoded
    raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    assert len(raw) == 12 + len(b"Budi Santoso") + 16
    key = _hkdf(OLD, b"layanan-aduan/personal-data/seal/aes-256-gcm/v1")
    assert AESGCM(key).decrypt(raw[:12], raw[12:], CONTEXT.encode()) == b"Budi Santoso"
    assert sealed.isascii()


def test_the_blind_index_is_the_documented_hmac() -> None:
    """A blind index is <key id>:<first 32 hex of HMAC-SHA256(index key, purpose NUL value)>
    with the index key HKDF-derived under its own label (not the sealing key)."""
    index_key = _hkdf(OLD, b"layanan-aduan/personal-data/blind-index/hmac-sha256/v1")
    digest = hmac.digest(index_key, b"reporter_phone\x00+6281234567890", "sha256").hex()[:32]
    assert OLD_CIPHER.blind_index("+6281234567890", "reporter_phone") == (
        f"{data_key_id(OLD)}:{digest}"
    )
    seal_key = _hkdf(OLD, b"layanan-aduan/personal-data/seal/aes-256-gcm/v1")
    assert index_key != seal_key


def test_the_cipher_is_a_field_cipher_and_names_its_key() -> None:
    """The cipher satisfies the port, encrypts, names the current key and shows no key."""
    assert isinstance(ROTATED, FieldCipher)
    assert ROTATED.encrypts is True
    assert ROTATED.key_id == data_key_id(NEW)
    text = repr(ROTATED)
    assert data_key_id(NEW) in text
    assert data_key_id(OLD) in text
    for key in (OLD, NEW):
        assert key.hex() not in text
        assert base64.b64encode(key).decode() not in text


@given(st.text(), contexts)
def test_a_sealed_value_opens_in_its_context(plaintext: str, context: str) -> None:
    """open(seal(x, c), c) == x for any text and any context."""
    assert ROTATED.open(ROTATED.seal(plaintext, context), context) == plaintext


def test_text_python_cannot_encode_still_round_trips() -> None:
    """A lone surrogate (text no UTF-8 encoder takes) is sealed and opened unchanged."""
    text = "nama \udcff"
    assert ROTATED.open(ROTATED.seal(text, "x\udc80"), "x\udc80") == text


@given(st.text(), contexts, contexts)
def test_a_sealed_value_does_not_open_in_another_context(
    plaintext: str, context: str, other: str
) -> None:
    """A value copied to another row does not open there: a typed refusal, no plaintext."""
    assume(context != other)
    with pytest.raises(PersonalDataUnreadableError) as caught:
        ROTATED.open(ROTATED.seal(plaintext, context), other)
    assert caught.value.code == "personal_data_unreadable"


@given(st.text(min_size=1), st.data())
def test_any_single_character_change_of_a_token_is_refused(
    plaintext: str, data: st.DataObject
) -> None:
    """Changing any one character of a token makes it refuse to open, with a typed error."""
    sealed = ROTATED.seal(plaintext, CONTEXT)
    i = data.draw(st.integers(0, len(sealed) - 1), label="position")
    char = data.draw(token_chars.filter(lambda c: c != sealed[i]), label="replacement")
    altered = sealed[:i] + char + sealed[i + 1 :]
    with pytest.raises(PersonalDataUnreadableError) as caught:
        ROTATED.open(altered, CONTEXT)
    assert caught.value.code in {"personal_data_unreadable", "personal_data_key_unknown"}


@given(st.text(min_size=1), st.data())
def test_a_cut_or_lengthened_token_is_refused(plaintext: str, data: st.DataObject) -> None:
    """A token with characters removed from or added to its end does not open."""
    sealed = ROTATED.seal(plaintext, CONTEXT)
    cut = data.draw(st.integers(1, len(sealed) - 1), label="cut")
    extra = data.draw(st.text(token_chars, min_size=1, max_size=4), label="extra")
    for altered in (sealed[:cut], sealed + extra):
        with pytest.raises(PersonalDataUnreadableError):
            ROTATED.open(altered, CONTEXT)


@given(st.text(min_size=8), contexts)
def test_a_sealed_token_never_holds_its_plaintext(plaintext: str, context: str) -> None:
    """The token of a value of eight characters or more never contains it."""
    sealed = ROTATED.seal(plaintext, context)
    assert plaintext not in sealed


@given(st.text(min_size=1))
def test_sealing_twice_gives_different_tokens(plaintext: str) -> None:
    """Each seal draws a fresh nonce: equal values do not give equal tokens."""
    assert ROTATED.seal(plaintext, CONTEXT) != ROTATED.seal(plaintext, CONTEXT)


@given(st.text(), st.text(), st.text())
def test_blind_indexes_are_deterministic_and_differ_by_purpose_and_key(
    value: str, purpose: str, other_purpose: str
) -> None:
    """Equal values give equal indexes; another purpose or another key gives another one."""
    index = OLD_CIPHER.blind_index(value, purpose)
    assert index == AesGcmFieldCipher(StaticKeyring([OLD])).blind_index(value, purpose)
    assert index.startswith(data_key_id(OLD) + ":")
    assert len(index.split(":")[1]) == 32
    assert index.split(":")[1] != OTHER_CIPHER.blind_index(value, purpose).split(":")[1]
    if purpose != other_purpose:
        assert index != OLD_CIPHER.blind_index(value, other_purpose)


@given(st.text(min_size=1), st.text(min_size=1))
def test_different_values_give_different_indexes(value: str, other: str) -> None:
    """Different values give different indexes for one purpose."""
    assume(value != other)
    assert OLD_CIPHER.blind_index(value, "p") != OLD_CIPHER.blind_index(other, "p")


@given(st.text(), st.text())
def test_blind_indexes_are_current_first_and_cover_every_key(value: str, purpose: str) -> None:
    """blind_indexes gives the current key's index first, then every other key's."""
    indexes = ROTATED.blind_indexes(value, purpose)
    new_only = AesGcmFieldCipher(StaticKeyring([NEW]))
    assert indexes == (new_only.blind_index(value, purpose), OLD_CIPHER.blind_index(value, purpose))
    assert indexes[0] == ROTATED.blind_index(value, purpose)
    assert OLD_CIPHER.blind_indexes(value, purpose) == (OLD_CIPHER.blind_index(value, purpose),)


@given(st.text(), contexts)
def test_a_rotated_keyring_opens_old_values_and_seals_under_the_new_key(
    plaintext: str, context: str
) -> None:
    """Values sealed under the old key open after a rotation; new ones name the new key,
    and a keyring without the new key refuses them as sealed under an unknown key."""
    old_sealed = OLD_CIPHER.seal(plaintext, context)
    assert ROTATED.open(old_sealed, context) == plaintext
    assert ROTATED.sealed_key_id(old_sealed) == data_key_id(OLD)
    new_sealed = ROTATED.seal(plaintext, context)
    assert ROTATED.sealed_key_id(new_sealed) == data_key_id(NEW)
    with pytest.raises(PersonalDataUnreadableError) as caught:
        OLD_CIPHER.open(new_sealed, context)
    assert caught.value.code == "personal_data_key_unknown"
    assert caught.value.details["key_id"] == data_key_id(NEW)


@given(st.text(), contexts)
def test_plain_values_open_and_name_the_plain_key(plaintext: str, context: str) -> None:
    """A value PlainFieldCipher sealed opens under AES-GCM too, and its key id is "plain"."""
    sealed = PlainFieldCipher().seal(plaintext, context)
    assert ROTATED.open(sealed, context) == plaintext
    assert ROTATED.sealed_key_id(sealed) == "plain"


def test_refusals_hold_no_plaintext_and_no_key() -> None:
    """An error for a value that does not open says where it was kept, never the value or
    a key; a context's row part is left out of the details."""
    personal = "Budi Santoso 3171010101900001"
    sealed = ROTATED.seal(personal, CONTEXT)
    errors = []
    for cipher, context in ((ROTATED, "report_personal/other/1"), (OTHER_CIPHER, CONTEXT)):
        with pytest.raises(PersonalDataUnreadableError) as caught:
            cipher.open(sealed, context)
        errors.append(caught.value)
    for error in errors:
        shown = f"{error} {error.message_en} {error.details!r} {error!r}"
        assert "Budi" not in shown
        assert "3171" not in shown
        for key in (OLD, NEW, OTHER):
            assert key.hex() not in shown
            assert base64.b64encode(key).decode() not in shown
        assert error.details["context"] == "report_personal"


@pytest.mark.parametrize(
    "sealed",
    ["", "v1", "v1::AAAA", "v2:abc:AAAA", "x:y", "v1:abc:AAAA:more", "v1:" + "a" * 65 + ":AAAA"],
)
def test_malformed_tokens_are_refused(sealed: str) -> None:
    """Text that is no token is refused, by open and by sealed_key_id alike."""
    with pytest.raises(PersonalDataUnreadableError) as caught:
        ROTATED.open(sealed, CONTEXT)
    assert caught.value.code == "personal_data_unreadable"
    with pytest.raises(PersonalDataUnreadableError):
        ROTATED.sealed_key_id(sealed)


def test_a_short_body_is_refused() -> None:
    """A token whose body is shorter than a nonce and a tag is refused, not passed on."""
    body = base64.urlsafe_b64encode(bytes(20)).rstrip(b"=").decode()
    with pytest.raises(PersonalDataUnreadableError):
        ROTATED.open(f"v1:{data_key_id(NEW)}:{body}", CONTEXT)


class _ShortKeyring:
    """A keyring whose only key is 16 bytes: not a personal-data key."""

    current_key_id = "pendek"
    key_ids = frozenset({"pendek"})

    def key(self, key_id: str) -> bytes:
        """The short key."""
        return bytes(16)


def test_a_keyring_with_a_short_key_is_refused() -> None:
    """Building the cipher over a key that is not 32 bytes is a typed refusal."""
    with pytest.raises(PersonalDataKeyError) as caught:
        AesGcmFieldCipher(_ShortKeyring())
    assert caught.value.code == "personal_data_key_invalid"


def test_without_cryptography_the_cipher_names_the_personal_data_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without cryptography the keys still load, and building the cipher raises missing_extra
    naming [personal-data]."""
    for name in [m for m in sys.modules if m == "cryptography" or m.startswith("cryptography.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "cryptography", None)
    ring = StaticKeyring([OLD])
    with pytest.raises(MissingDependencyError) as caught:
        AesGcmFieldCipher(ring)
    assert caught.value.details == {"extra": "personal-data", "module": "cryptography"}
    assert "pip install 'layanan-aduan[personal-data]'" in str(caught.value)


# --- [personal_data] in the office configuration -------------------------------------------

_OFFICE = """
[office]
code = "KNJP"
name = "Kejaksaan Negeri Jakarta Pusat"
address = "Jl. Merdeka 1"
telephone = "(021) 1234567"
whatsapp = "0811-1000-2000"
website = "https://kejari-jakpus.kejaksaan.go.id"
"""


def test_without_the_section_nothing_is_encrypted() -> None:
    """A configuration without [personal_data] gives the plain cipher."""
    config = parse_office_config(_OFFICE)
    assert config.personal_data is None
    assert isinstance(field_cipher_from_config(config), PlainFieldCipher)
    assert isinstance(field_cipher_from_config(None), PlainFieldCipher)
    assert isinstance(field_cipher_from_config(PersonalDataSettings()), PlainFieldCipher)


def test_the_section_with_a_key_file_builds_the_aes_cipher(tmp_path: Path) -> None:
    """key_file (relative to the configuration's folder) gives AES-GCM under the file's keys."""
    ring = generate_data_key_file(tmp_path / "data.keys")
    config_file = tmp_path / "kantor.toml"
    config_file.write_text(_OFFICE + '[personal_data]\nkey_file = "data.keys"\n')
    assert check_office_config(config_file) == []
    config = load_office_config(config_file)
    assert config.personal_data == PersonalDataSettings(key_file=tmp_path / "data.keys")
    cipher = field_cipher_from_config(config)
    assert isinstance(cipher, AesGcmFieldCipher)
    assert cipher.key_id == ring.current_key_id
    assert cipher.open(cipher.seal("x", "c"), "c") == "x"


def test_the_section_with_a_key_variable_builds_the_aes_cipher() -> None:
    """key_env names the variable: its base64 key seals; an unset variable is refused."""
    config = parse_office_config(_OFFICE + '[personal_data]\nkey_env = "KNJP_DATA_KEYS"\n')
    assert config.personal_data == PersonalDataSettings(key_env="KNJP_DATA_KEYS")
    environ = {"KNJP_DATA_KEYS": base64.b64encode(NEW).decode()}
    cipher = field_cipher_from_config(config, environ)
    assert cipher.key_id == data_key_id(NEW)
    with pytest.raises(PersonalDataKeyError) as caught:
        field_cipher_from_config(config, {})
    assert caught.value.code == "personal_data_key_missing"


def test_personal_data_section_problems_are_reported_with_their_lines(tmp_path: Path) -> None:
    """Both or neither key source, a key file open to others or missing, a secret given as a
    variable name and an unknown key are configuration problems, each with its line."""
    generate_data_key_file(tmp_path / "terbuka.keys").path.chmod(0o640)
    config_file = tmp_path / "kantor.toml"
    config_file.write_text(_OFFICE + '[personal_data]\nkey_file = "terbuka.keys"\n')
    (problem,) = check_office_config(config_file)
    assert (problem.path, problem.code, problem.line) == (
        "personal_data.key_file",
        "personal_data_key_invalid",
        10,
    )
    assert "chmod 600" in problem.message
    with pytest.raises(ConfigurationError):
        load_office_config(config_file)
    cases = {
        '[personal_data]\nkey_file = "a.keys"\nkey_env = "KUNCI"\n': "personal_data_key_source",
        "[personal_data]\n": "personal_data_key_source",
        '[personal_data]\nkey_file = "hilang.keys"\n': "personal_data_key_invalid",
        '[personal_data]\nkey_env = "q4V0+rahasia="\n': "invalid_env_name",
        '[personal_data]\nkey_env = "KUNCI"\nkunci = "x"\n': "unknown_key",
    }
    for text, code in cases.items():
        codes = {p.code for p in check_office_config(_OFFICE + text)}
        assert code in codes, (text, codes)
    assert "invalid_type" in {p.code for p in check_office_config("personal_data = 1\n" + _OFFICE)}


def test_a_token_with_unused_base64_bits_set_is_refused() -> None:
    """The last character's unused bits are part of the token: a token that decodes to the
    same bytes but is not the canonical text does not open."""
    sealed = ROTATED.seal("x", CONTEXT)  # 12 + 1 + 16 = 29 bytes: 2 unused bits at the end
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(sealed[-1])
    assert last % 4 == 0
    altered = sealed[:-1] + alphabet[last + 1]
    body = altered.split(":")[2]
    assert base64.urlsafe_b64decode(body + "===") == base64.urlsafe_b64decode(
        sealed.split(":")[2] + "==="
    )
    with pytest.raises(PersonalDataUnreadableError):
        ROTATED.open(altered, CONTEXT)


def test_plain_values_can_be_refused_once_everything_is_sealed() -> None:
    """With accept_plain=False a readable value is refused typed; sealed values still open
    and a plain value's key id is still named (so a rotation can find it)."""
    strict = AesGcmFieldCipher(StaticKeyring([NEW, OLD]), accept_plain=False)
    plain = PlainFieldCipher().seal("Budi", CONTEXT)
    with pytest.raises(PersonalDataUnreadableError) as caught:
        strict.open(plain, CONTEXT)
    assert caught.value.code == "personal_data_unreadable"
    assert "Budi" not in str(caught.value)
    assert strict.sealed_key_id(plain) == "plain"
    assert strict.open(OLD_CIPHER.seal("Budi", CONTEXT), CONTEXT) == "Budi"
