"""Register, triage, assess and close contacts; every change is announced through the outbox."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from nara.shared.care_guarantee import CareGuaranteePolicy
from nara.shared.clock import to_stockholm
from nara.shared.events.models import ContactAssessed, ContactClosed, ContactRegistered, ContactTriaged
from nara.shared.events.vocabulary import AgeGroup, ListingStatus, Sex
from nara.shared.identity.caller import Caller
from nara.shared.personnummer import InvalidPersonnummer, normalise
from nara.shared.pseudonym import Pseudonymiser

from ..domain import contacts as rules
from ..domain.contact_lifecycle import ContactStatus, ensure_may_become
from ..domain.engine import Decision, TriageInputError
from ..domain.listing import ELSEWHERE_REASON, UNKNOWN_FLAG, ListingProblem, checked_unit
from ..domain.overrides import OverrideProblem, OverrideRefused, apply_override
from ..domain.patient import PatientFacts, Respondent, birth_date_of_personnummer, sex_of_personnummer
from ..domain.refusals import ContactRefused, InvalidRequest, NotFound, NotPermitted
from ..domain.registry import GuidelineRegistry
from . import guardianships, listings
from .decision_metrics import count_decision
from .unit_of_work import NewContact, Row, TriageRecord, UnitOfWork

# The console refreshes its queue every 10 s: each row it shows gets a log row once per staff member in this
# window, and every refresh after that is counted on it (500 new rows a refresh would bury what audits look for).
QUEUE_READ_WINDOW = timedelta(minutes=15)


async def register(
    uow: UnitOfWork,
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
) -> dict[str, Any]:
    """Registering a contact starts the guarantee clock at sought_at (day 0). The listing register says whether
    the guarantee applies here: listed here, listed elsewhere, or unknown (covered, and flagged for staff)."""
    respondent = None
    try:
        unit = checked_unit(unit)  # it goes out in events: an HSA-id and nothing else, whoever sends it
    except ListingProblem as problem:
        raise InvalidRequest(f"Enhet: {problem}", "invalid_unit") from problem
    if caller.is_citizen:
        personnummer = personnummer or caller.subject
        respondent = await guardianships.acting_for(uow, caller, _normalised(personnummer), now)
        sought_at = now  # a citizen's contact starts when they make it
    elif not caller.works_at(unit):
        raise NotPermitted("Du kan bara registrera kontakter på dina egna enheter.")
    if not personnummer:
        raise InvalidRequest("Ange patientens personnummer (ÅÅÅÅMMDD-NNNN).")
    checked_channel = rules.check_channel(channel, caller.is_citizen)
    sought_at = sought_at or now
    rules.check_sought_at(sought_at, now)
    normalised = _normalised(personnummer)
    patient = pseudonymiser.pseudonym(normalised)
    birth_date = birth_date_of_personnummer(normalised)
    await uow.patients.ensure([(patient, normalised, birth_date)])
    registered_by = (
        caller.subject if caller.is_staff else ("guardian" if respondent is Respondent.GUARDIAN else "patient")
    )
    sought_day = to_stockholm(sought_at).date()
    listed_unit, listing = await listings.at_registration(
        uow,
        caller,
        patient=patient,
        unit=unit,
        stated=listed_unit,
        sought_day=sought_day,
        now=now,
        by=registered_by,
    )
    contact_id = uuid.uuid4()
    await uow.contacts.add(
        NewContact(
            id=contact_id,
            patient=patient,
            unit=unit,
            listed_unit=listed_unit,
            listing=listing,
            channel=checked_channel,
            sought_at=sought_at,
            reason_code=reason_code,
            registered_by=registered_by,
            created_at=now,
        )
    )
    # Sex and age group for national reporting, from the personnummer on the day of contact; never the number.
    age = PatientFacts.born(birth_date, sought_day).age
    event = ContactRegistered(
        contact_id=str(contact_id),
        patient=patient,
        unit=unit,
        listed_unit=listed_unit,
        channel=checked_channel,
        sought_at=sought_at,
        reason_code=reason_code,
        listing=listing,
        sex=Sex(sex_of_personnummer(normalised).value),
        age_group=AgeGroup.of(age),
    )
    await uow.announce(event, subject=patient, time=now)
    return await contact_view(uow, contact_id, policy)


async def triage(
    uow: UnitOfWork,
    caller: Caller,
    registry: GuidelineRegistry,
    contact_id: uuid.UUID,
    *,
    answers: dict[str, Any],
    reason_code: str | None,
    override: dict[str, Any] | None,
    now: datetime,
    policy: CareGuaranteePolicy,
) -> dict[str, Any]:
    contact = await _visible(uow, caller, contact_id, lock=True, now=now)
    ensure_may_become(contact["status"], ContactStatus.TRIAGED)
    wanted = rules.check_override(override)
    if wanted and not caller.is_staff:
        raise NotPermitted("Bara personal kan avvika från riktlinjerna.")
    code = reason_code or contact["reason_code"]
    if not code:
        raise InvalidRequest("Välj vad kontakten gäller (kontaktorsak) innan den triageras.")
    try:
        guideline_decision = registry.evaluate(code, answers, patient_facts(contact, now), contact["channel"], now)
    except TriageInputError as wrong:
        raise InvalidRequest(str(wrong)) from wrong
    final = guideline_decision
    lowered: tuple[str, ...] = ()  # the red flags an override went below
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
            kind = NotPermitted if refused.problem is OverrideProblem.NEEDS_CLINICIAN else InvalidRequest
            raise kind(refused.message, refused.problem.value) from refused
        final, lowered = overridden.decision, overridden.lowered_red_flags
    decision, final_json = guideline_decision.model_dump(mode="json"), final.model_dump(mode="json")
    await uow.contacts.record_triage(
        TriageRecord(
            contact_id=contact_id,
            decided_at=now,
            decided_by=caller.subject if caller.is_staff else contact["registered_by"],
            answers=answers,
            guideline_decision=decision,
            final_decision=final_json,
            override_reason=wanted.reason if wanted else None,
            lowered_red_flags=lowered,
        )
    )
    await uow.contacts.mark_triaged(contact_id, code, final, red_flag_overridden=bool(lowered))
    event = _triaged_event(contact_id, final, wanted.reason if wanted else None, red_flag_overridden=bool(lowered))
    await uow.announce(event, subject=contact["patient"], time=now)
    count_decision("contact", final_json, contact["channel"], overridden=wanted is not None)
    return {
        "contact": await contact_view(uow, contact_id, policy),
        "decision": final_json,
        "guideline_decision": decision,
        "override_reason": wanted.reason if wanted else None,
        "lowered_red_flags": list(lowered),
    }


def _triaged_event(
    contact_id: uuid.UUID, final: Decision, override_reason: str | None, *, red_flag_overridden: bool
) -> ContactTriaged:
    """contact.triaged.v1 from the decision; the contract's RuleFired carries each fired rule, with its kind."""
    return ContactTriaged.model_validate(
        {
            "contact_id": str(contact_id),
            "urgency": final.urgency,
            "care_level": final.care_level,
            "profession": final.profession,
            "guarantee_applies": final.guarantee_applies,
            "guideline_version": final.guideline_version,
            "rules_fired": [
                {"rule_id": r.rule_id, "text": r.text, "deciding": r.deciding, "kind": r.kind}
                for r in final.rules_fired
            ],
            "override_reason": override_reason,
            "red_flag_overridden": red_flag_overridden,
            # Beyond the contract's fields, for the consumers that read them (the event model allows extras).
            "alternatives": [p.value for p in final.alternatives],
            "retts_colour": final.retts_colour.value if final.retts_colour else None,
        }
    )


