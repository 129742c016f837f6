"""
The five-step procedure as a declarative workflow table.
"""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.domain.workflow import (
    REPORT_WORKFLOW,
    Action,
    ReportState,
    Role,
    StateSpec,
    Transition,
    Workflow,
    to_mermaid,
)
from layanan_aduan.exceptions import (
    TransitionNotAllowedError,
    WorkflowDefinitionError,
    WorkflowError,
)

DOCS = Path(__file__).resolve().parent.parent / "docs" / "workflow.md"


def _s(name: str, *, final: bool = False) -> StateSpec:
    return StateSpec(name, name, name, final=final)


def _t(action: str, sources: tuple[str, ...], target: str, role: Role = Role.OFFICER) -> Transition:
    return Transition(action, sources, target, role, action, action)


GOOD_STATES = (_s("a"), _s("b"), _s("done", final=True))
GOOD_TRANSITIONS = (
    _t("start", (), "a", Role.REPORTER),
    _t("go", ("a",), "b"),
    _t("finish", ("b",), "done"),
)


def test_small_table_is_accepted() -> None:
    """A table with one start, every state reachable and no dead end is built."""
    wf = Workflow(GOOD_STATES, GOOD_TRANSITIONS)
    assert wf.initial_state == "a"
    assert wf.final_states == frozenset({"done"})
    assert wf.start.action == "start"


@pytest.mark.parametrize(
    ("code", "states", "transitions", "details"),
    [
        (
            "duplicate_state",
            (*GOOD_STATES, _s("a")),
            GOOD_TRANSITIONS,
            {"states": ["a"]},
        ),
        ("no_start", GOOD_STATES, GOOD_TRANSITIONS[1:], {}),
        (
            "several_starts",
            GOOD_STATES,
            (*GOOD_TRANSITIONS, _t("again", (), "b", Role.REPORTER)),
            {"action": ["again", "start"]},
        ),
        (
            "unknown_state",
            GOOD_STATES,
            (*GOOD_TRANSITIONS, _t("jump", ("a",), "nowhere")),
            {"action": "jump", "states": ["nowhere"]},
        ),
        (
            "transition_from_final",
            GOOD_STATES,
            (*GOOD_TRANSITIONS, _t("reopen", ("done",), "a")),
            {"action": "reopen", "states": ["done"]},
        ),
        (
            "duplicate_action",
            GOOD_STATES,
            (*GOOD_TRANSITIONS, _t("go", ("a",), "done")),
            {"action": "go", "states": ["a"]},
        ),
        (
            "unreachable_state",
            (*GOOD_STATES, _s("island", final=True)),
            GOOD_TRANSITIONS,
            {"states": ["island"]},
        ),
        (
            "dead_end",
            (*GOOD_STATES, _s("stuck")),
            (*GOOD_TRANSITIONS, _t("wander", ("a",), "stuck"), _t("spin", ("stuck",), "stuck")),
            {"states": ["stuck"]},
        ),
    ],
)
def test_bad_table_is_refused_with_its_rule(
    code: str,
    states: tuple[StateSpec, ...],
    transitions: tuple[Transition, ...],
    details: dict[str, object],
) -> None:
    """Each broken rule refuses the table with a WorkflowDefinitionError naming the rule."""
    with pytest.raises(WorkflowDefinitionError) as info:
        Workflow(states, transitions)
    err = info.value
    assert err.code == code
    assert isinstance(err, WorkflowError)
    assert err.details == details
    assert err.field in {"states", "transitions"}
    assert err.message
    assert err.message_en
    assert err.message != err.message_en


def test_report_workflow_holds_the_five_steps_in_order() -> None:
    """Steps 1-5 of the standard follow one another along the main path, each by its role."""
    steps = sorted((t for t in REPORT_WORKFLOW.transitions if t.step), key=lambda t: t.step or 0)
    assert [t.action for t in steps] == [
        "submit",
        "receive",
        "forward",
        "give_direction",
        "deliver_follow_up",
    ]
    assert [t.role for t in steps] == [
        Role.REPORTER,
        Role.OFFICER,
        Role.OFFICER,
        Role.SECTION_HEAD,
        Role.OFFICER,
    ]
    state = None
    for t in steps:
        assert REPORT_WORKFLOW.transition(t.action, state, t.role) == t
        state = t.target
    assert state == ReportState.COMPLETED


