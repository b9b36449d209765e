"""How each contract event adds to a contact's facts. Applying the same event twice changes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol, TypeVar

from .facts import Assessment, ContactFacts, ListingResolution, Triage


class _Dated(Protocol):
    @property
    def at(self) -> datetime: ...


Fact = TypeVar("Fact", bound=_Dated)


def contact_id_of(event_type: str, data: object) -> str | None:
    """The contact an event is about; appointments booked without a contact have no clock."""
    contact_id = getattr(data, "contact_id", None)
    return None if contact_id is None else str(contact_id)


# `data` is any contract event's data model (nara.shared.events.models), read by its fields: the domain imports no
# event model, and an older event without a newer field reads as None (getattr).
def apply(facts: ContactFacts, event_type: str, data: Any, event_time: datetime) -> ContactFacts:
    kind = event_type.removeprefix("se.nara.").removesuffix(".v1")
    if kind == "contact.registered":
        return replace(
            facts,
            patient=data.patient,
            unit=data.unit,
            listed_unit=data.listed_unit,
            listing=_text(getattr(data, "listing", None)),
            sex=_text(getattr(data, "sex", None)),
            age_group=_text(getattr(data, "age_group", None)),
            channel=str(data.channel),
            sought_at=data.sought_at,
            registered_at=event_time,
        )
    if kind == "contact.triaged":
        triage = Triage(event_time, data.guarantee_applies, str(data.profession))
        return replace(facts, triages=_added(facts.triages, triage))
    if kind == "contact.assessed":
        assessment = Assessment(data.assessed_at, str(data.profession), str(data.contact_form))
        return replace(facts, assessments=_added(facts.assessments, assessment))
    if kind == "contact.listing_resolved":  # staff resolved "listning okänd": the clock follows from then
        resolution = ListingResolution(
            getattr(data, "resolved_at", None) or event_time, str(data.listing), data.listed_unit
        )
        return replace(facts, listing_resolutions=_added(facts.listing_resolutions, resolution))
    if kind == "contact.closed":
        return replace(facts, closed_at=data.closed_at, close_reason=str(data.reason))
    if kind in ("appointment.booked", "appointment.rebooked"):
        updated = facts.with_booking(
            data.appointment_id,
            booked_at=event_time,
            start=data.start,
            end=data.end,
            profession=str(data.profession),
            contact_form=str(data.contact_form),
            earlier_offered=data.earlier_time_offered_within_guarantee,
        )
        updated = replace(updated, patient=updated.patient or data.patient)
        replaced = getattr(data, "replaces", None)
        if kind == "appointment.rebooked" and replaced:
            updated = updated.with_booking(replaced, ended_at=event_time, end_kind="rebooked")
        return updated
    if kind == "appointment.cancelled":
        return facts.with_booking(data.appointment_id, ended_at=event_time, end_kind="cancelled")
    if kind == "appointment.no_show":
        return facts.with_booking(data.appointment_id, ended_at=data.at, end_kind="no_show")
    if kind == "appointment.displaced":  # the booking stands until staff move or cancel it, which has its own event
        return facts
    if kind == "appointment.completed":
        updated = facts.with_booking(data.appointment_id, ended_at=data.at, end_kind="completed")
        if data.medical_assessment:
            assessment = Assessment(data.at, str(data.profession), str(data.contact_form))
            updated = replace(updated, assessments=_added(updated.assessments, assessment))
        return updated
    return facts


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _added(items: tuple[Fact, ...], item: Fact) -> tuple[Fact, ...]:
    return items if item in items else tuple(sorted((*items, item), key=lambda i: i.at))
