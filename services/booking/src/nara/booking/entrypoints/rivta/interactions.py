"""Each crm:scheduling interaction over the use cases the REST API calls: the request element in, the response
element out. The mapping between the contract's fields and Nära's is written down in docs/rivta.md."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import asyncpg
from fastapi import Request
from lxml import etree

from nara.shared.clock import STOCKHOLM
from nara.shared.identity import Caller, record_staff_read
from nara.shared.personnummer import InvalidPersonnummer

from ...adapters.unit_of_work import PostgresUnitOfWork
from ...domain.errors import BookingRefused, NotFound
from ...service import appointments as use_cases
from ...service.records import AppointmentRecord
from ...service.requester import Requester
from ...service.search import SlotQuery, free_slots
from ..wiring import now_of, reads, unit_of_work
from .contract import Interaction
from .soap import SoapFault
from .timeslots import booked_timeslot, core, core_text, free_timeslot

# What a cancellation through 1177 says in the cancelled event when 1177 sends no message.
DEFAULT_CANCEL_REASON = "Avbokad via 1177"
MAX_TIMESLOTS = 100  # one answer: the use case's largest page


@dataclass(frozen=True)
class Call:
    """One interaction's request: the unit its logical address routes to, the platform calling, the body."""

    request: Request
    caller: Caller
    unit: str
    unit_name: str
    interaction: Interaction
    body: etree._Element

    def text(self, name: str, namespace: str | None = None) -> str | None:
        found = self.body.find(f"{{{namespace or self.interaction.responder}}}{name}")
        return found.text.strip() if found is not None and found.text else None

    def texts(self, name: str) -> list[str]:
        return [e.text.strip() for e in self.body.findall(f"{{{self.interaction.responder}}}{name}") if e.text]

    def element(self, name: str, children: dict[str, str | None]) -> etree._Element:
        """A response element in the responder's namespace, its children in order (None left out)."""
        made = etree.Element(f"{{{self.interaction.responder}}}{name}", nsmap={None: self.interaction.responder})
        for child, value in children.items():
            if value is not None:
                etree.SubElement(made, f"{{{self.interaction.responder}}}{child}").text = value
        return made

    def patient(self, subject_of_care: str | None) -> Requester:
        """The citizen 1177 acts for (logged in there with e-legitimation), as the use cases see a citizen."""
        if subject_of_care is None:
            raise SoapFault("subject_of_care (personnumret) saknas.")
        try:
            pseudonym = self.request.app.state.pseudonymiser.pseudonym(subject_of_care)
        except InvalidPersonnummer:
            raise SoapFault("subject_of_care är inget giltigt personnummer.") from None
        return Requester.patient(pseudonym)

    @property
    def platform(self) -> Requester:
        """The platform as staff of the addressed unit alone: finds a booking there by its id, nothing more."""
        return Requester.staff(self.caller.subject, (self.unit,))


async def get_all_healthcare_facilities(call: Call) -> etree._Element:
    answer = call.element(f"{call.interaction.name}Response", {})
    info = etree.SubElement(answer, f"{{{call.interaction.responder}}}healthcareFacilityInfos")
    core(info, "healthcare_facility", call.unit)
    core(info, "healthcare_facility_name", call.unit_name)
    return answer


async def get_all_time_types(call: Call) -> etree._Element:
    """The time types a citizen sees at the unit (booking channel web); hidden ones need a triaged contact."""
    wanted = {e.text.strip() for e in call.body.findall(f"{{{call.interaction.extension}}}careTypeIDs") if e.text}
    async with unit_of_work(call.request) as uow:
        time_types = await uow.setup.time_types_for(call.unit)
    answer = call.element(f"{call.interaction.name}Response", {})
    for time_type in sorted(time_types, key=lambda t: t.name):
        if not time_type.visible or (wanted and str(time_type.profession) not in wanted):
            continue
        listed = etree.SubElement(answer, f"{{{call.interaction.responder}}}ListOfTimeTypes")
        core(listed, "timeTypeName", time_type.name)
        core(listed, "timeTypeId", time_type.code)
    return answer


async def get_available_timeslots(call: Call) -> etree._Element:
    requester = call.patient(call.text("subject_of_care", call.interaction.extension))
    first, last = date_of(call.text("startDateInclusive")), date_of(call.text("endDateInclusive"))
    start = max(datetime.combine(first, time(), STOCKHOLM), now_of(call.request))
    end = datetime.combine(last + timedelta(days=1), time(), STOCKHOLM)
    query = SlotQuery(call.unit, start, end, page_size=MAX_TIMESLOTS)
    performers, time_type = set(call.texts("performer")), call.text("timeTypeID")
    async with unit_of_work(call.request) as uow:
        found = await free_slots(uow, query, patient=requester.id, by_staff=False, now=now_of(call.request))
    answer = call.element(f"{call.interaction.name}Response", {})
    for slot in found.slots:
        if (performers and slot.practitioner not in performers) or (time_type and slot.time_type != time_type):
            continue
        detail = etree.SubElement(answer, f"{{{call.interaction.responder}}}timeslotDetail")
        free_timeslot(detail, slot, call.unit_name)
    return answer


