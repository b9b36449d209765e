"""A unit's hours: weekly templates, closures and absences; a change that removes booked times keeps the
bookings and lists them for staff to move.

Every change regenerates the unit's slots in the same unit of work (`regenerate_unit`), and so does the hourly
horizon job (`roll_slots_forward` in service/schedule.py): the slots from now over the horizon are made to match
the templates, their valid days, the practitioners' active days, closures and holidays."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from nara.shared.clock import to_stockholm
from nara.shared.events.models import AppointmentDisplaced

from ..domain import rules
from ..domain.errors import BookingRefused, Forbidden, NotFound
from ..domain.holidays import HolidayCalendar, eves, public_holidays
from ..domain.hours import (
    ImportRefused,
    PractitionerAtUnit,
    StoredClosure,
    StoredTemplate,
    check_closure,
    check_template,
    day_start,
    ensure_no_overlap,
    reconcile,
    why_withdrawn,
)
from ..domain.schedule import Closure, TimeType, WeeklyTemplate, slots_from_templates
from ..domain.template_csv import parse_templates
from .offer_ends import announcer, withdraw_offers_on
from .ports import DisplacedBooking
from .requester import Requester
from .unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Horizon:
    """How far ahead slots are kept (settings slot_horizon_days) and the days the region closes on."""

    days: int = 56
    holidays: HolidayCalendar = field(default_factory=HolidayCalendar)


@dataclass(frozen=True)
class Regeneration:
    planned: int  # slots the schedule gives over the horizon
    created: int
    withdrawn: int
    reinstated: int
    displaced: list[DisplacedBooking]


# --- regeneration -------------------------------------------------------------------------------------------------


async def regenerate_unit(
    uow: UnitOfWork, unit: str, now: datetime, horizon: Horizon, *, offer_freed: bool = True
) -> Regeneration:
    """Make the unit's slots from now over the horizon match its schedule: missing ones are created, those it no
    longer gives are withdrawn (never deleted; a booking on one stays and its patient's appointment is announced
    as displaced, once), and withdrawn ones it gives again are live again. Call it after any change to the
    unit's templates, closures, time types or practitioners; it is idempotent. Slots a staff change creates or
    makes live again are noted freed for the waitlist; the horizon's roll (`offer_freed` False) adds only the
    weeks ahead, and a new unit's first schedule only times nobody had: neither is a freed time."""
    await uow.hours.lock_unit(unit)
    today = to_stockholm(now).date()
    last_day = today + timedelta(days=horizon.days - 1)
    closed_days = horizon.holidays.closed_days(today, last_day)
    closures = [stored.closure for stored in await uow.hours.closures(unit, ending_from=today)]
    planned = slots_from_templates(
        await uow.schedule.weekly_templates([unit]),
        await uow.schedule.time_types(),
        today,
        last_day,
        closed_days,
        closures,
    )
    existing = await uow.hours.slots_between(unit, day_start(today), day_start(last_day + timedelta(days=1)))
    change = reconcile(planned, existing, now, lambda slot: why_withdrawn(slot, unit, closed_days, closures))
    withdrawn = await uow.hours.withdraw_slots(change.withdraw, now)
    await withdraw_offers_on(uow.offers, announcer(uow), withdrawn, now)
    await uow.hours.reinstate_slots(change.reinstate)
    await uow.schedule.add_planned_slots(change.create)
    if offer_freed:  # a unit's first schedule (nothing there before) frees no time: nobody lost one
        created = [slot.id for slot in change.create] if existing else []
        await uow.offers.note_freed([*change.reinstate, *created])
    displaced = await uow.hours.bookings_on(withdrawn)
    for booking in displaced:
        await uow.announce(_displaced_event(booking), subject=booking.patient, time=now)
    return Regeneration(len(planned), len(change.create), len(withdrawn), len(change.reinstate), displaced)


def _displaced_event(booking: DisplacedBooking) -> AppointmentDisplaced:
    return AppointmentDisplaced.model_validate(
        {
            "appointment_id": str(booking.appointment_id),
            "lineage": str(booking.lineage),
            "contact_id": booking.contact_id,
            "patient": booking.patient,
            "unit": booking.unit,
            "practitioner": booking.practitioner,
            "start": booking.start_at,
            "end": booking.end_at,
            "reason": booking.withdrawn_reason,  # a WithdrawalReason's value, as withdraw_slots stored it
        }
    )


