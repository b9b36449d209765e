"""JSON shapes of slots and appointments: UTC instants, plus the Stockholm wall-clock time people read."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from nara.shared.clock import to_stockholm

from ..domain.appointment import Hold
from ..domain.reference import booking_reference
from ..service.records import AppointmentRecord, CareUnit, FixedCareContact, FreeSlot, SlotPage


def local(instant: datetime) -> str:
    return to_stockholm(instant).isoformat()


def slot_view(slot: FreeSlot) -> dict[str, Any]:
    return {
        "id": str(slot.id),
        "unit": slot.unit,
        "practitioner": {"hsa_id": slot.practitioner, "name": slot.practitioner_name},
        "profession": slot.profession,
        "contact_form": slot.contact_form,
        "time_type": {"code": slot.time_type, "name": slot.time_type_name},
        "start": slot.start_at.isoformat(),
        "end": slot.end_at.isoformat(),
        "start_local": local(slot.start_at),
        "end_local": local(slot.end_at),
        "free_seats": slot.free_seats,
        "within_guarantee": slot.within_guarantee,
        "fixed_care_contact": slot.fixed_care_contact,
        # Until when a citizen may change the time on the web once booked; null: not on the web, ring the unit.
        "web_cancel_until": _instant(slot.change_terms.cancel_until),
        "web_rebook_until": _instant(slot.change_terms.rebook_until),
    }


def _instant(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def slot_page_view(page: SlotPage) -> dict[str, Any]:
    return {"slots": [slot_view(s) for s in page.slots], "page": page.page, "has_more": page.has_more}


def appointment_view(record: AppointmentRecord, history: list[AppointmentRecord] | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": str(record.id),
        "reference": booking_reference(record.id),  # what the citizen reads out on the phone
        "status": record.status.value,
        "unit": {"hsa_id": record.unit, "name": record.unit_name, "address": record.unit_address},
        "practitioner": {"hsa_id": record.practitioner, "name": record.practitioner_name},
        "profession": record.profession,
        "contact_form": record.contact_form,
        "time_type": {"code": record.time_type, "name": record.time_type_name},
        "start": record.start_at.isoformat(),
        "end": record.end_at.isoformat(),
        "start_local": local(record.start_at),
        "end_local": local(record.end_at),
        "contact_id": record.contact_id,
        "booked_by": record.booked_by,
        "reason": record.reason,
        "earlier_time_offered_within_guarantee": record.earlier_time_offered_within_guarantee,
        "replaces": str(record.replaces) if record.replaces else None,
        "ended_at": record.ended_at.isoformat() if record.ended_at else None,
        "end_reason": record.end_reason,
        "medical_assessment": record.medical_assessment,
    }
    if history is not None:
        view["history"] = [
            {
                "id": str(h.id),
                "status": h.status.value,
                "start": h.start_at.isoformat(),
                "start_local": local(h.start_at),
                "created_at": h.created_at.isoformat(),
            }
            for h in history
        ]
    return view


def hold_view(held: Hold) -> dict[str, Any]:
    return {"id": str(held.id), "slot_id": str(held.slot_id), "expires_at": held.expires_at.isoformat()}


def care_unit_view(unit: CareUnit) -> dict[str, Any]:
    return asdict(unit)


def fixed_care_contact_views(contacts: list[FixedCareContact]) -> list[dict[str, Any]]:
    return [asdict(contact) for contact in contacts]
