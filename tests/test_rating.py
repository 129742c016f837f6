"""
The reporter's rating after the follow-up (Survei Kepuasan Masyarakat): recorded once on a
completed report, 1 to 5, as an annotation that changes nothing else; anything else refused and
changing nothing; the text and list answers that mean a rating.
"""

from __future__ import annotations

import datetime as dt
import string
import unicodedata
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.adapters.holidays_id import indonesian_calendar
from layanan_aduan.domain.history import Event, verify
from layanan_aduan.domain.rating import (
    RATING_LABELS,
    RATING_SCALE,
    Rating,
    parse_rating_reply,
    rating_answer,
    rating_label,
    rating_reply_id,
)
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.workflow import Action, ReportState, Role
from layanan_aduan.domain.worktime import WorkingTime
from layanan_aduan.exceptions import (
    HistoryTamperedError,
    RatingNotAllowedError,
    ReportInputError,
    TransitionNotAllowedError,
)
from layanan_aduan.testing.strategies import reports

WORKING_TIME = WorkingTime(indonesian_calendar())
NOT_RATINGS = st.one_of(
    st.integers().filter(lambda n: not 1 <= n <= 5),
    st.booleans(),
    st.floats(allow_nan=True),
    st.text(max_size=3),
    st.none(),
    st.decimals(1, 5, allow_nan=False, places=0),
)


def _snapshot(report: Report) -> tuple[Any, ...]:
    return attrs.astuple(report, recurse=False)


def _reporter(report: Report) -> Actor:
    return Actor(report.submitter_id, Role.REPORTER)


def _later(report: Report, minutes: int = 30) -> dt.datetime:
    return report.events[-1].at + dt.timedelta(minutes=minutes)


@given(reports(["completed"]), st.sampled_from(RATING_SCALE), st.integers(0, 30 * 24 * 60))
def test_a_rating_from_one_to_five_is_recorded_once(
    report: Report, value: int, minutes: int
) -> None:
    """Any completed report takes one rating 1-5 by its reporter: the state, the SLA clock and
    the deadline stay, the history verifies and rebuilds; a second rating is refused."""
    stopped = report.clock_stopped_at
    deadline = report.sla(report.events[-1].at, WORKING_TIME).deadline
    at = _later(report, minutes)
    report.rate(at=at, actor=_reporter(report), rating=value, message_id="wamid.R1")
    event = report.events[-1]
    assert (event.action, event.from_state, event.to_state) == ("rate", "completed", "completed")
    assert event.payload["rating"] == value
    assert report.state is ReportState.COMPLETED
    assert report.rating == Rating(value, pendulum.instance(at).in_timezone("UTC"), "wamid.R1")
    assert report.clock_stopped_at == stopped
    sla = report.sla(at, WORKING_TIME)
    assert (sla.deadline, sla.stopped_at) == (deadline, stopped)
    assert verify(report.events, version=report.version, head=report.head_hash).ok
    stored = [Event.from_dict(e.to_dict()) for e in report.events]
    assert Report.from_events(stored, version=report.version, head=report.head_hash) == report
    assert report.available_actions() == ("erase_personal_data",)
    before = _snapshot(report)
    with pytest.raises(RatingNotAllowedError) as info:
        report.rate(at=_later(report), actor=_reporter(report), rating=5, message_id="wamid.R2")
    assert (info.value.code, info.value.state, info.value.action) == (
        "rating_already_given",
        "completed",
        "rate",
    )
    assert _snapshot(report) == before


@given(reports(["completed"]), NOT_RATINGS)
def test_anything_but_one_to_five_is_refused_and_changes_nothing(
    report: Report, value: object
) -> None:
    """A rating that is not a whole number 1-5 (0, 6, a bool, a float, text, None) is
    refused as rating_out_of_range, and the report is as it was."""
    before = _snapshot(report)
    with pytest.raises(ReportInputError) as info:
        report.rate(
            at=_later(report),
            actor=_reporter(report),
            rating=value,  # type: ignore[arg-type]  # deliberately not a rating
            message_id="wamid.R1",
        )
    assert (info.value.code, info.value.field) == ("rating_out_of_range", "rating")
    assert _snapshot(report) == before
    assert report.rating is None


