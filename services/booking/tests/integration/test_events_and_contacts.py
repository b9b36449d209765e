"""Events through the outbox for every action, and the read model of triaged contacts from Kafka."""

import asyncio
import uuid
from datetime import timedelta

from booking_support import (
    UNIT_FALKENBERG,
    UNIT_OSKARSTROM,
    citizen,
    personnummer,
    pseudonym,
    publish_contact_events,
    read_events_until,
    staff,
)

from nara.shared.identity import reads_of_patient


async def wait_for_contact(booking, contact_id: str, care_level: str) -> None:
    async with asyncio.timeout(60):
        while not await booking.fetch(  # noqa: ASYNC110 - the read model is polled: it offers nothing to wait on
            "SELECT 1 FROM contacts WHERE contact_id = $1 AND care_level = $2 AND sought_at IS NOT NULL",
            contact_id,
            care_level,
        ):
            await asyncio.sleep(0.2)


def of_appointments(events, ids):
    """The events of these appointments; the topic also carries booking's other events (Min vård's updates)."""
    return [e for e in events if getattr(e.data, "appointment_id", None) in ids]


async def test_every_action_emits_its_contract_event_keyed_by_pseudonym(booking, kafka_bootstrap):
    pnr = personnummer(100)
    unit_staff = staff([UNIT_OSKARSTROM])
    first, second, third = await booking.free_slots(
        pnr, UNIT_OSKARSTROM, profession="occupational_therapist", days_ahead=6, count=3
    )
    booked = (await booking.book(pnr, first["id"])).json()
    moved = (
        await booking.client.post(
            f"/api/v1/appointments/{booked['id']}/rebook", json={"slot_id": second["id"]}, headers=citizen(pnr)
        )
    ).json()
    cancelled = (
        await booking.client.post(
            f"/api/v1/appointments/{moved['id']}/cancel", json={"reason": "Bättre nu"}, headers=citizen(pnr)
        )
    ).json()
    visit = (
        await booking.client.post(
            "/api/v1/appointments", json={"slot_id": third["id"], "patient": pnr}, headers=unit_staff
        )
    ).json()
    booking.clock.advance(timedelta(days=10))  # after the visit
    try:
        completed = await booking.client.post(
            f"/api/v1/appointments/{visit['id']}/complete", json={"medical_assessment": True}, headers=unit_staff
        )
    finally:
        booking.clock.advance(-timedelta(days=10))
    ids = {booked["id"], moved["id"], cancelled["id"], visit["id"]}

    events, raw = await read_events_until(
        kafka_bootstrap,
        "nara.appointments.v1",
        lambda seen: len(of_appointments(seen, ids)) >= 5,
    )

    mine = of_appointments(events, ids)
    assert completed.status_code == 200
    assert [e.type.split(".")[3] for e in mine] == ["booked", "rebooked", "cancelled", "booked", "completed"]
    assert all(e.subject == pseudonym(pnr) for e in mine)
    assert mine[1].data.replaces == booked["id"] and mine[1].data.start.isoformat() == second["start"]
    assert mine[2].data.cancelled_by == "patient" and mine[2].data.reason == "Bättre nu"
    assert mine[3].data.booked_by == "staff"
    assert mine[4].data.medical_assessment is True and mine[4].data.profession == "occupational_therapist"
    messages = [r for r in raw if r.key == pseudonym(pnr).encode()]
    assert len(messages) >= 5 and all(pnr.replace("-", "")[2:] not in r.value.decode() for r in messages)


async def test_a_no_show_is_recorded_by_staff_and_announced(booking, kafka_bootstrap):
    pnr = personnummer(101)
    [slot] = await booking.free_slots(pnr, UNIT_OSKARSTROM, profession="counsellor", days_ahead=2, count=1)
    booked = (await booking.book(pnr, slot["id"])).json()
    early = await booking.client.post(f"/api/v1/appointments/{booked['id']}/no-show", headers=staff([UNIT_OSKARSTROM]))
    by_citizen = await booking.client.post(f"/api/v1/appointments/{booked['id']}/no-show", headers=citizen(pnr))
    booking.clock.advance(timedelta(days=10))  # after the visit
    try:
        recorded = await booking.client.post(
            f"/api/v1/appointments/{booked['id']}/no-show", headers=staff([UNIT_OSKARSTROM])
        )
    finally:
        booking.clock.advance(-timedelta(days=10))

    _events, _ = await read_events_until(
        kafka_bootstrap,
        "nara.appointments.v1",
        lambda seen: any(
            e.type == "se.nara.appointment.no_show.v1" and e.data.appointment_id == booked["id"] for e in seen
        ),
    )

    assert early.status_code == 422 and by_citizen.status_code == 403
    assert recorded.status_code == 200 and recorded.json()["status"] == "no_show"