def patient_facts(contact: Row, now: datetime) -> PatientFacts:
    """Age (in months too) and sex from the personnummer; a guardian answers for a child they registered."""
    respondent = Respondent.GUARDIAN if contact["registered_by"] == "guardian" else None
    return PatientFacts.born(
        contact["birth_date"], to_stockholm(now).date(), sex_of_personnummer(contact["personnummer"]), respondent
    )


async def record_assessment(
    uow: UnitOfWork,
    caller: Caller,
    contact_id: uuid.UUID,
    *,
    assessed_at: datetime,
    profession: str,
    contact_form: str,
    now: datetime,
    policy: CareGuaranteePolicy,
) -> dict[str, Any]:
    """A licensed professional's medical assessment stops the guarantee clock."""
    if caller.role != "clinician":
        raise NotPermitted("Bara legitimerad personal (rollen clinician) kan registrera en medicinsk bedömning.")
    contact = await _visible(uow, caller, contact_id, lock=True, now=now)
    ensure_may_become(contact["status"], ContactStatus.ASSESSED)
    checked_profession, checked_form = rules.check_assessment(
        profession, contact_form, assessed_at, contact["sought_at"], now
    )
    await uow.contacts.mark_assessed(contact_id, assessed_at=assessed_at, by=caller.subject)
    event = ContactAssessed(
        contact_id=str(contact_id), assessed_at=assessed_at, profession=checked_profession, contact_form=checked_form
    )
    await uow.announce(event, subject=contact["patient"], time=now)
    return await contact_view(uow, contact_id, policy)


