"""'Vill du ha en tidigare tid?': a citizen puts their own or their child's triaged contact on the waitlist (which
units, weekdays, parts of the day and ways of meeting suit, and how to be reached), changes it, or leaves it.
Linked from the times page when no time suits and from a booked coming time; a plain form, no JavaScript needed."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from nara.shared.events.vocabulary import ContactForm
from nara.shared.web.pages import Choice, see_other
from nara.shared.web.session import form_pairs, same_token

from ...domain.day_parts import DayPart
from ...domain.errors import BookingRefused, InvalidRequest
from ...domain.offers import OfferState
from ...domain.rules import TriagedContact
from ...domain.waitlist import Reach, ReachBy, Wishes
from ...service import offers as offer_cases
from ...service import waitlist as use_cases
from ...service.records import CareUnit
from ...service.requester import Requester
from ...service.waitlist_records import StoredEntry
from ..problems import status_of
from ..wiring import now_of, reads
from . import swedish
from .common import attempt
from .kit import BookingRoute, Errors, problem_page, show
from .patient_steps import household
from .session import MAX_FORM_BYTES, Citizen, CurrentCitizen, FormExpired
from .time_filters import DAY_PARTS

router = APIRouter(route_class=BookingRoute, include_in_schema=False)
WEEKDAY_NAMES = ["Måndag", "Tisdag", "Onsdag", "Torsdag", "Fredag", "Lördag", "Söndag"]
WORKDAYS = ("0", "1", "2", "3", "4")
PART_KEYS = {part: key for key, (part, _) in DAY_PARTS.items()}
REACH_CHOICES = [
    Choice(ReachBy.SMS.value, "Sms"),
    Choice(ReachBy.EMAIL.value, "E-post"),
    Choice(ReachBy.NONE.value, "Jag tittar själv på den här sidan"),
]
DONE = {"ja": "Du står i kö till en tidigare tid", "lamnat": "Du står inte längre i kö till en tidigare tid"}


def address_of(contact_id: str) -> str:
    """Where the link 'Vill du ha en tidigare tid?' leads, for this contact."""
    return f"/tidigare-tid/{contact_id}"


@dataclass
class Filled:
    """The form as the citizen filled it in (or as the entry says), and what is wrong with it."""

    units: list[str]
    weekdays: list[str]
    day_parts: list[str]
    contact_forms: list[str]
    reach_by: str = ""
    mobile: str = ""
    email: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of_entry(cls, entry: StoredEntry | None, contact: TriagedContact) -> Filled:
        if entry is None or not entry.waiting:
            home = [unit for unit in (contact.unit, contact.listed_unit) if unit]
            return cls(home[:1], list(WORKDAYS), list(DAY_PARTS), [ContactForm.CLINIC.value])
        reach = entry.reach
        return cls(
            sorted(entry.wishes.units),
            [str(day) for day in sorted(entry.wishes.weekdays)],
            [PART_KEYS[part] for part in DayPart if part in entry.wishes.day_parts],
            sorted(entry.wishes.contact_forms),
            reach.by.value,
            reach.address if reach.by is ReachBy.SMS and reach.address else "",
            reach.address if reach.by is ReachBy.EMAIL and reach.address else "",
        )

    def wishes(self) -> Wishes | None:
        """The wishes, or None with each wrong field's error set."""
        checks = [
            ("enhet", self.units, "Välj minst en vårdcentral."),
            ("dag", self.weekdays, "Välj minst en veckodag."),
            ("tid-pa-dagen", self.day_parts, "Välj minst en tid på dagen."),
            ("satt", self.contact_forms, "Välj minst ett sätt att träffas."),
        ]
        for name, chosen, message in checks:
            if not chosen:
                self.errors[name] = message
        if self.errors:
            return None
        try:
            return Wishes.of(
                self.units,
                [int(day) for day in self.weekdays if day.isdigit()],
                [DAY_PARTS[key][0] for key in self.day_parts if key in DAY_PARTS],
                self.contact_forms,
            )
        except InvalidRequest as wrong:
            self.errors["enhet"] = wrong.message
            return None

    def reach(self) -> Reach | None:
        if self.reach_by not in {choice.value for choice in REACH_CHOICES}:
            self.errors["nas"] = "Välj hur vi ska nå dig när en tidigare tid blir ledig."
            return None
        by = ReachBy(self.reach_by)
        try:
            return Reach.of(by, self.mobile if by is ReachBy.SMS else self.email)
        except InvalidRequest as wrong:
            self.errors["mobil" if by is ReachBy.SMS else "epost"] = wrong.message
            return None


