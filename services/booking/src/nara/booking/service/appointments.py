"""Hold, book, rebook, cancel, complete and no-show. Each call runs in the caller's transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from nara.shared.events.models import (
    AppointmentBooked,
    AppointmentCancelled,
    AppointmentCompleted,
    AppointmentNoShow,
    AppointmentRebooked,
)
from nara.shared.outbox import add_event_to_outbox
from nara.shared.outbox.writer import event_parameters

from ..adapters import store
from ..domain import rules
from ..domain.errors import (
    AppointmentNotActive,
    Forbidden,
    InvalidRequest,
    NotFound,
    SlotNotBookable,
    SlotTaken,
    TooManyBookings,
)
from .actors import Actor
from .records import AppointmentRecord, appointment

SOURCE = "/nara/booking"
TAKEN = "Tiden hann bli bokad av någon annan. Välj en annan tid."
ALREADY_YOURS = "Du har redan en bokad tid här. Se Mina tider."


@dataclass(frozen=True)
class BookingPolicy:
    hold_duration: timedelta = timedelta(minutes=5)
    max_future_web_bookings_per_unit: int = 3


@dataclass(frozen=True)
class Hold:
    id: uuid.UUID
    slot_id: uuid.UUID
    expires_at: datetime


async def hold(
    connection: asyncpg.Connection,
    actor: Actor,
    slot_id: uuid.UUID,
    now: datetime,
    policy: BookingPolicy,
    contact_id: str | None = None,
    patient: str | None = None,
) -> Hold:
    """Keep a slot for a few minutes while the person confirms; it lapses by itself. The hold is the patient's
    (a guardian holds for their child), so that the booking for that patient takes the held seat."""
    patient = patient or actor.id
    _ensure_acts_for(actor, patient)
    slot = await _bookable_slot(connection, slot_id, now)
    if actor.is_staff and slot.unit not in actor.units:
        raise NotFound("Vi hittar inte den tiden på dina enheter.")
    await _contact_for(connection, contact_id, patient, slot, now, actor)  # only what the person may book
    await store.drop_holds_of(connection, patient)
    if not await store.take_seat(connection, slot.id, patient, now):
        raise SlotTaken(TAKEN)
    expires_at = now + policy.hold_duration
    return Hold(await store.insert_hold(connection, slot.id, patient, now, expires_at), slot.id, expires_at)


async def book(
    connection: asyncpg.Connection,
    actor: Actor,
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
    limited = not actor.is_staff
    _ensure_acts_for(actor, patient)
    slot = await _bookable_slot(connection, slot_id, now, lock_patient=patient if limited else None)
    contact = await _contact_for(connection, contact_id, patient, slot, now, actor)
    _ensure_reason(slot.time_type, reason)
    if actor.is_staff and not actor.may_see(patient, slot.unit):
        raise Forbidden("Du kan bara boka tider på dina egna enheter.")
    appointment_id = uuid.uuid4()
    chose_to_wait = rules.patient_chose_to_wait(contact, slot.end_at, booked_by_patient=not actor.is_staff)
    limit = policy.max_future_web_bookings_per_unit if limited else None
    event = event_parameters(
        AppointmentBooked(**_scheduled_fields(appointment_id, slot, patient, contact_id, actor, chose_to_wait)),
        source=SOURCE,
        subject=patient,
        time=now,
    )
    try:
        attempt = await store.book(
            connection,
            slot_id=slot.id,
            patient=patient,
            now=now,
            appointment_id=appointment_id,
            unit=slot.unit,
            contact_id=contact_id,
            booked_by=_kind(actor),
            booked_by_id=actor.id,
            reason=reason,
            chose_to_wait=chose_to_wait,
            limit_at_unit=limit,
            event=event,
        )
    except asyncpg.UniqueViolationError as duplicate:
        raise SlotTaken(ALREADY_YOURS) from duplicate
    if limit is not None and attempt.booked_at_unit >= limit:
        raise TooManyBookings(
            f"Du har redan {limit} bokade tider på den här vårdcentralen. "
            "Avboka en tid eller ring vårdcentralen för att boka fler."
        )
    if not attempt.seated:
        raise SlotTaken(TAKEN)
    # Everything the answer shows is known here: no read back.
    return AppointmentRecord(
        id=appointment_id,
        lineage=appointment_id,
        slot_id=slot.id,
        patient=patient,
        unit=slot.unit,
        unit_name=slot.unit_name,
        unit_address=slot.unit_address,
        contact_id=contact_id,
        status="booked",
        booked_by=_kind(actor),
        reason=reason,
        earlier_time_offered_within_guarantee=chose_to_wait,
        replaces=None,
        created_at=now,
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


async def rebook(
    connection: asyncpg.Connection, actor: Actor, appointment_id: uuid.UUID, *, new_slot_id: uuid.UUID, now: datetime
) -> AppointmentRecord:
    """Secure the new slot before letting go of the old one, in one transaction; history is kept."""
    current = await _active_appointment(connection, actor, appointment_id)
    if not actor.is_staff:
        old_slot = await store.slot(connection, current.slot_id)
        rules.ensure_citizen_may_change("rebook", old_slot.time_type, current.start_at, now)
    if new_slot_id == current.slot_id:
        raise InvalidRequest("Du har redan den här tiden. Välj en annan tid för att omboka.")
    slot = await _bookable_slot(connection, new_slot_id, now)
    if slot.unit != current.unit:
        raise InvalidRequest("Du kan bara omboka till en tid på samma vårdcentral.")
    contact = await _contact_for(connection, current.contact_id, current.patient, slot, now, actor)
    await _secure_seat(connection, slot, current.patient, now)
    await connection.execute(
        "UPDATE appointments SET status = 'rebooked', ended_at = $2, ended_by = $3 WHERE id = $1",
        current.id,
        now,
        actor.id,
    )
    await store.release_seat(connection, current.slot_id)
    new_id = uuid.uuid4()
    chose_to_wait = rules.patient_chose_to_wait(contact, slot.end_at, booked_by_patient=not actor.is_staff)
    await _insert_appointment(
        connection,
        new_id,
        current.lineage,
        slot,
        current.patient,
        current.contact_id,
        actor,
        current.reason,
        chose_to_wait,
        current.id,
        now,
    )
    event = AppointmentRebooked(
        **_scheduled_fields(new_id, slot, current.patient, current.contact_id, actor, chose_to_wait),
        replaces=str(current.id),
    )
    await add_event_to_outbox(connection, event, source=SOURCE, subject=current.patient, time=now)
    return await appointment(connection, new_id)


async def cancel(
    connection: asyncpg.Connection, actor: Actor, appointment_id: uuid.UUID, *, reason: str, now: datetime
) -> AppointmentRecord:
    if not reason or not reason.strip():
        raise InvalidRequest("Skriv varför tiden avbokas.")
    rules.ensure_no_personnummer(reason)
    current = await _active_appointment(connection, actor, appointment_id)
    if not actor.is_staff:
        slot = await store.slot(connection, current.slot_id)
        rules.ensure_citizen_may_change("cancel", slot.time_type, current.start_at, now)
    await _end(connection, current, "cancelled", now, actor, reason.strip())
    await store.release_seat(connection, current.slot_id)
    event = AppointmentCancelled(
        appointment_id=str(current.id), contact_id=current.contact_id, cancelled_by=_kind(actor), reason=reason.strip()
    )
    await add_event_to_outbox(connection, event, source=SOURCE, subject=current.patient, time=now)
    return await appointment(connection, current.id)


async def complete(
    connection: asyncpg.Connection, actor: Actor, appointment_id: uuid.UUID, *, medical_assessment: bool, now: datetime
) -> AppointmentRecord:
    current = await _staff_visit(connection, actor, appointment_id, now)
    await _end(connection, current, "completed", now, actor, None, medical_assessment=medical_assessment)
    event = AppointmentCompleted(
        appointment_id=str(current.id),
        contact_id=current.contact_id,
        medical_assessment=medical_assessment,
        profession=current.profession,
        contact_form=current.contact_form,
        at=now,
    )
    await add_event_to_outbox(connection, event, source=SOURCE, subject=current.patient, time=now)
    return await appointment(connection, current.id)


async def no_show(
    connection: asyncpg.Connection, actor: Actor, appointment_id: uuid.UUID, *, now: datetime
) -> AppointmentRecord:
    current = await _staff_visit(connection, actor, appointment_id, now)
    await _end(connection, current, "no_show", now, actor, None)
    event = AppointmentNoShow(appointment_id=str(current.id), contact_id=current.contact_id, at=now)
    await add_event_to_outbox(connection, event, source=SOURCE, subject=current.patient, time=now)
    return await appointment(connection, current.id)


async def visible_appointment(
    connection: asyncpg.Connection, actor: Actor, appointment_id: uuid.UUID, *, lock: bool = False
) -> AppointmentRecord:
    """The appointment if this actor may see it; otherwise 404, never a hint that it exists."""
    found = await appointment(connection, appointment_id, lock=lock)
    if found is None or not actor.may_see(found.patient, found.unit):
        raise NotFound("Vi hittar ingen sådan tid.")
    return found


async def _active_appointment(connection, actor: Actor, appointment_id: uuid.UUID) -> AppointmentRecord:
    # The row lock queues concurrent changes of one appointment: the second sees it is no longer booked.
    current = await visible_appointment(connection, actor, appointment_id, lock=True)
    if current.status != "booked":
        raise AppointmentNotActive("Tiden är inte längre bokad, så den kan inte ändras.")
    return current


async def _staff_visit(connection, actor: Actor, appointment_id: uuid.UUID, now: datetime) -> AppointmentRecord:
    if not actor.is_staff:
        raise Forbidden("Bara personal kan registrera besök.")
    current = await _active_appointment(connection, actor, appointment_id)
    if current.start_at > now:
        raise InvalidRequest("Besöket har inte börjat än, så det kan inte registreras.")
    return current


async def _bookable_slot(
    connection, slot_id: uuid.UUID, now: datetime, *, lock_patient: str | None = None
) -> store.Slot:
    if lock_patient is None:
        slot = await store.slot(connection, slot_id)
    else:
        slot = await store.slot_locking_patient_at_unit(connection, slot_id, lock_patient)
    if slot is None:
        raise NotFound("Vi hittar inte den tiden. Välj en tid i listan.")
    rules.ensure_bookable_now(slot.start_at, now)
    if slot.blocked:
        raise SlotNotBookable("Tiden går inte att boka längre. Välj en annan tid.")
    return slot


async def _contact_for(
    connection, contact_id: str | None, patient: str, slot: store.Slot, now: datetime, actor: Actor
) -> rules.TriagedContact | None:
    contact = await store.contact(connection, contact_id) if contact_id else None
    staff_units = actor.units if actor.is_staff else None
    # Another patient's contact, or another unit's, is answered as one not known yet: never a hint that it exists.
    if contact_id and (contact is None or not rules.may_use_contact(contact, patient, staff_units)):
        raise NotFound("Vi hittar inte din bedömning än. Vänta en stund och försök igen.")
    if contact is not None and not actor.is_staff:
        rules.ensure_contact_may_book(contact, patient, slot.time_type, slot.start_at, now)
    rules.ensure_time_type_open_to(slot.time_type, contact, actor.is_staff)
    return contact


def _ensure_acts_for(actor: Actor, patient: str) -> None:
    if not actor.is_staff and not actor.may_act_for(patient):
        raise Forbidden("Du kan bara boka tider åt dig själv och åt dina barn under 18 år.")


def _ensure_reason(time_type, reason: str | None) -> None:
    if time_type.reason_required and not (reason and reason.strip()):
        raise InvalidRequest("Skriv kort vad besöket gäller. Det behövs för den här tiden.")
    rules.ensure_no_personnummer(reason)


async def _secure_seat(connection, slot: store.Slot, patient: str, now: datetime) -> None:
    """Use the patient's own live hold, else take a free seat; the database refuses a full slot."""
    if not await store.take_seat(connection, slot.id, patient, now):
        raise SlotTaken(TAKEN)


