"""
Regenerate the ``rekap`` samples in the documentation from the fixed sample data.

Run from the repository root (needs the ``charts`` and ``browser`` extras and Debian's
Chromium)::

    python tools/render_samples.py

Writes ``docs/samples/rekap-2026-01.csv`` (exactly what ``rekap --csv`` writes for
:func:`layanan_aduan.testing.rekap_sample.sample_statistics`; ``tests/test_rekap_samples.py``
checks it has not drifted) and ``docs/images/rekap-2026-01.png`` (the HTML report rendered by
headless Chromium, reduced to 256 colours to stay small).
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from layanan_aduan.entrypoints._rekap import csv_bytes
from layanan_aduan.entrypoints._rekap_html import render_html
from layanan_aduan.testing.browser import chromium_page
from layanan_aduan.testing.rekap_sample import SAMPLE_OFFICE_NAME, sample_statistics

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT / "docs" / "samples" / "rekap-2026-01.csv"
PNG = ROOT / "docs" / "images" / "rekap-2026-01.png"
#: About A4's width at 96 dpi, as the page is laid out for print.
VIEWPORT = {"width": 800, "height": 600}


def render_png(page_html: str) -> bytes:
    """
    The whole page of ``page_html`` as Chromium shows it, as PNG bytes.
    """
    with chromium_page(viewport=VIEWPORT) as page:
        page.set_content(page_html, wait_until="load")
        return page.screenshot(full_page=True, type="png")


def small_png(png: bytes) -> bytes:
    """
    ``png`` reduced to a 256-colour palette (charts and text lose nothing visible).
    """
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def main() -> None:
    stats = sample_statistics()
    CSV.parent.mkdir(parents=True, exist_ok=True)
    CSV.write_bytes(csv_bytes(stats))
    PNG.parent.mkdir(parents=True, exist_ok=True)
    PNG.write_bytes(small_png(render_png(render_html(stats, office_name=SAMPLE_OFFICE_NAME))))
    for path in (CSV, PNG):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
