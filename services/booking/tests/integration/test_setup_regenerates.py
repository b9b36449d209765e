"""Set-up changes take effect on the slots at once and never lose a booking (issue 15): a time type made longer by
its owner, or a practitioner's last working day, regenerates the unit's future slots in the same transaction; the
booked time stays booked and is listed to move. Against real PostgreSQL, the clock on Monday 23 November 2026."""

from datetime import date, datetime, time, timedelta

import pytest
from booking_support import UNIT_FALKENBERG, UNIT_FYLLINGE, in_process_booking, personnummer, staff

from nara.shared.clock import STOCKHOLM

ADMIN = staff(["SE2321000115-E00000000001"], role="admin", hsa_id="SE2321000115-P000000001")
SCHEDULER = staff([UNIT_FALKENBERG], role="scheduler", hsa_id="SE2321000115-P000000950")
THURSDAY = date(2026, 11, 26)
PHYSIO = "SE2321000115-P000000105"  # Johan Berg, Falkenberg: FYS_BESOK weekdays 08:00-16:00, 45 minutes
MIDWIFE = "SE2321000115-P000000309"  # Linnea Ström, Fyllinge: BM_BESOK Mon, Wed, Fri 08:00-12:00, 30 minutes


@pytest.fixture(scope="module")
async def booking(infrastructure):
    async with in_process_booking(infrastructure, prefix="setupregen") as booking:
        yield booking


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), STOCKHOLM)


async def live_lengths(booking, practitioner: str, day: date) -> list[int]:
    rows = await booking.fetch(
        "SELECT extract(epoch FROM end_at - start_at)::int / 60 AS minutes FROM slots "
        "WHERE practitioner = $1 AND start_at >= $2 AND start_at < $3 AND withdrawn_at IS NULL ORDER BY start_at",
        practitioner,
        at(day, 0),
        at(day + timedelta(days=1), 0),
    )
    return [row["minutes"] for row in rows]


async def book_at(booking, pnr: str, practitioner: str, start: datetime) -> str:
    [slot] = await booking.fetch(
        "SELECT id FROM slots WHERE practitioner = $1 AND start_at = $2 AND withdrawn_at IS NULL", practitioner, start
    )
    answer = await booking.book(pnr, str(slot["id"]))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def booking_and_its_slot(booking, appointment_id: str) -> tuple[str, str | None]:
    """The appointment's status and why its slot was withdrawn (None: live)."""
    [row] = await booking.fetch(
        "SELECT a.status, s.withdrawn_reason FROM appointments a JOIN slots s ON s.id = a.slot_id "
        "WHERE a.id = $1::uuid",
        appointment_id,
    )
    return row["status"], row["withdrawn_reason"]


async def to_move(booking, unit: str, headers) -> list[str]:
    answer = await booking.client.get(f"/api/v1/care-units/{unit}/appointments-to-move", headers=headers)
    assert answer.status_code == 200, answer.text
    return [entry["appointment_id"] for entry in answer.json()]


async def test_a_region_time_type_made_longer_regenerates_every_unit_using_it_and_keeps_the_booking(booking):
    booked = await book_at(booking, personnummer(8101), PHYSIO, at(THURSDAY, 8, 45))
    current = await booking.client.get(f"/api/v1/care-units/{UNIT_FALKENBERG}/time-types", headers=SCHEDULER)
    [physio_visit] = [t for t in current.json() if t["code"] == "FYS_BESOK"]

    changed = await booking.client.put(
        "/api/v1/time-types/FYS_BESOK",
        json={**{k: v for k, v in physio_visit.items() if k not in ("code", "unit")}, "length_minutes": 60},
        headers=ADMIN,
    )

    assert changed.status_code == 200, changed.text
    assert await live_lengths(booking, PHYSIO, THURSDAY) == [60] * 8  # 08:00-16:00 in hours now
    assert booked in await to_move(booking, UNIT_FALKENBERG, SCHEDULER)
    assert await booking_and_its_slot(booking, booked) == ("booked", "schedule_changed")


async def test_a_practitioners_last_working_day_withdraws_their_later_times_and_keeps_the_booking(booking):
    fyllinge = staff([UNIT_FYLLINGE], role="scheduler", hsa_id="SE2321000115-P000000951")
    friday = THURSDAY + timedelta(days=8)  # 4 December
    booked = await book_at(booking, personnummer(8102), MIDWIFE, at(friday, 9, 0))

    changed = await booking.client.put(
        f"/api/v1/care-units/{UNIT_FYLLINGE}/practitioners/{MIDWIFE}",
        json={"name": "Linnea Ström", "profession": "midwife", "active_to": "2026-11-30"},
        headers=fyllinge,
    )

    assert changed.status_code == 200, changed.text
    assert await live_lengths(booking, MIDWIFE, friday) == []
    assert await live_lengths(booking, MIDWIFE, THURSDAY - timedelta(days=1)) == [30] * 8  # before: unchanged
    assert booked in await to_move(booking, UNIT_FYLLINGE, fyllinge)
    assert await booking_and_its_slot(booking, booked) == ("booked", "schedule_changed")