async def _insert_appointment(
    connection,
    appointment_id,
    lineage,
    slot: store.Slot,
    patient: str,
    contact_id: str | None,
    actor: Actor,
    reason: str | None,
    chose_to_wait: bool,
    replaces,
    now: datetime,
) -> None:
    try:
        await connection.execute(
            """INSERT INTO appointments (id, lineage, slot_id, patient, unit, contact_id, status, booked_by,
                   booked_by_id, reason, earlier_time_offered_within_guarantee, replaces, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, 'booked', $7, $8, $9, $10, $11, $12)""",
            appointment_id,
            lineage,
            slot.id,
            patient,
            slot.unit,
            contact_id,
            _kind(actor),
            actor.id,
            reason,
            chose_to_wait,
            replaces,
            now,
        )
    except asyncpg.UniqueViolationError as duplicate:
        raise SlotTaken(ALREADY_YOURS) from duplicate


async def _end(
    connection,
    current: AppointmentRecord,
    status: str,
    now: datetime,
    actor: Actor,
    reason: str | None,
    *,
    medical_assessment: bool | None = None,
) -> None:
    await connection.execute(
        """UPDATE appointments SET status = $2, ended_at = $3, ended_by = $4, end_reason = $5, medical_assessment = $6
           WHERE id = $1 AND status = 'booked'""",
        current.id,
        status,
        now,
        actor.id,
        reason,
        medical_assessment,
    )


def _kind(actor: Actor) -> str:
    return "staff" if actor.is_staff else "patient"


def _scheduled_fields(appointment_id, slot: store.Slot, patient: str, contact_id, actor: Actor, chose_to_wait: bool):
    return dict(
        appointment_id=str(appointment_id),
        contact_id=contact_id,
        patient=patient,
        unit=slot.unit,
        practitioner=slot.practitioner,
        profession=slot.time_type.profession,
        contact_form=slot.time_type.contact_form,
        start=slot.start_at,
        end=slot.end_at,
        booked_by=_kind(actor),
        earlier_time_offered_within_guarantee=chose_to_wait,
    )