async def make_booking(call: Call) -> etree._Element:
    requested = call.body.find(f"{{{call.interaction.responder}}}requestedTimeslot")
    slot_id = _uuid(core_text(requested, "resourceID"), "resourceID (tidens id från GetAvailableTimeslots)")
    subject = core_text(requested, "subject_of_care")
    requester = call.patient(subject)
    reason = core_text(requested, "reason")
    try:
        async with unit_of_work(call.request) as uow:
            booked = await use_cases.book(
                uow,
                requester,
                slot_id=slot_id,
                patient=requester.id,
                contact_id=None,  # the contract carries no triaged contact: hidden time types are refused
                reason=reason,
                now=now_of(call.request),
                policy=call.request.app.state.policy,
            )
            if booked.unit != call.unit:  # the slot is another unit's: nothing is kept (the transaction ends)
                raise _NotThisUnit
    except BookingRefused as refused:
        return call.element("MakeBookingResponse", {"resultCode": "ERROR", "resultText": refused.message})
    except _NotThisUnit:
        return call.element("MakeBookingResponse", {"resultCode": "ERROR", "resultText": _OTHER_UNIT})
    return call.element("MakeBookingResponse", {"bookingId": str(booked.id), "resultCode": "OK"})


async def cancel_booking(call: Call) -> etree._Element:
    """Cancelled as the citizen would on the web: the time type's cancel notice applies."""
    booking_id = _uuid(call.text("bookingId"), "bookingId")
    now = now_of(call.request)
    try:
        async with unit_of_work(call.request) as uow:
            found = await _current_booking(uow, call, booking_id)
            citizen = Requester.patient(found.patient)
            await use_cases.cancel(
                uow, citizen, found.id, reason=call.text("message") or DEFAULT_CANCEL_REASON, now=now
            )
    except BookingRefused as refused:
        return call.element("CancelBookingResponse", {"resultCode": "ERROR", "resultText": refused.message})
    return call.element("CancelBookingResponse", {"resultCode": "OK"})


async def get_booking_details(call: Call) -> etree._Element:
    booking_id = _uuid(call.text("bookingId"), "bookingId")
    now = now_of(call.request)
    try:
        async with unit_of_work(call.request) as uow:
            found = await _current_booking(uow, call, booking_id)
            await _log_read(uow.connection, call, found.patient, found.id, now)
    except BookingRefused as refused:
        raise SoapFault(refused.message) from None
    answer = call.element("GetBookingDetailsResponse", {})
    booked_timeslot(etree.SubElement(answer, f"{{{call.interaction.responder}}}timeslotDetail"), found, now)
    return answer


async def update_booking(call: Call) -> etree._Element:
    """A move to another time at the same unit (the REST API's rebook), as the citizen would on the web: the time
    type's rebook notice applies, and the new time is secured before the old one is let go."""
    requested = call.body.find(f"{{{call.interaction.responder}}}requestedTimeslot")
    booking_id = _uuid(core_text(requested, "bookingId"), "bookingId")
    slot_id = _uuid(core_text(requested, "resourceID"), "resourceID (tidens id från GetAvailableTimeslots)")
    try:
        async with unit_of_work(call.request) as uow:
            found = await _current_booking(uow, call, booking_id)
            citizen = Requester.patient(found.patient)
            await use_cases.rebook(uow, citizen, found.id, new_slot_id=slot_id, now=now_of(call.request))
    except BookingRefused as refused:
        return call.element("UpdateBookingResponse", {"resultCode": "ERROR", "resultText": refused.message})
    return call.element("UpdateBookingResponse", {"resultCode": "OK"})


async def get_subject_of_care_schedule(call: Call) -> etree._Element:
    """The citizen's booked times at the unit from now on; each shown to the platform is access-logged."""
    requester = call.patient(call.text("subject_of_care"))
    now = now_of(call.request)
    async with unit_of_work(call.request) as uow:
        booked = [
            a
            for a in await uow.views.appointments_of_patient(requester.id)
            if a.unit == call.unit and a.is_upcoming(now)
        ]
        for found in booked:
            await _log_read(uow.connection, call, found.patient, found.id, now)
    answer = call.element("GetSubjectOfCareScheduleResponse", {})
    for found in sorted(booked, key=lambda a: a.start_at):
        booked_timeslot(etree.SubElement(answer, f"{{{call.interaction.responder}}}timeslotDetail"), found, now)
    return answer


_OTHER_UNIT = "Tiden finns inte på den här vårdenheten. Välj en tid i listan."


class _NotThisUnit(Exception):
    """The requested slot belongs to another unit than the logical address: the booking is rolled back."""


async def care_unit_name(request: Request, hsa_id: str) -> str | None:
    """The unit's name if Nära knows the unit: the logical address must name one."""
    async with reads(request) as read:
        return next((u.name for u in await read.views.care_units() if u.hsa_id == hsa_id), None)


async def _current_booking(uow: PostgresUnitOfWork, call: Call, booking_id: uuid.UUID) -> AppointmentRecord:
    """The booking 1177 knows by its bookingId: Nära's lineage (the first appointment's id), which a rebooking
    keeps, since UpdateBooking answers no new id; its latest appointment, at the addressed unit only."""
    first = await use_cases.visible_appointment(uow, call.platform, booking_id)
    if first.lineage != first.id:
        raise NotFound("Vi hittar ingen sådan tid.")
    lineage = [a for a in await uow.views.appointments_of_patient(first.patient) if a.lineage == first.lineage]
    replaced = {a.replaces for a in lineage}
    return next((a for a in lineage if a.id not in replaced), first)  # the chain's end: what no rebooking replaced


async def _log_read(
    connection: asyncpg.Connection, call: Call, patient: str, appointment_id: uuid.UUID, now: datetime
) -> None:
    """A booking shown to the platform is a staff read: access-logged with the interaction's name."""
    action = f"rivta {call.interaction.name}"
    resource = f"appointment/{appointment_id}"
    await record_staff_read(connection, call.caller, patient=patient, action=action, resource=resource, at=now)


def date_of(value: str | None) -> date:
    if value is None:
        raise SoapFault("Datum saknas.")
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        raise SoapFault(f"Datumet {value} finns inte.") from None


def _uuid(value: str | None, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(value or "")
    except ValueError:
        raise SoapFault(f"{field} är inte ett id som Nära känner till.") from None
