"""What the hours API answers (hours_api.py): the response models, as the OpenAPI documents them, and the views
that turn the use cases' results into them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from ..domain.hours import StoredClosure, StoredTemplate, WithdrawalReason, weekday_name
from ..service.hours import HolidayDay, Regeneration
from ..service.ports import DisplacedBooking


class TemplateView(BaseModel):
    id: int
    practitioner: str
    weekday: int
    weekday_name: str
    start: str
    end: str
    time_type: str
    valid_from: date | None
    valid_to: date | None


class ClosureView(BaseModel):
    id: uuid.UUID
    kind: Literal["unit_closed", "practitioner_away"]
    practitioner: str | None
    first_day: date
    last_day: date
    reason: str
    created_by: str
    created_at: datetime


class ChangeView(BaseModel):
    """What a change did to the unit's slots."""

    created_slots: int
    withdrawn_slots: int
    reinstated_slots: int
    displaced_bookings: int = Field(description="Booked times the change took away: listed to move")


class ClosureCreated(ClosureView):
    change: ChangeView


class ImportView(BaseModel):
    added: int
    already_there: int


class HolidayView(BaseModel):
    date: date
    name: str
    kind: Literal["public_holiday", "eve"]
    closed: bool = Field(description="The region's units are closed (BOOKING_CLOSED_HOLIDAY_EVES for the eves)")


class PractitionerRef(BaseModel):
    hsa_id: str
    name: str


class TimeTypeRef(BaseModel):
    code: str
    name: str


class BookingToMoveView(BaseModel):
    appointment_id: uuid.UUID
    lineage: uuid.UUID
    contact_id: str | None
    unit: str
    practitioner: PractitionerRef
    time_type: TimeTypeRef
    start: datetime
    end: datetime
    withdrawn_reason: str
    withdrawn_reason_text: str


# --- views --------------------------------------------------------------------------------------------------------


def template_view(stored: StoredTemplate) -> dict[str, Any]:
    template = stored.template
    return TemplateView(
        id=stored.id,
        practitioner=template.practitioner,
        weekday=template.weekday,
        weekday_name=weekday_name(template.weekday),
        start=f"{template.starts:%H:%M}",
        end=f"{template.ends:%H:%M}",
        time_type=template.time_type,
        valid_from=template.valid_from,
        valid_to=template.valid_to,
    ).model_dump(mode="json")


def template_views(found: list[StoredTemplate]) -> list[dict[str, Any]]:
    return [template_view(stored) for stored in found]


def closure_view(stored: StoredClosure) -> dict[str, Any]:
    closure = stored.closure
    return ClosureView(
        id=stored.id,
        kind="unit_closed" if closure.practitioner is None else "practitioner_away",
        practitioner=closure.practitioner,
        first_day=closure.first_day,
        last_day=closure.last_day,
        reason=stored.reason,
        created_by=stored.created_by,
        created_at=stored.created_at,
    ).model_dump(mode="json")


def change_view(done: Regeneration) -> dict[str, Any]:
    return ChangeView(
        created_slots=done.created,
        withdrawn_slots=done.withdrawn,
        reinstated_slots=done.reinstated,
        displaced_bookings=len(done.displaced),
    ).model_dump()


def holiday_view(day: HolidayDay) -> dict[str, Any]:
    kind: Literal["public_holiday", "eve"] = "public_holiday" if day.public_holiday else "eve"
    return HolidayView(date=day.day, name=day.name, kind=kind, closed=day.closed).model_dump(mode="json")


def booking_to_move_view(booking: DisplacedBooking) -> dict[str, Any]:
    return BookingToMoveView(
        appointment_id=booking.appointment_id,
        lineage=booking.lineage,
        contact_id=booking.contact_id,
        unit=booking.unit,
        practitioner=PractitionerRef(hsa_id=booking.practitioner, name=booking.practitioner_name),
        time_type=TimeTypeRef(code=booking.time_type, name=booking.time_type_name),
        start=booking.start_at,
        end=booking.end_at,
        withdrawn_reason=booking.withdrawn_reason,
        withdrawn_reason_text=withdrawn_reason_text(booking.withdrawn_reason),
    ).model_dump(mode="json")


def withdrawn_reason_text(code: str) -> str:
    try:
        return WithdrawalReason(code).swedish
    except ValueError:
        return "Tiden finns inte längre i schemat"
