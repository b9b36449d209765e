"""The listing register (issue 12, finding 1): every registration looks the listing up, and no contact is left
with a silently null listing. Listed here: covered; elsewhere: not covered, with the reason; unknown: covered and
flagged "listning okänd" until staff record it."""

from __future__ import annotations

import asyncpg
from booking_support import personnummer, pseudonym, read_events_until

from nara.shared.identity import issue_dev_token, reads_of_patient

UNIT = "SE2321000115-E00000000011"
OTHER_UNIT = "SE2321000115-E00000000013"
RECEPTIONIST = "SE2321000115-P000000871"
YEAR = 1972  # this module's patients


def as_staff(role="reception", units=(UNIT,), hsa=RECEPTIONIST):
    return {"Authorization": f"Bearer {issue_dev_token(role, hsa, units=list(units))}"}


def as_citizen(pnr):
    return {"Authorization": f"Bearer {issue_dev_token('citizen', pnr)}"}


async def register(triage, pnr, *, headers=None, unit=UNIT, channel="phone_unit", **extra):
    response = await triage.post(
        "/api/v1/contacts",
        headers=headers or as_staff(units=(unit,)),
        json={"patient": pnr, "unit": unit, "channel": channel, "reason_code": "sore_throat", **extra},
    )
    assert response.status_code == 201, response.text
    return response.json()


async def put_listing(triage, pnr, unit, *, headers=None, listed_from=None):
    body = {"patient": pnr, "unit": unit, **({"listed_from": listed_from} if listed_from else {})}
    return await triage.put("/api/v1/listings", headers=headers or as_staff("admin"), json=body)


async def test_registration_looks_the_listing_up_here_elsewhere_and_unknown(triage, kafka_bootstrap):
    listed_here, listed_elsewhere, unknown = personnummer(101, YEAR), personnummer(102, YEAR), personnummer(103, YEAR)
    assert (await put_listing(triage, listed_here, UNIT)).status_code == 200
    assert (await put_listing(triage, listed_elsewhere, OTHER_UNIT)).status_code == 200

    here = await register(triage, listed_here)
    elsewhere = await register(triage, listed_elsewhere)
    not_known = await register(triage, unknown, channel="walk_in")

    assert (here["listing"], here["listed_unit"], here["guarantee_covered"]) == ("here", UNIT, True)
    assert here["listing_flag"] is None and here["not_covered_reason"] is None
    assert (elsewhere["listing"], elsewhere["listed_unit"], elsewhere["guarantee_covered"]) == (
        "elsewhere",
        OTHER_UNIT,
        False,
    )
    assert elsewhere["not_covered_reason"] == "Listad på en annan vårdcentral"
    assert (not_known["listing"], not_known["listed_unit"], not_known["guarantee_covered"]) == ("unknown", None, True)
    assert not_known["listing_flag"] == "Listning okänd"
    ids = {here["id"]: "here", elsewhere["id"]: "elsewhere", not_known["id"]: "unknown"}
    events, raw = await read_events_until(
        kafka_bootstrap,
        "nara.contacts.v1",
        lambda seen: (
            len({e.data.contact_id for e in seen if e.type == "se.nara.contact.registered.v1"} & set(ids)) == 3
        ),
    )
    registered = {
        e.data.contact_id: e.data
        for e in events
        if e.type == "se.nara.contact.registered.v1" and e.data.contact_id in ids
    }
    assert {cid: str(data.listing) for cid, data in registered.items()} == ids
    # Sex and age group for national reporting, from the personnummer on the day of contact; never the number.
    assert all(str(data.age_group) == "18-64" and str(data.sex) in ("female", "male") for data in registered.values())
    assert str(registered[here["id"]].sex) == ("male" if int(listed_here[-2]) % 2 else "female")
    assert all(p.replace("-", "") not in r.value.decode() for r in raw for p in (listed_here, unknown))


async def test_a_staff_registration_that_states_the_listing_records_it_in_the_register(triage):
    pnr = personnummer(104, YEAR)

    contact = await register(triage, pnr, listed_unit=UNIT.lower())
    listing = await triage.get("/api/v1/listings", params={"patient": pnr}, headers=as_staff())

    assert contact["listing"] == "here" and contact["listed_unit"] == UNIT
    assert listing.status_code == 200
    assert listing.json()["unit"] == UNIT and listing.json()["source"] == "staff"
    assert listing.json()["listed_from"] == triage.clock.now().date().isoformat()


async def test_a_citizens_web_contact_records_the_chosen_unit_only_when_no_listing_is_known(triage):
    new_citizen, listed_elsewhere = personnummer(105, YEAR), personnummer(106, YEAR)
    assert (await put_listing(triage, listed_elsewhere, OTHER_UNIT)).status_code == 200

    # Booking sends listed_unit = the unit the citizen chose; the register wins where it knows better.
    first = await register(triage, new_citizen, headers=as_citizen(new_citizen), channel="web", listed_unit=UNIT)
    known = await register(
        triage, listed_elsewhere, headers=as_citizen(listed_elsewhere), channel="web", listed_unit=UNIT
    )
    recorded = await triage.get("/api/v1/listings", params={"patient": new_citizen}, headers=as_staff("admin"))
    kept = await triage.get("/api/v1/listings", params={"patient": listed_elsewhere}, headers=as_staff("admin"))

    assert first["listing"] == "here" and recorded.json()["source"] == "web" and recorded.json()["unit"] == UNIT
    assert known["listing"] == "elsewhere" and known["not_covered_reason"] == "Listad på en annan vårdcentral"
    assert kept.json()["unit"] == OTHER_UNIT