async def _form(request: Request, citizen: Citizen) -> Filled:
    """The posted form, all values of the checkboxes; FormExpired without this session's CSRF token."""
    pairs = await form_pairs(request, MAX_FORM_BYTES)
    first = dict(reversed(pairs))
    if not same_token(citizen.csrf, first.get("csrf", "")):
        raise FormExpired()

    def every(name: str) -> list[str]:
        return [value for key, value in pairs if key == name]

    return Filled(
        every("enhet"),
        every("dag"),
        every("tid-pa-dagen"),
        every("satt"),
        first.get("nas", ""),
        first.get("mobil", "").strip(),
        first.get("epost", "").strip(),
    )


async def _actor(request: Request, citizen: Citizen) -> Requester:
    return (await household(request, citizen)).actor


def _not_found(request: Request, message: str) -> HTMLResponse:
    return problem_page(
        request,
        "Vi hittar inte ärendet",
        message,
        status_code=404,
        action=("/mina-tider", "Mina tider"),
        step="Se dina tider under Mina tider.",
    )


async def _page(
    request: Request,
    citizen: Citizen,
    contact: TriagedContact,
    entry: StoredEntry | None,
    filled: Filled,
    *,
    done: str | None = None,
    refused: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    async with reads(request) as read:
        units: list[CareUnit] = await read.views.care_units()
    offers, _ = await attempt(request, lambda uow: offer_cases.offers_of_contact(uow, contact.contact_id))
    open_offer = next((o for o in offers or [] if o.state is OfferState.OPEN), None)
    names = {unit.hsa_id: unit.name for unit in units}
    order = {"enhet": 0, "dag": 1, "tid-pa-dagen": 2, "satt": 3, "nas": 4, "mobil": 5, "epost": 6}
    fields = sorted(filled.errors, key=lambda name: order.get(name, 9))
    errors: Errors = [(name, filled.errors[name]) for name in fields] + ([(None, refused)] if refused else [])
    return await show(
        request,
        citizen,
        "waitlist.html",
        title="Vill du ha en tidigare tid?",
        active="mine",
        errors=errors,
        status_code=status_code,
        done=done,
        contact_id=contact.contact_id,
        offer=open_offer,
        entry=entry if entry is not None and entry.waiting else None,
        entry_units=[names.get(u, u) for u in sorted(entry.wishes.units)] if entry and entry.waiting else [],
        filled=filled,
        unit_choices=[Choice(unit.hsa_id, unit.name, hint=unit.address) for unit in units],
        weekday_choices=[Choice(str(n), name) for n, name in enumerate(WEEKDAY_NAMES)],
        part_choices=[Choice(key, words) for key, (_, words) in DAY_PARTS.items()],
        form_choices=[Choice(form.value, swedish.contact_form(form.value)) for form in ContactForm],
        reach_choices=REACH_CHOICES,
    )


async def _load(
    request: Request, actor: Requester, contact_id: str
) -> tuple[tuple[TriagedContact, StoredEntry | None] | None, BookingRefused | None]:
    found, refused = await attempt(request, lambda uow: use_cases.contact_and_entry(uow, actor, contact_id))
    return found, refused


@router.get("/tidigare-tid/{contact_id}")
async def waitlist_form(
    request: Request, citizen: CurrentCitizen, contact_id: str, klart: str | None = None
) -> HTMLResponse:
    found, refused = await _load(request, await _actor(request, citizen), contact_id)
    if found is None:
        return _not_found(request, refused.message if refused else "Vi hittar inte ärendet.")
    contact, entry = found
    return await _page(request, citizen, contact, entry, Filled.of_entry(entry, contact), done=DONE.get(klart or ""))


@router.post("/tidigare-tid/{contact_id}")
async def join_waitlist(request: Request, citizen: CurrentCitizen, contact_id: str) -> Response:
    filled = await _form(request, citizen)
    actor = await _actor(request, citizen)
    found, refused = await _load(request, actor, contact_id)
    if found is None:
        return _not_found(request, refused.message if refused else "Vi hittar inte ärendet.")
    contact, entry = found
    wishes, reach = filled.wishes(), filled.reach()
    if wishes is None or reach is None:
        return await _page(request, citizen, contact, entry, filled, status_code=400)
    now = now_of(request)
    _, refused = await attempt(
        request, lambda uow: use_cases.join(uow, actor, contact_id, wishes=wishes, reach=reach, now=now)
    )
    if refused is not None:
        return await _page(
            request, citizen, contact, entry, filled, refused=refused.message, status_code=status_of(refused)
        )
    return see_other(f"{address_of(contact_id)}?klart=ja")


@router.post("/tidigare-tid/{contact_id}/lamna")
async def leave_waitlist(request: Request, citizen: CurrentCitizen, contact_id: str) -> Response:
    await _form(request, citizen)  # only for its CSRF check
    actor = await _actor(request, citizen)
    now = now_of(request)
    _, refused = await attempt(request, lambda uow: use_cases.leave(uow, actor, contact_id, now=now))
    if refused is not None and refused.code != "not_found":
        return _not_found(request, refused.message)
    return see_other(f"{address_of(contact_id)}?klart=lamnat")
