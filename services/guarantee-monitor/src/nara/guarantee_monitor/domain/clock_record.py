"""What is kept of a clock after each change: its facts, and what they say now, flat for the read side to query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from nara.shared.care_guarantee import ClockStatus

from .alerts import alerts_until, next_alert_moment
from .facts import ContactFacts
from .guarantee_clock import booking_in_force, listed_unit_of, state_at
from .policy import GuaranteePolicy
from .reporting import contact_same_day


@dataclass(frozen=True, slots=True)
class ClockRecord:
    """One clock as stored: the facts (the truth), and the fields worked out from them at `updated_at`."""

    contact_id: str
    patient: str | None
    unit: str | None
    listed_unit: str | None
    channel: str | None
    profession: str | None  # the triaged profession
    sought_at: datetime | None
    deadline: datetime | None
    status: ClockStatus | None  # None until the contact is registered
    status_reason: str | None
    facts: ContactFacts
    next_alert_at: datetime | None  # when the scheduler must look again
    assessed_at: datetime | None
    assessment_profession: str | None
    assessment_form: str | None
    patient_chose_to_wait: bool
    last_traceparent: str | None  # the trace of the event that changed it, for the operations page
    updated_at: datetime
    last_event_at: datetime | None
    listing: str | None
    sex: str | None
    age_group: str | None
    registered_at: datetime | None
    contact_same_day: bool | None
    regional_days: int | None
    regional_deadline: datetime | None
    regional_status: ClockStatus | None
    regional_reason: str | None
    booking_id: str | None
    booking_start: datetime | None
    booking_end: datetime | None
    closed_at: datetime | None


def clock_record(
    facts: ContactFacts,
    policy: GuaranteePolicy,
    now: datetime,
    *,
    traceparent: str | None,
    event_at: datetime | None,
    look_now: bool,
) -> ClockRecord:
    """The clock as it stands at `now`. With `look_now` (after an event), the scheduler is to look at it at once
    when an alert may be due (a tier passed, an event that alerts at once, or an alert to resolve); otherwise at
    the next moment that can change it."""
    state = state_at(facts, policy, now)
    due_now = look_now and state is not None and bool(alerts_until(facts, policy, now))
    first = facts.first_assessment()
    triage = facts.triage_at(now)
    regional = state.regional if state else None
    booking = booking_in_force(facts, now)
    return ClockRecord(
        contact_id=facts.contact_id,
        patient=facts.patient,
        unit=facts.unit,
        listed_unit=listed_unit_of(facts, now),
        channel=facts.channel,
        profession=triage.profession if triage else None,
        sought_at=facts.sought_at,
        deadline=state.deadline if state else None,
        status=state.status if state else None,
        status_reason=state.reason if state else None,
        facts=facts,
        next_alert_at=now if due_now else next_alert_moment(facts, policy, now, state),
        assessed_at=first.at if first else None,
        assessment_profession=first.profession if first else None,
        assessment_form=first.contact_form if first else None,
        patient_chose_to_wait=any(b.earlier_offered for b in facts.bookings.values()),
        last_traceparent=traceparent,
        updated_at=now,
        last_event_at=event_at,
        listing=state.listing if state else None,
        sex=facts.sex,
        age_group=facts.age_group,
        registered_at=facts.registered_at,
        contact_same_day=contact_same_day(facts),
        regional_days=regional.days if regional else None,
        regional_deadline=regional.deadline if regional else None,
        regional_status=regional.status if regional else None,
        regional_reason=regional.reason if regional else None,
        booking_id=booking.id if booking else None,
        booking_start=booking.start if booking else None,
        booking_end=booking.end if booking else None,
        closed_at=facts.closed_at,
    )