@given(
    reports([s for s in ReportState if s is not ReportState.COMPLETED]),
    st.sampled_from(RATING_SCALE),
)
def test_a_report_not_completed_cannot_be_rated(report: Report, value: int) -> None:
    """Before the follow-up (or on a closed report) a rating is refused as
    report_not_completed, whoever gives it, and nothing changes."""
    before = _snapshot(report)
    with pytest.raises(RatingNotAllowedError) as info:
        report.rate(at=_later(report), actor=_reporter(report), rating=value, message_id="w.1")
    assert (info.value.code, info.value.state) == ("report_not_completed", str(report.state))
    assert _snapshot(report) == before


@given(reports(["completed"]))
def test_only_the_reporter_who_submitted_rates(report: Report) -> None:
    """Staff (role_not_allowed) and another reporter (actor_not_allowed) cannot rate."""
    before = _snapshot(report)
    for actor, code in (
        (Actor("petugas-01", Role.OFFICER), "role_not_allowed"),
        (Actor("kasi-intel", Role.SECTION_HEAD), "role_not_allowed"),
        (Actor("ID.someoneelse123", Role.REPORTER), "actor_not_allowed"),
    ):
        with pytest.raises(TransitionNotAllowedError) as info:
            report.rate(at=_later(report), actor=actor, rating=5, message_id="wamid.R1")
        assert info.value.code == code
        assert _snapshot(report) == before


@given(reports(["completed"], rated=None))
def test_generated_reports_may_carry_a_rating(report: Report) -> None:
    """The public strategy's rated reports verify and rebuild, rating after the follow-up."""
    assert verify(report.events, version=report.version, head=report.head_hash).ok
    if report.rating is not None:
        assert report.events[-1].action == Action.RATE
        assert report.events[-2].action == Action.DELIVER_FOLLOW_UP
        assert report.rating.value in RATING_SCALE
    assert Report.from_events(report.events) == report


@pytest.mark.parametrize("message_id", ["", "wamid.\n1", "x" * 257, 42])
def test_a_bad_message_id_is_refused(message_id: object) -> None:
    """The id of the rating's message must be 1-256 characters without control characters."""
    report = _completed()
    with pytest.raises(ReportInputError) as info:
        report.rate(
            at=_later(report),
            actor=_reporter(report),
            rating=3,
            message_id=message_id,  # type: ignore[arg-type]  # deliberately wrong
        )
    assert info.value.code == "invalid_message_id"
    assert report.rating is None


def test_the_claimed_instant_is_kept_beside_the_recorded_one() -> None:
    """A message whose claimed instant is not the one recorded keeps the claim in the event."""
    report = _completed()
    at = _later(report)
    report.rate(
        at=at, actor=_reporter(report), rating=2, message_id="w.1", claimed_at=at - dt.timedelta(1)
    )
    assert report.events[-1].payload["claimed_at"].endswith("Z")
    assert report.rating is not None
    assert report.rating.label == "Tidak puas"


def test_a_history_with_two_ratings_is_inconsistent() -> None:
    """A second rate event, hash-chained correctly, is refused when the history is rebuilt."""
    report = _completed()
    report.rate(at=_later(report), actor=_reporter(report), rating=4, message_id="w.1")
    first = report.events[-1]
    second = Event.record(
        first,
        report_id=report.id,
        action=Action.RATE,
        actor_id=report.submitter_id,
        actor_role=Role.REPORTER,
        at=first.at,
        from_state="completed",
        to_state="completed",
        payload={"message_id": "w.2", "rating": 1},
    )
    events = [*report.events, second]
    assert verify(events).ok
    with pytest.raises(HistoryTamperedError) as info:
        Report.from_events(events)
    assert info.value.code == "history_inconsistent"