def test_report_workflow_names_match_the_enums() -> None:
    """Every state and action of the table is a member of ReportState and Action, and back."""
    assert {s.name for s in REPORT_WORKFLOW.states} == {s.value for s in ReportState}
    assert {t.action for t in REPORT_WORKFLOW.transitions} == {a.value for a in Action}
    assert REPORT_WORKFLOW.final_states == {"completed", "closed"}


def test_wrong_role_is_refused_with_action_state_and_role() -> None:
    """The right step by the wrong role raises role_not_allowed with its fields."""
    with pytest.raises(TransitionNotAllowedError) as info:
        REPORT_WORKFLOW.transition("give_direction", ReportState.FORWARDED, Role.OFFICER)
    err = info.value
    assert (err.code, err.action, err.state, err.role) == (
        "role_not_allowed",
        "give_direction",
        "forwarded",
        "officer",
    )
    assert err.details["allowed_role"] == "section_head"
    assert "Kepala Seksi Intelijen" in str(err)


def test_skipped_step_is_refused() -> None:
    """Giving a direction before the report is forwarded (skipping step 3) is refused."""
    with pytest.raises(TransitionNotAllowedError) as info:
        REPORT_WORKFLOW.transition("give_direction", ReportState.RECEIVED, Role.SECTION_HEAD)
    err = info.value
    assert (err.code, err.action, err.state, err.role) == (
        "transition_not_allowed",
        "give_direction",
        "received",
        "section_head",
    )
    assert err.details["allowed_from"] == ["forwarded"]
    assert "tidak dapat dilakukan" in err.message


def test_out_of_order_step_is_refused() -> None:
    """Receiving again after forwarding (going back a step) is refused."""
    with pytest.raises(TransitionNotAllowedError) as info:
        REPORT_WORKFLOW.transition("receive", ReportState.FORWARDED, Role.OFFICER)
    assert info.value.code == "transition_not_allowed"


def test_nothing_happens_after_a_final_state() -> None:
    """Every action from a final state is refused, whoever tries, but the annotations the
    table allows there: the reporter's rating of a completed report, which stays completed,
    the section head's unsealing of a confidential report's identity, and the officer's
    erasure of the personal data."""
    allowed = {("completed", Action.RATE, Role.REPORTER)} | {
        (state, action, role)
        for state in ("completed", "closed")
        for action, role in (
            (Action.UNSEAL_IDENTITY, Role.SECTION_HEAD),
            (Action.ERASE_PERSONAL_DATA, Role.OFFICER),
        )
    }
    for state in REPORT_WORKFLOW.final_states:
        for action in Action:
            for role in Role:
                if (state, action, role) in allowed:
                    row = REPORT_WORKFLOW.transition(action, state, role)
                    assert (row.target, row.annotation, row.once) == (state, True, True)
                    continue
                with pytest.raises(TransitionNotAllowedError):
                    REPORT_WORKFLOW.transition(action, state, role)


def test_an_annotation_must_stay_in_its_state() -> None:
    """An annotation row that moves (or starts a report) is refused as annotation_moves; one
    that stays may leave a final state."""
    states = (StateSpec("open", "dibuka", "open"), StateSpec("done", "selesai", "done", final=True))
    start = Transition("open", (), "open", Role.REPORTER, "buka", "open")
    finish = Transition("finish", ("open",), "done", Role.OFFICER, "selesai", "finish")
    note = Transition("note", ("done",), "done", Role.REPORTER, "catat", "note", annotation=True)
    assert Workflow(states, (start, finish, note)).transition("note", "done", Role.REPORTER) == note
    moving = attrs.evolve(note, target="open")
    with pytest.raises(WorkflowDefinitionError) as info:
        Workflow(states, (start, finish, moving))
    assert (info.value.code, info.value.field) == ("annotation_moves", "transitions")
    plain = attrs.evolve(note, annotation=False)
    with pytest.raises(WorkflowDefinitionError) as info:
        Workflow(states, (start, finish, plain))
    assert info.value.code == "transition_from_final"


