"""
Hypothesis strategies for reports, actors and workflow actions.

Public through :mod:`layanan_aduan.testing.strategies` (install the ``testing`` extra):

- :func:`roles`, :func:`actors`: who acts (pemohon, petugas pelaksana, Kepala Seksi Intelijen);
- :func:`workflow_actions`: any action of the workflow table, allowed or not;
- :func:`report_kinds`, :func:`reporter_details`: what a reporter sends, complete or not;
- :func:`reports`: reports driven through the procedure to any state, by legal actions only,
  with increasing instants and their events still pending (``collect_new_events``).

>>> from hypothesis import given, settings
>>> from layanan_aduan.domain.history import verify
>>> @settings(max_examples=20)
... @given(reports(states={"completed"}))
... def test_completed_reports_verify(report):
...     assert [e.action for e in report.events][-1] == "deliver_follow_up"
...     assert verify(report.events, version=report.version, head=report.head_hash).ok
>>> test_completed_reports_verify()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from hypothesis import strategies as st

from layanan_aduan.domain.identity import PhoneNumber
from layanan_aduan.domain.report import Actor, CloseReason, Report, ReporterDetails, ReportKind
from layanan_aduan.domain.workflow import Action, ReportState, Role
from layanan_aduan.testing import _base as base

__all__ = [
    "actors",
    "close_reasons",
    "report_kinds",
    "reporter_details",
    "reports",
    "roles",
    "workflow_actions",
]

_DIGITS = "0123456789"


def roles() -> st.SearchStrategy[Role]:
    """
    Any role of the workflow: reporter, officer, section head.
    """
    return st.sampled_from(Role)


def workflow_actions() -> st.SearchStrategy[Action]:
    """
    Any action of the workflow table, whether or not it is allowed at the moment.
    """
    return st.sampled_from(Action)


def report_kinds() -> st.SearchStrategy[ReportKind]:
    """
    Laporan, aduan or permohonan informasi.
    """
    return st.sampled_from(ReportKind)


def close_reasons() -> st.SearchStrategy[CloseReason]:
    """
    Any reason for closing a message as not a report.
    """
    return st.sampled_from(CloseReason)


def _reporter_ids() -> st.SearchStrategy[str]:
    return st.one_of(
        base.phone_numbers().map(lambda p: PhoneNumber.parse(p).e164),
        base.whatsapp_user_ids(),
    )


def _staff_ids() -> st.SearchStrategy[str]:
    # Civil servants' NIP: 18 digits.
    return st.text(alphabet=_DIGITS, min_size=18, max_size=18)


@st.composite
def actors(draw: st.DrawFn, role: Role | str | None = None) -> Actor:
    """
    Actors of ``role`` (any role when ``None``).

    A reporter's id is their WhatsApp key (an E.164 number or a user id); staff ids are
    18-digit employee numbers (NIP).
    """
    chosen = draw(roles()) if role is None else Role(role)
    ids = _reporter_ids() if chosen is Role.REPORTER else _staff_ids()
    return Actor(draw(ids), chosen)


def reporter_details(*, complete: bool | None = None) -> st.SearchStrategy[ReporterDetails]:
    """
    The reporter's identity as sent: complete (name, valid NIK, a telephone number or a
    WhatsApp user id) or, with ``complete=False``, missing or spoiling at least one of them.

    The tables behind names and telephone numbers are built before the first example.

    Args:
        complete: ``True`` for details that meet requirement 1, ``False`` for details that
            do not, ``None`` for either.
    """
    return base._warmed(lambda: _reporter_details(complete=complete), base._warm_identity)


@st.composite
def _reporter_details(draw: st.DrawFn, *, complete: bool | None) -> ReporterDetails:
    whole = draw(st.booleans()) if complete is None else complete
    use_phone = draw(st.booleans())
    details = {
        "name": draw(base.names()),
        "nik": draw(base.niks()),
        "phone": draw(base.phone_numbers()) if use_phone else None,
        "whatsapp_user_id": None if use_phone else draw(base.whatsapp_user_ids()),
    }
    if not whole:
        spoiled = draw(st.sets(st.sampled_from(["name", "nik", "contact"]), min_size=1))
        if "name" in spoiled:
            details["name"] = None
        if "nik" in spoiled:
            details["nik"] = draw(st.none() | base.invalid_niks())
        if "contact" in spoiled:
            details["phone"] = details["whatsapp_user_id"] = None
    return ReporterDetails(**details)


def _texts() -> st.SearchStrategy[str]:
    return st.text(
        alphabet=st.characters(categories=["L", "N", "Zs", "P"]), min_size=1, max_size=200
    ).filter(lambda t: t.strip())


def reports(
    states: Collection[ReportState | str] | None = None,
    *,
    kinds: Collection[ReportKind | str] | None = None,
    rated: bool | None = False,
) -> st.SearchStrategy[Report]:
    """
    Reports driven through the procedure to one of ``states`` (any state when ``None``).

    Every action is legal and done by its role, at increasing instants (from 2024 to 2027,
    seconds to hours apart); some submissions get more text (``add_to_submission``) before
    anything else happens; incomplete submissions go through ``request_completion`` and
    ``complete_requirements`` before they are forwarded; closed reports are closed from
    ``submitted``, ``received`` or ``awaiting_completion``. The events are still pending:
    ``report.collect_new_events()`` returns them all.

    The tables behind identities and the calendar of those years are loaded before the
    first example, so that neither a first draw nor a first deadline is slow.

    Args:
        states: The states the report may end in.
        kinds: The kinds it may be (all when ``None``).
        rated: Whether a completed report also has the reporter's rating (1 to 5, some time
            after the follow-up): never (``False``, the default), always (``True``), or
            either (``None``).
    """
    return base._warmed(
        lambda: _reports(states, kinds=kinds, rated=rated),
        base._warm_identity,
        lambda: base._warm_calendar(2024, 2027),
    )


@st.composite
def _reports(  # noqa: PLR0911 - one return per state the walk can stop in
    draw: st.DrawFn,
    states: Collection[ReportState | str] | None,
    *,
    kinds: Collection[ReportKind | str] | None,
    rated: bool | None = False,
) -> Report:
    target = ReportState(
        draw(st.sampled_from(sorted(ReportState(s) for s in states or ReportState)))
    )
    kind = draw(st.sampled_from(sorted(ReportKind(k) for k in kinds or ReportKind)))
    clock = [draw(base.instants(min_year=2024, max_year=2027))]

    def later() -> dt.datetime:
        clock[0] = clock[0] + dt.timedelta(seconds=draw(st.integers(0, 6 * 3600)))
        return clock[0]

    reporter = draw(actors(Role.REPORTER))
    officer, head = draw(actors(Role.OFFICER)), draw(actors(Role.SECTION_HEAD))
    incomplete = target is ReportState.AWAITING_COMPLETION or draw(st.booleans())
    full = draw(reporter_details(complete=True))
    details = draw(reporter_details(complete=False)) if incomplete else full
    has_evidence = not incomplete or draw(st.booleans())
    evidence = [draw(base.evidence_files())] if has_evidence else []
    report = Report.submit(
        id=str(draw(st.uuids())),
        at=clock[0],
        actor=reporter,
        kind=kind,
        details=details,
        message=draw(st.text(max_size=300)),
        evidence=evidence,
    )

    def close() -> Report:
        reason = draw(close_reasons())
        note = draw(_texts()) if reason is CloseReason.OTHER else ""
        report.close(at=later(), actor=officer, reason=reason, note=note)
        return report

    if draw(st.booleans()):
        # The reporter's next message before an officer receives it (the text after a photo).
        report.add_to_submission(at=later(), actor=reporter, message=draw(_texts()))
    closing = target is ReportState.CLOSED
    if target is ReportState.SUBMITTED or (closing and draw(st.booleans())):
        return close() if closing else report
    report.receive(at=later(), actor=officer)
    if not report.requirements_met:
        if target is ReportState.RECEIVED or (closing and draw(st.booleans())):
            return close() if closing else report
        report.request_completion(at=later(), actor=officer)
        if target is ReportState.AWAITING_COMPLETION or closing:
            return close() if closing else report
        more = [] if report.evidence else [draw(base.evidence_files())]
        report.complete_requirements(at=later(), actor=reporter, details=full, evidence=more)
    if target is ReportState.RECEIVED or closing:
        return close() if closing else report
    report.forward(at=later(), actor=officer)
    if target is ReportState.FORWARDED:
        return report
    report.give_direction(at=later(), actor=head, direction=draw(_texts()))
    if target is ReportState.DIRECTED:
        return report
    report.deliver_follow_up(at=later(), actor=officer, follow_up=draw(_texts()))
    if rated if rated is not None else draw(st.booleans()):
        report.rate(
            at=later(),
            actor=reporter,
            rating=draw(st.integers(1, 5)),
            message_id=draw(st.from_regex(r"wamid\.[A-Za-z0-9]{8,40}", fullmatch=True)),
        )
    return report
