"""
The ``rekap`` report as one self-contained HTML page for the head of office, in Indonesian.

Four charts, drawn with matplotlib (the ``charts`` extra; the Agg backend, written as SVG and
inlined): compliance per shorter period against the goal, the distribution of working time to
follow-up with the goal marked, the time per step (median and 90th percentile), and breaches
by what they waited on. The page prints on A4, loads nothing from anywhere (no scripts, fonts,
style sheets or images from outside; the SVG glyphs are paths) and shows aggregates only: no
report number, name or telephone number appears. Text is escaped with :func:`html.escape`.
"""

from __future__ import annotations

import html
import io
import re
from typing import TYPE_CHECKING, Any

from layanan_aduan.exceptions import ValidationError

if TYPE_CHECKING:
    from layanan_aduan.domain.statistics import PeriodStatistics

__all__ = ["chart_figures", "charts_available", "render_html", "require_charts", "summary_rows"]

_GOAL_SHARE = 1.0
_STEP_LABELS = {
    "receipt": "Penerimaan petugas",
    "direction": "Arahan Kepala Seksi",
    "follow_up": "Tindak lanjut",
}
_CAUSE_LABELS = {
    "submitted": "belum diterima",
    "received": "belum diteruskan",
    "awaiting_completion": "menunggu pelapor",
    "forwarded": "menunggu arahan",
    "directed": "menunggu tindak lanjut",
}
_CSS = """
@page { size: A4; margin: 14mm; }
body { font-family: sans-serif; font-size: 10pt; color: #222; max-width: 180mm; margin: auto; }
h1 { font-size: 15pt; margin: 0 0 2mm; } h2 { font-size: 11pt; margin: 4mm 0 1mm; }
p.meta { color: #555; margin: 0 0 3mm; }
table { border-collapse: collapse; width: 100%; } td, th { padding: 1mm 2mm; text-align: left; }
td.n { text-align: right; } tr:nth-child(even) { background: #f3f3f3; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 3mm; }
figure { margin: 0; break-inside: avoid; } figure svg { width: 100%; height: auto; }
figcaption { font-size: 9pt; color: #444; }
"""


def require_charts() -> None:
    """
    Refuse, before any work, when matplotlib (the ``charts`` extra) is not installed.

    Raises:
        ValidationError: code ``charts_unavailable``.
    """
    try:
        import matplotlib  # noqa: F401 - only whether it imports
    except ImportError:
        raise ValidationError(
            "Laporan HTML memerlukan matplotlib: pasang layanan-aduan[charts].",
            "The HTML report needs matplotlib: install layanan-aduan[charts].",
            code="charts_unavailable",
            field="html",
        ) from None


def charts_available() -> bool:
    """
    True when matplotlib (the ``charts`` extra) imports.
    """
    try:
        import matplotlib  # noqa: F401 - only whether it imports
    except ImportError:
        return False
    return True


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    # No metadata (it names the matplotlib web site): the page holds no address at all.
    figure.savefig(
        buffer,
        format="svg",
        bbox_inches="tight",
        metadata={"Creator": None, "Date": None, "Format": None, "Type": None},
    )
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    # Inline SVG in HTML needs no namespace declarations.
    return re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", text)


