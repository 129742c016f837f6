"""
Interactive list messages: validated against the WhatsApp Cloud API's limits, kept whole in the
outbox payload, rendered readably by the console messenger, and sent without a fallback.
"""

from __future__ import annotations

import io
import itertools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.adapters.messaging import ConsoleMessenger, InMemoryMessenger
from layanan_aduan.exceptions import InvalidMessageError, OutsideCustomerServiceWindowError
from layanan_aduan.messaging import (
    InteractiveList,
    ListRow,
    ListSection,
    OutboundMessage,
    Recipient,
    TemplateRef,
    deliver,
)
from layanan_aduan.notifications import NotificationKind, NotificationRenderer

PHONE = Recipient(phone="+6281234567890")
ROWS = [ListRow(str(n), str(n)) for n in range(1, 6)]


def _line(max_size: int) -> st.SearchStrategy[str]:
    return st.text(
        alphabet=st.characters(categories=["L", "N", "P", "Zs"]), min_size=1, max_size=max_size
    ).filter(lambda t: t.strip() and t.isprintable())


@st.composite
def interactive_lists(draw: st.DrawFn) -> InteractiveList:
    """Lists within every limit: 1-10 sections, 10 rows in all, unique ids."""
    total = draw(st.integers(1, 10))
    ids = draw(st.lists(_line(200), min_size=total, max_size=total, unique=True))
    cuts = sorted(draw(st.sets(st.integers(1, total - 1), max_size=total - 1))) if total > 1 else []
    bounds = [0, *cuts, total]
    sections = [
        ListSection(
            [
                ListRow(ids[i], draw(_line(24)), draw(st.none() | _line(72)))
                for i in range(start, end)
            ],
            title=draw(_line(24)) if len(bounds) > 2 else draw(st.none() | _line(24)),
        )
        for start, end in itertools.pairwise(bounds)
    ]
    return InteractiveList(
        draw(_line(1024)),
        draw(_line(20)),
        sections,
        header=draw(st.none() | _line(60)),
        footer=draw(st.none() | _line(60)),
    )


@given(interactive_lists())
def test_a_list_within_the_limits_survives_the_outbox(listed: InteractiveList) -> None:
    """Any list within the limits goes into the outbox payload and comes back equal."""
    message = OutboundMessage(PHONE, "r-1:5:rating_question", interactive=listed)
    assert message.kind == "interactive"
    assert OutboundMessage.from_payload(message.to_payload()) == message


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: ListRow("x" * 201, "1"), "row.id"),
        (lambda: ListRow("1", "x" * 25), "row.title"),
        (lambda: ListRow("1", "1", "x" * 73), "row.description"),
        (lambda: ListRow("", "1"), "row.id"),
        (lambda: ListRow("1", "satu\ndua"), "row.title"),
        (lambda: ListSection([]), "section.rows"),
        (lambda: ListSection(ROWS, title="x" * 25), "section.title"),
        (lambda: InteractiveList("", "Pilih", [ListSection(ROWS)]), "body"),
        (lambda: InteractiveList("x" * 1025, "Pilih", [ListSection(ROWS)]), "body"),
        (lambda: InteractiveList("Pilih.", "x" * 21, [ListSection(ROWS)]), "button"),
        (lambda: InteractiveList("Pilih.", "Pilih", []), "sections"),
        (lambda: InteractiveList("Pilih.", "Pilih", [ListSection(ROWS)] * 11), "sections"),
        (
            lambda: InteractiveList(
                "Pilih.", "Pilih", [ListSection(ROWS), ListSection([ListRow("6", "6")])]
            ),
            "section.title",
        ),
        (
            lambda: InteractiveList(
                "Pilih.",
                "Pilih",
                [
                    ListSection(ROWS, "A"),
                    ListSection([ListRow(str(n), "n") for n in range(6, 12)], "B"),
                ],
            ),
            "rows",
        ),
        (
            lambda: InteractiveList("Pilih.", "Pilih", [ListSection(ROWS)], header="x" * 61),
            "header",
        ),
        (
            lambda: InteractiveList("Pilih.", "Pilih", [ListSection(ROWS)], footer="x" * 61),
            "footer",
        ),
        (lambda: InteractiveList("Pilih.", "Pilih", [ListSection(ROWS + ROWS[:1])]), "row.id"),
    ],
)
def test_a_list_beyond_the_limits_is_refused(build: Any, field: str) -> None:
    """Ids over 200, titles over 24, descriptions over 72, an empty or over-long body, a
    button over 20, no section or more than 10, untitled sections among several, more than 10
    rows, a header or footer over 60, or a repeated id: each refused, naming the field."""
    with pytest.raises(InvalidMessageError) as info:
        build()
    assert info.value.field == field


