"""Hold, book, rebook, cancel, complete and no-show. Each runs in the unit of work the caller opened."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from nara.shared.events.models import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentCompleted,
    AppointmentNoShow,
    AppointmentRebooked,
)

from ..domain import rules
from ..domain.appointment import AppointmentStatus, Hold
from ..domain.errors import Forbidden, InvalidRequest, NotFound, SlotNotBookable, SlotTaken, TooManyBookings
from ..domain.schedule import Slot, TimeType
from ..domain.seats import TAKEN
from .ports import NewAppointment
from .records import AppointmentRecord
from .reminders import cancel_reminders
from .requester import Requester
from .unit_of_work import UnitOfWork
from .waitlist import end_when_booked

SOURCE = "/nara/booking"


@dataclass(frozen=True)
class BookingPolicy:
    hold_duration: timedelta = timedelta(minutes=5)
    max_future_web_bookings_per_unit: int = 3


async def hold(
    uow: UnitOfWork,
    requester: Requester,
    slot_id: uuid.UUID,
    now: datetime,
    policy: BookingPolicy,
    contact_id: str | None = None,
    patient: str | None = None,
) -> Hold:
    """Keep a slot for a few minutes while the person confirms; it lapses by itself. The hold is the patient's
    (a guardian holds for their child), so that the booking for that patient takes the held seat."""
    patient = patient or requester.id
    _ensure_acts_for(requester, patient)
    slot = await _bookable_slot(uow, slot_id, now)
    if requester.is_staff and slot.unit not in requester.units:
        raise NotFound("Vi hittar inte den tiden på dina enheter.")
    await _contact_for(uow, contact_id, patient, slot, now, requester)  # only what the person may book
    await uow.slots.drop_holds_of(patient)  # one hold at a time per patient
    if not await uow.slots.take_seat(slot.id, patient, now):
        raise SlotTaken(TAKEN)
    return await uow.slots.add_hold(slot.id, patient, now, now + policy.hold_duration)


async def book(
    uow: UnitOfWork,
    requester: Requester,
    *,
    slot_id: uuid.UUID,
    patient: str,
    contact_id: str | None,
    reason: str | None,
    now: datetime,
    policy: BookingPolicy,
) -> AppointmentRecord:
    # A patient's web bookings at a unit are counted under a lock taken with the slot, so two at once cannot
    # both pass the limit; the count, seat, appointment and event are then one statement.
    limited = not requester.is_staff
    _ensure_acts_for(requester, patient)
    slot = await _bookable_slot(uow, slot_id, now, lock_patient=patient if limited else None)
    contact = await _contact_for(uow, contact_id, patient, slot, now, requester)
    _ensure_reason(slot.time_type, reason)
    if requester.is_staff and not requester.may_see(patient, slot.unit):
        raise Forbidden("Du kan bara boka tider på dina egna enheter.")
    chose_to_wait = rules.patient_chose_to_wait(contact, slot.end_at, booked_by_patient=not requester.is_staff)
    appointment_id = uuid.uuid4()
    new = _new_appointment(
        appointment_id, appointment_id, slot, patient, contact_id, requester, reason, now, chose_to_wait
    )
    limit = policy.max_future_web_bookings_per_unit if limited else None
    event = AppointmentBooked(**_scheduled_fields(new, slot, requester))
    attempt = await uow.appointments.book(new, limit_at_unit=limit, event=event, now=now)
    if limit is not None and attempt.booked_at_unit >= limit:
        raise TooManyBookings(
            f"Du har redan {limit} bokade tider på den här vårdcentralen. "
            "Avboka en tid eller ring vårdcentralen för att boka fler."
        )
    if not attempt.seated:
        raise SlotTaken(TAKEN)
    # a time inside the deadline: no need to wait for one (an offer of this very slot is the caller's to close)
    await end_when_booked(uow, contact, slot.end_at, now, booked_slot=slot.id)
    return _record(new, slot)  # everything the answer shows is known here: no read back


async def rebook(
    uow: UnitOfWork, requester: Requester, appointment_id: uuid.UUID, *, new_slot_id: uuid.UUID, now: datetime
) -> AppointmentRecord:
    """Secure the new slot before letting go of the old one, in one transaction; history is kept."""
    current = await _active_appointment(uow, requester, appointment_id)
    if not requester.is_staff:
        await _ensure_citizen_may_change(uow, "rebook", current, now)
    if new_slot_id == current.slot_id:
        raise InvalidRequest("Du har redan den här tiden. Välj en annan tid för att omboka.")
    slot = await _bookable_slot(uow, new_slot_id, now)
    if slot.unit != current.unit:
        raise InvalidRequest("Du kan bara omboka till en tid på samma vårdcentral.")
    contact = await _contact_for(uow, current.contact_id, current.patient, slot, now, requester)
    if not await uow.slots.take_seat(slot.id, current.patient, now):  # the new seat first
        raise SlotTaken(TAKEN)
    await uow.appointments.end(
        current.id, current.status.becoming(AppointmentStatus.REBOOKED), now=now, by=requester.id
    )
    await uow.slots.release_seat(current.slot_id)
    await uow.offers.note_freed([current.slot_id])  # the old seat may go to someone on the waitlist
    await cancel_reminders(uow, current.id, now=now)  # the new time gets its own
    chose_to_wait = rules.patient_chose_to_wait(contact, slot.end_at, booked_by_patient=not requester.is_staff)
    new = _new_appointment(
        uuid.uuid4(),
        current.lineage,
        slot,
        current.patient,
        current.contact_id,
        requester,
        current.reason,
        now,
        chose_to_wait,
        replaces=current.id,
    )
    await uow.appointments.add(new)
    # `replaces` is more than the contract's fields (the event models allow extra fields).
    event = AppointmentRebooked.model_validate({**_scheduled_fields(new, slot, requester), "replaces": str(current.id)})
    await uow.announce(event, subject=current.patient, time=now)
    await end_when_booked(uow, contact, slot.end_at, now, booked_slot=slot.id)
    return await _reread(uow, new.id)


async def cancel(
    uow: UnitOfWork, requester: Requester, appointment_id: uuid.UUID, *, reason: str, now: datetime
) -> AppointmentRecord:
    if not reason or not reason.strip():
        raise InvalidRequest("Skriv varför tiden avbokas.")
    rules.ensure_no_personnummer(reason)
    current = await _active_appointment(uow, requester, appointment_id)
    if not requester.is_staff:
        await _ensure_citizen_may_change(uow, "cancel", current, now)
    return await _cancel_active(uow, requester, current, reason=reason, now=now)


async def cancel_for_earlier_time(
    uow: UnitOfWork, requester: Requester, appointment_id: uuid.UUID, *, reason: str, now: datetime
) -> AppointmentRecord:
    """The patient took an earlier time from the waitlist: their later time for the contact is let go in the same
    transaction. The web's cancel notice does not apply: the later time is further off than the one taken."""
    current = await _active_appointment(uow, requester, appointment_id)
    return await _cancel_active(uow, requester, current, reason=reason, now=now)


