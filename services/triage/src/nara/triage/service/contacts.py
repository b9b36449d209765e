"""Register, triage, assess and close contacts; every change is announced through the outbox."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from nara.shared.care_guarantee import CareGuaranteePolicy
from nara.shared.clock import to_stockholm
from nara.shared.events.models import ContactAssessed, ContactClosed, ContactRegistered, ContactTriaged
from nara.shared.events.vocabulary import AgeGroup, ListingStatus, Sex
from nara.shared.identity import Caller, record_repeated_staff_reads, record_staff_read
from nara.shared.outbox import add_event_to_outbox
from nara.shared.personnummer import InvalidPersonnummer, normalise
from nara.shared.pseudonym import Pseudonymiser

from ..domain import contacts as rules
from ..domain.contacts import ContactRefused
from ..domain.engine import TriageInputError
from ..domain.listing import ELSEWHERE_REASON, UNKNOWN_FLAG, ListingProblem, checked_unit
from ..domain.overrides import OverrideProblem, OverrideRefused, apply_override
from ..domain.patient import PatientFacts, Respondent, birth_date_of_personnummer, sex_of_personnummer
from ..domain.registry import GuidelineRegistry
from . import guardianships, listings
from .decision_metrics import count_decision

SOURCE = "/nara/triage"
# The console refreshes its queue every 10 s: each row it shows gets a log row once per staff member in this
# window, and every refresh after that is counted on it (500 new rows a refresh would bury what audits look for).
QUEUE_READ_WINDOW = timedelta(minutes=15)


async def register(
    connection: asyncpg.Connection,
    caller: Caller,
    pseudonymiser: Pseudonymiser,
    policy: CareGuaranteePolicy,
    *,
    personnummer: str | None,
    unit: str,
    channel: str,
    sought_at: datetime | None,
    reason_code: str | None,
    listed_unit: str | None,
    now: datetime,
) -> dict:
    """Registering a contact starts the guarantee clock at sought_at (day 0). The listing register says whether
    the guarantee applies here: listed here, listed elsewhere, or unknown (covered, and flagged for staff)."""
    respondent = None
    try:
        unit = checked_unit(unit)  # it goes out in events: an HSA-id and nothing else, whoever sends it
    except ListingProblem as problem:
        raise ContactRefused(422, f"Enhet: {problem}", "invalid_unit") from problem
    if caller.is_citizen:
        personnummer = personnummer or caller.subject
        respondent = await guardianships.acting_for(connection, caller, _normalised(personnummer), now)
        sought_at = now  # a citizen's contact starts when they make it
    elif not caller.works_at(unit):
        raise ContactRefused(403, "Du kan bara registrera kontakter på dina egna enheter.")
    if not personnummer:
        raise ContactRefused(422, "Ange patientens personnummer (ÅÅÅÅMMDD-NNNN).")
    rules.check_channel(channel, caller.is_citizen)
    sought_at = sought_at or now
    rules.check_sought_at(sought_at, now)
    normalised = _normalised(personnummer)
    patient = pseudonymiser.pseudonym(normalised)
    birth_date = birth_date_of_personnummer(normalised)
    await connection.execute(
        "INSERT INTO patients (pseudonym, personnummer, birth_date) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        patient,
        normalised,
        birth_date,
    )
    registered_by = (
        caller.subject if caller.is_staff else ("guardian" if respondent is Respondent.GUARDIAN else "patient")
    )
    sought_day = to_stockholm(sought_at).date()
    listed_unit, listing = await listings.at_registration(
        connection,
        caller,
        patient=patient,
        unit=unit,
        stated=listed_unit,
        sought_day=sought_day,
        now=now,
        by=registered_by,
    )
    contact_id = uuid.uuid4()
    await connection.execute(
        """INSERT INTO contacts (id, patient, unit, listed_unit, listing, channel, sought_at, reason_code,
                                 registered_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""",
        contact_id,
        patient,
        unit,
        listed_unit,
        listing.value,
        channel,
        sought_at,
        reason_code,
        registered_by,
        now,
    )
    # Sex and age group for national reporting, from the personnummer on the day of contact; never the number.
    age = PatientFacts.born(birth_date, sought_day).age
    event = ContactRegistered(
        contact_id=str(contact_id),
        patient=patient,
        unit=unit,
        listed_unit=listed_unit,
        channel=channel,
        sought_at=sought_at,
        reason_code=reason_code,
        listing=listing,
        sex=Sex(sex_of_personnummer(normalised).value),
        age_group=AgeGroup.of(age),
    )
    await add_event_to_outbox(connection, event, source=SOURCE, subject=patient, time=now)
    return await contact_view(connection, contact_id, policy)


async def triage(
    connection: asyncpg.Connection,
    caller: Caller,
    registry: GuidelineRegistry,
    contact_id: uuid.UUID,
    *,
    answers: dict[str, Any],
    reason_code: str | None,
    override: dict | None,
    now: datetime,
    policy: CareGuaranteePolicy,
) -> dict:
    contact = await _visible(connection, caller, contact_id, lock=True, now=now)
    if contact["status"] in ("assessed", "closed"):
        raise ContactRefused(409, "Kontakten är redan bedömd eller avslutad och kan inte triageras igen.")
    wanted = rules.check_override(override)
    if wanted and not caller.is_staff:
        raise ContactRefused(403, "Bara personal kan avvika från riktlinjerna.")
    code = reason_code or contact["reason_code"]
    if not code:
        raise ContactRefused(422, "Välj vad kontakten gäller (kontaktorsak) innan den triageras.")
    try:
        guideline_decision = registry.evaluate(code, answers, patient_facts(contact, now), contact["channel"], now)
    except TriageInputError as wrong:
        raise ContactRefused(422, str(wrong)) from wrong
    final, lowered = guideline_decision, ()
    if wanted:
        try:
            overridden = apply_override(
                guideline_decision,
                wanted,
                by_clinician=caller.role == "clinician",
                at=now,
                office_hours=registry.current().office_hours,
            )
        except OverrideRefused as refused:
            status = 403 if refused.problem is OverrideProblem.NEEDS_CLINICIAN else 422
            raise ContactRefused(status, refused.message, refused.problem.value) from refused
        final, lowered = overridden.decision, overridden.lowered_red_flags
    decision, final_json = guideline_decision.model_dump(mode="json"), final.model_dump(mode="json")
    await connection.execute(
        """INSERT INTO triage_decisions (contact_id, decided_at, decided_by, answers, guideline_decision,
                                         final_decision, override_reason, lowered_red_flags)
           VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7, $8)""",
        contact_id,
        now,
        caller.subject if caller.is_staff else contact["registered_by"],
        json.dumps(answers),
        json.dumps(decision),
        json.dumps(final_json),
        wanted.reason if wanted else None,
        list(lowered),
    )
    await connection.execute(
        """UPDATE contacts SET status = 'triaged', reason_code = $2, urgency = $3, care_level = $4, profession = $5,
               guarantee_applies = $6, guideline_version = $7, red_flag_overridden = $8 WHERE id = $1""",
        contact_id,
        code,
        final.urgency.value,
        final.care_level.value,
        final.profession.value,
        final.guarantee_applies,
        final.guideline_version,
        bool(lowered),
    )
    event = ContactTriaged(
        contact_id=str(contact_id),
        urgency=final.urgency,
        care_level=final.care_level,
        profession=final.profession,
        guarantee_applies=final.guarantee_applies,
        guideline_version=final.guideline_version,
        rules_fired=[
            {"rule_id": r.rule_id, "text": r.text, "deciding": r.deciding, "kind": r.kind} for r in final.rules_fired
        ],
        override_reason=wanted.reason if wanted else None,
        red_flag_overridden=bool(lowered),
        alternatives=[p.value for p in final.alternatives],
        retts_colour=final.retts_colour.value if final.retts_colour else None,
    )
    await add_event_to_outbox(connection, event, source=SOURCE, subject=contact["patient"], time=now)
    count_decision("contact", final_json, contact["channel"], overridden=wanted is not None)
    return {
        "contact": await contact_view(connection, contact_id, policy),
        "decision": final_json,
        "guideline_decision": decision,
        "override_reason": wanted.reason if wanted else None,
        "lowered_red_flags": list(lowered),
    }


def patient_facts(contact, now: datetime) -> PatientFacts:
    """Age (in months too) and sex from the personnummer; a guardian answers for a child they registered."""
    respondent = Respondent.GUARDIAN if contact["registered_by"] == "guardian" else None
    return PatientFacts.born(
        contact["birth_date"], to_stockholm(now).date(), sex_of_personnummer(contact["personnummer"]), respondent
    )


async def record_assessment(
    connection: asyncpg.Connection,
    caller: Caller,
    contact_id: uuid.UUID,
    *,
    assessed_at: datetime,
    profession: str,
    contact_form: str,
    now: datetime,
    policy: CareGuaranteePolicy,
) -> dict:
    """A licensed professional's medical assessment stops the guarantee clock."""
    if caller.role != "clinician":
        raise ContactRefused(403, "Bara legitimerad personal (rollen clinician) kan registrera en medicinsk bedömning.")
    contact = await _visible(connection, caller, contact_id, lock=True, now=now)
    if contact["status"] in ("assessed", "closed"):
        raise ContactRefused(409, "Kontakten är redan bedömd eller avslutad.")
    rules.check_assessment(profession, contact_form, assessed_at, contact["sought_at"], now)
    await connection.execute(
        "UPDATE contacts SET status = 'assessed', assessed_at = $2, assessed_by = $3 WHERE id = $1",
        contact_id,
        assessed_at,
        caller.subject,
    )
    event = ContactAssessed(
        contact_id=str(contact_id), assessed_at=assessed_at, profession=profession, contact_form=contact_form
    )
    await add_event_to_outbox(connection, event, source=SOURCE, subject=contact["patient"], time=now)
    return await contact_view(connection, contact_id, policy)


