"""
The registry of subcommands: each entry adds one subparser whose ``run`` default
is called as ``run(args, stdin, stdout) -> exit status``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from layanan_aduan.entrypoints import (
    _bukti,
    _hak_data,
    _hapus_data,
    _hitung_ulang,
    _kalender,
    _kata_sandi,
    _konfigurasi,
    _kunci_data,
    _layani,
    _meja,
    _rahasia,
    _rekap,
    _tanda_tangan,
    _tenggat,
)

Register = Callable[["argparse._SubParsersAction[Any]"], None]

REGISTRY: list[Register] = [
    _kalender.register,
    _tenggat.register,
    _meja.register,
    _hitung_ulang.register,
    _konfigurasi.register,
    _tanda_tangan.register,
    _kunci_data.register,
    _bukti.register,
    _layani.register,
    _rekap.register,
    _hak_data.register,
    _rahasia.register,
    _hapus_data.register,
    _kata_sandi.register,
]
