"""Issue 13, finding 3: a personnummer typed into free text never leaves booking (events, rows, the triage service).

The API refuses it with a 422 problem naming the field; the pages say so in Swedish beside the field.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from booking_support import PAGES_SECRET, UNIT_FALKENBERG, citizen, hidden_field, personnummer, pseudonym, staff

from nara.shared.identity import issue_dev_token
from nara.shared.web.session import sign

OWNER = personnummer(1310)
SAID = "Skriv inte personnummer i fritext"
# The ways a person writes one: 12 digits with and without a dash, 10 digits, and a samordningsnummer.
WRITTEN = ["Fel patient, rätt är 19121212-1212", "pnr 191212121212", "gäller 121212-1212", "sam.nr 701063-2391"]


async def _book_for(booking, pnr: str, *, days_ahead: int = 3) -> dict:
    [slot] = await booking.free_slots(pnr, UNIT_FALKENBERG, profession="nurse", days_ahead=days_ahead, count=1)
    booked = await booking.client.post(
        "/api/v1/appointments", headers=staff([UNIT_FALKENBERG]), json={"slot_id": slot["id"], "patient": pnr}
    )  # staff: no per-unit limit
    assert booked.status_code == 201, booked.text
    return booked.json()


async def _events_mentioning(booking, text: str) -> int:
    rows = await booking.fetch(
        "SELECT count(*) AS n FROM outbox WHERE position($1 in convert_from(value, 'UTF8')) > 0", text
    )
    return rows[0]["n"]


@pytest.mark.parametrize("reason", WRITTEN)
async def test_a_staff_cancel_reason_with_a_personnummer_is_refused_and_nothing_is_published(guarded_booking, reason):
    """Finding 3: a staff cancel reason carried a personnummer onto Kafka in appointment.cancelled.v1 data.reason."""
    booking = guarded_booking
    appointment = await _book_for(booking, OWNER)

    refused = await booking.client.post(
        f"/api/v1/appointments/{appointment['id']}/cancel", headers=staff([UNIT_FALKENBERG]), json={"reason": reason}
    )
    still = await booking.client.get(f"/api/v1/appointments/{appointment['id']}", headers=citizen(OWNER))

    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    [error] = refused.json()["errors"]
    assert error["field"] == "reason" and error["message"].startswith(SAID)
    assert still.json()["status"] == "booked"
    assert await _events_mentioning(booking, appointment["id"]) == 1  # the booked event only
    assert [await _events_mentioning(booking, n) for n in ("19121212-1212", "191212121212", "121212-1212")] == [0] * 3


async def test_a_booking_reason_with_a_personnummer_is_refused(guarded_booking):
    """Finding 3: the reason for a visit is kept and shown to staff; a personnummer in it is refused with 422."""
    booking = guarded_booking
    [slot] = await booking.free_slots(OWNER, UNIT_FALKENBERG, profession="nurse", days_ahead=4, count=1)

    refused = await booking.client.post(
        "/api/v1/appointments",
        headers=staff([UNIT_FALKENBERG]),
        json={"slot_id": slot["id"], "patient": OWNER, "reason": WRITTEN[0]},
    )

    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "reason"
    assert not await booking.fetch("SELECT 1 FROM appointments WHERE slot_id = $1::uuid", slot["id"])


def _session(pnr: str) -> dict[str, str]:
    return {"Cookie": f"nara_session={issue_dev_token('citizen', pnr)}"}


async def test_the_cancel_page_says_beside_the_field_that_a_personnummer_cannot_be_written(guarded_booking):
    """Finding 3, on the page: a citizen's "Berätta gärna mer" went into the cancelled event's reason."""
    booking, pnr = guarded_booking, personnummer(1311)
    appointment = await _book_for(booking, pnr, days_ahead=5)
    path = f"/mina-tider/{appointment['id']}/avboka"
    session = _session(pnr)  # one login: a token issued a second later is another session, with another CSRF token
    form = await booking.client.get(path, headers=session)

    answer = await booking.client.post(
        path,
        headers=session,
        data={
            "csrf": hidden_field(form.text, "csrf"),
            "nyckel": hidden_field(form.text, "nyckel"),
            "orsak": "annat",
            "mer": f"Ring mig hellre, mitt nummer är {pnr}",
        },
    )
    still = await booking.client.get(f"/api/v1/appointments/{appointment['id']}", headers=citizen(pnr))

    assert form.status_code == 200
    assert answer.status_code == 422
    beside = re.search(r'<p id="mer-fel" class="error-message">(.*?)</p>', answer.text, re.S)
    assert beside and SAID in beside.group(1)
    assert 'href="#mer"' in answer.text  # the error summary leads to the field
    assert "Ring mig hellre" in answer.text  # what was written is kept, to be corrected
    assert still.json()["status"] == "booked"
    assert await _events_mentioning(booking, pnr[2:]) == 0


async def test_the_confirm_page_refuses_a_personnummer_in_what_the_visit_is_about(guarded_booking):
    """Finding 3, on the page: the visit's reason ("Vad gäller besöket?") is refused beside its field."""
    booking, pnr = guarded_booking, personnummer(1312)
    start = booking.clock.now() + timedelta(days=2)
    found = await booking.client.get(
        "/api/v1/slots",
        headers=staff([UNIT_FALKENBERG]),
        params={"unit": UNIT_FALKENBERG, "profession": "doctor", "contact_form": "clinic", "from": start.isoformat()},
    )
    slot = found.json()["slots"][0]
    flow = {
        "contact_id": "c-confirm",
        "who": pseudonym(pnr),
        "hold": {"id": str(uuid.uuid4()), "slot_id": slot["id"], "expires_at": start.isoformat()},
    }
    cookies = f"{_session(pnr)['Cookie']}; nara_flow={sign(PAGES_SECRET.encode(), 'flow', flow)}"
    form = await booking.client.get("/bekrafta", headers={"Cookie": cookies})

    answer = await booking.client.post(
        "/bekrafta",
        headers={"Cookie": cookies},
        data={
            "csrf": hidden_field(form.text, "csrf"),
            "tid": hidden_field(form.text, "tid"),  # issue 17: the form carries the time it showed
            "hall": hidden_field(form.text, "hall"),
            "arende": hidden_field(form.text, "arende"),
            "anledning": f"Hosta. Mitt personnummer: {pnr}",
        },
    )

    assert form.status_code == 200 and 'name="anledning"' in form.text
    assert answer.status_code == 422
    beside = re.search(r'<p id="anledning-fel" class="error-message">(.*?)</p>', answer.text, re.S)
    assert beside and SAID in beside.group(1)
    assert not await booking.fetch("SELECT 1 FROM appointments WHERE slot_id = $1::uuid", slot["id"])


async def test_a_personnummer_typed_into_the_reason_search_goes_no_further(guarded_booking, stub_triage):
    """Finding 3, on the page: the search box's words were sent on to the triage service (and its logs)."""
    booking, pnr = guarded_booking, personnummer(1313)
    stub, _ = stub_triage

    answer = await booking.client.get("/besvar", params={"sok": pnr}, headers=_session(pnr))

    assert answer.status_code == 400
    beside = re.search(r'<p id="sok-fel" class="error-message">(.*?)</p>', answer.text, re.S)
    assert beside and SAID in beside.group(1)
    assert all(pnr[2:8] not in search for search in stub.state.searches)
