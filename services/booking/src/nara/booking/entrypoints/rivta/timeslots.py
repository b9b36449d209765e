"""The contract's TimeslotType from Nära's free slots and appointments, and the core elements' helpers."""

from __future__ import annotations

from datetime import datetime

from lxml import etree

from nara.shared.clock import STOCKHOLM

from ...service.records import AppointmentRecord, FreeSlot
from .contract import CORE, CORE_EXT


def free_timeslot(detail: etree._Element, slot: FreeSlot, unit_name: str) -> None:
    _timeslot(
        detail,
        start=slot.start_at,
        end=slot.end_at,
        unit=slot.unit,
        unit_name=unit_name,
        performer=slot.practitioner,
        performer_name=slot.practitioner_name,
        resource_id=str(slot.id),
        time_type=(slot.time_type, slot.time_type_name),
        care_type=slot.profession,
        may_cancel=slot.change_terms.cancel_until is not None,
        may_rebook=slot.change_terms.rebook_until is not None,
    )


def booked_timeslot(detail: etree._Element, found: AppointmentRecord, now: datetime) -> None:
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
        booking_id=str(found.lineage),
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
            core(detail, name, value)
    etree.SubElement(detail, f"{{{CORE_EXT}}}isInvitation").text = "false"  # Nära sends no invitations


def core(parent: etree._Element, name: str, value: str) -> None:
    # TimeslotType's children are in the core namespace though the element sits in the responder's.
    etree.SubElement(parent, f"{{{CORE}}}{name}").text = value


def core_text(parent: etree._Element | None, name: str) -> str | None:
    found = parent.find(f"{{{CORE}}}{name}") if parent is not None else None
    return found.text.strip() if found is not None and found.text else None


def _ts(moment: datetime) -> str:
    return moment.astimezone(STOCKHOLM).strftime("%Y%m%d%H%M%S")


def _bool(value: bool) -> str:
    return "true" if value else "false"
