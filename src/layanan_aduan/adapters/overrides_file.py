"""
Reading calendar overrides from a TOML file.

The format is described in :mod:`layanan_aduan.domain.overrides`; this adapter only
does the file I/O and turns its failures into :class:`~layanan_aduan.exceptions.OverridesError`.
"""

from __future__ import annotations

import os
from pathlib import Path

from layanan_aduan.domain.calendar import Overrides
from layanan_aduan.domain.overrides import parse_overrides
from layanan_aduan.exceptions import OverridesError

__all__ = ["load_overrides"]


def load_overrides(path: str | os.PathLike[str]) -> Overrides:
    """
    Read overrides from the UTF-8 TOML file at ``path``.

    Raises:
        OverridesError: ``overrides_file_not_found`` when there is no such file,
            ``overrides_file_unreadable`` when it cannot be read or is not UTF-8, and
            every refusal of :func:`~layanan_aduan.domain.overrides.parse_overrides`
            (``details["path"]`` then names the file).
    """
    file = Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise OverridesError(
            f"Berkas override {str(file)!r} tidak ditemukan.",
            f"Overrides file {str(file)!r} not found.",
            code="overrides_file_not_found",
            field="path",
            details={"path": str(file)},
        ) from None
    except OSError as e:
        raise OverridesError(
            f"Berkas override {str(file)!r} tidak dapat dibaca ({e.strerror or e}).",
            f"Overrides file {str(file)!r} cannot be read ({e.strerror or e}).",
            code="overrides_file_unreadable",
            field="path",
            details={"path": str(file)},
        ) from None
    try:
        # utf-8-sig: editors on Windows often start the file with a byte-order mark.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OverridesError(
            f"Berkas override {str(file)!r} bukan teks UTF-8.",
            f"Overrides file {str(file)!r} is not UTF-8 text.",
            code="overrides_file_unreadable",
            field="path",
            details={"path": str(file)},
        ) from None
    try:
        return parse_overrides(text)
    except OverridesError as e:
        e.details.setdefault("path", str(file))
        raise
