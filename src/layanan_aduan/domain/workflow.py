"""
The five-step procedure (Sistem, Mekanisme dan Prosedur) as a declarative workflow table.

The procedure of the service standard, as data:

1. ``submit``: the applicant (pemohon) sends the report or request to the officer;
2. ``receive``: the officer (petugas pelaksana) receives it;
3. ``forward``: the officer passes it to the Head of the Intelligence Section
   (Kepala Seksi Intelijen);
4. ``give_direction``: the section head gives the direction for the follow-up
   (arahan tindak lanjut);
5. ``deliver_follow_up``: the officer delivers the follow-up (tindak lanjut) to the applicant.

Side paths a real desk needs: the reporter adds to a report no officer has received yet
(``add_to_submission``: the screenshot that follows the text), the officer asks the reporter
to complete the requirements (``request_completion``), the reporter sends more data
(``supplement_requirements`` while something is still missing, ``complete_requirements`` once
nothing is), and the officer closes what is not a report (``close``: spam, duplicate, ...).

After the procedure an **annotation** may be recorded on a final state: a row that records
without moving (a self-loop). The reporter rates the service once after the follow-up
(``rate``: Survei Kepuasan Masyarakat); a row marked ``once`` is recorded at most once per
report (the report enforces it from its history).

A :class:`Workflow` is validated when it is built (exactly one start, no unknown or
unreachable state, no transition out of a final state but an annotation, no dead end, no
action twice from one state) and refuses a bad table with
:class:`~layanan_aduan.exceptions.WorkflowDefinitionError`.
:meth:`Workflow.transition` answers which transition an action takes, or raises
:class:`~layanan_aduan.exceptions.TransitionNotAllowedError`.

>>> REPORT_WORKFLOW.transition("receive", ReportState.SUBMITTED, Role.OFFICER).target
'received'
>>> from layanan_aduan.exceptions import TransitionNotAllowedError
>>> try:
...     REPORT_WORKFLOW.transition("give_direction", ReportState.RECEIVED, Role.SECTION_HEAD)
... except TransitionNotAllowedError as e:
...     print(e.code, e.action, e.state, e.role)
...     print(e)
transition_not_allowed give_direction received section_head
Tindakan 'give_direction' (memberi arahan tindak lanjut) tidak dapat dilakukan pada status
'received' (diterima petugas pelaksana).
"""

from __future__ import annotations

import enum
from collections import Counter, deque
from collections.abc import Iterable
from typing import Final

import attrs

from layanan_aduan.exceptions import TransitionNotAllowedError, WorkflowDefinitionError

__all__ = [
    "REPORT_WORKFLOW",
    "SECTION_HEAD_TITLE",
    "SECTION_HEAD_TITLE_EN",
    "Action",
    "ReportState",
    "Role",
    "StateSpec",
    "Transition",
    "Workflow",
    "to_mermaid",
]


#: The section head's title in the published standard; another office's standard may name
#: another section (``ServiceStandard.section_head_title``).
SECTION_HEAD_TITLE: Final = "Kepala Seksi Intelijen"
#: The same title in English.
SECTION_HEAD_TITLE_EN: Final = "Head of the Intelligence Section"


class Role(enum.StrEnum):
    """
    Who may act on a report.
    """

    REPORTER = "reporter"
    """The applicant (pemohon, pelapor) who sends the report over WhatsApp."""
    OFFICER = "officer"
    """The officer on duty (petugas pelaksana)."""
    SECTION_HEAD = "section_head"
    """The Head of the Intelligence Section (Kepala Seksi Intelijen), the person in charge."""

    @property
    def label(self) -> str:
        """
        The Indonesian name of the role, as the published standard says it (an office's
        own title for the section head: ``ServiceStandard.role_label``).
        """
        return _ROLE_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """
        The English name of the role.
        """
        return _ROLE_LABELS[self][1]


_ROLE_LABELS = {
    Role.REPORTER: ("pemohon", "applicant"),
    Role.OFFICER: ("petugas pelaksana", "officer"),
    Role.SECTION_HEAD: (SECTION_HEAD_TITLE, SECTION_HEAD_TITLE_EN),
}


class ReportState(enum.StrEnum):
    """
    The states of a report in :data:`REPORT_WORKFLOW`.
    """

    SUBMITTED = "submitted"
    RECEIVED = "received"
    AWAITING_COMPLETION = "awaiting_completion"
    FORWARDED = "forwarded"
    DIRECTED = "directed"
    COMPLETED = "completed"
    CLOSED = "closed"


