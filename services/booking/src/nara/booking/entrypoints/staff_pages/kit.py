"""The staff's schedule pages at /personal/schema on the shared page kit: their site, templates, staff login, route
class, and the desk: who works, as which requester, on which of their units.

The login's units come from the care units table (plus the region's own office, where an administrator adds the
first unit), so a unit added on these pages can be logged in to at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from nara.shared.web.login import Staff, StaffLogin
from nara.shared.web.pages import Choice, PageKit, Site
from nara.shared.web.routing import PageRoute
from nara.shared.web.swedish import UNITS

from ...domain.errors import BookingRefused
from ...service.requester import Requester
from ...settings import BookingSettings
from ..problems import status_of
from ..staff_roles import staff_requester
from ..wiring import reads

HERE = Path(__file__).parent
HOME = "/personal/schema"
STYLES = f"{HOME}/kit"  # where the kit's staff.css is mounted (app.py)

SITE = Site(name="Nära", product="schema", home=HOME, home_link="Till schemat", stylesheets=[f"{STYLES}/staff.css"])
ROLES = {
    "scheduler": "Schemaläggare",
    "reception": "Reception",
    "clinician": "Legitimerad personal",
    "admin": "Administratör",
}
ROLE_HINTS = {
    "scheduler": "Lägger upp behandlare, tidtyper, veckoschema, stängda dagar och frånvaro, och flyttar bokningar.",
    "reception": "Ser dagboken, spärrar tider och bokar, avbokar och avslutar besök.",
    "clinician": "Som reception.",
    "admin": "Som schemaläggare, och lägger till nya enheter och regionens gemensamma tidtyper.",
}
# (key, path under HOME, text): the pages in the order they are used in a day.
NAVIGATION = (
    ("dagbok", "/dagbok", "Dagbok"),
    ("att-flytta", "/att-flytta", "Att flytta"),
    ("mallar", "/mallar", "Veckoschema"),
    ("stangt", "/stangt", "Stängt och frånvaro"),
    ("behandlare", "/behandlare", "Behandlare"),
    ("tidtyper", "/tidtyper", "Tidtyper"),
    ("enhet", "/enhet", "Enheten"),
    ("min-vard", "/min-vard", "Min vård"),
)

KIT = PageKit(
    HERE / "templates",
    SITE,
    template_globals={
        "ROLES": ROLES,
        "LOGIN_ROLES": [Choice(role, ROLES[role], hint) for role, hint in ROLE_HINTS.items()],
        "NAVIGATION": NAVIGATION,
        "HOME": HOME,
    },
)


async def unit_names(request: Request) -> dict[str, str]:
    """Every unit one may work at here: the care units by name, and the region's office for its administrators."""
    settings: BookingSettings = request.app.state.settings
    async with reads(request) as read:
        units = {unit.hsa_id: unit.name for unit in await read.views.care_units()}
    return {**units, settings.region_hsa_id: settings.region_name}


LOGIN = StaffLogin(
    home=HOME,
    cookie="nara_schema",
    purpose="schema-csrf",
    key_variable="BOOKING_PAGES_SECRET",
    units=UNITS,
    unit_source=unit_names,
    roles=ROLES,
    example_hsa_id="SE2321000115-P000000101",
    units_error="Välj minst en enhet du arbetar på.",
    role_error="Välj din roll: schemaläggare, reception, legitimerad personal eller administratör.",
    max_form_bytes=262_144,  # a pasted CSV file of practitioners or templates
)

CurrentStaff = Annotated[Staff, Depends(LOGIN.current_staff)]


@dataclass(frozen=True)
class Desk:
    """Who is working (the login and the use cases' requester), and the unit they work on now (?enhet=)."""

    staff: Staff
    requester: Requester
    unit: str
    unit_names: Mapping[str, str]

    @property
    def unit_name(self) -> str:
        return self.unit_names.get(self.unit, self.unit)

    @property
    def unit_choices(self) -> list[Choice]:
        """The person's units, for a switch between them."""
        return [Choice(unit, self.unit_names.get(unit, unit)) for unit in self.staff.units]

    @property
    def plans(self) -> bool:
        """May change this unit's set-up (a scheduler or administrator)."""
        return self.requester.may_plan(self.unit)

    def link(self, path: str, **query: str) -> str:
        """A path under HOME on this unit, e.g. desk.link("/dagbok", datum="2026-12-08")."""
        return f"{HOME}{path}?{urlencode({'enhet': self.unit, **query})}"


async def current_desk(
    request: Request,
    staff: CurrentStaff,
    enhet: Annotated[str | None, Query(max_length=40)] = None,
) -> Desk:
    requester = staff_requester(staff.caller)
    if requester is None:
        raise HTTPException(403, "Din roll kan inte använda schemat. Logga in som schemaläggare eller reception.")
    if enhet is not None and enhet not in staff.units:
        raise HTTPException(404, "Du arbetar inte på den enheten. Välj en av dina enheter.")
    unit = enhet or staff.units[0]
    return Desk(staff, requester, unit, await unit_names(request))


CurrentDesk = Annotated[Desk, Depends(current_desk)]


def page(
    request: Request,
    desk: Desk,
    template: str,
    *,
    title: str,
    active: str = "",
    errors: Sequence[tuple[str | None, str]] = (),
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A schedule page: the desk in the header and navigation, each error in the summary and beside its field."""
    return KIT.render(
        request,
        template,
        status_code=status_code,
        title=title,
        staff=desk.staff,
        desk=desk,
        active=active,
        errors=errors,
        **context,
    )


class StaffRoute(PageRoute):
    """Schedule pages answer with pages: a missing login redirects, a refusal is a Swedish sentence, never a 500."""

    kit = KIT
    login_home = HOME
    bad_address = "Något i adressen går inte att läsa, till exempel ett datum. Gå till schemat och försök igen."

    def answer(self, request: Request, error: Exception) -> Response | None:
        if isinstance(error, BookingRefused):
            return KIT.problem_page(request, "Det gick inte", error.message, status_code=status_of(error))
        return super().answer(request, error)
