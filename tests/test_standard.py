"""
The service standard as data: the bundled Kejari Jakarta Pusat standard and other offices'.
"""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from layanan_aduan.domain.calendar import DEFAULT_OFFICE_SCHEDULE, OfficeSchedule, WorkingInterval
from layanan_aduan.domain.standard import (
    KEJARI_JAKARTA_PUSAT,
    Channel,
    Office,
    ServiceStandard,
    default_procedure,
    describe_schedule,
)
from layanan_aduan.domain.workflow import REPORT_WORKFLOW
from layanan_aduan.exceptions import ServiceStandardError, ValidationError

STD = KEJARI_JAKARTA_PUSAT


def test_bundled_standard_holds_the_seed_page() -> None:
    """The default standard holds every fact of the published Kejari Jakarta Pusat page."""
    assert STD.service_name == (
        "Pelayanan Laporan dan Aduan Masyarakat Melalui Whatsapp Kejaksaan Negeri Jakarta Pusat"
    )
    assert [r.text for r in STD.requirements] == [
        "Mencantumkan Data Diri sebagai Pelapor",
        "Melampirkan bukti laporan aduan berupa scan surat atau tangkapan layar ponsel",
    ]
    assert STD.completion_time == dt.timedelta(hours=3)
    assert "paling lambat 3 jam selama Jam Kerja (08.00-16.00)" in STD.completion_text
    assert (STD.fee_idr, STD.fee_text) == (0, "Tidak dipungut biaya")
    assert STD.products == ("Layanan daring melalui Aplikasi Whatsapp",)
    assert STD.decree_number is None
    office = STD.office
    assert office.name == "Kejaksaan Negeri Jakarta Pusat"
    assert office.address.startswith("Jl. Merpati Blok B-XII No.5")
    assert office.address.endswith("Jakarta Pusat 10720")
    assert (office.telephone, office.telephone_display) == ("+622165851958", "(021) 65851958")
    assert (office.whatsapp, office.whatsapp_display) == ("+6281212313170", "0812-1231-3170")
    assert office.website == "http://kejari-jakartapusat.kejaksaan.go.id"
    assert office.schedule == DEFAULT_OFFICE_SCHEDULE
    assert office.timezone == "Asia/Jakarta"
    assert STD.complaints.unit == "PTSP"
    assert STD.complaints.by_letter
    assert STD.complaints.telephone_display == "(021) 65851958"
    assert STD.channel == Channel("whatsapp", "+6281212313170")


# The seed page's sentences, copied word for word (the page lives outside the repository).
SEED_PROCEDURE = (
    "1. Pemohon menyampaikan permohonan informasi atau aduan yang ditujukan kepada Petugas "
    "Pelaksana melalui nomor 0812 1231 3170",
    "2. Permohonan informasi atau aduan diterima petugas pelaksana",
    "3. Petugas pelaksana menyampaikan permohonan informasi atau aduan yang telah diterima "
    "kepada Kepala Seksi Intelijen untuk petunjuk selanjutnya.",
    "4. Kepala Seksi Intelijen memberi arahan tindak lanjut kepada Petugas Pelaksana",
    "5. Petugas pelaksana menyampaikan tindak lanjut sesuai arahan Penanggungjawab kepada Pemohon",
)
SEED_COMPLAINTS = (
    "Apabila terdapat keluhan dalam pelayanan Laporan dan Aduan Masyarakat Melalui Aplikasi "
    "Whatsapp dapat menghubungi PTSP dengan bersurat atau melalui nomor telepon (021) 65851958"
)


def test_procedure_text_is_the_seed_text() -> None:
    """Each procedure step and the complaints sentence are the seed page's, word for word."""
    assert tuple(f"{s.number}. {s.text}" for s in STD.procedure) == SEED_PROCEDURE
    assert STD.complaints.text == SEED_COMPLAINTS


def test_procedure_steps_are_the_workflow_steps() -> None:
    """Step n of the procedure is performed by the workflow transition numbered n."""
    by_step = {t.step: t for t in REPORT_WORKFLOW.transitions if t.step is not None}
    assert [s.number for s in STD.procedure] == [1, 2, 3, 4, 5]
    for step in STD.procedure:
        assert by_step[step.number].action == step.action


