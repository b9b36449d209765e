"""'Påminnelser': the citizen chooses how to be reminded before their booked times (sms, e-post or none), for
themselves or, as guardian, for a child (`?barn=1`: the household's first child). Linked from "Mina tider" and
from the booking confirmation; a plain form, no JavaScript needed."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from nara.shared.web.pages import Choice, see_other

from ...domain.errors import InvalidRequest
from ...domain.reminders import DEFAULT_REMINDER_HOURS
from ...domain.waitlist import Reach, ReachBy
from ...service import reminders as use_cases
from ...service.reminder_records import ReminderChoice
from ...service.requester import Requester
from ..wiring import now_of
from .common import attempt
from .kit import BookingRoute, problem_page, show
from .patient_steps import Household, household
from .session import Citizen, CurrentCitizen, checked_form

router = APIRouter(route_class=BookingRoute, include_in_schema=False)
ADDRESS = "/paminnelser"
CHOICES = [
    Choice(ReachBy.SMS.value, "Sms"),
    Choice(ReachBy.EMAIL.value, "E-post"),
    Choice(ReachBy.NONE.value, "Inga påminnelser"),
]


@dataclass(frozen=True)
class Person:
    """Whom the choice is for: the citizen (child 0) or one of their children (1, 2, ...)."""

    number: int
    pseudonym: str
    name: str | None  # the child's name; None for the citizen

    @property
    def query(self) -> str:
        return f"?barn={self.number}" if self.number else ""


@dataclass
class Filled:
    by: str = ""
    mobile: str = ""
    email: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, choice: ReminderChoice) -> Filled:
        reach = choice.reach
        return cls(
            reach.by.value if choice.chosen else "",
            reach.address or "" if reach.by is ReachBy.SMS else "",
            reach.address or "" if reach.by is ReachBy.EMAIL else "",
        )

    def reach(self) -> Reach | None:
        if self.by not in {choice.value for choice in CHOICES}:
            self.errors["satt"] = "Välj om du vill ha påminnelser med sms, med e-post eller inga påminnelser."
            return None
        by = ReachBy(self.by)
        try:
            return Reach.of(by, self.mobile if by is ReachBy.SMS else self.email)
        except InvalidRequest as wrong:
            self.errors["mobil" if by is ReachBy.SMS else "epost"] = wrong.message
            return None


def _people(family: Household, citizen: Citizen) -> list[Person]:
    children = [Person(n, pseudonym, name) for n, (pseudonym, name) in enumerate(family.names.items(), start=1)]
    return [Person(0, citizen.pseudonym, None), *children]


def _person(people: list[Person], barn: str | None) -> Person | None:
    if not barn:
        return people[0]
    return next((p for p in people if barn.isdigit() and p.number == int(barn)), None)


def _not_found(request: Request) -> HTMLResponse:
    return problem_page(
        request,
        "Vi hittar inte barnet",
        "Du kan bara välja påminnelser för dig själv och för dina barn under 18 år.",
        status_code=404,
        action=(ADDRESS, "Påminnelser"),
        step="Välj påminnelser för dig själv.",
    )


async def _page(
    request: Request,
    citizen: Citizen,
    people: list[Person],
    person: Person,
    choice: ReminderChoice,
    filled: Filled,
    *,
    done: bool = False,
    status_code: int = 200,
) -> HTMLResponse:
    order = ("satt", "mobil", "epost")
    return await show(
        request,
        citizen,
        "reminders.html",
        title="Påminnelser" if person.name is None else f"Påminnelser för {person.name}",
        active="mine",
        errors=[(name, filled.errors[name]) for name in order if name in filled.errors],
        status_code=status_code,
        done="Ditt val är sparat" if done else None,
        people=people,
        person=person,
        choice=choice,
        filled=filled,
        choices=CHOICES,
        hours=DEFAULT_REMINDER_HOURS,
    )


async def _load(request: Request, citizen: Citizen, barn: str | None) -> tuple[Requester, list[Person], Person | None]:
    """The citizen as actor (with the children they may act for today), the household, and whom it is for."""
    family = await household(request, citizen)
    people = _people(family, citizen)
    return family.actor, people, _person(people, barn)


@router.get(ADDRESS)
async def reminders_form(
    request: Request, citizen: CurrentCitizen, barn: str | None = None, klart: str | None = None
) -> HTMLResponse:
    actor, people, person = await _load(request, citizen, barn)
    if person is None:
        return _not_found(request)
    choice, _ = await attempt(request, lambda uow: use_cases.read_choice(uow, actor, person.pseudonym))
    return await _page(request, citizen, people, person, choice, Filled.of(choice), done=klart == "ja")


@router.post(ADDRESS)
async def choose_reminders(request: Request, citizen: CurrentCitizen, barn: str | None = None) -> Response:
    form = await checked_form(request, citizen)
    actor, people, person = await _load(request, citizen, barn)
    if person is None:
        return _not_found(request)
    filled = Filled(form.get("satt", ""), form.get("mobil", "").strip(), form.get("epost", "").strip())
    reach = filled.reach()
    if reach is None:
        choice, _ = await attempt(request, lambda uow: use_cases.read_choice(uow, actor, person.pseudonym))
        return await _page(request, citizen, people, person, choice, filled, status_code=400)
    now = now_of(request)
    _, refused = await attempt(request, lambda uow: use_cases.choose(uow, actor, person.pseudonym, reach, now=now))
    if refused is not None:
        return _not_found(request)
    return see_other(f"{ADDRESS}{person.query}{'&' if person.query else '?'}klart=ja")
