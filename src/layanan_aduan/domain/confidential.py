"""
Confidential reports (laporan rahasia): the reporter's identity sealed from the staff.

Anti-corruption reporting channels let a reporter ask that their identity be kept
confidential (SP4N-LAPOR!'s "rahasia" option; Perpres 76/2013 on the confidentiality of the
complainant's identity). Here a reporter asks for it in three ways, all recorded in the
report's history:

- a keyword in the submission ("RAHASIA" on a line of its own, or a phrase such as
  "mohon identitas saya dirahasiakan"): the submission's payload says ``confidential``;
- the same keyword in a later message: the annotation ``request_confidentiality`` (the state
  does not change);
- the answer picked from an interactive message whose row id is
  :func:`confidential_reply_id` (the same annotation, ``medium`` ``"button"``).

A confidential report's identity is *sealed*: wherever the staff see the report (listings,
the handover, the SLA alerts, the evidence pack) its name, NIK, telephone number, WhatsApp
id, address and e-mail are shown as :data:`SEALED` (not even masked). Only the section head
(Kasi Intel) or the acting section head (Plh) may unseal it, stating a reason
(``unseal_identity``, an annotation recorded with the reason); :func:`authorize_unseal`
says who may. The reporter's own messages are not affected.

>>> asks_confidentiality("RAHASIA\\nAda pungli di kelurahan.")
True
>>> asks_confidentiality("Mohon identitas saya dirahasiakan.")
True
>>> asks_confidentiality("Dokumen rahasia negara dibocorkan oknum.")
False
>>> parse_confidential_reply(confidential_reply_id("r-1"))
'r-1'
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Final

from layanan_aduan.domain.staff import StaffMember, StaffRole
from layanan_aduan.exceptions import StaffAuthorizationError
from layanan_aduan.privacy import mask

__all__ = [
    "CONFIDENTIAL_PHRASES",
    "CONFIDENTIAL_WORDS",
    "SEALED",
    "SEALED_EN",
    "UNSEALING_ROLES",
    "UNSEAL_REASON_LIMIT",
    "asks_confidentiality",
    "authorize_unseal",
    "confidential_reply_id",
    "identity_values",
    "only_asks_confidentiality",
    "parse_confidential_reply",
    "seal_text",
]

#: What the staff see in place of a sealed identity value.
SEALED: Final = "[dirahasiakan]"
#: The same, in English.
SEALED_EN: Final = "[confidential]"
#: The directory roles that may unseal a confidential report's identity.
UNSEALING_ROLES: Final = frozenset({StaffRole.SECTION_HEAD, StaffRole.ACTING_SECTION_HEAD})
#: The longest reason an unsealing may give (characters).
UNSEAL_REASON_LIMIT: Final = 500

#: A line that is only one of these asks for confidentiality ("RAHASIA", "#rahasia").
CONFIDENTIAL_WORDS: Final = (
    "rahasia", "rahasiakan", "dirahasiakan", "laporan rahasia", "aduan rahasia",
    "mohon dirahasiakan", "minta dirahasiakan", "harap dirahasiakan", "confidential",
    "anonim", "anonymous",
)  # fmt: skip
#: A text holding one of these asks for confidentiality wherever it stands.
CONFIDENTIAL_PHRASES: Final = (
    "rahasiakan identitas", "rahasiakan nama", "rahasiakan data", "identitas saya dirahasiakan",
    "identitas dirahasiakan", "identitas pelapor dirahasiakan", "nama saya dirahasiakan",
    "data saya dirahasiakan", "mohon dirahasiakan", "minta dirahasiakan", "harap dirahasiakan",
    "kerahasiaan identitas", "keep my identity confidential", "keep me anonymous",
)  # fmt: skip

_PHRASES = re.compile(
    r"(?<![a-z])(?:" + "|".join(re.escape(p) for p in CONFIDENTIAL_PHRASES) + r")(?![a-z])",
    re.ASCII,
)
_WORD = re.compile(r"[a-z0-9]+", re.ASCII)
_REPLY_PREFIX: Final = "rahasia"
_REPLY = re.compile(r"rahasia:([\x21-\x7e]{1,128})")
#: A later message that asks only this has at most this many other words.
_MAX_OTHER_WORDS: Final = 6


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(folded.lower().split())


def _line_words(line: str) -> str:
    return " ".join(_WORD.findall(_plain(line)))


def asks_confidentiality(text: str) -> bool:
    """
    Whether ``text`` asks that the reporter's identity be kept confidential: a line that is
    only one of :data:`CONFIDENTIAL_WORDS` (``RAHASIA``, ``#rahasia``), or one of
    :data:`CONFIDENTIAL_PHRASES` anywhere. The word "rahasia" inside a sentence ("dokumen
    rahasia") is not a request.

    >>> [asks_confidentiality(t) for t in ("#Rahasia", "rahasiakan identitas saya", "rahasia.")]
    [True, True, True]
    """
    if not isinstance(text, str):
        return False
    if any(_line_words(line) in CONFIDENTIAL_WORDS for line in text.splitlines()):
        return True
    return _PHRASES.search(_plain(text)) is not None


def only_asks_confidentiality(text: str) -> bool:
    """
    Whether ``text`` asks for confidentiality and says little else (a later message such as
    "RAHASIA" or "tolong rahasiakan identitas saya"): at most a few other words.

    >>> only_asks_confidentiality("Tolong rahasiakan identitas saya ya pak")
    True
    >>> only_asks_confidentiality("RAHASIA\\nNama: Budi\\nAda pungli di kelurahan setiap pagi.")
    False
    """
    if not asks_confidentiality(text):
        return False
    plain = _plain(text)
    rest = _PHRASES.sub(" ", plain)
    words = [w for w in _WORD.findall(rest) if w not in ("rahasia", "dirahasiakan", "rahasiakan")]
    return len(words) <= _MAX_OTHER_WORDS


def confidential_reply_id(report_id: str) -> str:
    """
    The id of the interactive row (or reply button) that asks to keep the report
    ``report_id`` confidential: WhatsApp sends it back in the reporter's reply.

    >>> confidential_reply_id("r-1")
    'rahasia:r-1'

    Raises:
        ValueError: ``report_id`` is not 1-128 printable ASCII characters without spaces.
    """
    reply = f"{_REPLY_PREFIX}:{report_id}"
    if not isinstance(report_id, str) or not _REPLY.fullmatch(reply):
        raise ValueError("a confidentiality reply needs a printable report id")
    return reply


def parse_confidential_reply(reply_id: str) -> str | None:
    """
    The report id a confidentiality reply names, or ``None`` when ``reply_id`` is none
    (a claim from the reporter's device: the desk takes it only for the sender's own report).

    >>> parse_confidential_reply("rahasia:r-1"), parse_confidential_reply("rating:5:r-1")
    ('r-1', None)
    """
    if not isinstance(reply_id, str):
        return None
    match = _REPLY.fullmatch(reply_id)
    return None if match is None else match[1]


def seal_text(text: str, values: Iterable[str], *, sealed: str = SEALED) -> str:
    """
    ``text`` with every one of ``values`` (the reporter's name, its words, NIK, telephone,
    ...) replaced by ``sealed``, whatever the case; identity lines (``Nama:``, ``NIK:``,
    ``Alamat:``, ``Email:``) lose their value whole.

    >>> seal_text("Nama: Budi Santoso\\nPelapor Budi melihat pungli.", ["Budi Santoso", "Budi"])
    'Nama: [dirahasiakan]\\nPelapor [dirahasiakan] melihat pungli.'
    """
    lines = []
    for line in text.splitlines():
        match = _IDENTITY_LINE.match(line)
        lines.append(f"{match.group(1)}{sealed}" if match is not None else line)
    out = "\n".join(lines)
    for value in sorted({v for v in values if v and v.strip()}, key=len, reverse=True):
        pattern = re.compile(rf"(?<!\w){re.escape(value)}(?!\w)", re.IGNORECASE)
        out = pattern.sub(sealed, out)
    return out


_IDENTITY_LINE = re.compile(
    r"^(\s*(?:nama(?:\s+lengkap)?|nik|alamat|e-?mail|telepon|telp|hp|no\.?\s*hp)\s*[:=]\s*)\S.*$",
    re.IGNORECASE,
)


def identity_values(details: Mapping[str, object], *extra: str | None) -> tuple[str, ...]:
    """
    The values a sealed text must not show: every identity field of ``details`` (the name
    and each of its words too) and ``extra`` (the reporter's WhatsApp key).

    >>> identity_values({"name": "Budi Santoso", "nik": "3171010101900001"})
    ('Budi Santoso', 'Budi', 'Santoso', '3171010101900001')
    """
    values: list[str] = []
    for key, value in details.items():
        if not isinstance(value, str) or not value.strip():
            continue
        values.append(value.strip())
        if key == "name":
            values.extend(w for w in value.split() if len(w) > 1)
    values.extend(v for v in extra if v)
    return tuple(dict.fromkeys(values))


def authorize_unseal(
    member: StaffMember | None,
    *,
    staff_id: str,
    office: str,
    at: dt.datetime,
    timezone: str,
    reporter: Mapping[str, str | None],
) -> StaffRole:
    """
    The directory role that lets ``member`` unseal a confidential report's identity at
    ``at``: the section head or the acting section head (Plh) on their dates
    (:data:`UNSEALING_ROLES`), never an officer, and never the reporter.

    Raises:
        StaffAuthorizationError: ``unknown_staff``, ``reporter_cannot_act`` or
            ``role_not_held`` (action ``unseal_identity``, needed ``section_head``).
    """
    who = mask(staff_id)

    def refuse(code: str, message: str, message_en: str) -> StaffAuthorizationError:
        return StaffAuthorizationError(
            message,
            message_en,
            action="unseal_identity",
            needed=StaffRole.SECTION_HEAD.value,
            code=code,
        )

    if member is None:
        raise refuse(
            "unknown_staff",
            f"Staf '{who}' tidak terdaftar di direktori staf kantor {office}.",
            f"Staff member '{who}' is not in office {office}'s staff directory.",
        )
    reporter_id = reporter.get("id")
    if (
        member.has_contact(phone=reporter.get("phone"), user_id=reporter.get("user_id"))
        or (reporter_id is not None and reporter_id in (member.phone, member.whatsapp_user_id))
        or member.staff_id == reporter_id
    ):
        raise refuse(
            "reporter_cannot_act",
            "Pelapor tidak boleh bertindak sebagai staf atas laporannya sendiri.",
            "The reporter cannot act as staff on their own report.",
        )
    held = member.roles_at(office, at, timezone) & UNSEALING_ROLES
    if StaffRole.SECTION_HEAD in held:
        return StaffRole.SECTION_HEAD
    if held:
        return StaffRole.ACTING_SECTION_HEAD
    raise refuse(
        "role_not_held",
        f"Identitas pelapor laporan rahasia hanya dapat dibuka oleh Kepala Seksi Intelijen "
        f"atau Plh-nya; staf '{who}' tidak memegang peran itu saat ini.",
        f"A confidential report's identity may be unsealed only by the section head or the "
        f"acting section head; staff member '{who}' holds neither role now.",
    )
