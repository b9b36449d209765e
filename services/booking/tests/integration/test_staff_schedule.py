"""Staff block slots and record fixed care contacts, whose times then come first."""

from booking_support import UNIT_FALKENBERG, UNIT_FYLLINGE, citizen, personnummer, staff


async def test_a_blocked_slot_cannot_be_booked_until_it_is_opened_again(booking):
    pnr = personnummer(400)
    [slot] = await booking.free_slots(pnr, UNIT_FYLLINGE, profession="counsellor", days_ahead=3, count=1)

    blocked = await booking.client.post(f"/api/v1/slots/{slot['id']}/block", headers=staff([UNIT_FYLLINGE]))
    refused = await booking.book(pnr, slot["id"])
    by_other_unit = await booking.client.post(f"/api/v1/slots/{slot['id']}/unblock", headers=staff([UNIT_FALKENBERG]))
    await booking.client.post(f"/api/v1/slots/{slot['id']}/unblock", headers=staff([UNIT_FYLLINGE]))
    accepted = await booking.book(pnr, slot["id"])

    assert blocked.status_code == 200
    assert refused.status_code == 409 and refused.json()["code"] == "slot_not_bookable"
    assert by_other_unit.status_code == 404
    assert accepted.status_code == 201


async def test_the_patients_fixed_care_contact_comes_first(booking):
    pnr = personnummer(401)
    before = await booking.free_slots(pnr, UNIT_FALKENBERG, profession="nurse", days_ahead=1, count=50)
    later_practitioner = before[-1]["practitioner"]["hsa_id"]
    assert (
        before[0]["practitioner"]["hsa_id"] != later_practitioner
        or len({s["practitioner"]["hsa_id"] for s in before}) == 1
    )

    recorded = await booking.client.put(
        "/api/v1/fixed-care-contacts",
        headers=staff([UNIT_FALKENBERG]),
        json={"patient": pnr, "practitioner": later_practitioner},
    )
    after = await booking.free_slots(pnr, UNIT_FALKENBERG, profession="nurse", days_ahead=1, count=50)

    assert recorded.status_code == 200 and recorded.json()[0]["practitioner"] == later_practitioner
    assert after[0]["practitioner"]["hsa_id"] == later_practitioner and after[0]["fixed_care_contact"] is True


async def test_a_patient_has_at_most_one_fixed_doctor_and_only_a_doctor_can_be_it(booking):
    pnr = personnummer(402)
    practitioners = await booking.fetch("SELECT hsa_id, profession FROM practitioners WHERE unit = $1", UNIT_FALKENBERG)
    doctors = [p["hsa_id"] for p in practitioners if p["profession"] == "doctor"]
    nurse = next(p["hsa_id"] for p in practitioners if p["profession"] == "nurse")
    unit_staff = staff([UNIT_FALKENBERG])

    not_a_doctor = await booking.client.put(
        "/api/v1/fixed-care-contacts",
        headers=unit_staff,
        json={"patient": pnr, "practitioner": nurse, "fixed_doctor": True},
    )
    for doctor in doctors:
        await booking.client.put(
            "/api/v1/fixed-care-contacts",
            headers=unit_staff,
            json={"patient": pnr, "practitioner": doctor, "fixed_doctor": True},
        )
    listed = await booking.client.post("/api/v1/fixed-care-contacts/list", headers=unit_staff, json={"patient": pnr})
    by_citizen = await booking.client.post(
        "/api/v1/fixed-care-contacts/list", headers=citizen(pnr), json={"patient": pnr}
    )

    assert not_a_doctor.status_code == 422
    assert [c["fixed_doctor"] for c in listed.json()].count(True) == 1
    assert listed.json()[0]["practitioner"] == doctors[-1]
    assert by_citizen.status_code == 403
