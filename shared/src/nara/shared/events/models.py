"""The `data` part of every event in the public contract, one pydantic model per event type.

Field names are exactly the contract's. Unknown fields are kept (extra="allow") so that a newer
producer adding a field does not break an older consumer. Every string is an id or code (Identifier,
HsaId, Pseudonym), a value of a vocabulary, or FreeText; none may carry a personnummer.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from nara.shared import topics
from nara.shared.events.vocabulary import (
    Actor,
    AgeGroup,
    AlertLevel,
    CareLevel,
    Channel,
    ContactCloseReason,
    ContactForm,
    FreeText,
    HsaId,
    Identifier,
    ListingStatus,
    Profession,
    Pseudonym,
    Sex,
    Urgency,
    UtcDatetime,
)


class EventData(BaseModel):
    """Base of every event's data part; subclasses name their type, topic and schema version."""

    model_config = ConfigDict(extra="allow", frozen=True)

    event_type: ClassVar[str]
    topic: ClassVar[str]
    schema_version: ClassVar[int] = 1


# --- nara.contacts.v1 (producer: triage) ---


class ContactRegistered(EventData):
    """A person sought care and a contact was registered; this starts the guarantee clock."""

    event_type: ClassVar[str] = "se.nara.contact.registered.v1"
    topic: ClassVar[str] = topics.CONTACTS

    contact_id: Identifier
    patient: Pseudonym
    unit: HsaId = Field(description="The unit where the contact was made.")
    # Required but nullable: "not listed anywhere" must be said, not forgotten, since it
    # decides whether the guarantee applies.
    listed_unit: HsaId | None = Field(description="The unit where the patient is listed, or null if not listed.")
    channel: Channel
    sought_at: UtcDatetime = Field(description="When the person sought care (day 0).")
    reason_code: Identifier | None = Field(description="The guideline's contact reason, or null if none was given yet.")
    # Optional for events from before they were carried; new producers always set them.
    listing: ListingStatus | None = Field(
        None, description="here, elsewhere or unknown: unknown is covered by the guarantee and flagged."
    )
    sex: Sex | None = Field(None, description="From the personnummer, for national reporting.")
    age_group: AgeGroup | None = Field(None, description="Coarse age on the day of contact, for reporting.")


class RuleFired(BaseModel):
    """One guideline rule that fired, with the text a person reads."""

    model_config = ConfigDict(extra="allow", frozen=True)

    rule_id: Identifier
    text: FreeText = Field(min_length=1, description="What the rule says, for a person to read.")
    deciding: bool = Field(False, description="True for the one red flag, rule or override that decided.")


class ContactTriaged(EventData):
    """A contact was triaged by the shared guidelines, possibly with a staff override."""

    event_type: ClassVar[str] = "se.nara.contact.triaged.v1"
    topic: ClassVar[str] = topics.CONTACTS

    contact_id: Identifier
    urgency: Urgency
    care_level: CareLevel
    profession: Profession
    guarantee_applies: bool
    guideline_version: Identifier
    rules_fired: list[RuleFired]
    override_reason: FreeText | None = Field(
        description="The staff's written reason when they overrode the guidelines, else null."
    )
    red_flag_overridden: bool = Field(
        False, description="A clinician lowered the decision below a red flag, with a reason and a confirmation."
    )


class ContactAssessed(EventData):
    """A licensed professional made the medical assessment; this stops the guarantee clock."""

    event_type: ClassVar[str] = "se.nara.contact.assessed.v1"
    topic: ClassVar[str] = topics.CONTACTS

    contact_id: Identifier
    assessed_at: UtcDatetime
    profession: Profession
    contact_form: ContactForm


class ContactClosed(EventData):
    """A contact was closed: self-care advice, withdrawn, sent to the ED, or a duplicate."""

    event_type: ClassVar[str] = "se.nara.contact.closed.v1"
    topic: ClassVar[str] = topics.CONTACTS

    contact_id: Identifier
    reason: ContactCloseReason
    closed_at: UtcDatetime


class ContactListingResolved(EventData):
    """Staff recorded where the patient of an open contact is listed; the listing was unknown at registration."""

    event_type: ClassVar[str] = "se.nara.contact.listing_resolved.v1"
    topic: ClassVar[str] = topics.CONTACTS

    contact_id: Identifier
    listed_unit: HsaId
    listing: ListingStatus = Field(description="here or elsewhere: what the listing now says of this contact.")
    resolved_at: UtcDatetime

    @model_validator(mode="after")
    def _known(self) -> ContactListingResolved:
        if self.listing is ListingStatus.UNKNOWN:
            raise ValueError("a resolved listing is here or elsewhere, not unknown")
        return self


# --- nara.appointments.v1 (producer: booking) ---


