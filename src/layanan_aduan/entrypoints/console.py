"""
The officer console (*konsol petugas*): the queue, a report's page and its step forms, in the
browser, Indonesian first.

Needs the ``web`` and ``console`` extras (Starlette, Jinja2, itsdangerous).
:func:`create_console` builds a Starlette app that :func:`~layanan_aduan.entrypoints.web.create_app`
mounts at ``/konsol`` when given :class:`ConsoleSettings`:

- ``GET/POST /konsol/masuk``: log in with a staff id from the office's staff directory and a
  password (:class:`~layanan_aduan.service_layer.console_login.ConsoleLogin`: scrypt hashes,
  lock-out after repeated failures); ``POST /konsol/keluar`` logs out;
- ``GET /konsol/``: the office's open reports by deadline, with their SLA status and the time
  left in working hours;
- ``GET /konsol/laporan/{id}``: a report's timeline (both instants of every event), its
  evidence, personal data masked unless the person's role may see it (the evidence pack's
  rule), and the forms of the steps their role allows now;
  ``POST /konsol/laporan/{id}/langkah`` takes one, as the session's staff id: the desk checks
  the directory again and a refusal shows its Indonesian message;
- ``GET /konsol/rekap``: the office's statistics (the figures and charts of ``layanan-aduan
  rekap``) for a month, a quarter or a year (``?periode=bulan|kuartal|tahun``, ``&tanggal=``
  a day inside it; default the current month by the desk's clock), for any logged-in staff
  member (aggregates only, no personal data). Without matplotlib (the ``charts`` extra) the
  page shows the figures and a note;
- ``GET /konsol/laporan/{id}/bukti/{sha256}``: one evidence file of the report, with its media
  type (images inline, anything else as an attachment), only for a role that may see personal
  data, never for a confidential report whose identity is sealed, an erased report, or a
  digest the report does not name; sandboxed (``Content-Security-Policy: sandbox``).

The session is a signed cookie (HttpOnly, SameSite=Strict, Secure unless turned off for a
loopback test), ending ``session_lifetime`` after login or ``idle_timeout`` after the last
request, both read on the desk's clock; logging out revokes the session in the process
that served it, so a copy of the cookie is worth nothing after. Every form carries the
session's CSRF token.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import secrets
import threading
import urllib.parse
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs
import pendulum

from layanan_aduan.domain.periods import PeriodKind
from layanan_aduan.domain.report import CloseReason
from layanan_aduan.domain.staff import StaffMember
from layanan_aduan.domain.workflow import Action
from layanan_aduan.exceptions import (
    CalendarError,
    ConsoleAuthError,
    EvidenceNotFoundError,
    LayananAduanError,
    ReportNotFoundError,
    StaffAuthorizationError,
    ValidationError,
    missing_extra,
)
from layanan_aduan.ports.passwords import LoginFailures, PasswordStore
from layanan_aduan.service_layer.console_login import (
    DEFAULT_LOCKOUT_WINDOW,
    DEFAULT_MAX_FAILURES,
    ConsoleLogin,
)
from layanan_aduan.service_layer.queries import SlaState

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from layanan_aduan.service_layer.desk import Desk

__all__ = [
    "CONSOLE_PATH",
    "INLINE_MEDIA_TYPES",
    "ConsoleSettings",
    "create_console",
    "evidence_disposition",
]

CONSOLE_PATH: Final = "/konsol"
_MAX_FORM_BYTES: Final = 64 * 1024
_COOKIE: Final = "konsol_sesi"

_log = logging.getLogger("layanan_aduan.console")

#: The steps the console offers, with the label of their button (Indonesian, English).
STEP_LABELS: Final = {
    Action.RECEIVE: ("Terima laporan", "receive"),
    Action.REQUEST_COMPLETION: ("Minta pelapor melengkapi", "ask the reporter to complete"),
    Action.FORWARD: ("Teruskan ke Kepala Seksi", "forward to the section head"),
    Action.GIVE_DIRECTION: ("Beri arahan", "give the direction"),
    Action.DELIVER_FOLLOW_UP: ("Sampaikan tindak lanjut", "deliver the follow-up"),
    Action.CLOSE: ("Tutup (bukan laporan)", "close (not a report)"),
}
_EVENT_LABELS: Final = {
    "submit": "Laporan masuk",
    "receive": "Diterima petugas",
    "forward": "Diteruskan ke Kepala Seksi",
    "give_direction": "Arahan Kepala Seksi",
    "deliver_follow_up": "Tindak lanjut disampaikan",
    "request_completion": "Pelapor diminta melengkapi",
    "supplement_requirements": "Pelapor menambah kelengkapan",
    "complete_requirements": "Kelengkapan dipenuhi",
    "add_to_submission": "Tambahan dari pelapor",
    "close": "Ditutup",
    "correct_kind": "Jenis dikoreksi",
    "rate": "Penilaian pelapor",
    "erase_personal_data": "Data pribadi dihapus",
    "request_confidentiality": "Permintaan kerahasiaan",
    "unseal_identity": "Identitas dibuka",
}
_STATE_LABELS: Final = {
    "submitted": "menunggu diterima petugas",
    "received": "menunggu diteruskan",
    "awaiting_completion": "menunggu pelapor melengkapi",
    "forwarded": "menunggu arahan Kepala Seksi",
    "directed": "menunggu tindak lanjut",
    "completed": "selesai ditindaklanjuti",
    "closed": "ditutup",
}
_ROLE_LABELS: Final = {
    "reporter": "pelapor",
    "officer": "petugas",
    "section_head": "Kepala Seksi",
    "system": "sistem",
}
_TEXT_KEYS: Final = ("message", "text", "direction", "follow_up", "reason", "note", "kind")
_DETAIL_LABELS: Final = {"name": "Nama", "nik": "NIK", "phone": "Telepon", "address": "Alamat"}
# The evidence pack's SLA status: the colour class and the label.
_PACK_SLA: Final = {
    "on_time": ("on_time", "tepat waktu"),
    "at_risk": ("at_risk", "mendekati batas"),
    "critical": ("at_risk", "kritis"),
    "breached": ("breached", "terlambat"),
}
_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}

# An evidence file: never rendered as a page of the console's origin.
_EVIDENCE_HEADERS: Final = {
    "Content-Security-Policy": "sandbox",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}
#: Media types shown in the browser; any other evidence is downloaded as an attachment.
INLINE_MEDIA_TYPES: Final = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
_EXTENSIONS: Final = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
}
#: The periods the statistics page offers: (query value, kind, Indonesian label).
_REKAP_PERIODS: Final = {
    "bulan": PeriodKind.MONTH,
    "kuartal": PeriodKind.QUARTER,
    "tahun": PeriodKind.YEAR,
}


def _evidence_refused(code: str) -> StaffAuthorizationError:
    messages = {
        "role_not_held": (
            "Peran Anda tidak boleh melihat bukti (data pribadi).",
            "Your role may not view evidence (personal data).",
        ),
        "identity_sealed": (
            "Identitas pelapor laporan rahasia ini disegel: buktinya tidak ditampilkan.",
            "This confidential report's identity is sealed: its evidence is not shown.",
        ),
    }
    message_id, message_en = messages[code]
    needed = "section_head" if code == "role_not_held" else "unseal_identity"
    return StaffAuthorizationError(
        message_id, message_en, action="view_evidence", needed=needed, code=code
    )


def _evidence_missing(code: str) -> EvidenceNotFoundError:
    messages = {
        "evidence_not_in_report": (
            "Bukti tidak ditemukan pada laporan ini.",
            "No such evidence in this report.",
        ),
        "personal_data_erased": (
            "Data pribadi laporan ini sudah dihapus, termasuk buktinya.",
            "This report's personal data was erased, its evidence too.",
        ),
    }
    message_id, message_en = messages[code]
    return EvidenceNotFoundError(message_id, message_en, code=code, field="sha256")


def evidence_disposition(media_type: str, digest: str) -> str:
    """
    The ``Content-Disposition`` of an evidence file: images inline, anything else attached.

    >>> evidence_disposition("image/png", "ab" * 32)
    'inline; filename="bukti-abababababab.png"'
    >>> evidence_disposition("application/pdf", "cd" * 32)
    'attachment; filename="bukti-cdcdcdcdcdcd.pdf"'
    """
    how = "inline" if media_type in INLINE_MEDIA_TYPES else "attachment"
    extension = _EXTENSIONS.get(media_type, "bin")
    return f'{how}; filename="bukti-{digest[:12]}.{extension}"'


@attrs.frozen
class ConsoleSettings:
    """
    How the console runs.

    Attributes:
        passwords: Where the staff's password hashes are
            (:class:`~layanan_aduan.adapters.passwords.PasswordFile`).
        secret: The key that signs session cookies (at least 32 characters; keep it in the
            environment, never in a file others read).
        secure_cookies: Send the cookie over HTTPS only (``False`` only for loopback tests).
        session_lifetime: How long a session lasts after login.
        idle_timeout: How long a session lasts without a request.
        max_failures: Failed logins per staff id within ``lockout_window`` before lock-out.
        lockout_window: The window of the lock-out.
        office: The office whose desk the console serves, when the app has several.
        login_failures: Where failed logins are counted, shared by every process of one
            storage (``storage.login_failures``); ``None``: in this process only.
    """

    passwords: PasswordStore
    secret: str = attrs.field(repr=False)
    secure_cookies: bool = True
    session_lifetime: dt.timedelta = dt.timedelta(hours=8)
    idle_timeout: dt.timedelta = dt.timedelta(minutes=30)
    max_failures: int = DEFAULT_MAX_FAILURES
    lockout_window: dt.timedelta = DEFAULT_LOCKOUT_WINDOW
    office: str | None = None
    login_failures: LoginFailures | None = None

    def __attrs_post_init__(self) -> None:
        if len(self.secret) < 32:
            raise ConsoleAuthError(
                "Kunci sesi konsol harus paling sedikit 32 karakter.",
                "The console's session secret must have at least 32 characters.",
                code="session_secret_invalid",
                field="secret",
            )


def _expired() -> ConsoleAuthError:
    return ConsoleAuthError(
        "Sesi tidak ada atau sudah berakhir; silakan masuk lagi.",
        "No session, or it has ended; please log in again.",
        code="session_expired",
        field="session",
    )


def _csrf_invalid() -> ConsoleAuthError:
    return ConsoleAuthError(
        "Formulir ditolak: token keamanan (CSRF) tidak ada atau tidak cocok. Muat ulang halaman.",
        "The form was refused: its security (CSRF) token is missing or wrong. Reload the page.",
        code="csrf_invalid",
        field="csrf",
    )


def _bad_form() -> ConsoleAuthError:
    return ConsoleAuthError(
        "Formulir tidak sah.",
        "The form is invalid.",
        code="form_invalid",
        field="form",
    )


def _instant(value: object) -> pendulum.DateTime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = pendulum.parse(value)
    except (ValueError, TypeError):
        return None
    return parsed if isinstance(parsed, pendulum.DateTime) else None


def _texts(event: Mapping[str, Any]) -> list[str]:
    """
    What a person reads of an event: its texts, and when shown whole its personal values.
    """
    payloads = [event.get("payload") or {}]
    personal = event.get("personal_data")
    if isinstance(personal, Mapping) and isinstance(personal.get("values"), Mapping):
        payloads.append(personal["values"].get("payload") or {})
    texts: list[str] = []
    for payload in payloads:
        if not isinstance(payload, Mapping):
            continue
        details = payload.get("details")
        if isinstance(details, Mapping):
            texts.extend(
                f"{label}: {details[key]}"
                for key, label in _DETAIL_LABELS.items()
                if isinstance(details.get(key), str)
            )
        texts.extend(
            str(payload[k])[:2000]
            for k in _TEXT_KEYS
            if isinstance(payload.get(k), str) and payload[k]
        )
    return texts


def _hours(duration: dt.timedelta) -> str:
    minutes = int(duration.total_seconds() // 60)
    return f"{minutes // 60} j {minutes % 60:02d} m"


class _Console:
    def __init__(self, desk: Desk, settings: ConsoleSettings) -> None:
        import jinja2

        self.desk = desk
        self.settings = settings
        self.zone = desk.working_time.timezone
        if desk.staff is None:
            raise ConsoleAuthError(
                "Konsol memerlukan direktori staf kantor.",
                "The console needs the office's staff directory.",
                code="staff_directory_missing",
                field="staff",
            )
        self.login = ConsoleLogin(
            desk.staff,
            desk.office,
            self.zone,
            settings.passwords,
            desk.clock,
            max_failures=settings.max_failures,
            window=settings.lockout_window,
            failures=settings.login_failures,
        )
        # Sessions logged out, by id, until their lifetime would have ended anyway: a copy of
        # the cookie is worth nothing after logout (in this process).
        self._revoked: dict[str, pendulum.DateTime] = {}
        self._revoked_lock = threading.Lock()
        self.templates = jinja2.Environment(
            loader=jinja2.PackageLoader("layanan_aduan.entrypoints", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )

    # -- helpers ---------------------------------------------------------------------------

    def _local(self, value: str | dt.datetime | None) -> str:
        if value is None:
            return "—"
        instant = _instant(value) if isinstance(value, str) else pendulum.instance(value)
        if instant is None:
            return "—"
        return instant.in_timezone(self.zone).format("YYYY-MM-DD HH:mm")

    def _page(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        from starlette.responses import HTMLResponse

        session = request.session
        member: StaffMember | None = context.pop("member", None)
        label = ""
        if member is not None:
            roles = ", ".join(sorted(r.label for r in self.login.roles(member)))
            label = f"{member.staff_id} ({roles})"
        html = self.templates.get_template(name).render(
            office=self.desk.office,
            section_head_title=self.desk.standard.section_head_title,
            staff_id=None if member is None else member.staff_id,
            staff_label=label,
            csrf=session.get("csrf", ""),
            **context,
        )
        return HTMLResponse(html, status_code=status, headers=_HEADERS)

    def _error_page(self, request: Request, error: LayananAduanError, status: int) -> Response:
        return self._page(request, "galat.html", status, title="Ditolak", error=error)

    def _redirect(self, to: str) -> Response:
        from starlette.responses import RedirectResponse

        return RedirectResponse(to, status_code=303, headers=_HEADERS)

    def _member(self, request: Request) -> StaffMember | None:
        """
        The session's member, when the session is alive; a dead session is cleared.
        """
        session = request.session
        staff_id = session.get("staff_id")
        if not isinstance(staff_id, str):
            return None
        now = self.desk.clock.now()
        since = _instant(session.get("since"))
        seen = _instant(session.get("seen"))
        if (
            since is None
            or seen is None
            or now - since >= self.settings.session_lifetime
            or now - seen >= self.settings.idle_timeout
            or now < since
        ):
            session.clear()
            return None
        sid = session.get("sid")
        with self._revoked_lock:
            revoked = sid in self._revoked
        if revoked:
            session.clear()
            return None
        member = self.login.member(staff_id)
        if member is None:
            session.clear()
            return None
        session["seen"] = now.isoformat()
        return member

    async def _form(self, request: Request) -> dict[str, str]:
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > _MAX_FORM_BYTES:
                raise _bad_form()
        try:
            pairs = urllib.parse.parse_qsl(
                body.decode("utf-8"),
                keep_blank_values=True,
                max_num_fields=20,
                strict_parsing=False,
            )
        except (UnicodeDecodeError, ValueError):
            raise _bad_form() from None
        return dict(pairs)

    def _check_csrf(self, request: Request, form: Mapping[str, str]) -> None:
        expected = request.session.get("csrf")
        given = form.get("csrf", "")
        if (
            not isinstance(expected, str)
            or not expected
            or not hmac.compare_digest(expected.encode(), given.encode())
        ):
            _log.warning("console form refused: csrf_invalid")
            raise _csrf_invalid()

    # -- login -----------------------------------------------------------------------------

    async def login_form(self, request: Request) -> Response:
        if self._member(request) is not None:
            return self._redirect(f"{CONSOLE_PATH}/")
        if not request.session.get("csrf"):
            request.session["csrf"] = secrets.token_urlsafe(32)
        expired = request.query_params.get("habis") == "1"
        return self._page(request, "masuk.html", title="Masuk", error=None, expired=expired)

    async def log_in(self, request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool

        try:
            form = await self._form(request)
            self._check_csrf(request, form)
            member = await run_in_threadpool(
                self.login.log_in, form.get("staff_id", ""), form.get("password", "")
            )
        except ConsoleAuthError as e:
            status = {"login_locked": 429, "csrf_invalid": 403, "form_invalid": 400}.get(
                e.code, 401
            )
            if not request.session.get("csrf"):
                request.session["csrf"] = secrets.token_urlsafe(32)
            return self._page(request, "masuk.html", status, title="Masuk", error=e, expired=False)
        now = self.desk.clock.now().isoformat()
        session = request.session
        session.clear()
        # A fresh token at login: one seen before it (a fixed session) is worth nothing after.
        session.update(
            {
                "staff_id": member.staff_id,
                "sid": secrets.token_urlsafe(16),
                "csrf": secrets.token_urlsafe(32),
                "since": now,
                "seen": now,
            }
        )
        return self._redirect(f"{CONSOLE_PATH}/")

    async def log_out(self, request: Request) -> Response:
        try:
            form = await self._form(request)
            self._check_csrf(request, form)
        except ConsoleAuthError as e:
            return self._error_page(request, e, 403)
        self._revoke(request.session.get("sid"))
        request.session.clear()
        return self._redirect(f"{CONSOLE_PATH}/masuk")

    def _revoke(self, sid: object) -> None:
        if not isinstance(sid, str):
            return
        now = self.desk.clock.now()
        with self._revoked_lock:
            for old in [k for k, until in self._revoked.items() if until <= now]:
                del self._revoked[old]
            self._revoked[sid] = now + self.settings.session_lifetime

    # -- the queue -------------------------------------------------------------------------

    def _left(self, deadline: pendulum.DateTime | None, sla: SlaState) -> str:
        if sla is SlaState.PAUSED:
            return "dijeda (menunggu pelapor)"
        if deadline is None:
            return "—"
        now = self.desk.clock.now()
        try:
            if now < deadline:
                return f"sisa {_hours(self.desk.working_time.elapsed(now, deadline).duration)}"
            return f"lewat {_hours(self.desk.working_time.elapsed(deadline, now).duration)}"
        except CalendarError:
            return "—"

    def _offered(self, member: StaffMember, state: str) -> list[Action]:
        """
        The console's steps ``member``'s roles may take now on a report in ``state``.
        """
        workflow = self.desk.standard.workflow
        acting = {r.workflow_role for r in self.login.roles(member)} - {None}
        offered = {t.action for role in acting for t in workflow.available(state, role)}
        return [a for a in STEP_LABELS if a in offered]

    def _queue(self, member: StaffMember) -> list[dict[str, Any]]:
        lines = self.desk.list_reports(open_only=True)
        far = pendulum.datetime(9999, 1, 1, tz="UTC")
        ordered = sorted(
            lines, key=lambda line: (line.deadline or far, line.received_at or far, line.report_id)
        )
        return [
            {
                "report_id": line.report_id,
                "number": line.number,
                "state_label": _STATE_LABELS.get(line.state, line.state),
                "sla": line.sla.value,
                "sla_label": line.sla.label,
                "deadline": None if line.deadline is None else self._local(line.deadline),
                "left": self._left(line.deadline, line.sla),
                "yours": bool(self._offered(member, line.state)),
            }
            for line in ordered
        ]

    async def queue(self, request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool

        member = self._member(request)
        if member is None:
            return self._redirect(f"{CONSOLE_PATH}/masuk?habis=1")
        lines = await run_in_threadpool(self._queue, member)
        return self._page(request, "antrean.html", title="Antrean", member=member, lines=lines)

    # -- a report --------------------------------------------------------------------------

    def _report_context(self, member: StaffMember, report_id: str) -> dict[str, Any]:
        from layanan_aduan.service_layer.evidence_pack import REVEALING_ROLES, build_evidence_pack

        roles = self.login.roles(member)
        reveal = bool(roles & REVEALING_ROLES)
        pack = build_evidence_pack(
            self.desk,
            report_id,
            reveal_personal_data=reveal,
            viewer=member.staff_id if reveal else None,
        )
        if pack["office"] != self.desk.office:
            raise ReportNotFoundError(
                "Laporan tidak ditemukan.", "Report not found.", code="report_not_found"
            )
        timeline = []
        for entry in pack["events"]:
            event = entry["event"]
            texts = _texts(event)
            if entry.get("personal_data") == "withheld":
                texts.append("(data pribadi disembunyikan untuk peran Anda)")
            actor = _ROLE_LABELS.get(str(event.get("actor_role")), str(event.get("actor_role")))
            timeline.append(
                {
                    "seq": entry["seq"],
                    "label": _EVENT_LABELS.get(event["action"], event["action"]),
                    "actor": actor,
                    "at": self._local(event["at"]),
                    "recorded_at": self._local(event.get("recorded_at", event["at"])),
                    "texts": texts,
                }
            )
        actions = [
            {"name": a.value, "label": STEP_LABELS[a][0], "label_en": STEP_LABELS[a][1]}
            for a in self._offered(member, pack["state"])
        ]
        erased = any(e["event"].get("action") == "erase_personal_data" for e in pack["events"])
        viewable = reveal and pack["identity"] != "sealed" and not erased
        evidence = [
            {
                **item,
                "href": f"{CONSOLE_PATH}/laporan/{urllib.parse.quote(pack['report_id'])}"
                f"/bukti/{item['sha256']}"
                if viewable
                else None,
                "image": item["media_type"] in INLINE_MEDIA_TYPES,
            }
            for item in pack["evidence"]
        ]
        sla = pack["sla"]
        status = str(sla.get("status", ""))
        css, label = _PACK_SLA.get(status, ("paused", "belum berjalan"))
        if sla.get("stopped_at"):
            css, label = (
                ("stopped_late", "selesai, terlambat")
                if status == "breached"
                else (
                    "stopped",
                    "selesai",
                )
            )
        return {
            "report_id": pack["report_id"],
            "number": pack["number"] or pack["report_id"],
            "state_label": _STATE_LABELS.get(pack["state"], pack["state"]),
            "sla": css,
            "sla_label": label,
            "deadline": None if not sla.get("deadline") else self._local(sla["deadline"]),
            "revealed": pack["personal_data"] == "revealed",
            "timeline": timeline,
            "evidence": evidence,
            "actions": actions,
            "close_reasons": [(r.value, r.label) for r in CloseReason],
        }

    async def _show(
        self,
        request: Request,
        member: StaffMember,
        report_id: str,
        *,
        error: LayananAduanError | None = None,
        status: int = 200,
    ) -> Response:
        from starlette.concurrency import run_in_threadpool

        try:
            context = await run_in_threadpool(self._report_context, member, report_id)
        except ReportNotFoundError as e:
            return self._error_page(request, e, 404)
        except LayananAduanError as e:
            return self._error_page(request, e, 409)
        return self._page(
            request,
            "laporan.html",
            status,
            title=f"Laporan {context['number']}",
            member=member,
            error=error,
            **context,
        )

    async def report(self, request: Request) -> Response:
        member = self._member(request)
        if member is None:
            return self._redirect(f"{CONSOLE_PATH}/masuk?habis=1")
        return await self._show(request, member, request.path_params["report_id"])

    def _take(self, action: str, report_id: str, staff_id: str, form: Mapping[str, str]) -> None:
        desk = self.desk
        steps: dict[str, Callable[[], object]] = {
            Action.RECEIVE: lambda: desk.receive(report_id, officer=staff_id),
            Action.REQUEST_COMPLETION: lambda: desk.request_completion(report_id, officer=staff_id),
            Action.FORWARD: lambda: desk.forward(
                report_id, officer=staff_id, summary=form.get("summary") or None
            ),
            Action.GIVE_DIRECTION: lambda: desk.give_direction(
                report_id, section_head=staff_id, direction=form.get("direction", "")
            ),
            Action.DELIVER_FOLLOW_UP: lambda: desk.deliver_follow_up(
                report_id, officer=staff_id, follow_up=form.get("follow_up", "")
            ),
            Action.CLOSE: lambda: desk.close(
                report_id,
                officer=staff_id,
                reason=form.get("reason", ""),
                note=form.get("note", ""),
            ),
        }
        step = steps.get(action)
        if step is None:
            raise _bad_form()
        step()

    async def step(self, request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool

        member = self._member(request)
        if member is None:
            return self._error_page(request, _expired(), 401)
        report_id = request.path_params["report_id"]
        try:
            form = await self._form(request)
            self._check_csrf(request, form)
        except ConsoleAuthError as e:
            return self._error_page(request, e, 403 if e.code == "csrf_invalid" else 400)
        action = form.get("action", "")
        try:
            await run_in_threadpool(self._take, action, report_id, member.staff_id, form)
        except ReportNotFoundError as e:
            return self._error_page(request, e, 404)
        except LayananAduanError as e:
            _log.warning("console step refused: %s", e.code)
            status = 403 if isinstance(e, StaffAuthorizationError) else 409
            if isinstance(e, ConsoleAuthError):
                status = 400
            return await self._show(request, member, report_id, error=e, status=status)
        _log.info("console step taken: %s", action[:32])
        return self._redirect(f"{CONSOLE_PATH}/laporan/{urllib.parse.quote(report_id)}")

    # -- evidence --------------------------------------------------------------------------

    def _evidence(self, member: StaffMember, report_id: str, digest: str) -> tuple[bytes, str]:
        """
        The bytes and media type of the evidence ``digest`` of ``report_id``, when
        ``member`` may view them.
        """
        from layanan_aduan.service_layer.evidence_pack import REVEALING_ROLES

        if not self.login.roles(member) & REVEALING_ROLES:
            raise _evidence_refused("role_not_held")
        report = self.desk.report(report_id)
        if report.is_erased:
            raise _evidence_missing("personal_data_erased")
        if report.identity_sealed:
            raise _evidence_refused("identity_sealed")
        named = {
            str(item["sha256"]): str(item.get("media_type", "application/octet-stream"))
            for event in report.events
            for item in event.payload.get("evidence", ())
            if isinstance(item, Mapping) and isinstance(item.get("sha256"), str)
        }
        media_type = named.get(digest)
        if media_type is None:
            raise _evidence_missing("evidence_not_in_report")
        return self.desk.evidence.get(digest), media_type

    async def evidence(self, request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool
        from starlette.responses import Response as Plain

        member = self._member(request)
        if member is None:
            return self._redirect(f"{CONSOLE_PATH}/masuk?habis=1")
        report_id = request.path_params["report_id"]
        digest = request.path_params["sha256"]
        try:
            data, media_type = await run_in_threadpool(self._evidence, member, report_id, digest)
        except StaffAuthorizationError as e:
            _log.warning("console evidence refused: %s", e.code)
            return self._error_page(request, e, 403)
        except (ReportNotFoundError, EvidenceNotFoundError) as e:
            return self._error_page(request, e, 404)
        except LayananAduanError as e:
            _log.warning("console evidence refused: %s", e.code)
            return self._error_page(request, e, 409)
        _log.info("console evidence shown")
        return Plain(
            data,
            media_type=media_type,
            headers={
                **_EVIDENCE_HEADERS,
                "Content-Disposition": evidence_disposition(media_type, digest),
            },
        )

    # -- statistics ------------------------------------------------------------------------

    def _period(self, query: Mapping[str, str]) -> tuple[PeriodKind, pendulum.DateTime | None]:
        name = query.get("periode") or "bulan"
        kind = _REKAP_PERIODS.get(name)
        if kind is None:
            raise ValidationError(
                "Periode tidak dikenal: pilih bulan, kuartal atau tahun.",
                "Unknown period: choose month (bulan), quarter (kuartal) or year (tahun).",
                code="invalid_period",
                field="periode",
            )
        day = query.get("tanggal") or ""
        if not day:
            return kind, None
        try:
            date = dt.date.fromisoformat(day)
        except ValueError:
            date = None
        if date is None or len(day) != 10:
            raise ValidationError(
                "Tanggal harus berbentuk YYYY-MM-DD.",
                "The date must be YYYY-MM-DD.",
                code="invalid_date",
                field="tanggal",
            )
        return kind, pendulum.datetime(date.year, date.month, date.day, 12, tz=self.zone)

    def _rekap_context(
        self, kind: PeriodKind, containing: pendulum.DateTime | None
    ) -> dict[str, Any]:
        from layanan_aduan.entrypoints._rekap_html import (
            chart_figures,
            charts_available,
            summary_rows,
        )
        from layanan_aduan.service_layer.statistics import desk_statistics

        stats = desk_statistics(self.desk, kind, containing=containing)
        period = stats.period
        return {
            "period_label": f"{period.kind.label} {period.label}",
            "first_day": period.start.format("YYYY-MM-DD"),
            "last_day": period.end.subtract(days=1).format("YYYY-MM-DD"),
            "timezone": period.timezone,
            "as_of": self._local(stats.at),
            "goal_hours": f"{stats.goal.total_seconds() / 3600:g}",
            "rows": summary_rows(stats),
            "charts": chart_figures(stats) if charts_available() else None,
            "periods": [(name, k.label) for name, k in _REKAP_PERIODS.items()],
            "chosen": next(name for name, k in _REKAP_PERIODS.items() if k is kind),
            "day": "" if containing is None else containing.format("YYYY-MM-DD"),
        }

    async def rekap(self, request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool

        member = self._member(request)
        if member is None:
            return self._redirect(f"{CONSOLE_PATH}/masuk?habis=1")
        try:
            kind, containing = self._period(request.query_params)
            context = await run_in_threadpool(self._rekap_context, kind, containing)
        except ValidationError as e:
            return self._error_page(request, e, 400)
        except LayananAduanError as e:
            return self._error_page(request, e, 409)
        return self._page(request, "rekap.html", title="Rekap statistik", member=member, **context)


def create_console(desk: Desk, settings: ConsoleSettings) -> Starlette:
    """
    The console of ``desk``'s office as a Starlette app, to mount at :data:`CONSOLE_PATH`.

    Raises:
        MissingDependencyError: Starlette, Jinja2 or itsdangerous is missing (extras ``web``
            and ``console``).
        ConsoleAuthError: ``staff_directory_missing`` when the desk has no staff directory.
    """
    try:
        import itsdangerous  # noqa: F401
        import jinja2  # noqa: F401
    except ImportError as e:
        raise missing_extra(e.name or "jinja2", "console") from e
    try:
        from starlette.applications import Starlette
        from starlette.middleware import Middleware
        from starlette.middleware.sessions import SessionMiddleware
        from starlette.routing import Route
    except ImportError as e:
        raise missing_extra("starlette", "web") from e

    console = _Console(desk, settings)
    return Starlette(
        routes=[
            Route("/", console.queue, methods=["GET"]),
            Route("/masuk", console.login_form, methods=["GET"]),
            Route("/masuk", console.log_in, methods=["POST"]),
            Route("/keluar", console.log_out, methods=["POST"]),
            Route("/laporan/{report_id}", console.report, methods=["GET"]),
            Route("/laporan/{report_id}/langkah", console.step, methods=["POST"]),
            Route("/laporan/{report_id}/bukti/{sha256}", console.evidence, methods=["GET"]),
            Route("/rekap", console.rekap, methods=["GET"]),
        ],
        middleware=[
            Middleware(
                SessionMiddleware,
                secret_key=settings.secret,
                session_cookie=_COOKIE,
                max_age=int(settings.session_lifetime.total_seconds()),
                path=CONSOLE_PATH,
                same_site="strict",
                https_only=settings.secure_cookies,
            )
        ],
    )
