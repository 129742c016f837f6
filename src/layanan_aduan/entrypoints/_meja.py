"""
The main job on the embedded default (a SQLite file): the desk from the command line.

``terima BERKAS`` ingests a webhook payload file; ``daftar`` lists reports with their SLA
status; ``terima-laporan``, ``minta-lengkapi``, ``teruskan``, ``arahan``, ``tindak-lanjut``
and ``tutup`` perform a step as an officer or the section head (``--petugas ID``);
``pantau`` enqueues the SLA alerts due; ``kirim`` runs the dispatcher; ``antrean-gagal``
lists and retries dead letters; ``demo`` takes a bundled WhatsApp message through the five
steps on a temporary database.

Every command takes ``--db PATH`` (default: ``$LAYANAN_ADUAN_DB``, else
``./layanan-aduan.sqlite3``) and ``--waktu ISO`` (act at a fixed instant instead of the
system clock). The section head's WhatsApp number comes from ``--kasi-intel`` or
``$LAYANAN_ADUAN_KASI_INTEL``; WhatsApp secrets only from ``WHATSAPP_*`` variables.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TextIO

if TYPE_CHECKING:
    from collections.abc import Callable

    import pendulum

    from layanan_aduan.clock import Clock
    from layanan_aduan.messaging import FetchedMedia, Messenger
    from layanan_aduan.service_layer.bootstrap import Services
    from layanan_aduan.service_layer.desk import StepResult

__all__ = ["DEMO_INSTANT", "register"]

EXIT_OK = 0
ENV_DB: Final = "LAYANAN_ADUAN_DB"
ENV_SECTION_HEAD: Final = "LAYANAN_ADUAN_KASI_INTEL"
DEFAULT_DB: Final = "layanan-aduan.sqlite3"
#: The demo's fixed clock: Monday 12 January 2026, 09:05 WIB (the message came at 09:00).
DEMO_INSTANT: Final = "2026-01-12T09:05:00+07:00"
_DEMO_SECTION_HEAD = "+6281100002222"
_CLOSE_REASONS = ("spam", "duplicate", "not_a_report", "out_of_scope", "abandoned", "other")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        help=f"berkas SQLite (bawaan: ${ENV_DB}, atau ./{DEFAULT_DB})",
    )
    parser.add_argument(
        "--waktu",
        metavar="ISO",
        help="bertindak pada waktu ini (ISO 8601 dengan zona), bukan jam sistem",
    )
    parser.add_argument(
        "--kasi-intel",
        metavar="NOMOR",
        help=f"nomor WhatsApp Kepala Seksi Intelijen (bawaan: ${ENV_SECTION_HEAD})",
    )


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """
    Add the desk's subcommands.
    """
    p = subparsers.add_parser("terima", help="terima berkas muatan webhook WhatsApp")
    p.add_argument("berkas", metavar="BERKAS", help="berkas JSON muatan webhook ('-': stdin)")
    p.add_argument("--tanda-tangan", metavar="SHA256", help="nilai header X-Hub-Signature-256")
    p.add_argument(
        "--app-secret",
        metavar="RAHASIA",
        help="app secret untuk memeriksa tanda tangan (bawaan: $WHATSAPP_APP_SECRET)",
    )
    p.add_argument("--media", metavar="DIR", help="direktori berkas media bernama id media")
    _common(p)
    p.set_defaults(run=_run_ingest)

    p = subparsers.add_parser("daftar", help="daftar laporan dengan status SLA")
    p.add_argument("--json", action="store_true", help="satu objek JSON per baris")
    _common(p)
    p.set_defaults(run=_run_list)

    steps = (
        ("terima-laporan", "langkah 2: petugas menerima laporan", "receive", None),
        ("minta-lengkapi", "petugas meminta pelapor melengkapi persyaratan", "request", None),
        ("teruskan", "langkah 3: teruskan ke Kepala Seksi Intelijen", "forward", "--ringkasan"),
        ("arahan", "langkah 4: Kepala Seksi Intelijen memberi arahan", "direct", "--teks"),
        ("tindak-lanjut", "langkah 5: sampaikan tindak lanjut ke pelapor", "follow", "--teks"),
    )
    for name, help_text, step, text_option in steps:
        p = subparsers.add_parser(name, help=help_text)
        p.add_argument("laporan", metavar="NOMOR", help="nomor laporan (atau id)")
        p.add_argument("--petugas", required=True, metavar="ID", help="id pegawai yang bertindak")
        if text_option is not None:
            p.add_argument(
                text_option, dest="teks", required=text_option == "--teks", metavar="TEKS"
            )
        _common(p)
        p.set_defaults(run=_run_step, step=step)

    p = subparsers.add_parser("tutup", help="tutup pesan yang bukan laporan")
    p.add_argument("laporan", metavar="NOMOR")
    p.add_argument("--petugas", required=True, metavar="ID")
    p.add_argument("--alasan", required=True, choices=_CLOSE_REASONS)
    p.add_argument("--catatan", default="", metavar="TEKS")
    _common(p)
    p.set_defaults(run=_run_step, step="close", teks=None)

    p = subparsers.add_parser("pantau", help="antrekan peringatan SLA yang jatuh tempo")
    _common(p)
    p.set_defaults(run=_run_sweep)

    p = subparsers.add_parser("kirim", help="kirim notifikasi dari antrean (outbox)")
    p.add_argument(
        "--saluran",
        choices=("konsol", "whatsapp"),
        default="konsol",
        help="konsol (bawaan) atau WhatsApp Cloud API dari variabel WHATSAPP_*",
    )
    p.add_argument("--sekali", action="store_true", help="satu putaran saja")
    _common(p)
    p.set_defaults(run=_run_send)

    p = subparsers.add_parser("antrean-gagal", help="daftar dan ulangi notifikasi gagal")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--ulang", metavar="KUNCI", help="antrekan ulang satu notifikasi")
    group.add_argument("--ulang-semua", action="store_true", help="antrekan ulang semuanya")
    _common(p)
    p.set_defaults(run=_run_dead_letters)

    p = subparsers.add_parser(
        "demo", help="contoh pesan WhatsApp melewati kelima langkah (basis data sementara)"
    )
    p.set_defaults(run=_run_demo)


# --- wiring ---------------------------------------------------------------------------------


def _db_path(args: argparse.Namespace) -> Path:
    text = args.db or os.environ.get(ENV_DB) or DEFAULT_DB
    return Path(text)


def _clock(args: argparse.Namespace) -> Clock:
    from layanan_aduan.clock import FixedClock, SystemClock

    if args.waktu is None:
        return SystemClock()
    return FixedClock(_instant(args.waktu))


def _instant(text: str) -> pendulum.DateTime:
    from layanan_aduan.entrypoints._tenggat import parse_instant
    from layanan_aduan.exceptions import ValidationError

    try:
        return parse_instant(text)
    except ValidationError:
        # One refusal for --waktu, whichever way the text is not an aware instant.
        pass
    raise ValidationError(
        "--waktu harus tanggal dan jam ISO 8601 dengan zona, mis. 2026-01-12T09:00:00+07:00",
        "--waktu must be an ISO 8601 date and time with an offset",
        code="invalid_instant",
        field="waktu",
    )


def _services(
    args: argparse.Namespace,
    *,
    messenger: Messenger | None = None,
    media_dir: str | None = None,
) -> Services:
    from layanan_aduan.adapters.messaging import ConsoleMessenger
    from layanan_aduan.messaging import Recipient
    from layanan_aduan.service_layer.bootstrap import bootstrap

    number = args.kasi_intel or os.environ.get(ENV_SECTION_HEAD)
    section_head = None
    if number:
        from layanan_aduan.domain.identity import PhoneNumber

        section_head = Recipient(phone=PhoneNumber.parse(number).e164)
    return bootstrap(
        _db_path(args),
        messenger=messenger if messenger is not None else ConsoleMessenger(sys.stdout),
        media=_DirectoryMedia(Path(media_dir) if media_dir else None),
        section_head=section_head,
        clock=_clock(args),
    )


class _DirectoryMedia:
    """
    Media files from a directory, each named by its media id (for payload files at hand).
    """

    def __init__(self, root: Path | None) -> None:
        self.root = root

    def fetch(self, media_id: str, *, max_bytes: int | None = None) -> FetchedMedia:
        import hashlib

        from layanan_aduan.domain.evidence import recognise
        from layanan_aduan.exceptions import MediaNotFoundError, MediaTooLargeError
        from layanan_aduan.messaging import FetchedMedia

        path = None if self.root is None else self.root / media_id
        if path is None or "/" in media_id or not path.is_file():
            raise MediaNotFoundError(
                "Berkas media tidak ditemukan (berikan --media DIR).",
                "The media file was not found (give --media DIR).",
                field="media_id",
            )
        content = path.read_bytes()
        if max_bytes is not None and len(content) > max_bytes:
            raise MediaTooLargeError(
                "Berkas media terlalu besar.", "The media file is too large.", field="media_id"
            )
        kind = recognise(content)
        return FetchedMedia(
            media_id=media_id,
            content=content,
            mime_type=kind.value if kind is not None else "application/octet-stream",
            sha256=hashlib.sha256(content).hexdigest(),
        )


def _state(name: str) -> str:
    from layanan_aduan.domain.workflow import REPORT_WORKFLOW

    return REPORT_WORKFLOW.state(name).label


# --- commands -------------------------------------------------------------------------------


def _run_ingest(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.adapters.whatsapp.inbound import parse_webhook, verify_signature
    from layanan_aduan.exceptions import WebhookPayloadError, WebhookSignatureError

    if args.berkas == "-":
        body = stdin.read().encode("utf-8")
    else:
        try:
            body = Path(args.berkas).read_bytes()
        except OSError:
            raise WebhookPayloadError(
                f"berkas {args.berkas!r} tidak dapat dibaca",
                f"the file {args.berkas!r} cannot be read",
                code="unreadable_file",
                field="berkas",
            ) from None
    secret = args.app_secret or os.environ.get("WHATSAPP_APP_SECRET")
    if args.tanda_tangan is not None or args.app_secret is not None:
        if not secret:
            raise WebhookSignatureError(
                "app secret tidak diberikan (--app-secret atau $WHATSAPP_APP_SECRET)",
                "no app secret given (--app-secret or $WHATSAPP_APP_SECRET)",
                code="missing_app_secret",
                field="app_secret",
            )
        verify_signature(body, args.tanda_tangan, secret)
    parsed = parse_webhook(body)
    with _services(args, media_dir=args.media) as services:
        result = services.desk.ingest(parsed)
    for step in result.steps:
        actions = ", ".join(step.actions)
        notes = ", ".join(n.kind.value for n in step.notifications) or "-"
        print(f"{step.number}\t{_state(step.state)}\t{actions}\tnotifikasi: {notes}", file=stdout)
    print(
        f"laporan: {len(result.steps)}, duplikat: {result.duplicates}, "
        f"diabaikan: {result.ignored}, status: {result.statuses}, "
        f"dilewati: {len(parsed.skipped)}",
        file=stdout,
    )
    return EXIT_OK


def _run_list(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    with _services(args) as services:
        tz = services.desk.standard.office.schedule.timezone
        lines = services.desk.list_reports()
    if not args.json and not lines:
        print("belum ada laporan", file=stdout)
    for line in lines:
        received = line.received_at.in_timezone(tz) if line.received_at else None
        deadline = line.deadline.in_timezone(tz) if line.deadline else None
        if args.json:
            record = {
                "number": line.number,
                "report_id": line.report_id,
                "state": line.state,
                "received_at": received.isoformat() if received else None,
                "deadline": deadline.isoformat() if deadline else None,
                "sla": line.sla.value,
            }
            print(json.dumps(record), file=stdout)
        else:
            shown = deadline.format("YYYY-MM-DD HH:mm") if deadline else "-"
            print(
                f"{line.number}\t{_state(line.state)}\ttenggat {shown}\t{line.sla.label}",
                file=stdout,
            )
    return EXIT_OK


def _run_step(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    with _services(args) as services:
        desk = services.desk
        ref, who = args.laporan, args.petugas
        if args.step == "receive":
            result = desk.receive(ref, officer=who)
        elif args.step == "request":
            result = desk.request_completion(ref, officer=who)
        elif args.step == "forward":
            result = desk.forward(ref, officer=who, summary=args.teks)
        elif args.step == "direct":
            result = desk.give_direction(ref, section_head=who, direction=args.teks)
        elif args.step == "follow":
            result = desk.deliver_follow_up(ref, officer=who, follow_up=args.teks)
        else:
            result = desk.close(ref, officer=who, reason=args.alasan, note=args.catatan)
    notes = ", ".join(n.kind.value for n in result.notifications) or "-"
    print(f"{result.number}\t{_state(result.state)}\tnotifikasi: {notes}", file=stdout)
    return EXIT_OK


def _run_sweep(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    with _services(args) as services:
        entries = services.desk.sweep_sla()
    for entry in entries:
        print(f"{entry.kind.value}\t{entry.key}", file=stdout)
    print(f"peringatan diantrekan: {len(entries)}", file=stdout)
    return EXIT_OK


def _run_send(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.adapters.messaging import ConsoleMessenger

    if args.saluran == "whatsapp":
        from layanan_aduan.adapters.whatsapp.cloud_api import WhatsAppCloudApi

        api = WhatsAppCloudApi.from_env()
        try:
            summary = _dispatch(args, api)
        finally:
            api.close()
    else:
        summary = _dispatch(args, ConsoleMessenger(stdout))
    print(
        f"terkirim: {summary.sent}, dijadwalkan ulang: {summary.retried}, gagal: {summary.dead}",
        file=stdout,
    )
    return EXIT_OK


def _dispatch(args: argparse.Namespace, messenger: Messenger) -> Any:
    with _services(args, messenger=messenger) as services:
        if args.sekali:
            return services.dispatcher.run_once()
        return services.dispatcher.run(max_iterations=1000, until_idle=True)


def _run_dead_letters(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    with _services(args) as services:
        dispatcher = services.dispatcher
        if args.ulang is not None:
            dispatcher.retry_dead_letter(args.ulang)
            print(f"diantrekan ulang: {args.ulang}", file=stdout)
            return EXIT_OK
        if args.ulang_semua:
            again = dispatcher.retry_all_dead_letters()
            print(f"diantrekan ulang: {len(again)}", file=stdout)
            return EXIT_OK
        dead = dispatcher.dead_letters()
    for message in dead:
        print(f"{message.key}\tpercobaan {message.attempts}\t{message.last_error}", file=stdout)
    print(f"antrean gagal: {len(dead)}", file=stdout)
    return EXIT_OK


# --- demo -----------------------------------------------------------------------------------


def _run_demo(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:

    import pendulum

    from layanan_aduan import examples
    from layanan_aduan.adapters.messaging import ConsoleMessenger, InMemoryMediaFetcher
    from layanan_aduan.adapters.whatsapp.inbound import parse_webhook
    from layanan_aduan.clock import FixedClock
    from layanan_aduan.messaging import Recipient
    from layanan_aduan.service_layer.bootstrap import bootstrap

    body = examples.whatsapp_webhook()
    media = InMemoryMediaFetcher()
    media.put(
        examples.SCREENSHOT_MEDIA_ID, examples.screenshot_png(), examples.SCREENSHOT_MEDIA_TYPE
    )
    clock = FixedClock(_instant(DEMO_INSTANT))
    out = stdout

    def say(text: str) -> None:
        print(f"\n== {text}", file=out)

    with tempfile.TemporaryDirectory(prefix="layanan-aduan-demo-") as tmp:
        services = bootstrap(
            Path(tmp) / "demo.sqlite3",
            messenger=ConsoleMessenger(out),
            media=media,
            section_head=Recipient(phone=_DEMO_SECTION_HEAD),
            clock=clock,
        )
        with services:
            desk, dispatcher = services.desk, services.dispatcher

            def at() -> str:
                return (
                    clock.now().in_timezone(desk.standard.office.schedule.timezone).format("HH.mm")
                )

            print(
                "Demo layanan-aduan: satu pesan WhatsApp melewati kelima langkah "
                f"(jam tetap {DEMO_INSTANT}, basis data sementara).",
                file=out,
            )
            say(f"1. Pemohon mengirim teks dan tangkapan layar; diterima sistem {at()} WIB")
            (step,) = desk.ingest(parse_webhook(body)).steps
            number = step.number
            assert number is not None  # noqa: S101 - ingest numbers every new report
            report = desk.report(number)
            print(
                f"Laporan {number} ({report.kind.label}), bukti: {len(report.evidence)} berkas, "
                f"persyaratan lengkap: {'ya' if report.requirements_met else 'tidak'}",
                file=out,
            )
            dispatcher.run()
            plan: list[tuple[int, str, Callable[[], StepResult]]] = [
                (10, "2. Petugas pelaksana (petugas-01) menerima laporan",
                 lambda: desk.receive(number, officer="petugas-01")),
                (10, "3. Petugas meneruskan ke Kepala Seksi Intelijen",
                 lambda: desk.forward(
                     number, officer="petugas-01",
                     summary="Dugaan pungutan liar pengurusan surat di kantor kelurahan.",
                 )),
                (30, "4. Kepala Seksi Intelijen (kasi-intel-01) memberi arahan tindak lanjut",
                 lambda: desk.give_direction(
                     number, section_head="kasi-intel-01",
                     direction="Lakukan klarifikasi ke kelurahan dan kabari pelapor.",
                 )),
                (45, "5. Petugas menyampaikan tindak lanjut kepada pemohon",
                 lambda: desk.deliver_follow_up(
                     number, officer="petugas-01",
                     follow_up="Laporan Anda telah kami klarifikasi ke kantor kelurahan dan "
                     "ditindaklanjuti oleh Seksi Intelijen sesuai arahan pimpinan.",
                 )),
            ]  # fmt: skip
            for minutes, title, act in plan:
                clock.advance(pendulum.duration(minutes=minutes))
                say(f"{title} ({at()} WIB)")
                result = act()
                print(f"Status: {_state(result.state)}", file=out)
                dispatcher.run()
            (line,) = desk.list_reports()
            say(f"Selesai: {line.number} {_state(line.state)}; SLA: {line.sla.label}")
    return EXIT_OK
