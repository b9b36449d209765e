"""Staff's API for the day's book (dagbok); every read that shows patients is access-logged."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from nara.shared.clock import to_stockholm
from nara.shared.events.vocabulary import ContactForm, Profession
from nara.shared.identity import CurrentCaller
from nara.shared.web.fields import CalendarDate

from ..domain.appointment import AppointmentStatus
from ..domain.day_book import BookingOnSlot, DayBook, DayBookPractitioner, DayBookSlot, SlotState
from ..domain.errors import BookingRefused
from ..service.day_book import DayBookQuery, read_day_book
from .api import CurrentRequester, Now, answers
from .fields import HsaId
from .problems import refusal
from .wiring import unit_of_work

router = APIRouter(prefix="/api/v1", tags=["schedule"])
Day = date  # the response's field is called `date`, which would hide the type inside the model


class TimeTypeOut(BaseModel):
    code: str
    name: str
    profession: Profession
    contact_form: ContactForm
    medical_assessment: bool = Field(description="A visit of this type is a medical assessment, unless staff say not.")


class BookingOut(BaseModel):
    appointment_id: uuid.UUID
    patient: str = Field(description="The patient's pseudonym; the triage service knows who it is.")
    contact_id: str | None
    status: AppointmentStatus = Field(description="booked, completed, no_show or cancelled")
    booked_by: str
    reason: str | None
    end_reason: str | None = Field(description="Why it was cancelled, if it was.")
    medical_assessment: bool | None = Field(description="For a completed visit: whether it was a medical assessment.")
    to_move: bool = Field(description="Booked on a withdrawn time: staff must move it.")


class SlotOut(BaseModel):
    id: uuid.UUID
    start: datetime = Field(description="UTC")
    end: datetime = Field(description="UTC")
    start_local: datetime = Field(description="Europe/Stockholm")
    end_local: datetime = Field(description="Europe/Stockholm")
    time_type: TimeTypeOut
    state: SlotState = Field(
        description="withdrawn (the schedule no longer gives it), blocked, booked (a seat taken by an appointment, "
        "the visit done or not), held (a live hold) or free"
    )
    capacity: int = Field(description="Places: above 1, a drop-in.")
    free_seats: int
    live_holds: int
    withdrawn_reason: str | None
    bookings: list[BookingOut] = Field(description="Every appointment on the time, cancelled ones too, oldest first.")


class PractitionerOut(BaseModel):
    hsa_id: str
    name: str
    profession: Profession


class PractitionersDayOut(PractitionerOut):
    slots: list[SlotOut]


class UnitOut(BaseModel):
    hsa_id: str
    name: str


class DayBookOut(BaseModel):
    unit: UnitOut
    date: Day = Field(description="The day, in Stockholm's calendar.")
    practitioners: list[PractitionersDayOut] = Field(
        description="Each practitioner who works that day or has times on it, by name."
    )
    professions: list[Profession] = Field(description="Every profession at the unit, for a filter.")
    staff: list[PractitionerOut] = Field(description="Every practitioner at the unit, for a filter.")


@router.get("/care-units/{unit}/day-book", response_model=DayBookOut, responses=answers(403, 404))
async def day_book(
    request: Request,
    requester: CurrentRequester,
    caller: CurrentCaller,
    now: Now,
    unit: Annotated[HsaId, Path(description="The care unit's HSA-id.")],
    day: Annotated[CalendarDate | None, Query(alias="date", description="YYYY-MM-DD; default: today")] = None,
    practitioner: Annotated[HsaId | None, Query(description="Only this practitioner (HSA-id).")] = None,
    profession: Annotated[Profession | None, Query(description="Only practitioners of this profession.")] = None,
) -> JSONResponse:
    """Staff of the unit: every time of one day with its state and its patients (by pseudonym), per practitioner;
    each patient shown is access-logged."""
    query = DayBookQuery(unit, day or to_stockholm(now).date(), practitioner, profession)
    try:
        async with unit_of_work(request) as uow:
            book = await read_day_book(uow, requester, caller, query, now)
    except BookingRefused as refused:
        return refusal(refused)
    return JSONResponse(day_book_view(book).model_dump(mode="json"))


def day_book_view(book: DayBook) -> DayBookOut:
    return DayBookOut(
        unit=UnitOut(hsa_id=book.unit, name=book.unit_name),
        date=book.day,
        practitioners=[
            PractitionersDayOut(
                **_practitioner(day.practitioner).model_dump(), slots=[_slot(slot) for slot in day.slots]
            )
            for day in book.practitioners
        ],
        professions=[Profession(p) for p in book.professions],
        staff=[_practitioner(p) for p in book.everyone],
    )


def _practitioner(practitioner: DayBookPractitioner) -> PractitionerOut:
    return PractitionerOut(
        hsa_id=practitioner.hsa_id, name=practitioner.name, profession=Profession(practitioner.profession)
    )


def _slot(slot: DayBookSlot) -> SlotOut:
    to_move = {b.appointment_id for b in slot.to_move}
    kind = slot.time_type
    return SlotOut(
        id=slot.id,
        start=slot.start_at,
        end=slot.end_at,
        start_local=to_stockholm(slot.start_at),
        end_local=to_stockholm(slot.end_at),
        time_type=TimeTypeOut(
            code=kind.code,
            name=kind.name,
            profession=kind.profession,
            contact_form=kind.contact_form,
            medical_assessment=kind.medical_assessment,
        ),
        state=slot.state,
        capacity=slot.capacity,
        free_seats=slot.free_seats,
        live_holds=slot.live_holds,
        withdrawn_reason=slot.withdrawn_reason,
        bookings=[_booking(b, b.appointment_id in to_move) for b in slot.bookings],
    )


def _booking(booking: BookingOnSlot, to_move: bool) -> BookingOut:
    return BookingOut(
        appointment_id=booking.appointment_id,
        patient=booking.patient,
        contact_id=booking.contact_id,
        status=booking.status,
        booked_by=booking.booked_by,
        reason=booking.reason,
        end_reason=booking.end_reason,
        medical_assessment=booking.medical_assessment,
        to_move=to_move,
    )
