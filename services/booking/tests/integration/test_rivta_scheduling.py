"""RIVTA crm:scheduling 1.1 through a real SOAP client (zeep) reading the served WSDL, against the real database and
Kafka; every request and response is validated against Nära's schema with xmlschema (a second, independent
validator beside the service's own lxml check)."""

from datetime import datetime, timedelta

import httpx
import pytest
import xmlschema
import zeep
from booking_support import UNIT_FALKENBERG, UNIT_OSKARSTROM, citizen, personnummer, read_events_until, staff
from lxml import etree
from zeep.exceptions import Fault
from zeep.transports import AsyncTransport

from nara.booking.entrypoints.rivta import contract

PLATFORM = "SE165565594230-1000"  # BookingSettings.rivta_platform_client_id's default
BASE = "http://booking/rivta/crm/scheduling"
SCHEMAS: dict[str, xmlschema.XMLSchema] = {}
VALIDATED = {"requests": 0, "responses": 0}


def platform(units=(UNIT_FALKENBERG,)) -> dict[str, str]:
    return staff(units=units, role="ops", hsa_id=PLATFORM)


def validate(envelope: bytes, direction: str) -> None:
    """The body's element against Nära's schema of its interaction; counted."""
    body = etree.fromstring(envelope).find(f"{{{contract.SOAP_ENV}}}Body")
    element = body[0]
    if element.tag == f"{{{contract.SOAP_ENV}}}Fault":
        return
    name = etree.QName(element).localname.removesuffix("Response")
    if name not in SCHEMAS:
        SCHEMAS[name] = xmlschema.XMLSchema(str(contract.SCHEMA_DIR / f"{name}Responder.xsd"))
    SCHEMAS[name].validate(etree.tostring(element).decode())
    VALIDATED[direction] += 1