async def close(
    connection: asyncpg.Connection,
    caller: Caller,
    contact_id: uuid.UUID,
    *,
    reason: str,
    now: datetime,
    policy: CareGuaranteePolicy,
) -> dict:
    contact = await _visible(connection, caller, contact_id, lock=True, now=now)
    rules.check_close_reason(reason, caller.is_citizen)
    if contact["status"] == "closed":
        raise ContactRefused(409, "Kontakten är redan avslutad.")
    await connection.execute(
        "UPDATE contacts SET status = 'closed', closed_at = $2, close_reason = $3 WHERE id = $1",
        contact_id,
        now,
        reason,
    )
    event = ContactClosed(contact_id=str(contact_id), reason=reason, closed_at=now)
    await add_event_to_outbox(connection, event, source=SOURCE, subject=contact["patient"], time=now)
    return await contact_view(connection, contact_id, policy)


async def queue(
    connection: asyncpg.Connection,
    caller: Caller,
    *,
    unit: str,
    status: str | None,
    now: datetime,
    policy: CareGuaranteePolicy,
) -> list[dict]:
    """The console's queue: open contacts of one of the caller's units, the least guarantee time left first."""
    if not caller.is_staff or not caller.works_at(unit):
        raise ContactRefused(403, "Du kan bara se kontakter på dina egna enheter.")
    rows = await connection.fetch(
        f"""{CONTACT_QUERY} WHERE c.unit = $1 AND ($2::text IS NULL AND c.status IN ('open', 'triaged')
                                                  OR c.status = $2) ORDER BY c.sought_at LIMIT 500""",
        unit,
        status,
    )
    views = [_view(row, now, policy) for row in rows]
    shown = [(view["patient"], f"contact/{view['id']}") for view in views]
    await record_repeated_staff_reads(
        connection, caller, shown, action="contact queue", at=now, window=QUEUE_READ_WINDOW
    )
    return views