async def test_who_may_read_and_record_a_listing_and_every_staff_read_is_access_logged(triage):
    pnr, stranger = personnummer(107, YEAR), personnummer(108, YEAR)
    await register(triage, pnr)  # a contact at UNIT: its staff may see and resolve the listing
    assert (await put_listing(triage, stranger, OTHER_UNIT)).status_code == 200

    unknown = await triage.get("/api/v1/listings", params={"patient": pnr}, headers=as_staff())
    by_ops = await put_listing(triage, pnr, UNIT, headers=as_staff("ops"))
    elsewhere_staff = as_staff(units=("SE2321000115-E00000000012",))
    other_units_staff = await put_listing(triage, pnr, OTHER_UNIT, headers=elsewhere_staff)
    recorded = await put_listing(triage, pnr, OTHER_UNIT, headers=as_staff(), listed_from="2021-05-01")
    read = await triage.get("/api/v1/listings", params={"patient": pnr}, headers=as_staff())
    not_theirs = await triage.get("/api/v1/listings", params={"patient": stranger}, headers=as_staff())
    future = await put_listing(triage, pnr, UNIT, listed_from="2099-01-01")
    bad_unit = await put_listing(triage, pnr, "Vårdcentralen Falkenberg")

    assert unknown.status_code == 200 and unknown.json()["known"] is False and unknown.json()["unit"] is None
    assert by_ops.status_code == 403 and other_units_staff.status_code == 403
    assert recorded.status_code == 200 and recorded.json()["created"] is True
    assert (
        read.json()["known"] is True
        and read.json()["unit"] == OTHER_UNIT
        and read.json()["listed_from"] == "2021-05-01"
    )
    assert not_theirs.status_code == 404
    assert not_theirs.headers["content-type"] == "application/problem+json"
    assert future.status_code == 422 and "framtiden" in future.json()["detail"]
    assert bad_unit.status_code == 422 and "HSA-id" in bad_unit.json()["errors"][0]["message"]
    connection = await asyncpg.connect(triage.database_url)
    try:
        reads = await reads_of_patient(connection, pseudonym(pnr))
        strangers = await reads_of_patient(connection, pseudonym(stranger))
    finally:
        await connection.close()
    assert [r.action for r in reads if r.action == "read listing"] == ["read listing", "read listing"]
    assert not [r for r in strangers if r.action == "read listing"]  # refused, so nothing was read


async def test_recording_an_unknown_listing_resolves_the_open_contacts_waiting_for_it(triage):
    pnr = personnummer(109, YEAR)
    contact = await register(triage, pnr)
    assert contact["listing_flag"] == "Listning okänd"

    recorded = await put_listing(triage, pnr, UNIT, headers=as_staff())
    opened = await triage.get(f"/api/v1/contacts/{contact['id']}", headers=as_staff())
    queue = await triage.get("/api/v1/contacts", params={"unit": UNIT}, headers=as_staff())

    assert recorded.json()["contacts_resolved"] == 1
    assert opened.json()["listing"] == "here" and opened.json()["listing_flag"] is None
    assert opened.json()["listed_unit"] == UNIT and opened.json()["listing_resolved_at"]
    assert next(c for c in queue.json() if c["id"] == contact["id"])["listing_flag"] is None


async def test_a_resolved_listing_is_announced_to_the_guarantee_monitor(triage, kafka_bootstrap):
    pnr = personnummer(110, YEAR)
    contact = await register(triage, pnr)

    await put_listing(triage, pnr, OTHER_UNIT, headers=as_staff())

    events, _ = await read_events_until(
        kafka_bootstrap,
        "nara.contacts.v1",
        lambda seen: any(
            getattr(e.data, "contact_id", None) == contact["id"] and e.type == "se.nara.contact.listing_resolved.v1"
            for e in seen
        ),
    )
    resolved = next(
        e
        for e in events
        if getattr(e.data, "contact_id", None) == contact["id"] and e.type == "se.nara.contact.listing_resolved.v1"
    )
    assert resolved.subject == pseudonym(pnr)
    assert resolved.data.listed_unit == OTHER_UNIT and str(resolved.data.listing) == "elsewhere"


async def test_every_error_of_the_api_is_a_problem_in_swedish(triage):
    no_login = await triage.get("/api/v1/listings", params={"patient": personnummer(111, YEAR)})
    unreadable = await triage.put("/api/v1/listings", headers=as_staff("admin"), json={"patient": "x"})
    no_such_path = await triage.get("/api/v1/nothing-here", headers=as_staff())

    for response in (no_login, unreadable, no_such_path):
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == response.status_code and response.json()["title"]
        assert isinstance(response.json()["detail"], str)
    assert no_login.status_code == 401 and no_login.headers["www-authenticate"].startswith("Bearer")
    assert unreadable.status_code == 422 and "unit" in unreadable.json()["detail"]
    assert [e["field"] for e in unreadable.json()["errors"]] == ["unit"]
    assert no_such_path.status_code == 404
