"""
The reporter's rating of the service after the follow-up (Survei Kepuasan Masyarakat).

Public services in Indonesia measure how satisfied the public is (Survei Kepuasan Masyarakat,
PermenPANRB 14/2017). After step 5 the desk asks the reporter once for a rating from 1 (sangat
tidak puas, very dissatisfied) to 5 (sangat puas, very satisfied); the answer is recorded on
the report as the annotation ``rate`` (:meth:`~layanan_aduan.domain.report.Report.rate`), and
:attr:`~layanan_aduan.domain.report.Report.rating` reads it back as a :class:`Rating`.

Pure rules: the scale and its labels, what a reporter's text means as an answer
(:func:`rating_answer`), and the ids of the answers the desk offers in its WhatsApp list
(:func:`rating_reply_id`, :func:`parse_rating_reply`).

>>> rating_answer(" 4. "), rating_answer("4 bintang"), rating_answer("0")
(4, None, None)
>>> rating_label(5), rating_label(1, "en")
('Sangat puas', 'Very dissatisfied')
>>> parse_rating_reply(rating_reply_id("9b2f6c1e-0000-4000-8000-000000000001", 3))
('9b2f6c1e-0000-4000-8000-000000000001', 3)
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final, Literal

import attrs
import pendulum

from layanan_aduan.privacy import mask

__all__ = [
    "RATING_LABELS",
    "RATING_MAX",
    "RATING_MIN",
    "RATING_SCALE",
    "Rating",
    "is_rating_value",
    "parse_rating_reply",
    "rating_answer",
    "rating_label",
    "rating_reply_id",
]

#: The lowest rating: very dissatisfied.
RATING_MIN: Final = 1
#: The highest rating: very satisfied.
RATING_MAX: Final = 5
#: Every rating, lowest first.
RATING_SCALE: Final = tuple(range(RATING_MIN, RATING_MAX + 1))
#: What each rating means, in Indonesian and in English (short: a WhatsApp list row's
#: description holds at most 72 characters).
RATING_LABELS: Final[dict[int, tuple[str, str]]] = {
    1: ("Sangat tidak puas", "Very dissatisfied"),
    2: ("Tidak puas", "Dissatisfied"),
    3: ("Cukup puas", "Fairly satisfied"),
    4: ("Puas", "Satisfied"),
    5: ("Sangat puas", "Very satisfied"),
}

_REPLY_PREFIX: Final = "rating"
_REPLY = re.compile(r"rating:([1-5]):([\x21-\x7e]{1,128})")
# An answer typed by hand is short; longer text is something else (a new report, a question).
_MAX_ANSWER_LENGTH: Final = 32


def is_rating_value(value: object) -> bool:
    """
    True for a whole number from :data:`RATING_MIN` to :data:`RATING_MAX` (not a bool).

    >>> [is_rating_value(v) for v in (1, 5, 0, 6, 4.0, True, "3")]
    [True, True, False, False, False, False, False]
    """
    return (
        isinstance(value, int) and not isinstance(value, bool) and RATING_MIN <= value <= RATING_MAX
    )


def rating_label(value: int, language: Literal["id", "en"] = "id") -> str:
    """
    What ``value`` means, in ``language``.

    Raises:
        KeyError: ``value`` is not a rating.
    """
    indonesian, english = RATING_LABELS[value]
    return english if language == "en" else indonesian


def _is_padding(ch: str) -> bool:
    # Whitespace and punctuation around the digit ("5.", "(4)", " 3 !") are not part of it.
    return ch.isspace() or unicodedata.category(ch).startswith("P")


def rating_answer(text: str) -> int | None:
    """
    The rating a reporter's text gives: one digit from 1 to 5, with nothing around it but
    whitespace and punctuation; ``None`` for anything else.

    A digit is an answer only from a reporter whose report awaits a rating: the desk decides
    that, this function only reads the text.

    >>> [rating_answer(t) for t in ("5", " 3\\n", "(2)", "4!", "1.", "45", "5 bintang", "⭐⭐⭐")]
    [5, 3, 2, 4, 1, None, None, None]
    """
    if not isinstance(text, str) or len(text) > _MAX_ANSWER_LENGTH:
        return None
    start, end = 0, len(text)
    while start < end and _is_padding(text[start]):
        start += 1
    while end > start and _is_padding(text[end - 1]):
        end -= 1
    core = text[start:end]
    if len(core) == 1 and core in "12345":
        return int(core)
    return None


def rating_reply_id(report_id: str, value: int) -> str:
    """
    The id of the list row that answers ``value`` for the report ``report_id``: WhatsApp sends
    it back in the reporter's ``list_reply`` (at most 200 characters, as the Cloud API allows).

    >>> rating_reply_id("r-1", 4)
    'rating:4:r-1'

    Raises:
        ValueError: ``value`` is not a rating, or ``report_id`` is not 1-128 printable ASCII
            characters without spaces.
    """
    reply = f"{_REPLY_PREFIX}:{value}:{report_id}"
    if not is_rating_value(value) or not isinstance(report_id, str) or not _REPLY.fullmatch(reply):
        raise ValueError("a rating reply needs a rating 1-5 and a printable report id")
    return reply


def parse_rating_reply(reply_id: str) -> tuple[str, int] | None:
    """
    The report id and the rating a list row's id names, or ``None`` when it names none.

    The id comes back from WhatsApp as the reporter's device sent it: a claim. The desk
    rates only the sender's own report that awaits a rating.

    >>> parse_rating_reply("rating:5:r-1"), parse_rating_reply("rating:9:r-1")
    (('r-1', 5), None)
    """
    if not isinstance(reply_id, str):
        return None
    match = _REPLY.fullmatch(reply_id)
    if match is None:
        return None
    return match[2], int(match[1])


@attrs.frozen(repr=False)
class Rating:
    """
    A reporter's rating of the service, as the report recorded it.

    Attributes:
        value: From 1 (sangat tidak puas) to 5 (sangat puas).
        at: When it was recorded (the reporter's message, bounded by the desk's clock; UTC).
        message_id: The id of the reporter's message that gave it (personal data: a WhatsApp
            message id embeds the sender's number; masked in the repr).
    """

    value: int
    at: pendulum.DateTime
    message_id: str

    @property
    def label(self) -> str:
        """
        What the rating means, in Indonesian.
        """
        return rating_label(self.value)

    def __repr__(self) -> str:
        return (
            f"Rating(value={self.value!r}, at={self.at.isoformat()!r}, "
            f"message_id={mask(self.message_id)!r})"
        )
