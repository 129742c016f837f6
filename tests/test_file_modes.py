"""
Every file the library creates is 0600 and every folder 0700, whatever the umask (issue 11):
the SQLite database with its -wal/-shm/-journal, the evidence store, media spools, key files,
a bootstrapped desk's data folder and what the CLI writes. An existing database or evidence
root open to others is made private on open with a warning, or refused (``file_permissions``)
when it cannot be; and SQLite's ``secure_delete`` with a WAL truncation leaves no byte of a
deleted row in the files.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layanan_aduan import examples
from layanan_aduan._files import (
    check_private,
    is_private,
    private_dir,
    private_file,
    private_temp_dir,
    private_temp_file,
    write_private,
)
from layanan_aduan.adapters.evidence_store import FilesystemEvidenceStore
from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.adapters.messaging import InMemoryMediaFetcher, InMemoryMessenger
from layanan_aduan.adapters.office_config import load_office_config
from layanan_aduan.adapters.signing_keys import generate_key_file, load_key_file
from layanan_aduan.adapters.storage import SqliteStorage
from layanan_aduan.adapters.whatsapp.inbound import parse_webhook
from layanan_aduan.clock import FixedClock
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.workflow import Role
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.entrypoints.cli import main
from layanan_aduan.exceptions import FilePermissionError, SigningKeyError, StorageStateError
from layanan_aduan.media import FetchedMedia
from layanan_aduan.ports import ReportProjection
from layanan_aduan.service_layer.bootstrap import bootstrap, evidence_dir_for, signing_from_config
from layanan_aduan.service_layer.report_stream import project, save_report

T0 = pendulum.datetime(2026, 1, 12, 2, 5, tz="UTC")  # Monday 09:05 WIB
PNG = examples.screenshot_png()
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + b"% isi surat\n" * 50 + b"%%EOF\n"
MARKER = "PENANDA-3171010101900001-Budi-Santoso"
LOGGER = "layanan_aduan.files"


def mode_of(path: Path | str) -> int:
    """The permission bits of ``path`` (symbolic links followed)."""
    return stat.S_IMODE(os.stat(path).st_mode)


def assert_private_tree(root: Path) -> list[Path]:
    """Every entry under ``root`` is a 0600 file or a 0700 folder; return the entries."""
    entries = sorted(root.rglob("*"))
    wrong = {
        str(p.relative_to(root)): oct(mode_of(p))
        for p in entries
        if mode_of(p) != (0o700 if p.is_dir() else 0o600)
    }
    assert wrong == {}
    return entries


@pytest.fixture(params=[0o022, 0o000], ids=["umask022", "umask000"])
def umask(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[int]:
    """The process umask for one test (after tmp_path exists), restored afterwards."""
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


@contextlib.contextmanager
def umask_set(value: int) -> Iterator[None]:
    """Set the umask inside a block, restored after it."""
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The warnings logged on layanan_aduan.files."""
    return [r for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]


# --- the helper module -----------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(mask=st.integers(min_value=0, max_value=0o777))
def test_the_helpers_create_0600_files_and_0700_folders_under_any_umask(mask: int) -> None:
    """Whatever the umask (even one that takes the owner's own bits), created files are 0600
    and created folders 0700."""
    with tempfile.TemporaryDirectory() as name:
        scratch = Path(name)
        with umask_set(mask):
            nested = private_dir(scratch / "a" / "b", parents=True)
            made = private_file(scratch / "a" / "db")
            write_private(scratch / "a" / "out.csv", "x;y\n")
            fd, temp = private_temp_file(nested, prefix=".tmp-", suffix=".part")
            os.close(fd)
            spool = private_temp_dir(prefix="spool-", directory=nested)
        folders = [scratch / "a", nested, Path(spool)]
        files = [made, scratch / "a" / "out.csv", Path(temp)]
        assert [mode_of(p) for p in folders] == [0o700] * 3
        assert [mode_of(p) for p in files] == [0o600] * 3