async def _cancel_active(
    uow: UnitOfWork, requester: Requester, current: AppointmentRecord, *, reason: str, now: datetime
) -> AppointmentRecord:
    status = current.status.becoming(AppointmentStatus.CANCELLED)
    await uow.appointments.end(current.id, status, now=now, by=requester.id, reason=reason.strip())
    await uow.slots.release_seat(current.slot_id)
    await uow.offers.note_freed([current.slot_id])  # the seat may go to someone on the waitlist
    await cancel_reminders(uow, current.id, now=now)
    event = AppointmentCancelled(
        appointment_id=str(current.id),
        contact_id=current.contact_id,
        cancelled_by=requester.kind,
        reason=reason.strip(),
    )
    await uow.announce(event, subject=current.patient, time=now)
    return await _reread(uow, current.id)


async def complete(
    uow: UnitOfWork, requester: Requester, appointment_id: uuid.UUID, *, medical_assessment: bool, now: datetime
) -> AppointmentRecord:
    current = await _staff_visit(uow, requester, appointment_id, now)
    status = current.status.becoming(AppointmentStatus.COMPLETED)
    await uow.appointments.end(current.id, status, now=now, by=requester.id, medical_assessment=medical_assessment)
    event = AppointmentCompleted(
        appointment_id=str(current.id),
        contact_id=current.contact_id,
        medical_assessment=medical_assessment,
        profession=current.profession,
        contact_form=current.contact_form,
        at=now,
    )
    await uow.announce(event, subject=current.patient, time=now)
    return await _reread(uow, current.id)


async def no_show(
    uow: UnitOfWork, requester: Requester, appointment_id: uuid.UUID, *, now: datetime
) -> AppointmentRecord:
    current = await _staff_visit(uow, requester, appointment_id, now)
    await uow.appointments.end(current.id, current.status.becoming(AppointmentStatus.NO_SHOW), now=now, by=requester.id)
    event = AppointmentNoShow(appointment_id=str(current.id), contact_id=current.contact_id, at=now)
    await uow.announce(event, subject=current.patient, time=now)
    return await _reread(uow, current.id)


async def visible_appointment(
    uow: UnitOfWork, requester: Requester, appointment_id: uuid.UUID, *, lock: bool = False
) -> AppointmentRecord:
    """The appointment if this requester may see it; otherwise NotFound, never a hint that it exists."""
    found = await uow.appointments.get(appointment_id, lock=lock)
    if found is None or not requester.may_see(found.patient, found.unit):
        raise NotFound("Vi hittar ingen sådan tid.")
    return found


async def _reread(uow: UnitOfWork, appointment_id: uuid.UUID) -> AppointmentRecord:
    found = await uow.appointments.get(appointment_id)
    if found is None:  # written in this very transaction: only a broken database loses it
        raise RuntimeError(f"appointment {appointment_id} vanished in its own transaction")
    return found


async def _active_appointment(uow: UnitOfWork, requester: Requester, appointment_id: uuid.UUID) -> AppointmentRecord:
    # The row lock queues concurrent changes of one appointment: the second sees it is no longer booked.
    current = await visible_appointment(uow, requester, appointment_id, lock=True)
    current.status.ensure_active()
    return current