# --- weekly templates ---------------------------------------------------------------------------------------------


async def practitioners(uow: UnitOfWork, requester: Requester, unit: str) -> list[PractitionerAtUnit]:
    _ensure_reads(requester, unit)
    return await uow.hours.practitioners(unit)


async def time_types_for(uow: UnitOfWork, requester: Requester, practitioner: PractitionerAtUnit) -> list[TimeType]:
    """The time types a practitioner's template may use: the unit's own or the region's, of their profession."""
    _ensure_reads(requester, practitioner.unit)
    return sorted(
        (
            t
            for t in (await uow.schedule.time_types()).values()
            if t.unit in (None, practitioner.unit) and t.profession == practitioner.profession
        ),
        key=lambda t: t.name,
    )


async def list_templates(
    uow: UnitOfWork, requester: Requester, unit: str, practitioner: str | None = None
) -> list[StoredTemplate]:
    _ensure_reads(requester, unit)
    return await uow.hours.templates(unit, practitioner)


async def add_template(
    uow: UnitOfWork, requester: Requester, template: WeeklyTemplate, now: datetime, horizon: Horizon
) -> StoredTemplate:
    """A practitioner's new weekly hours; bookable at once (the slots are generated in this unit of work)."""
    [stored] = await add_templates(uow, requester, [template], now, horizon)
    return stored


async def add_templates(
    uow: UnitOfWork, requester: Requester, templates: list[WeeklyTemplate], now: datetime, horizon: Horizon
) -> list[StoredTemplate]:
    """Several weekly hours at once (the same hours on several weekdays), all or none; one regeneration."""
    stored = []
    for template in templates:
        _ensure_plans(requester, template.unit)
        await uow.hours.lock_unit(template.unit)
        await _check(uow, template, exclude=None)
        stored.append(StoredTemplate(await uow.hours.add_template(template), template))
    for unit in sorted({template.unit for template in templates}):
        await regenerate_unit(uow, unit, now, horizon)
    return stored


async def change_template(
    uow: UnitOfWork, requester: Requester, template_id: int, template: WeeklyTemplate, now: datetime, horizon: Horizon
) -> StoredTemplate:
    _ensure_plans(requester, template.unit)
    await uow.hours.lock_unit(template.unit)
    await _template_at(uow, template.unit, template_id)
    await _check(uow, template, exclude=template_id)
    await uow.hours.change_template(template_id, template)
    await regenerate_unit(uow, template.unit, now, horizon)
    return StoredTemplate(template_id, template)


async def remove_template(
    uow: UnitOfWork, requester: Requester, unit: str, template_id: int, now: datetime, horizon: Horizon
) -> Regeneration:
    _ensure_plans(requester, unit)
    await uow.hours.lock_unit(unit)
    await _template_at(uow, unit, template_id)
    await uow.hours.remove_template(template_id)
    return await regenerate_unit(uow, unit, now, horizon)


async def import_templates(
    uow: UnitOfWork, requester: Requester, unit: str, text: str, now: datetime, horizon: Horizon
) -> tuple[int, int]:
    """Weekly templates from a CSV file (domain/template_csv.py), all or nothing: every bad line is listed
    (ImportRefused); a template the unit has already (the same file again) is left as it is. Returns (added,
    already there)."""
    _ensure_plans(requester, unit)
    await uow.hours.lock_unit(unit)
    lines, problems = parse_templates(text, unit)
    existing = await uow.hours.templates(unit)
    accepted: list[StoredTemplate] = []
    unchanged = 0
    for line, template in lines:
        if any(stored.template == template for stored in existing):
            unchanged += 1
            continue
        try:
            await _check(uow, template, exclude=None, others=[*existing, *accepted])
        except BookingRefused as refused:  # every refusal is a line to list, not the end of the import
            problems.append((line, refused.message))
            continue
        accepted.append(StoredTemplate(-line, template))
    if problems:
        raise ImportRefused(problems)
    for stored in accepted:
        await uow.hours.add_template(stored.template)
    await regenerate_unit(uow, unit, now, horizon)
    return len(accepted), unchanged