def chart_figures(stats: PeriodStatistics) -> list[tuple[str, str]]:
    """
    The four charts of ``stats``: (Indonesian caption, inline SVG) pairs (needs ``charts``).
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    out = []
    goal_hours = stats.goal.total_seconds() / 3600

    fig = Figure(figsize=(4.2, 2.6))
    ax = fig.add_subplot()
    points = list(stats.series)
    labels = [p.label for p in points] or [stats.period.label]
    values = [100 * (p.followed_up_within_goal or 0) for p in points] or [
        100 * (stats.sla.followed_up_within_goal or 0)
    ]
    ax.bar(range(len(values)), values, color="#2e7d32")
    ax.axhline(100 * _GOAL_SHARE, color="#c62828", linestyle="--", label="sasaran 100%")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=7)
    ax.set_ylim(0, 105)
    ax.set_ylabel("% dalam tenggat")
    ax.legend(fontsize=7)
    out.append(("Kepatuhan tenggat per periode", _svg(fig)))

    fig = Figure(figsize=(4.2, 2.6))
    ax = fig.add_subplot()
    bins = stats.follow_up_histogram
    heights = [n for _, n in bins]
    ticks = [f"≤{upper / 3600:g}" if upper is not None else "lebih" for upper, _ in bins]
    ax.bar(range(len(heights)), heights, color="#1565c0")
    goal_index = next(
        (
            i
            for i, (upper, _) in enumerate(bins)
            if upper is not None and upper / 3600 >= goal_hours
        ),
        len(bins) - 1,
    )
    ax.axvline(
        goal_index + 0.5, color="#c62828", linestyle="--", label=f"tenggat {goal_hours:g} jam"
    )
    ax.set_xticks(range(len(ticks)), ticks, fontsize=7)
    ax.set_xlabel("jam kerja sampai tindak lanjut")
    ax.set_ylabel("laporan")
    ax.legend(fontsize=7)
    out.append(("Sebaran waktu tindak lanjut", _svg(fig)))

    fig = Figure(figsize=(4.2, 2.6))
    ax = fig.add_subplot()
    steps = list(stats.step_time.items())
    medians = [(s.median or 0) / 3600 for _, s in steps]
    p90s = [(s.p90 or 0) / 3600 for _, s in steps]
    xs = range(len(steps))
    ax.barh([x + 0.2 for x in xs], medians, height=0.4, color="#6a1b9a", label="median")
    ax.barh([x - 0.2 for x in xs], p90s, height=0.4, color="#ce93d8", label="p90")
    ax.set_yticks(list(xs), [_STEP_LABELS[k] for k, _ in steps], fontsize=7)
    ax.set_xlabel("jam kerja")
    ax.legend(fontsize=7)
    out.append(("Waktu per langkah", _svg(fig)))

    fig = Figure(figsize=(4.2, 2.6))
    ax = fig.add_subplot()
    causes = list(stats.breaches.by_cause.items())
    ax.barh(range(len(causes)), [n for _, n in causes], color="#ef6c00")
    ax.set_yticks(range(len(causes)), [_CAUSE_LABELS.get(k, k) for k, _ in causes], fontsize=7)
    ax.set_xlabel("laporan terlambat")
    out.append(("Keterlambatan menurut penyebab", _svg(fig)))
    return out


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%".replace(".", ",")


def _hours(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes = round(seconds / 60)
    return f"{minutes // 60} j {minutes % 60:02d} m"


def summary_rows(stats: PeriodStatistics) -> list[tuple[str, str, str]]:
    """
    The figures of ``stats`` as (Indonesian name, this period, the period before) rows.
    """
    prev = stats.previous
    return [
        ("Laporan diterima", str(stats.received), "" if prev is None else str(prev.received)),
        (
            "Selesai ditindaklanjuti",
            str(stats.completed),
            "" if prev is None else str(prev.completed),
        ),
        ("Ditutup", str(stats.closed), "" if prev is None else str(prev.closed)),
        ("Masih terbuka", str(stats.open), "" if prev is None else str(prev.open)),
        (
            "Tindak lanjut dalam tenggat",
            _share(stats.sla.followed_up_within_goal),
            "" if prev is None else _share(prev.sla.followed_up_within_goal),
        ),
        ("Terlambat", str(stats.breaches.count), "" if prev is None else str(prev.breaches.count)),
        (
            "Median waktu sampai tindak lanjut",
            _hours(stats.time_to["follow_up"].median),
            "" if prev is None else _hours(prev.time_to["follow_up"].median),
        ),
        (
            "Menunggu pelapor melengkapi",
            str(stats.pauses.reports),
            "" if prev is None else str(prev.pauses.reports),
        ),
        (
            "Penilaian pelapor (rata-rata)",
            "-" if stats.ratings.mean is None else f"{stats.ratings.mean:.2f}",
            "" if prev is None or prev.ratings.mean is None else f"{prev.ratings.mean:.2f}",
        ),
    ]


def render_html(stats: PeriodStatistics, *, office_name: str = "") -> str:
    """
    The one-page HTML report of ``stats`` (needs the ``charts`` extra).
    """
    e = html.escape
    rows = summary_rows(stats)
    table = "".join(
        f"<tr><td>{e(a)}</td><td class='n'>{e(b)}</td><td class='n'>{e(c)}</td></tr>"
        for a, b, c in rows
    )
    figures = "".join(
        f"<figure>{svg}<figcaption>{e(caption)}</figcaption></figure>"
        for caption, svg in chart_figures(stats)
    )
    title = f"Rekap {stats.period.kind.label} {stats.period.label}"
    return (
        "<!DOCTYPE html>\n<html lang='id'><head><meta charset='utf-8'>"
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{e(title)}</h1>"
        f"<p class='meta'>{e(office_name)} &middot; periode "
        f"{e(stats.period.start.format('YYYY-MM-DD'))} s.d. "
        f"{e(stats.period.end.subtract(days=1).format('YYYY-MM-DD'))} "
        f"({e(stats.period.timezone)}) &middot; data per {e(stats.at.isoformat())} &middot; "
        f"tenggat {stats.goal.total_seconds() / 3600:g} jam kerja</p>"
        "<table><tr><th>Angka</th><th>Periode ini</th><th>Periode sebelumnya</th></tr>"
        f"{table}</table><h2>Grafik</h2><div class='charts'>{figures}</div>"
        "</body></html>\n"
    )
