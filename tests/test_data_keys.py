"""
Personal-data keyrings: the key file (owner only, never overwritten, rotated and retired
atomically), the environment variable, keys given in code, and the ``kunci-data`` commands.
"""

from __future__ import annotations

import base64
import io
import json
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layanan_aduan.adapters.data_keys import (
    ENV_DATA_KEYS,
    EnvironmentKeyring,
    KeyFileKeyring,
    StaticKeyring,
    data_key_id,
    generate_data_key_file,
    retire_data_key,
    rotate_data_key_file,
)
from layanan_aduan.adapters.field_cipher import AesGcmFieldCipher
from layanan_aduan.entrypoints.cli import main
from layanan_aduan.exceptions import PersonalDataKeyError
from layanan_aduan.ports import DataKeyring

KEY = bytes(range(32))
KEY_B64 = base64.b64encode(KEY).decode()

OFFICE = """
[office]
code = "KNJP"
name = "Kejaksaan Negeri Jakarta Pusat"
address = "Jl. Merdeka 1"
telephone = "(021) 1234567"
whatsapp = "0811-1000-2000"
website = "https://kejari-jakpus.kejaksaan.go.id"
"""


def _write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def _reason(caught: pytest.ExceptionInfo[PersonalDataKeyError]) -> tuple[str, str]:
    return caught.value.code, caught.value.details.get("reason", "")


def test_the_key_id_names_a_key_without_revealing_it() -> None:
    """A key id is 16 hex digits, the same for the same key, other for another, and holds
    no part of the key."""
    key_id = data_key_id(KEY)
    assert len(key_id) == 16
    assert int(key_id, 16) >= 0
    assert key_id == data_key_id(bytes(KEY))
    assert key_id != data_key_id(bytes(32))
    assert key_id not in KEY.hex()


def test_a_generated_key_file_is_the_owners_alone_and_loads_back(tmp_path: Path) -> None:
    """generate_data_key_file writes mode 0600 TOML with one current key, which loads back."""
    path = tmp_path / "data.keys"
    ring = generate_data_key_file(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert isinstance(ring, DataKeyring)
    loaded = KeyFileKeyring.load(path)
    assert loaded.current_key_id == ring.current_key_id
    assert loaded.key_ids == {ring.current_key_id}
    key = loaded.key(loaded.current_key_id)
    assert len(key) == 32
    assert data_key_id(key) == loaded.current_key_id
    for shown in (repr(ring), repr(loaded)):
        assert ring.current_key_id in shown
        assert base64.b64encode(key).decode() not in shown
        assert key.hex() not in shown


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    """A second generation over the same path is refused and leaves the first key in place."""
    path = tmp_path / "data.keys"
    ring = generate_data_key_file(path)
    before = path.read_bytes()
    with pytest.raises(PersonalDataKeyError) as caught:
        generate_data_key_file(path)
    assert _reason(caught) == ("personal_data_key_invalid", "exists")
    assert path.read_bytes() == before
    assert KeyFileKeyring.load(path).current_key_id == ring.current_key_id


def test_a_key_file_that_cannot_be_written_is_refused(tmp_path: Path) -> None:
    """A key file in a folder that does not exist is a typed refusal."""
    with pytest.raises(PersonalDataKeyError) as caught:
        generate_data_key_file(tmp_path / "tidak-ada" / "data.keys")
    assert _reason(caught) == ("personal_data_key_invalid", "unreadable")


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660, 0o606, 0o610])
def test_a_key_file_open_to_others_is_refused(tmp_path: Path, mode: int) -> None:
    """A key file group or others may read, write or run is refused with chmod advice."""
    path = tmp_path / "data.keys"
    generate_data_key_file(path)
    path.chmod(mode)
    with pytest.raises(PersonalDataKeyError) as caught:
        KeyFileKeyring.load(path)
    assert _reason(caught) == ("personal_data_key_invalid", "permissions")
    assert "chmod 600" in caught.value.message
    assert "chmod 600" in caught.value.message_en
    with pytest.raises(PersonalDataKeyError):
        rotate_data_key_file(path)


