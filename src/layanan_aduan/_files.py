"""
Files and folders private to the service account: the one place that sets their modes.

Every file the library creates (the SQLite database, evidence files, key files, media
spools, what the CLI writes) is mode 0600 and every folder 0700, whatever the process umask:
reports hold personal data (UU 27/2022), and no other local user may read them. The mode is
set explicitly after creating (``fchmod``/``chmod``), since a umask only ever removes bits
and an odd one (``0o277``) would remove the owner's own.

An existing database, evidence root or output file found open to the group or others is
made private again and a warning is logged (logger ``layanan_aduan.files``); when that is not
possible (another user owns it) the operation is refused with
:class:`~layanan_aduan.exceptions.FilePermissionError` (code ``file_permissions``) and
nothing is changed. Key files are stricter:
:func:`~layanan_aduan.adapters.signing_keys.load_key_file` refuses one open to others
(``key_file_permissions``) rather than trusting a key that others could have read.

>>> import os, pathlib, stat, tempfile
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> folder = private_dir(root / "data" / "bukti", parents=True)
>>> oct(stat.S_IMODE(folder.stat().st_mode)), oct(stat.S_IMODE(folder.parent.stat().st_mode))
('0o700', '0o700')
>>> write_private(root / "rekap.csv", "bulan;jumlah\\n")
>>> oct(stat.S_IMODE((root / "rekap.csv").stat().st_mode))
'0o600'
>>> os.chmod(root / "rekap.csv", 0o644)
>>> check_private(root / "rekap.csv", what="berkas rekap")  # fixed, and a warning logged
True
>>> oct(stat.S_IMODE((root / "rekap.csv").stat().st_mode))
'0o600'
>>> check_private(root / "rekap.csv")  # private already: nothing to do
False
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import tempfile
from pathlib import Path
from typing import Final

from layanan_aduan.exceptions import FilePermissionError

__all__ = [
    "DIR_MODE",
    "FILE_MODE",
    "check_private",
    "is_private",
    "open_private",
    "private_dir",
    "private_file",
    "private_temp_dir",
    "private_temp_file",
    "write_private",
]

#: The mode of every file the library creates: the owner reads and writes, nobody else.
FILE_MODE: Final = 0o600
#: The mode of every folder the library creates.
DIR_MODE: Final = 0o700
# The bits that give the group or others any access.
_OPEN_BITS: Final = stat.S_IRWXG | stat.S_IRWXO
_CLOEXEC: Final = getattr(os, "O_CLOEXEC", 0)

_log = logging.getLogger("layanan_aduan.files")


def is_private(mode: int) -> bool:
    """
    True when ``mode`` (an ``st_mode``) gives the group and others no access at all.

    >>> is_private(0o100600), is_private(0o40700), is_private(0o100640)
    (True, True, False)
    """
    return not mode & _OPEN_BITS


def _owner_only(mode: int) -> int:
    # The owner's own bits kept (a read-only file stays read-only), the group's and others' gone.
    return stat.S_IMODE(mode) & ~_OPEN_BITS


def _refused(path: Path, mode: int, wanted: int, what: str) -> FilePermissionError:
    shown = f"{stat.S_IMODE(mode):04o}"
    return FilePermissionError(
        f"Izin {what} {str(path)!r} terlalu longgar (mode {shown}) dan tidak dapat diperbaiki "
        f"oleh pengguna ini; jalankan chmod {wanted:o} sebagai pemiliknya.",
        f"The permissions of {what} {str(path)!r} are too open (mode {shown}) and this user "
        f"cannot change them; run chmod {wanted:o} as its owner.",
        field="path",
        details={"path": str(path), "mode": shown, "expected": f"{wanted:04o}"},
    )


def check_private(path: str | os.PathLike[str], *, fix: bool = True, what: str = "berkas") -> bool:
    """
    Make sure the file or folder at ``path`` is its owner's alone; return True when it was fixed.

    One open to the group or others loses the group's and others' bits (0644 becomes 0600,
    0755 becomes 0700; the owner's bits are kept, so nothing ever gains a permission) and a
    warning is logged on ``layanan_aduan.files``; with ``fix=False``, or when the mode cannot be
    changed (another user owns it), it is refused instead and left as it was. ``what`` names
    it in messages (Indonesian: ``"basis data"``, ``"folder bukti"``). Symbolic links are
    followed.

    Raises:
        FilePermissionError: ``file_permissions``: open to others and not fixed.
        OSError: ``path`` does not exist or cannot be examined.
    """
    file = Path(path)
    mode = file.stat().st_mode
    if is_private(mode):
        return False
    wanted = _owner_only(mode)
    if not fix:
        raise _refused(file, mode, wanted, what)
    try:
        os.chmod(file, wanted)
    except PermissionError:
        raise _refused(file, mode, wanted, what) from None
    _log.warning(
        "izin %s terlalu longgar, diperbaiki / permissions too open, fixed: %s %04o -> %04o",
        what,
        file,
        stat.S_IMODE(mode),
        wanted,
    )
    return True


def private_dir(
    path: str | os.PathLike[str], *, parents: bool = False, what: str = "folder"
) -> Path:
    """
    Create the folder ``path`` with mode 0700, or check an existing one (:func:`check_private`).

    With ``parents``, missing parent folders are created too, each 0700 (existing ones are
    left alone: they are not the library's). Another process creating the folder at the same
    moment is not an error.

    Raises:
        FilePermissionError: An existing folder is open to others and not ours to fix.
        OSError: The folder cannot be created (a parent is missing without ``parents``, ...).
    """
    folder = Path(path)
    if folder.is_dir():
        check_private(folder, what=what)
        return folder
    if parents and not folder.parent.is_dir():
        private_dir(folder.parent, parents=True, what=what)
    try:
        folder.mkdir(mode=DIR_MODE)
    except FileExistsError:
        if not folder.is_dir():
            raise
        check_private(folder, what=what)
        return folder
    os.chmod(folder, DIR_MODE)  # the umask may have taken bits away
    return folder


def open_private(path: str | os.PathLike[str], flags: int = os.O_WRONLY | os.O_EXCL) -> int:
    """
    Create the file ``path`` with mode 0600 and return its descriptor (``O_CREAT`` is added
    to ``flags``; by default it must not exist yet).

    Raises:
        OSError: From :func:`os.open` (``FileExistsError`` for an existing file with
            ``O_EXCL``).
    """
    fd = os.open(path, flags | os.O_CREAT | _CLOEXEC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    except BaseException:
        os.close(fd)
        raise
    return fd


def private_file(path: str | os.PathLike[str], *, what: str = "berkas") -> Path:
    """
    Create ``path`` as an empty file with mode 0600 when missing; check an existing one
    (:func:`check_private`). Its content is never touched.

    Raises:
        FilePermissionError: An existing file is open to others and not ours to fix.
        OSError: The file cannot be created (its folder is missing, ...).
    """
    file = Path(path)
    try:
        fd = open_private(file)
    except FileExistsError:
        check_private(file, what=what)
        return file
    os.close(fd)
    return file


def private_temp_file(
    directory: str | os.PathLike[str], *, prefix: str, suffix: str
) -> tuple[int, str]:
    """
    :func:`tempfile.mkstemp` in ``directory``, mode 0600 whatever the umask: ``(fd, path)``.
    """
    fd, name = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=suffix)
    try:
        os.fchmod(fd, FILE_MODE)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
        raise
    return fd, name


def private_temp_dir(*, prefix: str, directory: str | os.PathLike[str] | None = None) -> str:
    """
    :func:`tempfile.mkdtemp` (in ``directory``, or the system's temporary folder), mode 0700
    whatever the umask.
    """
    name = tempfile.mkdtemp(prefix=prefix, dir=directory)
    try:
        os.chmod(name, DIR_MODE)
    except BaseException:
        with contextlib.suppress(OSError):
            os.rmdir(name)
        raise
    return name


def write_private(
    path: str | os.PathLike[str], data: str | bytes, *, encoding: str = "utf-8"
) -> None:
    """
    Write ``data`` (text is encoded with ``encoding``) to ``path``, created 0600 or replacing
    the content of an existing file, which is made 0600 first.

    For files a person names (reports, exports, checkpoints): the path is written in place,
    so a symbolic link or a device such as ``/dev/stdout`` works as it did; only regular files
    have their mode set.

    Raises:
        FilePermissionError: The file exists, is another user's and open to others: nothing
            is written.
        OSError: The file cannot be opened or written.
    """
    content = data.encode(encoding) if isinstance(data, str) else bytes(data)
    file = Path(path)
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | _CLOEXEC, FILE_MODE)
    with os.fdopen(fd, "wb") as f:
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode):
            if stat.S_IMODE(info.st_mode) != FILE_MODE:
                try:
                    os.fchmod(fd, FILE_MODE)
                except PermissionError:
                    if not is_private(info.st_mode):
                        raise _refused(file, info.st_mode, FILE_MODE, "berkas") from None
            os.ftruncate(fd, 0)
        f.write(content)