@settings(max_examples=60, deadline=None)
@given(mode=st.integers(min_value=0, max_value=0o777), folder=st.booleans())
def test_check_private_fixes_exactly_the_modes_open_to_others(mode: int, folder: bool) -> None:
    """A mode with any group or other bit loses exactly those bits (True, one warning); a
    private mode is left as it was (False, no warning)."""
    with tempfile.TemporaryDirectory() as name:
        _check_once(Path(name) / "x", mode, folder)


def _check_once(target: Path, mode: int, folder: bool) -> None:
    """One example of the property above, in a scratch folder."""
    if folder:
        target.mkdir()
    else:
        target.touch()
    os.chmod(target, mode)
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(logging.WARNING)
    logging.getLogger(LOGGER).addHandler(handler)
    try:
        fixed = check_private(target)
    finally:
        logging.getLogger(LOGGER).removeHandler(handler)
    open_to_others = bool(mode & 0o077)
    assert fixed is open_to_others
    assert len(records) == int(open_to_others)
    expected = mode & 0o700  # the owner's bits kept, the others' gone
    assert mode_of(target) == expected
    assert is_private(os.stat(target).st_mode)


def test_check_private_without_fix_refuses_and_changes_nothing(tmp_path: Path) -> None:
    """fix=False turns a too-open file into a typed refusal naming the modes; the file keeps
    its mode."""
    target = tmp_path / "aduan.sqlite3"
    target.touch()
    os.chmod(target, 0o644)
    with pytest.raises(FilePermissionError) as caught:
        check_private(target, fix=False, what="basis data")
    assert caught.value.code == "file_permissions"
    assert caught.value.details["mode"] == "0644"
    assert caught.value.details["expected"] == "0600"
    assert "chmod 600" in caught.value.message
    assert mode_of(target) == 0o644