class AppointmentScheduled(EventData):
    """The fields shared by a booking and a rebooking; not an event type by itself."""

    appointment_id: Identifier
    contact_id: Identifier | None = Field(
        description="The triaged contact this appointment serves, or null if booked without one."
    )
    patient: Pseudonym
    unit: HsaId
    practitioner: HsaId
    profession: Profession
    contact_form: ContactForm
    start: UtcDatetime
    end: UtcDatetime
    booked_by: Actor
    earlier_time_offered_within_guarantee: bool = Field(
        description="A time within the guarantee was offered and a later one chosen:"
        " the wait is the patient's own choice."
    )

    @model_validator(mode="after")
    def _ends_after_start(self) -> AppointmentScheduled:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class AppointmentBooked(AppointmentScheduled):
    """An appointment was booked."""

    event_type: ClassVar[str] = "se.nara.appointment.booked.v1"
    topic: ClassVar[str] = topics.APPOINTMENTS


class AppointmentRebooked(AppointmentScheduled):
    """An appointment moved to another slot; the fields describe the new slot."""

    event_type: ClassVar[str] = "se.nara.appointment.rebooked.v1"
    topic: ClassVar[str] = topics.APPOINTMENTS


class AppointmentCancelled(EventData):
    """An appointment was cancelled."""

    event_type: ClassVar[str] = "se.nara.appointment.cancelled.v1"
    topic: ClassVar[str] = topics.APPOINTMENTS

    appointment_id: Identifier
    contact_id: Identifier | None
    cancelled_by: Actor
    reason: FreeText


class AppointmentCompleted(EventData):
    """The visit took place; `medical_assessment` says whether it was one."""

    event_type: ClassVar[str] = "se.nara.appointment.completed.v1"
    topic: ClassVar[str] = topics.APPOINTMENTS

    appointment_id: Identifier
    contact_id: Identifier | None
    medical_assessment: bool
    profession: Profession
    contact_form: ContactForm
    at: UtcDatetime


class AppointmentNoShow(EventData):
    """The patient did not come; `at` is when staff recorded it."""

    event_type: ClassVar[str] = "se.nara.appointment.no_show.v1"
    topic: ClassVar[str] = topics.APPOINTMENTS

    appointment_id: Identifier
    contact_id: Identifier | None
    at: UtcDatetime


class AppointmentDisplaced(EventData):
    """A change to the unit's schedule (a closure, an absence, a changed template) took the booked time away.
    The appointment stays booked until staff move or cancel it, which tells the patient as usual."""

    event_type: ClassVar[str] = "se.nara.appointment.displaced.v1"
    topic: ClassVar[str] = topics.APPOINTMENTS

    appointment_id: Identifier
    lineage: Identifier = Field(description="The first booking's id, carried through every rebooking.")
    contact_id: Identifier | None
    patient: Pseudonym
    unit: HsaId
    practitioner: HsaId
    start: UtcDatetime
    end: UtcDatetime
    reason: Literal["unit_closed", "practitioner_away", "holiday", "schedule_changed"] = Field(
        description="Why the time was withdrawn: the unit closed, the practitioner away, a public holiday or a"
        " closed eve, or the weekly hours changed."
    )

    @model_validator(mode="after")
    def _ends_after_start(self) -> AppointmentDisplaced:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class PatientContractUpdated(EventData):
    """Staff changed a patient's contract ("Min vård"): which parts changed, never their text (it is free text)."""

    event_type: ClassVar[str] = "se.nara.patient-contract.updated.v1"
    topic: ClassVar[str] = topics.APPOINTMENTS  # booking's topic, keyed by the patient like its appointments

    patient: Pseudonym
    unit: HsaId = Field(description="The care unit the change was made at.")
    parts: list[Literal["agreement", "fixed_contacts", "plan"]] = Field(
        min_length=1, description="Which parts of the contract changed: agreement, fixed_contacts, plan."
    )
    updated_by: Actor
    updated_at: UtcDatetime


class WaitlistEvent(EventData):
    """The fields every waitlist event carries; not an event type by itself. Never how the patient is reached."""

    topic: ClassVar[str] = topics.APPOINTMENTS  # booking's topic, keyed by the patient like its appointments

    entry_id: Identifier = Field(description="The waitlist entry: one per contact; an offer points at it.")
    contact_id: Identifier
    patient: Pseudonym


class WaitlistJoined(WaitlistEvent):
    """A patient asked for an earlier time for a triaged contact, or changed what suits them (joined again)."""

    event_type: ClassVar[str] = "se.nara.waitlist.joined.v1"

    units: list[HsaId] = Field(min_length=1, description="The care units whose times suit the patient.")
    again: bool = Field(description="True when an entry the contact already had was changed or reopened.")
    joined_by: Actor
    joined_at: UtcDatetime


class WaitlistLeft(WaitlistEvent):
    """The patient, or staff for them, took the entry off the waitlist."""

    event_type: ClassVar[str] = "se.nara.waitlist.left.v1"

    left_by: Actor
    left_at: UtcDatetime


class WaitlistEnded(WaitlistEvent):
    """The entry stopped waiting by itself: the contact was assessed or closed, or a time inside the guarantee
    deadline was booked."""

    event_type: ClassVar[str] = "se.nara.waitlist.ended.v1"

    reason: Literal["assessed", "closed", "booked"]
    ended_at: UtcDatetime