class AsgiTransport(AsyncTransport):
    """zeep's async transport on the in-process app; the WSDL, fetched from the app beforehand, read from memory
    (zeep loads a WSDL synchronously); every message validated."""

    def __init__(self, app, headers: dict[str, str], documents: dict[str, bytes]):
        self.documents = documents
        self.auth = headers
        super().__init__(client=httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://booking"))

    def load(self, url):
        return self.documents[url]

    async def post(self, address, message, headers):
        validate(message if isinstance(message, bytes) else message.encode(), "requests")
        response = await super().post(address, message, {**headers, **self.auth})
        validate(response.content, "responses")
        return response


async def soap_client(booking, name: str, headers: dict[str, str] | None = None) -> zeep.AsyncClient:
    url = f"{BASE}/{name}/1/rivtabp21?wsdl"
    served = await booking.client.get(url)
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/xml")
    transport = AsgiTransport(booking.app, headers or platform(), {url: served.content})
    return zeep.AsyncClient(url, transport=transport)


async def call(booking, name: str, unit: str = UNIT_FALKENBERG, headers=None, **body):
    client = await soap_client(booking, name, headers)
    return await getattr(client.service, name)(**body, _soapheaders={"LogicalAddress": unit})


def ts_date(moment) -> str:
    return moment.strftime("%Y%m%d")


@pytest.fixture(scope="module", autouse=True)
def print_validation_count():
    yield
    print(f"\nRIVTA: {VALIDATED['requests']} requests and {VALIDATED['responses']} responses schema-validated")


async def test_a_booking_made_and_cancelled_through_rivta_is_seen_in_the_rest_api_and_on_kafka(
    booking, kafka_bootstrap
):
    pnr = personnummer(701)
    subject = pnr.replace("-", "")
    day = booking.clock.now() + timedelta(days=2)

    facilities = await call(
        booking, "GetAllHealthcareFacilities", healthcare_facility=UNIT_FALKENBERG, subject_of_care=subject
    )
    time_types = await call(booking, "GetAllTimeTypes", healthcare_facility=UNIT_FALKENBERG, subject_of_care=subject)
    slots = await call(
        booking,
        "GetAvailableTimeslots",
        healthcare_facility=UNIT_FALKENBERG,
        startDateInclusive=ts_date(day),
        endDateInclusive=ts_date(day + timedelta(days=3)),
        subject_of_care=subject,
    )
    chosen = slots.timeslotDetail[0]
    made = await call(
        booking,
        "MakeBooking",
        healthcare_facility_med=UNIT_FALKENBERG,
        requestedTimeslot={
            "healthcare_facility": UNIT_FALKENBERG,
            "subject_of_care": subject,
            "resourceID": chosen.resourceID,
            "timeTypeID": chosen.timeTypeID,
            "reason": "Ont i halsen",
        },
        subject_of_care_info={"firstName": "Test", "lastName": "Testsson"},
    )
    seen = (await booking.client.get("/api/v1/appointments", headers=citizen(pnr))).json()
    later = slots.timeslotDetail[-1]
    updated = await call(
        booking,
        "UpdateBooking",
        requestedTimeslot={
            "healthcare_facility": UNIT_FALKENBERG,
            "bookingId": made.bookingId,
            "resourceID": later.resourceID,
        },
    )
    moved = [a for a in (await booking.client.get("/api/v1/appointments", headers=citizen(pnr))).json()]
    details = await call(booking, "GetBookingDetails", healthcare_facility=UNIT_FALKENBERG, bookingId=made.bookingId)
    schedule = await call(
        booking, "GetSubjectOfCareSchedule", healthcare_facility=UNIT_FALKENBERG, subject_of_care=subject
    )
    cancelled = await call(
        booking, "CancelBooking", healthcare_facility=UNIT_FALKENBERG, bookingId=made.bookingId, message="Frisk igen"
    )
    after = (await booking.client.get("/api/v1/appointments", headers=citizen(pnr))).json()

    assert [f.healthcare_facility for f in facilities.healthcareFacilityInfos] == [UNIT_FALKENBERG]
    assert time_types.ListOfTimeTypes and all(t.timeTypeId for t in time_types.ListOfTimeTypes)
    assert "LAK_BESOK" not in {t.timeTypeId for t in time_types.ListOfTimeTypes}  # hidden: for a triaged contact only
    assert made.resultCode == "OK", made.resultText
    assert [(a["id"], a["status"]) for a in seen] == [(made.bookingId, "booked")]
    assert updated.resultCode == "OK", updated.resultText
    [new] = [a for a in moved if a["status"] == "booked"]
    assert new["replaces"] == made.bookingId and new["practitioner"]["hsa_id"] == later.performer
    [row] = await booking.fetch("SELECT slot_id FROM appointments WHERE id = $1::uuid", new["id"])
    assert str(row["slot_id"]) == later.resourceID
    detail = details.timeslotDetail
    # 1177 keeps the bookingId it was given: a rebooking keeps Nära's lineage, and the details follow it
    assert detail.bookingId == made.bookingId and detail.startTimeInclusive == later.startTimeInclusive
    assert detail.resourceID == later.resourceID and detail.cancel_booking_allowed is True
    assert detail.subject_of_care is None  # the personnummer is never sent back
    assert [t.startTimeInclusive for t in schedule.timeslotDetail] == [later.startTimeInclusive]
    assert cancelled.resultCode == "OK", cancelled.resultText
    assert {a["id"]: a["status"] for a in after} == {made.bookingId: "rebooked", new["id"]: "cancelled"}
    ids = {made.bookingId, new["id"]}
    events, _ = await read_events_until(
        kafka_bootstrap,
        "nara.appointments.v1",
        lambda found: len([e for e in found if str(getattr(e.data, "appointment_id", "")) in ids]) >= 3,
    )
    mine = [e for e in events if str(getattr(e.data, "appointment_id", "")) in ids]
    assert [e.type.split(".")[3] for e in mine] == ["booked", "rebooked", "cancelled"]
    assert mine[2].data.reason == "Frisk igen"


async def test_care_types_performers_and_dates_agree_with_the_free_times(booking):
    subject = personnummer(704).replace("-", "")
    day = booking.clock.now() + timedelta(days=2)
    window = {"startDateInclusive": ts_date(day), "endDateInclusive": ts_date(day + timedelta(days=2))}

    care_types = await call(booking, "GetAllCareTypes", healthcare_facility=UNIT_FALKENBERG, subject_of_care=subject)
    performers = await call(booking, "GetAllPerformers", healthcare_facility=UNIT_FALKENBERG, subject_of_care=subject)
    nurses = await call(
        booking, "GetAllPerformers", healthcare_facility=UNIT_FALKENBERG, careTypeIDs=["nurse"], subject_of_care=subject
    )
    dates = await call(
        booking, "GetAvailableDates", healthcare_facility=UNIT_FALKENBERG, subject_of_care=subject, **window
    )
    slots = await call(
        booking, "GetAvailableTimeslots", healthcare_facility=UNIT_FALKENBERG, subject_of_care=subject, **window
    )

    listed = {c.careTypeId: c.careTypeName for c in care_types.careTypes}
    assert listed.get("nurse") == "Sjuksköterska"
    everyone = {p.perfomer for p in performers.performerInfos}
    assert nurses.performerInfos and {p.perfomer for p in nurses.performerInfos} < everyone
    assert all(p.title == "Sjuksköterska" for p in nurses.performerInfos)
    by_date = {(d.date, d.performer, d.timeTypeID) for d in dates.performerAvailabilityByDate}
    from_slots = {(t.startTimeInclusive[:8], t.performer, t.timeTypeID) for t in slots.timeslotDetail}
    assert from_slots and from_slots <= by_date  # the timeslots answer is one page; the dates look further
    assert {p for _, p, _ in by_date} <= everyone


async def make_booking(booking, pnr: str, resource_id: str):
    return await call(
        booking,
        "MakeBooking",
        healthcare_facility_med=UNIT_FALKENBERG,
        requestedTimeslot={
            "healthcare_facility": UNIT_FALKENBERG,
            "subject_of_care": pnr.replace("-", ""),
            "resourceID": resource_id,
            "reason": "Hosta",
        },
        subject_of_care_info={"firstName": "Test", "lastName": "Testsson"},
    )


async def test_a_taken_time_and_a_cancellation_too_late_are_refused_as_the_web_refuses_them(booking):
    first, second = personnummer(705), personnummer(706)
    [slot] = await booking.free_slots(first, UNIT_FALKENBERG, profession="nurse", count=1)

    made = await make_booking(booking, first, slot["id"])
    taken = await make_booking(booking, second, slot["id"])
    shift = datetime.fromisoformat(slot["start"]) - timedelta(hours=1) - booking.clock.now()  # within the notice
    booking.clock.advance(shift)
    try:
        too_late = await call(booking, "CancelBooking", healthcare_facility=UNIT_FALKENBERG, bookingId=made.bookingId)
        web = await booking.client.post(
            f"/api/v1/appointments/{made.bookingId}/cancel", json={"reason": "Frisk"}, headers=citizen(first)
        )
    finally:
        booking.clock.advance(-shift)

    assert made.resultCode == "OK"
    assert taken.resultCode == "ERROR" and taken.resultText == "Tiden hann bli bokad av någon annan. Välj en annan tid."
    assert web.status_code == 409 and web.json()["code"] == "notice_too_short"
    assert too_late.resultCode == "ERROR" and too_late.resultText == web.json()["detail"]


async def test_a_hidden_time_type_is_refused_without_a_triaged_contact(booking):
    pnr = personnummer(702)
    [hidden] = await booking.fetch(
        "SELECT s.id FROM slots s JOIN time_types t ON t.code = s.time_type WHERE s.unit = $1 "
        "AND t.booking_channel = 'triaged' AND s.start_at > $2 AND s.reserved = 0 ORDER BY s.start_at LIMIT 1",
        UNIT_FALKENBERG,
        booking.clock.now() + timedelta(days=2),
    )

    made = await call(
        booking,
        "MakeBooking",
        healthcare_facility_med=UNIT_FALKENBERG,
        requestedTimeslot={
            "healthcare_facility": UNIT_FALKENBERG,
            "subject_of_care": pnr.replace("-", ""),
            "resourceID": str(hidden["id"]),
            "reason": "Feber",
        },
        subject_of_care_info={"firstName": "Test", "lastName": "Testsson"},
    )

    assert made.resultCode == "ERROR" and made.bookingId is None
    assert made.resultText == "Den här tiden kan bara bokas efter en bedömning. Börja med att beskriva dina besvär."
    assert not await booking.fetch("SELECT 1 FROM appointments WHERE slot_id = $1", hidden["id"])


async def test_a_time_at_another_unit_than_the_logical_address_is_refused_and_nothing_kept(booking):
    pnr = personnummer(703)
    [elsewhere] = await booking.free_slots(pnr, UNIT_OSKARSTROM, count=1)

    made = await call(
        booking,
        "MakeBooking",
        healthcare_facility_med=UNIT_FALKENBERG,
        requestedTimeslot={
            "healthcare_facility": UNIT_FALKENBERG,
            "subject_of_care": pnr.replace("-", ""),
            "resourceID": elsewhere["id"],
            "reason": "Hosta",
        },
        subject_of_care_info={"firstName": "Test", "lastName": "Testsson"},
    )

    assert made.resultCode == "ERROR" and made.bookingId is None
    assert not await booking.fetch("SELECT 1 FROM appointments WHERE slot_id = $1::uuid", elsewhere["id"])
    [row] = await booking.fetch("SELECT reserved FROM slots WHERE id = $1::uuid", elsewhere["id"])
    assert row["reserved"] == 0


async def test_a_personnummer_that_fits_the_schema_but_is_not_valid_is_a_fault(booking):
    day = booking.clock.now() + timedelta(days=2)
    with pytest.raises(Fault) as refused:
        await call(
            booking,
            "GetAvailableTimeslots",
            healthcare_facility=UNIT_FALKENBERG,
            startDateInclusive=ts_date(day),
            endDateInclusive=ts_date(day),
            subject_of_care="198501011235",
        )

    assert "personnummer" in refused.value.message


@pytest.mark.parametrize(
    ("first", "last", "why"),
    [("20261130", "20261125", "Slutdatumet måste komma efter startdatumet."), ("20261131", "20261201", "finns inte")],
)
async def test_dates_that_cannot_be_searched_are_a_fault_never_a_500(booking, first, last, why):
    with pytest.raises(Fault) as refused:
        await call(
            booking,
            "GetAvailableTimeslots",
            healthcare_facility=UNIT_FALKENBERG,
            startDateInclusive=first,
            endDateInclusive=last,
            subject_of_care=personnummer(708).replace("-", ""),
        )

    assert why in refused.value.message


async def test_an_unknown_logical_address_is_a_soap_fault(booking):
    with pytest.raises(Fault) as unknown:
        await call(
            booking,
            "GetAllHealthcareFacilities",
            unit="SE2321000115-E99999999999",
            healthcare_facility="SE2321000115-E99999999999",
            subject_of_care="198501011234",
        )
    with pytest.raises(Fault) as not_connected:  # a unit Nära has, not among the platform credential's units
        await call(
            booking,
            "GetAllHealthcareFacilities",
            unit=UNIT_OSKARSTROM,
            healthcare_facility=UNIT_OSKARSTROM,
            subject_of_care="198501011234",
        )

    assert "logiska adressen" in unknown.value.message
    assert "logiska adressen" in not_connected.value.message


async def test_a_booking_at_another_unit_is_not_found_through_this_units_address(booking):
    pnr = personnummer(707)
    [slot] = await booking.free_slots(pnr, UNIT_OSKARSTROM, profession="nurse", count=1)
    elsewhere = (await booking.book(pnr, slot["id"])).json()["id"]
    both = platform(units=(UNIT_FALKENBERG, UNIT_OSKARSTROM))

    with pytest.raises(Fault) as hidden:
        await call(booking, "GetBookingDetails", headers=both, healthcare_facility=UNIT_FALKENBERG, bookingId=elsewhere)
    cancelled = await call(
        booking, "CancelBooking", headers=both, healthcare_facility=UNIT_FALKENBERG, bookingId=elsewhere
    )
    there = await call(
        booking,
        "GetBookingDetails",
        unit=UNIT_OSKARSTROM,
        headers=both,
        healthcare_facility=UNIT_OSKARSTROM,
        bookingId=elsewhere,
    )
    still = (await booking.client.get(f"/api/v1/appointments/{elsewhere}", headers=citizen(pnr))).json()

    assert hidden.value.message == "Vi hittar ingen sådan tid."
    assert cancelled.resultCode == "ERROR" and cancelled.resultText == "Vi hittar ingen sådan tid."
    assert there.timeslotDetail.bookingId == elsewhere
    assert still["status"] == "booked"


async def test_a_call_without_a_token_is_refused_before_anything_is_read(booking):
    answer = await booking.client.post(f"{BASE}/GetAllHealthcareFacilities/1/rivtabp21", content=b"<x/>")

    assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"


async def test_a_caller_other_than_the_platform_gets_a_fault(booking):
    with pytest.raises(Fault) as refused:
        await call(
            booking,
            "GetAllHealthcareFacilities",
            headers=staff(role="reception"),
            healthcare_facility=UNIT_FALKENBERG,
            subject_of_care="198501011234",
        )

    assert "tjänsteplattformen" in refused.value.message


@pytest.mark.parametrize(
    "body",
    [
        b"<not-xml",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body/></soapenv:Envelope>',
        b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>'
        b'<LogicalAddress xmlns="urn:riv:itintegration:registry:1">' + UNIT_FALKENBERG.encode() + b"</LogicalAddress>"
        b'</soapenv:Header><soapenv:Body><MakeBooking xmlns="urn:riv:crm:scheduling:MakeBookingResponder:1">'
        b"<unexpected/></MakeBooking></soapenv:Body></soapenv:Envelope>",
    ],
    ids=["not xml", "external entity", "no logical address", "not the schema"],
)
async def test_a_malformed_envelope_is_a_soap_fault_never_a_500(booking, body):
    answer = await booking.client.post(
        f"{BASE}/MakeBooking/1/rivtabp21", content=body, headers={**platform(), "Content-Type": "text/xml"}
    )

    assert answer.status_code == 400
    fault = etree.fromstring(answer.content).find(f".//{{{contract.SOAP_ENV}}}Fault")
    assert fault is not None and fault.findtext("faultcode") == "soapenv:Client"
    assert "passwd" not in answer.text and "root:" not in answer.text


async def test_every_interactions_wsdl_is_served_and_read_by_zeep(booking):
    for name in contract.INTERACTIONS:
        client = await soap_client(booking, name)
        [service] = client.wsdl.services.values()
        [port] = service.ports.values()
        assert port.binding_options["address"] == f"{BASE}/{name}/1/rivtabp21"
        assert list(port.binding._operations) == [name]
        xmlschema.XMLSchema(str(contract.SCHEMA_DIR / f"{name}Responder.xsd"))
    assert len(contract.INTERACTIONS) == 11
