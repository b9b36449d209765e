"""The rules of setting up a unit, without a database: CSV lines of practitioners, time types, opening hours."""

from datetime import date, time, timedelta

import pytest

from nara.booking.domain.errors import InvalidRequest, InvalidRows
from nara.booking.domain.schedule import BookingChannel, TimeType
from nara.booking.domain.unit_setup import (
    OpeningHours,
    check_active_days,
    check_opening_hours,
    check_time_type,
)
from nara.booking.service.practitioner_csv import parse_practitioners
from nara.shared.events.vocabulary import ContactForm, Profession

UNIT = "SE2321000115-E00000000011"


def test_a_comma_file_gives_one_practitioner_per_line_with_its_line_number():
    rows = parse_practitioners(
        "hsa_id,namn,yrke,aktiv_fran,aktiv_till\n"
        "SE2321000115-P1,Anna Lind,Läkare,2027-01-01,\n"
        "\n"
        "SE2321000115-P2,Bo Berg,nurse,,2027-12-31\n",
        UNIT,
    )

    assert [(r.line, r.practitioner.hsa_id) for r in rows] == [(2, "SE2321000115-P1"), (4, "SE2321000115-P2")]
    assert rows[0].practitioner.profession is Profession.DOCTOR and rows[0].practitioner.active_from == date(2027, 1, 1)
    assert rows[1].practitioner.active_from is None and rows[1].practitioner.active_to == date(2027, 12, 31)
    assert {r.practitioner.unit for r in rows} == {UNIT}


def test_swedish_excel_semicolons_bom_crlf_and_capitalised_headers_are_read():
    excel = "\ufeffHSA_ID;Namn;Yrke;Aktiv från\r\nSE2321000115-P3;Åsa, Öberg;DISTRIKTSSKÖTERSKA;2027-03-01\r\n"

    [row] = parse_practitioners(excel, UNIT)

    assert row.practitioner.name == "Åsa, Öberg"  # a comma in a name is no separator in a ';' file
    assert row.practitioner.profession is Profession.DISTRICT_NURSE


def test_a_quoted_field_may_hold_the_separator():
    [row] = parse_practitioners('hsa_id,namn,yrke,aktiv_fran\nSE2321000115-P4,"Berg, Bo",Kurator,\n', UNIT)

    assert row.practitioner.name == "Berg, Bo"


def test_every_bad_line_is_named_with_why():
    with pytest.raises(InvalidRows) as refused:
        parse_practitioners(
            "hsa_id;namn;yrke;aktiv_fran;aktiv_till\n"
            "SE2321000115-P5;Rätt;Läkare;;\n"
            "fel;Fel id;Läkare;;\n"
            "SE2321000115-P6;;Läkare;;\n"
            "SE2321000115-P7;Fel yrke;Tandläkare;;\n"
            "SE2321000115-P8;Fel datum;Läkare;2027-13-01;\n"
            "SE2321000115-P9;Baklänges;Läkare;2027-02-02;2027-02-01\n"
            "SE2321000115-P5;Dubblett;Läkare;;\n"
            "SE2321000115-P10;Anna 19121212-1212;Läkare;;\n",
            UNIT,
        )

    assert [line for line, _ in refused.value.rows] == [3, 4, 5, 6, 7, 8, 9]
    reasons = dict(refused.value.rows)
    assert "HSA-id" in reasons[3] and "Namn saknas" in reasons[4] and "Tandläkare" in reasons[5]
    assert "ÅÅÅÅ-MM-DD" in reasons[6] and "Aktiv till" in reasons[7] and "rad 2" in reasons[8]
    assert "personnummer" in reasons[9] and "19121212" not in reasons[9]
    assert "3, 4, 5, 6, 7, 8, 9" in refused.value.message


@pytest.mark.parametrize("text", ["", "\ufeff", "hsa_id,namn,yrke,aktiv_fran\n", "namn,yrke\nAnna,Läkare\n"])
def test_a_file_without_a_header_or_practitioners_is_refused(text):
    with pytest.raises(InvalidRows) as refused:
        parse_practitioners(text, UNIT)

    assert refused.value.rows[0][0] == 1


def test_a_short_row_reads_the_missing_cells_as_empty():
    [row] = parse_practitioners("hsa_id,namn,yrke,aktiv_fran,aktiv_till\nSE2321000115-P11,Kort Rad,Läkare\n", UNIT)

    assert row.practitioner.active_from is None and row.practitioner.active_to is None


def visit(**changes) -> TimeType:
    fields = {
        "code": "SSK_BESOK",
        "name": "Sjuksköterskebesök",
        "profession": Profession.NURSE,
        "contact_form": ContactForm.CLINIC,
        "length": timedelta(minutes=20),
        "booking_channel": BookingChannel.WEB,
        "web_cancel_allowed": True,
        "web_rebook_allowed": True,
        "cancel_notice": timedelta(hours=24),
        "rebook_notice": timedelta(hours=24),
        "reason_required": False,
    }
    return TimeType(**(fields | changes))


@pytest.mark.parametrize(
    "changes",
    [{}, {"length": timedelta(minutes=5)}, {"length": timedelta(hours=8)}, {"capacity": 50}, {"code": "AB"}],
)
def test_a_time_type_within_the_rules_passes(changes):
    check_time_type(visit(**changes))


@pytest.mark.parametrize(
    "changes",
    [
        {"length": timedelta(minutes=0)},
        {"length": timedelta(minutes=22)},
        {"length": timedelta(minutes=485)},
        {"capacity": 0},
        {"capacity": 51},
        {"code": "ssk"},
        {"code": "A"},
        {"code": "1ABC"},
        {"cancel_notice": timedelta(hours=-1)},
        {"rebook_notice": timedelta(days=31)},
    ],
)
def test_a_time_type_outside_the_rules_is_refused(changes):
    with pytest.raises(InvalidRequest):
        check_time_type(visit(**changes))


def test_opening_hours_close_after_they_open_once_a_weekday():
    check_opening_hours((OpeningHours(1, time(8), time(17)), OpeningHours(6, time(10), time(12))))
    check_opening_hours(())  # closed all week

    for wrong in (
        (OpeningHours(1, time(17), time(8)),),
        (OpeningHours(1, time(8), time(8)),),
        (OpeningHours(1, time(8), time(12)), OpeningHours(1, time(13), time(17))),
        (OpeningHours(0, time(8), time(12)),),
    ):
        with pytest.raises(InvalidRequest):
            check_opening_hours(wrong)


def test_a_practitioner_may_work_a_single_day_but_not_end_before_starting():
    check_active_days(date(2027, 1, 1), date(2027, 1, 1))
    check_active_days(None, date(2027, 1, 1))
    with pytest.raises(InvalidRequest):
        check_active_days(date(2027, 1, 2), date(2027, 1, 1))
