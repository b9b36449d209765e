"""Where to turn: the sentence that sends the patient on, for the care level, the channel and the hour.

Guideline authors write what to do about the problem; this module alone says where to go. So a
1177 caller is never told to ring 1177, nobody is sent to a closed vårdcentral at night or on a
Sunday, and a call_112 decision always says 112 while emergency_now says the emergency department.
When a guardian answers for a child, the sentences speak of the child ("barnet").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from nara.shared.events.vocabulary import CareLevel, Channel

from .guidelines import OfficeHours


@dataclass(frozen=True, slots=True)
class WhereToTurn:
    heading: str
    text: str
    phone: str | None = None  # a number the page offers to call: "112" or "1177"


_CITIZEN = {Channel.WEB, Channel.E_SERVICE}


def where_to_turn(
    level: CareLevel, channel: Channel, local: datetime, office_hours: OfficeHours, *, about_child: bool = False
) -> WhereToTurn:
    """The heading and sentence for this level on this channel at this Stockholm wall-clock time."""
    level, channel = CareLevel(level), Channel(channel)
    minute = local.hour * 60 + local.minute
    is_open = office_hours.contain(local.isoweekday(), minute)
    opens_later_today = (
        not is_open and local.isoweekday() in office_hours.weekdays and minute < office_hours.hours.start_minute
    )
    who = _CHILD if about_child else _ADULT
    if channel is Channel.EMERGENCY_DEPARTMENT:
        return _AT_THE_EMERGENCY_DEPARTMENT[level]
    if level == CareLevel.CALL_112:
        return _call_112(channel)
    if level == CareLevel.EMERGENCY_NOW:
        return _emergency_now(channel, who)
    if level == CareLevel.WITHIN_HOURS:
        return _within_hours(channel, is_open, who)
    if level == CareLevel.SAME_DAY:
        return _same_day(channel, is_open, opens_later_today, office_hours, who)
    if level == CareLevel.WITHIN_3_DAYS:
        text = "Boka en tid inom tre dagar." if channel in _CITIZEN else who["unit_3_days"]
        return WhereToTurn(who["needs_3_days"], text)
    if level == CareLevel.PLANNED:
        text = (
            "Boka en tid som passar."
            if channel in _CITIZEN
            else "Ni får en planerad tid på vårdcentralen."
            if about_child
            else "Du får en planerad tid på vårdcentralen."
        )
        return WhereToTurn("Du kan boka en tid som passar", text)
    return _self_care(channel, who)


_ADULT = {
    "ed": "Åk till närmaste akutmottagning nu. Kör inte själv. Ring 112 om du blir sämre eller inte kan ta dig dit "
    "på ett säkert sätt.",
    "assessed_hours": "Du får en bedömning på vårdcentralen inom några timmar.",
    "needs_hours": "Du behöver bedömas inom några timmar.",
    "ring_unit_hours": "Ring din vårdcentral nu, så får du en bedömning inom några timmar.",
    "jour": "Sök en jourmottagning (närakut) inom några timmar.",
    "jour_today": "Sök en jourmottagning (närakut) i dag",
    "needs_today": "Du behöver en tid i dag",
    "assessed_today": "Du behöver bedömas i dag",
    "unit_today": "Du får en tid på vårdcentralen i dag.",
    "needs_3_days": "Du behöver en tid inom 3 dagar",
    "unit_3_days": "Du får en tid på vårdcentralen inom tre dagar.",
    "self_care": "Du kan behandla dina besvär själv",
    "worse": "om du blir sämre eller inte blir bättre",
    "again": "Hör av dig till vårdcentralen igen",
}
_CHILD = {
    "ed": "Åk till närmaste akutmottagning med barnet nu. Ring 112 om barnet blir sämre eller om ni inte kan ta er "
    "dit på ett säkert sätt.",
    "assessed_hours": "Barnet bedöms på vårdcentralen inom några timmar.",
    "needs_hours": "Barnet behöver bedömas inom några timmar.",
    "ring_unit_hours": "Ring barnets vårdcentral nu, så bedöms barnet inom några timmar.",
    "jour": "Sök en jourmottagning (närakut) med barnet inom några timmar.",
    "jour_today": "Sök en jourmottagning (närakut) med barnet i dag",
    "needs_today": "Barnet behöver en tid i dag",
    "assessed_today": "Barnet behöver bedömas i dag",
    "unit_today": "Barnet får en tid på vårdcentralen i dag.",
    "needs_3_days": "Barnet behöver en tid inom 3 dagar",
    "unit_3_days": "Barnet får en tid på vårdcentralen inom tre dagar.",
    "self_care": "Du kan ta hand om barnets besvär hemma",
    "worse": "om barnet blir sämre eller inte blir bättre",
    "again": "Hör av er till vårdcentralen igen",
}


def _call_112(channel: Channel) -> WhereToTurn:
    if channel is Channel.PHONE_1177:
        return WhereToTurn("Ring 112 nu", "Ring 112 nu. Sjuksköterskan kan koppla samtalet direkt till 112.", "112")
    if channel in (Channel.RECEPTION, Channel.WALK_IN):
        return WhereToTurn("Larma 112 nu", "Larma 112 nu och lämna inte patienten ensam.", "112")
    return WhereToTurn("Ring 112 nu", "Ring 112 och berätta vad som har hänt. Vänta inte.", "112")


def _emergency_now(channel: Channel, who: dict[str, str]) -> WhereToTurn:
    if channel in (Channel.RECEPTION, Channel.WALK_IN):
        return WhereToTurn(
            "Till akutmottagningen nu",
            "Patienten ska till en akutmottagning nu. Ordna säker transport, och larma 112 om patienten blir sämre.",
            "112",
        )
    return WhereToTurn("Åk till en akutmottagning nu", who["ed"], "112")


def _within_hours(channel: Channel, is_open: bool, who: dict[str, str]) -> WhereToTurn:
    if is_open:
        if channel in _CITIZEN:
            return WhereToTurn(
                "Ring din vårdcentral nu",
                f"{who['ring_unit_hours']} Vänta inte på en tid via webben. Kommer du inte fram, ring 1177.",
                "1177",
            )
        if channel is Channel.PHONE_1177:
            return WhereToTurn(
                "Bedömning inom några timmar",
                f"{who['needs_hours']} Sjuksköterskan hjälper till med "
                "en tid på vårdcentralen eller en jourmottagning.",
            )
        return WhereToTurn("Bedömning inom några timmar", who["assessed_hours"])
    text = f"Vårdcentralen är stängd nu. {who['jour']}"
    heading = "Sök en jourmottagning inom några timmar"
    if channel in _CITIZEN:
        return WhereToTurn(heading, f"{text} Ring 1177 om du vill ha hjälp att hitta den närmaste.", "1177")
    if channel is Channel.PHONE_1177:
        return WhereToTurn(heading, f"{text} Sjuksköterskan hjälper till att hitta den närmaste.")
    return WhereToTurn(heading, text)


def _same_day(
    channel: Channel, is_open: bool, opens_later_today: bool, hours: OfficeHours, who: dict[str, str]
) -> WhereToTurn:
    if is_open or opens_later_today:
        when = "i dag" if is_open else f"när den öppnar i dag klockan {hours.hours.start}"
        if channel in _CITIZEN:
            return WhereToTurn(who["needs_today"], f"Boka en tid i dag, eller ring vårdcentralen {when}.")
        if channel is Channel.PHONE_1177:
            return WhereToTurn(who["needs_today"], f"Kontakta vårdcentralen {when}, så ges en tid i dag.")
        return WhereToTurn(who["needs_today"], who["unit_today"])
    text = (
        f"Vårdcentralen är stängd nu. {who['jour_today']}, eller kontakta vårdcentralen så snart den öppnar om "
        "besvären inte blir värre."
    )
    if channel in _CITIZEN:
        return WhereToTurn(who["assessed_today"], f"{text} Ring 1177 om du är osäker på vart du ska vända dig.", "1177")
    return WhereToTurn(who["assessed_today"], text)


def _self_care(channel: Channel, who: dict[str, str]) -> WhereToTurn:
    if channel in _CITIZEN:
        return WhereToTurn(
            who["self_care"],
            f"Följ råden nedan. Kontakta vårdcentralen {who['worse']}, eller ring 1177 när den är stängd.",
        )
    if channel is Channel.PHONE_1177:
        return WhereToTurn(
            who["self_care"],
            f"Följ råden. Kontakta vårdcentralen {who['worse']}; när den är stängd, sök en jourmottagning.",
        )
    return WhereToTurn(
        who["self_care"], f"Följ råden. {who['again']} {who['worse']}; när den är stängd, sök en jourmottagning."
    )


_AT_THE_EMERGENCY_DEPARTMENT = {
    CareLevel.CALL_112: WhereToTurn("Omedelbar bedömning", "Omedelbar bedömning av läkare på akutmottagningen."),
    CareLevel.EMERGENCY_NOW: WhereToTurn(
        "Bedömning på akutmottagningen", "Bedömning på akutmottagningen utan dröjsmål."
    ),
    CareLevel.WITHIN_HOURS: WhereToTurn(
        "Primärvård inom några timmar",
        "Kan tas om hand i primärvården inom några timmar: vårdcentralen när den är öppen, annars en jourmottagning.",
    ),
    CareLevel.SAME_DAY: WhereToTurn(
        "Primärvård i dag", "Kan tas om hand i primärvården i dag: vårdcentralen eller en jourmottagning."
    ),
    CareLevel.WITHIN_3_DAYS: WhereToTurn(
        "Vårdcentralen inom 3 dagar", "Hänvisa till vårdcentralen för en tid inom tre dagar."
    ),
    CareLevel.PLANNED: WhereToTurn("Planerad tid på vårdcentralen", "Hänvisa till vårdcentralen för en planerad tid."),
    CareLevel.SELF_CARE: WhereToTurn(
        "Egenvård", "Ingen akut bedömning behövs; ge egenvårdsråd. Kontakt med vårdcentralen vid försämring."
    ),
}