def test_a_message_holds_exactly_one_form_and_no_fallback_for_a_list() -> None:
    """Text, template and list exclude one another; a list takes no fallback template."""
    listed = InteractiveList("Pilih.", "Pilih", [ListSection(ROWS)])
    with pytest.raises(InvalidMessageError):
        OutboundMessage(PHONE, "k", text="Halo", interactive=listed)
    with pytest.raises(InvalidMessageError) as info:
        OutboundMessage(
            PHONE, "k", interactive=listed, fallback_template=TemplateRef("aduan_menu", "id")
        )
    assert info.value.field == "fallback_template"
    with pytest.raises(InvalidMessageError) as info:
        OutboundMessage(PHONE, "k", interactive="list")  # type: ignore[arg-type]  # not a list
    assert info.value.field == "interactive"


def test_a_broken_list_in_the_outbox_is_refused_as_a_payload() -> None:
    """A stored list without its rows is an incomplete payload, not a crash."""
    message = OutboundMessage(
        PHONE, "k", interactive=InteractiveList("P.", "P", [ListSection(ROWS)])
    )
    payload = message.to_payload()
    del payload["interactive"]["sections"][0]["rows"]
    with pytest.raises(InvalidMessageError) as info:
        OutboundMessage.from_payload(payload)
    assert info.value.field == "interactive"


def test_payloads_written_before_lists_existed_still_read() -> None:
    """An outbox payload without the interactive key reads as before."""
    payload = OutboundMessage(PHONE, "k", text="Halo").to_payload()
    del payload["interactive"]
    assert OutboundMessage.from_payload(payload).text == "Halo"


def test_the_rating_question_renders_as_a_list_in_both_languages() -> None:
    """The rating question is a list of five rows 1-5 with their labels; its body is the
    notification's text; in English too."""
    renderer = NotificationRenderer()
    for language, button, last in (
        ("id", "Beri penilaian", "Sangat puas"),
        ("en", "Rate the service", "Very satisfied"),
    ):
        note = renderer.rating_question("LAP/KNJP/2026/000001", "r-1", language=language)  # type: ignore[arg-type]  # id or en
        assert note.kind is NotificationKind.RATING_QUESTION
        assert note.interactive is not None
        assert note.interactive.body == note.text
        assert note.interactive.button == button
        assert [r.title for r in note.interactive.rows] == ["1", "2", "3", "4", "5"]
        assert note.interactive.rows[-1].description == last
        message = note.message(PHONE, "k")
        assert (message.kind, message.fallback_template) == ("interactive", None)
        assert note.message(PHONE, "k", as_template=True).kind == "template"
    with pytest.raises(InvalidMessageError) as info:
        renderer.rating_question("LAP/KNJP/2026/000001", "id with spaces")
    assert info.value.field == "report_id"
    with pytest.raises(InvalidMessageError) as info:
        renderer.rating_thanks("LAP/KNJP/2026/000001", 6)
    assert info.value.field == "rating"


def test_the_console_shows_the_list_readably() -> None:
    """The console messenger prints the body, the footer, the button and each row."""
    out = io.StringIO()
    note = NotificationRenderer().rating_question("LAP/KNJP/2026/000001", "r-1")
    ConsoleMessenger(out).send(note.message(PHONE, "r-1:5:rating_question"))
    lines = out.getvalue().splitlines()
    assert lines[0] == "--- WhatsApp daftar interaktif -> +62********890 [r-1:5:rating_question]"
    assert lines[1] == note.text
    assert lines[2:4] == ["Survei Kepuasan Masyarakat", "[Beri penilaian]"]
    assert lines[4:] == [
        "  ( ) 1 - Sangat tidak puas",
        "  ( ) 2 - Tidak puas",
        "  ( ) 3 - Cukup puas",
        "  ( ) 4 - Puas",
        "  ( ) 5 - Sangat puas",
    ]


def test_outside_the_window_a_list_is_not_replaced_by_a_template() -> None:
    """deliver() passes the window's refusal on for a list: nothing else is sent."""
    messenger = InMemoryMessenger()
    messenger.fail_next(OutsideCustomerServiceWindowError("Di luar jendela.", "Outside."))
    listed = OutboundMessage(
        PHONE, "k", interactive=InteractiveList("P.", "P", [ListSection(ROWS)])
    )
    with pytest.raises(OutsideCustomerServiceWindowError):
        deliver(messenger, listed)
    assert messenger.messages == ()
    assert "interactive=InteractiveList(button='P', rows=5, body=<2 chars>)" in repr(listed)