async def close(
    uow: UnitOfWork,
    caller: Caller,
    contact_id: uuid.UUID,
    *,
    reason: str,
    now: datetime,
    policy: CareGuaranteePolicy,
) -> dict[str, Any]:
    contact = await _visible(uow, caller, contact_id, lock=True, now=now)
    checked_reason = rules.check_close_reason(reason, caller.is_citizen)
    ensure_may_become(contact["status"], ContactStatus.CLOSED)
    await uow.contacts.mark_closed(contact_id, at=now, reason=checked_reason)
    event = ContactClosed(contact_id=str(contact_id), reason=checked_reason, closed_at=now)
    await uow.announce(event, subject=contact["patient"], time=now)
    return await contact_view(uow, contact_id, policy)


async def queue(
    uow: UnitOfWork,
    caller: Caller,
    *,
    unit: str,
    status: ContactStatus | str | None,
    now: datetime,
    policy: CareGuaranteePolicy,
) -> list[dict[str, Any]]:
    """The console's queue: open contacts of one of the caller's units, the least guarantee time left first."""
    if not caller.is_staff or not caller.works_at(unit):
        raise NotPermitted("Du kan bara se kontakter på dina egna enheter.")
    rows = await uow.contact_views.queue(unit, ContactStatus(status) if status else None)
    views = [_view(row, now, policy) for row in rows]
    shown = [(view["patient"], f"contact/{view['id']}") for view in views]
    await uow.access_log.record_repeated_reads(caller, shown, action="contact queue", at=now, window=QUEUE_READ_WINDOW)
    return views


async def open_contact(
    uow: UnitOfWork, caller: Caller, contact_id: uuid.UUID, now: datetime, policy: CareGuaranteePolicy
) -> dict[str, Any]:
    """One contact with its triage history; every staff open is access-logged."""
    contact = await _visible(uow, caller, contact_id, now=now)
    if caller.is_staff:
        await uow.access_log.record_read(
            caller,
            patient=contact["patient"],
            action="open contact",
            resource=f"contact/{contact_id}",
            at=now,
        )
    history = await uow.contact_views.triage_history(contact_id)
    return {
        **_view(contact, now, policy),
        "triage_history": [
            {
                "decided_at": h["decided_at"].isoformat(),
                "decided_by": h["decided_by"],
                "answers": h["answers"],
                "decision": h["final_decision"],
                "guideline_decision": h["guideline_decision"],
                "override_reason": h["override_reason"],
                "lowered_red_flags": list(h["lowered_red_flags"]),
            }
            for h in history
        ],
    }


async def contact_view(uow: UnitOfWork, contact_id: uuid.UUID, policy: CareGuaranteePolicy) -> dict[str, Any]:
    row = await uow.contacts.get(contact_id)
    if row is None:
        raise NotFound("Vi hittar ingen sådan kontakt.")
    return _view(row, row["created_at"], policy)


async def _visible(uow: UnitOfWork, caller: Caller, contact_id: uuid.UUID, *, now: datetime, lock: bool = False) -> Row:
    """The contact, if the caller may see it: staff of its unit, the patient, or the patient's guardian."""
    row = await uow.contacts.get(contact_id, lock=lock)
    if row is None:
        raise NotFound("Vi hittar ingen sådan kontakt.")
    if caller.is_citizen:
        try:
            await guardianships.acting_for(uow, caller, row["personnummer"], now)
            return row
        except ContactRefused:
            raise NotFound("Vi hittar ingen sådan kontakt.") from None
    if not (caller.is_staff and caller.works_at(row["unit"])):
        raise NotFound("Vi hittar ingen sådan kontakt.")
    return row


def _view(row: Row, now: datetime, policy: CareGuaranteePolicy) -> dict[str, Any]:
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
        raise InvalidRequest(f"Personnumret går inte att använda: {invalid}") from invalid