def test_submit_only_creates() -> None:
    """Submitting is the only action before a report exists, and only by the reporter."""
    assert REPORT_WORKFLOW.transition("submit", None, Role.REPORTER).target == "submitted"
    with pytest.raises(TransitionNotAllowedError) as info:
        REPORT_WORKFLOW.transition("submit", None, Role.OFFICER)
    assert info.value.code == "role_not_allowed"
    assert info.value.state is None
    with pytest.raises(TransitionNotAllowedError) as info:
        REPORT_WORKFLOW.transition("receive", None, Role.OFFICER)
    assert "sebelum laporan dibuat" in info.value.message


def test_unknown_action_and_role_are_refused() -> None:
    """An action or a role that is not in the table is refused, with its own code."""
    with pytest.raises(TransitionNotAllowedError) as info:
        REPORT_WORKFLOW.transition("approve", ReportState.RECEIVED, Role.OFFICER)
    assert info.value.code == "unknown_action"
    with pytest.raises(TransitionNotAllowedError) as info:
        REPORT_WORKFLOW.transition("receive", ReportState.SUBMITTED, "admin")  # type: ignore[arg-type]  # a caller's bad role
    assert (info.value.code, info.value.role) == ("role_not_allowed", "admin")


@given(
    st.sampled_from([None, *ReportState]),
    st.sampled_from([*Action, "approve"]),
    st.sampled_from([*Role, "admin"]),
)
def test_transition_answers_only_from_the_table(
    state: ReportState | None, action: str, role: Role | str
) -> None:
    """Any action from any state by any role either is a row of the table or is refused."""
    rows = [
        t
        for t in REPORT_WORKFLOW.transitions
        if t.action == action
        and t.role == role
        and ((state is None and t.is_start) or (state is not None and state in t.sources))
    ]
    if rows:
        t = REPORT_WORKFLOW.transition(action, state, role)  # type: ignore[arg-type]  # any role
        assert rows == [t]
        assert t.target in {s.name for s in REPORT_WORKFLOW.states}
    else:
        with pytest.raises(TransitionNotAllowedError) as info:
            REPORT_WORKFLOW.transition(action, state, role)  # type: ignore[arg-type]  # any role
        err = info.value
        assert (err.action, err.state, err.role) == (str(action), state, str(role))


def test_available_lists_the_rows_from_a_state() -> None:
    """available() lists what may happen next, by role."""
    assert [t.action for t in REPORT_WORKFLOW.available("awaiting_completion")] == [
        "supplement_requirements",
        "complete_requirements",
        "close",
        "correct_kind",
        "request_confidentiality",
        "unseal_identity",
    ]
    assert [t.action for t in REPORT_WORKFLOW.available("completed")] == [
        "rate",
        "erase_personal_data",
        "unseal_identity",
    ]
    assert [t.action for t in REPORT_WORKFLOW.available("completed", Role.OFFICER)] == [
        "erase_personal_data"
    ]
    assert [t.action for t in REPORT_WORKFLOW.available("forwarded", Role.OFFICER)] == [
        "correct_kind"
    ]


def test_reporter_adds_to_a_submission_until_it_is_received() -> None:
    """add_to_submission keeps a submitted report submitted, by its reporter only, nowhere else."""
    row = REPORT_WORKFLOW.transition(Action.ADD_TO_SUBMISSION, "submitted", Role.REPORTER)
    assert (row.target, row.step) == ("submitted", None)
    assert [t.action for t in REPORT_WORKFLOW.available("submitted", Role.REPORTER)] == [
        "add_to_submission",
        "request_confidentiality",
    ]
    with pytest.raises(TransitionNotAllowedError) as by_officer:
        REPORT_WORKFLOW.transition(Action.ADD_TO_SUBMISSION, "submitted", Role.OFFICER)
    assert by_officer.value.code == "role_not_allowed"
    for state in ReportState:
        if state is not ReportState.SUBMITTED:
            with pytest.raises(TransitionNotAllowedError) as later:
                REPORT_WORKFLOW.transition(Action.ADD_TO_SUBMISSION, state, Role.REPORTER)
            assert later.value.code == "transition_not_allowed"
            assert later.value.details["allowed_from"] == ["submitted"]


