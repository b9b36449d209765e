"""The listing register: looked up at every registration, and kept by admins' imports, staff and the citizen's own
web contact. When an unknown listing becomes known, the contacts waiting for it are resolved and announced."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from nara.shared.clock import to_stockholm
from nara.shared.events.models import ContactListingResolved
from nara.shared.events.vocabulary import ListingStatus
from nara.shared.identity.caller import Caller
from nara.shared.personnummer import InvalidPersonnummer, normalise
from nara.shared.pseudonym import Pseudonymiser

from ..domain.listing import (
    ListingProblem,
    ListingSource,
    checked_listed_from,
    checked_unit,
    listing_status,
    may_read,
    may_record,
    should_replace,
)
from ..domain.listing_file import MAX_ERRORS_LISTED, decode, read_listing_file
from ..domain.patient import birth_date_of_personnummer
from ..domain.refusals import InvalidRequest, NotFound, NotPermitted, TooLarge
from .unit_of_work import Row, UnitOfWork

# The regional export of one unit or a few (about 45 bytes a row: some 180,000 rows); larger exports are split.
MAX_IMPORT_BYTES = 8 * 1024 * 1024


async def at_registration(
    uow: UnitOfWork,
    caller: Caller,
    *,
    patient: str,
    unit: str,
    stated: str | None,
    sought_day: date,
    now: datetime,
    by: str,
) -> tuple[str | None, ListingStatus]:
    """Where the patient is listed as the contact is registered, and what that means for the guarantee.

    The register decides. A citizen's web contact records the unit they chose (or name) when nothing is known;
    staff who state the listing record it. Otherwise an unknown listing stays unknown: covered, and flagged."""
    known = await uow.listings.listing_of(patient, lock=True)
    if caller.is_citizen:
        if known is not None:
            return known.unit, listing_status(unit, known.unit)
        try:
            chosen = checked_unit(stated) if stated else unit
        except ListingProblem:
            chosen = unit  # a citizen's web page sent something odd: the unit they chose is what they meant
        await uow.listings.record_if_unknown(
            patient=patient, unit=chosen, listed_from=sought_day, source=ListingSource.WEB, at=now, by=by
        )
        return chosen, listing_status(unit, chosen)
    if stated:
        try:
            listed = checked_unit(stated)
        except ListingProblem as problem:
            raise InvalidRequest(f"Listad enhet: {problem}", "invalid_listed_unit") from problem
        if known is None or known.unit != listed:
            await uow.listings.record(
                patient=patient,
                unit=listed,
                listed_from=sought_day,
                source=ListingSource.ADMIN if str(caller.role) == "admin" else ListingSource.STAFF,
                at=now,
                by=caller.subject,
            )
        return listed, listing_status(unit, listed)
    listed_unit = known.unit if known else None
    return listed_unit, listing_status(unit, listed_unit)


async def record(
    uow: UnitOfWork,
    caller: Caller,
    pseudonymiser: Pseudonymiser,
    *,
    personnummer: str,
    unit: str,
    listed_from: date | None,
    now: datetime,
) -> dict[str, Any]:
    """Staff or an admin record where a patient is listed; open contacts waiting for it are resolved."""
    normalised = _personnummer(personnummer)
    patient = pseudonymiser.pseudonym(normalised)
    today = to_stockholm(now).date()
    try:
        unit = checked_unit(unit)
    except ListingProblem as problem:
        raise InvalidRequest(str(problem), "invalid_unit") from problem
    try:
        since = checked_listed_from(listed_from, today)
    except ListingProblem as problem:
        raise InvalidRequest(str(problem), "invalid_listed_from") from problem
    has_contact = await uow.contact_views.has_contact_at(patient, caller.units) if caller.is_staff else False
    existing = await uow.listings.listing_of(patient, lock=True)
    if not may_record(
        str(caller.role),
        works_at_new_unit=caller.works_at(unit),
        has_contact_at_own_unit=has_contact,
        listed_at_another_unit=existing is not None and not caller.works_at(existing.unit),
    ):
        raise NotPermitted(
            "Du kan registrera listning på dina egna enheter för patienter som inte är listade "
            "på en annan enhet, eller för en patient som har en kontakt hos er. Andra "
            "listningar registrerar en administratör.",
        )
    await uow.patients.ensure([(patient, normalised, birth_date_of_personnummer(normalised))])
    source = ListingSource.ADMIN if str(caller.role) == "admin" else ListingSource.STAFF
    await uow.listings.record(patient=patient, unit=unit, listed_from=since, source=source, at=now, by=caller.subject)
    resolved = await resolve_waiting_contacts(uow, {patient: unit}, now)
    row = await uow.listings.listing_row(patient)
    if row is None:  # recorded a moment ago, in this very unit of work
        raise NotFound("Vi hittar ingen listning för patienten som du kan se.")
    return {**listing_view(row, normalised), "created": existing is None, "contacts_resolved": resolved}


async def read(
    uow: UnitOfWork, caller: Caller, pseudonymiser: Pseudonymiser, *, personnummer: str, now: datetime
) -> dict[str, Any]:
    """Where a patient is listed (`known` false when the register does not know); every staff read is
    access-logged, of an unknown listing too."""
    normalised = _personnummer(personnummer)
    patient = pseudonymiser.pseudonym(normalised)
    row = await uow.listings.listing_row(patient)
    has_contact = await uow.contact_views.has_contact_at(patient, caller.units) if caller.is_staff else False
    if not caller.is_staff or not may_read(
        str(caller.role),
        listed_at_own_unit=row is not None and caller.works_at(row["unit"]),
        has_contact_at_own_unit=has_contact,
    ):
        raise NotFound("Vi hittar ingen listning för patienten som du kan se.")
    await uow.access_log.record_read(caller, patient=patient, action="read listing", resource="listing", at=now)
    if row is None:  # an answer too ("the register does not know"), and logged as the read it is
        return {
            "patient": normalised,
            "known": False,
            "unit": None,
            "listed_from": None,
            "source": None,
            "updated_at": None,
            "updated_by": None,
        }
    return listing_view(row, normalised)


async def import_file(
    uow: UnitOfWork, caller: Caller, pseudonymiser: Pseudonymiser, *, content: bytes, now: datetime
) -> dict[str, Any]:
    """An admin imports the regional listing system's export: every row checked first, then all stored or none."""
    if str(caller.role) != "admin":
        raise NotPermitted("Bara administratörer kan importera listningar.")
    if len(content) > MAX_IMPORT_BYTES:
        raise TooLarge(
            f"Filen är större än {MAX_IMPORT_BYTES // (1024 * 1024)} MB. Dela upp den i flera filer.",
            "file_too_large",
        )
    read_file = read_listing_file(decode(content), to_stockholm(now).date())
    if read_file.errors:
        lines = {e.line for e in read_file.errors if e.column is not None}
        detail = (
            (
                f"Filen importerades inte: {_rows_text(len(lines))} har fel. Ingenting är sparat. Rätta raderna "
                "och skicka hela filen igen."
            )
            if lines
            else f"Filen importerades inte. Ingenting är sparat. {read_file.errors[0].message}"
        )
        raise InvalidRequest(
            detail, "invalid_listing_file", errors=[e.as_dict() for e in read_file.errors[:MAX_ERRORS_LISTED]]
        )
    rows = [(pseudonymiser.pseudonym(r.personnummer), r) for r in read_file.rows]
    await uow.patients.ensure(
        [(patient, r.personnummer, birth_date_of_personnummer(r.personnummer)) for patient, r in rows]
    )
    existing = await uow.listings.listings_of([patient for patient, _ in rows])
    replaced: list[tuple[str, str, date]] = []
    final: dict[str, str] = {}
    kept_newer = 0
    for patient, row in rows:
        before = existing.get(patient)
        if before is None or should_replace(before, row.listed_from, row.unit):
            replaced.append((patient, row.unit, row.listed_from))
            final[patient] = row.unit
        else:
            final[patient] = before.unit
            kept_newer += before.unit != row.unit or before.listed_from != row.listed_from
    await uow.listings.record_many(replaced, source=ListingSource.IMPORT, at=now, by=f"import:{caller.subject}")
    created = sum(1 for patient, _, _ in replaced if patient not in existing)
    return {
        "rows": len(rows),
        "created": created,
        "updated": len(replaced) - created,
        "unchanged": len(rows) - len(replaced) - kept_newer,
        "kept_newer": kept_newer,
        "contacts_resolved": await resolve_waiting_contacts(uow, final, now),
    }


