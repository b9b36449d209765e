"""A unit's hours, without I/O: a template's rules, reconciling slots with the plan, why a slot was withdrawn,
the CSV format, and templates whose valid days span a daylight-saving change."""

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest

from nara.booking.domain.errors import InvalidRequest
from nara.booking.domain.holidays import HolidayCalendar
from nara.booking.domain.hours import (
    ExistingSlot,
    PractitionerAtUnit,
    StoredTemplate,
    TemplateOverlap,
    WithdrawalReason,
    check_closure,
    check_template,
    ensure_no_overlap,
    reconcile,
    why_withdrawn,
)
from nara.booking.domain.schedule import BookingChannel, Closure, PlannedSlot, TimeType, WeeklyTemplate
from nara.booking.domain.template_csv import parse_templates
from nara.shared.clock import STOCKHOLM
from nara.shared.events.vocabulary import ContactForm, Profession

pytestmark = pytest.mark.unit

UNIT = "SE2321000115-E00000000011"
NURSE = PractitionerAtUnit("SE2321000115-P000000103", "Maria", "nurse", UNIT)
CALL = TimeType(
    "SSK_TELEFON",
    "Telefontid",
    Profession.NURSE,
    ContactForm.PHONE,
    timedelta(minutes=15),
    BookingChannel.WEB,
    True,
    True,
    timedelta(0),
    timedelta(0),
    False,
)


def template(weekday=1, starts=time(8), ends=time(12), valid_from=None, valid_to=None, time_type="SSK_TELEFON"):
    return WeeklyTemplate(NURSE.hsa_id, UNIT, time_type, weekday, starts, ends, valid_from, valid_to)


def test_a_template_of_the_right_profession_and_length_passes():
    check_template(template(), CALL, NURSE, UNIT)


@pytest.mark.parametrize(
    ("candidate", "time_type", "words"),
    [
        (template(starts=time(8), ends=time(8, 10)), CALL, "för kort"),
        (template(starts=time(9), ends=time(8)), CALL, "Sluttiden"),
        (template(), None, "Tidtypen finns inte"),
        (template(), TimeType(**{**CALL.__dict__, "unit": "SE2321000115-E00000000012"}), "Tidtypen finns inte"),
        (template(), TimeType(**{**CALL.__dict__, "profession": Profession.DOCTOR}), "yrkesgrupp"),
        (template(valid_from=date(2027, 2, 1), valid_to=date(2027, 1, 1)), CALL, "Giltig till"),
    ],
)
def test_a_template_that_breaks_a_rule_is_refused(candidate, time_type, words):
    with pytest.raises(InvalidRequest, match=words):
        check_template(candidate, time_type, NURSE, UNIT)


def test_a_region_wide_or_own_time_type_is_allowed():
    check_template(template(), TimeType(**{**CALL.__dict__, "unit": UNIT}), NURSE, UNIT)


@pytest.mark.parametrize(
    ("other", "clashes"),
    [
        (template(starts=time(11), ends=time(13)), True),
        (template(starts=time(12), ends=time(13)), False),  # back to back
        (template(weekday=2), False),
        (template(valid_to=date(2026, 12, 31)), False),  # valid until the day before mine begin
        (template(valid_from=date(2027, 6, 1)), True),
    ],
)
def test_overlap_is_per_weekday_hours_and_valid_days(other, clashes):
    mine = template(valid_from=date(2027, 1, 1))
    if clashes:
        with pytest.raises(TemplateOverlap, match="överlappar"):
            ensure_no_overlap(mine, [StoredTemplate(1, other)])
    else:
        ensure_no_overlap(mine, [StoredTemplate(1, other)])


def test_a_closure_must_be_in_order_not_past_and_at_most_a_year():
    today = date(2026, 11, 23)
    check_closure(Closure(UNIT, None, today, today), today)
    for closure, words in [
        (Closure(UNIT, None, date(2026, 12, 2), date(2026, 12, 1)), "Sista dagen"),
        (Closure(UNIT, None, date(2026, 11, 1), date(2026, 11, 22)), "passerat"),
        (Closure(UNIT, None, today, today + timedelta(days=400)), "högst ett år"),
    ]:
        with pytest.raises(InvalidRequest, match=words):
            check_closure(closure, today)


NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def planned(start: datetime, minutes: int = 15) -> PlannedSlot:
    end = start + timedelta(minutes=minutes)
    return PlannedSlot(uuid.uuid5(uuid.NAMESPACE_URL, start.isoformat()), UNIT, NURSE.hsa_id, "X", start, end, 1)


def existing(slot: PlannedSlot, withdrawn: bool = False, slot_id: uuid.UUID | None = None) -> ExistingSlot:
    return ExistingSlot(slot_id or slot.id, slot.practitioner, slot.time_type, slot.start_at, slot.end_at, withdrawn)


def test_reconciling_creates_withdraws_and_reinstates_only_in_the_future():
    past, kept, new, gone, back, past_gone = (planned(NOW + timedelta(hours=h)) for h in (-1, 1, 2, 3, 4, -2))

    change = reconcile(
        [past, kept, new, back],
        [existing(past), existing(kept), existing(gone), existing(back, withdrawn=True), existing(past_gone)],
        NOW,
    )

    assert change.create == [new]
    assert change.withdraw == {gone.id: WithdrawalReason.SCHEDULE_CHANGED}
    assert change.reinstate == [back.id]


def test_a_slot_under_an_older_id_with_the_same_time_is_the_same_slot():
    slot = planned(NOW + timedelta(hours=1))
    older = existing(slot, slot_id=uuid.uuid4())

    change = reconcile([slot], [older], NOW)

    assert (change.create, change.withdraw, change.reinstate) == ([], {}, [])


