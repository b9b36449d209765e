"""The interactions that describe what a unit offers: its care types, performers and the dates with free times."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from lxml import etree

from nara.shared.clock import STOCKHOLM
from nara.shared.web.labels import PROFESSIONS

from ...domain.schedule import TimeType
from ...service.records import FreeSlot
from ...service.search import SlotQuery, free_slots
from ..wiring import now_of, unit_of_work
from .interactions import MAX_TIMESLOTS, Call, date_of
from .timeslots import core

MAX_PAGES = 20  # GetAvailableDates looks through at most this many pages of free times (2,000)


async def get_all_care_types(call: Call) -> etree._Element:
    """Care types are Nära's professions, of the time types a citizen sees at the unit."""
    wanted = set(call.texts("timeTypeIDs"))
    professions = {str(t.profession) for t in await _web_time_types(call) if not wanted or t.code in wanted}
    answer = call.element("GetAllCareTypesResponse", {})
    for profession in sorted(professions):
        listed = etree.SubElement(answer, f"{{{call.interaction.responder}}}careTypes")
        core(listed, "careTypeName", PROFESSIONS.get(profession, profession))
        core(listed, "careTypeId", profession)
    return answer


async def get_all_performers(call: Call) -> etree._Element:
    """The unit's practitioners working today or later, of the care types (professions) asked for."""
    care_types = set(call.texts("careTypeIDs"))
    if time_types := set(call.texts("timeTypeIDs")):
        care_types |= {str(t.profession) for t in await _web_time_types(call) if t.code in time_types}
    today = now_of(call.request).astimezone(STOCKHOLM).date()
    async with unit_of_work(call.request) as uow:
        practitioners = await uow.setup.practitioners(call.unit)
    answer = call.element("GetAllPerformersResponse", {})
    for practitioner in sorted(practitioners, key=lambda p: p.name):
        if (care_types and str(practitioner.profession) not in care_types) or (
            practitioner.active_to is not None and practitioner.active_to < today
        ):
            continue
        first, _, last = practitioner.name.rpartition(" ")
        info = etree.SubElement(answer, f"{{{call.interaction.responder}}}performerInfos")
        core(info, "perfomer", practitioner.hsa_id)  # sic: the contract's spelling
        core(info, "firstName", first or practitioner.name)
        core(info, "lastName", last)
        core(info, "title", PROFESSIONS.get(str(practitioner.profession), str(practitioner.profession)))
    return answer


async def get_available_dates(call: Call) -> etree._Element:
    """Each date with a free time, per performer and time type, as the citizen would find them on the web."""
    requester = call.patient(call.text("subject_of_care", call.interaction.extension))
    now = now_of(call.request)
    first, last = date_of(call.text("startDateInclusive")), date_of(call.text("endDateInclusive"))
    start = max(datetime.combine(first, time(), STOCKHOLM), now)
    end = datetime.combine(last + timedelta(days=1), time(), STOCKHOLM)
    performers, time_type, care_type = set(call.texts("performer")), call.text("timeTypeID"), call.text("careTypeID")
    found: dict[tuple[str, str, str], FreeSlot] = {}
    async with unit_of_work(call.request) as uow:
        for page in range(1, MAX_PAGES + 1):
            query = SlotQuery(call.unit, start, end, page=page, page_size=MAX_TIMESLOTS)
            slots = await free_slots(uow, query, patient=requester.id, by_staff=False, now=now)
            for slot in slots.slots:
                if (
                    (performers and slot.practitioner not in performers)
                    or (time_type and slot.time_type != time_type)
                    or (care_type and slot.profession != care_type)
                ):
                    continue
                day = slot.start_at.astimezone(STOCKHOLM).strftime("%Y%m%d")
                found.setdefault((day, slot.practitioner, slot.time_type), slot)
            if not slots.has_more:
                break
    answer = call.element("GetAvailableDatesResponse", {})
    for (day, performer, _), slot in sorted(found.items()):
        available = etree.SubElement(answer, f"{{{call.interaction.responder}}}performerAvailabilityByDate")
        for name, value in (
            ("healthcare_facility", call.unit),
            ("performer", performer),
            ("date", day),
            ("timeTypeName", slot.time_type_name),
            ("timeTypeID", slot.time_type),
            ("careTypeName", PROFESSIONS.get(slot.profession, slot.profession)),
            ("careTypeID", slot.profession),
        ):
            etree.SubElement(available, f"{{{call.interaction.responder}}}{name}").text = value
    return answer


async def _web_time_types(call: Call) -> list[TimeType]:
    async with unit_of_work(call.request) as uow:
        return [t for t in await uow.setup.time_types_for(call.unit) if t.visible]
