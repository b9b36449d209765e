"""The groups the contact reasons are listed in, as 1177 groups its "Sjukdomar och besvär" by body area and kind
(https://www.1177.se/sjukdomar--besvar/: e.g. "Lungor och luftvägar", "Njurar och urinvägar", "Psykiska
sjukdomar och besvär", "Skador, förgiftningar och brännskador"), so a person who does not search can still scan.

A reason names its group in its file (`group: urinary_tract`); the order here is the order on the page.
"""

from __future__ import annotations

from typing import Literal, get_args

ReasonGroup = Literal[
    "infections",
    "airways",
    "ear_nose_throat_mouth",
    "heart_circulation",
    "brain_nerves",
    "stomach_bowel",
    "urinary_tract",
    "genitals_pregnancy",
    "skin",
    "allergy",
    "eyes",
    "muscles_joints",
    "injuries",
    "mental_health",
    "infants",
    "general",
    "errands",
]

GROUP_TITLES: dict[str, str] = {
    "infections": "Feber och infektioner",
    "airways": "Lungor och luftvägar",
    "ear_nose_throat_mouth": "Öron, näsa, hals och mun",
    "heart_circulation": "Hjärta och blodkärl",
    "brain_nerves": "Hjärna och nerver",
    "stomach_bowel": "Mage och tarm",
    "urinary_tract": "Njurar och urinvägar",
    "genitals_pregnancy": "Underliv, könsorgan och graviditet",
    "skin": "Hud, hår och naglar",
    "allergy": "Allergier och överkänslighet",
    "eyes": "Ögon",
    "muscles_joints": "Skelett, leder och muskler",
    "injuries": "Skador, förgiftningar och brännskador",
    "mental_health": "Psykisk hälsa",
    "infants": "Spädbarn",
    "general": "Allmänna besvär",
    "errands": "Recept, intyg, provsvar och vaccination",
}
GROUP_ORDER: tuple[str, ...] = get_args(ReasonGroup)
