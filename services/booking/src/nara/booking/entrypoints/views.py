"""JSON shapes of slots and appointments: UTC instants, plus the Stockholm wall-clock time people read."""

from __future__ import annotations

from datetime import datetime

from nara.shared.clock import to_stockholm

from ..service.records import AppointmentRecord
from ..service.search import FreeSlot, SlotPage


def local(instant: datetime) -> str:
    return to_stockholm(instant).isoformat()


def slot_view(slot: FreeSlot) -> dict:
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
    }


def slot_page_view(page: SlotPage) -> dict:
    return {"slots": [slot_view(s) for s in page.slots], "page": page.page, "has_more": page.has_more}


def appointment_view(record: AppointmentRecord, history: list[AppointmentRecord] | None = None) -> dict:
    view = {
        "id": str(record.id),
        "status": record.status,
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
                "status": h.status,
                "start": h.start_at.isoformat(),
                "start_local": local(h.start_at),
                "created_at": h.created_at.isoformat(),
            }
            for h in history
        ]
    return view
