"""
An evidence pack as a readable page in Indonesian (``layanan-aduan bukti NOMOR --html``).

:func:`render_evidence_html` turns a pack's JSON (:func:`~layanan_aduan.service_layer.
evidence_pack.build_evidence_pack`) into one self-contained HTML page: inline CSS, no
script, no image, font or stylesheet fetched from anywhere, laid out for A4 paper. Every
value from the pack is escaped (:func:`html.escape`), so nothing a reporter typed can become
markup. The page shows what the pack holds and nothing more: a masked pack's page is masked.
The JSON stays the evidence; the page is for reading it.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import zoneinfo
from collections.abc import Iterable, Mapping
from typing import Any

from layanan_aduan.domain.disclosure import with_personal_values
from layanan_aduan.domain.standard import zone_name

__all__ = ["render_evidence_html"]

_CSS = """
@page { size: A4; margin: 15mm; }
body { font-family: sans-serif; font-size: 10pt; color: #111; max-width: 190mm; margin: auto; }
h1 { font-size: 16pt; margin-bottom: 2pt; }
h2 { font-size: 12pt; border-bottom: 1px solid #999; margin-top: 14pt; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0; }
th, td { border: 1px solid #bbb; padding: 2pt 4pt; text-align: left; vertical-align: top; }
th { background: #eee; }
tr { page-break-inside: avoid; }
code { font-size: 8pt; word-break: break-all; }
.ok { color: #064; font-weight: bold; }
.bad { color: #a00; font-weight: bold; }
.note { color: #555; font-size: 9pt; }
"""

_STATUS = {
    "on_time": "tepat waktu",
    "at_risk": "berisiko",
    "critical": "kritis",
    "breached": "terlambat",
}
_DAY_KIND = {
    "weekend": "akhir pekan",
    "national_holiday": "libur nasional",
    "joint_leave": "cuti bersama",
    "local_override": "libur lokal",
}
_OUTBOX = {"pending": "menunggu dikirim", "sent": "terkirim", "dead": "gagal (dihentikan)"}
_HEAD_CHECK = {
    "verified": "cocok",
    "not_checked": "tidak diperiksa (kunci tidak dikonfigurasi)",
    "head_signature_missing": "tidak bertanda tangan",
    "head_key_unknown": "kunci tidak dikenal",
    "head_signature_invalid": "TIDAK COCOK",
}


def _e(value: Any) -> str:
    return html.escape("-" if value is None else str(value), quote=True)


def _local(value: Any, tz: str) -> str:
    # An instant of the pack (ISO 8601, UTC) in the office's zone, e.g. "2026-01-12 09:00:00 WIB".
    if not isinstance(value, str):
        return "-"
    try:
        instant = dt.datetime.fromisoformat(value)
    except ValueError:
        return _e(value)
    if instant.tzinfo is None:
        return _e(value)
    local = instant.astimezone(_zone(tz))
    return _e(f"{local:%Y-%m-%d %H:%M:%S} {zone_name(tz, local)}")


@functools.cache
def _zone(tz: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(tz)


def _table(head: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    header = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def _duration(seconds: Any) -> str:
    if not isinstance(seconds, int):
        return "-"
    hours, rest = divmod(seconds, 3600)
    return f"{hours} jam {rest // 60} menit"


_PERSONAL_NOTES = {
    "withheld": " <span class='note'>(data pribadi tidak ditampilkan)</span>",
    "erased": " <span class='note'>(data pribadi telah dihapus)</span>",
}


def _payload_text(payload: Mapping[str, Any]) -> str:
    shown = []
    for key in ("direction", "follow_up", "note", "reason", "message", "rating", "unseal_reason"):
        if key in payload:
            shown.append(f"{_e(key)}: {_e(payload[key])}")
    details = payload.get("details")
    if isinstance(details, Mapping):
        shown.extend(f"{_e(k)}: {_e(v)}" for k, v in sorted(details.items()))
    reason = payload.get("late_entry_reason")
    if reason is not None:
        shown.append(f"<b>entri terlambat</b>: {_e(reason)}")
    return "<br>".join(shown)


def _events(pack: Mapping[str, Any], tz: str) -> str:
    rows = []
    for entry in pack.get("events", []):
        stored = entry.get("event", {})
        event = with_personal_values(stored) if isinstance(stored, Mapping) else {}
        payload = dict(event.get("payload", {}))
        if "late_entry_reason" in entry:
            payload["late_entry_reason"] = entry["late_entry_reason"]
        rows.append(
            [
                _e(entry.get("seq")),
                _e(event.get("action")),
                f"{_e(event.get('actor_role'))} {_e(event.get('actor_id'))}",
                _local(event.get("at"), tz),
                _local(event.get("recorded_at", event.get("at")), tz),
                _payload_text(payload if isinstance(payload, Mapping) else {}),
                f"<code>{_e(entry.get('hash'))}</code>"
                + (" <span class='note'>(disamarkan)</span>" if entry.get("masked") else "")
                + _PERSONAL_NOTES.get(entry.get("personal_data"), ""),
            ]
        )
    return _table(
        ["#", "langkah", "pelaku", "terjadi", "dicatat", "isi", "hash"],
        rows,
    )


def _sla(sla: Mapping[str, Any], tz: str) -> str:
    if sla.get("started_at") is None:
        return "<p>Jam SLA belum berjalan (laporan belum diterima).</p>"
    status = _STATUS.get(str(sla.get("status")), str(sla.get("status")))
    parts = [
        _table(
            ["mulai", "tenggat", "berhenti", "status", "terpakai", "lewat"],
            [
                [
                    _local(sla.get("started_at"), tz),
                    _local(sla.get("deadline"), tz),
                    _local(sla.get("stopped_at"), tz),
                    _e(status),
                    _e(_duration(sla.get("elapsed_seconds"))),
                    _e(_duration(sla.get("overrun_seconds"))),
                ]
            ],
        )
    ]
    closures = [
        [
            _e(c.get("date")),
            _e(_DAY_KIND.get(str(c.get("day_kind")), c.get("day_kind"))),
            _e(c.get("name")),
            _e(c.get("legal_basis")),
            "ya" if c.get("override") else "tidak",
        ]
        for c in sla.get("closures", [])
    ]
    parts.append("<h3>Hari libur yang menggeser tenggat</h3>")
    parts.append(
        _table(["tanggal", "jenis", "nama / alasan", "dasar hukum", "override kantor"], closures)
    )
    special = [
        [_e(d.get("date")), _e(", ".join(d.get("hours", []))), _e(d.get("note"))]
        for d in sla.get("special_hours", [])
    ]
    if special:
        parts.append("<h3>Jam kerja khusus</h3>")
        parts.append(_table(["tanggal", "jam", "keterangan"], special))
    pauses = [[_local(p.get("start"), tz), _local(p.get("end"), tz)] for p in sla.get("pauses", [])]
    if pauses:
        parts.append("<h3>Jeda (menunggu pelapor)</h3>")
        parts.append(_table(["mulai", "selesai"], pauses))
    parts.append(
        "<p class='note'>Sidik jari kalender: "
        f"<code>{_e(sla.get('calendar_fingerprint'))}</code> (tersimpan: "
        f"<code>{_e(sla.get('stored_calendar_fingerprint'))}</code>)</p>"
    )
    return "".join(parts)


def _verdict(ok: bool) -> str:
    return "<span class='ok'>utuh</span>" if ok else "<span class='bad'>TIDAK UTUH</span>"


def render_evidence_html(pack: Mapping[str, Any]) -> str:
    """
    The page of ``pack`` (its JSON values): self-contained, escaped, printable on A4.
    """
    sla = pack.get("sla") or {}
    tz = str(sla.get("timezone") or "Asia/Jakarta")
    chain = pack.get("chain") or {}
    head = pack.get("head") or {}
    signature = pack.get("signature")
    number = pack.get("number") or pack.get("report_id")
    masked = pack.get("personal_data") != "revealed"
    privacy = (
        "Data pribadi disamarkan."
        if masked
        else f"Data pribadi ditampilkan untuk {_e(pack.get('revealed_to'))}."
    )
    if pack.get("identity") == "sealed":
        privacy += " Laporan rahasia: identitas pelapor dirahasiakan."
    elif pack.get("identity") == "unsealed":
        privacy += " Laporan rahasia: identitas pelapor telah dibuka (lihat unseal_identity)."
    reprojections = [
        [
            _e(r.get("old_deadline")),
            _e(r.get("new_deadline")),
            "<br>".join(
                _e(f"{x.get('date')}: {x.get('name')} ({x.get('legal_basis') or '-'})")
                for x in r.get("reasons", [])
            ),
        ]
        for r in pack.get("reprojections", [])
    ]
    notes = [
        [
            _e(n.get("kind")),
            _e(n.get("recipient_phone")),
            _e(_OUTBOX.get(str(n.get("status")), n.get("status"))),
            _e(n.get("attempts")),
            _local(n.get("created_at"), tz),
            _local(n.get("sent_at"), tz),
        ]
        for n in pack.get("notifications", [])
    ]
    evidence = [
        [
            _e(f.get("seq")),
            f"<code>{_e(f.get('sha256'))}</code>",
            _e(f.get("size")),
            _e(f.get("media_type")),
        ]
        for f in pack.get("evidence", [])
    ]
    signed = (
        f"Berkas ini ditandatangani kunci <code>{_e(signature.get('key_id'))}</code>."
        if isinstance(signature, Mapping)
        else "Berkas ini tidak bertanda tangan."
    )
    body = f"""
<h1>Bukti laporan {_e(number)}</h1>
<p>Kantor {_e(pack.get("office"))} &middot; jenis {_e(pack.get("kind"))} &middot; status
{_e(pack.get("state"))} &middot; dibuat {_local(pack.get("generated_at"), tz)}.
{privacy} Format {_e(pack.get("format"))}.</p>
<h2>Rantai hash dan tanda tangan</h2>
<p>{_e(chain.get("version"))} peristiwa; ujung riwayat <code>{_e(chain.get("head_hash"))}</code>:
{_verdict(bool(chain.get("verified")))} saat dibuat. Tanda tangan ujung riwayat (kunci
<code>{_e(head.get("key_id"))}</code>):
{_e(_HEAD_CHECK.get(str(head.get("check")), head.get("check")))}. {signed}</p>
<p class="note">Periksa ulang berkas JSON-nya: <code>layanan-aduan periksa-bukti BERKAS
--kunci-publik kunci.pem.pub</code>.</p>
<h2>Riwayat</h2>
{_events(pack, tz)}
<h2>Tenggat (SLA)</h2>
{_sla(sla, tz)}
<h2>Penghitungan ulang tenggat</h2>
{_table(["tenggat lama", "tenggat baru", "alasan"], reprojections) if reprojections else "<p>-</p>"}
<h2>Notifikasi</h2>
{_table(["jenis", "penerima", "status", "percobaan", "diantrekan", "terkirim"], notes)}
<h2>Bukti (sidik jari berkas)</h2>
{_table(["peristiwa", "SHA-256", "ukuran (bita)", "jenis"], evidence)}
"""
    return (
        "<!DOCTYPE html>\n<html lang='id'><head><meta charset='utf-8'>"
        f"<title>Bukti laporan {_e(number)}</title><style>{_CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )
