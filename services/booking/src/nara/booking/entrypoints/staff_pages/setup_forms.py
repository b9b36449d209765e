"""The set-up pages' forms: a posted form read into the API's own request shapes (entrypoints/setup_models.py), so
page and API keep the same rules, with a Swedish sentence beside each wrong field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeVar

from fastapi import HTTPException
from pydantic import BaseModel, ValidationError

from nara.shared.web.pages import Choice
from nara.shared.web.session import Form

from ...domain.schedule import BookingChannel
from ..setup_models import OpeningHoursModel
from .kit import Desk

Model = TypeVar("Model", bound=BaseModel)
Errors = list[tuple[str | None, str]]

WEEKDAYS = {1: "Måndag", 2: "Tisdag", 3: "Onsdag", 4: "Torsdag", 5: "Fredag", 6: "Lördag", 7: "Söndag"}
BOOKING_CHANNELS = [
    Choice(BookingChannel.WEB, "Alla på webben", "Vem som helst kan boka tiden i webbtidboken."),
    Choice(
        BookingChannel.TRIAGED,
        "Bara efter bedömning",
        "Syns på webben bara för den som har bedömts och hänvisats till yrket.",
    ),
    Choice(BookingChannel.STAFF, "Bara personal", "Syns inte på webben: personalen bokar tiden åt patienten."),
]
BOOKING_CHANNEL_LABELS = {choice.value: choice.label for choice in BOOKING_CHANNELS}
_WALL_CLOCK = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")


def validated(
    model: type[Model], data: Mapping[str, Any], messages: Mapping[str, str], whole_form_field: str | None = None
) -> tuple[Model | None, Errors]:
    """The form as the model, or one Swedish error per wrong field in the order of `messages`: our validators' own
    sentence, else the field's in `messages` (pydantic's are English); the whole form's goes to `whole_form_field`."""
    try:
        return model.model_validate(dict(data)), []
    except ValidationError as invalid:
        errors: Errors = []
        seen: set[str | None] = set()
        for item in invalid.errors():
            field = str(item["loc"][0]) if item["loc"] else whole_form_field
            if field in seen:
                continue
            seen.add(field)
            own = str(item["msg"]).removeprefix("Value error, ") if item["type"] == "value_error" else None
            errors.append((field, own or messages.get(field or "", "Kontrollera uppgiften.")))
        in_page_order = list(messages)  # the summary lists the errors in the order the fields come
        return None, sorted(errors, key=lambda e: in_page_order.index(e[0]) if e[0] in in_page_order else 99)


def ensure_plans(desk: Desk) -> None:
    """Only the unit's scheduler or administrator sees and sends the set-up's forms; the others read."""
    if not desk.plans:
        raise HTTPException(403, "Bara enhetens schemaläggare kan ändra det här. Du kan läsa uppgifterna.")


def optional(value: str) -> str | None:
    return value or None


def opening_hours(form: Form) -> tuple[list[OpeningHoursModel], dict[str, str], Errors]:
    """Opens and closes per weekday (opens-1 .. closes-7); both empty: closed that day. Accepts 8:00 and 08.00."""
    hours: list[OpeningHoursModel] = []
    values: dict[str, str] = {}
    errors: Errors = []
    for day, name in WEEKDAYS.items():
        opens, closes = form.get(f"opens-{day}"), form.get(f"closes-{day}")
        values |= {f"opens-{day}": opens, f"closes-{day}": closes}
        if not opens and not closes:
            continue
        if not opens or not closes:
            field = f"opens-{day}" if not opens else f"closes-{day}"
            errors.append((field, f"{name}: ange både när ni öppnar och stänger, eller lämna båda tomma om stängt."))
            continue
        parsed = [_wall_clock(opens), _wall_clock(closes)]
        if parsed[0] is None or parsed[1] is None:
            field = f"opens-{day}" if parsed[0] is None else f"closes-{day}"
            errors.append((field, f"{name}: skriv tiden som TT:MM, till exempel 08:00."))
            continue
        if parsed[1] <= parsed[0]:
            errors.append((f"closes-{day}", f"{name}: stängningstiden måste vara senare än öppningstiden."))
            continue
        hours.append(OpeningHoursModel(weekday=day, opens=parsed[0], closes=parsed[1]))
    return hours, values, errors


def _wall_clock(text: str) -> str | None:
    found = _WALL_CLOCK.match(text)
    return f"{int(found[1]):02d}:{found[2]}" if found else None