class Action(enum.StrEnum):
    """
    The actions of :data:`REPORT_WORKFLOW`, one per transition name.
    """

    SUBMIT = "submit"
    RECEIVE = "receive"
    FORWARD = "forward"
    GIVE_DIRECTION = "give_direction"
    DELIVER_FOLLOW_UP = "deliver_follow_up"
    REQUEST_COMPLETION = "request_completion"
    SUPPLEMENT_REQUIREMENTS = "supplement_requirements"
    COMPLETE_REQUIREMENTS = "complete_requirements"
    ADD_TO_SUBMISSION = "add_to_submission"
    CLOSE = "close"
    CORRECT_KIND = "correct_kind"
    RATE = "rate"
    ERASE_PERSONAL_DATA = "erase_personal_data"
    REQUEST_CONFIDENTIALITY = "request_confidentiality"
    UNSEAL_IDENTITY = "unseal_identity"


def _to_frozenset(value: Iterable[str]) -> frozenset[str]:
    return frozenset(str(v) for v in value)


def _to_str(value: str) -> str:
    # Plain strings in the table, even when given as a StrEnum member: the table is data.
    return str(value)


@attrs.frozen
class StateSpec:
    """
    One state of a workflow table.

    Attributes:
        name: Stable English name, used in code, JSON and databases (e.g. ``"received"``).
        label: Indonesian name shown to people.
        label_en: English name.
        final: True when nothing may happen after it.
    """

    name: str = attrs.field(converter=_to_str)
    label: str
    label_en: str
    final: bool = False


@attrs.frozen
class Transition:
    """
    One row of a workflow table: ``action`` takes a report from any of ``sources`` to ``target``,
    performed by ``role``.

    Attributes:
        action: Stable English name of the action, e.g. ``"forward"``.
        sources: The states it may start from; empty for the one transition that creates a
            report (the start).
        target: The state it leads to.
        role: The only role allowed to perform it.
        label: Indonesian description of the action.
        label_en: English description.
        step: The step number of the service standard's procedure (1-5), or ``None`` on a
            side path.
        annotation: True for a row that records something about a report without moving it
            (a self-loop), which alone may start from a final state (e.g. the reporter's
            rating after the follow-up).
        once: True when the action may be recorded at most once per report.
    """

    action: str = attrs.field(converter=_to_str)
    sources: frozenset[str] = attrs.field(converter=_to_frozenset)
    target: str = attrs.field(converter=_to_str)
    role: Role
    label: str
    label_en: str
    step: int | None = None
    annotation: bool = attrs.field(default=False, kw_only=True)
    once: bool = attrs.field(default=False, kw_only=True)

    @property
    def is_start(self) -> bool:
        """
        True for the transition that creates a report.
        """
        return not self.sources


def _states_tuple(value: Iterable[StateSpec]) -> tuple[StateSpec, ...]:
    return tuple(value)


def _transitions_tuple(value: Iterable[Transition]) -> tuple[Transition, ...]:
    return tuple(value)


def _definition_error(code: str, message: str, message_en: str, **details: object) -> Exception:
    field = "transitions" if "action" in details else "states"
    return WorkflowDefinitionError(message, message_en, code=code, field=field, details=details)


