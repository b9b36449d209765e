"""What a reminder says, in plain Swedish: the time (Stockholm), what kind of visit, the unit and its phone number,
and how to cancel or rebook: a link for a time that can still be changed on the web (the same rule the pages use),
otherwise the phone. No personnummer and no name: the message may be read by whoever holds the phone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from nara.shared.events.vocabulary import ContactForm
from nara.shared.messaging import Channel
from nara.shared.web.swedish import date_time

from ..domain.web_changes import terms_of
from .reminder_records import TimeToRemind


@dataclass(frozen=True)
class ReminderText:
    subject: str  # e-mail only
    body: str


def change_link(base_url: str, appointment_id: object) -> str:
    """The citizen's page of the time, where it is cancelled or rebooked (after logging in)."""
    return f"{base_url.rstrip('/')}/mina-tider/{appointment_id}"


def reminder_text(time: TimeToRemind, channel: Channel, *, now: datetime, base_url: str) -> ReminderText:
    when = date_time(time.start_at)
    web = terms_of(time.time_type, time.start_at).any_change(now)
    link = change_link(base_url, time.appointment_id)
    phone = time.unit_phone.strip()
    ring = f"ring {time.unit_name} på {phone}" if phone else f"kontakta {time.unit_name}"
    if channel is Channel.SMS:
        change = f"Avboka eller boka om: {link}" if web else f"Kan du inte komma? {_first_up(ring)} för att avboka."
        body = f"Påminnelse: {time.time_type.name} {when}, {time.unit_name}. {change} Svara inte på detta sms."
        return ReminderText("", body)
    where = _where(time)
    lines = [
        "Hej!",
        "",
        "Det här är en påminnelse om en bokad tid.",
        "",
        f"När: {when}",
        f"Vad: {time.time_type.name}",
        f"Var: {where}",
        "",
    ]
    if web:
        lines += [
            "Vill du avboka eller boka om tiden kan du göra det här, efter att du loggat in:",
            link,
            "",
            f"Du kan också {ring}.",
        ]
    else:
        lines += [f"Kan du inte komma? {_first_up(ring)} för att avboka, så att någon annan kan få tiden."]
    lines += ["", "Det går inte att svara på det här meddelandet.", "", f"Hälsningar {time.unit_name}"]
    return ReminderText(f"Påminnelse: bokad tid {when}", "\n".join(lines))


def _where(time: TimeToRemind) -> str:
    form = time.time_type.contact_form
    if form == ContactForm.PHONE:
        return f"{time.unit_name} ringer upp dig"
    if form == ContactForm.VIDEO:
        return f"Videomöte med {time.unit_name}"
    if form == ContactForm.HOME:
        return f"Hembesök från {time.unit_name}"
    if time.unit_address:
        return f"{time.unit_name}, {time.unit_address}"
    return time.unit_name


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]