def test_a_file_another_user_owns_is_refused_not_fixed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When chmod is not permitted (another user's file), check_private refuses with
    file_permissions and logs no warning."""
    target = tmp_path / "bukti"
    target.mkdir()
    os.chmod(target, 0o750)  # noqa: S103 - the too-open folder under test

    def not_permitted(*args: object, **kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chmod", not_permitted)
    with pytest.raises(FilePermissionError) as caught:
        check_private(target, what="folder bukti")
    monkeypatch.undo()
    assert caught.value.details["expected"] == "0700"
    assert mode_of(target) == 0o750


def test_write_private_makes_an_existing_file_private_and_replaces_its_content(
    tmp_path: Path,
) -> None:
    """Writing over a 0644 file of ours leaves it 0600 with only the new content."""
    target = tmp_path / "rekap.html"
    target.write_text("old content, longer than the new one", encoding="utf-8")
    os.chmod(target, 0o644)
    write_private(target, "baru")
    assert target.read_text(encoding="utf-8") == "baru"
    assert mode_of(target) == 0o600


def test_write_private_refuses_another_users_open_file_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the mode of an existing file open to others cannot be changed, nothing is
    written (the old content stays)."""
    target = tmp_path / "bukti.json"
    target.write_text("lama", encoding="utf-8")
    os.chmod(target, 0o644)

    def not_permitted(fd: int, mode: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "fchmod", not_permitted)
    with pytest.raises(FilePermissionError):
        write_private(target, "baru")
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "lama"


def test_write_private_leaves_a_device_alone() -> None:
    """A device such as /dev/null is written to, never chmod-ed."""
    before = mode_of("/dev/null")
    write_private("/dev/null", b"buang")
    assert mode_of("/dev/null") == before


# --- SQLite ----------------------------------------------------------------------------------


def _append(storage: SqliteStorage, report_id: str, note: str) -> None:
    at = pendulum.datetime(2026, 1, 9, 9, tz="Asia/Jakarta")
    with storage.unit_of_work() as uow:
        uow.reports.append(
            report_id, 0, [{"kind": "received", "note": note}], ReportProjection("received", at)
        )
        uow.commit()


def test_the_database_and_its_wal_and_shm_are_0600(tmp_path: Path, umask: int) -> None:
    """A new database, its -wal and its -shm are 0600 under the umask, and nothing else
    appears beside them."""
    path = tmp_path / "aduan.sqlite3"
    with SqliteStorage.open(path) as storage:
        _append(storage, "r-1", "isi")
        names = sorted(p.name for p in tmp_path.iterdir())
        assert names == ["aduan.sqlite3", "aduan.sqlite3-shm", "aduan.sqlite3-wal"]
        assert_private_tree(tmp_path)
    assert_private_tree(tmp_path)


def test_sqlite_gives_its_rollback_journal_the_database_files_mode(
    tmp_path: Path, umask: int
) -> None:
    """SQLite itself creates -journal (and -wal/-shm) with the mode of the database file,
    which is why creating that file 0600 first is enough."""
    path = tmp_path / "j.sqlite3"
    private_file(path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=PERSIST")
        conn.execute("CREATE TABLE t (x)")
        assert (tmp_path / "j.sqlite3-journal").exists()
    finally:
        conn.close()
    assert_private_tree(tmp_path)
    control = tmp_path / "control"
    control.mkdir(mode=0o700)
    conn = sqlite3.connect(control / "c.sqlite3", isolation_level=None)  # SQLite's own default
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    assert mode_of(control / "c.sqlite3") == 0o644 & ~umask


def test_an_open_database_file_is_made_private_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Opening a database left 0644 sets it (and its -wal/-shm) to 0600 and logs a warning
    naming it."""
    path = tmp_path / "aduan.sqlite3"
    with SqliteStorage.open(path) as storage:
        _append(storage, "r-1", "isi")
    os.chmod(path, 0o644)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        storage = SqliteStorage.open(path)
    with storage, storage.unit_of_work(read_only=True) as uow:
        assert uow.reports.get("r-1").version == 1
    assert_private_tree(tmp_path)
    # The read-only look for a foreign file made the -wal/-shm with the file's mode: all fixed.
    messages = [r.getMessage() for r in warnings_of(caplog)]
    assert any(m.endswith("aduan.sqlite3 0644 -> 0600") for m in messages)
    assert all(m.startswith("izin basis data terlalu longgar") for m in messages)


def test_an_open_wal_and_shm_are_made_private_too(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A -wal and -shm left 0644 while another process has the database open are set to 0600
    by the next open, one warning each."""
    path = tmp_path / "aduan.sqlite3"
    with SqliteStorage.open(path) as first:
        _append(first, "r-1", "isi")
        for suffix in ("-wal", "-shm"):
            os.chmod(f"{path}{suffix}", 0o644)
        with caplog.at_level(logging.WARNING, logger=LOGGER), SqliteStorage.open(path):
            pass
        assert_private_tree(tmp_path)
    assert len(warnings_of(caplog)) == 2


def test_a_database_whose_mode_cannot_be_fixed_is_refused_and_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the database is open to others and chmod is not permitted (another user's), open
    refuses with file_permissions before writing, and the file keeps its mode and bytes."""
    path = tmp_path / "aduan.sqlite3"
    with SqliteStorage.open(path) as storage:
        _append(storage, "r-1", "isi")
    os.chmod(path, 0o640)
    before = path.read_bytes()

    def not_permitted(*args: object, **kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chmod", not_permitted)
    with pytest.raises(FilePermissionError) as caught:
        SqliteStorage.open(path)
    monkeypatch.undo()
    assert caught.value.code == "file_permissions"
    assert mode_of(path) == 0o640
    assert path.read_bytes() == before


def test_every_connection_has_secure_delete_on(tmp_path: Path) -> None:
    """Each connection of the adapter, read-only or writing, runs with secure_delete=1."""
    with SqliteStorage.open(tmp_path / "a.sqlite3") as storage:
        for read_only in (True, False):
            with storage.unit_of_work(read_only=read_only) as uow:
                assert uow.execute("PRAGMA secure_delete").fetchone()[0] == 1


def _raw(path: Path) -> bytes:
    """The bytes of the database file and whatever -wal/-shm lie beside it."""
    return b"".join(
        Path(f"{path}{s}").read_bytes() for s in ("", "-wal", "-shm") if Path(f"{path}{s}").exists()
    )


def test_a_deleted_row_leaves_no_byte_in_the_files_after_checkpoint_truncate(
    tmp_path: Path,
) -> None:
    """A row holding the marker, deleted on an adapter connection and followed by
    checkpoint_truncate(), leaves no copy of the marker in the database, -wal or -shm, which
    are still open; the other report is intact."""
    path = tmp_path / "aduan.sqlite3"
    with SqliteStorage.open(path) as storage:
        _append(storage, "r-1", MARKER)
        _append(storage, "r-2", "lain")
        assert storage.checkpoint_truncate()
        assert MARKER.encode() in path.read_bytes()  # it did reach the database file
        with storage.unit_of_work() as uow:
            uow.execute("DELETE FROM report_events WHERE report_id = ?", ("r-1",))
            uow.execute("DELETE FROM reports WHERE report_id = ?", ("r-1",))
            uow.commit()
        assert storage.checkpoint_truncate()
        assert Path(f"{path}-wal").stat().st_size == 0
        assert MARKER.encode() not in _raw(path)
        with storage.unit_of_work(read_only=True) as uow:
            assert uow.reports.get("r-2").version == 1
    assert MARKER.encode() not in _raw(path)


def test_without_secure_delete_the_deleted_row_would_linger(tmp_path: Path) -> None:
    """The control: the same deletion with secure_delete off leaves the marker in the file,
    so the test above can fail."""
    path = tmp_path / "aduan.sqlite3"
    with SqliteStorage.open(path) as storage:
        _append(storage, "r-1", MARKER)
        _append(storage, "r-2", "lain")
        with storage.unit_of_work() as uow:
            uow.execute("PRAGMA secure_delete=OFF")
            uow.execute("DELETE FROM report_events WHERE report_id = ?", ("r-1",))
            uow.execute("DELETE FROM reports WHERE report_id = ?", ("r-1",))
            uow.commit()
        assert storage.checkpoint_truncate()
        assert MARKER.encode() in _raw(path)


def test_checkpoint_truncate_answers_false_while_a_reader_holds_an_old_snapshot(
    tmp_path: Path,
) -> None:
    """A reader in the middle of a transaction keeps the WAL: False after the busy timeout,
    True once the reader is done; a closed storage refuses."""
    path = tmp_path / "aduan.sqlite3"
    storage = SqliteStorage.open(path, busy_timeout=0.05)
    with storage:
        _append(storage, "r-1", "isi")
        reader = sqlite3.connect(path, isolation_level=None)
        try:
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM reports").fetchone()
            _append(storage, "r-2", "isi")
            assert storage.checkpoint_truncate() is False
            reader.execute("COMMIT")
        finally:
            reader.close()
        assert storage.checkpoint_truncate() is True
    with pytest.raises(StorageStateError):
        storage.checkpoint_truncate()


# --- evidence, media, keys -------------------------------------------------------------------


def test_the_evidence_store_creates_0700_folders_and_0600_files(tmp_path: Path, umask: int) -> None:
    """The root, a missing parent, the fan-out folders and the files (put and put_stream)
    are 0700/0600 under the umask."""
    store = FilesystemEvidenceStore.open(tmp_path / "data" / "bukti", fsync=False)
    store.put(PDF)
    store.put_stream(io.BytesIO(PNG))
    entries = assert_private_tree(tmp_path)
    assert len([p for p in entries if p.is_file()]) == 2


def test_an_open_evidence_root_is_made_private_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An existing evidence root at 0750 is set to 0700 on open, with one warning."""
    root = tmp_path / "bukti"
    root.mkdir()
    os.chmod(root, 0o750)  # noqa: S103 - the too-open folder under test
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        FilesystemEvidenceStore.open(root)
    assert mode_of(root) == 0o700
    (record,) = warnings_of(caplog)
    assert "folder bukti" in record.getMessage()


def test_a_media_spool_is_0700_with_a_0600_file(tmp_path: Path, umask: int) -> None:
    """A fetched media's spool folder and file are 0700/0600 under the umask."""
    with FetchedMedia("m-1", [PDF], "application/pdf", max_bytes=10_000, directory=tmp_path) as m:
        assert (mode_of(m.path.parent), mode_of(m.path)) == (0o700, 0o600)


def test_key_files_are_0600_and_an_open_one_is_still_refused(tmp_path: Path, umask: int) -> None:
    """generate_key_file writes the key and its .pub 0600; a key opened to others is refused
    (key_file_permissions), not fixed."""
    pytest.importorskip("cryptography")
    key = tmp_path / "kunci.pem"
    generate_key_file(key)
    assert_private_tree(tmp_path)
    os.chmod(key, 0o644)
    with pytest.raises(SigningKeyError) as caught:
        load_key_file(key)
    assert caught.value.code == "key_file_permissions"
    assert mode_of(key) == 0o644


# --- a whole desk ----------------------------------------------------------------------------


def _webhook() -> bytes:
    """The reporter's identity and report, then an image and a PDF."""
    messages: list[dict[str, object]] = [
        {
            "from": "6281234567890",
            "id": "wamid.MODE.0000",
            "timestamp": "1768183200",
            "type": "text",
            "text": {"body": "Nama: Budi Santoso\nNIK: 3171010101900001\nAda pungli di loket."},
        }
    ]
    for i, (kind, media_id, mime) in enumerate(
        [
            ("image", "7000000000000001", "image/png"),
            ("document", "7000000000000002", "application/pdf"),
        ],
        start=1,
    ):
        messages.append(
            {
                "from": "6281234567890",
                "id": f"wamid.MODE.{i:04d}",
                "timestamp": str(1768183200 + i),
                "type": kind,
                kind: {"mime_type": mime, "id": media_id},
            }
        )
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6281212313170", "phone_number_id": "106540352242922"},
        "contacts": [{"profile": {"name": "Budi Santoso"}, "wa_id": "6281234567890"}],
        "messages": messages,
    }
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
        }
    ).encode()