@attrs.frozen
class Workflow:
    """
    A validated workflow table: states and the transitions between them.

    Built once and never changed. The constructor refuses a bad table with
    :class:`~layanan_aduan.exceptions.WorkflowDefinitionError`, whose ``code`` names the rule:

    - ``duplicate_state``: two states with one name;
    - ``no_start`` / ``several_starts``: not exactly one transition that creates a report;
    - ``unknown_state``: a transition from or to a state not in the table;
    - ``transition_from_final``: a transition out of a final state (an annotation, a
      self-loop that records without moving, is the one row allowed there);
    - ``annotation_moves``: an annotation whose target is not its source;
    - ``duplicate_action``: one action twice from the same state;
    - ``unreachable_state``: a state no path from the start reaches;
    - ``dead_end``: a state that is not final and has no way out.

    >>> Workflow(
    ...     states=(
    ...         StateSpec("open", "dibuka", "open"),
    ...         StateSpec("done", "selesai", "done", final=True),
    ...     ),
    ...     transitions=(
    ...         Transition("open", (), "open", Role.REPORTER, "buka", "open"),
    ...         Transition("finish", ("open",), "done", Role.OFFICER, "selesaikan", "finish"),
    ...     ),
    ... ).initial_state
    'open'
    """

    states: tuple[StateSpec, ...] = attrs.field(converter=_states_tuple)
    transitions: tuple[Transition, ...] = attrs.field(converter=_transitions_tuple)

    def __attrs_post_init__(self) -> None:
        _validate(self.states, self.transitions)

    @property
    def start(self) -> Transition:
        """
        The one transition that creates a report.
        """
        return next(t for t in self.transitions if t.is_start)

    @property
    def initial_state(self) -> str:
        """
        The state a new report is in.
        """
        return self.start.target

    @property
    def final_states(self) -> frozenset[str]:
        """
        The states nothing may happen after.
        """
        return frozenset(s.name for s in self.states if s.final)

    def state(self, name: str) -> StateSpec:
        """
        The state called ``name``.

        Raises:
            KeyError: When the table has no such state.
        """
        for spec in self.states:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def available(self, state: str, role: Role | None = None) -> tuple[Transition, ...]:
        """
        The transitions that may start from ``state`` (only ``role``'s, when given).

        >>> [t.action for t in REPORT_WORKFLOW.available("received", Role.OFFICER)]
        ['forward', 'request_completion', 'close', 'correct_kind']
        """
        return tuple(
            t for t in self.transitions if state in t.sources and (role is None or t.role is role)
        )

    def transition(self, action: str, state: str | None, role: Role) -> Transition:
        """
        The transition ``action`` takes from ``state`` when ``role`` performs it.

        ``state`` is ``None`` for the action that creates a report.

        Raises:
            TransitionNotAllowedError: ``unknown_action`` when the table has no such action;
                ``transition_not_allowed`` when the action may not start from ``state`` (a
                skipped or out-of-order step, or anything after a final state);
                ``role_not_allowed`` when it may, but not by ``role``.
        """
        candidates = [t for t in self.transitions if t.action == action]
        try:
            role = Role(role)
        except ValueError:
            raise TransitionNotAllowedError(
                f"Peran '{role}' tidak dikenal dalam prosedur.",
                f"Role '{role}' is not part of the procedure.",
                action=str(action),
                state=state,
                role=str(role),
                code="role_not_allowed",
            ) from None
        if not candidates:
            raise TransitionNotAllowedError(
                f"Tindakan '{action}' tidak dikenal dalam prosedur.",
                f"Action '{action}' is not part of the procedure.",
                action=str(action),
                state=state,
                role=str(role),
                code="unknown_action",
            )
        for t in candidates:
            if (state is None and t.is_start) or (state is not None and state in t.sources):
                if t.role is not role:
                    raise TransitionNotAllowedError(
                        f"Tindakan '{action}' ({t.label}) hanya boleh dilakukan oleh "
                        f"{t.role.label}, bukan {role.label}.",
                        f"Action '{action}' ({t.label_en}) may only be performed by the "
                        f"{t.role.label_en}, not by the {role.label_en}.",
                        action=str(action),
                        state=state,
                        role=str(role),
                        code="role_not_allowed",
                        details={"allowed_role": str(t.role)},
                    )
                return t
        first = candidates[0]
        if state is None:
            where, where_en = "sebelum laporan dibuat", "before the report exists"
        else:
            spec = self._spec_or_none(state)
            label = spec.label if spec else state
            label_en = spec.label_en if spec else state
            where, where_en = f"pada status '{state}' ({label})", f"in state '{state}' ({label_en})"
        allowed = sorted(s for t in candidates for s in t.sources)
        raise TransitionNotAllowedError(
            f"Tindakan '{action}' ({first.label}) tidak dapat dilakukan {where}.",
            f"Action '{action}' ({first.label_en}) cannot be performed {where_en}.",
            action=str(action),
            state=state,
            role=str(role),
            details={"allowed_from": allowed},
        )

    def with_section_head(self, title: str, title_en: str) -> Workflow:
        """
        The same table, with the labels that name the section head naming ``title``
        (Indonesian) and ``title_en`` (English) instead of :data:`SECTION_HEAD_TITLE`.

        An office whose standard names another section head uses this table, so that its
        error messages and diagrams name its own (``ServiceStandard.workflow``).

        >>> table = REPORT_WORKFLOW.with_section_head(
        ...     "Kepala Seksi Pidana Umum", "Head of the General Crimes Section"
        ... )
        >>> table.state("forwarded").label, table.state("forwarded").label_en
        ('diteruskan ke Kepala Seksi Pidana Umum', 'forwarded to the Head of the General Crimes Section')
        """  # noqa: E501 - a doctest's expected output is one line

        def retitle(text: str, default: str, title: str) -> str:
            return text.replace(default, title)

        return Workflow(
            states=tuple(
                attrs.evolve(
                    s,
                    label=retitle(s.label, SECTION_HEAD_TITLE, title),
                    label_en=retitle(s.label_en, SECTION_HEAD_TITLE_EN, title_en),
                )
                for s in self.states
            ),
            transitions=tuple(
                attrs.evolve(
                    t,
                    label=retitle(t.label, SECTION_HEAD_TITLE, title),
                    label_en=retitle(t.label_en, SECTION_HEAD_TITLE_EN, title_en),
                )
                for t in self.transitions
            ),
        )

    def _spec_or_none(self, name: str) -> StateSpec | None:
        try:
            return self.state(name)
        except KeyError:
            return None


