"""Custody as the system is told it: admins record it (standing in for the population register), and
every call a citizen makes for someone else is checked against it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from nara.shared.clock import to_stockholm
from nara.shared.identity.caller import Caller
from nara.shared.personnummer import InvalidPersonnummer, normalise

from ..domain.guardianship import NotYourChild, Ward, ensure_may_act_for, minors
from ..domain.patient import Respondent
from ..domain.refusals import InvalidRequest, NotFound, NotPermitted
from .unit_of_work import UnitOfWork


def _personnummer(raw: str, what: str) -> str:
    try:
        return normalise(raw)
    except InvalidPersonnummer as invalid:
        raise InvalidRequest(f"{what}: personnumret går inte att använda ({invalid}).") from invalid


def _admin(caller: Caller) -> None:
    if caller.role != "admin":
        raise NotPermitted("Bara administratörer kan registrera vårdnad.")


async def tell(
    uow: UnitOfWork, caller: Caller, *, guardian: str, child: str, child_name: str | None, now: datetime
) -> dict[str, Any]:
    """Record that `guardian` has custody of `child` (under 18)."""
    _admin(caller)
    guardian_pnr, child_pnr = _personnummer(guardian, "Vårdnadshavaren"), _personnummer(child, "Barnet")
    if guardian_pnr == child_pnr:
        raise InvalidRequest("Vårdnadshavaren och barnet kan inte vara samma person.")
    if not Ward(child_pnr, None).is_minor(to_stockholm(now).date()):
        raise InvalidRequest("Barnet är 18 år eller äldre; vårdnaden har upphört.")
    name = (child_name or "").strip() or None
    if name is not None and len(name) > 100:
        raise InvalidRequest("Barnets namn får vara högst 100 tecken.")
    created = await uow.guardianships.record(
        guardian=guardian_pnr, child=child_pnr, child_name=name, at=now, by=caller.subject
    )
    return {"created": created, "child_name": name}


async def end(uow: UnitOfWork, caller: Caller, *, guardian: str, child: str) -> dict[str, Any]:
    _admin(caller)
    ended = await uow.guardianships.end(
        guardian=_personnummer(guardian, "Vårdnadshavaren"), child=_personnummer(child, "Barnet")
    )
    if not ended:
        raise NotFound("Det finns ingen sådan vårdnad registrerad.")
    return {"ended": True}


async def children(uow: UnitOfWork, caller: Caller, now: datetime) -> list[dict[str, Any]]:
    """The logged-in citizen's children under 18, with what the pages need to triage and book for them."""
    if not caller.is_citizen:
        raise NotPermitted("Bara en inloggad invånare kan se sina barn.")
    today = to_stockholm(now).date()
    return [_ward_view(ward, today) for ward in minors(await uow.guardianships.wards_of(caller.subject), today)]


async def acting_for(uow: UnitOfWork, caller: Caller, personnummer: str, now: datetime) -> Respondent:
    """Whether a citizen acts for themselves or as guardian; NotPermitted if neither."""
    try:
        return ensure_may_act_for(
            caller.subject, personnummer, await uow.guardianships.wards_of(caller.subject), to_stockholm(now).date()
        )
    except NotYourChild as refused:
        raise NotPermitted(str(refused)) from refused


def _ward_view(ward: Ward, today: date) -> dict[str, Any]:
    facts = ward.facts(today)
    return {
        "personnummer": ward.personnummer,
        "name": ward.name,
        "birth_date": ward.birth_date.isoformat(),
        "age": facts.age,
        "age_months": facts.age_months,
        "sex": facts.sex,
    }