def test_a_bootstrapped_desks_data_folder_is_private_after_a_report_with_evidence(
    tmp_path: Path, umask: int
) -> None:
    """After a report with two evidence files came in and its notifications were sent, every
    entry of the data folder (database, -wal, -shm, evidence root, fan-out folders, files) is
    0600/0700, while the desk is open and after it closed."""
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    spool = tmp_path / "spool"
    spool.mkdir(mode=0o700)
    fetcher = InMemoryMediaFetcher(spool_dir=spool)
    fetcher.put("7000000000000001", PNG, "image/png")
    fetcher.put("7000000000000002", PDF, "application/pdf")
    db = data / "aduan.sqlite3"
    with bootstrap(db, messenger=InMemoryMessenger(), media=fetcher, clock=FixedClock(T0)) as s:
        (step,) = s.desk.ingest(parse_webhook(_webhook())).steps
        assert len(s.desk.report(step.report_id).evidence) == 2
        assert s.dispatcher.run_once().sent >= 1
        entries = assert_private_tree(data)
        assert Path(f"{db}-wal") in entries
        assert len([p for p in entries if p.is_file() and p.parent != data]) == 2
    assert_private_tree(data)
    assert evidence_dir_for(db).is_dir()
    assert list(spool.iterdir()) == []


# --- what the CLI writes ---------------------------------------------------------------------

