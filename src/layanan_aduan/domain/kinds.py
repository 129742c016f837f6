"""
What a message is, from its words: a request for information, or a report or complaint.

The service takes three kinds (``ReportKind``): a *laporan*, an *aduan* and a *permohonan
informasi*. A reporter rarely says which; :func:`recognise_kind` reads the text and answers
``PERMOHONAN_INFORMASI`` only where that is unambiguous: the text asks something (a question
mark, or it opens with a question word or a request for information) and alleges nothing (no
word of wrongdoing or of reporting it). Anything else answers ``None``: the desk keeps its
default (an *aduan*) and the officer corrects the kind as an event
(:meth:`Report.correct_kind <layanan_aduan.domain.report.Report.correct_kind>`) when needed.

>>> recognise_kind("Apa syarat mengurus surat keterangan catatan kepolisian?")
<ReportKind.PERMOHONAN_INFORMASI: 'permohonan_informasi'>
>>> recognise_kind("Mohon informasi jadwal sidang perkara saya")
<ReportKind.PERMOHONAN_INFORMASI: 'permohonan_informasi'>
>>> recognise_kind("Kenapa kepala desa memungut biaya? Ini pungli!") is None
True
>>> recognise_kind("Saya ingin melaporkan dugaan korupsi dana desa.") is None
True
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from layanan_aduan.domain.report import ReportKind

__all__ = ["ALLEGATION_WORDS", "QUESTION_OPENINGS", "recognise_kind"]

#: Word stems of wrongdoing or of reporting it: one of them makes a text a report, never a mere
#: request for information. Matched at the start of a word, case and accents ignored.
ALLEGATION_WORDS: Final = (
    "pungli", "pungut", "korupsi", "koruptor", "suap", "sogok", "gratifikasi", "peras",
    "pemerasan", "tipu", "penipuan", "gelap", "penggelapan", "curang", "kecurangan",
    "selewengkan", "penyelewengan", "penyalahgunaan", "menyalahgunakan", "manipulasi",
    "markup", "mark-up", "fiktif", "ilegal", "narkoba", "narkotika", "judi", "perjudian",
    "ancam", "ancaman", "intimidasi", "kekerasan", "aniaya", "penganiayaan", "lapor",
    "melapor", "melaporkan", "laporan", "adu", "aduan", "mengadu", "mengadukan", "keluhan",
    "dugaan", "diduga", "pelanggaran", "melanggar", "kriminal", "pidana", "mafia",
    "calo", "oknum", "rugi", "kerugian", "uang pelicin", "pelicin",
)  # fmt: skip

#: How Indonesians open a question or a request for information.
QUESTION_OPENINGS: Final = (
    "apa", "apakah", "bagaimana", "bagaimanakah", "gimana", "kapan", "kapankah", "dimana",
    "di mana", "kemana", "ke mana", "berapa", "siapa", "mengapa", "kenapa", "bisakah",
    "bolehkah", "dapatkah", "mohon informasi", "mohon info", "minta informasi", "minta info",
    "mohon penjelasan", "ingin bertanya", "mau bertanya", "mau tanya", "izin bertanya",
    "ijin bertanya", "numpang tanya", "tanya", "bertanya", "saya ingin tahu", "ingin tahu",
)  # fmt: skip

_SPACE = re.compile(r"\s+")
_ALLEGATION = re.compile(
    r"(?<![a-z])(?:" + "|".join(re.escape(w) for w in ALLEGATION_WORDS) + r")", re.ASCII
)
_OPENING = re.compile(
    r"^(?:" + "|".join(re.escape(w) for w in QUESTION_OPENINGS) + r")(?![a-z])", re.ASCII
)
_GREETING = re.compile(
    r"^(?:(?:assalamu'?alaikum|asalamualaikum|salam|selamat (?:pagi|siang|sore|malam)"
    r"|halo|hallo|hai|permisi|maaf|pak|bu|bapak|ibu|kak|min|admin)[\s,.!]*)+",
    re.ASCII,
)


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SPACE.sub(" ", folded.lower()).strip()


def recognise_kind(text: str) -> ReportKind | None:
    """
    ``PERMOHONAN_INFORMASI`` when ``text`` plainly asks for information and alleges nothing;
    ``None`` otherwise (the caller keeps its default kind). Never raises for a string.
    """
    if not isinstance(text, str):
        return None
    plain = _plain(text)
    if not plain or _ALLEGATION.search(plain):
        return None
    opening = _GREETING.sub("", plain)
    if "?" in plain or _OPENING.match(opening):
        return ReportKind.PERMOHONAN_INFORMASI
    return None
