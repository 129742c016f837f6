"""
Stateful property test of the report workflow: any sequence of actions by any role.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import attrs
import hypothesis
import pendulum
import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from layanan_aduan.domain.history import Event, verify
from layanan_aduan.domain.report import Actor, Report, ReporterDetails
from layanan_aduan.domain.workflow import REPORT_WORKFLOW, Action, ReportState, Role
from layanan_aduan.exceptions import (
    HistoryTamperedError,
    NaiveDatetimeError,
    ReportInputError,
    RequirementsAlreadyMetError,
    RequirementsNotMetError,
    TransitionNotAllowedError,
)
from layanan_aduan.testing import _reports
from layanan_aduan.testing import strategies as base

SUBMITTER = Actor("+6281234567890", Role.REPORTER)
ACTORS = (
    SUBMITTER,
    Actor("ID.someoneelse123", Role.REPORTER),
    Actor("199001012015031001", Role.OFFICER),
    Actor("199202022016042002", Role.OFFICER),
    Actor("198001012005011001", Role.SECTION_HEAD),
)
FULL = ReporterDetails(name="Budi Santoso", nik="3171010101900001", phone="081234567890")
PDF = b"%PDF-1.4\n%%EOF\n"
STATES = {s.name for s in REPORT_WORKFLOW.states}
EXPECTED_REFUSALS = (
    TransitionNotAllowedError,
    RequirementsNotMetError,
    RequirementsAlreadyMetError,
    ReportInputError,
    NaiveDatetimeError,
)


_UNSEAL = (Action.UNSEAL_IDENTITY.value,)


def _snapshot(report: Report) -> tuple[Any, ...]:
    return attrs.astuple(report, recurse=False)


class ReportMachine(RuleBasedStateMachine):
    """Random actions by random actors on one report, checked against the table."""

    report: Report
    collected: list[Event]

    @initialize(
        details=_reports.reporter_details(),
        evidence=st.lists(base.evidence_files(), max_size=1),
        start=base.instants(min_year=2025, max_year=2026),
        confidential=st.booleans(),
    )
    def submit(
        self,
        details: ReporterDetails,
        evidence: list[bytes],
        start: dt.datetime,
        confidential: bool,
    ) -> None:
        self.report = Report.submit(
            id="7d9a1c2e-3b4f-4a5b-8c6d-7e8f9a0b1c2d",
            at=start,
            actor=SUBMITTER,
            kind="aduan",
            details=details,
            message="Laporan uji.",
            evidence=evidence,
            confidential=confidential,
        )
        self.collected = []

    @rule(
        action=_reports.workflow_actions(),
        actor=st.sampled_from(ACTORS),
        minutes=st.integers(-30, 3 * 24 * 60),
        text=st.sampled_from(["Arahan: klarifikasi.", "", "  ", "Sudah ditindaklanjuti."]),
        details=st.none() | _reports.reporter_details(),
        evidence=st.lists(base.evidence_files(), max_size=1),
        reason=_reports.close_reasons(),
        kind=_reports.report_kinds(),
        rating=st.one_of(st.integers(-1, 7), st.booleans(), st.floats(1, 5), st.text(max_size=2)),
    )
    def act(
        self,
        action: Action,
        actor: Actor,
        minutes: int,
        text: str,
        details: ReporterDetails | None,
        evidence: list[bytes],
        reason: str,
        kind: str,
        rating: object,
    ) -> None:
        """Try any action; success follows the table, refusal changes nothing."""
        report = self.report
        before = _snapshot(report)
        state = report.state
        before_message, before_evidence = report.message, report.evidence
        at = report.events[-1].at + dt.timedelta(minutes=minutes)
        calls = {
            Action.RECEIVE: lambda: report.receive(at=at, actor=actor),
            Action.FORWARD: lambda: report.forward(at=at, actor=actor),
            Action.GIVE_DIRECTION: lambda: report.give_direction(
                at=at, actor=actor, direction=text
            ),
            Action.DELIVER_FOLLOW_UP: lambda: report.deliver_follow_up(
                at=at, actor=actor, follow_up=text
            ),
            Action.REQUEST_COMPLETION: lambda: report.request_completion(at=at, actor=actor),
            Action.SUPPLEMENT_REQUIREMENTS: lambda: report.complete_requirements(
                at=at, actor=actor, details=details, evidence=evidence
            ),
            Action.COMPLETE_REQUIREMENTS: lambda: report.complete_requirements(
                at=at, actor=actor, details=details, evidence=evidence
            ),
            Action.ADD_TO_SUBMISSION: lambda: report.add_to_submission(
                at=at, actor=actor, message=text, details=details, evidence=evidence
            ),
            Action.CLOSE: lambda: report.close(at=at, actor=actor, reason=reason, note=text),
            Action.CORRECT_KIND: lambda: report.correct_kind(
                at=at, actor=actor, kind=kind, note=text
            ),
            Action.RATE: lambda: report.rate(
                at=at,
                actor=actor,
                rating=rating,  # type: ignore[arg-type]  # any value, a wrong one refused
                message_id="wamid.rating",
            ),
            Action.ERASE_PERSONAL_DATA: lambda: report.erase_personal_data(
                at=at, actor=actor, basis="retention", reference=text
            ),
            Action.REQUEST_CONFIDENTIALITY: lambda: report.request_confidentiality(
                at=at, actor=actor, message_id="wamid.rahasia"
            ),
            Action.UNSEAL_IDENTITY: lambda: report.unseal_identity(at=at, actor=actor, reason=text),
        }
        if action is Action.SUBMIT:
            for role in Role:
                try:
                    REPORT_WORKFLOW.transition(action, state, role)
                except TransitionNotAllowedError:
                    continue
                raise AssertionError("submit is allowed on an existing report")
            return
        refusal: Exception | None = None
        try:
            calls[action]()
        except EXPECTED_REFUSALS as err:
            refusal = err
        if refusal is not None:
            assert _snapshot(report) == before
            if isinstance(refusal, TransitionNotAllowedError):
                assert (refusal.state, refusal.role) == (state, actor.role)
                if refusal.code not in (
                    "actor_not_allowed",
                    "rating_already_given",
                    "personal_data_already_erased",
                ):
                    # The table itself refuses what the report refused.
                    with pytest.raises(TransitionNotAllowedError):
                        REPORT_WORKFLOW.transition(refusal.action, state, actor.role)
            return
        event = report.events[-1]
        assert report.version == len(before[1]) + 1
        row = REPORT_WORKFLOW.transition(event.action, state, actor.role)
        assert event.from_state == state
        assert event.to_state == row.target == report.state
        assert event.actor_role is actor.role
        assert event.at >= report.events[-2].at
        if action is Action.CORRECT_KIND:
            # A correction changes the kind only: the state and the SLA inputs stay.
            assert report.kind == kind
            assert report.state is state
            assert report.message == before_message
        if action is Action.ADD_TO_SUBMISSION:
            # Adding never moves the report and keeps everything it held.
            assert report.state is ReportState.SUBMITTED
            assert report.message.startswith(before_message)
            assert set(before_evidence) <= set(report.evidence)
        if action is Action.ERASE_PERSONAL_DATA:
            self._erased()

    @rule(minutes=st.integers(0, 10 * 60))
    def advance(self, minutes: int) -> None:
        """Take the next step of the main path by its role, so runs also reach the end."""
        report = self.report
        at = report.events[-1].at + dt.timedelta(minutes=minutes)
        officer, head = ACTORS[2], ACTORS[4]
        state = report.state
        if state is ReportState.SUBMITTED:
            report.receive(at=at, actor=officer)
        elif state is ReportState.RECEIVED and report.requirements_met:
            report.forward(at=at, actor=officer)
        elif state is ReportState.RECEIVED:
            report.request_completion(at=at, actor=officer)
        elif state is ReportState.AWAITING_COMPLETION:
            report.complete_requirements(at=at, actor=SUBMITTER, details=FULL, evidence=[PDF])
            assert report.state is ReportState.RECEIVED
        elif state is ReportState.FORWARDED:
            report.give_direction(at=at, actor=head, direction="Klarifikasi ke unit terkait.")
        elif state is ReportState.DIRECTED:
            report.deliver_follow_up(at=at, actor=officer, follow_up="Sudah diklarifikasi.")
        elif state is ReportState.COMPLETED and report.rating is None and not report.is_erased:
            report.rate(at=at, actor=SUBMITTER, rating=minutes % 5 + 1, message_id="wamid.r")
            assert report.state is ReportState.COMPLETED
            assert report.available_actions() == (
                "erase_personal_data",
                *_UNSEAL * report.identity_sealed,
            )
        elif report.erasure is None:
            report.erase_personal_data(
                at=at, actor=officer, basis="subject_request", reference="Surat 01/2026"
            )
            self._erased()
        else:
            # A final report: only the unsealing of a sealed identity remains.
            assert report.is_final
            assert report.available_actions() == _UNSEAL * report.identity_sealed

    def _erased(self) -> None:
        # After the erasure: nothing personal is left, the history verifies and says what went,
        # and what was collected before reads as storage will hold it.
        report = self.report
        assert report.details.is_empty
        assert report.message == ""
        assert report.evidence == ()
        assert report.reporter is None
        assert report.submitter_id == ""
        assert report.erasure is not None
        check = verify(report.events, version=report.version, head=report.head_hash)
        assert check.ok
        assert check.erased == report.erasure.erased_seqs
        assert all("personal_data" not in e.to_dict() for e in report.events)
        self.collected = [e.erased() for e in self.collected]

    @rule()
    def collect(self) -> None:
        """Collected events continue the ones collected before, without gaps."""
        batch = self.report.collect_new_events()
        self.collected.extend(batch)
        assert [e.seq for e in self.collected] == list(range(1, len(self.collected) + 1))
        assert tuple(self.collected) == self.report.events
        assert self.report.collect_new_events() == ()

    @rule(data=st.data())
    def tamper(self, data: st.DataObject) -> None:
        """Any single edit, removal, reordering or insertion is found, and blocks a rebuild."""
        report = self.report
        events = list(report.events)
        n = len(events)
        how = data.draw(st.sampled_from(["edit", "rehash", "remove", "swap", "insert"]))
        if how == "swap" and n < 2:
            how = "remove"
        i = data.draw(st.integers(0, n - 1))
        if how in ("edit", "rehash"):
            forged = attrs.evolve(events[i], actor_id="penyusup")
            events[i] = (
                attrs.evolve(forged, hash=forged.compute_hash()) if how == "rehash" else forged
            )
        elif how == "remove":
            del events[i]
        elif how == "swap":
            j = data.draw(st.integers(0, n - 1).filter(lambda k: k != i))
            events[i], events[j] = events[j], events[i]
        else:
            events.insert(data.draw(st.integers(0, n)), events[i])
        result = verify(events, version=n, head=report.head_hash)
        assert not result.ok
        try:
            Report.from_events(events, version=n, head=report.head_hash)
        except HistoryTamperedError:
            return
        raise AssertionError(f"a history tampered with by {how} was rebuilt")

    @invariant()
    def state_is_in_the_table(self) -> None:
        """The report is never in a state outside the table."""
        assert self.report.state in STATES
        assert self.report.state in set(ReportState)
        hypothesis.event(f"state {self.report.state.value}")

    @invariant()
    def history_verifies_and_rebuilds(self) -> None:
        """The history verifies, and the state rebuilt from the events equals the live state."""
        report = self.report
        assert verify(report.events, version=report.version, head=report.head_hash).ok
        stored = [Event.from_dict(e.to_dict()) for e in report.events]
        assert Report.from_events(stored, version=report.version, head=report.head_hash) == report

    @invariant()
    def events_chain_the_states(self) -> None:
        """Each event starts where the one before it ended."""
        events = self.report.events
        assert events[0].from_state is None
        for before, after in itertools.pairwise(events):
            assert after.from_state == before.to_state

    @invariant()
    def finished_report_went_through_the_five_steps(self) -> None:
        """A completed report went through steps 1-5 in order, each by its role."""
        report = self.report
        steps = [
            REPORT_WORKFLOW.transition(e.action, e.from_state, e.actor_role).step
            for e in report.events
        ]
        numbered = [s for s in steps if s is not None]
        assert numbered == list(range(1, len(numbered) + 1))
        if report.state is ReportState.COMPLETED:
            assert numbered == [1, 2, 3, 4, 5]
            assert report.requirements_met
            # Their texts stay until the personal data is erased.
            assert report.is_erased or (report.direction and report.follow_up)
            direction = report.direction_event
            assert direction is not None
            (follow_up,) = [e for e in report.events if e.action == Action.DELIVER_FOLLOW_UP]
            assert follow_up.payload["direction_hash"] == direction.hash
            # Nothing but the reporter's rating and the erasure, once each, follows the
            # follow-up (and the section head's unsealing of a confidential report's identity,
            # once); the SLA clock stopped at the follow-up whatever came after.
            after = [e.action for e in report.events[follow_up.seq :]]
            assert after.count(Action.UNSEAL_IDENTITY) <= int(report.confidential)
            rest = [a for a in after if a != Action.UNSEAL_IDENTITY]
            assert set(rest) <= {Action.RATE, Action.ERASE_PERSONAL_DATA}
            assert len(rest) == len(set(rest))
            assert report.clock_stopped_at == follow_up.at
            assert (report.rating is None) == (Action.RATE not in after)

    @invariant()
    def forwarded_reports_met_the_requirements(self) -> None:
        """A report past step 3 had its requirements met."""
        if self.report.state in {ReportState.FORWARDED, ReportState.DIRECTED}:
            assert self.report.requirements_met

    @invariant()
    def reads_are_in_utc(self) -> None:
        """Every event's instant is kept in UTC and never goes back in time."""
        ats = [e.at for e in self.report.events]
        assert all(isinstance(a, pendulum.DateTime) and a.timezone_name == "UTC" for a in ats)
        assert ats == sorted(ats)


TestReportMachine = ReportMachine.TestCase
