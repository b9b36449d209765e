"""The advice page's words when a time can be booked on the web, worked out from the triage decision alone, so that
heading, lead and button never disagree (issue 17): the time frame follows the care level ("i dag" is never put
beside "inom 3 dagar"), the heading names every profession that may be booked, and a bookable level never says
"ring vårdcentralen" beside the booking button. When the unit is closed, the triage's own words about the
jourmottagning stay: safety advice is never dropped for tidier text.
"""

from __future__ import annotations

from dataclasses import dataclass

from nara.shared.events.vocabulary import CareLevel

from . import swedish

WHEN: dict[str, str] = {
    CareLevel.SAME_DAY: "i dag",
    CareLevel.WITHIN_3_DAYS: "inom 3 dagar",
    CareLevel.PLANNED: "som passar",
}


@dataclass(frozen=True)
class BookableAdvice:
    heading: str
    lead: str
    notice: str = ""  # the triage's own warning, kept when it sends the person elsewhere first (unit closed)


def bookable_advice(
    level: str,
    profession: str,
    alternatives: list[str],
    *,
    guarantee_applies: bool,
    is_child: bool,
    turn_text: str = "",
) -> BookableAdvice:
    """'Du kan träffa en läkare eller sjuksköterska' / 'Boka en tid inom 3 dagar. Vårdgarantin gäller: …'."""
    whom = "Barnet" if is_child else "Du"
    who = [swedish.profession(p) for p in [profession, *alternatives] if swedish.profession(p)]
    who = list(dict.fromkeys(who))
    if len(who) > 1:
        heading = f"{whom} kan träffa en {swedish.either_or(who)}"
    else:
        heading = f"{whom} bör träffa en {who[0] if who else 'läkare eller sjuksköterska'}"
    lead = f"Boka en tid {WHEN.get(level, 'som passar')}."
    if level == CareLevel.WITHIN_3_DAYS and guarantee_applies:
        lead += f" Vårdgarantin gäller: {'barnet' if is_child else 'du'} ska få en medicinsk bedömning inom 3 dagar."
    notice = turn_text if "jourmottagning" in turn_text else ""
    return BookableAdvice(heading, lead, notice)