def test_a_missing_key_file_is_refused(tmp_path: Path) -> None:
    """Loading, rotating or retiring a missing file is refused; none of them creates it."""
    path = tmp_path / "data.keys"
    for attempt in (
        lambda: KeyFileKeyring.load(path),
        lambda: rotate_data_key_file(path),
        lambda: retire_data_key(path, "0" * 16),
    ):
        with pytest.raises(PersonalDataKeyError) as caught:
            attempt()
        assert _reason(caught) == ("personal_data_key_invalid", "missing")
    assert not path.exists()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "format"),
        ("bukan toml [", "format"),
        (f'current = "{data_key_id(KEY)}"\n', "format"),
        (f'current = "{data_key_id(KEY)}"\n[keys]\n', "format"),
        (f'current = "{data_key_id(KEY)}"\n[keys]\n"{data_key_id(KEY)}" = 5\n', "format"),
        (f'current = "{data_key_id(KEY)}"\n[keys]\n"{data_key_id(KEY)}" = "@@@@"\n', "base64"),
        (f'current = "{data_key_id(KEY)}"\n[keys]\n"{data_key_id(KEY)}" = "AAAA"\n', "length"),
        (f'current = "0000000000000000"\n[keys]\n"0000000000000000" = "{KEY_B64}"\n', "key_id"),
        (f'current = "ffffffffffffffff"\n[keys]\n"{data_key_id(KEY)}" = "{KEY_B64}"\n', "current"),
        (f'[keys]\n"{data_key_id(KEY)}" = "{KEY_B64}"\n', "format"),
    ],
)
def test_a_key_file_without_valid_keys_is_refused(tmp_path: Path, text: str, reason: str) -> None:
    """Not TOML, no keys, bad base64, a key not 32 bytes, an id that is not its key's, or a
    current key not held: each refused with its reason and without the key in the message."""
    path = _write(tmp_path / "data.keys", text)
    with pytest.raises(PersonalDataKeyError) as caught:
        KeyFileKeyring.load(path)
    assert _reason(caught) == ("personal_data_key_invalid", reason)
    assert KEY_B64 not in f"{caught.value} {caught.value.message_en}"


def test_a_key_file_that_is_not_text_is_refused(tmp_path: Path) -> None:
    """A key file that is not UTF-8 is refused as a format problem."""
    path = tmp_path / "data.keys"
    path.write_bytes(b"\xff\xfe")
    path.chmod(0o600)
    with pytest.raises(PersonalDataKeyError) as caught:
        KeyFileKeyring.load(path)
    assert _reason(caught) == ("personal_data_key_invalid", "format")


def test_a_key_file_may_be_json(tmp_path: Path) -> None:
    """The same content as one JSON object loads too."""
    text = json.dumps({"current": data_key_id(KEY), "keys": {data_key_id(KEY): KEY_B64}})
    ring = KeyFileKeyring.load(_write(tmp_path / "data.json", text))
    assert ring.key(data_key_id(KEY)) == KEY


def test_rotation_keeps_the_old_keys_and_retirement_drops_one(tmp_path: Path) -> None:
    """A rotation adds a current key and keeps the old one (file still 0600, no temporary
    left); the old key is retired, the current one and an unknown one are not."""
    path = tmp_path / "data.keys"
    first = generate_data_key_file(path)
    old_key = first.key(first.current_key_id)
    rotated = rotate_data_key_file(path)
    assert rotated.current_key_id != first.current_key_id
    assert rotated.key_ids == {first.current_key_id, rotated.current_key_id}
    assert rotated.key(first.current_key_id) == old_key
    assert path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.keys"]
    loaded = KeyFileKeyring.load(path)
    assert (loaded.current_key_id, loaded.key_ids) == (rotated.current_key_id, rotated.key_ids)

    with pytest.raises(PersonalDataKeyError) as caught:
        retire_data_key(path, rotated.current_key_id)
    assert _reason(caught) == ("personal_data_key_invalid", "retire_current")
    with pytest.raises(PersonalDataKeyError) as caught:
        retire_data_key(path, "0123456789abcdef")
    assert caught.value.code == "personal_data_key_unknown"
    assert KeyFileKeyring.load(path).key_ids == rotated.key_ids

    retired = retire_data_key(path, first.current_key_id)
    assert retired.key_ids == {rotated.current_key_id}
    assert KeyFileKeyring.load(path).key_ids == {rotated.current_key_id}
    assert path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.keys"]


