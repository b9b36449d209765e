"""Each crm:scheduling interaction over the use cases the REST API calls: the request element in, the response
element out. The mapping between the contract's fields and Nära's is written down in docs/rivta.md."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from fastapi import Request
from lxml import etree

from nara.shared.clock import STOCKHOLM
from nara.shared.identity import Caller, record_staff_read

from ...domain.errors import BookingRefused
from ...service import appointments as use_cases
from ...service.records import AppointmentRecord, FreeSlot
from ...service.requester import Requester
from ...service.search import SlotQuery, free_slots
from ..wiring import now_of, reads, unit_of_work
from .contract import CORE_EXT, Interaction
from .soap import SoapFault

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
        pseudonym = self.request.app.state.pseudonymiser.pseudonym(subject_of_care)
        return Requester.patient(pseudonym)

    @property
    def platform(self) -> Requester:
        """The platform as staff of the addressed unit alone: finds a booking there by its id, nothing more."""
        return Requester.staff(self.caller.subject, (self.unit,))


Handler = Callable[[Call], Awaitable[etree._Element]]


async def get_all_healthcare_facilities(call: Call) -> etree._Element:
    answer = call.element(f"{call.interaction.name}Response", {})
    info = etree.SubElement(answer, f"{{{call.interaction.responder}}}healthcareFacilityInfos")
    _core(info, "healthcare_facility", call.unit)
    _core(info, "healthcare_facility_name", call.unit_name)
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
        _core(listed, "timeTypeName", time_type.name)
        _core(listed, "timeTypeId", time_type.code)
    return answer


async def get_available_timeslots(call: Call) -> etree._Element:
    requester = call.patient(call.text("subject_of_care", call.interaction.extension))
    first, last = _date(call.text("startDateInclusive")), _date(call.text("endDateInclusive"))
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
        _free_timeslot(detail, slot, call, now_of(call.request))
    return answer


async def make_booking(call: Call) -> etree._Element:
    requested = call.body.find(f"{{{call.interaction.responder}}}requestedTimeslot")
    slot_id = _uuid(_core_text(requested, "resourceID"), "resourceID (tidens id från GetAvailableTimeslots)")
    subject = _core_text(requested, "subject_of_care")
    requester = call.patient(subject)
    reason = _core_text(requested, "reason")
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
            found = await use_cases.visible_appointment(uow, call.platform, booking_id)
            citizen = Requester.patient(found.patient)
            await use_cases.cancel(
                uow, citizen, booking_id, reason=call.text("message") or DEFAULT_CANCEL_REASON, now=now
            )
    except BookingRefused as refused:
        return call.element("CancelBookingResponse", {"resultCode": "ERROR", "resultText": refused.message})
    return call.element("CancelBookingResponse", {"resultCode": "OK"})


async def get_booking_details(call: Call) -> etree._Element:
    booking_id = _uuid(call.text("bookingId"), "bookingId")
    now = now_of(call.request)
    try:
        async with unit_of_work(call.request) as uow:
            found = await use_cases.visible_appointment(uow, call.platform, booking_id)
            await record_staff_read(
                uow.connection,
                call.caller,
                patient=found.patient,
                action="rivta GetBookingDetails",
                resource=f"appointment/{found.id}",
                at=now,
            )
    except BookingRefused as refused:
        raise SoapFault(refused.message) from None
    answer = call.element("GetBookingDetailsResponse", {})
    _booked_timeslot(etree.SubElement(answer, f"{{{call.interaction.responder}}}timeslotDetail"), found, now)
    return answer


HANDLERS: dict[str, Handler] = {
    "GetAllHealthcareFacilities": get_all_healthcare_facilities,
    "GetAllTimeTypes": get_all_time_types,
    "GetAvailableTimeslots": get_available_timeslots,
    "MakeBooking": make_booking,
    "CancelBooking": cancel_booking,
    "GetBookingDetails": get_booking_details,
}

_OTHER_UNIT = "Tiden finns inte på den här vårdenheten. Välj en tid i listan."
CORE = "urn:riv:crm:scheduling:1"


class _NotThisUnit(Exception):
    """The requested slot belongs to another unit than the logical address: the booking is rolled back."""


async def care_unit_name(request: Request, hsa_id: str) -> str | None:
    """The unit's name if Nära knows the unit: the logical address must name one."""
    async with reads(request) as read:
        return next((u.name for u in await read.views.care_units() if u.hsa_id == hsa_id), None)


def _free_timeslot(detail: etree._Element, slot: FreeSlot, call: Call, now: datetime) -> None:
    _timeslot(
        detail,
        start=slot.start_at,
        end=slot.end_at,
        unit=slot.unit,
        unit_name=call.unit_name,
        performer=slot.practitioner,
        performer_name=slot.practitioner_name,
        resource_id=str(slot.id),
        time_type=(slot.time_type, slot.time_type_name),
        care_type=slot.profession,
        may_cancel=slot.change_terms.cancel_until is not None,
        may_rebook=slot.change_terms.rebook_until is not None,
    )


def _booked_timeslot(detail: etree._Element, found: AppointmentRecord, now: datetime) -> None:
    _timeslot(
        detail,
        start=found.start_at,
        end=found.end_at,
        unit=found.unit,
        unit_name=found.unit_name,
        performer=found.practitioner,
        performer_name=found.practitioner_name,
        resource_id=str(found.slot_id),
        time_type=(found.time_type, found.time_type_name),
        care_type=str(found.profession),
        booking_id=str(found.id),
        reason=found.reason,
        may_cancel=found.is_upcoming(now),
        may_rebook=found.is_upcoming(now),
    )


def _timeslot(
    detail: etree._Element,
    *,
    start: datetime,
    end: datetime,
    unit: str,
    unit_name: str,
    performer: str,
    performer_name: str,
    resource_id: str,
    time_type: tuple[str, str],
    care_type: str,
    may_cancel: bool,
    may_rebook: bool,
    booking_id: str | None = None,
    reason: str | None = None,
) -> None:
    """A TimeslotType, its children in the contract's order. The personnummer is never sent back."""
    for name, value in (
        ("startTimeInclusive", _ts(start)),
        ("endTimeExclusive", _ts(end)),
        ("healthcare_facility", unit),
        ("performer", performer),
        ("bookingId", booking_id),
        ("reason", reason),
        ("healthcare_facility_name", unit_name),
        ("performerName", performer_name),
        ("resourceID", resource_id),
        ("timeTypeName", time_type[1]),
        ("timeTypeID", time_type[0]),
        ("careTypeID", care_type),
        ("cancel_booking_allowed", _bool(may_cancel)),
        ("rebooking_allowed", _bool(may_rebook)),
        ("message_allowed", "false"),
    ):
        if value is not None:
            _core(detail, name, value)
    etree.SubElement(detail, f"{{{CORE_EXT}}}isInvitation").text = "false"  # Nära sends no invitations


def _core(parent: etree._Element, name: str, value: str) -> None:
    # TimeslotType's children are in the core namespace though the element sits in the responder's.
    etree.SubElement(parent, f"{{{CORE}}}{name}").text = value


def _core_text(parent: etree._Element | None, name: str) -> str | None:
    found = parent.find(f"{{{CORE}}}{name}") if parent is not None else None
    return found.text.strip() if found is not None and found.text else None


def _ts(moment: datetime) -> str:
    return moment.astimezone(STOCKHOLM).strftime("%Y%m%d%H%M%S")


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _date(value: str | None) -> date:
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