async def test_staff_book_on_a_patients_behalf_and_every_staff_read_is_access_logged(booking):
    pnr = personnummer(102)
    unit_staff = staff([UNIT_FALKENBERG], hsa_id="SE2321000115-P000000999")
    [slot] = await booking.free_slots(pnr, UNIT_FALKENBERG, profession="midwife", days_ahead=2, count=1)

    bad_number = await booking.client.post(
        "/api/v1/appointments", json={"slot_id": slot["id"], "patient": "19121212-1213"}, headers=unit_staff
    )
    booked = await booking.client.post(
        "/api/v1/appointments", json={"slot_id": slot["id"], "patient": pnr}, headers=unit_staff
    )
    read = await booking.client.get(f"/api/v1/appointments/{booked.json()['id']}", headers=unit_staff)
    seen_by_patient = await booking.client.get("/api/v1/appointments", headers=citizen(pnr))

    assert bad_number.status_code == 422 and "Personnumret" in bad_number.json()["detail"]
    assert booked.status_code == 201 and booked.json()["booked_by"] == "staff"
    assert read.status_code == 200
    assert [a["id"] for a in seen_by_patient.json()] == [booked.json()["id"]]
    import asyncpg

    connection = await asyncpg.connect(booking.database_url)
    try:
        logged = await reads_of_patient(connection, pseudonym(pnr))
    finally:
        await connection.close()
    assert [entry.staff_id for entry in logged] == ["SE2321000115-P000000999"]
    assert logged[0].resource == f"appointment/{booked.json()['id']}"


async def test_a_triaged_contact_sees_only_its_professions_and_hidden_types_within_the_guarantee_first(
    booking, kafka_bootstrap
):
    pnr = personnummer(103)
    contact_id = f"c-{uuid.uuid4().hex[:8]}"
    # The triage arrives before the registration: the read model must still end up whole.
    await publish_contact_events(
        kafka_bootstrap,
        pnr,
        contact_id,
        unit=UNIT_FALKENBERG,
        sought_at=booking.clock.now(),
        care_level="within_3_days",
        profession="doctor",
        alternatives=["nurse"],
        order=("triaged", "registered"),
    )
    await wait_for_contact(booking, contact_id, "within_3_days")

    slots = await booking.free_slots(pnr, UNIT_FALKENBERG, days_ahead=0, count=100, contact_id=contact_id)
    stranger = await booking.client.get(
        "/api/v1/slots", params={"unit": UNIT_FALKENBERG, "contact_id": contact_id}, headers=citizen(personnummer(104))
    )

    assert {s["profession"] for s in slots} == {"doctor", "nurse"}
    assert "LAK_BESOK" in {s["time_type"]["code"] for s in slots}  # hidden, but open to this contact
    flags = [s["within_guarantee"] for s in slots]
    assert flags == sorted(flags, reverse=True) and flags[0] is True
    assert stranger.status_code == 404


async def test_choosing_a_time_after_the_guarantee_while_earlier_ones_were_shown_is_marked(booking, kafka_bootstrap):
    pnr = personnummer(105)
    contact_id = f"c-{uuid.uuid4().hex[:8]}"
    await publish_contact_events(
        kafka_bootstrap,
        pnr,
        contact_id,
        unit=UNIT_FALKENBERG,
        sought_at=booking.clock.now(),
        care_level="within_3_days",
        profession="nurse",
    )
    await wait_for_contact(booking, contact_id, "within_3_days")
    shown = await booking.free_slots(pnr, UNIT_FALKENBERG, days_ahead=0, count=5, contact_id=contact_id)
    later = await booking.free_slots(pnr, UNIT_FALKENBERG, days_ahead=6, count=1, contact_id=contact_id)

    booked = await booking.book(pnr, later[0]["id"], contact_id=contact_id)

    assert shown[0]["within_guarantee"] is True and later[0]["within_guarantee"] is False
    assert booked.status_code == 201
    assert booked.json()["earlier_time_offered_within_guarantee"] is True


async def test_an_urgent_contact_is_told_to_seek_care_now_instead_of_booking(booking, kafka_bootstrap):
    pnr = personnummer(106)
    contact_id = f"c-{uuid.uuid4().hex[:8]}"
    await publish_contact_events(
        kafka_bootstrap,
        pnr,
        contact_id,
        unit=UNIT_FALKENBERG,
        sought_at=booking.clock.now(),
        care_level="emergency_now",
        profession="doctor",
    )
    await wait_for_contact(booking, contact_id, "emergency_now")

    answer = await booking.client.get(
        "/api/v1/slots", params={"unit": UNIT_FALKENBERG, "contact_id": contact_id}, headers=citizen(pnr)
    )

    assert answer.status_code == 409 and "akutmottagning" in answer.json()["detail"]


async def test_staff_list_one_contacts_times_and_only_those_are_access_logged(booking, kafka_bootstrap):
    pnr, other = personnummer(107), personnummer(108)
    contact_id = f"c-{uuid.uuid4().hex[:8]}"
    await publish_contact_events(
        kafka_bootstrap,
        pnr,
        contact_id,
        unit=UNIT_FALKENBERG,
        sought_at=booking.clock.now(),
        care_level="within_3_days",
        profession="nurse",
    )
    await wait_for_contact(booking, contact_id, "within_3_days")
    slots = await booking.free_slots(pnr, UNIT_FALKENBERG, days_ahead=1, count=2, contact_id=contact_id)
    mine = await booking.book(pnr, slots[0]["id"], contact_id=contact_id)
    theirs = await booking.book(other, slots[1]["id"])

    listed = await booking.client.get(
        "/api/v1/appointments", params={"contact_id": contact_id}, headers=staff([UNIT_FALKENBERG])
    )
    reads_of_other = await booking.fetch(
        "SELECT count(*) AS n FROM access_log WHERE patient = $1 AND resource = $2",
        pseudonym(other),
        f"appointment/{theirs.json()['id']}",
    )

    assert [a["id"] for a in listed.json()] == [mine.json()["id"]]
    assert reads_of_other[0]["n"] == 0, "an appointment not shown is not logged as read"