async def resolve_waiting_contacts(uow: UnitOfWork, listed: dict[str, str], now: datetime) -> int:
    """Open contacts registered while their patient's listing was unknown take the now known listing, and the
    guarantee monitor is told. Returns how many."""
    waiting = await uow.contact_views.waiting_for_listing(list(listed))
    for contact in waiting:
        listed_unit = listed[contact["patient"]]
        status = listing_status(contact["unit"], listed_unit)
        await uow.contacts.resolve_listing(contact["id"], listed_unit=listed_unit, listing=status, at=now)
        event = ContactListingResolved(
            contact_id=str(contact["id"]), listed_unit=listed_unit, listing=status, resolved_at=now
        )
        await uow.announce(event, subject=contact["patient"], time=now)
    return len(waiting)


async def record_for_contact(
    uow: UnitOfWork,
    caller: Caller,
    pseudonymiser: Pseudonymiser,
    contact_id: uuid.UUID,
    *,
    unit: str,
    listed_from: date | None,
    now: datetime,
) -> dict[str, Any]:
    """The console's way to resolve "listning okänd": record the listing of the contact's patient."""
    personnummer = await uow.contact_views.personnummer_of_contact(contact_id, caller.units)
    if personnummer is None:
        raise NotFound("Vi hittar ingen sådan kontakt.")
    return await record(
        uow, caller, pseudonymiser, personnummer=personnummer, unit=unit, listed_from=listed_from, now=now
    )


def listing_view(row: Row, personnummer: str) -> dict[str, Any]:
    return {
        "patient": personnummer,
        "known": True,
        "unit": row["unit"],
        "listed_from": row["listed_from"].isoformat() if row["listed_from"] else None,
        "source": row["source"],
        "updated_at": row["updated_at"].isoformat(),
        "updated_by": row["updated_by"],
    }


def _rows_text(count: int) -> str:
    return "1 rad" if count == 1 else f"{count} rader"


def _personnummer(raw: str) -> str:
    try:
        return normalise(raw)
    except InvalidPersonnummer as invalid:
        raise InvalidRequest(f"Personnumret går inte att använda: {invalid}") from invalid
