"""Who a pseudonym is (issue 15): booking keeps only pseudonyms, so its day's book asks triage for the personnummer
of the patients it shows. Care staff only, for their own units' patients; every patient answered is access-logged;
unknown pseudonyms, and other units' patients, are absent."""

from __future__ import annotations

import asyncpg
from booking_support import personnummer, pseudonym

from nara.shared.identity import issue_dev_token, reads_of_patient
from nara.shared.personnummer import normalise

UNIT = "SE2321000115-E00000000011"
OTHER_UNIT = "SE2321000115-E00000000012"
RECEPTIONIST = "SE2321000115-P000000881"
YEAR = 1968  # this module's patients


def as_staff(role="reception", units=(UNIT,), hsa=RECEPTIONIST):
    return {"Authorization": f"Bearer {issue_dev_token(role, hsa, units=list(units))}"}


async def register(triage, pnr, unit=UNIT):
    response = await triage.post(
        "/api/v1/contacts",
        headers=as_staff(units=(unit,)),
        json={"patient": pnr, "unit": unit, "channel": "phone_unit", "reason_code": "sore_throat"},
    )
    assert response.status_code == 201, response.text


async def identities(triage, pseudonyms, headers, **extra):
    return await triage.post("/api/v1/patients/identities", json={"pseudonyms": pseudonyms, **extra}, headers=headers)


async def test_staff_get_the_personnummer_of_each_known_pseudonym_and_each_is_access_logged(triage):
    known, other, unknown = personnummer(201, YEAR), personnummer(202, YEAR), personnummer(203, YEAR)
    await register(triage, known)
    await register(triage, other)
    asked = [pseudonym(known), pseudonym(unknown), pseudonym(other), pseudonym(known)]

    answer = await identities(triage, asked, as_staff(), purpose=f"day-book/{UNIT}/2026-11-25")

    assert answer.status_code == 200, answer.text
    assert sorted((i["pseudonym"], i["personnummer"]) for i in answer.json()["identities"]) == sorted(
        [(pseudonym(known), normalise(known)), (pseudonym(other), normalise(other))]
    )
    connection = await asyncpg.connect(triage.database_url)
    try:
        reads = await reads_of_patient(connection, pseudonym(known))
        of_unknown = await reads_of_patient(connection, pseudonym(unknown))
    finally:
        await connection.close()
    assert [(r.action, r.resource, r.staff_id) for r in reads if r.action == "read identity"] == [
        ("read identity", f"day-book/{UNIT}/2026-11-25", RECEPTIONIST)
    ]
    assert of_unknown == []


async def test_only_care_staff_may_ask_and_the_request_is_bounded(triage):
    pnr = personnummer(204, YEAR)
    await register(triage, pnr)
    citizen = {"Authorization": f"Bearer {issue_dev_token('citizen', pnr)}"}

    by_citizen = await identities(triage, [pseudonym(pnr)], citizen)
    by_ops = await identities(triage, [pseudonym(pnr)], as_staff("ops"))
    by_clinician = await identities(triage, [pseudonym(pnr)], as_staff("clinician"))
    by_scheduler = await identities(triage, [pseudonym(pnr)], as_staff("scheduler"))
    nobody = await triage.post("/api/v1/patients/identities", json={"pseudonyms": [pseudonym(pnr)]})
    a_personnummer = await identities(triage, [pnr], as_staff())
    too_many = await identities(triage, [pseudonym(pnr)] * 201, as_staff())

    assert by_citizen.status_code == 403 and by_citizen.headers["content-type"] == "application/problem+json"
    assert by_ops.status_code == 403 and "vårdpersonal" in by_ops.json()["detail"]
    assert by_clinician.status_code == 200 and by_scheduler.status_code == 200
    assert nobody.status_code == 401
    assert a_personnummer.status_code == 422 and pnr not in a_personnummer.text
    assert too_many.status_code == 422


async def test_staff_see_only_their_own_units_patients_an_admin_too(triage):
    ours, listed_here, theirs = personnummer(205, YEAR), personnummer(206, YEAR), personnummer(207, YEAR)
    await register(triage, ours)
    await register(triage, theirs, unit=OTHER_UNIT)
    listed = await triage.put(
        "/api/v1/listings", headers=as_staff("admin"), json={"patient": listed_here, "unit": UNIT}
    )
    asked = [pseudonym(ours), pseudonym(listed_here), pseudonym(theirs)]

    by_our_staff = await identities(triage, asked, as_staff())
    by_their_staff = await identities(triage, asked, as_staff(units=(OTHER_UNIT,)))
    by_admin = await identities(triage, asked, as_staff("admin"))

    assert listed.status_code == 200
    assert {i["pseudonym"] for i in by_our_staff.json()["identities"]} == {pseudonym(ours), pseudonym(listed_here)}
    assert [i["personnummer"] for i in by_their_staff.json()["identities"]] == [normalise(theirs)]
    assert {i["pseudonym"] for i in by_admin.json()["identities"]} == {pseudonym(ours), pseudonym(listed_here)}
