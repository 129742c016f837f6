"""
The ``rekap`` HTML report rendered in headless Chromium (Debian's package, driven by
Playwright): its four charts are drawn with a size, the page logs no error and asks for
nothing from outside, and it renders to a PNG.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from layanan_aduan.entrypoints._rekap_html import render_html
from layanan_aduan.testing.browser import chromium_page
from layanan_aduan.testing.rekap_sample import SAMPLE_OFFICE_NAME, sample_statistics

if TYPE_CHECKING:
    from layanan_aduan.domain.statistics import PeriodStatistics

pytestmark = pytest.mark.browser

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@functools.cache
def _sample() -> PeriodStatistics:
    return sample_statistics()


def _render(page_html: str, png: Path) -> dict[str, Any]:
    """Load ``page_html`` in Chromium, screenshot it to ``png``; what the page showed."""
    problems: list[str] = []
    with chromium_page(viewport={"width": 800, "height": 600}) as page:
        page.on(
            "console",
            lambda m: (
                problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("request", lambda r: problems.append(f"request: {r.url}"))
        page.set_content(page_html, wait_until="load")
        boxes = [svg.bounding_box() for svg in page.query_selector_all("svg")]
        captions = page.locator("figcaption").all_inner_texts()
        page.screenshot(path=str(png), full_page=True, type="png")
    return {"problems": problems, "boxes": boxes, "captions": captions}


def test_html_report_renders_with_its_charts_and_no_console_error(tmp_path: Path) -> None:
    """The sample's HTML report shows four charts with a non-zero size, logs no error or
    warning, requests nothing, and renders to a PNG."""
    png = tmp_path / "rekap.png"
    shown = _render(render_html(_sample(), office_name=SAMPLE_OFFICE_NAME), png)
    assert shown["problems"] == []
    assert len(shown["boxes"]) == 4
    for box in shown["boxes"]:
        assert box is not None
        assert box["width"] > 50
        assert box["height"] > 50
    assert shown["captions"] == [
        "Kepatuhan tenggat per periode",
        "Sebaran waktu tindak lanjut",
        "Waktu per langkah",
        "Keterlambatan menurut penyebab",
    ]
    data = png.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 10_000


def test_the_check_sees_console_errors_requests_and_missing_charts(tmp_path: Path) -> None:
    """A page that logs an error, asks for an outside image and has no chart is caught by
    the same check (so the test above can fail)."""
    bad = (
        "<!doctype html><html><body><p>tanpa grafik</p>"
        '<img src="http://example.invalid/x.png">'
        "<script>console.error('rusak')</script></body></html>"
    )
    shown = _render(bad, tmp_path / "bad.png")
    assert shown["boxes"] == []
    assert "console error: rusak" in shown["problems"]
    assert "request: http://example.invalid/x.png" in shown["problems"]