async def open_contact(
    connection: asyncpg.Connection, caller: Caller, contact_id: uuid.UUID, now: datetime, policy: CareGuaranteePolicy
) -> dict:
    """One contact with its triage history; every staff open is access-logged."""
    contact = await _visible(connection, caller, contact_id, now=now)
    if caller.is_staff:
        await record_staff_read(
            connection,
            caller,
            patient=contact["patient"],
            action="open contact",
            resource=f"contact/{contact_id}",
            at=now,
        )
    history = await connection.fetch(
        "SELECT decided_at, decided_by, answers, guideline_decision, final_decision, override_reason, lowered_red_flags "
        "FROM triage_decisions WHERE contact_id = $1 ORDER BY decided_at",
        contact_id,
    )
    return {
        **_view(contact, now, policy),
        "triage_history": [
            {
                "decided_at": h["decided_at"].isoformat(),
                "decided_by": h["decided_by"],
                "answers": json.loads(h["answers"]),
                "decision": json.loads(h["final_decision"]),
                "guideline_decision": json.loads(h["guideline_decision"]),
                "override_reason": h["override_reason"],
                "lowered_red_flags": list(h["lowered_red_flags"]),
            }
            for h in history
        ],
    }


CONTACT_QUERY = "SELECT c.*, p.personnummer, p.birth_date FROM contacts c JOIN patients p ON p.pseudonym = c.patient"