class WaitlistOfferEvent(WaitlistEvent):
    """The fields every offer event carries; not an event type by itself. An offer is a freed time held for one
    waiting patient for a while; `unit` and `offer_id` let the monitor count offers per unit and week."""

    offer_id: Identifier = Field(description="The offer: one freed time held for one waiting entry.")
    slot_id: Identifier = Field(description="The freed time that is offered.")
    unit: HsaId = Field(description="The care unit of the freed time.")


class WaitlistOffered(WaitlistOfferEvent):
    """A freed time was held for the waiting patient first in line (the guarantee deadline that comes first)."""

    event_type: ClassVar[str] = "se.nara.waitlist.offered.v1"

    profession: Profession
    slot_start: UtcDatetime
    national_deadline: UtcDatetime = Field(description="The contact's national guarantee deadline when offered.")
    standing: Literal["breached", "at_risk", "on_track"] = Field(
        description="Where the contact stood against its national deadline when offered (the monitor's statuses)."
    )
    offered_at: UtcDatetime
    hold_until: UtcDatetime = Field(description="The offer lapses, and passes on, at this time.")


class WaitlistOfferAccepted(WaitlistOfferEvent):
    """The patient took the offered time: it is booked (the appointment.booked event comes just before it)."""

    event_type: ClassVar[str] = "se.nara.waitlist.offer_accepted.v1"

    appointment_id: Identifier
    accepted_at: UtcDatetime
    breach_prevented: bool = Field(
        description=(
            "True when the contact had no time inside its national deadline and the deadline had not passed, and "
            "the accepted time ends inside it: without the offer the guarantee would have been breached."
        )
    )


class WaitlistOfferDeclined(WaitlistOfferEvent):
    """The patient said no to the offered time; it passes to the next in line."""

    event_type: ClassVar[str] = "se.nara.waitlist.offer_declined.v1"

    declined_at: UtcDatetime


class WaitlistOfferLapsed(WaitlistOfferEvent):
    """Nobody answered before the hold ran out; the time passes to the next in line."""

    event_type: ClassVar[str] = "se.nara.waitlist.offer_lapsed.v1"

    lapsed_at: UtcDatetime


class WaitlistOfferWithdrawn(WaitlistOfferEvent):
    """The offer was taken back before an answer: the entry stopped waiting, or the time can no longer be had."""

    event_type: ClassVar[str] = "se.nara.waitlist.offer_withdrawn.v1"

    reason: Literal["entry_ended", "slot_gone"]
    withdrawn_at: UtcDatetime


# --- nara.guarantee-alerts.v1 (producer: guarantee-monitor) ---


class GuaranteeAlert(EventData):
    """The fields every guarantee alert carries; not an event type by itself."""

    topic: ClassVar[str] = topics.GUARANTEE_ALERTS

    contact_id: Identifier
    patient: Pseudonym
    unit: HsaId
    deadline: UtcDatetime = Field(description="When the medical assessment must have happened.")
    level: AlertLevel
    hours_left: Annotated[float, Field(allow_inf_nan=False)] = Field(
        description="Hours until the deadline; negative once it has passed."
    )
    reason: FreeText = Field(description="Why the alert was raised, for a person to read.")
    measure: Literal["national", "regional"] = Field(
        default="national",
        description="Which limit the alert is about: the national 3 days, or the region's own limit for the "
        "profession; a regional alert never replaces the national one.",
    )


class GuaranteeAtRisk(GuaranteeAlert):
    """A contact's guarantee deadline is near and no assessment is in sight."""

    event_type: ClassVar[str] = "se.nara.guarantee.at_risk.v1"


class GuaranteeBreached(GuaranteeAlert):
    """A contact's guarantee deadline passed without a medical assessment."""

    event_type: ClassVar[str] = "se.nara.guarantee.breached.v1"


class GuaranteeResolved(GuaranteeAlert):
    """An earlier alert no longer holds (assessed, closed, or the wait became the patient's choice)."""

    event_type: ClassVar[str] = "se.nara.guarantee.resolved.v1"


CONTRACT_EVENT_MODELS: tuple[type[EventData], ...] = (
    ContactRegistered,
    ContactTriaged,
    ContactAssessed,
    ContactClosed,
    ContactListingResolved,
    AppointmentBooked,
    AppointmentRebooked,
    AppointmentCancelled,
    AppointmentCompleted,
    AppointmentNoShow,
    AppointmentDisplaced,
    PatientContractUpdated,
    WaitlistJoined,
    WaitlistLeft,
    WaitlistEnded,
    WaitlistOffered,
    WaitlistOfferAccepted,
    WaitlistOfferDeclined,
    WaitlistOfferLapsed,
    WaitlistOfferWithdrawn,
    GuaranteeAtRisk,
    GuaranteeBreached,
    GuaranteeResolved,
)
