"""Who a pseudonym is: the personnummer behind each, for staff who show their unit's patients (booking's day's
book); triage alone keeps the mapping, and every patient answered is access-logged here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from nara.shared.identity.caller import Caller

from ..domain.identity_access import may_ask_for_identities, may_see_identity
from ..domain.refusals import NotPermitted
from .unit_of_work import UnitOfWork

MAX_PSEUDONYMS = 200  # a full day's book of a large unit
READ_ACTION = "read identity"


async def identities(
    uow: UnitOfWork, caller: Caller, pseudonyms: Sequence[str], *, purpose: str, now: datetime
) -> dict[str, Any]:
    """The personnummer of each pseudonym the caller may see (others, and unknown ones, are left out, never
    hinted at), each answered one access-logged."""
    if not may_ask_for_identities(str(caller.role)):
        raise NotPermitted("Bara vårdpersonal kan se vilka patienterna är.", "not_care_staff")
    found = await uow.patients.identities(list(dict.fromkeys(pseudonyms)), caller.units)
    shown = [
        row
        for row in found
        if may_see_identity(
            str(caller.role), listed_at_own_unit=row["listed_here"], has_contact_at_own_unit=row["contact_here"]
        )
    ]
    for row in shown:
        await uow.access_log.record_read(caller, patient=row["pseudonym"], action=READ_ACTION, resource=purpose, at=now)
    return {"identities": [{"pseudonym": row["pseudonym"], "personnummer": row["personnummer"]} for row in shown]}