async def _check(
    uow: UnitOfWork, template: WeeklyTemplate, *, exclude: int | None, others: Sequence[StoredTemplate] | None = None
) -> None:
    practitioner = await uow.hours.practitioner(template.practitioner)
    if practitioner is None or practitioner.unit != template.unit:
        raise NotFound("Vi hittar ingen sådan behandlare på enheten.")
    time_types = await uow.schedule.time_types()
    check_template(template, time_types.get(template.time_type), practitioner, template.unit)
    if others is None:
        others = await uow.hours.templates(template.unit, template.practitioner)
    ensure_no_overlap(template, [other for other in others if other.id != exclude])


async def _template_at(uow: UnitOfWork, unit: str, template_id: int) -> StoredTemplate:
    found = await uow.hours.template(template_id)
    if found is None or found.template.unit != unit:
        raise NotFound("Vi hittar inget sådant pass på enheten.")
    return found


# --- closures and absences ----------------------------------------------------------------------------------------


async def list_closures(uow: UnitOfWork, requester: Requester, unit: str, now: datetime) -> list[StoredClosure]:
    """Closures and absences that have not ended."""
    _ensure_reads(requester, unit)
    return await uow.hours.closures(unit, ending_from=to_stockholm(now).date())


async def add_closure(
    uow: UnitOfWork,
    requester: Requester,
    closure: Closure,
    reason: str,
    now: datetime,
    horizon: Horizon,
) -> tuple[StoredClosure, Regeneration]:
    """The unit closed (no practitioner) or a practitioner away; bookings on the days stay, listed to move."""
    _ensure_plans(requester, closure.unit)
    rules.ensure_no_personnummer(reason)
    check_closure(closure, to_stockholm(now).date())
    if closure.practitioner is not None:
        await _practitioner_at(uow, closure.unit, closure.practitioner)
    stored = StoredClosure(uuid.uuid4(), closure, reason.strip(), requester.id, now)
    await uow.hours.add_closure(stored)
    return stored, await regenerate_unit(uow, closure.unit, now, horizon)


async def remove_closure(
    uow: UnitOfWork, requester: Requester, unit: str, closure_id: uuid.UUID, now: datetime, horizon: Horizon
) -> Regeneration:
    """The days are open again: the withdrawn slots come back (those still free are bookable again)."""
    _ensure_plans(requester, unit)
    found = await uow.hours.closure(closure_id)
    if found is None or found.closure.unit != unit:
        raise NotFound("Vi hittar ingen sådan stängning eller frånvaro på enheten.")
    await uow.hours.remove_closure(closure_id)
    return await regenerate_unit(uow, unit, now, horizon)


async def _practitioner_at(uow: UnitOfWork, unit: str, hsa_id: str) -> PractitionerAtUnit:
    found = await uow.hours.practitioner(hsa_id)
    if found is None or found.unit != unit:
        raise NotFound("Vi hittar ingen sådan behandlare på enheten.")
    return found


# --- holidays -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HolidayDay:
    day: date
    name: str
    public_holiday: bool  # else an eve (afton)
    closed: bool  # the region's units are closed (every public holiday; the eves the region chooses)


def holidays_between(first_day: date, last_day: date, calendar: HolidayCalendar) -> list[HolidayDay]:
    """Public holidays and eves, computed (domain/holidays.py), never typed in: for staff to see what is closed."""
    days: list[HolidayDay] = []
    closed = calendar.closed_days(first_day, last_day)
    for year in range(first_day.year, last_day.year + 1):
        days += [HolidayDay(day, name, True, True) for day, name in public_holidays(year).items()]
        days += [HolidayDay(day, name, False, day in closed) for day, name in eves(year).items()]
    return sorted((d for d in days if first_day <= d.day <= last_day), key=lambda d: d.day)


# --- bookings to move ---------------------------------------------------------------------------------------------


async def bookings_to_move(uow: UnitOfWork, requester: Requester, unit: str, now: datetime) -> list[DisplacedBooking]:
    """Booked appointments on withdrawn times: staff rebook or cancel them (the normal path tells the patient).
    The caller logs the read of each patient's booking."""
    _ensure_reads(requester, unit)
    return await uow.hours.bookings_to_move(unit, now)


# --- access -------------------------------------------------------------------------------------------------------


def _ensure_reads(requester: Requester, unit: str) -> None:
    if not requester.is_staff or unit not in requester.units:
        raise Forbidden("Du kan bara se schemat för dina egna enheter.")


def _ensure_plans(requester: Requester, unit: str) -> None:
    if not requester.may_plan(unit):
        raise Forbidden("Du kan bara ändra schemat för enheter där du är schemaläggare.")