def test_state_lookup() -> None:
    """state() finds a state by name and raises KeyError for an unknown one."""
    assert REPORT_WORKFLOW.state("closed").final
    with pytest.raises(KeyError):
        REPORT_WORKFLOW.state("archived")


def test_role_labels_follow_the_standard() -> None:
    """Each role has the Indonesian name the standard uses and an English one."""
    assert [r.label for r in Role] == ["pemohon", "petugas pelaksana", "Kepala Seksi Intelijen"]
    assert Role.SECTION_HEAD.label_en == "Head of the Intelligence Section"


def _invariants_hold(
    states: list[tuple[str, bool]], rows: list[tuple[str, tuple[str, ...], str]]
) -> bool:
    names = [n for n, _ in states]
    finals = {n for n, f in states if f}
    starts = [r for r in rows if not r[1]]
    if len(set(names)) != len(names) or len(starts) != 1:
        return False
    if any((set(src) | {tgt}) - set(names) for _, src, tgt in rows):
        return False
    if any(set(src) & finals for _, src, _ in rows):
        return False
    pairs = [(s, a) for a, src, _ in rows for s in set(src)]
    if len(pairs) != len(set(pairs)):
        return False
    reached, queue = {starts[0][2]}, deque([starts[0][2]])
    while queue:
        here = queue.popleft()
        for _, src, tgt in rows:
            if here in src and tgt not in reached:
                reached.add(tgt)
                queue.append(tgt)
    if set(names) - reached:
        return False
    exits = {s for _, src, tgt in rows for s in src if s != tgt}
    return all(n in exits for n in names if n not in finals)


NAMES = st.sampled_from(["a", "b", "c", "d"])


@given(
    st.lists(st.tuples(NAMES, st.booleans()), min_size=1, max_size=4),
    st.lists(
        st.tuples(
            st.sampled_from(["x", "y", "z"]),
            st.lists(NAMES, max_size=2).map(tuple),
            st.sampled_from(["a", "b", "c", "d", "e"]),
        ),
        max_size=6,
    ),
)
def test_any_table_is_built_exactly_when_it_keeps_every_rule(
    states: list[tuple[str, bool]], rows: list[tuple[str, tuple[str, ...], str]]
) -> None:
    """A random table is accepted if and only if it keeps every rule of a valid workflow."""
    specs = [_s(n, final=f) for n, f in states]
    transitions = [_t(a, src, tgt) for a, src, tgt in rows]
    try:
        Workflow(specs, transitions)
    except WorkflowDefinitionError:
        assert not _invariants_hold(states, rows)
    else:
        assert _invariants_hold(states, rows)


def test_mermaid_is_generated_from_the_table() -> None:
    """The diagram has one line per state, per transition source and per final state."""
    text = to_mermaid(REPORT_WORKFLOW)
    lines = text.splitlines()
    assert lines[0] == "stateDiagram-v2"
    assert '    state "diterima petugas pelaksana" as received' in lines
    assert "    [*] --> submitted: 1. submit (reporter)" in lines
    assert "    forwarded --> directed: 4. give_direction (section_head)" in lines
    assert "    awaiting_completion --> closed: close (officer)" in lines
    assert "    completed --> [*]" in lines
    sources = sum(max(len(t.sources), 1) for t in REPORT_WORKFLOW.transitions)
    assert len(lines) == 1 + len(REPORT_WORKFLOW.states) + sources + 2


def test_docs_show_the_generated_diagram() -> None:
    """docs/workflow.md shows exactly the diagram generated from the table (no drift)."""
    text = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"```mermaid\n(.*?)```", text, flags=re.DOTALL)
    assert blocks == [to_mermaid(REPORT_WORKFLOW)]