async def contact_view(connection: asyncpg.Connection, contact_id: uuid.UUID, policy: CareGuaranteePolicy) -> dict:
    row = await connection.fetchrow(f"{CONTACT_QUERY} WHERE c.id = $1", contact_id)
    return _view(row, row["created_at"], policy)


async def _visible(connection, caller: Caller, contact_id: uuid.UUID, *, now: datetime, lock: bool = False):
    """The contact, if the caller may see it: staff of its unit, the patient, or the patient's guardian."""
    row = await connection.fetchrow(f"{CONTACT_QUERY} WHERE c.id = $1{' FOR UPDATE OF c' if lock else ''}", contact_id)
    if row is None:
        raise ContactRefused(404, "Vi hittar ingen sådan kontakt.")
    if caller.is_citizen:
        try:
            await guardianships.acting_for(connection, caller, row["personnummer"], now)
            return row
        except ContactRefused:
            raise ContactRefused(404, "Vi hittar ingen sådan kontakt.") from None
    if not (caller.is_staff and caller.works_at(row["unit"])):
        raise ContactRefused(404, "Vi hittar ingen sådan kontakt.")
    return row


def _view(row, now: datetime, policy: CareGuaranteePolicy) -> dict:
    """A contact as the API and the console show it. The deadlines come from the one care guarantee policy:
    the national one, and the region's limit for the triaged profession beside it when there is one."""
    measures = [
        {
            "kind": m.kind.value,
            "days": m.days,
            "deadline": m.deadline.isoformat(),
            "hours_left": _hours(m.deadline, now),
        }
        for m in policy.measures(row["sought_at"], row["profession"])
    ]
    listing = row["listing"]
    return {
        "id": str(row["id"]),
        "patient": row["patient"],
        "personnummer": row["personnummer"],
        "unit": row["unit"],
        "listed_unit": row["listed_unit"],
        "listing": listing,
        "channel": row["channel"],
        "sought_at": row["sought_at"].isoformat(),
        "reason_code": row["reason_code"],
        "status": row["status"],
        "urgency": row["urgency"],
        "care_level": row["care_level"],
        "profession": row["profession"],
        "guarantee_applies": row["guarantee_applies"],
        "guideline_version": row["guideline_version"],
        "guarantee_deadline": measures[0]["deadline"],
        "guarantee_hours_left": measures[0]["hours_left"],
        "guarantee_measures": measures,
        "guarantee_covered": row["guarantee_applies"] is not False and listing != ListingStatus.ELSEWHERE,
        "not_covered_reason": ELSEWHERE_REASON if listing == ListingStatus.ELSEWHERE else None,
        "listing_flag": UNKNOWN_FLAG if listing == ListingStatus.UNKNOWN else None,
        "listing_resolved_at": row["listing_resolved_at"].isoformat() if row["listing_resolved_at"] else None,
        "assessed_at": row["assessed_at"].isoformat() if row["assessed_at"] else None,
        "closed_at": row["closed_at"].isoformat() if row["closed_at"] else None,
        "close_reason": row["close_reason"],
        "red_flag_overridden": row["red_flag_overridden"],
        "registered_by_guardian": row["registered_by"] == "guardian",
    }


def _hours(deadline: datetime, now: datetime) -> float:
    return round((deadline - now).total_seconds() / 3600, 1)


def _normalised(personnummer: str) -> str:
    try:
        return normalise(personnummer)
    except InvalidPersonnummer as invalid:
        raise ContactRefused(422, f"Personnumret går inte att använda: {invalid}") from invalid