CONFIG = """
[office]
code = "KNJP"
name = "Kejaksaan Negeri Jakarta Pusat"
address = "Jl. Merdeka 1"
telephone = "(021) 1234567"
whatsapp = "0811-1000-2000"
website = "https://kejari-jakpus.kejaksaan.go.id"

[storage]
sqlite = "aduan.sqlite3"

[signing]
key_file = "kunci.pem"
"""

STAFF = """
[[staff]]
id = "petugas-01"
name = "Rina Wulandari"
phone = "+6281311112222"
roles = ["officer"]

[[staff]]
id = "kasi-01"
name = "Andi Pratama"
phone = "+6281100002222"
roles = ["section_head"]
"""


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), stdout=out), out.getvalue()


def _signed_report(folder: Path) -> Path:
    """An office folder with a key, a configuration, a staff file and one signed report."""
    assert _run("buat-kunci", str(folder / "kunci.pem"))[0] == 0
    config_file = folder / "kantor.toml"
    write_private(config_file, CONFIG)
    write_private(folder / "staf.toml", STAFF)
    at = pendulum.datetime(2026, 1, 12, 9, tz="Asia/Jakarta")
    report = Report.submit(
        id="r-1",
        at=at,
        actor=Actor("+6281234567890", Role.REPORTER),
        kind="aduan",
        details=ReporterDetails(name="Budi Santoso", nik="3171010101900001", phone="081234567890"),
        evidence=[b"%PDF-1.4\n%%EOF\n"],
        message="Dugaan pungli.",
    )
    report.receive(at=at.add(minutes=5), actor=Actor("petugas-01", Role.OFFICER))
    signing = signing_from_config(load_office_config(config_file))
    working_time = WorkingTime(indonesian_calendar())
    with SqliteStorage.open(folder / "aduan.sqlite3") as storage, storage.unit_of_work() as uow:
        save_report(
            uow.reports, report, project(report, working_time, office="KNJP"), signing=signing
        )
        uow.commit()
    return config_file