def test_a_longer_time_at_the_same_start_withdraws_the_old_and_creates_the_new():
    old, new = planned(NOW + timedelta(hours=1)), planned(NOW + timedelta(hours=1), minutes=30)
    new = PlannedSlot(uuid.uuid4(), new.unit, new.practitioner, new.time_type, new.start_at, new.end_at, 1)

    change = reconcile([new], [existing(old)], NOW)

    assert change.create == [new]
    assert list(change.withdraw) == [old.id]


def test_reconciling_what_matches_changes_nothing():
    slots = [planned(NOW + timedelta(hours=h)) for h in (1, 2)]

    change = reconcile(slots, [existing(s) for s in slots], NOW)

    assert (change.create, change.withdraw, change.reinstate) == ([], {}, [])


def test_the_reason_a_slot_was_withdrawn():
    day = date(2026, 12, 2)
    start = datetime.combine(day, time(9), STOCKHOLM)
    slot = ExistingSlot(uuid.uuid4(), NURSE.hsa_id, "X", start, start + timedelta(minutes=15), False)
    away = Closure(UNIT, NURSE.hsa_id, day, day)
    closed = Closure(UNIT, None, day, day)
    elsewhere = Closure("SE2321000115-E00000000012", None, day, day)

    assert why_withdrawn(slot, UNIT, {day: "julafton"}, [closed]) is WithdrawalReason.HOLIDAY
    assert why_withdrawn(slot, UNIT, {}, [away, closed]) is WithdrawalReason.UNIT_CLOSED
    assert why_withdrawn(slot, UNIT, {}, [away]) is WithdrawalReason.PRACTITIONER_AWAY
    assert why_withdrawn(slot, UNIT, {}, [elsewhere]) is WithdrawalReason.SCHEDULE_CHANGED


def test_a_csv_with_a_bom_semicolons_and_swedish_day_names_is_read():
    text = (
        "\ufeffBehandlare;Veckodag;Start;Slut;Tidtyp;Giltig_från;Giltig_till\r\n"
        "SE2321000115-P000000103;måndag;08:00;12:00;SSK_BESOK;2027-01-01;\r\n"
        "\r\n"
        "SE2321000115-P000000103;7;8.30;9.30;SSK_TELEFON;;2027-06-30\r\n"
    )

    found, problems = parse_templates(text, UNIT)

    assert problems == []
    assert found == [
        (2, WeeklyTemplate(NURSE.hsa_id, UNIT, "SSK_BESOK", 1, time(8), time(12), date(2027, 1, 1), None)),
        (4, WeeklyTemplate(NURSE.hsa_id, UNIT, "SSK_TELEFON", 7, time(8, 30), time(9, 30), None, date(2027, 6, 30))),
    ]


def test_a_csv_lists_every_bad_line_in_swedish():
    text = (
        "behandlare,veckodag,start,slut,tidtyp\n"
        "19121212-1212,1,08:00,09:00,SSK_BESOK\n"
        "SE2321000115-P000000103,8,08:00,09:00,SSK_BESOK\n"
        "SE2321000115-P000000103,1,8 am,09:00,SSK_BESOK\n"
        "SE2321000115-P000000103,1,08:00,09:00,SSK BESOK\n"
    )

    found, problems = parse_templates(text, UNIT)

    assert found == []
    assert [line for line, _ in problems] == [2, 3, 4, 5]
    assert "HSA-id" in problems[0][1] and "veckodag" in problems[1][1] and "TT:MM" in problems[2][1]


def test_a_csv_without_the_header_or_lines_says_so():
    assert parse_templates("", UNIT)[1][0][1].startswith("Filen är tom")
    assert "saknar" in parse_templates("namn;dag\nx;y\n", UNIT)[1][0][1]
    assert "inga pass" in parse_templates("behandlare;veckodag;start;slut;tidtyp\n", UNIT)[1][0][1]


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "offsets"),
    [
        # Spring 2028: the clock goes forward on Sunday 26 March.
        (date(2028, 3, 20), date(2028, 3, 27), [timedelta(hours=1), timedelta(hours=2)]),
        # Autumn 2027: the clock goes back on Sunday 31 October.
        (date(2027, 10, 25), date(2027, 11, 1), [timedelta(hours=2), timedelta(hours=1)]),
    ],
)
def test_a_template_valid_across_a_daylight_saving_change_keeps_its_wall_clock(valid_from, valid_to, offsets):
    from nara.booking.domain.schedule import slots_from_templates

    hours = template(weekday=1, starts=time(8), ends=time(8, 30), valid_from=valid_from, valid_to=valid_to)
    first, last = valid_from - timedelta(days=7), valid_to + timedelta(days=7)

    slots = slots_from_templates(
        [hours], {"SSK_TELEFON": CALL}, first, last, HolidayCalendar().closed_days(first, last)
    )

    starts = [s.start_at.astimezone(STOCKHOLM) for s in slots if s.start_at.astimezone(STOCKHOLM).minute == 0]
    assert [s.date() for s in starts] == [valid_from, valid_to]
    assert all(s.time() == time(8) for s in starts)
    assert [s.utcoffset() for s in starts] == offsets
    assert all(s.end_at - s.start_at == timedelta(minutes=15) for s in slots)


def test_a_csv_that_is_not_text_is_refused_in_swedish_not_with_an_error():
    _, nul = parse_templates(
        "behandlare;veckodag;start;slut;tidtyp\nSE2321000115-P000000103;1\x00;08:00;09:00;X\n", UNIT
    )
    _, quote = parse_templates(
        'behandlare;veckodag;start;slut;tidtyp\n"SE2321000115-P000000103;1;08:00;09:00;X\n', UNIT
    )

    assert nul and "CSV UTF-8" in nul[0][1]
    assert quote  # an unclosed quote: a line to correct, never an exception