async def _ensure_citizen_may_change(
    uow: UnitOfWork, action: rules.Change, current: AppointmentRecord, now: datetime
) -> None:
    slot = await uow.slots.slot(current.slot_id)
    if slot is None:  # slots are never deleted while an appointment points at them (a foreign key)
        raise NotFound("Vi hittar ingen sådan tid.")
    rules.ensure_citizen_may_change(action, slot.time_type, current.start_at, now)


async def _staff_visit(
    uow: UnitOfWork, requester: Requester, appointment_id: uuid.UUID, now: datetime
) -> AppointmentRecord:
    if not requester.is_staff:
        raise Forbidden("Bara personal kan registrera besök.")
    current = await _active_appointment(uow, requester, appointment_id)
    if current.start_at > now:
        raise InvalidRequest("Besöket har inte börjat än, så det kan inte registreras.")
    return current


async def _bookable_slot(
    uow: UnitOfWork, slot_id: uuid.UUID, now: datetime, *, lock_patient: str | None = None
) -> Slot:
    if lock_patient is None:
        slot = await uow.slots.slot(slot_id)
    else:
        slot = await uow.slots.slot_locking_patient_at_unit(slot_id, lock_patient)
    if slot is None:
        raise NotFound("Vi hittar inte den tiden. Välj en tid i listan.")
    rules.ensure_bookable_now(slot.start_at, now)
    if slot.blocked:
        raise SlotNotBookable("Tiden går inte att boka längre. Välj en annan tid.")
    return slot


async def _contact_for(
    uow: UnitOfWork, contact_id: str | None, patient: str, slot: Slot, now: datetime, requester: Requester
) -> rules.TriagedContact | None:
    contact = await uow.contacts.get(contact_id) if contact_id else None
    staff_units = requester.units if requester.is_staff else None
    # Another patient's contact, or another unit's, is answered as one not known yet: never a hint that it exists.
    if contact_id and (contact is None or not rules.may_use_contact(contact, patient, staff_units)):
        raise NotFound(rules.CONTACT_NOT_KNOWN_YET)
    if contact is not None and not requester.is_staff:
        rules.ensure_contact_may_book(contact, patient, slot.time_type, slot.start_at, now)
    rules.ensure_time_type_open_to(slot.time_type, contact, requester.is_staff)
    return contact


def _ensure_acts_for(requester: Requester, patient: str) -> None:
    if not requester.is_staff and not requester.may_act_for(patient):
        raise Forbidden("Du kan bara boka tider åt dig själv och åt dina barn under 18 år.")


def _ensure_reason(time_type: TimeType, reason: str | None) -> None:
    if time_type.reason_required and not (reason and reason.strip()):
        raise InvalidRequest("Skriv kort vad besöket gäller. Det behövs för den här tiden.")
    rules.ensure_no_personnummer(reason)


def _new_appointment(
    appointment_id: uuid.UUID,
    lineage: uuid.UUID,
    slot: Slot,
    patient: str,
    contact_id: str | None,
    requester: Requester,
    reason: str | None,
    now: datetime,
    chose_to_wait: bool,
    *,
    replaces: uuid.UUID | None = None,
) -> NewAppointment:
    return NewAppointment(
        id=appointment_id,
        lineage=lineage,
        slot_id=slot.id,
        patient=patient,
        unit=slot.unit,
        contact_id=contact_id,
        booked_by=requester.kind,
        booked_by_id=requester.id,
        reason=reason,
        earlier_time_offered_within_guarantee=chose_to_wait,
        replaces=replaces,
        created_at=now,
    )


def _record(new: NewAppointment, slot: Slot) -> AppointmentRecord:
    return AppointmentRecord(
        id=new.id,
        lineage=new.lineage,
        slot_id=slot.id,
        patient=new.patient,
        unit=slot.unit,
        unit_name=slot.unit_name,
        unit_address=slot.unit_address,
        contact_id=new.contact_id,
        status=AppointmentStatus.BOOKED,
        booked_by=new.booked_by,
        reason=new.reason,
        earlier_time_offered_within_guarantee=new.earlier_time_offered_within_guarantee,
        replaces=new.replaces,
        created_at=new.created_at,
        start_at=slot.start_at,
        end_at=slot.end_at,
        practitioner=slot.practitioner,
        practitioner_name=slot.practitioner_name,
        profession=slot.time_type.profession,
        contact_form=slot.time_type.contact_form,
        time_type=slot.time_type.code,
        time_type_name=slot.time_type.name,
        ended_at=None,
        end_reason=None,
        medical_assessment=None,
    )


def _scheduled_fields(new: NewAppointment, slot: Slot, requester: Requester) -> dict[str, Any]:
    return dict(
        appointment_id=str(new.id),
        contact_id=new.contact_id,
        patient=new.patient,
        unit=slot.unit,
        practitioner=slot.practitioner,
        profession=slot.time_type.profession,
        contact_form=slot.time_type.contact_form,
        start=slot.start_at,
        end=slot.end_at,
        booked_by=requester.kind,
        earlier_time_offered_within_guarantee=new.earlier_time_offered_within_guarantee,
    )
