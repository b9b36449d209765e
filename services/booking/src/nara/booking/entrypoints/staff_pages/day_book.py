"""The day's book (dagbok) page: one unit's day per practitioner, or per profession, with who each booked patient
is (asked of the triage service with the staff member's own token) and the actions each time allows."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nara.shared.clock import STOCKHOLM, to_stockholm
from nara.shared.web.labels import label
from nara.shared.web.login import Staff
from nara.shared.web.pages import Choice
from nara.shared.web.swedish import date_text

from ...adapters.triage_client import TriageClient, TriageRefused, TriageUnavailable
from ...domain.day_book import DayBook
from ...service.day_book import DayBookQuery, read_day_book, resource_of
from ..wiring import now_of, unit_of_work
from .day_book_place import DONE, read_place
from .day_book_rows import tables_of
from .kit import HOME, CurrentDesk, StaffRoute, page

router = APIRouter(prefix=HOME, route_class=StaffRoute, include_in_schema=False)
IDENTITIES_MISSING = (
    "Det gick inte att hämta patienternas personnummer just nu, så de visas inte. Tiderna och bokningarna stämmer. "
    "Ladda om sidan om en stund."
)


@router.get("/dagbok")
async def day_book_page(request: Request, desk: CurrentDesk) -> Response:
    """The book of one day; what the address names wrongly is said in the error summary, and today is shown.
    A refusal (a practitioner not at the unit) is a Swedish page (StaffRoute)."""
    now = now_of(request)
    place, errors = read_place(request.query_params, desk.unit, now)
    query = DayBookQuery(place.unit, place.day, place.practitioner, place.profession)
    async with unit_of_work(request) as uow:
        book = await read_day_book(uow, desk.requester, desk.staff.caller, query, now)
    identities, identities_failed = await _identities(request, desk.staff, book)
    return page(
        request,
        desk,
        "day_book.html",
        title=f"Dagbok {date_text(_noon(book), year=True)}",
        active="dagbok",
        errors=errors,
        status_code=422 if errors else 200,
        done=DONE.get(request.query_params.get("klart") or "", ""),
        book=book,
        place=place,
        day_text=date_text(_noon(book), year=True),
        tables=tables_of(book, identities, now),
        identities_missing=IDENTITIES_MISSING if identities_failed else "",
        previous_day=place.href(day=place.day - timedelta(days=1)),
        next_day=place.href(day=place.day + timedelta(days=1)),
        today=place.href(day=to_stockholm(now).date()),
        practitioner_choices=[Choice("", "Alla behandlare")]
        + [Choice(p.hsa_id, f"{p.name} ({label(p.profession, 'profession').lower()})") for p in book.everyone],
        profession_choices=[Choice("", "Alla yrkesgrupper"), *_professions(book)],
    )


def _professions(book: DayBook) -> list[Choice]:
    return sorted((Choice(p, label(p, "profession")) for p in book.professions), key=lambda choice: choice.label)


def _noon(book: DayBook) -> datetime:
    return datetime.combine(book.day, time(12), STOCKHOLM)


async def _identities(request: Request, staff: Staff, book: DayBook) -> tuple[dict[str, str], bool]:
    """Who each patient shown is, by pseudonym; (what was found, whether the triage service failed to answer)."""
    if not book.patients:
        return {}, False
    client = TriageClient(request.app.state.settings.triage_url)
    try:
        return await client.identities(staff.token, list(book.patients), purpose=resource_of(book)), False
    except (TriageUnavailable, TriageRefused):
        return {}, True