def _completed() -> Report:
    t0 = pendulum.datetime(2026, 1, 12, 9, tz="Asia/Jakarta")
    reporter = Actor("+6281234567890", Role.REPORTER)
    officer, head = Actor("petugas-01", Role.OFFICER), Actor("kasi", Role.SECTION_HEAD)
    report = Report.submit(
        id="9b2f6c1e-0000-4000-8000-00000000000a",
        at=t0,
        actor=reporter,
        kind="aduan",
        details=ReporterDetails(name="Budi Santoso", nik="3171010101900001", phone="081234567890"),
        message="Dugaan pungli.",
        evidence=[b"%PDF-1.4\n%%EOF\n"],
    )
    report.receive(at=t0.add(minutes=5), actor=officer)
    report.forward(at=t0.add(minutes=10), actor=officer)
    report.give_direction(at=t0.add(minutes=20), actor=head, direction="Klarifikasi.")
    report.deliver_follow_up(at=t0.add(minutes=40), actor=officer, follow_up="Sudah.")
    return report


# --- what an answer means -------------------------------------------------------------------

_PADDING = st.text(
    alphabet=st.sampled_from([" ", "\n", "\t", ".", "!", "?", "(", ")", ",", "-", "“", "”"]),
    max_size=6,
)


@given(st.sampled_from(RATING_SCALE), _PADDING, _PADDING)
def test_a_digit_with_whitespace_and_punctuation_around_it_is_a_rating(
    value: int, before: str, after: str
) -> None:
    """One digit 1-5 with only whitespace and punctuation around it reads as that rating."""
    assert rating_answer(f"{before}{value}{after}") == value


@given(st.text(max_size=40))
def test_text_with_anything_else_is_no_rating(text: str) -> None:
    """Text holding anything but one digit 1-5 among padding is no rating (a letter, an
    emoji, another digit, two digits)."""
    core = "".join(ch for ch in text if not (ch.isspace() or _is_punct(ch)))
    expected = int(core) if core in {"1", "2", "3", "4", "5"} and len(text) <= 32 else None
    assert rating_answer(text) == expected


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P")


@pytest.mark.parametrize(
    "text", ["0", "6", "45", "5 bintang", "⭐⭐⭐⭐", "lima", "5/5", "+5", "\uff15", " ", ""]
)
def test_what_is_not_a_rating(text: str) -> None:
    """Other digits, numbers, words, stars and symbols are not ratings."""
    assert rating_answer(text) is None


@given(
    st.text(alphabet=string.ascii_letters + string.digits + "-_.:", min_size=1, max_size=128),
    st.sampled_from(RATING_SCALE),
)
def test_a_list_rows_id_names_its_report_and_rating(report_id: str, value: int) -> None:
    """The id of a rating row reads back as the report and the rating it was made for, and
    fits the Cloud API's 200 characters."""
    reply = rating_reply_id(report_id, value)
    assert len(reply) <= 200
    assert parse_rating_reply(reply) == (report_id, value)


@pytest.mark.parametrize(
    "reply", ["rating:0:r-1", "rating:6:r-1", "rating:5:", "rating:5:r 1", "rate:5:r-1", "5", ""]
)
def test_other_row_ids_are_no_rating(reply: str) -> None:
    """An id of another form names no rating."""
    assert parse_rating_reply(reply) is None


def test_a_row_id_cannot_be_made_of_a_bad_report_id_or_rating() -> None:
    """A report id with spaces, or a rating outside 1-5, makes no row id."""
    with pytest.raises(ValueError, match="rating"):
        rating_reply_id("r 1", 3)
    with pytest.raises(ValueError, match="rating"):
        rating_reply_id("r-1", 6)


def test_the_scale_has_its_indonesian_and_english_labels() -> None:
    """Five labels from sangat tidak puas to sangat puas, each short enough for a list row."""
    assert [rating_label(n) for n in RATING_SCALE] == [
        "Sangat tidak puas",
        "Tidak puas",
        "Cukup puas",
        "Puas",
        "Sangat puas",
    ]
    assert rating_label(5, "en") == "Very satisfied"
    assert all(len(i) <= 72 and len(e) <= 72 for i, e in RATING_LABELS.values())
    assert repr(Rating(4, pendulum.datetime(2026, 1, 12), "wamid.HBgNNjI4MTIz")) == (
        "Rating(value=4, at='2026-01-12T00:00:00+00:00', message_id='wami**********MTIz')"
    )
