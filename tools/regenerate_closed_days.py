"""
Regenerate the shipped closed days of the decreed years from python-holidays and the decrees.

Run from the repository root, with the library installed (``pip install -e .``)::

    python tools/regenerate_closed_days.py          # rewrite the data file and its digest
    python tools/regenerate_closed_days.py --check  # exit 1 when the shipped data is stale

It computes every year of ``SHIPPED_YEARS`` the way ``PythonHolidaysSource(precomputed=False)``
does (python-holidays' ``public`` and ``government`` categories, names in Indonesian and
English, the legal basis and estimates of the bundled decree table), writes
``src/layanan_aduan/adapters/_closed_days_id.json`` and puts the file's SHA-256 in
``CLOSED_DAYS_DIGEST`` of ``src/layanan_aduan/adapters/_closed_days_id.py``. Run it after
upgrading python-holidays or changing ``_decrees_id.py``; ``tests/test_closed_days_id.py``
fails until then.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

from layanan_aduan.adapters import _closed_days_id as shipped
from layanan_aduan.adapters.holidays_id import PythonHolidaysSource

ADAPTERS = Path(__file__).resolve().parent.parent / "src" / "layanan_aduan" / "adapters"
MODULE = ADAPTERS / "_closed_days_id.py"
DATA = ADAPTERS / shipped.DATA_FILE
_CONSTANT = re.compile(r'(CLOSED_DAYS_DIGEST: Final = \(\n    ")sha256:[0-9a-f]{64}("\n\))')


def build() -> bytes:
    """The data file as python-holidays and the decree table give it now."""
    source = PythonHolidaysSource(precomputed=False)
    years = [source.non_working_days(year) for year in shipped.SHIPPED_YEARS]
    return shipped.encode(years, f"python-holidays {version('holidays')}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether it is stale")
    args = parser.parse_args(argv)
    data = build()
    digest = shipped.digest_of(data)
    module = MODULE.read_text(encoding="utf-8")
    if not _CONSTANT.search(module):
        sys.exit(f"{MODULE}: CLOSED_DAYS_DIGEST not found in its expected form")
    current = DATA.read_bytes() if DATA.exists() else b""
    if args.check:
        stale = current != data or digest != shipped.CLOSED_DAYS_DIGEST
        print(f"{DATA.name}: {'stale' if stale else 'up to date'} ({digest})")
        return 1 if stale else 0
    DATA.write_bytes(data)
    MODULE.write_text(_CONSTANT.sub(rf"\g<1>{digest}\g<2>", module), encoding="utf-8")
    print(f"wrote {DATA} ({len(data):,} bytes, {digest})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