@settings(max_examples=20)
@given(st.integers(1, 5), st.randoms(use_true_random=False))
def test_rotations_keep_every_key_and_retiring_leaves_the_current(
    rotations: int, random: object
) -> None:
    """After any number of rotations every key is still held and the last is current; a
    value sealed under each key opens; retiring all old keys leaves the current one alone."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.keys"
        ring = generate_data_key_file(path)
        sealed = [AesGcmFieldCipher(ring).seal("nilai", "c")]
        seen = [ring.current_key_id]
        for _ in range(rotations):
            ring = rotate_data_key_file(path)
            seen.append(ring.current_key_id)
            sealed.append(AesGcmFieldCipher(ring).seal("nilai", "c"))
        ring = KeyFileKeyring.load(path)
        assert ring.current_key_id == seen[-1]
        assert ring.key_ids == set(seen)
        cipher = AesGcmFieldCipher(ring)
        assert [cipher.open(s, "c") for s in sealed] == ["nilai"] * len(sealed)
        assert [cipher.sealed_key_id(s) for s in sealed] == seen
        old = seen[:-1]
        random.shuffle(old)  # type: ignore[attr-defined]
        for key_id in old:
            retire_data_key(path, key_id)
        assert KeyFileKeyring.load(path).key_ids == {seen[-1]}


def test_rotations_at_once_keep_every_new_key(tmp_path: Path) -> None:
    """Rotations run at the same time are taken one after another: every new key is kept."""
    path = tmp_path / "data.keys"
    first = generate_data_key_file(path)
    with ThreadPoolExecutor(max_workers=6) as pool:
        rings = list(pool.map(lambda _: rotate_data_key_file(path), range(12)))
    held = KeyFileKeyring.load(path).key_ids
    assert held == {first.current_key_id} | {r.current_key_id for r in rings}
    assert len(held) == 13
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.keys"]


def test_keys_given_in_code() -> None:
    """StaticKeyring makes the first key current, and refuses none or a short key."""
    other = bytes(range(1, 33))
    ring = StaticKeyring([other, KEY])
    assert ring.current_key_id == data_key_id(other)
    assert ring.key_ids == {data_key_id(other), data_key_id(KEY)}
    assert ring.key(data_key_id(KEY)) == KEY
    with pytest.raises(PersonalDataKeyError) as caught:
        ring.key("tidak-ada")
    assert caught.value.code == "personal_data_key_unknown"
    with pytest.raises(PersonalDataKeyError) as caught:
        StaticKeyring([])
    assert _reason(caught) == ("personal_data_key_invalid", "missing")
    with pytest.raises(PersonalDataKeyError) as caught:
        StaticKeyring([bytes(31)])
    assert _reason(caught) == ("personal_data_key_invalid", "length")


def test_keys_from_the_environment(tmp_path: Path) -> None:
    """One base64 key (current), or the key file's TOML or JSON content, from a variable."""
    ring = EnvironmentKeyring.from_env(environ={ENV_DATA_KEYS: f"  {KEY_B64}\n"})
    assert (ring.current_key_id, ring.key_ids) == (data_key_id(KEY), {data_key_id(KEY)})
    generate_data_key_file(tmp_path / "data.keys")
    filed = KeyFileKeyring.load(rotate_data_key_file(tmp_path / "data.keys").path)
    text = (tmp_path / "data.keys").read_text()
    from_toml = EnvironmentKeyring.from_env("KUNCI", {"KUNCI": text})
    assert (from_toml.current_key_id, from_toml.key_ids) == (filed.current_key_id, filed.key_ids)
    as_json = json.dumps(
        {
            "current": filed.current_key_id,
            "keys": {k: base64.b64encode(filed.key(k)).decode() for k in filed.key_ids},
        }
    )
    from_json = EnvironmentKeyring.from_env("KUNCI", {"KUNCI": as_json})
    assert (from_json.current_key_id, from_json.key_ids) == (filed.current_key_id, filed.key_ids)
    assert KEY_B64 not in repr(ring)


def test_the_environment_is_read_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a mapping the process environment's LAYANAN_ADUAN_DATA_KEYS is read."""
    monkeypatch.setenv(ENV_DATA_KEYS, KEY_B64)
    assert EnvironmentKeyring.from_env().current_key_id == data_key_id(KEY)


@pytest.mark.parametrize(
    ("value", "code", "reason"),
    [
        ("", "personal_data_key_missing", "missing"),
        ("   ", "personal_data_key_missing", "missing"),
        ("AAAA", "personal_data_key_invalid", "length"),
        (base64.b64encode(bytes(33)).decode(), "personal_data_key_invalid", "length"),
        ("bukan kunci", "personal_data_key_invalid", "format"),
        ('{"current": "x"}', "personal_data_key_invalid", "format"),
        ("{", "personal_data_key_invalid", "format"),
        (f'current = "x"\n[keys]\n"x" = "{KEY_B64}"\n', "personal_data_key_invalid", "key_id"),
    ],
)
def test_a_variable_without_a_valid_key_is_refused(value: str, code: str, reason: str) -> None:
    """An empty variable, a key of the wrong length, and text that holds no keys are refused."""
    with pytest.raises(PersonalDataKeyError) as caught:
        EnvironmentKeyring.from_env("KUNCI", {"KUNCI": value})
    assert _reason(caught) == (code, reason)
    assert "KUNCI" in caught.value.message


def test_an_unset_variable_is_refused() -> None:
    """A variable that is not set at all is personal_data_key_missing."""
    with pytest.raises(PersonalDataKeyError) as caught:
        EnvironmentKeyring.from_env("KUNCI", {})
    assert caught.value.code == "personal_data_key_missing"