def _validate(states: tuple[StateSpec, ...], transitions: tuple[Transition, ...]) -> None:
    _check_states(states)
    _check_start(transitions)
    _check_references(states, transitions)
    _check_finals(states, transitions)
    _check_duplicate_actions(transitions)
    _check_paths(states, transitions)


def _check_states(states: tuple[StateSpec, ...]) -> None:
    counts = Counter(s.name for s in states)
    duplicated = sorted(name for name, n in counts.items() if n > 1)
    if duplicated:
        raise _definition_error(
            "duplicate_state",
            f"Status {duplicated} didefinisikan lebih dari sekali.",
            f"States {duplicated} are defined more than once.",
            states=duplicated,
        )


def _check_start(transitions: tuple[Transition, ...]) -> None:
    starts = sorted(t.action for t in transitions if t.is_start)
    if not starts:
        raise _definition_error(
            "no_start",
            "Tabel alur kerja tidak punya tindakan awal (transisi tanpa status asal).",
            "The workflow table has no start (a transition with no source state).",
        )
    if len(starts) > 1:
        raise _definition_error(
            "several_starts",
            f"Tabel alur kerja punya lebih dari satu tindakan awal: {starts}.",
            f"The workflow table has more than one start: {starts}.",
            action=starts,
        )


def _check_references(states: tuple[StateSpec, ...], transitions: tuple[Transition, ...]) -> None:
    names = {s.name for s in states}
    for t in transitions:
        unknown = sorted((t.sources | {t.target}) - names)
        if unknown:
            raise _definition_error(
                "unknown_state",
                f"Tindakan '{t.action}' merujuk status yang tidak ada: {unknown}.",
                f"Action '{t.action}' refers to states not in the table: {unknown}.",
                action=t.action,
                states=unknown,
            )


def _check_finals(states: tuple[StateSpec, ...], transitions: tuple[Transition, ...]) -> None:
    finals = {s.name for s in states if s.final}
    for t in transitions:
        if t.annotation:
            if t.is_start or t.sources != {t.target}:
                raise _definition_error(
                    "annotation_moves",
                    f"Anotasi '{t.action}' harus tetap pada status asalnya (satu status, "
                    "kembali ke dirinya).",
                    f"Annotation '{t.action}' must stay in its state (one source, leading back "
                    "to it).",
                    action=t.action,
                    states=sorted(t.sources | {t.target}),
                )
            continue
        out_of_final = sorted(t.sources & finals)
        if out_of_final:
            raise _definition_error(
                "transition_from_final",
                f"Tindakan '{t.action}' keluar dari status akhir {out_of_final}.",
                f"Action '{t.action}' leaves the final states {out_of_final}.",
                action=t.action,
                states=out_of_final,
            )


def _check_duplicate_actions(transitions: tuple[Transition, ...]) -> None:
    seen: set[tuple[str, str]] = set()
    for t in transitions:
        for source in sorted(t.sources):
            if (source, t.action) in seen:
                raise _definition_error(
                    "duplicate_action",
                    f"Tindakan '{t.action}' muncul lebih dari sekali dari status '{source}'.",
                    f"Action '{t.action}' appears more than once from state '{source}'.",
                    action=t.action,
                    states=[source],
                )
            seen.add((source, t.action))


