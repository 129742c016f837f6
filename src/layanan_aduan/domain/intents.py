"""
What a reporter's message asks, from its words: a question about a report's progress.

The acknowledgement tells a reporter to keep the report number to ask about progress, and they
do, in many spellings: ``LAP/KNJP/2026/000001``, ``lap knjp 2026 1``, ``000001``, or words
alone ("status laporan saya?", "cek perkembangan", "sudah sampai mana ya"). Such a message is a
question, not a new report: :func:`status_question` recognises it when it carries nothing new
(no allegation, no identity lines, few other words), and returns what it names.

>>> q = status_question("Bagaimana perkembangan laporan LAP/KNJP/2026/000001?")
>>> q.office, q.year, q.serial
('KNJP', 2026, 1)
>>> status_question("lap knjp 2026 12").serial
12
>>> status_question("000001").serial, status_question("cek status").serial
(1, None)
>>> status_question("Saya melaporkan pungli di kelurahan, mohon ditindaklanjuti") is None
True
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

import attrs

__all__ = [
    "GREETING_WORDS",
    "STATUS_WORDS",
    "StaffDirection",
    "StatusQuestion",
    "is_greeting",
    "reply_direction",
    "staff_direction",
    "status_question",
]

#: Words and phrases that ask about a report's progress.
STATUS_WORDS: Final = (
    "status", "cek", "check", "perkembangan", "progres", "progress", "sampai mana", "sudah sampai",
    "bagaimana laporan", "bagaimana aduan", "gimana laporan", "tindak lanjut laporan",
    "tindaklanjut laporan", "kabar laporan", "update", "sejauh mana", "info laporan",
)  # fmt: skip

# Words that say something new: identity lines, allegations. A message with one of them is
# not only a question (it may add to a report, or be one).
_NEW_CONTENT = re.compile(
    r"(?<![a-z])(?:nama|nik|alamat|email|e-mail|jenis|pungli|pungut|korupsi|suap|sogok|peras|"
    r"tipu|gelap|curang|ancam|melaporkan|mengadukan|dugaan|diduga|oknum|pelanggaran|terlampir|"
    r"bukti|kronologi)",
    re.ASCII,
)
_FULL = re.compile(
    r"(?<![a-z0-9])lap[\s/._-]*([a-z0-9]{2,12})[\s/._-]+(\d{4})[\s/._-]+(\d{1,6})(?![0-9])",
    re.ASCII,
)
_SERIAL = re.compile(r"(?<![0-9/])(\d{6})(?![0-9/])", re.ASCII)
_STATUS = re.compile(
    r"(?<![a-z])(?:" + "|".join(re.escape(w) for w in STATUS_WORDS) + r")(?![a-z])", re.ASCII
)
_WORD = re.compile(r"[a-z0-9]+", re.ASCII)
#: At most this many other words beside the reference and the status words.
_MAX_OTHER_WORDS: Final = 12


@attrs.frozen
class StatusQuestion:
    """
    A question about a report's progress, and what it names of the report.

    Attributes:
        office: The office code of a full report number, else ``None``.
        year: Its year, else ``None``.
        serial: The report's serial (``000001`` is 1), when the message names one.
    """

    office: str | None = None
    year: int | None = None
    serial: int | None = None

    def matches(self, number: str | None) -> bool:
        """
        Whether a report numbered ``number`` (``LAP/KNJP/2026/000001``) is the one named;
        a question that names none matches none.
        """
        if number is None or self.serial is None:
            return False
        parts = number.split("/")
        if len(parts) != 4 or not parts[3].isdigit() or int(parts[3]) != self.serial:
            return False
        if self.office is not None and parts[1] != self.office:
            return False
        return self.year is None or parts[2] == str(self.year)


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(folded.lower().split())


def status_question(text: str) -> StatusQuestion | None:
    """
    The status question ``text`` asks, or ``None`` when it is not only that: it names a report
    (a full number in any usual spelling, or a six-digit serial) or asks with status words, and
    says nothing new (no identity line, no allegation, at most a few other words).
    """
    if not isinstance(text, str):
        return None
    plain = _plain(text)
    if not plain or _NEW_CONTENT.search(plain):
        return None
    question = StatusQuestion()
    rest = plain
    if m := _FULL.search(plain):
        question = StatusQuestion(m[1].upper(), int(m[2]), int(m[3]))
        rest = plain[: m.start()] + " " + plain[m.end() :]
    elif m := _SERIAL.search(plain):
        question = StatusQuestion(serial=int(m[1]))
        rest = plain[: m.start()] + " " + plain[m.end() :]
    asks = _STATUS.search(rest) is not None
    if question.serial is None and not asks:
        return None
    others = [w for w in _WORD.findall(_STATUS.sub(" ", rest))]
    if len(others) > _MAX_OTHER_WORDS:
        return None
    return question


_DIRECTION_LEAD = re.compile(r"^\s*(?:arahan|petunjuk|disposisi)\b\s*[:.,-]?\s*", re.IGNORECASE)
_FULL_ANY_CASE = re.compile(
    r"(?<![A-Za-z0-9])[Ll][Aa][Pp][\s/._-]*([A-Za-z0-9]{2,12})[\s/._-]+(\d{4})[\s/._-]+(\d{1,6})(?![0-9])"
)


@attrs.frozen
class StaffDirection:
    """
    A direction a section head sends over WhatsApp: the report it is for and its text.

    Attributes:
        report: The report it names (office, year and serial of a full report number).
        text: The direction, as written after the number.
    """

    report: StatusQuestion
    text: str


def staff_direction(text: str) -> StaffDirection | None:
    """
    The direction a staff member's message gives: a full report number (any usual spelling)
    and some text beside it, e.g. ``"Arahan LAP/KNJP/2026/000001: klarifikasi ke kelurahan."``;
    ``None`` when it names no full number or says nothing else.

    >>> d = staff_direction("Arahan LAP/KNJP/2026/000001: klarifikasi ke kelurahan.")
    >>> d.report.serial, d.text
    (1, 'klarifikasi ke kelurahan.')
    >>> staff_direction("Selamat pagi") is None, staff_direction("LAP/KNJP/2026/000001") is None
    (True, True)
    """
    if not isinstance(text, str):
        return None
    m = _FULL_ANY_CASE.search(text)
    if m is None:
        return None
    rest = (text[: m.start()] + " " + text[m.end() :]).strip()
    rest = _DIRECTION_LEAD.sub("", rest).strip().lstrip(":.,- ").strip()
    if not rest:
        return None
    return StaffDirection(StatusQuestion(m[1].upper(), int(m[2]), int(m[3])), rest)


def reply_direction(text: str, number: str) -> str | None:
    """
    The direction a staff member gives by replying on WhatsApp to the handover of report
    ``number``: the reply's text without a leading "Arahan" ("Petunjuk", "Disposisi") and
    without the report's own number when it repeats it; ``""`` when nothing else is left.
    ``None`` when the reply names another report's full number: the number written wins
    over the message replied to (see :func:`staff_direction`).

    >>> reply_direction("Arahan: klarifikasi ke kelurahan.", "LAP/KNJP/2026/000001")
    'klarifikasi ke kelurahan.'
    >>> reply_direction("Arahan lap knjp 2026 1: segera.", "LAP/KNJP/2026/000001")
    'segera.'
    >>> reply_direction("Arahan", "LAP/KNJP/2026/000001")
    ''
    >>> reply_direction("Arahan LAP/KNJP/2026/000002: segera.", "LAP/KNJP/2026/000001") is None
    True
    """
    if not isinstance(text, str):
        return ""
    m = _FULL_ANY_CASE.search(text)
    if m is not None:
        named = StatusQuestion(m[1].upper(), int(m[2]), int(m[3]))
        if not named.matches(number):
            return None
        text = text[: m.start()] + " " + text[m.end() :]
    return _DIRECTION_LEAD.sub("", text.strip()).strip().lstrip(":.,- ").strip()


#: Words that greet, call or thank and say nothing else: a message of only these gets the menu.
GREETING_WORDS: Final = frozenset(
    [
        "halo",
        "hallo",
        "helo",
        "hai",
        "hi",
        "hello",
        "p",
        "pp",
        "ping",
        "tes",
        "test",
        "selamat",
        "pagi",
        "siang",
        "sore",
        "malam",
        "assalamualaikum",
        "assalamu",
        "alaikum",
        "asalamualaikum",
        "salam",
        "permisi",
        "min",
        "admin",
        "pak",
        "bu",
        "bapak",
        "ibu",
        "kak",
        "mas",
        "mbak",
        "om",
        "ok",
        "oke",
        "wr",
        "wb",
        "warahmatullahi",
        "wabarakatuh",
        "shalom",
        "salom",
        "swastiastu",
        "namo",
        "buddhaya",
        "y",
        "ya",
        "iya",
        "hmm",
        "terima",
        "kasih",
        "terimakasih",
        "trimakasih",
        "makasih",
        "makasi",
        "trims",
        "thanks",
        "thank",
        "you",
        "thx",
        "tq",
        "matur",
        "nuwun",
        "suwun",
        "hatur",
        "nuhun",
    ]
)


def is_greeting(text: str) -> bool:
    """
    True when ``text`` is only a greeting, a call or thanks ("halo", "p", "selamat pagi, min",
    "terima kasih"), or says nothing at all (empty, or only emoji and punctuation): nothing a
    report, a question or an addition could be made of.

    >>> is_greeting("Selamat pagi, min!"), is_greeting("p"), is_greeting("halo, ada pungli")
    (True, True, False)
    >>> is_greeting(""), is_greeting("\U0001f44d\U0001f64f"), is_greeting("?")
    (True, True, True)
    >>> is_greeting("Terima kasih, pak"), is_greeting("\u0627\u0644\u0633\u0644\u0627\u0645")
    (True, False)
    """
    if not isinstance(text, str):
        return False
    if not any(unicodedata.category(c)[0] in "LN" for c in text):
        # No letter and no digit (checked before folding, so another script's words count).
        return True
    words = _WORD.findall(_plain(text))
    return bool(words) and all(w in GREETING_WORDS for w in words)
