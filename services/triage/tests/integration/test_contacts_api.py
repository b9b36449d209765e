"""Contacts through the triage API: registration, triage, override, assessment, closing, access and events."""

from datetime import timedelta

import asyncpg
from booking_support import personnummer, pseudonym, read_events_until

from nara.shared.identity import issue_dev_token, reads_of_patient

UNIT = "SE2321000115-E00000000011"
OTHER_UNIT = "SE2321000115-E00000000013"
STREP = {
    "airway": False,
    "abscess_signs": False,
    "sepsis_signs": False,
    "fever": True,
    "non_blanching_rash": False,
    "new_confusion": False,
    "stiff_neck": False,
    "immunosuppressed": False,
    "cannot_drink": False,
    "cough": False,
    "tender_glands": True,
    "tonsil_coating": True,
    "days": 2,
}


def as_staff(role="reception", units=(UNIT,), hsa="SE2321000115-P000000777"):
    return {"Authorization": f"Bearer {issue_dev_token(role, hsa, units=list(units))}"}


def as_citizen(pnr):
    return {"Authorization": f"Bearer {issue_dev_token('citizen', pnr)}"}


async def register_phone_contact(triage, pnr, reason="sore_throat", unit=UNIT):
    response = await triage.post(
        "/api/v1/contacts",
        headers=as_staff(),
        json={"patient": pnr, "unit": unit, "channel": "phone_unit", "reason_code": reason, "listed_unit": unit},
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_phone_contact_is_registered_triaged_assessed_and_announced(triage, kafka_bootstrap):
    pnr = personnummer(1, 1990)
    contact = await register_phone_contact(triage, pnr)
    triaged = await triage.post(f"/api/v1/contacts/{contact['id']}/triage", headers=as_staff(), json={"answers": STREP})
    by_reception = await triage.post(
        f"/api/v1/contacts/{contact['id']}/assessment",
        headers=as_staff(),
        json={"assessed_at": triage.clock.now().isoformat(), "profession": "nurse", "contact_form": "phone"},
    )
    assessed = await triage.post(
        f"/api/v1/contacts/{contact['id']}/assessment",
        headers=as_staff("clinician"),
        json={"assessed_at": triage.clock.now().isoformat(), "profession": "nurse", "contact_form": "phone"},
    )

    events, raw = await read_events_until(
        kafka_bootstrap,
        "nara.contacts.v1",
        lambda seen: len([e for e in seen if getattr(e.data, "contact_id", None) == contact["id"]]) >= 3,
    )

    decision = triaged.json()["decision"]
    assert triaged.status_code == 200 and decision["care_level"] == "within_3_days"
    assert decision["profession"] == "nurse" and decision["guarantee_applies"] is True
    assert decision["guideline_version"] and decision["rules_fired"][0]["text"]
    assert by_reception.status_code == 403 and assessed.json()["status"] == "assessed"
    mine = [e for e in events if getattr(e.data, "contact_id", None) == contact["id"]]
    assert [e.type for e in mine] == [
        "se.nara.contact.registered.v1",
        "se.nara.contact.triaged.v1",
        "se.nara.contact.assessed.v1",
    ]
    assert all(e.subject == pseudonym(pnr) for e in mine)
    assert mine[0].data.listed_unit == UNIT and mine[0].data.channel == "phone_unit"
    assert all(pnr.replace("-", "") not in r.value.decode() and pnr not in r.value.decode() for r in raw)


async def test_an_override_needs_a_written_reason_and_is_audited(triage):
    contact = await register_phone_contact(triage, personnummer(2, 1990))

    without_reason = await triage.post(
        f"/api/v1/contacts/{contact['id']}/triage",
        headers=as_staff(),
        json={"answers": STREP, "override": {"reason": " ", "care_level": "same_day"}},
    )
    with_reason = await triage.post(
        f"/api/v1/contacts/{contact['id']}/triage",
        headers=as_staff(),
        json={
            "answers": STREP,
            "override": {"reason": "Patienten har svårt att svälja vätska", "care_level": "same_day"},
        },
    )
    opened = await triage.get(f"/api/v1/contacts/{contact['id']}", headers=as_staff())

    assert without_reason.status_code == 422 and "motivering" in without_reason.json()["detail"]
    assert with_reason.status_code == 200 and with_reason.json()["decision"]["care_level"] == "same_day"
    [entry] = opened.json()["triage_history"]
    assert entry["override_reason"] == "Patienten har svårt att svälja vätska"
    assert entry["decided_by"] == "SE2321000115-P000000777"


async def test_a_citizen_registers_only_their_own_web_contact(triage):
    pnr = personnummer(3, 1990)

    own = await triage.post(
        "/api/v1/contacts", headers=as_citizen(pnr), json={"unit": UNIT, "channel": "web", "reason_code": "sore_throat"}
    )
    for_someone_else = await triage.post(
        "/api/v1/contacts",
        headers=as_citizen(pnr),
        json={"patient": personnummer(4, 1990), "unit": UNIT, "channel": "web"},
    )
    as_phone = await triage.post(
        "/api/v1/contacts", headers=as_citizen(pnr), json={"unit": UNIT, "channel": "phone_1177"}
    )
    override = await triage.post(
        f"/api/v1/contacts/{own.json()['id']}/triage",
        headers=as_citizen(pnr),
        json={"answers": STREP, "override": {"reason": "jag vill", "care_level": "same_day"}},
    )

    assert own.status_code == 201 and own.json()["sought_at"] == triage.clock.now().isoformat()
    assert for_someone_else.status_code == 403 and as_phone.status_code == 422 and override.status_code == 403


async def test_staff_see_only_their_units_contacts_and_every_open_is_access_logged(triage):
    pnr = personnummer(5, 1990)
    contact = await register_phone_contact(triage, pnr)

    other_unit_open = await triage.get(f"/api/v1/contacts/{contact['id']}", headers=as_staff(units=(OTHER_UNIT,)))
    other_unit_queue = await triage.get(
        "/api/v1/contacts", params={"unit": UNIT}, headers=as_staff(units=(OTHER_UNIT,))
    )
    queue = await triage.get("/api/v1/contacts", params={"unit": UNIT}, headers=as_staff())
    opened = await triage.get(f"/api/v1/contacts/{contact['id']}", headers=as_staff(hsa="SE2321000115-P000000778"))

    assert other_unit_open.status_code == 404 and other_unit_queue.status_code == 403
    listed = next(c for c in queue.json() if c["id"] == contact["id"])
    assert 0 < listed["guarantee_hours_left"] <= 4 * 24
    assert opened.status_code == 200
    connection = await asyncpg.connect(triage.database_url)
    try:
        reads = await reads_of_patient(connection, pseudonym(pnr))
    finally:
        await connection.close()
    assert ("SE2321000115-P000000778", "open contact") in {(r.staff_id, r.action) for r in reads}


async def test_closing_with_self_care_advice_is_announced_and_ends_the_contact(triage, kafka_bootstrap):
    contact = await register_phone_contact(triage, personnummer(6, 1990))

    closed = await triage.post(
        f"/api/v1/contacts/{contact['id']}/close", headers=as_staff(), json={"reason": "self_care"}
    )
    again = await triage.post(
        f"/api/v1/contacts/{contact['id']}/close", headers=as_staff(), json={"reason": "self_care"}
    )
    unknown = await triage.post(f"/api/v1/contacts/{contact['id']}/close", headers=as_staff(), json={"reason": "bored"})

    events, _ = await read_events_until(
        kafka_bootstrap,
        "nara.contacts.v1",
        lambda seen: any(e.type == "se.nara.contact.closed.v1" and e.data.contact_id == contact["id"] for e in seen),
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert again.status_code == 409 and unknown.status_code == 422
    closed_events = [e for e in events if e.type == "se.nara.contact.closed.v1" and e.data.contact_id == contact["id"]]
    assert [e.data.reason for e in closed_events] == ["self_care"]  # the close as asked, with its reason


async def test_bad_input_gets_a_clear_error_not_a_500(triage):
    contact = await register_phone_contact(triage, personnummer(7, 1990))

    bad_number = await triage.post(
        "/api/v1/contacts", headers=as_staff(), json={"patient": "19121212-1213", "unit": UNIT, "channel": "phone_unit"}
    )
    future = await triage.post(
        "/api/v1/contacts",
        headers=as_staff(),
        json={
            "patient": personnummer(8, 1990),
            "unit": UNIT,
            "channel": "phone_unit",
            "sought_at": (triage.clock.now() + timedelta(days=1)).isoformat(),
        },
    )
    unknown_answer = await triage.post(
        f"/api/v1/contacts/{contact['id']}/triage", headers=as_staff(), json={"answers": {"no_such_question": True}}
    )
    unknown_reason = await triage.post(
        "/api/v1/triage/evaluate", headers=as_staff(), json={"reason_code": "no_such_reason", "answers": {}, "age": 30}
    )

    assert bad_number.status_code == 422 and "Personnumret" in bad_number.json()["detail"]
    assert future.status_code == 422 and unknown_answer.status_code == 422
    assert "no_such_question" in unknown_answer.json()["detail"]
    assert unknown_reason.status_code == 422


async def test_the_guidelines_and_questions_are_served_with_red_flag_questions_first(triage):
    guidelines = await triage.get("/api/v1/guidelines", headers=as_staff())
    questions = await triage.get("/api/v1/guidelines/reasons/sore_throat", headers=as_staff())
    missing = await triage.get("/api/v1/guidelines/reasons/nope", headers=as_staff())

    assert len(guidelines.json()["reasons"]) >= 25
    flags = [q["red_flag"] for q in questions.json()["questions"]]
    assert flags == sorted(flags, reverse=True) and flags[0] is True
    assert missing.status_code == 404


async def test_only_an_admin_reloads_the_guidelines_and_the_version_in_force_is_reported(triage):
    by_reception = await triage.post("/api/v1/guidelines/reload", headers=as_staff())
    by_admin = await triage.post("/api/v1/guidelines/reload", headers=as_staff("admin"))
    in_force = await triage.get("/api/v1/guidelines", headers=as_staff())

    assert by_reception.status_code == 403
    assert by_admin.status_code == 200 and by_admin.json()["accepted"] is True
    assert by_admin.json()["changed"] is False and by_admin.json()["version"] == in_force.json()["version"]