def _check_paths(states: tuple[StateSpec, ...], transitions: tuple[Transition, ...]) -> None:
    start = next(t.target for t in transitions if t.is_start)
    reached = {start}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        for t in transitions:
            if here in t.sources and t.target not in reached:
                reached.add(t.target)
                queue.append(t.target)
    unreachable = [s.name for s in states if s.name not in reached]
    if unreachable:
        raise _definition_error(
            "unreachable_state",
            f"Status {unreachable} tidak dapat dicapai dari awal.",
            f"States {unreachable} cannot be reached from the start.",
            states=unreachable,
        )
    # A self-loop is no way out: a state whose only transitions lead back to it is a dead end.
    exits = {source for t in transitions for source in t.sources if t.target != source}
    dead = [s.name for s in states if not s.final and s.name not in exits]
    if dead:
        raise _definition_error(
            "dead_end",
            f"Status {dead} bukan status akhir tetapi tidak punya jalan keluar.",
            f"States {dead} are not final but have no way out.",
            states=dead,
        )


def to_mermaid(workflow: Workflow) -> str:
    """
    The workflow as a Mermaid ``stateDiagram-v2``, generated from the table.

    Each state is shown with its Indonesian label; each transition with its action, the
    step number of the procedure where it has one, and the role allowed to perform it.

    >>> print(to_mermaid(REPORT_WORKFLOW).splitlines()[0])
    stateDiagram-v2
    """
    lines = ["stateDiagram-v2"]
    for s in workflow.states:
        lines.append(f'    state "{s.label}" as {s.name}')
    for t in workflow.transitions:
        step = f"{t.step}. " if t.step is not None else ""
        label = f"{step}{t.action} ({t.role.value})"
        sources = (
            ["[*]"] if t.is_start else [s.name for s in workflow.states if s.name in t.sources]
        )
        for source in sources:
            lines.append(f"    {source} --> {t.target}: {label}")
    for s in workflow.states:
        if s.final:
            lines.append(f"    {s.name} --> [*]")
    return "\n".join(lines) + "\n"


_S = ReportState
_OPEN_FOR_CLOSING = (_S.SUBMITTED, _S.RECEIVED, _S.AWAITING_COMPLETION)
_NOT_FINAL = (_S.SUBMITTED, _S.RECEIVED, _S.AWAITING_COMPLETION, _S.FORWARDED, _S.DIRECTED)

# Confidential reports (domain/confidential.py): the reporter asks for confidentiality once in
# any state that is not final; the section head (or the acting one) unseals the identity once,
# with a reason, in any state (an auditor may need it after the follow-up). Annotations: the
# state and the SLA clock do not change.
_CONFIDENTIALITY_ROWS = (
    *(
        Transition(
            Action.REQUEST_CONFIDENTIALITY,
            (state,),
            state,
            Role.REPORTER,
            "meminta identitas pelapor dirahasiakan",
            "ask that the reporter's identity be kept confidential",
            annotation=True,
            once=True,
        )
        for state in _NOT_FINAL
    ),
    *(
        Transition(
            Action.UNSEAL_IDENTITY,
            (state,),
            state,
            Role.SECTION_HEAD,
            "membuka identitas pelapor laporan rahasia, dengan alasan",
            "unseal a confidential report's reporter identity, with a reason",
            annotation=True,
            once=True,
        )
        for state in (*_NOT_FINAL, _S.COMPLETED, _S.CLOSED)
    ),
)

