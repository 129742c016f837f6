"""
The main job on the embedded default (a SQLite file): the desk from the command line.

``terima BERKAS`` ingests a webhook payload file; ``daftar`` lists reports with their SLA
status; ``riwayat NOMOR`` shows a report's events with both their instants;
``terima-laporan``, ``minta-lengkapi``, ``teruskan``, ``arahan``, ``tindak-lanjut``
and ``tutup`` perform a step as an officer or the section head (``--petugas ID``, a staff
id the staff file must give the step's role at that instant; ``--terjadi WAKTU`` when the
step happened before it is entered, ``--entri-terlambat ALASAN`` for a late entry);
``pantau`` enqueues the SLA alerts due; ``kirim`` runs the dispatcher; ``antrean-gagal``
lists and retries dead letters; ``demo`` takes a bundled WhatsApp message through the five
steps on a temporary database.

Every command takes ``--konfigurasi BERKAS`` (default: ``$LAYANAN_ADUAN_KONFIGURASI``; without
one, Kejaksaan Negeri Jakarta Pusat as the seed says), ``--db PATH`` (default: the storage the
configuration names, else ``$LAYANAN_ADUAN_DB``, else ``./layanan-aduan.sqlite3``) and
``--waktu ISO`` (act at a fixed instant instead of the system clock: for the demo and tests
only; with an office configuration it is refused for every command that changes data), and
``--overrides BERKAS`` (calendar overrides merged over the configuration's ``[calendar]``; a desk
started with another calendar than its reports were projected with re-projects them first). The
office's staff (who
may take which step, and where the section head's notifications go) come from the
configuration's ``[[staff]]`` tables, or from the TOML staff file ``--staf FILE`` (default:
``$LAYANAN_ADUAN_STAF``; see :mod:`layanan_aduan.adapters.staff`); WhatsApp secrets only from
environment variables.
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TextIO

if TYPE_CHECKING:
    from collections.abc import Callable

    import pendulum

    from layanan_aduan.adapters.office_config import OfficeConfig
    from layanan_aduan.clock import Clock
    from layanan_aduan.domain.standard import ServiceStandard
    from layanan_aduan.media import FetchedMedia
    from layanan_aduan.messaging import MediaFetcher, Messenger
    from layanan_aduan.service_layer.bootstrap import Services
    from layanan_aduan.service_layer.desk import StepResult

__all__ = ["DEMO_INSTANT", "register"]

EXIT_OK = 0
ENV_DB: Final = "LAYANAN_ADUAN_DB"
#: The office configuration file (see docs/offices.md); the same name as the library's.
ENV_CONFIG: Final = "LAYANAN_ADUAN_KONFIGURASI"
ENV_STAFF: Final = "LAYANAN_ADUAN_STAF"
DEFAULT_DB: Final = "layanan-aduan.sqlite3"
#: The demo's fixed clock: Monday 12 January 2026, 09:05 WIB (the message came at 09:00).
DEMO_INSTANT: Final = "2026-01-12T09:05:00+07:00"
_DEMO_SECTION_HEAD = "+6281100002222"
_DEMO_OFFICER = "+6281311112222"
# Media files are read in pieces this large; recognising one reads its first _HEAD bytes.
_CHUNK: Final = 1024 * 1024
_HEAD: Final = 16
_CLOSE_REASONS = ("spam", "duplicate", "not_a_report", "out_of_scope", "abandoned", "other")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--konfigurasi",
        metavar="BERKAS",
        help=f"berkas konfigurasi kantor (TOML; bawaan: ${ENV_CONFIG}, atau Kejari Jakarta Pusat)",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help=f"berkas SQLite (bawaan: storage di konfigurasi, ${ENV_DB}, atau ./{DEFAULT_DB})",
    )
    parser.add_argument(
        "--waktu",
        metavar="ISO",
        help="bertindak pada waktu ini (ISO 8601 dengan zona), bukan jam sistem; hanya untuk "
        "demo dan pengujian: ditolak bila konfigurasi kantor dipakai dan perintah mengubah data",
    )
    parser.add_argument(
        "--staf",
        metavar="BERKAS",
        help=f"berkas TOML staf kantor, tabel [[staff]] (bawaan: konfigurasi, atau ${ENV_STAFF})",
    )
    parser.add_argument(
        "--overrides",
        metavar="BERKAS",
        help="berkas TOML libur tambahan dan jam khusus, di atas [calendar] konfigurasi",
    )


def _step_instants(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--terjadi",
        metavar="WAKTU",
        help="kapan langkah ini terjadi (ISO 8601 dengan zona), bila sebelum dicatat; "
        "tenggat tetap dihitung dari waktu pencatatan",
    )
    parser.add_argument(
        "--entri-terlambat",
        dest="entri_terlambat",
        metavar="ALASAN",
        help="catat sebagai entri terlambat dengan alasan ini (--terjadi wajib)",
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

    _register_list(subparsers)

    steps = (
        ("terima-laporan", "langkah 2: petugas menerima laporan", "receive", None),
        ("minta-lengkapi", "petugas meminta pelapor melengkapi persyaratan", "request", None),
        ("teruskan", "langkah 3: teruskan ke Kepala Seksi", "forward", "--ringkasan"),
        ("arahan", "langkah 4: Kepala Seksi memberi arahan", "direct", "--teks"),
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
        _step_instants(p)
        _common(p)
        p.set_defaults(run=_run_step, step=step)

    p = subparsers.add_parser("tutup", help="tutup pesan yang bukan laporan")
    p.add_argument("laporan", metavar="NOMOR")
    p.add_argument("--petugas", required=True, metavar="ID")
    p.add_argument("--alasan", required=True, choices=_CLOSE_REASONS)
    p.add_argument("--catatan", default="", metavar="TEKS")
    _step_instants(p)
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

    p = subparsers.add_parser("antrean", help="daftar notifikasi di antrean (outbox) kantor ini")
    p.add_argument("--status", choices=("pending", "sent", "dead"), help="hanya status ini")
    p.add_argument("--json", action="store_true", help="satu objek JSON per baris")
    p.add_argument("--batas", type=int, default=50, metavar="N", help="paling banyak N (bawaan 50)")
    p.add_argument("--setelah", metavar="KURSOR", help="halaman berikutnya")
    _common(p)
    p.set_defaults(run=_run_outbox, read_only=True)

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


def _register_list(subparsers: argparse._SubParsersAction[Any]) -> None:
    p = subparsers.add_parser("daftar", help="daftar laporan dengan status SLA")
    p.add_argument("--json", action="store_true", help="satu objek JSON per baris")
    p.add_argument(
        "--terbuka", action="store_true", help="hanya yang belum ditindaklanjuti/ditutup"
    )
    p.add_argument("--status", metavar="STATUS", help="hanya pada status ini (mis. submitted)")
    p.add_argument(
        "--jenis", choices=("laporan", "aduan", "permohonan_informasi"), help="hanya jenis ini"
    )
    p.add_argument(
        "--tenggat-sebelum",
        metavar="ISO",
        help="hanya yang terbuka dengan tenggat sebelum waktu ini",
    )
    p.add_argument("--batas", type=int, metavar="N", help="paling banyak N laporan (satu halaman)")
    p.add_argument("--setelah", metavar="KURSOR", help="halaman berikutnya (kursor dari --batas)")
    _common(p)
    p.set_defaults(run=_run_list, read_only=True)

    p = subparsers.add_parser(
        "riwayat", help="riwayat laporan: setiap peristiwa dengan waktu kejadian dan pencatatannya"
    )
    p.add_argument("laporan", metavar="NOMOR", help="nomor laporan (atau id)")
    p.add_argument("--json", action="store_true", help="satu objek JSON per baris")
    _common(p)
    p.set_defaults(run=_run_history, read_only=True)

    p = subparsers.add_parser("ubah-jenis", help="perbaiki jenis laporan (sebagai peristiwa)")
    p.add_argument("laporan", metavar="NOMOR")
    p.add_argument("--petugas", required=True, metavar="ID")
    p.add_argument("--jenis", required=True, choices=("laporan", "aduan", "permohonan_informasi"))
    p.add_argument("--catatan", default="", metavar="TEKS")
    _step_instants(p)
    _common(p)
    p.set_defaults(run=_run_step, step="kind", teks=None)


# --- wiring ---------------------------------------------------------------------------------


def _db_path(args: argparse.Namespace, config: OfficeConfig | None = None) -> Path | None:
    if args.db:
        return Path(args.db)
    if config is not None and config.source is not None:
        # The configuration file says where its storage is.
        return None if config.storage.kind == "postgres" else config.storage.sqlite_path
    return Path(os.environ.get(ENV_DB) or DEFAULT_DB)


def _config(args: argparse.Namespace) -> OfficeConfig | None:
    """
    The office configuration the command was given (``--konfigurasi`` or the environment).
    """
    from layanan_aduan.adapters.office_config import load_office_config

    path = getattr(args, "konfigurasi", None) or os.environ.get(ENV_CONFIG)
    return None if not path else load_office_config(path)


def _clock(args: argparse.Namespace, config: OfficeConfig | None = None) -> Clock:
    """
    The system clock; a fixed one for ``--waktu``, which the demo and tests use. A configured
    office's data is never changed at an instant the caller chose: with a configuration,
    ``--waktu`` is refused for every command that is not read-only.
    """
    from layanan_aduan.clock import FixedClock, SystemClock
    from layanan_aduan.exceptions import ValidationError

    if args.waktu is None:
        return SystemClock()
    if config is not None and not getattr(args, "read_only", False):
        raise ValidationError(
            "--waktu hanya untuk demo dan pengujian: tidak dapat dipakai untuk mengubah data "
            "kantor yang dikonfigurasi; tindakan dicatat pada jam sistem (untuk langkah yang "
            "terjadi lebih awal: --terjadi, dan --entri-terlambat ALASAN bila perlu)",
            "--waktu is for the demo and tests only: it cannot change the data of a configured "
            "office; actions are recorded at the system clock (for a step that happened "
            "earlier: --terjadi, and --entri-terlambat REASON when needed)",
            code="fixed_clock_refused",
            field="waktu",
        )
    return FixedClock(_instant(args.waktu))


def _instant(text: str, option: str = "--waktu") -> pendulum.DateTime:
    from layanan_aduan.entrypoints._tenggat import parse_instant
    from layanan_aduan.exceptions import ValidationError

    try:
        return parse_instant(text)
    except ValidationError:
        # One refusal for the option, whichever way the text is not an aware instant.
        pass
    raise ValidationError(
        f"{option} harus tanggal dan jam ISO 8601 dengan zona, mis. 2026-01-12T09:00:00+07:00",
        f"{option} must be an ISO 8601 date and time with an offset",
        code="invalid_instant",
        field=option.lstrip("-"),
    )


def _services(
    args: argparse.Namespace,
    *,
    messenger: Messenger | None = None,
    media_dir: str | None = None,
    media: MediaFetcher | None = None,
    reproject_on_start: bool = True,
    warn_unencrypted: bool = False,
) -> Services:
    from layanan_aduan.adapters.messaging import ConsoleMessenger
    from layanan_aduan.adapters.overrides_file import load_overrides
    from layanan_aduan.adapters.staff import InMemoryStaffDirectory, read_staff_file
    from layanan_aduan.domain.standard import KEJARI_JAKARTA_PUSAT
    from layanan_aduan.service_layer.bootstrap import bootstrap

    config = _config(args)
    office = (config.standard if config is not None else KEJARI_JAKARTA_PUSAT).office.code
    path = args.staf or os.environ.get(ENV_STAFF)
    # A staff file given on the command line wins over the configuration's [[staff]] tables.
    staff = InMemoryStaffDirectory({office: read_staff_file(path, office=office)}) if path else None
    return bootstrap(
        _db_path(args, config),
        config=config,
        messenger=messenger if messenger is not None else ConsoleMessenger(sys.stdout),
        media=media
        if media is not None
        else _DirectoryMedia(Path(media_dir) if media_dir else None),
        staff=staff,
        clock=_clock(args, config),
        overrides=load_overrides(args.overrides) if getattr(args, "overrides", None) else None,
        reproject_on_start=reproject_on_start,
        warn_unencrypted=warn_unencrypted,
    )


class _DirectoryMedia:
    """
    Media files from a directory, each named by its media id (for payload files at hand).
    """

    def __init__(self, root: Path | None) -> None:
        self.root = root

    def fetch(self, media_id: str, *, max_bytes: int | None = None) -> FetchedMedia:
        """
        The file named ``media_id``, its size checked before it is read, then streamed into
        a private temporary file (never read whole into memory).
        """
        import functools

        from layanan_aduan.domain.evidence import recognise
        from layanan_aduan.exceptions import MediaNotFoundError, MediaSpoolError
        from layanan_aduan.media import FetchedMedia, media_too_large

        path = None if self.root is None else self.root / media_id
        if path is None or "/" in media_id or not path.is_file():
            raise MediaNotFoundError(
                "Berkas media tidak ditemukan (berikan --media DIR).",
                "The media file was not found (give --media DIR).",
                field="media_id",
            )
        limit = sys.maxsize if max_bytes is None else max_bytes
        try:
            with path.open("rb") as f:
                size = os.fstat(f.fileno()).st_size
                if size > limit:
                    raise media_too_large(limit, size)
                kind = recognise(f.read(_HEAD))
                f.seek(0)
                return FetchedMedia(
                    media_id,
                    iter(functools.partial(f.read, _CHUNK), b""),
                    kind.value if kind is not None else "application/octet-stream",
                    max_bytes=limit,
                )
        except OSError as e:
            raise MediaSpoolError(
                "Berkas media tidak dapat dibaca.",
                "The media file cannot be read.",
                field="media_id",
                details={"error": type(e).__name__},
            ) from e


def _state(name: str, standard: ServiceStandard | None = None) -> str:
    # The state as the office's standard names it (its section head's title).
    from layanan_aduan.domain.workflow import REPORT_WORKFLOW

    workflow = REPORT_WORKFLOW if standard is None else standard.workflow
    return workflow.state(name).label


# --- commands -------------------------------------------------------------------------------


def _run_ingest(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.adapters.whatsapp.inbound import (
        DEFAULT_WEBHOOK_LIMITS,
        parse_webhook,
        verify_signature,
    )
    from layanan_aduan.exceptions import WebhookSignatureError

    # One byte past the limit is enough for parse_webhook to refuse the body as too large.
    limit = DEFAULT_WEBHOOK_LIMITS.max_body_bytes + 1
    if args.berkas == "-":
        body = _read_stdin(stdin, limit)
    else:
        body = _read_payload_file(args.berkas, DEFAULT_WEBHOOK_LIMITS.max_body_bytes)
    config = _config(args)
    secret_env = "WHATSAPP_APP_SECRET" if config is None else config.whatsapp.app_secret_env
    secret = args.app_secret or os.environ.get(secret_env)
    # A configured app secret means every body must carry its signature: never fail open.
    if args.tanda_tangan is not None or secret:
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


def _read_payload_file(name: str, max_bytes: int) -> bytes:
    """
    The bytes of the payload file ``name``: its size is checked before a byte is read.

    The size is that of the file opened (not of a name that may change meanwhile); a pipe
    or a device has none, so reading stops one byte past the limit in any case.
    """
    from layanan_aduan.exceptions import WebhookPayloadError
    from layanan_aduan.privacy import redact_identifiers

    shown = redact_identifiers(name)
    try:
        with Path(name).open("rb") as f:
            status = os.fstat(f.fileno())
            if stat.S_ISREG(status.st_mode) and status.st_size > max_bytes:
                raise WebhookPayloadError(
                    f"berkas {shown!r} melebihi batas {max_bytes} bita ({status.st_size} bita)",
                    f"the file {shown!r} exceeds the limit of {max_bytes} bytes "
                    f"({status.st_size} bytes)",
                    code="body_too_large",
                    field="berkas",
                    details={"size": status.st_size, "limit": max_bytes},
                )
            data: bytes = f.read(max_bytes + 1)
    except OSError:
        raise WebhookPayloadError(
            f"berkas {shown!r} tidak dapat dibaca",
            f"the file {shown!r} cannot be read",
            code="unreadable_file",
            field="berkas",
        ) from None
    return data


def _read_stdin(stdin: TextIO, limit: int) -> bytes:
    """
    The body on standard input, as the bytes that were sent (the signature covers them).
    """
    from layanan_aduan.exceptions import WebhookPayloadError

    buffer = getattr(stdin, "buffer", None)
    if buffer is not None:
        data: bytes = buffer.read(limit)
        return data
    try:
        # A text stream: surrogateescape gives back the bytes a surrogateescape stream read.
        return stdin.read(limit).encode("utf-8", "surrogateescape")
    except UnicodeError:
        raise WebhookPayloadError(
            "Isi webhook bukan UTF-8 yang sah.",
            "The webhook body is not valid UTF-8.",
            code="invalid_encoding",
            field="berkas",
        ) from None


def _run_list(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from layanan_aduan.domain.standard import zone_name

    filters: dict[str, Any] = {
        "state": args.status,
        "kind": args.jenis,
        "open_only": args.terbuka,
        "due_before": None if args.tenggat_sebelum is None else _instant(args.tenggat_sebelum),
    }
    cursor = None
    with _services(args) as services:
        standard = services.desk.standard
        tz = standard.office.schedule.timezone
        if args.batas is None and args.setelah is None:
            lines = services.desk.list_reports(**filters)
        else:
            page = services.desk.page_reports(**filters, limit=args.batas or 50, after=args.setelah)
            lines, cursor = page.items, page.next_cursor
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
                "kind": line.kind,
            }
            print(json.dumps(record), file=stdout)
        else:
            shown = "-"
            if deadline is not None:
                shown = f"{deadline.format('YYYY-MM-DD HH:mm')} {zone_name(tz, deadline)}"
            print(
                f"{line.number}\t{_state(line.state, standard)}\ttenggat {shown}\t{line.sla.label}",
                file=stdout,
            )
    if cursor is not None:
        if args.json:
            print(json.dumps({"next_cursor": cursor}), file=stdout)
        else:
            print(f"halaman berikutnya: --setelah {cursor}", file=stdout)
    return EXIT_OK


def _run_step(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    when: dict[str, Any] = {
        "occurred_at": None if args.terjadi is None else _instant(args.terjadi, "--terjadi"),
        "late_entry_reason": args.entri_terlambat,
    }
    with _services(args) as services:
        desk = services.desk
        standard = desk.standard
        ref, who = args.laporan, args.petugas
        if args.step == "receive":
            result = desk.receive(ref, officer=who, **when)
        elif args.step == "request":
            result = desk.request_completion(ref, officer=who, **when)
        elif args.step == "forward":
            result = desk.forward(ref, officer=who, summary=args.teks, **when)
        elif args.step == "direct":
            result = desk.give_direction(ref, section_head=who, direction=args.teks, **when)
        elif args.step == "follow":
            result = desk.deliver_follow_up(ref, officer=who, follow_up=args.teks, **when)
        elif args.step == "kind":
            result = desk.correct_kind(ref, officer=who, kind=args.jenis, note=args.catatan, **when)
        else:
            result = desk.close(ref, officer=who, reason=args.alasan, note=args.catatan, **when)
    notes = ", ".join(n.kind.value for n in result.notifications) or "-"
    print(f"{result.number}\t{_state(result.state, standard)}\tnotifikasi: {notes}", file=stdout)
    return EXIT_OK


def _run_history(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    """
    A report's events, oldest first, each with the instant it is about (``terjadi``) and the
    instant it was recorded (``dicatat``), and a late entry's reason. The history is verified
    on loading. The reporter's id is masked; no payload but a late entry's reason is shown.
    """
    from layanan_aduan.domain.confidential import SEALED
    from layanan_aduan.domain.standard import zone_name
    from layanan_aduan.domain.workflow import Role
    from layanan_aduan.privacy import mask, redact_identifiers

    with _services(args) as services:
        report = services.desk.report(args.laporan)
        tz = services.desk.standard.office.schedule.timezone
    number = report.number if report.number is not None else report.id

    def local(instant: pendulum.DateTime) -> pendulum.DateTime:
        return instant.in_timezone(tz)

    def shown(instant: pendulum.DateTime) -> str:
        return f"{local(instant).format('YYYY-MM-DD HH:mm:ss')} {zone_name(tz, local(instant))}"

    if not args.json:
        print(f"riwayat {number}", file=stdout)
    for e in report.events:
        actor = mask(e.actor_id) if e.actor_role is Role.REPORTER else e.actor_id
        if e.actor_role is Role.REPORTER and report.identity_sealed:
            actor = SEALED  # a confidential report: not even masked
        reason = e.late_entry_reason
        reason = None if reason is None else redact_identifiers(reason)
        if args.json:
            record = {
                "seq": e.seq,
                "action": e.action,
                "actor_role": e.actor_role.value,
                "actor_id": actor,
                "at": local(e.at).isoformat(),
                "recorded_at": local(e.recorded_at).isoformat(),
                "sla_at": local(e.sla_at).isoformat(),
                "late_entry": reason is not None,
                "late_entry_reason": reason,
            }
            print(json.dumps(record), file=stdout)
            continue
        line = (
            f"{e.seq}\t{e.action}\t{e.actor_role.value} {actor}\t"
            f"terjadi {shown(e.at)}\tdicatat {shown(e.recorded_at)}"
        )
        if reason is not None:
            line += f"\tentri terlambat: {_one_line(reason)}"
        print(line, file=stdout)
    return EXIT_OK


def _one_line(text: str) -> str:
    return " ".join(text.split())


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

        config = _config(args)
        environ = None
        if config is not None:
            # The office's own secrets, under the names its configuration gives them.
            first = config.business_numbers[0] if config.business_numbers else None
            environ = config.whatsapp.environment(phone_number_id=first)
        api = WhatsAppCloudApi.from_env(environ)
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


def _run_outbox(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    # What an operator reads: nothing is leased or changed. No payload is printed (it holds
    # the recipient and the text): the notification's kind and its report say what it is.
    from layanan_aduan.ports import OutboxStatus

    with _services(args) as services:
        office = services.desk.office
        page = services.storage.outbox.list(
            status=None if args.status is None else OutboxStatus(args.status),
            office=office,
            limit=args.batas,
            after=args.setelah,
        )
    for m in page.items:
        record = {
            "key": m.key,
            "status": m.status.value,
            "notification": m.payload.get("notification"),
            "attempts": m.attempts,
            "next_attempt_at": m.next_attempt_at.isoformat(),
            "sent_at": None if m.sent_at is None else m.sent_at.isoformat(),
            "last_error": m.last_error,
        }
        if args.json:
            print(json.dumps(record), file=stdout)
        else:
            shown = record["sent_at"] or f"berikutnya {record['next_attempt_at']}"
            print(
                f"{m.key}\t{m.status.value}\t{record['notification']}\t"
                f"percobaan {m.attempts}\t{shown}",
                file=stdout,
            )
    if page.next_cursor is not None:
        print(f"halaman berikutnya: --setelah {page.next_cursor}", file=stdout)
    elif not page.items and not args.json:
        print("antrean kosong", file=stdout)
    return EXIT_OK


# --- demo -----------------------------------------------------------------------------------


def _demo_message(
    body: bytes, sender: str, message_id: str, text: str, sent_at: pendulum.DateTime
) -> bytes:
    # A text message from ``sender`` to the office's number, as WhatsApp delivers it.
    document = json.loads(body)
    value = document["entry"][0]["changes"][0]["value"]
    value["contacts"] = [{"profile": {"name": "-"}, "wa_id": sender.lstrip("+")}]
    value["messages"] = [
        {
            "from": sender.lstrip("+"),
            "id": message_id,
            "timestamp": str(int(sent_at.timestamp())),
            "type": "text",
            "text": {"body": text},
        }
    ]
    return json.dumps(document).encode()


def _run_demo(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:

    import pendulum

    from layanan_aduan import examples
    from layanan_aduan.adapters.messaging import ConsoleMessenger, InMemoryMediaFetcher
    from layanan_aduan.adapters.staff import InMemoryStaffDirectory
    from layanan_aduan.adapters.whatsapp.inbound import parse_webhook
    from layanan_aduan.clock import FixedClock
    from layanan_aduan.domain.staff import Assignment, StaffMember, StaffRole
    from layanan_aduan.domain.standard import KEJARI_JAKARTA_PUSAT, zone_name
    from layanan_aduan.service_layer.bootstrap import bootstrap

    body = examples.whatsapp_webhook()
    media = InMemoryMediaFetcher()
    media.put(
        examples.SCREENSHOT_MEDIA_ID, examples.screenshot_png(), examples.SCREENSHOT_MEDIA_TYPE
    )
    clock = FixedClock(_instant(DEMO_INSTANT))
    out = stdout
    office = KEJARI_JAKARTA_PUSAT.office.code
    staff = InMemoryStaffDirectory(
        {
            office: [
                StaffMember(
                    "petugas-01",
                    "Rina Wulandari",
                    phone=_DEMO_OFFICER,
                    assignments=(Assignment(StaffRole.OFFICER, office),),
                ),
                StaffMember(
                    "kasi-intel-01",
                    "Andi Pratama",
                    phone=_DEMO_SECTION_HEAD,
                    assignments=(Assignment(StaffRole.SECTION_HEAD, office),),
                ),
            ]
        }
    )

    def say(text: str) -> None:
        print(f"\n== {text}", file=out)

    with tempfile.TemporaryDirectory(prefix="layanan-aduan-demo-") as tmp:
        services = bootstrap(
            Path(tmp) / "demo.sqlite3",
            messenger=ConsoleMessenger(out),
            media=media,
            staff=staff,
            clock=clock,
            warn_unencrypted=False,  # a throwaway database in a temporary folder
        )
        with services:
            desk, dispatcher = services.desk, services.dispatcher

            timezone = desk.standard.office.schedule.timezone
            head = desk.standard.section_head_title

            def at() -> str:
                local = clock.now().in_timezone(timezone)
                return f"{local.format('HH.mm')} {zone_name(timezone, local)}"

            reporter = json.loads(body)["entry"][0]["changes"][0]["value"]["messages"][0]["from"]

            def whatsapp(sender: str, message_id: str, text: str) -> bytes:
                return _demo_message(body, sender, message_id, text, clock.now())

            print(
                "Demo layanan-aduan: satu pesan WhatsApp melewati kelima langkah, arahan "
                "Kepala Seksi lewat WhatsApp, pertanyaan status dan penilaian kepuasan dari "
                "pemohon "
                f"(jam tetap {DEMO_INSTANT}, basis data sementara).",
                file=out,
            )
            say(f"1. Pemohon mengirim teks dan tangkapan layar; diterima sistem {at()}")
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
                (10, f"3. Petugas meneruskan ke {head}",
                 lambda: desk.forward(
                     number, officer="petugas-01",
                     summary="Dugaan pungutan liar pengurusan surat di kantor kelurahan.",
                 )),
                (30, f"4. {head} (kasi-intel-01) memberi arahan lewat WhatsApp",
                 lambda: desk.ingest(parse_webhook(whatsapp(
                     _DEMO_SECTION_HEAD, "wamid.DEMO.ARAHAN",
                     f"Arahan {number}: Lakukan klarifikasi ke kelurahan dan kabari pelapor.",
                 ))).steps[0]),
                (45, "5. Petugas menyampaikan tindak lanjut kepada pemohon",
                 lambda: desk.deliver_follow_up(
                     number, officer="petugas-01",
                     follow_up="Laporan Anda telah kami klarifikasi ke kantor kelurahan dan "
                     "ditindaklanjuti oleh Seksi Intelijen sesuai arahan pimpinan.",
                 )),
            ]  # fmt: skip
            for minutes, title, act in plan:
                clock.advance(pendulum.duration(minutes=minutes))
                say(f"{title} ({at()})")
                result = act()
                print(f"Status: {_state(result.state)}", file=out)
                dispatcher.run()
            answers = (
                (20, "6. Pemohon menanyakan perkembangan laporannya", "wamid.DEMO.STATUS",
                 f"Bagaimana perkembangan {number}?"),
                (5, "7. Pemohon memberi penilaian kepuasan, 4 dari 5", "wamid.DEMO.NILAI", "4"),
            )  # fmt: skip
            for minutes, title, message_id, text in answers:
                clock.advance(pendulum.duration(minutes=minutes))
                say(f"{title} ({at()})")
                desk.ingest(parse_webhook(whatsapp(reporter, message_id, text)))
                dispatcher.run()
            (line,) = desk.list_reports()
            say(f"Selesai: {line.number} {_state(line.state)}; SLA: {line.sla.label}")
    return EXIT_OK
