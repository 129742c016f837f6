"""
The requirements of a report (*Persyaratan*), checked all at once.

The service standard names two requirements:

1. *Mencantumkan Data Diri sebagai Pelapor*: the reporter's full name and NIK, and a way
   to reach them on WhatsApp (a telephone number or a WhatsApp user id); address and
   e-mail are optional;
2. *Melampirkan bukti laporan aduan berupa scan surat atau tangkapan layar ponsel*: at
   least one recognised evidence file (PDF, JPEG, PNG or WebP).

:func:`check_requirements` takes the raw fields as they arrive and returns a
:class:`RequirementsCheck` holding **every** problem found, never raising for a problem
of the input: an incomplete report is kept and waits for completion, and
:meth:`RequirementsCheck.reporter_message` tells the reporter exactly what is missing.
:meth:`RequirementsCheck.raise_if_incomplete` is the raising form.

>>> check = check_requirements(name="Budi Santoso", nik="3171010101900001")
>>> check.is_complete, check.codes
(False, ('contact_missing', 'evidence_missing'))
>>> print(check.reporter_message())
Laporan Anda belum lengkap. Mohon lengkapi persyaratan berikut:
1. Data diri pelapor:
   - Nomor WhatsApp atau ID pengguna WhatsApp pelapor belum ada.
2. Bukti laporan aduan (scan surat atau tangkapan layar ponsel):
   - Bukti laporan belum dilampirkan.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

import attrs

from layanan_aduan.domain._problem import Problem
from layanan_aduan.domain.evidence import (
    DEFAULT_LIMITS,
    EvidenceFile,
    EvidenceInspection,
    EvidenceLimits,
    inspect_evidence,
)
from layanan_aduan.domain.identity import (
    Nik,
    PhoneNumber,
    Reporter,
    WhatsAppUserId,
    address_problems,
    email_problems,
    name_problems,
    nik_problems,
    phone_problems,
    whatsapp_user_id_problems,
)
from layanan_aduan.domain.standard import DEFAULT_REQUIREMENT_POLICY, RequirementPolicy
from layanan_aduan.exceptions import InvalidTypeError, RequirementsNotMetError

__all__ = [
    "Problem",
    "Requirement",
    "RequirementsCheck",
    "check_requirements",
]


class Requirement(enum.Enum):
    """
    The two requirements of the service standard, in its order.
    """

    REPORTER_IDENTITY = "reporter_identity"
    EVIDENCE = "evidence"

    @property
    def label(self) -> str:
        """
        The requirement's heading in Indonesian, as told to a reporter.
        """
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        """
        The requirement's heading in English.
        """
        return _LABELS[self][1]

    @classmethod
    def of(cls, problem: Problem) -> Requirement:
        """
        The requirement a problem belongs to (evidence fields start with ``evidence``).

        Raises:
            InvalidTypeError: ``problem`` is not a :class:`Problem` with a text field.
        """
        if not isinstance(problem, Problem) or not isinstance(problem.field, str):
            raise InvalidTypeError(
                "problem harus berupa Problem.",
                "problem must be a Problem.",
                field="problem",
                details={"type": type(problem).__name__},
            )
        return cls.EVIDENCE if problem.field.startswith("evidence") else cls.REPORTER_IDENTITY


_LABELS = {
    Requirement.REPORTER_IDENTITY: ("Data diri pelapor", "The reporter's identity"),
    Requirement.EVIDENCE: (
        "Bukti laporan aduan (scan surat atau tangkapan layar ponsel)",
        "Evidence (a scanned letter or a phone screenshot)",
    ),
}


@attrs.frozen
class RequirementsCheck:
    """
    The outcome of :func:`check_requirements`.

    Attributes:
        problems: Every problem found, in field order (name, NIK, contact, address,
            e-mail, evidence). Non-blocking problems concern optional or redundant input.
        reporter: The reporter when requirement 1 is met (invalid optional fields left
            out), else ``None``.
        evidence: Every acceptable evidence file, in input order.
    """

    problems: tuple[Problem, ...]
    reporter: Reporter | None
    evidence: tuple[EvidenceFile, ...]

    @property
    def is_complete(self) -> bool:
        """
        Whether both requirements are met (no blocking problem).
        """
        return not self.blocking_problems

    @property
    def blocking_problems(self) -> tuple[Problem, ...]:
        """
        The problems that leave a requirement unmet.
        """
        return tuple(p for p in self.problems if p.blocking)

    @property
    def codes(self) -> tuple[str, ...]:
        """
        The codes of every problem, in order.
        """
        return tuple(p.code for p in self.problems)

    @property
    def unmet(self) -> tuple[Requirement, ...]:
        """
        The requirements not met, in the standard's order.
        """
        hit = {Requirement.of(p) for p in self.blocking_problems}
        return tuple(r for r in Requirement if r in hit)

    def reporter_message(self, language: str = "id") -> str:
        """
        A text for the reporter saying exactly what is missing or wrong.

        It holds no personal data: only what is wrong, never the values sent.
        """
        en = language == "en"
        lines: list[str] = []
        blocking = self.blocking_problems
        if blocking:
            lines.append(
                "Your report is incomplete. Please complete the following requirements:"
                if en
                else "Laporan Anda belum lengkap. Mohon lengkapi persyaratan berikut:"
            )
            for number, requirement in enumerate(Requirement, start=1):
                items = [p for p in blocking if Requirement.of(p) is requirement]
                if items:
                    lines.append(f"{number}. {requirement.label_en if en else requirement.label}:")
                    lines.extend(f"   - {_describe(p, en)}" for p in items)
        else:
            lines.append(
                "The requirements of your report are complete."
                if en
                else "Persyaratan laporan Anda sudah lengkap."
            )
        notes = [p for p in self.problems if not p.blocking]
        if notes:
            lines.append(
                "Notes (these do not hold up your report):"
                if en
                else "Catatan (tidak menghambat laporan Anda):"
            )
            lines.extend(f"   - {_describe(p, en)}" for p in notes)
        return "\n".join(lines)

    def raise_if_incomplete(self) -> None:
        """
        Raise :class:`RequirementsNotMetError` carrying every problem, unless complete.
        """
        blocking = self.blocking_problems
        if blocking:
            raise RequirementsNotMetError(
                "Persyaratan laporan belum lengkap: " + " ".join(p.message for p in blocking),
                "The report's requirements are not met: "
                + " ".join(p.message_en for p in blocking),
                problems=self.problems,
                field=blocking[0].field,
            )


def _describe(problem: Problem, en: bool) -> str:
    text = problem.message_en if en else problem.message
    if problem.field.startswith("evidence["):
        index = int(problem.field[len("evidence[") : -1]) + 1
        return f"File {index}: {text}" if en else f"Berkas ke-{index}: {text}"
    return text


def _given(value: object) -> bool:
    # A value that is not text counts as given, so that its problem is reported.
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def _soften(problems: Sequence[Problem]) -> list[Problem]:
    return [attrs.evolve(p, blocking=False) for p in problems]


def check_requirements(
    *,
    name: str | None = None,
    nik: str | None = None,
    phone: str | None = None,
    whatsapp_user_id: str | None = None,
    address: str | None = None,
    email: str | None = None,
    evidence: Sequence[bytes | EvidenceFile | EvidenceInspection] = (),
    limits: EvidenceLimits = DEFAULT_LIMITS,
    policy: RequirementPolicy = DEFAULT_REQUIREMENT_POLICY,
) -> RequirementsCheck:
    """
    Check both requirements on raw input and report every problem at once.

    Args:
        name: The reporter's full name as sent.
        nik: The NIK as typed (separators allowed).
        phone: The WhatsApp number in any accepted form (see :meth:`PhoneNumber.parse`).
        whatsapp_user_id: WhatsApp's business-scoped user id, e.g. ``US.1349…``.
        address: Optional address.
        email: Optional e-mail address.
        evidence: The evidence: raw bytes (recognised here), already-recognised
            :class:`EvidenceFile` values (held to ``limits`` too), or the
            :class:`EvidenceInspection` of a file inspected where it lies
            (:func:`~layanan_aduan.domain.evidence.inspect_evidence_file`, for files too
            large to hold in memory): its problems are recorded as found, its evidence
            held to ``limits``.
        limits: Size limits for evidence.
        policy: What the service standard requires
            (:class:`~layanan_aduan.domain.standard.RequirementPolicy`, e.g.
            ``standard.requirement_policy``); by default the published standard's: name,
            NIK, contact and evidence.

    Blocking rules: a missing or invalid name or NIK blocks; the contact blocks when
    neither a valid telephone number nor a valid user id is given (``contact_missing``
    when both are absent); a bad telephone number or user id does not block when the
    other one is valid. Evidence blocks when none is given (``evidence_missing``) or
    when no file is acceptable; a bad file beside an acceptable one does not block.
    Address and e-mail problems never block. Nothing raises for bad input: a value of
    the wrong type (a NIK given as an int, evidence that is not bytes) is a problem too
    (``nik_not_text``, ``evidence_not_bytes``, …).

    Raises:
        InvalidTypeError: ``limits`` is not an :class:`EvidenceLimits` (a programming error,
            not bad input).

    That is the default policy. Under another policy, a field it does not require is not
    missing when absent and does not block when invalid (its problem is kept as a note); a
    required address or e-mail blocks when absent (``address_missing``, ``email_missing``)
    or invalid; evidence not required is not missing when absent. ``reporter`` is then
    ``None`` while requirement 1 is unmet, or when the name, the NIK or a contact (which a
    :class:`Reporter` always holds) is absent or invalid.

    >>> check = check_requirements(
    ...     name="Siti Aminah", nik="3171014101000001", phone="0812-3456-7890",
    ...     email="siti@", evidence=[b"%PDF-1.4\\n%%EOF"],
    ... )
    >>> check.is_complete, check.codes
    (True, ('email_invalid',))
    >>> check.reporter.email is None, check.reporter.nik.sex.value
    (True, 'female')
    """
    _check_limits(limits)
    problems: list[Problem] = [*name_problems(name), *nik_problems(nik)]
    phone_value, user_id_value, contact_found = _check_contact(phone, whatsapp_user_id)
    problems.extend(contact_found)
    address_found = address_problems(address)
    email_found = email_problems(email)
    problems.extend(_soften(address_found))
    problems.extend(_soften(email_found))

    reporter = None
    if not any(p.blocking for p in problems):
        assert name is not None  # noqa: S101 - name_problems found none
        assert nik is not None  # noqa: S101 - nik_problems found none
        reporter = Reporter(
            name=name,
            nik=Nik.parse(nik),
            phone=phone_value,
            whatsapp_user_id=user_id_value,
            address=None if address_found else address,
            email=None if email_found else email,
        )
    accepted, evidence_found = _check_evidence(evidence, limits)
    problems.extend(evidence_found)
    if policy != DEFAULT_REQUIREMENT_POLICY:
        problems = _apply_policy(problems, policy, address, email)
        if any(p.blocking and _policy_field(p) != "evidence" for p in problems):
            reporter = None
    return RequirementsCheck(problems=tuple(problems), reporter=reporter, evidence=accepted)


def _policy_field(problem: Problem) -> str:
    if problem.field.startswith("evidence"):
        return "evidence"
    if problem.field in ("phone", "whatsapp_user_id", "contact"):
        return "contact"
    return problem.field


def _apply_policy(
    problems: Sequence[Problem], policy: RequirementPolicy, address: str | None, email: str | None
) -> list[Problem]:
    adjusted: list[Problem] = []
    for p in problems:
        field = _policy_field(p)
        required = policy.evidence_required if field == "evidence" else policy.requires(field)
        if required and field in ("address", "email"):
            adjusted.append(attrs.evolve(p, blocking=True))
        elif required:
            adjusted.append(p)
        elif not p.code.endswith("_missing"):
            adjusted.append(attrs.evolve(p, blocking=False))
    for field, value, message, message_en in (
        ("address", address, "Alamat pelapor belum diisi.", "The reporter's address is missing."),
        ("email", email, "E-mail pelapor belum diisi.", "The reporter's e-mail is missing."),
    ):
        if policy.requires(field) and not _given(value):
            adjusted.append(Problem(f"{field}_missing", field, message, message_en))
    order = {f: i for i, f in enumerate(("name", "nik", "contact", "address", "email"))}
    return sorted(adjusted, key=lambda p: order.get(_policy_field(p), len(order)))


def _check_contact(
    phone: str | None, whatsapp_user_id: str | None
) -> tuple[PhoneNumber | None, WhatsAppUserId | None, list[Problem]]:
    if not (_given(phone) or _given(whatsapp_user_id)):
        missing = Problem(
            "contact_missing",
            "contact",
            "Nomor WhatsApp atau ID pengguna WhatsApp pelapor belum ada.",
            "The reporter's WhatsApp number or WhatsApp user id is missing.",
        )
        return None, None, [missing]
    phone_value: PhoneNumber | None = None
    user_id_value: WhatsAppUserId | None = None
    found: list[Problem] = []
    if phone is not None and _given(phone):
        here = phone_problems(phone)
        found.extend(here)
        phone_value = None if here else PhoneNumber.parse(phone)
    if whatsapp_user_id is not None and _given(whatsapp_user_id):
        here = whatsapp_user_id_problems(whatsapp_user_id)
        found.extend(here)
        user_id_value = None if here else WhatsAppUserId(whatsapp_user_id.strip())
    if phone_value is not None or user_id_value is not None:
        found = _soften(found)
    return phone_value, user_id_value, found


def _check_limits(limits: object) -> None:
    if not isinstance(limits, EvidenceLimits):
        raise InvalidTypeError(
            "limits harus berupa EvidenceLimits.",
            "limits must be an EvidenceLimits.",
            field="limits",
            details={"type": type(limits).__name__},
        )


def _not_a_list(field: str) -> Problem:
    return Problem(
        "evidence_not_a_list",
        field,
        "Bukti harus berupa daftar berkas.",
        "The evidence must be a list of files.",
    )


def _check_evidence(
    evidence: Sequence[bytes | EvidenceFile | EvidenceInspection], limits: EvidenceLimits
) -> tuple[tuple[EvidenceFile, ...], list[Problem]]:
    if evidence is not None and (
        isinstance(evidence, str | bytes | bytearray | memoryview)
        or not isinstance(evidence, Sequence)
    ):
        # One file passed bare, or not a list at all: never iterated byte by byte.
        return (), [_not_a_list("evidence")]
    if not evidence:
        missing = Problem(
            "evidence_missing",
            "evidence",
            "Bukti laporan belum dilampirkan.",
            "No evidence is attached.",
        )
        return (), [missing]
    accepted: list[EvidenceFile] = []
    found: list[Problem] = []
    for index, item in enumerate(evidence):
        field = f"evidence[{index}]"
        if isinstance(item, EvidenceFile):
            here = limits.size_problems(item.media_type, item.size, field=field)
            if not here:
                accepted.append(item)
        elif isinstance(item, EvidenceInspection):
            here = tuple(attrs.evolve(p, field=field) for p in item.problems)
            if item.evidence is not None:
                size = limits.size_problems(
                    item.evidence.media_type, item.evidence.size, field=field
                )
                here = (*here, *size)
                if not size:
                    accepted.append(item.evidence)
        else:
            inspection = inspect_evidence(item, limits=limits, field=field)
            here = inspection.problems
            if inspection.evidence is not None:
                accepted.append(inspection.evidence)
        found.extend(here)
    return tuple(accepted), _soften(found) if accepted else found
