"""Finding free times: earliest first, within the guarantee first, the patient's fixed care contacts first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain import rules
from ..domain.day_parts import BOUNDS, DayPart
from ..domain.errors import InvalidRequest, NotFound
from .ports import SlotFilter
from .records import CareUnit, SlotPage
from .unit_of_work import UnitOfWork


@dataclass(frozen=True)
class SlotQuery:
    unit: str
    date_from: datetime
    date_to: datetime
    profession: str | None = None
    contact_form: str | None = None
    contact_id: str | None = None
    page: int = 1
    page_size: int = 20
    day_part: DayPart | None = None


async def free_slots(
    uow: UnitOfWork,
    query: SlotQuery,
    *,
    patient: str | None,
    by_staff: bool,
    now: datetime,
    units: tuple[str, ...] = (),
) -> SlotPage:
    """`units`: the staff member's; a contact sought or listed elsewhere is not theirs to search for."""
    if query.date_to <= query.date_from:
        raise InvalidRequest("Slutdatumet måste komma efter startdatumet.")
    if not 1 <= query.page_size <= 100 or query.page < 1:
        raise InvalidRequest("Sidan måste vara 1 eller mer, och sidstorleken mellan 1 och 100.")
    contact = await _contact(uow, query.contact_id, patient, units if by_staff else None)
    await uow.slots.release_expired_holds(now)
    found = await uow.views.free_slots(
        SlotFilter(
            unit=query.unit,
            now=now,
            date_from=query.date_from,
            date_to=query.date_to,
            profession=query.profession,
            contact_form=query.contact_form,
            contact_professions=list(contact.professions) if contact is not None else None,
            latest_start=rules.latest_start_for(contact, now) if contact is not None else None,
            guarantee_deadline=contact.guarantee_deadline if contact is not None else None,
            patient=patient,
            by_staff=by_staff,
            limit=query.page_size + 1,  # one more tells whether there is a next page
            offset=(query.page - 1) * query.page_size,
            day_part=BOUNDS[query.day_part] if query.day_part else None,
        )
    )
    slots = found[: query.page_size]
    if contact is not None and any(slot.within_guarantee for slot in slots):
        # What was shown decides whether a later choice is the patient's own (patientvald väntan).
        await uow.contacts.note_offer_within_guarantee(contact.contact_id)
    return SlotPage(slots, query.page, has_more=len(found) > query.page_size)


async def care_units(uow: UnitOfWork) -> list[CareUnit]:
    return await uow.views.care_units()


async def _contact(
    uow: UnitOfWork, contact_id: str | None, patient: str | None, staff_units: tuple[str, ...] | None
) -> rules.TriagedContact | None:
    if contact_id is None:
        return None
    by_staff = staff_units is not None
    contact = await uow.contacts.get(contact_id)
    # Another's contact is answered as one not known yet: never a hint that it exists.
    if contact is None or not rules.may_use_contact(contact, None if by_staff else patient, staff_units):
        raise NotFound(rules.CONTACT_NOT_KNOWN_YET)
    rules.ensure_contact_may_search(contact, by_staff=by_staff)
    return contact