@given(
    st.one_of(
        st.text(),
        st.binary(max_size=40).map(lambda b: base64.b64encode(b).decode()),
        st.binary(min_size=32, max_size=32).map(
            lambda b: (
                f'current = "{data_key_id(b)}"\n[keys]\n'
                f'"{data_key_id(b)}" = "{base64.b64encode(b).decode()}"\n'
            )
        ),
    )
)
def test_any_variable_value_is_a_keyring_or_a_typed_refusal(value: str) -> None:
    """Whatever a variable holds, reading it gives a keyring of 32-byte keys or a typed
    refusal, never another exception."""
    refusal: PersonalDataKeyError | None = None
    try:
        ring = EnvironmentKeyring.from_env("KUNCI", {"KUNCI": value})
    except PersonalDataKeyError as e:
        refusal = e
    if refusal is not None:
        assert refusal.code in {"personal_data_key_missing", "personal_data_key_invalid"}
        return
    assert ring.current_key_id in ring.key_ids
    assert all(len(ring.key(k)) == 32 for k in ring.key_ids)


# --- the kunci-data commands ------------------------------------------------------------------


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), stdout=out), out.getvalue()


def test_the_key_commands_generate_rotate_and_retire(tmp_path: Path) -> None:
    """buat writes a 0600 file and names its key; putar names the new key and keeps the old;
    pensiun drops the old; no output holds a key."""
    path = tmp_path / "data.keys"
    status, out = run("kunci-data", "buat", str(path))
    assert status == 0
    first = KeyFileKeyring.load(path)
    assert out.startswith(f"kunci data {first.current_key_id}: {path} (0600)\n")
    assert path.stat().st_mode & 0o777 == 0o600

    status, out = run("kunci-data", "putar", str(path))
    assert status == 0
    rotated = KeyFileKeyring.load(path)
    assert rotated.key_ids == {first.current_key_id, rotated.current_key_id}
    assert out.startswith(f"kunci data baru {rotated.current_key_id}: {path}\n")
    assert f"kunci lama tetap dipegang: {first.current_key_id}\n" in out
    assert "kunci-data segel-ulang" in out

    status, out = run("kunci-data", "pensiun", str(path), first.current_key_id, "-v")
    assert status == 0
    assert out.startswith(f"kunci data {first.current_key_id} dipensiunkan")
    assert KeyFileKeyring.load(path).key_ids == {rotated.current_key_id}
    assert "[keys]" in path.read_text()
    for key_id in rotated.key_ids:
        assert base64.b64encode(rotated.key(key_id)).decode() not in out


def test_key_command_refusals_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Overwriting a key file, rotating one open to others, retiring the current key and a
    missing action are one Indonesian line with exit status 2."""
    path = tmp_path / "data.keys"
    assert run("kunci-data", "buat", str(path))[0] == 0
    capsys.readouterr()
    assert run("kunci-data", "buat", str(path))[0] == 2
    assert "sudah ada" in capsys.readouterr().err
    current = KeyFileKeyring.load(path).current_key_id
    assert run("kunci-data", "pensiun", str(path), current)[0] == 2
    assert "putar dulu" in capsys.readouterr().err
    os.chmod(path, 0o644)
    assert run("kunci-data", "putar", str(path))[0] == 2
    err = capsys.readouterr().err
    assert "chmod 600" in err
    assert "[personal_data_key_invalid]" in err
    with pytest.raises(SystemExit) as exited:
        run("kunci-data")
    assert exited.value.code == 2
    assert "wajib" in capsys.readouterr().err


def test_the_configuration_check_reads_the_personal_data_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """periksa-konfigurasi names the current personal-data key when the keys load, and
    refuses a key file that holds none, in one line with exit status 2."""
    ring = generate_data_key_file(tmp_path / "data.keys")
    config = tmp_path / "kantor.toml"
    config.write_text(OFFICE + '[personal_data]\nkey_file = "data.keys"\n', encoding="utf-8")
    status, out = run("periksa-konfigurasi", str(config))
    assert status == 0, out
    assert f", data pribadi disegel kunci {ring.current_key_id}" in out
    status, out = run("periksa-konfigurasi", str(config), "--en")
    assert f", personal data sealed with key {ring.current_key_id}" in out
    _write(tmp_path / "data.keys", "bukan kunci")
    assert run("periksa-konfigurasi", str(config))[0] == 2
    assert "[personal_data_key_invalid]" in capsys.readouterr().err
    config.write_text(OFFICE, encoding="utf-8")
    status, out = run("periksa-konfigurasi", str(config))
    assert status == 0
    assert "data pribadi TIDAK dienkripsi" in out
