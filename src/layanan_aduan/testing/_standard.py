"""
Strategies for offices, their schedules, service standards and calendar overrides.

Public through :mod:`layanan_aduan.testing.strategies` (install the ``testing`` extra):

- :func:`office_schedules`: weeks of working hours in Indonesia's zones (and a few others);
- :func:`offices`: Kejaksaan offices with valid numbers, web address and code;
- :func:`requirement_policies`: what a standard's Persyaratan may demand;
- :func:`service_standards`: whole standards (:meth:`ServiceStandard.for_office`) with their
  own section head, goal, fee and complaint channel;
- :func:`calendar_overrides`: an operator's closed days, reopened days and special hours,
  as :func:`~layanan_aduan.domain.overrides.parse_overrides` reads them.

>>> from hypothesis import given, settings
>>> from layanan_aduan.domain.standard import ServiceStandard
>>> @settings(max_examples=10)
... @given(service_standards())
... def test_standards_read_back(standard):
...     assert ServiceStandard.from_dict(standard.to_dict()) == standard
>>> test_standards_read_back()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Final

import phonenumbers
from hypothesis import strategies as st

from layanan_aduan.domain.calendar import (
    DayKind,
    NonWorkingDay,
    OfficeSchedule,
    Overrides,
    Reopening,
    SpecialHours,
    WorkingInterval,
)
from layanan_aduan.domain.standard import (
    IDENTITY_FIELDS,
    ComplaintChannel,
    Office,
    RequirementPolicy,
    ServiceStandard,
)
from layanan_aduan.testing import _base as base

__all__ = [
    "INDONESIAN_ZONES",
    "OFFICE_PLACES",
    "SECTION_HEAD_TITLES",
    "calendar_overrides",
    "office_schedules",
    "offices",
    "requirement_policies",
    "service_standards",
]

#: Indonesia's zones: WIB (two names), WITA, WIT.
INDONESIAN_ZONES: Final = ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura")
_OTHER_ZONES: Final = ("UTC", "Asia/Singapore", "Europe/Amsterdam")

#: Places with a Kejaksaan Negeri, and the zone each keeps.
OFFICE_PLACES: Final = (
    ("Jakarta Pusat", "Asia/Jakarta"),
    ("Jakarta Selatan", "Asia/Jakarta"),
    ("Bandung", "Asia/Jakarta"),
    ("Surabaya", "Asia/Jakarta"),
    ("Medan", "Asia/Jakarta"),
    ("Palembang", "Asia/Jakarta"),
    ("Pontianak", "Asia/Pontianak"),
    ("Makassar", "Asia/Makassar"),
    ("Denpasar", "Asia/Makassar"),
    ("Manado", "Asia/Makassar"),
    ("Kupang", "Asia/Makassar"),
    ("Mataram", "Asia/Makassar"),
    ("Jayapura", "Asia/Jayapura"),
    ("Ambon", "Asia/Jayapura"),
    ("Sorong", "Asia/Jayapura"),
)

#: Section heads a standard may name for step 4, in Indonesian and English.
SECTION_HEAD_TITLES: Final = (
    ("Kepala Seksi Intelijen", "Head of the Intelligence Section"),
    ("Kepala Seksi Pidana Umum", "Head of the General Crimes Section"),
    ("Kepala Seksi Pidana Khusus", "Head of the Special Crimes Section"),
    ("Kepala Seksi Perdata dan Tata Usaha Negara", "Head of the Civil and Administrative Section"),
    ("Kepala Seksi Pembinaan", "Head of the Development Section"),
    ("Kepala Seksi Pengelolaan Barang Bukti", "Head of the Evidence Section"),
)

# Area codes and subscriber lengths of Indonesian landlines.
_LANDLINES: Final = (
    ("021", 8),
    ("022", 7),
    ("031", 7),
    ("061", 7),
    ("0361", 6),
    ("0411", 6),
    ("0431", 6),
    ("0561", 6),
    ("0911", 6),
    ("0967", 6),
)
_STREETS: Final = ("Jl. Merdeka", "Jl. Sudirman", "Jl. Ahmad Yani", "Jl. Diponegoro", "Jl. Kartini")
_TEXTS = st.text(
    alphabet=st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=30
).filter(lambda s: s.strip())
_DAY_KINDS = st.sampled_from([k for k in DayKind if k is not DayKind.WEEKEND])


def _slug(place: str) -> str:
    return place.lower().replace(" ", "")


@st.composite
def _landlines(draw: st.DrawFn) -> str:
    area, length = draw(st.sampled_from(_LANDLINES))
    first = draw(st.sampled_from("2345678"))
    rest = draw(st.text(alphabet="0123456789", min_size=length - 1, max_size=length - 1))
    number = f"{area} {first}{rest}"
    # Every area code and length above is a valid landline in phonenumbers' metadata.
    if not phonenumbers.is_valid_number(phonenumbers.parse(number, "ID")):
        raise ValueError(f"not a valid landline: {number}")
    return draw(st.sampled_from([number, f"({area}) {first}{rest}", f"{area}{first}{rest}"]))


@st.composite
def _intervals(
    draw: st.DrawFn, *, step: int = 60, min_count: int = 1, max_count: int = 2
) -> tuple[WorkingInterval, ...]:
    """Sorted, non-overlapping intervals on multiples of ``step`` seconds (midnight end allowed)."""
    n = draw(st.integers(min_count, max_count))
    points = sorted(draw(st.sets(st.integers(0, 86_400 // step), min_size=2 * n, max_size=2 * n)))

    def at(units: int) -> dt.time:
        s = units * step
        return dt.time(0) if s == 86_400 else dt.time(s // 3600, s // 60 % 60, s % 60)

    return tuple(
        WorkingInterval(at(a), at(b)) for a, b in zip(points[::2], points[1::2], strict=True)
    )


@st.composite
def office_schedules(
    draw: st.DrawFn, *, zones: Sequence[str] = INDONESIAN_ZONES + _OTHER_ZONES
) -> OfficeSchedule:
    """
    An office's week: working hours (to the minute, a break allowed) on at least one day,
    in one of ``zones`` (Indonesia's four zone names and a few others by default).

    Most days share the same hours, as real offices' do; a day may have its own (a short
    Friday) or be closed.
    """
    usual = draw(_intervals())
    weekly = []
    for _ in range(7):
        choice = draw(st.sampled_from(("usual", "usual", "own", "closed")))
        weekly.append(usual if choice == "usual" else draw(_intervals()) if choice == "own" else ())
    if not any(weekly):
        weekly[0] = usual
    return OfficeSchedule(draw(st.sampled_from(tuple(zones))), tuple(weekly))


@st.composite
def offices(draw: st.DrawFn, *, places: Sequence[tuple[str, str]] = OFFICE_PLACES) -> Office:
    """
    A Kejaksaan Negeri or Tinggi in one of ``places``, with a landline, a WhatsApp mobile
    number (as people write them), an https web address, a code and a week in its zone
    (or, now and then, another week from :func:`office_schedules`).
    """
    place, zone = draw(st.sampled_from(tuple(places)))
    level, short = draw(st.sampled_from((("Negeri", "kejari"), ("Tinggi", "kejati"))))
    schedule = draw(
        st.one_of(
            office_schedules(zones=(zone,)),
            st.just(OfficeSchedule(zone)),
            office_schedules(),
        )
    )
    return Office(
        name=f"Kejaksaan {level} {place}",
        address=f"{draw(st.sampled_from(_STREETS))} No. {draw(st.integers(1, 200))}, {place}",
        telephone=draw(_landlines()),
        # The forms phonenumbers reads as well as PhoneNumber.parse does.
        whatsapp=draw(base.phone_numbers(forms=("08", "08-dashed", "+628"))),
        website=f"https://{short}-{_slug(place)}.kejaksaan.go.id",
        code=draw(st.from_regex(r"[A-Z][A-Z0-9]{1,11}", fullmatch=True)),
        schedule=schedule,
    )


_any_office = offices


@st.composite
def requirement_policies(draw: st.DrawFn) -> RequirementPolicy:
    """
    What a standard's Persyaratan may demand: any identity fields, evidence or not.
    """
    return RequirementPolicy(
        required_identity=draw(st.frozensets(st.sampled_from(IDENTITY_FIELDS))),
        evidence_required=draw(st.booleans()),
    )


def _goals() -> st.SearchStrategy[dt.timedelta]:
    return st.one_of(
        st.integers(1, 24).map(lambda h: dt.timedelta(hours=h)),
        st.integers(1, 24 * 60).map(lambda m: dt.timedelta(minutes=m)),
    )


@st.composite
def service_standards(
    draw: st.DrawFn,
    *,
    offices: st.SearchStrategy[Office] | None = None,
    titles: Sequence[tuple[str, str]] = SECTION_HEAD_TITLES,
) -> ServiceStandard:
    """
    A whole service standard for an office of ``offices`` (:func:`offices` by default),
    built with :meth:`ServiceStandard.for_office`: its own section head (one of
    ``titles``), goal (whole hours or minutes), fee (free, or whole thousands of rupiah),
    complaint channel (by letter, by telephone or both) and requirement policy.
    """
    office = draw(offices if offices is not None else _any_office())
    title, title_en = draw(st.sampled_from(tuple(titles)))
    by_letter = draw(st.booleans())
    telephone = draw(
        st.sampled_from((office.telephone, draw(_landlines())))
        if not by_letter
        else st.one_of(st.none(), st.just(office.telephone), _landlines())
    )
    fee = draw(st.one_of(st.just(0), st.integers(1, 500).map(lambda n: n * 1000)))
    return ServiceStandard.for_office(
        office,
        section_head_title=title,
        section_head_title_en=title_en,
        completion_time=draw(_goals()),
        fee_idr=fee,
        complaints=ComplaintChannel(
            unit="PTSP",
            unit_name="Pelayanan Terpadu Satu Pintu",
            by_letter=by_letter,
            telephone=telephone,
        ),
        requirement_policy=draw(requirement_policies()),
        decree_number=draw(st.none() | st.from_regex(r"KEP-[0-9]{1,4}/2026", fullmatch=True)),
    )


@st.composite
def _special_hours(draw: st.DrawFn) -> SpecialHours:
    start = draw(st.dates())
    end = draw(st.dates(min_value=start))
    weekdays = tuple(draw(st.none() | _intervals(step=1, max_count=3)) for _ in range(7))
    days = draw(st.none() | _intervals(step=1, max_count=3))
    if days is None and all(w is None for w in weekdays):
        days = draw(_intervals(step=1, max_count=3))
    return SpecialHours(start, end, draw(_TEXTS), days=days, weekdays=weekdays)


@st.composite
def calendar_overrides(draw: st.DrawFn, *, max_days: int = 8) -> Overrides:
    """
    An operator's overrides: up to ``max_days`` closed or reopened dates (never both on one
    date), up to three special-hours ranges (to the second) and decreed years; names and
    notes are any text without control characters.
    """
    dates = draw(st.lists(st.dates(), unique=True, max_size=max_days))
    cut = draw(st.integers(0, len(dates)))
    closed = [
        NonWorkingDay(
            d, draw(_DAY_KINDS), draw(_TEXTS), draw(_TEXTS), legal_basis=draw(st.none() | _TEXTS)
        )
        for d in dates[:cut]
    ]
    return Overrides(
        closed=closed,
        reopened=[Reopening(d, draw(_TEXTS)) for d in dates[cut:]],
        special_hours=draw(st.lists(_special_hours(), max_size=3)),
        decreed_years=draw(st.frozensets(st.integers(1, 9999), max_size=3)),
    )
