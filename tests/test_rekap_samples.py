"""
The ``rekap`` samples in the documentation are what the code produces for the fixed sample
data (``tools/render_samples.py`` regenerates them), small, and referenced from the page.
"""

from __future__ import annotations

from pathlib import Path

from layanan_aduan.entrypoints._rekap import csv_bytes
from layanan_aduan.testing.rekap_sample import sample_statistics

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT / "docs" / "samples" / "rekap-2026-01.csv"
PNG = ROOT / "docs" / "images" / "rekap-2026-01.png"


def test_committed_csv_is_what_rekap_writes_for_the_sample() -> None:
    """The sample CSV in docs is byte for byte what rekap --csv writes for the sample data
    (regenerate it with tools/render_samples.py after changing the figures)."""
    assert CSV.read_bytes() == csv_bytes(sample_statistics())


def test_sample_csv_opens_in_excel_as_utf8() -> None:
    """The sample CSV starts with the UTF-8 BOM and its header row, CRLF line ends."""
    data = CSV.read_bytes()
    assert data.startswith(b"\xef\xbb\xbffigure,value,previous\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_sample_image_is_a_small_png() -> None:
    """The sample picture of the HTML report is a PNG under 300 KB."""
    data = PNG.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) < 300_000


def test_statistics_page_links_both_samples() -> None:
    """docs/statistics.md links the sample CSV and the sample image."""
    page = (ROOT / "docs" / "statistics.md").read_text(encoding="utf-8")
    assert "samples/rekap-2026-01.csv" in page
    assert "images/rekap-2026-01.png" in page