def test_procedure_out_of_line_with_the_workflow_is_refused() -> None:
    """A procedure whose steps do not match the workflow's is refused."""
    steps = default_procedure("0812-1231-3170")
    with pytest.raises(ServiceStandardError) as info:
        attrs.evolve(STD, procedure=steps[:4])
    assert (info.value.code, info.value.field) == ("procedure_mismatch", "procedure")
    swapped = (steps[1], steps[0], *steps[2:])
    renumbered = tuple(attrs.evolve(s, number=i + 1) for i, s in enumerate(swapped))
    with pytest.raises(ServiceStandardError):
        attrs.evolve(STD, procedure=renumbered)


def test_another_office_defines_its_own_standard() -> None:
    """Another office, with other hours, time zone and number, is data, not code."""
    friday = (WorkingInterval(dt.time(7, 30), dt.time(11, 30)),)
    day = (WorkingInterval(dt.time(7, 30), dt.time(15, 30)),)
    office = Office(
        name="Kejaksaan Negeri Jayapura",
        address="Jl. Contoh No. 1, Jayapura",
        telephone="(0967) 533000",
        whatsapp="+62 811-4800-0000",
        website="https://kejari-jayapura.kejaksaan.go.id",
        code="KNJYP",
        schedule=OfficeSchedule(
            timezone="Asia/Jayapura", weekly=(day, day, day, day, friday, (), ())
        ),
    )
    standard = ServiceStandard.for_office(office, completion_time=dt.timedelta(hours=4))
    assert standard.office.whatsapp == "+6281148000000"
    assert standard.schedule.timezone == "Asia/Jayapura"
    assert standard.completion_time == dt.timedelta(hours=4)
    assert standard.procedure[0].text.endswith("melalui nomor 0811-4800-0000")
    assert standard.complaints.telephone == office.telephone
    assert "Kejaksaan Negeri Jayapura" in standard.service_name
    assert "Senin-Kamis 07.30-15.30; Jumat 07.30-11.30 WIT" in standard.completion_text
    assert standard.channel.address == "+6281148000000"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("whatsapp", "021 65851958", "invalid_phone"),
        ("whatsapp", "not a number", "invalid_phone"),
        ("telephone", "12", "invalid_phone"),
        ("website", "kejari-jakartapusat.kejaksaan.go.id", "invalid_website"),
        ("code", "knjp", "invalid_office_code"),
        ("name", "  ", "required"),
    ],
)
def test_bad_office_is_refused(field: str, value: str, code: str) -> None:
    """A bad office field is refused with its code and field."""
    with pytest.raises(ServiceStandardError) as info:
        attrs.evolve(STD.office, **{field: value})
    assert info.value.code == code
    assert info.value.field == field
    assert isinstance(info.value, ValidationError)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"completion_time": dt.timedelta(0)}, "invalid_completion_time"),
        ({"completion_time": 3}, "invalid_completion_time"),
        ({"fee_idr": -1}, "invalid_fee"),
        ({"fee_idr": True}, "invalid_fee"),
        ({"service_name": ""}, "required"),
    ],
)
def test_bad_standard_is_refused(changes: dict[str, object], code: str) -> None:
    """A bad completion time, fee or name is refused."""
    with pytest.raises(ServiceStandardError) as info:
        attrs.evolve(STD, **changes)
    assert info.value.code == code


def test_office_links_and_schedule_words() -> None:
    """The office gives its wa.me link, and the schedule reads as the standard writes it."""
    assert STD.office.whatsapp_link == "https://wa.me/6281212313170"
    assert describe_schedule(STD.schedule) == "Senin-Jumat 08.00-16.00 WIB"
    night = OfficeSchedule(weekly=((WorkingInterval(dt.time(16), dt.time(0)),),) * 7)
    assert describe_schedule(night) == "Senin-Minggu 16.00-24.00 WIB"
    assert describe_schedule(night, "en") == "Monday-Sunday 16:00-24:00 WIB"


def test_channel_round_trip() -> None:
    """A channel read back from its dict equals it."""
    assert Channel.from_dict(STD.channel.to_dict()) == STD.channel
