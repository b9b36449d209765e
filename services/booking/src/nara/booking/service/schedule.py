"""Staff's schedule work: slots from weekly templates, blocking, and patients' fixed care contacts."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime

from nara.shared.events.vocabulary import Profession

from ..domain.errors import Forbidden, InvalidRequest, NotFound
from ..domain.holidays import HolidayCalendar
from ..domain.schedule import slots_from_templates
from .hours import Horizon, regenerate_unit
from .offer_ends import announcer, withdraw_offers_on
from .ports import Schedule
from .records import FixedCareContact
from .requester import Requester
from .unit_of_work import UnitOfWork

MAX_FIXED_CARE_CONTACTS = 9  # plus one fixed doctor contact (patientkontrakt)


async def generate_slots(
    schedule: Schedule,
    first_day: date,
    last_day: date,
    units: tuple[str, ...] | None = None,
    holidays: HolidayCalendar | None = None,
) -> int:
    """Create the slots the weekly templates give for these days, none on a holiday; existing ones are kept.
    Returns how many the templates give."""
    time_types = await schedule.time_types()
    templates = await schedule.weekly_templates(list(units) if units else None)
    closed = (holidays or HolidayCalendar()).closed_days(first_day, last_day)
    planned = slots_from_templates(templates, time_types, first_day, last_day, closed)
    await schedule.add_planned_slots(planned)
    return len(planned)


async def roll_slots_forward(start_unit_of_work: Callable[[], UnitOfWork], now: datetime, horizon: Horizon) -> int:
    """Keep every unit's slots of the next `horizon.days` days, today included, matching its schedule
    (hours.regenerate_unit: created, withdrawn, live again). One unit of work per unit, each under its unit's
    lock, so a pass never holds two units at once: safe to run any number of times and from several instances at
    once (the second finds nothing to do). Returns how many slots the schedules give."""
    async with start_unit_of_work() as uow:
        units = await uow.hours.units()
    planned = 0
    for unit in units:
        async with start_unit_of_work() as uow:
            planned += (await regenerate_unit(uow, unit, now, horizon, offer_freed=False)).planned
    return planned


async def set_blocked(
    uow: UnitOfWork, requester: Requester, slot_id: uuid.UUID, blocked: bool, now: datetime
) -> dict[str, object]:
    """Staff block a slot (no new bookings) or open it again; existing bookings stay."""
    slot = await uow.slots.slot(slot_id)
    if slot is None or not requester.is_staff or slot.unit not in requester.units:
        raise NotFound("Vi hittar inte den tiden på dina enheter.")
    await uow.slots.set_blocked(slot_id, blocked)
    if blocked:  # an offer held on it is taken back: the time can no longer be had
        await withdraw_offers_on(uow.offers, announcer(uow), [slot_id], now)
    else:
        await uow.offers.note_freed([slot_id])  # open again: someone on the waitlist may want it
    return {"id": str(slot_id), "blocked": blocked}


async def record_fixed_care_contact(
    uow: UnitOfWork, requester: Requester, *, patient: str, practitioner: str, fixed_doctor: bool, now: datetime
) -> list[FixedCareContact]:
    found = await uow.schedule.practitioner(practitioner)
    if found is None:
        raise NotFound("Vi hittar ingen sådan behandlare.")
    unit, profession = found
    if unit not in requester.units:
        raise Forbidden("Du kan bara ange fast vårdkontakt på dina egna enheter.")
    if fixed_doctor and profession != Profession.DOCTOR:
        raise InvalidRequest("Fast läkarkontakt måste vara en läkare.")
    await uow.schedule.lock_fixed_care_contacts_of(patient)
    others = await uow.schedule.record_fixed_care_contact(
        patient, practitioner, fixed_doctor=fixed_doctor, by=requester.id, now=now
    )
    if others > MAX_FIXED_CARE_CONTACTS:  # the refusal rolls the recording back
        raise InvalidRequest(
            f"En patient kan ha högst {MAX_FIXED_CARE_CONTACTS} fasta vårdkontakter och en fast "
            "läkarkontakt. Ta bort en först."
        )
    return await uow.views.fixed_care_contacts(patient, requester.units)


async def remove_fixed_care_contact(
    uow: UnitOfWork, requester: Requester, *, patient: str, practitioner: str
) -> list[FixedCareContact]:
    found = await uow.schedule.practitioner(practitioner)
    if found is None or found[0] not in requester.units:
        raise NotFound("Vi hittar ingen sådan fast vårdkontakt på dina enheter.")
    await uow.schedule.remove_fixed_care_contact(patient, practitioner)
    return await uow.views.fixed_care_contacts(patient, requester.units)