def test_every_file_the_cli_writes_is_0600(tmp_path: Path, umask: int) -> None:
    """buat-kunci, bukti (JSON and HTML), titik-periksa and rekap (CSV and HTML) write 0600
    files, and one that existed at 0644 is 0600 after; the office folder holds nothing else
    open to others."""
    pytest.importorskip("cryptography")
    folder = tmp_path / "kantor"
    folder.mkdir(mode=0o700)
    config = _signed_report(folder)
    stale = folder / "rekap.csv"
    stale.write_text("lama", encoding="utf-8")
    os.chmod(stale, 0o644)
    common = ("--konfigurasi", str(config))
    staff = ("--staf", str(folder / "staf.toml"))
    commands = [
        ("bukti", "r-1", *common, *staff, "--keluaran", str(folder / "bukti.json")),
        ("bukti", "r-1", *common, *staff, "--html", "--keluaran", str(folder / "bukti.html")),
        ("titik-periksa", *common, "--keluaran", str(folder / "titik.json")),
        ("rekap", *common, "--waktu", "2026-01-20T10:00:00+07:00", "--csv", str(stale)),
        (
            "rekap",
            *common,
            "--waktu",
            "2026-01-20T10:00:00+07:00",
            "--html",
            str(folder / "r.html"),
        ),
    ]
    for argv in commands:
        status, out = _run(*argv)
        assert status == 0, (argv, out)
    entries = assert_private_tree(folder)
    names = {p.name for p in entries}
    assert {"kunci.pem", "kunci.pem.pub", "bukti.json", "bukti.html", "titik.json"} <= names
    assert {"rekap.csv", "r.html", "aduan.sqlite3", "aduan.sqlite3.bukti"} <= names
    assert stale.read_bytes().startswith(b"\xef\xbb\xbf")