REPORT_WORKFLOW = Workflow(
    states=(
        StateSpec(_S.SUBMITTED, "diajukan pemohon", "submitted by the applicant"),
        StateSpec(_S.RECEIVED, "diterima petugas pelaksana", "received by the officer"),
        StateSpec(
            _S.AWAITING_COMPLETION,
            "menunggu kelengkapan persyaratan",
            "awaiting completion of the requirements",
        ),
        StateSpec(
            _S.FORWARDED,
            f"diteruskan ke {SECTION_HEAD_TITLE}",
            f"forwarded to the {SECTION_HEAD_TITLE_EN}",
        ),
        StateSpec(_S.DIRECTED, "arahan tindak lanjut diberikan", "direction given"),
        StateSpec(
            _S.COMPLETED,
            "tindak lanjut disampaikan",
            "follow-up delivered",
            final=True,
        ),
        StateSpec(_S.CLOSED, "ditutup, bukan laporan", "closed, not a report", final=True),
    ),
    transitions=(
        Transition(
            Action.SUBMIT,
            (),
            _S.SUBMITTED,
            Role.REPORTER,
            "menyampaikan permohonan informasi atau aduan",
            "send the request for information or complaint",
            step=1,
        ),
        Transition(
            Action.RECEIVE,
            (_S.SUBMITTED,),
            _S.RECEIVED,
            Role.OFFICER,
            "menerima permohonan informasi atau aduan",
            "receive the request or complaint",
            step=2,
        ),
        Transition(
            Action.FORWARD,
            (_S.RECEIVED,),
            _S.FORWARDED,
            Role.OFFICER,
            f"menyampaikan kepada {SECTION_HEAD_TITLE}",
            f"pass it to the {SECTION_HEAD_TITLE_EN}",
            step=3,
        ),
        Transition(
            Action.GIVE_DIRECTION,
            (_S.FORWARDED,),
            _S.DIRECTED,
            Role.SECTION_HEAD,
            "memberi arahan tindak lanjut",
            "give the direction for the follow-up",
            step=4,
        ),
        Transition(
            Action.DELIVER_FOLLOW_UP,
            (_S.DIRECTED,),
            _S.COMPLETED,
            Role.OFFICER,
            "menyampaikan tindak lanjut kepada pemohon",
            "deliver the follow-up to the applicant",
            step=5,
        ),
        Transition(
            Action.REQUEST_COMPLETION,
            (_S.RECEIVED,),
            _S.AWAITING_COMPLETION,
            Role.OFFICER,
            "meminta pemohon melengkapi persyaratan",
            "ask the applicant to complete the requirements",
        ),
        Transition(
            Action.SUPPLEMENT_REQUIREMENTS,
            (_S.AWAITING_COMPLETION,),
            _S.AWAITING_COMPLETION,
            Role.REPORTER,
            "menambah data, persyaratan belum lengkap",
            "add data, requirements still incomplete",
        ),
        Transition(
            Action.COMPLETE_REQUIREMENTS,
            (_S.AWAITING_COMPLETION,),
            _S.RECEIVED,
            Role.REPORTER,
            "melengkapi persyaratan",
            "complete the requirements",
        ),
        Transition(
            Action.ADD_TO_SUBMISSION,
            (_S.SUBMITTED,),
            _S.SUBMITTED,
            Role.REPORTER,
            "menambah pesan, data atau bukti sebelum laporan diterima",
            "add a message, data or evidence before the report is received",
        ),
        Transition(
            Action.CLOSE,
            _OPEN_FOR_CLOSING,
            _S.CLOSED,
            Role.OFFICER,
            "menutup karena bukan laporan",
            "close as not a report",
        ),
        # The officer corrects the kind (laporan, aduan, permohonan informasi) while the
        # report is open; the state does not change. One transition per open state.
        *(
            Transition(
                Action.CORRECT_KIND,
                (state,),
                state,
                Role.OFFICER,
                "memperbaiki jenis (laporan, aduan, permohonan informasi)",
                "correct the kind (report, complaint, request for information)",
            )
            for state in (
                _S.SUBMITTED,
                _S.RECEIVED,
                _S.AWAITING_COMPLETION,
                _S.FORWARDED,
                _S.DIRECTED,
            )
        ),
        # After the follow-up the reporter rates the service once (Survei Kepuasan
        # Masyarakat, PermenPANRB 14/2017): recorded on the report, which stays completed.
        Transition(
            Action.RATE,
            (_S.COMPLETED,),
            _S.COMPLETED,
            Role.REPORTER,
            "memberi penilaian kepuasan atas layanan",
            "rate satisfaction with the service",
            annotation=True,
            once=True,
        ),
        # After a report ends, its personal data is erased once: when the retention period
        # ends or on the data subject's request (UU 27/2022). The history keeps every hash.
        *(
            Transition(
                Action.ERASE_PERSONAL_DATA,
                (state,),
                state,
                Role.OFFICER,
                "menghapus data pribadi pemohon",
                "erase the applicant's personal data",
                annotation=True,
                once=True,
            )
            for state in (_S.COMPLETED, _S.CLOSED)
        ),
        *_CONFIDENTIALITY_ROWS,
    ),
)
"""The procedure of the service standard, with its side paths (see the module docstring)."""
